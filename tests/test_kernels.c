/*
 * Reference kernels against hand-computed values. Every expected number is
 * worked out in the comment beside it, never by running a kernel, so a wrong
 * index, border rule or operand order fails here. The randomized tests at the
 * end compare against independent formulations (explicit zero padding, a
 * block-diagonal CONV_2D, the adjoint identity of TRANSPOSE_CONV).
 */
#include "harness.h"
#include "nn/kernels.h"

#include <math.h>
#include <string.h>

#define LEN(a) (sizeof(a) / sizeof((a)[0]))
#define TOL 1e-5f

static nn_dims dims(int n, int h, int w, int c)
{
    nn_dims d = {{n, h, w, c}};
    return d;
}

static void expect(const char *what, const float *got, const float *want, size_t n, double tol)
{
    for (size_t i = 0; i < n; i++)
        CHECK(fabs((double)got[i] - (double)want[i]) <= tol, "%s[%zu] = %.9g, expected %.9g", what,
              i, (double)got[i], (double)want[i]);
}

static nn_conv_params conv_params(int stride, int dilation, int pad, int act)
{
    nn_conv_params p = {stride, stride, dilation, dilation, pad, pad, 1, act};
    return p;
}

/* 1..n in row-major order: the value of pixel (r,c) of a WxW image is r*W + c + 1. */
static void iota1(float *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        v[i] = (float)(i + 1);
}

/* ---- activations and element-wise ------------------------------------ */

static void test_activate(void)
{
    CHECK(nn_activate(-5.0f, NN_ACT_NONE) == -5.0f, "NONE passes through");
    CHECK(nn_activate(-2.0f, NN_ACT_RELU) == 0.0f, "RELU(-2)");
    CHECK(nn_activate(3.0f, NN_ACT_RELU) == 3.0f, "RELU(3)");
    CHECK(nn_activate(-3.0f, NN_ACT_RELU_N1_TO_1) == -1.0f, "RELU_N1_TO_1(-3)");
    CHECK(nn_activate(0.5f, NN_ACT_RELU_N1_TO_1) == 0.5f, "RELU_N1_TO_1(0.5)");
    CHECK(nn_activate(2.0f, NN_ACT_RELU_N1_TO_1) == 1.0f, "RELU_N1_TO_1(2)");
    CHECK(nn_activate(7.0f, NN_ACT_RELU6) == 6.0f, "RELU6(7)");
    CHECK(nn_activate(-1.0f, NN_ACT_RELU6) == 0.0f, "RELU6(-1)");
    CHECK(nn_activate(2.5f, NN_ACT_RELU6) == 2.5f, "RELU6(2.5)");
    CHECK_NEAR(nn_activate(0.5f, NN_ACT_TANH), 0.46211715726, TOL);
}

static void test_unary(void)
{
    /* logistic(ln 3) = 1/(1+1/3) = 0.75, logistic(-ln 3) = 0.25. */
    const float ln3 = 1.0986122887f;
    float in[] = {-4.0f, -1.0f, 0.0f, 1.0f, 4.0f, ln3, -ln3};
    float out[LEN(in)];

    nn_ref_unary(NN_UNARY_RELU, in, out, LEN(in));
    expect("relu", out, (float[]){0, 0, 0, 1, 4, ln3, 0}, LEN(in), 0);

    nn_ref_unary(NN_UNARY_RELU6, (float[]){-1, 3, 6, 9}, out, 4);
    expect("relu6", out, (float[]){0, 3, 6, 6}, 4, 0);

    nn_ref_unary(NN_UNARY_LOGISTIC, in, out, LEN(in));
    /* 1/(1+e^4) = 0.0179862100, 1/(1+e) = 0.2689414214. */
    expect("logistic", out,
           (float[]){0.0179862100f, 0.2689414214f, 0.5f, 0.7310585786f, 0.9820137900f, 0.75f,
                     0.25f},
           LEN(in), TOL);
    /* Saturates instead of producing NaN far out. */
    nn_ref_unary(NN_UNARY_LOGISTIC, (float[]){-200.0f, 200.0f}, out, 2);
    expect("logistic far", out, (float[]){0.0f, 1.0f}, 2, 0);

    /* x*relu6(x+3)/6: -4 -> -4*0/6 = 0; -1 -> -1*2/6; 1 -> 1*4/6; 4 -> 4*6/6 = 4. */
    nn_ref_unary(NN_UNARY_HARD_SWISH, (float[]){-4, -1, 0, 1, 4}, out, 5);
    expect("hard_swish", out, (float[]){0, -1.0f / 3, 0, 2.0f / 3, 4}, 5, TOL);

    nn_ref_unary(NN_UNARY_TANH, (float[]){-1, 0, 1}, out, 3);
    expect("tanh", out, (float[]){-0.7615941560f, 0, 0.7615941560f}, 3, TOL);

    /* In place is allowed. */
    float v[] = {-2, 2};
    nn_ref_unary(NN_UNARY_RELU, v, v, 2);
    expect("relu in place", v, (float[]){0, 2}, 2, 0);
}

