/*
 * The npm models on the reference backend, on the real portrait
 * (astronaut.png, 512x512: the face spans about x 175..275, y 75..185; the
 * orange suit fills the lower half; wall and rocket are background).
 */
#include "harness.h"
#include "segtex/io.h"
#include "segtex/nn.h"
#include "segtex/pipeline.h"
#include "segtex/vision.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static segtex_image portrait;
static segtex_model_options opts; /* the backend under test */

static segtex_model *load(const char *name)
{
    const char *path = test_asset(name);
    CHECK(path != NULL, "asset %s is missing (run scripts/fetch-assets.sh)", name);
    if (!path)
        return NULL;
    segtex_model *m = NULL;
    segtex_status st = segtex_model_load(path, &opts, &m);
    CHECK(st == SEGTEX_OK && m, "%s (%s): load failed: %s", name, segtex_backend_name(opts.backend),
          segtex_status_string(st));
    return m;
}

static void feed(segtex_model *m, const segtex_image *img, segtex_fit fit, float lo, float hi)
{
    segtex_tensor_info in;
    segtex_model_input(m, 0, &in);
    CHECK(segtex_image_to_tensor(img, in.data, in.dims[2], in.dims[1], fit, lo, hi, NULL) == SEGTEX_OK,
          "preprocess");
}

/* Mean of a [1,H,W,1] output over an image-space box (coordinates in the 512x512 portrait). */
static float region_mean(const segtex_tensor_info *t, int x0, int y0, int x1, int y1)
{
    int h = t->dims[1], w = t->dims[2];
    double sum = 0;
    int n = 0;
    for (int y = y0 * h / 512; y < y1 * h / 512; y++)
        for (int x = x0 * w / 512; x < x1 * w / 512; x++, n++)
            sum += t->data[y * w + x];
    return n ? (float)(sum / n) : NAN;
}

static void check_selfie(const char *name)
{
    segtex_model *m = load(name);
    if (!m)
        return;
    feed(m, &portrait, SEGTEX_FIT_STRETCH, 0.0f, 1.0f);
    CHECK(segtex_model_invoke(m) == SEGTEX_OK, "invoke");
    segtex_tensor_info out;
    segtex_model_output(m, 0, &out);
    CHECK(out.rank == 4 && out.dims[3] == 1, "%s: output is [1,H,W,1]", name);
    struct { const char *what; int x0, y0, x1, y1; int person; } regions[] = {
        {"face", 190, 90, 260, 170, 1},
        {"suit (chest)", 60, 320, 140, 420, 1},
        {"suit (belly)", 180, 330, 260, 420, 1},
        {"wall right of the head", 310, 40, 370, 120, 0},
        {"wall top right", 450, 10, 505, 60, 0},
        {"rocket", 385, 100, 410, 200, 0},
    };
    for (size_t k = 0; k < sizeof regions / sizeof regions[0]; k++) {
        float v = region_mean(&out, regions[k].x0, regions[k].y0, regions[k].x1, regions[k].y1);
        if (regions[k].person)
            CHECK(v > 0.9f, "%s: person probability on the %s is %.3f, expected > 0.9", name, regions[k].what, v);
        else
            CHECK(v < 0.1f, "%s: person probability on the %s is %.3f, expected < 0.1", name, regions[k].what, v);
    }
    segtex_model_destroy(m);
}

static void selfie_segmentation_finds_the_person(void) { check_selfie("selfie_segmentation.tflite"); }
static void selfie_landscape_finds_the_person(void) { check_selfie("selfie_segmentation_landscape.tflite"); }

/*
 * BlazeFace anchors (SSD, fixed size, offsets 0.5): feature maps of stride 8
 * (2 anchors per cell) and stride 16 (3 layers x 2 = 6 per cell), in that order.
 */
