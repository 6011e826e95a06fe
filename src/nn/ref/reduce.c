/* MEAN and SUM over any subset of the four dims. */
#include "nn/kernels.h"

#include <assert.h>

void nn_ref_reduce(const float *in, nn_dims din, unsigned axes_mask, int mean, float *out)
{
    assert((axes_mask & ~0xfu) == 0);
    /* Output shape: reduced dims become 1; its strides index the accumulator. */
    nn_dims dout = din;
    size_t reduced = 1;
    for (int i = 0; i < 4; i++)
        if (axes_mask & (1u << i)) {
            reduced *= (size_t)din.d[i];
            dout.d[i] = 1;
        }
    size_t so[4], step = 1;
    for (int i = 3; i >= 0; i--) {
        so[i] = dout.d[i] == 1 ? 0 : step; /* a reduced dim folds onto index 0 */
        step *= (size_t)dout.d[i];
    }

    const size_t total_out = nn_dims_count(dout);
    for (size_t i = 0; i < total_out; i++)
        out[i] = 0.0f;

    const float *pi = in;
    for (int n = 0; n < din.d[0]; n++)
        for (int y = 0; y < din.d[1]; y++)
            for (int x = 0; x < din.d[2]; x++)
                for (int c = 0; c < din.d[3]; c++)
                    out[n * so[0] + y * so[1] + x * so[2] + c * so[3]] += *pi++;

    if (mean && reduced > 0)
        for (size_t i = 0; i < total_out; i++)
            out[i] /= (float)reduced;
}
