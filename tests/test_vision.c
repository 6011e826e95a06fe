/*
 * Face detection, landmarks, tracking and segmentation on the real portrait
 * (astronaut.png 512x512: face about x 175..275, y 75..185, eyes at y ~110,
 * hair above and beside the face, orange suit below, wall and rocket behind).
 */
#include "harness.h"
#include "segtex/io.h"
#include "segtex/pipeline.h"
#include "segtex/vision.h"
#include "vision/face_mesh_tables.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static segtex_image portrait;
static segtex_threadpool *pool;
static segtex_model_options mo;
static segtex_face_detector *det_short, *det_full;
static segtex_face_landmarker *lm_attention;
static char models_dir[4096];

static segtex_image view(int x, int y, int w, int h)
{
    segtex_image v = portrait;
    v.data = portrait.data + y * portrait.stride + x * 3;
    v.width = w;
    v.height = h;
    return v;
}

static void check_detection(const char *what, const segtex_face_detection *d, int ox, int oy, int w, int h)
{
    /* back to portrait pixels */
    float cx = (d->box[0] + d->box[2] / 2) * w + ox, cy = (d->box[1] + d->box[3] / 2) * h + oy;
    CHECK(d->score > 0.75f, "%s: score %.3f", what, d->score);
    CHECK(cx > 195 && cx < 255 && cy > 100 && cy < 165, "%s: box centre (%.0f,%.0f) not on the face", what, cx, cy);
    CHECK(d->box[2] * w > 70 && d->box[2] * w < 150, "%s: box width %.0f px", what, d->box[2] * w);
    float rex = d->keypoints[SEGTEX_KEYPOINT_RIGHT_EYE][0] * w + ox, rey = d->keypoints[SEGTEX_KEYPOINT_RIGHT_EYE][1] * h + oy;
    float lex = d->keypoints[SEGTEX_KEYPOINT_LEFT_EYE][0] * w + ox, ley = d->keypoints[SEGTEX_KEYPOINT_LEFT_EYE][1] * h + oy;
    CHECK(rex < lex && fabsf(rey - 108) < 15 && fabsf(ley - 108) < 15, "%s: eyes (%.0f,%.0f) (%.0f,%.0f)", what, rex,
          rey, lex, ley);
}

static void detector_finds_the_face(void)
{
    segtex_face_detection d[4];
    segtex_face_detector *dets[2] = {det_short, det_full};
    for (int k = 0; k < 2; k++) {
        int n = segtex_face_detector_detect(dets[k], &portrait, 0, d, 4);
        CHECK(n == 1, "%s: %d faces on the portrait, expected 1", k ? "full" : "short", n);
        if (n >= 1)
            check_detection(k ? "full range" : "short range", &d[0], 0, 0, 512, 512);
    }
    /* A wide crop (letterboxed top and bottom): the letterbox must be undone. */
    segtex_image wide = view(0, 40, 512, 220);
    int n = segtex_face_detector_detect(det_short, &wide, 0, d, 4);
    CHECK(n == 1, "%d faces on the wide crop", n);
    if (n >= 1)
        check_detection("wide crop", &d[0], 0, 40, 512, 220);
    /* A tall crop (letterboxed left and right). */
    segtex_image tall = view(150, 0, 160, 400);
    n = segtex_face_detector_detect(det_short, &tall, 0, d, 4);
    CHECK(n == 1, "%d faces on the tall crop", n);
    if (n >= 1)
        check_detection("tall crop", &d[0], 150, 0, 160, 400);
    /* No face on the wall and the rocket. */
    segtex_image wall = view(320, 0, 192, 192);
    n = segtex_face_detector_detect(det_short, &wall, 0, d, 4);
    CHECK(n == 0, "%d faces on the wall", n);
}

static int in_poly(const segtex_face_landmarks *lm, const uint16_t *idx, int n, float x, float y)
{
    int in = 0;
    for (int i = 0, j = n - 1; i < n; j = i++) {
        float xi = lm->xyz[idx[i]][0], yi = lm->xyz[idx[i]][1], xj = lm->xyz[idx[j]][0], yj = lm->xyz[idx[j]][1];
        if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
            in = !in;
    }
    return in;
}

static void landmarks_from_a_detection(void)
{
    segtex_face_detection d;
    CHECK(segtex_face_detector_detect(det_short, &portrait, 0, &d, 1) == 1, "detect");
    segtex_roi roi = segtex_roi_from_detection(&d, 512, 512);
    CHECK(fabsf(roi.rotation) < 0.35f, "upright face: ROI rotation %.3f rad", roi.rotation);
    CHECK(roi.size > 1.4f * d.box[2] * 512 && roi.size < 1.6f * fmaxf(d.box[2], d.box[3]) * 512, "ROI side %.0f", roi.size);
    static segtex_face_landmarks lm;
    CHECK(segtex_face_landmarker_process(lm_attention, &portrait, &roi, &lm) == SEGTEX_OK, "landmarks");
    CHECK(lm.count == 478, "%d landmarks", lm.count);
    CHECK(lm.presence > 0.9f, "presence %.3f", lm.presence);
    int in_box = 0;
    for (int i = 0; i < lm.count; i++) {
        float x = lm.xyz[i][0] * 512, y = lm.xyz[i][1] * 512;
        in_box += x > 150 && x < 300 && y > 50 && y < 210;
    }
    CHECK(in_box == 478, "%d of 478 landmarks around the face", in_box);
    /* The subject's right eye corner (33) is on the image's left of the left one (263); nose tip (1) between. */
    CHECK(lm.xyz[33][0] < lm.xyz[1][0] && lm.xyz[1][0] < lm.xyz[263][0], "eye corners and nose out of order");
    /* Iris centres inside their eyes (468: subject's right eye, 473: left). */
    CHECK(in_poly(&lm, segtex_mesh_right_eye, SEGTEX_MESH_EYE_CONTOUR_COUNT, lm.xyz[468][0], lm.xyz[468][1]),
          "iris 468 not inside the subject's right eye");
    CHECK(in_poly(&lm, segtex_mesh_left_eye, SEGTEX_MESH_EYE_CONTOUR_COUNT, lm.xyz[473][0], lm.xyz[473][1]),
          "iris 473 not inside the subject's left eye");
    /* Iris z is the mean z of its eye contour, and z is in x's scale (the face is ~0.2 wide: |z| < 0.2). */
    float z = 0;
    for (int i = 0; i < segtex_mesh_left_iris_z_avg_count; i++)
        z += lm.xyz[segtex_mesh_left_iris_z_avg[i]][2];
    CHECK_NEAR(lm.xyz[468][2], z / segtex_mesh_left_iris_z_avg_count, 1e-6);
    float zmax = 0;
    for (int i = 0; i < lm.count; i++)
        zmax = fmaxf(zmax, fabsf(lm.xyz[i][2]));
    CHECK(zmax > 0.005f && zmax < 0.2f, "max |z| %.4f", zmax);
}

