#!/usr/bin/env python3
"""Can a learned severity classifier beat the cue detector's severity rules? (issue 3)

Trains a 3-class logistic regression (mention / depiction / graphic) on the synthetic passages' (label,
severity) pairs, over the passage embedding plus, optionally, a one-hot of the severity the cue
detector gives that label there (scaled by 3). Scores severity accuracy on the dev set's paragraph-level
true positives of the cue detector, the same pairs `forewarn eval` scores. Inputs from run.sh.
"""
import json
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression

W, SHARED, KIND = sys.argv[1], sys.argv[2], sys.argv[3]
SEV = ["mention", "depiction", "graphic"]
syn = [json.loads(l) for l in open(f"{SHARED}/data/synthetic/passages.jsonl")]
syn_cue = {json.loads(l)["id"]: json.loads(l)["paragraphs"].get("0", {}) for l in open(f"{W}/cue-synthetic.jsonl")}
Xs = np.fromfile(f"{W}/synthetic_{KIND}.f32", dtype=np.float32).reshape(-1, 384)
Xd = np.fromfile(f"{W}/dev_{KIND}.f32", dtype=np.float32).reshape(-1, 384)


def features(X, idx, cue_sev, use_cue):
    one_hot = np.zeros((len(idx), 4))
    for k, c in enumerate(cue_sev):
        one_hot[k, c] = 1
    return np.hstack([X[idx], 3 * one_hot if use_cue else np.zeros_like(one_hot)])


ti, ty, tc = [], [], []
for i, r in enumerate(syn):
    for label, sev in (r.get("labels") or {}).items():
        c = syn_cue[f"s{i}"].get(label)
        ti.append(i); ty.append(SEV.index(sev)); tc.append(SEV.index(c) if c else 3)
gold = {json.loads(l)["id"]: {int(k): v for k, v in json.loads(l)["paragraphs"].items()} for l in open(f"{SHARED}/eval/dev/gold.jsonl")}
cue = {json.loads(l)["id"]: {int(k): v for k, v in json.loads(l)["paragraphs"].items()} for l in open(f"{W}/cue-dev.jsonl")}
rows = [(json.loads(l)["id"], i) for l in open(f"{SHARED}/eval/dev/docs.jsonl") for i, _ in enumerate(json.loads(l)["paragraphs"])]
di, dy, dc = [], [], []
for k, (d, i) in enumerate(rows):
    for label, s in gold[d].get(i, {}).items():
        c = cue[d].get(i, {}).get(label)
        if c:
            di.append(k); dy.append(SEV.index(s)); dc.append(SEV.index(c))
dy, dc = np.array(dy), np.array(dc)
print(f"{KIND}: {len(ty)} synthetic (label, severity) pairs; {len(dy)} dev true positives; cue severity accuracy {np.mean(dc == dy):.3f}")
found = [c == y for c, y in zip(tc, ty) if c < 3]
dev_sev = [s for g in gold.values() for p in g.values() for s in p.values()]
print(f"  graphic share: synthetic pairs {np.mean(np.array(ty) == 2):.3f}, dev gold pairs {np.mean([s == 'graphic' for s in dev_sev]):.3f}; "
      f"cue severity agrees with the synthetic one on {np.mean(found):.2f} of the {len(found)} pairs where it finds the label")
for use_cue in (False, True):
    for C in (0.1, 1.0):
        clf = LogisticRegression(C=C, max_iter=5000).fit(features(Xs, ti, tc, use_cue), np.array(ty))
        acc = np.mean(clf.predict(features(Xd, di, dc, use_cue)) == dy)
        print(f"  learned, C={C}, {'with' if use_cue else 'without'} the cue's severity as input: {acc:.3f}")
