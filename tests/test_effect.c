/*
 * segtex_effect, the front door: push offline and pull give the same pixels;
 * push live returns at once with bounded lag and counted drops; no mode
 * allocates per frame; settings from another thread land between frames;
 * bad views are refused with one line. With the body on (pose, hands,
 * skeleton) the same holds, and the pose arrives with every frame.
 */
#include "harness.h"
#include "segtex/effect.h"
#include "segtex/io.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define W 320
#define H 240
#define FRAMES 24

static char dir[4200], portrait[4200];
static int body; /* 1: pose, hands and the skeleton on (the second pass) */
static segtex_image clip[FRAMES];

static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
    const uint8_t *b = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

static uint64_t hash_image(const segtex_image *img)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (int y = 0; y < img->height; y++)
        h = fnv(h, img->data + y * img->stride, (size_t)img->width * 3);
    return h;
}

static segtex_effect_options options(int live)
{
    segtex_effect_options o = segtex_effect_options_default();
    o.models_dir = dir;
    o.segmenter = SEGTEX_SEGMENTER_COMPOSITE;
    o.landmarks = 1;
    o.has_seed = 1;
    o.seed = 5;
    o.live = live;
    o.pose = o.skeleton = body;
    o.hands = body ? 2 : 0;
    o.hands_full = 0;
    return o;
}

typedef struct clip_reader {
    int next, limit;
} clip_reader;

static int clip_read(void *u, segtex_image *dst, double *pts)
{
    clip_reader *r = u;
    if (r->next >= r->limit)
        return SEGTEX_SOURCE_END;
    const segtex_image *src = &clip[r->next % FRAMES];
    for (int y = 0; y < H; y++)
        memcpy(dst->data + y * dst->stride, src->data + y * src->stride, W * 3);
    *pts = r->next++ / 30.0;
    return SEGTEX_SOURCE_FRAME;
}

static void clip_info(void *u, segtex_source_info *info)
{
    clip_reader *r = u;
    info->width = W, info->height = H, info->fps = 30, info->frames = r->limit, info->live = 0;
}

