/* PRELU: alpha is broadcast against the input like the second operand of ADD. */
#include "nn/kernels.h"

#include <assert.h>

static void broadcast_strides(nn_dims d, size_t s[4])
{
    size_t step = 1;
    for (int i = 3; i >= 0; i--) {
        s[i] = d.d[i] == 1 ? 0 : step;
        step *= (size_t)d.d[i];
    }
}

void nn_ref_prelu(const float *in, nn_dims din, const float *alpha, nn_dims dalpha, float *out)
{
    size_t sa[4];
    for (int i = 0; i < 4; i++)
        assert(dalpha.d[i] == din.d[i] || dalpha.d[i] == 1);
    broadcast_strides(dalpha, sa);

    size_t i = 0;
    for (int n = 0; n < din.d[0]; n++)
        for (int y = 0; y < din.d[1]; y++)
            for (int x = 0; x < din.d[2]; x++) {
                const float *pa = alpha + n * sa[0] + y * sa[1] + x * sa[2];
                for (int c = 0; c < din.d[3]; c++, i++) {
                    float v = in[i];
                    out[i] = v >= 0.0f ? v : pa[c * sa[3]] * v;
                }
            }
}
