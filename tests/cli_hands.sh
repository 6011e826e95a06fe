#!/usr/bin/env bash
# `segtex hands` as a user runs it: the exact JSON shape, --out, the options and their errors.
# The photo checks use hand.jpg (scripts/fetch-assets.sh --hand-sample) and skip without it.
set -u
bin=${SEGTEX_BIN:?} assets=${SEGTEX_ASSETS:?}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 skip=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAILED: $*"; }
expect() { if eval "$2"; then ok; else bad "$1"; fi; }
num='-?[0-9.]+(e[-+]?[0-9]+)?'
pt="\[$num,$num,$num\]"
hand="\{\"handedness\":\"(Left|Right)\",\"score\":$num,\"landmarks\":\[$pt(,$pt){20}\],\"world\":\[$pt(,$pt){20}\]\}"

# The portrait has no visible hand: an empty list, exactly.
"$bin" hands "$assets/astronaut.png" --json >"$tmp/p.json"
expect "portrait exit code" '[ $? -eq 0 ]'
expect "portrait JSON is exactly the empty list (got $(cat "$tmp/p.json"))" '[ "$(cat "$tmp/p.json")" = "{\"width\":512,\"height\":512,\"hands\":[]}" ]'
"$bin" hands "$assets/astronaut.png" >"$tmp/p.txt"
expect "portrait text" 'grep -q "512x512, 0 hands" "$tmp/p.txt"'

"$bin" hands --help >"$tmp/help.txt"
expect "--help mentions --json, --max-hands and --model" 'grep -q -- "--json" "$tmp/help.txt" && grep -q -- "--max-hands" "$tmp/help.txt" && grep -q -- "--model" "$tmp/help.txt"'
"$bin" --help | grep -q "^  hands " && ok || bad "segtex --help lists hands"

if [ -f "$assets/hand.jpg" ]; then
  for model in full lite; do
    "$bin" hands "$assets/hand.jpg" --json --model $model >"$tmp/h.json"
    expect "hand.jpg ($model) exit code" '[ $? -eq 0 ]'
    expect "hand.jpg ($model): exactly one hand in the documented shape: $(head -c 200 "$tmp/h.json")" 'grep -qE "^\{\"width\":640,\"height\":480,\"hands\":\[$hand\]\}$" "$tmp/h.json"'
    expect "hand.jpg ($model): labelled Right, as MediaPipe labels an unmirrored left hand" 'grep -q "\"handedness\":\"Right\"" "$tmp/h.json"'
  done
  "$bin" hands "$assets/hand.jpg" --json --backend ref >"$tmp/ref.json"
  expect "reference backend: one hand too" 'grep -qE "^\{\"width\":640,\"height\":480,\"hands\":\[$hand\]\}$" "$tmp/ref.json"'
  "$bin" hands "$assets/hand.jpg" --max-hands 1 --out "$tmp/hand.png" >"$tmp/h.txt"
  expect "--out draws a PNG" '[ $? -eq 0 ] && [ "$(head -c 8 "$tmp/hand.png" | od -An -tx1 | tr -d " \n")" = "89504e470d0a1a0a" ]'
  expect "text output" 'grep -q "640x480, 1 hand$" "$tmp/h.txt" && grep -qE "^  hand 0: Right [0-9.]+, palm score" "$tmp/h.txt"'
  cmp -s "$tmp/hand.png" "$assets/hand.jpg" && bad "--out changed nothing" || ok
else
  skip=1
  echo "skip: hand.jpg absent (scripts/fetch-assets.sh --hand-sample)"
fi

check_err() { # name expected-exit pattern command...
  local name=$1 code=$2 pat=$3; shift 3
  "$@" >"$tmp/o" 2>"$tmp/e"; local rc=$?
  if [ $rc -ne "$code" ]; then bad "$name: exit $rc, expected $code"; return; fi
  if [ "$(wc -l <"$tmp/e")" -ne 1 ] || ! grep -q -- "$pat" "$tmp/e"; then bad "$name: stderr was: $(cat "$tmp/e")"; return; fi
  ok
}
img=$assets/astronaut.png
check_err "missing image" 1 "cannot open" "$bin" hands "$tmp/nope.png"
check_err "no image" 2 "missing IMAGE" "$bin" hands
check_err "bad model" 2 "--model must be lite or full" "$bin" hands "$img" --model medium
check_err "bad max" 2 "'--max-hands' needs an integer from 1 to 2" "$bin" hands "$img" --max-hands 3
check_err "missing models" 1 "cannot open" "$bin" hands "$img" --models "$tmp"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
