#!/usr/bin/env bash
# The composite segmenter against hand-labelled category maps: per-category IoU and mIoU4 (mean over
# hair, body skin, face skin and clothes present in the labels) of `segtex segment --categories` at the
# image's size. The portrait always runs; the opencv-doc photos (scripts/fetch-assets.sh
# --people-samples) and the cameraman (scripts/fetch-assets.sh) run when present. Floors sit a little
# under the measured numbers (README: "Composite segmenter"), so a regression fails and a rounding
# difference does not.
set -u
bin=${SEGTEX_BIN:?} assets=${SEGTEX_ASSETS:?} src=${SEGTEX_SOURCE_DIR:?}
data=$src/tests/data
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAILED: $*"; }
if ! command -v python3 >/dev/null; then echo "python3 missing: cannot read the PNGs"; exit 1; fi

# still_clip NAME IMAGE MAX: IMAGE as a 30-frame clip with sensor noise through `segtex run` (scripts/still-clip.sh);
# its categories change on at most MAX % of the pixels a frame
still_clip() {
  local out f
  if ! out=$(SEGTEX_BIN=$bin "$src/scripts/still-clip.sh" "$2" 2>&1); then
    bad "$1: still-clip.sh failed: $(echo "$out" | tail -n 1)"; return
  fi
  echo "$1 still clip: $out"
  f=$(echo "$out" | awk '$1 == "flicker" {sub("%", "", $2); print $2}')
  if python3 -c "import sys; sys.exit(not float(sys.argv[1]) <= float(sys.argv[2]))" "${f:-100}" "$3"; then ok
  else bad "$1: still clip flicker ${f:-none} % > $3 %"; fi
}

# crop IMAGE X Y W H OUT.png: a region of an image, by OpenCV's Python module (python3-opencv: scripts/install-deps.sh;
# the system's python3 when the one on PATH lacks it). Returns 2 when no python3 has OpenCV, 1 when the crop failed.
crop() {
  local py
  for py in python3 /usr/bin/python3; do
    if "$py" -c "import cv2" 2>/dev/null; then
      "$py" -c "import cv2, sys; x, y, w, h = map(int, sys.argv[2:6]); im = cv2.imread(sys.argv[1]); \
sys.exit(im is None or im.shape[0] < y + h or im.shape[1] < x + w or not cv2.imwrite(sys.argv[6], im[y:y + h, x:x + w]))" \
        "$@" || return 1
      return 0
    fi
  done
  return 2
}

