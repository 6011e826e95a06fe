/* `segtex bench render`: time the renderer on a synthetic portrait, no models needed. */
#include "commands.h"
#include "settings.h"
#include "segtex/effect.h"
#include "segtex/io.h"
#include "segtex/render.h"
#include "segtex/assets.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char bench_usage[] =
    "usage: segtex bench render [options]    the renderer alone, on a synthetic portrait (no models)\n"
    "       segtex bench pipeline [options]  the whole engine: face tracking + segmentation + render\n"
    "\n"
    "'segtex bench render --help' and 'segtex bench pipeline --help' list the options.\n";

static const char render_intro[] =
    "usage: segtex bench render [--size WxH] [--mode mask|overlay|cutout] [--threads N]\n"
    "                           [--frames N] [--model WxH] [--contours] [--paint CAT=SPEC]\n"
    "                           [--anchor CAT=A] [--edges bilinear|guided]\n"
    "\n"
    "Renders a synthetic portrait (category probabilities at model resolution, default 256x256,\n"
    "with soft borders) at --size (default 1280x720): five categories textured (background\n"
    "bricks, hair waves, body-skin dots, face-skin noise, clothes stripes), 'others' a colour,\n"
    "478 landmark dots (--contours adds the contour lines), textures anchored by default (hair to\n"
    "the face, face skin to the face mesh, clothes and body skin to the face, there being no pose).\n"
    "The face is the canonical face mesh when the models folder (--models) has its file, so the\n"
    "mesh anchor is timed on a real mesh; else rings of points, and mesh is drawn as face.\n"
    "--paint and --anchor change a category (e.g. --paint background=blur=12). Mode default\n"
    "mask. After 10 warm-up frames it times --frames frames (default 300) one by one. The last\n"
    "line is\n"
    "  render size=<W>x<H> mode=<m> threads=<n> median_ms=<x>\n";

static const char pipeline_intro[] =
    "usage: segtex bench pipeline [--size WxH] [--frames N] [options]\n"
    "\n"
    "Times the engine (segtex_effect in pull mode, offline: every frame, in order) on the demo clip\n"
    "at --size (default 1280x720) for --frames frames (default 300) after 30 warm-up frames, with no\n"
    "encoding. The clip's frames are made once, before timing, into a ring of 30 that the source\n"
    "copies from, so the source costs a copy and the number is the engine's. --pose and --hands\n"
    "add the body workers. The last line is\n"
    "  pipeline size=<W>x<H> frames=<n> fps=<x> seg_ms=<p50> face_ms=<p50> render_ms=<p50>\n"
    "followed, with --pose, by pose_ms=<p50> pose_detections=<n> and, with --hands, by\n"
    "hands_ms=<p50> palm_detections=<n> (frames the detectors ran on).\n";

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
    for (int i = 0; i < SEGTEX_FACE_POINTS; i++) {
        float ring = (float)(i % 12 + 1) / 12.0f, a = (float)i * 2.39996f;
        pts[i][0] = 0.5f + 0.11f * ring * cosf(a);
        pts[i][1] = 0.40f + 0.16f * ring * sinf(a);
        pts[i][2] = 0;
    }
    /* The points face anchors use, where a face has them: nose tip, outer eye corners (a slight roll). */
    pts[1][0] = 0.5f, pts[1][1] = 0.43f;
    pts[33][0] = 0.45f, pts[33][1] = 0.37f;
    pts[263][0] = 0.55f, pts[263][1] = 0.38f;
}

/*
 * With the canonical face mesh: its vertices as the landmarks, a frontal
 * face filling the synthetic portrait's face (so `mesh` paints are timed on
 * a real mesh); the irises on the eyes. Returns the geometry (the caller
 * destroys it), or NULL when there is no mesh file (the rings stay).
 */
