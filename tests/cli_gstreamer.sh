#!/usr/bin/env bash
# The GStreamer element `segtex` (build/gst/libgstsegtex.so):
#  - gst-inspect-1.0 finds it with GST_PLUGIN_PATH set to the build;
#  - offline (live=false) it writes the same bytes as `segtex run` for the same frames
#    and options (RGB, and BGRx through videoconvert), paints included;
#  - the brief's file pipeline (mp4 -> decodebin -> videoconvert -> segtex -> pngenc ->
#    multifilesink) works; its pixels match `segtex run -i clip.mp4` within a stated
#    tolerance only, because GStreamer's videoconvert and FFmpeg's swscale turn the same
#    decoded YUV into slightly different RGB (the element itself is exact, see above);
#  - emit-results posts one message per frame with the face count and the frames the results came from;
#  - the body: pose, hands, hand-model and skeleton give the bytes of `segtex run --skeleton --hands ...`,
#    the skeleton changes pixels, emit-results counts the pose and hands, bad values are refused;
#  - tint=, blur=, image= paints and the `anchor` property give the bytes of `segtex run --paint/--anchor`;
#    background=blur=12 differs from bricks;
#  - a bad `paint` or `anchor` fails the pipeline with a message naming it;
#  - LATENCY: the element adds its delay;
#  - videotestsrc num-buffers=300 ! segtex ! fakesink under the allocation interposer
#    allocates no more than the same pipeline with 100 buffers (live; offline 150 and 50).
# Skipped under the sanitizer builds and when the plugin was not built.
set -u
bin=${SEGTEX_BIN:?} lib=${SEGTEX_ALLOCCOUNT:?}
if [ -n "${SEGTEX_SANITIZED:-}" ]; then echo "0 passed, 0 failed, 1 skipped"; exit 0; fi
plugin_dir=${SEGTEX_GST_PLUGIN_DIR:-}
if [ -z "$plugin_dir" ] || [ ! -f "$plugin_dir/libgstsegtex.so" ]; then
  echo "skipped: the GStreamer element was not built (install libgstreamer-plugins-base1.0-dev and re-run cmake)"
  echo "0 passed, 0 failed, 1 skipped"; exit 0
fi
for tool in gst-inspect-1.0 gst-launch-1.0; do
  command -v $tool >/dev/null || { echo "skipped: $tool not installed (gstreamer1.0-tools)"; echo "0 passed, 0 failed, 1 skipped"; exit 0; }
done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export GST_PLUGIN_PATH=$plugin_dir GST_REGISTRY=$tmp/registry.bin GST_DEBUG_NO_COLOR=1
unset GST_DEBUG
pass=0 fail=0 t0=$(date +%s.%N)
section() { awk -v s="$1" -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "== %s (at %.1f s)\n", s, b - a }'; }
expect() { if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: $1"; fi; }
W=320 H=240 N=12 SEED=7
run() { "$bin" run --quiet "$@" 2>>"$tmp/run.err"; }
gst() { gst-launch-1.0 -q "$@" 2>>"$tmp/gst.err" >/dev/null; }

section "gst-inspect"
# 1. gst-inspect
gst-inspect-1.0 segtex >"$tmp/inspect" 2>&1
expect "gst-inspect-1.0 segtex" '[ $? -eq 0 ]'
for p in mode seed landmarks textures models segmenter detector live paint anchor emit-results alloc-count \
  pose hands hand-model skeleton palm-every; do
  expect "property $p listed" "grep -q '^  $p ' '$tmp/inspect'"
done
expect "pose: off, lite or full, default off" 'grep -A6 "^  pose " "$tmp/inspect" | grep -q "Default: 0, \"off\"" &&
  [ "$(grep -A6 "^  pose " "$tmp/inspect" | grep -c "): \(off\|lite\|full\) ")" -eq 3 ]'
expect "hands: 0..2, default 0" 'grep -A3 "^  hands " "$tmp/inspect" | grep -q "Range: 0 - 2 Default: 0"'
expect "hand-model: lite or full, default full" 'grep -A3 "^  hand-model " "$tmp/inspect" | grep -q "Default: 1, \"full\""'
expect "skeleton: boolean, default false" 'grep -A3 "^  skeleton " "$tmp/inspect" | grep -q "Boolean. Default: false"'
expect "caps list RGB and the 4-byte formats" 'grep -q "RGB, (string)RGBx, (string)BGRx, (string)xRGB, (string)xBGR, (string)RGBA, (string)BGRA" "$tmp/inspect"'

