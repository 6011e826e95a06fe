/* RESIZE_BILINEAR with TFLite's float reference semantics, bit for bit. */
#include "nn/kernels.h"

#include <assert.h>
#include <math.h>

/*
 * Source coordinate of output index `dst` and its two neighbours, as TFLite
 * computes them. The neighbours are clamped, the coordinate is not: at the
 * top/left border in half-pixel mode src is in (-0.5, 0) so lo = hi = 0 and
 * the negative fraction multiplies two equal values, leaving that value.
 */
static void source_coord(int dst, float scale, int half_pixel, int in_size,
                         float *src, int *lo, int *hi)
{
    *src = half_pixel ? ((float)dst + 0.5f) * scale - 0.5f : (float)dst * scale;
    const int f = (int)floorf(*src);
    const int c = (int)ceilf(*src);
    *lo = f > 0 ? f : 0;
    *hi = c < in_size - 1 ? c : in_size - 1;
}

void nn_ref_resize_bilinear(const float *in, nn_dims din, float *out, nn_dims dout,
                            int align_corners, int half_pixel_centers)
{
    const int ih = din.d[1], iw = din.d[2], c = din.d[3];
    const int oh = dout.d[1], ow = dout.d[2];
    assert(din.d[0] == dout.d[0] && dout.d[3] == c);
    /* TFLite rejects align_corners together with half_pixel_centers. */
    assert(!(align_corners && half_pixel_centers));

    /* With one output row align_corners keeps in/out; src is 0 either way. */
    float scale_y = (float)ih / (float)oh;
    float scale_x = (float)iw / (float)ow;
    if (align_corners && oh > 1)
        scale_y = (float)(ih - 1) / (float)(oh - 1);
    if (align_corners && ow > 1)
        scale_x = (float)(iw - 1) / (float)(ow - 1);

    for (int n = 0; n < dout.d[0]; n++)
        for (int oy = 0; oy < oh; oy++) {
            float sy;
            int y0, y1;
            source_coord(oy, scale_y, half_pixel_centers, ih, &sy, &y0, &y1);
            /* TFLite's fraction is measured from the clamped y0, not from floor(sy). */
            const float fy = sy - (float)y0;
            for (int ox = 0; ox < ow; ox++) {
                float sx;
                int x0, x1;
                source_coord(ox, scale_x, half_pixel_centers, iw, &sx, &x0, &x1);
                const float fx = sx - (float)x0;
                const float *p00 = in + (((size_t)n * ih + y0) * iw + x0) * c;
                const float *p10 = in + (((size_t)n * ih + y1) * iw + x0) * c;
                const float *p01 = in + (((size_t)n * ih + y0) * iw + x1) * c;
                const float *p11 = in + (((size_t)n * ih + y1) * iw + x1) * c;
                float *o = out + (((size_t)n * oh + oy) * ow + ox) * c;
                /* Same products in the same order as TFLite, so results match exactly. */
                for (int ch = 0; ch < c; ch++)
                    o[ch] = p00[ch] * (1 - fy) * (1 - fx) + p10[ch] * fy * (1 - fx) +
                            p01[ch] * (1 - fy) * fx + p11[ch] * fy * fx;
            }
        }
}
