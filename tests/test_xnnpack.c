/*
 * The XNNPACK backend against the reference backend: every op on random
 * shapes and values (odd sizes included), a graph that crosses partition
 * boundaries, and the real models on the real portrait.
 */
#include "harness.h"
#include "segtex/io.h"
#include "segtex/nn.h"
#include "segtex/pipeline.h"
#include "segtex/vision.h"
#include "tflite_builder.c"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static segtex_threadpool *pool;
static uint32_t seed = 12345;

static int rnd(int lo, int hi) { return lo + (int)(test_rand(&seed) % (uint32_t)(hi - lo + 1)); }

static float *random_floats(size_t n, float lo, float hi)
{
    float *p = malloc(n * sizeof(float));
    for (size_t i = 0; i < n; i++)
        p[i] = test_randf(&seed, lo, hi);
    return p;
}

/*
 * Load `file` on both backends, feed the same random inputs, compare every
 * output: |xnn - ref| <= tol * max(1, max|ref|). `host_nodes` is how many
 * nodes must run on the host in the XNNPACK plan (so a test cannot pass by
 * comparing the reference with itself).
 */
static void compare(const char *what, const uint8_t *file, size_t size, int host_nodes, double tol)
{
    segtex_model *ref = NULL, *xnn = NULL;
    segtex_model_options ro = {SEGTEX_BACKEND_REF, NULL}, xo = {SEGTEX_BACKEND_XNNPACK, pool};
    CHECK(segtex_model_load_memory(file, size, what, &ro, &ref) == SEGTEX_OK, "%s: ref load", what);
    CHECK(segtex_model_load_memory(file, size, what, &xo, &xnn) == SEGTEX_OK, "%s: xnnpack load", what);
    if (!ref || !xnn)
        goto done;
    segtex_model_stats s;
    segtex_model_get_stats(xnn, &s);
    CHECK(s.num_host_nodes == host_nodes, "%s: %d host nodes, expected %d", what, s.num_host_nodes, host_nodes);
    CHECK(s.num_partitions >= (s.num_nodes > host_nodes ? 1 : 0), "%s: no XNNPACK subgraph", what);
    for (int i = 0; i < segtex_model_input_count(ref); i++) {
        segtex_tensor_info a, b;
        segtex_model_input(ref, i, &a);
        segtex_model_input(xnn, i, &b);
        for (size_t k = 0; k < a.count; k++)
            a.data[k] = b.data[k] = test_randf(&seed, -2.0f, 2.0f);
    }
    segtex_model_invoke(ref);
    segtex_model_invoke(xnn);
    for (int i = 0; i < segtex_model_output_count(ref); i++) {
        segtex_tensor_info a, b;
        segtex_model_output(ref, i, &a);
        segtex_model_output(xnn, i, &b);
        double mag = 1, diff = 0;
        for (size_t k = 0; k < a.count; k++) {
            mag = fabs(a.data[k]) > mag ? fabs(a.data[k]) : mag;
            double d = fabs((double)a.data[k] - b.data[k]);
            diff = d > diff || isnan(d) ? (isnan(d) ? INFINITY : d) : diff;
        }
        CHECK(diff <= tol * mag, "%s: output %d differs by %.3g (magnitude %.3g)", what, i, diff, mag);
    }
done:
    segtex_model_destroy(ref);
    segtex_model_destroy(xnn);
}

/* One-op model: input [1,h,w,c] -> op -> output with `out_dims`. */
typedef struct single {
    tb_model *m;
    int in, out;
} single;

static single begin(int h, int w, int c, const int *out_dims, int out_rank)
{
    single s;
    s.m = tb_create();
    int in_dims[4] = {1, h, w, c};
    s.in = tb_tensor_f32(s.m, "in", 4, in_dims, NULL);
    s.out = tb_tensor_f32(s.m, "out", out_rank, out_dims, NULL);
    return s;
}

static void finish(single *s, const char *what, int host_nodes, double tol)
{
    tb_graph_io(s->m, 1, &s->in, 1, &s->out);
    size_t size;
    uint8_t *file = tb_finish(s->m, &size, NULL);
    compare(what, file, size, host_nodes, tol);
    free(file);
    tb_destroy(s->m);
}

