/*
 * Category borders snapped to the image's edges (segtex_snap_categories).
 *
 * The composite segmenter decides its categories per 2 x 2 block of the
 * model's grid, so at the image's size its borders are placed to within a
 * block or two: a V-neck's edge, a hairline or a jaw a few pixels off. Each
 * pixel within SNAP_NEAR model pixels of another category takes
 * the category its neighbours (SNAP_TAPS x SNAP_TAPS of them, SNAP_CELLS
 * model pixels around) vote for, each vote weighted by nearness and by how
 * like the pixel's colour the neighbour's is: a joint bilateral vote, as a
 * CRF's mean field step. Background votes too: the person's edge, where the
 * person mask (upsampled from the model's grid, soft over a model pixel or
 * two) and the photo's edge disagree, moves onto the photo's edge as the
 * borders between person categories do (session 24). The pixel's own
 * category's votes count SNAP_OWN times: the composite decided it, and
 * along a weak edge sensor noise would otherwise flip it frame to frame;
 * for the same reason the pixel's colour is its like neighbours' mean
 * (like_colour, session 25). Ids over 5 (no category) neither vote nor
 * change.
 */
#include "segtex/vision.h"

#include "core/log.h"

#include <math.h>
#include <string.h>

#define C SEGTEX_CATEGORY_COUNT
#define SNAP_CELLS 6.0f  /* the vote's reach, in model pixels (a block is 2) */
#define SNAP_NEAR 2.0f   /* pixels this many model pixels from another category may change */
#define SNAP_TAPS 9      /* neighbours per side (odd), spread evenly over the reach */
#define SNAP_SIGMA 40.0f /* colour likeness: a Gaussian of this sigma on the RGB distance (20 before session 24) */
#define SNAP_OWN 1.25f   /* the pixel's own category's votes count this much more (the composite decided it) */
#define SNAP_LIKE 24     /* the pixel's colour: the mean of its 3 x 3 neighbours within this RGB distance of it */
#define LUT_SHIFT 6      /* the colour weight's table: one entry per 64 of squared RGB distance */
#define LUT_N ((3 * 255 * 255 >> LUT_SHIFT) + 1)

struct segtex_snap {
    int max_pixels;
    uint8_t *orig; /* the map as upsampled: the votes read it, not the map being written */
    uint8_t *mask; /* per pixel: the categories (bit c) within the near distance, row pass first */
    float lut[LUT_N];
    int tap_dx[SNAP_TAPS * SNAP_TAPS], tap_dy[SNAP_TAPS * SNAP_TAPS];
    ptrdiff_t tap_lab[SNAP_TAPS * SNAP_TAPS], tap_img[SNAP_TAPS * SNAP_TAPS]; /* in the map's, the frame's bytes */
    float tap_w[SNAP_TAPS * SNAP_TAPS];
};

