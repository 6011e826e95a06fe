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

# The cases are written by scripts/score-labels.sh --make, the one place that knows them (and the README's numbers
# come from): the portrait and its variants always, the labelled photos present in $SEGTEX_ASSETS (the panels cropped
# by python3-opencv; without it, only the portrait's cases and the cameraman).
cases=$tmp/cases
if made=$(SEGTEX_BIN=$bin "$src/scripts/score-labels.sh" --make "$cases" 2>&1); then echo "$made"; ok
else bad "score-labels.sh --make failed: $(echo "$made" | tail -n 1)"; fi
# has NAME: the case was written (else says it is skipped)
has() {
  [ -f "$cases/$1.png" ] && [ -f "$cases/$1.labels.png" ] && return 0
  echo "skipped: $1 (its photo is not in \$SEGTEX_ASSETS: scripts/fetch-assets.sh [--people-samples] fetches it)"
  return 1
}
# case_score NAME MIN_MIOU4 [CATEGORY MIN]...: `score` on the case NAME, when it was written
case_score() {
  local name=$1; shift
  if has "$name"; then score "$name" "$cases/$name.png" "$cases/$name.labels.png" "$@"; fi
}

# The portrait (always): labels drawn by hand for the project (tests/data/README.md).
case_score portrait 0.8 hair 0.86 face-skin 0.86 clothes 0.88 body-skin 0.6
# ... and as other cameras would see it, its labels moved the same way (tests/data/variant.py): in greyscale
# (an IR or night webcam: no hue to learn from, the face mesh still found; the blond hair has the skin's luma,
# so the face's skin model must stay tight there), mirrored (a selfie view: nothing may depend on the side),
# at half size at the bottom of a 4:3 frame (a person farther away, on the landscape model's path; the
# held helmet falls out of the person mask there).
case_score grey-portrait 0.72 hair 0.8 face-skin 0.8 clothes 0.62 body-skin 0.6
case_score mirrored-portrait 0.8 hair 0.86 face-skin 0.86 clothes 0.88 body-skin 0.6
case_score small-portrait 0.7 hair 0.78 face-skin 0.78 clothes 0.78 body-skin 0.45
# ... and in a dim room (every channel x 0.35, noise of +-2): the colours are brought up to a lit frame's
# (composite.c, exposure), so the held helmet stays apart from the suit and the neck is skin (without
# it: mIoU4 0.697, clothes 0.73, body skin 0.33).
case_score dark-portrait 0.78 hair 0.84 face-skin 0.84 clothes 0.85 body-skin 0.5
# ... and washed out (every channel halved and raised by 100): the person's luma range is stretched back
# (without it: mIoU4 0.672, clothes 0.72, body skin 0.24).
case_score hazy-portrait 0.71 hair 0.84 face-skin 0.84 clothes 0.78 body-skin 0.3
# ... and four times in a 2x2 grid, head and collar only (a video call's grid): no shoulders for a pose to find
# under the faces, so only the face detector finds them: segment looks for one face per person it can place (up to
# SEGTEX_MAX_POSES; face skin 0.23 and mIoU4 0.23 when it looked for one: the other faces hair and clothes).
case_score four-faces 0.6 face-skin 0.8

