#!/usr/bin/env bash
# The project's tests, on a fresh machine: the Rust workspace (unit, CLI, API tests), then the page in
# headless Chromium. Installs Debian's chromium and the browser test's npm package when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --workspace
cargo test --release --workspace

if [ "${FOREWARN_SKIP_BROWSER:-}" = 1 ]; then
  echo "browser test skipped (FOREWARN_SKIP_BROWSER=1)"
  exit 0
fi
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing Debian chromium for the browser test"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
(cd tests/browser && npm ci --no-audit --no-fund --silent && node --test page.test.mjs)