segtex_status segtex_snap_create(int max_width, int max_height, segtex_snap **out)
{
    *out = NULL;
    if (max_width <= 0 || max_height <= 0 || (int64_t)max_width * max_height > (int64_t)1 << 28) {
        LOG_ERROR("snap: size %dx%d is out of range", max_width, max_height);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    segtex_snap *s = segtex_calloc(1, sizeof *s);
    if (!s)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    s->max_pixels = max_width * max_height;
    s->orig = segtex_malloc((size_t)s->max_pixels);
    s->mask = segtex_malloc((size_t)s->max_pixels);
    if (!s->orig || !s->mask) {
        segtex_snap_destroy(s);
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    }
    for (int i = 0; i < LUT_N; i++)
        s->lut[i] = expf(-(float)(i << LUT_SHIFT) / (2.0f * SNAP_SIGMA * SNAP_SIGMA));
    *out = s;
    return SEGTEX_OK;
}

void segtex_snap_destroy(segtex_snap *s)
{
    if (!s)
        return;
    segtex_free(s->orig);
    segtex_free(s->mask);
    segtex_free(s);
}

/*
 * The colour pixel (x, y), at `p`, votes with: the mean of the pixels of its 3 x 3 neighbourhood (itself included;
 * fewer at the frame's edges) whose colour is within SNAP_LIKE of its own (a tiny bilateral filter). Sensor noise in
 * the one pixel would otherwise tip it toward one side of an edge or the other frame by frame; an edge's other side
 * is further off than SNAP_LIKE and left out, so the edge stays sharp. In session 25's probe (a border 4 pixels off a
 * 40-level edge under +-8 levels of noise) 130 of 480 pixels changed frame to frame with the pixel's own colour, 12
 * with this. The mean truncates (half a level darker at most: nothing beside the likeness's sigma of 40).
 */
static void like_colour(const segtex_image *frame, const uint8_t *p, int x, int y, int out[3])
{
    const int ch = frame->channels;
    int sum[3] = {0, 0, 0}, n = 0;
    for (int yy = y > 0 ? y - 1 : 0; yy <= y + 1 && yy < frame->height; yy++)
        for (int xx = x > 0 ? x - 1 : 0; xx <= x + 1 && xx < frame->width; xx++) {
            const uint8_t *q = frame->data + (ptrdiff_t)yy * frame->stride + (ptrdiff_t)xx * ch;
            const int d0 = q[0] - p[0], d1 = q[1] - p[1], d2 = q[2] - p[2];
            if (d0 * d0 + d1 * d1 + d2 * d2 <= SNAP_LIKE * SNAP_LIKE)
                sum[0] += q[0], sum[1] += q[1], sum[2] += q[2], n++;
        }
    for (int k = 0; k < 3; k++)
        out[k] = sum[k] / n; /* n >= 1: the pixel itself */
}

/* bit c for category c; ids over the categories are no category */
static inline uint8_t bit_of(uint8_t label) { return label < C ? (uint8_t)(1u << label) : 0; }

/*
 * mask[i] = the categories within `r` pixels of pixel i along a line of n pixels `step` apart, from
 * `in` (labels when `labels`, else masks): two sweeps, each keeping where every category was last seen.
 */
static void near_line(const uint8_t *in, uint8_t *mask, int n, ptrdiff_t step, int r, int labels)
{
    int last[C];
    for (int c = 0; c < C; c++)
        last[c] = -(1 << 29);
    for (int i = 0; i < n; i++) {
        const uint8_t b = labels ? bit_of(in[i * step]) : in[i * step];
        uint8_t m = 0;
        for (int c = 0; c < C; c++) {
            if (b >> c & 1)
                last[c] = i;
            m |= (uint8_t)((i - last[c] <= r) << c);
        }
        mask[i * step] = m;
    }
    for (int c = 0; c < C; c++)
        last[c] = 1 << 29;
    for (int i = n - 1; i >= 0; i--) {
        const uint8_t b = labels ? bit_of(in[i * step]) : in[i * step];
        uint8_t m = 0;
        for (int c = 0; c < C; c++) {
            if (b >> c & 1)
                last[c] = i;
            m |= (uint8_t)((last[c] - i <= r) << c);
        }
        mask[i * step] |= m;
    }
}

segtex_status segtex_snap_categories(segtex_snap *s, const segtex_image *frame, int model_width, int model_height,
                                     segtex_image *categories, double shares[SEGTEX_CATEGORY_COUNT])
{
    const int w = categories ? categories->width : 0, h = categories ? categories->height : 0;
    if (!s || !frame || !categories || !frame->data || !categories->data || frame->width != w ||
        frame->height != h || w <= 0 || h <= 0 || frame->channels < 3 || categories->channels != 1 ||
        frame->stride < w * frame->channels || categories->stride < w || model_width <= 0 || model_height <= 0) {
        LOG_ERROR("snap: the frame (%dx%d) and the category map (%dx%d, one channel) must have one size, the frame "
                  "3 or 4 channels, the model a size",
                  frame ? frame->width : 0, frame ? frame->height : 0, w, h);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    if ((int64_t)w * h > s->max_pixels) {
        LOG_ERROR("snap: a %dx%d map is over the %d pixels it was created for", w, h, s->max_pixels);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    /* Model pixels to image pixels: along the long sides (a square model's on a landscape frame, too). */
    const float cell = (float)(w > h ? w : h) / (float)(model_width > model_height ? model_width : model_height);
    const int reach = (int)fmaxf(1.0f, lrintf(SNAP_CELLS * cell)), near = (int)fmaxf(1.0f, lrintf(SNAP_NEAR * cell));
    const int stride = (2 * reach + SNAP_TAPS - 2) / (SNAP_TAPS - 1), half = reach / stride;
    const float spread = 0.5f * (float)reach; /* the nearness weight: a Gaussian of this sigma */
    int taps = 0;
    for (int j = -half; j <= half; j++)
        for (int i = -half; i <= half; i++) {
            const float dx = (float)(i * stride), dy = (float)(j * stride);
            s->tap_dx[taps] = i * stride, s->tap_dy[taps] = j * stride;
            s->tap_lab[taps] = (ptrdiff_t)j * stride * w + i * stride;
            s->tap_img[taps] = (ptrdiff_t)j * stride * frame->stride + (ptrdiff_t)i * stride * frame->channels;
            s->tap_w[taps++] = expf(-(dx * dx + dy * dy) / (2.0f * spread * spread));
        }
    for (int y = 0; y < h; y++)
        memcpy(s->orig + (size_t)y * w, categories->data + (ptrdiff_t)y * categories->stride, (size_t)w);
    /* The categories within `near` pixels: rows, then columns of the rows' masks (a square reach). */
    for (int y = 0; y < h; y++)
        near_line(s->orig + (size_t)y * w, s->mask + (size_t)y * w, w, 1, near, 1);
    for (int x = 0; x < w; x++)
        near_line(s->mask + x, s->mask + x, h, w, near, 0);
    const int ch = frame->channels;
    long counts[C] = {0};
    for (int y = 0; y < h; y++) {
        const uint8_t *lab = s->orig + (size_t)y * w, *mask = s->mask + (size_t)y * w;
        const uint8_t *row = frame->data + (ptrdiff_t)y * frame->stride;
        uint8_t *out = categories->data + (ptrdiff_t)y * categories->stride;
        for (int x = 0; x < w; x++) {
            const uint8_t own = lab[x];
            /* only a pixel with another category near it can change */
            if (own >= C || !(mask[x] & (uint8_t)~bit_of(own))) {
                counts[own < C ? own : 0]++;
                continue;
            }
            const uint8_t *px = row + (ptrdiff_t)x * ch;
            int col[3];
            like_colour(frame, px, x, y, col);
            float acc[C] = {0};
            if (x >= reach && y >= reach && x + reach < w && y + reach < h) { /* every tap inside */
                const uint8_t *l0 = lab + x;
                float slot[8] = {0}; /* by id; ids over 5 (not categories) into a slot never read */
                for (int t = 0; t < taps; t++) {
                    const uint8_t *q = px + s->tap_img[t];
                    const int d0 = col[0] - q[0], d1 = col[1] - q[1], d2 = col[2] - q[2];
                    slot[l0[s->tap_lab[t]] < C ? l0[s->tap_lab[t]] : 7] +=
                        s->tap_w[t] * s->lut[(d0 * d0 + d1 * d1 + d2 * d2) >> LUT_SHIFT];
                }
                for (int c = 0; c < C; c++)
                    acc[c] = slot[c];
            } else {
                for (int t = 0; t < taps; t++) {
                    const int qx = x + s->tap_dx[t], qy = y + s->tap_dy[t];
                    if (qx < 0 || qy < 0 || qx >= w || qy >= h)
                        continue;
                    const uint8_t l = s->orig[(size_t)qy * w + qx];
                    if (l >= C)
                        continue;
                    const uint8_t *q = frame->data + (ptrdiff_t)qy * frame->stride + (ptrdiff_t)qx * ch;
                    const int d0 = col[0] - q[0], d1 = col[1] - q[1], d2 = col[2] - q[2];
                    acc[l] += s->tap_w[t] * s->lut[(d0 * d0 + d1 * d1 + d2 * d2) >> LUT_SHIFT];
                }
            }
            acc[own] *= SNAP_OWN; /* sensor noise flips fewer pixels along a weak edge */
            int best = own;
            for (int c = 0; c < C; c++)
                best = acc[c] > acc[best] ? c : best;
            out[x] = (uint8_t)best;
            counts[best]++;
        }
    }
    if (shares)
        for (int c = 0; c < C; c++)
            shares[c] = (double)counts[c] / ((double)w * h);
    return SEGTEX_OK;
}