static int conv_out(int in, int k, int stride, int dil, int same)
{
    int ek = (k - 1) * dil + 1;
    return same ? (in + stride - 1) / stride : (in - ek + stride) / stride;
}

static void conv2d_random_shapes(void)
{
    for (int trial = 0; trial < 24; trial++) {
        int depthwise = trial & 1, same = (trial >> 1) & 1, stride = 1 + (trial >> 2) % 2;
        int dil = trial % 5 == 0 ? 2 : 1, act = trial % 4;
        int h = rnd(9, 17), w = rnd(9, 17), cin = rnd(1, 9), k = rnd(1, 3) * 2 - 1;
        int mult = depthwise ? rnd(1, 2) : 1, cout = depthwise ? cin * mult : rnd(1, 13);
        if (stride > 1 && dil > 1)
            dil = 1; /* TFLite allows it, XNNPACK's conv too, but keep the cases simple and valid */
        int oh = conv_out(h, k, stride, dil, same), ow = conv_out(w, k, stride, dil, same);
        int od[4] = {1, oh, ow, cout};
        single s = begin(h, w, cin, od, 4);
        int wd[4] = {depthwise ? 1 : cout, k, k, depthwise ? cout : cin};
        float *wv = random_floats((size_t)k * k * cin * cout, -1, 1), *bv = random_floats((size_t)cout, -1, 1);
        int wt = tb_tensor_f32(s.m, "w", 4, wd, wv), bt = tb_tensor_f32(s.m, "b", 1, &cout, bv);
        int code = tb_opcode(s.m, depthwise ? TB_DEPTHWISE_CONV_2D : TB_CONV_2D, 1);
        int ins[3] = {s.in, wt, bt};
        int op = tb_op(s.m, code, trial % 3 == 0 ? 2 : 3, ins, 1, &s.out); /* some without bias */
        tb_opts o = {0};
        tb_opts_u8(&o, 0, same ? TB_SAME : TB_VALID);
        tb_opts_i32(&o, 1, stride);
        tb_opts_i32(&o, 2, stride);
        if (depthwise) {
            tb_opts_i32(&o, 3, mult);
            tb_opts_u8(&o, 4, act);
            tb_opts_i32(&o, 5, dil);
            tb_opts_i32(&o, 6, dil);
        } else {
            tb_opts_u8(&o, 3, act);
            tb_opts_i32(&o, 4, dil);
            tb_opts_i32(&o, 5, dil);
        }
        tb_op_options(s.m, op, depthwise ? TB_OPT_DEPTHWISE_CONV2D : TB_OPT_CONV2D, &o);
        char what[128];
        snprintf(what, sizeof what, "%s %dx%dx%d k%d s%d d%d %s act%d -> %d", depthwise ? "dwconv" : "conv", h, w,
                 cin, k, stride, dil, same ? "SAME" : "VALID", act, cout);
        finish(&s, what, 0, 1e-5);
        free(wv);
        free(bv);
    }
}

