/*
 * segtex json: the landmarks file that `segtex face --json` prints, read
 * back for `segtex render --landmarks`, and the writers of that text and of
 * the per-frame JSON lines (`-o FILE.jsonl`).
 *
 * Reading parses outside data with Debian's libjansson (strict RFC 8259)
 * behind segtex's own bounds; writing formats numbers itself ("%.6g", the
 * shortest text that reads back within float precision), so the output is
 * byte-for-byte what `segtex face --json` has always printed.
 *
 * Thread safety: every function is reentrant; there is no shared state.
 */
#ifndef SEGTEX_JSON_H
#define SEGTEX_JSON_H

#include <stdint.h>
#include <stdio.h>

#include "segtex/core.h"
#include "segtex/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- reading ----------------------------------------------------------------- */

/*
 * A landmarks file: the image size it says it describes (0 when absent)
 * and its faces, in the one face vocabulary (segtex/types.h): score and box
 * in `detection` (a face without a box has a zero box), presence and points
 * in `faces`.
 */
typedef struct segtex_faces {
    int width, height;
    segtex_face_result result;
} segtex_faces;

/*
 * Parse `{"width":W,"height":H,"faces":[{"score":S,"box":{"xmin":..,"ymin":..,
 * "width":..,"height":..},"keypoints":[[x,y],...],"presence":P,
 * "landmarks":[[x,y,z],...]}]}` from `size` bytes of `text` (not necessarily
 * NUL-terminated). Unknown keys are skipped; keypoints are ignored.
 * Rejected with SEGTEX_ERROR_MALFORMED and one ERROR line that names `name`
 * and where ("byte N" for the syntax, the JSON path such as
 * "faces[0].landmarks[3]" for the content): anything that is not JSON
 * (RFC 8259, UTF-8), nesting deeper than 32, more than 2^20 values, a
 * missing or non-array "faces", more than SEGTEX_MAX_FACES faces or
 * SEGTEX_FACE_POINTS landmarks, a landmark that is not an array of
 * 2 or 3 numbers, any number that is not finite or is huge (|v| > 1e6),
 * width/height that are not integers in 1..65535, trailing bytes.
 * Allocates jansson's temporary tree (bounded by the limits above: at most
 * about 60 MB for 2^20 values, about 1 MB for the largest real file) and
 * frees it before returning. On failure `out` is zeroed.
 */
segtex_status segtex_faces_parse_json(const char *text, size_t size, const char *name, segtex_faces *out);

/*
 * Read a file and parse it as above (files over 16 MB are rejected:
 * SEGTEX_ERROR_MALFORMED). SEGTEX_ERROR_IO when it cannot be opened or
 * read. Allocates a temporary buffer. On failure `out` is zeroed.
 */
segtex_status segtex_faces_load_json(const char *path, segtex_faces *out);

/*
 * Parse what `segtex pose --json` prints (a `.jsonl` line too: other keys
 * are skipped): {"poses":[{"score":S,"landmarks":[[x,y,z,visibility,presence],
 * ...33],"world":[[x,y,z],...33]}]}. "poses" holds 0 to SEGTEX_MAX_POSES
 * poses (every one is checked; the first is kept: segtex pose prints the
 * detector's best first); landmarks
 * are exactly 33 points of 2 to 5 numbers (z missing: 0; visibility and
 * presence missing: 1); world (optional) exactly 33 of 3. Besides the rules
 * of segtex_faces_parse_json (syntax, depth, size, finite |v| <= 1e6), a
 * missing or non-array "poses", more than SEGTEX_MAX_POSES poses, a pose without
 * landmarks or with another count are SEGTEX_ERROR_MALFORMED with one ERROR
 * line naming the JSON path. The mask is not carried (mask_size 0).
 */
segtex_status segtex_pose_parse_json(const char *text, size_t size, const char *name, segtex_pose_result *out);
segtex_status segtex_pose_load_json(const char *path, segtex_pose_result *out);

