/* RELU (builtin 19): element by element. */
#include "nn/ops/op.h"
#ifdef SEGTEX_HAVE_XNNPACK
#include "nn/xnnpack/xnn.h"
#endif

static void ref(segtex_model *m, const nn_node *n)
{
    const nn_tensor *a = nn_in(m, n, 0);
    nn_ref_unary(NN_UNARY_RELU, a->data, nn_out(m, n, 0)->data, a->count);
}

#ifdef SEGTEX_HAVE_XNNPACK
#include <math.h>
static int define(nn_xnn_builder *b, const nn_node *n, uint32_t in, uint32_t out)
{
    (void)n;
    return xnn_define_clamp(b->sg, 0.0f, INFINITY, in, out, 0) == xnn_status_success ? 0 : -1;
}
#endif

const nn_op_def nn_op_relu = {"RELU", 19, 0, nn_prepare_unary, ref, NULL, NN_XNN(define)};
