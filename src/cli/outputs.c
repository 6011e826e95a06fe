/* The outputs of `segtex run` (see outputs.h). */
#include "outputs.h"
#include "segtex/json.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static output_kind kind_of(const char *target)
{
    size_t n = strlen(target);
    if (!strcmp(target, "window"))
        return OUT_WINDOW;
    if (!strncmp(target, "categories:", 11))
        return OUT_CATEGORIES;
    if (n > 6 && !strcmp(target + n - 6, ".jsonl"))
        return OUT_JSONL;
    return OUT_SINK;
}

int cli_outputs_check(const char *const *targets, int n, const char *input)
{
    const char *files[CLI_MAX_OUTPUTS];
    int k = 0;
    for (int i = 0; i < n; i++) {
        output_kind kind = kind_of(targets[i]);
        if (kind != OUT_WINDOW)
            files[k++] = kind == OUT_CATEGORIES ? targets[i] + 11 : targets[i];
    }
    char why[512];
    if (segtex_sink_target_conflict(input, files, k, why, sizeof why)) {
        fprintf(stderr, "segtex: run: %s; nothing was written\n", why);
        return -1;
    }
    return 0;
}

int cli_outputs_open(cli_outputs *o, const char *const *targets, int n, const segtex_source_info *info,
                     int make_folder)
{
    memset(o, 0, sizeof *o);
    o->count = n;
    for (int k = 0; k < n; k++) {
        output *out = &o->outs[k];
        out->target = out->path = targets[k];
        out->kind = kind_of(targets[k]);
        if (out->kind == OUT_WINDOW) {
            o->has_window = 1; /* the command opens it on the first frame */
        } else if (out->kind == OUT_JSONL) {
            if (!(out->jsonl = fopen(out->path, "w"))) {
                fprintf(stderr, "segtex: run: cannot create '%s': %s\n", out->path, strerror(errno));
                return -1;
            }
            o->has_data = 1;
        } else if (out->kind == OUT_CATEGORIES) {
            /* Category ids 0..5 as 8-bit grey PNG frames at the input's size, through the PNG-frames sink. */
            out->path = targets[k] + 11;
            o->has_data = 1;
            if (!strchr(out->path, '%')) {
                fprintf(stderr, "segtex: run: '%s' needs a frame pattern, like categories:maps/%%05d.png\n",
                        out->target);
                return -1;
            }
            segtex_sink_options ko = {out->path, info->width, info->height, 30.0, 0};
            if (segtex_sink_open(&ko, &out->sink))
                return -1;
        } else {
            /* The default output's folder (out/) is made when missing; a folder the user named is not. */
            segtex_sink_options ko = {out->path, info->width, info->height, info->fps > 0 ? info->fps : 30.0,
                                      make_folder};
            if (segtex_sink_open(&ko, &out->sink))
                return -1;
        }
    }
    if (o->has_data && (segtex_image_alloc(&o->categories, info->width, info->height, 1) ||
                        segtex_snap_create(info->width, info->height, &o->snap)))
        return -1;
    return 0;
}

int cli_outputs_write(cli_outputs *o, const segtex_image *frame, const segtex_image *source,
                      const segtex_effect_result *res)
{
    double t0 = segtex_now();
    double shares[SEGTEX_CATEGORY_COUNT] = {1, 0, 0, 0, 0, 0};
    float fshares[SEGTEX_CATEGORY_COUNT];
    if (o->has_data && res->seg) {
        segtex_seg_result_upsample(res->seg, &o->categories, NULL, shares);
        /* As `segtex segment`: the composite's borders onto the frame's edges (the same size: it checks) */
        if (o->snapping && source &&
            segtex_snap_categories(o->snap, source, res->seg->width, res->seg->height, &o->categories, shares))
            return -1;
    } else if (o->has_data) {
        memset(o->categories.data, 0, (size_t)o->categories.stride * (size_t)o->categories.height);
    }
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++)
        fshares[c] = (float)shares[c];
    int open = 0;
    for (int k = 0; k < o->count; k++) {
        output *out = &o->outs[k];
        if (out->kind == OUT_JSONL) {
            segtex_people people = {res->faces, res->pose, res->hands, 1};
            if (segtex_jsonl_frame_write(out->jsonl, res->index, res->pts, frame->width, frame->height, &people,
                                         fshares)) {
                fprintf(stderr, "segtex: run: writing frame %lld to '%s' failed: %s\n", (long long)res->index,
                        out->path, strerror(errno));
                return -1;
            }
            open++;
            continue;
        }
        if (!out->sink || out->stopped)
            continue;
        segtex_status ws = segtex_sink_write(out->sink, out->kind == OUT_CATEGORIES ? &o->categories : frame,
                                             res->pts);
        if (ws < 0)
            return -1; /* the sink said which frame of which file was lost */
        if (ws == SEGTEX_SINK_STOPPED)
            out->stopped = 1; /* its reader has all it wanted */
        else
            open++;
    }
    segtex_stage_timer_add(&o->t_write, (segtex_now() - t0) * 1e3);
    return open > 0;
}

int cli_outputs_close(cli_outputs *o)
{
    int rc = 0;
    for (int k = 0; k < o->count; k++) {
        output *out = &o->outs[k];
        if (out->jsonl) {
            int failed = ferror(out->jsonl);
            if (fclose(out->jsonl) || failed) {
                fprintf(stderr, "segtex: run: error writing '%s': frames were lost\n", out->path);
                rc = -1;
            } else {
                fprintf(stderr, "segtex: run: wrote per-frame results in %s\n", out->path);
            }
        }
        if (out->sink) {
            const char *what = segtex_sink_describe(out->sink);
            char desc[512];
            snprintf(desc, sizeof desc, "%s", what ? what : out->target);
            if (segtex_sink_close(out->sink))
                rc = -1;
            else if (strcmp(out->target, "-"))
                fprintf(stderr, "segtex: run: wrote %s%s\n", out->kind == OUT_CATEGORIES ? "category maps as " : "",
                        desc);
        }
    }
    segtex_image_free(&o->categories);
    segtex_snap_destroy(o->snap);
    o->snap = NULL;
    o->count = 0; /* the write timer stays: the summary and --stats-json read it after the files are closed */
    return rc;
}
