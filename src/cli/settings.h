/*
 * One option table for `segtex run`, `soak`, `render` and `bench`: it drives
 * the command line, the config file (`--config FILE`, `key = value` lines)
 * and `--help`. Every option is parsed in one place, values with the shared
 * parsers of opts.h, and a problem is one line on stderr naming the option
 * (and, from a config file, the file and the line).
 */
#ifndef SEGTEX_CLI_SETTINGS_H
#define SEGTEX_CLI_SETTINGS_H

#include "config.h"
#include "segtex/effect.h"

enum {
    CMD_RUN = 1,
    CMD_SOAK = 2,
    CMD_RENDER = 4,
    CMD_BENCH = 8, /* bench render and bench pipeline */
};

#define CLI_MAX_OUTPUTS 8
#define CLI_MAX_EDITS 64
#define CLI_MAX_KEYS 32

/* A per-category paint edit, applied in the order given: --paint, --anchor, --colors, --scale, --opacity, --offset. */
typedef struct cli_edit {
    const char *opt; /* "--paint", ... */
    const char *arg; /* "CAT=VALUE" */
} cli_edit;

typedef struct cli_settings {
    int cmd;                      /* CMD_* of the command being parsed */
    segtex_effect_options effect; /* mode, textures, seed, landmarks, segmenter, smooth, max_faces, live,
                                     threads, backend, models */
    int has_threads, has_mode, has_pose;
    /* run */
    const char *input;
    const char *outputs[CLI_MAX_OUTPUTS];
    int num_outputs;
    int camera_w, camera_h, camera_fps;
    const char *camera_format;
    long frames;                  /* 0: the command's default */
    int width, height;            /* --size; 0: the command's default */
    const char *stats_json;
    int quiet;
    long key_frame[CLI_MAX_KEYS];
    int key_code[CLI_MAX_KEYS];
    int num_keys;
    cli_edit edits[CLI_MAX_EDITS];
    int num_edits;
    /* render */
    const char *image, *categories, *out, *landmarks_file, *pose_file, *hands_file;
    int list_textures;
    segtex_landmark_style style;
    segtex_edges edges;           /* render, bench render: --edges */
    /* soak */
    long randomize_every;
    int json;
    const char *curve;
    /* bench */
    int model_w, model_h;
    /* storage for values that came from a config file */
    config cfg;
} cli_settings;

/*
 * Parse argv (argv[0] is the command name, e.g. "run") for command `cmd`
 * into `s` (which the caller zeroed): the config file first, wherever
 * --config stands, then the command line over it. Returns 0, 1 when --help
 * was printed, or -1 after one line on stderr. `name` is used in messages
 * ("run", "bench pipeline").
 */
int cli_settings_parse(cli_settings *s, int cmd, const char *name, int argc, char **argv);

/* Print `intro` (usage line and description), then the options of `cmd` from the table. */
void cli_settings_help(int cmd, const char *intro);

/*
 * Apply the per-category edits in order with `set_paint`/`get_paint` on
 * `target` (an effect, or a texture set through small adapters). Returns 0,
 * or -1 after one line on stderr.
 */
typedef struct cli_paint_target {
    void *obj;
    segtex_paint (*get)(void *obj, int category);
    segtex_status (*set)(void *obj, int category, const segtex_paint *paint);
    int (*find_texture)(void *obj, const char *name);
    /* load a texture file; returns its index or -1 (the library warned) */
    int (*add_file)(void *obj, const char *path);
    const char *(*texture_name)(void *obj, int index);
    /* load a picture for image=FILE; returns its index or -1 (the library logged why); NULL: not offered */
    int (*add_picture)(void *obj, const char *path);
} cli_paint_target;
int cli_apply_edits(const cli_settings *s, const char *cmd_name, const cli_paint_target *t);
/* The target of a bare texture set (render, bench render). */
cli_paint_target cli_texture_set_target(segtex_texture_set *set);

#endif
