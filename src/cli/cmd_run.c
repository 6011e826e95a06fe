/* `segtex run`: the live effect. Source -> face + segmentation workers -> renderer -> sinks. */
#include "commands.h"
#include "config.h"
#include "opts.h"
#include "segtex/io.h"
#include "segtex/pipeline.h"
#include "segtex/render.h"
#include "segtex/vision.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static const char run_usage[] =
    "usage: segtex run [-i INPUT] [-o OUTPUT]... [options]\n"
    "\n"
    "Input (-i, default demo:):\n"
    "  FILE or URL          a video FFmpeg can read (offline: every frame, in order)\n"
    "  /dev/videoN          a camera (live: newest frame wins)\n"
    "  IMAGE.png|.jpg       a still image, repeated --frames times (default 1)\n"
    "  frames/%05d.png      an image sequence\n"
    "  demo:                a clip made in memory from the sample portrait (--size, --frames)\n"
    "  --camera-size WxH --camera-fps N --camera-format mjpeg|yuyv422|...\n"
    "\n"
    "Outputs (-o, several allowed; default: window when a display exists, else out/segtex.mp4):\n"
    "  window               preview window; keys: r randomize textures, m next mode, l landmarks,\n"
    "                       c colour legend, space pause, s snapshot PNG, q or Esc quit\n"
    "  FILE.mp4|.mkv|.webm|.avi   encoded video, finalized on every exit path\n"
    "  frames/%05d.png      PNG frames          -   raw RGB24 on stdout\n"
    "  /dev/videoN          V4L2 output (a v4l2loopback virtual camera)\n"
    "\n"
    "Effect:\n"
    "  --mode mask|overlay|cutout   (default overlay)\n"
    "  --textures DIR       PNG/JPEG textures besides the built-in ones\n"
    "  --seed N             pick textures, colours and scales for every category from N\n"
    "  --landmarks          draw the face landmarks\n"
    "  --segmenter auto|person|multiclass|composite   (default auto)\n"
    "  --smooth on|off      temporal smoothing of the segmentation and landmarks (default on)\n"
    "  --max-faces N        faces to track, 1..8 (default 1)\n"
    "\n"
    "Running:\n"
    "  --live               newest frame wins even for files (default for cameras)\n"
    "  --frames N           stop after N frames (demo: its length, default 300)\n"
    "  --size WxH           size of the demo clip (default 640x480)\n"
    "  --threads N          renderer threads (default 1: the two workers already keep the cores busy;\n"
    "                       0 = one per core)\n"
    "  --backend xnnpack|ref|auto   --models DIR (default $SEGTEX_ASSETS or ./assets)\n"
    "  --config FILE        the same keys, one 'key = value' per line ('#' comments);\n"
    "                       options on the command line win\n"
    "  --stats-json FILE    write the final statistics as JSON\n"
    "  --quiet              no per-second statistics\n"
    "  --keys F:K,...       press key K when the window shows frame F (tests; e.g. 10:r,20:q)\n"
    "\n"
    "Statistics go to stderr once a second (files: a progress bar with ETA) and as a summary at the end.\n";

#define MAX_OUTPUTS 8

typedef struct run_opts {
    const char *input;
    const char *outputs[MAX_OUTPUTS];
    int num_outputs;
    int camera_w, camera_h, camera_fps;
    const char *camera_format;
    segtex_render_mode mode;
    const char *textures;
    long long seed;
    int has_seed;
    int landmarks;
    segtex_segmenter_kind segmenter;
    int smooth;
    int max_faces;
    int live;
    long frames;
    int width, height;
    int threads;
    segtex_backend backend;
    const char *models;
    const char *stats_json;
    int quiet;
    /* --keys: synthetic key presses for tests, "FRAME:KEY,..." (KEY a letter, "space" or "esc") */
    long key_frame[32];
    int key_code[32];
    int num_keys;
    /* storage for strings that came from a config file */
    config cfg;
} run_opts;

