/*
 * The landmarks JSON: a reader on libjansson with segtex's bounds, and the
 * writers of `segtex face --json` and of the per-frame JSON lines.
 *
 * The reader first scans the bytes once (outside strings) for nesting depth
 * and the number of values, so that jansson never builds a tree deeper than
 * 32 or larger than 2^20 values from a 16 MB file; then jansson parses
 * strictly (syntax errors come with a byte offset), and one walk checks
 * every number and the shape, naming the JSON path of the first problem.
 *
 * The writers format numbers with "%.6g" themselves: jansson's real
 * formatting appends ".0" to integral values ("presence":1 would become
 * 1.0), and the text `segtex face --json` prints must not change.
 */
#include "core/log.h"
#include "segtex/json.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 32
#define MAX_VALUES (1L << 20)
#define MAX_ABS 1.0e6
#define MAX_FILE (16u << 20)

/* Where the walk is, as a JSON path ("faces[0].box.xmin"), for messages. */
typedef struct walk {
    const char *name;
    char path[256];
} walk;

static int fail_at(const walk *w, const char *what)
{
    LOG_ERROR("landmarks '%s': at %s: %s", w->name, w->path[0] ? w->path : "the top", what);
    return 0;
}

/* Append ".key" or "[index]" to the path; returns the old length, for pop(). */
static size_t push_key(walk *w, const char *key)
{
    size_t n = strlen(w->path);
    snprintf(w->path + n, sizeof w->path - n, "%s%.32s", n ? "." : "", key);
    return n;
}

static size_t push_index(walk *w, size_t index)
{
    size_t n = strlen(w->path);
    snprintf(w->path + n, sizeof w->path - n, "[%zu]", index);
    return n;
}

static void pop(walk *w, size_t n) { w->path[n] = 0; }

/*
 * Depth and size bounds, checked on the bytes before jansson allocates:
 * brackets and commas outside strings. Malformed text passes through here
 * and is rejected by jansson with its own message.
 */
static int prescan(const char *text, size_t size, const char *name)
{
    int depth = 0, in_string = 0;
    long values = 1;
    for (size_t i = 0; i < size; i++) {
        char c = text[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = 0;
            continue;
        }
        if (c == '"') {
            in_string = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > MAX_DEPTH) {
                LOG_ERROR("landmarks '%s': byte %zu: nested deeper than %d levels", name, i, MAX_DEPTH);
                return 0;
            }
        } else if (c == ']' || c == '}') {
            depth--;
        } else if (c == ',' && ++values > MAX_VALUES) {
            LOG_ERROR("landmarks '%s': byte %zu: more than %ld values", name, i, MAX_VALUES);
            return 0;
        }
    }
    return 1;
}

/* Every number anywhere in the document, read or skipped, is finite and |v| <= 1e6. */
static int check_numbers(walk *w, const json_t *v)
{
    if (json_is_number(v)) {
        double d = json_number_value(v);
        return isfinite(d) && fabs(d) <= MAX_ABS ? 1 : fail_at(w, "number out of range (|v| > 1e6)");
    }
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            size_t n = push_index(w, i);
            if (!check_numbers(w, json_array_get(v, i)))
                return 0;
            pop(w, n);
        }
    } else if (json_is_object(v)) {
        const char *key;
        json_t *m;
        json_object_foreach((json_t *)v, key, m) {
            size_t n = push_key(w, key);
            if (!check_numbers(w, m))
                return 0;
            pop(w, n);
        }
    }
    return 1;
}

static int read_float(walk *w, const json_t *v, float *out)
{
    if (!json_is_number(v))
        return fail_at(w, "expected a number");
    *out = (float)json_number_value(v);
    return 1;
}