static void transpose_conv_random_shapes(void)
{
    for (int trial = 0; trial < 12; trial++) {
        int custom = trial & 1, same = (trial >> 1) & 1;
        int h = rnd(2, 9), w = rnd(2, 9), cin = rnd(1, 7), cout = rnd(1, 7), k = rnd(2, 4), stride = rnd(1, 2);
        if (same && k < stride)
            k = stride;
        int oh = same ? h * stride : (h - 1) * stride + k, ow = same ? w * stride : (w - 1) * stride + k;
        int od[4] = {1, oh, ow, cout};
        single s = begin(h, w, cin, od, 4);
        int wd[4] = {cout, k, k, cin};
        float *wv = random_floats((size_t)k * k * cin * cout, -1, 1), *bv = random_floats((size_t)cout, -1, 1);
        int wt = tb_tensor_f32(s.m, "w", 4, wd, wv), bt = tb_tensor_f32(s.m, "b", 1, &cout, bv);
        if (custom) {
            int code = tb_opcode_custom(s.m, "Convolution2DTransposeBias", 1);
            int ins[3] = {s.in, wt, bt};
            int op = tb_op(s.m, code, 3, ins, 1, &s.out);
            int32_t opts[3] = {same ? 1 : 2, stride, stride};
            tb_op_custom(s.m, op, opts, sizeof opts);
        } else {
            int four = 4;
            int32_t shape[4] = {1, oh, ow, cout};
            int st = tb_tensor_i32(s.m, "shape", 1, &four, shape);
            int code = tb_opcode(s.m, TB_TRANSPOSE_CONV, 1);
            int ins[4] = {st, wt, s.in, bt};
            int op = tb_op(s.m, code, 4, ins, 1, &s.out);
            tb_opts o = {0};
            tb_opts_u8(&o, 0, same ? TB_SAME : TB_VALID);
            tb_opts_i32(&o, 1, stride);
            tb_opts_i32(&o, 2, stride);
            tb_op_options(s.m, op, TB_OPT_TRANSPOSE_CONV, &o);
        }
        char what[128];
        snprintf(what, sizeof what, "%s %dx%dx%d k%d s%d %s -> %d", custom ? "Convolution2DTransposeBias" : "TRANSPOSE_CONV",
                 h, w, cin, k, stride, same ? "SAME" : "VALID", cout);
        finish(&s, what, 0, 1e-5);
        free(wv);
        free(bv);
    }
}

static void pool_random_shapes(void)
{
    for (int trial = 0; trial < 16; trial++) {
        int avg = trial & 1, same = (trial >> 1) & 1;
        int h = rnd(3, 15), w = rnd(3, 15), c = rnd(1, 9), f = rnd(2, 3), stride = rnd(1, 2);
        int od[4] = {1, conv_out(h, f, stride, 1, same), conv_out(w, f, stride, 1, same), c};
        single s = begin(h, w, c, od, 4);
        int code = tb_opcode(s.m, avg ? TB_AVERAGE_POOL_2D : TB_MAX_POOL_2D, 1);
        int op = tb_op(s.m, code, 1, &s.in, 1, &s.out);
        tb_opts o = {0};
        tb_opts_u8(&o, 0, same ? TB_SAME : TB_VALID);
        tb_opts_i32(&o, 1, stride);
        tb_opts_i32(&o, 2, stride);
        tb_opts_i32(&o, 3, f);
        tb_opts_i32(&o, 4, f);
        tb_opts_u8(&o, 5, trial % 3 == 0 ? TB_ACT_RELU6 : TB_ACT_NONE);
        tb_op_options(s.m, op, TB_OPT_POOL2D, &o);
        char what[96];
        snprintf(what, sizeof what, "%s %dx%dx%d f%d s%d %s", avg ? "avgpool" : "maxpool", h, w, c, f, stride,
                 same ? "SAME" : "VALID");
        finish(&s, what, 0, 1e-6);
    }
    /* The global case (the selfie model's 128x128 pool): global average pooling. */
    int h = rnd(5, 12), w = rnd(5, 12), c = rnd(3, 17);
    int od[4] = {1, 1, 1, c};
    single s = begin(h, w, c, od, 4);
    int op = tb_op(s.m, tb_opcode(s.m, TB_AVERAGE_POOL_2D, 1), 1, &s.in, 1, &s.out);
    tb_opts o = {0};
    tb_opts_u8(&o, 0, TB_VALID);
    tb_opts_i32(&o, 1, h);
    tb_opts_i32(&o, 2, h);
    tb_opts_i32(&o, 3, w);
    tb_opts_i32(&o, 4, h);
    tb_opts_i32(&o, 1, w);
    tb_op_options(s.m, op, TB_OPT_POOL2D, &o);
    finish(&s, "global avgpool", 0, 1e-6);
}