section "exact"
# 2. Exact: the same RGB frames in (the demo clip as raw RGB24), the same bytes out.
raw="rawvideoparse format=rgb width=$W height=$H framerate=30/1"
run -i demo: --frames $N --size ${W}x$H --mode cutout --paint all=none -o - >"$tmp/in.rgb"
expect "demo frames as raw RGB ($(stat -c %s "$tmp/in.rgb") bytes)" '[ "$(stat -c %s "$tmp/in.rgb")" -eq $((W * H * 3 * N)) ]'
exact() { # name, segtex run options, element properties, [format in between]; output kept in $tmp/gst.rgb
  local name=$1 ropts=$2 props=$3 fmt=${4:-RGB}
  run -i demo: --frames $N --size ${W}x$H $ropts -o - >"$tmp/ref.rgb"
  rm -f "$tmp/gst.rgb"
  gst filesrc location="$tmp/in.rgb" ! $raw ! videoconvert ! video/x-raw,format=$fmt ! segtex live=false $props \
    ! videoconvert ! video/x-raw,format=RGB ! filesink location="$tmp/gst.rgb"
  expect "exact: $name: ${W}x$H x $N frames written" '[ "$(stat -c %s "$tmp/gst.rgb" 2>/dev/null)" = "$(stat -c %s "$tmp/ref.rgb")" ] && [ -s "$tmp/ref.rgb" ]'
  expect "exact: $name: same bytes as segtex run" 'cmp -s "$tmp/ref.rgb" "$tmp/gst.rgb"'
}
exact "overlay, paints, landmarks" "--landmarks --paint all=none --paint hair=#ff0000 --paint clothes=checker" \
  "landmarks=true paint=\"all=none;hair=#ff0000;clothes=checker\""
exact "mask seed $SEED, BGRx" "--mode mask --seed $SEED" "mode=mask seed=$SEED" BGRx
exact "mask seed $SEED" "--mode mask --seed $SEED" "mode=mask seed=$SEED"
# The paints computed from the frame or a picture, and anchors, as segtex run applies them.
img=${SEGTEX_ASSETS:-}/astronaut.png
exact "cutout, background=blur=12" "--mode cutout --paint background=blur=12" "mode=cutout paint=background=blur=12"
cp "$tmp/gst.rgb" "$tmp/blur.rgb"
exact "cutout, background=bricks" "--mode cutout --paint background=bricks" "mode=cutout paint=background=bricks"
expect "paints: background=blur=12 differs from background=bricks" '[ -s "$tmp/blur.rgb" ] && ! cmp -s "$tmp/blur.rgb" "$tmp/gst.rgb"'
exact "overlay, hair=tint=#b03060:0.8, anchors" \
  "--paint hair=tint=#b03060:0.8 --paint clothes=checker --anchor clothes=screen --anchor hair=face" \
  "paint=\"hair=tint=#b03060:0.8;clothes=checker\" anchor=\"clothes=screen,hair=face\""
cp "$tmp/gst.rgb" "$tmp/anchored.rgb"
exact "overlay, clothes=checker, default anchors" "--paint hair=tint=#b03060:0.8 --paint clothes=checker" \
  "paint=\"hair=tint=#b03060:0.8;clothes=checker\""
expect "paints: anchor=clothes=screen (not torso, the default) moves the clothes' texture" '[ -s "$tmp/anchored.rgb" ] && ! cmp -s "$tmp/anchored.rgb" "$tmp/gst.rgb"'
if [ -f "$img" ]; then
  exact "cutout, background=image=astronaut.png" "--mode cutout --paint background=image=$img" \
    "mode=cutout paint=\"background=image=$img\""
fi

# A test that can fail: another seed gives other bytes.
run -i demo: --frames $N --size ${W}x$H --mode mask --seed $((SEED + 1)) -o - >"$tmp/other.rgb"
expect "exact: seed $((SEED + 1)) differs from seed $SEED" '! cmp -s "$tmp/other.rgb" "$tmp/gst.rgb"'

# emit-results: one message per frame; offline, each frame's results are its own; the demo has one face.
gst-launch-1.0 -m filesrc location="$tmp/in.rgb" ! $raw ! segtex live=false emit-results=true ! fakesink \
  2>&1 | grep -o 'segtex, frame=.*' >"$tmp/results"
expect "emit-results: $N messages ($(wc -l <"$tmp/results"))" '[ "$(wc -l <"$tmp/results")" -eq $N ]'
expect "emit-results: frame, faces=1, faces-frame and seg-frame = frame" \
  '[ "$(grep -c "frame=(gint64)\([0-9]*\), pts=(guint64)[0-9]*, faces=(int)1, faces-frame=(gint64)\1, seg-frame=(gint64)\1," "$tmp/results")" -eq $N ]'

