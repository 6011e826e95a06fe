/* DEPTHWISE_CONV_2D (builtin 4): options and geometry shared with CONV_2D (nn_prepare_conv). */
#include "nn/ops/op.h"
#ifdef SEGTEX_HAVE_XNNPACK
#include "nn/xnnpack/xnn.h"
#endif

static segtex_status prepare(nn_opctx *o) { return nn_prepare_conv(o, 1); }

static void ref(segtex_model *m, const nn_node *n)
{
    const nn_tensor *a = nn_in(m, n, 0), *w = nn_in(m, n, 1);
    nn_tensor *o = nn_out(m, n, 0);
    nn_ref_depthwise_conv2d(a->data, a->dims, w->data, w->dims, nn_opt(m, n, 2), o->data, o->dims, &n->p.conv);
}

#ifdef SEGTEX_HAVE_XNNPACK
static int define(nn_xnn_builder *b, const nn_node *n, uint32_t in, uint32_t out)
{
    const nn_conv_params *p = &n->p.conv;
    const nn_tensor *a = nn_in(b->m, n, 0), *wt = nn_in(b->m, n, 1), *o = nn_out(b->m, n, 0);
    int kh = wt->dims.d[1], kw = wt->dims.d[2], cout = o->dims.d[3];
    int pb = nn_xnn_trailing_pad(a->dims.d[1], o->dims.d[1], kh, p->stride_h, p->dilation_h, p->pad_top);
    int pr = nn_xnn_trailing_pad(a->dims.d[2], o->dims.d[2], kw, p->stride_w, p->dilation_w, p->pad_left);
    uint32_t w, bias;
    float lo, hi;
    if (nn_xnn_value(b, n->in[1], &w) || nn_xnn_value_1d(b, n->num_in > 2 ? n->in[2] : -1, (size_t)cout, &bias))
        return -1;
    nn_xnn_act_range(p->act, &lo, &hi);
    return xnn_define_depthwise_convolution_2d(b->sg, p->pad_top, pr, pb, p->pad_left, kh, kw, p->stride_h,
                                               p->stride_w, p->dilation_h, p->dilation_w, p->depth_multiplier,
                                               a->dims.d[3], lo, hi, in, w, bias, out, 0) == xnn_status_success
               ? 0
               : -1;
}
#endif

const nn_op_def nn_op_depthwise_conv_2d = {"DEPTHWISE_CONV_2D", 4, 0, prepare, ref, NULL, NN_XNN(define)};
