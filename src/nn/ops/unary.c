/* RELU, RELU6, LOGISTIC, HARD_SWISH, TANH: one value in, one value out. */
#include "nn/ops/op.h"
#ifdef SEGTEX_HAVE_XNNPACK
#include "nn/xnnpack/xnn.h"
#include <math.h>
#endif

static segtex_status prepare(nn_opctx *o)
{
    segtex_status st;
    if ((st = nn_need_io(o, 1, 1, 1)) || (st = nn_need_float(o, 0)))
        return st;
    return nn_check_out(o, 0, T(o, 0)->dims);
}

static void run(segtex_model *m, const nn_node *n, int op)
{
    const nn_tensor *a = nn_in(m, n, 0);
    nn_ref_unary(op, a->data, nn_out(m, n, 0)->data, a->count);
}
static void ref_relu(segtex_model *m, const nn_node *n) { run(m, n, NN_UNARY_RELU); }
static void ref_relu6(segtex_model *m, const nn_node *n) { run(m, n, NN_UNARY_RELU6); }
static void ref_logistic(segtex_model *m, const nn_node *n) { run(m, n, NN_UNARY_LOGISTIC); }
static void ref_hard_swish(segtex_model *m, const nn_node *n) { run(m, n, NN_UNARY_HARD_SWISH); }
static void ref_tanh(segtex_model *m, const nn_node *n) { run(m, n, NN_UNARY_TANH); }

#ifdef SEGTEX_HAVE_XNNPACK
static int ok(enum xnn_status s) { return s == xnn_status_success ? 0 : -1; }
static int xnn_relu(nn_xnn_builder *b, const nn_node *n, uint32_t in, uint32_t out)
{
    (void)n;
    return ok(xnn_define_clamp(b->sg, 0.0f, INFINITY, in, out, 0));
}
static int xnn_relu6(nn_xnn_builder *b, const nn_node *n, uint32_t in, uint32_t out)
{
    (void)n;
    return ok(xnn_define_clamp(b->sg, 0.0f, 6.0f, in, out, 0));
}
static int xnn_logistic(nn_xnn_builder *b, const nn_node *n, uint32_t in, uint32_t out)
{
    (void)n;
    return ok(xnn_define_sigmoid(b->sg, in, out, 0));
}
static int xnn_hard_swish(nn_xnn_builder *b, const nn_node *n, uint32_t in, uint32_t out)
{
    (void)n;
    return ok(xnn_define_hardswish(b->sg, in, out, 0));
}
#endif

const nn_op_def nn_op_relu = {"RELU", 19, 0, prepare, ref_relu, NULL, NN_XNN(xnn_relu)};
const nn_op_def nn_op_relu6 = {"RELU6", 21, 0, prepare, ref_relu6, NULL, NN_XNN(xnn_relu6)};
const nn_op_def nn_op_logistic = {"LOGISTIC", 14, 0, prepare, ref_logistic, NULL, NN_XNN(xnn_logistic)};
const nn_op_def nn_op_hard_swish = {"HARD_SWISH", 117, 0, prepare, ref_hard_swish, NULL, NN_XNN(xnn_hard_swish)};
/* This XNNPACK has no tanh: a host op. */
const nn_op_def nn_op_tanh = {"TANH", 28, 0, prepare, ref_tanh, NULL, NULL};