section "body"
# The body: the skeleton (pose lite, turned on by it as by --skeleton) and two lite hands give
# segtex run's bytes; a test that can fail: without the skeleton the pixels differ.
exact "skeleton, 2 lite hands" "--skeleton --hands 2 --hand-model lite" "skeleton=true hands=2 hand-model=lite"
run -i demo: --frames $N --size ${W}x$H -o - >"$tmp/plain.rgb"
gst filesrc location="$tmp/in.rgb" ! $raw ! segtex live=false ! filesink location="$tmp/plain-gst.rgb"
expect "body: without skeleton the element gives segtex run's plain bytes" 'cmp -s "$tmp/plain.rgb" "$tmp/plain-gst.rgb"'
expect "body: skeleton=true changes pixels" '[ -s "$tmp/gst.rgb" ] && ! cmp -s "$tmp/plain-gst.rgb" "$tmp/gst.rgb"'
cp "$tmp/gst.rgb" "$tmp/skeleton-lite.rgb"
exact "skeleton, pose full" "--skeleton --pose full" "skeleton=true pose=full"
expect "body: pose=full draws another skeleton than lite" '[ -s "$tmp/gst.rgb" ] && ! cmp -s "$tmp/skeleton-lite.rgb" "$tmp/gst.rgb"'
exact "skeleton, pose off (as --skeleton --pose off: no lite pose then)" "--skeleton --pose off" "skeleton=true pose=off"
# emit-results: offline every frame has its own pose (the demo shows one person) and hand search.
gst-launch-1.0 -m filesrc location="$tmp/in.rgb" ! $raw ! segtex live=false emit-results=true pose=lite hands=1 \
  hand-model=lite ! fakesink 2>&1 | grep -o 'segtex, frame=.*' >"$tmp/results"
expect "body: emit-results: $N messages with poses=1, pose-frame and hands-frame = frame" \
  '[ "$(grep -c "frame=(gint64)\([0-9]*\), .*seg-frame=(gint64)\1, poses=(int)1, pose-frame=(gint64)\1, hands=(int)[01], hands-frame=(gint64)\1," "$tmp/results")" -eq $N ]'
gst-launch-1.0 -m filesrc location="$tmp/in.rgb" ! $raw ! segtex live=false emit-results=true ! fakesink 2>&1 \
  | grep -o 'segtex, frame=.*' >"$tmp/results"
expect "body: off by default: poses=0, pose-frame=-1, hands=0, hands-frame=-1" \
  '[ "$(grep -c "poses=(int)0, pose-frame=(gint64)-1, hands=(int)0, hands-frame=(gint64)-1," "$tmp/results")" -eq $N ]'
# Bad values: an unknown pose fails the pipeline naming it; hands out of 0..2 is refused by GObject, named.
gst-launch-1.0 videotestsrc num-buffers=2 ! video/x-raw,format=RGB,width=64,height=48 ! segtex pose=medium \
  ! fakesink >"$tmp/bad.out" 2>&1
rc=$?
expect "body: pose=medium fails (exit $rc)" '[ $rc -ne 0 ]'
expect "body: pose=medium: names the property and the value" \
  'grep -q "could not set property \"pose\" in element \"segtex\" to \"medium\"" "$tmp/bad.out"'
gst-launch-1.0 videotestsrc num-buffers=2 ! video/x-raw,format=RGB,width=64,height=48 ! segtex hands=3 \
  ! fakesink >"$tmp/bad.out" 2>&1
expect "body: hands=3 is refused, naming hands" 'grep -q "\"3\" of type .guint. is invalid or out of range for property .hands." "$tmp/bad.out"'

section "mp4"
# 3. The file pipeline of the README on an mp4 (its PNGs, and raw RGB beside them through a
# tee), against segtex run's output for the same options (PNGs, and raw RGB on stdout).
run -i demo: --frames $N --size ${W}x$H -o "$tmp/clip.mp4"
mkdir -p "$tmp/g" "$tmp/o"
gst filesrc location="$tmp/clip.mp4" ! decodebin ! videoconvert ! video/x-raw,format=RGB \
  ! segtex mode=mask live=false seed=$SEED ! tee name=t \
  t. ! queue ! videoconvert ! pngenc ! multifilesink location="$tmp/g/f%05d.png" \
  t. ! queue ! filesink location="$tmp/g.rgb"