static int parse_size(const char *s, int *w, int *h)
{
    char *end;
    long a = strtol(s, &end, 10);
    if (end == s || *end != 'x')
        return -1;
    const char *t = end + 1;
    long b = strtol(t, &end, 10);
    if (end == t || *end || a < 16 || b < 16 || a > 8192 || b > 8192)
        return -1;
    *w = (int)a, *h = (int)b;
    return 0;
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/*
 * Apply one option `name` (without "--") with `value` (NULL when absent).
 * `where` names its origin for messages. Returns 0, or -1 after one line on stderr.
 */
static int apply(run_opts *o, const char *name, const char *value, const char *where)
{
#define NEED_VALUE()                                                                                            \
    do {                                                                                                       \
        if (!value) {                                                                                          \
            fprintf(stderr, "segtex: run: %s'%s' needs a value\n", where, name);                               \
            return -1;                                                                                         \
        }                                                                                                      \
    } while (0)
#define BAD(what)                                                                                               \
    do {                                                                                                       \
        fprintf(stderr, "segtex: run: %s'%s' needs %s, got '%s'\n", where, name, what, value);                 \
        return -1;                                                                                             \
    } while (0)
    long v;
    if (!strcmp(name, "i") || !strcmp(name, "input")) {
        NEED_VALUE();
        o->input = value;
    } else if (!strcmp(name, "o") || !strcmp(name, "output")) {
        NEED_VALUE();
        if (o->num_outputs == MAX_OUTPUTS) {
            fprintf(stderr, "segtex: run: %sat most %d outputs\n", where, MAX_OUTPUTS);
            return -1;
        }
        o->outputs[o->num_outputs++] = value;
    } else if (!strcmp(name, "camera-size")) {
        NEED_VALUE();
        if (parse_size(value, &o->camera_w, &o->camera_h))
            BAD("WxH (16..8192)");
    } else if (!strcmp(name, "camera-fps")) {
        NEED_VALUE();
        if (parse_long(value, 1, 1000, &v))
            BAD("a rate from 1 to 1000");
        o->camera_fps = (int)v;
    } else if (!strcmp(name, "camera-format")) {
        NEED_VALUE();
        o->camera_format = value;
    } else if (!strcmp(name, "mode")) {
        NEED_VALUE();
        int m = segtex_render_mode_parse(value);
        if (m < 0)
            BAD("mask, overlay or cutout");
        o->mode = (segtex_render_mode)m;
    } else if (!strcmp(name, "textures")) {
        NEED_VALUE();
        o->textures = value;
    } else if (!strcmp(name, "seed")) {
        NEED_VALUE();
        if (parse_long(value, 0, 2147483647L, &v))
            BAD("an integer from 0 to 2147483647");
        o->seed = v, o->has_seed = 1;
    } else if (!strcmp(name, "landmarks")) {
        if (value && strcmp(value, "on") && strcmp(value, "off"))
            BAD("on or off");
        o->landmarks = !value || !strcmp(value, "on");
    } else if (!strcmp(name, "live")) {
        if (value && strcmp(value, "on") && strcmp(value, "off"))
            BAD("on or off");
        o->live = !value || !strcmp(value, "on");
    } else if (!strcmp(name, "quiet")) {
        o->quiet = !value || !strcmp(value, "on");
    } else if (!strcmp(name, "segmenter")) {
        NEED_VALUE();
        int k = segtex_segmenter_kind_parse(value);
        if (k < 0)
            BAD("auto, person, multiclass or composite");
        o->segmenter = (segtex_segmenter_kind)k;
    } else if (!strcmp(name, "smooth")) {
        NEED_VALUE();
        if (strcmp(value, "on") && strcmp(value, "off"))
            BAD("on or off");
        o->smooth = !strcmp(value, "on");
    } else if (!strcmp(name, "max-faces")) {
        NEED_VALUE();
        if (parse_long(value, 1, SEGTEX_MAX_TRACKED_FACES, &v))
            BAD("an integer from 1 to 8");
        o->max_faces = (int)v;
    } else if (!strcmp(name, "frames")) {
        NEED_VALUE();
        if (parse_long(value, 1, 1000000000L, &v))
            BAD("an integer from 1 to 1000000000");
        o->frames = v;
    } else if (!strcmp(name, "size")) {
        NEED_VALUE();
        if (parse_size(value, &o->width, &o->height))
            BAD("WxH (16..8192)");
    } else if (!strcmp(name, "threads")) {
        NEED_VALUE();
        if (parse_long(value, 0, SEGTEX_THREADPOOL_MAX_THREADS, &v))
            BAD("an integer from 0 to 256");
        o->threads = (int)v;
    } else if (!strcmp(name, "backend")) {
        NEED_VALUE();
        int b = segtex_backend_parse(value);
        if (b < 0 || !segtex_backend_available((segtex_backend)b))
            BAD("an available backend (xnnpack, ref, auto)");
        o->backend = (segtex_backend)b;
    } else if (!strcmp(name, "models")) {
        NEED_VALUE();
        o->models = value;
    } else if (!strcmp(name, "keys")) {
        NEED_VALUE();
        const char *c = value;
        o->num_keys = 0;
        while (*c) {
            char *end;
            long fr = strtol(c, &end, 10);
            if (end == c || *end != ':' || fr < 0 || o->num_keys == 32)
                BAD("FRAME:KEY,... (at most 32)");
            c = end + 1;
            int key;
            if (!strncmp(c, "space", 5))
                key = ' ', c += 5;
            else if (!strncmp(c, "esc", 3))
                key = 27, c += 3;
            else if (*c >= 'a' && *c <= 'z')
                key = *c++;
            else
                BAD("FRAME:KEY,... with KEY a letter, space or esc");
            o->key_frame[o->num_keys] = fr;
            o->key_code[o->num_keys++] = key;
            if (*c == ',')
                c++;
            else if (*c)
                BAD("FRAME:KEY,...");
        }
    } else if (!strcmp(name, "stats-json")) {
        NEED_VALUE();
        o->stats_json = value;
    } else {
        fprintf(stderr, "segtex: run: %sunknown option '%s' (see 'segtex run --help')\n", where, name);
        return -1;
    }
    return 0;
#undef NEED_VALUE
#undef BAD
}

static int is_known(const char *name)
{
    static const char *const names[] = {"i", "o", "input", "output", "camera-size", "camera-fps", "camera-format",
                                        "mode", "textures", "seed", "landmarks", "live", "quiet", "segmenter",
                                        "smooth", "max-faces", "frames", "size", "threads", "backend", "models",
                                        "keys", "stats-json"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (!strcmp(name, names[k]))
            return 1;
    return 0;
}

/* Options that take no value on the command line. */
static int is_flag(const char *name)
{
    return !strcmp(name, "landmarks") || !strcmp(name, "live") || !strcmp(name, "quiet");
}

static int parse_args(run_opts *o, int argc, char **argv)
{
    /* The config file first (wherever --config stands), then the command line over it. */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *file = NULL;
        if (!strcmp(a, "--config"))
            file = i + 1 < argc ? argv[i + 1] : "";
        else if (!strncmp(a, "--config=", 9))
            file = a + 9;
        if (!file)
            continue;
        char err[512];
        if (config_load(file, &o->cfg, err, sizeof err)) {
            fprintf(stderr, "segtex: run: %s\n", err);
            return -1;
        }
        for (int k = 0; k < o->cfg.count; k++) {
            config_entry *e = &o->cfg.entries[k];
            char where[600];
            snprintf(where, sizeof where, "config '%s' line %d: ", file, e->line);
            if (!strcmp(e->key, "config") || !strcmp(e->key, "help")) {
                fprintf(stderr, "segtex: run: %s'%s' is not allowed in a config file\n", where, e->key);
                return -1;
            }
            if (apply(o, e->key, e->has_value ? e->value : NULL, where))
                return -1;
        }
        break;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--config") ) {
            i++;
            continue;
        }
        if (!strncmp(a, "--config=", 9))
            continue;
        const char *name, *value = NULL;
        char buf[64];
        if (a[0] == '-' && a[1] == '-' && a[2]) {
            name = a + 2;
            const char *eq = strchr(name, '=');
            if (eq) {
                size_t n = (size_t)(eq - name);
                if (n >= sizeof buf)
                    n = sizeof buf - 1;
                memcpy(buf, name, n);
                buf[n] = 0;
                name = buf, value = eq + 1;
            }
        } else if ((a[0] == '-' && (a[1] == 'i' || a[1] == 'o') && !a[2])) {
            name = a + 1;
        } else {
            fprintf(stderr, "segtex: run: unexpected argument '%s' (see 'segtex run --help')\n", a);
            return -1;
        }
        if (!is_known(name)) {
            fprintf(stderr, "segtex: run: unknown option '%s' (see 'segtex run --help')\n", name);
            return -1;
        }
        if (!value && !is_flag(name)) {
            if (i + 1 >= argc) {
                fprintf(stderr, "segtex: run: '%s' needs a value\n", a);
                return -1;
            }
            value = argv[++i];
        }
        if (apply(o, name, value, ""))
            return -1;
    }
    return 0;
}

