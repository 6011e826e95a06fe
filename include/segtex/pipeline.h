/*
 * segtex pipeline: what a frame source looks like to the engine.
 *
 * The threaded source -> workers -> output pipeline itself is private to
 * the library (src/pipeline/); applications drive it through segtex_effect
 * (include/segtex/effect.h): segtex_effect_start with a reader below, then
 * segtex_effect_next.
 */
#ifndef SEGTEX_PIPELINE_H
#define SEGTEX_PIPELINE_H

#include "segtex/core.h"
#include "segtex/io.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A frame source: segtex_source, the demo, or anything with these semantics. */
typedef struct segtex_frame_reader {
    void *user;
    /* As segtex_source_read: SEGTEX_SOURCE_FRAME, _END, _RESIZED or a negative status. */
    int (*read)(void *user, segtex_image *dst, double *pts);
    void (*get_info)(void *user, segtex_source_info *info);
} segtex_frame_reader;

#ifdef __cplusplus
}
#endif
#endif