# The opencv-doc photos: full body, arms and hands (messi5), two people in greyscale (basketball1).
case_score messi5 0.69 face-skin 0.7 clothes 0.75 hair 0.62 body-skin 0.63
# face_swapped.jpg: a colour close-up in a white V-neck T-shirt: around and under the neck's bottom the top of the
# torso is a neckline, where bare chest is a few times less likely than the shirt and colour decides (body skin
# 0.50 with the torso's prior there). Its hair starts 0.4 face half heights over the mesh's top: the hair band
# reaches past it (composite_colour.c, HAIR_TOP; hair 0.65 and face 0.83 when it stopped short).
case_score face_swapped 0.83 body-skin 0.82 face-skin 0.87 clothes 0.9 hair 0.7
# jacket.jpg: a colour portrait with a high forehead: the band above the mesh's top, where the hair model is
# learned, is mostly skin; its samples unlike skin are the hair (hair 0.69 and the forehead's top hair without).
case_score jacket 0.8 hair 0.77 face-skin 0.88 clothes 0.9 body-skin 0.6
# glasses_panels.jpg's left panel (377 columns): a colour close-up in metal-rimmed glasses, curly brown hair, the ears
# bare; skin-coloured beside the cheeks is an ear (face skin 0.844 without). The frame is labelled others and painted
# face (README: limits); the clothes are a thin collar beside the neck, under dark monitors the person mask takes
# for the person (clothes 0.20). Its beard's shade under the jaw is face skin: the mesh's oval grows a little below
# its centre (composite_geom.c, JAW_GROW; face 0.848 and body skin 0.513 without). With the hair model refitted from
# the whole head's curls (composite.c, comp_refit_hair) the hairline follows them, above the labels' (hair 0.811 ->
# 0.780, body skin 0.583 -> 0.627). The pose sees one shoulder at 0.42: no pose, so the torso is guessed under the
# face (composite_geom.c, guess_torso; clothes 0.068 and mIoU4 0.588 without, the collar learned from a box under
# the chin).
case_score glasses 0.6 hair 0.76 face-skin 0.83 body-skin 0.54 clothes 0.18
# webcam.jpg: a webcam frame in a dim room, a hand on the cheek, the forearm up from an elbow below the frame (the
# pose's elbow off the frame still bounds the arm: body skin 0.17 and the arm "others" without), long dark hair hanging
# over a bare chest: the lock joins the head's hair (comp_hair_joins; hair 0.59 and clothes 0.31 without, the torso's
# prior made it clothes). The torso's grid lies almost all below the frame and shows no clothes (its few samples her
# skin and hair): skin is at the clothes' odds there and colour decides, so her shaded chest and bare shoulder are
# mostly skin (composite_colour.c, clothes_seen; body skin 0.336, clothes 0.459 and mIoU4 0.599 without). Skin in the
# chin's shadow is skin on the torso as on the neck (composite.c, `shaded`): her chest in the neckline's shade (0.655,
# body skin 0.418 and clothes 0.553 on the neck alone; 0.668, 0.449, 0.590 with it).
case_score webcam 0.655 hair 0.72 face-skin 0.76 body-skin 0.43 clothes 0.57
# webcam2.jpg: the same webcam's other frame (labelled after session 11's changes, by another helper): she leans in
# at the right, her head on her hand, locks of hair down both sides of her neck (hair 0.51 without hair joining). The
# pose sees her wrist at 0.49, where her elbow (off the frame's bottom) points: the forearm's end (composite_geom.c,
# WRIST_SEEN; body skin 0.37 and mIoU4 0.503 without), and beside her face the forearm's skin is not face skin. The
# drawn circles lie across the hair band: the hair model refitted from the head's sure hair takes the locks beside her
# neck (composite.c, comp_refit_hair; hair 0.617 without). Her torso shows no clothes either (as webcam's): her bare
# shoulders and chest are skin, and the locks over her chest join the head's hair through them (comp_hair_joins;
# clothes 0.335 and mIoU4 0.557 without the unseen torso; hair 0.554 without joining through skin).
case_score webcam2 0.6 hair 0.64 face-skin 0.75 body-skin 0.4 clothes 0.58
# lena.png (opencv-doc's faceDetection.png, labelled in session 12 by a helper who had not seen segtex's output): a
# straw hat with a feather plume (clothes), long dark hair, her chin on a bare shoulder. The shoulder is body skin
# because the torso is found bare (its samples the face's skin: composite_colour.c, bare_torso; body skin 0.04, mIoU4 0.26 and the
# shoulder clothes without); nothing is face skin far over the face (FACE_TOP; face 0.58 without: the hat's beige).
# README: limits: the hat is hair (its brim is where the hair model is learned) and half the hat, her hair at the
# right and the plume's left edge are outside the person mask. The hair hanging at the right of her face is hair once
# the hair model is refitted from the head's sure hair, not the brim's colour alone (composite.c, comp_refit_hair;
# hair 0.138, face 0.632 without).
case_score lena 0.46 body-skin 0.78 face-skin 0.65 clothes 0.25 hair 0.16
# receding.jpg (opencv-doc's ab-1.jpg, labelled in session 13 by a helper who had not seen segtex's output): a man
# with a receding hairline. His neck is in his chin's shadow: it is skin lit down (composite_colour.c, shaded_ll; body
# skin 0.305 without). The band over the mesh where hair is learned is all his forehead: it reaches up past the
# hairline (composite_colour.c, hairline; face 0.69 and hair 0.38 without: the forehead's top painted hair). README:
# limits: the red landmark dots drawn over his face mislead the face mesh (its chin 28 px short of his; painted out,
# mIoU4 0.47). His frame ends under his collar: his clothes are learned from the torso's visible top (CUT_MIN; hair
# 0.38 and clothes 0.15 without: the dark green collar was hair).
case_score receding 0.44 face-skin 0.73 hair 0.48 body-skin 0.33 clothes 0.23
# longhair.jpg (opencv-doc's ab.jpg, labelled in session 14 by a helper who had not seen segtex's output, after the
# session's changes were made: a check of them): long dark hair tied back, a black polo shirt, the same detector's red
# dots over the face (the mesh's chin again short of the face's: part of the chin is neck). The torso shows no clothes
# (its samples are the hair's dark and the skin's; the polo is as dark as the hair): the open collar's skin is at the
# clothes' odds and colour decides (composite_colour.c, clothes_seen; body skin 0.352 and mIoU4 0.690 with session
# 13's build).
case_score longhair 0.72 hair 0.69 face-skin 0.73 body-skin 0.5 clothes 0.9
# ... and framed at the chest (its top five sixths: a webcam's close-up), most of the torso below the frame: the
# clothes are learned from the torso's visible top, at its sides (composite_colour.c, CUT_MIN; without, the clothes'
# model was the generic one and the black polo hair by colour: clothes 0.22, mIoU4 0.44).
case_score longhair-at-chest 0.66 clothes 0.8 hair 0.65
# whitetee.jpg (opencv-doc's 227943776_1.jpg, labelled in session 15 by a helper who had not seen segtex's output): a
# smiling man in a white T-shirt with a wide neckline, a necklace on his bare chest, a dark room behind; no overlay.
# A check of what generalizes: nothing was tuned on it (mIoU4 0.897 when it was added). The pendant is others in the
# labels and skin here; part of the shaded chest inside the neckline is clothes.
case_score whitetee 0.87 hair 0.82 face-skin 0.93 body-skin 0.8 clothes 0.93
# ... and through `segtex run`'s live path (no pose by default): the torso is guessed under the face (composite_geom.c,
# guess_torso), so the neckline and the shirt have the torso's odds and its clothes are learned from it (without:
# mIoU4 0.818, body skin 0.56, clothes 0.85). face_swapped's V-neck likewise (without: 0.771, body skin 0.52).
[ -f "$cases/whitetee.png" ] && run_score whitetee-run "$cases/whitetee.png" "$cases/whitetee.labels.png" 0.89 body-skin 0.8 clothes 0.93
[ -f "$cases/face_swapped.png" ] && run_score face_swapped-run "$cases/face_swapped.png" "$cases/face_swapped.labels.png" 0.86 body-skin 0.8
# ... and overexposed (x 1.25 + 10, clipped: tests/data/perturb.py's "bright", an overexposed webcam): the shirt and the
# skin's highlights clip to the same white, so a clipped pixel is skin as likely as clothes and its region decides
# (composite_colour.c, comp_colours_loglik): the neck stays skin and the forehead's highlight face (body skin 0.437,
# mIoU4 0.771 and a dot of clothes on the forehead when the skin's gate gave every clipped pixel to the shirt).
pycv=
for py in python3 /usr/bin/python3; do if [ -z "$pycv" ] && "$py" -c "import cv2" 2>/dev/null; then pycv=$py; fi; done
if [ -f "$cases/whitetee.png" ] && [ -n "$pycv" ]; then
  mkdir "$tmp/tee" && cp "$cases/whitetee.png" "$cases/whitetee.labels.png" "$tmp/tee/"
  if "$pycv" "$data/perturb.py" make "$tmp/tee" "$tmp/tee-seen" >/dev/null; then
    score whitetee-bright "$tmp/tee-seen/whitetee~bright.png" "$tmp/tee-seen/whitetee~bright.labels.png" 0.78 \
      body-skin 0.48 face-skin 0.94
  else bad "perturb.py make failed on whitetee"; fi