static int read_box(walk *w, const json_t *box, segtex_face_detection *f)
{
    static const char *const names[2][4] = {{"xmin", "ymin", "width", "height"}, {"x", "y", "w", "h"}};
    if (!json_is_object(box))
        return fail_at(w, "\"box\" must be an object");
    for (int k = 0; k < 4; k++) {
        int which = json_object_get(box, names[0][k]) ? 0 : 1;
        const json_t *v = json_object_get(box, names[which][k]);
        if (!v)
            return fail_at(w, "\"box\" needs xmin, ymin, width and height");
        size_t n = push_key(w, names[which][k]);
        if (!read_float(w, v, &f->box[k]))
            return 0;
        pop(w, n);
    }
    return 1;
}

static int read_landmarks(walk *w, const json_t *a, segtex_face_landmarks *f)
{
    if (!json_is_array(a))
        return fail_at(w, "expected an array");
    if (json_array_size(a) > SEGTEX_FACE_POINTS)
        return fail_at(w, "more than 478 landmarks");
    for (size_t i = 0; i < json_array_size(a); i++) {
        const json_t *p = json_array_get(a, i);
        size_t n = push_index(w, i);
        if (!json_is_array(p))
            return fail_at(w, "a landmark must be an array [x, y] or [x, y, z]");
        size_t k = json_array_size(p);
        if (k < 2 || k > 3)
            return fail_at(w, k < 2 ? "a landmark has fewer than 2 numbers" : "a landmark has more than 3 numbers");
        float v[3] = {0, 0, 0};
        for (size_t j = 0; j < k; j++) {
            size_t m = push_index(w, j);
            if (!read_float(w, json_array_get(p, j), &v[j]))
                return 0;
            pop(w, m);
        }
        memcpy(f->xyz[i], v, sizeof v);
        pop(w, n);
    }
    f->count = (int)json_array_size(a);
    return 1;
}

static int read_face(walk *w, const json_t *o, segtex_face_detection *d, segtex_face_landmarks *f)
{
    if (!json_is_object(o))
        return fail_at(w, "a face must be an object");
    memset(d, 0, sizeof *d);
    memset(f, 0, sizeof *f);
    static const char *const keys[] = {"score", "presence", "box", "landmarks"};
    for (int k = 0; k < 4; k++) {
        const json_t *v = json_object_get(o, keys[k]);
        if (!v)
            continue;
        size_t n = push_key(w, keys[k]);
        int ok = k == 0   ? read_float(w, v, &d->score)
                 : k == 1 ? read_float(w, v, &f->presence)
                 : k == 2 ? read_box(w, v, d)
                          : read_landmarks(w, v, f);
        if (!ok)
            return 0;
        pop(w, n);
    }
    return 1;
}

static int read_top(walk *w, const json_t *top, segtex_faces *out)
{
    static const char *const dims[2] = {"width", "height"};
    for (int k = 0; k < 2; k++) {
        const json_t *v = json_object_get(top, dims[k]);
        if (!v)
            continue;
        size_t n = push_key(w, dims[k]);
        double d = json_number_value(v);
        if (!json_is_number(v) || d != floor(d) || d < 1 || d > 65535)
            return fail_at(w, "width and height must be integers in 1..65535");
        *(k ? &out->height : &out->width) = (int)d;
        pop(w, n);
    }
    const json_t *faces = json_object_get(top, "faces");
    if (!faces)
        return fail_at(w, "no \"faces\" array");
    push_key(w, "faces");
    if (!json_is_array(faces))
        return fail_at(w, "\"faces\" must be an array");
    if (json_array_size(faces) > SEGTEX_MAX_FACES)
        return fail_at(w, "more than 8 faces");
    for (size_t i = 0; i < json_array_size(faces); i++) {
        size_t n = push_index(w, i);
        if (!read_face(w, json_array_get(faces, i), &out->result.detection[i], &out->result.faces[i]))
            return 0;
        pop(w, n);
    }
    out->result.count = (int)json_array_size(faces);
    return 1;
}

