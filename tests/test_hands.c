/*
 * MediaPipe Hands in segtex: the palm decoder and NMS on hand-computed raw
 * outputs, the hand ROIs (hand-computed, and equivariant under mirror and
 * rotation), both backends on the models' raw outputs, the tracker on the
 * portrait (no hand) and on the hand sample (hand.jpg, fetched with
 * scripts/fetch-assets.sh --hand-sample; its checks skip when absent), and
 * zero allocations per processed frame.
 */
#include "harness.h"
#include "segtex/io.h"
#include "segtex/vision.h"
#include "vision/palm_decode.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI_F 3.14159265358979f

static float wrap(float a) { return a - 2.0f * PI_F * floorf((a + PI_F) / (2.0f * PI_F)); }

static void test_anchors(void)
{
    static float a[PALM_NUM_ANCHORS + 8][2];
    int n = palm_anchors(a, PALM_NUM_ANCHORS + 8);
    CHECK(n == 2016, "2016 anchors (24x24x2 + 12x12x6), got %d", n);
    CHECK_NEAR(a[0][0], 0.5 / 24, 1e-7);
    CHECK_NEAR(a[1][0], 0.5 / 24, 1e-7); /* two anchors per cell at stride 8 */
    CHECK_NEAR(a[2][0], 1.5 / 24, 1e-7);
    CHECK_NEAR(a[48][1], 1.5 / 24, 1e-7); /* second row */
    CHECK_NEAR(a[1152][0], 0.5 / 12, 1e-7);
    CHECK_NEAR(a[1157][0], 0.5 / 12, 1e-7); /* six per cell at stride 16 */
    CHECK_NEAR(a[1158][0], 1.5 / 12, 1e-7);
    CHECK_NEAR(a[2015][0], 11.5 / 12, 1e-7);
    CHECK_NEAR(a[2015][1], 11.5 / 12, 1e-7);
}

static float boxes[PALM_NUM_ANCHORS * PALM_VALUES], scores[PALM_NUM_ANCHORS];
static float anchors[PALM_NUM_ANCHORS][2];
static palm_candidate cand[PALM_NUM_ANCHORS];
static unsigned char used[PALM_NUM_ANCHORS];

static void set_box(int i, float logit, float dx, float dy, float w, float h)
{
    float *r = boxes + i * PALM_VALUES;
    r[0] = dx, r[1] = dy, r[2] = w, r[3] = h;
    for (int k = 0; k < SEGTEX_PALM_KEYPOINTS; k++)
        r[4 + 2 * k] = dx + (float)k, r[5 + 2 * k] = dy - (float)k;
    scores[i] = logit;
}

static void test_decode_nms(void)
{
    palm_anchors(anchors, PALM_NUM_ANCHORS);
    memset(boxes, 0, sizeof boxes);
    for (int i = 0; i < PALM_NUM_ANCHORS; i++)
        scores[i] = -50.0f;
    /* Anchor 1152 + 6*(12*5+5) is the stride-16 cell (5,5): centre (5.5/12, 5.5/12) = 88 px. */
    int a = 1152 + 6 * (12 * 5 + 5);
    set_box(a, 2.0f, 0, 0, 38.4f, 38.4f);      /* score 0.880797, box 68.8..107.2 px */
    set_box(a + 1, 0.0f, 4, 0, 38.4f, 38.4f);  /* score 0.5, shifted 4 px: IoU 0.81 -> merged */
    set_box(a + 2, -0.1f, 0, 0, 38.4f, 38.4f); /* score 0.475 < 0.5: dropped */
    int b = 2 * (24 * 20 + 20);                /* stride-8 cell (20,20): 164 px */
    set_box(b, 1.0f, 0, 0, 19.2f, 19.2f);      /* score 0.731, far away: a second palm */
    set_box(b + 1, 500.0f, 0, 0, -1, 5);       /* clipped to 100, but an empty box: skipped */
    segtex_fit_info fit = {1, 1, 0, 0};
    segtex_palm_detection out[3];
    int n = palm_decode(boxes, scores, (const float (*)[2])anchors, PALM_NUM_ANCHORS, 0.5f, &fit, 192, 192, cand,
                        used, out, 3);
    CHECK(n == 2, "two palms after NMS, got %d", n);
    if (n != 2)
        return;
    float s1 = 1 / (1 + expf(-2.0f)), s2 = 0.5f;
    CHECK_NEAR(out[0].score, s1, 1e-6);
    /* Weighted mean of the two boxes: xmin = (68.8 s1 + 72.8 s2) / (s1 + s2). */
    CHECK_NEAR(out[0].box[0] * 192, (68.8 * s1 + 72.8 * s2) / (s1 + s2), 1e-3);
    CHECK_NEAR(out[0].box[1] * 192, 68.8, 1e-3);
    CHECK_NEAR(out[0].box[2] * 192, 38.4, 1e-3);
    CHECK_NEAR(out[0].keypoints[3][0] * 192, 88 + 3 + 4 * s2 / (s1 + s2), 1e-3);
    CHECK_NEAR(out[0].keypoints[3][1] * 192, 88 - 3, 1e-3);
    CHECK_NEAR(out[1].score, 1 / (1 + expf(-1.0f)), 1e-6);
    CHECK_NEAR(out[1].box[0] * 192, 164 - 9.6, 1e-3);
    /* max_out 1 keeps the best only. */
    CHECK(palm_decode(boxes, scores, (const float (*)[2])anchors, PALM_NUM_ANCHORS, 0.5f, &fit, 192, 192, cand, used,
                      out, 1) == 1, "max_out 1");
    /* Letterbox removal: a 384x192 image sits at scale 0.5, 48 px from the top of the tensor. */
    segtex_fit_info lb = {0.5f, 0.5f, 0, 48};
    n = palm_decode(boxes, scores, (const float (*)[2])anchors, PALM_NUM_ANCHORS, 0.5f, &lb, 384, 192, cand, used,
                    out, 3);
    CHECK(n == 2, "letterboxed: two palms");
    CHECK_NEAR(out[1].box[0] * 384, (164 - 9.6) / 0.5, 1e-2);
    CHECK_NEAR(out[1].box[1] * 192, (164 - 9.6 - 48) / 0.5, 1e-2);
    CHECK_NEAR(out[1].box[3] * 192, 19.2 / 0.5, 1e-2);
    /* A higher threshold drops the second palm. */
    n = palm_decode(boxes, scores, (const float (*)[2])anchors, PALM_NUM_ANCHORS, 0.8f, &fit, 192, 192, cand, used,
                    out, 3);
    CHECK(n == 1, "min score 0.8: one palm, got %d", n);
}