expect "mp4: $N PNG frames written ($(ls "$tmp/g" | wc -l))" '[ "$(ls "$tmp/g" | wc -l)" -eq $N ]'
run -i "$tmp/clip.mp4" --mode mask --seed $SEED -o "$tmp/o/%05d.png" -o - >"$tmp/o.rgb"
expect "mp4: segtex run wrote $N PNG frames too" '[ "$(ls "$tmp/o" | wc -l)" -eq $N ]'
run -i "$tmp/clip.mp4" --mode mask --seed $((SEED + 1)) -o - >"$tmp/x.rgb"
# Tolerance: mean absolute difference per byte < 2 and under 1% of bytes off by more than 32
# (measured: about 0.45 and 0.3%, at category edges); another seed is far outside it.
cmp_tol() { # cmp -l lists the differing bytes, in octal
  [ -s "$1" ] && [ "$(stat -c %s "$1")" = "$(stat -c %s "$2")" ] || { echo "sizes differ"; return 1; }
  cmp -l "$1" "$2" | awk -v n="$(stat -c %s "$1")" '
    function oct(s,  v, i) { v = 0; for (i = 1; i <= length(s); i++) v = v * 8 + substr(s, i, 1); return v }
    { d = oct($2) - oct($3); if (d < 0) d = -d; sum += d; if (d > 32) far++ }
    END { printf "mean |diff| %.3f, bytes off by > 32: %.3f%%\n", sum / n, 100 * far / n; exit !(sum / n < 2 && far / n < 0.01) }'
}
same=$(cmp_tol "$tmp/g.rgb" "$tmp/o.rgb"); same_rc=$?
other=$(cmp_tol "$tmp/g.rgb" "$tmp/x.rgb"); other_rc=$?
echo "mp4, against segtex run, same seed: $same; another seed: $other"
expect "mp4: pixels match segtex run within tolerance ($same)" '[ $same_rc -eq 0 ]'
expect "mp4: another seed is outside the tolerance ($other)" '[ $other_rc -ne 0 ]'

section "bad paint"
# 4. A bad paint fails the pipeline, naming what is wrong (one case per validation path).
bad_paint() { # paint value, expected words
  gst-launch-1.0 videotestsrc num-buffers=2 ! video/x-raw,format=RGB,width=64,height=48 ! segtex "paint=\"$1\"" \
    ! fakesink >"$tmp/bad.out" 2>&1
  local rc=$? want=$2
  expect "paint '${1:0:60}' fails (exit $rc)" '[ $rc -ne 0 ]'
  expect "paint '${1:0:60}': says '$want'" 'grep -q -- "$want" "$tmp/bad.out"'
}
bad_paint "hair=#12345" "is not a #rrggbb colour"
bad_paint "hair=#12345g" "is not a #rrggbb colour"
bad_paint "beard=#ff0000" "unknown category 'beard'"
bad_paint "hair" "is not CAT=SPEC"
bad_paint "hair=no-such-texture" "unknown texture 'no-such-texture'"
bad_paint "hair=../x.png" "hair: '../x.png' is a texture file; the element takes texture names"
bad_paint "hair=my tex" "hair: 'my tex' is not #rrggbb, none, tint=#rrggbb\[:S\], blur=R, image=FILE, a texture name"
bad_paint "background=blur=0012" "'blur=0012' is not blur=R with R an integer from 1 to 64 (R has more than 3 digits)"
bad_paint "background=blur=0" "background: 'blur=0' is not blur=R with R an integer from 1 to 64"
bad_paint "background=blur=65" "'blur=65' is not blur=R"
bad_paint "background=blur=3.5" "'blur=3.5' is not blur=R"
bad_paint "background=blur=" "'blur=' is not blur=R"
bad_paint "hair=tint=#b03060:1.5" "hair: 'tint=#b03060:1.5' is not tint=#rrggbb or tint=#rrggbb:S with S from 0 to 1"
bad_paint "hair=tint=#b0306" "'tint=#b0306' is not tint=#rrggbb"
bad_paint "hair=tint=#b03060:" "'tint=#b03060:' is not tint=#rrggbb"
bad_paint "background=image=" "background: 'image=' needs a PNG or JPEG file"
bad_paint "background=image=$tmp/no-such.png" "image '$tmp/no-such.png' does not load"
bad_anchor() { # anchor value, expected words
  gst-launch-1.0 videotestsrc num-buffers=2 ! video/x-raw,format=RGB,width=64,height=48 ! segtex "anchor=\"$1\"" \
    ! fakesink >"$tmp/bad.out" 2>&1
  local rc=$? want=$2
  expect "anchor '${1:0:60}' fails (exit $rc)" '[ $rc -ne 0 ]'
  expect "anchor '${1:0:60}': says '$want'" 'grep -q -- "$want" "$tmp/bad.out"'
}
bad_anchor "hair=nose" "anchor 'hair=nose': hair: 'nose' is not screen, face, torso or mesh"
bad_anchor "beard=face" "unknown category 'beard'"
bad_anchor "hair=face,clothes" "'clothes' is not CAT=SPEC"
bad_paint "$(printf 'hair=none;%.0s' $(seq 17))" "more than 16 entries"
bad_paint "hair=$(printf 'a%.0s' $(seq 1100))" "longer than 1024 characters"

