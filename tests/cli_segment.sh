#!/usr/bin/env bash
# `segtex segment` outputs at the image's size (--person, --categories, --colored, --json) and
# `--detector auto|short|full` in `segment` and `face`, as a user runs them.
set -u
bin=${SEGTEX_BIN:?} assets=${SEGTEX_ASSETS:?}
img=$assets/astronaut.png
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAILED: $*"; }
expect() { if eval "$2"; then ok; else bad "$1"; fi; }
if ! command -v python3 >/dev/null; then echo "python3 missing: cannot read the PNGs"; exit 1; fi

# An 8-bit PNG reader (grey or RGB, non-interlaced, all five filters) with the standard library only.
cat >"$tmp/png.py" <<'EOF'
import struct, sys, zlib
def read(path):
    d = open(path, 'rb').read()
    assert d[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
    pos, idat = 8, b''
    while pos < len(d):
        n, t = struct.unpack('>I4s', d[pos:pos + 8]); body = d[pos + 8:pos + 8 + n]; pos += 12 + n
        if t == b'IHDR': w, h, depth, ctype, _, _, inter = struct.unpack('>IIBBBBB', body)
        elif t == b'IDAT': idat += body
    assert depth == 8 and inter == 0 and ctype in (0, 2), 'unexpected PNG kind'
    ch = 1 if ctype == 0 else 3
    raw, stride, rows, prev = zlib.decompress(idat), w * ch, [], bytearray(w * ch)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - ch] if i >= ch else 0; b = prev[i]; c = prev[i - ch] if i >= ch else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line)); prev = line
    return w, h, ch, rows
EOF
py() { python3 -c "import sys; sys.path.insert(0, '$tmp'); from png import read; $1" "${@:2}"; }

# --help names every option.
"$bin" segment --help >"$tmp/help"
for opt in --person --categories --colored --json --detector --out --preview --segmenter; do
  expect "segment --help mentions $opt" 'grep -q -- "$opt" "$tmp/help"'
  expect "segment --help describes $opt on a line of its own" 'grep -q -- "^$opt " "$tmp/help"'
done
for opt in --person --categories --colored; do
  expect "segment --help describes $opt OUT.png" 'grep -q -- "^$opt OUT.png " "$tmp/help"'
done
"$bin" face --help >"$tmp/fhelp"
expect "face --help mentions --detector auto|short|full" 'grep -q -- "--detector auto|short|full" "$tmp/fhelp"'

# All outputs of one run.
"$bin" segment "$img" --person "$tmp/person.png" --categories "$tmp/cat.png" --colored "$tmp/col.png" --json >"$tmp/s.json"
expect "segment exit code" '[ $? -eq 0 ]'
expect "JSON shape" 'grep -qE "^\{\"segmenter\":\"(composite|multiclass)\",\"width\":512,\"height\":512,\"shares\":\{\"background\":[0-9.e-]+,\"hair\":[0-9.e-]+,\"body-skin\":[0-9.e-]+,\"face-skin\":[0-9.e-]+,\"clothes\":[0-9.e-]+,\"others\":[0-9.e-]+\}\}$" "$tmp/s.json"'
expect "JSON is one line" '[ "$(wc -l <"$tmp/s.json")" -eq 1 ]'
expect "shares sum to 1" 'python3 -c "import json,sys; s=json.load(open(sys.argv[1]))[\"shares\"]; sys.exit(abs(sum(s.values())-1) > 1e-4 or min(s.values()) < 0)" "$tmp/s.json"'