static segtex_palm_detection palm(float cx, float cy, float w, float h, float x0, float y0, float x2, float y2)
{
    segtex_palm_detection p = {0.9f, {cx - w / 2, cy - h / 2, w, h}, {{0}}};
    p.keypoints[0][0] = x0, p.keypoints[0][1] = y0, p.keypoints[2][0] = x2, p.keypoints[2][1] = y2;
    return p;
}

static void test_roi_from_palm(void)
{
    /* Fingers up: no rotation; shifted half the box height towards the fingers; x2.6. */
    segtex_palm_detection p = palm(0.5f, 0.5f, 0.2f, 0.2f, 0.5f, 0.6f, 0.5f, 0.4f);
    segtex_roi r = segtex_hand_roi_from_palm(&p, 100, 100);
    CHECK_NEAR(r.rotation, 0, 1e-6);
    CHECK_NEAR(r.cx, 50, 1e-4);
    CHECK_NEAR(r.cy, 40, 1e-4);
    CHECK_NEAR(r.size, 52, 1e-4);
    /* Fingers to the right: rotation +90 degrees, shifted right. */
    p = palm(0.5f, 0.5f, 0.2f, 0.2f, 0.4f, 0.5f, 0.6f, 0.5f);
    r = segtex_hand_roi_from_palm(&p, 100, 100);
    CHECK_NEAR(r.rotation, PI_F / 2, 1e-6);
    CHECK_NEAR(r.cx, 60, 1e-4);
    CHECK_NEAR(r.cy, 50, 1e-4);
    /* A non-square image: the longer side in pixels; rotation measured in pixels. */
    p = palm(0.5f, 0.5f, 0.1f, 0.2f, 0.45f, 0.5f, 0.55f, 0.3f); /* 20x20 px box in 200x100, 45 degrees */
    r = segtex_hand_roi_from_palm(&p, 200, 100);
    CHECK_NEAR(r.size, 52, 1e-3);
    CHECK_NEAR(r.rotation, PI_F / 4, 1e-5);
    /* Mirror: centre mirrored, rotation negated, size kept. The box is square in pixels (96 px in
     * 640x480), as the detector's are: the shift follows the box's height, so a 90-degree turn of a
     * non-square box would move it differently (in MediaPipe too). */
    segtex_palm_detection q = palm(0.37f, 0.61f, 0.15f, 0.2f, 0.33f, 0.7f, 0.41f, 0.52f);
    segtex_palm_detection m = q;
    m.box[0] = 1 - (q.box[0] + q.box[2]);
    for (int k = 0; k < SEGTEX_PALM_KEYPOINTS; k++)
        m.keypoints[k][0] = 1 - q.keypoints[k][0];
    segtex_roi a = segtex_hand_roi_from_palm(&q, 640, 480), b = segtex_hand_roi_from_palm(&m, 640, 480);
    CHECK_NEAR(b.cx, 640 - a.cx, 1e-3);
    CHECK_NEAR(b.cy, a.cy, 1e-3);
    CHECK_NEAR(b.size, a.size, 1e-3);
    CHECK_NEAR(wrap(a.rotation + b.rotation), 0, 1e-5);
    /* 90 degrees (x, y) -> (H - y, x) of a W x H image: centre rotated, rotation + 90 degrees. */
    segtex_palm_detection t = q;
    t.box[0] = 1 - (q.box[1] + q.box[3]), t.box[1] = q.box[0], t.box[2] = q.box[3], t.box[3] = q.box[2];
    for (int k = 0; k < SEGTEX_PALM_KEYPOINTS; k++)
        t.keypoints[k][0] = 1 - q.keypoints[k][1], t.keypoints[k][1] = q.keypoints[k][0];
    b = segtex_hand_roi_from_palm(&t, 480, 640);
    CHECK_NEAR(b.cx, 480 - a.cy, 1e-3);
    CHECK_NEAR(b.cy, a.cx, 1e-3);
    CHECK_NEAR(b.size, a.size, 1e-3);
    CHECK_NEAR(wrap(b.rotation - a.rotation - PI_F / 2), 0, 1e-5);
}