static void test_binary_broadcast(void)
{
    /* a: [1,2,3,4] holding 0..23, so a[h,w,c] = 12h + 4w + c. */
    float a[24], out[24], want[24];
    for (int i = 0; i < 24; i++)
        a[i] = (float)i;

    /* + [1,1,1,4] {10,20,30,40}: channel c gets 10(c+1). */
    const float bc[4] = {10, 20, 30, 40};
    nn_ref_binary(NN_BINARY_ADD, a, dims(1, 2, 3, 4), bc, dims(1, 1, 1, 4), out, dims(1, 2, 3, 4),
                  NN_ACT_NONE);
    for (int i = 0; i < 24; i++)
        want[i] = (float)i + 10.0f * (float)(i % 4 + 1);
    expect("add [1,1,1,4]", out, want, 24, 0);
    CHECK(out[0] == 10 && out[7] == 47 && out[23] == 63, "add spot values %g %g %g",
          (double)out[0], (double)out[7], (double)out[23]);

    /* Operands swapped: the broadcast one first. */
    nn_ref_binary(NN_BINARY_SUB, bc, dims(1, 1, 1, 4), a, dims(1, 2, 3, 4), out, dims(1, 2, 3, 4),
                  NN_ACT_NONE);
    for (int i = 0; i < 24; i++)
        want[i] = 10.0f * (float)(i % 4 + 1) - (float)i;
    expect("sub [1,1,1,4] - [1,2,3,4]", out, want, 24, 0);

    /* - [1,2,1,1] {100,200}: rows h=0 (elements 0..11) lose 100, h=1 lose 200. */
    const float bh[2] = {100, 200};
    nn_ref_binary(NN_BINARY_SUB, a, dims(1, 2, 3, 4), bh, dims(1, 2, 1, 1), out, dims(1, 2, 3, 4),
                  NN_ACT_NONE);
    for (int i = 0; i < 24; i++)
        want[i] = (float)i - (i < 12 ? 100.0f : 200.0f);
    expect("sub [1,2,1,1]", out, want, 24, 0);

    /* Both sides broadcast: [1,2,1,1]{2,3} * [1,1,1,3]{1,10,-1} -> [1,2,1,3]. */
    nn_ref_binary(NN_BINARY_MUL, (float[]){2, 3}, dims(1, 2, 1, 1), (float[]){1, 10, -1},
                  dims(1, 1, 1, 3), out, dims(1, 2, 1, 3), NN_ACT_NONE);
    expect("mul outer", out, (float[]){2, 20, -2, 3, 30, -3}, 6, 0);

    /* Batch and width broadcast: [2,1,1,1]{1,-1} + [1,1,3,1]{1,2,3}. */
    nn_ref_binary(NN_BINARY_ADD, (float[]){1, -1}, dims(2, 1, 1, 1), (float[]){1, 2, 3},
                  dims(1, 1, 3, 1), out, dims(2, 1, 3, 1), NN_ACT_NONE);
    expect("add batch x width", out, (float[]){2, 3, 4, 0, 1, 2}, 6, 0);

    /* Fused activations: {1,5,-2} - 2 = {-1,3,-4}. */
    nn_ref_binary(NN_BINARY_SUB, (float[]){1, 5, -2}, dims(1, 1, 1, 3), (float[]){2},
                  dims(1, 1, 1, 1), out, dims(1, 1, 1, 3), NN_ACT_RELU);
    expect("sub relu", out, (float[]){0, 3, 0}, 3, 0);
    /* {4,1,-3} + {4} = {8,5,1} -> relu6 {6,5,1}. */
    nn_ref_binary(NN_BINARY_ADD, (float[]){4, 1, -3}, dims(1, 1, 1, 3), (float[]){4},
                  dims(1, 1, 1, 1), out, dims(1, 1, 1, 3), NN_ACT_RELU6);
    expect("add relu6", out, (float[]){6, 5, 1}, 3, 0);
    /* {0.25,-2,3} * {2} = {0.5,-4,6} -> relu_n1_to_1 {0.5,-1,1}. */
    nn_ref_binary(NN_BINARY_MUL, (float[]){0.25f, -2, 3}, dims(1, 1, 1, 3), (float[]){2},
                  dims(1, 1, 1, 1), out, dims(1, 1, 1, 3), NN_ACT_RELU_N1_TO_1);
    expect("mul relu_n1_to_1", out, (float[]){0.5f, -1, 1}, 3, 0);
}

static void test_prelu(void)
{
    /* [1,1,2,3] with alpha per channel {0.1,0.2,0.3}; non-negative values pass. */
    float in[] = {-1, 2, -3, 4, -5, 0};
    float out[6];
    nn_ref_prelu(in, dims(1, 1, 2, 3), (float[]){0.1f, 0.2f, 0.3f}, dims(1, 1, 1, 3), out);
    expect("prelu", out, (float[]){-0.1f, 2, -0.9f, 4, -1.0f, 0}, 6, TOL);

    /* Alpha varying along H too: [1,2,1,1] {0.5, 2}. */
    nn_ref_prelu((float[]){-4, 4}, dims(1, 2, 1, 1), (float[]){0.5f, 2}, dims(1, 2, 1, 1), out);
    expect("prelu per row", out, (float[]){-2, 4}, 2, 0);
}

static void test_softmax(void)
{
    float out[6];
    /*
     * Row {1,2,3}, beta 1: e^-2, e^-1, 1 over 1.5032147244 =
     * {0.0900305732, 0.2447284711, 0.6652409558}; row {0,0,0} is uniform.
     */
    nn_ref_softmax((float[]){1, 2, 3, 0, 0, 0}, dims(1, 1, 2, 3), 1.0f, out);
    expect("softmax beta 1", out,
           (float[]){0.0900305732f, 0.2447284711f, 0.6652409558f, 1.0f / 3, 1.0f / 3, 1.0f / 3},
           6, TOL);

    /* beta 2 on {0, ln2/2, ln3/2}: exp(2x) = {1,2,3}, so {1/6, 2/6, 3/6}. */
    const float h2 = 0.34657359f, h3 = 0.54930614f;
    nn_ref_softmax((float[]){0, h2, h3}, dims(1, 1, 1, 3), 2.0f, out);
    expect("softmax beta 2", out, (float[]){1.0f / 6, 2.0f / 6, 3.0f / 6}, 3, TOL);

    /* Large logits must not overflow: {1000, 1000} -> {0.5, 0.5}. */
    nn_ref_softmax((float[]){1000, 1000}, dims(1, 1, 1, 2), 1.0f, out);
    expect("softmax large", out, (float[]){0.5f, 0.5f}, 2, TOL);
}

/* ---- convolution ------------------------------------------------------- */

static void test_conv2d_valid(void)
{
    /* in 3x3 = [1 2 3; 4 5 6; 7 8 9], w 2x2 = [1 2; 3 4], no bias:
     * (0,0) = 1*1 + 2*2 + 4*3 + 5*4 = 37; (0,1) = 2+6+15+24 = 47;
     * (1,0) = 4+10+21+32 = 67; (1,1) = 5+12+24+36 = 77. */
    float in[9], out[4];
    iota1(in, 9);
    nn_conv_params p = conv_params(1, 1, 0, NN_ACT_NONE);
    nn_ref_conv2d(in, dims(1, 3, 3, 1), (float[]){1, 2, 3, 4}, dims(1, 2, 2, 1), NULL, out,
                  dims(1, 2, 2, 1), &p);
    expect("conv valid", out, (float[]){37, 47, 67, 77}, 4, 0);
}

static void test_conv2d_channels_bias(void)
{
    /* 1x1 conv, 2 in / 2 out channels: pixels {1,2},{3,4},{5,6},{7,8};
     * o0 = i0 + i1 + 0.5, o1 = i0 - i1 - 1 = -2 everywhere. */
    float in[] = {1, 2, 3, 4, 5, 6, 7, 8};
    float w[] = {1, 1, 1, -1};
    float bias[] = {0.5f, -1};
    float out[8];
    nn_conv_params p = conv_params(1, 1, 0, NN_ACT_NONE);
    nn_ref_conv2d(in, dims(1, 2, 2, 2), w, dims(2, 1, 1, 2), bias, out, dims(1, 2, 2, 2), &p);
    expect("conv bias", out, (float[]){3.5f, -2, 7.5f, -2, 11.5f, -2, 15.5f, -2}, 8, 0);

    p.act = NN_ACT_RELU;
    nn_ref_conv2d(in, dims(1, 2, 2, 2), w, dims(2, 1, 1, 2), bias, out, dims(1, 2, 2, 2), &p);
    expect("conv bias relu", out, (float[]){3.5f, 0, 7.5f, 0, 11.5f, 0, 15.5f, 0}, 8, 0);

    /* Same without bias: o0 = 3,7,11,15 and o1 = -1 -> relu 0. */
    nn_ref_conv2d(in, dims(1, 2, 2, 2), w, dims(2, 1, 1, 2), NULL, out, dims(1, 2, 2, 2), &p);
    expect("conv no bias relu", out, (float[]){3, 0, 7, 0, 11, 0, 15, 0}, 8, 0);
}

