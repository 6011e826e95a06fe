/*
 * Private to render: the model-resolution category probabilities quantized
 * to 8-bit weights, once per frame before the output rows are painted
 * (compositor.c's model bands). Scalar, SSE2 (4 pixels), AVX2 (8) and
 * AVX-512 (16) paths give the same bytes; the level is the renderer's
 * (render.h: RENDER_SCALAR, RENDER_AVX2, RENDER_AVX512).
 */
#ifndef SEGTEX_RENDER_QUANTIZE_H
#define SEGTEX_RENDER_QUANTIZE_H

#include "segtex/types.h"

#include <stdint.h>

#define NOT_PURE 0xff

/* Per model pixel: weights of the six categories (sum 255), owning category or NOT_PURE, bit mask of nonzero weights. */
typedef struct model_px {
    uint8_t q[SEGTEX_CATEGORY_COUNT];
    uint8_t pure;
    uint8_t mask;
} model_px;

/*
 * n pixels of six probabilities each (p[6 i + c]) to weights summing to
 * exactly 255: clamped to [0, 1] (NaN and values under 2^-16 -> 0), scaled
 * by 255 / sum, rounded, the remainder to the most probable category. The
 * widest path `level` allows and the CPU runs; the same bytes at any level.
 */
void quantize_row(const float *p, model_px *m, int n, int level);

/* Category c alone: weight 255, pure c. */
void quantize_onehot(int c, model_px *m);

#endif
