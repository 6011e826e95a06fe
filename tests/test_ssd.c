/*
 * The shared SSD post-processing (src/vision/ssd.c) on its own: anchor
 * centres of MediaPipe's face, pose and palm configurations, decoding of
 * hand-made raw outputs, weighted non-maximum suppression, letterbox
 * removal, empty inputs, and no allocation on the per-frame path; the
 * detectors' and landmarkers' model checks reject the wrong files, one
 * error line each.
 */
#include "harness.h"
#include "vision/landmark_model.h"
#include "vision/ssd.h"

#include <math.h>
#include <string.h>

static float anchors[4096][2];

static void test_anchors_face_short_range(void)
{
    /* face_detection_short_range.pbtxt: 128x128, 4 layers, strides 8,16,16,16, aspect 1 + interpolated. */
    const ssd_anchor_options o = {128, 128, 4, {8, 16, 16, 16}, 1, 1, 0.5f, 0.5f};
    CHECK(ssd_anchor_count(&o) == 896, "896 anchors, got %d", ssd_anchor_count(&o));
    int n = ssd_anchors(&o, anchors, 4096);
    CHECK(n == 896, "wrote 896 (16x16x2 + 8x8x6), got %d", n);
    CHECK_NEAR(anchors[0][0], 0.5 / 16, 1e-7);
    CHECK_NEAR(anchors[0][1], 0.5 / 16, 1e-7);
    CHECK_NEAR(anchors[1][0], 0.5 / 16, 1e-7); /* two per cell at stride 8 */
    CHECK_NEAR(anchors[2][0], 1.5 / 16, 1e-7);
    CHECK_NEAR(anchors[31][0], 15.5 / 16, 1e-7); /* end of the first row */
    CHECK_NEAR(anchors[32][0], 0.5 / 16, 1e-7);
    CHECK_NEAR(anchors[32][1], 1.5 / 16, 1e-7); /* second row */
    CHECK_NEAR(anchors[512][0], 0.5 / 8, 1e-7); /* the three stride-16 layers share one 8x8 grid */
    CHECK_NEAR(anchors[517][0], 0.5 / 8, 1e-7); /* six per cell */
    CHECK_NEAR(anchors[518][0], 1.5 / 8, 1e-7);
    CHECK_NEAR(anchors[895][0], 7.5 / 8, 1e-7);
    CHECK_NEAR(anchors[895][1], 7.5 / 8, 1e-7);
    /* A short buffer gets what fits. */
    CHECK(ssd_anchors(&o, anchors, 10) == 10, "capacity 10");
}

static void test_anchors_other_models(void)
{
    /* face full range: 192x192, 1 layer of stride 4, no interpolated scale: 48x48. */
    const ssd_anchor_options full = {192, 192, 1, {4}, 1, 0, 0.5f, 0.5f};
    CHECK(ssd_anchor_count(&full) == 2304, "full range 2304, got %d", ssd_anchor_count(&full));
    CHECK(ssd_anchors(&full, anchors, 4096) == 2304, "full range writes 2304");
    CHECK_NEAR(anchors[1][0], 1.5 / 48, 1e-7);
    CHECK_NEAR(anchors[48][1], 1.5 / 48, 1e-7);
    /* pose: 224x224, strides 8,16,32,32,32: 28x28x2 + 14x14x2 + 7x7x6 (ceil(224/32) = 7). */
    const ssd_anchor_options pose = {224, 224, 5, {8, 16, 32, 32, 32}, 1, 1, 0.5f, 0.5f};
    CHECK(ssd_anchor_count(&pose) == 2254, "pose 2254, got %d", ssd_anchor_count(&pose));
    CHECK(ssd_anchors(&pose, anchors, 4096) == 2254, "pose writes 2254");
    CHECK_NEAR(anchors[1568][0], 0.5 / 14, 1e-7);
    CHECK_NEAR(anchors[1960][0], 0.5 / 7, 1e-7);
    CHECK_NEAR(anchors[2253][1], 6.5 / 7, 1e-7);
    /* A non-square input: the grid follows each side (ceil(100/16) = 7 columns, 4 rows). */
    const ssd_anchor_options wide = {100, 64, 1, {16}, 1, 0, 0.5f, 0.5f};
    CHECK(ssd_anchor_count(&wide) == 28, "7x4 anchors, got %d", ssd_anchor_count(&wide));
    ssd_anchors(&wide, anchors, 4096);
    CHECK_NEAR(anchors[6][0], 6.5 / 7, 1e-7);
    CHECK_NEAR(anchors[7][1], 1.5 / 4, 1e-7);
    /* Options out of range make no anchors. */
    ssd_anchor_options bad = {128, 128, 0, {8}, 1, 1, 0.5f, 0.5f};
    CHECK(ssd_anchor_count(&bad) == -1 && ssd_anchors(&bad, anchors, 4096) == 0, "0 layers rejected");
    bad.num_layers = 1, bad.strides[0] = 0;
    CHECK(ssd_anchor_count(&bad) == -1 && ssd_anchors(&bad, anchors, 4096) == 0, "stride 0 rejected");
    bad.strides[0] = 8, bad.num_layers = SSD_MAX_LAYERS + 1;
    CHECK(ssd_anchor_count(&bad) == -1, "too many layers rejected");
}

