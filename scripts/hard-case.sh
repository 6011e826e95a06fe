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
python3 "$here/tests/data/variant.py" grey "$assets/astronaut.png" "$tmp/grey.png"
SEGTEX_ASSETS=$assets "$bin" segment "$tmp/grey.png" --segmenter composite --colored "$out"
