/*
 * Allocation-failure injection (the way SQLite tests it): for every N from 1
 * to the number of segtex allocations made while creating and configuring
 * a whole pipeline (models, tracker, segmenter, textures, renderer,
 * pipeline threads), fail the N-th allocation: creation must fail with an
 * error (never crash), and tearing down what was built must free every
 * block (segtex_alloc_live returns to where it was; LeakSanitizer checks
 * the rest in the sanitizer build).
 */
#include "harness.h"
#include "segtex/io.h"
#include "pipeline/frame_pipeline.h"
#include "segtex/render.h"
#include "segtex/vision.h"

#include <stdlib.h>
#include <string.h>

static char dir[4096];

static int demo_read(void *u, segtex_image *dst, double *pts) { return segtex_demo_read(u, dst, pts); }
static void demo_info(void *u, segtex_source_info *i) { segtex_demo_get_info(u, i); }

typedef struct stack {
    segtex_demo *demo;
    segtex_face_detector *det;
    segtex_face_landmarker *lm;
    segtex_face_tracker *tr;
    segtex_segmenter *seg;
    segtex_texture_set *set;
    segtex_renderer *rd;
    segtex_pipeline *p;
} stack;

/* Build everything; returns the first error (or OK). Whatever was built stays in `s`. */
static segtex_status build(stack *s, segtex_backend backend)
{
    char path[4200];
    segtex_status st;
    segtex_model_options mo = {backend, NULL};
    segtex_face_tracker_options to = {0};
    to.video = 1;
    segtex_segmenter_options so = {SEGTEX_SEGMENTER_COMPOSITE, dir, mo, 1};
    snprintf(path, sizeof path, "%s/astronaut.png", dir);
    if ((st = segtex_demo_create(path, 160, 120, 3, 30, &s->demo)))
        return st;
    snprintf(path, sizeof path, "%s/face_detection_short_range.tflite", dir);
    if ((st = segtex_face_detector_create(path, &mo, &s->det)))
        return st;
    snprintf(path, sizeof path, "%s/face_landmark_with_attention.tflite", dir);
    if ((st = segtex_face_landmarker_create(path, &mo, &s->lm)) ||
        (st = segtex_face_tracker_create(s->det, s->lm, &to, &s->tr)) || (st = segtex_segmenter_create(&so, &s->seg)) ||
        (st = segtex_texture_set_create(NULL, &s->set)) || (st = segtex_texture_set_randomize(s->set, 1)) ||
        (st = segtex_renderer_create(s->set, &s->rd)))
        return st;
    segtex_render_config c = {SEGTEX_RENDER_OVERLAY, 160, 120, 256, 256, segtex_landmark_style_default()};
    if ((st = segtex_renderer_configure(s->rd, &c)))
        return st;
    segtex_pipeline_options po = {{s->demo, demo_read, demo_info}, s->tr, s->seg, 0, 4, NULL, NULL};
    return segtex_pipeline_create(&po, &s->p);
}

static void teardown(stack *s)
{
    segtex_pipeline_destroy(s->p);
    segtex_renderer_destroy(s->rd);
    segtex_texture_set_destroy(s->set);
    segtex_segmenter_destroy(s->seg);
    segtex_face_tracker_destroy(s->tr);
    segtex_face_landmarker_destroy(s->lm);
    segtex_face_detector_destroy(s->det);
    segtex_demo_destroy(s->demo);
    memset(s, 0, sizeof *s);
}

static void every_allocation_failure_is_handled(segtex_backend backend)
{
    stack s = {0};
    /* A first full build: one-time library state (XNNPACK init) happens here, and we count. */
    CHECK(build(&s, backend) == SEGTEX_OK, "clean build failed");
    teardown(&s);
    int64_t live0 = segtex_alloc_live();
    uint64_t a0 = segtex_alloc_count();
    CHECK(build(&s, backend) == SEGTEX_OK, "second build failed");
    uint64_t total = segtex_alloc_count() - a0;
    teardown(&s);
    CHECK(segtex_alloc_live() == live0, "a clean build leaks %lld blocks", (long long)(segtex_alloc_live() - live0));
    CHECK(total > 50, "only %llu allocations counted", (unsigned long long)total);
    printf("       %s: %llu allocations to create and configure the pipeline\n", segtex_backend_name(backend),
           (unsigned long long)total);
    /* Under the sanitizers every N takes long: test a spread of them there, all of them otherwise. */
    uint64_t stride = getenv("SEGTEX_SANITIZED") ? 7 : 1;
    int crashes_avoided = 0, leaks = 0, accepted = 0;
    segtex_set_log(NULL, NULL, SEGTEX_LOG_ERROR); /* thousands of expected "out of memory" lines */
    for (uint64_t n = 1; n <= total; n += stride) {
        segtex_alloc_fail_at(n);
        segtex_status st = build(&s, backend);
        segtex_alloc_fail_at(0);
        if (st == SEGTEX_OK)
            accepted++; /* a failure swallowed: the stack claims success without the memory */
        teardown(&s);
        if (segtex_alloc_live() != live0) {
            if (leaks++ < 5)
                printf("       N=%llu leaks %lld blocks\n", (unsigned long long)n,
                       (long long)(segtex_alloc_live() - live0));
            live0 = segtex_alloc_live(); /* report each leak once */
        }
        crashes_avoided++;
    }
    segtex_set_log(segtex_log_stderr, NULL, SEGTEX_LOG_WARNING);
    CHECK(accepted == 0, "%d of the failing builds reported success", accepted);
    CHECK(leaks == 0, "%d failing builds leaked", leaks);
    printf("       %d failure points handled\n", crashes_avoided);
}

static void ref_backend(void) { every_allocation_failure_is_handled(SEGTEX_BACKEND_REF); }
static void xnnpack_backend(void) { every_allocation_failure_is_handled(SEGTEX_BACKEND_XNNPACK); }

int main(void)
{
    const char *a = getenv("SEGTEX_ASSETS");
    snprintf(dir, sizeof dir, "%s", a ? a : "assets");
    segtex_set_log(segtex_log_stderr, NULL, SEGTEX_LOG_WARNING);
    RUN(ref_backend);
    if (segtex_backend_available(SEGTEX_BACKEND_XNNPACK))
        RUN(xnnpack_backend);
    return test_summary();
}
