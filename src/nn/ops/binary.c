/* ADD, SUB, MUL: element-wise with broadcasting and a fused activation. */
#include "nn/ops/op.h"
#ifdef SEGTEX_HAVE_XNNPACK
#include "nn/xnnpack/xnn.h"
#endif

static segtex_status prepare(nn_opctx *o)
{
    segtex_status st;
    uint8_t act;
    if ((st = nn_need_io(o, 2, 2, 1)) || (st = nn_need_float(o, 0)) || (st = nn_need_float(o, 1)))
        return st;
    if (nn_opt_u8(o, 0, 0, &act))
        return SEGTEX_ERROR_MALFORMED;
    if ((st = nn_check_act(o, act)))
        return st;
    o->n->p.act = act;
    nn_dims d;
    if ((st = nn_broadcast(o, T(o, 0)->dims, T(o, 1)->dims, &d)))
        return st;
    return nn_check_out(o, 0, d);
}

static void run(segtex_model *m, const nn_node *n, int op)
{
    const nn_tensor *a = nn_in(m, n, 0), *b = nn_in(m, n, 1);
    nn_tensor *o = nn_out(m, n, 0);
    nn_ref_binary(op, a->data, a->dims, b->data, b->dims, o->data, o->dims, n->p.act);
}
static void ref_add(segtex_model *m, const nn_node *n) { run(m, n, NN_BINARY_ADD); }
static void ref_sub(segtex_model *m, const nn_node *n) { run(m, n, NN_BINARY_SUB); }
static void ref_mul(segtex_model *m, const nn_node *n) { run(m, n, NN_BINARY_MUL); }

#ifdef SEGTEX_HAVE_XNNPACK
static int define(nn_xnn_builder *b, const nn_node *n, uint32_t in, uint32_t out, int op)
{
    uint32_t in2;
    float lo, hi;
    if (nn_xnn_value(b, n->in[1], &in2))
        return -1;
    nn_xnn_act_range(n->p.act, &lo, &hi);
    enum xnn_status s = op == NN_BINARY_ADD   ? xnn_define_add2(b->sg, lo, hi, in, in2, out, 0)
                        : op == NN_BINARY_SUB ? xnn_define_subtract(b->sg, lo, hi, in, in2, out, 0)
                                              : xnn_define_multiply2(b->sg, lo, hi, in, in2, out, 0);
    return s == xnn_status_success ? 0 : -1;
}
static int xnn_add(nn_xnn_builder *b, const nn_node *n, uint32_t i, uint32_t o) { return define(b, n, i, o, NN_BINARY_ADD); }
static int xnn_sub(nn_xnn_builder *b, const nn_node *n, uint32_t i, uint32_t o) { return define(b, n, i, o, NN_BINARY_SUB); }
static int xnn_mul(nn_xnn_builder *b, const nn_node *n, uint32_t i, uint32_t o) { return define(b, n, i, o, NN_BINARY_MUL); }
#endif

const nn_op_def nn_op_add = {"ADD", 0, 0, prepare, ref_add, NULL, NN_XNN(xnn_add)};
const nn_op_def nn_op_sub = {"SUB", 41, 0, prepare, ref_sub, NULL, NN_XNN(xnn_sub)};
const nn_op_def nn_op_mul = {"MUL", 18, 0, prepare, ref_mul, NULL, NN_XNN(xnn_mul)};
