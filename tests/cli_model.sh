#!/usr/bin/env bash
# `segtex model info|run|bench` as a user runs them, and its error paths.
set -u
bin=${SEGTEX_BIN:?} assets=${SEGTEX_ASSETS:?}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAILED: $*"; }
expect() { if eval "$2"; then ok; else bad "$1"; fi; }

selfie=$assets/selfie_segmentation.tflite
img=$assets/astronaut.png

# info
out=$("$bin" model info "$selfie")
expect "info exit code" '[ $? -eq 0 ]'
expect "info shows the input" 'grep -q "input 0: .input_1. \[1,256,256,3\] float32" <<<"$out"'
expect "info shows the output" 'grep -q "output 0: .activation_10. \[1,256,256,1\] float32" <<<"$out"'
expect "info shows the custom op" 'grep -qE "Convolution2DTransposeBias +1" <<<"$out"'
expect "info shows parameters, macs and arena" 'grep -q "^parameters: " <<<"$out" && grep -q "^macs: " <<<"$out" && grep -q "^arena: " <<<"$out"'

# bench: the last line is machine-read
out=$("$bin" model bench "$selfie" --runs 3 --backend ref --threads 1)
last=$(tail -n 1 <<<"$out")
expect "bench last line format ($last)" '[[ "$last" =~ ^model=selfie_segmentation\.tflite\ backend=ref\ threads=1\ runs=3\ median_ms=[0-9]+\.[0-9]+\ min_ms=[0-9]+\.[0-9]+$ ]]'
if "$bin" model info "$selfie" | grep -q "^backend: xnnpack"; then
  out=$("$bin" model bench "$selfie" --runs 3 --threads 2)
  last=$(tail -n 1 <<<"$out")
  expect "bench xnnpack last line ($last)" '[[ "$last" =~ ^model=selfie_segmentation\.tflite\ backend=xnnpack\ threads=2\ runs=3\ median_ms=[0-9.]+\ min_ms=[0-9.]+$ ]]'
  out=$("$bin" model info "$assets/face_landmark_with_attention.tflite")
  expect "info reports partitions" 'grep -q "^partitions: 3 XNNPACK subgraphs, 12 host nodes" <<<"$out"'
  expect "info lists host ops" 'grep -qE "^  TransformLandmarks +5" <<<"$out" && grep -qE "^  STRIDED_SLICE +1" <<<"$out"'
  out=$("$bin" model compare "$assets/face_detection_short_range.tflite" --image "$img")
  last=$(tail -n 1 <<<"$out")
  expect "compare last line ($last)" '[[ "$last" =~ ^max_abs_diff=[0-9.e+-]+\ max_rel_diff=[0-9.e+-]+$ ]]'
  expect "compare lists each output" '[ "$(grep -c "^output " <<<"$out")" -eq 2 ]'
