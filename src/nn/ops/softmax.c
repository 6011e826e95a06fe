/* SOFTMAX over the last dim, with beta. */
#include "nn/ops/op.h"
#ifdef SEGTEX_HAVE_XNNPACK
#include "nn/xnnpack/xnn.h"
#endif

#include <math.h>

static segtex_status prepare(nn_opctx *o)
{
    segtex_status st;
    if ((st = nn_need_io(o, 1, 1, 1)) || (st = nn_need_float(o, 0)) || (st = nn_check_out(o, 0, T(o, 0)->dims)))
        return st;
    float beta;
    if (nn_opt_f32(o, 0, 1.0f, &beta))
        return SEGTEX_ERROR_MALFORMED;
    if (!isfinite(beta))
        NODE_MALFORMED("beta is not finite");
    o->n->p.beta = beta;
    return SEGTEX_OK;
}

static void ref(segtex_model *m, const nn_node *n)
{
    const nn_tensor *a = nn_in(m, n, 0);
    nn_ref_softmax(a->data, a->dims, n->p.beta, nn_out(m, n, 0)->data);
}

#ifdef SEGTEX_HAVE_XNNPACK
/* XNNPACK's softmax has no beta. */
static int supported(const segtex_model *m, const nn_node *n)
{
    (void)m;
    return n->p.beta == 1.0f;
}

static int define(nn_xnn_builder *b, const nn_node *n, uint32_t in, uint32_t out)
{
    (void)n;
    return xnn_define_softmax(b->sg, in, out, 0) == xnn_status_success ? 0 : -1;
}
#endif

const nn_op_def nn_op_softmax = {"SOFTMAX", 25, 0, prepare, ref, NN_XNN(supported), NN_XNN(define)};
