/*
 * The frame pipeline on the demo clip and on a synthetic source faster than
 * inference: order, determinism, drops, bounded latency, no allocation in
 * the steady state, size changes, stop.
 */
#include "harness.h"
#include "segtex/io.h"
#include "pipeline/frame_pipeline.h"
#include "segtex/vision.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char dir[4096], portrait[4200];
static segtex_face_detector *det;
static segtex_face_landmarker *lm;

static int demo_read(void *u, segtex_image *dst, double *pts) { return segtex_demo_read(u, dst, pts); }
static void demo_info(void *u, segtex_source_info *i) { segtex_demo_get_info(u, i); }

typedef struct run_out {
    int frames;
    uint64_t hash;  /* of indices, face landmarks and categories */
    int faces_seen;
    int in_order;
    uint64_t allocs_steady; /* allocations between frame 5 and the end */
} run_out;

static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
    const uint8_t *b = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

static run_out run_demo(int frames, int w, int h, int live)
{
    run_out r = {0, 0xcbf29ce484222325ull, 0, 1, 0};
    segtex_demo *demo = NULL;
    segtex_face_tracker *tr = NULL;
    segtex_segmenter *seg = NULL;
    segtex_pipeline *p = NULL;
    segtex_face_tracker_options to = {0};
    to.video = 1;
    segtex_segmenter_options so = {SEGTEX_SEGMENTER_COMPOSITE, dir, {SEGTEX_BACKEND_AUTO, NULL}, 1};
    CHECK(segtex_demo_create(portrait, w, h, frames, 30, &demo) == SEGTEX_OK, "demo");
    CHECK(segtex_face_tracker_create(det, lm, &to, &tr) == SEGTEX_OK, "tracker");
    CHECK(segtex_segmenter_create(&so, &seg) == SEGTEX_OK, "segmenter");
    segtex_pipeline_options po = {{demo, demo_read, demo_info}, tr, seg, live, 0, NULL, NULL};
    CHECK(segtex_pipeline_create(&po, &p) == SEGTEX_OK, "pipeline");
    if (!p)
        goto done;
    segtex_pipeline_frame f;
    int64_t last = -1;
    uint64_t a0 = 0;
    while (segtex_pipeline_next(p, &f) == 1) {
        if (f.index <= last)
            r.in_order = 0;
        last = f.index;
        r.faces_seen += f.faces->count > 0;
        r.hash = fnv(r.hash, &f.index, sizeof f.index);
        if (f.faces->count)
            r.hash = fnv(r.hash, f.faces->faces[0].xyz, sizeof f.faces->faces[0].xyz);
        if (f.seg)
            r.hash = fnv(r.hash, f.seg->category, (size_t)f.seg->width * f.seg->height);
        r.frames++;
        segtex_pipeline_release(p, &f);
        if (r.frames == 5)
            a0 = test_process_allocs() + segtex_alloc_count();
    }
    r.allocs_steady = test_process_allocs() + segtex_alloc_count() - a0;
done:
    segtex_pipeline_destroy(p);
    segtex_segmenter_destroy(seg);
    segtex_face_tracker_destroy(tr);
    segtex_demo_destroy(demo);
    return r;
}

static void offline_is_complete_ordered_and_deterministic(void)
{
    run_out a = run_demo(24, 320, 240, 0), b = run_demo(24, 320, 240, 0);
    CHECK(a.frames == 24 && b.frames == 24, "frames %d and %d, expected 24", a.frames, b.frames);
    CHECK(a.in_order && b.in_order, "frames out of order");
    CHECK(a.faces_seen == 24, "a face on %d of 24 demo frames", a.faces_seen);
    CHECK(a.hash == b.hash, "two offline runs differ");
    CHECK(a.allocs_steady == 0, "%llu allocations after warm-up", (unsigned long long)a.allocs_steady);
}

/* A source with no limit on its rate: live mode must drop, never queue, and never make next() wait on inference. */
typedef struct fast_src {
    int w, h;
    int64_t n, max;
    double t0;
    int resize_at; /* frame index where the size changes (0: never) */
    int resized;
} fast_src;

static int fast_read(void *u, segtex_image *dst, double *pts)
{
    fast_src *s = u;
    if (s->n >= s->max)
        return SEGTEX_SOURCE_END;
    if (s->resize_at && s->n == s->resize_at && !s->resized) {
        s->resized = 1;
        s->w = 200, s->h = 150;
        return SEGTEX_SOURCE_RESIZED;
    }
    if (dst->width != s->w || dst->height != s->h)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    for (int y = 0; y < dst->height; y++)
        memset(dst->data + y * dst->stride, (int)(s->n * 7 + y) & 0xff, (size_t)dst->width * 3);
    *pts = (double)s->n / 1000.0;
    s->n++;
    /* ~1000 frames per second: far faster than inference */
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
    return SEGTEX_SOURCE_FRAME;
}

static void fast_info(void *u, segtex_source_info *i)
{
    fast_src *s = u;
    i->width = s->w, i->height = s->h, i->fps = 1000, i->frames = s->max, i->live = 1;
}

