#!/usr/bin/env bash
# Reproduces the issue-3 analysis in BENCHMARKS.md: per-label heads on static and on full MiniLM
# embeddings, scored on the dev set alone and combined with the cue detector, and a learned severity
# classifier against the cue detector's severity rules. Needs
# scripts/build-model.sh first; installs numpy, scikit-learn and tokenizers into target/analysis-env. ~9 min,
# most of it MiniLM embedding the passages.
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARED="${FOREWARN_SHARED:-../shared}"
W=target/analysis
mkdir -p "$W"
[ -x target/analysis-env/bin/python ] || python3 -m venv target/analysis-env
target/analysis-env/bin/pip install -q numpy==2.4.6 scikit-learn==1.9.1 tokenizers==0.22.2
cargo build --release -q -p forewarn --features minilm --example embed_texts --example wordpiece_ids
cp target/train/labelled.jsonl "$W/labelled.jsonl"
python3 - "$SHARED" "$W" <<'PY'
import json, random, sys
shared, w = sys.argv[1], sys.argv[2]
def dump(texts, name):
    with open(f"{w}/{name}.txt", "w") as f:
        for t in texts: f.write(json.dumps(t) + "\n")
dump([json.loads(l)["text"] for l in open(f"{w}/labelled.jsonl")], "train")
dump([p for l in open(f"{shared}/eval/dev/docs.jsonl") for p in json.loads(l)["paragraphs"]], "dev")
fiction = [p for l in open("target/train/fiction-docs.jsonl") for p in json.loads(l)["paragraphs"]]
random.Random(1).shuffle(fiction)
dump(fiction[:3000], "fiction")
synthetic = [json.loads(l)["text"] for l in open(f"{shared}/data/synthetic/passages.jsonl")]
dump(synthetic, "synthetic")
dump([json.loads(l)["text"] for l in open(f"{shared}/data/webis-passage/set0.jsonl")], "webis")
with open(f"{w}/synthetic-docs.jsonl", "w") as f:
    for i, t in enumerate(synthetic): f.write(json.dumps({"id": f"s{i}", "paragraphs": [" ".join(t.split())]}) + "\n")
PY
./target/release/forewarn scan --no-progress --format gold "$SHARED/eval/dev/docs.jsonl" > "$W/cue-dev.jsonl" 2>/dev/null
./target/release/forewarn scan --no-progress --format gold "$W/synthetic-docs.jsonl" > "$W/cue-synthetic.jsonl" 2>/dev/null
./target/release/examples/wordpiece_ids target/minilm/vocab.txt "$W/dev.txt" > "$W/dev-ids.txt"
target/analysis-env/bin/python scripts/analysis/tokenizer_check.py target/minilm/tokenizer.json "$W/dev.txt" "$W/dev-ids.txt"
for set in train dev fiction synthetic webis; do
  ./target/release/examples/embed_texts static target/models/static-v1.fwm "$W/$set.txt" "$W/${set}_static.f32"
  ./target/release/examples/embed_texts minilm target/minilm "$W/$set.txt" "$W/${set}_minilm.f32"
done
for kind in static minilm; do
  target/analysis-env/bin/python scripts/analysis/heads_on_dev.py "$W" "$SHARED" "$kind"
  target/analysis-env/bin/python scripts/analysis/severity_on_dev.py "$W" "$SHARED" "$kind"
  target/analysis-env/bin/python scripts/analysis/webis_heads.py "$W" "$SHARED" "$kind"
done