# judge NAME MAP LABELS MIN_MIOU4 [CATEGORY MIN]...: a category map's IoUs against the labels, printed, and floors
judge() {
  local name=$1 map=$2 labels=$3 floor=$4; shift 4
  if ! python3 "$data/iou.py" "$map" "$labels" "$name" >"$tmp/$name.iou"; then
    bad "$name: iou.py failed"; return
  fi
  head -n 1 "$tmp/$name.iou"
  local got; got=$(awk '$1 == "mIoU4" {print $2}' "$tmp/$name.iou")
  if python3 -c "import sys; sys.exit(not float(sys.argv[1]) >= float(sys.argv[2]))" "$got" "$floor"; then ok; else bad "$name: mIoU4 $got < $floor"; fi
  while [ $# -ge 2 ]; do
    local v; v=$(awk -v c="$1" '$1 == c {print $2}' "$tmp/$name.iou")
    if python3 -c "import sys; sys.exit(not float(sys.argv[1]) >= float(sys.argv[2]))" "${v:-0}" "$2"; then ok; else bad "$name: $1 IoU ${v:-none} < $2"; fi
    shift 2
  done
}

# score NAME IMAGE LABELS MIN_MIOU4 [CATEGORY MIN]...: `segtex segment --categories` judged
score() {
  local name=$1 image=$2; shift 2
  if ! "$bin" segment "$image" --segmenter composite --categories "$tmp/$name.png" >"$tmp/$name.txt" 2>&1; then
    bad "$name: segment failed: $(tail -n 1 "$tmp/$name.txt")"; return
  fi
  judge "$name" "$tmp/$name.png" "$@"
}

# run_score NAME IMAGE LABELS MIN_MIOU4 [CATEGORY MIN]...: the live path, `segtex run` with its defaults (no --pose),
# IMAGE as a one-frame clip, its `categories:` map judged
run_score() {
  local name=$1 image=$2; shift 2
  if ! "$bin" run -i "$image" -o "categories:$tmp/$name.%05d.png" >"$tmp/$name.txt" 2>&1 || [ ! -f "$tmp/$name.00001.png" ]; then
    bad "$name: run failed: $(tail -n 1 "$tmp/$name.txt")"; return
  fi
  judge "$name" "$tmp/$name.00001.png" "$@"
}

# The labels rasterize as committed (the polygons are the source).
for f in basketball1 basketball2 messi5 camera face_swapped jacket glasses webcam webcam2 lena receding longhair \
  whitetee fist earring blonde; do
  python3 "$data/labels.py" "$data/$f.polygons.txt" "$tmp/$f.labels.png"
  if cmp -s "$tmp/$f.labels.png" "$data/$f.labels.png"; then ok; else bad "$f.labels.png is not what $f.polygons.txt rasterizes to"; fi
done

# The portrait (always): labels drawn by hand for the project (tests/data/README.md).
score portrait "$assets/astronaut.png" "$data/astronaut.labels.png" 0.8 hair 0.86 face-skin 0.86 clothes 0.88 body-skin 0.6
# ... and as other cameras would see it, its labels moved the same way (tests/data/variant.py): in greyscale
# (an IR or night webcam: no hue to learn from, the face mesh still found; the blond hair has the skin's luma,
# so the face's skin model must stay tight there), mirrored (a selfie view: nothing may depend on the side),
# at half size at the bottom of a 4:3 frame (a person farther away, on the landscape model's path; the
# held helmet falls out of the person mask there).
# variant KIND NAME IMAGE LABELS MIN_MIOU4 [CATEGORY MIN]...
variant() {
  local kind=$1 name=$2 image=$3 labels=$4; shift 4
  if python3 "$data/variant.py" "$kind" "$image" "$tmp/$name.in.png" "$labels" "$tmp/$name.labels.png"; then
    score "$name" "$tmp/$name.in.png" "$tmp/$name.labels.png" "$@"
  else
    bad "variant.py $kind $image failed"
  fi
}
portrait=("$assets/astronaut.png" "$data/astronaut.labels.png")
variant grey grey-portrait "${portrait[@]}" 0.72 hair 0.8 face-skin 0.8 clothes 0.62 body-skin 0.6
variant mirror mirrored-portrait "${portrait[@]}" 0.8 hair 0.86 face-skin 0.86 clothes 0.88 body-skin 0.6
variant small small-portrait "${portrait[@]}" 0.7 hair 0.78 face-skin 0.78 clothes 0.78 body-skin 0.45
# ... and in a dim room (every channel x 0.35, noise of +-2): the colours are brought up to a lit frame's
# (composite.c, exposure), so the held helmet stays apart from the suit and the neck is skin (without
# it: mIoU4 0.697, clothes 0.73, body skin 0.33).
variant dark dark-portrait "${portrait[@]}" 0.78 hair 0.84 face-skin 0.84 clothes 0.85 body-skin 0.5
# ... and washed out (every channel halved and raised by 100): the person's luma range is stretched back
# (without it: mIoU4 0.672, clothes 0.72, body skin 0.24).
variant haze hazy-portrait "${portrait[@]}" 0.71 hair 0.84 face-skin 0.84 clothes 0.78 body-skin 0.3
# ... and four times in a 2x2 grid, head and collar only (a video call's grid): no shoulders for a pose to find
# under the faces, so only the face detector finds them: segment looks for one face per person it can place (up to
# SEGTEX_MAX_POSES; face skin 0.23 and mIoU4 0.23 when it looked for one: the other faces hair and clothes).
variant quad four-faces "${portrait[@]}" 0.6 face-skin 0.8

# The opencv-doc photos: full body, arms and hands (messi5), two people in greyscale (basketball1).
for f in messi5.jpg basketball1.png face_swapped.jpg jacket.jpg glasses_panels.jpg webcam.jpg webcam2.jpg lena.png \
  receding.jpg longhair.jpg basketball2.png whitetee.jpg fist_panels.jpg earring_panels.jpg blonde_panels.jpg; do
  if [ ! -f "$assets/$f" ]; then
    echo "skipped: $f not in \$SEGTEX_ASSETS (scripts/fetch-assets.sh --people-samples fetches it)"
  fi
done
[ -f "$assets/messi5.jpg" ] && score messi5 "$assets/messi5.jpg" "$data/messi5.labels.png" 0.69 face-skin 0.7 clothes 0.75 hair 0.62 body-skin 0.63
# face_swapped.jpg: a colour close-up in a white V-neck T-shirt: around and under the neck's bottom the top of the
# torso is a neckline, where bare chest is a few times less likely than the shirt and colour decides (body skin
# 0.50 with the torso's prior there). Its hair starts 0.4 face half heights over the mesh's top: the hair band
# reaches past it (composite_colour.c, HAIR_TOP; hair 0.65 and face 0.83 when it stopped short).
[ -f "$assets/face_swapped.jpg" ] && score face_swapped "$assets/face_swapped.jpg" "$data/face_swapped.labels.png" 0.83 \
  body-skin 0.82 face-skin 0.87 clothes 0.9 hair 0.7
# jacket.jpg: a colour portrait with a high forehead: the band above the mesh's top, where the hair model is
# learned, is mostly skin; its samples unlike skin are the hair (hair 0.69 and the forehead's top hair without).
[ -f "$assets/jacket.jpg" ] && score jacket "$assets/jacket.jpg" "$data/jacket.labels.png" 0.8 \
  hair 0.77 face-skin 0.88 clothes 0.9 body-skin 0.6
# glasses_panels.jpg's left panel (377 columns): a colour close-up in metal-rimmed glasses, curly brown hair, the ears
# bare; skin-coloured beside the cheeks is an ear (face skin 0.844 without). The frame is labelled others and painted
# face (README: limits); the clothes are a thin collar beside the neck, under dark monitors the person mask takes
# for the person (clothes 0.20). Its beard's shade under the jaw is face skin: the mesh's oval grows a little below
# its centre (composite_geom.c, JAW_GROW; face 0.848 and body skin 0.513 without). With the hair model refitted from
# the whole head's curls (composite.c, comp_refit_hair) the hairline follows them, above the labels' (hair 0.811 ->
# 0.780, body skin 0.583 -> 0.627). The pose sees one shoulder at 0.42: no pose, so the torso is guessed under the
# face (composite_geom.c, guess_torso; clothes 0.068 and mIoU4 0.588 without, the collar learned from a box under
# the chin).
if [ -f "$assets/glasses_panels.jpg" ]; then
  crop "$assets/glasses_panels.jpg" 0 0 377 580 "$tmp/glasses.in.png"
  case $? in
    0) score glasses "$tmp/glasses.in.png" "$data/glasses.labels.png" 0.6 hair 0.76 \
         face-skin 0.83 body-skin 0.54 clothes 0.18 ;;
    2) echo "skipped: glasses: no python3 with OpenCV (python3-opencv) to crop glasses_panels.jpg" ;;
    *) bad "glasses: cropping glasses_panels.jpg's left panel failed" ;;
  esac
