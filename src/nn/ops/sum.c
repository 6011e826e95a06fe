/* SUM (builtin 74) over constant axes; checks shared with MEAN. This XNNPACK has no sum: a host op. */
#include "nn/ops/op.h"

static void ref(segtex_model *m, const nn_node *n)
{
    const nn_tensor *a = nn_in(m, n, 0);
    nn_ref_reduce(a->data, a->dims, n->p.axes, 0, nn_out(m, n, 0)->data);
}

const nn_op_def nn_op_sum = {"SUM", 74, 0, nn_prepare_reduce, ref, NULL, NULL};
