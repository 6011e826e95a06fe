#!/usr/bin/env bash
# valgrind memcheck on `segtex run -i demo: -o out.mp4` (the whole pipeline: threads,
# XNNPACK, FFmpeg encoder): no invalid access and no leak in segtex's code; the
# suppressions (tests/valgrind.supp) cover only documented one-time library set-up.
# A short clip here; the README reports a 200-frame run. Release build only.
set -u
bin=${SEGTEX_BIN:?}
if [ -n "${SEGTEX_SANITIZED:-}" ]; then echo "0 passed, 0 failed, 1 skipped"; exit 0; fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
LD_PRELOAD=${SEGTEX_VALGRIND_SHIM:?} valgrind --tool=memcheck --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
  --suppressions="${SEGTEX_SOURCE_DIR:?}/tests/valgrind.supp" --error-exitcode=99 --log-file="$tmp/vg.log" \
  "$bin" run -i demo: --frames ${VALGRIND_FRAMES:-24} --size 160x120 -o "$tmp/out.mp4" --quiet 2>"$tmp/err"
rc=$?
if [ $rc -eq 0 ] && grep -q "ERROR SUMMARY: 0 errors" "$tmp/vg.log" && grep -q "wrote .*out.mp4" "$tmp/err"; then
  grep -E "total heap usage|ERROR SUMMARY" "$tmp/vg.log" | sed 's/^==[0-9]*== /  /'
  echo "1 passed, 0 failed"
else
  echo "FAILED (exit $rc)"; cat "$tmp/err"; cat "$tmp/vg.log"
  echo "0 passed, 1 failed"; exit 1
fi