static void mean_over_hw(void)
{
    for (int keep = 0; keep < 2; keep++) {
        int h = rnd(3, 13), w = rnd(3, 13), c = rnd(1, 11);
        int od4[4] = {1, 1, 1, c}, od2[2] = {1, c};
        single s = begin(h, w, c, keep ? od4 : od2, keep ? 4 : 2);
        int two = 2;
        int32_t axes[2] = {1, 2};
        int at = tb_tensor_i32(s.m, "axes", 1, &two, axes);
        int ins[2] = {s.in, at};
        int op = tb_op(s.m, tb_opcode(s.m, TB_MEAN, 1), 2, ins, 1, &s.out);
        tb_opts o = {0};
        tb_opts_u8(&o, 0, keep);
        tb_op_options(s.m, op, TB_OPT_REDUCER, &o);
        finish(&s, keep ? "mean keep_dims" : "mean", 0, 1e-6);
    }
}

static void binary_broadcasting(void)
{
    static const int codes[3] = {TB_ADD, TB_SUB, TB_MUL}, opt_types[3] = {TB_OPT_ADD, TB_OPT_SUB, TB_OPT_MUL};
    for (int trial = 0; trial < 18; trial++) {
        int k = trial % 3, h = rnd(1, 9), w = rnd(1, 9), c = rnd(1, 9);
        /* the second operand: same shape, per-channel, per-row, or scalar; constant or input */
        int shape = (trial / 3) % 3;
        int bd[4] = {1, shape == 2 ? h : 1, shape == 0 ? w : 1, shape == 1 ? 1 : c};
        if (shape == 0)
            bd[1] = h;
        int od[4] = {1, h, w, c};
        single s = begin(h, w, c, od, 4);
        float *bv = random_floats((size_t)bd[1] * bd[2] * bd[3], -2, 2);
        int bt = tb_tensor_f32(s.m, "b", 4, bd, bv);
        int ins[2] = {s.in, bt};
        int op = tb_op(s.m, tb_opcode(s.m, codes[k], 1), 2, ins, 1, &s.out);
        tb_opts o = {0};
        tb_opts_u8(&o, 0, trial % 4);
        tb_op_options(s.m, op, opt_types[k], &o);
        char what[96];
        snprintf(what, sizeof what, "%s [1,%d,%d,%d] with [1,%d,%d,%d] act%d", k == 0 ? "add" : k == 1 ? "sub" : "mul", h,
                 w, c, bd[1], bd[2], bd[3], trial % 4);
        finish(&s, what, 0, 1e-6);
        free(bv);
    }
}

static void unary_ops(void)
{
    static const struct { int code; const char *name; } ops[] = {
        {TB_RELU, "relu"}, {TB_RELU6, "relu6"}, {TB_LOGISTIC, "logistic"}, {TB_HARD_SWISH, "hard_swish"},
        {TB_SOFTMAX, "softmax"}, {TB_TANH, "tanh (host)"},
    };
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        int h = rnd(1, 9), w = rnd(1, 9), c = rnd(1, 13);
        int od[4] = {1, h, w, c};
        single s = begin(h, w, c, od, 4);
        int op = tb_op(s.m, tb_opcode(s.m, ops[k].code, 1), 1, &s.in, 1, &s.out);
        if (ops[k].code == TB_SOFTMAX) {
            tb_opts o = {0};
            tb_opts_f32(&o, 0, 1.0f);
            tb_op_options(s.m, op, TB_OPT_SOFTMAX, &o);
        }
        finish(&s, ops[k].name, ops[k].code == TB_TANH ? 1 : 0, 1e-5);
    }
}