/* Push offline and pull give bit-identical frames, faces and categories. */
static void test_push_equals_pull(void)
{
    uint64_t push_hash[FRAMES], pull_hash[FRAMES], push_seg[FRAMES], pull_seg[FRAMES];
    uint64_t push_pose[FRAMES], pull_pose[FRAMES];
    int push_faces = 0, pull_faces = 0, push_poses = 0, pull_poses = 0;
    segtex_effect_options o = options(0);
    segtex_effect *e = NULL;
    CHECK(segtex_effect_create(&o, &e) == SEGTEX_OK, "create (push)");
    if (!e)
        return;
    for (int i = 0; i < FRAMES; i++) {
        segtex_image out = {0};
        segtex_effect_result r;
        CHECK(segtex_effect_process(e, &clip[i], i / 30.0, &out, &r) == SEGTEX_OK, "process %d", i);
        CHECK(r.index == i && r.faces_index == i && r.seg_index == i, "push offline: results of frame %d are its own", i);
        CHECK(body ? r.pose && r.pose_index == i && r.hands && r.hands_index == i
                   : !r.pose && r.pose_index == -1 && !r.hands && r.hands_index == -1,
              "push offline: frame %d's pose and hands (body %d)", i, body);
        push_pose[i] = r.pose ? fnv(0xcbf29ce484222325ull, r.pose->landmarks, sizeof r.pose->landmarks) : 0;
        push_poses += r.pose ? r.pose->count : 0;
        push_hash[i] = hash_image(&out);
        push_seg[i] = fnv(0xcbf29ce484222325ull, r.seg->category, (size_t)r.seg->width * r.seg->height);
        push_faces += r.faces->count;
        CHECK(segtex_effect_source(e) == NULL, "push: no source frame held (the caller has it)");
    }
    segtex_effect_destroy(e);

    e = NULL;
    CHECK(segtex_effect_create(&o, &e) == SEGTEX_OK, "create (pull)");
    if (!e)
        return;
    clip_reader cr = {0, FRAMES};
    segtex_frame_reader reader = {&cr, clip_read, clip_info};
    CHECK(segtex_effect_start(e, &reader) == SEGTEX_OK, "start");
    CHECK(!segtex_effect_is_live(e), "a file-like reader is offline");
    segtex_image view = {0};
    CHECK(segtex_effect_process(e, &clip[0], 0, &view, NULL) == SEGTEX_ERROR_INVALID_ARGUMENT,
          "process on a started effect is refused");
    int n = 0, r;
    segtex_effect_result res;
    segtex_image out = {0};
    while ((r = segtex_effect_next(e, &out, &res)) == 1) {
        CHECK(res.index == n, "pull: frame %lld in order (expected %d)", (long long)res.index, n);
        if (n < FRAMES) {
            /* the frame as filmed that this painted frame came from (run's category maps are snapped to it) */
            const segtex_image *src = segtex_effect_source(e);
            CHECK(src && src->width == clip[n].width && src->height == clip[n].height &&
                      hash_image(src) == hash_image(&clip[n]),
                  "pull: frame %d's source is the frame read", n);
            pull_hash[n] = hash_image(&out);
            pull_seg[n] = fnv(0xcbf29ce484222325ull, res.seg->category, (size_t)res.seg->width * res.seg->height);
            pull_faces += res.faces->count;
            CHECK(body ? res.pose && res.pose_index == n && res.hands && res.hands_index == n : !res.pose && !res.hands,
                  "pull: frame %d's pose and hands (body %d)", n, body);
            pull_pose[n] = res.pose ? fnv(0xcbf29ce484222325ull, res.pose->landmarks, sizeof res.pose->landmarks) : 0;
            pull_poses += res.pose ? res.pose->count : 0;
        }
        n++;
        out.data = NULL;
    }
    CHECK(r == 0 && n == FRAMES, "pull: %d frames, end %d", n, r);
    segtex_effect_destroy(e);
    int same = 0, same_seg = 0, same_pose = 0;
    for (int i = 0; i < FRAMES; i++)
        same += push_hash[i] == pull_hash[i], same_seg += push_seg[i] == pull_seg[i],
            same_pose += push_pose[i] == pull_pose[i];
    CHECK(same_pose == FRAMES, "push and pull: %d of %d poses identical", same_pose, FRAMES);
    CHECK(push_poses == (body ? FRAMES : 0) && pull_poses == push_poses, "a pose on every frame with the body on "
          "(push %d, pull %d)", push_poses, pull_poses);
    CHECK(same == FRAMES, "push and pull: %d of %d frames bit-identical", same, FRAMES);
    CHECK(same_seg == FRAMES, "push and pull: %d of %d category maps identical", same_seg, FRAMES);
    CHECK(push_faces == FRAMES && pull_faces == FRAMES, "a face on every frame (push %d, pull %d)", push_faces,
          pull_faces);
}

