/*
 * segtex_pose_finder: several people's poses in one still image. The
 * portrait and messi5 keep exactly one pose (no false people from their
 * masks or faces); each clue alone finds the one person (the detector; a
 * face, with the detector turned off; a person-mask component, with the
 * detector and the faces off); basketball1 (when fetched) gets its second
 * player, the one seen from behind that the detector misses; a tight
 * close-up of the portrait gets the detector's pose from its mask alone; the
 * call allocates nothing; bad options and arguments are rejected with one line.
 */
#include "harness.h"
#include "segtex/io.h"
#include "segtex/vision.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *dir;
static segtex_pose_models pm;
static segtex_pose_result *out;

/* The person mask at the image's size (the composite's, without poses), as `segtex segment` gives the finder. */
static int person_mask(const segtex_image *img, segtex_image *mask)
{
    segtex_segmenter *seg = NULL;
    segtex_seg_result r = {0};
    segtex_segmenter_options so = {SEGTEX_SEGMENTER_COMPOSITE, dir, {SEGTEX_BACKEND_AUTO, NULL}, 0};
    int ok = segtex_segmenter_create(&so, &seg) == SEGTEX_OK &&
             segtex_seg_result_alloc(&r, segtex_segmenter_max_pixels(seg)) == SEGTEX_OK &&
             segtex_segmenter_process(seg, img, NULL, &r) == SEGTEX_OK &&
             segtex_image_alloc(mask, img->width, img->height, 1) == SEGTEX_OK;
    if (ok)
        segtex_seg_result_upsample(&r, NULL, mask, NULL);
    segtex_seg_result_free(&r);
    segtex_segmenter_destroy(seg);
    return ok;
}

static int faces_of(const segtex_image *img, segtex_face_result *faces)
{
    segtex_face_models fm = {0};
    segtex_face_tracker *t = NULL;
    segtex_face_tracker_options o = {0};
    int ok = segtex_face_models_load(dir, SEGTEX_DETECTOR_AUTO, 1, NULL, &fm) == SEGTEX_OK;
    o.fallback_detector = fm.fallback;
    ok = ok && segtex_face_tracker_create(fm.detector, fm.landmarker, &o, &t) == SEGTEX_OK &&
         segtex_face_tracker_process(t, img, 0, faces) == SEGTEX_OK;
    segtex_face_tracker_destroy(t);
    segtex_face_models_free(&fm);
    return ok;
}

static float nose_x(const segtex_pose_result *r) { return r->landmarks[SEGTEX_POSE_NOSE][0]; }

