/* CONCATENATION along one axis (no fused activation). This XNNPACK has no concatenate: a host op. */
#include "nn/ops/op.h"

static segtex_status prepare(nn_opctx *o)
{
    segtex_status st;
    if ((st = nn_need_io(o, 1, NN_NODE_MAX_IN, 1)))
        return st;
    int32_t axis;
    uint8_t act;
    if (nn_opt_i32(o, 0, 0, &axis) || nn_opt_u8(o, 1, 0, &act))
        return SEGTEX_ERROR_MALFORMED;
    if ((st = nn_check_act(o, act)))
        return st;
    if (act != 0)
        NODE_UNSUPPORTED("fused activation on CONCATENATION");
    nn_tensor *first = T(o, 0);
    if (axis < -first->rank || axis >= first->rank)
        NODE_MALFORMED("axis %d is out of range for rank %d", axis, first->rank);
    if (axis < 0)
        axis += first->rank;
    int ax4 = 4 - first->rank + axis;
    nn_dims d = first->dims;
    d.d[ax4] = 0;
    for (int k = 0; k < o->n->num_in; k++) {
        if (o->n->in[k] < 0)
            NODE_MALFORMED("input %d is missing", k);
        if ((st = nn_need_float(o, k)))
            return st;
        nn_tensor *t = T(o, k);
        if (t->rank != first->rank)
            NODE_MALFORMED("input %d has rank %d, input 0 has %d", k, t->rank, first->rank);
        for (int j = 0; j < 4; j++)
            if (j != ax4 && t->dims.d[j] != first->dims.d[j])
                NODE_MALFORMED("input %d dim %d is %d, input 0 has %d", k, j, t->dims.d[j], first->dims.d[j]);
        d.d[ax4] += t->dims.d[ax4];
    }
    o->n->p.concat.axis = ax4;
    o->n->p.concat.act = act;
    return nn_check_out(o, 0, d);
}

static void ref(segtex_model *m, const nn_node *n)
{
    const float *ins[NN_NODE_MAX_IN];
    nn_dims dims[NN_NODE_MAX_IN];
    for (int k = 0; k < n->num_in; k++) {
        ins[k] = m->tensors[n->in[k]].data;
        dims[k] = m->tensors[n->in[k]].dims;
    }
    nn_tensor *o = nn_out(m, n, 0);
    nn_ref_concat(ins, dims, n->num_in, n->p.concat.axis, o->data, o->dims);
}

const nn_op_def nn_op_concatenation = {"CONCATENATION", 2, 0, prepare, ref, NULL, NULL};
