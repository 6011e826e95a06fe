/* TANH (builtin 28): element by element. */
#include "nn/ops/op.h"

static void ref(segtex_model *m, const nn_node *n)
{
    const nn_tensor *a = nn_in(m, n, 0);
    nn_ref_unary(NN_UNARY_TANH, a->data, nn_out(m, n, 0)->data, a->count);
}

/* This XNNPACK has no tanh: a host op. */
const nn_op_def nn_op_tanh = {"TANH", 28, 0, nn_prepare_unary, ref, NULL, NULL};