/* One photo: every clue on, then each clue alone; `people` poses expected with everything on. */
static void check_photo(const char *name, int people)
{
    segtex_image img = {0}, mask = {0};
    segtex_face_result *faces = calloc(1, sizeof *faces);
    if (!faces || segtex_image_load(test_asset(name), 3, &img) || !person_mask(&img, &mask) || !faces_of(&img, faces)) {
        CHECK(0, "%s: cannot load the photo, its mask or its faces", name);
        goto done;
    }
    segtex_pose_finder *f = NULL;
    CHECK(segtex_pose_finder_create(pm.detector, pm.landmarker, NULL, &f) == SEGTEX_OK, "create");
    if (!f)
        goto done;
    int n = segtex_pose_finder_find(f, &img, faces, &mask, out, SEGTEX_MAX_POSES);
    printf("  %s: %d pose%s (%d face%s)", name, n, n == 1 ? "" : "s", faces->count, faces->count == 1 ? "" : "s");
    for (int i = 0; i < n; i++)
        printf(", nose x %.2f %s", nose_x(&out[i]), out[i].detection_score > 0 ? "(detector)" : "(face or mask)");
    printf("\n");
    CHECK(n == people, "%s: %d poses, expected %d", name, n, people);
    for (int i = n; i < SEGTEX_MAX_POSES; i++)
        CHECK(out[i].count == 0, "%s: result %d past the poses has count %d", name, i, out[i].count);
    for (int i = 0; i < n; i++)
        CHECK(out[i].count == 1 && out[i].score >= 0.5f, "%s: pose %d count %d flag %.2f", name, i, out[i].count,
              out[i].score);
    /* Nothing allocated per image. */
    uint64_t a0 = segtex_alloc_count(), p0 = test_process_allocs();
    int again = segtex_pose_finder_find(f, &img, faces, &mask, out, SEGTEX_MAX_POSES);
    CHECK(segtex_alloc_count() == a0 && test_process_allocs() == p0, "%s: find allocated %llu + %llu times", name,
          (unsigned long long)(segtex_alloc_count() - a0), (unsigned long long)(test_process_allocs() - p0));
    CHECK(again == n, "%s: the same image gives %d then %d poses", name, n, again);
    segtex_pose_finder_destroy(f);
    f = NULL;

    /* Each clue alone (a detector threshold of 1 turns the detector off) finds the same first person. */
    float first = n > 0 ? nose_x(&out[0]) : 0;
    segtex_pose_finder_options off = {1.0f, 0, 0};
    if (segtex_pose_finder_create(pm.detector, pm.landmarker, &off, &f) == SEGTEX_OK) {
        segtex_pose_result *one = &out[0];
        if (faces->count > 0) {
            int k = segtex_pose_finder_find(f, &img, faces, NULL, one, 1);
            CHECK(k == 1 && one->detection_score == 0 && fabsf(nose_x(one) - first) < 0.05f,
                  "%s: from the face alone: %d poses, nose x %.3f (detector's %.3f)", name, k, nose_x(one), first);
        }
        int k = segtex_pose_finder_find(f, &img, NULL, &mask, out, SEGTEX_MAX_POSES);
        CHECK(k >= 1 && k <= people, "%s: from the mask alone: %d poses", name, k);
        CHECK(segtex_pose_finder_find(f, &img, NULL, NULL, out, SEGTEX_MAX_POSES) == 0,
              "%s: no clue at all: no pose", name);
        segtex_pose_finder_destroy(f);
    } else {
        CHECK(0, "create with min_score 1");
    }
done:
    segtex_image_free(&img);
    segtex_image_free(&mask);
    free(faces);
}

static void test_portrait(void) { check_photo("astronaut.png", 1); }

static void test_messi(void)
{
    if (!test_asset("messi5.jpg")) {
        printf("  skipped: messi5.jpg not in $SEGTEX_ASSETS (scripts/fetch-assets.sh --people-samples fetches it)\n");
        return;
    }
    check_photo("messi5.jpg", 1);
}

static void test_two_players(void)
{
    if (!test_asset("basketball1.png")) {
        printf("  skipped: basketball1.png not in $SEGTEX_ASSETS (scripts/fetch-assets.sh --people-samples fetches it)\n");
        return;
    }
    check_photo("basketball1.png", 2);
    /* The first, the detector's, is the left player; the second, from the mask, the right one (his head at x ~0.83). */
    segtex_image img = {0}, mask = {0};
    segtex_pose_finder *f = NULL;
    if (segtex_image_load(test_asset("basketball1.png"), 3, &img) || !person_mask(&img, &mask) ||
        segtex_pose_finder_create(pm.detector, pm.landmarker, NULL, &f)) {
        CHECK(0, "basketball1: setup");
    } else {
        int n = segtex_pose_finder_find(f, &img, NULL, &mask, out, SEGTEX_MAX_POSES);
        CHECK(n == 2 && out[0].detection_score >= 0.5f && nose_x(&out[0]) < 0.3f, "basketball1: left player first");
        CHECK(n == 2 && out[1].detection_score == 0 && nose_x(&out[1]) > 0.7f && nose_x(&out[1]) < 0.95f,
              "basketball1: right player second, nose x %.3f", n == 2 ? nose_x(&out[1]) : -1.0f);
        /* His arm reaches left to the hand at x ~0.72: the pose sees an elbow and a wrist left of his shoulders. */
        const float *w = out[1].landmarks[SEGTEX_POSE_RIGHT_WRIST], *s = out[1].landmarks[SEGTEX_POSE_RIGHT_SHOULDER];
        CHECK(n == 2 && w[0] < s[0] - 0.05f && w[1] > s[1], "basketball1: right player's wrist %.2f,%.2f, shoulder %.2f,%.2f",
              w[0], w[1], s[0], s[1]);
        CHECK(segtex_pose_finder_find(f, &img, NULL, &mask, out, 1) == 1 && nose_x(&out[0]) < 0.3f,
              "basketball1: max_poses 1 keeps the detector's");
    }
    segtex_pose_finder_destroy(f);
    segtex_image_free(&img);
    segtex_image_free(&mask);
}

