/* CONCATENATION along one of the four dims. */
#include "nn/kernels.h"

#include <assert.h>

void nn_ref_concat(const float *const *in, const nn_dims *din, int count, int axis,
                   float *out, nn_dims dout)
{
    assert(axis >= 0 && axis < 4);
    /*
     * View every tensor as [outer, axis * inner]: each input contributes one
     * contiguous run of din[k].d[axis] * inner floats per outer index.
     */
    size_t outer = 1, inner = 1;
    for (int i = 0; i < axis; i++)
        outer *= (size_t)dout.d[i];
    for (int i = axis + 1; i < 4; i++)
        inner *= (size_t)dout.d[i];

    float *o = out;
    for (size_t q = 0; q < outer; q++)
        for (int k = 0; k < count; k++) {
            const size_t run = (size_t)din[k].d[axis] * inner;
            const float *src = in[k] + q * run;
            for (size_t i = 0; i < run; i++)
                *o++ = src[i];
        }
    assert((size_t)(o - out) == nn_dims_count(dout));
}
