/*
 * The frame sources of `segtex run`, `soak` and `bench pipeline` behind one
 * segtex_frame_reader: the demo clip, or anything segtex_source opens (a
 * file, a camera, a still, an image sequence), with an optional frame limit.
 */
#ifndef SEGTEX_CLI_INPUT_H
#define SEGTEX_CLI_INPUT_H

#include "segtex/io.h"
#include "segtex/pipeline.h"

typedef struct cli_input {
    segtex_demo *demo;
    segtex_source *src;
    long limit; /* stop after this many frames (0: none) */
    long count;
    int still;  /* a still image, repeated */
} cli_input;

/*
 * Open `name` ("demo:" made from models_dir/astronaut.png at w x h, or a
 * source; camera options from the settings). `frames`: the demo's length or
 * a still's repeats or a limit (0: default). -1 on failure (logged).
 */
int cli_input_open(cli_input *in, const char *name, const char *models_dir, int w, int h, long frames,
                   int camera_w, int camera_h, int camera_fps, const char *camera_format);
void cli_input_close(cli_input *in);
segtex_frame_reader cli_input_reader(cli_input *in);
/* 1 for a still image name (PNG/JPEG, no printf pattern). */
int cli_is_image_name(const char *name);

#endif