/*
 * Rotating the image by 90 degrees and the ROI with it rotates the landmarks
 * with it: the warp and the projection back agree on the rotation.
 * (BlazeFace itself is trained on upright faces; tracking follows rotated
 * ones through the landmark ROI.)
 */
static void landmarks_follow_a_rotated_roi(void)
{
    segtex_image rot;
    CHECK(segtex_image_alloc(&rot, 512, 512, 3) == SEGTEX_OK, "alloc");
    /* rot pixel (x, y) shows portrait pixel (y, 511 - x): portrait point (X, Y) is at rot (512 - Y, X). */
    for (int y = 0; y < 512; y++)
        for (int x = 0; x < 512; x++)
            memcpy(rot.data + y * rot.stride + x * 3, portrait.data + (511 - x) * portrait.stride + y * 3, 3);
    segtex_face_detection d0;
    static segtex_face_landmarks a, b;
    CHECK(segtex_face_detector_detect(det_short, &portrait, 0, &d0, 1) == 1, "detect upright");
    segtex_roi r0 = segtex_roi_from_detection(&d0, 512, 512);
    segtex_roi r1 = {512 - r0.cy, r0.cx, r0.size, r0.rotation + 1.5707963f};
    segtex_face_landmarker_process(lm_attention, &portrait, &r0, &a);
    segtex_face_landmarker_process(lm_attention, &rot, &r1, &b);
    CHECK(b.presence > 0.9f, "presence on the rotated face %.3f", b.presence);
    double worst = 0;
    for (int i = 0; i < 478; i++) {
        float px = a.xyz[i][0] * 512, py = a.xyz[i][1] * 512;
        float qx = b.xyz[i][0] * 512, qy = b.xyz[i][1] * 512;
        worst = fmax(worst, fmax(fabs(qx - (512 - py)), fabs(qy - px)));
    }
    CHECK(worst < 1.0, "a landmark lands %.2f px from where the rotation puts it", worst);
    /* From those landmarks, the next frame's ROI is turned a quarter turn too. */
    segtex_roi n0 = segtex_roi_from_landmarks(&a, 512, 512), n1 = segtex_roi_from_landmarks(&b, 512, 512);
    CHECK(fabsf(n1.rotation - n0.rotation - 1.5707963f) < 0.01f, "landmark ROI turned by %.3f rad",
          n1.rotation - n0.rotation);
    CHECK(fabsf(n1.cx - (512 - n0.cy)) < 1 && fabsf(n1.cy - n0.cx) < 1, "landmark ROI centre");
    segtex_image_free(&rot);
}

static void tracker_skips_detection_while_tracking(void)
{
    segtex_face_tracker *t = NULL;
    segtex_face_tracker_options o = {0};
    o.video = 1;
    CHECK(segtex_face_tracker_create(det_short, lm_attention, &o, &t) == SEGTEX_OK, "tracker");
    static segtex_face_result r;
    segtex_image wall = view(320, 0, 192, 192);
    CHECK(segtex_face_tracker_process(t, &portrait, 0.0, &r) == SEGTEX_OK, "frame 0");
    CHECK(r.count == 1 && r.detected == 1, "frame 0: %d faces, detected %d", r.count, r.detected);
    CHECK(r.detection[0].score > 0.75f, "frame 0: detection kept with the face");
    uint64_t a0 = segtex_alloc_count(), p0 = test_process_allocs();
    for (int f = 1; f <= 3; f++) {
        CHECK(segtex_face_tracker_process(t, &portrait, f / 30.0, &r) == SEGTEX_OK, "frame %d", f);
        CHECK(r.count == 1 && r.detected == 0, "frame %d: %d faces, detector ran %d (should be skipped)", f, r.count,
              r.detected);
    }
    CHECK(segtex_alloc_count() == a0 && test_process_allocs() == p0, "tracking allocated %llu + %llu times",
          (unsigned long long)(segtex_alloc_count() - a0), (unsigned long long)(test_process_allocs() - p0));
    /* The face leaves: lost, and the detector runs again on the next frames. */
    CHECK(segtex_face_tracker_process(t, &wall, 4 / 30.0, &r) == SEGTEX_OK, "wall");
    CHECK(r.count == 0 && r.detected == 1, "wall: %d faces, detected %d", r.count, r.detected);
    CHECK(segtex_face_tracker_process(t, &portrait, 5 / 30.0, &r) == SEGTEX_OK, "back");
    CHECK(r.count == 1 && r.detected == 1, "face back: %d faces, detected %d", r.count, r.detected);
    segtex_face_tracker_destroy(t);

    /* Image mode: every frame is detected afresh. */
    o.video = 0;
    CHECK(segtex_face_tracker_create(det_short, lm_attention, &o, &t) == SEGTEX_OK, "tracker");
    for (int f = 0; f < 2; f++) {
        segtex_face_tracker_process(t, &portrait, 0, &r);
        CHECK(r.count == 1 && r.detected == 1, "image mode frame %d: detected %d", f, r.detected);
    }
    segtex_face_tracker_destroy(t);
}