static void prelu_pad_reshape_resize(void)
{
    for (int trial = 0; trial < 6; trial++) {
        int h = rnd(2, 11), w = rnd(2, 11), c = rnd(1, 9);
        /* PRELU with per-channel slopes [1,1,c] */
        {
            int od[4] = {1, h, w, c}, ad[3] = {1, 1, c};
            single s = begin(h, w, c, od, 4);
            float *av = random_floats((size_t)c, -0.5f, 0.5f);
            int at = tb_tensor_f32(s.m, "alpha", 3, ad, av);
            int ins[2] = {s.in, at};
            tb_op(s.m, tb_opcode(s.m, TB_PRELU, 1), 2, ins, 1, &s.out);
            finish(&s, "prelu", 0, 1e-6);
            free(av);
        }
        /* PAD with uneven paddings */
        {
            int32_t pads[8] = {0, 0, rnd(0, 2), rnd(0, 3), rnd(0, 3), rnd(0, 2), 0, rnd(0, 2)};
            int od[4] = {1, h + pads[2] + pads[3], w + pads[4] + pads[5], c + pads[7]};
            single s = begin(h, w, c, od, 4);
            int pd[2] = {4, 2};
            int pt = tb_tensor_i32(s.m, "pads", 2, pd, pads);
            int ins[2] = {s.in, pt};
            tb_op(s.m, tb_opcode(s.m, TB_PAD, 1), 2, ins, 1, &s.out);
            finish(&s, "pad", 0, 0);
        }
        /* RESHAPE to rank 2 */
        {
            int od[2] = {h, w * c};
            single s = begin(h, w, c, od, 2);
            tb_op(s.m, tb_opcode(s.m, TB_RESHAPE, 1), 1, &s.in, 1, &s.out);
            finish(&s, "reshape", 0, 0);
        }
        /* RESIZE_BILINEAR in the three modes */
        {
            int mode = trial % 3, nh = rnd(1, 2) * h + rnd(0, 3), nw = rnd(1, 2) * w + rnd(0, 3);
            int od[4] = {1, nh, nw, c}, two = 2;
            int32_t size[2] = {nh, nw};
            single s = begin(h, w, c, od, 4);
            int st = tb_tensor_i32(s.m, "size", 1, &two, size);
            int ins[2] = {s.in, st};
            int op = tb_op(s.m, tb_opcode(s.m, TB_RESIZE_BILINEAR, 1), 2, ins, 1, &s.out);
            tb_opts o = {0};
            tb_opts_u8(&o, 2, mode == 1);
            tb_opts_u8(&o, 3, mode == 2);
            tb_op_options(s.m, op, TB_OPT_RESIZE_BILINEAR, &o);
            char what[96];
            snprintf(what, sizeof what, "resize %dx%d -> %dx%d %s", h, w, nh, nw,
                     mode == 0 ? "legacy" : mode == 1 ? "align_corners" : "half_pixel_centers");
            finish(&s, what, 0, 1e-5);
        }
    }
}

/*
 * in -> CONV -> a ; in -> CONV -> b ; CONCAT(a, b) (host) -> c ; c -> ADD const -> out:
 * two XNNPACK runs around a host op, the boundary tensors shared through the arena.
 */
/*
 * FULLY_CONNECTED on a [1,h,w,c] input: with keep_num_dims the output is
 * [1,h,w,o] and XNNPACK runs it; without, the output is [h*w,o], which this
 * backend leaves to the host unless h == 1 (the padded shapes then agree).
 * Also from a [1,c] input (the landmark models' head), with and without bias.
 */