/* The live tests' face tracker (video mode) and person segmenter. */
static void live_models(segtex_face_tracker **tr, segtex_segmenter **seg)
{
    segtex_face_tracker_options to = {0};
    to.video = 1;
    segtex_segmenter_options so = {SEGTEX_SEGMENTER_PERSON, dir, {SEGTEX_BACKEND_AUTO, NULL}, 0};
    CHECK(segtex_face_tracker_create(det, lm, &to, tr) == SEGTEX_OK, "face tracker");
    CHECK(segtex_segmenter_create(&so, seg) == SEGTEX_OK, "segmenter");
}

static void live_drops_and_stays_bounded(void)
{
    fast_src src = {320, 240, 0, 1500, 0, 0, 0};
    segtex_face_tracker *tr = NULL;
    segtex_segmenter *seg = NULL;
    segtex_pipeline *p = NULL;
    live_models(&tr, &seg);
    /* The body workers too: four model threads, each skipping to the newest frame. */
    segtex_model_options mo = {SEGTEX_BACKEND_AUTO, NULL};
    segtex_pose_models pm = {0};
    segtex_hand_models hm = {0};
    segtex_pose_tracker *pt = NULL;
    segtex_hand_tracker *ht = NULL;
    segtex_pose_tracker_options pto = {0};
    segtex_hand_tracker_options hto = {0};
    pto.video = hto.video = 1;
    CHECK(segtex_pose_models_load(dir, 0, &mo, &pm) == SEGTEX_OK &&
              segtex_pose_tracker_create(pm.detector, pm.landmarker, &pto, &pt) == SEGTEX_OK,
          "pose tracker");
    CHECK(segtex_hand_models_load(dir, 0, &mo, &hm) == SEGTEX_OK &&
              segtex_hand_tracker_create(hm.detector, hm.landmarker, &hto, &ht) == SEGTEX_OK,
          "hand tracker");
    segtex_pipeline_options po = {{&src, fast_read, fast_info}, tr, seg, 1, 0, pt, ht};
    CHECK(segtex_pipeline_create(&po, &p) == SEGTEX_OK, "pipeline");
    if (!p)
        return;
    segtex_pipeline_frame f;
    int out = 0, with_pose = 0, with_hands = 0;
    double worst_wait = 0, t = segtex_now();
    int64_t max_lag = 0;
    while (segtex_pipeline_next(p, &f) == 1) {
        double now = segtex_now();
        if (out > 10)
            worst_wait = fmax(worst_wait, now - t);
        /* a slow renderer: 5 ms a frame */
        struct timespec ts = {0, 5000000};
        nanosleep(&ts, NULL);
        if (f.seg_index >= 0 && f.index - f.seg_index > max_lag)
            max_lag = f.index - f.seg_index;
        with_pose += f.pose != NULL && f.pose_index >= 0 && f.pose_index <= f.index;
        with_hands += f.hands != NULL && f.hands_index >= 0 && f.hands_index <= f.index;
        out++;
        segtex_pipeline_release(p, &f);
        t = segtex_now();
    }
    segtex_pipeline_stats s;
    segtex_pipeline_get_stats(p, &s);
    CHECK(s.frames_in == 1500, "read %lld of 1500 frames", (long long)s.frames_in);
    CHECK(s.frames_out == out && out < 1500, "%d frames out of 1500: no drop?", out);
    CHECK(s.dropped_source + s.dropped_output + out == 1500, "frames unaccounted: in %lld, out %d, dropped %lld+%lld",
          (long long)s.frames_in, out, (long long)s.dropped_source, (long long)s.dropped_output);
    CHECK(s.dropped_seg > 0 && s.dropped_face > 0, "workers dropped %lld/%lld frames: should skip to the newest",
          (long long)s.dropped_face, (long long)s.dropped_seg);
    CHECK(s.dropped_pose > 0 && s.dropped_hands > 0, "body workers dropped %lld/%lld frames: should skip to the newest",
          (long long)s.dropped_pose, (long long)s.dropped_hands);
    CHECK(with_pose > out / 2 && with_hands > out / 2, "%d and %d of %d frames carry the newest pose and hands",
          with_pose, with_hands, out);
    CHECK(s.pose.count > 0 && s.hands.count > 0 && s.palm_detections > 0, "body stages timed, palm detector counted");
    /*
     * next() waits only for the source (1 ms a frame), never for inference:
     * it showed more frames than the slowest worker finished (a wall-clock
     * bound would fail on a loaded machine; this count does not).
     */
    CHECK(out > s.pose.count, "next() showed %d frames, no more than the pose worker finished (%lld): it waited",
          out, (long long)s.pose.count);
    printf("       live: %d of 1500 frames shown, worst wait %.2f ms, results at most %lld frames old, seg p50 %.1f ms\n",
           out, worst_wait * 1e3, (long long)max_lag, s.seg.p50_ms);
    segtex_pipeline_destroy(p);
    segtex_segmenter_destroy(seg);
    segtex_face_tracker_destroy(tr);
    segtex_pose_tracker_destroy(pt);
    segtex_hand_tracker_destroy(ht);
    segtex_pose_models_free(&pm);
    segtex_hand_models_free(&hm);
}