static void test_conv2d_same(void)
{
    /* SAME 3x3 ones on [1..9] (pad 1): each output is its neighbourhood sum.
     * corners 1+2+4+5=12, 2+3+5+6=16, 4+5+7+8=24, 5+6+8+9=28;
     * edges 1..6 = 21, 1+2+4+5+7+8 = 27, 2+3+5+6+8+9 = 33, 4..9 = 39; centre 45. */
    float in[9], w[9], out[9];
    iota1(in, 9);
    for (int i = 0; i < 9; i++)
        w[i] = 1;
    nn_conv_params p = conv_params(1, 1, 1, NN_ACT_NONE);
    nn_ref_conv2d(in, dims(1, 3, 3, 1), w, dims(1, 3, 3, 1), NULL, out, dims(1, 3, 3, 1), &p);
    expect("conv same", out, (float[]){12, 21, 16, 27, 45, 33, 24, 39, 28}, 9, 0);
}

static void test_conv2d_stride2(void)
{
    /* 4x4 input 1..16, 3x3 ones, stride 2, SAME: out 2x2, total pad 1 -> top/left 0.
     * (0,0): rows 0-2 cols 0-2 = 1+2+3+5+6+7+9+10+11 = 54
     * (0,1): rows 0-2 cols 2-3 = 3+4+7+8+11+12 = 45
     * (1,0): rows 2-3 cols 0-2 = 9+10+11+13+14+15 = 72
     * (1,1): rows 2-3 cols 2-3 = 11+12+15+16 = 54 */
    float in[16], w[9], out[4];
    iota1(in, 16);
    for (int i = 0; i < 9; i++)
        w[i] = 1;
    nn_conv_params p = conv_params(2, 1, 0, NN_ACT_NONE);
    nn_ref_conv2d(in, dims(1, 4, 4, 1), w, dims(1, 3, 3, 1), NULL, out, dims(1, 2, 2, 1), &p);
    expect("conv stride 2", out, (float[]){54, 45, 72, 54}, 4, 0);

    /* With pad 1 instead (as if total pad were 2): windows start at -1, 1.
     * (0,0): rows 0-1 cols 0-1 = 1+2+5+6 = 14; (0,1): rows 0-1 cols 1-3 = 2+3+4+6+7+8 = 30;
     * (1,0): rows 1-3 cols 0-1 = 5+6+9+10+13+14 = 57; (1,1): rows 1-3 cols 1-3 = 99. */
    p.pad_top = p.pad_left = 1;
    nn_ref_conv2d(in, dims(1, 4, 4, 1), w, dims(1, 3, 3, 1), NULL, out, dims(1, 2, 2, 1), &p);
    expect("conv stride 2 pad 1", out, (float[]){14, 30, 57, 99}, 4, 0);
}

static void test_conv2d_dilation2(void)
{
    /* 5x5 input v(y,x) = 5y + x + 1, 2x2 kernel [1 2; 3 4] dilated by 2, VALID -> 3x3:
     * out = v(y,x) + 2 v(y,x+2) + 3 v(y+2,x) + 4 v(y+2,x+2) = 10 v(y,x) + 4 + 30 + 48. */
    float in[25], out[9];
    iota1(in, 25);
    nn_conv_params p = conv_params(1, 2, 0, NN_ACT_NONE);
    nn_ref_conv2d(in, dims(1, 5, 5, 1), (float[]){1, 2, 3, 4}, dims(1, 2, 2, 1), NULL, out,
                  dims(1, 3, 3, 1), &p);
    expect("conv dilation 2", out, (float[]){92, 102, 112, 142, 152, 162, 192, 202, 212}, 9, 0);
}

static void test_conv2d_activations(void)
{
    /* 1x1 identity conv with bias 0.5 over {-3.5,-1,0,1.5,6.5} gives {-3,-0.5,0.5,2,7}. */
    float in[] = {-3.5f, -1, 0, 1.5f, 6.5f};
    float out[5];
    nn_conv_params p = conv_params(1, 1, 0, NN_ACT_RELU);
    const nn_dims d = dims(1, 1, 5, 1), dwt = dims(1, 1, 1, 1);

    nn_ref_conv2d(in, d, (float[]){1}, dwt, (float[]){0.5f}, out, d, &p);
    expect("conv relu", out, (float[]){0, 0, 0.5f, 2, 7}, 5, 0);
    p.act = NN_ACT_RELU_N1_TO_1;
    nn_ref_conv2d(in, d, (float[]){1}, dwt, (float[]){0.5f}, out, d, &p);
    expect("conv relu_n1_to_1", out, (float[]){-1, -0.5f, 0.5f, 1, 1}, 5, 0);
    p.act = NN_ACT_RELU6;
    nn_ref_conv2d(in, d, (float[]){1}, dwt, (float[]){0.5f}, out, d, &p);
    expect("conv relu6", out, (float[]){0, 0, 0.5f, 2, 6}, 5, 0);
    p.act = NN_ACT_TANH;
    nn_ref_conv2d(in, d, (float[]){1}, dwt, (float[]){0.5f}, out, d, &p);
    /* tanh(-3) = -0.9950547537, tanh(0.5) = 0.4621171573, tanh(2) = 0.9640275801,
     * tanh(7) = 0.9999983369. */
    expect("conv tanh", out,
           (float[]){-0.9950547537f, -0.4621171573f, 0.4621171573f, 0.9640275801f, 0.9999983369f},
           5, TOL);
}

