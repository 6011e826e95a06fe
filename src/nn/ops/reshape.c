/* RESHAPE: the declared output shape wins; the optional shape input must be a constant INT32 vector. */
#include "nn/ops/op.h"
#ifdef SEGTEX_HAVE_XNNPACK
#include "nn/xnnpack/xnn.h"
#endif

#include <string.h>

static segtex_status prepare(nn_opctx *o)
{
    segtex_status st;
    if ((st = nn_need_io(o, 1, 2, 1)) || (st = nn_need_float(o, 0)))
        return st;
    if (o->n->num_in == 2 && o->n->in[1] >= 0 && !nn_need_i32(o, 1, 0))
        return SEGTEX_ERROR_MALFORMED;
    if (OUT(o, 0)->count != T(o, 0)->count)
        NODE_MALFORMED("reshape from %zu to %zu elements", T(o, 0)->count, OUT(o, 0)->count);
    return SEGTEX_OK;
}

static void ref(segtex_model *m, const nn_node *n)
{
    const nn_tensor *a = nn_in(m, n, 0);
    nn_tensor *o = nn_out(m, n, 0);
    if (o->data != a->data)
        memcpy(o->data, a->data, a->count * sizeof(float));
}

#ifdef SEGTEX_HAVE_XNNPACK
static int define(nn_xnn_builder *b, const nn_node *n, uint32_t in, uint32_t out)
{
    const nn_tensor *o = nn_out(b->m, n, 0);
    size_t shape[4];
    for (int d = 0; d < 4; d++)
        shape[d] = (size_t)o->dims.d[d];
    return xnn_define_static_reshape(b->sg, 4, shape, in, out, 0) == xnn_status_success ? 0 : -1;
}
#endif

const nn_op_def nn_op_reshape = {"RESHAPE", 22, 0, prepare, ref, NULL, NN_XNN(define)};