static segtex_face_geometry *mesh_landmarks(const char *models_dir, int w, int h, float (*pts)[3])
{
    char dir[4096], path[4200];
    segtex_face_geometry *g = NULL;
    /* Quietly: the render bench needs no model (main's log level restored after). */
    segtex_set_log(segtex_log_stderr, NULL, SEGTEX_LOG_ERROR);
    segtex_status st = segtex_models_dir_find(models_dir, dir, sizeof dir);
    segtex_set_log(segtex_log_stderr, NULL, SEGTEX_LOG_WARNING);
    if (st != SEGTEX_OK)
        return NULL;
    snprintf(path, sizeof path, "%s/%s", dir, SEGTEX_FACE_GEOMETRY_FILE);
    if (access(path, R_OK) != 0 || segtex_face_geometry_create(path, &g) != SEGTEX_OK)
        return NULL;
    const segtex_face_mesh *m = segtex_face_geometry_mesh(g);
    float lo[3] = {1e9f, 1e9f, 1e9f}, hi[3] = {-1e9f, -1e9f, -1e9f};
    for (int i = 0; i < m->vertex_count; i++)
        for (int k = 0; k < 3; k++)
            lo[k] = fminf(lo[k], m->xyz[i][k]), hi[k] = fmaxf(hi[k], m->xyz[i][k]);
    /* The face 0.33 of the frame's height tall (centimetres, y up, to pixels, y down), centred at (0.5, 0.42). */
    float k = 0.33f * (float)h / (hi[1] - lo[1]), cx = 0.5f * (lo[0] + hi[0]), cy = 0.5f * (lo[1] + hi[1]);
    for (int i = 0; i < m->vertex_count; i++) {
        pts[i][0] = 0.5f + (m->xyz[i][0] - cx) * k / (float)w;
        pts[i][1] = 0.42f - (m->xyz[i][1] - cy) * k / (float)h;
        pts[i][2] = -(m->xyz[i][2] - hi[2]) * k / (float)w;
    }
    for (int i = m->vertex_count; i < SEGTEX_FACE_POINTS; i++)
        memcpy(pts[i], pts[i < 473 ? 33 : 263], sizeof pts[i]); /* the irises, roughly: only dots */
    return g;
}


