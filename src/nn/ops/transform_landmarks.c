/* MediaPipe TransformLandmarks (custom, version 2; no options). A host op. */
#include "nn/ops/op.h"

static segtex_status prepare(nn_opctx *o)
{
    segtex_status st;
    if ((st = nn_need_io(o, 2, 2, 1)) || (st = nn_need_float(o, 0)) || (st = nn_need_float(o, 1)))
        return st;
    if (T(o, 1)->count != 16)
        NODE_MALFORMED("matrix '%s' has %zu elements, expected 16", T(o, 1)->name, T(o, 1)->count);
    int dims = T(o, 0)->dims.d[3];
    if (dims < 2 || dims > 3)
        NODE_MALFORMED("landmarks '%s' have %d values per point, expected 2 or 3", T(o, 0)->name, dims);
    return nn_check_out(o, 0, T(o, 0)->dims);
}

static void ref(segtex_model *m, const nn_node *n)
{
    const nn_tensor *a = nn_in(m, n, 0), *b = nn_in(m, n, 1);
    nn_ref_transform_landmarks(a->data, a->dims.d[2] * a->dims.d[1] * a->dims.d[0], a->dims.d[3], b->data,
                               nn_out(m, n, 0)->data);
}

const nn_op_def nn_op_transform_landmarks = {"TransformLandmarks", NN_TFL_CUSTOM, 2, prepare, ref, NULL, NULL};
