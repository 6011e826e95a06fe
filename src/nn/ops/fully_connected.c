/*
 * FULLY_CONNECTED (builtin 9): out[b,o] = act(bias[o] + sum_i in[b,i] * w[o,i]).
 * Inputs: input (any rank, its element count a multiple of I), weights
 * [O,I] (float32, or float16 behind a folded DEQUANTIZE), optional bias [O].
 * Options (FullyConnectedOptions): 0 fused_activation_function,
 * 1 weights_format (only DEFAULT), 2 keep_num_dims, 3
 * asymmetric_quantize_inputs (meaningless for float: ignored).
 * Output: keep_num_dims -> the input's shape with the last dim O (the input's
 * last dim must then be I); otherwise [count/I, O].
 */
#include "nn/ops/op.h"
#ifdef SEGTEX_HAVE_XNNPACK
#include "nn/xnnpack/xnn.h"
#endif

static segtex_status prepare(nn_opctx *o)
{
    segtex_status st;
    if ((st = nn_need_io(o, 2, 3, 1)) || (st = nn_need_float(o, 0)) || (st = nn_need_float(o, 1)))
        return st;
    nn_tensor *in = T(o, 0), *w = T(o, 1);
    if ((st = nn_need_rank(o, w, 2, "weights")))
        return st;
    uint8_t act, format, keep;
    if (nn_opt_u8(o, 0, 0, &act) || nn_opt_u8(o, 1, 0, &format) || nn_opt_u8(o, 2, 0, &keep))
        return SEGTEX_ERROR_MALFORMED;
    if ((st = nn_check_act(o, act)))
        return st;
    if (format != 0)
        NODE_UNSUPPORTED("weights_format %d is not supported (only DEFAULT)", format);
    int cout = w->shape[0], cin = w->shape[1];
    if (in->count % (size_t)cin)
        NODE_MALFORMED("input '%s' has %zu elements, not a multiple of the weights' %d inputs", in->name,
                       in->count, cin);
    int has_bias = o->n->num_in == 3 && o->n->in[2] >= 0;
    if (has_bias) {
        if ((st = nn_need_float(o, 2)))
            return st;
        if (T(o, 2)->count != (size_t)cout)
            NODE_MALFORMED("bias '%s' has %zu elements, expected %d", T(o, 2)->name, T(o, 2)->count, cout);
    }
    size_t batch = in->count / (size_t)cin;
    nn_dims d = {{1, 1, (int)batch, cout}};
    if (keep) {
        if (in->dims.d[3] != cin)
            NODE_MALFORMED("keep_num_dims with input '%s' whose last dim %d is not the weights' %d inputs",
                           in->name, in->dims.d[3], cin);
        d = in->dims;
        d.d[3] = cout;
    } else if (OUT(o, 0)->rank != 2) {
        NODE_MALFORMED("output '%s' has rank %d, expected 2 without keep_num_dims", OUT(o, 0)->name,
                       OUT(o, 0)->rank);
    }
    o->n->p.act = act;
    o->n->macs = (uint64_t)batch * (uint64_t)cin * (uint64_t)cout;
    if (!has_bias && o->n->num_in == 3)
        o->n->num_in = 2;
    return nn_check_out(o, 0, d);
}

static void ref(segtex_model *m, const nn_node *n)
{
    const nn_tensor *a = nn_in(m, n, 0), *w = nn_in(m, n, 1);
    int cout = w->shape[0], cin = w->shape[1];
    nn_ref_fully_connected(a->data, (int)(a->count / (size_t)cin), cin, w->data, nn_opt(m, n, 2), cout,
                           nn_out(m, n, 0)->data, n->p.act);
}

#ifdef SEGTEX_HAVE_XNNPACK
/*
 * XNNPACK takes static weights and bias, and (without its TensorFlow
 * reshape flag, whose output must be 2-D) an output whose leading dims are
 * the input's: true of the padded 4-D shapes whenever the input's last dim
 * is I and, without keep_num_dims, the input has at most 2 dims of data.
 */
static int supported(const segtex_model *m, const nn_node *n)
{
    const nn_tensor *a = nn_in(m, n, 0), *w = nn_in(m, n, 1), *o = nn_out(m, n, 0);
    if (!w->is_const || (n->num_in > 2 && !nn_in(m, n, 2)->is_const))
        return 0;
    for (int d = 0; d < 3; d++)
        if (a->dims.d[d] != o->dims.d[d])
            return 0;
    return a->dims.d[3] == w->shape[1];
}

static int define(nn_xnn_builder *b, const nn_node *n, uint32_t in, uint32_t out)
{
    const nn_tensor *w = nn_in(b->m, n, 1);
    size_t cout = (size_t)w->shape[0], cin = (size_t)w->shape[1];
    uint32_t wid, bias = XNN_INVALID_VALUE_ID;
    float lo, hi;
    if (nn_xnn_value_2d(b, n->in[1], cout, cin, &wid) || (n->num_in > 2 && nn_xnn_value_1d(b, n->in[2], cout, &bias)))
        return -1;
    nn_xnn_act_range(n->p.act, &lo, &hi);
    return xnn_define_fully_connected(b->sg, lo, hi, in, wid, bias, out, 0) == xnn_status_success ? 0 : -1;
}
#endif

const nn_op_def nn_op_fully_connected = {"FULLY_CONNECTED", 9, 0, prepare, ref, NN_XNN(supported), NN_XNN(define)};