static void fully_connected_random_shapes(void)
{
    for (int trial = 0; trial < 12; trial++) {
        int keep = trial & 1, act = (trial >> 1) % 4, h = trial % 3 == 0 ? 1 : rnd(2, 5), w = rnd(1, 7);
        int c = rnd(1, 40), oc = rnd(1, 33), bias = trial % 5 != 0;
        int od4[4] = {1, h, w, oc}, od2[2] = {h * w, oc};
        single s = keep ? begin(h, w, c, od4, 4) : begin(h, w, c, od2, 2);
        int wd[2] = {oc, c};
        float *wv = random_floats((size_t)oc * c, -1, 1), *bv = random_floats((size_t)oc, -1, 1);
        int wt = tb_tensor_f32(s.m, "w", 2, wd, wv), bt = tb_tensor_f32(s.m, "b", 1, &oc, bv);
        int ins[3] = {s.in, wt, bias ? bt : -1};
        int op = tb_op(s.m, tb_opcode(s.m, TB_FULLY_CONNECTED, 1), 3, ins, 1, &s.out);
        tb_opts o = {0};
        tb_opts_u8(&o, 0, act);
        tb_opts_u8(&o, 2, keep);
        tb_op_options(s.m, op, TB_OPT_FULLY_CONNECTED, &o);
        char what[128];
        snprintf(what, sizeof what, "fully connected %dx%dx%d -> %d keep %d act %d bias %d", h, w, c, oc, keep, act,
                 bias);
        finish(&s, what, keep || h == 1 ? 0 : 1, 1e-5);
        free(wv);
        free(bv);
    }
    for (int bias = 0; bias < 2; bias++) {
        tb_model *m = tb_create();
        int c = 1152, oc = 63;
        float *wv = random_floats((size_t)oc * c, -0.1f, 0.1f), *bv = random_floats((size_t)oc, -1, 1);
        int x = tb_tensor_f32(m, "x", SHAPE(1, c), NULL), y = tb_tensor_f32(m, "y", SHAPE(1, oc), NULL);
        int wt = tb_tensor_f32(m, "w", SHAPE(oc, c), wv), bt = tb_tensor_f32(m, "b", SHAPE(oc), bv);
        if (bias)
            tb_op(m, tb_opcode(m, TB_FULLY_CONNECTED, 1), IDX(x, wt, bt), IDX(y));
        else
            tb_op(m, tb_opcode(m, TB_FULLY_CONNECTED, 1), IDX(x, wt), IDX(y));
        tb_graph_io(m, IDX(x), IDX(y));
        size_t size;
        uint8_t *file = tb_finish(m, &size, NULL);
        compare(bias ? "fully connected [1,1152] -> 63 with bias" : "fully connected [1,1152] -> 63", file, size, 0,
                1e-5);
        free(file);
        tb_destroy(m);
        free(wv);
        free(bv);
    }
}

static void depth_to_space_random_shapes(void)
{
    for (int trial = 0; trial < 6; trial++) {
        int b = 1 + trial % 3, h = rnd(1, 9), w = rnd(1, 9), oc = rnd(1, 7);
        int od[4] = {1, h * b, w * b, oc};
        single s = begin(h, w, oc * b * b, od, 4);
        int op = tb_op(s.m, tb_opcode(s.m, TB_DEPTH_TO_SPACE, 1), 1, &s.in, 1, &s.out);
        tb_opts o = {0};
        tb_opts_i32(&o, 0, b);
        tb_op_options(s.m, op, TB_OPT_DEPTH_TO_SPACE, &o);
        char what[96];
        snprintf(what, sizeof what, "depth to space %dx%dx%d block %d", h, w, oc * b * b, b);
        finish(&s, what, b == 1 ? 1 : 0, 0); /* a permutation: exact; block 1 runs on the host */
    }
}

