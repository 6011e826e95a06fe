#!/usr/bin/env bash
# The soak test: 5,000 frames of 1280x720 through the whole offline pipeline with a
# texture randomize every 50 frames; every thread's heap allocations counted by the
# preloaded interposer. Memory must be flat and the steady state allocation-free.
# (Release build only: sanitizers replace malloc and change the memory picture.)
set -u
bin=${SEGTEX_BIN:?} lib=${SEGTEX_ALLOCCOUNT:?}
if [ -n "${SEGTEX_SANITIZED:-}" ]; then echo "0 passed, 0 failed, 1 skipped"; exit 0; fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
expect() { if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: $1"; fi; }

LD_PRELOAD=$lib "$bin" soak --frames ${SOAK_FRAMES:-5000} --size 1280x720 --randomize-every 50 --json \
  --curve "$tmp/curve.csv" >"$tmp/out" 2>"$tmp/err"
expect "soak exit code" '[ $? -eq 0 ]'
cat "$tmp/err"
last=$(tail -n 1 "$tmp/out")
echo "$last"
expect "every thread's allocations were counted" 'grep -q "allocations counted: every thread (interposer)" "$tmp/err"'
expect "last line is the JSON object" '[[ "$last" =~ ^\{\"frames\":[0-9]+,\"rss_start_mb\":[0-9.]+,\"rss_end_mb\":[0-9.]+,\"rss_max_mb\":[0-9.]+,\"allocs_per_frame\":[0-9.e+-]+,\"fps\":[0-9.]+\}$ ]]'
get() { sed -n "s/.*\"$1\":\([0-9.e+-]*\).*/\1/p" <<<"$last"; }
expect "allocs_per_frame = 0 ($(get allocs_per_frame))" '[ "$(get allocs_per_frame)" = 0 ]'
expect "rss_end - rss_start <= 1 MB ($(get rss_start_mb) -> $(get rss_end_mb))" \
  'awk -v a="$(get rss_start_mb)" -v b="$(get rss_end_mb)" "BEGIN { exit !(b - a <= 1.0) }"'
expect "RSS curve sampled 100 times" '[ "$(wc -l <"$tmp/curve.csv")" -eq 101 ]'
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
