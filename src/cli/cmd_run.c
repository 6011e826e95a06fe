/*
 * `segtex run`: the live effect. The engine is segtex_effect (pull mode);
 * this file is the command's UI: options, outputs, the window and its keys,
 * progress and statistics.
 */
#include "commands.h"
#include "input.h"
#include "outputs.h"
#include "settings.h"
#include "segtex/effect.h"
#include "segtex/io.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char run_intro[] =
    "usage: segtex run [-i INPUT] [-o OUTPUT]... [options]\n"
    "\n"
    "The live effect: frames from INPUT are split into six categories (background, hair, body skin,\n"
    "face skin, clothes, others), each painted with a colour or a texture, and sent to every OUTPUT.\n"
    "Statistics go to stderr once a second (files: a progress bar with ETA) and as a summary at the\n"
    "end. Exit code 0 when every frame was written, 1 when anything failed, 2 for a bad command line.\n";

static volatile sig_atomic_t stop_requested;
static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

typedef struct run_state {
    cli_settings *s;
    segtex_effect *fx;
    cli_input in;
    segtex_source_info info;
    cli_outputs out;
    segtex_window *win;
    double t_start, t_last, rss_start, rss_max;
    int64_t in_last, out_last;
    char status[512];
    int tty, live;
} run_state;

static void format_status(run_state *st, const segtex_effect_stats *es, double in_fps, double out_fps)
{
    segtex_stage_stats ks;
    segtex_stage_timer_get(&st->out.t_write, &ks);
    snprintf(st->status, sizeof st->status,
             "in %.1f fps  out %.1f fps  dropped %lld  seg %.1f/%.1f ms  face %.1f/%.1f ms  render %.1f/%.1f ms  "
             "out %.1f ms  RSS %.0f MB",
             in_fps, out_fps, (long long)(es->dropped_source + es->dropped_output), es->seg.p50_ms, es->seg.p95_ms,
             es->face.p50_ms, es->face.p95_ms, es->render.p50_ms, es->render.p95_ms, ks.p50_ms, segtex_rss_mb());
    if (st->live) { /* how old the segmentation on screen is: capture to output */
        size_t n = strlen(st->status);
        snprintf(st->status + n, sizeof st->status - n, "  latency %.0f/%.0f ms", es->latency.p50_ms,
                 es->latency.p95_ms);
    }
}

/* Once a second: the status line, and the progress bar or the statistics on stderr. */
static void tick(run_state *st)
{
    double now = segtex_now();
    if (now - st->t_last < 1.0)
        return;
    segtex_effect_stats es;
    segtex_effect_get_stats(st->fx, &es);
    double dt = now - st->t_last;
    double in_fps = (double)(es.frames_in - st->in_last) / dt, out_fps = (double)(es.frames - st->out_last) / dt;
    st->in_last = es.frames_in, st->out_last = es.frames, st->t_last = now;
    double rss = segtex_rss_mb();
    st->rss_max = rss > st->rss_max ? rss : st->rss_max;
    format_status(st, &es, in_fps, out_fps);
    if (st->s->quiet)
        return;
    if (st->info.frames > 0 && !st->live) {
        double frac = (double)es.frames / (double)st->info.frames;
        double eta = out_fps > 0 ? (double)(st->info.frames - es.frames) / out_fps : 0;
        char bar[31];
        int fill = (int)(frac * 30);
        for (int k = 0; k < 30; k++)
            bar[k] = k < fill ? '=' : k == fill ? '>' : ' ';
        bar[30] = 0;
        fprintf(stderr, "%s[%s] %3.0f%% %lld/%lld frames  %.1f fps  ETA %.0fs  %s", st->tty ? "\r" : "", bar,
                frac * 100, (long long)es.frames, (long long)st->info.frames, out_fps, eta, st->tty ? "" : "\n");
    } else {
        fprintf(stderr, "segtex: %s\n", st->status);
    }
}