static void test_depthwise_multiplier2(void)
{
    /* 2x2 input, 2 channels: ch0 = {1,2,3,4}, ch1 = {10,20,30,40} (pixels row-major).
     * Multiplier 2 -> oc = ic*2 + m: oc0,oc1 read ch0; oc2,oc3 read ch1.
     * 2x2 kernels per oc (w[0,ky,kx,oc]):
     *   oc0 [1 1; 1 1]  -> 1+2+3+4 = 10
     *   oc1 [1 0; 0 0]  -> 1
     *   oc2 [0 0; 0 1]  -> 40
     *   oc3 [1 -1; 0 0] -> 10 - 20 = -10
     * bias {0, 0.5, 1, 2} -> {10, 1.5, 41, -8}. */
    float in[] = {1, 10, 2, 20, 3, 30, 4, 40};
    float w[] = {
        1, 1, 0, 1,  /* ky 0, kx 0: oc0..oc3 */
        1, 0, 0, -1, /* ky 0, kx 1 */
        1, 0, 0, 0,  /* ky 1, kx 0 */
        1, 0, 1, 0,  /* ky 1, kx 1 */
    };
    float bias[] = {0, 0.5f, 1, 2};
    float out[4];
    nn_conv_params p = conv_params(1, 1, 0, NN_ACT_NONE);
    p.depth_multiplier = 2;
    nn_ref_depthwise_conv2d(in, dims(1, 2, 2, 2), w, dims(1, 2, 2, 4), bias, out,
                            dims(1, 1, 1, 4), &p);
    expect("depthwise x2", out, (float[]){10, 1.5f, 41, -8}, 4, 0);

    p.act = NN_ACT_RELU;
    nn_ref_depthwise_conv2d(in, dims(1, 2, 2, 2), w, dims(1, 2, 2, 4), NULL, out,
                            dims(1, 1, 1, 4), &p);
    expect("depthwise x2 relu no bias", out, (float[]){10, 1, 40, 0}, 4, 0);
}

static void test_depthwise_same_stride(void)
{
    /* Multiplier 1, two channels: ch0 = 1..9, ch1 = -(1..9); 3x3 ones with pad 1 give
     * the neighbourhood sums of test_conv2d_same; stride 2 keeps (0,0),(0,2),(2,0),(2,2). */
    float in[18], w[18], out[8];
    for (int i = 0; i < 9; i++) {
        in[2 * i] = (float)(i + 1);
        in[2 * i + 1] = -(float)(i + 1);
        w[2 * i] = 1;
        w[2 * i + 1] = 1;
    }
    nn_conv_params p = conv_params(2, 1, 1, NN_ACT_NONE);
    nn_ref_depthwise_conv2d(in, dims(1, 3, 3, 2), w, dims(1, 3, 3, 2), NULL, out,
                            dims(1, 2, 2, 2), &p);
    expect("depthwise same stride 2", out, (float[]){12, -12, 16, -16, 24, -24, 28, -28}, 8, 0);

    /* Dilation 2, VALID, 3x3 input -> 1x1: 2x2 ones tap the corners 1+3+7+9 = 20. */
    p = conv_params(1, 2, 0, NN_ACT_NONE);
    nn_ref_depthwise_conv2d(in, dims(1, 3, 3, 2), w, dims(1, 2, 2, 2), NULL, out,
                            dims(1, 1, 1, 2), &p);
    expect("depthwise dilation 2", out, (float[]){20, -20}, 2, 0);
}

static void test_transpose_conv(void)
{
    /* in 2x2 {1,2,3,4}, 3x3 kernel W = [1 2 3; 4 5 6; 7 8 9], stride 2.
     * The full 5x5 output is W at (0,0) + 2W at (0,2) + 3W at (2,0) + 4W at (2,2):
     *   row0: 1  2  3+2=5        4  6
     *   row1: 4  5  6+8=14      10 12
     *   row2: 7+3 8+6 9+18+9+4  16+8 18+12 = 10 14 36 24 30
     *   row3: 12 15 18+16=34    20 24
     *   row4: 21 24 27+28=55    32 36 */
    float in[] = {1, 2, 3, 4};
    float w[9];
    iota1(w, 9);
    float out[25];
    nn_conv_params p = conv_params(2, 1, 0, NN_ACT_NONE);
    nn_ref_transpose_conv(in, dims(1, 2, 2, 1), w, dims(1, 3, 3, 1), NULL, out, dims(1, 5, 5, 1),
                          &p);
    expect("transpose conv full", out,
           (float[]){1, 2, 5, 4, 6, 4, 5, 14, 10, 12, 10, 14, 36, 24, 30, 12, 15, 34, 20, 24, 21,
                     24, 55, 32, 36},
           25, 0);

    /* Pads 1/1 crop the border: rows 1..3, cols 1..3 of the above, plus bias 1. */
    p.pad_top = p.pad_left = 1;
    nn_ref_transpose_conv(in, dims(1, 2, 2, 1), w, dims(1, 3, 3, 1), (float[]){1}, out,
                          dims(1, 3, 3, 1), &p);
    expect("transpose conv pad", out, (float[]){6, 15, 11, 15, 37, 25, 16, 35, 21}, 9, 0);

    /* Asymmetric pads: top 0, left 2 -> rows 0..2, cols 2..4 of the full output. */
    p.pad_top = 0;
    p.pad_left = 2;
    nn_ref_transpose_conv(in, dims(1, 2, 2, 1), w, dims(1, 3, 3, 1), NULL, out, dims(1, 3, 3, 1),
                          &p);
    expect("transpose conv pad 0/2", out, (float[]){5, 4, 6, 14, 10, 12, 36, 24, 30}, 9, 0);
}

static void test_transpose_conv_channels(void)
{
    /* 1x1 kernel, stride 2, 2 in / 2 out channels: pixels {1,2},{3,4} land on x = 0, 2;
     * x = 1 receives nothing but still gets bias and activation.
     * o0 = i0 (w[0] = {1,0}), o1 = i0 + i1 (w[1] = {1,1}): x0 {1,3}, x2 {3,7}.
     * bias {0.5,-10} + relu: x0 {1.5,0}, x1 {0.5,0}, x2 {3.5,0}. */
    float out[6];
    nn_conv_params p = conv_params(2, 1, 0, NN_ACT_NONE);
    nn_ref_transpose_conv((float[]){1, 2, 3, 4}, dims(1, 1, 2, 2), (float[]){1, 0, 1, 1},
                          dims(2, 1, 1, 2), NULL, out, dims(1, 1, 3, 2), &p);
    expect("transpose conv channels", out, (float[]){1, 3, 0, 0, 3, 7}, 6, 0);
    p.act = NN_ACT_RELU;
    nn_ref_transpose_conv((float[]){1, 2, 3, 4}, dims(1, 1, 2, 2), (float[]){1, 0, 1, 1},
                          dims(2, 1, 1, 2), (float[]){0.5f, -10}, out, dims(1, 1, 3, 2), &p);
    expect("transpose conv bias relu", out, (float[]){1.5f, 0, 0.5f, 0, 3.5f, 0}, 6, 0);
}

/* ---- pooling and reductions ------------------------------------------ */