/* Mirrored, the selfie models half see the man on the left (from behind, cut off by the frame): no mask
 * component of his own; the detector scores him under 0.5, and its weaker detections give him his pose. */
static void test_two_players_mirrored(void)
{
    if (!test_asset("basketball1.png")) {
        printf("  skipped: basketball1.png not in $SEGTEX_ASSETS (scripts/fetch-assets.sh --people-samples fetches it)\n");
        return;
    }
    segtex_image img = {0}, mask = {0};
    segtex_pose_finder *f = NULL;
    if (segtex_image_load(test_asset("basketball1.png"), 3, &img)) {
        CHECK(0, "basketball1: load");
        return;
    }
    for (int y = 0; y < img.height; y++)
        for (int a = 0, b = img.width - 1; a < b; a++, b--)
            for (int k = 0; k < 3; k++) {
                uint8_t *p = img.data + (size_t)y * img.stride, t = p[a * 3 + k];
                p[a * 3 + k] = p[b * 3 + k], p[b * 3 + k] = t;
            }
    if (!person_mask(&img, &mask) || segtex_pose_finder_create(pm.detector, pm.landmarker, NULL, &f)) {
        CHECK(0, "mirrored basketball1: setup");
    } else {
        int n = segtex_pose_finder_find(f, &img, NULL, &mask, out, SEGTEX_MAX_POSES);
        printf("  mirrored basketball1.png: %d poses", n);
        for (int i = 0; i < n; i++)
            printf(", nose x %.2f (detector %.2f)", nose_x(&out[i]), out[i].detection_score);
        printf("\n");
        CHECK(n == 2, "mirrored basketball1: %d poses, expected 2", n);
        CHECK(n == 2 && out[0].detection_score >= 0.5f && nose_x(&out[0]) > 0.7f, "the detector's: the player now right");
        CHECK(n == 2 && out[1].detection_score >= 0.3f && out[1].detection_score < 0.5f && nose_x(&out[1]) > 0.05f &&
                  nose_x(&out[1]) < 0.3f,
              "a weaker detection's: the man now left, nose x %.3f", n == 2 ? nose_x(&out[1]) : -1.0f);
        segtex_pose_finder_destroy(f);
        /* min_score 1 still turns the detector off, its weaker pass too: the mask alone finds the player. */
        segtex_pose_finder_options off = {1.0f, 0, 0};
        f = NULL;
        if (segtex_pose_finder_create(pm.detector, pm.landmarker, &off, &f) == SEGTEX_OK)
            CHECK(segtex_pose_finder_find(f, &img, NULL, NULL, out, SEGTEX_MAX_POSES) == 0,
                  "min_score 1 and no other clue: no pose");
    }
    segtex_pose_finder_destroy(f);
    segtex_image_free(&img);
    segtex_image_free(&mask);
}

/* The middle of two points of a pose, normalized. */
static void mid_of(const segtex_pose_result *r, int a, int b, float *x, float *y)
{
    *x = 0.5f * (r->landmarks[a][0] + r->landmarks[b][0]);
    *y = 0.5f * (r->landmarks[a][1] + r->landmarks[b][1]);
}

/* A tight close-up of the portrait, the face a third to a half of the frame, from its person mask alone (no face
 * found, the pose detector silent): the landmarker shown the component's head reads a small person into it (or
 * none), so the finder tries larger regions until the pose fills the component. Its nose and shoulders must lie
 * where the detector's pose on the same crop has them. */
