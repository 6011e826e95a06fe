/* AVERAGE_POOL_2D and MAX_POOL_2D over the taps that fall inside the input. */
#include "nn/kernels.h"

#include <assert.h>
#include <float.h>

/*
 * The window of output (oy,ox) clipped to the input: rows [*y_lo,*y_hi) and
 * columns [*x_lo,*x_hi). Padding taps are dropped rather than read as zero,
 * which is what makes TFLite's average exclude them from the divisor.
 */
static void clip_window(const nn_pool_params *p, nn_dims din, int oy, int ox,
                        int *y_lo, int *y_hi, int *x_lo, int *x_hi)
{
    const int y0 = oy * p->stride_h - p->pad_top;
    const int x0 = ox * p->stride_w - p->pad_left;
    *y_lo = y0 < 0 ? 0 : y0;
    *x_lo = x0 < 0 ? 0 : x0;
    *y_hi = y0 + p->filter_h > din.d[1] ? din.d[1] : y0 + p->filter_h;
    *x_hi = x0 + p->filter_w > din.d[2] ? din.d[2] : x0 + p->filter_w;
}

static void pool(const float *in, nn_dims din, float *out, nn_dims dout,
                 const nn_pool_params *p, int is_max)
{
    const int ih = din.d[1], iw = din.d[2], c = din.d[3];
    const int oh = dout.d[1], ow = dout.d[2];
    assert(din.d[0] == dout.d[0] && dout.d[3] == c);

    for (int n = 0; n < dout.d[0]; n++)
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++) {
                int y_lo, y_hi, x_lo, x_hi;
                clip_window(p, din, oy, ox, &y_lo, &y_hi, &x_lo, &x_hi);
                const int taps = (y_hi - y_lo) * (x_hi - x_lo);
                float *o = out + (((size_t)n * oh + oy) * ow + ox) * c;
                for (int ch = 0; ch < c; ch++) {
                    float acc = is_max ? -FLT_MAX : 0.0f;
                    for (int y = y_lo; y < y_hi; y++)
                        for (int x = x_lo; x < x_hi; x++) {
                            const float v = in[(((size_t)n * ih + y) * iw + x) * c + ch];
                            if (is_max)
                                acc = v > acc ? v : acc;
                            else
                                acc += v;
                        }
                    /*
                     * A window entirely in the padding has no taps; the graph
                     * never builds one, but give it 0 instead of 0/0 = NaN.
                     */
                    if (!is_max)
                        acc = taps > 0 ? acc / (float)taps : 0.0f;
                    o[ch] = nn_activate(acc, p->act);
                }
            }
}

void nn_ref_avg_pool(const float *in, nn_dims din, float *out, nn_dims dout,
                     const nn_pool_params *p)
{
    pool(in, din, out, dout, p, 0);
}

void nn_ref_max_pool(const float *in, nn_dims din, float *out, nn_dims dout,
                     const nn_pool_params *p)
{
    pool(in, din, out, dout, p, 1);
}