/* A pose with only its face points (0..10: nose, eyes, ears, mouth), normalized, each with its visibility. */
static void face_pose(segtex_pose_result *r, const float pts[11][3])
{
    memset(r, 0, sizeof *r);
    r->count = 1;
    for (int i = 0; i < 11; i++)
        r->landmarks[i][0] = pts[i][0], r->landmarks[i][1] = pts[i][1], r->landmarks[i][3] = pts[i][2];
}

static void face_roi_from_pose(void)
{
    /* Level eyes (the right eye at the image's left): no rotation; centre of the points' box; 2.5 x its longer side. */
    static const float level[11][3] = {{50, 50, 1}, {46, 45, 1}, {45, 45, 1}, {44, 45, 1}, {54, 45, 1}, {55, 45, 1},
                                       {56, 45, 1}, {40, 47, 1}, {60, 47, 1}, {47, 56, 1}, {53, 56, 1}};
    float pts[11][3];
    for (int i = 0; i < 11; i++) /* the right eye (5) left of the left eye (2): swap to the subject's sides */
        pts[i][0] = (100 - level[i][0]) / 100, pts[i][1] = level[i][1] / 100, pts[i][2] = level[i][2];
    static segtex_pose_result r;
    face_pose(&r, (const float(*)[3])pts);
    segtex_roi roi = {1, 2, 3, 4};
    CHECK(segtex_face_roi_from_pose(&r, 100, 100, &roi) == 1, "nose seen: a ROI");
    CHECK_NEAR(roi.rotation, 0, 1e-5);
    CHECK_NEAR(roi.cx, 50, 1e-3);
    CHECK_NEAR(roi.cy, 50.5f, 1e-3);
    CHECK_NEAR(roi.size, 50, 1e-3); /* ears 20 apart, eyes to mouth 11: 2.5 x 20 */
    /* The head tilted: the eyes' line at 30 degrees in the image, the left eye higher: rotation -30 degrees
     * (MediaPipe's: minus the angle of the right-eye-to-left-eye vector, y up). */
    float c = cosf(0.5236f), sn = sinf(0.5236f);
    for (int i = 0; i < 11; i++) {
        float x = pts[i][0] - 0.5f, y = pts[i][1] - 0.5f;
        pts[i][0] = 0.5f + x * c + y * sn, pts[i][1] = 0.5f - x * sn + y * c;
    }
    face_pose(&r, (const float(*)[3])pts);
    segtex_face_roi_from_pose(&r, 100, 100, &roi);
    CHECK_NEAR(roi.rotation, -0.5236f, 1e-4);
    pts[0][2] = 0.3f;
    face_pose(&r, (const float(*)[3])pts);
    roi.cx = -1;
    CHECK(segtex_face_roi_from_pose(&r, 100, 100, &roi) == 0 && roi.cx == -1, "nose unseen: no ROI, *out kept");
}

/*
 * The detector within a ROI. The turned portrait (a quarter clockwise, the head pointing right) seen through the
 * ROI that turns it back is the upright portrait, pixel for pixel: the detection there is the upright one's, its
 * keypoints and box carried into the turned image's pixels. Through a smaller ROI around the face (the face box
 * x 3, as Holistic looks for a face around a pose's) the face is found again near its eyes and nose. A ROI that
 * is not a finite square of positive size is refused.
 */
static void detector_within_a_roi(void)
{
    segtex_face_detection up[4], d[4];
    CHECK(segtex_face_detector_detect(det_short, &portrait, 0, up, 4) == 1, "the upright portrait's face");
    /* the whole portrait, and its top 400 rows (a frame not square: x and y each by their own side) */
    for (int i = 0; i < 2; i++) {
        const segtex_image src = view(0, 0, 512, i == 0 ? 512 : 400);
        const int W = src.width, H = src.height;
        segtex_image turned = {0};
        CHECK(segtex_image_alloc(&turned, H, W, 3) == SEGTEX_OK, "alloc");
        if (!turned.data)
            return;
        for (int y = 0; y < H; y++) /* clockwise: pixel (x, y) -> (H - 1 - y, x), a point (X, Y) -> (H - Y, X) */
            for (int x = 0; x < W; x++)
                memcpy(turned.data + x * turned.stride + (H - 1 - y) * 3, src.data + y * src.stride + x * 3, 3);
        const float fx = (up[0].box[0] + up[0].box[2] / 2) * 512, fy = (up[0].box[1] + up[0].box[3] / 2) * 512;
        const segtex_roi roi = i == 0 ? (segtex_roi){H - 0.5f * H, 0.5f * W, (float)W, 1.5707963f}
                                      : (segtex_roi){H - fy, fx, 3 * up[0].box[2] * 512, 1.5707963f};
        uint64_t before = test_process_allocs();
        int n = segtex_face_detector_detect_roi(det_short, &turned, &roi, 0, d, 4);
        CHECK(test_process_allocs() == before, "the detector within a ROI allocated");
        CHECK(n == 1, "ROI %d: %d faces, expected 1", i, n);
        if (n == 1) {
            const float tol = i == 0 ? 1.0f : 8.0f; /* the same pixels, or the face seen larger (up to 5.6 px off) */
            CHECK(fabsf(d[0].score - up[0].score) < (i == 0 ? 0.01f : 0.1f), "ROI %d: score %.3f, upright %.3f", i,
                  d[0].score, up[0].score);
            for (int k = 0; k < (i == 0 ? SEGTEX_KEYPOINT_COUNT : SEGTEX_KEYPOINT_RIGHT_EAR); k++) {
                float ex = H - up[0].keypoints[k][1] * 512, ey = up[0].keypoints[k][0] * 512;
                float gx = d[0].keypoints[k][0] * turned.width, gy = d[0].keypoints[k][1] * turned.height;
                CHECK(hypotf(gx - ex, gy - ey) < tol,
                      "ROI %d: keypoint %d at (%.1f, %.1f), the turned upright one at (%.1f, %.1f)", i, k, gx, gy, ex,
                      ey);
            }
            /* the box: upright around the turned one (its x from the upright box's y, its width the upright height) */
            float bx = H - (up[0].box[1] + up[0].box[3]) * 512, by = up[0].box[0] * 512;
            float gx = d[0].box[0] * turned.width, gy = d[0].box[1] * turned.height;
            float gw = d[0].box[2] * turned.width, gh = d[0].box[3] * turned.height;
            const float btol = i == 0 ? 1.0f : 12.0f; /* seen larger, its box drawn 8 % wider (7.6 px) */
            CHECK(fabsf(gx - bx) < btol && fabsf(gy - by) < btol && fabsf(gw - up[0].box[3] * 512) < btol &&
                      fabsf(gh - up[0].box[2] * 512) < btol,
                  "ROI %d: box (%.1f, %.1f) %.1f x %.1f, the turned upright one (%.1f, %.1f) %.1f x %.1f", i, gx, gy,
                  gw, gh, bx, by, up[0].box[3] * 512, up[0].box[2] * 512);
        }
        segtex_roi bad[3] = {{256, 256, 0, 0}, {256, 256, NAN, 0}, {INFINITY, 256, 100, 0}};
        for (int b = 0; i == 0 && b < 3; b++)
            CHECK(segtex_face_detector_detect_roi(det_short, &turned, &bad[b], 0, d, 4) ==
                      SEGTEX_ERROR_INVALID_ARGUMENT,
                  "bad ROI %d accepted", b);
        segtex_image_free(&turned);
    }
}

