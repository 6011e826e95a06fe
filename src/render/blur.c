/*
 * The blurred frame of BLUR paints (see blur.h). Radius 3 up: three
 * steps, each parallel over rows or columns of the small image: shrink and
 * blur the rows, blur the columns, and (in the renderer's row pass) read
 * it back bilinearly. Radius 1 and 2: one or two binomial passes over the
 * full-size frame, parallel over rows. Integer arithmetic only, with rounding that maps a flat
 * field to itself exactly, so a flat frame stays flat at any radius.
 */
#include "render/blur.h"
#include "segtex/render.h"

#include <assert.h>
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

/* One box blur of radius r along a row of n pixels (3 channels), edges replicated. */
static void box_line(const uint8_t *src, uint8_t *dst, int n, int r)
{
    uint32_t inv = recip((uint32_t)(2 * r + 1));
    uint32_t s0 = 0, s1 = 0, s2 = 0;
    for (int i = -r; i <= r; i++) {
        int k = i < 0 ? 0 : i >= n ? n - 1 : i;
        s0 += src[k * 3], s1 += src[k * 3 + 1], s2 += src[k * 3 + 2];
    }
#define OUT(x)                                                                                                   \
    (dst[(x) * 3] = (uint8_t)((s0 * inv + 32768) >> 16), dst[(x) * 3 + 1] = (uint8_t)((s1 * inv + 32768) >> 16), \
     dst[(x) * 3 + 2] = (uint8_t)((s2 * inv + 32768) >> 16))
#define SLIDE(add, sub)                                                                                          \
    (s0 += (uint32_t)src[(add) * 3] - src[(sub) * 3], s1 += (uint32_t)src[(add) * 3 + 1] - src[(sub) * 3 + 1],   \
     s2 += (uint32_t)src[(add) * 3 + 2] - src[(sub) * 3 + 2])
    /* Clamped at the ends only: the middle loop has no branches. */
    int x = 0;
    for (; x < n && x < r; x++) {
        OUT(x);
        SLIDE(x + r + 1 < n ? x + r + 1 : n - 1, 0);
    }
    for (; x + r + 1 < n; x++) {
        OUT(x);
        SLIDE(x + r + 1, x - r);
    }
    for (; x < n; x++) {
        OUT(x);
        SLIDE(n - 1, x - r > 0 ? x - r : 0);
    }
#undef OUT
#undef SLIDE
}

/* Frame pixels summed per step of the shrink: the f rows are added column-wise first (vectorizable). */
#define SHRINK_CHUNK 2048

/* Small row sy: the f x f box average of the frame (edges replicated) into dst. */
static void shrink_row(const blur_buf *b, int sy, uint8_t *dst)
{
    const segtex_image *fr = b->frame;
    int f = b->f;
    /* 24-bit reciprocal: exact on flat fields up to f = SEGTEX_BLUR_RADIUS_MAX / 3 (f * f > 256). */
    uint64_t inv = ((1u << 24) + (uint64_t)(f * f) / 2) / (uint64_t)(f * f);
    uint16_t acc[SHRINK_CHUNK * 3];
    int step = SHRINK_CHUNK / f * f;
    for (int x0 = 0; x0 < b->w; x0 += step) {
        int n = b->w - x0 < step ? b->w - x0 : step;
        memset(acc, 0, sizeof(uint16_t) * n * 3);
        for (int j = 0; j < f; j++) {
            int y = sy * f + j < b->h ? sy * f + j : b->h - 1;
            const uint8_t *row = fr->data + (ptrdiff_t)y * fr->stride + (size_t)x0 * 3;
            for (int k = 0; k < n * 3; k++)
                acc[k] = (uint16_t)(acc[k] + row[k]);
        }
        for (int i = 0; i < n; i += f) {
            uint32_t s0 = 0, s1 = 0, s2 = 0;
            int m = n - i < f ? n - i : f;
            for (int k = 0; k < m; k++)
                s0 += acc[(i + k) * 3], s1 += acc[(i + k) * 3 + 1], s2 += acc[(i + k) * 3 + 2];
            /* The last block of a row may be short: its last column stands in for the missing ones. */
            const uint16_t *last = acc + (size_t)(i + m - 1) * 3;
            s0 += (uint32_t)(f - m) * last[0], s1 += (uint32_t)(f - m) * last[1], s2 += (uint32_t)(f - m) * last[2];
            uint8_t *o = dst + (size_t)((x0 + i) / f) * 3;
            o[0] = (uint8_t)((s0 * inv + (1u << 23)) >> 24);
            o[1] = (uint8_t)((s1 * inv + (1u << 23)) >> 24);
            o[2] = (uint8_t)((s2 * inv + (1u << 23)) >> 24);
        }
    }
}

