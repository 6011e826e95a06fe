/*
 * DENSIFY of a sparse constant, folded at load: the reader densified every
 * sparse constant when it read it (src/nn/sparse.c), so the output only
 * shares that dense storage and keeps its declared type (a FLOAT16 output
 * still goes through a DEQUANTIZE, folded the same way). No node remains.
 */
#include "nn/ops/op.h"

static segtex_status prepare(nn_opctx *o)
{
    segtex_status st;
    if ((st = nn_need_io(o, 1, 1, 1)))
        return st;
    nn_tensor *src = T(o, 0), *dst = OUT(o, 0);
    if (!src->is_const || !src->is_sparse)
        NODE_UNSUPPORTED("input '%s' is not a sparse constant", src->name);
    if (dst->type != src->type || dst->rank != src->rank || dst->count != src->count)
        NODE_MALFORMED("output '%s' does not match input '%s' (type, shape)", dst->name, src->name);
    for (int d = 0; d < src->rank; d++)
        if (dst->shape[d] != src->shape[d])
            NODE_MALFORMED("output '%s' does not match input '%s' (type, shape)", dst->name, src->name);
    if (dst->is_io)
        NODE_UNSUPPORTED("output '%s' is a graph output", dst->name);
    dst->is_const = 1;
    dst->data = src->data;
    dst->producer = -2; /* aliases a folded constant */
    o->m->num_folded++;
    o->folded = 1;
    return SEGTEX_OK;
}

const nn_op_def nn_op_densify = {"DENSIFY", 124, 0, prepare, NULL, NULL, NULL};
