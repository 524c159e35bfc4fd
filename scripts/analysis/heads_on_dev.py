#!/usr/bin/env python3
"""Can per-label heads on sentence embeddings add to the cue lexicon on the dev set? (issue 3)

Trains one logistic regression per label (scikit-learn, class-balanced) on the labelled training
passages (target/train/labelled.jsonl: synthetic, Webis set 0, Reddit; never the dev set), on either
the static embeddings or full MiniLM embeddings, and reports on the dev set:
  1. ranking quality of each head against the gold paragraphs (average precision; base rate = support);
  2. the cue detector's hits extended by head hits (a head fires above the q-quantile of its own
     probabilities on unlabelled fiction, a label-free per-label calibration), and cue hits vetoed
     below a lower quantile, with one global q;
  3. the best of those settings chosen per label (labels with >= 30 gold paragraphs), scored in-sample
     and with leave-one-excerpt-out cross-validation of the choice.
Inputs are made by scripts/analysis/run.sh. Paragraph macro F1 is exact; excerpt macro F1 approximates
the document policy (an excerpt has a label when one of its paragraphs does).
"""
import json
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression

W = sys.argv[1]  # work folder from run.sh
SHARED = sys.argv[2]
KIND = sys.argv[3]  # static | minilm
D = 384

tax = [l["id"] for l in json.load(open(f"{SHARED}/spec/taxonomy.json"))["labels"]]
load = lambda name: np.fromfile(f"{W}/{name}_{KIND}.f32", dtype=np.float32).reshape(-1, D)
Xtr, Xdv, Xun = load("train"), load("dev"), load("fiction")
ex = [json.loads(l) for l in open(f"{W}/labelled.jsonl")]
gold = {}
for l in open(f"{SHARED}/eval/dev/gold.jsonl"):
    d = json.loads(l)
    gold[d["id"]] = {int(k): v for k, v in d["paragraphs"].items()}
cue = {}
for l in open(f"{W}/cue-dev.jsonl"):
    d = json.loads(l)
    cue[d["id"]] = {int(k): v for k, v in d["paragraphs"].items()}
rows = [(json.loads(l)["id"], i) for l in open(f"{SHARED}/eval/dev/docs.jsonl") for i, _ in enumerate(json.loads(l)["paragraphs"])]
docid = np.array([d for d, _ in rows])
Y = np.array([[int(t in gold[d].get(i, {})) for t in tax] for d, i in rows])
C = np.array([[int(t in cue[d].get(i, {})) for t in tax] for d, i in rows])
present = Y.sum(0) > 0

mu, sd = Xtr.mean(0), Xtr.std(0) + 1e-6
heads = {}
for j, t in enumerate(tax):
    known = [e["known"] is None or t in e["known"] or t in e["labels"] for e in ex]
    y = np.array([int(t in e["labels"]) for e in ex])[known]
    if y.sum() >= 3:
        heads[j] = LogisticRegression(C=0.1, class_weight="balanced", max_iter=3000).fit(((Xtr - mu) / sd)[known], y)


def probabilities(X):
    out = np.zeros((len(X), len(tax)))
    for j, clf in heads.items():
        out[:, j] = clf.predict_proba((X - mu) / sd)[:, 1]
    return out


P, Pun = probabilities(Xdv), probabilities(Xun)


def ap(y, s):
    o = np.argsort(-s)
    y = y[o]
    return float((np.cumsum(y) / np.arange(1, len(y) + 1) * y).sum() / max(1, y.sum()))


def f1(pred, mask=None):
    m = np.ones(len(Y), bool) if mask is None else mask
    tp, fp, fn = (pred & Y)[m].sum(0), (pred & (1 - Y))[m].sum(0), ((1 - pred) & Y)[m].sum(0)
    return float(np.where(tp > 0, 2 * tp / np.maximum(1, 2 * tp + fp + fn), 0.0)[present].mean())


docs = sorted(set(docid))
idx = {d: np.where(docid == d)[0] for d in docs}


def excerpt_f1(pred):
    E = np.array([pred[idx[d]].max(0) for d in docs])
    G = np.array([Y[idx[d]].max(0) for d in docs])
    tp, fp, fn = (E & G).sum(0), (E & (1 - G)).sum(0), ((1 - E) & G).sum(0)
    return float(np.where(tp > 0, 2 * tp / np.maximum(1, 2 * tp + fp + fn), 0.0)[G.sum(0) > 0].mean())


aps = {t: ap(Y[:, j], P[:, j]) for j, t in enumerate(tax) if Y[:, j].sum()}
print(f"{KIND}: mean average precision of the heads on dev paragraphs {np.mean(list(aps.values())):.3f} "
      f"(mean base rate {np.mean([Y[:, tax.index(t)].mean() for t in aps]):.3f})")