/*
 * The same for `segtex hands --json`: {"hands":[{"handedness":"Left"|"Right",
 * "score":S,"landmarks":[[x,y,z],...21],"world":[[x,y,z],...21]}]}: at most
 * SEGTEX_MAX_HANDS hands of exactly 21 landmarks (2 or 3 numbers), world
 * optional (21 of 3), handedness (optional) exactly "Left" or "Right".
 */
segtex_status segtex_hands_parse_json(const char *text, size_t size, const char *name, segtex_hand_result *out);
segtex_status segtex_hands_load_json(const char *path, segtex_hand_result *out);

/* ---- writing ------------------------------------------------------------------- */

/*
 * Write `faces` (NULL: no face) found in a `width` x `height` image as the
 * one-line object `segtex face --json` prints, without a newline:
 * {"width":W,"height":H,"faces":[{"score":S,"box":{"xmin":..,"ymin":..,
 * "width":..,"height":..},"keypoints":[[x,y],...6],"presence":P,
 * "landmarks":[[x,y,z],...]}]}, numbers as "%.6g", coordinates normalized
 * as in segtex_face_result. Writes to `f` only (stdio buffers; no other
 * allocation, no logging). SEGTEX_ERROR_IO when the stream reports an
 * error (the caller names the file); what was written stays written.
 */
segtex_status segtex_face_result_to_json(FILE *f, int width, int height, const segtex_face_result *faces);

/*
 * Write one JSON line (ending in '\n') of a frame's results for `-o FILE.jsonl`:
 * {"frame":N,"pts":S,"width":W,"height":H,"faces":[...],"poses":[...],"hands":[...],
 * "shares":[b,h,bs,fs,c,o]} where "faces", "poses" and "hands" hold exactly
 * the objects of segtex_face_result_to_json, segtex_pose_results_to_json (every
 * pose of `people`) and segtex_hand_result_to_json (empty where `people` has none or is NULL),
 * `pts` is in seconds ("%.12g"; null when not finite) and `shares` (NULL: six zeros) are the six
 * category fractions in id order ("%.6g"). Same allocation and error rules
 * as segtex_face_result_to_json.
 */
segtex_status segtex_jsonl_frame_write(FILE *f, int64_t frame, double pts, int width, int height,
                                       const segtex_people *people, const float shares[SEGTEX_CATEGORY_COUNT]);

/* ---- pose ---- */

/*
 * Write `pose` (NULL or count 0: no pose) found in a `width` x `height`
 * image as the one-line object `segtex pose --json` prints, without a newline:
 * {"width":W,"height":H,"poses":[{"score":S,"landmarks":[[x,y,z,visibility,presence],...33],
 * "world":[[x,y,z],...33]}]} with numbers as "%.6g", landmarks normalized
 * as in segtex_pose_result, world points in metres. Same allocation and
 * error rules as segtex_face_result_to_json.
 */
segtex_status segtex_pose_result_to_json(FILE *f, int width, int height, const segtex_pose_result *pose);

/*
 * The same for `count` results (segtex_pose_finder's): "poses" holds one
 * object per result whose count is 1, in order. `poses` may be NULL when
 * `count` is 0.
 */
segtex_status segtex_pose_results_to_json(FILE *f, int width, int height, const segtex_pose_result *poses, int count);

/* ---- hands ------------------------------------------------------------------------ */

/*
 * Write `hands` (NULL: no hand) found in a `width` x `height` image as the
 * one-line object `segtex hands --json` prints, without a newline:
 * {"width":W,"height":H,"hands":[{"handedness":"Left"|"Right","score":S,
 * "landmarks":[[x,y,z],...21],"world":[[x,y,z],...21]}]}, numbers as
 * "%.6g", landmarks normalized as in segtex_hand_landmarks, world in
 * metres, handedness and its score as MediaPipe labels the same image.
 * Same allocation and error rules as segtex_face_result_to_json.
 */
segtex_status segtex_hand_result_to_json(FILE *f, int width, int height, const segtex_hand_result *hands);

#ifdef __cplusplus
}
#endif
#endif