/*
 * Small radii at full size: a 2-D binomial [1 4 6 4 1] x [1 4 6 4 1] / 256
 * with taps d pixels apart (edges replicated), rows [y0, y1) of dst from
 * src. Each output row sums five source rows (weights 1 4 6 4 1, at most
 * 16 * 255) and then five of those column sums (at most 256 * 255), all in
 * 16-bit lanes that the compiler vectorizes. A flat field gives 256 v, so
 * it maps to itself exactly; every weight is positive, so an edge stays
 * monotone.
 */
#define BIN_CHUNK 1024 /* output pixels a step */
#define BIN_HALO 4     /* 2 d pixels each side, d <= 2 */

static void binomial_rows(const uint8_t *src, ptrdiff_t sstride, uint8_t *dst, size_t dstride, int w, int h, int d,
                          int y0, int y1)
{
    uint16_t v[(BIN_CHUNK + 2 * BIN_HALO) * 3];
    assert(d >= 1 && 2 * d <= BIN_HALO);
    for (int y = y0; y < y1; y++) {
        const uint8_t *r[5];
        for (int j = 0; j < 5; j++) {
            int yy = y + (j - 2) * d;
            r[j] = src + (ptrdiff_t)(yy < 0 ? 0 : yy >= h ? h - 1 : yy) * sstride;
        }
        for (int x0 = 0; x0 < w; x0 += BIN_CHUNK) {
            int x1 = x0 + BIN_CHUNK < w ? x0 + BIN_CHUNK : w;
            /* Column sums for [xa, xb), the inside part computed, the parts past the edges copied from the edge. */
            int xa = x0 - 2 * d, xb = x1 + 2 * d;
            int ia = xa < 0 ? 0 : xa, ib = xb > w ? w : xb;
            uint16_t *vi = v + (size_t)(ia - xa) * 3;
            const uint8_t *a = r[0] + (size_t)ia * 3, *b = r[1] + (size_t)ia * 3, *c = r[2] + (size_t)ia * 3,
                          *e = r[3] + (size_t)ia * 3, *g = r[4] + (size_t)ia * 3;
            int n = (ib - ia) * 3;
            for (int k = 0; k < n; k++)
                vi[k] = (uint16_t)((uint16_t)(a[k] + g[k]) + (uint16_t)((b[k] + e[k]) << 2) + (uint16_t)(c[k] * 6));
            for (int x = xa; x < ia; x++)
                memcpy(v + (size_t)(x - xa) * 3, vi, sizeof(uint16_t) * 3);
            for (int x = ib; x < xb; x++)
                memcpy(v + (size_t)(x - xa) * 3, v + (size_t)(ib - 1 - xa) * 3, sizeof(uint16_t) * 3);
            /* Row pass on the sums: at most 65280, then rounded back to 8 bits. */
            const uint16_t *t = v + (size_t)2 * d * 3;
            uint8_t *o = dst + (size_t)y * dstride + (size_t)x0 * 3;
            int m = (x1 - x0) * 3, s1 = 3 * d, s2 = 6 * d;
            for (int k = 0; k < m; k++)
                o[k] = (uint8_t)((uint16_t)((uint16_t)(t[k - s2] + t[k + s2]) +
                                            (uint16_t)((t[k - s1] + t[k + s1]) << 2) + (uint16_t)(t[k] * 6) + 128) >>
                                 8);
        }
    }
}

/* Full-size rows [8 band, +8): one binomial pass, frame -> b (d = 1) or frame -> a (the first of two). */
static void binomial_task1(void *ctx, size_t band)
{
    blur_buf *b = ctx;
    int y0 = (int)band * ROW_BAND, y1 = y0 + ROW_BAND < b->h ? y0 + ROW_BAND : b->h;
    binomial_rows(b->frame->data, b->frame->stride, b->r == 1 ? b->b : b->a, (size_t)b->w * 3, b->w, b->h, 1, y0, y1);
}

/* The second pass of radius 2: taps 2 apart, a -> b (together a kernel of sigma sqrt(5) ~ 2.2). */
static void binomial_task2(void *ctx, size_t band)
{
    blur_buf *b = ctx;
    int y0 = (int)band * ROW_BAND, y1 = y0 + ROW_BAND < b->h ? y0 + ROW_BAND : b->h;
    binomial_rows(b->a, (ptrdiff_t)b->w * 3, b->b, (size_t)b->w * 3, b->w, b->h, 2, y0, y1);
}