/* The ROI of a detection's keypoints (Holistic's): their box x 2, a tenth of its height up the face, turned. */
static void roi_from_detection_keypoints(void)
{
    segtex_face_detection d = {0};
    static const float kp[SEGTEX_KEYPOINT_COUNT][2] = {{40, 40}, {60, 40}, {50, 50}, {50, 60}, {30, 45}, {70, 45}};
    for (int k = 0; k < SEGTEX_KEYPOINT_COUNT; k++)
        d.keypoints[k][0] = kp[k][0] / 100, d.keypoints[k][1] = kp[k][1] / 100;
    segtex_roi r = segtex_roi_from_detection_keypoints(&d, 100, 100);
    CHECK_NEAR(r.rotation, 0, 1e-5);
    CHECK_NEAR(r.size, 80, 1e-3); /* box 40 x 20 */
    CHECK_NEAR(r.cx, 50, 1e-3);
    CHECK_NEAR(r.cy, 48, 1e-3); /* 50 - 0.1 x 20 */
    /* turned a quarter clockwise in the image (the face's down is the image's -x): the shift goes along it, a tenth
     * of the upright box's height (MediaPipe's RectTransformation: the box of the image, 20 x 40, not the face's) */
    for (int k = 0; k < SEGTEX_KEYPOINT_COUNT; k++)
        d.keypoints[k][0] = (100 - kp[k][1]) / 100, d.keypoints[k][1] = kp[k][0] / 100;
    r = segtex_roi_from_detection_keypoints(&d, 100, 100);
    CHECK_NEAR(r.rotation, 1.5707963f, 1e-4);
    CHECK_NEAR(r.size, 80, 1e-3);
    CHECK_NEAR(r.cx, 54, 1e-3);
    CHECK_NEAR(r.cy, 50, 1e-3);
    /* the upright face on a 200 x 100 frame: the box 160 x 20 pixels, each side by its own axis */
    for (int k = 0; k < SEGTEX_KEYPOINT_COUNT; k++)
        d.keypoints[k][0] = kp[k][0] / 50, d.keypoints[k][1] = kp[k][1] / 100;
    r = segtex_roi_from_detection_keypoints(&d, 200, 100);
    CHECK_NEAR(r.rotation, 0, 1e-5);
    CHECK_NEAR(r.size, 320, 1e-3);
    CHECK_NEAR(r.cx, 200, 1e-3);
    CHECK_NEAR(r.cy, 48, 1e-3);
}

static void mirror(segtex_image *img)
{
    for (int y = 0; y < img->height; y++)
        for (int x = 0; x < img->width / 2; x++)
            for (int k = 0; k < 3; k++) {
                uint8_t *a = img->data + y * img->stride + x * 3 + k,
                        *b = img->data + y * img->stride + (img->width - 1 - x) * 3 + k, t = *a;
                *a = *b, *b = t;
            }
}

/*
 * messi5 mirrored: his 33-pixel face is found by neither face detector; his pose (as `segtex pose` gives it on the
 * mirrored photo) shows where it is, and the landmarker finds it there. The cameraman's profile (mirrored) is
 * found the same way: the composite places a turned mesh's skull and neck behind it.
 */
