/*
 * TRANSPOSE_CONV (TFLite inputs: output_shape, weights, input, [bias]).
 * prepare reorders the inputs to input, weights, bias (-1 when absent), the
 * layout of MediaPipe's Convolution2DTransposeBias too, so that one kernel
 * hook and one XNNPACK define serve both (the nn_deconv_* functions).
 */
#include "nn/ops/op.h"
#ifdef SEGTEX_HAVE_XNNPACK
#include "nn/xnnpack/xnn.h"
#endif

#include <string.h>

/* Transposed convolution: `padding` 0 SAME / 1 VALID; `in_k`, `w_k`, `bias_k` are input indices. */
segtex_status nn_deconv_prepare(nn_opctx *o, int in_k, int w_k, int bias_k, int padding, int sh, int sw, int act,
                                const int32_t *out_shape)
{
    segtex_status st;
    if ((st = nn_need_float(o, in_k)) || (st = nn_need_float(o, w_k)))
        return st;
    nn_tensor *in = T(o, in_k), *w = T(o, w_k);
    if ((st = nn_need_rank(o, in, 4, "input")) || (st = nn_need_rank(o, w, 4, "filter")))
        return st;
    if (!w->is_const)
        NODE_UNSUPPORTED("filter '%s' is not a constant", w->name);
    if (w->dims.d[3] != in->dims.d[3])
        NODE_MALFORMED("filter has %d input channels, the input has %d", w->dims.d[3], in->dims.d[3]);
    if (sh < 1 || sh > 64 || sw < 1 || sw > 64)
        NODE_MALFORMED("strides %dx%d out of range", sh, sw);
    if ((st = nn_check_act(o, act)))
        return st;
    int kh = w->dims.d[1], kw = w->dims.d[2], cout = w->dims.d[0];
    nn_dims d = {{in->dims.d[0], 0, 0, cout}};
    if (out_shape) {
        for (int k = 0; k < 4; k++)
            if (out_shape[k] < 1 || out_shape[k] > (1 << 24))
                NODE_MALFORMED("output_shape[%d] = %d is out of range", k, out_shape[k]);
        d.d[1] = out_shape[1], d.d[2] = out_shape[2];
        if (out_shape[0] != d.d[0] || out_shape[3] != cout)
            NODE_MALFORMED("output_shape [%d,%d,%d,%d] does not match batch %d / filter outputs %d",
                           out_shape[0], out_shape[1], out_shape[2], out_shape[3], d.d[0], cout);
    } else if (padding == 0) {
        d.d[1] = in->dims.d[1] * sh, d.d[2] = in->dims.d[2] * sw;
    } else {
        d.d[1] = (in->dims.d[1] - 1) * sh + kh, d.d[2] = (in->dims.d[2] - 1) * sw + kw;
    }
    nn_conv_params *p = &o->n->p.conv;
    memset(p, 0, sizeof *p);
    p->stride_h = sh, p->stride_w = sw, p->dilation_h = 1, p->dilation_w = 1, p->act = act;
    if (padding == 0) {
        int th = (in->dims.d[1] - 1) * sh + kh - d.d[1];
        int tw = (in->dims.d[2] - 1) * sw + kw - d.d[2];
        p->pad_top = th > 0 ? th / 2 : 0;
        p->pad_left = tw > 0 ? tw / 2 : 0;
    } else if (padding != 1) {
        NODE_MALFORMED("padding %d is not SAME or VALID", padding);
    }
    int has_bias = bias_k >= 0 && bias_k < o->n->num_in && o->n->in[bias_k] >= 0;
    if (has_bias) {
        if ((st = nn_need_float(o, bias_k)))
            return st;
        if (T(o, bias_k)->count != (size_t)cout)
            NODE_MALFORMED("bias has %zu elements, expected %d", T(o, bias_k)->count, cout);
    }
    o->n->macs = (uint64_t)nn_dims_count(in->dims) * (uint64_t)kh * kw * cout;
    if ((st = nn_check_out(o, 0, d)))
        return st;
    /* Resolve the input order once: input, weights, bias. */
    int x = o->n->in[in_k], wt = o->n->in[w_k], bias = has_bias ? o->n->in[bias_k] : -1;
    o->n->in[0] = x, o->n->in[1] = wt, o->n->in[2] = bias;
    o->n->num_in = 3;
    return SEGTEX_OK;
}

