/*
 * The blurred frame of BLUR paints (see blur.h). Three steps, each
 * parallel over rows or columns of the small image: shrink and blur the
 * rows, blur the columns, and (in the renderer's row pass) read it back
 * bilinearly. Integer arithmetic only, with rounding that maps a flat
 * field to itself exactly, so a flat frame stays flat at any radius.
 */
#include "render/blur.h"
#include "segtex/render.h"

#include <string.h>

#define ROW_BAND 8
#define COL_CHUNK 32 /* pixels of a column task: 96 running sums */

int blur_alloc(blur_buf *b, int w, int h)
{
    memset(b, 0, sizeof *b);
    b->w = w, b->h = h;
    size_t n = (size_t)w * h * 3;
    b->a = segtex_malloc(n);
    b->b = segtex_malloc(n);
    b->x0 = segtex_malloc(sizeof(uint16_t) * w);
    b->fx = segtex_malloc(sizeof(uint16_t) * w);
    if (!b->a || !b->b || !b->x0 || !b->fx) {
        blur_free(b);
        return -1;
    }
    return 0;
}

void blur_free(blur_buf *b)
{
    segtex_free(b->a);
    segtex_free(b->b);
    segtex_free(b->x0);
    segtex_free(b->fx);
    memset(b, 0, sizeof *b);
}

/* round(v / n) for v <= 255 * n as (v * inv + 2^15) >> 16, exact for v a multiple of n (n <= 256). */
static inline uint32_t recip(uint32_t n) { return (65536u + n / 2) / n; }

/* One box blur of radius r along a line of n pixels (3 channels, `step` bytes apart), edges replicated. */
static void box_line(const uint8_t *src, uint8_t *dst, int n, int r)
{
    uint32_t inv = recip((uint32_t)(2 * r + 1));
    uint32_t s0 = 0, s1 = 0, s2 = 0;
    for (int i = -r; i <= r; i++) {
        int k = i < 0 ? 0 : i >= n ? n - 1 : i;
        s0 += src[k * 3], s1 += src[k * 3 + 1], s2 += src[k * 3 + 2];
    }
    for (int x = 0; x < n; x++) {
        dst[x * 3] = (uint8_t)((s0 * inv + 32768) >> 16);
        dst[x * 3 + 1] = (uint8_t)((s1 * inv + 32768) >> 16);
        dst[x * 3 + 2] = (uint8_t)((s2 * inv + 32768) >> 16);
        int add = x + r + 1 < n ? x + r + 1 : n - 1, sub = x - r > 0 ? x - r : 0;
        s0 += src[add * 3] - src[sub * 3];
        s1 += src[add * 3 + 1] - src[sub * 3 + 1];
        s2 += src[add * 3 + 2] - src[sub * 3 + 2];
    }
}

/* Rows [8 band, +8) of the small image: shrink (f x f box average, edges replicated), then two row blurs. */
static void rows_task(void *ctx, size_t band)
{
    blur_buf *b = ctx;
    const segtex_image *fr = b->frame;
    int f = b->f, bw = b->bw;
    /* 24-bit reciprocal: exact on flat fields up to f = SEGTEX_BLUR_RADIUS_MAX / 3 (f * f > 256). */
    uint64_t inv = ((1u << 24) + (uint64_t)(f * f) / 2) / (uint64_t)(f * f);
    int y0 = (int)band * ROW_BAND, y1 = y0 + ROW_BAND < b->bh ? y0 + ROW_BAND : b->bh;
    for (int sy = y0; sy < y1; sy++) {
        uint8_t *ra = b->a + (size_t)sy * bw * 3, *rb = b->b + (size_t)sy * bw * 3;
        if (f == 1) {
            memcpy(rb, fr->data + (ptrdiff_t)sy * fr->stride, (size_t)bw * 3);
        } else {
            for (int sx = 0; sx < bw; sx++) {
                uint32_t s0 = 0, s1 = 0, s2 = 0;
                for (int j = 0; j < f; j++) {
                    int y = sy * f + j < b->h ? sy * f + j : b->h - 1;
                    const uint8_t *row = fr->data + (ptrdiff_t)y * fr->stride;
                    for (int i = 0; i < f; i++) {
                        int x = sx * f + i < b->w ? sx * f + i : b->w - 1;
                        s0 += row[x * 3], s1 += row[x * 3 + 1], s2 += row[x * 3 + 2];
                    }
                }
                rb[sx * 3] = (uint8_t)((s0 * inv + (1u << 23)) >> 24);
                rb[sx * 3 + 1] = (uint8_t)((s1 * inv + (1u << 23)) >> 24);
                rb[sx * 3 + 2] = (uint8_t)((s2 * inv + (1u << 23)) >> 24);
            }
        }
        box_line(rb, ra, bw, b->r);
        box_line(ra, rb, bw, b->r);
    }
}

