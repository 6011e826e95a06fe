/*
 * TransformTensorBilinear, version 2 (MediaPipe custom op,
 * mediapipe/util/tflite/operations/transform_tensor_bilinear.cc).
 *
 * For output pixel (x, y) the source position is
 *     (sx, sy) = M * (x + 0.5, y + 0.5, 0, 1) - 0.5
 * (pixel centres map to pixel centres: version 2's "align corners"
 * correction; version 1 used M * (x, y, 0, 1)). Only rows 0 and 1 of M are
 * read. A position outside [0, W-1] x [0, H-1] gives 0 in every channel (no
 * clamping, no partial blending at the border); inside, the four neighbours
 * are blended bilinearly, and a neighbour past the last row or column (reached
 * only with weight 0, at sx == W-1 or sy == H-1) reads as 0.
 */
#include "nn/kernels.h"

#include <assert.h>
#include <math.h>

static float read_or_zero(const float *in, int h, int w, int c, int height, int width, int channels)
{
    if (h < 0 || w < 0 || h >= height || w >= width)
        return 0.0f;
    return in[((size_t)h * (size_t)width + (size_t)w) * (size_t)channels + (size_t)c];
}

void nn_ref_transform_tensor_bilinear(const float *in, nn_dims din, const float matrix[16],
                                      float *out, nn_dims dout)
{
    const int in_h = din.d[1], in_w = din.d[2], in_c = din.d[3];
    const int out_h = dout.d[1], out_w = dout.d[2], out_c = dout.d[3];
    /* MediaPipe reads input channel z for output channel z, from batch 0. */
    assert(out_c <= in_c);

    /* Fold the half-pixel shifts into the translation column, in float as MediaPipe does. */
    const float mx0 = matrix[0], mx1 = matrix[1], mx2 = matrix[2];
    const float my0 = matrix[4], my1 = matrix[5], my2 = matrix[6];
    const float mx3 = matrix[3] + mx0 * 0.5f + mx1 * 0.5f - 0.5f;
    const float my3 = matrix[7] + my0 * 0.5f + my1 * 0.5f - 0.5f;

    for (int y = 0; y < out_h; y++) {
        for (int x = 0; x < out_w; x++) {
            const float fx = (float)x, fy = (float)y;
            const float sx = mx0 * fx + mx1 * fy + mx2 * 0.0f + mx3 * 1.0f;
            const float sy = my0 * fx + my1 * fy + my2 * 0.0f + my3 * 1.0f;
            float *o = out + ((size_t)y * (size_t)out_w + (size_t)x) * (size_t)out_c;
            const int outside =
                sx < 0.0f || sx > (float)(in_w - 1) || sy < 0.0f || sy > (float)(in_h - 1);
            if (outside) {
                for (int c = 0; c < out_c; c++)
                    o[c] = 0.0f;
                continue;
            }
            const float x0f = floorf(sx), y0f = floorf(sy);
            const int x0 = (int)x0f, y0 = (int)y0f;
            const float right = sx - x0f; /* weight of column x0+1 */
            const float lower = sy - y0f; /* weight of row y0+1 */
            for (int c = 0; c < out_c; c++) {
                const float q11 = read_or_zero(in, y0, x0, c, in_h, in_w, in_c);
                const float q21 = read_or_zero(in, y0, x0 + 1, c, in_h, in_w, in_c);
                const float q12 = read_or_zero(in, y0 + 1, x0, c, in_h, in_w, in_c);
                const float q22 = read_or_zero(in, y0 + 1, x0 + 1, c, in_h, in_w, in_c);
                const float upper_v = (1.0f - right) * q11 + right * q21;
                const float lower_v = (1.0f - right) * q12 + right * q22;
                o[c] = lower * lower_v + (1.0f - lower) * upper_v;
            }
        }
    }
}