/* A pose seeing one hand: wrist, pinky and index (normalized), the rest unseen. */
static segtex_pose_result hand_pose(int side, float wx, float wy, float px, float py, float ix, float iy, float vis)
{
    segtex_pose_result r;
    memset(&r, 0, sizeof r);
    r.count = 1;
    const int w = side ? SEGTEX_POSE_RIGHT_WRIST : SEGTEX_POSE_LEFT_WRIST,
              p = side ? SEGTEX_POSE_RIGHT_PINKY : SEGTEX_POSE_LEFT_PINKY,
              i = side ? SEGTEX_POSE_RIGHT_INDEX : SEGTEX_POSE_LEFT_INDEX;
    r.landmarks[w][0] = wx, r.landmarks[w][1] = wy, r.landmarks[w][3] = vis;
    r.landmarks[p][0] = px, r.landmarks[p][1] = py, r.landmarks[p][3] = vis;
    r.landmarks[i][0] = ix, r.landmarks[i][1] = iy, r.landmarks[i][3] = vis;
    return r;
}

static void test_roi_from_pose(void)
{
    /* Fingers up: the knuckle (2 index + pinky) / 3 = (50, 40), 20 px from the wrist: box 40, shifted
     * 0.1 of it on towards the fingertips, x 2.7. */
    segtex_pose_result q = hand_pose(0, 0.5f, 0.6f, 0.5f, 0.4f, 0.5f, 0.4f, 0.9f);
    segtex_roi r = {1, 2, 3, 4};
    CHECK(segtex_hand_roi_from_pose(&q, 0, 100, 100, &r) == 1, "left wrist seen");
    CHECK_NEAR(r.rotation, 0, 1e-6);
    CHECK_NEAR(r.cx, 50, 1e-4);
    CHECK_NEAR(r.cy, 36, 1e-4);
    CHECK_NEAR(r.size, 108, 1e-3);
    CHECK(segtex_hand_roi_from_pose(&q, 1, 100, 100, &r) == 0 && r.cx == 50, "the right wrist unseen: 0, ROI kept");
    /* Fingers to the right, index above the pinky: the knuckle two thirds of the way to the index,
     * (50, 49), so the hand points a little up (rotation just under 90 degrees) and the shift follows it. */
    q = hand_pose(1, 0.3f, 0.5f, 0.5f, 0.53f, 0.5f, 0.47f, 0.9f);
    CHECK(segtex_hand_roi_from_pose(&q, 1, 100, 100, &r) == 1, "right wrist seen");
    float rot = PI_F / 2 - atan2f(1.0f, 20.0f), box = 2 * hypotf(20, 1);
    CHECK_NEAR(r.rotation, rot, 1e-5);
    CHECK_NEAR(r.cx, 50 + 0.1f * box * sinf(rot), 1e-3);
    CHECK_NEAR(r.cy, 49 - 0.1f * box * cosf(rot), 1e-3);
    CHECK_NEAR(r.size, 2.7f * box, 1e-3);
    /* Under MediaPipe's visibility of 0.5 (a wrist the pose guesses behind the body): not looked at. */
    q = hand_pose(0, 0.5f, 0.6f, 0.5f, 0.4f, 0.5f, 0.4f, 0.45f);
    CHECK(segtex_hand_roi_from_pose(&q, 0, 100, 100, &r) == 0, "visibility 0.45: no ROI");
    /* Wrist on the knuckles (a degenerate pose): no ROI rather than an empty one. */
    q = hand_pose(0, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.9f);
    CHECK(segtex_hand_roi_from_pose(&q, 0, 100, 100, &r) == 0, "no extent: no ROI");
    /* Mirror: centre mirrored, rotation negated. */
    q = hand_pose(0, 0.37f, 0.61f, 0.33f, 0.52f, 0.41f, 0.5f, 0.9f);
    segtex_pose_result m = hand_pose(0, 0.63f, 0.61f, 0.67f, 0.52f, 0.59f, 0.5f, 0.9f);
    segtex_roi a, b;
    segtex_hand_roi_from_pose(&q, 0, 640, 480, &a);
    segtex_hand_roi_from_pose(&m, 0, 640, 480, &b);
    CHECK_NEAR(b.cx, 640 - a.cx, 1e-3);
    CHECK_NEAR(b.cy, a.cy, 1e-3);
    CHECK_NEAR(b.size, a.size, 1e-3);
    CHECK_NEAR(wrap(a.rotation + b.rotation), 0, 1e-5);
}

