#!/usr/bin/env bash
# The installed segtex, as a user gets it:
#  1. `cmake --install` into a temporary prefix: the command runs from it;
#     examples/pkgconfig builds against the installed segtex.pc (shared, and
#     static from libsegtex.a with the .pc's private dependencies) and
#     examples/cmake through find_package(segtex); the models search order.
#  2. the .deb (cpack -G DEB on this build): Depends from shlibdeps; extracted
#     with dpkg -x, `segtex --help`, `segtex fetch-models` (the installed
#     script, same pins) and the pkg-config example run from it.
set -u
src=${SEGTEX_SOURCE_DIR:?} bin=${SEGTEX_BIN:?} assets=${SEGTEX_ASSETS:?}
# A sanitized library cannot be loaded by the uninstrumented examples.
if [ -n "${SEGTEX_SANITIZED:-}" ]; then echo "0 passed, 0 failed, 1 skipped"; exit 0; fi
build=$(dirname "$bin")
tmp=$(cd "$(mktemp -d)" && pwd -P); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
expect() { if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: $1"; fi; }
image=$assets/astronaut.png
want="$image: 512x512, 3 channels"

# --- 1. cmake --install ---------------------------------------------------
p=$tmp/prefix
cmake --install "$build" --prefix "$p" >"$tmp/install.log" 2>&1; rc=$?
expect "cmake --install succeeds ($(tail -n 1 "$tmp/install.log"))" '[ $rc -eq 0 ]'
pc=$(find "$p" -name segtex.pc | head -n 1)
libdir=$(dirname "$(dirname "$pc")")
for f in bin/segtex include/segtex/core.h include/segtex/assets.h libexec/segtex/fetch-assets.sh; do
  expect "installed: $f" '[ -e "$p/$f" ]'
done
expect "installed: libsegtex.so.0, libsegtex.so, libsegtex.a" \
  '[ -e "$libdir/libsegtex.so.0" ] && [ -L "$libdir/libsegtex.so" ] && [ -e "$libdir/libsegtex.a" ]'
expect "installed: the CMake package" '[ -e "$libdir/cmake/segtex/segtex-config.cmake" ]'
expect "the installed command runs and uses the installed library" \
  '"$p/bin/segtex" --help | grep -q fetch-models && ldd "$p/bin/segtex" | grep -q "libsegtex.so.0 => $p/"'

export PKG_CONFIG_PATH=$libdir/pkgconfig

# The Python module and the GStreamer element are installed beside the library and find it there.
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import numpy" 2>/dev/null; then
  got=$(cd "$tmp" && env -u SEGTEX_LIBRARY PYTHONPATH="$p/lib/python3/dist-packages" /usr/bin/python3 -c \
    "import segtex, sys; print(segtex.__file__.startswith(sys.argv[1]))" "$p" 2>&1 | tail -n 1)
  expect "the installed Python module imports and loads the installed library (got: $got)" '[ "$got" = True ]'
fi
if [ -n "${SEGTEX_GST_PLUGIN_DIR:-}" ] && command -v gst-inspect-1.0 >/dev/null; then
  got=$(GST_REGISTRY="$tmp/gst.reg" GST_PLUGIN_PATH="$libdir/gstreamer-1.0" gst-inspect-1.0 segtex 2>&1 | grep -c "segtex")
  expect "the installed GStreamer element is found by gst-inspect ($got lines)" '[ "$got" -gt 0 ]'
fi
cp -r "$src/examples" "$tmp/examples"
make -s -C "$tmp/examples/pkgconfig" >"$tmp/make.log" 2>&1; rc=$?
expect "the pkg-config example builds ($(tail -n 1 "$tmp/make.log"))" '[ $rc -eq 0 ]'
out=$(LD_LIBRARY_PATH=$libdir "$tmp/examples/pkgconfig/segtex-example" "$image" 2>&1)
expect "the pkg-config example runs on the installed library (got: $out)" '[[ "$out" == "$want"* ]]'
# The README's Library example: a photo in, the painted photo out, through segtex_effect.
out=$(LD_LIBRARY_PATH=$libdir "$tmp/examples/pkgconfig/segtex-effect" "$image" "$tmp/painted.png" 2>&1)
expect "the README's effect example paints the portrait (got: $out)" \
  '[[ "$out" == *"1 face(s), composite segmenter"* ]] && [ -s "$tmp/painted.png" ] && ! cmp -s "$image" "$tmp/painted.png"'
got=$(python3 -c "import struct,sys; print('%dx%d' % struct.unpack('>II', open(sys.argv[1],'rb').read()[16:24]))" "$tmp/painted.png")
expect "its output is a PNG of the portrait's size (got: $got)" '[ "$got" = 512x512 ]'
# Static: libsegtex.a plus exactly the private dependencies the .pc lists.
reqs=$(sed -n 's/^Requires.private: *//p' "$pc") privs=$(sed -n 's/^Libs.private: *//p' "$pc")
cc -o "$tmp/static-example" "$src/examples/pkgconfig/main.c" $(pkg-config --cflags segtex) \
  "$libdir/libsegtex.a" $(pkg-config --libs $reqs) $privs 2>"$tmp/static.log"; rc=$?
expect "the example links statically with the .pc's private dependencies ($(head -n 1 "$tmp/static.log"))" '[ $rc -eq 0 ]'
out=$("$tmp/static-example" "$image" 2>&1)
expect "the static example runs (got: $out)" '[[ "$out" == "$want"* ]] && ! ldd "$tmp/static-example" | grep -q libsegtex'
cmake -S "$tmp/examples/cmake" -B "$tmp/cmake-example" -DCMAKE_PREFIX_PATH="$p" >"$tmp/cmake.log" 2>&1 &&
  cmake --build "$tmp/cmake-example" >>"$tmp/cmake.log" 2>&1; rc=$?
expect "the find_package(segtex) example builds ($(grep -m1 -i error "$tmp/cmake.log"))" '[ $rc -eq 0 ]'
out=$("$tmp/cmake-example/segtex-example" "$image" 2>&1)
expect "the find_package example runs on segtex::segtex, the shared library (got: $out)" \
  '[[ "$out" == "$want"* ]] && ldd "$tmp/cmake-example/segtex-example" | grep -q "libsegtex.so.0 => $libdir/"'

# The models search order, seen by a client of the installed library.
# models [VAR=value | -u VAR]...: the folder the example reports, run from $tmp.
models() { (cd "$tmp" && env -u SEGTEX_ASSETS HOME="$tmp/home" XDG_DATA_HOME="$tmp/xdg" \
  LD_LIBRARY_PATH="$libdir" env "$@" "$tmp/examples/pkgconfig/segtex-example" "$image" 2>/dev/null |
  sed 's/.*models: //'); }
got=$(models)
expect "no models anywhere: ./assets, the last resort (got: $got)" '[ "$got" = assets ]'
touch "$p/share/segtex/models/m.tflite"
got=$(models)
expect "models in <prefix>/share/segtex/models, found from where the library is (got: $got)" \
  '[ "$got" = "$p/share/segtex/models" ]'
mkdir -p "$tmp/home/.local/share/segtex" && touch "$tmp/home/.local/share/segtex/m.tflite"
got=$(models -u XDG_DATA_HOME)
expect "~/.local/share/segtex before the prefix (got: $got)" '[ "$got" = "$tmp/home/.local/share/segtex" ]'
mkdir -p "$tmp/xdg/segtex" && touch "$tmp/xdg/segtex/m.tflite"
got=$(models)
expect "\$XDG_DATA_HOME/segtex before the prefix (got: $got)" '[ "$got" = "$tmp/xdg/segtex" ]'
got=$(models SEGTEX_ASSETS=/nowhere)
expect "\$SEGTEX_ASSETS first, as given (got: $got)" '[ "$got" = /nowhere ]'
got=$(cd "$tmp" && env -u SEGTEX_ASSETS XDG_DATA_HOME="$tmp/xdg" "$p/bin/segtex" face --models "$assets" "$image" 2>&1 | head -n 1)
expect "--models before all (got: $got)" '[[ "$got" == *"1 face"* ]]'

# --- 2. the .deb ----------------------------------------------------------
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$tmp/deb" >"$tmp/cpack.log" 2>&1
deb=$(ls "$tmp"/deb/segtex_*_amd64.deb 2>/dev/null | head -n 1)
expect "cpack builds segtex_<version>_amd64.deb ($(grep -m1 -i error "$tmp/cpack.log"))" '[ -n "$deb" ]'
depends=$(dpkg-deb -f "$deb" Depends 2>/dev/null)
expect "Depends from shlibdeps: the library packages, not libsegtex itself (got: $depends)" \
  '[[ "$depends" == *libavformat* && "$depends" == *libsdl2* && "$depends" == *libxnnpack* && "$depends" == *libc6* && "$depends" != *segtex* ]]'
r=$tmp/root
dpkg -x "$deb" "$r"
expect "the extracted command runs (libsegtex found beside it)" '"$r/usr/bin/segtex" --help | grep -q "fetch-models"'
dpc=$(find "$r" -name segtex.pc | head -n 1)
dlib=$(dirname "$(dirname "$dpc")")
make -s -C "$tmp/examples/pkgconfig" clean
PKG_CONFIG_PATH=$(dirname "$dpc") make -s -C "$tmp/examples/pkgconfig" >"$tmp/make2.log" 2>&1; rc=$?
expect "the pkg-config example builds against the extracted package ($(tail -n 1 "$tmp/make2.log"))" '[ $rc -eq 0 ]'
out=$(cd "$tmp" && env -u SEGTEX_ASSETS HOME="$tmp/nohome" XDG_DATA_HOME="$tmp/noxdg" LD_LIBRARY_PATH=$dlib \
  "$tmp/examples/pkgconfig/segtex-example" "$image" 2>/dev/null)
expect "and runs on it (got: $out)" '[[ "$out" == "$want"* ]] &&
  LD_LIBRARY_PATH=$dlib ldd "$tmp/examples/pkgconfig/segtex-example" | grep -q "libsegtex.so.0 => $dlib/"'
# fetch-models from the package: the installed script with its pins keeps
# verified files (no download) and fetches no sample image.
mkdir -p "$tmp/fetched" && cp "$assets"/*.tflite "$assets"/*.binarypb "$tmp/fetched/"
rm -f "$tmp/fetched/selfie_multiclass_256x256.tflite"
out=$("$r/usr/bin/segtex" fetch-models "$tmp/fetched" 2>&1)
expect "segtex fetch-models runs the packaged script, which verifies the pins (got: $out)" \
  '[ "$out" = "segtex: fetch-models: the models are in $tmp/fetched" ] && [ ! -e "$tmp/fetched/astronaut.png" ]'
printf 'damaged' | dd of="$tmp/fetched/face_detection_short_range.tflite" bs=1 seek=100 conv=notrunc status=none
out=$(npm_config_offline=true "$r/usr/bin/segtex" fetch-models "$tmp/fetched" 2>&1)
expect "a file failing its sha256 is fetched again (offline npm here; got: $out)" '[[ "$out" == *"fetching face_detection_short_range.tflite"* ]]'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
