#!/usr/bin/env bash
# The README's model benchmark table: every model on ref and xnnpack, 1 and 2
# threads, medians of `segtex model bench`, the speed-up and GFLOP/s (2 x MACs / time).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${SEGTEX_BIN:-$here/build/segtex}
assets=${SEGTEX_ASSETS:-$here/assets}
runs=${RUNS:-30}
echo "| model | MACs | ref 1T ms | xnnpack 1T ms | xnnpack 2T ms | speed-up 2T vs ref | GFLOP/s (xnnpack 2T) |"
echo "|---|---:|---:|---:|---:|---:|---:|"
# MODELS="a b" benches a subset.
models=${MODELS:-"selfie_segmentation selfie_segmentation_landscape face_detection_short_range
  face_detection_full_range face_landmark_with_attention face_landmark pose_detection pose_landmark_lite
  pose_landmark_full palm_detection_lite palm_detection_full hand_landmark_lite hand_landmark_full"}
for m in $models; do
  f=$assets/$m.tflite
  macs=$("$bin" model info "$f" --backend ref | sed -n 's/^macs: \([0-9]*\).*/\1/p')
  med() { "$bin" model bench "$f" --runs "$runs" "$@" | tail -n 1 | sed -n 's/.*median_ms=\([0-9.]*\).*/\1/p'; }
  r1=$(med --backend ref --threads 1)
  x1=$(med --backend xnnpack --threads 1)
  x2=$(med --backend xnnpack --threads 2)
  awk -v m="$m" -v macs="$macs" -v r1="$r1" -v x1="$x1" -v x2="$x2" 'BEGIN {
    printf "| %s | %.1f M | %.2f | %.2f | %.2f | %.1fx | %.1f |\n", m, macs / 1e6, r1, x1, x2, r1 / x2, 2 * macs / (x2 * 1e6) }'
done
