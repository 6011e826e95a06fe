#!/usr/bin/env bash
# scripts/fetch-assets.sh: idempotent when everything is verified, and a damaged
# file is noticed by its checksum and fetched again.
set -u
src=${SEGTEX_SOURCE_DIR:?} assets=${SEGTEX_ASSETS:?}
if [ -n "${SEGTEX_SANITIZED:-}" ]; then echo "0 passed, 0 failed, 1 skipped"; exit 0; fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
expect() { if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: $1"; fi; }
cp "$assets"/*.tflite "$assets"/*.binarypb "$assets"/astronaut.png "$assets"/camera.png "$tmp/"
out=$(SEGTEX_ASSETS=$tmp "$src/scripts/fetch-assets.sh" 2>&1)
expect "nothing to do when all files verify (got: $out)" '[ $? -eq 0 ] && [ -z "$out" ]'
printf 'damaged' | dd of="$tmp/face_landmark.tflite" bs=1 seek=1000 conv=notrunc status=none
out=$(SEGTEX_ASSETS=$tmp "$src/scripts/fetch-assets.sh" 2>&1)
expect "a damaged file is fetched again (got: $out)" '[ $? -eq 0 ] && [ "$out" = "fetch-assets: fetching face_landmark.tflite" ]'
expect "and now verifies" 'cmp -s "$tmp/face_landmark.tflite" "$assets/face_landmark.tflite"'
out=$(SEGTEX_ASSETS=$tmp "$src/scripts/fetch-assets.sh" --frobnicate 2>&1)
expect "unknown option is an error" '[ $? -eq 2 ] && grep -q "unknown option" <<<"$out"'
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
