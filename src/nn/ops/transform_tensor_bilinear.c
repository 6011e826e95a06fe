/* MediaPipe TransformTensorBilinear (custom, version 2; flexbuffer options). A host op. */
#include "nn/flexbuf.h"
#include "nn/ops/op.h"

static segtex_status prepare(nn_opctx *o)
{
    segtex_status st;
    if ((st = nn_need_io(o, 2, 2, 1)) || (st = nn_need_float(o, 0)) || (st = nn_need_float(o, 1)))
        return st;
    nn_tensor *in = T(o, 0);
    if ((st = nn_need_rank(o, in, 4, "input")))
        return st;
    if (T(o, 1)->count != 16)
        NODE_MALFORMED("matrix '%s' has %zu elements, expected 16", T(o, 1)->name, T(o, 1)->count);
    fxb_ref root;
    if ((st = nn_flex_root(o, &root)))
        return st;
    int64_t oh, ow;
    if ((st = nn_flex_int(o, &root, "output_height", 0, 0, 1, 4096, &oh)) ||
        (st = nn_flex_int(o, &root, "output_width", 0, 0, 1, 4096, &ow)))
        return st;
    nn_dims d = {{in->dims.d[0], (int)oh, (int)ow, in->dims.d[3]}};
    return nn_check_out(o, 0, d);
}

static void ref(segtex_model *m, const nn_node *n)
{
    const nn_tensor *a = nn_in(m, n, 0), *b = nn_in(m, n, 1);
    nn_tensor *o = nn_out(m, n, 0);
    nn_ref_transform_tensor_bilinear(a->data, a->dims, b->data, o->data, o->dims);
}

const nn_op_def nn_op_transform_tensor_bilinear = {"TransformTensorBilinear", NN_TFL_CUSTOM, 2, prepare, ref, NULL,
                                                   NULL};
