#include "nn/kernels.h"

void nn_ref_fully_connected(const float *in, int batch, int in_ch, const float *w, const float *bias, int out_ch,
                            float *out, int act)
{
    for (int b = 0; b < batch; b++) {
        const float *x = in + (size_t)b * in_ch;
        for (int o = 0; o < out_ch; o++) {
            const float *wr = w + (size_t)o * in_ch;
            float acc = bias ? bias[o] : 0.0f;
            for (int i = 0; i < in_ch; i++)
                acc += x[i] * wr[i];
            out[(size_t)b * out_ch + o] = nn_activate(acc, act);
        }
    }
}
