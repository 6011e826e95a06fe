/* Element-wise unary operators and the fused activation shared by all kernels. */
#include "nn/kernels.h"

#include <assert.h>
#include <math.h>

float nn_activate(float x, int act)
{
    switch (act) {
    case NN_ACT_NONE:
        return x;
    case NN_ACT_RELU:
        return x < 0.0f ? 0.0f : x;
    case NN_ACT_RELU_N1_TO_1:
        return x < -1.0f ? -1.0f : x > 1.0f ? 1.0f : x;
    case NN_ACT_RELU6:
        return x < 0.0f ? 0.0f : x > 6.0f ? 6.0f : x;
    case NN_ACT_TANH:
        return tanhf(x);
    default:
        /* SIGN_BIT and unknown codes are rejected when the model is loaded. */
        assert(!"unsupported fused activation");
        return x;
    }
}

static float relu6(float x)
{
    return x < 0.0f ? 0.0f : x > 6.0f ? 6.0f : x;
}

void nn_ref_unary(int op, const float *in, float *out, size_t count)
{
    /* Each out[i] depends only on in[i], so out == in is safe. */
    for (size_t i = 0; i < count; i++) {
        float x = in[i];
        float y;
        switch (op) {
        case NN_UNARY_RELU:
            y = x < 0.0f ? 0.0f : x;
            break;
        case NN_UNARY_RELU6:
            y = relu6(x);
            break;
        case NN_UNARY_LOGISTIC:
            /* expf(-x) overflows to inf for x < -88, which gives the right limit 0. */
            y = 1.0f / (1.0f + expf(-x));
            break;
        case NN_UNARY_HARD_SWISH:
            y = x * relu6(x + 3.0f) / 6.0f;
            break;
        case NN_UNARY_TANH:
            y = tanhf(x);
            break;
        default:
            assert(!"unknown unary op");
            y = x;
            break;
        }
        out[i] = y;
    }
}