static int bench_render(int argc, char **argv)
{
    cli_settings *cs = calloc(1, sizeof *cs);
    if (!cs)
        return 1;
    int pr = cli_settings_parse(cs, CMD_BENCH, "bench render", argc, argv);
    if (pr) {
        if (pr > 0)
            cli_settings_help(CMD_BENCH, render_intro);
        free(cs);
        return pr > 0 ? 0 : 2;
    }
    int w = cs->width ? cs->width : 1280, h = cs->height ? cs->height : 720;
    int mw = cs->model_w ? cs->model_w : 256, mh = cs->model_h ? cs->model_h : 256;
    int mode = cs->has_mode ? (int)cs->effect.mode : SEGTEX_RENDER_MASK;
    long threads = cs->has_threads ? cs->effect.threads : 1, frames = cs->frames ? cs->frames : 300;
    segtex_landmark_style style = segtex_landmark_style_default();
    style.contours = cs->style.contours;

    int rc = 2;
    segtex_texture_set *set = NULL;
    segtex_renderer *r = NULL;
    segtex_threadpool *pool = NULL;
    segtex_face_geometry *geometry = NULL;
    float *prob = malloc(sizeof(float) * 6 * mw * mh);
    double *times = malloc(sizeof(double) * frames);
    static float pts[SEGTEX_FACE_POINTS][3];
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
    /* --paint, --anchor, ... over the bench's paints (e.g. background=blur=12, hair=tint=#aa3355). */
    cli_paint_target pt = cli_texture_set_target(set);
    if (cli_apply_edits(cs, "bench render", &pt))
        goto done;
    /* A real face mesh when the models folder has it: face skin's default `mesh` anchor is timed on it. */
    geometry = mesh_landmarks(cs->effect.models_dir, w, h, pts);
    if (geometry)
        segtex_renderer_set_face_mesh(r, segtex_face_geometry_mesh(geometry));
    segtex_render_config cfg = {(segtex_render_mode)mode, w, h, mw, mh, style};
    if (segtex_renderer_set_edges(r, cs->edges) != SEGTEX_OK || segtex_renderer_configure(r, &cfg) != SEGTEX_OK) {
        err("cannot configure the renderer for %dx%d", w, h);
        goto done;
    }
    segtex_seg_result seg = {mw, mh, prob, NULL, mw * mh};
    static segtex_face_result lm;
    lm.count = 1;
    lm.faces[0].count = SEGTEX_FACE_POINTS;
    memcpy(lm.faces[0].xyz, pts, sizeof pts);
    memcpy(lm.detection[0].box, (const float[4]){0.36f, 0.2f, 0.28f, 0.4f}, sizeof lm.detection[0].box);
    for (int i = 0; i < 10; i++)
        segtex_renderer_render(r, &frame, &seg, &(segtex_people){&lm, NULL, NULL, 0}, &out, pool);
    double total = 0;
    for (long i = 0; i < frames; i++) {
        double t0 = segtex_now() * 1e3;
        segtex_renderer_render(r, &frame, &seg, &(segtex_people){&lm, NULL, NULL, 0}, &out, pool);
        times[i] = segtex_now() * 1e3 - t0;
        total += times[i];
    }
    qsort(times, (size_t)frames, sizeof *times, cmp_double);
    double median = frames % 2 ? times[frames / 2] : 0.5 * (times[frames / 2 - 1] + times[frames / 2]);
    int nthreads = segtex_threadpool_threads_count(pool);
    printf("bench render: %dx%d from %dx%d probabilities, mode %s, 5 textured categories + 1 colour, "
           "478 landmark dots%s, face %s, %d thread%s, %ld frames\n",
           w, h, mw, mh, segtex_render_mode_name((segtex_render_mode)mode), style.contours ? " + contours" : "",
           geometry ? "on the canonical mesh (mesh anchor wraps it)" : "synthetic rings (no face mesh file: mesh = face)",
           nthreads, nthreads == 1 ? "" : "s", frames);
    printf("min_ms=%.3f mean_ms=%.3f max_ms=%.3f fps_at_median=%.0f\n", times[0], total / frames, times[frames - 1],
           1000.0 / median);
    printf("render size=%dx%d mode=%s threads=%d median_ms=%.3f\n", w, h,
           segtex_render_mode_name((segtex_render_mode)mode), nthreads, median);
    rc = 0;
done:
    segtex_renderer_destroy(r);
    segtex_face_geometry_destroy(geometry);
    segtex_threadpool_destroy(pool);
    segtex_texture_set_destroy(set);
    free(prob);
    free(times);
    free(cs);
    free(frame.data);
    free(out.data);
    return rc;
}

/* The demo clip made once into a ring the source copies from: the benchmark times the engine. */
typedef struct ring {
    segtex_image frames[30];
    int count;
    long next, limit;
} ring;

static int ring_read(void *u, segtex_image *dst, double *pts)
{
    ring *r = u;
    if (r->next >= r->limit)
        return SEGTEX_SOURCE_END;
    const segtex_image *src = &r->frames[r->next % r->count];
    for (int y = 0; y < dst->height; y++)
        memcpy(dst->data + y * dst->stride, src->data + y * src->stride, (size_t)dst->width * 3);
    *pts = (double)r->next++ / 30.0;
    return SEGTEX_SOURCE_FRAME;
}

static void ring_info(void *u, segtex_source_info *info)
{
    ring *r = u;
    info->width = r->frames[0].width;
    info->height = r->frames[0].height;
    info->fps = 30;
    info->frames = r->limit;
    info->live = 0;
}

#define PIPELINE_WARMUP 30