/* The shared steps of every reader: bounds, jansson, numbers, then `read` on the top object. */
typedef int (*read_fn)(walk *w, const json_t *top, void *out);

static segtex_status parse_doc(const char *text, size_t size, const char *name, read_fn read, void *out,
                               size_t out_size)
{
    if (!out)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    memset(out, 0, out_size);
    if (!text && size)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    walk w = {name ? name : "(memory)", {0}};
    if (!prescan(text, size, w.name))
        return SEGTEX_ERROR_MALFORMED;
    json_error_t err;
    /* Integers as reals: one number type, and huge integers are range errors, not parse errors. */
    json_t *top = json_loadb(text ? text : "", size, JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL, &err);
    if (!top) {
        LOG_ERROR("landmarks '%s': byte %d: %s", w.name, err.position, err.text);
        return SEGTEX_ERROR_MALFORMED;
    }
    int ok;
    if (!json_is_object(top)) {
        LOG_ERROR("landmarks '%s': byte 0: expected a JSON object", w.name);
        ok = 0;
    } else {
        ok = check_numbers(&w, top) && read(&w, top, out);
    }
    json_decref(top);
    if (!ok) {
        memset(out, 0, out_size);
        return SEGTEX_ERROR_MALFORMED;
    }
    return SEGTEX_OK;
}

static int read_faces_top(walk *w, const json_t *top, void *out) { return read_top(w, top, out); }

segtex_status segtex_faces_parse_json(const char *text, size_t size, const char *name, segtex_faces *out)
{
    return parse_doc(text, size, name, read_faces_top, out, sizeof *out);
}

/* ---- poses and hands ---------------------------------------------------------------- */

/*
 * An array of exactly `count` points of `min`..`max` numbers each into
 * `dst` (stride `stride` floats); numbers a point leaves out keep `fill`.
 */
static int read_points(walk *w, const json_t *a, int count, int min, int max, float fill, float *dst, int stride)
{
    if (!json_is_array(a))
        return fail_at(w, "expected an array of points");
    if (json_array_size(a) != (size_t)count) {
        char msg[64];
        snprintf(msg, sizeof msg, "expected exactly %d points, got %zu", count, json_array_size(a));
        return fail_at(w, msg);
    }
    for (int i = 0; i < count; i++) {
        const json_t *p = json_array_get(a, (size_t)i);
        size_t n = push_index(w, (size_t)i);
        size_t k = json_is_array(p) ? json_array_size(p) : 0;
        if (!json_is_array(p) || k < (size_t)min || k > (size_t)max) {
            char msg[64];
            snprintf(msg, sizeof msg, "a point must be an array of %d to %d numbers", min, max);
            return fail_at(w, msg);
        }
        for (int j = 0; j < max; j++)
            dst[i * stride + j] = fill;
        for (size_t j = 0; j < k; j++) {
            size_t m = push_index(w, j);
            if (!read_float(w, json_array_get(p, j), &dst[i * stride + (int)j]))
                return 0;
            pop(w, m);
        }
        pop(w, n);
    }
    return 1;
}

/* The top object's array `key` of at most `max` elements; NULL (after the message) when it is not one. */
static const json_t *top_array(walk *w, const json_t *top, const char *key, size_t max)
{
    const json_t *a = json_object_get(top, key);
    char msg[64];
    if (!a) {
        snprintf(msg, sizeof msg, "no \"%s\" array", key);
        return fail_at(w, msg), NULL;
    }
    push_key(w, key);
    if (!json_is_array(a)) {
        snprintf(msg, sizeof msg, "\"%s\" must be an array", key);
        return fail_at(w, msg), NULL;
    }
    if (json_array_size(a) > max) {
        snprintf(msg, sizeof msg, "more than %zu %s", max, key);
        return fail_at(w, msg), NULL;
    }
    return a;
}