/* 8 values a box: cx, cy, w, h, then 2 keypoints; x in pixels of a 100-wide input, y of a 50-high one. */
static const ssd_decode_options dec = {8, 2, 4, 100.0f, 50.0f, 100.0f, 50.0f, 100.0f};

static void test_decode(void)
{
    const float anc[4][2] = {{0.5f, 0.5f}, {0.25f, 0.25f}, {0.75f, 0.75f}, {0.5f, 0.5f}};
    const float raw[4][8] = {
        {10, -5, 20, 10, 1, 2, 3, 4}, /* centre (0.6, 0.4), size 0.2 x 0.2 */
        {0, 0, 10, 10, 0, 0, 0, 0},   /* score below the threshold */
        {0, 0, -1, 10, 0, 0, 0, 0},   /* empty box */
        {INFINITY, 0, 10, 10, 0, 0, 0, 0}, /* centre not finite */
    };
    const float scores[4] = {1000.0f, -3.0f, 5.0f, 5.0f}; /* 1000 is clipped to 100 */
    ssd_candidate c[4];
    int n = ssd_decode(&dec, &raw[0][0], scores, anc, 4, 0.5f, c);
    CHECK(n == 1, "one candidate, got %d", n);
    CHECK_NEAR(c[0].score, 1.0, 1e-7);
    CHECK_NEAR(c[0].box[0], 0.5, 1e-6);
    CHECK_NEAR(c[0].box[1], 0.3, 1e-6);
    CHECK_NEAR(c[0].box[2], 0.7, 1e-6);
    CHECK_NEAR(c[0].box[3], 0.5, 1e-6);
    CHECK_NEAR(c[0].kp[0][0], 0.51, 1e-6);
    CHECK_NEAR(c[0].kp[0][1], 0.54, 1e-6);
    CHECK_NEAR(c[0].kp[1][0], 0.53, 1e-6);
    CHECK_NEAR(c[0].kp[1][1], 0.58, 1e-6);
    /* The threshold is inclusive: a logit of 0 is exactly 0.5. */
    const float zero[1] = {0.0f};
    CHECK(ssd_decode(&dec, &raw[0][0], zero, anc, 1, 0.5f, c) == 1, "score 0.5 kept at min 0.5");
    /* Empty: no anchors, or none above the threshold. */
    CHECK(ssd_decode(&dec, &raw[0][0], scores, anc, 0, 0.5f, c) == 0, "no anchors, no candidate");
    CHECK(ssd_decode(&dec, &raw[0][0], scores, anc, 4, 2.0f, c) == 0, "min score 2: none");
}