# person: 8-bit grey at the image's size, bright on the face (around x 225, y 130), dark on the wall (top left and right of the head).
expect "person PNG is 512x512 grey" 'py "w,h,ch,r=read(sys.argv[1]); sys.exit(not (w,h,ch)==(512,512,1))" "$tmp/person.png"'
expect "person bright on the face, dark on the wall" 'py "
w,h,ch,r=read(sys.argv[1])
face=[r[y][x] for y in range(110,160) for x in range(200,250)]
wall=[r[y][x] for y in range(20,60) for x in range(330,370)]
m=lambda v: sum(v)/len(v)
print(\"person: face %.1f wall %.1f\" % (m(face), m(wall)))
sys.exit(not (min(face) >= 200 and m(face) >= 240 and max(wall) <= 40 and m(wall) <= 10))" "$tmp/person.png"'
expect "person uses the whole 0..255 range" 'py "w,h,ch,r=read(sys.argv[1]); v=set(b for row in r for b in row); sys.exit(not (min(v) == 0 and max(v) == 255 and len(v) > 50))" "$tmp/person.png"'

# categories: ids 0..5 at the image's size, face skin on the face, background on the wall, and
# the same shares as --json (one per-pixel decision behind both).
expect "categories PNG is 512x512 grey with ids 0..5 only" 'py "w,h,ch,r=read(sys.argv[1]); v=set(b for row in r for b in row); sys.exit(not ((w,h,ch)==(512,512,1) and v <= set(range(6)) and len(v) >= 4))" "$tmp/cat.png"'
expect "categories: face skin on the cheek, background on the wall, hair on top" 'py "w,h,ch,r=read(sys.argv[1]); sys.exit(not (r[120][200] == 3 and r[40][350] == 0 and r[40][225] == 1))" "$tmp/cat.png"'
expect "categories agree with the JSON shares" 'py "
import json
w,h,ch,r=read(sys.argv[1]); s=list(json.load(open(sys.argv[2]))[\"shares\"].values())
n=[sum(row.count(c) for row in r)/(w*h) for c in range(6)]
sys.exit(max(abs(a-b) for a,b in zip(n,s)) > 1e-5)" "$tmp/cat.png" "$tmp/s.json"'
expect "colored PNG is 512x512 RGB" 'py "w,h,ch,r=read(sys.argv[1]); sys.exit(not (w,h,ch)==(512,512,3))" "$tmp/col.png"'
expect "colored: the wall dimmed, the hair tinted" 'py "
w,h,ch,r=read(sys.argv[1]); o=read(sys.argv[2])[3]
px=lambda rows,x,y: rows[y][3*x:3*x+3]
sys.exit(not (sum(px(r,350,40)) < sum(px(o,350,40)) // 2 and px(r,225,40)[0] > px(r,225,40)[2] + 60))" "$tmp/col.png" "$img"'

# The person segmenter has no face skin; --out keeps the model-resolution map.
"$bin" segment "$img" --segmenter person --categories "$tmp/pc.png" --out "$tmp/map.png" --json >"$tmp/p.json"
expect "person segmenter: ids 0 and 4 only" 'py "w,h,ch,r=read(sys.argv[1]); sys.exit(set(b for row in r for b in row) != {0,4})" "$tmp/pc.png"'
expect "person segmenter JSON names it" 'grep -q "\"segmenter\":\"person\"" "$tmp/p.json"'
expect "--out stays at model resolution" 'py "w,h,ch,r=read(sys.argv[1]); sys.exit((w,h) != (256,256))" "$tmp/map.png"'

# A non-square image: the maps follow its size.
py "
import struct, zlib
w,h,ch,r=read(sys.argv[1])
rows=[row[:3*300] for row in r[:200]]
raw=b''.join(b'\0'+row for row in rows)
ck=lambda t,d: struct.pack('>I',len(d))+t+d+struct.pack('>I',zlib.crc32(t+d))
open(sys.argv[2],'wb').write(b'\x89PNG\r\n\x1a\n'+ck(b'IHDR',struct.pack('>IIBBBBB',300,200,8,2,0,0,0))+ck(b'IDAT',zlib.compress(raw))+ck(b'IEND',b''))" "$img" "$tmp/crop.png"
"$bin" segment "$tmp/crop.png" --person "$tmp/cp.png" --categories "$tmp/cc.png" --colored "$tmp/ccol.png" >/dev/null
expect "300x200 image gives 300x200 maps" 'py "sys.exit(any(read(p)[:2] != (300,200) for p in sys.argv[1:]))" "$tmp/cp.png" "$tmp/cc.png" "$tmp/ccol.png"'

check_err() { # name expected-exit pattern command...
  local name=$1 code=$2 pat=$3; shift 3
  "$@" >"$tmp/o" 2>"$tmp/e"; local rc=$?
  if [ $rc -ne "$code" ]; then bad "$name: exit $rc, expected $code"; return; fi
  if [ "$(wc -l <"$tmp/e")" -ne 1 ] || ! grep -q -- "$pat" "$tmp/e"; then bad "$name: stderr was: $(cat "$tmp/e")"; return; fi
  ok
}
check_err "segment --person into a missing folder" 1 "$tmp/no/p.png" "$bin" segment "$img" --person "$tmp/no/p.png"
check_err "segment bad detector" 2 "--detector must be auto, short or full" "$bin" segment "$img" --detector mid
check_err "segment --person without a file" 2 "person" "$bin" segment "$img" --person

# --detector: a small face (the portrait at half size in a 640x480 frame) needs the full range.
py "
import struct, zlib
w,h,ch,r=read(sys.argv[1])
W,H,X,Y=640,480,300,160
out=[bytearray([90,90,90]*W) for _ in range(H)]
for y in range(256):
    for x in range(256):
        for k in range(3):
            out[Y+y][3*(X+x)+k]=(r[2*y][3*2*x+k]+r[2*y][3*(2*x+1)+k]+r[2*y+1][3*2*x+k]+r[2*y+1][3*(2*x+1)+k]+2)//4
raw=b''.join(b'\0'+bytes(row) for row in out)
ck=lambda t,d: struct.pack('>I',len(d))+t+d+struct.pack('>I',zlib.crc32(t+d))
open(sys.argv[2],'wb').write(b'\x89PNG\r\n\x1a\n'+ck(b'IHDR',struct.pack('>IIBBBBB',W,H,8,2,0,0,0))+ck(b'IDAT',zlib.compress(raw))+ck(b'IEND',b''))" "$img" "$tmp/small.png"
for d in auto short full; do "$bin" face "$tmp/small.png" --detector $d >"$tmp/small_$d.txt"; done
expect "small face: auto finds it" 'grep -q ", 1 face" "$tmp/small_auto.txt"'
expect "small face: full finds it" 'grep -q ", 1 face" "$tmp/small_full.txt"'
expect "small face: short misses it" 'grep -q ", 0 faces" "$tmp/small_short.txt"'
expect "small face: auto box is on the pasted face (x 385..435 px)" 'grep -qE "box x (3[89][0-9]|4[0-3][0-9]) " "$tmp/small_auto.txt"'
"$bin" segment "$tmp/small.png" --categories "$tmp/small_cat.png" >"$tmp/small_seg.txt"
expect "small face: segment finds the face and paints face skin there" 'grep -q "^faces: 1" "$tmp/small_seg.txt" && py "w,h,ch,r=read(sys.argv[1]); sys.exit(r[160+70][300+102] != 3)" "$tmp/small_cat.png"'
"$bin" segment "$tmp/small.png" --detector short >"$tmp/small_seg_short.txt"
# ... the short-range detector misses it there too, but the landmarker at the pose's face finds it (as Holistic).
expect "small face: segment --detector short finds it at the pose's face" 'grep -q "^faces: 1" "$tmp/small_seg_short.txt" && grep -q "^poses: 1" "$tmp/small_seg_short.txt"'
# A close face: auto is exactly short (the fallback never runs).
"$bin" face "$img" --json --detector auto >"$tmp/auto.json"
"$bin" face "$img" --json --detector short >"$tmp/short.json"
expect "close face: auto and short give identical JSON" '[ -s "$tmp/auto.json" ] && cmp -s "$tmp/auto.json" "$tmp/short.json"'
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