print("  " + " ".join(f"{t}:{a:.2f}" for t, a in aps.items()))
print(f"cue alone: paragraph macro F1 {f1(C):.3f}, excerpt {excerpt_f1(C):.3f}")
absent = {t: int(C[:, j].sum()) for j, t in enumerate(tax) if not present[j] and C[:, j].sum()}
print(f"cue paragraphs on labels absent from the dev gold (false positives macro F1 does not count): {absent}")
settings = [("cue", None)]
for q in (0.99, 0.995, 0.998, 0.999):
    settings.append(("add", q))
for q in (0.05, 0.1, 0.2, 0.3, 0.5):
    settings.append(("veto", q))
preds = []
for kind, q in settings:
    if kind == "cue":
        A = C
    else:
        thr = np.quantile(Pun, q, axis=0)
        A = C | (P >= thr).astype(int) if kind == "add" else C & (P >= thr).astype(int)
    preds.append(A)
    if kind != "cue":
        print(f"{kind} at quantile {q}: paragraph macro F1 {f1(A):.3f}, excerpt {excerpt_f1(A):.3f}")


def choose(j, mask):
    if Y[mask, j].sum() < 30 * mask.mean():
        return 0
    def f1j(p):
        tp, fp, fn = (p & Y[mask, j]).sum(), (p & (1 - Y[mask, j])).sum(), ((1 - p) & Y[mask, j]).sum()
        return 2 * tp / max(1, 2 * tp + fp + fn)
    scores = [f1j(A[mask, j]) for A in preds]
    best = int(np.argmax(scores))
    return best if scores[best] > scores[0] else 0


A = np.array([preds[choose(j, np.ones(len(Y), bool))][:, j] for j in range(len(tax))]).T
print(f"setting chosen per label, in-sample: paragraph macro F1 {f1(A):.3f}, excerpt {excerpt_f1(A):.3f}")
A = np.zeros_like(C)
for d in docs:
    te = docid == d
    for j in range(len(tax)):
        A[te, j] = preds[choose(j, ~te)][te, j]
print(f"setting chosen per label, leave-one-excerpt-out: paragraph macro F1 {f1(A):.3f}, excerpt {excerpt_f1(A):.3f}")

# One global veto quantile, chosen on the other excerpts (paragraph macro F1), applied to the held-out one.
veto = {None: C}
for q in (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4):
    veto[q] = C & (P >= np.quantile(Pun, q, axis=0)).astype(int)
A = np.zeros_like(C)
for d in docs:
    te = docid == d
    best = max(veto, key=lambda q: (f1(veto[q], ~te), q is None))
    A[te] = veto[best][te]
print(f"global veto quantile chosen leave-one-excerpt-out: paragraph macro F1 {f1(A):.3f}, excerpt {excerpt_f1(A):.3f}")

# Scenes: (a) heads applied to the mean embedding of paragraphs i-2..i+2 of the same excerpt;
# (b) a cue hit extended to neighbours within 2 paragraphs whose embedding has cosine >= tau with it.
unit = Xdv / np.linalg.norm(Xdv, axis=1, keepdims=True)
window = np.zeros_like(Xdv)
for k in range(len(Xdv)):
    m = [j for j in range(max(0, k - 2), min(len(Xdv), k + 3)) if docid[j] == docid[k]]
    v = Xdv[m].mean(0)
    window[k] = v / np.linalg.norm(v)
Pw = probabilities(window)
print(f"heads on +-2 paragraph windows: mean average precision {np.mean([ap(Y[:, j], Pw[:, j]) for j, t in enumerate(tax) if t in aps]):.3f}")
for tau in (0.3, 0.5, 0.7):
    A = C.copy()
    for k in range(len(Y)):
        for m in range(max(0, k - 2), min(len(Y), k + 3)):
            if m != k and docid[m] == docid[k] and float(unit[k] @ unit[m]) >= tau:
                A[k] |= C[m]
    added = A - C
    print(f"cue hits extended to similar neighbours (cos >= {tau}): paragraph macro F1 {f1(A):.3f}, excerpt {excerpt_f1(A):.3f}, "
          f"{int(added.sum())} added, {int((added & Y).sum())} of them right")

# How sure is the best in-sample setting's gain? Bootstrap over excerpts (1,000 resamples).
rng = np.random.default_rng(43)
best = veto[0.2]
diffs = []
for _ in range(1000):
    pick = rng.choice(len(docs), len(docs))
    rows_ = np.concatenate([idx[docs[i]] for i in pick])
    Yb, Cb, Bb = Y[rows_], C[rows_], best[rows_]
    pres = Yb.sum(0) > 0
    def mf(p):
        tp, fp, fn = (p & Yb).sum(0), (p & (1 - Yb)).sum(0), ((1 - p) & Yb).sum(0)
        return np.where(tp > 0, 2 * tp / np.maximum(1, 2 * tp + fp + fn), 0.0)[pres].mean()
    diffs.append(mf(Bb) - mf(Cb))
lo, hi = np.percentile(diffs, [2.5, 97.5])
print(f"veto at quantile 0.2 minus cue, paragraph macro F1, bootstrap over excerpts: 95% interval [{lo:+.3f}, {hi:+.3f}]")
