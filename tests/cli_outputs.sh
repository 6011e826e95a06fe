#!/usr/bin/env bash
# `segtex run`'s outputs and failures: per-frame results as data (.jsonl, categories:),
# every failed write is exit 1 with one line, nothing is overwritten, the default
# output's folder is made, render threads never oversubscribe, help says what it does.
set -u
bin=${SEGTEX_BIN:?} assets=${SEGTEX_ASSETS:?}
tmp=$(mktemp -d); trap 'umount "$tmp/full" 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp"
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAILED: $*"; }
expect() { if eval "$2"; then ok; else bad "$1"; fi; }
errors() { grep -c "error" "$1"; }  # lines that say error
run() { "$bin" run --frames 6 --size 160x120 --quiet "$@"; }

# Reads an 8-bit grey PNG (as segtex writes it) and prints width height and the set of values.
cat >readpng.py <<'EOF'
import sys, zlib, struct
d = open(sys.argv[1], 'rb').read()
w, h, depth, ctype = struct.unpack('>IIBB', d[16:26])
assert depth == 8 and ctype == 0, (depth, ctype)
raw, i = b'', 8
while i < len(d):
    n, kind = struct.unpack('>I4s', d[i:i + 8])
    if kind == b'IDAT':
        raw += d[i + 8:i + 8 + n]
    i += 12 + n
