/* MEAN and SUM over constant axes (keep_dims or not: the element order is the same). */
#include "nn/ops/op.h"
#ifdef SEGTEX_HAVE_XNNPACK
#include "nn/xnnpack/xnn.h"
#include <math.h>
#endif

static segtex_status prepare(nn_opctx *o)
{
    segtex_status st;
    if ((st = nn_need_io(o, 2, 2, 1)) || (st = nn_need_float(o, 0)))
        return st;
    nn_tensor *in = T(o, 0);
    const int32_t *axes = nn_need_i32(o, 1, 0);
    if (!axes)
        return SEGTEX_ERROR_MALFORMED;
    unsigned mask = 0;
    for (size_t k = 0; k < T(o, 1)->count; k++) {
        int a = axes[k];
        if (a < -in->rank || a >= in->rank)
            NODE_MALFORMED("axis %d is out of range for rank %d", a, in->rank);
        if (a < 0)
            a += in->rank;
        mask |= 1u << (4 - in->rank + a);
    }
    o->n->p.axes = mask;
    nn_dims d = in->dims;
    for (int k = 0; k < 4; k++)
        if (mask & (1u << k))
            d.d[k] = 1;
    /* With keep_dims=false the declared shape drops the reduced dims; the element order is the same. */
    nn_tensor *out = OUT(o, 0);
    if (out->count != nn_dims_count(d))
        NODE_MALFORMED("output '%s' has %zu elements, the reduction gives %zu", out->name, out->count,
                       nn_dims_count(d));
    return SEGTEX_OK;
}

static void ref_mean(segtex_model *m, const nn_node *n)
{
    const nn_tensor *a = nn_in(m, n, 0);
    nn_ref_reduce(a->data, a->dims, n->p.axes, 1, nn_out(m, n, 0)->data);
}

static void ref_sum(segtex_model *m, const nn_node *n)
{
    const nn_tensor *a = nn_in(m, n, 0);
    nn_ref_reduce(a->data, a->dims, n->p.axes, 0, nn_out(m, n, 0)->data);
}

#ifdef SEGTEX_HAVE_XNNPACK
/* MEAN over H and W of a rank-4 tensor is XNNPACK's global average pooling; other means run on the host. */
static int mean_supported(const segtex_model *m, const nn_node *n)
{
    return nn_in(m, n, 0)->rank == 4 && n->p.axes == 0x6;
}

static int xnn_mean(nn_xnn_builder *b, const nn_node *n, uint32_t in, uint32_t out)
{
    (void)n;
    return xnn_define_global_average_pooling_2d(b->sg, -INFINITY, INFINITY, in, out, 0) == xnn_status_success ? 0
                                                                                                               : -1;
}
#endif

const nn_op_def nn_op_mean = {"MEAN", 40, 0, prepare, ref_mean, NN_XNN(mean_supported), NN_XNN(xnn_mean)};
/* This XNNPACK has no sum: a host op. */
const nn_op_def nn_op_sum = {"SUM", 74, 0, prepare, ref_sum, NULL, NULL};
