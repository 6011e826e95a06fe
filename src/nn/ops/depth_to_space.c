/* DEPTH_TO_SPACE (builtin 5; DepthToSpaceOptions: 0 block_size): channels into block x block pixels. */
#include "nn/ops/op.h"
#ifdef SEGTEX_HAVE_XNNPACK
#include "nn/xnnpack/xnn.h"
#endif

static segtex_status prepare(nn_opctx *o)
{
    segtex_status st;
    if ((st = nn_need_io(o, 1, 1, 1)) || (st = nn_need_float(o, 0)))
        return st;
    nn_tensor *in = T(o, 0);
    if ((st = nn_need_rank(o, in, 4, "input")))
        return st;
    int32_t bs;
    if (nn_opt_i32(o, 0, 0, &bs))
        return SEGTEX_ERROR_MALFORMED;
    if (bs < 1 || bs > 64)
        NODE_MALFORMED("block_size %d, expected 1..64", bs);
    if (in->dims.d[3] % (bs * bs))
        NODE_MALFORMED("input '%s' has %d channels, not a multiple of block_size^2 = %d", in->name, in->dims.d[3],
                       bs * bs);
    o->n->p.block = bs;
    nn_dims d = {{in->dims.d[0], in->dims.d[1] * bs, in->dims.d[2] * bs, in->dims.d[3] / (bs * bs)}};
    return nn_check_out(o, 0, d);
}

static void ref(segtex_model *m, const nn_node *n)
{
    const nn_tensor *a = nn_in(m, n, 0);
    nn_ref_depth_to_space(a->data, a->dims, n->p.block, nn_out(m, n, 0)->data);
}

#ifdef SEGTEX_HAVE_XNNPACK
/* XNNPACK refuses block size 1 (a copy): the host runs it. */
static int supported(const segtex_model *m, const nn_node *n)
{
    (void)m;
    return n->p.block >= 2;
}

static int define(nn_xnn_builder *b, const nn_node *n, uint32_t in, uint32_t out)
{
    return xnn_define_depth_to_space(b->sg, in, out, (uint32_t)n->p.block, 0) == xnn_status_success ? 0 : -1;
}
#endif

const nn_op_def nn_op_depth_to_space = {"DEPTH_TO_SPACE", 5, 0, prepare, ref, NN_XNN(supported), NN_XNN(define)};
