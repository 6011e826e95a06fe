/*
 * The op table: every operator segtex reads, one line each.
 *
 * Adding an operator:
 *   1. Write src/nn/ops/<op>.c defining `const nn_op_def nn_op_<op>`
 *      (op.h says what each field means): its TFLite builtin code (or
 *      NN_TFL_CUSTOM, the custom code and the one version accepted), a
 *      prepare that checks inputs, options and shapes and resolves the
 *      parameters into the node, a reference kernel hook (the kernel itself
 *      in src/nn/ref/ when it is more than a line, declared in kernels.h),
 *      and either an XNNPACK define inside #ifdef SEGTEX_HAVE_XNNPACK,
 *      wrapped in NN_XNN(), or NULL to run it as a host op.
 *   2. Declare it in op.h and add it to `table` below.
 *   3. Tests: hand-computed values in tests/test_kernels.c, the reference
 *      against XNNPACK in tests/test_xnnpack.c, one rejection per check in
 *      tests/test_model_reader.c.
 * Nothing else changes: the reader and both backends only use the table.
 */
#include "nn/ops/op.h"

#include <string.h>

static const nn_op_def *const table[] = {
    &nn_op_add, &nn_op_sub, &nn_op_mul,
    &nn_op_relu, &nn_op_relu6, &nn_op_logistic, &nn_op_hard_swish, &nn_op_tanh,
    &nn_op_conv_2d, &nn_op_depthwise_conv_2d, &nn_op_transpose_conv,
    &nn_op_average_pool_2d, &nn_op_max_pool_2d, &nn_op_mean, &nn_op_sum,
    &nn_op_pad, &nn_op_concatenation, &nn_op_reshape, &nn_op_strided_slice,
    &nn_op_resize_bilinear, &nn_op_prelu, &nn_op_softmax, &nn_op_fully_connected,
    &nn_op_depth_to_space, &nn_op_dequantize, &nn_op_densify,
    /* MediaPipe custom ops (mediapipe/util/tflite/operations/) */
    &nn_op_convolution_2d_transpose_bias, &nn_op_landmarks_to_transform_matrix,
    &nn_op_transform_tensor_bilinear, &nn_op_transform_landmarks,
};

#define TABLE_LEN (sizeof table / sizeof table[0])

const nn_op_def *nn_op_find_builtin(int code)
{
    if (code == NN_TFL_CUSTOM)
        return NULL;
    for (size_t k = 0; k < TABLE_LEN; k++)
        if (table[k]->builtin == code)
            return table[k];
    return NULL;
}

const nn_op_def *nn_op_find_custom(const char *code)
{
    for (size_t k = 0; k < TABLE_LEN; k++)
        if (table[k]->builtin == NN_TFL_CUSTOM && !strcmp(table[k]->name, code))
            return table[k];
    return NULL;
}

const char *nn_op_builtin_name(int code)
{
    const nn_op_def *d = nn_op_find_builtin(code);
    return d ? d->name : NULL;
}
