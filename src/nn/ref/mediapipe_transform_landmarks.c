/*
 * TransformLandmarks, version 2 (MediaPipe custom op,
 * mediapipe/util/tflite/operations/transform_landmarks.cc).
 *
 * Each landmark (x, y[, z]) becomes
 *     x' = m[0]*x + m[1]*y + m[3]
 *     y' = m[4]*x + m[5]*y + m[7]
 *     z' = z            (copied unchanged: not scaled, not shifted)
 * The op multiplies M by (x, y, 0, 1), so m[2] and m[6] never contribute;
 * version 2 has no options (version 1's "scale" of the translation is gone)
 * and takes the landmark size (2 or 3) from the last dimension of its output.
 */
#include "nn/kernels.h"

#include <assert.h>

void nn_ref_transform_landmarks(const float *in, int num_landmarks, int dims_per_landmark,
                                const float matrix[16], float *out)
{
    assert(dims_per_landmark == 2 || dims_per_landmark == 3);
    for (int i = 0; i < num_landmarks; i++) {
        const float *l = in + (size_t)i * (size_t)dims_per_landmark;
        float *o = out + (size_t)i * (size_t)dims_per_landmark;
        /* Read the whole landmark before writing, so in == out is allowed. */
        const float x = l[0], y = l[1];
        const float z = dims_per_landmark == 3 ? l[2] : 0.0f;
        o[0] = matrix[0] * x + matrix[1] * y + matrix[2] * 0.0f + matrix[3] * 1.0f;
        o[1] = matrix[4] * x + matrix[5] * y + matrix[6] * 0.0f + matrix[7] * 1.0f;
        if (dims_per_landmark == 3)
            o[2] = z;
    }
}