static void anchor_centre(int index, int input, int *ok, float *cx, float *cy)
{
    static const struct { int stride, per_cell; } layers[][2] = {
        {{8, 2}, {16, 6}},  /* short range: 128 -> 16x16x2 + 8x8x6 = 896 */
        {{4, 1}, {0, 0}},   /* full range: 192 -> 48x48x1 = 2304 */
    };
    int set = input == 128 ? 0 : 1;
    *ok = 0;
    for (int l = 0; l < 2 && layers[set][l].stride; l++) {
        int fm = input / layers[set][l].stride, n = fm * fm * layers[set][l].per_cell;
        if (index < n) {
            int cell = index / layers[set][l].per_cell;
            *cx = ((float)(cell % fm) + 0.5f) / (float)fm;
            *cy = ((float)(cell / fm) + 0.5f) / (float)fm;
            *ok = 1;
            return;
        }
        index -= n;
    }
}

static void check_blazeface(const char *name)
{
    segtex_model *m = load(name);
    if (!m)
        return;
    segtex_tensor_info in, boxes, scores;
    segtex_model_input(m, 0, &in);
    feed(m, &portrait, SEGTEX_FIT_LETTERBOX, -1.0f, 1.0f);
    CHECK(segtex_model_invoke(m) == SEGTEX_OK, "invoke");
    segtex_model_output(m, 0, &boxes);
    segtex_model_output(m, 1, &scores);
    if (boxes.dims[2] != 16) {
        segtex_tensor_info t = boxes;
        boxes = scores;
        scores = t;
    }
    int n = scores.dims[1], best = 0;
    for (int i = 1; i < n; i++)
        if (scores.data[i] > scores.data[best])
            best = i;
    float raw = scores.data[best];
    raw = raw < -100 ? -100 : raw > 100 ? 100 : raw;
    float score = 1.0f / (1.0f + expf(-raw));
    CHECK(score > 0.75f, "%s: best face score %.3f, expected > 0.75", name, score);
    int ok;
    float acx = 0, acy = 0;
    anchor_centre(best, in.dims[1], &ok, &acx, &acy);
    CHECK(ok, "%s: anchor %d not in the layout", name, best);
    const float *r = boxes.data + (size_t)best * 16;
    float s = (float)in.dims[1];
    /* Square input, square image: the letterbox is the identity, so input units map to 512/s pixels. */
    float cx = (acx + r[0] / s) * 512, cy = (acy + r[1] / s) * 512;
    float w = r[2] / s * 512, h = r[3] / s * 512;
    CHECK(cx > 195 && cx < 255 && cy > 100 && cy < 170, "%s: face centre (%.0f,%.0f) is not on the face",
          name, cx, cy);
    CHECK(w > 70 && w < 160 && h > 70 && h < 160, "%s: face box %.0fx%.0f, expected about 100x110", name, w, h);
    /* Keypoints 0 and 1 are the eyes: right eye (image left) first, both at eye height. */
    float rex = (acx + r[4] / s) * 512, rey = (acy + r[5] / s) * 512;
    float lex = (acx + r[6] / s) * 512, ley = (acy + r[7] / s) * 512;
    CHECK(rex < lex && rex > 180 && lex < 270 && fabsf(rey - 112) < 20 && fabsf(ley - 112) < 20,
          "%s: eyes at (%.0f,%.0f) and (%.0f,%.0f)", name, rex, rey, lex, ley);
    segtex_model_destroy(m);
}

static void blazeface_short_range_finds_the_face(void) { check_blazeface("face_detection_short_range.tflite"); }
static void blazeface_full_range_finds_the_face(void) { check_blazeface("face_detection_full_range.tflite"); }

/* A square crop around the face, as the landmarker sees it after detection (box x1.5). */
static segtex_image face_crop(int cx, int cy, int side)
{
    segtex_image v = portrait;
    v.data = portrait.data + (cy - side / 2) * portrait.stride + (cx - side / 2) * 3;
    v.width = side;
    v.height = side;
    return v;
}

