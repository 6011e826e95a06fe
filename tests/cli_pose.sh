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

# The body in the engine: run --pose/--skeleton/--hands, .jsonl poses and hands, bench pipeline
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
"$bin" run -i "$img" -o "$tmp/still.jsonl" --pose lite --quiet 2>/dev/null
"$bin" pose "$img" --json >"$tmp/still_pose.json"
expect "run .jsonl poses = segtex pose --json poses, for a still" \
  'python3 -c "import json,sys; a=json.load(open(\"$tmp/still_pose.json\"))[\"poses\"]; b=json.loads(open(\"$tmp/still.jsonl\").readline())[\"poses\"]; sys.exit(not a or a!=b)"'
mkdir -p "$tmp/sk" "$tmp/nosk"
"$bin" run --input demo: --size 320x240 --frames 8 --skeleton --hands 2 --hand-model lite -o "$tmp/body.jsonl" \
  -o "$tmp/sk/%02d.png" --quiet 2>"$tmp/e"
"$bin" run --input demo: --size 320x240 --frames 8 -o "$tmp/nobody.jsonl" -o "$tmp/nosk/%02d.png" --quiet 2>/dev/null
python3 - "$tmp/body.jsonl" "$tmp/nobody.jsonl" >"$tmp/j.txt" 2>&1 <<'EOF'
import json, sys
body = [json.loads(l) for l in open(sys.argv[1])]
none = [json.loads(l) for l in open(sys.argv[2])]
assert len(body) == 8 and len(none) == 8, (len(body), len(none))
for o in body:
    assert len(o['poses']) == 1 and len(o['poses'][0]['landmarks']) == 33 and len(o['poses'][0]['world']) == 33, o['frame']
    assert all(len(p) == 5 for p in o['poses'][0]['landmarks'])
    assert o['hands'] == [], 'no hands in the demo clip'
for o in none:
    assert o['poses'] == [] and o['hands'] == [], 'pose and hands are off by default'
print('ok')
EOF
expect "run --skeleton --hands 2: a pose of 33 landmarks on every .jsonl line; none without ($(tail -1 "$tmp/j.txt"))" 'grep -q ^ok "$tmp/j.txt"'
expect "run --skeleton draws: frames differ from the same run without it" '[ -s "$tmp/sk/04.png" ] && ! cmp -s "$tmp/sk/04.png" "$tmp/nosk/04.png"'
check_err "run --hands 3" 2 "'hands' needs an integer from 0 to 2" "$bin" run --input demo: --frames 2 --hands 3
check_err "run --pose heavy" 2 "'pose' needs off, lite or full" "$bin" run --input demo: --frames 2 --pose heavy
check_err "run --hand-model x" 2 "'hand-model' needs lite or full" "$bin" run --input demo: --frames 2 --hand-model x
expect "run --help names --skeleton, --pose and --hands" \
  '"$bin" run --help | grep -q -- "--skeleton" && "$bin" run --help | grep -q -- "--pose" && "$bin" run --help | grep -q -- "--hands"'
"$bin" bench pipeline --size 320x240 --frames 10 --pose lite --hands 1 >"$tmp/b.txt" 2>/dev/null
expect "bench pipeline --pose --hands: last line ($(tail -1 "$tmp/b.txt"))" \
  'tail -1 "$tmp/b.txt" | grep -qE "^pipeline size=320x240 frames=10 fps=[0-9.]+ seg_ms=[0-9.]+ face_ms=[0-9.]+ render_ms=[0-9.]+ pose_ms=[0-9.]+ pose_detections=[0-9]+ hands_ms=[0-9.]+ palm_detections=[0-9]+$"'
# Several people (segtex_pose_finder): the portrait keeps exactly one pose; basketball1 (two players, the
# right one from behind, which the detector misses) gets both, the detector's first; --max-poses bounds it.
expect "astronaut: exactly one pose in the JSON" \
  'python3 -c "import json,sys; sys.exit(len(json.load(open(\"$tmp/p.json\"))[\"poses\"]) != 1)"'
