/* The option table of run, soak, render and bench (see settings.h). */
#include "settings.h"
#include "opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum opt_id {
    O_HELP, O_CONFIG, O_INPUT, O_OUTPUT, O_CAMERA_SIZE, O_CAMERA_FPS, O_CAMERA_FORMAT,
    O_MODE, O_TEXTURES, O_SEED, O_PAINT, O_ANCHOR, O_EDGES, O_COLORS, O_SCALE, O_OPACITY, O_OFFSET, O_LANDMARKS, O_LANDMARKS_FILE,
    O_SEGMENTER, O_DETECTOR, O_SMOOTH, O_MAX_FACES,
    O_LIVE, O_FRAMES, O_SIZE, O_THREADS, O_BACKEND, O_MODELS, O_STATS_JSON, O_QUIET, O_KEYS,
    O_IMAGE, O_CATEGORIES, O_OUT, O_LIST_TEXTURES, O_NO_DOTS, O_DOT_RADIUS, O_DOT_COLOR, O_CONTOURS,
    O_LINE_WIDTH, O_LINE_COLOR, O_BOX, O_BOX_COLOR,
    O_RANDOMIZE_EVERY, O_JSON, O_CURVE, O_MODEL_SIZE, O_POSE, O_HANDS, O_HAND_MODEL, O_SKELETON,
    O_POSE_FILE, O_HANDS_FILE,
} opt_id;

#define ALL (CMD_RUN | CMD_SOAK | CMD_RENDER | CMD_BENCH)
#define EFFECT (CMD_RUN | CMD_SOAK)

typedef struct opt {
    opt_id id;
    const char *name;  /* without "--" */
    char short_name;   /* -i, -o, or 0 */
    const char *arg;   /* the value's form in --help; NULL: a flag (on|off after '=' or in a config file) */
    int cmds;          /* CMD_* that take it */
    const char *section;
    const char *help;
} opt;

