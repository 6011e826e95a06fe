/*
 * `segtex soak`: the full offline pipeline (demo source, segmentation, face
 * tracking, render; no encoding) for many frames, sampling RSS and heap
 * allocations, to show that memory is flat and the steady state allocates
 * nothing.
 */
#define _GNU_SOURCE
#include "commands.h"
#include "input.h"
#include "settings.h"
#include "segtex/effect.h"
#include "segtex/io.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char soak_intro[] =
    "usage: segtex soak [--frames N] [--size WxH] [--randomize-every K] [--json] [--curve FILE.csv] [options]\n"
    "\n"
    "Runs segtex_effect in pull mode, exactly as `segtex run` does (demo clip -> face tracking +\n"
    "segmentation -> render, no encoding), for N frames (default 5000; size default 1280x720) after\n"
    "100 warm-up frames, randomizing the textures every K frames (default 50), and reports RSS and\n"
    "heap allocations. Allocations are segtex's own, or every thread's when the counting interposer\n"
    "is preloaded (LD_PRELOAD=libsegtex_alloccount.so). With --json the last line is exactly\n"
    "  {\"frames\":N,\"rss_start_mb\":A,\"rss_end_mb\":B,\"rss_max_mb\":C,\"allocs_per_frame\":D,\"fps\":E}\n"
    "The segmenter is composite unless --segmenter person.\n";

#define WARMUP 100

int cmd_soak(int argc, char **argv)
{
    cli_settings *s = calloc(1, sizeof *s);
    if (!s)
        return 1;
    int pr = cli_settings_parse(s, CMD_SOAK, "soak", argc, argv);
    if (pr) {
        if (pr > 0)
            cli_settings_help(CMD_SOAK, soak_intro);
        free(s);
        return pr > 0 ? 0 : 2;
    }
    long frames = s->frames ? s->frames : 5000, every = s->randomize_every;
    int w = s->width ? s->width : 1280, h = s->height ? s->height : 720;
    if (s->effect.segmenter != SEGTEX_SEGMENTER_PERSON)
        s->effect.segmenter = SEGTEX_SEGMENTER_COMPOSITE;
    if (!s->has_threads)
        s->effect.threads = 1;
    if (!s->effect.has_seed)
        s->effect.has_seed = 1, s->effect.seed = 1;
    const char *dir = cli_models_dir(s->effect.models_dir);
    s->effect.models_dir = dir;
    /* Every thread's allocations when the interposer is preloaded; else segtex's own. */
    uint64_t (*process_allocs)(void) = (uint64_t(*)(void))dlsym(RTLD_DEFAULT, "segtex_interposed_alloc_count");

    int rc = 1;
    FILE *cf = NULL;
    cli_input in = {0};
    segtex_effect *fx = NULL;
    if (cli_input_open(&in, "demo:", dir, w, h, frames + WARMUP, 0, 0, 0, NULL) ||
        segtex_effect_create(&s->effect, &fx))
        goto done;
    if (s->curve && !(cf = fopen(s->curve, "w"))) {
        fprintf(stderr, "segtex: soak: cannot write '%s'\n", s->curve);
        goto done;
    }
    if (cf)
        fprintf(cf, "frame,rss_mb\n");
    segtex_frame_reader reader = cli_input_reader(&in);
    if (segtex_effect_start(fx, &reader))
        goto done;
    fprintf(stderr, "segtex: soak: %ld frames of %dx%d after %d warm-up frames, randomize every %ld, "
                    "segmenter %s, %s mode, allocations counted: %s\n",
            frames, w, h, WARMUP, every, segtex_segmenter_kind_name(segtex_effect_segmenter(fx)),
            segtex_render_mode_name(s->effect.mode), process_allocs ? "every thread (interposer)" : "segtex's own");
    long n = 0, step = frames / 100 > 0 ? frames / 100 : 1;
    double rss_start = 0, rss_max = 0, t_start = 0;
    uint64_t a_start = 0;
    segtex_image out = {0};
    int r;
    while ((r = segtex_effect_next(fx, &out, NULL)) == 1) {
        out.data = NULL;
        n++;
        if (every && n % every == 0)
            segtex_effect_randomize(fx, (uint64_t)n);
        if (n == WARMUP) {
            rss_start = rss_max = segtex_rss_mb();
            a_start = process_allocs ? process_allocs() : segtex_alloc_count();
            t_start = segtex_now();
        }
        if (n > WARMUP && (n - WARMUP) % step == 0) {
            double rss = segtex_rss_mb();
            rss_max = rss > rss_max ? rss : rss_max;
            if (cf)
                fprintf(cf, "%ld,%.2f\n", n - WARMUP, rss);
            if (!s->json && (n - WARMUP) % (step * 10) == 0)
                fprintf(stderr, "segtex: soak: %ld frames, RSS %.1f MB\n", n - WARMUP, rss);
        }
    }
    if (r < 0 || n != frames + WARMUP) {
        fprintf(stderr, "segtex: soak: stopped after %ld frames\n", n);
        goto done;
    }
    double secs = segtex_now() - t_start;
    uint64_t allocs = (process_allocs ? process_allocs() : segtex_alloc_count()) - a_start;
    double rss_end = segtex_rss_mb();
    rss_max = rss_end > rss_max ? rss_end : rss_max;
    printf("{\"frames\":%ld,\"rss_start_mb\":%.2f,\"rss_end_mb\":%.2f,\"rss_max_mb\":%.2f,\"allocs_per_frame\":%.4g,"
           "\"fps\":%.2f}\n",
           frames, rss_start, rss_end, rss_max, (double)allocs / (double)frames, secs > 0 ? frames / secs : 0.0);
    rc = 0;
done:
    segtex_effect_destroy(fx);
    if (cf && fclose(cf)) {
        fprintf(stderr, "segtex: soak: error writing '%s'\n", s->curve);
        rc = 1;
    }
    cli_input_close(&in);
    free(s);
    return rc;
}
