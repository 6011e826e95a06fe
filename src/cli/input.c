/* The sources of run, soak and bench pipeline (see input.h). */
#include "input.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

int cli_is_image_name(const char *s)
{
    const char *dot = strrchr(s, '.');
    return dot && !strchr(s, '%') &&
           (!strcasecmp(dot, ".png") || !strcasecmp(dot, ".jpg") || !strcasecmp(dot, ".jpeg"));
}

static int input_read(void *u, segtex_image *dst, double *pts)
{
    cli_input *in = u;
    if (in->limit && in->count >= in->limit)
        return SEGTEX_SOURCE_END;
    int r = in->demo ? segtex_demo_read(in->demo, dst, pts) : segtex_source_read(in->src, dst, pts);
    if (r == SEGTEX_SOURCE_FRAME)
        in->count++;
    return r;
}

static void input_info(void *u, segtex_source_info *info)
{
    cli_input *in = u;
    if (in->demo)
        segtex_demo_get_info(in->demo, info);
    else
        segtex_source_get_info(in->src, info);
    if (in->limit && (info->frames < 0 || info->frames > in->limit))
        info->frames = in->limit;
}

int cli_input_open(cli_input *in, const char *name, const char *models_dir, int w, int h, long frames,
                   int camera_w, int camera_h, int camera_fps, const char *camera_format)
{
    memset(in, 0, sizeof *in);
    if (!strcmp(name, "demo:")) {
        char path[4096];
        snprintf(path, sizeof path, "%s/astronaut.png", models_dir);
        return segtex_demo_create(path, w ? w : 640, h ? h : 480, frames ? frames : 300, 30.0, &in->demo) ? -1 : 0;
    }
    in->still = cli_is_image_name(name);
    segtex_source_options so = {name, camera_w, camera_h, camera_fps, camera_format,
                                in->still ? (int)(frames ? frames : 1) : 0, 30.0};
    in->limit = frames;
    return segtex_source_open(&so, &in->src) ? -1 : 0;
}

void cli_input_close(cli_input *in)
{
    segtex_demo_destroy(in->demo);
    segtex_source_close(in->src);
    memset(in, 0, sizeof *in);
}

segtex_frame_reader cli_input_reader(cli_input *in)
{
    segtex_frame_reader r = {in, input_read, input_info};
    return r;
}
