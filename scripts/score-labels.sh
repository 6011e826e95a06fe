#!/usr/bin/env bash
# Scores segtex's categories against hand-labelled maps, case by case, and their mean: the numbers of the README's
# "Composite segmenter" tables, reproducible, and on any labelled set of your own.
#   scripts/score-labels.sh DIR [--run] [OPTION...]   each DIR/NAME.png against DIR/NAME.labels.png
#   scripts/score-labels.sh --make DIR                     writes the cases tests/cli_composite.sh scores into DIR
#   scripts/score-labels.sh --perturb DIR OUT              writes each case of DIR seen otherwise into OUT
# A labels file is an 8-bit grey PNG of category ids 0..5 at its image's size (tests/data/README.md). Each case
# goes through `segtex segment IMAGE --categories OPTION...` (the stills' path; e.g. --segmenter composite), or
# with --run through the live path, `segtex run -i IMAGE -o categories:... OPTION...` as a one-frame clip (e.g.
# --pose lite). Prints
# tests/data/iou.py's line per case, then exactly
#   mean mIoU4=<x> person=<y> cases=<n>
# --make writes the portrait ($SEGTEX_ASSETS/astronaut.png) and its five variants and grid (tests/data/variant.py),
# and the labelled photos of tests/data present in $SEGTEX_ASSETS (scripts/fetch-assets.sh --people-samples;
# the panels cropped with python3-opencv), as NAME.png and NAME.labels.png.
# --perturb writes OUT/NAME~KIND.png and its labels for each case of DIR and each KIND of tests/data/perturb.py
# (brighter, dimmer, cut at a side, mirrored, JPEG, scaled: python3-opencv); score OUT as any folder, then
# `python3 tests/data/perturb.py table SCORES` shows how far each kind moves each photo's mIoU4.
# Needs build/segtex (or $SEGTEX_BIN), $SEGTEX_ASSETS (default ./assets) and python3.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${SEGTEX_BIN:-$here/build/segtex}
assets=${SEGTEX_ASSETS:-$here/assets}
data=$here/tests/data
usage() { echo "usage: scripts/score-labels.sh DIR [--run] [OPTION...] | --make DIR | --perturb DIR OUT" >&2; exit 2; }
[ $# -ge 1 ] || usage

# The system's python3 when the one on PATH has no OpenCV (python3-opencv: scripts/install-deps.sh).
cv_python() {
  local py
  for py in python3 /usr/bin/python3; do
    if "$py" -c "import cv2" 2>/dev/null; then echo "$py"; return 0; fi
  done
  return 1
}

make_cases() {
  local dir=$1 py k n f
  mkdir -p "$dir"
  cp "$assets/astronaut.png" "$dir/portrait.png"
  cp "$data/astronaut.labels.png" "$dir/portrait.labels.png"
  for k in grey:grey-portrait mirror:mirrored-portrait small:small-portrait dark:dark-portrait haze:hazy-portrait \
    quad:four-faces; do
    python3 "$data/variant.py" "${k%%:*}" "$dir/portrait.png" "$dir/${k#*:}.png" "$data/astronaut.labels.png" \
      "$dir/${k#*:}.labels.png"
  done
  [ ! -f "$assets/camera.png" ] || { cp "$assets/camera.png" "$dir/camera.png"; cp "$data/camera.labels.png" "$dir/"; }
  if ! py=$(cv_python); then
    echo "score-labels: no python3 with OpenCV (python3-opencv): only the portrait's cases and the cameraman" >&2
    return 0
  fi
  # crop IN X Y W H OUT: a region of an image (the whole of it when W and H are 0), written as PNG
  crop() {
    "$py" -c "import cv2, sys; x, y, w, h = map(int, sys.argv[2:6]); im = cv2.imread(sys.argv[1]); \
im = im if w == 0 else im[y:y + h, x:x + w]; sys.exit(im is None or im.size == 0 or not cv2.imwrite(sys.argv[6], im))" "$@"
  }
  for f in messi5.jpg basketball1.png face_swapped.jpg jacket.jpg webcam.jpg webcam2.jpg lena.png receding.jpg \
    longhair.jpg basketball2.png whitetee.jpg glasses_panels.jpg fist_panels.jpg earring_panels.jpg blonde_panels.jpg; do
    [ -f "$assets/$f" ] || { echo "score-labels: skipped $f (not in $assets)" >&2; continue; }
    n=${f%.*} n=${n%_panels}
    case $f in
      glasses_panels.jpg) crop "$assets/$f" 0 0 377 580 "$dir/$n.png" ;;
      *_panels.jpg) crop "$assets/$f" 0 0 512 512 "$dir/$n.png" ;;
      *) crop "$assets/$f" 0 0 0 0 "$dir/$n.png" ;;
    esac
    cp "$data/$n.labels.png" "$dir/$n.labels.png"
  done
  if [ -f "$dir/basketball1.png" ]; then
    python3 "$data/variant.py" mirror "$dir/basketball1.png" "$dir/mirrored-basketball1.png" \
      "$data/basketball1.labels.png" "$dir/mirrored-basketball1.labels.png"
  fi
  if [ -f "$assets/longhair.jpg" ]; then
    crop "$assets/longhair.jpg" 0 0 450 450 "$dir/longhair-450.tmp.png"
    python3 "$data/variant.py" chest "$dir/longhair-450.tmp.png" "$dir/longhair-at-chest.png" \
      "$data/longhair.labels.png" "$dir/longhair-at-chest.labels.png"
    rm -f "$dir/longhair-450.tmp.png"
  fi
}

