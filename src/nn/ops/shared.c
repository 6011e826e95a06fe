/*
 * Checks and option parsing shared by ops that differ only in their math
 * (ADD/SUB/MUL, the activations, CONV_2D/DEPTHWISE_CONV_2D, the poolings,
 * MEAN/SUM). Each op's own file holds its definition and kernels.
 */
#include "nn/ops/op.h"

#include <string.h>

segtex_status nn_prepare_binary(nn_opctx *o)
{
    segtex_status st;
    uint8_t act;
    if ((st = nn_need_io(o, 2, 2, 1)) || (st = nn_need_float(o, 0)) || (st = nn_need_float(o, 1)))
        return st;
    if (nn_opt_u8(o, 0, 0, &act))
        return SEGTEX_ERROR_MALFORMED;
    if ((st = nn_check_act(o, act)))
        return st;
    o->n->p.act = act;
    nn_dims d;
    if ((st = nn_broadcast(o, T(o, 0)->dims, T(o, 1)->dims, &d)))
        return st;
    return nn_check_out(o, 0, d);
}

segtex_status nn_prepare_unary(nn_opctx *o)
{
    segtex_status st;
    if ((st = nn_need_io(o, 1, 1, 1)) || (st = nn_need_float(o, 0)))
        return st;
    return nn_check_out(o, 0, T(o, 0)->dims);
}

segtex_status nn_prepare_conv(nn_opctx *o, int depthwise)
{
    segtex_status st;
    if ((st = nn_need_io(o, 2, 3, 1)) || (st = nn_need_float(o, 0)) || (st = nn_need_float(o, 1)))
        return st;
    nn_tensor *in = T(o, 0), *w = T(o, 1);
    if ((st = nn_need_rank(o, in, 4, "input")) || (st = nn_need_rank(o, w, 4, "filter")))
        return st;
    if (!w->is_const)
        NODE_UNSUPPORTED("filter '%s' is not a constant", w->name);
    int32_t sw, sh, dw = 1, dh = 1, mult = 1;
    uint8_t act, padding;
    int base = depthwise ? 1 : 0; /* depthwise options have depth_multiplier at id 3 */
    if (nn_opt_u8(o, 0, 0, &padding) || nn_opt_i32(o, 1, 1, &sw) || nn_opt_i32(o, 2, 1, &sh) ||
        nn_opt_u8(o, 3 + base, 0, &act) || nn_opt_i32(o, 4 + base, 1, &dw) || nn_opt_i32(o, 5 + base, 1, &dh))
        return SEGTEX_ERROR_MALFORMED;
    if ((st = nn_check_act(o, act)))
        return st;
    nn_conv_params *p = &o->n->p.conv;
    memset(p, 0, sizeof *p);
    p->stride_h = sh, p->stride_w = sw, p->dilation_h = dh, p->dilation_w = dw, p->act = act;
    int cin = in->dims.d[3], cout;
    if (depthwise) {
        if (nn_opt_i32(o, 3, 0, &mult))
            return SEGTEX_ERROR_MALFORMED;
        cout = w->dims.d[3];
        if (w->dims.d[0] != 1 || cout % cin != 0 || mult < 0 ||
            (mult != 0 && (int64_t)cout != (int64_t)cin * mult))
            NODE_MALFORMED("filter [%d,%d,%d,%d] does not fit %d input channels with multiplier %d",
                           w->dims.d[0], w->dims.d[1], w->dims.d[2], w->dims.d[3], cin, mult);
        p->depth_multiplier = cout / cin;
    } else {
        cout = w->dims.d[0];
        if (w->dims.d[3] != cin)
            NODE_MALFORMED("filter has %d input channels, the input has %d", w->dims.d[3], cin);
    }
    if (o->n->num_in == 3 && o->n->in[2] >= 0) {
        if ((st = nn_need_float(o, 2)))
            return st;
        if (T(o, 2)->count != (size_t)cout)
            NODE_MALFORMED("bias has %zu elements, expected %d", T(o, 2)->count, cout);
    }
    nn_dims d = {{in->dims.d[0], 0, 0, cout}};
    if ((st = nn_conv_geometry(o, padding, in->dims.d[1], w->dims.d[1], sh, dh, &d.d[1], &p->pad_top)) ||
        (st = nn_conv_geometry(o, padding, in->dims.d[2], w->dims.d[2], sw, dw, &d.d[2], &p->pad_left)))
        return st;
    o->n->macs = (uint64_t)nn_dims_count(d) * w->dims.d[1] * w->dims.d[2] * (depthwise ? 1 : cin);
    return nn_check_out(o, 0, d);
}

segtex_status nn_prepare_pool(nn_opctx *o)
{
    segtex_status st;
    if ((st = nn_need_io(o, 1, 1, 1)) || (st = nn_need_float(o, 0)))
        return st;
    nn_tensor *in = T(o, 0);
    if ((st = nn_need_rank(o, in, 4, "input")))
        return st;
    uint8_t padding, act;
    int32_t sw, sh, fw, fh;
    if (nn_opt_u8(o, 0, 0, &padding) || nn_opt_i32(o, 1, 1, &sw) || nn_opt_i32(o, 2, 1, &sh) ||
        nn_opt_i32(o, 3, 1, &fw) || nn_opt_i32(o, 4, 1, &fh) || nn_opt_u8(o, 5, 0, &act))
        return SEGTEX_ERROR_MALFORMED;
    if ((st = nn_check_act(o, act)))
        return st;
    if (fw < 1 || fh < 1 || fw > 1024 || fh > 1024)
        NODE_MALFORMED("filter %dx%d out of range", fh, fw);
    nn_pool_params *p = &o->n->p.pool;
    p->filter_h = fh, p->filter_w = fw, p->stride_h = sh, p->stride_w = sw, p->act = act;
    nn_dims d = {{in->dims.d[0], 0, 0, in->dims.d[3]}};
    if ((st = nn_conv_geometry(o, padding, in->dims.d[1], fh, sh, 1, &d.d[1], &p->pad_top)) ||
        (st = nn_conv_geometry(o, padding, in->dims.d[2], fw, sw, 1, &d.d[2], &p->pad_left)))
        return st;
    return nn_check_out(o, 0, d);
}

segtex_status nn_prepare_reduce(nn_opctx *o)
{
    segtex_status st;
    if ((st = nn_need_io(o, 2, 2, 1)) || (st = nn_need_float(o, 0)))
        return st;
    nn_tensor *in = T(o, 0);
    const int32_t *axes = nn_need_i32(o, 1, 0);
    if (!axes)
        return SEGTEX_ERROR_MALFORMED;
    unsigned mask = 0;
    for (size_t k = 0; k < T(o, 1)->count; k++) {
        int a = axes[k];
        if (a < -in->rank || a >= in->rank)
            NODE_MALFORMED("axis %d is out of range for rank %d", a, in->rank);
        if (a < 0)
            a += in->rank;
        mask |= 1u << (4 - in->rank + a);
    }
    o->n->p.axes = mask;
    nn_dims d = in->dims;
    for (int k = 0; k < 4; k++)
        if (mask & (1u << k))
            d.d[k] = 1;
    /* With keep_dims=false the declared shape drops the reduced dims; the element order is the same. */
    nn_tensor *out = OUT(o, 0);
    if (out->count != nn_dims_count(d))
        NODE_MALFORMED("output '%s' has %zu elements, the reduction gives %zu", out->name, out->count,
                       nn_dims_count(d));
    return SEGTEX_OK;
}