static segtex_status prepare(nn_opctx *o)
{
    segtex_status st;
    if ((st = nn_need_io(o, 3, 4, 1)))
        return st;
    const int32_t *shape = nn_need_i32(o, 0, 4);
    if (!shape)
        return SEGTEX_ERROR_MALFORMED;
    int32_t sw, sh;
    uint8_t padding, act;
    if (nn_opt_u8(o, 0, 0, &padding) || nn_opt_i32(o, 1, 1, &sw) || nn_opt_i32(o, 2, 1, &sh) ||
        nn_opt_u8(o, 3, 0, &act))
        return SEGTEX_ERROR_MALFORMED;
    return nn_deconv_prepare(o, 2, 1, 3, padding, sh, sw, act, shape);
}

void nn_deconv_ref(segtex_model *m, const nn_node *n)
{
    const nn_tensor *a = nn_in(m, n, 0), *w = nn_in(m, n, 1);
    nn_tensor *o = nn_out(m, n, 0);
    nn_ref_transpose_conv(a->data, a->dims, w->data, w->dims, nn_opt(m, n, 2), o->data, o->dims, &n->p.conv);
}

#ifdef SEGTEX_HAVE_XNNPACK
int nn_deconv_xnn_supported(const segtex_model *m, const nn_node *n)
{
    const nn_tensor *in = nn_in(m, n, 0), *w = nn_in(m, n, 1), *o = nn_out(m, n, 0);
    for (int d = 1; d <= 2; d++) {
        int s = d == 1 ? n->p.conv.stride_h : n->p.conv.stride_w;
        int lead = d == 1 ? n->p.conv.pad_top : n->p.conv.pad_left;
        int total = s * (in->dims.d[d] - 1) + w->dims.d[d] - o->dims.d[d];
        if (total - lead < 0 && lead - total >= s)
            return 0; /* would need an adjustment >= stride */
    }
    return 1;
}

int nn_deconv_xnn_define(nn_xnn_builder *b, const nn_node *n, uint32_t in, uint32_t out)
{
    const nn_conv_params *p = &n->p.conv;
    const nn_tensor *x = nn_in(b->m, n, 0), *wt = nn_in(b->m, n, 1), *o = nn_out(b->m, n, 0);
    int kh = wt->dims.d[1], kw = wt->dims.d[2], cout = o->dims.d[3];
    int pad[2][2], adj[2];
    for (int d = 0; d < 2; d++) {
        int s1 = d ? p->stride_w : p->stride_h, k = d ? kw : kh, lead = d ? p->pad_left : p->pad_top;
        int total = s1 * (x->dims.d[1 + d] - 1) + k - o->dims.d[1 + d];
        pad[d][0] = lead;
        pad[d][1] = total - lead;
        adj[d] = 0;
        if (pad[d][1] < 0) {
            adj[d] = -pad[d][1];
            pad[d][1] = 0;
        }
    }
    uint32_t w, bias;
    float lo, hi;
    if (nn_xnn_value(b, n->in[1], &w) || nn_xnn_value_1d(b, n->in[2], (size_t)cout, &bias))
        return -1;
    nn_xnn_act_range(p->act, &lo, &hi);
    enum xnn_status s = xnn_define_deconvolution_2d(b->sg, pad[0][0], pad[1][1], pad[0][1], pad[1][0], adj[0],
                                                    adj[1], kh, kw, p->stride_h, p->stride_w, 1, 1, 1, x->dims.d[3],
                                                    cout, lo, hi, in, w, bias, out, 0);
    return s == xnn_status_success ? 0 : -1;
}
#endif

const nn_op_def nn_op_transpose_conv = {"TRANSPOSE_CONV", 67, 0, prepare, nn_deconv_ref,
                                        NN_XNN(nn_deconv_xnn_supported), NN_XNN(nn_deconv_xnn_define)};