raw = zlib.decompress(raw)
rows, prev = [], bytearray(w)
for y in range(h):
    f, line = raw[y * (w + 1)], bytearray(raw[y * (w + 1) + 1:(y + 1) * (w + 1)])
    for x in range(w):
        a = line[x - 1] if x else 0
        b = prev[x]
        c = prev[x - 1] if x else 0
        p = a + b - c
        pred = [0, a, b, (a + b) // 2, a if abs(p - a) <= abs(p - b) and abs(p - a) <= abs(p - c) else b if abs(p - b) <= abs(p - c) else c][f]
        line[x] = (line[x] + pred) & 255
    rows.append(line); prev = line
hist = [0] * 256
for r in rows:
    for v in r:
        hist[v] += 1
print(w, h, ' '.join('%d:%d' % (v, n) for v, n in enumerate(hist) if n))
EOF

# 1. per-frame results: .jsonl and categories:, deterministic offline
mkdir maps maps2
run -o r.jsonl -o categories:maps/%03d.png --seed 3 2>err.txt
expect "jsonl + categories: exit 0" '[ $? -eq 0 ]'
run -o r2.jsonl -o categories:maps2/%03d.png --seed 3 2>/dev/null
expect "jsonl: 6 lines" '[ "$(wc -l <r.jsonl)" -eq 6 ]'
expect "jsonl: deterministic" 'cmp -s r.jsonl r2.jsonl'
expect "categories: 6 PNG frames" '[ -s maps/001.png ] && [ -s maps/006.png ] && [ ! -e maps/007.png ]'
expect "categories: deterministic" 'cmp -s maps/004.png maps2/004.png'
python3 - r.jsonl >j.txt 2>&1 <<'EOF'
import json, sys
for n, line in enumerate(open(sys.argv[1])):
    o = json.loads(line)
    assert o['frame'] == n and o['width'] == 160 and o['height'] == 120, o
    assert abs(sum(o['shares']) - 1) < 1e-4 and len(o['shares']) == 6
    assert len(o['faces']) == 1 and len(o['faces'][0]['landmarks']) == 478
    assert set(o['faces'][0]) >= {'score', 'box', 'keypoints', 'presence', 'landmarks'}
print('ok')
EOF
expect "jsonl: frame numbers, size, six shares summing to 1, one face of 478 landmarks ($(tail -1 j.txt))" 'grep -q ^ok j.txt'
read -r w h hist < <(python3 readpng.py maps/001.png)
expect "categories: 160x120 grey ids 0..5 only ($hist)" '[ "$w" = 160 ] && [ "$h" = 120 ] && ! echo "$hist" | grep -qE "(^| )([6-9]|[1-9][0-9]+):"'
share_bg=$(python3 -c "import json; print(round(json.loads(open('r.jsonl').readline())['shares'][0] * 19200))")
map_bg=$(echo "$hist" | tr ' ' '\n' | sed -n 's/^0://p')
expect "jsonl shares = the category map's histogram (background $share_bg vs $map_bg pixels)" '[ "$share_bg" = "$map_bg" ]'
"$bin" face "$assets/astronaut.png" --json >face.json 2>/dev/null
"$bin" run -i "$assets/astronaut.png" -o still.jsonl --quiet 2>/dev/null
expect "jsonl faces = segtex face --json faces, for a still" \
  'python3 -c "import json,sys; a=json.load(open(\"face.json\"))[\"faces\"]; b=json.loads(open(\"still.jsonl\").readline())[\"faces\"]; sys.exit(a!=b)"'

# 2. failures that used to look like success: exit 1 and exactly one error line
run -o - >/dev/full 2>e.txt; rc=$?
expect "raw stdout onto /dev/full: exit 1 (got $rc), one error line ($(errors e.txt))" '[ $rc -eq 1 ] && [ "$(errors e.txt)" -eq 1 ]'
run -o - 2>e.txt | head -c 1000 >/dev/null; rc=${PIPESTATUS[0]}
expect "a reader closing the pipe early: a quiet success (exit $rc)" '[ $rc -eq 0 ] && [ "$(errors e.txt)" -eq 0 ]'
touch afile
run -o afile/%03d.png 2>e.txt; rc=$?
expect "PNG frames into a folder that cannot exist: exit 1 (got $rc), one line" '[ $rc -eq 1 ] && [ "$(errors e.txt)" -eq 1 ]'
expect "... and no 'wrote PNG frames' claim" '! grep -q "wrote PNG" e.txt'
run -o x.mp4 --stats-json nodir/s.json 2>e.txt; rc=$?
expect "--stats-json into a missing folder: exit 1 (got $rc)" '[ $rc -eq 1 ] && grep -q "nodir/s.json" e.txt'
env -u SDL_VIDEODRIVER DISPLAY=:99 "$bin" run --frames 3 --size 160x120 -o window --quiet 2>e.txt; rc=$?
expect "-o window with a DISPLAY that has no server: exit 1 (got $rc), one error line" '[ $rc -eq 1 ] && [ "$(errors e.txt)" -ge 1 ]'
run -o x.mp4 --paint hair=missing.png 2>e.txt; rc=$?
expect "a texture that cannot be read: a warning, no error, exit 0 (got $rc)" '[ $rc -eq 0 ] && grep -q "warning: image .missing.png" e.txt && [ "$(errors e.txt)" -eq 0 ]'
if mkdir full && mount -t tmpfs -o size=100k tmpfs full 2>/dev/null; then
  run -i demo: --frames 60 --size 640x480 -o full/big.mp4 2>e.txt; rc=$?
  expect "mp4 onto a full disk: exit 1 (got $rc), one error line ($(errors e.txt))" '[ $rc -eq 1 ] && [ "$(errors e.txt)" -eq 1 ]'
  expect "... no unplayable partial file left" '[ ! -e full/big.mp4 ]'
  rm -f full/*
  run -i demo: --frames 60 --size 320x240 -o full/%03d.png 2>e.txt; rc=$?
  expect "PNG frames onto a full disk: exit 1 (got $rc), one line saying what is complete" '[ $rc -eq 1 ] && [ "$(errors e.txt)" -eq 1 ] && grep -qE "are complete|no frame was written" e.txt'
  umount full
else
  echo "skip: full-disk cases (cannot mount a tmpfs here)"
fi

# 3. nothing is overwritten: outputs naming the input, or each other
run -i demo: --frames 10 -o in.mp4 2>/dev/null
sum=$(md5sum <in.mp4)
"$bin" run -i in.mp4 -o in.mp4 --quiet 2>e.txt; rc=$?
expect "-o naming the input: exit 1 (got $rc), input untouched" '[ $rc -eq 1 ] && [ "$(md5sum <in.mp4)" = "$sum" ] && [ "$(errors e.txt)" -eq 0 -o "$(wc -l <e.txt)" -eq 1 ]'
ln in.mp4 hard.mp4
"$bin" run -i in.mp4 -o hard.mp4 --quiet 2>/dev/null; rc=$?
expect "-o naming the input through a hard link: exit 1, input untouched" '[ $rc -eq 1 ] && [ "$(md5sum <in.mp4)" = "$sum" ]'
run -o same.mp4 -o ./same.mp4 2>/dev/null; rc=$?
expect "two outputs to one file: exit 1 (got $rc), nothing written" '[ $rc -eq 1 ] && [ ! -e same.mp4 ]'
run -o - -o - >/dev/null 2>/dev/null; rc=$?
expect "two -o -: exit 1 (got $rc)" '[ $rc -eq 1 ]'

# 4. a bare run with no display makes its default output's folder
mkdir bare && (cd bare && env -u DISPLAY "$bin" run --frames 3 --size 160x120 --quiet 2>../e.txt); rc=$?
expect "bare run without a display: exit 0 (got $rc), out/segtex.mp4 made" '[ $rc -eq 0 ] && [ -s bare/out/segtex.mp4 ]'

# 5. render threads never oversubscribe: capped, with a warning
run -o x.mp4 --threads 64 2>e.txt; rc=$?
expect "--threads 64: capped with a warning, exit 0" '[ $rc -eq 0 ] && grep -q "render threads capped" e.txt'

# 5a. the statistics time the outputs (the write stage), read after the files are closed
run -o x.mp4 --stats-json w.json 2>/dev/null
expect "--stats-json: output_ms measured ($(grep -o '"output_ms":{[^}]*}' w.json))" \
  'python3 -c "import json,sys; sys.exit(not json.load(open(\"w.json\"))[\"output_ms\"][\"p50\"] > 0)"'

# 5b. live mode reports capture-to-output latency (the statistics line and --stats-json)
"$bin" run -i demo: --live --frames 200 --size 320x240 -o - --stats-json live.json >/dev/null 2>e.txt
lat=$(python3 -c "import json; d=json.load(open('live.json'))['latency_ms']; print(d['p50'], d['p95'])" 2>/dev/null)
expect "live: latency p50/p95 reported ($lat ms), 0 < p50 <= p95" \
  'python3 -c "import sys; a,b=map(float,sys.argv[1:3]); sys.exit(not (0 < a <= b))" $lat'

# 6. help says what the command does
expect "soak --help prints 1% (not 1%%)" '"$bin" soak --help | grep -q "1% of the run" && ! "$bin" soak --help | grep -q "1%%"'
expect "run --help names .mov, .jsonl and categories:" '"$bin" run --help | grep -q "\.mov" && "$bin" run --help | grep -q "\.jsonl" && "$bin" run --help | grep -q "categories:"'
expect "run takes render's paint options" '"$bin" run --help | grep -q -- "--paint" && "$bin" run --help | grep -q -- "--opacity"'

# 7. render: a bad file is exit 1, a bad command line exit 2, one line each
printf 'P5 not a png' >bad.png
"$bin" render --image "$assets/astronaut.png" --categories bad.png --out o.png 2>e.txt; rc=$?
expect "render: unreadable category map: exit 1 (got $rc), one line" '[ $rc -eq 1 ] && [ "$(wc -l <e.txt)" -le 2 ]'
"$bin" render --image "$assets/astronaut.png" --categories maps/001.png --out o.jpg 2>e.txt; rc=$?
expect "render --out x.jpg: refused, exit 2 (got $rc), nothing written" '[ $rc -eq 2 ] && [ ! -e o.jpg ]'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