static void test_roi_from_landmarks(void)
{
    /* The MCP/PIP subset in a 20x40 px box, the wrist at the bottom, fingers up. */
    segtex_hand_landmarks h = {0};
    static const int subset[] = {0, 1, 2, 3, 5, 6, 9, 10, 13, 14, 17, 18};
    for (int i = 0; i < SEGTEX_HAND_POINTS; i++)
        h.xyz[i][0] = 0.5f, h.xyz[i][1] = 0.6f; /* fingertips etc.: ignored unless in the subset */
    h.xyz[4][0] = 0.99f, h.xyz[8][1] = 0.01f;    /* tips far out: must not matter */
    for (size_t k = 0; k < sizeof subset / sizeof subset[0]; k++)
        h.xyz[subset[k]][0] = 0.5f, h.xyz[subset[k]][1] = 0.6f;
    h.xyz[0][1] = 0.8f;                          /* wrist */
    h.xyz[1][0] = 0.4f, h.xyz[17][0] = 0.6f;     /* width 20 px */
    h.xyz[5][1] = h.xyz[9][1] = h.xyz[13][1] = 0.4f;
    segtex_roi r = segtex_hand_roi_from_landmarks(&h, 100, 100);
    CHECK_NEAR(r.rotation, 0, 1e-6);
    CHECK_NEAR(r.cx, 50, 1e-4);
    CHECK_NEAR(r.cy, 60 - 4, 1e-4); /* box centre 60, shifted by -0.1 x 40 */
    CHECK_NEAR(r.size, 80, 1e-4);   /* longer side 40 x 2 */
    /* Equivariance on a real-looking hand (arbitrary points): mirror, and rotation by 20 degrees about a point. */
    uint32_t seed = 7;
    for (int i = 0; i < SEGTEX_HAND_POINTS; i++)
        h.xyz[i][0] = test_randf(&seed, 0.3f, 0.6f), h.xyz[i][1] = test_randf(&seed, 0.3f, 0.5f);
    h.xyz[0][0] = 0.45f, h.xyz[0][1] = 0.7f;
    const int W = 640, H = 480;
    segtex_roi a = segtex_hand_roi_from_landmarks(&h, W, H);
    segtex_hand_landmarks m = h;
    for (int i = 0; i < SEGTEX_HAND_POINTS; i++)
        m.xyz[i][0] = 1 - h.xyz[i][0];
    segtex_roi b = segtex_hand_roi_from_landmarks(&m, W, H);
    CHECK_NEAR(b.cx, W - a.cx, 1e-3);
    CHECK_NEAR(b.cy, a.cy, 1e-3);
    CHECK_NEAR(b.size, a.size, 1e-3);
    CHECK_NEAR(wrap(a.rotation + b.rotation), 0, 1e-5);
    float th = 20 * PI_F / 180, c = cosf(th), s = sinf(th), ox = 300, oy = 200;
    for (int i = 0; i < SEGTEX_HAND_POINTS; i++) {
        float x = h.xyz[i][0] * W - ox, y = h.xyz[i][1] * H - oy;
        m.xyz[i][0] = (ox + x * c - y * s) / W, m.xyz[i][1] = (oy + x * s + y * c) / H;
    }
    b = segtex_hand_roi_from_landmarks(&m, W, H);
    float ex = ox + (a.cx - ox) * c - (a.cy - oy) * s, ey = oy + (a.cx - ox) * s + (a.cy - oy) * c;
    CHECK_NEAR(b.cx, ex, 1e-2);
    CHECK_NEAR(b.cy, ey, 1e-2);
    CHECK_NEAR(b.size, a.size, 1e-2);
    CHECK_NEAR(wrap(b.rotation - a.rotation - th), 0, 1e-5);
}

/* Run one model on one backend with `input` and return its outputs concatenated in `out`. */
static int run_model(const char *path, segtex_backend be, const float *input, float *out, int cap)
{
    segtex_model_options mo = {be, NULL};
    segtex_model *m = NULL;
    if (segtex_model_load(path, &mo, &m))
        return -1;
    segtex_tensor_info in;
    segtex_model_input(m, 0, &in);
    memcpy(in.data, input, sizeof(float) * (size_t)in.count);
    int n = -1;
    if (!segtex_model_invoke(m)) {
        n = 0;
        for (int i = 0; i < segtex_model_output_count(m); i++) {
            segtex_tensor_info t;
            segtex_model_output(m, i, &t);
            for (int k = 0; k < (int)t.count && n < cap; k++)
                out[n++] = ((const float *)t.data)[k];
        }
    }
    segtex_model_destroy(m);
    return n;
}

static void test_backends_agree(void)
{
    if (!segtex_backend_available(SEGTEX_BACKEND_XNNPACK)) {
        printf("skip   XNNPACK not in this build\n");
        return;
    }
    const char *portrait = test_asset("astronaut.png");
    if (!portrait) {
        printf("skip   astronaut.png absent\n");
        return;
    }
    segtex_image img = {0};
    CHECK(segtex_image_load(portrait, 3, &img) == SEGTEX_OK, "portrait loads");
    static float input[224 * 224 * 3], ref[2016 * 19], xnn[2016 * 19];
    static const struct { const char *name; int size; } models[] = {
        {"palm_detection_full.tflite", 192}, {"palm_detection_lite.tflite", 192},
        {"hand_landmark_full.tflite", 224},  {"hand_landmark_lite.tflite", 224},
    };
    for (size_t k = 0; k < sizeof models / sizeof models[0]; k++) {
        const char *path = test_asset(models[k].name);
        if (!path) {
            printf("skip   %s absent\n", models[k].name);
            continue;
        }
        /* The landmark models see the portrait's lower right quarter (her arm and the helmet). */
        segtex_image view = img;
        if (models[k].size == 224)
            view.data += (ptrdiff_t)(img.height / 2) * img.stride + (img.width / 2) * 3, view.width /= 2,
                view.height /= 2;
        segtex_image_to_tensor(&view, input, models[k].size, models[k].size, SEGTEX_FIT_LETTERBOX, 0, 1, NULL);
        int n = run_model(path, SEGTEX_BACKEND_REF, input, ref, 2016 * 19);
        int m = run_model(path, SEGTEX_BACKEND_XNNPACK, input, xnn, 2016 * 19);
        CHECK(n > 0 && n == m, "%s: both backends ran (%d, %d values)", models[k].name, n, m);
        double worst = 0, scale = 0;
        for (int i = 0; i < n && n == m; i++) {
            worst = fmax(worst, fabs(ref[i] - xnn[i]));
            scale = fmax(scale, fabs(ref[i]));
        }
        /* Float32 kernels summing in different orders: within 1e-3 of the largest output. */
        CHECK(worst <= 1e-3 * fmax(scale, 1.0), "%s: backends differ by %g (outputs up to %g)", models[k].name, worst,
              scale);
        printf("       %s: %d values, max |ref - xnnpack| %.3g (max |value| %.3g)\n", models[k].name, n, worst, scale);
    }
    segtex_image_free(&img);
}

