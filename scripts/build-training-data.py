#!/usr/bin/env python3
"""Builds the training file of the learned detector from ../shared/data (never from the dev set).

One JSON object per line: {"text", "labels": {label: severity}, "known": [labels] or null, "source"}.
"known" lists the labels the source actually annotates (null: all of them); a label outside "known" is
neither positive nor negative for that example.

Sources (see ../shared/data/SOURCES.md for licences):
- synthetic/passages.jsonl: all 30 labels annotated, with severities and hard negatives;
- webis-passage/set0.jsonl: one warning per passage, positive when >= 2 of 3 votes;
- construct-tracker Reddit posts: a subreddit stands for one label (r/suicidewatch -> suicide, ...),
  control subreddits are negatives for the mental-health labels.
Output order is shuffled with a fixed seed, so training is deterministic.
"""
import json
import os
import pathlib
import random
import sys

SHARED = pathlib.Path(os.environ.get("FOREWARN_SHARED", pathlib.Path(__file__).resolve().parents[2] / "shared"))
OUT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/train/train.jsonl")

WEBIS = {"abduction": "kidnapping", "misogyny": "sexism"}
SUBREDDIT = {
    "suicidewatch": "suicide", "EDAnonymous": "eating-disorders", "addiction": "substance-abuse",
    "alcoholism": "substance-abuse", "depression": "mental-illness", "bipolarreddit": "mental-illness",
    "schizophrenia": "mental-illness", "ptsd": "mental-illness", "bpd": "mental-illness",
}
CONTROLS = {"UKPersonalFinance", "personalfinance", "teaching", "ukpolitics", "unitedkingdom", "legaladvice", "mindfulness"}
MENTAL = ["suicide", "self-harm", "eating-disorders", "substance-abuse", "mental-illness"]


def rows():
    for line in open(SHARED / "data/synthetic/passages.jsonl", encoding="utf-8"):
        d = json.loads(line)
        yield {"text": d["text"], "labels": d.get("labels") or {}, "known": None, "source": "synthetic"}
    for line in open(SHARED / "data/webis-passage/set0.jsonl", encoding="utf-8"):
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


def main():
    data = [r for r in rows() if r["text"] and r["text"].strip()]
    random.Random(20261125).shuffle(data)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        for r in data:
            f.write(json.dumps(r) + "\n")
    print(f"{len(data)} training examples -> {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