/* The legend line: each category's paint. */
static void legend_line(run_state *st, char *line, size_t size)
{
    int n = 0;
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT && n < (int)size; c++) {
        segtex_paint pt = segtex_effect_get_paint(st->fx, c);
        const char *tex = pt.texture >= 0 ? segtex_effect_texture_name(st->fx, pt.texture) : NULL;
        n += snprintf(line + n, size - (size_t)n, "%s%s:%s", c ? "  " : "", segtex_category_name(c),
                      !pt.enabled ? "off" : tex ? tex : "colour");
    }
}

/* The window's legend: one swatch per painted category, in its colour (a texture's ink). */
static void set_legend(run_state *st, int on)
{
    static char labels[SEGTEX_CATEGORY_COUNT][64];
    segtex_legend_entry entries[SEGTEX_CATEGORY_COUNT];
    int n = 0;
    for (int c = 0; on && c < SEGTEX_CATEGORY_COUNT; c++) {
        segtex_paint pt = segtex_effect_get_paint(st->fx, c);
        const char *tex = pt.texture >= 0 ? segtex_effect_texture_name(st->fx, pt.texture) : NULL;
        snprintf(labels[c], sizeof labels[c], "%s: %s", segtex_category_name(c),
                 !pt.enabled ? "off" : tex ? tex : "colour");
        entries[n].label = labels[c];
        memcpy(entries[n].rgb, pt.color, 3);
        n++;
    }
    segtex_window_set_legend(st->win, entries, n);
}

typedef struct window_ui {
    int paused, legend, snapshots;
    long shown, randomizes;
} window_ui;

/* Show the frame, then act on the keys: the command's key bindings live here, not in io. */
static int show_window(run_state *st, window_ui *ui, segtex_image *out)
{
    if (!st->win && segtex_window_open("segtex", out->width, out->height, &st->win)) {
        fprintf(stderr, "segtex: run: cannot open the preview window\n");
        return -1;
    }
    char line[768];
    if (ui->legend)
        legend_line(st, line, sizeof line);
    else
        snprintf(line, sizeof line, "%s%s", ui->paused ? "[paused] " : "", st->status);
    if (segtex_window_show(st->win, out, line)) {
        fprintf(stderr, "segtex: run: cannot show the frame in the window\n");
        return -1;
    }
    for (int q = 0; q < st->s->num_keys; q++) /* synthetic presses go through SDL's queue too */
        if (st->s->key_frame[q] == ui->shown)
            segtex_window_push_key(st->win, st->s->key_code[q]);
    ui->shown++;
    int key;
    while ((key = segtex_window_poll_key(st->win)) != 0) {
        switch (key) {
        case 'q':
        case SEGTEX_KEY_ESCAPE:
        case SEGTEX_KEY_CLOSE: stop_requested = 1; break;
        case 'r': segtex_effect_randomize(st->fx, st->s->effect.seed + (uint64_t)++ui->randomizes); break;
        case 'm':
            segtex_effect_set_mode(st->fx, (segtex_render_mode)((segtex_effect_get_mode(st->fx) + 1) %
                                                                 SEGTEX_RENDER_MODE_COUNT));
            break;
        case 'l': segtex_effect_set_landmarks(st->fx, !segtex_effect_get_landmarks(st->fx)); break;
        case 'c':
            ui->legend = !ui->legend;
            set_legend(st, ui->legend);
            break;
        case ' ': ui->paused = !ui->paused; break;
        case 's': {
            char name[64];
            snprintf(name, sizeof name, "segtex-snapshot-%04d.png", ++ui->snapshots);
            if (segtex_image_save_png(name, out) == SEGTEX_OK)
                fprintf(stderr, "segtex: run: snapshot %s\n", name);
            break;
        }
        default: break;
        }
    }
    return 0;
}

