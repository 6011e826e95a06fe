/* MAX_POOL_2D (builtin 17): options and geometry shared with AVERAGE_POOL_2D (nn_prepare_pool). */
#include "nn/ops/op.h"
#ifdef SEGTEX_HAVE_XNNPACK
#include "nn/xnnpack/xnn.h"
#endif

static void ref(segtex_model *m, const nn_node *n)
{
    const nn_tensor *a = nn_in(m, n, 0);
    nn_tensor *o = nn_out(m, n, 0);
    nn_ref_max_pool(a->data, a->dims, o->data, o->dims, &n->p.pool);
}

#ifdef SEGTEX_HAVE_XNNPACK
/* XNNPACK refuses a 1x1 pooling window. */
static int supported(const segtex_model *m, const nn_node *n)
{
    (void)m;
    return n->p.pool.filter_h * n->p.pool.filter_w > 1;
}

static int define(nn_xnn_builder *b, const nn_node *n, uint32_t in, uint32_t out)
{
    const nn_pool_params *p = &n->p.pool;
    const nn_tensor *a = nn_in(b->m, n, 0), *o = nn_out(b->m, n, 0);
    int pb = nn_xnn_trailing_pad(a->dims.d[1], o->dims.d[1], p->filter_h, p->stride_h, 1, p->pad_top);
    int pr = nn_xnn_trailing_pad(a->dims.d[2], o->dims.d[2], p->filter_w, p->stride_w, 1, p->pad_left);
    float lo, hi;
    nn_xnn_act_range(p->act, &lo, &hi);
    return xnn_define_max_pooling_2d(b->sg, p->pad_top, pr, pb, p->pad_left, p->filter_h, p->filter_w, p->stride_h,
                                     p->stride_w, 1, 1, lo, hi, in, out, 0) == xnn_status_success
               ? 0
               : -1;
}
#endif

const nn_op_def nn_op_max_pool_2d = {"MAX_POOL_2D", 17, 0, nn_prepare_pool, ref, NN_XNN(supported), NN_XNN(define)};
