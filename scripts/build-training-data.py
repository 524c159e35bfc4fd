#!/usr/bin/env python3
"""Builds the training files of the learned detectors from ../shared/data (never from the dev set).

    build-training-data.py OUT_DIR [--folds K --fold I] [--gold-docs D --gold-labels G]
                                                          labelled.jsonl, fiction-docs.jsonl, corpus.txt
    build-training-data.py OUT_DIR --merge PSEUDO.jsonl   train.jsonl = labelled + pseudo-labelled fiction

labelled.jsonl, one JSON object per line: {"text", "labels": {label: severity}, "known": [labels] or
null, "source"}. "known" lists the labels the source annotates (null: all of them); a label outside
"known" is neither positive nor negative for that example. Sources (see ../shared/data/SOURCES.md):
- synthetic/passages.jsonl: all labels annotated, with severities and hard negatives;
- webis-passage/set0.jsonl: one warning per passage, positive when >= 2 of 3 votes; with --folds K
  --fold I the I-th of K folds is left out and written to webis-heldout.jsonl for cross-validation;
- construct-tracker Reddit posts: a subreddit stands for one label (r/suicidewatch -> suicide, ...),
  control subreddits are negatives for the mental-health labels;
- with --gold-docs/--gold-labels: paragraph-labelled fiction in the dev set's format (docs.jsonl and
  gold.jsonl), one example per paragraph, every label annotated. For new labelled fiction only: the
  script refuses the dev set itself (an excerpt id found in ../shared/eval/dev).

fiction-docs.jsonl: paragraphs of the public-domain novels in gutenberg/, in the dev-set document format,
leaving out every book the dev set draws an excerpt from (matched by file name), so no dev text is
trained on even without its labels. corpus.txt lists the same books for `forewarn distill`.

--merge adds each fiction paragraph with the labels the cue lexicon gave it (`forewarn scan --format
gold`), marked "cue": false so `forewarn train` blanks the lexicon's phrases out of the text and the
model learns the words around them; weight 0.3 because they are pseudo-labels.
Output order is shuffled with a fixed seed, so training is deterministic.
"""
import argparse
import json
import os
import pathlib
import random
import re
import sys

SHARED = pathlib.Path(os.environ.get("FOREWARN_SHARED", pathlib.Path(__file__).resolve().parents[2] / "shared"))

WEBIS = {"abduction": "kidnapping", "misogyny": "sexism"}
SUBREDDIT = {
    "suicidewatch": "suicide", "EDAnonymous": "eating-disorders", "addiction": "substance-abuse",
    "alcoholism": "substance-abuse", "depression": "mental-illness", "bipolarreddit": "mental-illness",
    "schizophrenia": "mental-illness", "ptsd": "mental-illness", "bpd": "mental-illness",
}
CONTROLS = {"UKPersonalFinance", "personalfinance", "teaching", "ukpolitics", "unitedkingdom", "legaladvice", "mindfulness"}
MENTAL = ["suicide", "self-harm", "eating-disorders", "substance-abuse", "mental-illness"]
PSEUDO_WEIGHT = 0.3
DOC_PARAGRAPHS = 60


def gold_paragraphs(docs_path, gold_path):
    dev = {json.loads(l)["id"] for l in open(SHARED / "eval/dev/docs.jsonl", encoding="utf-8")}
    gold = {}
    for line in open(gold_path, encoding="utf-8"):
        d = json.loads(line)
        gold[d["id"]] = d["paragraphs"]
    for line in open(docs_path, encoding="utf-8"):
        d = json.loads(line)
        if d["id"] in dev:
            sys.exit(f"build-training-data.py: {docs_path} holds dev-set excerpt '{d['id']}'; the dev set is never trained on")
        labels = gold.get(d["id"], {})
        for i, text in enumerate(d["paragraphs"]):
            yield {"text": text, "labels": labels.get(str(i), {}), "known": None, "source": "gold"}


def labelled(folds, fold, heldout, gold_docs=None, gold_labels=None):
    if gold_docs:
        yield from gold_paragraphs(gold_docs, gold_labels)
    for line in open(SHARED / "data/synthetic/passages.jsonl", encoding="utf-8"):
        d = json.loads(line)
        yield {"text": d["text"], "labels": d.get("labels") or {}, "known": None, "source": "synthetic"}
    for i, line in enumerate(open(SHARED / "data/webis-passage/set0.jsonl", encoding="utf-8")):
        if folds and i % folds == fold:
            heldout.write(line)
            continue
        d = json.loads(line)
        label = WEBIS.get(d["warning"], d["warning"])
        positive = sum(1 for v in d["labels"] if v) * 2 > len(d["labels"])
        yield {"text": d["text"], "labels": {label: "depiction"} if positive else {}, "known": [label], "source": "webis"}
    for line in open(SHARED / "data/construct-tracker/rmhd_27subreddits_260posts.jsonl", encoding="utf-8"):
        d = json.loads(line)
        sub = d.get("subreddit")
        if sub in SUBREDDIT:
            label = SUBREDDIT[sub]
            yield {"text": d["text"], "labels": {label: "mention"}, "known": [label], "source": "reddit"}
        elif sub in CONTROLS:
            yield {"text": d["text"], "labels": {}, "known": MENTAL, "source": "reddit"}