fi
# webcam.jpg: a webcam frame in a dim room, a hand on the cheek, the forearm up from an elbow below the frame (the
# pose's elbow off the frame still bounds the arm: body skin 0.17 and the arm "others" without), long dark hair hanging
# over a bare chest: the lock joins the head's hair (comp_hair_joins; hair 0.59 and clothes 0.31 without, the torso's
# prior made it clothes). The torso's grid lies almost all below the frame and shows no clothes (its few samples her
# skin and hair): skin is at the clothes' odds there and colour decides, so her shaded chest and bare shoulder are
# mostly skin (composite_colour.c, clothes_seen; body skin 0.336, clothes 0.459 and mIoU4 0.599 without).
[ -f "$assets/webcam.jpg" ] && score webcam "$assets/webcam.jpg" "$data/webcam.labels.png" 0.6 \
  hair 0.72 face-skin 0.76 body-skin 0.38 clothes 0.48
# webcam2.jpg: the same webcam's other frame (labelled after session 11's changes, by another helper): she leans in
# at the right, her head on her hand, locks of hair down both sides of her neck (hair 0.51 without hair joining). The
# pose sees her wrist at 0.49, where her elbow (off the frame's bottom) points: the forearm's end (composite_geom.c,
# WRIST_SEEN; body skin 0.37 and mIoU4 0.503 without), and beside her face the forearm's skin is not face skin. The
# drawn circles lie across the hair band: the hair model refitted from the head's sure hair takes the locks beside her
# neck (composite.c, comp_refit_hair; hair 0.617 without). Her torso shows no clothes either (as webcam's): her bare
# shoulders and chest are skin, and the locks over her chest join the head's hair through them (comp_hair_joins;
# clothes 0.335 and mIoU4 0.557 without the unseen torso; hair 0.554 without joining through skin).
[ -f "$assets/webcam2.jpg" ] && score webcam2 "$assets/webcam2.jpg" "$data/webcam2.labels.png" 0.6 \
  hair 0.64 face-skin 0.75 body-skin 0.4 clothes 0.58
