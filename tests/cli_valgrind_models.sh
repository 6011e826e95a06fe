#!/usr/bin/env bash
# valgrind memcheck of load -> invoke -> destroy for every model: no leak, no invalid access.
# (Skipped in the sanitizer build: ASan and valgrind cannot run together.)
set -u
bin=${SEGTEX_BIN:?} assets=${SEGTEX_ASSETS:?}
if [ -n "${SEGTEX_SANITIZED:-}" ]; then echo "0 passed, 0 failed, 1 skipped"; exit 0; fi
command -v valgrind >/dev/null || { echo "valgrind missing"; exit 1; }
pass=0 fail=0
for m in selfie_segmentation selfie_segmentation_landscape face_detection_short_range \
         face_detection_full_range face_landmark_with_attention face_landmark; do
  log=$(mktemp)
  valgrind --tool=memcheck --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
    --error-exitcode=99 --log-file="$log" \
    "$bin" model run "$assets/$m.tflite" --image "$assets/astronaut.png" --summary >/dev/null
  rc=$?
  if [ $rc -eq 0 ] && grep -q "All heap blocks were freed -- no leaks are possible" "$log" \
     && grep -q "ERROR SUMMARY: 0 errors" "$log"; then
    pass=$((pass + 1)); echo "ok     $m: $(grep -o 'total heap usage.*' "$log")"
  else
    fail=$((fail + 1)); echo "FAILED $m (exit $rc)"; cat "$log"
  fi
  rm -f "$log"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