/* The one table: order is the order of --help. */
static const opt table[] = {
    {O_INPUT, "input", 'i', "INPUT", CMD_RUN, "Input",
     "FILE or URL a video FFmpeg can read (offline: every frame, in order); /dev/videoN a camera\n"
     "(live: newest frame wins); IMAGE.png|.jpg a still, repeated --frames times (default 1);\n"
     "frames/%05d.png an image sequence; demo: a clip made in memory from the sample portrait\n"
     "(--size, --frames). Default demo:"},
    {O_CAMERA_SIZE, "camera-size", 0, "WxH", CMD_RUN, "Input", "requested camera size"},
    {O_CAMERA_FPS, "camera-fps", 0, "N", CMD_RUN, "Input", "requested camera rate, 1..1000"},
    {O_CAMERA_FORMAT, "camera-format", 0, "F", CMD_RUN, "Input", "mjpeg, yuyv422, ... (the camera's pixel format)"},
    {O_OUTPUT, "output", 'o', "OUTPUT", CMD_RUN, "Outputs (several allowed; default: window when a display exists, else out/segtex.mp4)",
     "window: preview window; keys: r randomize textures, m next mode, l landmarks, c colour\n"
     "legend, space pause, s snapshot PNG, q or Esc quit.\n"
     "FILE.mp4|.mkv|.mov|.webm|.avi: encoded video, finalized on every exit path.\n"
     "frames/%05d.png: PNG frames.  -: raw RGB24 on stdout.\n"
     "/dev/videoN: V4L2 output (a v4l2loopback virtual camera).\n"
     "FILE.jsonl: per-frame results, one JSON object a line: {\"frame\":N,\"pts\":S,\"width\":W,\n"
     "\"height\":H,\"faces\":[as segtex face --json],\"poses\":[as segtex pose --json],\n"
     "\"hands\":[as segtex hands --json],\"shares\":[six category fractions]} (poses and hands\n"
     "are empty unless --pose / --hands track them).\n"
     "categories:maps/%05d.png: each frame's category ids 0..5 as 8-bit grey PNGs at its size\n"
     "(the composite's borders snapped to the frame's edges, as segtex segment --categories).\n"
     "An output that names the input, or two outputs naming one file, is refused before\n"
     "anything is opened; the default output's folder (out/) is created"},
    {O_IMAGE, "image", 0, "IMG", CMD_RENDER, "Render", "the photo to paint (PNG or JPEG)"},
    {O_CATEGORIES, "categories", 0, "MAP.png", CMD_RENDER, "Render",
     "greyscale PNG of category ids 0..5, at the image size or smaller (then upsampled bilinearly)"},
    {O_OUT, "out", 0, "OUT.png", CMD_RENDER, "Render", "where to write the painted PNG"},
    {O_LANDMARKS_FILE, "landmarks", 0, "FILE.json", CMD_RENDER, "Render", "draw the faces of FILE.json (the output of `segtex face --json`)"},
    {O_POSE_FILE, "pose", 0, "FILE.json", CMD_RENDER, "Render",
     "the pose of FILE.json (the output of `segtex pose --json`, or a line of run's .jsonl), for --skeleton"},
    {O_HANDS_FILE, "hands", 0, "FILE.json", CMD_RENDER, "Render",
     "the hands of FILE.json (the output of `segtex hands --json`, or a .jsonl line), for --skeleton"},
    {O_MODE, "mode", 0, "mask|overlay|cutout", ALL, "Effect",
     "mask: painted categories on black; overlay (default): painted categories blended over\n"
     "the frame with their opacity (by default the person); cutout: the frame as filmed, painted\n"
     "categories replaced (by default the background, with bricks)"},
    {O_TEXTURES, "textures", 0, "DIR", CMD_RUN | CMD_SOAK | CMD_RENDER, "Effect", "load DIR/*.png, *.jpg, *.jpeg besides the built-in textures"},
    {O_LIST_TEXTURES, "list-textures", 0, NULL, CMD_RENDER, "Effect", "print the texture names and exit"},
    {O_SEED, "seed", 0, "N", CMD_RUN | CMD_SOAK | CMD_RENDER, "Effect", "pick textures, colours and scales for every category from N"},
    {O_PAINT, "paint", 0, "CAT=SPEC", CMD_RUN | CMD_RENDER | CMD_BENCH, "Effect",
     "SPEC: #rrggbb (a colour), a texture name, a PNG/JPEG file (a tiled texture), none, or\n"
     "tint=#rrggbb[:S]: the frame recoloured, its luminance and shading kept (S 0..1, default 1);\n"
     "blur=R: the frame blurred, R 1..64 pixels (cutout with background=blur=12: a virtual\n"
     "background); image=FILE: a PNG/JPEG picture scaled to cover the frame"},
    {O_ANCHOR, "anchor", 0, "CAT=A", CMD_RUN | CMD_RENDER | CMD_BENCH, "Effect",
     "where a category's texture is attached: screen (tiled in the frame), face (moves, turns and\n"
     "scales with the face), torso (with the shoulders and hips; the face without a pose), mesh\n"
     "(the face for now). Defaults: hair face, face-skin mesh, body-skin and clothes torso,\n"
     "others face, background screen"},
    {O_COLORS, "colors", 0, "CAT=#ink[,#paper]", CMD_RUN | CMD_RENDER, "Effect", "colours of a built-in texture"},
    {O_SCALE, "scale", 0, "CAT=S", CMD_RUN | CMD_RENDER, "Effect", "texture scale, 0.25..8"},
    {O_OPACITY, "opacity", 0, "CAT=O", CMD_RUN | CMD_RENDER, "Effect", "0..1 (overlay mode)"},
    {O_OFFSET, "offset", 0, "CAT=X,Y", CMD_RUN | CMD_RENDER, "Effect",
     "texture origin in pixels. CAT: background, hair, body-skin, face-skin, clothes, others, 0..5 or all"},
    {O_EDGES, "edges", 0, "bilinear|guided", CMD_RUN | CMD_SOAK | CMD_RENDER | CMD_BENCH, "Effect",
     "category borders upsampled bilinearly (default), or guided by the image's luma (joint\n"
     "bilateral), so they sit on hair strands and collars"},
    {O_LANDMARKS, "landmarks", 0, NULL, CMD_RUN, "Effect", "draw the face landmarks"},
    {O_SEGMENTER, "segmenter", 0, "auto|person|multiclass|composite", EFFECT, "Effect",
     "auto (default): multiclass when its model is present, else composite"},
    {O_DETECTOR, "detector", 0, "auto|short|full", EFFECT | CMD_BENCH, "Effect",
     "face detector: short range (MediaPipe's default, faces near the camera), full range (faces\n"
     "small in the frame), or auto (default): short range, and full range on a frame where short\n"
     "range finds no face (about 5 ms more on such frames; none while a face is tracked)"},
    {O_SMOOTH, "smooth", 0, "on|off", EFFECT, "Effect", "temporal smoothing of the segmentation and landmarks (default on)"},
    {O_MAX_FACES, "max-faces", 0, "N", EFFECT, "Effect", "faces to track, 1..8 (default 1)"},
    {O_POSE, "pose", 0, "off|lite|full", EFFECT | CMD_BENCH, "Effect",
     "track MediaPipe's pose (33 landmarks and its person mask) with the lite or full landmark\n"
     "model, on a worker of its own; the detector runs only when the pose is lost (default off;\n"
     "--skeleton turns lite on)"},
    {O_HANDS, "hands", 0, "N", EFFECT | CMD_BENCH, "Effect",
     "track up to N hands, 0..2 (MediaPipe Hands; default 0); the palm detector runs only while\n"
     "fewer than N hands are tracked"},
    {O_HAND_MODEL, "hand-model", 0, "lite|full", EFFECT | CMD_BENCH, "Effect",
     "palm and hand models (default full, MediaPipe's default complexity; lite is about 3x faster)"},
    {O_SKELETON, "skeleton", 0, NULL, CMD_RUN | CMD_RENDER, "Effect",
     "draw the pose's and hands' connections and joints, anti-aliased (run: turns --pose lite on;\n"
     "render: draws --pose and --hands FILE.json)"},
    {O_NO_DOTS, "no-dots", 0, NULL, CMD_RENDER, "Landmark style", "do not draw landmark dots"},
    {O_DOT_RADIUS, "dot-radius", 0, "R", CMD_RENDER, "Landmark style", "dot radius in pixels, 0.5..32 (default 1.5)"},
    {O_DOT_COLOR, "dot-color", 0, "#rrggbb", CMD_RENDER, "Landmark style", "(default #00ff00)"},
    {O_CONTOURS, "contours", 0, NULL, CMD_RENDER | CMD_BENCH, "Landmark style", "draw face oval, eyes, brows, lips and irises"},
    {O_LINE_WIDTH, "line-width", 0, "W", CMD_RENDER, "Landmark style", "contour and box width in pixels, 0.5..32 (default 1.5)"},
    {O_LINE_COLOR, "line-color", 0, "#rrggbb", CMD_RENDER, "Landmark style", "(default #ffffff)"},
    {O_BOX, "box", 0, NULL, CMD_RENDER, "Landmark style", "draw the face box"},
    {O_BOX_COLOR, "box-color", 0, "#rrggbb", CMD_RENDER, "Landmark style", "(default #ffff00)"},
    {O_LIVE, "live", 0, NULL, CMD_RUN, "Running", "newest frame wins even for files (default for cameras)"},
    {O_FRAMES, "frames", 0, "N", CMD_RUN | CMD_SOAK | CMD_BENCH, "Running",
     "frames to process (run: stop after N; demo: its length, default 300)"},
    {O_SIZE, "size", 0, "WxH", CMD_RUN | CMD_SOAK | CMD_BENCH, "Running", "frame size of the demo clip or the benchmark"},
    {O_MODEL_SIZE, "model", 0, "WxH", CMD_BENCH, "Running", "bench render: segmentation size (default 256x256)"},
    {O_THREADS, "threads", 0, "N", ALL, "Running",
     "renderer row bands on N threads (0 = one per core; default 1 where two model workers\n"
     "already keep the cores busy: run, soak, bench pipeline)"},
    {O_BACKEND, "backend", 0, "xnnpack|ref|auto", EFFECT | CMD_BENCH, "Running", "model backend (default auto: XNNPACK)"},
    {O_MODELS, "models", 0, "DIR", EFFECT | CMD_BENCH, "Running", "the models' folder (default $SEGTEX_ASSETS, else ./assets)"},
    {O_STATS_JSON, "stats-json", 0, "FILE", CMD_RUN, "Running", "write the final statistics as JSON"},
    {O_QUIET, "quiet", 0, NULL, CMD_RUN, "Running", "no per-second statistics"},
    {O_KEYS, "keys", 0, "F:K,...", CMD_RUN, "Running", "press key K when the window shows frame F (tests; e.g. 10:r,20:q)"},
    {O_RANDOMIZE_EVERY, "randomize-every", 0, "K", CMD_SOAK, "Soak", "new textures every K frames (default 50; 0: never)"},
    {O_JSON, "json", 0, NULL, CMD_SOAK, "Soak", "the last line is JSON (below)"},
    {O_CURVE, "curve", 0, "FILE.csv", CMD_SOAK, "Soak", "write frame,rss_mb samples (every 1% of the run)"},
    {O_CONFIG, "config", 0, "FILE", ALL, "Options from a file",
     "the same keys, one 'key = value' per line ('#' comments); options on the command line win"},
    {O_HELP, "help", 'h', NULL, ALL, "Options from a file", "this text"},
};
#define TABLE_SIZE (sizeof table / sizeof table[0])