static ssd_candidate cand(float score, float x0, float y0, float x1, float y1, float kx)
{
    ssd_candidate c = {score, {x0, y0, x1, y1}, {{kx, y0}, {kx + 1, y1}}};
    return c;
}

static void test_weighted_nms(void)
{
    ssd_candidate c[4] = {
        cand(0.6f, 0.1f, 0.0f, 1.1f, 1.0f, 0.3f), /* IoU 0.9 / 1.1 with the best: merged into it */
        cand(0.7f, 3.0f, 3.0f, 4.0f, 4.0f, 3.5f), /* far away: its own detection */
        cand(0.9f, 0.0f, 0.0f, 1.0f, 1.0f, 0.1f), /* the best */
        cand(0.8f, 0.7f, 0.0f, 1.7f, 1.0f, 0.9f), /* IoU 0.3 / 1.7 < 0.3 with the best: kept apart */
    };
    unsigned char used[4] = {0};
    ssd_candidate m;
    CHECK(ssd_nms_next(c, 4, used, 2, 0.3f, &m) == 1, "first detection");
    CHECK_NEAR(m.score, 0.9, 1e-7); /* the best one's score, not the mean */
    const double w = 0.9 + 0.6;
    CHECK_NEAR(m.box[0], (0.0 * 0.9 + 0.1 * 0.6) / w, 1e-6);
    CHECK_NEAR(m.box[2], (1.0 * 0.9 + 1.1 * 0.6) / w, 1e-6);
    CHECK_NEAR(m.box[1], 0.0, 1e-7);
    CHECK_NEAR(m.box[3], 1.0, 1e-6);
    CHECK_NEAR(m.kp[0][0], (0.1 * 0.9 + 0.3 * 0.6) / w, 1e-6);
    CHECK_NEAR(m.kp[1][0], (1.1 * 0.9 + 1.3 * 0.6) / w, 1e-6);
    CHECK(used[0] && used[2] && !used[1] && !used[3], "the best and the overlapping one are used");
    /* Then the others by score, each alone: itself. */
    CHECK(ssd_nms_next(c, 4, used, 2, 0.3f, &m) == 1 && m.score == 0.8f, "second: the one that overlapped too little");
    CHECK_NEAR(m.box[0], 0.7, 1e-6);
    CHECK_NEAR(m.kp[0][0], 0.9, 1e-6);
    CHECK(ssd_nms_next(c, 4, used, 2, 0.3f, &m) == 1 && m.score == 0.7f, "third: the far one");
    CHECK_NEAR(m.box[2], 4.0, 1e-6);
    CHECK(ssd_nms_next(c, 4, used, 2, 0.3f, &m) == 0, "then none");
    /* Empty input. */
    CHECK(ssd_nms_next(c, 0, used, 2, 0.3f, &m) == 0, "no candidates, no detection");
    /* A candidate whose box rounded to empty still stands for itself. */
    ssd_candidate flat[1] = {cand(0.7f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f)};
    unsigned char u1[1] = {0};
    CHECK(ssd_nms_next(flat, 1, u1, 2, 0.3f, &m) == 1 && m.score == 0.7f, "empty box kept");
    CHECK_NEAR(m.box[0], 0.5, 1e-6);
}

static void test_to_image(void)
{
    /* A 384x192 image letterboxed into 192x192: scale 0.5, 48 px from the top. */
    const segtex_fit_info fit = {0.5f, 0.5f, 0.0f, 48.0f};
    ssd_candidate c = cand(0.75f, 0.25f, 0.5f, 0.75f, 0.75f, 0.5f);
    float score, box[4], kp[2][2];
    ssd_to_image(&c, 2, 192, 192, &fit, 384, 192, &score, box, kp);
    CHECK(score == 0.75f, "score kept");
    CHECK_NEAR(box[0] * 384, 0.25 * 192 / 0.5, 1e-3);
    CHECK_NEAR(box[1] * 192, (0.5 * 192 - 48) / 0.5, 1e-3);
    CHECK_NEAR(box[2] * 384, 0.5 * 192 / 0.5, 1e-3); /* width */
    CHECK_NEAR(box[3] * 192, 0.25 * 192 / 0.5, 1e-3); /* height */
    CHECK_NEAR(kp[1][0] * 384, 1.5 * 192 / 0.5, 1e-3);
    CHECK_NEAR(kp[1][1] * 192, (0.75 * 192 - 48) / 0.5, 1e-3);
}

