/* SOFTMAX over the innermost dim. */
#include "nn/kernels.h"

#include <math.h>

void nn_ref_softmax(const float *in, nn_dims d, float beta, float *out)
{
    const int depth = d.d[3];
    if (depth <= 0)
        return;
    const size_t rows = nn_dims_count(d) / (size_t)depth;
    for (size_t r = 0; r < rows; r++) {
        const float *x = in + r * (size_t)depth;
        float *y = out + r * (size_t)depth;
        /* Subtracting the row max keeps exp() from overflowing; it cancels in the ratio. */
        float max = x[0];
        for (int c = 1; c < depth; c++)
            if (x[c] > max)
                max = x[c];
        float sum = 0.0f;
        for (int c = 0; c < depth; c++) {
            y[c] = expf((x[c] - max) * beta);
            sum += y[c];
        }
        for (int c = 0; c < depth; c++)
            y[c] /= sum;
    }
}