static void faces_from_poses(void)
{
    static char mpath[4096]; /* test_asset's answer lasts until its next call */
    const char *m = test_asset("messi5.jpg");
    if (m)
        snprintf(mpath, sizeof mpath, "%s", m);
    const char *cpath = m ? test_asset("camera.png") : NULL;
    if (!m || !cpath) {
        printf("skip   messi5.jpg or camera.png absent (scripts/fetch-assets.sh --people-samples)\n");
        return;
    }
    static const float messi_m[11][3] = {
        {0.5441f, 0.3358f, 1}, {0.5543f, 0.3134f, 1}, {0.5617f, 0.3140f, 1}, {0.5680f, 0.3143f, 1},
        {0.5419f, 0.3102f, 1}, {0.5388f, 0.3085f, 1}, {0.5363f, 0.3069f, 1}, {0.5847f, 0.3173f, 1},
        {0.5344f, 0.3052f, 1}, {0.5545f, 0.3580f, 1}, {0.5392f, 0.3510f, 1}};
    static const float camera_m[11][3] = {
        {0.5143f, 0.3332f, 1}, {0.5195f, 0.2986f, 1}, {0.5296f, 0.2944f, 1}, {0.5407f, 0.2903f, 1},
        {0.5090f, 0.2999f, 1}, {0.5071f, 0.2988f, 1}, {0.5069f, 0.2969f, 1}, {0.6047f, 0.2775f, 1},
        {0.5418f, 0.2882f, 1}, {0.5496f, 0.3529f, 1}, {0.5317f, 0.3544f, 1}};
    segtex_image img = {0}, cam = {0};
    CHECK(segtex_image_load(mpath, 3, &img) == SEGTEX_OK && segtex_image_load(cpath, 3, &cam) == SEGTEX_OK, "load");
    mirror(&img);
    mirror(&cam);
    static segtex_face_detection dets[4];
    int ns = segtex_face_detector_detect(det_short, &img, 0, dets, 4), nf = segtex_face_detector_detect(det_full, &img, 0, dets, 4);
    CHECK(ns == 0 && nf == 0, "messi5 mirrored: neither detector finds the face (short %d, full %d)", ns, nf);
    segtex_face_tracker *t = NULL;
    CHECK(segtex_face_tracker_create(det_short, lm_attention, NULL, &t) == SEGTEX_OK, "tracker");
    static segtex_face_result r;
    static segtex_pose_result poses[2];
    CHECK(segtex_face_tracker_process(t, &img, 0, &r) == SEGTEX_OK && r.count == 0, "no face (got %d)", r.count);
    face_pose(&poses[0], messi_m);
    face_pose(&poses[1], messi_m);
    for (int i = 0; i < 11; i++) /* the second: the same face points moved onto the grass */
        poses[1].landmarks[i][1] += 0.5f;
    uint64_t before = test_process_allocs();
    CHECK(segtex_face_tracker_add_from_poses(t, &img, poses, 2, &r) == SEGTEX_OK, "add from poses");
    uint64_t allocs = test_process_allocs() - before;
    CHECK(allocs == 0, "faces from poses made %llu allocations", (unsigned long long)allocs);
    CHECK(r.count == 1, "his face found, nothing on the grass (got %d)", r.count);
    if (r.count == 1) {
        const segtex_face_landmarks *f = &r.faces[0];
        float nx = f->xyz[1][0] * img.width, ny = f->xyz[1][1] * img.height;
        CHECK(f->presence >= 0.5f && r.detection[0].score == 0, "presence %g, no detection", f->presence);
        CHECK(hypotf(nx - 0.5441f * img.width, ny - 0.3358f * img.height) < 8,
              "nose tip at (%.0f, %.0f), the pose's at (%.0f, %.0f)", nx, ny, 0.5441f * img.width,
              0.3358f * img.height);
    }
    CHECK(segtex_face_tracker_add_from_poses(t, &img, poses, 1, &r) == SEGTEX_OK && r.count == 1,
          "no duplicate (got %d)", r.count);
    memset(&r, 0, sizeof r);
    face_pose(&poses[0], camera_m);
    CHECK(segtex_face_tracker_add_from_poses(t, &cam, poses, 1, &r) == SEGTEX_OK && r.count == 1,
          "the cameraman's profile is found (got %d)", r.count);
    if (r.count == 1) {
        float nx = r.faces[0].xyz[1][0] * cam.width, ny = r.faces[0].xyz[1][1] * cam.height;
        CHECK(hypotf(nx - camera_m[0][0] * cam.width, ny - camera_m[0][1] * cam.height) < 12,
              "his nose tip at (%.0f, %.0f), the pose's at (%.0f, %.0f)", nx, ny, camera_m[0][0] * cam.width,
              camera_m[0][1] * cam.height);
    }
    segtex_face_tracker_destroy(t);
    segtex_image_free(&img);
    segtex_image_free(&cam);
}

/*
 * receding.jpg: the face from his pose lies where the face detector's lies. Holistic's way (the detector within
 * the pose's face region x 3, the landmarker on the ROI of its keypoints) puts the mesh 0.028 face widths from
 * the detected face's on average; the landmarker on the pose's region alone (the way before it, still taken when
 * the detector finds no face there) put it 0.042 off. The floor is between the two.
 */
