/*
 * TRANSPOSE_CONV / Convolution2DTransposeBias: the adjoint of CONV_2D. Each
 * input pixel scatters its kernel-weighted values into the output.
 */
#include "nn/kernels.h"

#include <assert.h>

void nn_ref_transpose_conv(const float *in, nn_dims din, const float *w, nn_dims dw,
                           const float *bias, float *out, nn_dims dout,
                           const nn_conv_params *p)
{
    const int ih = din.d[1], iw = din.d[2], ic = din.d[3];
    const int kh = dw.d[1], kw = dw.d[2];
    const int oh = dout.d[1], ow = dout.d[2], oc = dout.d[3];
    assert(din.d[0] == dout.d[0] && dw.d[0] == oc && dw.d[3] == ic);

    /* Scattering accumulates, so the output starts from zero. */
    const size_t total = nn_dims_count(dout);
    for (size_t i = 0; i < total; i++)
        out[i] = 0.0f;

    for (int n = 0; n < din.d[0]; n++)
        for (int iy = 0; iy < ih; iy++)
            for (int ix = 0; ix < iw; ix++) {
                const float *pi = in + (((size_t)n * ih + iy) * iw + ix) * ic;
                for (int ky = 0; ky < kh; ky++) {
                    const int oy = iy * p->stride_h + ky - p->pad_top;
                    if (oy < 0 || oy >= oh)
                        continue; /* falls in the cropped border */
                    for (int kx = 0; kx < kw; kx++) {
                        const int ox = ix * p->stride_w + kx - p->pad_left;
                        if (ox < 0 || ox >= ow)
                            continue;
                        float *o = out + (((size_t)n * oh + oy) * ow + ox) * oc;
                        for (int co = 0; co < oc; co++) {
                            const float *pw = w + (((size_t)co * kh + ky) * kw + kx) * ic;
                            float acc = 0.0f;
                            for (int ci = 0; ci < ic; ci++)
                                acc += pi[ci] * pw[ci];
                            o[co] += acc;
                        }
                    }
                }
            }

    for (size_t i = 0; i < total; i++) {
        const float b = bias ? bias[i % (size_t)oc] : 0.0f;
        out[i] = nn_activate(out[i] + b, p->act);
    }
}
