/* STRIDED_SLICE after the graph resolved masks, negative indices and sizes. */
#include "nn/kernels.h"

#include <assert.h>

void nn_ref_strided_slice(const float *in, nn_dims din, const int begin[4], const int stride[4],
                          float *out, nn_dims dout)
{
    for (int k = 0; k < 4; k++) {
        assert(stride[k] != 0);
        /* The first and the last index read along each dim stay inside the input. */
        assert(dout.d[k] == 0 || (begin[k] >= 0 && begin[k] < din.d[k]));
        assert(dout.d[k] == 0 || (begin[k] + (dout.d[k] - 1) * stride[k] >= 0 &&
                                  begin[k] + (dout.d[k] - 1) * stride[k] < din.d[k]));
    }
    size_t o = 0;
    for (int n = 0; n < dout.d[0]; n++) {
        const int in_n = begin[0] + n * stride[0];
        for (int y = 0; y < dout.d[1]; y++) {
            const int in_y = begin[1] + y * stride[1];
            for (int x = 0; x < dout.d[2]; x++) {
                const int in_x = begin[2] + x * stride[2];
                const float *row = in + (((size_t)in_n * din.d[1] + in_y) * din.d[2] + in_x) *
                                            din.d[3];
                for (int c = 0; c < dout.d[3]; c++)
                    out[o++] = row[begin[3] + c * stride[3]];
            }
        }
    }
}