static void face_from_pose_as_detected(void)
{
    const char *path = test_asset("receding.jpg");
    if (!path) {
        printf("skip   receding.jpg absent (scripts/fetch-assets.sh --people-samples)\n");
        return;
    }
    /* his pose's face points, as `segtex segment --segmenter composite` finds them */
    static const float pts[11][3] = {
        {0.4510f, 0.6453f, 1}, {0.4656f, 0.5392f, 1}, {0.4865f, 0.5370f, 1}, {0.5074f, 0.5354f, 1},
        {0.3901f, 0.5391f, 1}, {0.3501f, 0.5350f, 1}, {0.3015f, 0.5296f, 1}, {0.4978f, 0.5632f, 1},
        {0.2066f, 0.5507f, 1}, {0.4783f, 0.7478f, 0.97f}, {0.3864f, 0.7474f, 0.97f}};
    segtex_image img = {0};
    CHECK(segtex_image_load(path, 3, &img) == SEGTEX_OK, "load");
    segtex_face_tracker *t = NULL;
    CHECK(segtex_face_tracker_create(det_short, lm_attention, NULL, &t) == SEGTEX_OK, "tracker");
    static segtex_face_result det, fromp;
    static segtex_pose_result pose;
    face_pose(&pose, pts);
    CHECK(segtex_face_tracker_process(t, &img, 0, &det) == SEGTEX_OK && det.count == 1, "his face detected");
    memset(&fromp, 0, sizeof fromp);
    uint64_t before = test_process_allocs();
    CHECK(segtex_face_tracker_add_from_poses(t, &img, &pose, 1, &fromp) == SEGTEX_OK && fromp.count == 1,
          "his face from the pose (got %d)", fromp.count);
    CHECK(test_process_allocs() == before, "faces from poses allocated");
    if (det.count == 1 && fromp.count == 1) {
        const segtex_face_landmarks *a = &det.faces[0], *b = &fromp.faces[0];
        float x0 = INFINITY, x1 = -INFINITY;
        double sum = 0;
        for (int i = 0; i < SEGTEX_FACE_MESH_POINTS; i++) {
            x0 = fminf(x0, a->xyz[i][0] * img.width), x1 = fmaxf(x1, a->xyz[i][0] * img.width);
            sum += hypotf((a->xyz[i][0] - b->xyz[i][0]) * img.width, (a->xyz[i][1] - b->xyz[i][1]) * img.height);
        }
        float off = (float)(sum / SEGTEX_FACE_MESH_POINTS) / (x1 - x0);
        printf("  receding: the mesh from his pose %.3f face widths from the detected one\n", off);
        CHECK(off < 0.035f, "the mesh from his pose is %.3f face widths from the detected one", off);
        CHECK(fromp.detection[0].score == 0, "a face from a pose has no detection of its own");
    }
    segtex_face_tracker_destroy(t);
    segtex_image_free(&img);
}

/* Jitter: frames alternate between two 2-pixel-shifted views; smoothing damps the landmark jumps. */
static void smoothing_damps_jitter(void)
{
    double jump[2] = {0, 0};
    for (int video = 0; video < 2; video++) {
        segtex_face_tracker *t = NULL;
        segtex_face_tracker_options o = {0};
        o.video = video;
        segtex_face_tracker_create(det_short, lm_attention, &o, &t);
        static segtex_face_result r;
        float prev = 0;
        for (int f = 0; f < 24; f++) {
            segtex_image v = view(f % 2 ? 2 : 0, 0, 500, 512);
            segtex_face_tracker_process(t, &v, f / 30.0, &r);
            if (r.count != 1)
                continue;
            float x = r.faces[0].xyz[1][0] * 500; /* nose tip in frame pixels: raw, it jumps 2 px a frame */
            if (f >= 8)
                jump[video] += fabsf(x - prev);
            prev = x;
        }
        segtex_face_tracker_destroy(t);
    }
    CHECK(jump[0] > 0, "no jitter measured");
    CHECK(jump[1] < 0.5 * jump[0], "smoothed jitter %.2f px is not below half the raw %.2f px", jump[1], jump[0]);
}

static int category_at(const segtex_seg_result *r, int x, int y)
{
    return segtex_seg_result_sample(r, (x + 0.5f) / 512.0f, (y + 0.5f) / 512.0f, NULL);
}

static void composite_segmenter_categories(void)
{
    segtex_segmenter *s = NULL;
    segtex_segmenter_options so = {SEGTEX_SEGMENTER_AUTO, models_dir, mo, 0};
    CHECK(segtex_segmenter_create(&so, &s) == SEGTEX_OK, "segmenter");
    if (!s)
        return;
    if (!test_asset("selfie_multiclass_256x256.tflite"))
        CHECK(segtex_segmenter_kind_in_use(s) == SEGTEX_SEGMENTER_COMPOSITE, "auto without the multiclass model: %s",
              segtex_segmenter_kind_name(segtex_segmenter_kind_in_use(s)));
    segtex_seg_result r;
    CHECK(segtex_seg_result_alloc(&r, segtex_segmenter_max_pixels(s)) == SEGTEX_OK, "result");
    segtex_face_tracker *t = NULL;
    segtex_face_tracker_create(det_short, lm_attention, NULL, &t);
    static segtex_face_result faces;
    segtex_face_tracker_process(t, &portrait, 0, &faces);
    uint64_t a0 = segtex_alloc_count(), p0 = test_process_allocs();
    CHECK(segtex_segmenter_process(s, &portrait, &(segtex_people){&faces, NULL, NULL, 0}, &r) == SEGTEX_OK, "process");
    CHECK(segtex_alloc_count() == a0 && test_process_allocs() == p0, "segmenting allocated");
    CHECK(r.width == 256 && r.height == 256, "square model for a square image: %dx%d", r.width, r.height);
    static const struct { int x, y, cat; const char *what; } probes[] = {
        {225, 30, 1, "crown of the head"}, {165, 80, 1, "hair left"}, {280, 80, 1, "hair right"},
        {225, 130, 3, "cheek/nose"}, {240, 160, 3, "chin side"}, {225, 145, 3, "lips (face skin, as MediaPipe's)"},
        {100, 380, 4, "suit"}, {300, 330, 4, "suit right"}, {330, 80, 0, "wall"}, {470, 40, 0, "wall top right"},
        {400, 150, 0, "rocket"},
    };
    for (size_t k = 0; k < sizeof probes / sizeof probes[0]; k++) {
        int c = category_at(&r, probes[k].x, probes[k].y);
        CHECK(c == probes[k].cat, "%s (%d,%d): category %d, expected %d", probes[k].what, probes[k].x, probes[k].y, c,
              probes[k].cat);
    }
    /* Probabilities sum to 1 and the map is their argmax. */
    int bad = 0;
    for (int i = 0; i < r.width * r.height; i++) {
        float sum = 0;
        int best = 0;
        for (int c = 0; c < 6; c++) {
            sum += r.prob[i * 6 + c];
            best = r.prob[i * 6 + c] > r.prob[i * 6 + best] ? c : best;
        }
        bad += fabsf(sum - 1) > 1e-4f || best != r.category[i];
    }
    CHECK(bad == 0, "%d pixels whose probabilities do not sum to 1 or whose category is not their argmax", bad);
    /* Without a face the composite has no face skin and no hair, only person colours. */
    CHECK(segtex_segmenter_process(s, &portrait, NULL, &r) == SEGTEX_OK, "no faces");
    int face = 0;
    for (int i = 0; i < r.width * r.height; i++)
        face += r.category[i] == 3 || r.category[i] == 1;
    CHECK(face == 0, "%d face/hair pixels without a face", face);
    /* A landscape frame: the composite answers on the square model's 256x256 grid (it fuses both models). */
    segtex_image wide = view(0, 100, 512, 288);
    CHECK(segtex_segmenter_process(s, &wide, NULL, &r) == SEGTEX_OK && r.width == 256 && r.height == 256,
          "landscape: %dx%d", r.width, r.height);
    segtex_face_tracker_destroy(t);
    segtex_seg_result_free(&r);
    segtex_segmenter_destroy(s);
}

