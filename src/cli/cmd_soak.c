/*
 * `segtex soak`: the full offline pipeline (demo source, segmentation, face
 * tracking, render; no encoding) for many frames, sampling RSS and heap
 * allocations, to show that memory is flat and the steady state allocates
 * nothing.
 */
#define _GNU_SOURCE
#include "commands.h"
#include "opts.h"
#include "segtex/io.h"
#include "segtex/pipeline.h"
#include "segtex/render.h"
#include "segtex/vision.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char soak_usage[] =
    "usage: segtex soak [--frames N] [--size WxH] [--randomize-every K] [--json] [--curve FILE.csv]\n"
    "                   [--segmenter composite|person] [--backend B] [--models DIR]\n"
    "\n"
    "Runs the offline pipeline (demo clip -> face tracking + segmentation -> render, no encoding) for\n"
    "N frames (default 5000) after 100 warm-up frames, randomizing the textures every K frames\n"
    "(default 50), and reports RSS and heap allocations. Allocations are segtex's own, or every\n"
    "thread's when the counting interposer is preloaded (LD_PRELOAD=libsegtex_alloccount.so).\n"
    "With --json the last line is exactly\n"
    "  {\"frames\":N,\"rss_start_mb\":A,\"rss_end_mb\":B,\"rss_max_mb\":C,\"allocs_per_frame\":D,\"fps\":E}\n"
    "--curve writes frame,rss_mb samples (every 1%% of the run) as CSV.\n";

#define WARMUP 100