section "latency"
# 5. LATENCY: a live source and a synchronising sink ask; the element adds its own delay.
GST_DEBUG=segtex:5 gst-launch-1.0 videotestsrc is-live=true num-buffers=60 \
  ! video/x-raw,format=RGB,width=$W,height=$H,framerate=30/1 ! segtex ! fakesink sync=true >/dev/null 2>"$tmp/lat.err"
echo "$(grep -o 'latency: ours [0-9:.]*' "$tmp/lat.err" | sed -n '1p;$p' | tr '\n' ' ')$(grep -o 'latency: [0-9:.]* measured' "$tmp/lat.err")"
expect "latency: answered with the element's delay ($(grep -o 'latency: ours [0-9:.]*' "$tmp/lat.err" | tail -1))" \
  'grep -q "latency: ours 0:00:00.0[0-9]" "$tmp/lat.err"'
expect "latency: re-measured after 30 frames ($(grep -o 'latency: [0-9:.]* measured' "$tmp/lat.err"))" \
  'grep -q "latency: [0-9:.]* measured" "$tmp/lat.err"'

section "allocations"
# 6. No per-frame allocation: 300 frames allocate what 100 do. The element counts every
# thread's allocations (the interposer) made inside its transform_frame, and libsegtex's own
# (all of its threads, all the time); it logs both at stop (GST_DEBUG=segtex:4).
allocs() { # num-buffers, source options, element options -> "in-transform library"
  GST_DEBUG=segtex:4 LD_PRELOAD=$lib gst-launch-1.0 videotestsrc $2 num-buffers=$1 \
    ! video/x-raw,format=RGB,width=$W,height=$H,framerate=60/1 ! segtex $3 ! fakesink >/dev/null 2>"$tmp/alloc.err"
  sed -n 's/.*stop: \([0-9]*\) frames.*allocations in transform_frame \([0-9]*\), library allocations \([0-9]*\).*/\1 \2 \3/p' \
    "$tmp/alloc.err"
}
# Live as the issue asks (100 and 300 frames); offline (slower per frame) 50 and 150.
for mode in "live:100:300:is-live=true:live=true" "offline:50:150::live=false" \
  "live, pose and a hand:100:300:is-live=true:live=true skeleton=true hands=1 hand-model=lite" \
  "offline, pose and a hand:40:120::live=false skeleton=true hands=1 hand-model=lite"; do
  IFS=: read -r name n1 n3 src el <<<"$mode"
  read -r f1 t1 l1 <<<"$(allocs $n1 "$src" "$el")"
  read -r f3 t3 l3 <<<"$(allocs $n3 "$src" "$el")"
  echo "allocations, $name: $n1 frames: $t1 in transform_frame, $l1 libsegtex; $n3 frames: $t3, $l3"
  expect "$name: $n1 and $n3 frames ran (${f1:-?}, ${f3:-?})" '[ "${f1:-}" = $n1 ] && [ "${f3:-}" = $n3 ]'
  expect "$name: libsegtex allocations flat ($l1 -> $l3)" '[ -n "${l1:-}" ] && [ "$l1" = "$l3" ]'
  # The interposer counts every thread: a one-off burst of another thread (gst-launch's main
  # thread answering a latency or state message, ~30 allocations) may land inside a window.
  # Allowed: fewer than half the extra frames; one allocation per frame would add all of them.
  expect "$name: allocations inside transform_frame flat ($t1 -> $t3)" \
    '[ -n "${t1:-}" ] && [ -n "${t3:-}" ] && [ $((t3 - t1)) -lt $(((n3 - n1) / 2)) ]'
done

if [ "$fail" -ne 0 ]; then
  echo "--- segtex run stderr"; tail -n 20 "$tmp/run.err" 2>/dev/null
  echo "--- gst-launch stderr"; tail -n 20 "$tmp/gst.err" 2>/dev/null
fi
section "done"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