/* One box blur down a chunk of columns: running sums of COL_CHUNK pixels, row by row (cache friendly). */
static void box_columns(const uint8_t *src, uint8_t *dst, int bw, int bh, int c0, int c1, int r)
{
    uint32_t inv = recip((uint32_t)(2 * r + 1)), s[COL_CHUNK * 3];
    int n = (c1 - c0) * 3;
    size_t stride = (size_t)bw * 3, off = (size_t)c0 * 3;
    memset(s, 0, sizeof s);
    for (int i = -r; i <= r; i++) {
        const uint8_t *row = src + (size_t)(i < 0 ? 0 : i >= bh ? bh - 1 : i) * stride + off;
        for (int k = 0; k < n; k++)
            s[k] += row[k];
    }
    for (int y = 0; y < bh; y++) {
        uint8_t *o = dst + (size_t)y * stride + off;
        for (int k = 0; k < n; k++)
            o[k] = (uint8_t)((s[k] * inv + 32768) >> 16);
        const uint8_t *add = src + (size_t)(y + r + 1 < bh ? y + r + 1 : bh - 1) * stride + off;
        const uint8_t *sub = src + (size_t)(y - r > 0 ? y - r : 0) * stride + off;
        for (int k = 0; k < n; k++)
            s[k] += (uint32_t)add[k] - sub[k];
    }
}

static void cols_task(void *ctx, size_t chunk)
{
    blur_buf *b = ctx;
    int c0 = (int)chunk * COL_CHUNK, c1 = c0 + COL_CHUNK < b->bw ? c0 + COL_CHUNK : b->bw;
    /* The rows left their result in b; two column blurs leave it in b again. */
    box_columns(b->b, b->a, b->bw, b->bh, c0, c1, b->r);
    box_columns(b->a, b->b, b->bw, b->bh, c0, c1, b->r);
}

void blur_run(blur_buf *b, const segtex_image *frame, int radius, segtex_threadpool *pool)
{
    /* f = 1 for the smallest radii, then about R / 3 so r stays near 3; R = f * r within rounding. */
    int f = radius < 3 ? 1 : radius < 9 ? 2 : radius / 3;
    b->f = f;
    b->r = (radius + f / 2) / f;
    b->bw = (b->w + f - 1) / f;
    b->bh = (b->h + f - 1) / f;
    if (b->table_f != f) {
        /* Output column x samples small column (x + 0.5) / f - 0.5, clamped, in 8-bit fixed point. */
        for (int x = 0; x < b->w; x++) {
            int s = (int)(((int64_t)(2 * x + 1) * 128 - (int64_t)f * 128) / f);
            if (s < 0)
                s = 0;
            int i = s >> 8, fr = s & 255;
            if (i >= b->bw - 1)
                i = b->bw - 1, fr = 0;
            b->x0[x] = (uint16_t)i;
            b->fx[x] = (uint16_t)fr;
        }
        b->table_f = f;
    }
    b->frame = frame;
    segtex_threadpool_run(pool, rows_task, b, (size_t)(b->bh + ROW_BAND - 1) / ROW_BAND);
    segtex_threadpool_run(pool, cols_task, b, (size_t)(b->bw + COL_CHUNK - 1) / COL_CHUNK);
    b->frame = NULL;
}

void blur_fill_row(const blur_buf *b, int y, int x0, int x1, uint8_t *dst)
{
    int f = b->f, bw = b->bw;
    int s = (int)(((int64_t)(2 * y + 1) * 128 - (int64_t)f * 128) / f);
    if (s < 0)
        s = 0;
    int i = s >> 8;
    uint32_t fy = (uint32_t)(s & 255);
    if (i >= b->bh - 1)
        i = b->bh - 1, fy = 0;
    int i1 = i + 1 < b->bh ? i + 1 : i;
    const uint8_t *r0 = b->b + (size_t)i * bw * 3, *r1 = b->b + (size_t)i1 * bw * 3;
    uint32_t gy = 256 - fy;
    for (int x = x0; x < x1; x++, dst += 3) {
        int c = b->x0[x], c1 = (c + 1 < bw ? c + 1 : c) * 3;
        uint32_t fx = b->fx[x], gx = 256 - fx;
        c *= 3;
        for (int k = 0; k < 3; k++) {
            uint32_t top = r0[c + k] * gx + r0[c1 + k] * fx, bot = r1[c + k] * gx + r1[c1 + k] * fx;
            dst[k] = (uint8_t)((top * gy + bot * fy + 32768) >> 16);
        }
    }
}