/* RSS without allocating: read /proc/self/statm into a stack buffer. */
static double rss_mb(void)
{
    char buf[128];
    int fd = open("/proc/self/statm", O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = 0;
    char *p = strchr(buf, ' ');
    return p ? (double)strtol(p + 1, NULL, 10) * (double)sysconf(_SC_PAGESIZE) / 1048576.0 : 0;
}

static int demo_read(void *u, segtex_image *dst, double *pts) { return segtex_demo_read(u, dst, pts); }
static void demo_info(void *u, segtex_source_info *i) { segtex_demo_get_info(u, i); }

int cmd_soak(int argc, char **argv)
{
    long frames = 5000, every = 50, w = 1280, h = 720;
    int json = 0;
    const char *curve = NULL, *models = NULL, *backend = "auto", *kind = "composite", *size = NULL;
    cli_opts o;
    cli_opts_init(&o, argc - 1, argv + 1, "soak");
    while (cli_opts_next(&o)) {
        if (cli_opt_is(&o, "--help") || cli_opt_is(&o, "-h")) {
            fputs(soak_usage, stdout);
            return 0;
        } else if (cli_opt_is(&o, "--frames")) {
            cli_opt_long(&o, 1, 100000000L, &frames);
        } else if (cli_opt_is(&o, "--randomize-every")) {
            cli_opt_long(&o, 0, 100000000L, &every);
        } else if (cli_opt_is(&o, "--size")) {
            size = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--json")) {
            json = 1;
        } else if (cli_opt_is(&o, "--curve")) {
            curve = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--models")) {
            models = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--backend")) {
            backend = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--segmenter")) {
            kind = cli_opt_str(&o);
        } else {
            cli_opt_unknown(&o);
        }
    }
    if (o.failed)
        return 2;
    if (size && (sscanf(size, "%ldx%ld", &w, &h) != 2 || w < 16 || h < 16 || w > 8192 || h > 8192)) {
        fprintf(stderr, "segtex: soak: '--size' needs WxH (16..8192), got '%s'\n", size);
        return 2;
    }
    int be = segtex_backend_parse(backend), k = segtex_segmenter_kind_parse(kind);
    if (be < 0 || !segtex_backend_available((segtex_backend)be) ||
        (k != SEGTEX_SEGMENTER_COMPOSITE && k != SEGTEX_SEGMENTER_PERSON)) {
        fprintf(stderr, "segtex: soak: bad --backend '%s' or --segmenter '%s' (composite or person)\n", backend, kind);
        return 2;
    }
    /* Every thread's allocations when the interposer is preloaded; else segtex's own. */
    uint64_t (*process_allocs)(void) = (uint64_t(*)(void))dlsym(RTLD_DEFAULT, "segtex_interposed_alloc_count");

    const char *dir = cli_models_dir(models);
    char path[4096];
    int rc = 1;
    FILE *cf = NULL;
    segtex_demo *demo = NULL;
    segtex_face_detector *det = NULL;
    segtex_face_landmarker *lm = NULL;
    segtex_face_tracker *tr = NULL;
    segtex_segmenter *seg = NULL;
    segtex_texture_set *set = NULL;
    segtex_renderer *rd = NULL;
    segtex_pipeline *p = NULL;
    segtex_threadpool *pool = NULL;
    segtex_image out = {0};
    segtex_model_options mo = {(segtex_backend)be, NULL};
    segtex_face_tracker_options to = {0};
    to.video = 1;
    segtex_segmenter_options so = {(segtex_segmenter_kind)k, dir, mo, 1};
    snprintf(path, sizeof path, "%s/astronaut.png", dir);
    if (segtex_demo_create(path, (int)w, (int)h, frames + WARMUP, 30, &demo) || segtex_threadpool_create(1, &pool))
        goto done;
    if (cli_load_face_models(dir, "short", "attention", &mo, &det, &lm) ||
        segtex_face_tracker_create(det, lm, &to, &tr) ||
        segtex_segmenter_create(&so, &seg) || segtex_texture_set_create(NULL, &set) ||
        segtex_renderer_create(set, &rd) || segtex_image_alloc(&out, (int)w, (int)h, 3))
        goto done;
    if (curve && !(cf = fopen(curve, "w"))) {
        fprintf(stderr, "segtex: soak: cannot write '%s'\n", curve);
        goto done;
    }
    if (cf)
        fprintf(cf, "frame,rss_mb\n");
    segtex_texture_set_randomize(set, 1);
    segtex_pipeline_options po = {{demo, demo_read, demo_info}, tr, seg, 0, 0};
    if (segtex_pipeline_create(&po, &p))
        goto done;
    fprintf(stderr, "segtex: soak: %ld frames of %ldx%ld after %d warm-up frames, randomize every %ld, "
                    "segmenter %s, allocations counted: %s\n",
            frames, w, h, WARMUP, every, kind, process_allocs ? "every thread (interposer)" : "segtex's own");
    int cfg_mw = 0, cfg_mh = 0;
    long n = 0, step = frames / 100 > 0 ? frames / 100 : 1;
    double rss_start = 0, rss_max = 0, t_start = 0;
    uint64_t a_start = 0;
    segtex_pipeline_frame f;
    int r;
    while ((r = segtex_pipeline_next(p, &f)) == 1) {
        int mw = f.seg->width, mh = f.seg->height;
        if (mw != cfg_mw || mh != cfg_mh) {
            segtex_render_config c = {SEGTEX_RENDER_MASK, (int)w, (int)h, mw, mh, segtex_landmark_style_default()};
            if (segtex_renderer_configure(rd, &c))
                break;
            cfg_mw = mw, cfg_mh = mh;
        }
        segtex_segmentation sv = {mw, mh, f.seg->prob, f.seg->category};
        segtex_landmarks views[SEGTEX_MAX_TRACKED_FACES];
        for (int i = 0; i < f.faces->count; i++) {
            views[i].count = f.faces->faces[i].count;
            views[i].xyz = (const float(*)[3])f.faces->faces[i].xyz;
            views[i].has_box = 0;
        }
        segtex_renderer_render(rd, f.image, &sv, views, f.faces->count, &out, pool);
        segtex_pipeline_release(p, &f);
        n++;
        if (every && n % every == 0)
            segtex_texture_set_randomize(set, (uint64_t)n);
        if (n == WARMUP) {
            rss_start = rss_max = rss_mb();
            a_start = process_allocs ? process_allocs() : segtex_alloc_count();
            t_start = segtex_now();
        }
        if (n > WARMUP && (n - WARMUP) % step == 0) {
            double rss = rss_mb();
            rss_max = rss > rss_max ? rss : rss_max;
            if (cf)
                fprintf(cf, "%ld,%.2f\n", n - WARMUP, rss);
            if (!json && (n - WARMUP) % (step * 10) == 0)
                fprintf(stderr, "segtex: soak: %ld frames, RSS %.1f MB\n", n - WARMUP, rss);
        }
    }
    if (r < 0 || n != frames + WARMUP) {
        fprintf(stderr, "segtex: soak: stopped after %ld frames\n", n);
        goto done;
    }
    double secs = segtex_now() - t_start;
    uint64_t allocs = (process_allocs ? process_allocs() : segtex_alloc_count()) - a_start;
    double rss_end = rss_mb();
    rss_max = rss_end > rss_max ? rss_end : rss_max;
    printf("{\"frames\":%ld,\"rss_start_mb\":%.2f,\"rss_end_mb\":%.2f,\"rss_max_mb\":%.2f,\"allocs_per_frame\":%.4g,"
           "\"fps\":%.2f}\n",
           frames, rss_start, rss_end, rss_max, (double)allocs / (double)frames, secs > 0 ? frames / secs : 0.0);
    rc = 0;
done:
    segtex_pipeline_destroy(p);
    if (cf && fclose(cf))
        rc = 1;
    segtex_image_free(&out);
    segtex_renderer_destroy(rd);
    segtex_texture_set_destroy(set);
    segtex_segmenter_destroy(seg);
    segtex_face_tracker_destroy(tr);
    segtex_face_landmarker_destroy(lm);
    segtex_face_detector_destroy(det);
    segtex_threadpool_destroy(pool);
    segtex_demo_destroy(demo);
    return rc;
}
