/* Private: pieces of the renderer shared between its files. */
#ifndef SEGTEX_RENDER_RENDER_H
#define SEGTEX_RENDER_RENDER_H

#include "segtex/render.h"

/* round(v / 255) for v in [0, 255 * 255 + 127]: the blend of two 8-bit values by an 8-bit alpha. */
static inline uint32_t div255(uint32_t v) { return (v + 127) / 255; }

/*
 * Landmarks prepared for drawing: pixel coordinates, computed once per frame
 * before the row bands start, in buffers owned by the renderer.
 */
typedef struct landmark_frame {
    int face_count;
    int counts[SEGTEX_MAX_FACES];
    float xy[SEGTEX_MAX_FACES][SEGTEX_FACE_POINTS][2];
    int has_box[SEGTEX_MAX_FACES];
    float box[SEGTEX_MAX_FACES][4]; /* x0, y0, x1, y1 in pixels */
} landmark_frame;

/* Convert normalized landmarks to pixel coordinates for a width x height output. Never allocates. */
void landmarks_prepare(landmark_frame *lf, const segtex_face_result *faces, int width, int height);

/*
 * Draw box, contours and dots (in that order, face by face) on rows
 * [row0, row1) of `out` only: called once per row band, the result does not
 * depend on how rows are split into bands.
 */
void landmarks_draw_rows(const landmark_frame *lf, const segtex_landmark_style *style, segtex_image *out,
                         int row0, int row1);

#endif
