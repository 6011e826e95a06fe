/* DEPTHWISE_CONV_2D, float32 NHWC, weights [1,KH,KW,C*multiplier]. */
#include "nn/kernels.h"

#include <assert.h>

void nn_ref_depthwise_conv2d(const float *in, nn_dims din, const float *w, nn_dims dw,
                             const float *bias, float *out, nn_dims dout,
                             const nn_conv_params *p)
{
    const int ih = din.d[1], iw = din.d[2], ic = din.d[3];
    const int kh = dw.d[1], kw = dw.d[2];
    const int oh = dout.d[1], ow = dout.d[2], oc = dout.d[3];
    const int mult = p->depth_multiplier;
    assert(din.d[0] == dout.d[0] && dw.d[0] == 1 && dw.d[3] == oc && oc == ic * mult);

    for (int n = 0; n < dout.d[0]; n++)
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++) {
                const int y0 = oy * p->stride_h - p->pad_top;
                const int x0 = ox * p->stride_w - p->pad_left;
                float *o = out + (((size_t)n * oh + oy) * ow + ox) * oc;
                for (int ci = 0; ci < ic; ci++)
                    for (int m = 0; m < mult; m++) {
                        /* TFLite's order: the outputs of input channel ci are adjacent. */
                        const int co = ci * mult + m;
                        float acc = bias ? bias[co] : 0.0f;
                        for (int ky = 0; ky < kh; ky++) {
                            const int y = y0 + ky * p->dilation_h;
                            if (y < 0 || y >= ih)
                                continue;
                            for (int kx = 0; kx < kw; kx++) {
                                const int x = x0 + kx * p->dilation_w;
                                if (x < 0 || x >= iw)
                                    continue;
                                acc += in[(((size_t)n * ih + y) * iw + x) * ic + ci] *
                                       w[((size_t)ky * kw + kx) * oc + co];
                            }
                        }
                        o[co] = nn_activate(acc, p->act);
                    }
            }
}