static int read_pose_top(walk *w, const json_t *top, void *out)
{
    segtex_pose_result *r = out;
    const json_t *a = top_array(w, top, "poses", SEGTEX_MAX_POSES);
    if (!a)
        return 0;
    /* Every pose is checked; the first is kept (what `segtex pose` prints first: the detector's best). */
    float spare_lm[SEGTEX_POSE_POINTS][5], spare_world[SEGTEX_POSE_POINTS][3], spare_score;
    for (size_t i = 0; i < json_array_size(a); i++) {
        float(*lm)[5] = i ? spare_lm : r->landmarks, (*world)[3] = i ? spare_world : r->world;
        float *score = i ? &spare_score : &r->score;
        const json_t *o = json_array_get(a, i);
        size_t n = push_index(w, i);
        if (!json_is_object(o))
            return fail_at(w, "a pose must be an object");
        const json_t *v = json_object_get(o, "landmarks");
        if (!v)
            return fail_at(w, "a pose needs \"landmarks\"");
        size_t m = push_key(w, "landmarks");
        /* [x, y], [x, y, z] or [x, y, z, visibility, presence]: what is left out counts as seen (1). */
        if (!read_points(w, v, SEGTEX_POSE_POINTS, 2, 5, 1.0f, &lm[0][0], 5))
            return 0;
        for (int k = 0; k < SEGTEX_POSE_POINTS; k++)
            if (json_array_size(json_array_get(v, (size_t)k)) < 3)
                lm[k][2] = 0;
        pop(w, m);
        if ((v = json_object_get(o, "world"))) {
            m = push_key(w, "world");
            if (!read_points(w, v, SEGTEX_POSE_POINTS, 3, 3, 0, &world[0][0], 3))
                return 0;
            pop(w, m);
        }
        if ((v = json_object_get(o, "score"))) {
            m = push_key(w, "score");
            if (!read_float(w, v, score))
                return 0;
            pop(w, m);
        }
        r->count = 1;
        pop(w, n);
    }
    return 1;
}

static int read_hands_top(walk *w, const json_t *top, void *out)
{
    segtex_hand_result *r = out;
    const json_t *a = top_array(w, top, "hands", SEGTEX_MAX_HANDS);
    if (!a)
        return 0;
    for (size_t i = 0; i < json_array_size(a); i++) {
        const json_t *o = json_array_get(a, i);
        segtex_hand_landmarks *h = &r->hands[i];
        size_t n = push_index(w, i);
        if (!json_is_object(o))
            return fail_at(w, "a hand must be an object");
        const json_t *v = json_object_get(o, "landmarks");
        if (!v)
            return fail_at(w, "a hand needs \"landmarks\"");
        size_t m = push_key(w, "landmarks");
        if (!read_points(w, v, SEGTEX_HAND_POINTS, 2, 3, 0, &h->xyz[0][0], 3))
            return 0;
        pop(w, m);
        if ((v = json_object_get(o, "world"))) {
            m = push_key(w, "world");
            if (!read_points(w, v, SEGTEX_HAND_POINTS, 3, 3, 0, &h->world[0][0], 3))
                return 0;
            pop(w, m);
        }
        if ((v = json_object_get(o, "handedness"))) {
            m = push_key(w, "handedness");
            const char *s = json_string_value(v);
            if (!s || (strcmp(s, "Left") && strcmp(s, "Right")))
                return fail_at(w, "\"handedness\" must be \"Left\" or \"Right\"");
            h->right = !strcmp(s, "Right");
            pop(w, m);
        }
        if ((v = json_object_get(o, "score"))) {
            m = push_key(w, "score");
            if (!read_float(w, v, &h->handedness_score))
                return 0;
            pop(w, m);
        }
        h->presence = 1;
        r->count = (int)i + 1;
        pop(w, n);
    }
    return 1;
}

segtex_status segtex_pose_parse_json(const char *text, size_t size, const char *name, segtex_pose_result *out)
{
    return parse_doc(text, size, name, read_pose_top, out, sizeof *out);
}

