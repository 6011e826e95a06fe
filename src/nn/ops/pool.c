/* AVERAGE_POOL_2D and MAX_POOL_2D: same options (Pool2DOptions), same geometry. */
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

static void ref_avg(segtex_model *m, const nn_node *n)
{
    const nn_tensor *a = nn_in(m, n, 0);
    nn_tensor *o = nn_out(m, n, 0);
    nn_ref_avg_pool(a->data, a->dims, o->data, o->dims, &n->p.pool);
}

static void ref_max(segtex_model *m, const nn_node *n)
{
    const nn_tensor *a = nn_in(m, n, 0);
    nn_tensor *o = nn_out(m, n, 0);
    nn_ref_max_pool(a->data, a->dims, o->data, o->dims, &n->p.pool);
}

#ifdef SEGTEX_HAVE_XNNPACK
/* XNNPACK refuses a 1x1 pooling window. */
static int supported(const segtex_model *m, const nn_node *n)
{
    (void)m;
    return n->p.pool.filter_h * n->p.pool.filter_w > 1;
}

static int define(nn_xnn_builder *b, const nn_node *n, uint32_t in, uint32_t out, int avg)
{
    const nn_pool_params *p = &n->p.pool;
    const nn_tensor *a = nn_in(b->m, n, 0), *o = nn_out(b->m, n, 0);
    int pb = nn_xnn_trailing_pad(a->dims.d[1], o->dims.d[1], p->filter_h, p->stride_h, 1, p->pad_top);
    int pr = nn_xnn_trailing_pad(a->dims.d[2], o->dims.d[2], p->filter_w, p->stride_w, 1, p->pad_left);
    float lo, hi;
    nn_xnn_act_range(p->act, &lo, &hi);
    enum xnn_status s;
    if (avg && o->dims.d[1] == 1 && o->dims.d[2] == 1 && p->filter_h == a->dims.d[1] &&
        p->filter_w == a->dims.d[2] && !p->pad_top && !p->pad_left)
        s = xnn_define_global_average_pooling_2d(b->sg, lo, hi, in, out, 0);
    else if (avg)
        s = xnn_define_average_pooling_2d(b->sg, p->pad_top, pr, pb, p->pad_left, p->filter_h, p->filter_w,
                                          p->stride_h, p->stride_w, lo, hi, in, out, 0);
    else
        s = xnn_define_max_pooling_2d(b->sg, p->pad_top, pr, pb, p->pad_left, p->filter_h, p->filter_w,
                                      p->stride_h, p->stride_w, 1, 1, lo, hi, in, out, 0);
    return s == xnn_status_success ? 0 : -1;
}
static int xnn_avg(nn_xnn_builder *b, const nn_node *n, uint32_t i, uint32_t o) { return define(b, n, i, o, 1); }
static int xnn_max(nn_xnn_builder *b, const nn_node *n, uint32_t i, uint32_t o) { return define(b, n, i, o, 0); }
#endif

const nn_op_def nn_op_average_pool_2d = {"AVERAGE_POOL_2D", 1, 0, prepare, ref_avg, NN_XNN(supported),
                                         NN_XNN(xnn_avg)};
const nn_op_def nn_op_max_pool_2d = {"MAX_POOL_2D", 17, 0, prepare, ref_max, NN_XNN(supported), NN_XNN(xnn_max)};
