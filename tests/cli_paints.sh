#!/usr/bin/env bash
# `segtex render` with the tint, blur and image paints and --anchor: what a user types and sees,
# one clear line for every bad spec, the same keys from a config file, and --help.
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

# A 64x64 category map: a person (ids 1..4) on background (0); a picture of one colour.
cat >"$T/mk.py" <<'PY'
import math, struct, sys, zlib
def png(path, w, h, pix, colour=0):
    ch = 1 if colour == 0 else 3
    raw = b''.join(b'\0' + b''.join(bytes(pix(x, y)) if ch == 3 else bytes([pix(x, y)]) for x in range(w)) for y in range(h))
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
    return 0
png(d + '/map.png', 64, 64, portrait)
png(d + '/green.png', 40, 30, lambda x, y: (20, 200, 60), colour=2)
PY
python3 "$T/mk.py" "$T" || { echo "cannot write test files"; exit 1; }
# Pixel (x, y) of a PNG written by segtex (RGB, 8-bit), as "r g b".
pixel() { python3 - "$@" <<'PY'
import struct, sys, zlib
d = open(sys.argv[1], 'rb').read(); x, y = int(sys.argv[2]), int(sys.argv[3])
w, h = struct.unpack('>II', d[16:24]); i = 8; idat = b''
while i < len(d):
    n = struct.unpack('>I', d[i:i + 4])[0]; t = d[i + 4:i + 8]
    if t == b'IDAT': idat += d[i + 8:i + 8 + n]
    i += 12 + n
raw = zlib.decompress(idat); s = w * 3; rows = []; prev = bytearray(s)
for r in range(h):
    f = raw[r * (s + 1)]; line = bytearray(raw[r * (s + 1) + 1:(r + 1) * (s + 1)])
    for k in range(s):
        a = line[k - 3] if k >= 3 else 0; b = prev[k]; c = prev[k - 3] if k >= 3 else 0
        p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
        line[k] = (line[k] + [0, a, b, (a + b) // 2, a if pa <= pb and pa <= pc else (b if pb <= pc else c)][f]) & 255
    rows.append(line); prev = line
print(*rows[y][x * 3:x * 3 + 3])
PY
}
R() { "$BIN" render --image "$IMG" --categories "$T/map.png" --out "$T/out.png" "$@"; }

check "render --help names blur, tint, image and --anchor" \
    '"$BIN" render --help > "$T/h" && grep -q "blur=R" "$T/h" && grep -q "tint=#rrggbb" "$T/h" && grep -q "image=FILE" "$T/h" && grep -q -- "--anchor" "$T/h"'
check "run --help names blur, tint and --anchor" \
    '"$BIN" run --help > "$T/h" && grep -q "blur=R" "$T/h" && grep -q "tint=#rrggbb" "$T/h" && grep -q -- "--anchor CAT=A" "$T/h"'

# The virtual background: cutout with background=blur=12 keeps the person and blurs the rest.
check "cutout background=blur=12" 'R --mode cutout --paint background=blur=12 >/dev/null 2>"$T/err" && [ ! -s "$T/err" ]'
cp "$T/out.png" "$T/blur.png"
check "blur: the person is the photo" '[ "$(pixel "$T/blur.png" 256 450)" = "$(pixel "$IMG" 256 450)" ]'
check "blur: the background changed" 'R --mode cutout --paint background=none >/dev/null && [ "$(pixel "$T/blur.png" 30 30)" != "$(pixel "$T/out.png" 30 30)" ]'
check "image=FILE covers the background" 'R --mode cutout --paint background=image="$T/green.png" >/dev/null && [ "$(pixel "$T/out.png" 5 5)" = "20 200 60" ] && [ "$(pixel "$T/out.png" 506 506)" = "20 200 60" ]'
check "tint in overlay" 'R --mode overlay --paint hair=tint=#c02060:0.8 --opacity hair=1 >/dev/null 2>"$T/err" && [ ! -s "$T/err" ]'
check "--anchor in every form" 'R --paint all=checker --anchor hair=face --anchor clothes=torso --anchor face-skin=mesh --anchor all=screen >/dev/null'

# The same from a config file.
printf 'mode = cutout\npaint = background=blur=12\nanchor = hair=face\n' >"$T/cfg"
check "config file: paint = background=blur=12" 'R --config "$T/cfg" >/dev/null && cmp -s "$T/out.png" "$T/blur.png"'

# Bad specs: exit 2, exactly one line naming the problem.
one_line() { # name, expected fragment, args...
    local name=$1 frag=$2; shift 2
    R "$@" >/dev/null 2>"$T/err"; local rc=$?
    if [ $rc -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q -- "$frag" "$T/err"; then ok "$name"; else
        bad "$name (exit $rc: $(cat "$T/err"))"; fi
}
one_line "tint without a colour" "tint=#rrggbb" --paint hair=tint=
one_line "tint with a bad colour" "tint=#rrggbb" --paint hair=tint=#12345g
one_line "tint strength above 1" "S from 0 to 1" --paint hair=tint=#ff0000:1.5
one_line "tint strength not a number" "S from 0 to 1" --paint hair=tint=#ff0000:x
one_line "blur 0" "from 1 to 64" --paint background=blur=0
one_line "blur 65" "from 1 to 64" --paint background=blur=65
one_line "blur not a number" "from 1 to 64" --paint background=blur=12px
one_line "image without a file" "needs a PNG or JPEG" --paint background=image=
# The rules of the one grammar (segtex_paint_spec_parse) that the command line did not have before it.
one_line "empty paint" "'' is empty" --paint hair=
one_line "blur of 4 digits" "R has more than 3 digits" --paint background=blur=0012
one_line "blur with a sign" "'+' is not a digit" --paint background=blur=+12
one_line "tint strength with an exponent" "S '5e-1' is not a decimal number" --paint hair=tint=#ff0000:5e-1
one_line "texture name with a blank" "' ' cannot be in a texture name" --paint "hair=my tex"
one_line "image file name too long" "more than 255" --paint background=image="$T/$(printf 'p%.0s' $(seq 260)).png"
one_line "anchor unknown" "screen, face, torso or mesh" --anchor hair=elbow
one_line "anchor on an unknown category" "unknown category" --anchor nose=face
R --paint background=image="$T/missing.png" >/dev/null 2>"$T/err"; rc=$?
check "image of a missing file: one line naming it" '[ $rc -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q missing.png "$T/err"'
printf 'paint = background=blur=99\n' >"$T/badcfg"
R --config "$T/badcfg" >/dev/null 2>"$T/err"; rc=$?
check "config file: a bad blur is one line" '[ $rc -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "from 1 to 64" "$T/err"'

# bench render takes the paints.
check "bench render --paint background=blur=12" '"$BIN" bench render --size 320x180 --frames 3 --mode cutout --paint background=blur=12 | grep -q "^render size=320x180 mode=cutout"'

# run takes --edges: guided borders differ from bilinear ones; a bad value is one line.
mkdir -p "$T/eb" "$T/eg"
SDL_VIDEODRIVER=dummy "$BIN" run -i demo: --frames 3 --size 160x120 --quiet --edges bilinear -o "$T/eb/%d.png" 2>/dev/null
SDL_VIDEODRIVER=dummy "$BIN" run -i demo: --frames 3 --size 160x120 --quiet --edges guided -o "$T/eg/%d.png" 2>/dev/null
check "run --edges guided differs from bilinear" '[ -s "$T/eg/3.png" ] && [ -s "$T/eb/3.png" ] && ! cmp -s "$T/eg/3.png" "$T/eb/3.png"'
"$BIN" run -i demo: --frames 1 --edges sharp >/dev/null 2>"$T/err"; rc=$?
check "run --edges sharp: exit 2, one line" '[ $rc -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "bilinear or guided" "$T/err"'

echo "$fails failed"
[ $fails -eq 0 ]