fi
# The body and hand models: the ops they need, and XNNPACK against the reference on the portrait.
if "$bin" model info "$selfie" | grep -q "^backend: xnnpack"; then
  out=$("$bin" model info "$assets/pose_detection.tflite")
  expect "pose_detection: sparse weights densified and folded" 'grep -q "^ops (109 nodes, 182 DEQUANTIZE/DENSIFY folded" <<<"$out"'
  expect "pose_detection: DEPTH_TO_SPACE" 'grep -qE "^  DEPTH_TO_SPACE +3" <<<"$out"'
  out=$("$bin" model info "$assets/hand_landmark_full.tflite")
  expect "hand_landmark_full: FULLY_CONNECTED in one XNNPACK subgraph" 'grep -qE "^  FULLY_CONNECTED +4" <<<"$out" && grep -q "^partitions: 1 XNNPACK subgraphs, 0 host nodes" <<<"$out"'
  # max_rel_diff is relative to each tensor's largest value. pose_landmark_full's segmentation
  # logits (output 2, up to ~1650) are ill-conditioned: a 1e-7 relative change of the input moves
  # them by ~2e-4, so summation order alone gives ~4e-4 there; every other output is below 1e-5.
  for m in pose_detection pose_landmark_lite pose_landmark_full palm_detection_lite palm_detection_full \
           hand_landmark_lite hand_landmark_full; do
    limit=1e-4; [ $m = pose_landmark_full ] && limit=1e-3
    last=$("$bin" model compare "$assets/$m.tflite" --image "$img" --threads 2 | tail -n 1)
    rel=${last##*max_rel_diff=}
    expect "$m: compare $last within $limit" 'awk -v r="$rel" -v l="$limit" "BEGIN { exit !(r + 0 <= l + 0) }"'
  done
fi
out=$("$bin" model info "$selfie" --backend ref)
expect "info --backend ref" 'grep -q "^backend: ref" <<<"$out"'

# run: JSON with every output, values included
"$bin" model run "$assets/face_detection_short_range.tflite" --image "$img" --out "$tmp/bf.json"
expect "run exit code" '[ $? -eq 0 ]'
expect "run JSON names both outputs" 'grep -q "\"name\":\"regressors\",\"shape\":\[1,896,16\],\"values\":\[" "$tmp/bf.json" && grep -q "\"name\":\"classificators\",\"shape\":\[1,896,1\]" "$tmp/bf.json"'
nvals=$(grep -o '"values":\[[^]]*\]' "$tmp/bf.json" | head -1 | tr ',' '\n' | wc -l)
expect "run JSON has 896*16 regressor values (got $nvals)" '[ "$nvals" -eq 14336 ]'
"$bin" model run "$selfie" --image "$img" --mask-png "$tmp/mask.png" --summary >"$tmp/sum.json"
expect "mask PNG written" '[ -s "$tmp/mask.png" ] && [ "$(head -c 8 "$tmp/mask.png" | od -An -c | tr -d " ")" = "211PNG\r\n032\n" ]'
expect "summary mean in (0.3,0.8)" 'grep -qE "\"mean\":0\.[3-7]" "$tmp/sum.json"'

# errors: one line naming the problem, non-zero exit, no crash
check_err() { # name expected-exit pattern command...
  local name=$1 code=$2 pat=$3; shift 3
  "$@" >"$tmp/o" 2>"$tmp/e"; local rc=$?
  if [ $rc -ne "$code" ]; then bad "$name: exit $rc, expected $code"; return; fi
  if [ "$(wc -l <"$tmp/e")" -ne 1 ] || ! grep -q -- "$pat" "$tmp/e"; then bad "$name: stderr was: $(cat "$tmp/e")"; return; fi
  ok
}
check_err "missing model" 1 "cannot open" "$bin" model info "$tmp/nope.tflite"
printf 'not a model at all' >"$tmp/junk.tflite"
check_err "junk model" 1 "model 'junk.tflite'" "$bin" model info "$tmp/junk.tflite"
head -c 5000 "$selfie" >"$tmp/trunc.tflite"
check_err "truncated model" 1 "model 'trunc.tflite'" "$bin" model info "$tmp/trunc.tflite"
check_err "unknown option" 2 "unknown option '--frobnicate'" "$bin" model info "$selfie" --frobnicate
check_err "bad threads" 2 "'--threads' needs an integer" "$bin" model bench "$selfie" --threads 0
check_err "bad runs" 2 "'--runs' needs an integer" "$bin" model bench "$selfie" --runs x
check_err "unknown backend" 2 "unknown backend 'gpu'" "$bin" model bench "$selfie" --backend gpu
check_err "compare without image" 2 "--image IMG is required" "$bin" model compare "$selfie"
check_err "run without image" 2 "--image IMG is required" "$bin" model run "$selfie"
check_err "missing image" 1 "cannot open" "$bin" model run "$selfie" --image "$tmp/nope.png"
check_err "junk image" 1 "not a PNG or JPEG" "$bin" model run "$selfie" --image "$tmp/junk.tflite"
check_err "unknown subcommand" 2 "unknown subcommand 'frob'" "$bin" model frob
check_err "unknown command" 2 "unknown command 'frob'" "$bin" frob

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