/* Offline is deterministic, and painting into the caller's buffer equals the effect's own frame. */
static void test_deterministic_and_caller_buffer(void)
{
    segtex_effect_options o = options(0);
    segtex_effect *a = NULL, *b = NULL;
    CHECK(segtex_effect_create(&o, &a) == SEGTEX_OK && segtex_effect_create(&o, &b) == SEGTEX_OK, "create");
    if (!a || !b)
        goto done;
    segtex_image mine;
    CHECK(segtex_image_alloc(&mine, W, H, 3) == SEGTEX_OK, "alloc");
    int same = 0;
    for (int i = 0; i < 8; i++) {
        segtex_image own = {0};
        segtex_effect_process(a, &clip[i], i / 30.0, &own, NULL);
        segtex_effect_process(b, &clip[i], i / 30.0, &mine, NULL);
        same += hash_image(&own) == hash_image(&mine);
    }
    CHECK(same == 8, "%d of 8 frames identical between two effects and two output buffers", same);
    segtex_image wrong;
    segtex_image_alloc(&wrong, W / 2, H, 3);
    test_log_reset();
    segtex_set_log(test_log_capture, NULL, SEGTEX_LOG_WARNING);
    CHECK(segtex_effect_process(a, &clip[0], 1.0, &wrong, NULL) == SEGTEX_ERROR_INVALID_ARGUMENT,
          "an output of another size is refused");
    CHECK(test_log.errors == 1, "one error line (%d): %s", test_log.errors, test_log.line);
    segtex_image bad = clip[0];
    bad.stride = 10;
    segtex_image own = {0};
    test_log_reset();
    CHECK(segtex_effect_process(a, &bad, 1.0, &own, NULL) == SEGTEX_ERROR_INVALID_ARGUMENT,
          "a frame with a short stride is refused");
    CHECK(test_log.errors == 1 && own.data == NULL, "one line, nothing written");
    segtex_set_log(NULL, NULL, SEGTEX_LOG_ERROR);
    segtex_image_free(&wrong);
    segtex_image_free(&mine);
done:
    segtex_effect_destroy(a);
    segtex_effect_destroy(b);
}

/* Zero allocations per frame in push offline, push live and pull (the process-wide interposer counts). */
static void test_no_allocations(void)
{
    for (int mode = 0; mode < 3; mode++) {
        static const char *const names[] = {"push offline", "push live", "pull"};
        segtex_effect_options o = options(mode == 1);
        segtex_effect *e = NULL;
        CHECK(segtex_effect_create(&o, &e) == SEGTEX_OK, "create");
        if (!e)
            continue;
        uint64_t a0 = 0, a1 = 0;
        segtex_image out = {0};
        const int total = 60, warm = 20;
        if (mode < 2) {
            /*
             * Warm-up: push live renders its first frames before any result
             * exists (1x1 segmentation); the renderer configures for the
             * model's size when the first one arrives, however slow the
             * machine (ASan). Count only after results have been shown.
             */
            int with_seg = 0, i = 0;
            segtex_effect_result r;
            for (; with_seg < warm && i < 2000; i++) {
                out.data = NULL;
                segtex_effect_process(e, &clip[i % FRAMES], i / 30.0, &out, &r);
                with_seg += r.seg != NULL;
                if (mode == 1) { /* a camera's pace, so the workers run */
                    struct timespec ts = {0, 2000000};
                    nanosleep(&ts, NULL);
                }
            }
            a0 = test_process_allocs() + segtex_alloc_count();
            for (int k = 0; k < total - warm; k++, i++) {
                out.data = NULL;
                segtex_effect_process(e, &clip[i % FRAMES], i / 30.0, &out, NULL);
                if (mode == 1) {
                    struct timespec ts = {0, 2000000};
                    nanosleep(&ts, NULL);
                }
            }
            a1 = test_process_allocs() + segtex_alloc_count();
        } else {
            clip_reader cr = {0, total};
            segtex_frame_reader reader = {&cr, clip_read, clip_info};
            segtex_effect_start(e, &reader);
            int n = 0;
            while (segtex_effect_next(e, &out, NULL) == 1) {
                out.data = NULL;
                if (++n == warm)
                    a0 = test_process_allocs() + segtex_alloc_count();
            }
            a1 = test_process_allocs() + segtex_alloc_count();
        }
        CHECK(a1 == a0, "%s: %llu allocations in %d steady frames", names[mode], (unsigned long long)(a1 - a0),
              total - warm);
        segtex_effect_destroy(e);
    }
}

/* The median of n values (sorted in place; insertion: n is a few hundred). */
static int64_t median_i64(int64_t *v, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            int64_t t = v[j];
            v[j] = v[j - 1], v[j - 1] = t;
        }
    return n ? v[n / 2] : 0;
}

