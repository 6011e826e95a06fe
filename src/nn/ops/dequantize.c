/*
 * DEQUANTIZE of a constant FLOAT16 tensor, folded at load: its output
 * becomes a float32 constant sharing the input's storage (the reader keeps
 * every FLOAT16 constant as float32 already). No node remains.
 */
#include "nn/ops/op.h"

static segtex_status prepare(nn_opctx *o)
{
    nn_node *n = o->n;
    segtex_model *m = o->m;
    if (n->num_in != 1 || n->num_out != 1 || n->in[0] < 0) {
        LOG_ERROR("model '%s': operator %d (DEQUANTIZE) needs 1 input and 1 output", m->name, n->index);
        return SEGTEX_ERROR_MALFORMED;
    }
    nn_tensor *src = T(o, 0), *dst = OUT(o, 0);
    if (!src->is_const || src->type != NN_TYPE_FLOAT16)
        NODE_UNSUPPORTED("only constant FLOAT16 inputs are supported");
    if (dst->count != src->count || dst->type != NN_TYPE_FLOAT32)
        NODE_MALFORMED("output '%s' does not match input '%s'", dst->name, src->name);
    if (dst->is_io)
        NODE_UNSUPPORTED("output '%s' is a graph output", dst->name);
    dst->is_const = 1;
    dst->data = src->data; /* shared: freed once, through the tensor that owns it */
    dst->producer = -2;    /* marks "aliases a folded constant" */
    m->num_parameters += dst->count;
    m->constant_bytes += dst->count * 4;
    m->num_folded++;
    o->folded = 1;
    return SEGTEX_OK;
}

const nn_op_def nn_op_dequantize = {"DEQUANTIZE", 6, 0, prepare, NULL, NULL, NULL};
