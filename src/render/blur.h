/* Private: the blurred frame behind BLUR paints, computed once per frame at a reduced size. */
#ifndef SEGTEX_RENDER_BLUR_H
#define SEGTEX_RENDER_BLUR_H

#include "segtex/core.h"

/*
 * A blur of radius R >= 3 is two box blurs of radius r (a tent, close to
 * a Gaussian of sigma ~R) on the frame shrunk by an integer factor f (box
 * average), read back bilinearly: f grows with R and r stays at 1 or 2, so
 * the cost does not grow with R. R 1 and 2 are one or two 5-tap binomial
 * passes at full size (f = 1, sigma 1 and ~2.2). Buffers are allocated
 * once, at configure, for f = 1; only the part in use is ever touched.
 */
typedef struct blur_buf {
    int w, h;          /* output size */
    int f, r, bw, bh;  /* factor, small radius (f = 1: passes) and small size of the last run */
    uint8_t *a, *b;    /* small images (RGB, packed, bw * 3 a row); the result is in b (f > 1: widened into a) */
    uint16_t *x0, *fx; /* [w] per output column: small column and 8-bit fraction toward the next */
    int table_f;       /* f the column table was built for; 0: none */
    const segtex_image *frame; /* during blur_run only */
} blur_buf;

/* Allocate for a w x h output. 0, or -1 when out of memory (nothing kept). */
int blur_alloc(blur_buf *b, int w, int h);
void blur_free(blur_buf *b);

/* Blur `frame` (the configured size) with radius 1..SEGTEX_BLUR_RADIUS_MAX. Never allocates. */
void blur_run(blur_buf *b, const segtex_image *frame, int radius, segtex_threadpool *pool);

/* Output row y, columns [x0, x1), of the last blur into dst (RGB, dst[0] is column x0). */
void blur_fill_row(const blur_buf *b, int y, int x0, int x1, uint8_t *dst);

#endif