static void partitions_around_host_ops(void)
{
    int h = 7, w = 9, c = 3;
    tb_model *m = tb_create();
    int id[4] = {1, h, w, c}, ad[4] = {1, h, w, 4}, cd[4] = {1, h, w, 8}, wd[4] = {4, 3, 3, c}, four = 4;
    int in = tb_tensor_f32(m, "in", 4, id, NULL);
    float *w1 = random_floats(4 * 9 * c, -1, 1), *w2 = random_floats(4 * 9 * c, -1, 1);
    float *b1 = random_floats(4, -1, 1), *addv = random_floats(8, -1, 1);
    int wt1 = tb_tensor_f32(m, "w1", 4, wd, w1), wt2 = tb_tensor_f32(m, "w2", 4, wd, w2);
    int bt = tb_tensor_f32(m, "b", 1, &four, b1);
    int a = tb_tensor_f32(m, "a", 4, ad, NULL), b = tb_tensor_f32(m, "b2", 4, ad, NULL);
    int cc = tb_tensor_f32(m, "c", 4, cd, NULL), out = tb_tensor_f32(m, "out", 4, cd, NULL);
    int eight[1] = {8};
    int addt = tb_tensor_f32(m, "addc", 1, eight, addv);
    int conv = tb_opcode(m, TB_CONV_2D, 1);
    tb_opts o = {0};
    tb_opts_u8(&o, 0, TB_SAME);
    tb_opts_i32(&o, 1, 1);
    tb_opts_i32(&o, 2, 1);
    int i1[3] = {in, wt1, bt}, i2[3] = {in, wt2, bt};
    tb_op_options(m, tb_op(m, conv, 3, i1, 1, &a), TB_OPT_CONV2D, &o);
    tb_op_options(m, tb_op(m, conv, 3, i2, 1, &b), TB_OPT_CONV2D, &o);
    int ci[2] = {a, b};
    tb_opts co = {0};
    tb_opts_i32(&co, 0, 3);
    tb_op_options(m, tb_op(m, tb_opcode(m, TB_CONCATENATION, 1), 2, ci, 1, &cc), TB_OPT_CONCATENATION, &co);
    int ai[2] = {cc, addt};
    tb_op(m, tb_opcode(m, TB_ADD, 1), 2, ai, 1, &out);
    tb_graph_io(m, 1, &in, 1, &out);
    size_t size;
    uint8_t *file = tb_finish(m, &size, NULL);
    compare("conv,conv | concat | add", file, size, 1, 1e-5);
    segtex_model *x = NULL;
    segtex_model_options xo = {SEGTEX_BACKEND_XNNPACK, pool};
    if (segtex_model_load_memory(file, size, "partitions", &xo, &x) == SEGTEX_OK) {
        segtex_model_stats s;
        segtex_model_get_stats(x, &s);
        CHECK(s.num_partitions == 2, "%d XNNPACK subgraphs, expected 2", s.num_partitions);
        segtex_model_destroy(x);
    }
    free(file);
    tb_destroy(m);
    free(w1), free(w2), free(b1), free(addv);
}

/* The real models on the portrait: probabilities within 1e-4, coordinates within 1e-3 of their range. */
static void models_agree_on_the_portrait(void)
{
    static const char *names[] = {"selfie_segmentation.tflite", "selfie_segmentation_landscape.tflite",
                                  "face_detection_short_range.tflite", "face_detection_full_range.tflite",
                                  "face_landmark_with_attention.tflite", "face_landmark.tflite",
                                  "pose_detection.tflite", "pose_landmark_lite.tflite", "pose_landmark_full.tflite",
                                  "palm_detection_lite.tflite", "palm_detection_full.tflite",
                                  "hand_landmark_lite.tflite", "hand_landmark_full.tflite"};
    segtex_image img;
    const char *path = test_asset("astronaut.png");
    CHECK(path && segtex_image_load(path, 3, &img) == SEGTEX_OK, "portrait");
    if (!path)
        return;
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        const char *mp = test_asset(names[k]);
        CHECK(mp != NULL, "%s missing", names[k]);
        if (!mp)
            continue;
        segtex_model *ref = NULL, *xnn = NULL;
        segtex_model_options ro = {SEGTEX_BACKEND_REF, NULL}, xo = {SEGTEX_BACKEND_XNNPACK, pool};
        CHECK(segtex_model_load(mp, &ro, &ref) == SEGTEX_OK && segtex_model_load(mp, &xo, &xnn) == SEGTEX_OK,
              "%s: load", names[k]);
        if (!ref || !xnn) {
            segtex_model_destroy(ref);
            segtex_model_destroy(xnn);
            continue;
        }
        int blazeface = strstr(names[k], "detection") != NULL;
        segtex_model *both[2] = {ref, xnn};
        for (int j = 0; j < 2; j++) {
            segtex_tensor_info in;
            segtex_model_input(both[j], 0, &in);
            segtex_image_to_tensor(&img, in.data, in.dims[2], in.dims[1],
                                   blazeface ? SEGTEX_FIT_LETTERBOX : SEGTEX_FIT_STRETCH, blazeface ? -1.0f : 0.0f,
                                   1.0f, NULL);
            segtex_model_invoke(both[j]);
        }
        for (int i = 0; i < segtex_model_output_count(ref); i++) {
            segtex_tensor_info a, b;
            segtex_model_output(ref, i, &a);
            segtex_model_output(xnn, i, &b);
            /* Scores (one value per box or face) are compared as probabilities: sigmoid(clip(x, 100)). */
            int score = a.count == 1 || (a.rank == 3 && a.dims[2] == 1);
            int prob = strstr(names[k], "selfie") != NULL;
            double lo = INFINITY, hi = -INFINITY, diff = 0;
            for (size_t e = 0; e < a.count; e++) {
                double x = a.data[e], y = b.data[e];
                if (score) {
                    x = 1 / (1 + exp(-fmax(-100, fmin(100, x))));
                    y = 1 / (1 + exp(-fmax(-100, fmin(100, y))));
                }
                lo = fmin(lo, x), hi = fmax(hi, x);
                diff = fmax(diff, fabs(x - y));
            }
            double tol = score || prob ? 1e-4 : 1e-3 * (hi - lo);
            CHECK(diff <= tol, "%s output %d '%s': max difference %.3g, allowed %.3g", names[k], i, a.name, diff, tol);
        }
        segtex_model_destroy(ref);
        segtex_model_destroy(xnn);
    }
    segtex_image_free(&img);
}

