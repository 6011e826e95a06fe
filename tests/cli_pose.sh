#!/usr/bin/env bash
# `segtex pose` as a user runs it: the exact JSON shape, --mask, --out, --model full, errors.
set -u
bin=${SEGTEX_BIN:?} assets=${SEGTEX_ASSETS:?}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAILED: $*"; }
expect() { if eval "$2"; then ok; else bad "$1"; fi; }
img=$assets/astronaut.png
num='-?[0-9.]+(e[-+]?[0-9]+)?'
lm5="\[$num,$num,$num,$num,$num\]"
w3="\[$num,$num,$num\]"

# --json: exactly {"width":W,"height":H,"poses":[{"score":S,"landmarks":[[x,y,z,v,p] x33],"world":[[x,y,z] x33]}]}
"$bin" pose "$img" --json >"$tmp/p.json"
expect "pose exit code" '[ $? -eq 0 ]'
expect "pose JSON is one line" '[ "$(wc -l <"$tmp/p.json")" -eq 1 ]'
expect "pose JSON shape" 'grep -qE "^\{\"width\":512,\"height\":512,\"poses\":\[\{\"score\":$num,\"landmarks\":\[$lm5(,$lm5){32}\],\"world\":\[$w3(,$w3){32}\]\}\]\}$" "$tmp/p.json"'
# the full model, the reference backend: same shape
"$bin" pose "$img" --json --model full >"$tmp/full.json"
expect "pose --model full shape" 'grep -qE "^\{\"width\":512,\"height\":512,\"poses\":\[\{\"score\":$num,\"landmarks\":\[$lm5(,$lm5){32}\],\"world\":\[$w3(,$w3){32}\]\}\]\}$" "$tmp/full.json"'
"$bin" pose "$img" --json --backend ref >"$tmp/ref.json"
expect "pose --backend ref finds the pose" 'grep -q "\"poses\":\[{\"score\"" "$tmp/ref.json"'

# --mask: an 8-bit grey PNG at the image's size; --out: an RGB PNG at the image's size
"$bin" pose "$img" --mask "$tmp/m.png" --out "$tmp/o.png" >"$tmp/p.txt"
expect "pose text output" 'grep -q "512x512, 1 pose$" "$tmp/p.txt"'
ihdr() { od -An -tu1 -j16 -N10 "$1" | tr -s " " | sed "s/^ //"; }
expect "mask is 512x512 8-bit grey ($(ihdr "$tmp/m.png"))" '[ "$(ihdr "$tmp/m.png")" = "0 0 2 0 0 0 2 0 8 0" ]'
expect "out is 512x512 8-bit RGB ($(ihdr "$tmp/o.png"))" '[ "$(ihdr "$tmp/o.png")" = "0 0 2 0 0 0 2 0 8 2" ]'

# --help names the options
"$bin" pose --help >"$tmp/h.txt"
expect "help mentions --json and --mask" 'grep -q -- "--json" "$tmp/h.txt" && grep -q -- "--mask" "$tmp/h.txt" && grep -q -- "--model" "$tmp/h.txt"'
expect "pose is listed" '"$bin" --help | grep -qE "^  pose "'

check_err() { # name expected-exit pattern command...
  local name=$1 code=$2 pat=$3; shift 3
  "$@" >"$tmp/o" 2>"$tmp/e"; local rc=$?
  if [ $rc -ne "$code" ]; then bad "$name: exit $rc, expected $code"; return; fi
  if ! grep -q -- "$pat" "$tmp/e"; then bad "$name: stderr was: $(cat "$tmp/e")"; return; fi
  ok
}
check_err "pose no image" 2 "missing IMAGE" "$bin" pose
check_err "pose bad model" 2 "--model must be lite or full" "$bin" pose "$img" --model heavy
check_err "pose missing image" 1 "cannot open" "$bin" pose "$tmp/nope.png"
check_err "pose missing models" 1 "pose_detection.tflite" "$bin" pose "$img" --models "$tmp"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
