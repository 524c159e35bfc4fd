#!/usr/bin/env bash
# Load test of `forewarn serve` on loopback, driven by wrk from a second process, bounded in time.
# Reports requests/s and p50/p99 latency for GET /healthz (the baseline: HTTP overhead only) and for
# POST /v1/scan with a 2 KB and a 50 KB document; samples the server's RSS through the run to show it
# stays flat; and, during the 50 KB run, sends oversize and malformed requests to show they are refused
# (413, 400) without harming the others (wrk counts any non-2xx answer to its own requests).
#
# Needs wrk (Debian package `wrk`). Usage: bench/server-load.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-10}"
PORT="${PORT:-18090}"
BASE="http://127.0.0.1:$PORT"
command -v wrk >/dev/null || { echo "wrk is required: apt-get install wrk"; exit 2; }
cargo build --release -q -p forewarn-cli
work=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$work"' EXIT

# Documents cut from a public-domain novel.
book=../shared/data/gutenberg/dracula.txt
head -c 2048 <(tail -c +200000 "$book") > "$work/doc2k.txt"
head -c 51200 <(tail -c +300000 "$book") > "$work/doc50k.txt"
head -c $((11 * 1024 * 1024)) /dev/zero | tr '\0' 'a' > "$work/oversize.txt"

t0=$(date +%s%N)
./target/release/forewarn serve --addr "127.0.0.1:$PORT" -q &
SERVER=$!
for _ in $(seq 1000); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.005; done
echo "start-up: $(( ($(date +%s%N) - t0) / 1000000 )) ms from launch to the first healthy answer"

rss() { awk '/VmRSS/ {print $2}' "/proc/$SERVER/status"; }
sample_rss() { # file seconds
  local end=$((SECONDS + $2)); while [ $SECONDS -lt $end ]; do rss >> "$1"; sleep 0.5; done
}
lua() { # body-file
  cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/plain"
local f = io.open("$1", "rb"); wrk.body = f:read("*a"); f:close()
LUA
}
report() { # name wrk-output rss-file
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' "$2")
  p50=$(awk '$1=="50%" {print $2}' "$2")
  p99=$(awk '$1=="99%" {print $2}' "$2")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$2"); non2xx=${non2xx:-0}
  local first last peak
  first=$(head -n1 "$3"); last=$(tail -n1 "$3"); peak=$(sort -n "$3" | tail -n1)
  printf "%-24s %10s req/s  p50 %8s  p99 %8s  non-2xx %s  RSS KiB first %s last %s peak %s\n" "$1" "$rps" "$p50" "$p99" "$non2xx" "$first" "$last" "$peak"
}

run() { # name out-file rss-file [wrk args...]: runs wrk with RSS sampling beside it; prints one line
  local name=$1 out=$2 rssf=$3; shift 3
  : > "$rssf"; sample_rss "$rssf" "$SECS" & local sampler=$!
  wrk -t2 -c16 -d"${SECS}s" --latency "$@" > "$out" & local w=$!
  if [ "$name" = "POST /v1/scan 50 KB" ]; then send_bad; fi
  wait "$w"; wait "$sampler"
  report "$name" "$out" "$rssf"
}
send_bad() {
  sleep 1
  codes=""
  for _ in 1 2 3; do
    codes+="$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: text/plain' --data-binary @"$work/oversize.txt" "$BASE/v1/scan") "
    codes+="$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary '{"text": ' "$BASE/v1/scan") "
    codes+="$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: image/png' --data-binary 'x' "$BASE/v1/scan") "
  done
  echo "$codes" > "$work/codes"
}

echo "server RSS at start: $(rss) KiB; $SECS s per run, wrk -t2 -c16, server and wrk share the machine's cores"
run "GET /healthz (baseline)" "$work/w0" "$work/rss0" "$BASE/healthz" | tee "$work/l0"
lua "$work/doc2k.txt"
run "POST /v1/scan 2 KB" "$work/w1" "$work/rss1" -s "$work/post.lua" "$BASE/v1/scan" | tee "$work/l1"
lua "$work/doc50k.txt"
run "POST /v1/scan 50 KB" "$work/w2" "$work/rss2" -s "$work/post.lua" "$BASE/v1/scan" | tee "$work/l2"
echo "RSS (MiB) during the 50 KB run, every 2 s: $(awk 'NR % 4 == 1 {printf "%.1f ", $1/1024}' "$work/rss2")"
echo "bad requests sent during the 50 KB run were answered: $(cat "$work/codes")(expected: 413 400 415, three times)"
b=$(awk '/Requests\/sec/ {print $2}' "$work/w0"); a=$(awk '/Requests\/sec/ {print $2}' "$work/w1"); c=$(awk '/Requests\/sec/ {print $2}' "$work/w2")
awk -v b="$b" -v a="$a" -v c="$c" 'BEGIN { printf "throughput ratios to /healthz: 2 KB scan %.3f, 50 KB scan %.4f\n", a/b, c/b }'
echo "server RSS at end: $(rss) KiB"