segtex_status segtex_hands_parse_json(const char *text, size_t size, const char *name, segtex_hand_result *out)
{
    return parse_doc(text, size, name, read_hands_top, out, sizeof *out);
}

static segtex_status load_doc(const char *path, read_fn read, void *out, size_t out_size)
{
    if (!path || !out)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    memset(out, 0, out_size);
    FILE *f = fopen(path, "rb");
    if (!f) {
        LOG_ERROR("landmarks '%s': cannot open the file", path);
        return SEGTEX_ERROR_IO;
    }
    char *buf = segtex_malloc(MAX_FILE + 1);
    if (!buf) {
        fclose(f);
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    }
    size_t n = fread(buf, 1, MAX_FILE + 1, f);
    int err = ferror(f);
    fclose(f);
    segtex_status st;
    if (err) {
        LOG_ERROR("landmarks '%s': read error", path);
        st = SEGTEX_ERROR_IO;
    } else if (n > MAX_FILE) {
        LOG_ERROR("landmarks '%s': larger than 16 MB", path);
        st = SEGTEX_ERROR_MALFORMED;
    } else {
        st = parse_doc(buf, n, path, read, out, out_size);
    }
    segtex_free(buf);
    return st;
}

segtex_status segtex_faces_load_json(const char *path, segtex_faces *out)
{
    return load_doc(path, read_faces_top, out, sizeof *out);
}

segtex_status segtex_pose_load_json(const char *path, segtex_pose_result *out)
{
    return load_doc(path, read_pose_top, out, sizeof *out);
}

segtex_status segtex_hands_load_json(const char *path, segtex_hand_result *out)
{
    return load_doc(path, read_hands_top, out, sizeof *out);
}

/* ---- writing ---------------------------------------------------------------- */

/* The face objects, comma-separated, without the enclosing brackets. */
static void write_faces(FILE *f, const segtex_face_result *r)
{
    for (int i = 0; r && i < r->count; i++) {
        const segtex_face_detection *d = &r->detection[i];
        const segtex_face_landmarks *l = &r->faces[i];
        fprintf(f, "%s{\"score\":%.6g,\"box\":{\"xmin\":%.6g,\"ymin\":%.6g,\"width\":%.6g,\"height\":%.6g},\"keypoints\":[",
                i ? "," : "", d->score, d->box[0], d->box[1], d->box[2], d->box[3]);
        for (int k = 0; k < SEGTEX_KEYPOINT_COUNT; k++)
            fprintf(f, "%s[%.6g,%.6g]", k ? "," : "", d->keypoints[k][0], d->keypoints[k][1]);
        fprintf(f, "],\"presence\":%.6g,\"landmarks\":[", l->presence);
        for (int p = 0; p < l->count; p++)
            fprintf(f, "%s[%.6g,%.6g,%.6g]", p ? "," : "", l->xyz[p][0], l->xyz[p][1], l->xyz[p][2]);
        fputs("]}", f);
    }
}

segtex_status segtex_face_result_to_json(FILE *f, int width, int height, const segtex_face_result *faces)
{
    if (!f)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    fprintf(f, "{\"width\":%d,\"height\":%d,\"faces\":[", width, height);
    write_faces(f, faces);
    fputs("]}", f);
    return ferror(f) ? SEGTEX_ERROR_IO : SEGTEX_OK;
}

static void write_poses(FILE *f, const segtex_pose_result *poses, int count);
static void write_hands(FILE *f, const segtex_hand_result *hands);