/*
 * Push live, frames pushed faster than inference: every call returns at
 * once with the newest results; the lag behind the pushed frame stays
 * bounded (it does not grow as it would with a queue) and drops are counted.
 */
static void test_push_live(void)
{
    segtex_effect_options o = options(1);
    segtex_effect *e = NULL;
    CHECK(segtex_effect_create(&o, &e) == SEGTEX_OK, "create");
    if (!e)
        return;
    enum { total = 400, warm = 50 };
    int64_t with_seg = 0, last_seg = -1, last_change = -1, max_cycle = 0, max_lag = 0, lag_at[total], settled = total;
    int64_t cycles[total], lags[total];
    int ncycles = 0, nlags = 0;
    double worst_call = 0;
    for (int i = 0; i < total; i++) {
        segtex_image out = {0};
        segtex_effect_result r;
        double t0 = segtex_now();
        CHECK(segtex_effect_process(e, &clip[i % FRAMES], i / 1000.0, &out, &r) == SEGTEX_OK, "process %d", i);
        double ms = (segtex_now() - t0) * 1e3;
        worst_call = ms > worst_call ? ms : worst_call;
        CHECK(r.index == i, "index %lld", (long long)r.index);
        lag_at[i] = -1;
        if (r.seg) {
            with_seg++;
            CHECK(r.seg_index <= i, "results never come from the future");
            lag_at[i] = i - r.seg_index;
            if (r.seg_index != last_seg) { /* a new segmentation: one inference cycle ended */
                if (last_change >= warm)
                    cycles[ncycles++] = i - last_change;
                if (last_change >= warm && i - last_change > max_cycle)
                    max_cycle = i - last_change;
                if (i >= warm && settled == total) /* the first cycle to end after the warm-up */
                    settled = i;
                last_seg = r.seg_index, last_change = i;
            }
        }
        struct timespec ts = {0, 1000000}; /* 1 ms between pushes: faster than inference */
        nanosleep(&ts, NULL);
    }
    /* The cycle still open at the end counts too: a stall there (two cores shared with other tests) ages the
     * shown segmentation without a new one arriving to close its cycle. Lags count from the first cycle that
     * ends after the warm-up: the first inference (slow under a sanitizer and load: 49 frames once, in CI) shows
     * a segmentation of frame 0 until then, and its cycle is not among those measured. */
    if (last_change >= warm && total - last_change > max_cycle)
        max_cycle = total - last_change;
    if (last_change >= warm)
        cycles[ncycles++] = total - last_change;
    for (int64_t i = settled; i < total; i++) {
        max_lag = lag_at[i] > max_lag ? lag_at[i] : max_lag;
        if (lag_at[i] >= 0)
            lags[nlags++] = lag_at[i];
    }
    int64_t med_cycle = median_i64(cycles, ncycles), med_lag = median_i64(lags, nlags);
    segtex_effect_stats s;
    segtex_effect_get_stats(e, &s);
    printf("  push live: %d frames pushed, %lld with a segmentation; after warm-up the shown segmentation is "
           "%lld frames old (median; at most %lld), one inference cycle %lld frames (median; at most %lld); dropped "
           "%lld at the mailbox, %lld by the face worker, %lld by the segmentation worker; slowest call %.1f ms\n",
           total, (long long)with_seg, (long long)med_lag, (long long)max_lag, (long long)med_cycle,
           (long long)max_cycle, (long long)s.dropped_source, (long long)s.dropped_face, (long long)s.dropped_seg,
           worst_call);
    CHECK(with_seg > total / 2, "results arrive (%lld of %d frames have a segmentation)", (long long)with_seg, total);
    CHECK(s.dropped_source + s.dropped_seg > 0, "frames faster than inference are dropped and counted");
    CHECK(s.frames == total, "every pushed frame was rendered (%lld)", (long long)s.frames);
    /*
     * Bounded lag, measured in the run's own inference cycles rather than in
     * milliseconds (so load on the machine cannot make it fail): newest-wins
     * shows a segmentation a few cycles old at most (the inference
     * running when a frame arrives, then that frame's own, plus the hand-offs
     * between the threads sharing two cores). A queue would
     * fall further behind with every push: its lag grows with the run, past
     * any multiple of one cycle. Medians: one stall of a worker (two cores
     * shared with other tests under a sanitizer: 67 frames once in CI, with
     * cycles of 7) is not a queue; a queue's median lag is half the run's.
     */
    CHECK(ncycles > 0 && nlags > 0 && med_lag <= 4 * med_cycle + 8,
          "lag bounded: %lld frames (median), %lld per inference cycle (median)", (long long)med_lag,
          (long long)med_cycle);
    CHECK(max_lag < total / 2, "no frame shows a segmentation half the run old (at most %lld)", (long long)max_lag);
    segtex_effect_destroy(e);
}