/* The palm configuration end to end on noise: decode and NMS make no allocation, and every result is sane. */
static void test_no_allocations(void)
{
    const ssd_anchor_options o = {192, 192, 4, {8, 16, 16, 16}, 1, 1, 0.5f, 0.5f};
    const ssd_decode_options d = {18, 7, 4, 192.0f, 192.0f, 192.0f, 192.0f, 100.0f};
    static float boxes[2016 * 18], scores[2016];
    static ssd_candidate c[2016];
    static unsigned char used[2016];
    CHECK(ssd_anchors(&o, anchors, 4096) == 2016, "palm anchors");
    uint32_t seed = 7;
    for (int i = 0; i < 2016 * 18; i++)
        boxes[i] = test_randf(&seed, -20.0f, 40.0f);
    for (int i = 0; i < 2016; i++)
        scores[i] = test_randf(&seed, -4.0f, 2.0f);
    uint64_t before = test_process_allocs();
    int n = ssd_decode(&d, boxes, scores, (const float (*)[2])anchors, 2016, 0.5f, c);
    memset(used, 0, (size_t)n);
    int found = 0;
    ssd_candidate m;
    float last = 2.0f;
    int ordered = 1;
    while (ssd_nms_next(c, n, used, 7, 0.3f, &m)) {
        ordered &= m.score <= last && m.box[0] <= m.box[2] && m.box[1] <= m.box[3];
        last = m.score;
        found++;
    }
    uint64_t allocs = test_process_allocs() - before;
    CHECK(allocs == 0, "decode + NMS made %llu allocations", (unsigned long long)allocs);
    CHECK(n > 100 && found > 0 && found < n, "%d candidates -> %d detections", n, found);
    CHECK(ordered, "detections come best first, with ordered boxes");
}

/* Load `file` against `spec`: the status, with exactly one error line logged on failure. */
static segtex_status load_as(const ssd_model_spec *spec, const char *file)
{
    segtex_model *m = NULL;
    segtex_tensor_info in, b, sc;
    test_log_reset();
    segtex_status st = ssd_model_load(spec, test_asset(file), NULL, &m, &in, &b, &sc);
    segtex_model_destroy(m);
    CHECK(st == SEGTEX_OK ? test_log.errors == 0 : test_log.errors == 1, "%s: %d error lines", file, test_log.errors);
    return st;
}