static void test_avg_pool_padding(void)
{
    /* 3x3 window, stride 1, pad 1 over [1..9]: sums from test_conv2d_same divided by
     * the taps inside the input only (4 at corners, 6 on edges, 9 in the centre):
     * 12/4 21/6 16/4 / 27/6 45/9 33/6 / 24/4 39/6 28/4. */
    float in[9], out[9];
    iota1(in, 9);
    nn_pool_params p = {3, 3, 1, 1, 1, 1, NN_ACT_NONE};
    nn_ref_avg_pool(in, dims(1, 3, 3, 1), out, dims(1, 3, 3, 1), &p);
    expect("avg pool pad", out, (float[]){3, 3.5f, 4, 4.5f, 5, 5.5f, 6, 6.5f, 7}, 9, TOL);

    p.act = NN_ACT_RELU6;
    nn_ref_avg_pool(in, dims(1, 3, 3, 1), out, dims(1, 3, 3, 1), &p);
    expect("avg pool relu6", out, (float[]){3, 3.5f, 4, 4.5f, 5, 5.5f, 6, 6, 6}, 9, TOL);
}

static void test_pool_stride2(void)
{
    /* 4x4, 2 channels: ch0 = 1..16, ch1 = -(1..16); 2x2 window, stride 2, VALID.
     * avg ch0: (1+2+5+6)/4 = 3.5, (3+4+7+8)/4 = 5.5, (9+10+13+14)/4 = 11.5, 13.5
     * max ch0: 6, 8, 14, 16; max ch1: -1, -3, -9, -11. */
    float in[32], out[8];
    for (int i = 0; i < 16; i++) {
        in[2 * i] = (float)(i + 1);
        in[2 * i + 1] = -(float)(i + 1);
    }
    nn_pool_params p = {2, 2, 2, 2, 0, 0, NN_ACT_NONE};
    nn_ref_avg_pool(in, dims(1, 4, 4, 2), out, dims(1, 2, 2, 2), &p);
    expect("avg pool stride 2", out,
           (float[]){3.5f, -3.5f, 5.5f, -5.5f, 11.5f, -11.5f, 13.5f, -13.5f}, 8, TOL);
    nn_ref_max_pool(in, dims(1, 4, 4, 2), out, dims(1, 2, 2, 2), &p);
    expect("max pool stride 2", out, (float[]){6, -1, 8, -3, 14, -9, 16, -11}, 8, 0);
}

static void test_max_pool_padding(void)
{
    /* Negative input -(1..9), 3x3 window, stride 2, pad 1 -> 2x2. Padding must not act
     * as 0: (0,0) rows/cols 0-1: max(-1,-2,-4,-5) = -1; (0,1) rows 0-1 cols 1-2: -2;
     * (1,0) rows 1-2 cols 0-1: -4; (1,1) rows 1-2 cols 1-2: -5. */
    float in[9], out[4];
    for (int i = 0; i < 9; i++)
        in[i] = -(float)(i + 1);
    nn_pool_params p = {3, 3, 2, 2, 1, 1, NN_ACT_NONE};
    nn_ref_max_pool(in, dims(1, 3, 3, 1), out, dims(1, 2, 2, 1), &p);
    expect("max pool pad", out, (float[]){-1, -2, -4, -5}, 4, 0);

    p.act = NN_ACT_RELU_N1_TO_1;
    for (int i = 0; i < 9; i++)
        in[i] = -in[i] - 5; /* (i+1) - 5 */
    /* in = [-4 -3 -2; -1 0 1; 2 3 4]: maxima (0,0) 0, (0,1) 1, (1,0) 3, (1,1) 4; clipped to 1. */
    nn_ref_max_pool(in, dims(1, 3, 3, 1), out, dims(1, 2, 2, 1), &p);
    expect("max pool relu_n1_to_1", out, (float[]){0, 1, 1, 1}, 4, 0);
}

static void test_reduce(void)
{
    /* [1,2,3,2] holding 0..11: element (h,w,c) = 6h + 2w + c. */
    float in[12], out[12];
    for (int i = 0; i < 12; i++)
        in[i] = (float)i;

    /* MEAN over H,W: c0 = mean{0,2,4,6,8,10} = 5, c1 = mean{1,3,...,11} = 6. */
    nn_ref_reduce(in, dims(1, 2, 3, 2), (1u << 1) | (1u << 2), 1, out);
    expect("mean hw", out, (float[]){5, 6}, 2, TOL);

    /* SUM over W: (h0,c0) 0+2+4 = 6, (h0,c1) 1+3+5 = 9, (h1,c0) 6+8+10 = 24, (h1,c1) 27. */
    nn_ref_reduce(in, dims(1, 2, 3, 2), 1u << 2, 0, out);
    expect("sum w", out, (float[]){6, 9, 24, 27}, 4, 0);

    /* SUM over C: pairs {0,1},{2,3},... -> 1, 5, 9, 13, 17, 21. */
    nn_ref_reduce(in, dims(1, 2, 3, 2), 1u << 3, 0, out);
    expect("sum c", out, (float[]){1, 5, 9, 13, 17, 21}, 6, 0);

    /* MEAN over H: (x + (x+6))/2 = x + 3 for x = 0..5. */
    nn_ref_reduce(in, dims(1, 2, 3, 2), 1u << 1, 1, out);
    expect("mean h", out, (float[]){3, 4, 5, 6, 7, 8}, 6, TOL);

    /* MEAN over everything: 66/12 = 5.5. */
    nn_ref_reduce(in, dims(1, 2, 3, 2), 0xfu, 1, out);
    expect("mean all", out, (float[]){5.5f}, 1, TOL);

    /* SUM over N of a [2,1,1,2]: {1,2} + {10,20}. */
    nn_ref_reduce((float[]){1, 2, 10, 20}, dims(2, 1, 1, 2), 1u, 0, out);
    expect("sum n", out, (float[]){11, 22}, 2, 0);

    /* MEAN over H,W keeping two batches of [1,2,1]: {1,2} -> 1.5, {3,4} -> 3.5. */
    nn_ref_reduce((float[]){1, 2, 3, 4}, dims(2, 1, 2, 1), (1u << 1) | (1u << 2), 1, out);
    expect("mean hw per batch", out, (float[]){1.5f, 3.5f}, 2, TOL);
}

/* ---- data movement ------------------------------------------------------ */