/* Settings changed from another thread while frames are processed land between frames, without a crash. */
typedef struct setter_ctx {
    segtex_effect *e;
    volatile int stop;
    int changes;
} setter_ctx;

static void *setter_main(void *arg)
{
    setter_ctx *c = arg;
    uint64_t seed = 10;
    while (!c->stop) {
        segtex_effect_set_mode(c->e, (segtex_render_mode)(seed % 3));
        segtex_effect_set_landmarks(c->e, (int)(seed & 1));
        segtex_effect_randomize(c->e, seed++);
        segtex_paint p = segtex_effect_get_paint(c->e, SEGTEX_CATEGORY_HAIR);
        p.opacity = 0.5f;
        segtex_effect_set_paint(c->e, SEGTEX_CATEGORY_HAIR, &p);
        segtex_effect_stats s;
        segtex_effect_get_stats(c->e, &s);
        c->changes++;
    }
    return NULL;
}

static void test_settings_from_another_thread(void)
{
    segtex_effect_options o = options(0);
    segtex_effect *e = NULL;
    CHECK(segtex_effect_create(&o, &e) == SEGTEX_OK, "create");
    if (!e)
        return;
    segtex_image out = {0};
    segtex_effect_process(e, &clip[0], 0, &out, NULL);
    uint64_t before = hash_image(&out);
    segtex_effect_set_mode(e, SEGTEX_RENDER_MASK);
    out.data = NULL;
    segtex_effect_process(e, &clip[1], 1 / 30.0, &out, NULL);
    CHECK(hash_image(&out) != before, "set_mode changes the next frame");
    setter_ctx c = {e, 0, 0};
    pthread_t t;
    pthread_create(&t, NULL, setter_main, &c);
    int ok = 0;
    for (int i = 2; i < 40; i++) {
        out.data = NULL;
        ok += segtex_effect_process(e, &clip[i % FRAMES], i / 30.0, &out, NULL) == SEGTEX_OK;
    }
    c.stop = 1;
    pthread_join(t, NULL);
    CHECK(ok == 38 && c.changes > 0, "38 frames processed (%d) while %d changes were made", ok, c.changes);
    segtex_effect_destroy(e);
}

/* Bad options and missing models: one line, NULL. */
static void test_create_failures(void)
{
    segtex_set_log(test_log_capture, NULL, SEGTEX_LOG_WARNING);
    segtex_effect_options o = options(0);
    o.models_dir = "/nonexistent";
    segtex_effect *e = (segtex_effect *)1;
    test_log_reset();
    CHECK(segtex_effect_create(&o, &e) != SEGTEX_OK && e == NULL, "missing models: an error and NULL");
    CHECK(test_log.errors == 1, "one error line (%d): %s", test_log.errors, test_log.line);
    o = options(0);
    o.max_faces = 99;
    test_log_reset();
    CHECK(segtex_effect_create(&o, &e) == SEGTEX_ERROR_INVALID_ARGUMENT && e == NULL, "max_faces 99 refused");
    CHECK(test_log.errors == 1, "one error line: %s", test_log.line);
    segtex_set_log(NULL, NULL, SEGTEX_LOG_ERROR);
    segtex_effect_destroy(NULL);
}