/* ---- signals: an orderly stop ---- */

static volatile sig_atomic_t stop_requested;
static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/* ---- sources ---- */

typedef struct input {
    segtex_demo *demo;
    segtex_source *src;
    long limit; /* stop after this many frames (0: none) */
    long count;
} input;

static int input_read(void *u, segtex_image *dst, double *pts)
{
    input *in = u;
    if (in->limit && in->count >= in->limit)
        return SEGTEX_SOURCE_END;
    int r = in->demo ? segtex_demo_read(in->demo, dst, pts) : segtex_source_read(in->src, dst, pts);
    if (r == SEGTEX_SOURCE_FRAME)
        in->count++;
    return r;
}

static void input_info(void *u, segtex_source_info *info)
{
    input *in = u;
    if (in->demo)
        segtex_demo_get_info(in->demo, info);
    else
        segtex_source_get_info(in->src, info);
    if (in->limit && (info->frames < 0 || info->frames > in->limit))
        info->frames = in->limit;
}

static int is_image_name(const char *s)
{
    const char *dot = strrchr(s, '.');
    return dot && !strchr(s, '%') &&
           (!strcasecmp(dot, ".png") || !strcasecmp(dot, ".jpg") || !strcasecmp(dot, ".jpeg"));
}

/* ---- statistics ---- */

