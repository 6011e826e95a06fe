/* PAD with zeros; paddings a constant INT32 [rank,2]. */
#include "nn/ops/op.h"
#ifdef SEGTEX_HAVE_XNNPACK
#include "nn/xnnpack/xnn.h"
#endif

static segtex_status prepare(nn_opctx *o)
{
    segtex_status st;
    if ((st = nn_need_io(o, 2, 2, 1)) || (st = nn_need_float(o, 0)))
        return st;
    nn_tensor *in = T(o, 0);
    const int32_t *pads = nn_need_i32(o, 1, (size_t)in->rank * 2);
    if (!pads)
        return SEGTEX_ERROR_MALFORMED;
    nn_dims d = in->dims;
    for (int k = 0; k < 4; k++)
        o->n->p.before[k] = 0;
    for (int k = 0; k < in->rank; k++) {
        int a = pads[2 * k], b = pads[2 * k + 1];
        if (a < 0 || b < 0 || a > 4096 || b > 4096)
            NODE_MALFORMED("padding of dim %d is (%d,%d), expected 0..4096", k, a, b);
        o->n->p.before[4 - in->rank + k] = a;
        d.d[4 - in->rank + k] += a + b;
    }
    return nn_check_out(o, 0, d);
}

static void ref(segtex_model *m, const nn_node *n)
{
    const nn_tensor *a = nn_in(m, n, 0);
    nn_tensor *o = nn_out(m, n, 0);
    nn_ref_pad(a->data, a->dims, n->p.before, 0.0f, o->data, o->dims);
}

#ifdef SEGTEX_HAVE_XNNPACK
static int define(nn_xnn_builder *b, const nn_node *n, uint32_t in, uint32_t out)
{
    const nn_tensor *a = nn_in(b->m, n, 0), *o = nn_out(b->m, n, 0);
    size_t pre[4], post[4];
    for (int d = 0; d < 4; d++) {
        pre[d] = (size_t)n->p.before[d];
        post[d] = (size_t)(o->dims.d[d] - a->dims.d[d] - n->p.before[d]);
    }
    return xnn_define_static_constant_pad(b->sg, pre, post, 0.0f, in, out, 0) == xnn_status_success ? 0 : -1;
}
#endif

const nn_op_def nn_op_pad = {"PAD", 34, 0, prepare, ref, NULL, NN_XNN(define)};