/*
 * A live stream that has ended: its last frame is shown with its own
 * results (nothing newer will come, so next() waits for them), so a short
 * clip run live does not end unpainted.
 */
static void live_last_frame_has_its_results(void)
{
    fast_src src = {320, 240, 0, 3, 0, 0, 0};
    segtex_face_tracker *tr = NULL;
    segtex_segmenter *seg = NULL;
    segtex_pipeline *p = NULL;
    live_models(&tr, &seg);
    segtex_pipeline_options po = {{&src, fast_read, fast_info}, tr, seg, 1, 0, NULL, NULL};
    CHECK(segtex_pipeline_create(&po, &p) == SEGTEX_OK, "pipeline");
    if (!p)
        return;
    /* Let the source read its 3 frames and reach the end before the first next() (the end is what makes the last
     * frame wait for its own results; waiting a fixed time for it failed under TSan on a loaded machine). */
    segtex_pipeline_stats s;
    for (int i = 0; i < 20000; i++) {
        segtex_pipeline_get_stats(p, &s);
        if (s.source_ended)
            break;
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    CHECK(s.source_ended && s.frames_in == 3, "the source ended (%d) after %lld frames, expected 3", s.source_ended,
          (long long)s.frames_in);
    segtex_pipeline_frame f;
    int out = 0;
    int64_t index = -1, faces = -1, seg_index = -1;
    while (segtex_pipeline_next(p, &f) == 1) {
        index = f.index, faces = f.faces_index, seg_index = f.seg_index;
        out++;
        segtex_pipeline_release(p, &f);
    }
    CHECK(out == 1 && index == 2, "%d frames shown, the last %lld: the newest (2) only", out, (long long)index);
    CHECK(faces == index && seg_index == index, "last frame %lld shown with faces of %lld and segmentation of %lld",
          (long long)index, (long long)faces, (long long)seg_index);
    segtex_pipeline_destroy(p);
    segtex_segmenter_destroy(seg);
    segtex_face_tracker_destroy(tr);
}

static void size_change_and_stop(void)
{
    fast_src src = {320, 240, 0, 60, 0, 30, 0};
    segtex_pipeline *p = NULL;
    segtex_pipeline_options po = {{&src, fast_read, fast_info}, NULL, NULL, 0, 4, NULL, NULL};
    CHECK(segtex_pipeline_create(&po, &p) == SEGTEX_OK, "pipeline");
    if (!p)
        return;
    segtex_pipeline_frame f;
    int n = 0, small = 0;
    while (segtex_pipeline_next(p, &f) == 1) {
        CHECK(f.index == n, "frame %lld, expected %d", (long long)f.index, n);
        small += f.image->width == 200 && f.image->height == 150;
        CHECK(f.image->data[0] == (uint8_t)((f.index * 7) & 0xff), "frame %lld has another frame's pixels",
              (long long)f.index);
        n++;
        segtex_pipeline_release(p, &f);
    }
    CHECK(n == 60 && small == 30, "%d frames (%d at the new size), expected 60 (30)", n, small);
    segtex_pipeline_stats s;
    segtex_pipeline_get_stats(p, &s);
    CHECK(s.resizes == 1, "%d resizes", s.resizes);
    segtex_pipeline_destroy(p);

    /* stop in the middle: next() returns 0 and destroy joins */
    src = (fast_src){320, 240, 0, 100000, 0, 0, 0};
    CHECK(segtex_pipeline_create(&po, &p) == SEGTEX_OK, "pipeline");
    for (int i = 0; i < 10 && segtex_pipeline_next(p, &f) == 1; i++)
        segtex_pipeline_release(p, &f);
    segtex_pipeline_stop(p);
    CHECK(segtex_pipeline_next(p, &f) == 0, "next after stop");
    segtex_pipeline_destroy(p);
}

int main(void)
{
    const char *a = getenv("SEGTEX_ASSETS");
    snprintf(dir, sizeof dir, "%s", a ? a : "assets");
    snprintf(portrait, sizeof portrait, "%s/astronaut.png", dir);
    char path[4300];
    segtex_model_options mo = {SEGTEX_BACKEND_AUTO, NULL};
    snprintf(path, sizeof path, "%s/face_detection_short_range.tflite", dir);
    CHECK(segtex_face_detector_create(path, &mo, &det) == SEGTEX_OK, "detector");
    snprintf(path, sizeof path, "%s/face_landmark_with_attention.tflite", dir);
    CHECK(segtex_face_landmarker_create(path, &mo, &lm) == SEGTEX_OK, "landmarker");
    if (det && lm) {
        RUN(offline_is_complete_ordered_and_deterministic);
        RUN(live_drops_and_stays_bounded);
        RUN(live_last_frame_has_its_results);
    }
    RUN(size_change_and_stop);
    segtex_face_landmarker_destroy(lm);
    segtex_face_detector_destroy(det);
    return test_summary();
}