segtex_status segtex_jsonl_frame_write(FILE *f, int64_t frame, double pts, int width, int height,
                                       const segtex_people *people, const float shares[SEGTEX_CATEGORY_COUNT])
{
    if (!f)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    fprintf(f, "{\"frame\":%lld,\"pts\":", (long long)frame);
    if (isfinite(pts)) /* JSON has no NaN or infinity */
        fprintf(f, "%.12g", pts);
    else
        fputs("null", f);
    fprintf(f, ",\"width\":%d,\"height\":%d,\"faces\":[", width, height);
    write_faces(f, people ? people->faces : NULL);
    fputs("],\"poses\":[", f);
    write_poses(f, people ? people->pose : NULL, segtex_people_pose_count(people));
    fputs("],\"hands\":[", f);
    write_hands(f, people ? people->hands : NULL);
    fputs("],\"shares\":[", f);
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++)
        fprintf(f, "%s%.6g", c ? "," : "", shares ? shares[c] : 0.0f);
    fputs("]}\n", f);
    return ferror(f) ? SEGTEX_ERROR_IO : SEGTEX_OK;
}

/* The pose objects (results with count 1), comma-separated, without the enclosing brackets. */
static void write_poses(FILE *f, const segtex_pose_result *poses, int count)
{
    int written = 0;
    for (int p = 0; poses && p < count; p++) {
        const segtex_pose_result *pose = &poses[p];
        if (pose->count <= 0)
            continue;
        fprintf(f, "%s{\"score\":%.6g,\"landmarks\":[", written++ ? "," : "", pose->score);
        for (int i = 0; i < SEGTEX_POSE_POINTS; i++) {
            const float *l = pose->landmarks[i];
            fprintf(f, "%s[%.6g,%.6g,%.6g,%.6g,%.6g]", i ? "," : "", l[0], l[1], l[2], l[3], l[4]);
        }
        fputs("],\"world\":[", f);
        for (int i = 0; i < SEGTEX_POSE_POINTS; i++)
            fprintf(f, "%s[%.6g,%.6g,%.6g]", i ? "," : "", pose->world[i][0], pose->world[i][1], pose->world[i][2]);
        fputs("]}", f);
    }
}

static void write_hands(FILE *f, const segtex_hand_result *hands)
{
    for (int i = 0; hands && i < hands->count && i < SEGTEX_MAX_HANDS; i++) {
        const segtex_hand_landmarks *h = &hands->hands[i];
        fprintf(f, "%s{\"handedness\":\"%s\",\"score\":%.6g,\"landmarks\":[", i ? "," : "", h->right ? "Right" : "Left",
                h->handedness_score);
        for (int p = 0; p < SEGTEX_HAND_POINTS; p++)
            fprintf(f, "%s[%.6g,%.6g,%.6g]", p ? "," : "", h->xyz[p][0], h->xyz[p][1], h->xyz[p][2]);
        fputs("],\"world\":[", f);
        for (int p = 0; p < SEGTEX_HAND_POINTS; p++)
            fprintf(f, "%s[%.6g,%.6g,%.6g]", p ? "," : "", h->world[p][0], h->world[p][1], h->world[p][2]);
        fputs("]}", f);
    }
}

segtex_status segtex_pose_results_to_json(FILE *f, int width, int height, const segtex_pose_result *poses, int count)
{
    if (!f || count < 0)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    fprintf(f, "{\"width\":%d,\"height\":%d,\"poses\":[", width, height);
    write_poses(f, poses, count);
    fputs("]}", f);
    return ferror(f) ? SEGTEX_ERROR_IO : SEGTEX_OK;
}

segtex_status segtex_pose_result_to_json(FILE *f, int width, int height, const segtex_pose_result *pose)
{
    return segtex_pose_results_to_json(f, width, height, pose, pose ? 1 : 0);
}

/* ---- hands -------------------------------------------------------------------- */

segtex_status segtex_hand_result_to_json(FILE *f, int width, int height, const segtex_hand_result *hands)
{
    if (!f)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    fprintf(f, "{\"width\":%d,\"height\":%d,\"hands\":[", width, height);
    write_hands(f, hands);
    fputs("]}", f);
    return ferror(f) ? SEGTEX_ERROR_IO : SEGTEX_OK;
}
