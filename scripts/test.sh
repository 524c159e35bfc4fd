#!/usr/bin/env bash
# The project's tests, on a fresh machine: the Rust workspace (unit, CLI, API tests), the Python wheel
# (pytest, PySpark local mode), then the page in headless Chromium. Installs Debian's chromium and the browser test's npm package when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --workspace
cargo test --release --workspace
# The MiniLM code (candle; the zero-shot baseline and `forewarn distill`) is off by default: compile it
# so it cannot rot. Running it needs the weights (scripts/fetch-minilm.sh), so no test here does.
cargo check --release -q -p forewarn -p forewarn-cli --features forewarn/minilm,forewarn-cli/minilm --all-targets

# Python: build the wheel with maturin, install it in a virtual environment, run pytest from it
# (including the PySpark local-mode test; Java 17 is on the machine).
if [ "${FOREWARN_SKIP_PYTHON:-}" != 1 ]; then
  [ -x target/pyenv/bin/python ] || python3 -m venv target/pyenv
  target/pyenv/bin/pip install -q -r bindings/python/requirements-test.txt
  rm -rf target/wheels
  (cd bindings/python && ../../target/pyenv/bin/maturin build --release -q -o ../../target/wheels)
  target/pyenv/bin/pip install -q --force-reinstall --no-deps target/wheels/forewarn-*.whl
  (cd target && pyenv/bin/python -m pytest -q ../bindings/python/tests)
fi

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