check_err "pose --max-poses 0" 2 "'--max-poses' needs an integer from 1 to 4, got '0'" "$bin" pose "$img" --max-poses 0
check_err "pose --max-poses 5" 2 "'--max-poses' needs an integer from 1 to 4, got '5'" "$bin" pose "$img" --max-poses 5
check_err "pose --max-poses x" 2 "'--max-poses' needs an integer from 1 to 4, got 'x'" "$bin" pose "$img" --max-poses x
check_err "pose --max-poses without N" 2 "max-poses" "$bin" pose "$img" --max-poses
expect "help mentions --max-poses" 'grep -q -- "--max-poses" "$tmp/h.txt"'
# A folder with the pose models only: the detector's pose, and a warning per clue left out.
mkdir -p "$tmp/poseonly"
ln -s "$assets/pose_detection.tflite" "$assets/pose_landmark_lite.tflite" "$tmp/poseonly/"
"$bin" pose "$img" --models "$tmp/poseonly" >"$tmp/po.txt" 2>"$tmp/po.err"; po_rc=$?
expect "pose models only: exit 0, one pose ($(tail -n 1 "$tmp/po.err"))" '[ $po_rc -eq 0 ] && grep -q "512x512, 1 pose$" "$tmp/po.txt"'
expect "pose models only: warnings name the clues left out" \
  'grep -q "warning: no face models" "$tmp/po.err" && grep -q "warning: no person segmenter" "$tmp/po.err"'
if [ -f "$assets/basketball1.png" ]; then
  "$bin" pose "$assets/basketball1.png" --json >"$tmp/two.json"
  expect "basketball1: two poses, the left player's first, the right player's nose at x 0.7..0.95" \
    'python3 -c "import json,sys; p=json.load(open(\"$tmp/two.json\"))[\"poses\"]; sys.exit(not (len(p) == 2 and p[0][\"landmarks\"][0][0] < 0.3 and 0.7 < p[1][\"landmarks\"][0][0] < 0.95))"'
  expect "basketball1 JSON shape: two pose objects" \
    'grep -qE "^\{\"width\":640,\"height\":480,\"poses\":\[\{\"score\":$num,\"landmarks\":\[$lm5(,$lm5){32}\],\"world\":\[$w3(,$w3){32}\]\},\{\"score\":$num,\"landmarks\":\[$lm5(,$lm5){32}\],\"world\":\[$w3(,$w3){32}\]\}\]\}$" "$tmp/two.json"'
  "$bin" pose "$assets/basketball1.png" --max-poses 1 >"$tmp/one.txt"
  expect "basketball1 --max-poses 1: one pose" 'grep -q "640x480, 1 pose$" "$tmp/one.txt"'
  "$bin" pose "$assets/basketball1.png" >"$tmp/two.txt"
  expect "basketball1 text: two poses, the second from the mask" \
    'grep -q "640x480, 2 poses$" "$tmp/two.txt" && grep -q "pose: from a face or the person mask" "$tmp/two.txt"'
  # Crops: the wall between the players holds nobody; the right half, the right player alone (from his mask).
  python3 - "${SEGTEX_SOURCE_DIR:?}/tests/data" "$assets/basketball1.png" "$tmp" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import segpng
w, h, c, rows = segpng.read(sys.argv[2])
segpng.write(sys.argv[3] + '/wall.png', 250, h, c, [bytes(r[180 * c:430 * c]) for r in rows])
segpng.write(sys.argv[3] + '/right.png', 320, h, c, [bytes(r[320 * c:640 * c]) for r in rows])
EOF
  "$bin" pose "$tmp/wall.png" >"$tmp/wall.txt" 2>&1
  expect "basketball1's wall: no pose ($(head -n 1 "$tmp/wall.txt"))" 'grep -q "250x480, 0 poses$" "$tmp/wall.txt"'
  "$bin" pose "$tmp/right.png" >"$tmp/right.txt" 2>&1
  expect "basketball1's right half: one pose, from the mask ($(head -n 1 "$tmp/right.txt"))" \
    'grep -q "320x480, 1 pose$" "$tmp/right.txt" && grep -q "from a face or the person mask" "$tmp/right.txt"'
  "$bin" segment "$assets/basketball1.png" --segmenter composite --out "$tmp/map.png" >"$tmp/seg.txt"
  expect "render --pose reads the two-pose JSON (the skeleton of the first)" \
    '"$bin" render --image "$assets/basketball1.png" --categories "$tmp/map.png" --pose "$tmp/two.json" --skeleton --out "$tmp/r.png" >/dev/null 2>&1'
  expect "segment basketball1 feeds both poses to the composite" 'grep -q "^poses: 2$" "$tmp/seg.txt"'
else
  echo "skipped: basketball1.png not in \$SEGTEX_ASSETS (scripts/fetch-assets.sh --people-samples fetches it)"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
