/*
 * The outputs of `segtex run` (-o): the library's sinks (video files, PNG
 * frames, raw stdout, V4L2), per-frame results as JSON lines, category maps,
 * and whether a window was asked for. Open checks that no output overwrites
 * the input or another output before anything is opened; write never
 * reports a lost frame as success; close finalizes every file.
 */
#ifndef SEGTEX_CLI_OUTPUTS_H
#define SEGTEX_CLI_OUTPUTS_H

#include "settings.h"
#include "segtex/effect.h"
#include "segtex/io.h"

#include <stdio.h>

typedef enum output_kind { OUT_SINK, OUT_WINDOW, OUT_JSONL, OUT_CATEGORIES } output_kind;

typedef struct output {
    const char *target;  /* as given */
    const char *path;    /* the file (categories: the pattern after the prefix) */
    output_kind kind;
    segtex_sink *sink;   /* OUT_SINK, and OUT_CATEGORIES (PNG frames of 8-bit ids) */
    FILE *jsonl;         /* OUT_JSONL */
    int stopped;         /* its reader closed the pipe (SEGTEX_SINK_STOPPED) */
} output;

typedef struct cli_outputs {
    output outs[CLI_MAX_OUTPUTS];
    int count;
    int has_window, has_data;
    segtex_image categories; /* the frame's category ids at the input's size (data outputs only) */
    segtex_snap *snap;       /* the composite's borders onto the frame's edges (data outputs only) */
    int snapping;            /* the segmenter is the composite: its maps are snapped (segtex_snap_categories) */
    segtex_stage_timer t_write;
} cli_outputs;

/*
 * Before anything is opened: -1 after one line on stderr when an output
 * names the input (`input`, NULL for demo:) or another output, or `-` twice.
 */
int cli_outputs_check(const char *const *targets, int n, const char *input);
/*
 * Open every output for frames of `info`'s size. `make_folder`: create the
 * (default) output's folder. 0, or -1 after one line on stderr (what was
 * opened is closed by cli_outputs_close).
 */
int cli_outputs_open(cli_outputs *o, const char *const *targets, int n, const segtex_source_info *info,
                     int make_folder);
/*
 * Write one painted frame and its results everywhere; `source`: the frame as
 * filmed (the category maps' borders are snapped to its edges when
 * o->snapping; NULL: not snapped). 1 while some output still takes frames, 0
 * when every reader has gone (a quiet end), -1 when a write failed (the sink
 * said what was lost).
 */
int cli_outputs_write(cli_outputs *o, const segtex_image *frame, const segtex_image *source,
                      const segtex_effect_result *res);
/* Finalize and free everything; say where each output went. 0, or -1 when any frame was lost. */
int cli_outputs_close(cli_outputs *o);

#endif
