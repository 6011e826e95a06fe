#!/usr/bin/env bash
# Fuzz the TFLite reader for a number of seconds:
#   tests/fuzz/run-model-fuzz.sh [SECONDS] [libFuzzer options...]
# Builds with clang into build-fuzz (or $BUILD_FUZZ), seeds the corpus with
# the models in $SEGTEX_ASSETS (default assets/) and the test builder's
# sample models, and runs on one core. Crashes are written to
# build-fuzz/fuzz_model_artifacts/; reproduce one with
#   build-fuzz/tests/fuzz/fuzz_model build-fuzz/fuzz_model_artifacts/crash-...
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-60}
shift || true
build=${BUILD_FUZZ:-$root/build-fuzz}
assets=${SEGTEX_ASSETS:-$root/assets}

CC=clang cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSEGTEX_FUZZ=ON \
  -DSEGTEX_ASSETS="$assets" >/dev/null
cmake --build "$build" -j"$(nproc)" --target fuzz_model fuzz_model_seeds

corpus=$build/fuzz_model_corpus
seeds=$build/fuzz_model_seeds
artifacts=$build/fuzz_model_artifacts
mkdir -p "$corpus" "$seeds" "$artifacts"
"$build/tests/fuzz/fuzz_model_seeds" "$seeds"
found=0
for f in "$assets"/*.tflite; do
  [ -e "$f" ] || continue
  cp -f "$f" "$seeds/"
  found=1
done
[ "$found" = 1 ] || echo "run-model-fuzz: no models in $assets; seeding with the sample models only"

# The largest seed (pose_landmark_full.tflite, 6.4 MB) bounds the input size; slow inputs over 10 s are reported.
exec "$build/tests/fuzz/fuzz_model" -max_total_time="$seconds" -max_len=6500000 -timeout=10 \
  -rss_limit_mb=4096 -artifact_prefix="$artifacts/" -print_final_stats=1 "$@" "$corpus" "$seeds"