static double rss_mb(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, rss = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
            rss = 0;
        fclose(f);
    }
    return (double)rss * (double)sysconf(_SC_PAGESIZE) / 1048576.0;
}

typedef struct run_stats {
    double t_start, t_last;
    int64_t out_last, in_last;
    segtex_stage_timer render, sink;
    double rss_start, rss_max;
} run_stats;

static void format_line(char *buf, size_t n, const segtex_pipeline_stats *s, const run_stats *r, double in_fps,
                        double out_fps)
{
    segtex_stage_stats rs, ks;
    segtex_stage_timer_get(&r->render, &rs);
    segtex_stage_timer_get(&r->sink, &ks);
    snprintf(buf, n,
             "in %.1f fps  out %.1f fps  dropped %lld  seg %.1f/%.1f ms  face %.1f/%.1f ms  render %.1f/%.1f ms  "
             "out %.1f ms  RSS %.0f MB",
             in_fps, out_fps,
             (long long)(s->dropped_source + s->dropped_output), s->seg.p50_ms, s->seg.p95_ms, s->face.p50_ms,
             s->face.p95_ms, rs.p50_ms, rs.p95_ms, ks.p50_ms, rss_mb());
}

static void write_stats_json(const char *path, const segtex_pipeline_stats *s, const run_stats *r, double secs,
                             const char *segmenter, const char *backend, int w, int h)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "segtex: run: cannot write '%s': %s\n", path, strerror(errno));
        return;
    }
    segtex_stage_stats rs, ks;
    segtex_stage_timer_get(&r->render, &rs);
    segtex_stage_timer_get(&r->sink, &ks);
    fprintf(f,
            "{\"frames_in\":%lld,\"frames_out\":%lld,\"dropped_source\":%lld,\"dropped_output\":%lld,"
            "\"dropped_face\":%lld,\"dropped_seg\":%lld,\"resizes\":%d,\"seconds\":%.3f,\"fps\":%.2f,"
            "\"width\":%d,\"height\":%d,\"segmenter\":\"%s\",\"backend\":\"%s\","
            "\"seg_ms\":{\"p50\":%.3f,\"p95\":%.3f},\"face_ms\":{\"p50\":%.3f,\"p95\":%.3f},"
            "\"render_ms\":{\"p50\":%.3f,\"p95\":%.3f},\"output_ms\":{\"p50\":%.3f,\"p95\":%.3f},"
            "\"rss_start_mb\":%.1f,\"rss_end_mb\":%.1f,\"rss_max_mb\":%.1f}\n",
            (long long)s->frames_in, (long long)s->frames_out, (long long)s->dropped_source,
            (long long)s->dropped_output, (long long)s->dropped_face, (long long)s->dropped_seg, s->resizes, secs,
            secs > 0 ? s->frames_out / secs : 0.0, w, h, segmenter, backend, s->seg.p50_ms, s->seg.p95_ms,
            s->face.p50_ms, s->face.p95_ms, rs.p50_ms, rs.p95_ms, ks.p50_ms, ks.p95_ms, r->rss_start, rss_mb(),
            r->rss_max);
    if (fclose(f))
        fprintf(stderr, "segtex: run: error writing '%s'\n", path);
}