/* Rows [8 band, +8) of the small image: shrink, then two row blurs. */
static void rows_task(void *ctx, size_t band)
{
    blur_buf *b = ctx;
    int bw = b->bw;
    int y0 = (int)band * ROW_BAND, y1 = y0 + ROW_BAND < b->bh ? y0 + ROW_BAND : b->bh;
    for (int sy = y0; sy < y1; sy++) {
        uint8_t *ra = b->a + (size_t)sy * bw * 3, *rb = b->b + (size_t)sy * bw * 3;
        shrink_row(b, sy, rb);
        box_line(rb, ra, bw, b->r);
        box_line(ra, rb, bw, b->r);
    }
}

/*
 * Small rows [8 band, +8), widened to the output width (bilinear, 8-bit)
 * into a: what blur_fill_row blends two of. With f = 1 (radius 1, 2) the
 * full-size result is read from b.
 */
static void widen_task(void *ctx, size_t band)
{
    blur_buf *b = ctx;
    int bw = b->bw, w = b->w;
    int y0 = (int)band * ROW_BAND, y1 = y0 + ROW_BAND < b->bh ? y0 + ROW_BAND : b->bh;
    for (int sy = y0; sy < y1; sy++) {
        const uint8_t *src = b->b + (size_t)sy * bw * 3;
        uint8_t *dst = b->a + (size_t)sy * w * 3;
        for (int x = 0; x < w; x++, dst += 3) {
            int c = b->x0[x] * 3, c1 = b->x0[x] + 1 < bw ? c + 3 : c; /* x0 < bw - 1 but at the clamped end */
            uint32_t fx = b->fx[x], gx = 256 - fx;
            dst[0] = (uint8_t)((src[c] * gx + src[c1] * fx + 128) >> 8);
            dst[1] = (uint8_t)((src[c + 1] * gx + src[c1 + 1] * fx + 128) >> 8);
            dst[2] = (uint8_t)((src[c + 2] * gx + src[c1 + 2] * fx + 128) >> 8);
        }
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
    /*
     * Two box blurs of radius r at 1/f size are a tent of sigma about
     * f * sqrt(2 r (r + 1) / 3): r = 2 and f = R / 2 give sigma ~R from
     * R = 6 up; R 3..5 take r = 1 and f = R (sigma ~1.15 R). R 1..2 stay
     * at full size, where shrinking and widening cost more than a short
     * binomial kernel in 16-bit lanes (see binomial_rows).
     */
    if (radius <= 2) {
        /* Full size: one binomial pass of sigma 1, or two (taps 1 and 2 apart) of sigma ~2.2. */
        b->f = 1, b->r = radius, b->bw = b->w, b->bh = b->h;
        b->frame = frame;
        size_t bands = (size_t)(b->h + ROW_BAND - 1) / ROW_BAND;
        segtex_threadpool_run(pool, binomial_task1, b, bands);
        if (radius == 2)
            segtex_threadpool_run(pool, binomial_task2, b, bands);
        b->frame = NULL;
        return;
    }
    int f = radius <= 5 ? radius : radius / 2;
    b->f = f;
    b->r = radius <= 5 ? 1 : 2;
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
    if (f > 1)
        segtex_threadpool_run(pool, widen_task, b, (size_t)(b->bh + ROW_BAND - 1) / ROW_BAND);
    b->frame = NULL;
}

void blur_fill_row(const blur_buf *b, int y, int x0, int x1, uint8_t *dst)
{
    int f = b->f;
    if (f == 1) {
        memcpy(dst, b->b + ((size_t)y * b->w + x0) * 3, (size_t)(x1 - x0) * 3);
        return;
    }
    int s = (int)(((int64_t)(2 * y + 1) * 128 - (int64_t)f * 128) / f);
    if (s < 0)
        s = 0;
    int i = s >> 8;
    uint32_t fy = (uint32_t)(s & 255);
    if (i >= b->bh - 1)
        i = b->bh - 1, fy = 0;
    int i1 = i + 1 < b->bh ? i + 1 : i;
    /* Widened rows (a) or, with f = 1, the blurred rows themselves (b): both w pixels wide. */
    const uint8_t *img = f > 1 ? b->a : b->b;
    const uint8_t *r0 = img + ((size_t)i * b->w + x0) * 3, *r1 = img + ((size_t)i1 * b->w + x0) * 3;
    uint16_t gy = (uint16_t)(256 - fy), fy16 = (uint16_t)fy;
    int n = (x1 - x0) * 3;
    /* 16-bit lanes: 255 * 256 + 128 fits, so the compiler vectorizes this. */
    for (int k = 0; k < n; k++)
        dst[k] = (uint8_t)((uint16_t)(r0[k] * gy + r1[k] * fy16 + 128) >> 8);
}
