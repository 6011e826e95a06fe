#include "nn/kernels.h"

void nn_ref_depth_to_space(const float *in, nn_dims din, int block, float *out)
{
    int n = din.d[0], h = din.d[1], w = din.d[2], c = din.d[3], oc = c / (block * block);
    int oh = h * block, ow = w * block;
    for (int b = 0; b < n; b++)
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++) {
                const float *src = in + (((size_t)b * h + y / block) * w + x / block) * c +
                                   (size_t)((y % block) * block + x % block) * oc;
                float *dst = out + (((size_t)b * oh + y) * ow + x) * oc;
                for (int k = 0; k < oc; k++)
                    dst[k] = src[k];
            }
}