def book_key(name):
    """'the_awakening_160.txt' and 'awakening.txt' -> 'awakening'."""
    stem = re.sub(r"_\d+$", "", name.rsplit(".", 1)[0])
    return stem.removeprefix("the_")


def fiction_books():
    dev = {book_key(pathlib.Path(json.loads(l)["source"]).name) for l in open(SHARED / "eval/dev/docs.jsonl", encoding="utf-8")}
    return [p for p in sorted((SHARED / "data/gutenberg").glob("*.txt")) if book_key(p.name) not in dev]


def paragraphs(path):
    text = path.read_text(encoding="utf-8", errors="replace")
    start = re.search(r"\*\*\* ?START OF (THE|THIS) PROJECT GUTENBERG[^\n]*", text)
    end = re.search(r"\*\*\* ?END OF (THE|THIS) PROJECT GUTENBERG", text)
    text = text[start.end() if start else 0:end.start() if end else len(text)]
    for p in re.split(r"\n\s*\n", text):
        p = re.sub(r"\s+", " ", p).strip()
        if len(p) >= 80:
            yield p


def build(out, folds, fold, gold_docs, gold_labels):
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "webis-heldout.jsonl", "w", encoding="utf-8") as heldout:
        data = [r for r in labelled(folds, fold, heldout, gold_docs, gold_labels) if r["text"] and r["text"].strip()]
    random.Random(20261125).shuffle(data)
    with open(out / "labelled.jsonl", "w", encoding="utf-8") as f:
        for r in data:
            f.write(json.dumps(r) + "\n")
    books = fiction_books()
    n = 0
    with open(out / "fiction-docs.jsonl", "w", encoding="utf-8") as f:
        for book in books:
            ps = list(paragraphs(book))
            for i in range(0, len(ps), DOC_PARAGRAPHS):
                f.write(json.dumps({"id": f"{book.stem}-{i}", "paragraphs": ps[i:i + DOC_PARAGRAPHS]}) + "\n")
            n += len(ps)
    (out / "corpus.txt").write_text("".join(f"{b}\n" for b in books), encoding="utf-8")
    print(f"{len(data)} labelled examples, {n} fiction paragraphs from {len(books)} books -> {out}", file=sys.stderr)


def merge(out, pseudo):
    docs = {}
    for line in open(out / "fiction-docs.jsonl", encoding="utf-8"):
        d = json.loads(line)
        docs[d["id"]] = d["paragraphs"]
    rows = [json.loads(l) for l in open(out / "labelled.jsonl", encoding="utf-8")]
    base = len(rows)
    for line in open(pseudo, encoding="utf-8"):
        d = json.loads(line)
        labels = {int(k): v for k, v in d["paragraphs"].items()}
        for i, text in enumerate(docs[d["id"]]):
            rows.append({"text": text, "labels": labels.get(i, {}), "known": None, "weight": PSEUDO_WEIGHT, "cue": False, "source": "fiction-cue"})
    random.Random(20261125).shuffle(rows)
    with open(out / "train.jsonl", "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    flagged = sum(1 for r in rows if r["source"] == "fiction-cue" and r["labels"])
    print(f"{base} labelled + {len(rows) - base} pseudo-labelled ({flagged} with a cue label) -> {out / 'train.jsonl'}", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=pathlib.Path)
    ap.add_argument("--folds", type=int, default=0)
    ap.add_argument("--fold", type=int, default=0)
    ap.add_argument("--merge", type=pathlib.Path, metavar="PSEUDO")
    ap.add_argument("--gold-docs", type=pathlib.Path)
    ap.add_argument("--gold-labels", type=pathlib.Path)
    a = ap.parse_args()
    if bool(a.gold_docs) != bool(a.gold_labels):
        ap.error("--gold-docs and --gold-labels go together")
    if a.merge:
        merge(a.out, a.merge)
    else:
        build(a.out, a.folds, a.fold, a.gold_docs, a.gold_labels)


if __name__ == "__main__":
    main()
