#!/usr/bin/env bash
# Throughput of ingest + segmentation + cue detection on the Gutenberg books, 1 and 2 threads,
# with two baselines run in the same invocation (see crates/forewarn/benches/throughput.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
FOREWARN_BENCH_THREADS="${FOREWARN_BENCH_THREADS:-2}" cargo bench -p forewarn --bench throughput "$@"
