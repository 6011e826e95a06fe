#!/usr/bin/env bash
# A still clip through the live path: IMAGE.png repeated 30 times with +-3 levels of sensor noise, run through
# `segtex run`'s defaults (plus any RUN_OPTION given), its category maps' flicker over frames 8-30 (the share of
# pixels changing category per frame), and with LABELS.png the last map's IoU per category (tests/data/iou.py).
#   scripts/still-clip.sh IMAGE.png [LABELS.png] [RUN_OPTION...]   (needs build/segtex and $SEGTEX_ASSETS)
set -eu
[ $# -ge 1 ] || { echo "usage: scripts/still-clip.sh IMAGE.png [LABELS.png] [RUN_OPTION...]" >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${SEGTEX_BIN:-$here/build/segtex}
img=$1; shift
labels=
if [ $# -ge 1 ] && [ "${1#-}" = "$1" ]; then labels=$1; shift; fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 "$here/tests/data/clip.py" noise "$img" "$tmp/frames" 30
mkdir "$tmp/maps"
SEGTEX_ASSETS=${SEGTEX_ASSETS:-$here/assets} "$bin" run -i "$tmp/frames/%05d.png" \
    -o "categories:$tmp/maps/%05d.png" "$@" > "$tmp/run.log" 2>&1 || { cat "$tmp/run.log" >&2; exit 1; }
python3 "$here/tests/data/clip.py" flicker "$tmp/maps" 8 30
[ -z "$labels" ] || python3 "$here/tests/data/iou.py" "$tmp/maps/00030.png" "$labels" "$(basename "$img" .png)"