static segtex_hand_models models;
static segtex_hand_result res;

static void check_points(const segtex_hand_result *r, int w, int h, const char *what)
{
    for (int i = 0; i < r->count; i++)
        for (int p = 0; p < SEGTEX_HAND_POINTS; p++) {
            const float *q = r->hands[i].xyz[p];
            int ok = isfinite(q[0]) && isfinite(q[1]) && isfinite(q[2]) && q[0] > -0.25f && q[0] < 1.25f &&
                     q[1] > -0.25f && q[1] < 1.25f;
            CHECK(ok, "%s: hand %d point %d (%g, %g, %g) finite and near the %dx%d image", what, i, p, q[0], q[1],
                  q[2], w, h);
            CHECK(isfinite(r->hands[i].world[p][0]) && fabsf(r->hands[i].world[p][0]) < 0.5f,
                  "%s: world point finite, in metres", what);
        }
}

static void test_portrait(void)
{
    const char *path = test_asset("astronaut.png");
    if (!path || !models.detector) {
        printf("skip   astronaut.png or the hand models absent\n");
        return;
    }
    segtex_image img = {0};
    segtex_image_load(path, 3, &img);
    segtex_hand_tracker *t = NULL;
    CHECK(segtex_hand_tracker_create(models.detector, models.landmarker, NULL, &t) == SEGTEX_OK, "tracker");
    CHECK(segtex_hand_tracker_process(t, &img, 0, &res) == SEGTEX_OK, "process");
    /* Her gloved hand at the bottom left is cut by the frame: MediaPipe's 0.5 threshold finds no palm. */
    CHECK(res.count == 0 && res.detected == 1, "portrait: no hand (got %d), detector ran", res.count);
    check_points(&res, img.width, img.height, "portrait");
    /* At a low threshold the detector's best guesses still give finite, in-image points. */
    segtex_hand_tracker_destroy(t);
    segtex_hand_tracker_options o = {.min_score = 0.05f, .min_presence = 1e-6f};
    CHECK(segtex_hand_tracker_create(models.detector, models.landmarker, &o, &t) == SEGTEX_OK, "tracker");
    CHECK(segtex_hand_tracker_process(t, &img, 0, &res) == SEGTEX_OK, "process");
    CHECK(res.count >= 1, "portrait, min score 0.05: some candidate (got %d)", res.count);
    check_points(&res, img.width, img.height, "portrait (low threshold)");
    segtex_hand_tracker_destroy(t);
    segtex_image_free(&img);
}