static const opt *find(int cmd, const char *name, char short_name)
{
    for (size_t k = 0; k < TABLE_SIZE; k++)
        if ((table[k].cmds & cmd) &&
            (short_name ? table[k].short_name == short_name : !strcmp(table[k].name, name)))
            return &table[k];
    return NULL;
}

static const char *cat_names = "background, hair, body-skin, face-skin, clothes, others, 0..5 or all";

/* Apply one option. `where` names its origin for messages. 0, or -1 after one line on stderr. */
static int apply(cli_settings *s, const char *cmd, const opt *op, const char *v, const char *where)
{
#define BAD(what)                                                                                                  \
    do {                                                                                                          \
        fprintf(stderr, "segtex: %s: %s'%s' needs %s, got '%s'\n", cmd, where, op->name, what, v);               \
        return -1;                                                                                                \
    } while (0)
    long n;
    double d;
    int k;
    if (!op->arg) { /* a flag: on, or on|off given after '=' or in a config file */
        if (v && strcmp(v, "on") && strcmp(v, "off"))
            BAD("on or off (or nothing)");
        int on = !v || !strcmp(v, "on");
        switch (op->id) {
        case O_LANDMARKS: s->effect.landmarks = on; break;
        case O_SKELETON: s->effect.skeleton = on; break;
        case O_LIVE: s->effect.live = on; break;
        case O_QUIET: s->quiet = on; break;
        case O_LIST_TEXTURES: s->list_textures = on; break;
        case O_NO_DOTS: s->style.dots = !on; break;
        case O_CONTOURS: s->style.contours = on; break;
        case O_BOX: s->style.box = on; break;
        case O_JSON: s->json = on; break;
        default: break;
        }
        return 0;
    }
    if (!v) {
        fprintf(stderr, "segtex: %s: %s'%s' needs a value (%s)\n", cmd, where, op->name, op->arg);
        return -1;
    }
    switch (op->id) {
    case O_INPUT: s->input = v; break;
    case O_OUTPUT:
        if (s->num_outputs == CLI_MAX_OUTPUTS) {
            fprintf(stderr, "segtex: %s: %sat most %d outputs\n", cmd, where, CLI_MAX_OUTPUTS);
            return -1;
        }
        s->outputs[s->num_outputs++] = v;
        break;
    case O_CAMERA_SIZE:
        if (cli_parse_size(v, 16, 8192, &s->camera_w, &s->camera_h))
            BAD("WxH (16..8192)");
        break;
    case O_CAMERA_FPS:
        if (cli_parse_long(v, 1, 1000, &n))
            BAD("a rate from 1 to 1000");
        s->camera_fps = (int)n;
        break;
    case O_CAMERA_FORMAT: s->camera_format = v; break;
    case O_MODE:
        if ((k = segtex_render_mode_parse(v)) < 0)
            BAD("mask, overlay or cutout");
        s->effect.mode = (segtex_render_mode)k, s->has_mode = 1;
        break;
    case O_TEXTURES: s->effect.textures_dir = v; break;
    case O_EDGES:
        if (strcmp(v, "bilinear") && strcmp(v, "guided"))
            BAD("bilinear or guided");
        s->edges = !strcmp(v, "guided") ? SEGTEX_EDGES_GUIDED : SEGTEX_EDGES_BILINEAR;
        s->effect.edges = s->edges;
        break;
    case O_SEED:
        if (cli_parse_long(v, 0, 2147483647L, &n))
            BAD("an integer from 0 to 2147483647");
        s->effect.seed = (uint64_t)n, s->effect.has_seed = 1;
        break;
    case O_PAINT: case O_ANCHOR: case O_COLORS: case O_SCALE: case O_OPACITY: case O_OFFSET:
        if (!strchr(v, '='))
            BAD("CAT=VALUE");
        if (s->num_edits == CLI_MAX_EDITS) {
            fprintf(stderr, "segtex: %s: %sat most %d per-category options\n", cmd, where, CLI_MAX_EDITS);
            return -1;
        }
        s->edits[s->num_edits].opt = op->id == O_PAINT ? "--paint" : op->id == O_ANCHOR ? "--anchor"
                                     : op->id == O_COLORS ? "--colors"
                                     : op->id == O_SCALE ? "--scale" : op->id == O_OPACITY ? "--opacity" : "--offset";
        s->edits[s->num_edits++].arg = v;
        break;
    case O_LANDMARKS_FILE: s->landmarks_file = v; break;
    case O_POSE_FILE: s->pose_file = v; break;
    case O_HANDS_FILE: s->hands_file = v; break;
    case O_SEGMENTER:
        if ((k = segtex_segmenter_kind_parse(v)) < 0)
            BAD("auto, person, multiclass or composite");
        s->effect.segmenter = (segtex_segmenter_kind)k;
        break;
    case O_DETECTOR:
        if ((k = segtex_detector_kind_parse(v)) < 0)
            BAD("auto, short or full");
        s->effect.detector = (segtex_detector_kind)k;
        break;
    case O_SMOOTH:
        if (strcmp(v, "on") && strcmp(v, "off"))
            BAD("on or off");
        s->effect.smooth = !strcmp(v, "on");
        break;
    case O_MAX_FACES:
        if (cli_parse_long(v, 1, SEGTEX_MAX_FACES, &n))
            BAD("an integer from 1 to 8");
        s->effect.max_faces = (int)n;
        break;
    case O_POSE:
        if (strcmp(v, "off") && strcmp(v, "lite") && strcmp(v, "full"))
            BAD("off, lite or full");
        s->effect.pose = strcmp(v, "off") != 0, s->effect.pose_full = !strcmp(v, "full"), s->has_pose = 1;
        break;
    case O_HANDS:
        if (cli_parse_long(v, 0, SEGTEX_MAX_HANDS, &n))
            BAD("an integer from 0 to 2");
        s->effect.hands = (int)n;
        break;
    case O_HAND_MODEL:
        if (strcmp(v, "lite") && strcmp(v, "full"))
            BAD("lite or full");
        s->effect.hands_full = !strcmp(v, "full");
        break;
    case O_FRAMES:
        if (cli_parse_long(v, 1, 1000000000L, &n))
            BAD("an integer from 1 to 1000000000");
        s->frames = n;
        break;
    case O_SIZE:
        if (cli_parse_size(v, 16, 8192, &s->width, &s->height))
            BAD("WxH (16..8192)");
        break;
    case O_MODEL_SIZE:
        if (cli_parse_size(v, 1, 4096, &s->model_w, &s->model_h))
            BAD("WxH (1..4096)");
        break;
    case O_THREADS:
        if (cli_parse_long(v, 0, SEGTEX_THREADPOOL_MAX_THREADS, &n))
            BAD("an integer from 0 to 256");
        s->effect.threads = (int)n, s->has_threads = 1;
        break;
    case O_BACKEND:
        if ((k = segtex_backend_parse(v)) < 0 || !segtex_backend_available((segtex_backend)k))
            BAD("an available backend (xnnpack, ref, auto)");
        s->effect.backend = (segtex_backend)k;
        break;
    case O_MODELS: s->effect.models_dir = v; break;
    case O_STATS_JSON: s->stats_json = v; break;
    case O_KEYS: {
        const char *c = v;
        s->num_keys = 0;
        while (*c) {
            char *end;
            long fr = strtol(c, &end, 10);
            if (end == c || *end != ':' || fr < 0 || s->num_keys == CLI_MAX_KEYS)
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
            s->key_frame[s->num_keys] = fr;
            s->key_code[s->num_keys++] = key;
            if (*c == ',')
                c++;
            else if (*c)
                BAD("FRAME:KEY,...");
        }
        break;
    }
    case O_IMAGE: s->image = v; break;
    case O_CATEGORIES: s->categories = v; break;
    case O_OUT: s->out = v; break;
    case O_DOT_RADIUS: case O_LINE_WIDTH:
        if (cli_parse_double(v, 0.5, 32, &d))
            BAD("a number from 0.5 to 32");
        *(op->id == O_DOT_RADIUS ? &s->style.dot_radius : &s->style.line_width) = (float)d;
        break;
    case O_DOT_COLOR: case O_LINE_COLOR: case O_BOX_COLOR:
        if (cli_parse_color(v, op->id == O_DOT_COLOR ? s->style.dot_color
                               : op->id == O_LINE_COLOR ? s->style.line_color : s->style.box_color))
            BAD("a #rrggbb colour");
        break;
    case O_RANDOMIZE_EVERY:
        if (cli_parse_long(v, 0, 100000000L, &n))
            BAD("an integer from 0 to 100000000");
        s->randomize_every = n;
        break;
    case O_CURVE: s->curve = v; break;
    default: break;
    }
    return 0;
#undef BAD
}

