#!/usr/bin/env bash
# Build the libFuzzer targets with clang and run each for SECONDS (default 15)
# on a seed corpus: the models and the portrait from $SEGTEX_ASSETS, the test
# builder's sample models, a landmarks JSON and a config file made here.
#   scripts/fuzz.sh [SECONDS] [TARGET...]     (targets: model image config options landmarks_json face_geometry paint_spec letterbox)
# A crash fails the run; its input is kept in build-fuzz/artifacts/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-15}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(model image config options landmarks_json face_geometry paint_spec letterbox)
build=${BUILD_FUZZ:-$root/build-fuzz}
assets=${SEGTEX_ASSETS:-$root/assets}

CC=clang cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSEGTEX_FUZZ=ON \
  -DSEGTEX_ASSETS="$assets" >/dev/null
cmake --build "$build" -j"$(nproc)" --target $(printf 'fuzz_%s ' "${targets[@]}") fuzz_model_seeds segtex_cli >/dev/null

seeds=$build/seeds
mkdir -p "$seeds"/{paint_spec,model,image,config,options,landmarks_json,face_geometry,letterbox} "$build/artifacts"
"$build/tests/fuzz/fuzz_model_seeds" "$seeds/model" >/dev/null
cp -f "$assets"/face_detection_short_range.tflite "$assets"/selfie_segmentation.tflite "$seeds/model/" 2>/dev/null || true
cp -f "$assets"/astronaut.png "$seeds/image/" 2>/dev/null || true
cp -f "$assets"/geometry_pipeline_metadata_landmarks.binarypb "$seeds/face_geometry/" 2>/dev/null || true
printf '# effect\nmode = overlay\nseed 7\nlandmarks\nsize = 640x480\ntextures = /tmp/a b\n' >"$seeds/config/a.conf"
if [ -e "$assets/astronaut.png" ]; then
  SEGTEX_ASSETS=$assets "$build/segtex" face "$assets/astronaut.png" --json >"$seeds/landmarks_json/face.json" 2>/dev/null || true
  SEGTEX_ASSETS=$assets "$build/segtex" pose "$assets/astronaut.png" --json >"$seeds/landmarks_json/pose.json" 2>/dev/null || true
  SEGTEX_ASSETS=$assets "$build/segtex" segment "$assets/astronaut.png" --out "$seeds/image/map.png" >/dev/null 2>&1 || true
fi
printf '{"width":2,"height":2,"faces":[]}' >"$seeds/landmarks_json/empty.json"
printf '\0background=blur=12;hair=tint=#b03060:0.8;all=none' >"$seeds/paint_spec/a"
printf '\1hair=face,clothes=torso' >"$seeds/paint_spec/b"
printf '\2tint=#b03060:0.8' >"$seeds/paint_spec/c"
printf '\2dir/wood.png' >"$seeds/paint_spec/d"
printf '{"hands":[{"handedness":"Left","score":0.9,"landmarks":[%s[0,0,0]]}]}' "$(printf '[0.5,0.5,0],%.0s' $(seq 20))" \
  >"$seeds/landmarks_json/hands.json"
# a 64 x 48 RGB frame (63 + 1, 47 + 1, channels 3, no padding): black bars of 6 rows over and under a grey picture
{ printf '\0\077\0\057\002\000'; head -c $((64 * 3 * 6)) /dev/zero; head -c $((64 * 3 * 36)) /dev/zero | tr '\0' '\200';
  head -c $((64 * 3 * 6)) /dev/zero; } >"$seeds/letterbox/bars"
# first byte: the command (0 run, 1 soak, 2 render, 3 bench); then argv split at NUL bytes
printf -- '\0-i\0demo:\0--mode\0mask\0--seed\0007\0--landmarks\0-o\0x.mp4\0--size=640x480\0--keys\0003:s,4:q\0--paint\0hair=#ff0000\0--scale\0all=2' >"$seeds/options/a"
printf -- '\2--image\0a.png\0--categories\0m.png\0--out\0o.png\0--paint\0hair=waves\0--colors\0face-skin=#112233,#445566\0--offset\0clothes=3,-4\0--opacity\00=0.5' >"$seeds/options/b"

status=0
for t in "${targets[@]}"; do
  corpus=$build/corpus-$t
  mkdir -p "$corpus"
  log=$build/fuzz_$t.log
  if "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -max_len=2600000 -timeout=10 -rss_limit_mb=4096 \
       -artifact_prefix="$build/artifacts/$t-" -print_final_stats=1 "$corpus" "$seeds/$t" >"$log" 2>&1; then
    echo "fuzz: $t: $(grep -m1 -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$') runs in ${seconds}s, no crash"
  else
    echo "fuzz: $t: CRASH (see $log and $build/artifacts/)"
    tail -n 30 "$log"
    status=1
  fi
done
exit $status