# lena.png (opencv-doc's faceDetection.png, labelled in session 12 by a helper who had not seen segtex's output): a
# straw hat with a feather plume (clothes), long dark hair, her chin on a bare shoulder. The shoulder is body skin
# because the torso is found bare (its samples the face's skin: composite_colour.c, bare_torso; body skin 0.04, mIoU4 0.26 and the
# shoulder clothes without); nothing is face skin far over the face (FACE_TOP; face 0.58 without: the hat's beige).
# README: limits: the hat is hair (its brim is where the hair model is learned) and half the hat, her hair at the
# right and the plume's left edge are outside the person mask. The hair hanging at the right of her face is hair once
# the hair model is refitted from the head's sure hair, not the brim's colour alone (composite.c, comp_refit_hair;
# hair 0.138, face 0.632 without).
[ -f "$assets/lena.png" ] && score lena "$assets/lena.png" "$data/lena.labels.png" 0.46 \
  body-skin 0.78 face-skin 0.65 clothes 0.25 hair 0.16
# receding.jpg (opencv-doc's ab-1.jpg, labelled in session 13 by a helper who had not seen segtex's output): a man
# with a receding hairline. His neck is in his chin's shadow: it is skin lit down (composite_colour.c, shaded_ll; body
# skin 0.305 without). The band over the mesh where hair is learned is all his forehead: it reaches up past the
# hairline (composite_colour.c, hairline; face 0.69 and hair 0.38 without: the forehead's top painted hair). README:
# limits: the red landmark dots drawn over his face mislead the face mesh (its chin 28 px short of his; painted out,
# mIoU4 0.47). His frame ends under his collar: his clothes are learned from the torso's visible top (CUT_MIN; hair
# 0.38 and clothes 0.15 without: the dark green collar was hair).
[ -f "$assets/receding.jpg" ] && score receding "$assets/receding.jpg" "$data/receding.labels.png" 0.44 \
  face-skin 0.73 hair 0.48 body-skin 0.33 clothes 0.23