elif [ -f "$cases/whitetee.png" ]; then
  echo "skipped: whitetee-bright (no python3 with OpenCV to write the overexposed copy: apt-get install python3-opencv)"
fi
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
case_score fist 0.72 face-skin 0.87 body-skin 0.75 hair 0.73 clothes 0.5
[ -f "$cases/fist.png" ] && still_clip fist "$cases/fist.png" 0.5
case_score earring 0.48 face-skin 0.79 body-skin 0.5 person 0.92 clothes 0.35
case_score blonde 0.61 clothes 0.57 hair 0.45 face-skin 0.85 body-skin 0.55 person 0.96
# basketball1: the right player (from behind, no face) gets his pose from his person-mask component (segtex_pose_finder);
# neither face is found, so both heads come from the poses (a guessed face, the head above the shoulders). The palm
# detector finds no hand; the landmarker finds one at each player's wrist (segtex_hand_tracker_add_from_poses), so
# their arms are skin or sleeve by colour (body skin 0.24 without).
case_score basketball1 0.62 clothes 0.7 \
  face-skin 0.65 body-skin 0.35 hair 0.75
# ... mirrored: there the selfie models half see the man on the left (from behind, cut off by the frame) and the
# detector scores him under 0.5; the pose finder's weaker detections (from 0.3) give him his pose and its mask.
case_score mirrored-basketball1 0.57 clothes 0.68 face-skin 0.65 hair 0.68 body-skin 0.24
# basketball2.png (the same players a moment later; labelled in session 15 by a helper who had not seen segtex's
# output): the landscape selfie model is unsure of the near man (his shirt under 0.5) and loses the far one, and its
# mask agrees with the poses' own masks at 0.03 (IoU): the square model runs too and, agreeing better, is taken
# (segmenter.c, POSE_DOUBT; person 0.547 and mIoU4 0.438 with the landscape mask). README: limits: the near man's
# pose is wrong (his face and shoulders bunched at his ear), so his arms are clothes and the head mostly clothes; the
# chair beside him is in the square model's mask; no hand is found.
case_score basketball2 0.47 person 0.78 clothes 0.7 face-skin 0.5 hair 0.4