static void check_landmarks(const char *name, int mesh_output)
{
    segtex_model *m = load(name);
    if (!m)
        return;
    /* On a face crop: a confident face, and all 468 mesh points inside the crop. */
    segtex_image crop = face_crop(225, 130, 180);
    feed(m, &crop, SEGTEX_FIT_STRETCH, 0.0f, 1.0f);
    CHECK(segtex_model_invoke(m) == SEGTEX_OK, "invoke");
    segtex_tensor_info mesh, flag;
    segtex_model_output(m, mesh_output, &mesh);
    segtex_model_output(m, segtex_model_output_count(m) - 1, &flag);
    CHECK(mesh.count == 1404, "%s: mesh has %zu values", name, mesh.count);
    CHECK(flag.count == 1, "%s: face flag has %zu values", name, flag.count);
    float presence = 1.0f / (1.0f + expf(-flag.data[0]));
    CHECK(presence > 0.9f, "%s: face presence on a face crop is %.3f, expected > 0.9", name, presence);
    int inside = 0;
    for (int i = 0; i < 468; i++) {
        float x = mesh.data[3 * i], y = mesh.data[3 * i + 1];
        inside += x >= 0 && x <= 192 && y >= 0 && y <= 192;
    }
    CHECK(inside == 468, "%s: %d of 468 mesh points inside the 192x192 crop", name, inside);
    /* Nose tip (landmark 1) near the crop centre; the eyes' outer corners 33 and 263 left/right of it. */
    float nx = mesh.data[3], ny = mesh.data[4];
    CHECK(fabsf(nx - 96) < 30 && fabsf(ny - 96) < 40, "%s: nose tip at (%.1f,%.1f)", name, nx, ny);
    CHECK(mesh.data[3 * 33] < nx && mesh.data[3 * 263] > nx, "%s: eye corners not on either side of the nose",
          name);

    /* On a crop of the wall, no face. */
    segtex_image wall = face_crop(440, 100, 100);
    feed(m, &wall, SEGTEX_FIT_STRETCH, 0.0f, 1.0f);
    CHECK(segtex_model_invoke(m) == SEGTEX_OK, "invoke");
    segtex_model_output(m, segtex_model_output_count(m) - 1, &flag);
    presence = 1.0f / (1.0f + expf(-flag.data[0]));
    CHECK(presence < 0.5f, "%s: face presence on the wall is %.3f, expected < 0.5", name, presence);
    segtex_model_destroy(m);
}

static void landmarker_with_attention_finds_the_mesh(void) { check_landmarks("face_landmark_with_attention.tflite", 0); }
static void landmarker_finds_the_mesh(void) { check_landmarks("face_landmark.tflite", 0); }

/*
 * The body and hand models (npm @mediapipe/pose, @mediapipe/hands): they
 * load, every output is finite, and the flags say what a user would see:
 * a pose on the portrait (pose detection score, pose landmark presence),
 * no hand on a crop of the wall (hand landmark presence).
 */
static int all_finite(segtex_model *m)
{
    for (int o = 0; o < segtex_model_output_count(m); o++) {
        segtex_tensor_info t;
        segtex_model_output(m, o, &t);
        for (size_t i = 0; i < t.count; i++)
            if (!isfinite(t.data[i]))
                return 0;
    }
    return 1;
}

static float sigmoid_clipped(float x)
{
    x = x < -100 ? -100 : x > 100 ? 100 : x;
    return 1.0f / (1.0f + expf(-x));
}