/* ---- the run ---- */

typedef struct sink_slot {
    const char *target;
    segtex_sink *sink;
    int is_window;
} sink_slot;

int cmd_run(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(run_usage, stdout);
            return 0;
        }
    run_opts *o = calloc(1, sizeof *o);
    if (!o)
        return 1;
    o->input = "demo:";
    o->mode = SEGTEX_RENDER_OVERLAY;
    o->segmenter = SEGTEX_SEGMENTER_AUTO;
    o->smooth = 1;
    o->max_faces = 1;
    o->width = 640, o->height = 480;
    o->backend = SEGTEX_BACKEND_AUTO;
    o->threads = 1;
    if (parse_args(o, argc, argv)) {
        free(o);
        return 2;
    }
    if (o->num_outputs == 0)
        o->outputs[o->num_outputs++] = getenv("DISPLAY") && *getenv("DISPLAY") ? "window" : "out/segtex.mp4";

    int rc = 1;
    const char *dir = cli_models_dir(o->models);
    char path[4096];
    input in = {0};
    segtex_threadpool *pool = NULL;
    segtex_face_detector *det = NULL;
    segtex_face_landmarker *lm = NULL;
    segtex_face_tracker *tracker = NULL;
    segtex_segmenter *seg = NULL;
    segtex_texture_set *set = NULL;
    segtex_renderer *renderer = NULL;
    segtex_pipeline *pipe = NULL;
    segtex_window *win = NULL;
    sink_slot sinks[MAX_OUTPUTS] = {{0}};
    segtex_image out = {0};
    run_stats rs = {0};
    segtex_pipeline_stats ps = {0};
    segtex_source_info info = {0};
    segtex_segmenter_kind kind = SEGTEX_SEGMENTER_AUTO;
    int live = 0, tty = 0;
    const char *backend = segtex_backend_name(o->backend);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN); /* a closed stdout pipe is a write error, not a kill */

    /* Source. */
    int still = 0;
    if (!strcmp(o->input, "demo:")) {
        snprintf(path, sizeof path, "%s/astronaut.png", dir);
        if (segtex_demo_create(path, o->width, o->height, o->frames ? o->frames : 300, 30.0, &in.demo))
            goto done;
    } else {
        still = is_image_name(o->input);
        segtex_source_options so = {o->input, o->camera_w, o->camera_h, o->camera_fps, o->camera_format,
                                    still ? (int)(o->frames ? o->frames : 1) : 0, 30.0};
        if (segtex_source_open(&so, &in.src))
            goto done;
        in.limit = o->frames;
    }
    input_info(&in, &info);
    live = o->live || info.live;

    /* Models: the workers run on their own threads; the renderer gets the pool. */
    if (segtex_threadpool_create(o->threads, &pool))
        goto done;
    segtex_model_options mo = {o->backend, NULL};
    segtex_face_tracker_options to = {0};
    to.max_faces = o->max_faces;
    to.video = !still && o->smooth;
    if (cli_load_face_models(dir, "short", "attention", &mo, &det, &lm) ||
        segtex_face_tracker_create(det, lm, &to, &tracker))
        goto done;
    segtex_segmenter_options so = {o->segmenter, dir, mo, o->smooth && !still};
    if (segtex_segmenter_create(&so, &seg))
        goto done;
    kind = segtex_segmenter_kind_in_use(seg);
    backend = segtex_backend_name(o->backend == SEGTEX_BACKEND_AUTO ? segtex_backend_default() : o->backend);

    /* Effect. */
    if (segtex_texture_set_create(o->textures, &set) || segtex_renderer_create(set, &renderer))
        goto done;
    uint64_t seed = o->has_seed ? (uint64_t)o->seed : 0;
    if (o->has_seed && segtex_texture_set_randomize(set, seed))
        goto done;

    /* Outputs (the window opens on the first frame). */
    for (int k = 0; k < o->num_outputs; k++) {
        sinks[k].target = o->outputs[k];
        if (!strcmp(o->outputs[k], "window")) {
            sinks[k].is_window = 1;
            continue;
        }
        segtex_sink_options ko = {o->outputs[k], info.width, info.height, info.fps > 0 ? info.fps : 30.0, 0};
        if (segtex_sink_open(&ko, &sinks[k].sink))
            goto done;
    }
    fprintf(stderr, "segtex: run: %s %dx%d%s, segmenter %s, backend %s, %s mode\n",
            in.demo ? "demo clip" : o->input, info.width, info.height, live ? " (live)" : "",
            segtex_segmenter_kind_name(kind), backend, segtex_render_mode_name(o->mode));

    segtex_pipeline_options po = {{&in, input_read, input_info}, tracker, seg, live, 0};
    if (segtex_pipeline_create(&po, &pipe))
        goto done;

    int cfg_w = 0, cfg_h = 0, cfg_mw = 0, cfg_mh = 0, cfg_mode = -1, cfg_lm = -1;
    int paused = 0, legend = 0, snapshots = 0;
    long shown = 0; /* frames shown in the window */
    long randomizes = 0;
    rs.t_start = rs.t_last = segtex_now();
    rs.rss_start = rs.rss_max = rss_mb();
    tty = isatty(2);
    char status[512] = "";
    segtex_pipeline_frame f = {0};
    int have = 0, r = 0;
    for (;;) {
        if (stop_requested) {
            segtex_pipeline_stop(pipe);
            break;
        }
        if (!paused || !have) {
            if (have)
                segtex_pipeline_release(pipe, &f);
            have = 0;
            r = segtex_pipeline_next(pipe, &f);
            if (r <= 0)
                break;
            have = 1;
        }
        const segtex_image *img = f.image;
        int mw = f.seg ? f.seg->width : 1, mh = f.seg ? f.seg->height : 1;
        if (img->width != cfg_w || img->height != cfg_h || mw != cfg_mw || mh != cfg_mh || (int)o->mode != cfg_mode ||
            o->landmarks != cfg_lm) {
            /* configure: only when a size, the mode or the landmark switch changes */
            segtex_render_config rc_ = {o->mode, img->width, img->height, mw, mh, segtex_landmark_style_default()};
            rc_.landmarks.dots = o->landmarks;
            if (segtex_renderer_configure(renderer, &rc_))
                break;
            if (img->width != out.width || img->height != out.height) {
                segtex_image_free(&out);
                if (segtex_image_alloc(&out, img->width, img->height, 3))
                    break;
            }
            cfg_w = img->width, cfg_h = img->height, cfg_mw = mw, cfg_mh = mh, cfg_mode = (int)o->mode;
            cfg_lm = o->landmarks;
        }
        segtex_segmentation sv = {mw, mh, f.seg ? f.seg->prob : NULL, f.seg ? f.seg->category : NULL};
        segtex_landmarks views[SEGTEX_MAX_TRACKED_FACES];
        int nf = o->landmarks ? f.faces->count : 0;
        for (int k = 0; k < nf; k++) {
            views[k].count = f.faces->faces[k].count;
            views[k].xyz = (const float(*)[3])f.faces->faces[k].xyz;
            views[k].has_box = 0;
        }
        double t0 = segtex_now();
        if (segtex_renderer_render(renderer, img, &sv, views, nf, &out, pool)) {
            fprintf(stderr, "segtex: run: rendering frame %lld failed\n", (long long)f.index);
            break;
        }
        double t1 = segtex_now();
        segtex_stage_timer_add(&rs.render, (t1 - t0) * 1e3);
        int sink_failed = 0;
        if (!paused)
            for (int k = 0; k < o->num_outputs; k++)
                if (sinks[k].sink && segtex_sink_write(sinks[k].sink, &out, f.pts)) {
                    sink_failed = 1;
                    break;
                }
        if (sink_failed)
            break;
        segtex_stage_timer_add(&rs.sink, (segtex_now() - t1) * 1e3);

        /* Once a second: statistics. */
        double now = segtex_now();
        if (now - rs.t_last >= 1.0) {
            segtex_pipeline_get_stats(pipe, &ps);
            double dt = now - rs.t_last;
            double in_fps = (ps.frames_in - rs.in_last) / dt, out_fps = (ps.frames_out - rs.out_last) / dt;
            rs.in_last = ps.frames_in, rs.out_last = ps.frames_out, rs.t_last = now;
            double rss = rss_mb();
            rs.rss_max = rss > rs.rss_max ? rss : rs.rss_max;
            format_line(status, sizeof status, &ps, &rs, in_fps, out_fps);
            if (!o->quiet) {
                if (info.frames > 0 && !live) {
                    double frac = (double)ps.frames_out / (double)info.frames;
                    double eta = out_fps > 0 ? (info.frames - ps.frames_out) / out_fps : 0;
                    char bar[31];
                    int fill = (int)(frac * 30);
                    for (int k = 0; k < 30; k++)
                        bar[k] = k < fill ? '=' : k == fill ? '>' : ' ';
                    bar[30] = 0;
                    fprintf(stderr, "%s[%s] %3.0f%% %lld/%lld frames  %.1f fps  ETA %.0fs  %s", tty ? "\r" : "", bar,
                            frac * 100, (long long)ps.frames_out, (long long)info.frames, out_fps, eta,
                            tty ? "" : "\n");
                } else {
                    fprintf(stderr, "segtex: %s\n", status);
                }
            }
        }
        /* The window: show, then the keys. */
        for (int k = 0; k < o->num_outputs; k++) {
            if (!sinks[k].is_window)
                continue;
            if (!win && segtex_window_open("segtex", out.width, out.height, &win))
                goto stop;
            char line[768];
            if (legend) {
                int n = 0;
                for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
                    segtex_paint pt = segtex_texture_set_get_paint(set, c);
                    const char *tex = pt.texture >= 0 ? segtex_texture_set_name(set, pt.texture) : NULL;
                    n += snprintf(line + n, sizeof line - (size_t)n, "%s%s:%s", c ? "  " : "", segtex_category_name(c),
                                  !pt.enabled ? "off" : tex ? tex : "colour");
                    if (n >= (int)sizeof line)
                        break;
                }
            } else {
                snprintf(line, sizeof line, "%s%s", paused ? "[paused] " : "", status);
            }
            segtex_window_show(win, &out, line);
            for (int q = 0; q < o->num_keys; q++) /* synthetic presses go through SDL's queue too */
                if (o->key_frame[q] == shown)
                    segtex_window_push_key(win, o->key_code[q]);
            shown++;
            int key;
            while ((key = segtex_window_poll_key(win)) != 0) {
                switch (key) {
                case 'q':
                case SEGTEX_KEY_ESCAPE:
                case SEGTEX_KEY_CLOSE: stop_requested = 1; break;
                case 'r': segtex_texture_set_randomize(set, seed + (uint64_t)++randomizes); break;
                case 'm': o->mode = (segtex_render_mode)((o->mode + 1) % SEGTEX_RENDER_MODE_COUNT); break;
                case 'l': o->landmarks = !o->landmarks; break;
                case 'c': legend = !legend; break;
                case ' ': paused = !paused; break;
                case 's': {
                    char name[64];
                    snprintf(name, sizeof name, "segtex-snapshot-%04d.png", ++snapshots);
                    if (segtex_image_save_png(name, &out) == SEGTEX_OK)
                        fprintf(stderr, "segtex: run: snapshot %s\n", name);
                    break;
                }
                default: break;
                }
            }
            break;
        }
        if (paused) {
            struct timespec ts = {0, 20000000};
            nanosleep(&ts, NULL);
        }
    }
