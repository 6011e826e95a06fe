/* PRELU: x >= 0 ? x : alpha * x, alpha broadcast to the input's shape. */
#include "nn/ops/op.h"
#ifdef SEGTEX_HAVE_XNNPACK
#include "nn/xnnpack/xnn.h"
#endif

static segtex_status prepare(nn_opctx *o)
{
    segtex_status st;
    if ((st = nn_need_io(o, 2, 2, 1)) || (st = nn_need_float(o, 0)) || (st = nn_need_float(o, 1)))
        return st;
    nn_dims d;
    if ((st = nn_broadcast(o, T(o, 0)->dims, T(o, 1)->dims, &d)))
        return st;
    return nn_check_out(o, 0, T(o, 0)->dims) || nn_check_out(o, 0, d) ? SEGTEX_ERROR_MALFORMED : SEGTEX_OK;
}

static void ref(segtex_model *m, const nn_node *n)
{
    const nn_tensor *a = nn_in(m, n, 0), *b = nn_in(m, n, 1);
    nn_ref_prelu(a->data, a->dims, b->data, b->dims, nn_out(m, n, 0)->data);
}

#ifdef SEGTEX_HAVE_XNNPACK
/* XNNPACK takes one constant slope per channel only. */
static int supported(const segtex_model *m, const nn_node *n)
{
    const nn_tensor *a = nn_in(m, n, 0), *s = nn_in(m, n, 1);
    return s->is_const && s->count == (size_t)a->dims.d[3] && s->dims.d[3] == a->dims.d[3];
}

static int define(nn_xnn_builder *b, const nn_node *n, uint32_t in, uint32_t out)
{
    uint32_t w;
    if (nn_xnn_value_1d(b, n->in[1], (size_t)nn_in(b->m, n, 0)->dims.d[3], &w))
        return -1;
    return xnn_define_prelu(b->sg, in, w, out, 0) == xnn_status_success ? 0 : -1;
}
#endif

const nn_op_def nn_op_prelu = {"PRELU", 54, 0, prepare, ref, NN_XNN(supported), NN_XNN(define)};