static void body_and_hand_models_run(void)
{
    static const struct { const char *name; int kind; } models[] = {
        {"pose_detection.tflite", 0},      {"pose_landmark_lite.tflite", 1}, {"pose_landmark_full.tflite", 1},
        {"palm_detection_lite.tflite", 2}, {"palm_detection_full.tflite", 2}, {"hand_landmark_lite.tflite", 3},
        {"hand_landmark_full.tflite", 3},
    };
    for (size_t k = 0; k < sizeof models / sizeof models[0]; k++) {
        const char *name = models[k].name;
        segtex_model *m = load(name);
        if (!m)
            continue;
        segtex_image wall = face_crop(440, 100, 100);
        feed(m, models[k].kind == 3 ? &wall : &portrait, SEGTEX_FIT_STRETCH, 0.0f, 1.0f);
        CHECK(segtex_model_invoke(m) == SEGTEX_OK, "%s: invoke", name);
        CHECK(all_finite(m), "%s: an output is not finite", name);
        segtex_tensor_info t;
        if (models[k].kind == 0) {
            segtex_model_output(m, 1, &t);
            float best = -INFINITY;
            for (size_t i = 0; i < t.count; i++)
                best = t.data[i] > best ? t.data[i] : best;
            CHECK(t.count == 2254 && sigmoid_clipped(best) > 0.5f, "%s: best pose score %.3f of %zu, expected > 0.5",
                  name, sigmoid_clipped(best), t.count);
        } else if (models[k].kind == 1) {
            segtex_model_output(m, 1, &t); /* pose presence, a probability already */
            CHECK(t.count == 1 && t.data[0] > 0.5f, "%s: pose presence %.3f, expected > 0.5", name, t.data[0]);
        } else if (models[k].kind == 2) {
            segtex_model_output(m, 0, &t);
            CHECK(t.count == 2016 * 18, "%s: %zu box values, expected 2016 x 18", name, t.count);
        } else {
            segtex_model_output(m, 1, &t); /* hand presence */
            CHECK(t.count == 1 && t.data[0] < 0.5f, "%s: hand presence on the wall %.3f, expected < 0.5", name,
                  t.data[0]);
        }
        segtex_model_destroy(m);
    }
}

/* Loading plans one arena; invoking allocates nothing and gives the same result twice. */
static void invoke_allocates_nothing(void)
{
    /* The counter itself must see allocations, or "0" proves nothing (ASan replaces malloc: skip). */
    if (!getenv("SEGTEX_SANITIZED")) {
        uint64_t before = test_process_allocs();
        void *volatile p = malloc(64);
        CHECK(test_process_allocs() == before + 1, "the malloc interposer did not count a malloc");
        free(p);
    }
    static const char *names[] = {"selfie_segmentation.tflite", "face_detection_short_range.tflite",
                                  "face_landmark_with_attention.tflite", "pose_detection.tflite",
                                  "hand_landmark_lite.tflite"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        segtex_model *m = load(names[k]);
        if (!m)
            continue;
        feed(m, &portrait, SEGTEX_FIT_STRETCH, 0.0f, 1.0f);
        segtex_model_invoke(m);
        segtex_tensor_info out;
        segtex_model_output(m, 0, &out);
        float *first = malloc(out.count * sizeof(float));
        memcpy(first, out.data, out.count * sizeof(float));
        uint64_t lib0 = segtex_alloc_count(), proc0 = test_process_allocs();
        for (int r = 0; r < 3; r++)
            segtex_model_invoke(m);
        uint64_t lib = segtex_alloc_count() - lib0, proc = test_process_allocs() - proc0;
        CHECK(lib == 0 && proc == 0, "%s: 3 invokes made %llu library and %llu process allocations", names[k],
              (unsigned long long)lib, (unsigned long long)proc);
        CHECK(memcmp(first, out.data, out.count * sizeof(float)) == 0, "%s: invoke is not repeatable", names[k]);
        segtex_model_stats s;
        segtex_model_get_stats(m, &s);
        CHECK(s.arena_bytes > 0 && s.arena_bytes * 3 < s.naive_bytes,
              "%s: arena %zu bytes is not well below the %zu bytes without reuse", names[k], s.arena_bytes,
              s.naive_bytes);
        free(first);
        segtex_model_destroy(m);
    }
}

/*
 * Bit-identical outputs across refactors: each of the six original models
 * on a fixed input (the portrait stretched to the input, in [0,1]); every
 * output's bytes hashed (FNV-1a 64). The hashes were recorded before the op
 * table replaced the per-op switches (and must not move without a reason).
 * XNNPACK picks its kernels by CPU, so its hashes hold for the recording CPU
 * family only (recorded on an AMD EPYC with AVX-512); on another CPU, SEGTEX_GOLDEN=record
 * prints new ones instead of comparing. The reference hashes hold for any
 * x86-64 build of this tree (plain C, no FMA contraction by default).
 */