static void test_pad(void)
{
    /* [1,2,2,1] {1,2;3,4} with one row above and two columns left, out [1,3,4,1], value -1:
     *   -1 -1 -1 -1 / -1 -1 1 2 / -1 -1 3 4 */
    float out[12];
    nn_ref_pad((float[]){1, 2, 3, 4}, dims(1, 2, 2, 1), (int[]){0, 1, 2, 0}, -1.0f, out,
               dims(1, 3, 4, 1));
    expect("pad hw", out, (float[]){-1, -1, -1, -1, -1, -1, 1, 2, -1, -1, 3, 4}, 12, 0);

    /* Channel padding before and after: {5,6} -> {0,5,6,0}. */
    nn_ref_pad((float[]){5, 6}, dims(1, 1, 1, 2), (int[]){0, 0, 0, 1}, 0.0f, out,
               dims(1, 1, 1, 4));
    expect("pad c", out, (float[]){0, 5, 6, 0}, 4, 0);

    /* Batch padding after only: [1,1,1,2] -> [2,1,1,2]. */
    nn_ref_pad((float[]){5, 6}, dims(1, 1, 1, 2), (int[]){0, 0, 0, 0}, 9.0f, out,
               dims(2, 1, 1, 2));
    expect("pad n", out, (float[]){5, 6, 9, 9}, 4, 0);
}

static void test_concat(void)
{
    float out[12];
    /* Axis 3 of [1,1,2,2]{1,2,3,4}, [1,1,2,1]{10,20}, [1,1,2,1]{-1,-2}:
     * pixel 0 = {1,2,10,-1}, pixel 1 = {3,4,20,-2}. */
    const float a[] = {1, 2, 3, 4}, b[] = {10, 20}, c[] = {-1, -2};
    const float *ins[] = {a, b, c};
    nn_dims ds[] = {dims(1, 1, 2, 2), dims(1, 1, 2, 1), dims(1, 1, 2, 1)};
    nn_ref_concat(ins, ds, 3, 3, out, dims(1, 1, 2, 4));
    expect("concat axis 3", out, (float[]){1, 2, 10, -1, 3, 4, 20, -2}, 8, 0);

    /* Axis 1 with two batches: A [2,1,1,2] n0 {1,2} n1 {3,4};
     * B [2,2,1,2] n0 {10,11,12,13} n1 {14,15,16,17} -> each batch is A's rows then B's. */
    const float a1[] = {1, 2, 3, 4}, b1[] = {10, 11, 12, 13, 14, 15, 16, 17};
    const float *ins1[] = {a1, b1};
    nn_dims ds1[] = {dims(2, 1, 1, 2), dims(2, 2, 1, 2)};
    nn_ref_concat(ins1, ds1, 2, 1, out, dims(2, 3, 1, 2));
    expect("concat axis 1", out, (float[]){1, 2, 10, 11, 12, 13, 3, 4, 14, 15, 16, 17}, 12, 0);
}

static void test_strided_slice(void)
{
    /* [1,4,4,1] holding 0..15 (element (r,c) = 4r + c). */
    float in[16], out[8];
    for (int i = 0; i < 16; i++)
        in[i] = (float)i;

    /* Rows 0,2 and columns 1,3: {1,3,9,11}. */
    nn_ref_strided_slice(in, dims(1, 4, 4, 1), (int[]){0, 0, 1, 0}, (int[]){1, 2, 2, 1}, out,
                         dims(1, 2, 2, 1));
    expect("slice stride 2", out, (float[]){1, 3, 9, 11}, 4, 0);

    /* Rows 3,2,1,0 and columns 3,1: {15,13, 11,9, 7,5, 3,1}. */
    nn_ref_strided_slice(in, dims(1, 4, 4, 1), (int[]){0, 3, 3, 0}, (int[]){1, -1, -2, 1}, out,
                         dims(1, 4, 2, 1));
    expect("slice negative", out, (float[]){15, 13, 11, 9, 7, 5, 3, 1}, 8, 0);

    /* Channels 4, 1 of {0..4}. */
    nn_ref_strided_slice((float[]){0, 1, 2, 3, 4}, dims(1, 1, 1, 5), (int[]){0, 0, 0, 4},
                         (int[]){1, 1, 1, -3}, out, dims(1, 1, 1, 2));
    expect("slice channels", out, (float[]){4, 1}, 2, 0);
}

static void test_resize_bilinear_2x2(void)
{
    /* in = [0 4; 8 12] is linear: f(y,x) = 8y + 4x, so bilinear output is
     * 8*sy' + 4*sx' where s' is the source coordinate after border handling. */
    float in[] = {0, 4, 8, 12};
    float out[16];

    /* align_corners: scale 1/3, s = 0, 1/3, 2/3, 1. */
    nn_ref_resize_bilinear(in, dims(1, 2, 2, 1), out, dims(1, 4, 4, 1), 1, 0);
    expect("resize align_corners", out,
           (float[]){0, 4.0f / 3, 8.0f / 3, 4, 8.0f / 3, 4, 16.0f / 3, 20.0f / 3, 16.0f / 3,
                     20.0f / 3, 8, 28.0f / 3, 8, 28.0f / 3, 32.0f / 3, 12},
           16, TOL);

    /* half_pixel_centers: s = (d+0.5)/2 - 0.5 = -0.25, 0.25, 0.75, 1.25; both borders
     * read a single row/column, so s' = 0, 0.25, 0.75, 1. */
    nn_ref_resize_bilinear(in, dims(1, 2, 2, 1), out, dims(1, 4, 4, 1), 0, 1);
    expect("resize half_pixel", out,
           (float[]){0, 1, 3, 4, 2, 3, 5, 6, 6, 7, 9, 10, 8, 9, 11, 12}, 16, TOL);

    /* neither: s = d/2 = 0, 0.5, 1, 1.5 -> s' = 0, 0.5, 1, 1. */
    nn_ref_resize_bilinear(in, dims(1, 2, 2, 1), out, dims(1, 4, 4, 1), 0, 0);
    expect("resize plain", out,
           (float[]){0, 2, 4, 4, 4, 6, 8, 8, 8, 10, 12, 12, 8, 10, 12, 12}, 16, TOL);
}

static void test_resize_bilinear_3x3(void)
{
    /* 3x3 -> 5x5, two channels: ch0 = [1..9] (f = 3y + x + 1), ch1 = 10 - ch0.
     * align_corners: scale 0.5, s = 0, .5, 1, 1.5, 2 -> ch0 = 3*sy + sx + 1. */
    float in[18], out[50], want[50];
    for (int i = 0; i < 9; i++) {
        in[2 * i] = (float)(i + 1);
        in[2 * i + 1] = 10 - (float)(i + 1);
    }
    for (int y = 0; y < 5; y++)
        for (int x = 0; x < 5; x++) {
            const float v = 3 * (y * 0.5f) + x * 0.5f + 1;
            want[(y * 5 + x) * 2] = v;
            want[(y * 5 + x) * 2 + 1] = 10 - v;
        }
    nn_ref_resize_bilinear(in, dims(1, 3, 3, 2), out, dims(1, 5, 5, 2), 1, 0);
    expect("resize 3->5 align_corners", out, want, 50, TOL);
    CHECK_NEAR(out[(2 * 5 + 2) * 2], 5.0, TOL); /* centre of the image stays 5 */
}

