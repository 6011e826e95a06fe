#!/usr/bin/env bash
# `segtex render` and `segtex bench render`: what a user types, and what they see.
set -u
BIN=${SEGTEX_BIN:?}
ASSETS=${SEGTEX_ASSETS:?}
IMG=$ASSETS/astronaut.png
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok     $1"; }
bad() { echo "FAILED $1"; fails=$((fails + 1)); }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }

if ! command -v python3 >/dev/null; then echo "python3 missing: cannot write test PNGs"; exit 1; fi
if [ ! -f "$IMG" ]; then echo "missing $IMG"; exit 1; fi

# Greyscale PNGs (category maps) and JSON written with the standard library only.
cat >"$T/mk.py" <<'EOF'
import json, math, struct, sys, zlib
def png(path, w, h, pix, colour=0):
    ch = 1 if colour == 0 else 3
    raw = b''.join(b'\0' + bytes(pix(x, y) for x in range(w) for _ in range(ch)) for y in range(h))
    def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d))
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, colour, 0, 0, 0))
                + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))
d = sys.argv[1]
def portrait(x, y):
    u, v = (x + .5) / 64, (y + .5) / 64
    if math.hypot(u - .5, v - .4) < .15: return 3
    if math.hypot(u - .5, v - .35) < .2: return 1
    if v > .7 and abs(u - .5) < .35: return 4
    if v > .55 and abs(u - .5) < .06: return 2
    return 0