static void test_hand_photo(void)
{
    const char *path = test_asset("hand.jpg");
    if (!path || !models.detector) {
        printf("skip   hand.jpg absent (scripts/fetch-assets.sh --hand-sample fetches it)\n");
        return;
    }
    segtex_image img = {0};
    segtex_image_load(path, 3, &img);
    segtex_hand_tracker *t = NULL;
    CHECK(segtex_hand_tracker_create(models.detector, models.landmarker, NULL, &t) == SEGTEX_OK, "tracker");
    CHECK(segtex_hand_tracker_process(t, &img, 0, &res) == SEGTEX_OK, "process");
    CHECK(res.count == 1, "hand.jpg: one hand (got %d)", res.count);
    if (res.count == 1) {
        const segtex_hand_landmarks *h = &res.hands[0];
        check_points(&res, img.width, img.height, "hand.jpg");
        CHECK(res.palm[0].score > 0.9f, "palm score %g", res.palm[0].score);
        CHECK(h->presence > 0.9f, "presence %g", h->presence);
        /* An open left hand, palm to the camera, unmirrored: MediaPipe (which assumes a selfie) says "Right". */
        CHECK(h->right == 1 && h->handedness_score > 0.6f, "handedness Right, got %s %g", h->right ? "Right" : "Left",
              h->handedness_score);
        /* The wrist at the left edge, the fingers pointing right, the thumb at the top. */
        CHECK(h->xyz[0][0] < 0.1f && h->xyz[0][1] > 0.4f && h->xyz[0][1] < 0.7f, "wrist (%g, %g)", h->xyz[0][0],
              h->xyz[0][1]);
        for (int tip = 8; tip <= 20; tip += 4)
            CHECK(h->xyz[tip][0] > 0.6f, "fingertip %d at x %g", tip, h->xyz[tip][0]);
        CHECK(h->xyz[4][1] < 0.15f && h->xyz[4][0] > 0.25f && h->xyz[4][0] < 0.5f, "thumb tip (%g, %g)", h->xyz[4][0],
              h->xyz[4][1]);
        /* World points: metres around the hand, the hand ~15-25 cm from wrist to middle tip. */
        float d = hypotf(h->world[12][0] - h->world[0][0], h->world[12][1] - h->world[0][1]);
        CHECK(d > 0.1f && d < 0.3f, "wrist to middle tip %g m", d);
        /* World x follows image x (the ROI's rotation undone): the fingers to the right. */
        CHECK(h->world[12][0] > h->world[0][0], "world x along the fingers");
    }
    /* Mirrored: the same hand mirrored, the other label. */
    segtex_image mir = {0};
    segtex_image_alloc(&mir, img.width, img.height, 3);
    for (int y = 0; y < img.height; y++)
        for (int x = 0; x < img.width; x++)
            memcpy(mir.data + y * mir.stride + x * 3, img.data + y * img.stride + (img.width - 1 - x) * 3, 3);
    segtex_hand_result r2;
    CHECK(segtex_hand_tracker_process(t, &mir, 0, &r2) == SEGTEX_OK && r2.count == 1, "mirrored: one hand");
    if (res.count == 1 && r2.count == 1) {
        CHECK(r2.hands[0].right == 0, "mirrored: handedness Left");
        /* Every point mirrored within 3% of the palm size (wrist to middle MCP). */
        float palm = hypotf((res.hands[0].xyz[9][0] - res.hands[0].xyz[0][0]) * img.width,
                            (res.hands[0].xyz[9][1] - res.hands[0].xyz[0][1]) * img.height);
        float worst = 0;
        for (int p = 0; p < SEGTEX_HAND_POINTS; p++)
            worst = fmaxf(worst, hypotf((1 - r2.hands[0].xyz[p][0] - res.hands[0].xyz[p][0]) * img.width,
                                        (r2.hands[0].xyz[p][1] - res.hands[0].xyz[p][1]) * img.height));
        printf("       mirror: worst point %.2f px, palm %.1f px\n", worst, palm);
        CHECK(worst < 0.03f * palm, "mirror equivariance: %g px, palm %g px", worst, palm);
    }
    segtex_image_free(&mir);
    segtex_hand_tracker_destroy(t);

    /* Video: one hand wanted, so the palm detector runs on the first frame only; zero allocations per frame. */
    segtex_hand_tracker_options o = {.max_hands = 1, .video = 1};
    CHECK(segtex_hand_tracker_create(models.detector, models.landmarker, &o, &t) == SEGTEX_OK, "video tracker");
    segtex_hand_tracker_process(t, &img, 0.0, &r2);
    uint64_t before = test_process_allocs();
    for (int f = 1; f <= 5; f++)
        CHECK(segtex_hand_tracker_process(t, &img, f / 30.0, &r2) == SEGTEX_OK && r2.count == 1 && !r2.detected,
              "frame %d: tracked without detection", f);
    uint64_t allocs = test_process_allocs() - before;
    CHECK(allocs == 0, "5 tracked frames made %llu allocations", (unsigned long long)allocs);
    CHECK(segtex_hand_tracker_detections(t) == 1, "palm detector ran %ld times in 6 frames", segtex_hand_tracker_detections(t));
    if (res.count == 1 && r2.count == 1)
        CHECK_NEAR(r2.hands[0].xyz[8][0] * img.width, res.hands[0].xyz[8][0] * img.width, 6.0);
    segtex_hand_tracker_destroy(t);
    segtex_image_free(&img);
}

/* Mean distance of each frame's points from their mean over the frames, in pixels. */
static double jitter(float (*pts)[SEGTEX_HAND_POINTS][2], int frames)
{
    double sum = 0;
    for (int p = 0; p < SEGTEX_HAND_POINTS; p++) {
        double mx = 0, my = 0;
        for (int f = 0; f < frames; f++)
            mx += pts[f][p][0] / frames, my += pts[f][p][1] / frames;
        for (int f = 0; f < frames; f++)
            sum += hypot(pts[f][p][0] - mx, pts[f][p][1] - my);
    }
    return sum / (frames * SEGTEX_HAND_POINTS);
}

/*
 * basketball1 (two players, greyscale): the palm detector finds neither player's hand (small, blurred). The right
 * player's pose (as `segtex pose` gives it: his left wrist, pinky and index) shows where his hand is: the
 * landmarker finds it there, as MediaPipe Holistic would.
 */