static void test_closeup_from_mask(void)
{
    static const int crops[][3] = {{164, 81, 121}, {131, 48, 186}}; /* x, y, side in the 512 x 512 portrait */
    segtex_image full = {0}, mask = {0};
    segtex_pose_finder *f = NULL, *blind = NULL;
    segtex_face_result *faces = calloc(1, sizeof *faces);
    segtex_pose_result *ref = calloc(1, sizeof *ref);
    segtex_pose_finder_options off = {1.0f, 0, 0};
    if (!faces || !ref || segtex_image_load(test_asset("astronaut.png"), 3, &full) ||
        segtex_pose_finder_create(pm.detector, pm.landmarker, NULL, &f) ||
        segtex_pose_finder_create(pm.detector, pm.landmarker, &off, &blind)) {
        CHECK(0, "close-up: setup");
        goto done;
    }
    for (size_t c = 0; c < sizeof crops / sizeof crops[0]; c++) {
        const int x = crops[c][0], y = crops[c][1], side = crops[c][2];
        segtex_image img = {full.data + (size_t)y * full.stride + (size_t)x * 3, side, side, 3, full.stride};
        segtex_image_free(&mask);
        if (!person_mask(&img, &mask) || !faces_of(&img, faces)) {
            CHECK(0, "close-up %d: mask or faces", side);
            continue;
        }
        int nr = segtex_pose_finder_find(f, &img, faces, &mask, ref, 1);
        CHECK(nr == 1 && ref->detection_score >= 0.5f, "close-up %d: the detector's pose (%d)", side, nr);
        int n = segtex_pose_finder_find(blind, &img, NULL, &mask, out, SEGTEX_MAX_POSES);
        CHECK(n == 1, "close-up %d: %d poses from the mask alone, expected 1", side, n);
        if (nr != 1 || n != 1)
            continue;
        float rx, ry, bx, by;
        float dn = hypotf(out->landmarks[SEGTEX_POSE_NOSE][0] - ref->landmarks[SEGTEX_POSE_NOSE][0],
                          out->landmarks[SEGTEX_POSE_NOSE][1] - ref->landmarks[SEGTEX_POSE_NOSE][1]);
        mid_of(ref, SEGTEX_POSE_LEFT_SHOULDER, SEGTEX_POSE_RIGHT_SHOULDER, &rx, &ry);
        mid_of(out, SEGTEX_POSE_LEFT_SHOULDER, SEGTEX_POSE_RIGHT_SHOULDER, &bx, &by);
        float rw = fabsf(ref->landmarks[SEGTEX_POSE_LEFT_SHOULDER][0] - ref->landmarks[SEGTEX_POSE_RIGHT_SHOULDER][0]);
        float bw = fabsf(out->landmarks[SEGTEX_POSE_LEFT_SHOULDER][0] - out->landmarks[SEGTEX_POSE_RIGHT_SHOULDER][0]);
        float ds = hypotf(bx - rx, by - ry);
        printf("  close-up %dx%d from the mask: nose %.3f off the detector's, shoulders' middle %.3f off, their width "
               "%.2f (detector's %.2f) of the frame\n",
               side, side, dn, ds, bw, rw);
        CHECK(dn < 0.1f, "close-up %d: nose %.3f of the frame off the detector's", side, dn);
        CHECK(ds < 0.15f, "close-up %d: shoulders' middle %.3f off", side, ds);
        CHECK(bw > 0.6f * rw && bw < rw / 0.6f, "close-up %d: shoulders %.2f wide, the detector's %.2f", side, bw, rw);
    }
done:
    segtex_pose_finder_destroy(f);
    segtex_pose_finder_destroy(blind);
    segtex_image_free(&full);
    segtex_image_free(&mask);
    free(faces);
    free(ref);
}