static void person_segmenter_and_errors(void)
{
    segtex_segmenter *s = NULL;
    segtex_segmenter_options so = {SEGTEX_SEGMENTER_PERSON, models_dir, mo, 0};
    CHECK(segtex_segmenter_create(&so, &s) == SEGTEX_OK, "person segmenter");
    segtex_seg_result r;
    segtex_seg_result_alloc(&r, segtex_segmenter_max_pixels(s));
    segtex_segmenter_process(s, &portrait, NULL, &r);
    int other = 0;
    for (int i = 0; i < r.width * r.height; i++)
        other += r.category[i] != 0 && r.category[i] != 4;
    CHECK(other == 0, "person segmenter produced %d pixels of other categories", other);
    CHECK(category_at(&r, 225, 130) == 4 && category_at(&r, 330, 80) == 0, "person/background at face and wall");
    segtex_seg_result_free(&r);
    segtex_segmenter_destroy(s);
    /* Missing files are errors that name them. */
    so.models_dir = "/nonexistent";
    CHECK(segtex_segmenter_create(&so, &s) != SEGTEX_OK && s == NULL, "missing models accepted");
    so.kind = SEGTEX_SEGMENTER_MULTICLASS;
    so.models_dir = models_dir;
    if (!test_asset("selfie_multiclass_256x256.tflite"))
        CHECK(segtex_segmenter_create(&so, &s) == SEGTEX_ERROR_IO && s == NULL, "multiclass without its model");
}

/* The person share of a person segmenter's result on `img`, and its grid's size. */
static float person_share_of(segtex_segmenter *s, segtex_seg_result *r, const segtex_image *img)
{
    if (segtex_segmenter_process(s, img, NULL, r) != SEGTEX_OK || r->width < 1)
        return -1.0f;
    int person = 0;
    for (int i = 0; i < r->width * r->height; i++)
        person += r->category[i] == SEGTEX_CATEGORY_CLOTHES;
    return (float)person / (float)(r->width * r->height);
}

/*
 * The person segmenter on a 4:3 photo of two far, full bodies (basketball1, when fetched): the landscape model,
 * which it picks from 4:3 up, finds nobody there (mirrored, 93 of its 36,864 pixels), and it then runs the square one
 * and takes the one finding more, as the composite does without poses. Before, the mask was empty (background
 * 100 %); the square model holds the right player whole and the left one's top. The result stays on the landscape
 * grid (a frame's shape alone sets its size, so video keeps its temporal blend and its renderer's configuration).
 */
static void person_segmenter_far_bodies(void)
{
    const char *path = test_asset("basketball1.png");
    segtex_image img = {0};
    if (!path || segtex_image_load(path, 3, &img)) {
        printf("  skipped: basketball1.png not in $SEGTEX_ASSETS (scripts/fetch-assets.sh --people-samples)\n");
        return;
    }
    segtex_segmenter *s = NULL;
    segtex_segmenter_options so = {SEGTEX_SEGMENTER_PERSON, models_dir, mo, 0};
    segtex_seg_result r = {0};
    CHECK(segtex_segmenter_create(&so, &s) == SEGTEX_OK &&
              segtex_seg_result_alloc(&r, segtex_segmenter_max_pixels(s)) == SEGTEX_OK,
          "person segmenter");
    float share = s ? person_share_of(s, &r, &img) : -1.0f;
    printf("  basketball1: person %.1f %% of a %dx%d mask\n", 100.0 * share, r.width, r.height);
    CHECK(share > 0.1f, "basketball1: the person segmenter finds %.1f %% person (two players)", 100.0 * share);
    CHECK(r.width == 256 && r.height == 144, "basketball1: a %dx%d grid, want the landscape model's 256x144", r.width,
          r.height);
    /* the right player's shirt and head, and the wall between the two (image pixels of 640x480) */
    const float pts[3][2] = {{560, 250}, {567, 75}, {300, 200}};
    const int want[3] = {SEGTEX_CATEGORY_CLOTHES, SEGTEX_CATEGORY_CLOTHES, SEGTEX_CATEGORY_BACKGROUND};
    for (int k = 0; k < 3 && share >= 0; k++) {
        int got = segtex_seg_result_sample(&r, (pts[k][0] + 0.5f) / 640.0f, (pts[k][1] + 0.5f) / 480.0f, NULL);
        CHECK(got == want[k], "basketball1 at (%.0f, %.0f): category %d, want %d", pts[k][0], pts[k][1], got, want[k]);
    }
    /* Mirrored, the landscape mask is not empty but nearly (a few dozen pixels): the square one's is taken. */
    for (int y = 0; y < img.height; y++)
        for (int x = 0; x < img.width / 2; x++)
            for (int c = 0; c < 3; c++) {
                uint8_t *a = img.data + (size_t)y * img.stride + (size_t)x * 3 + c,
                        *b = img.data + (size_t)y * img.stride + (size_t)(img.width - 1 - x) * 3 + c, t = *a;
                *a = *b, *b = t;
            }
    share = s ? person_share_of(s, &r, &img) : -1.0f;
    printf("  basketball1 mirrored: person %.1f %% of a %dx%d mask\n", 100.0 * share, r.width, r.height);
    CHECK(share > 0.1f, "basketball1 mirrored: the person segmenter finds %.1f %% person", 100.0 * share);
    segtex_seg_result_free(&r);
    segtex_segmenter_destroy(s);
    segtex_image_free(&img);
}

