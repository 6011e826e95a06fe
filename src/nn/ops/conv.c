/* CONV_2D and DEPTHWISE_CONV_2D: same options (depthwise adds depth_multiplier), same geometry. */
#include "nn/ops/op.h"
#ifdef SEGTEX_HAVE_XNNPACK
#include "nn/xnnpack/xnn.h"
#endif

#include <string.h>

static segtex_status prepare(nn_opctx *o, int depthwise)
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
static segtex_status prepare_conv(nn_opctx *o) { return prepare(o, 0); }
static segtex_status prepare_depthwise(nn_opctx *o) { return prepare(o, 1); }

static void ref_conv(segtex_model *m, const nn_node *n)
{
    const nn_tensor *a = nn_in(m, n, 0), *w = nn_in(m, n, 1);
    nn_tensor *o = nn_out(m, n, 0);
    nn_ref_conv2d(a->data, a->dims, w->data, w->dims, nn_opt(m, n, 2), o->data, o->dims, &n->p.conv);
}

static void ref_depthwise(segtex_model *m, const nn_node *n)
{
    const nn_tensor *a = nn_in(m, n, 0), *w = nn_in(m, n, 1);
    nn_tensor *o = nn_out(m, n, 0);
    nn_ref_depthwise_conv2d(a->data, a->dims, w->data, w->dims, nn_opt(m, n, 2), o->data, o->dims, &n->p.conv);
}

#ifdef SEGTEX_HAVE_XNNPACK
static int define(nn_xnn_builder *b, const nn_node *n, uint32_t in, uint32_t out, int depthwise)
{
    const segtex_model *m = b->m;
    const nn_conv_params *p = &n->p.conv;
    const nn_tensor *a = nn_in(m, n, 0), *wt = nn_in(m, n, 1), *o = nn_out(m, n, 0);
    int kh = wt->dims.d[1], kw = wt->dims.d[2], cout = o->dims.d[3];
    int pb = nn_xnn_trailing_pad(a->dims.d[1], o->dims.d[1], kh, p->stride_h, p->dilation_h, p->pad_top);
    int pr = nn_xnn_trailing_pad(a->dims.d[2], o->dims.d[2], kw, p->stride_w, p->dilation_w, p->pad_left);
    uint32_t w, bias;
    float lo, hi;
    if (nn_xnn_value(b, n->in[1], &w) || nn_xnn_value_1d(b, n->num_in > 2 ? n->in[2] : -1, (size_t)cout, &bias))
        return -1;
    nn_xnn_act_range(p->act, &lo, &hi);
    enum xnn_status s;
    if (!depthwise)
        s = xnn_define_convolution_2d(b->sg, p->pad_top, pr, pb, p->pad_left, kh, kw, p->stride_h, p->stride_w,
                                      p->dilation_h, p->dilation_w, 1, a->dims.d[3], cout, lo, hi, in, w, bias, out,
                                      0);
    else
        s = xnn_define_depthwise_convolution_2d(b->sg, p->pad_top, pr, pb, p->pad_left, kh, kw, p->stride_h,
                                                p->stride_w, p->dilation_h, p->dilation_w, p->depth_multiplier,
                                                a->dims.d[3], lo, hi, in, w, bias, out, 0);
    return s == xnn_status_success ? 0 : -1;
}
static int xnn_conv(nn_xnn_builder *b, const nn_node *n, uint32_t i, uint32_t o) { return define(b, n, i, o, 0); }
static int xnn_depthwise(nn_xnn_builder *b, const nn_node *n, uint32_t i, uint32_t o) { return define(b, n, i, o, 1); }
#endif

const nn_op_def nn_op_conv_2d = {"CONV_2D", 3, 0, prepare_conv, ref_conv, NULL, NN_XNN(xnn_conv)};
const nn_op_def nn_op_depthwise_conv_2d = {"DEPTHWISE_CONV_2D", 4, 0, prepare_depthwise, ref_depthwise, NULL,
                                           NN_XNN(xnn_depthwise)};