/* One thread and two give the same numbers; XNNPACK invoke allocates nothing. */
static void threads_and_allocations(void)
{
    const char *mp = test_asset("selfie_segmentation.tflite");
    if (!mp)
        return;
    segtex_model *one = NULL, *two = NULL;
    segtex_model_options o1 = {SEGTEX_BACKEND_XNNPACK, NULL}, o2 = {SEGTEX_BACKEND_XNNPACK, pool};
    CHECK(segtex_model_load(mp, &o1, &one) == SEGTEX_OK && segtex_model_load(mp, &o2, &two) == SEGTEX_OK, "load");
    if (!one || !two)
        goto done;
    segtex_tensor_info a, b;
    segtex_model_input(one, 0, &a);
    segtex_model_input(two, 0, &b);
    for (size_t k = 0; k < a.count; k++)
        a.data[k] = b.data[k] = test_randf(&seed, 0, 1);
    segtex_model_invoke(one);
    segtex_model_invoke(two);
    uint64_t lib0 = segtex_alloc_count(), proc0 = test_process_allocs();
    for (int r = 0; r < 5; r++)
        segtex_model_invoke(two);
    CHECK(segtex_alloc_count() == lib0 && test_process_allocs() == proc0,
          "5 invokes on 2 threads made %llu + %llu allocations", (unsigned long long)(segtex_alloc_count() - lib0),
          (unsigned long long)(test_process_allocs() - proc0));
    segtex_model_output(one, 0, &a);
    segtex_model_output(two, 0, &b);
    double diff = 0;
    for (size_t k = 0; k < a.count; k++)
        diff = fmax(diff, fabs(a.data[k] - b.data[k]));
    CHECK(diff <= 1e-6, "1 thread vs 2 threads differ by %.3g", diff);
done:
    segtex_model_destroy(one);
    segtex_model_destroy(two);
}

int main(void)
{
    if (!segtex_backend_available(SEGTEX_BACKEND_XNNPACK)) {
        printf("this build has no XNNPACK backend\n0 passed, 0 failed, 1 skipped\n");
        return 0;
    }
    segtex_set_log(segtex_log_stderr, NULL, SEGTEX_LOG_WARNING);
    CHECK(segtex_threadpool_create(2, &pool) == SEGTEX_OK, "thread pool");
    RUN(conv2d_random_shapes);
    RUN(transpose_conv_random_shapes);
    RUN(pool_random_shapes);
    RUN(mean_over_hw);
    RUN(binary_broadcasting);
    RUN(unary_ops);
    RUN(prelu_pad_reshape_resize);
    RUN(fully_connected_random_shapes);
    RUN(depth_to_space_random_shapes);
    RUN(partitions_around_host_ops);
    RUN(models_agree_on_the_portrait);
    RUN(threads_and_allocations);
    segtex_threadpool_destroy(pool);
    return test_summary();
}
