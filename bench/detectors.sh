#!/usr/bin/env bash
# Speed of the whole scan pipeline (read, ingest, segment, detect, aggregate, JSON report) with each
# detector on the same books, in one invocation: the cue detector (the default), the embedding
# detector (cue + static-embedding heads), and the zero-shot MiniLM baseline (a transformer on every
# paragraph). Prints paragraphs/s, MB/s and the ratio to the cue detector, on 1 and on 2 threads.
# MiniLM is ~1,000x slower, so every detector runs on the same small sample (SAMPLE_MB, default 1),
# and the two fast ones also on the larger one (BIG_MB, default 20). Needs scripts/build-model.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${FOREWARN_SHARED:-../shared}"
cargo build --release -q -p forewarn-cli --features minilm
FW=./target/release/forewarn
MODEL=target/models/embed-v1.fwm
[ -f "$MODEL" ] || { echo "bench/detectors.sh: run scripts/build-model.sh first" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Whole books, in manifest order, until the size is reached.
python3 - "$SHARED/data/gutenberg" "$work" "${SAMPLE_MB:-1}" "${BIG_MB:-20}" <<'PY'
import pathlib, sys
src, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for name, mb in (("sample", float(sys.argv[3])), ("big", float(sys.argv[4]))):
    d = out / name; d.mkdir()
    total = paras = 0
    for f in sorted(src.glob("*.txt")):
        text = f.read_text(encoding="utf-8", errors="replace")
        take = text[: int(mb * 1e6) - total]
        (d / f.name).write_text(take, encoding="utf-8")
        total += len(take.encode()); paras += sum(1 for p in take.split("\n\n") if p.strip())
        if total >= mb * 1e6: break
    (out / f"{name}.paragraphs").write_text(str(paras))
PY
calc() { python3 -c "print($1)"; }
run() { # name set threads -> seconds
  local TIMEFORMAT=%R
  { time RAYON_NUM_THREADS=$3 $FW scan --no-progress --format jsonl --detector "$1" --model "$MODEL" --minilm target/minilm "$work/$2" > /dev/null 2>&1; } 2>&1
}
for set in sample big; do
  bytes=$(du -sb "$work/$set" | cut -f1)
  paras=$(cat "$work/$set.paragraphs")
  printf "\n%s: %.1f MB, %d paragraphs (blank-line blocks)\n" "$set" "$(calc "$bytes / 1e6")" "$paras"
  printf "%-8s %-7s %10s %12s %8s %10s\n" detector threads seconds paragraphs/s MB/s "x cue"
  for threads in 1 2; do
    base=""
    for det in cue embed minilm; do
      [ "$set" = big ] && [ "$det" = minilm ] && continue
      s=$(run "$det" "$set" "$threads")
      [ -z "$base" ] && base=$s
      printf "%-8s %-7s %10.2f %12.0f %8.3f %10.4f\n" "$det" "$threads" "$s" "$(calc "$paras / $s")" "$(calc "$bytes / $s / 1e6")" "$(calc "$base / $s")"
    done
  done
done
