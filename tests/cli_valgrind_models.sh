#!/usr/bin/env bash
# valgrind memcheck of load -> invoke -> destroy for every model: no leak, no invalid access.
# (Skipped in the sanitizer build: ASan and valgrind cannot run together.)
set -u
bin=${SEGTEX_BIN:?} assets=${SEGTEX_ASSETS:?}
if [ -n "${SEGTEX_SANITIZED:-}" ]; then echo "0 passed, 0 failed, 1 skipped"; exit 0; fi
command -v valgrind >/dev/null || { echo "valgrind missing"; exit 1; }
supp=${SEGTEX_SOURCE_DIR:?}/tests/valgrind.supp
pass=0 fail=0
# The body and hand models: the sparse (pose_detection) and FULLY_CONNECTED (hand_landmark_lite)
# paths on XNNPACK; the reference kernels of FULLY_CONNECTED once (the reference under valgrind is slow).
runs="xnnpack:pose_detection xnnpack:hand_landmark_lite ref:hand_landmark_lite"
for backend in xnnpack ref; do
  for m in selfie_segmentation selfie_segmentation_landscape face_detection_short_range \
           face_detection_full_range face_landmark_with_attention face_landmark; do
    runs="$runs $backend:$m"
  done
done
for run in $runs; do
  backend=${run%%:*} m=${run#*:}
  log=$(mktemp)
  # Every leak kind, reachable included, is an error unless suppressed (one-time library init only).
  LD_PRELOAD=${SEGTEX_VALGRIND_SHIM:?} valgrind --tool=memcheck --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
    --suppressions="$supp" --error-exitcode=99 --log-file="$log" \
    "$bin" model run "$assets/$m.tflite" --image "$assets/astronaut.png" --summary --backend $backend --threads 2 >/dev/null
  rc=$?
  if [ $rc -eq 0 ] && grep -q "ERROR SUMMARY: 0 errors" "$log" && grep -qE "definitely lost: 0 bytes|no leaks are possible" "$log"; then
    pass=$((pass + 1)); echo "ok     $backend $m: $(grep -o 'total heap usage.*' "$log")"
  else
    fail=$((fail + 1)); echo "FAILED $backend $m (exit $rc)"; cat "$log"
  fi
  rm -f "$log"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