int cli_settings_parse(cli_settings *s, int cmd, const char *name, int argc, char **argv)
{
    s->cmd = cmd;
    s->effect = segtex_effect_options_default();
    s->style = segtex_landmark_style_default();
    s->randomize_every = 50;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return 1;
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
        if (config_load(file, &s->cfg, err, sizeof err)) {
            fprintf(stderr, "segtex: %s: %s\n", name, err);
            return -1;
        }
        for (int k = 0; k < s->cfg.count; k++) {
            config_entry *e = &s->cfg.entries[k];
            char where[600];
            snprintf(where, sizeof where, "config '%s' line %d: ", file, e->line);
            const opt *op = find(cmd, e->key, 0);
            if (!op) {
                fprintf(stderr, "segtex: %s: %sunknown key '%s' (see 'segtex %s --help')\n", name, where, e->key, name);
                return -1;
            }
            if (op->id == O_CONFIG || op->id == O_HELP) {
                fprintf(stderr, "segtex: %s: %s'%s' is not allowed in a config file\n", name, where, e->key);
                return -1;
            }
            if (apply(s, name, op, e->has_value ? e->value : NULL, where))
                return -1;
        }
        break;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *value = NULL;
        char buf[64];
        const opt *op = NULL;
        if (a[0] == '-' && a[1] == '-' && a[2]) {
            const char *nm = a + 2, *eq = strchr(nm, '=');
            if (eq) {
                size_t len = (size_t)(eq - nm) < sizeof buf - 1 ? (size_t)(eq - nm) : sizeof buf - 1;
                memcpy(buf, nm, len);
                buf[len] = 0;
                nm = buf, value = eq + 1;
            }
            op = find(cmd, nm, 0);
        } else if (a[0] == '-' && a[1] && a[1] != '-' && !a[2]) {
            op = find(cmd, NULL, a[1]);
        } else {
            fprintf(stderr, "segtex: %s: unexpected argument '%s' (see 'segtex %s --help')\n", name, a, name);
            return -1;
        }
        if (!op) {
            fprintf(stderr, "segtex: %s: unknown option '%s' (see 'segtex %s --help')\n", name,
                    a[1] == '-' ? a + 2 : a + 1, name);
            return -1;
        }
        if (op->id == O_CONFIG) {
            if (!value)
                i++;
            continue;
        }
        if (!value && op->arg) {
            if (i + 1 >= argc) {
                fprintf(stderr, "segtex: %s: '%s' needs a value (%s)\n", name, a, op->arg);
                return -1;
            }
            value = argv[++i];
        }
        if (apply(s, name, op, value, ""))
            return -1;
    }
    if (s->effect.skeleton && !s->effect.pose && !s->has_pose)
        s->effect.pose = 1; /* a skeleton needs a pose: lite unless --pose said otherwise */
    return 0;
}

