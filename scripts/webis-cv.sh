#!/usr/bin/env bash
# Cross-validates the embedding detector on Webis passage set 0 (the only Webis set in ../shared):
# K folds; for each, the training data leaves that fold out (scripts/build-training-data.py --folds),
# the heads are trained, and the held-out fold is scored with the paper's out-of-distribution protocol
# (20 positives + 20 negatives per warning, seeds 43-47) beside the cue detector. Prints the mean over
# folds for each add-threshold in ADD (the thresholds are not chosen on Webis). Needs
# scripts/build-model.sh to have run (static embeddings, fiction pseudo-labels). PSEUDO=0 trains on
# the labelled sources alone.
set -euo pipefail
cd "$(dirname "$0")/.."
K="${K:-3}"
ADD="${ADD:-0.5 0.8 0.95}"
FW=./target/release/forewarn
for f in $(seq 0 $((K - 1))); do
  dir=target/cv/fold$f
  python3 scripts/build-training-data.py "$dir" --folds "$K" --fold "$f" 2>/dev/null
  python3 scripts/build-training-data.py "$dir" --merge target/train/fiction-pseudo.jsonl 2>/dev/null
  for add in $ADD; do
    data="$dir/train.jsonl"
    [ "${PSEUDO:-1}" = 0 ] && data="$dir/labelled.jsonl"
    $FW train --kind embed --embeddings target/models/static-v1.fwm --data "$data" --add-at "$add" -o "$dir/embed-$add.fwm" 2>/dev/null
    $FW eval --webis "$dir/webis-heldout.jsonl" --detector embed --model "$dir/embed-$add.fwm" --baseline cue --json > "$dir/eval-$add.json"
  done
done
python3 - "$K" $ADD <<'PY'
import json, sys
k, adds = int(sys.argv[1]), sys.argv[2:]
print(f"Webis set 0, {k}-fold cross-validation, OOD protocol accuracy (mean over folds) / overall accuracy / positive F1")
for add in adds:
    runs = [json.load(open(f"target/cv/fold{f}/eval-{add}.json"))["webis"] for f in range(k)]
    for i, name in enumerate(["embed (add at %s)" % add, "cue-v1"]):
        o = [r[i]["overall"] for r in runs]
        mean = lambda key: sum(x[key] for x in o) / k
        print(f"  {name:22s} OOD {sum(r[i]['ood_accuracy'] for r in runs) / k:.3f}  accuracy {mean('accuracy'):.3f}  pos-F1 {mean('f1'):.3f}")
PY
