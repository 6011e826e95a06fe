#!/usr/bin/env bash
# `segtex face` and `segtex segment` as a user runs them, and their output formats.
set -u
bin=${SEGTEX_BIN:?} assets=${SEGTEX_ASSETS:?}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAILED: $*"; }
expect() { if eval "$2"; then ok; else bad "$1"; fi; }
img=$assets/astronaut.png
num='-?[0-9.]+(e[-+]?[0-9]+)?'

# face --json: exactly the documented shape
"$bin" face "$img" --json >"$tmp/f.json"
expect "face exit code" '[ $? -eq 0 ]'
expect "face JSON prefix" 'grep -qE "^\{\"width\":512,\"height\":512,\"faces\":\[\{\"score\":$num,\"box\":\{\"xmin\":$num,\"ymin\":$num,\"width\":$num,\"height\":$num\},\"keypoints\":\[\[$num,$num\](,\[$num,$num\]){5}\],\"presence\":$num,\"landmarks\":\[\[$num,$num,$num\]" "$tmp/f.json"'
n=$(grep -oE "\[$num,$num,$num\]" "$tmp/f.json" | wc -l)
expect "face JSON has 478 landmarks (got $n)" '[ "$n" -eq 478 ]'
expect "face JSON ends the object" '[ "$(tail -c 5 "$tmp/f.json" | tr -d "\n")" = "]}]}" ]'
# the renderer's strict parser reads it back
"$bin" segment "$img" --out "$tmp/map.png" >"$tmp/seg.txt"
expect "segment exit code" '[ $? -eq 0 ]'
expect "segment reports the segmenter" 'grep -q "^segmenter: composite" "$tmp/seg.txt" || grep -q "^segmenter: multiclass" "$tmp/seg.txt"'
expect "segment lists the six categories" '[ "$(grep -cE "^  (background|hair|body-skin|face-skin|clothes|others) +[0-9.]+%$" "$tmp/seg.txt")" -eq 6 ]'
"$bin" render --image "$img" --categories "$tmp/map.png" --landmarks "$tmp/f.json" --out "$tmp/out.png" >/dev/null
expect "render reads the face JSON and the segment map" '[ $? -eq 0 ] && [ -s "$tmp/out.png" ]'
"$bin" face "$img" --out "$tmp/face.png" >"$tmp/face.txt"
expect "face --out draws" '[ -s "$tmp/face.png" ] && grep -q "1 face" "$tmp/face.txt"'
"$bin" segment "$img" --segmenter person >"$tmp/p.txt"
expect "person segmenter" 'grep -q "^segmenter: person" "$tmp/p.txt" && grep -qE "^  hair +0\.0%" "$tmp/p.txt"'
"$bin" face "$img" --json --detector full --landmarker plain >"$tmp/f2.json"
n=$(grep -oE "\[$num,$num,$num\]" "$tmp/f2.json" | wc -l)
expect "plain landmarker gives 468 points (got $n)" '[ "$n" -eq 468 ]'

check_err() { # name expected-exit pattern command...
  local name=$1 code=$2 pat=$3; shift 3
  "$@" >"$tmp/o" 2>"$tmp/e"; local rc=$?
  if [ $rc -ne "$code" ]; then bad "$name: exit $rc, expected $code"; return; fi
  if [ "$(wc -l <"$tmp/e")" -ne 1 ] || ! grep -q -- "$pat" "$tmp/e"; then bad "$name: stderr was: $(cat "$tmp/e")"; return; fi
  ok
}
check_err "face missing image" 1 "cannot open" "$bin" face "$tmp/nope.png"
check_err "face bad detector" 2 "--detector must be auto, short or full" "$bin" face "$img" --detector mid
check_err "face bad max" 2 "'--max-faces' needs an integer from 1 to 8" "$bin" face "$img" --max-faces 9
check_err "face missing models" 1 "cannot open" "$bin" face "$img" --models "$tmp"
check_err "segment bad kind" 2 "--segmenter must be" "$bin" segment "$img" --segmenter fancy
check_err "segment multiclass absent" 1 "selfie_multiclass_256x256.tflite" "$bin" segment "$img" --segmenter multiclass --models "$tmp"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
