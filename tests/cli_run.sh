#!/usr/bin/env bash
# `segtex run` end to end: demo and file inputs to .mp4, PNG frames and raw stdout;
# determinism; SIGINT leaves a playable file; live mode drops instead of queueing;
# the window under SDL's dummy driver obeys synthetic keys; bad input.
set -u
bin=${SEGTEX_BIN:?} assets=${SEGTEX_ASSETS:?}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAILED: $*"; }
expect() { if eval "$2"; then ok; else bad "$1"; fi; }
json_num() { sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" "$1"; }
# frames in a video, counted by decoding it back to raw RGB (W*H*3 bytes a frame)
count_frames() { "$bin" run -i "$1" -o - --segmenter person --quiet 2>/dev/null | wc -c; }

# 1. demo -> mp4: 30 frames of 320x240 decode back
"$bin" run -i demo: --frames 30 --size 320x240 -o demo.mp4 --quiet --stats-json s1.json 2>err.txt
expect "demo -> mp4 exit code" '[ $? -eq 0 ]'
expect "demo -> mp4 says where it wrote" 'grep -q "wrote .*demo.mp4" err.txt'
expect "stats json frames_out=30" '[ "$(json_num s1.json frames_out)" = 30 ]'
bytes=$(count_frames demo.mp4)
expect "demo.mp4 decodes to 30 frames of 320x240 (got $bytes bytes)" '[ "$bytes" -eq $((30 * 320 * 240 * 3)) ]'

# 2. PNG frames and raw stdout; two offline runs are identical
mkdir frames
"$bin" run -i demo: --frames 12 --size 160x120 -o frames/%04d.png -o - --quiet --seed 7 --landmarks >raw1.rgb 2>/dev/null
expect "12 PNG frames" '[ "$(ls frames | wc -l)" -eq 12 ] && [ -s frames/0001.png ] && [ -s frames/0012.png ]'
expect "raw stdout is 12 frames of 160x120" '[ "$(wc -c <raw1.rgb)" -eq $((12 * 160 * 120 * 3)) ]'
"$bin" run -i demo: --frames 12 --size 160x120 -o - --quiet --seed 7 --landmarks >raw2.rgb 2>/dev/null
expect "two offline runs give identical output" 'cmp -s raw1.rgb raw2.rgb'
"$bin" run -i demo: --frames 12 --size 160x120 -o - --quiet --seed 8 --landmarks >raw3.rgb 2>/dev/null
expect "another seed gives another output" '! cmp -s raw1.rgb raw3.rgb'

# 3. a file input (the mp4 above) and an image sequence input
"$bin" run -i demo.mp4 -o again.mkv --quiet 2>/dev/null
expect "mp4 -> mkv" '[ $? -eq 0 ] && [ "$(count_frames again.mkv)" -eq $((30 * 320 * 240 * 3)) ]'
"$bin" run -i frames/%04d.png -o - --quiet --segmenter person >seq.rgb 2>/dev/null
expect "image sequence input reads 12 frames" '[ "$(wc -c <seq.rgb)" -eq $((12 * 160 * 120 * 3)) ]'
"$bin" run -i "$assets/astronaut.png" --frames 3 -o still.mp4 --quiet 2>/dev/null
expect "still image input, 3 frames" '[ "$(count_frames still.mp4)" -eq $((3 * 512 * 512 * 3)) ]'

# 4. SIGINT mid-run: orderly stop, the file is finalized and plays
# (not --quiet: the progress bar, once a second, says how far it got; stop after 20 frames however slow
# the machine, e.g. under ASan with other jobs on the cores)
"$bin" run -i demo: --frames 100000 --size 320x240 -o long.mp4 2>int.txt &
pid=$!
for _ in $(seq 120); do
  sleep 0.5
  done_frames=$(grep -oE " [0-9]+/100000 frames" int.txt | tail -n 1 | grep -oE "[0-9]+" | head -n 1)
  [ "${done_frames:-0}" -ge 20 ] && break
done
kill -INT $pid
wait $pid
rc=$?
expect "SIGINT: exit code 0 (got $rc)" '[ $rc -eq 0 ]'
expect "SIGINT: says it stopped" 'grep -q "stopping on request" int.txt'
n=$(( $(count_frames long.mp4) / (320 * 240 * 3) ))
expect "SIGINT: long.mp4 plays ($n frames)" '[ "$n" -gt 5 ]'

# 5. live mode with a source faster than inference: drops, bounded memory
"$bin" run -i demo: --live --frames 400 --size 640x480 -o - --quiet --stats-json live.json >/dev/null 2>&1
expect "live run exit code" '[ $? -eq 0 ]'
# Frames are dropped where the pipeline is slower than the source: at inference (a frame's segmentation or faces
# skipped, the frame still shown with the newest result), or at the source and the output. Which stage drops
# depends on the machine's load (a starved source can keep pace with the renderer), so every stage counts; no
# frame is both shown and dropped.
dropped=$(( $(json_num live.json dropped_source | cut -d. -f1) + $(json_num live.json dropped_output | cut -d. -f1) ))
skipped=$(( $(json_num live.json dropped_seg | cut -d. -f1) + $(json_num live.json dropped_face | cut -d. -f1) ))
out=$(json_num live.json frames_out)
expect "live: frames dropped or their inference skipped ($dropped dropped, $skipped skipped), not queued (out $out of 400)" \
  '[ $((dropped + skipped)) -gt 0 ] && [ $((out + dropped)) -le 400 ]'
rss=$(json_num live.json rss_max_mb | cut -d. -f1)
expect "live: RSS bounded (max $rss MB)" '[ "$rss" -lt 400 ]'

# 6. the window (SDL dummy driver): s snapshots, m changes the mode, q quits
"$bin" run -i demo: --frames 100 --size 320x240 -o window --keys 3:s,4:m,6:s,8:q --quiet --stats-json win.json 2>win.txt
expect "window run exit code" '[ $? -eq 0 ]'
expect "q quit early ($(json_num win.json frames_out) frames)" '[ "$(json_num win.json frames_out)" -le 12 ]'
expect "s wrote two snapshots" '[ -s segtex-snapshot-0001.png ] && [ -s segtex-snapshot-0002.png ]'
expect "m changed the picture" '! cmp -s segtex-snapshot-0001.png segtex-snapshot-0002.png'

# 6b. the other keys, on a paused picture so that only the key changes it: space pauses (the
# window keeps showing the same frame), r randomizes the textures, l draws the landmarks, c the legend
mkdir keys && cd keys
"$bin" run -i demo: --frames 100 --size 320x240 -o window --keys 2:space,3:s,4:r,5:s,6:l,7:s,8:s,9:c,10:s,20:q \
  --quiet --stats-json keys.json --seed 3 2>/dev/null
expect "keys run exit code" '[ $? -eq 0 ] && [ -s segtex-snapshot-0005.png ]'
expect "paused, nothing pressed: the same picture" 'cmp -s segtex-snapshot-0003.png segtex-snapshot-0004.png'
expect "r changed the textures" '! cmp -s segtex-snapshot-0001.png segtex-snapshot-0002.png'
expect "l drew the landmarks" '! cmp -s segtex-snapshot-0002.png segtex-snapshot-0003.png'
expect "c leaves the picture alone (the legend is on the window's status line)" 'cmp -s segtex-snapshot-0004.png segtex-snapshot-0005.png'
expect "space paused: 20 window frames but $(json_num keys.json frames_out) pipeline frames" \
  '[ "$(json_num keys.json frames_out)" -le 4 ]'
cd ..

# 6c. statistics: once a second on stderr (a progress bar with ETA for a known length; the
# statistics line in live mode)
"$bin" run -i demo: --frames 400 --size 640x480 -o - >/dev/null 2>prog.txt
expect "progress bar with ETA" 'grep -qE "\[[=> ]{30}\] +[0-9]+% [0-9]+/400 frames +[0-9.]+ fps +ETA [0-9]+s" prog.txt'
"$bin" run -i demo: --live --frames 600 --size 640x480 -o - >/dev/null 2>live.txt
expect "statistics line in live mode" 'grep -qE "^segtex: in [0-9.]+ fps  out [0-9.]+ fps  dropped [0-9]+  seg [0-9.]+/[0-9.]+ ms  face [0-9.]+/[0-9.]+ ms  render [0-9.]+/[0-9.]+ ms  out [0-9.]+ ms  RSS [0-9]+ MB" live.txt'
expect "summary at the end" 'grep -qE "^segtex: run: [0-9]+ frames in [0-9.]+ s" live.txt'

# 6d. a size change mid-stream (an image sequence of two sizes): handled once, the output keeps its size
mkdir seqa seqb seqab
"$bin" run -i demo: --frames 3 --size 160x120 -o seqa/%03d.png --quiet 2>/dev/null
"$bin" run -i demo: --frames 3 --size 200x150 -o seqb/%03d.png --quiet 2>/dev/null
cp seqa/001.png seqab/001.png; cp seqa/002.png seqab/002.png; cp seqa/003.png seqab/003.png
cp seqb/001.png seqab/004.png; cp seqb/002.png seqab/005.png; cp seqb/003.png seqab/006.png
"$bin" run -i seqab/%03d.png -o - --quiet --stats-json resize.json >resize.rgb 2>/dev/null
expect "resize: exit code" '[ $? -eq 0 ]'
expect "resize: one size change handled" '[ "$(json_num resize.json resizes)" = 1 ]'
expect "resize: 6 frames, all at the first size" '[ "$(wc -c <resize.rgb)" -eq $((6 * 160 * 120 * 3)) ]'

# 7. config file: the same keys; the command line wins
printf '# effect\nmode = mask\nseed 7\nlandmarks\nframes = 12\nsize = 160x120\n' >run.conf
"$bin" run --config run.conf -o - --quiet >cfg.rgb 2>/dev/null
"$bin" run --mode mask --seed 7 --landmarks --frames 12 --size 160x120 -o - --quiet >cli.rgb 2>/dev/null
expect "config file = the same options" 'cmp -s cfg.rgb cli.rgb'
"$bin" run --config run.conf --mode overlay -o - --quiet >ovr.rgb 2>/dev/null
expect "command line overrides the config" '! cmp -s cfg.rgb ovr.rgb'

# 8. bad input: one line, non-zero exit, nothing left half-written
check_err() { # name expected-exit pattern command...
  local name=$1 code=$2 pat=$3; shift 3
  "$@" >o.txt 2>e.txt; local rc=$?
  if [ $rc -ne "$code" ]; then bad "$name: exit $rc, expected $code ($(cat e.txt))"; return; fi
  if ! grep -q -- "$pat" e.txt; then bad "$name: stderr was: $(cat e.txt)"; return; fi
  ok
}
check_err "missing input" 1 "nope.mp4" "$bin" run -i nope.mp4 -o x.mp4 --quiet
check_err "garbage input" 1 "junk.mp4" sh -c "head -c 5000 /dev/urandom >junk.mp4; '$bin' run -i junk.mp4 -o x.mp4 --quiet"
check_err "missing camera" 1 "/dev/video99" "$bin" run -i /dev/video99 -o x.mp4 --quiet
check_err "unknown output type" 1 "x.zzz" "$bin" run -i demo: --frames 2 -o x.zzz --quiet
check_err "unknown option" 2 "unknown option 'frobnicate'" "$bin" run --frobnicate
check_err "bad mode" 2 "'mode' needs mask, overlay or cutout" "$bin" run --mode paint
check_err "bad size" 2 "'size' needs WxH" "$bin" run --size 10x
check_err "bad config line" 2 "config 'bad.conf' line 2" sh -c "printf 'mode = mask\n!!!\n' >bad.conf; '$bin' run --config bad.conf"
check_err "bad config value" 2 "config 'bad2.conf' line 1: 'seed' needs an integer" sh -c "printf 'seed = x\n' >bad2.conf; '$bin' run --config bad2.conf"
check_err "missing config" 2 "config 'none.conf': cannot open" "$bin" run --config none.conf
expect "no output file was created for bad runs" '[ ! -e x.mp4 ] && [ ! -e x.zzz ]'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