static void test_resize_bilinear_edges(void)
{
    /* 1-D downscale 4 -> 2 of {0,1,2,3}:
     * half_pixel: s = (d+0.5)*2 - 0.5 = 0.5, 2.5 -> {0.5, 2.5};
     * align_corners: scale 3, s = 0, 3 -> {0, 3}; neither: s = 0, 2 -> {0, 2}. */
    float in[] = {0, 1, 2, 3};
    float out[6];
    nn_ref_resize_bilinear(in, dims(1, 1, 4, 1), out, dims(1, 1, 2, 1), 0, 1);
    expect("down half_pixel", out, (float[]){0.5f, 2.5f}, 2, TOL);
    nn_ref_resize_bilinear(in, dims(1, 1, 4, 1), out, dims(1, 1, 2, 1), 1, 0);
    expect("down align_corners", out, (float[]){0, 3}, 2, TOL);
    nn_ref_resize_bilinear(in, dims(1, 1, 4, 1), out, dims(1, 1, 2, 1), 0, 0);
    expect("down plain", out, (float[]){0, 2}, 2, TOL);
    /* A single output column with align_corners samples s = 0. */
    nn_ref_resize_bilinear(in, dims(1, 1, 4, 1), out, dims(1, 1, 1, 1), 1, 0);
    expect("down to 1", out, (float[]){0}, 1, 0);

    /* TFLite takes x1 = min(ceil(s), in-1), so at an integral s it never reads the next
     * column: 3 -> 6 plain, s = 0, .5, 1, ...; at s = 1 the infinite column 2 must not
     * turn 2 into inf*0 = NaN. */
    nn_ref_resize_bilinear((float[]){1, 2, INFINITY}, dims(1, 1, 3, 1), out, dims(1, 1, 6, 1), 0,
                           0);
    expect("integral source", out, (float[]){1, 1.5f, 2}, 3, 0);

    /*
     * Bit-exactness at the half-pixel top-left border. 1x1 -> 2x2: s = -0.25 for
     * output 0, so y0 = y1 = x0 = x1 = 0 and TFLite keeps the fraction f = s - 0 =
     * -0.25 instead of clamping s to 0. With v = 0x1.11111cp+0 its float sum
     * v*1.25*1.25 + v*-0.25*1.25 + v*1.25*-0.25 + v*-0.25*-0.25 (left to right,
     * no FMA, as in a -std=c11 GCC build) rounds to 0x1.11111ep+0, one ulp above v;
     * clamping s would give v itself.
     */
    const float v = 0x1.11111cp+0f;
    nn_ref_resize_bilinear(&v, dims(1, 1, 1, 1), out, dims(1, 2, 2, 1), 0, 1);
    CHECK(out[0] == 0x1.11111ep+0f, "half-pixel border %a, expected TFLite's %a", (double)out[0],
          (double)0x1.11111ep+0f);
}

/* ---- randomized cross-checks -------------------------------------------- */

/* CONV_2D written differently: copy the input into an explicitly zero-padded
 * buffer, then run a VALID dilated convolution without any bounds checks. */
/*
 * FULLY_CONNECTED, 2 rows x 3 inputs -> 2 outputs, w = {1,2,3; -1,0,1}, bias {0.5,-10}:
 * row {1,1,1}: 0.5+6 = 6.5, -10+0 = -10; row {2,0,-1}: 0.5+2-3 = -0.5, -10-2-1 = -13.
 * With RELU6 the same give 6, 0, 0, 0; without bias 6, 0, -1, -3.
 */
static void test_fully_connected(void)
{
    const float in[6] = {1, 1, 1, 2, 0, -1}, w[6] = {1, 2, 3, -1, 0, 1}, bias[2] = {0.5f, -10};
    float out[4];
    nn_ref_fully_connected(in, 2, 3, w, bias, 2, out, NN_ACT_NONE);
    expect("fc", out, (const float[]){6.5f, -10, -0.5f, -13}, 4, 0);
    nn_ref_fully_connected(in, 2, 3, w, bias, 2, out, NN_ACT_RELU6);
    expect("fc relu6", out, (const float[]){6, 0, 0, 0}, 4, 0);
    nn_ref_fully_connected(in, 2, 3, w, NULL, 2, out, NN_ACT_NONE);
    expect("fc no bias", out, (const float[]){6, 0, -1, -3}, 4, 0);
}

/*
 * DEPTH_TO_SPACE block 2, input [1,1,2,8] (two pixels of 8 channels = 2x2 blocks of 2):
 * pixel p, channel ((by*2+bx)*2 + c) -> out[by, 2p+bx, c]. Input values are their index.
 * Out row 0: (p0,b00) 0,1 | (p0,b01) 2,3 | (p1,b00) 8,9 | (p1,b01) 10,11
 * Out row 1: (p0,b10) 4,5 | (p0,b11) 6,7 | (p1,b10) 12,13 | (p1,b11) 14,15
 */
static void test_depth_to_space(void)
{
    float in[16], out[16];
    iota1(in, 16);
    for (int i = 0; i < 16; i++)
        in[i] -= 1.0f; /* iota1 counts from 1 */
    nn_ref_depth_to_space(in, dims(1, 1, 2, 8), 2, out);
    expect("d2s", out, (const float[]){0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 12, 13, 14, 15}, 16, 0);
}

static void naive_conv(const float *in, nn_dims din, const float *w, nn_dims dw, const float *bias,
                       float *out, nn_dims dout, const nn_conv_params *p, float *padded)
{
    const int kh = dw.d[1], kw = dw.d[2], ic = din.d[3], oc = dout.d[3];
    const int ph = (dout.d[1] - 1) * p->stride_h + (kh - 1) * p->dilation_h + 1;
    const int pw = (dout.d[2] - 1) * p->stride_w + (kw - 1) * p->dilation_w + 1;
    for (int n = 0; n < din.d[0]; n++) {
        for (int y = 0; y < ph; y++)
            for (int x = 0; x < pw; x++)
                for (int c = 0; c < ic; c++) {
                    const int sy = y - p->pad_top, sx = x - p->pad_left;
                    const int inside = sy >= 0 && sy < din.d[1] && sx >= 0 && sx < din.d[2];
                    padded[(y * pw + x) * ic + c] =
                        inside ? in[(((n * din.d[1]) + sy) * din.d[2] + sx) * ic + c] : 0.0f;
                }
        for (int y = 0; y < dout.d[1]; y++)
            for (int x = 0; x < dout.d[2]; x++)
                for (int o = 0; o < oc; o++) {
                    double acc = bias ? bias[o] : 0.0;
                    for (int ky = 0; ky < kh; ky++)
                        for (int kx = 0; kx < kw; kx++)
                            for (int c = 0; c < ic; c++)
                                acc += (double)padded[((y * p->stride_h + ky * p->dilation_h) * pw +
                                                       x * p->stride_w + kx * p->dilation_w) *
                                                          ic +
                                                      c] *
                                       w[((o * kh + ky) * kw + kx) * ic + c];
                    out[(((n * dout.d[1]) + y) * dout.d[2] + x) * oc + o] =
                        nn_activate((float)acc, p->act);
                }
    }
}