stop:
    if (have)
        segtex_pipeline_release(pipe, &f);
    rc = r < 0 ? 1 : 0;
    if (stop_requested)
        fprintf(stderr, "%ssegtex: run: stopping on request\n", tty && !o->quiet ? "\n" : "");
done:;
    double secs = segtex_now() - rs.t_start;
    if (pipe) {
        segtex_pipeline_get_stats(pipe, &ps);
        segtex_pipeline_destroy(pipe);
        pipe = NULL;
    }
    /* Finalize every output, whatever happened. */
    for (int k = 0; k < o->num_outputs; k++)
        if (sinks[k].sink) {
            const char *what = segtex_sink_describe(sinks[k].sink);
            char desc[512];
            snprintf(desc, sizeof desc, "%s", what ? what : sinks[k].target);
            if (segtex_sink_close(sinks[k].sink))
                rc = 1;
            else if (strcmp(sinks[k].target, "-"))
                fprintf(stderr, "segtex: run: wrote %s\n", desc);
        }
    segtex_window_close(win);
    if (rs.t_start > 0) {
        double rss = rss_mb();
        rs.rss_max = rss > rs.rss_max ? rss : rs.rss_max;
        segtex_stage_stats rsn;
        segtex_stage_timer_get(&rs.render, &rsn);
        if (tty && !o->quiet && info.frames > 0 && !live)
            fputc('\n', stderr);
        fprintf(stderr,
                "segtex: run: %lld frames in %.1f s (%.1f fps), dropped %lld; seg %.1f ms, face %.1f ms, render %.2f "
                "ms (p50); RSS %.0f MB (max %.0f)\n",
                (long long)ps.frames_out, secs, secs > 0 ? ps.frames_out / secs : 0.0,
                (long long)(ps.dropped_source + ps.dropped_output), ps.seg.p50_ms, ps.face.p50_ms, rsn.p50_ms, rss,
                rs.rss_max);
        if (o->stats_json)
            write_stats_json(o->stats_json, &ps, &rs, secs, segtex_segmenter_kind_name(kind), backend, out.width,
                             out.height);
    }
    segtex_image_free(&out);
    segtex_renderer_destroy(renderer);
    segtex_texture_set_destroy(set);
    segtex_segmenter_destroy(seg);
    segtex_face_tracker_destroy(tracker);
    segtex_face_landmarker_destroy(lm);
    segtex_face_detector_destroy(det);
    segtex_threadpool_destroy(pool);
    segtex_demo_destroy(in.demo);
    segtex_source_close(in.src);
    free(o);
    return rc;
}
