/* SUB (builtin 41): element-wise with broadcasting and a fused activation. */
#include "nn/ops/op.h"
#ifdef SEGTEX_HAVE_XNNPACK
#include "nn/xnnpack/xnn.h"
#endif

static void ref(segtex_model *m, const nn_node *n)
{
    const nn_tensor *a = nn_in(m, n, 0), *b = nn_in(m, n, 1);
    nn_tensor *o = nn_out(m, n, 0);
    nn_ref_binary(NN_BINARY_SUB, a->data, a->dims, b->data, b->dims, o->data, o->dims, n->p.act);
}

#ifdef SEGTEX_HAVE_XNNPACK
static int define(nn_xnn_builder *b, const nn_node *n, uint32_t in, uint32_t out)
{
    uint32_t in2;
    float lo, hi;
    if (nn_xnn_value(b, n->in[1], &in2))
        return -1;
    nn_xnn_act_range(n->p.act, &lo, &hi);
    return xnn_define_subtract(b->sg, lo, hi, in, in2, out, 0) == xnn_status_success ? 0 : -1;
}
#endif

const nn_op_def nn_op_sub = {"SUB", 41, 0, nn_prepare_binary, ref, NULL, NN_XNN(define)};