static void test_hands_from_poses(void)
{
    const char *path = test_asset("basketball1.png");
    if (!path || !models.detector) {
        printf("skip   basketball1.png or the hand models absent\n");
        return;
    }
    segtex_image img = {0};
    segtex_image_load(path, 3, &img);
    segtex_hand_tracker *t = NULL;
    CHECK(segtex_hand_tracker_create(models.detector, models.landmarker, NULL, &t) == SEGTEX_OK, "tracker");
    CHECK(segtex_hand_tracker_process(t, &img, 0, &res) == SEGTEX_OK && res.count == 0,
          "basketball1: the palm detector finds no hand (got %d)", res.count);
    segtex_pose_result poses[3];
    poses[0] = hand_pose(0, 0.7346f, 0.5408f, 0.7182f, 0.5245f, 0.7301f, 0.5024f, 0.63f); /* his hand */
    poses[1] = hand_pose(1, 0.50f, 0.30f, 0.49f, 0.27f, 0.50f, 0.26f, 0.9f); /* a "wrist" on the bare wall */
    poses[2] = hand_pose(0, 0.7346f, 0.5408f, 0.7182f, 0.5245f, 0.7301f, 0.5024f, 0.3f); /* his hand, unseen */
    CHECK(segtex_hand_tracker_add_from_poses(t, &img, poses + 1, 2, &res) == SEGTEX_OK && res.count == 0,
          "nothing on the wall, nothing at an unseen wrist (got %d)", res.count);
    uint64_t before = test_process_allocs();
    CHECK(segtex_hand_tracker_add_from_poses(t, &img, poses, 2, &res) == SEGTEX_OK, "add from poses");
    uint64_t allocs = test_process_allocs() - before;
    CHECK(allocs == 0, "hands from poses made %llu allocations", (unsigned long long)allocs);
    CHECK(res.count == 1, "his hand found (got %d)", res.count);
    if (res.count == 1) {
        const segtex_hand_landmarks *h = &res.hands[0];
        check_points(&res, img.width, img.height, "basketball1");
        CHECK(h->presence >= 0.5f && res.palm[0].score == 0, "presence %g (>= 0.5), no palm", h->presence);
        /* Its wrist where the pose's is (470, 260 px), its knuckles to the left of it (the hand reaches
         * towards the ball on the left), within the photo's hand (about 430..480 x 220..270). */
        CHECK(hypotf(h->xyz[0][0] * 640 - 470, h->xyz[0][1] * 480 - 260) < 25, "wrist at (%.0f, %.0f)",
              h->xyz[0][0] * 640, h->xyz[0][1] * 480);
        CHECK(h->xyz[9][0] < h->xyz[0][0] && h->xyz[9][0] * 640 > 420, "knuckles left of the wrist (%.0f)",
              h->xyz[9][0] * 640);
    }
    /* Again: the hand is there already, so nothing is added twice. */
    CHECK(segtex_hand_tracker_add_from_poses(t, &img, poses, 1, &res) == SEGTEX_OK && res.count == 1,
          "no duplicate (got %d)", res.count);
    /* At 0.7 of its brightness (a dim room; tests/data/perturb.py's "dim"), the left player's hand on the ball
     * scores under MediaPipe's 0.5 (0.446; 0.565 as shot): at the wrist his pose sees, it is still kept (from 0.3 at
     * the default min_presence), and not by a tracker asking 0.8 of its hands (0.48 at a pose's wrist). */
    for (size_t i = 0; i < (size_t)img.width * img.height * 3; i++)
        img.data[i] = (uint8_t)(img.data[i] * 0.7);
    segtex_pose_result left = hand_pose(0, 0.2176f, 0.3551f, 0.2296f, 0.3302f, 0.2307f, 0.3154f, 0.86f);
    res.count = 0;
    CHECK(segtex_hand_tracker_add_from_poses(t, &img, &left, 1, &res) == SEGTEX_OK && res.count == 1,
          "dim: the left player's hand kept at his seen wrist (got %d)", res.count);
    if (res.count == 1) {
        const segtex_hand_landmarks *h = &res.hands[0];
        CHECK(h->presence >= 0.3f && h->presence < 0.5f, "dim: presence %g (0.3 to 0.5: the pose's share decides)",
              h->presence);
        CHECK(hypotf(h->xyz[0][0] * 640 - 139, h->xyz[0][1] * 480 - 170) < 25, "dim: wrist at (%.0f, %.0f)",
              h->xyz[0][0] * 640, h->xyz[0][1] * 480);
    }
    segtex_hand_tracker *strict = NULL;
    segtex_hand_tracker_options so = {.min_presence = 0.8f};
    CHECK(segtex_hand_tracker_create(models.detector, models.landmarker, &so, &strict) == SEGTEX_OK, "strict tracker");
    res.count = 0;
    if (strict)
        CHECK(segtex_hand_tracker_add_from_poses(strict, &img, &left, 1, &res) == SEGTEX_OK && res.count == 0,
              "dim, min_presence 0.8: not kept (got %d)", res.count);
    segtex_hand_tracker_destroy(strict);
    segtex_hand_tracker_destroy(t);
    segtex_image_free(&img);
}

/*
 * A still clip (the hand photo with fresh sensor-like noise on every frame):
 * the landmarks of independent stills jitter; video mode (tracking + One-Euro
 * with the default 0.05, 80, 1.0) must at least halve that.
 */