# camera.png (scikit-image's cameraman, greyscale, profile behind a camcorder on a tripod): short range's box holds
# no face by the landmarker, so the full-range fallback finds it; the mesh's profile puts the skull back toward the
# ear (hair 0.86; 0.35 with the skull over the face), the neck under the ear, its throat sloping back (0.23 body
# skin: the neck) and in front of the profile is beside the head, not its middle. The oval over the camcorder's eyepiece and the glove under the
# chin are what the face and the clothes lose.
case_score camera 0.62 clothes 0.83 face-skin 0.55 hair 0.81 body-skin 0.15

# scripts/score-labels.sh, the README's numbers reproduced: a folder of NAME.png + NAME.labels.png scored case by case
# (the same line as iou.py's above for the same command) and their mean on its exact last line; --make wrote the
# cases above.
mkdir "$tmp/set"
for f in portrait mirrored-portrait; do cp "$cases/$f.png" "$cases/$f.labels.png" "$tmp/set/"; done
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
# --perturb: each case of a folder seen otherwise (tests/data/perturb.py's 11 kinds), the labels moved alike (12 % cut
# at the left narrows both); `perturb.py table` prints each kind's change of each photo's mIoU4 and the mean over all
if python3 -c "import cv2" 2>/dev/null || /usr/bin/python3 -c "import cv2" 2>/dev/null; then
  if SEGTEX_BIN=$bin "$src/scripts/score-labels.sh" --perturb "$tmp/set" "$tmp/pert" >/dev/null 2>&1 &&
    [ "$(ls "$tmp/pert"/*~*.labels.png | wc -l)" -eq 22 ] &&
    file "$tmp/pert/portrait~cl.png" | grep -q ' 451 x 512,' && file "$tmp/pert/portrait~cl.labels.png" | grep -q ' 451 x 512,'
  then ok; else bad "score-labels.sh --perturb did not write 11 kinds of each case, their labels alike"; fi
  # tall: a 9:16 window around the person (the portrait's 512 rows: 288 columns), its labels cut alike
  if "$pycv" "$data/perturb.py" tall "$tmp/set" "$tmp/tall" | grep -Eq '^portrait [0-9]+ 288$' &&
    file "$tmp/tall/portrait~tall.png" | grep -q ' 288 x 512,' &&
    file "$tmp/tall/portrait~tall.labels.png" | grep -q ' 288 x 512,'
  then ok; else bad "perturb.py tall did not cut the portrait to 288 x 512, its labels alike"; fi
  # IN as OUT: refused with one line naming the problem, and nothing written into IN
  for kind in tall roll; do
    if out=$("$pycv" "$data/perturb.py" $kind "$tmp/set" "$tmp/set" 2>&1); then
      bad "perturb.py $kind wrote into its input"
    elif echo "$out" | grep -q 'OUT must be another folder than IN' && [ "$(ls "$tmp/set" | grep -c '~')" -eq 0 ]
    then ok
    else bad "perturb.py $kind with IN as OUT: $out"; fi
  done
  # roll: each case turned 0, -15, 15, -30, 30 degrees and cut to the middle window a 30-degree turn leaves whole
  # (the portrait's 512 x 512: 374 x 374); unturned, the window is the photo's own middle, labels alike; turned 30
  # degrees counter-clockwise, the face above the middle moves left
  if "$pycv" "$data/perturb.py" roll "$tmp/set" "$tmp/roll" | grep -q '^portrait 374 374$' &&
    [ "$(ls "$tmp/roll"/portrait~r*.labels.png | wc -l)" -eq 5 ] &&
    file "$tmp/roll/portrait~r-30.png" | grep -q ' 374 x 374,' &&
    "$pycv" -c "import cv2, numpy as np, sys; d, r = sys.argv[1], sys.argv[2]