static int write_stats_json(const char *path, const segtex_effect_stats *s, const run_state *st, double secs,
                            int w, int h)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "segtex: run: cannot write the statistics to '%s': %s\n", path, strerror(errno));
        return -1;
    }
    segtex_stage_stats ks;
    segtex_stage_timer_get(&st->out.t_write, &ks);
    fprintf(f,
            "{\"frames_in\":%lld,\"frames_out\":%lld,\"dropped_source\":%lld,\"dropped_output\":%lld,"
            "\"dropped_face\":%lld,\"dropped_seg\":%lld,\"resizes\":%d,\"seconds\":%.3f,\"fps\":%.2f,"
            "\"width\":%d,\"height\":%d,\"segmenter\":\"%s\",\"backend\":\"%s\","
            "\"seg_ms\":{\"p50\":%.3f,\"p95\":%.3f},\"face_ms\":{\"p50\":%.3f,\"p95\":%.3f},"
            "\"render_ms\":{\"p50\":%.3f,\"p95\":%.3f},\"output_ms\":{\"p50\":%.3f,\"p95\":%.3f},"
            "\"latency_ms\":{\"p50\":%.3f,\"p95\":%.3f},"
            "\"rss_start_mb\":%.1f,\"rss_end_mb\":%.1f,\"rss_max_mb\":%.1f}\n",
            (long long)s->frames_in, (long long)s->frames, (long long)s->dropped_source,
            (long long)s->dropped_output, (long long)s->dropped_face, (long long)s->dropped_seg, s->resizes, secs,
            secs > 0 ? (double)s->frames / secs : 0.0, w, h, segtex_segmenter_kind_name(segtex_effect_segmenter(st->fx)),
            segtex_backend_name(segtex_effect_backend(st->fx)), s->seg.p50_ms, s->seg.p95_ms, s->face.p50_ms,
            s->face.p95_ms, s->render.p50_ms, s->render.p95_ms, ks.p50_ms, ks.p95_ms, s->latency.p50_ms,
            s->latency.p95_ms, st->rss_start, segtex_rss_mb(), st->rss_max);
    if (ferror(f) | fclose(f)) {
        fprintf(stderr, "segtex: run: error writing the statistics to '%s'\n", path);
        return -1;
    }
    return 0;
}

static segtex_paint get_paint(void *o, int c) { return segtex_effect_get_paint(o, c); }
static segtex_status set_paint(void *o, int c, const segtex_paint *p) { return segtex_effect_set_paint(o, c, p); }
static int find_texture(void *o, const char *n) { return segtex_effect_find_texture(o, n); }
static int add_file(void *o, const char *path) { return segtex_effect_add_texture(o, path); }
static int add_picture(void *o, const char *path) { return segtex_effect_add_picture(o, path); }
static const char *texture_name(void *o, int i) { return segtex_effect_texture_name(o, i); }

/* The frame loop: pull a painted frame, write it everywhere, show it. 0 at the end, -1 on a failure (said). */
static int frame_loop(run_state *st)
{
    window_ui ui = {0};
    segtex_image out = {0};
    segtex_effect_result res;
    int have = 0;
    for (;;) {
        if (stop_requested) {
            segtex_effect_stop(st->fx);
            return 0;
        }
        if (!ui.paused || !have) {
            out.data = NULL; /* the effect's own output frame */
            int r = segtex_effect_next(st->fx, &out, &res);
            if (r == 0)
                return 0;
            if (r < 0) {
                fprintf(stderr, "segtex: run: stopped at frame %lld: %s\n", (long long)(have ? res.index + 1 : 0),
                        segtex_status_string((segtex_status)r));
                return -1;
            }
            have = 1;
            int w = cli_outputs_write(&st->out, &out, segtex_effect_source(st->fx), &res);
            if (w < 0)
                return -1;
            if (w == 0 && !st->out.has_window) {
                segtex_effect_stop(st->fx); /* every reader is gone: a quiet, successful end */
                return 0;
            }
        } else {
            out.data = NULL;
            if (segtex_effect_redraw(st->fx, &out, &res))
                return -1;
        }
        tick(st);
        if (st->out.has_window && show_window(st, &ui, &out))
            return -1;
        if (ui.paused) {
            struct timespec ts = {0, 20000000};
            nanosleep(&ts, NULL);
        }
    }
}

