/*
 * The face tracker's optional fallback detector (--detector auto): the
 * portrait at half size pasted into a 640x480 frame (face about 50 px wide,
 * 1/13 of the frame) is missed by the short-range detector and found with
 * the full-range fallback; the close-up portrait gives bit-identical
 * landmarks with and without the fallback; a tracked face costs no
 * detection; the cameraman's profile, where short range's only box holds no
 * face by the landmarker, is found by the fallback. Prints the detectors'
 * median cost (not asserted).
 */
#include "harness.h"
#include "segtex/io.h"
#include "segtex/pipeline.h"
#include "segtex/vision.h"

#include <stdlib.h>
#include <string.h>

static segtex_image portrait, small;
static segtex_face_detector *det_short, *det_full;
static segtex_face_landmarker *lm;
static segtex_face_result res, res2;

/* The portrait halved (2x2 box filter) at (300, 160) of a flat grey 640x480 frame. */
static void make_small_frame(void)
{
    segtex_image_alloc(&small, 640, 480, 3);
    memset(small.data, 90, (size_t)small.stride * small.height);
    for (int y = 0; y < portrait.height / 2; y++)
        for (int x = 0; x < portrait.width / 2; x++)
            for (int k = 0; k < 3; k++) {
                const uint8_t *s = portrait.data + (size_t)2 * y * portrait.stride + 2 * x * 3 + k;
                int v = s[0] + s[3] + s[portrait.stride] + s[portrait.stride + 3];
                small.data[(size_t)(160 + y) * small.stride + (300 + x) * 3 + k] = (uint8_t)((v + 2) / 4);
            }
}

static segtex_face_tracker *tracker(segtex_face_detector *fallback, int video)
{
    segtex_face_tracker_options o = {0};
    o.video = video;
    o.fallback_detector = fallback;
    segtex_face_tracker *t = NULL;
    CHECK(segtex_face_tracker_create(det_short, lm, &o, &t) == SEGTEX_OK, "tracker");
    return t;
}

static void small_face_needs_the_fallback(void)
{
    segtex_face_tracker *plain = tracker(NULL, 0), *fb = tracker(det_full, 0);
    if (!plain || !fb)
        goto done;
    CHECK(segtex_face_tracker_process(plain, &small, 0, &res) == SEGTEX_OK, "short");
    CHECK(res.count == 0, "short range alone finds %d faces on the small face, expected 0 (MediaPipe's default misses it)",
          res.count);
    CHECK(segtex_face_tracker_process(fb, &small, 0, &res) == SEGTEX_OK, "auto");
    CHECK(res.count == 1 && res.detected, "with the full-range fallback: %d faces, expected 1", res.count);
    if (res.count == 1) {
        const segtex_face_detection *d = &res.detection[0];
        float cx = (d->box[0] + d->box[2] / 2) * 640, cy = (d->box[1] + d->box[3] / 2) * 480;
        /* The face of the portrait is near (225, 130): here (300 + 112, 160 + 65). */
        CHECK(fabsf(cx - 412) < 20 && fabsf(cy - 225) < 20, "box centre (%.0f, %.0f), expected near (412, 225)", cx, cy);
        CHECK(res.faces[0].presence > 0.9f && res.faces[0].count == SEGTEX_FACE_POINTS, "presence %.3f, %d points",
              res.faces[0].presence, res.faces[0].count);
        float nx = res.faces[0].xyz[1][0] * 640, ny = res.faces[0].xyz[1][1] * 480; /* nose tip */
        CHECK(fabsf(nx - 412) < 15 && fabsf(ny - 228) < 15, "nose tip at (%.0f, %.0f)", nx, ny);
    }
done:
    segtex_face_tracker_destroy(plain);
    segtex_face_tracker_destroy(fb);
}

/* The cameraman (camera.png): short range puts one box on his profile, and the landmarker, on that box's ROI, finds
 * no face there (presence near 0). Short range found no face, so the fallback looks, and finds his. */
static void rejected_box_needs_the_fallback(void)
{
    segtex_image cam = {0};
    const char *path = test_asset("camera.png");
    CHECK(path && segtex_image_load(path, 3, &cam) == SEGTEX_OK, "camera.png (scripts/fetch-assets.sh)");
    segtex_face_tracker *plain = tracker(NULL, 0), *fb = tracker(det_full, 0);
    if (!cam.data || !plain || !fb)
        goto done;
    segtex_face_detection d[1];
    CHECK(segtex_face_detector_detect(det_short, &cam, 0, d, 1) == 1, "short range puts a box on the cameraman");
    CHECK(segtex_face_tracker_process(plain, &cam, 0, &res) == SEGTEX_OK && res.count == 0,
          "short range alone: %d faces, expected 0 (its box holds no face by the landmarker)", res.count);
    CHECK(segtex_face_tracker_process(fb, &cam, 0, &res) == SEGTEX_OK, "auto");
    CHECK(res.count == 1 && res.faces[0].presence > 0.9f, "auto: %d faces, expected the cameraman's", res.count);
    if (res.count == 1) {
        /* his nose tip is near (250, 172) of the 512x512 photo */
        float nx = res.faces[0].xyz[1][0] * cam.width, ny = res.faces[0].xyz[1][1] * cam.height;
        CHECK(fabsf(nx - 250) < 12 && fabsf(ny - 172) < 12, "nose tip at (%.0f, %.0f), expected near (250, 172)", nx,
              ny);
    }
done:
    segtex_face_tracker_destroy(plain);
    segtex_face_tracker_destroy(fb);
    segtex_image_free(&cam);
}