static uint64_t fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

static void outputs_match_the_recording(void)
{
    static const struct { const char *name; uint64_t ref, xnn; } golden[] = {
        {"selfie_segmentation.tflite", 0xe645a383ec7e78f5ull, 0x1cdd43d193fab166ull},
        {"selfie_segmentation_landscape.tflite", 0xd699561f022e37daull, 0x09a045b7bb1f977dull},
        {"face_detection_short_range.tflite", 0x3f5c2993bcbdfbb4ull, 0x0816716bd414623full},
        {"face_detection_full_range.tflite", 0x8164d473865af54full, 0xd9147c1bfe9f58f0ull},
        {"face_landmark_with_attention.tflite", 0xd3a511d6bf0a1f75ull, 0x03603c0f422130e4ull},
        {"face_landmark.tflite", 0xa800aaadf8ad6abcull, 0x51226529f584aca6ull},
    };
    const char *mode = getenv("SEGTEX_GOLDEN");
    int record = mode && !strcmp(mode, "record");
    for (size_t k = 0; k < sizeof golden / sizeof golden[0]; k++) {
        segtex_model *m = load(golden[k].name);
        if (!m)
            continue;
        feed(m, &portrait, SEGTEX_FIT_STRETCH, 0.0f, 1.0f);
        CHECK(segtex_model_invoke(m) == SEGTEX_OK, "invoke");
        uint64_t h = 0xcbf29ce484222325ull;
        for (int o = 0; o < segtex_model_output_count(m); o++) {
            segtex_tensor_info out;
            segtex_model_output(m, o, &out);
            h = fnv1a(h, out.data, out.count * sizeof(float));
        }
        uint64_t want = opts.backend == SEGTEX_BACKEND_REF ? golden[k].ref : golden[k].xnn;
        if (record)
            printf("golden %s %s 0x%016llxull\n", golden[k].name, segtex_backend_name(opts.backend),
                   (unsigned long long)h);
        else
            CHECK(h == want, "%s (%s): outputs hash to 0x%016llx, the recording says 0x%016llx", golden[k].name,
                  segtex_backend_name(opts.backend), (unsigned long long)h, (unsigned long long)want);
        segtex_model_destroy(m);
    }
}

int main(void)
{
    const char *path = test_asset("astronaut.png");
    CHECK(path != NULL, "astronaut.png is missing (run scripts/fetch-assets.sh)");
    if (!path || segtex_image_load(path, 3, &portrait) != SEGTEX_OK)
        return test_summary();
    CHECK(portrait.width == 512 && portrait.height == 512, "portrait is %dx%d", portrait.width, portrait.height);
    /* Every test on every backend this build has; XNNPACK on a pool of 2 threads. */
    segtex_threadpool *pool = NULL;
    CHECK(segtex_threadpool_create(2, &pool) == SEGTEX_OK, "thread pool");
    segtex_backend backends[] = {SEGTEX_BACKEND_REF, SEGTEX_BACKEND_XNNPACK};
    for (size_t b = 0; b < 2; b++) {
        if (!segtex_backend_available(backends[b])) {
            printf("skip   backend %s: not in this build\n", segtex_backend_name(backends[b]));
            continue;
        }
        opts.backend = backends[b];
        opts.pool = backends[b] == SEGTEX_BACKEND_XNNPACK ? pool : NULL;
        printf("--- backend %s\n", segtex_backend_name(backends[b]));
        RUN(selfie_segmentation_finds_the_person);
        RUN(selfie_landscape_finds_the_person);
        RUN(blazeface_short_range_finds_the_face);
        RUN(blazeface_full_range_finds_the_face);
        RUN(landmarker_with_attention_finds_the_mesh);
        RUN(landmarker_finds_the_mesh);
        RUN(body_and_hand_models_run);
        RUN(invoke_allocates_nothing);
        RUN(outputs_match_the_recording);
    }
    segtex_threadpool_destroy(pool);
    segtex_image_free(&portrait);
    return test_summary();
}