# longhair.jpg (opencv-doc's ab.jpg, labelled in session 14 by a helper who had not seen segtex's output, after the
# session's changes were made: a check of them): long dark hair tied back, a black polo shirt, the same detector's red
# dots over the face (the mesh's chin again short of the face's: part of the chin is neck). The torso shows no clothes
# (its samples are the hair's dark and the skin's; the polo is as dark as the hair): the open collar's skin is at the
# clothes' odds and colour decides (composite_colour.c, clothes_seen; body skin 0.352 and mIoU4 0.690 with session
# 13's build).
[ -f "$assets/longhair.jpg" ] && score longhair "$assets/longhair.jpg" "$data/longhair.labels.png" 0.72 \
  hair 0.69 face-skin 0.73 body-skin 0.5 clothes 0.9
# ... and framed at the chest (its top five sixths: a webcam's close-up), most of the torso below the frame: the
# clothes are learned from the torso's visible top, at its sides (composite_colour.c, CUT_MIN; without, the clothes'
# model was the generic one and the black polo hair by colour: clothes 0.22, mIoU4 0.44).
if [ -f "$assets/longhair.jpg" ]; then
  crop "$assets/longhair.jpg" 0 0 450 450 "$tmp/longhair.png"
  case $? in
    0) variant chest longhair-at-chest "$tmp/longhair.png" "$data/longhair.labels.png" 0.66 clothes 0.8 hair 0.65 ;;
    2) echo "skipped: longhair-at-chest: no python3 with OpenCV (python3-opencv) to read longhair.jpg" ;;
    *) bad "longhair-at-chest: converting longhair.jpg failed" ;;
  esac
fi
# whitetee.jpg (opencv-doc's 227943776_1.jpg, labelled in session 15 by a helper who had not seen segtex's output): a
# smiling man in a white T-shirt with a wide neckline, a necklace on his bare chest, a dark room behind; no overlay.
# A check of what generalizes: nothing was tuned on it (mIoU4 0.897 when it was added). The pendant is others in the
# labels and skin here; part of the shaded chest inside the neckline is clothes.
[ -f "$assets/whitetee.jpg" ] && score whitetee "$assets/whitetee.jpg" "$data/whitetee.labels.png" 0.87 \
  hair 0.82 face-skin 0.93 body-skin 0.8 clothes 0.93
# ... and through `segtex run`'s live path (no pose by default): the torso is guessed under the face (composite_geom.c,
# guess_torso), so the neckline and the shirt have the torso's odds and its clothes are learned from it (without:
# mIoU4 0.818, body skin 0.56, clothes 0.85). face_swapped's V-neck likewise (without: 0.771, body skin 0.52).
[ -f "$assets/whitetee.jpg" ] && run_score whitetee-run "$assets/whitetee.jpg" "$data/whitetee.labels.png" 0.89 \
  body-skin 0.8 clothes 0.93
[ -f "$assets/face_swapped.jpg" ] && run_score face_swapped-run "$assets/face_swapped.jpg" "$data/face_swapped.labels.png" \
  0.86 body-skin 0.8