static void close_face_is_unchanged(void)
{
    segtex_face_tracker *plain = tracker(NULL, 0), *fb = tracker(det_full, 0);
    if (!plain || !fb)
        goto done;
    CHECK(segtex_face_tracker_process(plain, &portrait, 0, &res) == SEGTEX_OK, "short");
    CHECK(segtex_face_tracker_process(fb, &portrait, 0, &res2) == SEGTEX_OK, "auto");
    CHECK(res.count == 1 && res2.count == 1, "faces %d and %d", res.count, res2.count);
    CHECK(memcmp(&res, &res2, sizeof res) == 0, "auto and short differ on the close-up portrait");
done:
    segtex_face_tracker_destroy(plain);
    segtex_face_tracker_destroy(fb);
}

static void no_face_and_tracking(void)
{
    /* No face at all: both detectors run, none is found, nothing fails. */
    segtex_image grey = {0};
    segtex_image_alloc(&grey, 320, 240, 3);
    memset(grey.data, 128, (size_t)grey.stride * grey.height);
    segtex_face_tracker *fb = tracker(det_full, 1);
    if (fb && grey.data) {
        CHECK(segtex_face_tracker_process(fb, &grey, 0.0, &res) == SEGTEX_OK && res.count == 0, "grey: %d faces",
              res.count);
        /* Video: found once through the fallback, then followed without any detector. */
        int detected = 0, found = 0;
        for (int i = 0; i < 5; i++) {
            CHECK(segtex_face_tracker_process(fb, &small, 0.1 + i / 30.0, &res) == SEGTEX_OK, "frame %d", i);
            detected += res.detected;
            found += res.count;
        }
        CHECK(found == 5 && detected == 1, "5 frames: %d with a face, %d with detection (expected 5 and 1)", found,
              detected);
    }
    segtex_face_tracker_destroy(fb);
    segtex_image_free(&grey);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_ms(segtex_face_detector *d, const segtex_image *img)
{
    double t[15];
    segtex_face_detection out[1];
    for (int i = 0; i < 15; i++) {
        double t0 = segtex_now();
        segtex_face_detector_detect(d, img, 0, out, 1);
        t[i] = (segtex_now() - t0) * 1e3;
    }
    qsort(t, 15, sizeof t[0], cmp_double);
    return t[7];
}

static void cost(void)
{
    double s = median_ms(det_short, &small), f = median_ms(det_full, &small);
    printf("info: detector cost on 640x480 (median of 15): short %.2f ms, full %.2f ms; a frame without a face "
           "costs %.2f ms with auto (short + full), a tracked face 0 ms\n", s, f, s + f);
    CHECK(s > 0 && f > 0, "timings");
}

int main(void)
{
    const char *path = test_asset("astronaut.png");
    CHECK(path != NULL, "astronaut.png missing");
    if (!path || segtex_image_load(path, 3, &portrait))
        return test_summary();
    const char *dir = getenv("SEGTEX_ASSETS");
    char p[4200];
    segtex_model_options mo = {SEGTEX_BACKEND_AUTO, NULL};
    snprintf(p, sizeof p, "%s/face_detection_short_range.tflite", dir ? dir : "assets");
    CHECK(segtex_face_detector_create(p, &mo, &det_short) == SEGTEX_OK, "short range detector");
    snprintf(p, sizeof p, "%s/face_detection_full_range.tflite", dir ? dir : "assets");
    CHECK(segtex_face_detector_create(p, &mo, &det_full) == SEGTEX_OK, "full range detector");
    snprintf(p, sizeof p, "%s/face_landmark_with_attention.tflite", dir ? dir : "assets");
    CHECK(segtex_face_landmarker_create(p, &mo, &lm) == SEGTEX_OK, "landmarker");
    make_small_frame();
    if (det_short && det_full && lm && small.data) {
        RUN(small_face_needs_the_fallback);
        RUN(rejected_box_needs_the_fallback);
        RUN(close_face_is_unchanged);
        RUN(no_face_and_tracking);
        RUN(cost);
    }
    segtex_face_landmarker_destroy(lm);
    segtex_face_detector_destroy(det_short);
    segtex_face_detector_destroy(det_full);
    segtex_image_free(&small);
    segtex_image_free(&portrait);
    return test_summary();
}