/* The skeleton option draws: the same frame with and without it differs, along the shoulders. */
static void test_skeleton_drawn(void)
{
    segtex_effect_options o = options(0);
    segtex_image a = {0}, b = {0};
    segtex_effect_result r;
    segtex_effect *e = NULL;
    float sh[2][2] = {{0}};
    for (int pass = 0; pass < 2; pass++) {
        o.skeleton = pass;
        CHECK(segtex_effect_create(&o, &e) == SEGTEX_OK, "create");
        if (!e)
            return;
        segtex_image out = {0};
        CHECK(segtex_effect_process(e, &clip[0], 0, &out, &r) == SEGTEX_OK && r.pose && r.pose->count == 1,
              "a pose on the first frame");
        segtex_image *dst = pass ? &b : &a;
        segtex_image_alloc(dst, W, H, 3);
        for (int y = 0; y < H; y++)
            memcpy(dst->data + y * dst->stride, out.data + y * out.stride, W * 3);
        for (int k = 0; k < 2 && r.pose && r.pose->count; k++)
            sh[k][0] = r.pose->landmarks[11 + k][0] * W, sh[k][1] = r.pose->landmarks[11 + k][1] * H;
        segtex_effect_destroy(e);
        e = NULL;
    }
    /* The midpoint of the shoulders' connection is painted in the skeleton's colour (white). */
    int x = (int)((sh[0][0] + sh[1][0]) / 2), y = (int)((sh[0][1] + sh[1][1]) / 2), changed = 0;
    for (int yy = 0; yy < H; yy++)
        changed += memcmp(a.data + yy * a.stride, b.data + yy * b.stride, W * 3) != 0;
    CHECK(changed > 0, "the skeleton changed %d rows", changed);
    int white = 0;
    for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++) {
            int xx = x + dx, yy = y + dy;
            if (xx < 0 || xx >= W || yy < 0 || yy >= H)
                continue;
            const uint8_t *p = b.data + yy * b.stride + xx * 3;
            white |= p[0] >= 240 && p[1] >= 240 && p[2] >= 240;
        }
    CHECK(white, "a white pixel of the shoulder line next to (%d,%d)", x, y);
    segtex_image_free(&a);
    segtex_image_free(&b);
}

int main(void)
{
    segtex_set_log(segtex_log_stderr, NULL, SEGTEX_LOG_WARNING);
    const char *p = test_asset("astronaut.png");
    if (p)
        snprintf(portrait, sizeof portrait, "%s", p);
    if (!p || !test_asset("selfie_segmentation.tflite")) {
        printf("assets missing: 0 passed, 0 failed, 1 skipped\n");
        return 0;
    }
    p = portrait;
    snprintf(dir, sizeof dir, "%s", p);
    *strrchr(dir, '/') = 0;
    segtex_demo *demo = NULL;
    if (segtex_demo_create(portrait, W, H, FRAMES, 30, &demo))
        return 1;
    for (int i = 0; i < FRAMES; i++) {
        double pts;
        segtex_image_alloc(&clip[i], W, H, 3);
        segtex_demo_read(demo, &clip[i], &pts);
    }
    segtex_demo_destroy(demo);
    RUN(test_push_equals_pull);
    RUN(test_deterministic_and_caller_buffer);
    RUN(test_no_allocations);
    RUN(test_push_live);
    RUN(test_settings_from_another_thread);
    RUN(test_create_failures);
    body = 1;
    RUN(test_push_equals_pull);
    RUN(test_no_allocations);
    RUN(test_skeleton_drawn);
    for (int i = 0; i < FRAMES; i++)
        segtex_image_free(&clip[i]);
    return test_summary();
}