# Three film stills, close-ups whose heads leave the frame (the left 512x512 panels of an edge-detection tutorial's
# pictures, 05.jpg, 06.jpg and 12.jpg in opencv-doc's HTML documentation), labelled in session 16 by helpers who had
# not seen segtex's output: a check of what generalizes. fist: warm dim light, her fist and a straw at her mouth, an
# olive jacket the colour of her hair (clothes 0.03, hair and "others", until its clothes were learned from the
# torso's visible top: CUT_MIN); her neck under the chin, in its shadow, is skin lit down (composite_colour.c,
# shaded_ll; body skin 0.687 and mIoU4 0.721 without); in video her hair's lock over the jacket, joined to her hair
# by one block, held by the join's hysteresis (composite.c, COMP_HELD; 1.04 % of pixels a frame without). earring: a dark lock over her cheek inside the mesh's oval (face); her dark jacket at
# the frame's corner, hair by colour, hangs from no head: clothes (composite.c, comp_hair_detached; clothes 0.21 and
# mIoU4 0.455 without). earring's and blonde's letterbox bars (captions on the lower ones) are inside the selfie mask:
# nobody is on them (letterbox.c; without: person 0.830 and 0.896, blonde's mIoU4 0.561, hair 0.31 and clothes 0.50,
# the bars painted hair and clothes).
# blonde: the head's top off the frame leaves the hair band 18 samples, and the hair beside the face is learned too
# (composite_colour.c, HAIR_SIDE_MIN; hair 0.03 without); no torso sample, so her skin-coloured coat keeps the
# torso's prior (UNSEEN_MIN; clothes 0.04 and mIoU4 0.39 without).
for f in fist earring blonde; do
  if [ -f "$assets/${f}_panels.jpg" ]; then
    crop "$assets/${f}_panels.jpg" 0 0 512 512 "$tmp/$f.in.png"
    case $? in
      0) case $f in
           fist) score fist "$tmp/fist.in.png" "$data/fist.labels.png" 0.72 face-skin 0.87 body-skin 0.75 hair 0.73 \
                   clothes 0.5
                 still_clip fist "$tmp/fist.in.png" 0.5 ;;
           earring) score earring "$tmp/earring.in.png" "$data/earring.labels.png" 0.48 face-skin 0.79 body-skin 0.5 \
                     person 0.92 clothes 0.35 ;;
           blonde) score blonde "$tmp/blonde.in.png" "$data/blonde.labels.png" 0.61 clothes 0.57 hair 0.45 \
                     face-skin 0.85 body-skin 0.55 person 0.96 ;;
         esac ;;
      2) echo "skipped: $f: no python3 with OpenCV (python3-opencv) to crop ${f}_panels.jpg" ;;
      *) bad "$f: cropping ${f}_panels.jpg's left panel failed" ;;
    esac
  fi
done
# basketball1: the right player (from behind, no face) gets his pose from his person-mask component (segtex_pose_finder);
# neither face is found, so both heads come from the poses (a guessed face, the head above the shoulders). The palm
# detector finds no hand; the landmarker finds one at each player's wrist (segtex_hand_tracker_add_from_poses), so
# their arms are skin or sleeve by colour (body skin 0.24 without).
[ -f "$assets/basketball1.png" ] && score basketball1 "$assets/basketball1.png" "$data/basketball1.labels.png" 0.62 clothes 0.7 \
  face-skin 0.65 body-skin 0.35 hair 0.75
# ... mirrored: there the selfie models half see the man on the left (from behind, cut off by the frame) and the
# detector scores him under 0.5; the pose finder's weaker detections (from 0.3) give him his pose and its mask.
[ -f "$assets/basketball1.png" ] && variant mirror mirrored-basketball1 "$assets/basketball1.png" \
  "$data/basketball1.labels.png" 0.57 clothes 0.68 face-skin 0.65 hair 0.68 body-skin 0.24
# basketball2.png (the same players a moment later; labelled in session 15 by a helper who had not seen segtex's
# output): the landscape selfie model is unsure of the near man (his shirt under 0.5) and loses the far one, and its
# mask agrees with the poses' own masks at 0.03 (IoU): the square model runs too and, agreeing better, is taken
# (segmenter.c, POSE_DOUBT; person 0.547 and mIoU4 0.438 with the landscape mask). README: limits: the near man's
# pose is wrong (his face and shoulders bunched at his ear), so his arms are clothes and the head mostly clothes; the
# chair beside him is in the square model's mask; no hand is found.
[ -f "$assets/basketball2.png" ] && score basketball2 "$assets/basketball2.png" "$data/basketball2.labels.png" 0.47 \
  person 0.78 clothes 0.7 face-skin 0.5 hair 0.4

