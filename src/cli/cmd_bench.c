/* `segtex bench render`: time the renderer on a synthetic portrait, no models needed. */
#include "commands.h"
#include "opts.h"
#include "segtex/pipeline.h"
#include "segtex/render.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char bench_usage[] =
    "usage: segtex bench render [--size WxH] [--mode mask|overlay|cutout] [--threads N]\n"
    "                           [--frames N] [--model WxH] [--contours]\n"
    "\n"
    "Renders a synthetic portrait (category probabilities at model resolution, default 256x256,\n"
    "with soft borders) at --size (default 1280x720): five categories textured (background\n"
    "bricks, hair waves, body-skin dots, face-skin noise, clothes stripes), 'others' a colour,\n"
    "478 landmark dots (--contours adds the contour lines). After 10 warm-up frames it times\n"
    "--frames frames (default 300) one by one. The last line is\n"
    "  render size=<W>x<H> mode=<m> threads=<n> median_ms=<x>\n";

/* One line on stderr naming the problem; returns the exit code 2. */
__attribute__((format(printf, 1, 2))) static int err(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("segtex: bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 2;
}

static int parse_size(const char *s, int *w, int *h, int max)
{
    char tail;
    return s && sscanf(s, "%dx%d%c", w, h, &tail) == 2 && *w >= 1 && *h >= 1 && *w <= max && *h <= max;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static float sigmoid(float d) { return 1.0f / (1.0f + expf(-d)); }

/*
 * A portrait at model resolution: head (face skin inside hair), neck (body
 * skin), shoulders (clothes), glasses (others). Each region's membership is
 * a sigmoid of twice its signed distance in model pixels: a border goes from
 * 0.02 to 0.98 over 4 model pixels (and is not exactly 0/1 over about 6),
 * as soft as a real segmenter's output.
 */
static void synth_portrait(float *prob, int mw, int mh)
{
    for (int y = 0; y < mh; y++) {
        for (int x = 0; x < mw; x++) {
            float u = (x + 0.5f) / mw, v = (y + 0.5f) / mh, s = 2.0f * mw;
            float head = 0.19f - hypotf((u - 0.5f) / 0.8f, v - 0.36f);
            float face = 0.15f - hypotf((u - 0.5f) / 0.75f, (v - 0.40f) / 1.1f);
            float neck = fminf(0.06f - fabsf(u - 0.5f), v - 0.5f);
            float body = fminf(0.36f - fabsf(u - 0.5f), v - 0.66f);
            float glasses = fminf(0.012f - fabsf(v - 0.37f), 0.11f - fabsf(u - 0.5f));
            float ph = sigmoid(head * s), pf = sigmoid(face * s), pn = sigmoid(neck * s), pb = sigmoid(body * s);
            float pg = sigmoid(glasses * s);
            float p[6];
            p[5] = pg * pf;
            p[3] = pf * (1 - pg);
            p[1] = ph * (1 - pf);
            p[4] = pb;
            p[2] = pn * (1 - pb) * (1 - ph);
            float person = p[1] + p[2] + p[3] + p[4] + p[5];
            p[0] = person < 1 ? 1 - person : 0;
            float sum = p[0] + person;
            for (int c = 0; c < 6; c++)
                prob[((size_t)y * mw + x) * 6 + c] = p[c] / sum;
        }
    }
}

static void synth_landmarks(float (*pts)[3])
{
    /* 478 points over the face region: rings of an ellipse, deterministic. */
    for (int i = 0; i < SEGTEX_FACE_LANDMARK_COUNT; i++) {
        float ring = (float)(i % 12 + 1) / 12.0f, a = (float)i * 2.39996f;
        pts[i][0] = 0.5f + 0.11f * ring * cosf(a);
        pts[i][1] = 0.40f + 0.16f * ring * sinf(a);
        pts[i][2] = 0;
    }
}

static int bench_render(int argc, char **argv)
{
    int w = 1280, h = 720, mw = 256, mh = 256, mode = SEGTEX_RENDER_MASK;
    long threads = 1, frames = 300;
    segtex_landmark_style style = segtex_landmark_style_default();
    cli_opts o;
    cli_opts_init(&o, argc, argv, "bench render");
    while (cli_opts_next(&o)) {
        const char *s;
        if (cli_opt_is(&o, "--help") || cli_opt_is(&o, "-h")) {
            fputs(bench_usage, stdout);
            return 0;
        } else if (cli_opt_is(&o, "--size")) {
            if ((s = cli_opt_str(&o)) && !parse_size(s, &w, &h, 16384))
                return err("--size needs WxH (1..16384), got '%s'", s);
        } else if (cli_opt_is(&o, "--model")) {
            if ((s = cli_opt_str(&o)) && !parse_size(s, &mw, &mh, 4096))
                return err("--model needs WxH (1..4096), got '%s'", s);
        } else if (cli_opt_is(&o, "--mode")) {
            if ((s = cli_opt_str(&o)) && (mode = segtex_render_mode_parse(s)) < 0)
                return err("--mode must be mask, overlay or cutout, got '%s'", s);
        } else if (cli_opt_is(&o, "--threads")) {
            cli_opt_long(&o, 0, SEGTEX_THREADPOOL_MAX_THREADS, &threads);
        } else if (cli_opt_is(&o, "--frames")) {
            cli_opt_long(&o, 1, 1000000, &frames);
        } else if (cli_opt_is(&o, "--contours")) {
            style.contours = 1;
        } else {
            cli_opt_unknown(&o);
        }
    }
    if (o.failed)
        return 2;

    int rc = 2;
    segtex_texture_set *set = NULL;
    segtex_renderer *r = NULL;
    segtex_threadpool *pool = NULL;
    float *prob = malloc(sizeof(float) * 6 * mw * mh);
    double *times = malloc(sizeof(double) * frames);
    static float pts[SEGTEX_FACE_LANDMARK_COUNT][3];
    segtex_image frame = {malloc((size_t)w * h * 3), w, h, 3, (ptrdiff_t)w * 3};
    segtex_image out = {malloc((size_t)w * h * 3), w, h, 3, (ptrdiff_t)w * 3};
    if (!prob || !times || !frame.data || !out.data) {
        err("out of memory for %dx%d", w, h);
        goto done;
    }
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint8_t *p = frame.data + ((size_t)y * w + x) * 3;
            p[0] = (uint8_t)(x * 255 / w);
            p[1] = (uint8_t)(y * 255 / h);
            p[2] = 128;
        }
    synth_portrait(prob, mw, mh);
    synth_landmarks(pts);

    if (segtex_texture_set_create(NULL, &set) != SEGTEX_OK || segtex_renderer_create(set, &r) != SEGTEX_OK ||
        segtex_threadpool_create((int)threads, &pool) != SEGTEX_OK) {
        err("cannot set up the renderer");
        goto done;
    }
    static const char *const textures[5] = {"bricks", "waves", "dots", "noise", "stripes"};
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        segtex_paint p = segtex_paint_default(c);
        if (c < 5)
            p.texture = segtex_texture_set_find(set, textures[c]);
        p.scale = 1.5f;
        segtex_texture_set_set_paint(set, c, &p);
    }
    segtex_render_config cfg = {(segtex_render_mode)mode, w, h, mw, mh, style};
    if (segtex_renderer_configure(r, &cfg) != SEGTEX_OK) {
        err("cannot configure the renderer for %dx%d", w, h);
        goto done;
    }
    segtex_segmentation seg = {mw, mh, prob, NULL};
    segtex_landmarks lm = {SEGTEX_FACE_LANDMARK_COUNT, (const float(*)[3])pts, 1, {0.36f, 0.2f, 0.28f, 0.4f}};
    for (int i = 0; i < 10; i++)
        segtex_renderer_render(r, &frame, &seg, &lm, 1, &out, pool);
    double total = 0;
    for (long i = 0; i < frames; i++) {
        double t0 = now_ms();
        segtex_renderer_render(r, &frame, &seg, &lm, 1, &out, pool);
        times[i] = now_ms() - t0;
        total += times[i];
    }
    qsort(times, (size_t)frames, sizeof *times, cmp_double);
    double median = frames % 2 ? times[frames / 2] : 0.5 * (times[frames / 2 - 1] + times[frames / 2]);
    int nthreads = segtex_threadpool_threads_count(pool);
    printf("bench render: %dx%d from %dx%d probabilities, mode %s, 5 textured categories + 1 colour, "
           "478 landmark dots%s, %d thread%s, %ld frames\n",
           w, h, mw, mh, segtex_render_mode_name((segtex_render_mode)mode), style.contours ? " + contours" : "",
           nthreads, nthreads == 1 ? "" : "s", frames);
    printf("min_ms=%.3f mean_ms=%.3f max_ms=%.3f fps_at_median=%.0f\n", times[0], total / frames, times[frames - 1],
           1000.0 / median);
    printf("render size=%dx%d mode=%s threads=%d median_ms=%.3f\n", w, h,
           segtex_render_mode_name((segtex_render_mode)mode), nthreads, median);
    rc = 0;
done:
    segtex_renderer_destroy(r);
    segtex_threadpool_destroy(pool);
    segtex_texture_set_destroy(set);
    free(prob);
    free(times);
    free(frame.data);
    free(out.data);
    return rc;
}

int cmd_bench(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(bench_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "render"))
        return bench_render(argc - 2, argv + 2);
    return err("unknown benchmark '%s' (available: render)", argv[1]);
}