static void test_smoothing_jitter(void)
{
    const char *path = test_asset("hand.jpg");
    if (!path || !models.detector) {
        printf("skip   hand.jpg absent\n");
        return;
    }
    enum { FRAMES = 12 };
    segtex_image img = {0}, noisy = {0};
    segtex_image_load(path, 3, &img);
    segtex_image_alloc(&noisy, img.width, img.height, 3);
    static float still[FRAMES][SEGTEX_HAND_POINTS][2], video[FRAMES][SEGTEX_HAND_POINTS][2];
    segtex_hand_tracker *ts = NULL, *tv = NULL;
    segtex_hand_tracker_options os = {.max_hands = 1}, ov = {.max_hands = 1, .video = 1};
    segtex_hand_tracker_create(models.detector, models.landmarker, &os, &ts);
    segtex_hand_tracker_create(models.detector, models.landmarker, &ov, &tv);
    uint32_t seed = 42;
    int ok = 1;
    for (int f = 0; f < FRAMES; f++) {
        for (int y = 0; y < img.height; y++)
            for (int x = 0; x < img.width * 3; x++) {
                int v = img.data[y * img.stride + x] + (int)(test_rand(&seed) % 25) - 12;
                noisy.data[y * noisy.stride + x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
            }
        segtex_hand_result a, b;
        ok &= segtex_hand_tracker_process(ts, &noisy, f / 30.0, &a) == SEGTEX_OK && a.count == 1;
        ok &= segtex_hand_tracker_process(tv, &noisy, f / 30.0, &b) == SEGTEX_OK && b.count == 1;
        for (int p = 0; ok && p < SEGTEX_HAND_POINTS; p++) {
            still[f][p][0] = a.hands[0].xyz[p][0] * img.width, still[f][p][1] = a.hands[0].xyz[p][1] * img.height;
            video[f][p][0] = b.hands[0].xyz[p][0] * img.width, video[f][p][1] = b.hands[0].xyz[p][1] * img.height;
        }
    }
    CHECK(ok, "every noisy frame: one hand in both modes");
    if (ok) {
        /* From the third frame: the filter's first output is the raw value by construction. */
        double js = jitter(still + 2, FRAMES - 2), jv = jitter(video + 2, FRAMES - 2);
        printf("       jitter on a still clip: stills %.2f px, video %.2f px (ratio %.2f)\n", js, jv, jv / js);
        CHECK(jv <= 0.5 * js, "smoothing halves the jitter: %.3f px vs %.3f px", jv, js);
    }
    segtex_hand_tracker_destroy(ts);
    segtex_hand_tracker_destroy(tv);
    segtex_image_free(&noisy);
    segtex_image_free(&img);
}

static void test_allocs_still(void)
{
    const char *path = test_asset("astronaut.png");
    if (!path || !models.detector)
        return;
    segtex_image img = {0};
    segtex_image_load(path, 3, &img);
    segtex_hand_tracker *t = NULL;
    segtex_hand_tracker_options o = {.min_score = 0.05f, .min_presence = 1e-6f}; /* detector + landmarks each frame */
    segtex_hand_tracker_create(models.detector, models.landmarker, &o, &t);
    segtex_hand_tracker_process(t, &img, 0, &res);
    uint64_t before = test_process_allocs();
    for (int f = 0; f < 3; f++)
        segtex_hand_tracker_process(t, &img, 0, &res);
    uint64_t allocs = test_process_allocs() - before;
    CHECK(allocs == 0, "3 still frames (detector and landmarker) made %llu allocations", (unsigned long long)allocs);
    segtex_hand_tracker_destroy(t);
    segtex_image_free(&img);
}

static void test_rejects(void)
{
    segtex_set_log(test_log_capture, NULL, SEGTEX_LOG_DEBUG);
    test_log_reset();
    segtex_palm_detector *d = (segtex_palm_detector *)1;
    const char *face = test_asset("face_detection_short_range.tflite");
    if (face) {
        CHECK(segtex_palm_detector_create(face, NULL, &d) == SEGTEX_ERROR_UNSUPPORTED && !d,
              "a face detector is not a palm model");
        CHECK(test_log.errors == 1 && strstr(test_log.line, "palm detector"), "one error naming it: %s", test_log.line);
        segtex_hand_landmarker *l = (segtex_hand_landmarker *)1;
        CHECK(segtex_hand_landmarker_create(face, NULL, &l) != SEGTEX_OK && !l, "nor a hand landmarker");
    }
    segtex_hand_tracker *t = (segtex_hand_tracker *)1;
    segtex_hand_tracker_options o = {.max_hands = 3};
    CHECK(segtex_hand_tracker_create(models.detector, models.landmarker, &o, &t) == SEGTEX_ERROR_INVALID_ARGUMENT && !t,
          "max hands 3 rejected");
    /* over 1, or not a number: one line naming both thresholds */
    static const segtex_hand_tracker_options bads[] = {
        {.min_presence = 1.5f}, {.min_presence = NAN}, {.min_score = 1.5f}, {.min_score = NAN}};
    for (size_t i = 0; models.detector && i < sizeof bads / sizeof bads[0]; i++) {
        const segtex_hand_tracker_options *b = &bads[i];
        test_log_reset();
        t = (segtex_hand_tracker *)1;
        CHECK(segtex_hand_tracker_create(models.detector, models.landmarker, b, &t) == SEGTEX_ERROR_INVALID_ARGUMENT &&
                  !t && test_log.errors == 1 && strstr(test_log.line, "must lie in [0, 1]"),
              "min_presence %g, min_score %g rejected with one line: %s", (double)b->min_presence, (double)b->min_score,
              test_log.line);
    }
    segtex_set_log(segtex_log_stderr, NULL, SEGTEX_LOG_WARNING);
}

int main(void)
{
    RUN(test_anchors);
    RUN(test_decode_nms);
    RUN(test_roi_from_palm);
    RUN(test_roi_from_landmarks);
    RUN(test_roi_from_pose);
    const char *dir = test_asset("palm_detection_full.tflite");
    if (dir && test_asset("hand_landmark_full.tflite")) {
        static char d[4096];
        snprintf(d, sizeof d, "%s", dir);
        *strrchr(d, '/') = 0;
        CHECK(segtex_hand_models_load(d, 1, NULL, &models) == SEGTEX_OK, "hand models load");
    }
    RUN(test_backends_agree);
    RUN(test_portrait);
    RUN(test_hand_photo);
    RUN(test_hands_from_poses);
    RUN(test_smoothing_jitter);
    RUN(test_allocs_still);
    RUN(test_rejects);
    segtex_hand_models_free(&models);
    return test_summary();
}
