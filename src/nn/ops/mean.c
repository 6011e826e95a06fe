/* MEAN (builtin 40) over constant axes; checks shared with SUM (nn_prepare_reduce). */
#include "nn/ops/op.h"
#ifdef SEGTEX_HAVE_XNNPACK
#include "nn/xnnpack/xnn.h"
#include <math.h>
#endif

static void ref(segtex_model *m, const nn_node *n)
{
    const nn_tensor *a = nn_in(m, n, 0);
    nn_ref_reduce(a->data, a->dims, n->p.axes, 1, nn_out(m, n, 0)->data);
}

#ifdef SEGTEX_HAVE_XNNPACK
/* MEAN over H and W of a rank-4 tensor is XNNPACK's global average pooling; other means run on the host. */
static int supported(const segtex_model *m, const nn_node *n)
{
    return nn_in(m, n, 0)->rank == 4 && n->p.axes == 0x6;
}

static int define(nn_xnn_builder *b, const nn_node *n, uint32_t in, uint32_t out)
{
    (void)n;
    return xnn_define_global_average_pooling_2d(b->sg, -INFINITY, INFINITY, in, out, 0) == xnn_status_success ? 0
                                                                                                               : -1;
}
#endif

const nn_op_def nn_op_mean = {"MEAN", 40, 0, nn_prepare_reduce, ref, NN_XNN(supported), NN_XNN(define)};