/* Temporal blending: confident pixels take the new frame at once, uncertain ones keep some of the old. */
static void temporal_smoothing(void)
{
    segtex_segmenter *plain = NULL, *smooth = NULL;
    segtex_segmenter_options so = {SEGTEX_SEGMENTER_PERSON, models_dir, mo, 0};
    segtex_segmenter_create(&so, &plain);
    so.temporal = 1;
    segtex_segmenter_create(&so, &smooth);
    segtex_seg_result a, b;
    segtex_seg_result_alloc(&a, segtex_segmenter_max_pixels(plain));
    segtex_seg_result_alloc(&b, segtex_segmenter_max_pixels(plain));
    segtex_image left = view(0, 0, 400, 400), right = view(100, 0, 400, 400);
    segtex_segmenter_process(smooth, &left, NULL, &b); /* previous frame */
    segtex_segmenter_process(smooth, &right, NULL, &b);
    segtex_segmenter_process(plain, &right, NULL, &a);
    int confident_same = 1, uncertain_changed = 0;
    for (int i = 0; i < a.width * a.height; i++) {
        float p = a.prob[i * 6 + 4];
        if (p > 0.999f || p < 0.001f)
            confident_same &= fabsf(b.prob[i * 6 + 4] - p) < 2e-3f;
        else if (fabsf(b.prob[i * 6 + 4] - p) > 1e-3f)
            uncertain_changed++;
    }
    CHECK(confident_same, "confident pixels were blended");
    CHECK(uncertain_changed > 0, "no uncertain pixel kept anything of the previous frame");
    segtex_seg_result_free(&a);
    segtex_seg_result_free(&b);
    segtex_segmenter_destroy(plain);
    segtex_segmenter_destroy(smooth);
}

static void sample_is_bilinear_then_argmax(void)
{
    segtex_seg_result r;
    CHECK(segtex_seg_result_alloc(&r, 4) == SEGTEX_OK, "alloc");
    r.width = 2, r.height = 2;
    memset(r.prob, 0, 4 * 6 * sizeof(float));
    r.prob[0 * 6 + 1] = 1; /* (0,0) hair */
    r.prob[1 * 6 + 2] = 1; /* (1,0) body skin */
    r.prob[2 * 6 + 1] = 1; /* (0,1) hair */
    r.prob[3 * 6 + 2] = 1; /* (1,1) body skin */
    float p[6];
    CHECK(segtex_seg_result_sample(&r, 0.25f, 0.25f, p) == 1 && p[1] == 1.0f, "pixel centre (0,0)");
    CHECK(segtex_seg_result_sample(&r, 0.6f, 0.5f, p) == 2, "right of the middle");
    CHECK_NEAR(p[1], 0.3, 1e-5);
    CHECK_NEAR(p[2], 0.7, 1e-5);
    segtex_seg_result_free(&r);
}

int main(void)
{
    const char *path = test_asset("astronaut.png");
    CHECK(path != NULL, "astronaut.png missing");
    if (!path || segtex_image_load(path, 3, &portrait))
        return test_summary();
    const char *dir = getenv("SEGTEX_ASSETS");
    snprintf(models_dir, sizeof models_dir, "%s", dir ? dir : "assets");
    segtex_threadpool_create(2, &pool);
    mo.backend = SEGTEX_BACKEND_AUTO;
    mo.pool = pool;
    char p[4200];
    snprintf(p, sizeof p, "%s/face_detection_short_range.tflite", models_dir);
    CHECK(segtex_face_detector_create(p, &mo, &det_short) == SEGTEX_OK, "short range detector");
    snprintf(p, sizeof p, "%s/face_detection_full_range.tflite", models_dir);
    CHECK(segtex_face_detector_create(p, &mo, &det_full) == SEGTEX_OK, "full range detector");
    snprintf(p, sizeof p, "%s/face_landmark_with_attention.tflite", models_dir);
    CHECK(segtex_face_landmarker_create(p, &mo, &lm_attention) == SEGTEX_OK, "landmarker");
    if (det_short && det_full && lm_attention) {
        RUN(detector_finds_the_face);
        RUN(landmarks_from_a_detection);
        RUN(landmarks_follow_a_rotated_roi);
        RUN(tracker_skips_detection_while_tracking);
        RUN(detector_within_a_roi);
        RUN(faces_from_poses);
        RUN(face_from_pose_as_detected);
        RUN(smoothing_damps_jitter);
        RUN(composite_segmenter_categories);
        RUN(person_segmenter_and_errors);
        RUN(person_segmenter_far_bodies);
        RUN(temporal_smoothing);
    }
    RUN(sample_is_bilinear_then_argmax);
    RUN(face_roi_from_pose);
    RUN(roi_from_detection_keypoints);
    segtex_face_landmarker_destroy(lm_attention);
    segtex_face_detector_destroy(det_short);
    segtex_face_detector_destroy(det_full);
    segtex_threadpool_destroy(pool);
    segtex_image_free(&portrait);
    return test_summary();
}