void cli_settings_help(int cmd, const char *intro)
{
    fputs(intro, stdout);
    const char *section = NULL;
    for (size_t k = 0; k < TABLE_SIZE; k++) {
        const opt *op = &table[k];
        if (!(op->cmds & cmd))
            continue;
        if (!section || strcmp(section, op->section))
            printf("\n%s:\n", section = op->section);
        char head[64];
        if (op->short_name)
            snprintf(head, sizeof head, "-%c, --%s%s%s", op->short_name, op->name, op->arg ? " " : "",
                     op->arg ? op->arg : "");
        else
            snprintf(head, sizeof head, "--%s%s%s", op->name, op->arg ? " " : "", op->arg ? op->arg : "");
        /* The help text's lines under the option, indented. */
        const char *h = op->help;
        int first = 1;
        while (*h) {
            size_t len = strcspn(h, "\n");
            if (first && strlen(head) <= 26)
                printf("  %-26s %.*s\n", head, (int)len, h);
            else if (first)
                printf("  %s\n  %-26s %.*s\n", head, "", (int)len, h);
            else
                printf("  %-26s %.*s\n", "", (int)len, h);
            first = 0;
            h += len + (h[len] == '\n');
        }
    }
}

/* ---- per-category paints ---------------------------------------------------------- */