int cmd_run(int argc, char **argv)
{
    cli_settings *s = calloc(1, sizeof *s);
    run_state *st = calloc(1, sizeof *st);
    if (!s || !st) {
        free(s), free(st);
        return 1;
    }
    int rc, pr = cli_settings_parse(s, CMD_RUN, "run", argc, argv);
    if (pr) {
        if (pr > 0)
            cli_settings_help(CMD_RUN, run_intro);
        free(s), free(st);
        return pr > 0 ? 0 : 2;
    }
    if (!s->input)
        s->input = "demo:";
    int default_output = s->num_outputs == 0;
    if (default_output)
        s->outputs[s->num_outputs++] = getenv("DISPLAY") && *getenv("DISPLAY") ? "window" : "out/segtex.mp4";
    st->s = s;
    rc = 1;
    /* Nothing is opened before we know that no output overwrites the input or another output. */
    if (cli_outputs_check(s->outputs, s->num_outputs, strcmp(s->input, "demo:") ? s->input : NULL)) {
        free(st), free(s);
        return 1;
    }
    const char *dir = cli_models_dir(s->effect.models_dir);
    s->effect.models_dir = dir;
    if (!s->has_threads)
        s->effect.threads = 1;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN); /* a closed stdout pipe is a write error, not a kill */

    if (cli_input_open(&st->in, s->input, dir, s->width, s->height, s->frames, s->camera_w, s->camera_h,
                       s->camera_fps, s->camera_format))
        goto done;
    segtex_frame_reader reader = cli_input_reader(&st->in);
    reader.get_info(reader.user, &st->info);
    if (st->in.still)
        s->effect.smooth = 0; /* a still is every frame a still: no tracking, no temporal blend */
    if (segtex_effect_create(&s->effect, &st->fx))
        goto done;
    cli_paint_target pt = {st->fx, get_paint, set_paint, find_texture, add_file, texture_name, add_picture};
    if (cli_apply_edits(s, "run", &pt)) {
        rc = 2;
        goto done;
    }
    if (cli_outputs_open(&st->out, s->outputs, s->num_outputs, &st->info, default_output))
        goto done;
    st->out.snapping = segtex_effect_segmenter(st->fx) == SEGTEX_SEGMENTER_COMPOSITE;
    if (segtex_effect_start(st->fx, &reader))
        goto done;
    st->live = segtex_effect_is_live(st->fx);
    fprintf(stderr, "segtex: run: %s %dx%d%s, segmenter %s, backend %s, %s mode\n",
            st->in.demo ? "demo clip" : s->input, st->info.width, st->info.height, st->live ? " (live)" : "",
            segtex_segmenter_kind_name(segtex_effect_segmenter(st->fx)),
            segtex_backend_name(segtex_effect_backend(st->fx)), segtex_render_mode_name(s->effect.mode));
    st->t_start = st->t_last = segtex_now();
    st->rss_start = st->rss_max = segtex_rss_mb();
    st->tty = isatty(2);
    rc = frame_loop(st) ? 1 : 0;
    if (stop_requested)
        fprintf(stderr, "%ssegtex: run: stopping on request\n", st->tty && !s->quiet ? "\n" : "");
done:;
    double secs = segtex_now() - st->t_start;
    segtex_effect_stats es;
    memset(&es, 0, sizeof es);
    if (st->fx) {
        segtex_effect_get_stats(st->fx, &es);
        segtex_effect_stop(st->fx);
    }
    /* Finalize every output, whatever happened. */
    if (cli_outputs_close(&st->out))
        rc = 1;
    segtex_window_close(st->win);
    if (st->t_start > 0) {
        double rss = segtex_rss_mb();
        st->rss_max = rss > st->rss_max ? rss : st->rss_max;
        if (st->tty && !s->quiet && st->info.frames > 0 && !st->live)
            fputc('\n', stderr);
        fprintf(stderr,
                "segtex: run: %lld frames in %.1f s (%.1f fps), dropped %lld; seg %.1f ms, face %.1f ms, render %.2f "
                "ms (p50); RSS %.0f MB (max %.0f)\n",
                (long long)es.frames, secs, secs > 0 ? (double)es.frames / secs : 0.0,
                (long long)(es.dropped_source + es.dropped_output), es.seg.p50_ms, es.face.p50_ms, es.render.p50_ms,
                rss, st->rss_max);
        if (s->stats_json && write_stats_json(s->stats_json, &es, st, secs, st->info.width, st->info.height))
            rc = 1;
    }
    segtex_effect_destroy(st->fx);
    cli_input_close(&st->in);
    free(st);
    free(s);
    return rc;
}