l = cv2.imread(d + '/portrait.labels.png', 0); a = cv2.imread(r + '/portrait~r0.labels.png', 0)
b = cv2.imread(r + '/portrait~r30.labels.png', 0); x0 = (512 - 374) // 2
sys.exit(not (np.array_equal(a, l[x0:x0 + 374, x0:x0 + 374]) and
              np.nonzero(b == 3)[1].mean() < np.nonzero(a == 3)[1].mean() - 10))" "$tmp/set" "$tmp/roll"
  then ok; else bad "perturb.py roll did not turn and cut the portrait to 374 x 374, its labels alike"; fi
  # ... and on a synthetic case (200 x 160: a 134 x 107 window) whose photo is its labels x 40 in grey, every turn
  # moves photo and labels alike, and a disc of face skin 50 pixels over the middle lands where a turn of that many
  # degrees counter-clockwise takes it (so an unturned photo, a turn the other way or by another angle, a scale or a
  # window off the middle fail)
  mkdir "$tmp/syn"
  if "$pycv" -c "import cv2, numpy as np, sys
lab = np.zeros((160, 200), np.uint8); lab[100:140, 40:160] = 4; cv2.circle(lab, (100, 30), 8, 3, -1)
cv2.imwrite(sys.argv[1] + '/syn.labels.png', lab); cv2.imwrite(sys.argv[1] + '/syn.png', cv2.merge([lab * 40] * 3))" \
    "$tmp/syn" && "$pycv" "$data/perturb.py" roll "$tmp/syn" "$tmp/synroll" | grep -q '^syn 134 107$' &&
    "$pycv" -c "import cv2, math, numpy as np, sys
for a in (0, -15, 15, -30, 30):
    im = cv2.imread(sys.argv[1] + '/syn~r%d.png' % a, 0); lab = cv2.imread(sys.argv[1] + '/syn~r%d.labels.png' % a, 0)
    assert im.shape == lab.shape == (107, 134), a
    assert np.mean(np.rint(im / 40.0) == lab) > 0.97, a  # bilinear against nearest: edges differ (1 %)
    ys, xs = np.nonzero(lab == 3); t = math.radians(a)
    dx, dy = xs.mean() - 66.5, ys.mean() - 53.5  # from the turn's centre, (99.5, 79.5) in the photo
    ex, ey = 0.5 * math.cos(t) - 49.5 * math.sin(t), -0.5 * math.sin(t) - 49.5 * math.cos(t)
    assert abs(dx - ex) < 2 and abs(dy - ey) < 2, (a, dx, dy)" "$tmp/synroll"
  then ok; else bad "perturb.py roll did not turn a synthetic case's photo and labels alike, counter-clockwise"; fi
else
  echo "skipped: score-labels.sh --perturb (no python3 with OpenCV)"
fi
printf '%s\n' 'a~orig: background 0.9 | mIoU4 0.800 person 0.9' 'a~bright: background 0.9 | mIoU4 0.700 person 0.9' \
  'b~orig: background 0.9 | mIoU4 0.600 person 0.9' 'b~bright: background 0.9 | mIoU4 0.650 person 0.9' >"$tmp/pert.txt"
if out=$(python3 "$data/perturb.py" table "$tmp/pert.txt") && echo "$out" | grep -Eq '^a +0\.800 +-0\.100$' &&
  echo "$out" | grep -Eq '^mean +0\.700 +-0\.025$' && echo "$out" | tail -n 1 | grep -q '^mean over every case 0.6875 (4)$'
then ok; else bad "perturb.py table: $out"; fi

# --make wrote every case when every photo is there (their labels as committed)
if [ -f "$assets/blonde_panels.jpg" ] && [ -f "$assets/messi5.jpg" ] && [ -f "$assets/camera.png" ]; then
  if [ "$(ls "$cases"/*.labels.png | wc -l)" -eq 25 ] && cmp -s "$cases/blonde.labels.png" "$data/blonde.labels.png"
  then ok; else bad "score-labels.sh --make did not write the 25 cases"; fi
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