if [ "$1" = --make ]; then
  [ $# -eq 2 ] || usage
  make_cases "$2"
  echo "score-labels: $(find "$2" -maxdepth 1 -name '*.labels.png' | wc -l) cases in $2"
  exit 0
fi

if [ "$1" = --perturb ]; then
  [ $# -eq 3 ] || usage
  py=$(cv_python) || { echo "score-labels: --perturb needs python3 with OpenCV (python3-opencv)" >&2; exit 1; }
  exec "$py" "$data/perturb.py" make "$2" "$3"
fi

dir=$1; shift
run=0
if [ $# -ge 1 ] && [ "$1" = --run ]; then
  run=1; shift
fi
[ -d "$dir" ] || { echo "score-labels: $dir is not a folder" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export SEGTEX_ASSETS="$assets"
n=0 sum=0 psum=0
for labels in "$dir"/*.labels.png; do
  [ -f "$labels" ] || continue
  name=$(basename "$labels" .labels.png) image=$dir/$name.png
  [ -f "$image" ] || { echo "score-labels: $labels has no $image" >&2; exit 1; }
  if [ $run = 1 ]; then
    "$bin" run -i "$image" -o "categories:$tmp/$name.%05d.png" "$@" > "$tmp/log" 2>&1 &&
      mv "$tmp/$name.00001.png" "$tmp/$name.png" 2>/dev/null ||
      { echo "score-labels: $name: segtex run failed: $(tail -n 1 "$tmp/log")" >&2; exit 1; }
  else
    "$bin" segment "$image" --categories "$tmp/$name.png" "$@" > "$tmp/log" 2>&1 ||
      { echo "score-labels: $name: segtex segment failed: $(tail -n 1 "$tmp/log")" >&2; exit 1; }
  fi
  python3 "$data/iou.py" "$tmp/$name.png" "$labels" "$name" > "$tmp/iou"
  head -n 1 "$tmp/iou"
  sum=$(awk -v s="$sum" '$1 == "mIoU4" {print s + $2}' "$tmp/iou")
  psum=$(awk -v s="$psum" '$1 == "person" {print s + $2}' "$tmp/iou")
  n=$((n + 1))
done
[ $n -gt 0 ] || { echo "score-labels: no NAME.labels.png in $dir" >&2; exit 1; }
awk -v s="$sum" -v p="$psum" -v n="$n" 'BEGIN {printf "mean mIoU4=%.4f person=%.4f cases=%d\n", s / n, p / n, n}'