static float dot(const float *a, const float *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (double)a[i] * b[i];
    return (float)s;
}

static void test_conv_random(void)
{
    enum { MAXN = 4096 };
    static float in[MAXN], w[MAXN], bias[16], got[MAXN], want[MAXN], padded[MAXN], back[MAXN],
        wt[MAXN], dwt[MAXN], y[MAXN];
    uint32_t seed = 12345;
    int mismatches = 0;
    for (int iter = 0; iter < 200; iter++) {
        nn_conv_params p;
        const int n = 1 + (int)(test_rand(&seed) % 2);
        const int ih = 1 + (int)(test_rand(&seed) % 7), iw = 1 + (int)(test_rand(&seed) % 7);
        const int ic = 1 + (int)(test_rand(&seed) % 4), oc = 1 + (int)(test_rand(&seed) % 4);
        const int kh = 1 + (int)(test_rand(&seed) % 3), kw = 1 + (int)(test_rand(&seed) % 3);
        p.stride_h = 1 + (int)(test_rand(&seed) % 2);
        p.stride_w = 1 + (int)(test_rand(&seed) % 3);
        p.dilation_h = 1 + (int)(test_rand(&seed) % 2);
        p.dilation_w = 1 + (int)(test_rand(&seed) % 2);
        p.pad_top = (int)(test_rand(&seed) % 3);
        p.pad_left = (int)(test_rand(&seed) % 3);
        p.depth_multiplier = 1;
        p.act = (int)(test_rand(&seed) % 5);
        const int ekh = (kh - 1) * p.dilation_h + 1, ekw = (kw - 1) * p.dilation_w + 1;
        /* Output sizes that reach past the bottom/right edge by up to one stride. */
        const int oh = (ih + 2 * p.pad_top - ekh) / p.stride_h + 1;
        const int ow = (iw + 2 * p.pad_left - ekw) / p.stride_w + 1;
        if (oh < 1 || ow < 1)
            continue;
        const nn_dims din = dims(n, ih, iw, ic), dw = dims(oc, kh, kw, ic);
        const nn_dims dout = dims(n, oh, ow, oc);
        for (size_t i = 0; i < nn_dims_count(din); i++)
            in[i] = test_randf(&seed, -1, 1);
        for (size_t i = 0; i < nn_dims_count(dw); i++)
            w[i] = test_randf(&seed, -1, 1);
        for (int i = 0; i < oc; i++)
            bias[i] = test_randf(&seed, -1, 1);
        const float *b = iter % 3 ? bias : NULL;

        nn_ref_conv2d(in, din, w, dw, b, got, dout, &p);
        naive_conv(in, din, w, dw, b, want, dout, &p, padded);
        for (size_t i = 0; i < nn_dims_count(dout); i++)
            mismatches += fabsf(got[i] - want[i]) > 1e-5f;

        /* Adjoint identity, no bias or activation: <conv(x), y> = <x, convT(y)> when the
         * transposed conv uses the same geometry and W with O and I swapped. */
        if (p.dilation_h == 1 && p.dilation_w == 1) {
            nn_conv_params q = p;
            q.act = NN_ACT_NONE;
            nn_ref_conv2d(in, din, w, dw, NULL, got, dout, &q);
            for (size_t i = 0; i < nn_dims_count(dout); i++)
                y[i] = test_randf(&seed, -1, 1);
            for (int o = 0; o < oc; o++)
                for (int k = 0; k < kh * kw; k++)
                    for (int c = 0; c < ic; c++)
                        wt[(c * kh * kw + k) * oc + o] = w[(o * kh * kw + k) * ic + c];
            nn_ref_transpose_conv(y, dout, wt, dims(ic, kh, kw, oc), NULL, back, din, &q);
            const float lhs = dot(got, y, nn_dims_count(dout));
            const float rhs = dot(in, back, nn_dims_count(din));
            CHECK(fabsf(lhs - rhs) <= 1e-4f * (1 + fabsf(lhs)), "adjoint iter %d: %g vs %g", iter,
                  (double)lhs, (double)rhs);
        }

        /* Depthwise with multiplier m equals CONV_2D with block-diagonal weights. */
        const int m = 1 + (int)(test_rand(&seed) % 2);
        nn_conv_params q = p;
        q.depth_multiplier = m;
        const nn_dims ddw = dims(1, kh, kw, ic * m), ddout = dims(n, oh, ow, ic * m);
        for (size_t i = 0; i < nn_dims_count(ddw); i++)
            dwt[i] = test_randf(&seed, -1, 1);
        memset(wt, 0, sizeof(float) * (size_t)(ic * m * kh * kw * ic));
        for (int co = 0; co < ic * m; co++)
            for (int k = 0; k < kh * kw; k++)
                wt[(co * kh * kw + k) * ic + co / m] = dwt[k * ic * m + co];
        nn_ref_depthwise_conv2d(in, din, dwt, ddw, b, got, ddout, &q);
        nn_ref_conv2d(in, din, wt, dims(ic * m, kh, kw, ic), b, want, ddout, &q);
        for (size_t i = 0; i < nn_dims_count(ddout); i++)
            mismatches += fabsf(got[i] - want[i]) > 1e-5f;
    }
    CHECK(mismatches == 0, "%d randomized conv/depthwise values differ", mismatches);
}

int main(void)
{
    RUN(test_activate);
    RUN(test_unary);
    RUN(test_binary_broadcast);
    RUN(test_prelu);
    RUN(test_softmax);
    RUN(test_conv2d_valid);
    RUN(test_conv2d_channels_bias);
    RUN(test_conv2d_same);
    RUN(test_conv2d_stride2);
    RUN(test_conv2d_dilation2);
    RUN(test_conv2d_activations);
    RUN(test_depthwise_multiplier2);
    RUN(test_depthwise_same_stride);
    RUN(test_transpose_conv);
    RUN(test_transpose_conv_channels);
    RUN(test_avg_pool_padding);
    RUN(test_pool_stride2);
    RUN(test_max_pool_padding);
    RUN(test_reduce);
    RUN(test_pad);
    RUN(test_concat);
    RUN(test_strided_slice);
    RUN(test_resize_bilinear_2x2);
    RUN(test_resize_bilinear_3x3);
    RUN(test_resize_bilinear_edges);
    RUN(test_fully_connected);
    RUN(test_depth_to_space);
    RUN(test_conv_random);
    return test_summary();
}
