#!/usr/bin/env bash
# The README's hard case for the composite segmenter: the portrait in greyscale (an IR or night
# webcam: no colour to learn from), painted by `segtex segment --colored`.
#   scripts/hard-case.sh [OUT.png]   (default docs/hard-case.png; needs build/segtex and $SEGTEX_ASSETS)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
assets=${SEGTEX_ASSETS:-$here/assets}
out=${1:-$here/docs/hard-case.png}
bin=${SEGTEX_BIN:-$here/build/segtex}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 - "$assets/astronaut.png" "$tmp/grey.png" "$here/tests/data" <<'PY'
import sys
sys.path.insert(0, sys.argv[3])
import segpng
w, h, c, rows = segpng.read(sys.argv[1])
grey = []
for r in rows:
    o = bytearray()
    for x in range(w):
        y = (77 * r[x * c] + 150 * r[x * c + 1] + 29 * r[x * c + 2] + 128) >> 8
        o += bytes((y, y, y))
    grey.append(o)
segpng.write(sys.argv[2], w, h, 3, grey)
PY
SEGTEX_ASSETS=$assets "$bin" segment "$tmp/grey.png" --segmenter composite --colored "$out"
