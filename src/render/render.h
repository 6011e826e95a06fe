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
    int pose;                       /* 1: pose_xy holds a pose to draw */
    float pose_xy[SEGTEX_POSE_POINTS][2]; /* -FAR where the point is not visible */
    int hand_count;
    float hand_xy[SEGTEX_MAX_HANDS][SEGTEX_HAND_POINTS][2];
} landmark_frame;

/*
 * Convert the normalized landmarks the style draws to pixel coordinates for
 * a width x height output (faces only when dots, contours or box are on;
 * pose and hands only with the skeleton). Never allocates.
 */
void landmarks_prepare(landmark_frame *lf, const segtex_people *people, const segtex_landmark_style *style,
                       int width, int height);

/*
 * Draw the skeleton, then box, contours and dots (face by face) on rows
 * [row0, row1) of `out` only: called once per row band, the result does not
 * depend on how rows are split into bands.
 */
void landmarks_draw_rows(const landmark_frame *lf, const segtex_landmark_style *style, segtex_image *out,
                         int row0, int row1);

/*
 * The renderer's SIMD levels: each one's paths give the same bytes as the
 * plain scalar code. AVX2 is the CPU's "avx2" (no FMA: nothing fused);
 * AVX-512 needs F, BW, VL and VBMI.
 */
enum { RENDER_SCALAR = 0, RENDER_AVX2 = 1, RENDER_AVX512 = 2 };
/* The highest level this CPU runs. */
int render_cpu_level(void);

/*
 * Tests: 1 makes `r` use only its plain scalar paths (quantize, the
 * anchored walk, the mesh paint) from the next configure on, 0 (the
 * default) the fastest this CPU runs. Every path gives the same bytes.
 */
void renderer_set_scalar_only(segtex_renderer *r, int on);
/* Tests: the same with a level, capped at render_cpu_level(), from the next configure on. */
void renderer_set_simd_level(segtex_renderer *r, int level);

#endif