static int bench_pipeline(int argc, char **argv)
{
    cli_settings *cs = calloc(1, sizeof *cs);
    ring *rg = calloc(1, sizeof *rg);
    if (!cs || !rg) {
        free(cs), free(rg);
        return 1;
    }
    int rc = 2, pr = cli_settings_parse(cs, CMD_BENCH, "bench pipeline", argc, argv);
    if (pr) {
        if (pr > 0)
            cli_settings_help(CMD_BENCH, pipeline_intro);
        free(cs), free(rg);
        return pr > 0 ? 0 : 2;
    }
    rc = 1;
    int w = cs->width ? cs->width : 1280, h = cs->height ? cs->height : 720;
    long frames = cs->frames ? cs->frames : 300;
    if (!cs->has_threads)
        cs->effect.threads = 1;
    cs->effect.models_dir = cli_models_dir(cs->effect.models_dir);
    segtex_effect *fx = NULL;
    segtex_demo *demo = NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s/astronaut.png", cs->effect.models_dir);
    if (segtex_demo_create(path, w, h, 0, 30.0, &demo))
        goto done;
    rg->count = (int)(sizeof rg->frames / sizeof rg->frames[0]);
    for (int i = 0; i < rg->count; i++) {
        double pts;
        if (segtex_image_alloc(&rg->frames[i], w, h, 3) || segtex_demo_read(demo, &rg->frames[i], &pts) != 1)
            goto done;
    }
    rg->limit = frames + PIPELINE_WARMUP;
    if (segtex_effect_create(&cs->effect, &fx))
        goto done;
    segtex_frame_reader reader = {rg, ring_read, ring_info};
    if (segtex_effect_start(fx, &reader))
        goto done;
    segtex_image out = {0};
    segtex_effect_result res;
    long n = 0;
    double t0 = 0;
    int r;
    while ((r = segtex_effect_next(fx, &out, &res)) == 1) {
        out.data = NULL;
        if (++n == PIPELINE_WARMUP)
            t0 = segtex_now();
    }
    double secs = segtex_now() - t0;
    if (r < 0 || n != frames + PIPELINE_WARMUP) {
        fprintf(stderr, "segtex: bench pipeline: stopped after %ld frames\n", n);
        goto done;
    }
    segtex_effect_stats es;
    segtex_effect_get_stats(fx, &es);
    printf("bench pipeline: %dx%d demo frames from a ring of %d, segmenter %s, backend %s, %s mode, "
           "%ld frames after %d warm-up\n",
           w, h, rg->count, segtex_segmenter_kind_name(segtex_effect_segmenter(fx)),
           segtex_backend_name(segtex_effect_backend(fx)), segtex_render_mode_name(cs->effect.mode), frames,
           PIPELINE_WARMUP);
    printf("pipeline size=%dx%d frames=%ld fps=%.1f seg_ms=%.2f face_ms=%.2f render_ms=%.2f", w, h, frames,
           secs > 0 ? (double)frames / secs : 0.0, es.seg.p50_ms, es.face.p50_ms, es.render.p50_ms);
    if (cs->effect.pose)
        printf(" pose_ms=%.2f pose_detections=%lld", es.pose.p50_ms, (long long)es.pose_detections);
    if (cs->effect.hands)
        printf(" hands_ms=%.2f palm_detections=%lld", es.hands.p50_ms, (long long)es.palm_detections);
    putchar('\n');
    rc = 0;
done:
    segtex_effect_destroy(fx);
    segtex_demo_destroy(demo);
    for (int i = 0; i < rg->count; i++)
        segtex_image_free(&rg->frames[i]);
    free(rg);
    free(cs);
    return rc;
}

int cmd_bench(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(bench_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "render"))
        return bench_render(argc - 1, argv + 1);
    if (!strcmp(argv[1], "pipeline"))
        return bench_pipeline(argc - 1, argv + 1);
    return err("unknown benchmark '%s' (available: render, pipeline)", argv[1]);
}