png(d + '/map64.png', 64, 64, portrait)
png(d + '/map512.png', 512, 512, lambda x, y: portrait(x // 8, y // 8))
png(d + '/map_big.png', 600, 600, lambda x, y: 0)
png(d + '/map_id7.png', 64, 64, lambda x, y: 7 if (x, y) == (10, 20) else 0)
png(d + '/map_rgb.png', 64, 64, lambda x, y: 0, colour=2)
pts = [[.5 + .1 * (i % 12) / 12 * math.cos(i * 2.4), .4 + .15 * (i % 12) / 12 * math.sin(i * 2.4), 0] for i in range(478)]
face = {"score": .95, "box": {"xmin": .35, "ymin": .2, "width": .3, "height": .4}, "keypoints": [[.45, .35]],
        "presence": .99, "landmarks": pts}
json.dump({"width": 512, "height": 512, "faces": [face]}, open(d + '/face.json', 'w'))
open(d + '/bad.json', 'w').write('{"faces":[{"landmarks":[[0.5]]}]}')
open(d + '/corrupt.png', 'wb').write(b'\x89PNG\r\n\x1a\nnope')
EOF
python3 "$T/mk.py" "$T" || { echo "cannot write test files"; exit 1; }
mkdir -p "$T/empty" "$T/tex"
cp "$T/corrupt.png" "$T/tex/broken.png"
cp "$IMG" "$T/tex/astro.png"

size_of() { python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); print("%dx%d" % struct.unpack(">II", d[16:24]))' "$1"; }

# --help
check "render --help" '"$BIN" render --help | grep -q -- "--categories MAP.png"'
check "bench --help" '"$BIN" bench render --help | grep -q "median_ms"'

# Renders in every mode, from a model-resolution map and the image-size map.
for mode in mask overlay cutout; do
    check "render --mode $mode" '"$BIN" render --image "$IMG" --categories "$T/map64.png" --landmarks "$T/face.json" --mode $mode --contours --box --out "$T/$mode.png" >/dev/null 2>"$T/err" && [ "$(size_of "$T/$mode.png")" = 512x512 ] && [ ! -s "$T/err" ]'
done
check "modes differ" '! cmp -s "$T/mask.png" "$T/overlay.png" && ! cmp -s "$T/overlay.png" "$T/cutout.png"'
check "image-size map" '"$BIN" render --image "$IMG" --categories "$T/map512.png" --out "$T/full.png" >/dev/null'
check "1 thread = 2 threads" '"$BIN" render --image "$IMG" --categories "$T/map64.png" --landmarks "$T/face.json" --seed 7 --threads 1 --out "$T/t1.png" >/dev/null && "$BIN" render --image "$IMG" --categories "$T/map64.png" --landmarks "$T/face.json" --seed 7 --threads 2 --out "$T/t2.png" >/dev/null && cmp -s "$T/t1.png" "$T/t2.png"'
check "same seed, same picture" '"$BIN" render --image "$IMG" --categories "$T/map64.png" --seed 7 --out "$T/s7b.png" --no-dots >/dev/null && "$BIN" render --image "$IMG" --categories "$T/map64.png" --seed 7 --out "$T/s7c.png" --no-dots >/dev/null && cmp -s "$T/s7b.png" "$T/s7c.png"'
check "other seed, other picture" '"$BIN" render --image "$IMG" --categories "$T/map64.png" --seed 8 --out "$T/s8.png" --no-dots >/dev/null && ! cmp -s "$T/s7b.png" "$T/s8.png"'
check "paint options" '"$BIN" render --image "$IMG" --categories "$T/map64.png" --mode mask --paint all=checker --paint hair=#ff0000 --paint clothes=none --colors face-skin=#000000,#ffffff --scale 1=3 --opacity 4=0.2 --offset background=5,-3 --out "$T/opts.png" >/dev/null'
check "list textures" '[ "$("$BIN" render --list-textures | grep -c built-in)" -ge 8 ]'
check "texture directory (empty)" '"$BIN" render --image "$IMG" --categories "$T/map64.png" --textures "$T/empty" --seed 3 --out "$T/e.png" >/dev/null'

# Texture files that are missing or corrupt: a warning naming the file, built-ins fill in.
check "corrupt texture in a directory is skipped with a warning" '"$BIN" render --image "$IMG" --categories "$T/map64.png" --textures "$T/tex" --paint hair=astro --out "$T/d.png" >/dev/null 2>"$T/err" && grep -q "broken.png" "$T/err" && [ "$(grep -c . "$T/err")" -le 3 ]'
check "missing texture file: warning, built-in fills in" '"$BIN" render --image "$IMG" --categories "$T/map64.png" --paint hair="$T/nope.png" --out "$T/m.png" >/dev/null 2>"$T/err" && grep -q "nope.png" "$T/err" && grep -q "built-in" "$T/err"'

# Bad input: one line on stderr naming the problem, non-zero exit.
fails_with() { # name, expected text, args...
    local name=$1 want=$2
    shift 2
    if "$BIN" "$@" >/dev/null 2>"$T/err"; then bad "$name (exit 0)"; return; fi
    if grep -q -- "$want" "$T/err" && [ "$(grep -c . "$T/err")" -le 2 ]; then ok "$name"; else bad "$name: $(cat "$T/err")"; fi
}
fails_with "category id > 5" "ids are 0..5" render --image "$IMG" --categories "$T/map_id7.png" --out "$T/x.png"
fails_with "category map larger than the image" "larger than the image" render --image "$IMG" --categories "$T/map_big.png" --out "$T/x.png"
fails_with "colour category map" "greyscale" render --image "$IMG" --categories "$T/map_rgb.png" --out "$T/x.png"
fails_with "missing category map" "map_none.png" render --image "$IMG" --categories "$T/map_none.png" --out "$T/x.png"
fails_with "missing image" "no_such.png" render --image "$T/no_such.png" --categories "$T/map64.png" --out "$T/x.png"
fails_with "missing --out" "required" render --image "$IMG" --categories "$T/map64.png"
fails_with "bad mode" "mask, overlay or cutout" render --image "$IMG" --categories "$T/map64.png" --mode blend --out "$T/x.png"
fails_with "bad landmarks" "bad.json" render --image "$IMG" --categories "$T/map64.png" --landmarks "$T/bad.json" --out "$T/x.png"
fails_with "unknown category" "unknown category" render --image "$IMG" --categories "$T/map64.png" --paint nose=#ff0000 --out "$T/x.png"
fails_with "unknown texture" "unknown texture" render --image "$IMG" --categories "$T/map64.png" --paint hair=velvet --out "$T/x.png"
fails_with "scale out of range" "0.25 to 8" render --image "$IMG" --categories "$T/map64.png" --scale hair=9 --out "$T/x.png"
fails_with "missing texture directory" "no_dir" render --image "$IMG" --categories "$T/map64.png" --textures "$T/no_dir" --out "$T/x.png"
fails_with "unknown option" "unknown option" render --frobnicate

# --skeleton draws the pose and hands of JSON files (the output of segtex pose/hands --json)
python3 - "$T" <<'EOF'
import json, sys
d = sys.argv[1]
lm = [[0.5, 0.2, 0, 0.99, 0.99] for _ in range(33)]
lm[11] = [0.7, 0.5, 0, 0.99, 0.99]   # left shoulder (image right)
lm[12] = [0.3, 0.5, 0, 0.99, 0.99]   # right shoulder
for i in range(13, 33): lm[i][3] = 0.1  # not visible: not drawn
json.dump({"width": 512, "height": 512, "poses": [{"score": 1, "landmarks": lm, "world": [[0, 0, 0]] * 33}]},
          open(d + '/pose.json', 'w'))
json.dump({"hands": [{"handedness": "Left", "score": 0.9, "landmarks": [[0.1 + i * 0.01, 0.9, 0] for i in range(21)]}]},
          open(d + '/hands.json', 'w'))
json.dump({"poses": [{"landmarks": [[0, 0]] * 32}]}, open(d + '/pose_bad.json', 'w'))
EOF
cat >"$T/px.py" <<'EOF'
import struct, sys, zlib
d = open(sys.argv[1], 'rb').read()
w, h = struct.unpack('>II', d[16:24])
raw, i = b'', 8
while i < len(d):
    n, kind = struct.unpack('>I4s', d[i:i + 8])
    if kind == b'IDAT': raw += d[i + 8:i + 8 + n]
    i += 12 + n
raw = zlib.decompress(raw); stride = w * 3 + 1; rows = []; prev = bytearray(w * 3)
for y in range(h):
    f, line = raw[y * stride], bytearray(raw[y * stride + 1:(y + 1) * stride])
    for x in range(w * 3):
        a = line[x - 3] if x >= 3 else 0; b = prev[x]; c = prev[x - 3] if x >= 3 else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line); prev = line
x, y = int(sys.argv[2]), int(sys.argv[3])
print(*rows[y][x * 3:x * 3 + 3])
EOF
"$BIN" render --image "$IMG" --categories "$T/map64.png" --pose "$T/pose.json" --hands "$T/hands.json" --skeleton \
  --out "$T/sk.png" >/dev/null 2>"$T/err"
"$BIN" render --image "$IMG" --categories "$T/map64.png" --out "$T/nosk.png" >/dev/null 2>&1
check "render --skeleton: the shoulder line is white ($(python3 "$T/px.py" "$T/sk.png" 256 256))" \
  '[ "$(python3 "$T/px.py" "$T/sk.png" 256 256)" = "255 255 255" ] && [ "$(python3 "$T/px.py" "$T/nosk.png" 256 256)" != "255 255 255" ]'
check "render --skeleton: a hand's connections are drawn ($(python3 "$T/px.py" "$T/sk.png" 130 460))" \
  '[ "$(python3 "$T/px.py" "$T/sk.png" 130 460)" = "255 255 255" ]'
check "render --skeleton: invisible pose points are not drawn" \
  '[ "$(python3 "$T/px.py" "$T/sk.png" 256 300)" = "$(python3 "$T/px.py" "$T/nosk.png" 256 300)" ]'
fails_with "bad pose file" "expected exactly 33 points" render --image "$IMG" --categories "$T/map64.png" --pose "$T/pose_bad.json" --skeleton --out "$T/x.png"
fails_with "bench: bad size" "WxH" bench render --size 12
fails_with "bench: unknown benchmark" "unknown benchmark" bench paint

# The benchmark's last line, exactly.
"$BIN" bench render --size 320x240 --frames 20 >"$T/b1" 2>&1
check "bench render last line" 'tail -n 1 "$T/b1" | grep -Eq "^render size=320x240 mode=mask threads=1 median_ms=[0-9]+\.[0-9]+$"'
"$BIN" bench render --size 321x239 --mode overlay --threads 2 --frames 20 >"$T/b2" 2>&1
check "bench render overlay, 2 threads" 'tail -n 1 "$T/b2" | grep -Eq "^render size=321x239 mode=overlay threads=2 median_ms=[0-9]+\.[0-9]+$"'

echo "$fails failed"
[ "$fails" -eq 0 ]