# camera.png (scikit-image's cameraman, greyscale, profile behind a camcorder on a tripod): short range's box holds
# no face by the landmarker, so the full-range fallback finds it; the mesh's profile puts the skull back toward the
# ear (hair 0.86; 0.35 with the skull over the face), the neck under the ear, its throat sloping back (0.23 body
# skin: the neck) and in front of the profile is beside the head, not its middle. The oval over the camcorder's eyepiece and the glove under the
# chin are what the face and the clothes lose.
if [ -f "$assets/camera.png" ]; then
  score camera "$assets/camera.png" "$data/camera.labels.png" 0.62 clothes 0.83 face-skin 0.55 hair 0.81 body-skin 0.15
else
  echo "skipped: camera.png not in \$SEGTEX_ASSETS (scripts/fetch-assets.sh fetches it)"
fi

# scripts/score-labels.sh, the README's numbers reproduced: a folder of NAME.png + NAME.labels.png scored case by case
# (the same line as iou.py's above for the same command) and their mean on its exact last line; --make writes the
# cases above (not under the sanitizers: 25 images through python3 take 15 s).
mkdir "$tmp/set"
cp "$assets/astronaut.png" "$tmp/set/portrait.png" && cp "$data/astronaut.labels.png" "$tmp/set/portrait.labels.png"
python3 "$data/variant.py" mirror "$tmp/set/portrait.png" "$tmp/set/mirrored.png" "$data/astronaut.labels.png" \
  "$tmp/set/mirrored.labels.png"
if out=$(SEGTEX_BIN=$bin "$src/scripts/score-labels.sh" "$tmp/set" --segmenter composite 2>&1); then
  echo "score-labels.sh: $(echo "$out" | tail -n 1)"
  if [ "$(echo "$out" | grep '^portrait: ')" = "$(head -n 1 "$tmp/portrait.iou")" ]; then ok
  else bad "score-labels.sh's portrait line is not iou.py's: $(echo "$out" | grep '^portrait: ')"; fi
  if echo "$out" | tail -n 1 | grep -Eq '^mean mIoU4=0\.[0-9]{4} person=0\.[0-9]{4} cases=2$' &&
    python3 -c "import re, sys; v = [float(x) for x in re.findall(r'\| mIoU4 ([0-9.]+)', sys.argv[1])]; \
m = float(re.search(r'mean mIoU4=([0-9.]+)', sys.argv[1]).group(1)); sys.exit(not (len(v) == 2 and abs(m - sum(v) / 2) < 0.001))" "$out"
  then ok; else bad "score-labels.sh's last line is not the mean of its 2 cases: $(echo "$out" | tail -n 1)"; fi
else
  bad "score-labels.sh failed: $(echo "$out" | tail -n 1)"
fi
if out=$(SEGTEX_BIN=$bin "$src/scripts/score-labels.sh" "$tmp/set" --run 2>&1) &&
  echo "$out" | tail -n 1 | grep -Eq '^mean mIoU4=0\.[0-9]{4} person=0\.[0-9]{4} cases=2$'; then ok
else bad "score-labels.sh --run: $(echo "$out" | tail -n 1)"; fi
if SEGTEX_BIN=$bin "$src/scripts/score-labels.sh" "$tmp/nothing-here" >/dev/null 2>&1; then
  bad "score-labels.sh on a missing folder succeeded"
else ok; fi
if [ -z "${SEGTEX_SANITIZED:-}" ] && [ -f "$assets/blonde_panels.jpg" ] && [ -f "$assets/messi5.jpg" ]; then
  if SEGTEX_BIN=$bin "$src/scripts/score-labels.sh" --make "$tmp/cases" >/dev/null 2>&1 &&
    [ "$(ls "$tmp/cases"/*.labels.png | wc -l)" -eq 25 ] && [ -f "$tmp/cases/longhair-at-chest.png" ] &&
    python3 "$data/iou.py" "$tmp/cases/blonde.labels.png" "$data/blonde.labels.png" >/dev/null; then ok
  else bad "score-labels.sh --make did not write the 25 cases"; fi
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
