#!/usr/bin/env bash
# Builds the learned detector from ../shared/data (never the dev set) and picks its one decision
# threshold on the dev set, then scores it beside the cue detector in the same eval run.
# Output: target/models/linear-v1.safetensors (about 16 MB). Not the default: see BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${FOREWARN_SHARED:-../shared}"
cargo build --release -q -p forewarn-cli
mkdir -p target/models
python3 scripts/build-training-data.py target/train/train.jsonl
./target/release/forewarn train --data target/train/train.jsonl -o target/models/linear-v1.safetensors \
  --calibrate-docs "$SHARED/eval/dev/docs.jsonl" --calibrate-gold "$SHARED/eval/dev/gold.jsonl"
./target/release/forewarn eval --docs "$SHARED/eval/dev/docs.jsonl" --gold "$SHARED/eval/dev/gold.jsonl" \
  --detector linear --model target/models/linear-v1.safetensors --baseline cue