int cli_apply_edits(const cli_settings *s, const char *cmd, const cli_paint_target *t)
{
    for (int i = 0; i < s->num_edits; i++) {
        const cli_edit *e = &s->edits[i];
        const char *eq = strchr(e->arg, '=');
        char name[32];
        snprintf(name, sizeof name, "%.*s", (int)(eq - e->arg < 31 ? eq - e->arg : 31), e->arg);
        const char *v = eq + 1;
        unsigned mask;
        if (!strcmp(name, "all")) {
            mask = (1u << SEGTEX_CATEGORY_COUNT) - 1;
        } else {
            int c = segtex_category_parse(name);
            if (c < 0) {
                fprintf(stderr, "segtex: %s: %s: unknown category '%s' (%s)\n", cmd, e->opt, name, cat_names);
                return -1;
            }
            mask = 1u << c;
        }
        /* A paint's text is checked once, by the library's grammar; names and files are resolved per category below. */
        segtex_paint_spec spec = {0};
        if (!strcmp(e->opt, "--paint")) {
            char why[320];
            if (segtex_paint_spec_parse(v, strlen(v), &spec, why, sizeof why)) {
                fprintf(stderr, "segtex: %s: --paint: %s\n", cmd, why);
                return -1;
            }
            if (spec.kind == SEGTEX_PAINT_SPEC_IMAGE && !t->add_picture) {
                fprintf(stderr, "segtex: %s: --paint: image paints are not available here\n", cmd);
                return -1;
            }
        }
        for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
            if (!(mask & (1u << c)))
                continue;
            segtex_paint p = t->get(t->obj, c);
            double d;
            if (!strcmp(e->opt, "--paint")) {
                int texture = -1, picture = -1;
                if (spec.kind == SEGTEX_PAINT_SPEC_TEXTURE && spec.is_file) {
                    texture = t->find_texture(t->obj, spec.name);
                    if (texture < 0 && (texture = t->add_file(t->obj, spec.name)) < 0) {
                        /* The library warned, naming the file; a built-in fills in. */
                        texture = c % SEGTEX_BUILTIN_TEXTURE_COUNT;
                        fprintf(stderr, "segtex: %s: warning: %s uses built-in texture '%s' instead\n", cmd,
                                segtex_category_name(c), t->texture_name(t->obj, texture));
                    }
                } else if (spec.kind == SEGTEX_PAINT_SPEC_TEXTURE) {
                    if ((texture = t->find_texture(t->obj, spec.name)) < 0) {
                        fprintf(stderr, "segtex: %s: --paint: unknown texture '%s' (see 'segtex render "
                                        "--list-textures')\n", cmd, spec.name);
                        return -1;
                    }
                } else if (spec.kind == SEGTEX_PAINT_SPEC_IMAGE) {
                    if ((picture = t->add_picture(t->obj, spec.name)) < 0)
                        return -1; /* the library said which file and why, in one line */
                }
                segtex_paint_spec_apply(&spec, texture, picture, &p);
            } else if (!strcmp(e->opt, "--anchor")) {
                int a = segtex_anchor_parse(v);
                if (a < 0) {
                    fprintf(stderr, "segtex: %s: --anchor: '%s' is not screen, face, torso or mesh\n", cmd, v);
                    return -1;
                }
                p.anchor = (segtex_anchor)a;
            } else if (!strcmp(e->opt, "--colors")) {
                char ink[16] = {0};
                const char *comma = strchr(v, ',');
                snprintf(ink, sizeof ink, "%.*s", comma ? (int)(comma - v) : (int)strlen(v), v);
                if (cli_parse_color(ink, p.color) || (comma && cli_parse_color(comma + 1, p.color2))) {
                    fprintf(stderr, "segtex: %s: --colors: '%s' is not #ink or #ink,#paper\n", cmd, v);
                    return -1;
                }
            } else if (!strcmp(e->opt, "--scale")) {
                if (cli_parse_double(v, SEGTEX_TEXTURE_SCALE_MIN, SEGTEX_TEXTURE_SCALE_MAX, &d)) {
                    fprintf(stderr, "segtex: %s: --scale: '%s' is not a number from 0.25 to 8\n", cmd, v);
                    return -1;
                }
                p.scale = (float)d;
            } else if (!strcmp(e->opt, "--opacity")) {
                if (cli_parse_double(v, 0, 1, &d)) {
                    fprintf(stderr, "segtex: %s: --opacity: '%s' is not a number from 0 to 1\n", cmd, v);
                    return -1;
                }
                p.opacity = (float)d;
            } else { /* --offset */
                int x, y;
                char tail;
                if (sscanf(v, "%d,%d%c", &x, &y, &tail) != 2) {
                    fprintf(stderr, "segtex: %s: --offset: '%s' is not X,Y\n", cmd, v);
                    return -1;
                }
                p.offset_x = x, p.offset_y = y;
            }
            if (t->set(t->obj, c, &p) != SEGTEX_OK) {
                fprintf(stderr, "segtex: %s: %s %s: cannot apply\n", cmd, e->opt, e->arg);
                return -1;
            }
        }
    }
    return 0;
}

/* ---- a texture set as the target of the edits ---------------------------------------- */

static segtex_paint ts_get(void *o, int c) { return segtex_texture_set_get_paint(o, c); }
static segtex_status ts_set(void *o, int c, const segtex_paint *p) { return segtex_texture_set_set_paint(o, c, p); }
static int ts_find(void *o, const char *n) { return segtex_texture_set_find(o, n); }
static int ts_add_file(void *o, const char *path)
{
    int idx = -1;
    return segtex_texture_set_add_file(o, path, &idx) ? -1 : idx;
}
static const char *ts_name(void *o, int i) { return segtex_texture_set_name(o, i); }
static int ts_add_picture(void *o, const char *path)
{
    int idx = -1;
    return segtex_texture_set_add_picture(o, path, &idx) ? -1 : idx;
}

cli_paint_target cli_texture_set_target(segtex_texture_set *set)
{
    cli_paint_target t = {set, ts_get, ts_set, ts_find, ts_add_file, ts_name, ts_add_picture};
    return t;
}
