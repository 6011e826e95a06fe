/* PAD / PADV2 with a constant value. */
#include "nn/kernels.h"

#include <assert.h>

void nn_ref_pad(const float *in, nn_dims din, const int before[4], float value,
                float *out, nn_dims dout)
{
    for (int i = 0; i < 4; i++)
        assert(before[i] >= 0 && before[i] + din.d[i] <= dout.d[i]);

    size_t o = 0;
    for (int n = 0; n < dout.d[0]; n++)
        for (int y = 0; y < dout.d[1]; y++)
            for (int x = 0; x < dout.d[2]; x++)
                for (int c = 0; c < dout.d[3]; c++, o++) {
                    const int in_n = n - before[0], in_y = y - before[1];
                    const int in_x = x - before[2], in_c = c - before[3];
                    if (in_n < 0 || in_n >= din.d[0] || in_y < 0 || in_y >= din.d[1] ||
                        in_x < 0 || in_x >= din.d[2] || in_c < 0 || in_c >= din.d[3])
                        out[o] = value;
                    else
                        out[o] = in[(((size_t)in_n * din.d[1] + in_y) * din.d[2] + in_x) *
                                        din.d[3] + in_c];
                }
}