static void test_rejects(void)
{
    segtex_set_log(test_log_capture, NULL, SEGTEX_LOG_DEBUG);
    segtex_pose_finder *f = (segtex_pose_finder *)1;
    static const segtex_pose_finder_options bad[] = {{-0.1f, 0, 0}, {1.5f, 0, 0}, {NAN, 0, 0}, {0, -1, 0},
                                                     {0, 2, 0},     {0, NAN, 0},  {0, 0, -0.5f}, {0, 0, 1.5f},
                                                     {0, 0, NAN}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        test_log_reset();
        f = (segtex_pose_finder *)1;
        CHECK(segtex_pose_finder_create(pm.detector, pm.landmarker, &bad[i], &f) == SEGTEX_ERROR_INVALID_ARGUMENT &&
                  !f && test_log.errors == 1,
              "options %zu rejected with one line: %s", i, test_log.line);
    }
    test_log_reset();
    CHECK(segtex_pose_finder_create(NULL, pm.landmarker, NULL, &f) == SEGTEX_ERROR_INVALID_ARGUMENT && !f &&
              test_log.errors == 1,
          "no detector");
    segtex_pose_finder_destroy(NULL);
    if (segtex_pose_finder_create(pm.detector, pm.landmarker, NULL, &f) == SEGTEX_OK) {
        uint8_t px[12] = {0};
        segtex_image img = {px, 2, 2, 3, 6}, none = {0}, narrow = {px, 4, 1, 3, 6};
        int counts[] = {0, SEGTEX_MAX_POSES + 1, -1};
        for (size_t i = 0; i < 3; i++) {
            test_log_reset();
            CHECK(segtex_pose_finder_find(f, &img, NULL, NULL, out, counts[i]) == SEGTEX_ERROR_INVALID_ARGUMENT &&
                      test_log.errors == 1,
                  "max_poses %d rejected", counts[i]);
        }
        test_log_reset();
        CHECK(segtex_pose_finder_find(f, &none, NULL, NULL, out, 1) == SEGTEX_ERROR_INVALID_ARGUMENT &&
                  test_log.errors == 1,
              "an empty image is rejected");
        test_log_reset();
        CHECK(segtex_pose_finder_find(f, &img, NULL, &narrow, out, 1) == SEGTEX_ERROR_INVALID_ARGUMENT &&
                  test_log.errors == 1,
              "a mask whose stride is short of its width is rejected");
        test_log_reset();
        CHECK(segtex_pose_finder_find(f, &img, NULL, NULL, NULL, 1) == SEGTEX_ERROR_INVALID_ARGUMENT,
              "no output is rejected");
        /* A tiny image and a 1x1 mask are fine: no pose. */
        uint8_t one = 255;
        segtex_image m1 = {&one, 1, 1, 1, 1};
        CHECK(segtex_pose_finder_find(f, &img, NULL, &m1, out, SEGTEX_MAX_POSES) >= 0, "a 1x1 mask");
        segtex_pose_finder_destroy(f);
    }
    segtex_set_log(segtex_log_stderr, NULL, SEGTEX_LOG_WARNING);
}

int main(void)
{
    const char *a = test_asset("pose_detection.tflite");
    CHECK(a && test_asset("pose_landmark_lite.tflite") && test_asset("astronaut.png") &&
              test_asset("selfie_segmentation.tflite") && test_asset("face_detection_short_range.tflite"),
          "pose, selfie or face models or the portrait missing ($SEGTEX_ASSETS)");
    if (test_checks_failed)
        return test_summary();
    static char dirbuf[4096];
    snprintf(dirbuf, sizeof dirbuf, "%s", a);
    *strrchr(dirbuf, '/') = 0;
    dir = dirbuf;
    out = calloc(SEGTEX_MAX_POSES, sizeof *out);
    if (!out || segtex_pose_models_load(dir, 0, NULL, &pm)) {
        printf("cannot load the pose models\n");
        return 1;
    }
    RUN(test_rejects);
    RUN(test_portrait);
    RUN(test_messi);
    RUN(test_two_players);
    RUN(test_two_players_mirrored);
    RUN(test_closeup_from_mask);
    segtex_pose_models_free(&pm);
    free(out);
    return test_summary();
}