static void test_model_checks(void)
{
    if (!test_asset("palm_detection_full.tflite") || !test_asset("face_detection_short_range.tflite") ||
        !test_asset("selfie_segmentation.tflite") || !test_asset("pose_detection.tflite")) {
        printf("skip: models absent\n");
        return;
    }
    segtex_set_log(test_log_capture, NULL, SEGTEX_LOG_DEBUG);
    const ssd_model_spec face = {"face detector", "a BlazeFace model", 0, 0, 16};
    const ssd_model_spec palm = {"palm detector", "a palm model", 192, 2016, 18};
    CHECK(load_as(&face, "face_detection_short_range.tflite") == SEGTEX_OK, "the face model is one");
    CHECK(load_as(&palm, "palm_detection_full.tflite") == SEGTEX_OK, "the palm model is one");
    /* The palm model has 18 values a box, not 16. */
    CHECK(load_as(&face, "palm_detection_full.tflite") == SEGTEX_ERROR_UNSUPPORTED, "palm model as a face detector");
    CHECK(strstr(test_log.line, "not a BlazeFace model (input [1,S,S,3], outputs [1,N,16] and [1,N,1])") != NULL,
          "message: %s", test_log.line);
    /* The face model has 16 values, 128x128 and 896 boxes. */
    CHECK(load_as(&palm, "face_detection_short_range.tflite") == SEGTEX_ERROR_UNSUPPORTED, "face model as a palm");
    CHECK(strstr(test_log.line, "not a palm model (input [1,192,192,3], outputs [1,2016,18] and [1,2016,1])") != NULL,
          "message: %s", test_log.line);
    /* Right values a box, wrong size / box count. */
    const ssd_model_spec palm_224 = {"palm detector", "a palm model", 224, 0, 18};
    CHECK(load_as(&palm_224, "palm_detection_full.tflite") == SEGTEX_ERROR_UNSUPPORTED, "input side checked");
    const ssd_model_spec palm_n = {"palm detector", "a palm model", 0, 2015, 18};
    CHECK(load_as(&palm_n, "palm_detection_full.tflite") == SEGTEX_ERROR_UNSUPPORTED, "box count checked");
    /* One output only. */
    CHECK(load_as(&face, "selfie_segmentation.tflite") == SEGTEX_ERROR_UNSUPPORTED, "a segmenter is no detector");
    CHECK(strstr(test_log.line, "expected 1 input and 2 outputs") != NULL, "message: %s", test_log.line);
    /* Landmarkers: the input side when one is required. */
    segtex_model *m = NULL;
    segtex_tensor_info in;
    test_log_reset();
    CHECK(landmark_model_load("pose landmarker", test_asset("pose_detection.tflite"), NULL, 256, &m, &in) ==
                  SEGTEX_ERROR_UNSUPPORTED && test_log.errors == 1 && strstr(test_log.line, "[1,256,256,3]"),
          "a 224 input is not 256: %s", test_log.line);
    segtex_model_destroy(m);
    m = NULL;
    CHECK(landmark_model_load("pose landmarker", test_asset("pose_detection.tflite"), NULL, 0, &m, &in) == SEGTEX_OK &&
              in.dims[1] == 224,
          "any square input when no side is required");
    segtex_model_destroy(m);
    segtex_set_log(segtex_log_stderr, NULL, SEGTEX_LOG_WARNING);
}

static void test_landmark_input_check(void)
{
    uint8_t px[4 * 4 * 3] = {0};
    segtex_image img = {px, 4, 4, 3, 12}, grey = {px, 4, 4, 1, 4};
    segtex_roi roi = {2, 2, 3, 0.5f};
    segtex_set_log(test_log_capture, NULL, SEGTEX_LOG_DEBUG);
    test_log_reset();
    CHECK(landmark_check_input("x", &img, &roi) == SEGTEX_OK && test_log.errors == 0, "a good frame and ROI");
    CHECK(landmark_check_input("x", NULL, &roi) == SEGTEX_ERROR_INVALID_ARGUMENT, "no image");
    CHECK(landmark_check_input("x", &grey, &roi) == SEGTEX_ERROR_INVALID_ARGUMENT, "grey image");
    CHECK(landmark_check_input("x", &img, NULL) == SEGTEX_ERROR_INVALID_ARGUMENT, "no ROI");
    const segtex_roi bad[] = {{2, 2, 0, 0}, {2, 2, INFINITY, 0}, {NAN, 2, 3, 0}, {2, INFINITY, 3, 0}, {2, 2, 3, NAN}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(landmark_check_input("x", &img, &bad[i]) == SEGTEX_ERROR_INVALID_ARGUMENT, "bad ROI %zu", i);
    CHECK(test_log.errors == 8 && strstr(test_log.line, "x: needs an RGB/RGBA image and a finite ROI"),
          "one error line each (%d): %s", test_log.errors, test_log.line);
    segtex_set_log(segtex_log_stderr, NULL, SEGTEX_LOG_WARNING);
}

int main(void)
{
    RUN(test_anchors_face_short_range);
    RUN(test_anchors_other_models);
    RUN(test_decode);
    RUN(test_weighted_nms);
    RUN(test_to_image);
    RUN(test_no_allocations);
    RUN(test_model_checks);
    RUN(test_landmark_input_check);
    return test_summary();
}
