/*
 * Landmarks2TransformMatrix, version 2 (MediaPipe custom op,
 * mediapipe/util/tflite/operations/landmarks_to_transform_matrix.cc).
 *
 * The op turns a set of landmarks into the matrix that TransformTensorBilinear
 * and TransformLandmarks use to map the pixels of a rotated crop back to the
 * source tensor:
 *
 *   rotation  r = target_rotation_radians - atan2(y_right - y_left, x_right - x_left)
 *   box       the subset landmarks, rotated by r about the origin, give an
 *             axis-aligned box (w, h); its centre is rotated back by -r: (cx, cy)
 *   matrix    T(cx, cy) * R(-r) * S(scale_x * w / out_w, scale_y * h / out_h)
 *               * T(-out_w / 2, -out_h / 2)
 *
 * Every step is float arithmetic in MediaPipe's order, so results agree with
 * the TFLite kernel to the last bits where libm agrees.
 */
#include "nn/kernels.h"

#include <assert.h>
#include <math.h>
#include <string.h>

/* c = a * b for row-major 4x4 matrices; c must not alias a or b. */
static void mat4_mul(const float a[16], const float b[16], float c[16])
{
    for (int r = 0; r < 4; r++) {
        for (int col = 0; col < 4; col++) {
            float sum = 0.0f;
            for (int k = 0; k < 4; k++)
                sum += a[r * 4 + k] * b[k * 4 + col];
            c[r * 4 + col] = sum;
        }
    }
}

/* Row-major 4x4 with the given 2x2 upper-left block and x/y translation. */
static void mat4_affine(float m[16], float a, float b, float c, float d, float tx, float ty)
{
    memset(m, 0, 16 * sizeof(float));
    m[0] = a;
    m[1] = b;
    m[3] = tx;
    m[4] = c;
    m[5] = d;
    m[7] = ty;
    m[10] = 1.0f;
    m[15] = 1.0f;
}

/* Landmark index number i of the box set: subset_idxs[i], or i itself when no subset is given. */
static int box_landmark(const nn_l2t_params *p, int i)
{
    return p->subset_idxs ? p->subset_idxs[i] : i;
}

void nn_ref_landmarks_to_transform_matrix(const float *landmarks, int num_landmarks,
                                          const nn_l2t_params *p, float matrix[16])
{
    assert(p->left_rotation_idx >= 0 && p->left_rotation_idx < num_landmarks);
    assert(p->right_rotation_idx >= 0 && p->right_rotation_idx < num_landmarks);
    assert(p->output_width > 0 && p->output_height > 0);

    const float *left = landmarks + 3 * p->left_rotation_idx;
    const float *right = landmarks + 3 * p->right_rotation_idx;
    const float rotation =
        p->target_rotation_radians - atan2f(right[1] - left[1], right[0] - left[0]);

    /*
     * Bounding box in the frame rotated by `rotation`. MediaPipe groups
     * subset_idxs in pairs and repeats the last index when the count is odd;
     * both ends of every pair enter the box, so the box is simply that of
     * every listed index (a repeated index changes neither min nor max).
     */
    const int count = p->subset_idxs ? p->subset_count : num_landmarks;
    assert(count > 0);
    const float cr = cosf(rotation), sr = sinf(rotation);
    float min_x = 0.0f, max_x = 0.0f, min_y = 0.0f, max_y = 0.0f;
    for (int i = 0; i < count; i++) {
        const int idx = box_landmark(p, i);
        assert(idx >= 0 && idx < num_landmarks);
        const float x = landmarks[3 * idx], y = landmarks[3 * idx + 1];
        /* The rotation is a 3x3 product with a homogeneous 1; its third column is 0. */
        const float rx = cr * x + -sr * y + 0.0f * 1.0f;
        const float ry = sr * x + cr * y + 0.0f * 1.0f;
        if (i == 0 || rx > max_x)
            max_x = rx;
        if (i == 0 || ry > max_y)
            max_y = ry;
        if (i == 0 || rx < min_x)
            min_x = rx;
        if (i == 0 || ry < min_y)
            min_y = ry;
    }
    const float crop_w = max_x - min_x;
    const float crop_h = max_y - min_y;
    const float mid_x = (min_x + max_x) / 2.0f;
    const float mid_y = (min_y + max_y) / 2.0f;
    /* Back to the source frame: rotation by -rotation. */
    const float ci = cosf(-rotation), si = sinf(-rotation);
    const float crop_x = ci * mid_x + -si * mid_y + 0.0f;
    const float crop_y = si * mid_x + ci * mid_y + 0.0f;

    /* matrix = shift(crop centre) * rotate(-rotation) * scale * shift(-output centre) */
    float t[16], step[16], acc[16];
    mat4_affine(t, 1.0f, 0.0f, 0.0f, 1.0f, crop_x, crop_y);
    const float back = -rotation;
    mat4_affine(step, cosf(back), -sinf(back), sinf(back), cosf(back), 0.0f, 0.0f);
    mat4_mul(t, step, acc);
    const float scale_x = p->scale_x * crop_w / (float)p->output_width;
    const float scale_y = p->scale_y * crop_h / (float)p->output_height;
    mat4_affine(step, scale_x, 0.0f, 0.0f, scale_y, 0.0f, 0.0f);
    mat4_mul(acc, step, t);
    const float shift_x = -1.0f * ((float)p->output_width / 2.0f);
    const float shift_y = -1.0f * ((float)p->output_height / 2.0f);
    mat4_affine(step, 1.0f, 0.0f, 0.0f, 1.0f, shift_x, shift_y);
    mat4_mul(t, step, acc);
    memcpy(matrix, acc, 16 * sizeof(float));
}
