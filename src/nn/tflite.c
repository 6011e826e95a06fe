/*
 * TFLite model reader: FlatBuffer -> nn_tensor / nn_node, every field
 * validated before use, shapes inferred per op and checked against the
 * shapes the file declares.
 *
 * Schema facts used here (tensorflow/lite/schema/schema.fbs, field ids):
 *   Model: 0 version, 1 operator_codes, 2 subgraphs, 4 buffers
 *   OperatorCode: 0 deprecated_builtin_code (int8), 1 custom_code, 2 version, 3 builtin_code
 *   SubGraph: 0 tensors, 1 inputs, 2 outputs, 3 operators
 *   Tensor: 0 shape, 1 type, 2 buffer, 3 name
 *   Buffer: 0 data
 *   Operator: 0 opcode_index, 1 inputs, 2 outputs, 3 builtin_options_type, 4 builtin_options,
 *             5 custom_options
 */
#include "core/log.h"
#include "nn/flatbuf.h"
#include "nn/flexbuf.h"
#include "nn/model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* TFLite BuiltinOperator codes that appear here. */
enum {
    TFL_ADD = 0, TFL_AVERAGE_POOL_2D = 1, TFL_CONCATENATION = 2, TFL_CONV_2D = 3,
    TFL_DEPTHWISE_CONV_2D = 4, TFL_DEQUANTIZE = 6, TFL_LOGISTIC = 14, TFL_MAX_POOL_2D = 17,
    TFL_MUL = 18, TFL_RELU = 19, TFL_RELU6 = 21, TFL_RESHAPE = 22, TFL_RESIZE_BILINEAR = 23,
    TFL_SOFTMAX = 25, TFL_TANH = 28, TFL_CUSTOM = 32, TFL_PAD = 34, TFL_MEAN = 40, TFL_SUB = 41,
    TFL_STRIDED_SLICE = 45, TFL_PRELU = 54, TFL_TRANSPOSE_CONV = 67, TFL_SUM = 74,
    TFL_HARD_SWISH = 117,
};

static const char *builtin_name(int code)
{
    switch (code) {
    case TFL_ADD: return "ADD";
    case TFL_AVERAGE_POOL_2D: return "AVERAGE_POOL_2D";
    case TFL_CONCATENATION: return "CONCATENATION";
    case TFL_CONV_2D: return "CONV_2D";
    case TFL_DEPTHWISE_CONV_2D: return "DEPTHWISE_CONV_2D";
    case TFL_DEQUANTIZE: return "DEQUANTIZE";
    case TFL_LOGISTIC: return "LOGISTIC";
    case TFL_MAX_POOL_2D: return "MAX_POOL_2D";
    case TFL_MUL: return "MUL";
    case TFL_RELU: return "RELU";
    case TFL_RELU6: return "RELU6";
    case TFL_RESHAPE: return "RESHAPE";
    case TFL_RESIZE_BILINEAR: return "RESIZE_BILINEAR";
    case TFL_SOFTMAX: return "SOFTMAX";
    case TFL_TANH: return "TANH";
    case TFL_CUSTOM: return "CUSTOM";
    case TFL_PAD: return "PAD";
    case TFL_MEAN: return "MEAN";
    case TFL_SUB: return "SUB";
    case TFL_STRIDED_SLICE: return "STRIDED_SLICE";
    case TFL_PRELU: return "PRELU";
    case TFL_TRANSPOSE_CONV: return "TRANSPOSE_CONV";
    case TFL_SUM: return "SUM";
    case TFL_HARD_SWISH: return "HARD_SWISH";
    }
    return NULL;
}

typedef struct opcode {
    int builtin;
    int version;
    const char *custom; /* points into the file during parsing */
} opcode;

/* Parsing context. */
typedef struct ctx {
    segtex_model *m;
    fb_buf b;
    opcode *codes;
    uint32_t num_codes;
    fb_vec buffers;
} ctx;

#define ERR(st, ...)                                                                               \
    do {                                                                                           \
        LOG_ERROR("model '%s': " FIRST(__VA_ARGS__), c->m->name REST(__VA_ARGS__));               \
        return st;                                                                                 \
    } while (0)
#define FIRST(a, ...) a
#define REST(a, ...) , ##__VA_ARGS__

#define MALFORMED(...) ERR(SEGTEX_ERROR_MALFORMED, __VA_ARGS__)
#define UNSUPPORTED(...) ERR(SEGTEX_ERROR_UNSUPPORTED, __VA_ARGS__)

static const char *type_name(int t)
{
    static const char *const names[] = {"FLOAT32", "FLOAT16", "INT32", "UINT8", "INT64", "STRING",
                                        "BOOL", "INT16", "COMPLEX64", "INT8", "FLOAT64"};
    return t >= 0 && t < (int)(sizeof names / sizeof names[0]) ? names[t] : "UNKNOWN";
}

static float half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t exp = (h >> 10) & 0x1f;
    uint32_t man = h & 0x3ff;
    uint32_t bits;
    if (exp == 0) {
        if (man == 0) {
            bits = sign;
        } else { /* subnormal: normalise */
            int e = -1;
            do {
                e++;
                man <<= 1;
            } while (!(man & 0x400));
            bits = sign | ((uint32_t)(127 - 15 - e) << 23) | ((man & 0x3ff) << 13);
        }
    } else if (exp == 31) {
        bits = sign | 0x7f800000u | (man << 13);
    } else {
        bits = sign | ((exp + 127 - 15) << 23) | (man << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static segtex_status parse_opcodes(ctx *c, const fb_table *model)
{
    fb_vec v;
    if (fb_vector(&c->b, model, 1, 4, &v, "operator_codes"))
        return SEGTEX_ERROR_MALFORMED;
    if (v.len == 0 || v.len > 4096)
        MALFORMED("has %u operator codes, expected 1..4096", v.len);
    c->codes = segtex_calloc(v.len, sizeof *c->codes);
    if (!c->codes)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    c->num_codes = v.len;
    for (uint32_t i = 0; i < v.len; i++) {
        char what[64];
        snprintf(what, sizeof what, "operator code %u", i);
        fb_table t;
        uint8_t dep;
        int32_t builtin, version;
        uint32_t len;
        if (fb_vector_table(&c->b, &v, i, &t, what) || fb_u8(&c->b, &t, 0, 0, &dep, what) ||
            fb_string(&c->b, &t, 1, &c->codes[i].custom, &len, what) ||
            fb_i32(&c->b, &t, 2, 1, &version, what) || fb_i32(&c->b, &t, 3, 0, &builtin, what))
            return SEGTEX_ERROR_MALFORMED;
        /* The builtin code moved from an int8 field to an int32 one; the larger is the real one. */
        c->codes[i].builtin = (int8_t)dep > builtin ? (int8_t)dep : builtin;
        c->codes[i].version = version;
        if (c->codes[i].builtin < 0)
            MALFORMED("operator code %u has negative builtin code %d", i, c->codes[i].builtin);
    }
    return SEGTEX_OK;
}

static segtex_status parse_tensors(ctx *c, const fb_table *sg, size_t *names_bytes)
{
    segtex_model *m = c->m;
    fb_vec v;
    if (fb_vector(&c->b, sg, 0, 4, &v, "tensors"))
        return SEGTEX_ERROR_MALFORMED;
    if (v.len == 0 || v.len > 65536)
        MALFORMED("subgraph 0 has %u tensors, expected 1..65536", v.len);
    m->tensors = segtex_calloc(v.len, sizeof *m->tensors);
    if (!m->tensors)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    m->num_tensors = (int)v.len;

    /* First pass: sizes of the names, so they go into one pool. */
    size_t total = 0;
    for (uint32_t i = 0; i < v.len; i++) {
        char what[64];
        snprintf(what, sizeof what, "tensor %u", i);
        fb_table t;
        const char *name;
        uint32_t len;
        if (fb_vector_table(&c->b, &v, i, &t, what) || fb_string(&c->b, &t, 3, &name, &len, what))
            return SEGTEX_ERROR_MALFORMED;
        total += (len > 200 ? 200 : len) + 1;
    }
    m->strings = segtex_malloc(total);
    if (!m->strings)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    *names_bytes = total;

    char *sp = m->strings;
    for (uint32_t i = 0; i < v.len; i++) {
        nn_tensor *tn = &m->tensors[i];
        char what[80];
        snprintf(what, sizeof what, "tensor %u", i);
        fb_table t;
        fb_vec shape;
        uint8_t type;
        uint32_t buffer, len;
        const char *name;
        if (fb_vector_table(&c->b, &v, i, &t, what) || fb_vector(&c->b, &t, 0, 4, &shape, what) ||
            fb_u8(&c->b, &t, 1, 0, &type, what) || fb_u32(&c->b, &t, 2, 0, &buffer, what) ||
            fb_string(&c->b, &t, 3, &name, &len, what))
            return SEGTEX_ERROR_MALFORMED;
        if (len > 200)
            len = 200;
        memcpy(sp, name, len);
        sp[len] = 0;
        tn->name = sp;
        sp += len + 1;
        tn->producer = -1;
        tn->first_use = -1;
        tn->last_use = -1;
        if (shape.len > 4)
            UNSUPPORTED("tensor %u '%s' has %u dims, at most 4 supported", i, tn->name, shape.len);
        tn->rank = (int)shape.len;
        tn->count = 1;
        for (int d = 0; d < 4; d++)
            tn->dims.d[d] = 1;
        for (int d = 0; d < tn->rank; d++) {
            int32_t n = fb_vec_i32(&c->b, &shape, (uint32_t)d);
            if (n < 1 || n > (1 << 24))
                MALFORMED("tensor %u '%s' dim %d is %d, expected 1..%d", i, tn->name, d, n, 1 << 24);
            tn->shape[d] = n;
            tn->dims.d[4 - tn->rank + d] = n;
            tn->count *= (size_t)n;
            if (tn->count > (1u << 28))
                MALFORMED("tensor %u '%s' has more than 2^28 elements", i, tn->name);
        }
        if (type != NN_TYPE_FLOAT32 && type != NN_TYPE_FLOAT16 && type != NN_TYPE_INT32)
            UNSUPPORTED("tensor %u '%s' has type %s, supported: FLOAT32, FLOAT16, INT32", i, tn->name,
                        type_name(type));
        tn->type = type;
        if (buffer >= c->buffers.len)
            MALFORMED("tensor %u '%s' refers to buffer %u, the model has %u", i, tn->name, buffer,
                      c->buffers.len);

        /* Constant data? */
        fb_table bt;
        fb_vec data;
        snprintf(what, sizeof what, "buffer %u (of tensor %u)", buffer, i);
        if (fb_vector_table(&c->b, &c->buffers, buffer, &bt, what) ||
            fb_vector(&c->b, &bt, 0, 1, &data, what))
            return SEGTEX_ERROR_MALFORMED;
        if (data.len == 0) {
            if (type != NN_TYPE_FLOAT32)
                UNSUPPORTED("tensor %u '%s' is a %s activation; only FLOAT32 activations are supported",
                            i, tn->name, type_name(type));
            continue;
        }
        size_t esize = type == NN_TYPE_FLOAT16 ? 2 : 4;
        if (data.len != tn->count * esize)
            MALFORMED("tensor %u '%s' has %zu elements of %zu bytes but buffer %u has %u bytes", i,
                      tn->name, tn->count, esize, buffer, data.len);
        const uint8_t *src = c->b.data + data.pos;
        tn->is_const = 1;
        if (type == NN_TYPE_INT32) {
            tn->i32 = segtex_malloc(tn->count * 4);
            if (!tn->i32)
                return SEGTEX_ERROR_OUT_OF_MEMORY;
            for (size_t k = 0; k < tn->count; k++)
                tn->i32[k] = (int32_t)fb_rd32(src + 4 * k);
        } else {
            tn->data = segtex_aligned_alloc(tn->count * 4, 16);
            if (!tn->data)
                return SEGTEX_ERROR_OUT_OF_MEMORY;
            for (size_t k = 0; k < tn->count; k++) {
                if (type == NN_TYPE_FLOAT16) {
                    tn->data[k] = half_to_float(fb_rd16(src + 2 * k));
                } else {
                    uint32_t u = fb_rd32(src + 4 * k);
                    memcpy(&tn->data[k], &u, 4);
                }
            }
            if (type == NN_TYPE_FLOAT32) {
                m->num_parameters += tn->count;
                m->constant_bytes += tn->count * 4;
            }
        }
    }
    return SEGTEX_OK;
}

static segtex_status parse_io(ctx *c, const fb_table *sg, int id, const char *what, int **out, int *count)
{
    fb_vec v;
    if (fb_vector(&c->b, sg, id, 4, &v, what))
        return SEGTEX_ERROR_MALFORMED;
    if (v.len == 0 || v.len > 64)
        MALFORMED("subgraph 0 has %u %s, expected 1..64", v.len, what);
    *out = segtex_calloc(v.len, sizeof **out);
    if (!*out)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    *count = (int)v.len;
    for (uint32_t i = 0; i < v.len; i++) {
        int32_t t = fb_vec_i32(&c->b, &v, i);
        if (t < 0 || t >= c->m->num_tensors)
            MALFORMED("subgraph %s %u refers to tensor %d, the graph has %d", what, i, t,
                      c->m->num_tensors);
        nn_tensor *tn = &c->m->tensors[t];
        if (tn->type != NN_TYPE_FLOAT32)
            UNSUPPORTED("%s %u (tensor %d '%s') has type %s, only FLOAT32 is supported", what, i, t,
                        tn->name, type_name(tn->type));
        tn->is_io = 1;
        (*out)[i] = t;
    }
    return SEGTEX_OK;
}

/* ---- per-op checks and shape inference ----------------------------------- */

typedef struct opctx {
    ctx *c;
    nn_node *n;
    fb_table opts;     /* builtin options table */
    int has_opts;
    const uint8_t *custom;
    uint32_t custom_len;
} opctx;

#define NODE_ERR(st, ...)                                                                          \
    do {                                                                                           \
        LOG_ERROR("model '%s': operator %d (%s): " FIRST(__VA_ARGS__), o->c->m->name, o->n->index, \
                  o->n->op_name REST(__VA_ARGS__));                                                \
        return st;                                                                                 \
    } while (0)
#define NODE_MALFORMED(...) NODE_ERR(SEGTEX_ERROR_MALFORMED, __VA_ARGS__)
#define NODE_UNSUPPORTED(...) NODE_ERR(SEGTEX_ERROR_UNSUPPORTED, __VA_ARGS__)

static nn_tensor *T(opctx *o, int k) { return &o->c->m->tensors[o->n->in[k]]; }
static nn_tensor *OUT(opctx *o, int k) { return &o->c->m->tensors[o->n->out[k]]; }

static segtex_status need_io(opctx *o, int min_in, int max_in, int num_out)
{
    if (o->n->num_in < min_in || o->n->num_in > max_in)
        NODE_MALFORMED("has %d inputs, expected %d..%d", o->n->num_in, min_in, max_in);
    if (o->n->num_out != num_out)
        NODE_MALFORMED("has %d outputs, expected %d", o->n->num_out, num_out);
    for (int k = 0; k < min_in; k++)
        if (o->n->in[k] < 0)
            NODE_MALFORMED("required input %d is missing", k);
    return SEGTEX_OK;
}

static segtex_status need_float(opctx *o, int k)
{
    nn_tensor *t = T(o, k);
    if (t->type == NN_TYPE_INT32)
        NODE_UNSUPPORTED("input %d (tensor %d '%s') is INT32, expected FLOAT32", k, o->n->in[k], t->name);
    if (t->type == NN_TYPE_FLOAT16)
        NODE_UNSUPPORTED("input %d (tensor %d '%s') is FLOAT16 without a DEQUANTIZE", k, o->n->in[k],
                         t->name);
    return SEGTEX_OK;
}

static segtex_status need_rank(opctx *o, nn_tensor *t, int rank, const char *role)
{
    if (t->rank != rank)
        NODE_MALFORMED("%s '%s' has rank %d, expected %d", role, t->name, t->rank, rank);
    return SEGTEX_OK;
}

static const int32_t *need_i32(opctx *o, int k, size_t count)
{
    nn_tensor *t = T(o, k);
    if (t->type != NN_TYPE_INT32 || !t->is_const || (count && t->count != count)) {
        LOG_ERROR("model '%s': operator %d (%s): input %d '%s' must be a constant INT32 tensor of %zu "
                  "elements",
                  o->c->m->name, o->n->index, o->n->op_name, k, t->name, count);
        return NULL;
    }
    return t->i32;
}

/* The output must have the shape we computed (given as 4 padded dims). */
static segtex_status check_out(opctx *o, int k, nn_dims want)
{
    nn_tensor *t = OUT(o, k);
    for (int d = 0; d < 4; d++)
        if (t->dims.d[d] != want.d[d])
            NODE_MALFORMED("output %d '%s' is declared [%d,%d,%d,%d] but the op computes [%d,%d,%d,%d]",
                           k, t->name, t->dims.d[0], t->dims.d[1], t->dims.d[2], t->dims.d[3],
                           want.d[0], want.d[1], want.d[2], want.d[3]);
    return SEGTEX_OK;
}

static int get_i32(opctx *o, int id, int32_t def, int32_t *v)
{
    if (!o->has_opts) {
        *v = def;
        return 0;
    }
    char what[64];
    snprintf(what, sizeof what, "operator %d options", o->n->index);
    return fb_i32(&o->c->b, &o->opts, id, def, v, what);
}

static int get_u8(opctx *o, int id, uint8_t def, uint8_t *v)
{
    if (!o->has_opts) {
        *v = def;
        return 0;
    }
    char what[64];
    snprintf(what, sizeof what, "operator %d options", o->n->index);
    return fb_u8(&o->c->b, &o->opts, id, def, v, what);
}

static segtex_status check_act(opctx *o, int act)
{
    if (act < 0 || act > NN_ACT_RELU6) /* TFLite float kernels ignore a fused TANH: refuse it */
        NODE_UNSUPPORTED("fused activation %d is not supported", act);
    return SEGTEX_OK;
}

/* SAME/VALID -> output size and leading pad, as TFLite computes them. */
static segtex_status conv_geometry(opctx *o, int padding, int in, int k, int stride, int dil, int *out,
                                   int *pad)
{
    if (stride < 1 || stride > 4096 || dil < 1 || dil > 64 || k < 1 || k > 4096)
        NODE_MALFORMED("stride %d / dilation %d / kernel %d out of range", stride, dil, k);
    int ek = (k - 1) * dil + 1;
    if (padding == 0) { /* SAME */
        *out = (in + stride - 1) / stride;
        int total = (*out - 1) * stride + ek - in;
        *pad = total > 0 ? total / 2 : 0;
    } else if (padding == 1) { /* VALID */
        if (in < ek)
            NODE_MALFORMED("VALID padding with input %d smaller than the kernel extent %d", in, ek);
        *out = (in - ek + stride) / stride;
        *pad = 0;
    } else {
        NODE_MALFORMED("padding %d is not SAME (0) or VALID (1)", padding);
    }
    return SEGTEX_OK;
}

static segtex_status broadcast(opctx *o, nn_dims a, nn_dims b, nn_dims *out)
{
    for (int d = 0; d < 4; d++) {
        if (a.d[d] != b.d[d] && a.d[d] != 1 && b.d[d] != 1)
            NODE_MALFORMED("cannot broadcast [%d,%d,%d,%d] with [%d,%d,%d,%d]", a.d[0], a.d[1], a.d[2],
                           a.d[3], b.d[0], b.d[1], b.d[2], b.d[3]);
        out->d[d] = a.d[d] > b.d[d] ? a.d[d] : b.d[d];
    }
    return SEGTEX_OK;
}

static segtex_status op_binary(opctx *o)
{
    segtex_status st;
    int32_t act = 0;
    uint8_t act8;
    if ((st = need_io(o, 2, 2, 1)) || (st = need_float(o, 0)) || (st = need_float(o, 1)))
        return st;
    if (get_u8(o, 0, 0, &act8))
        return SEGTEX_ERROR_MALFORMED;
    act = act8;
    if ((st = check_act(o, act)))
        return st;
    o->n->p.act = act;
    nn_dims d;
    if ((st = broadcast(o, T(o, 0)->dims, T(o, 1)->dims, &d)))
        return st;
    return check_out(o, 0, d);
}

static segtex_status op_unary(opctx *o)
{
    segtex_status st;
    if ((st = need_io(o, 1, 1, 1)) || (st = need_float(o, 0)))
        return st;
    return check_out(o, 0, T(o, 0)->dims);
}

static segtex_status op_conv(opctx *o, int depthwise)
{
    segtex_status st;
    if ((st = need_io(o, 2, 3, 1)) || (st = need_float(o, 0)) || (st = need_float(o, 1)))
        return st;
    nn_tensor *in = T(o, 0), *w = T(o, 1);
    if ((st = need_rank(o, in, 4, "input")) || (st = need_rank(o, w, 4, "filter")))
        return st;
    if (!w->is_const)
        NODE_UNSUPPORTED("filter '%s' is not a constant", w->name);
    int32_t sw, sh, dw = 1, dh = 1, mult = 1;
    uint8_t act, padding;
    int base = depthwise ? 1 : 0; /* depthwise options have depth_multiplier at id 3 */
    if (get_u8(o, 0, 0, &padding) || get_i32(o, 1, 1, &sw) || get_i32(o, 2, 1, &sh) ||
        get_u8(o, 3 + base, 0, &act) || get_i32(o, 4 + base, 1, &dw) || get_i32(o, 5 + base, 1, &dh))
        return SEGTEX_ERROR_MALFORMED;
    if ((st = check_act(o, act)))
        return st;
    nn_conv_params *p = &o->n->p.conv;
    memset(p, 0, sizeof *p);
    p->stride_h = sh, p->stride_w = sw, p->dilation_h = dh, p->dilation_w = dw, p->act = act;
    int cin = in->dims.d[3], cout;
    if (depthwise) {
        if (get_i32(o, 3, 0, &mult))
            return SEGTEX_ERROR_MALFORMED;
        cout = w->dims.d[3];
        if (w->dims.d[0] != 1 || cout % cin != 0 || mult < 0 || (mult != 0 && (int64_t)cout != (int64_t)cin * mult))
            NODE_MALFORMED("filter [%d,%d,%d,%d] does not fit %d input channels with multiplier %d",
                           w->dims.d[0], w->dims.d[1], w->dims.d[2], w->dims.d[3], cin, mult);
        p->depth_multiplier = cout / cin;
    } else {
        cout = w->dims.d[0];
        if (w->dims.d[3] != cin)
            NODE_MALFORMED("filter has %d input channels, the input has %d", w->dims.d[3], cin);
    }
    if (o->n->num_in == 3 && o->n->in[2] >= 0) {
        if ((st = need_float(o, 2)))
            return st;
        if (T(o, 2)->count != (size_t)cout)
            NODE_MALFORMED("bias has %zu elements, expected %d", T(o, 2)->count, cout);
    }
    nn_dims d = {{in->dims.d[0], 0, 0, cout}};
    if ((st = conv_geometry(o, padding, in->dims.d[1], w->dims.d[1], sh, dh, &d.d[1], &p->pad_top)) ||
        (st = conv_geometry(o, padding, in->dims.d[2], w->dims.d[2], sw, dw, &d.d[2], &p->pad_left)))
        return st;
    o->n->macs = (uint64_t)nn_dims_count(d) * w->dims.d[1] * w->dims.d[2] * (depthwise ? 1 : cin);
    return check_out(o, 0, d);
}

/* Transposed convolution: `padding` 0 SAME / 1 VALID; `in`, `w`, `bias` are input indices. */
static segtex_status deconv_common(opctx *o, int in_k, int w_k, int bias_k, int padding, int sh, int sw,
                                   int act, const int32_t *out_shape)
{
    segtex_status st;
    if ((st = need_float(o, in_k)) || (st = need_float(o, w_k)))
        return st;
    nn_tensor *in = T(o, in_k), *w = T(o, w_k);
    if ((st = need_rank(o, in, 4, "input")) || (st = need_rank(o, w, 4, "filter")))
        return st;
    if (!w->is_const)
        NODE_UNSUPPORTED("filter '%s' is not a constant", w->name);
    if (w->dims.d[3] != in->dims.d[3])
        NODE_MALFORMED("filter has %d input channels, the input has %d", w->dims.d[3], in->dims.d[3]);
    if (sh < 1 || sh > 64 || sw < 1 || sw > 64)
        NODE_MALFORMED("strides %dx%d out of range", sh, sw);
    if ((st = check_act(o, act)))
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
    if (bias_k >= 0 && bias_k < o->n->num_in && o->n->in[bias_k] >= 0) {
        if ((st = need_float(o, bias_k)))
            return st;
        if (T(o, bias_k)->count != (size_t)cout)
            NODE_MALFORMED("bias has %zu elements, expected %d", T(o, bias_k)->count, cout);
    }
    o->n->macs = (uint64_t)nn_dims_count(in->dims) * (uint64_t)kh * kw * cout;
    return check_out(o, 0, d);
}

static segtex_status op_transpose_conv(opctx *o)
{
    segtex_status st;
    if ((st = need_io(o, 3, 4, 1)))
        return st;
    const int32_t *shape = need_i32(o, 0, 4);
    if (!shape)
        return SEGTEX_ERROR_MALFORMED;
    int32_t sw, sh;
    uint8_t padding, act;
    if (get_u8(o, 0, 0, &padding) || get_i32(o, 1, 1, &sw) || get_i32(o, 2, 1, &sh) ||
        get_u8(o, 3, 0, &act))
        return SEGTEX_ERROR_MALFORMED;
    return deconv_common(o, 2, 1, 3, padding, sh, sw, act, shape);
}

static segtex_status op_conv_transpose_bias(opctx *o)
{
    segtex_status st;
    if ((st = need_io(o, 3, 3, 1)))
        return st;
    /* Custom options: three little-endian int32: padding (1 SAME, 2 VALID), stride_w, stride_h. */
    if (o->custom_len != 12)
        NODE_MALFORMED("custom options are %u bytes, expected 12", o->custom_len);
    int32_t padding = (int32_t)fb_rd32(o->custom), sw = (int32_t)fb_rd32(o->custom + 4),
            sh = (int32_t)fb_rd32(o->custom + 8);
    if (padding != 1 && padding != 2)
        NODE_MALFORMED("padding %d is not SAME (1) or VALID (2)", padding);
    return deconv_common(o, 0, 1, 2, padding - 1, sh, sw, 0, NULL);
}

static segtex_status op_pool(opctx *o)
{
    segtex_status st;
    if ((st = need_io(o, 1, 1, 1)) || (st = need_float(o, 0)))
        return st;
    nn_tensor *in = T(o, 0);
    if ((st = need_rank(o, in, 4, "input")))
        return st;
    uint8_t padding, act;
    int32_t sw, sh, fw, fh;
    if (get_u8(o, 0, 0, &padding) || get_i32(o, 1, 1, &sw) || get_i32(o, 2, 1, &sh) ||
        get_i32(o, 3, 1, &fw) || get_i32(o, 4, 1, &fh) || get_u8(o, 5, 0, &act))
        return SEGTEX_ERROR_MALFORMED;
    if ((st = check_act(o, act)))
        return st;
    if (fw < 1 || fh < 1 || fw > 1024 || fh > 1024)
        NODE_MALFORMED("filter %dx%d out of range", fh, fw);
    nn_pool_params *p = &o->n->p.pool;
    p->filter_h = fh, p->filter_w = fw, p->stride_h = sh, p->stride_w = sw, p->act = act;
    nn_dims d = {{in->dims.d[0], 0, 0, in->dims.d[3]}};
    if ((st = conv_geometry(o, padding, in->dims.d[1], fh, sh, 1, &d.d[1], &p->pad_top)) ||
        (st = conv_geometry(o, padding, in->dims.d[2], fw, sw, 1, &d.d[2], &p->pad_left)))
        return st;
    return check_out(o, 0, d);
}

static segtex_status op_reduce(opctx *o)
{
    segtex_status st;
    if ((st = need_io(o, 2, 2, 1)) || (st = need_float(o, 0)))
        return st;
    nn_tensor *in = T(o, 0);
    const int32_t *axes = need_i32(o, 1, 0);
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

static segtex_status op_pad(opctx *o)
{
    segtex_status st;
    if ((st = need_io(o, 2, 2, 1)) || (st = need_float(o, 0)))
        return st;
    nn_tensor *in = T(o, 0);
    const int32_t *pads = need_i32(o, 1, (size_t)in->rank * 2);
    if (!pads)
        return SEGTEX_ERROR_MALFORMED;
    nn_dims d = in->dims;
    for (int k = 0; k < 4; k++)
        o->n->p.before[k] = 0;
    for (int k = 0; k < in->rank; k++) {
        int a = pads[2 * k], b = pads[2 * k + 1];
        if (a < 0 || b < 0 || a > 4096 || b > 4096)
            NODE_MALFORMED("padding of dim %d is (%d,%d), expected 0..4096", k, a, b);
        o->n->p.before[4 - in->rank + k] = a;
        d.d[4 - in->rank + k] += a + b;
    }
    return check_out(o, 0, d);
}

static segtex_status op_concat(opctx *o)
{
    segtex_status st;
    if ((st = need_io(o, 1, NN_NODE_MAX_IN, 1)))
        return st;
    int32_t axis;
    uint8_t act;
    if (get_i32(o, 0, 0, &axis) || get_u8(o, 1, 0, &act))
        return SEGTEX_ERROR_MALFORMED;
    if ((st = check_act(o, act)))
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
        if ((st = need_float(o, k)))
            return st;
        nn_tensor *t = T(o, k);
        if (t->rank != first->rank)
            NODE_MALFORMED("input %d has rank %d, input 0 has %d", k, t->rank, first->rank);
        for (int j = 0; j < 4; j++)
            if (j != ax4 && t->dims.d[j] != first->dims.d[j])
                NODE_MALFORMED("input %d dim %d is %d, input 0 has %d", k, j, t->dims.d[j],
                               first->dims.d[j]);
        d.d[ax4] += t->dims.d[ax4];
    }
    o->n->p.concat.axis = ax4;
    o->n->p.concat.act = act;
    return check_out(o, 0, d);
}

static segtex_status op_reshape(opctx *o)
{
    segtex_status st;
    if ((st = need_io(o, 1, 2, 1)) || (st = need_float(o, 0)))
        return st;
    /* The optional new-shape input must be a constant INT32 vector (the declared output shape is used). */
    if (o->n->num_in == 2 && o->n->in[1] >= 0 && !need_i32(o, 1, 0))
        return SEGTEX_ERROR_MALFORMED;
    if (OUT(o, 0)->count != T(o, 0)->count)
        NODE_MALFORMED("reshape from %zu to %zu elements", T(o, 0)->count, OUT(o, 0)->count);
    return SEGTEX_OK;
}

static segtex_status op_strided_slice(opctx *o)
{
    segtex_status st;
    if ((st = need_io(o, 4, 4, 1)) || (st = need_float(o, 0)))
        return st;
    nn_tensor *in = T(o, 0);
    const int32_t *begin, *end, *strides; /* one at a time: one message for one problem */
    if (!(begin = need_i32(o, 1, (size_t)in->rank)) || !(end = need_i32(o, 2, (size_t)in->rank)) ||
        !(strides = need_i32(o, 3, (size_t)in->rank)))
        return SEGTEX_ERROR_MALFORMED;
    int32_t bm, em, elm, nam, sam;
    uint8_t offset;
    if (get_i32(o, 0, 0, &bm) || get_i32(o, 1, 0, &em) || get_i32(o, 2, 0, &elm) ||
        get_i32(o, 3, 0, &nam) || get_i32(o, 4, 0, &sam) || get_u8(o, 5, 0, &offset))
        return SEGTEX_ERROR_MALFORMED;
    if (elm || nam || offset)
        NODE_UNSUPPORTED("ellipsis_mask/new_axis_mask/offset are not supported");
    nn_dims d = {{1, 1, 1, 1}};
    for (int k = 0; k < 4; k++)
        o->n->p.slice.begin[k] = 0, o->n->p.slice.stride[k] = 1;
    int declared[4], nd = 0; /* the output shape the file must declare: shrunk dims dropped */
    for (int k = 0; k < in->rank; k++) {
        int n = in->shape[k], s = strides[k];
        if (s == 0 || s < -(1 << 24) || s > (1 << 24))
            NODE_MALFORMED("stride of dim %d is %d", k, s);
        int64_t b = begin[k], e = end[k];
        if (b < 0)
            b += n;
        if (e < 0)
            e += n;
        if (s > 0) {
            if (bm & (1 << k))
                b = 0;
            if (em & (1 << k))
                e = n;
            b = b < 0 ? 0 : b > n ? n : b;
            e = e < 0 ? 0 : e > n ? n : e;
        } else {
            if (bm & (1 << k))
                b = n - 1;
            if (em & (1 << k))
                e = -1;
            b = b < -1 ? -1 : b > n - 1 ? n - 1 : b;
            e = e < -1 ? -1 : e > n - 1 ? n - 1 : e;
        }
        if (sam & (1 << k)) {
            e = b + 1;
            s = 1;
            if (b < 0 || b >= n)
                NODE_MALFORMED("shrink index %lld out of range for dim %d of size %d", (long long)b, k, n);
        }
        int64_t len = s > 0 ? (e - b + s - 1) / s : (b - e + (-s) - 1) / (-s);
        if (len <= 0)
            NODE_MALFORMED("slice of dim %d is empty", k);
        d.d[4 - in->rank + k] = (int)len;
        o->n->p.slice.begin[4 - in->rank + k] = (int)b;
        o->n->p.slice.stride[4 - in->rank + k] = s;
        if (!(sam & (1 << k)))
            declared[nd++] = (int)len;
    }
    nn_tensor *out = OUT(o, 0);
    int same = out->rank == nd;
    for (int k = 0; same && k < nd; k++)
        same = out->shape[k] == declared[k];
    if (!same) {
        char a[64] = "", b[64] = "";
        for (int k = 0, n = 0; k < out->rank; k++)
            n += snprintf(a + n, sizeof a - (size_t)n, "%s%d", k ? "," : "", out->shape[k]);
        for (int k = 0, n = 0; k < nd; k++)
            n += snprintf(b + n, sizeof b - (size_t)n, "%s%d", k ? "," : "", declared[k]);
        NODE_MALFORMED("output '%s' is declared [%s] but the slice gives [%s]", out->name, a, b);
    }
    /* The kernel walks the input's 4-D layout; the output's own dims keep its declared shape. */
    o->n->p.slice.out = d;
    return SEGTEX_OK;
}

static segtex_status op_resize(opctx *o)
{
    segtex_status st;
    if ((st = need_io(o, 2, 2, 1)) || (st = need_float(o, 0)))
        return st;
    nn_tensor *in = T(o, 0);
    if ((st = need_rank(o, in, 4, "input")))
        return st;
    const int32_t *size = need_i32(o, 1, 2);
    if (!size)
        return SEGTEX_ERROR_MALFORMED;
    if (size[0] < 1 || size[1] < 1 || size[0] > 16384 || size[1] > 16384)
        NODE_MALFORMED("size %dx%d out of range", size[0], size[1]);
    uint8_t ac, hp;
    if (get_u8(o, 2, 0, &ac) || get_u8(o, 3, 0, &hp))
        return SEGTEX_ERROR_MALFORMED;
    if (ac && hp)
        NODE_MALFORMED("align_corners and half_pixel_centers are both set");
    o->n->p.resize.align_corners = ac != 0;
    o->n->p.resize.half_pixel_centers = hp != 0;
    nn_dims d = {{in->dims.d[0], size[0], size[1], in->dims.d[3]}};
    return check_out(o, 0, d);
}

static segtex_status op_prelu(opctx *o)
{
    segtex_status st;
    if ((st = need_io(o, 2, 2, 1)) || (st = need_float(o, 0)) || (st = need_float(o, 1)))
        return st;
    nn_dims d;
    if ((st = broadcast(o, T(o, 0)->dims, T(o, 1)->dims, &d)))
        return st;
    return check_out(o, 0, T(o, 0)->dims) || check_out(o, 0, d) ? SEGTEX_ERROR_MALFORMED : SEGTEX_OK;
}

static segtex_status op_softmax(opctx *o)
{
    segtex_status st;
    if ((st = op_unary(o)))
        return st;
    float beta = 1.0f;
    if (o->has_opts) {
        char what[64];
        snprintf(what, sizeof what, "operator %d options", o->n->index);
        if (fb_f32(&o->c->b, &o->opts, 0, 1.0f, &beta, what))
            return SEGTEX_ERROR_MALFORMED;
    }
    if (!isfinite(beta))
        NODE_MALFORMED("beta is not finite");
    o->n->p.beta = beta;
    return SEGTEX_OK;
}

/* Read an int from the flexbuffer options map; `def` when absent (if optional). */
static segtex_status flex_int(opctx *o, const fxb_ref *map, const char *key, int optional, int64_t def,
                              int64_t lo, int64_t hi, int64_t *v)
{
    const char *err = NULL;
    fxb_ref r;
    int found = fxb_map_get(map, key, &r, &err);
    if (found < 0)
        NODE_MALFORMED("custom options: %s", err);
    if (!found) {
        if (!optional)
            NODE_MALFORMED("custom options lack '%s'", key);
        *v = def;
        return SEGTEX_OK;
    }
    if (fxb_as_int(&r, v, &err))
        NODE_MALFORMED("custom option '%s': %s", key, err);
    if (*v < lo || *v > hi)
        NODE_MALFORMED("custom option '%s' = %lld, expected %lld..%lld", key, (long long)*v,
                       (long long)lo, (long long)hi);
    return SEGTEX_OK;
}

static segtex_status flex_float(opctx *o, const fxb_ref *map, const char *key, double def, double *v)
{
    const char *err = NULL;
    fxb_ref r;
    int found = fxb_map_get(map, key, &r, &err);
    if (found < 0)
        NODE_MALFORMED("custom options: %s", err);
    *v = def;
    if (found && fxb_as_float(&r, v, &err))
        NODE_MALFORMED("custom option '%s': %s", key, err);
    if (!isfinite(*v) || fabs(*v) > 1e6)
        NODE_MALFORMED("custom option '%s' = %g is out of range", key, *v);
    return SEGTEX_OK;
}

static segtex_status flex_root(opctx *o, fxb_ref *root)
{
    const char *err = NULL;
    if (!o->custom_len || fxb_root(o->custom, o->custom_len, root, &err))
        NODE_MALFORMED("custom options: %s", err ? err : "missing");
    if (root->type != FXB_MAP)
        NODE_MALFORMED("custom options are not a map");
    return SEGTEX_OK;
}

static segtex_status op_landmarks_to_matrix(opctx *o)
{
    segtex_status st;
    if ((st = need_io(o, 1, 1, 1)) || (st = need_float(o, 0)))
        return st;
    fxb_ref root;
    if ((st = flex_root(o, &root)))
        return st;
    nn_tensor *in = T(o, 0);
    if (in->count % 3)
        NODE_MALFORMED("landmarks tensor '%s' has %zu values, not a multiple of 3", in->name, in->count);
    int64_t n = (int64_t)(in->count / 3);
    int64_t li, ri, oh, ow;
    double sx, sy, rot;
    nn_l2t_params *p = &o->n->p.l2t;
    if ((st = flex_int(o, &root, "left_rotation_idx", 0, 0, 0, n - 1, &li)) ||
        (st = flex_int(o, &root, "right_rotation_idx", 0, 0, 0, n - 1, &ri)) ||
        (st = flex_int(o, &root, "output_height", 0, 0, 1, 4096, &oh)) ||
        (st = flex_int(o, &root, "output_width", 0, 0, 1, 4096, &ow)) ||
        (st = flex_float(o, &root, "scale_x", 1.0, &sx)) || (st = flex_float(o, &root, "scale_y", 1.0, &sy)) ||
        (st = flex_float(o, &root, "target_rotation_radians", 0.0, &rot)))
        return st;
    p->left_rotation_idx = (int)li, p->right_rotation_idx = (int)ri;
    p->output_height = (int)oh, p->output_width = (int)ow;
    p->scale_x = (float)sx, p->scale_y = (float)sy, p->target_rotation_radians = (float)rot;
    p->subset_idxs = NULL;
    p->subset_count = 0;
    const char *err = NULL;
    fxb_ref sub;
    int found = fxb_map_get(&root, "subset_idxs", &sub, &err);
    if (found < 0)
        NODE_MALFORMED("custom options: %s", err);
    if (found) {
        uint32_t len;
        if (fxb_vector_len(&sub, &len, &err))
            NODE_MALFORMED("custom option 'subset_idxs': %s", err);
        if (len == 0 || len > 4096)
            NODE_MALFORMED("subset_idxs has %u entries, expected 1..4096", len);
        o->n->subset = segtex_malloc(sizeof(int) * len);
        if (!o->n->subset)
            return SEGTEX_ERROR_OUT_OF_MEMORY;
        for (uint32_t k = 0; k < len; k++) {
            int64_t v;
            if (fxb_vector_int(&sub, k, &v, &err))
                NODE_MALFORMED("custom option 'subset_idxs'[%u]: %s", k, err);
            if (v < 0 || v >= n)
                NODE_MALFORMED("subset_idxs[%u] = %lld, the input has %lld landmarks", k, (long long)v,
                               (long long)n);
            o->n->subset[k] = (int)v;
        }
        p->subset_idxs = o->n->subset;
        p->subset_count = (int)len;
    }
    if (OUT(o, 0)->count != 16)
        NODE_MALFORMED("output '%s' has %zu elements, expected a 4x4 matrix", OUT(o, 0)->name,
                       OUT(o, 0)->count);
    return SEGTEX_OK;
}

static segtex_status op_transform_tensor(opctx *o)
{
    segtex_status st;
    if ((st = need_io(o, 2, 2, 1)) || (st = need_float(o, 0)) || (st = need_float(o, 1)))
        return st;
    nn_tensor *in = T(o, 0);
    if ((st = need_rank(o, in, 4, "input")))
        return st;
    if (T(o, 1)->count != 16)
        NODE_MALFORMED("matrix '%s' has %zu elements, expected 16", T(o, 1)->name, T(o, 1)->count);
    fxb_ref root;
    if ((st = flex_root(o, &root)))
        return st;
    int64_t oh, ow;
    if ((st = flex_int(o, &root, "output_height", 0, 0, 1, 4096, &oh)) ||
        (st = flex_int(o, &root, "output_width", 0, 0, 1, 4096, &ow)))
        return st;
    nn_dims d = {{in->dims.d[0], (int)oh, (int)ow, in->dims.d[3]}};
    return check_out(o, 0, d);
}

static segtex_status op_transform_landmarks(opctx *o)
{
    segtex_status st;
    if ((st = need_io(o, 2, 2, 1)) || (st = need_float(o, 0)) || (st = need_float(o, 1)))
        return st;
    if (T(o, 1)->count != 16)
        NODE_MALFORMED("matrix '%s' has %zu elements, expected 16", T(o, 1)->name, T(o, 1)->count);
    int dims = T(o, 0)->dims.d[3];
    if (dims < 2 || dims > 3)
        NODE_MALFORMED("landmarks '%s' have %d values per point, expected 2 or 3", T(o, 0)->name, dims);
    return check_out(o, 0, T(o, 0)->dims);
}

/* ---- operators ------------------------------------------------------------ */

static void hist_add(segtex_model *m, const char *name)
{
    for (int k = 0; k < m->hist_len; k++)
        if (!strcmp(m->hist_name[k], name)) {
            m->hist_count[k]++;
            return;
        }
    if (m->hist_len < (int)(sizeof m->hist_name / sizeof m->hist_name[0])) {
        m->hist_name[m->hist_len] = name;
        m->hist_count[m->hist_len++] = 1;
    }
}

static const struct {
    const char *name;
    int op;
    int version;
} custom_ops[] = {
    {"Convolution2DTransposeBias", NN_OP_TRANSPOSE_CONV, 1},
    {"Landmarks2TransformMatrix", NN_OP_LANDMARKS_TO_TRANSFORM_MATRIX, 2},
    {"TransformTensorBilinear", NN_OP_TRANSFORM_TENSOR_BILINEAR, 2},
    {"TransformLandmarks", NN_OP_TRANSFORM_LANDMARKS, 2},
};

static segtex_status parse_operators(ctx *c, const fb_table *sg)
{
    segtex_model *m = c->m;
    fb_vec v;
    if (fb_vector(&c->b, sg, 3, 4, &v, "operators"))
        return SEGTEX_ERROR_MALFORMED;
    if (v.len == 0 || v.len > 16384)
        MALFORMED("subgraph 0 has %u operators, expected 1..16384", v.len);
    m->nodes = segtex_calloc(v.len, sizeof *m->nodes);
    if (!m->nodes)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    m->nodes_cap = (int)v.len;
    /* Graph inputs are available from the start; every other tensor must be produced before use. */
    for (int k = 0; k < m->num_inputs; k++)
        m->tensors[m->inputs[k]].first_use = 0;

    for (uint32_t i = 0; i < v.len; i++) {
        char what[64];
        snprintf(what, sizeof what, "operator %u", i);
        fb_table t;
        uint32_t code_index;
        fb_vec ins, outs, custom;
        uint8_t opt_type;
        opctx o = {.c = c};
        if (fb_vector_table(&c->b, &v, i, &t, what) || fb_u32(&c->b, &t, 0, 0, &code_index, what) ||
            fb_vector(&c->b, &t, 1, 4, &ins, what) || fb_vector(&c->b, &t, 2, 4, &outs, what) ||
            fb_u8(&c->b, &t, 3, 0, &opt_type, what) ||
            fb_subtable(&c->b, &t, 4, &o.opts, &o.has_opts, what) ||
            fb_vector(&c->b, &t, 5, 1, &custom, what))
            return SEGTEX_ERROR_MALFORMED;
        if (code_index >= c->num_codes)
            MALFORMED("operator %u refers to operator code %u, the model has %u", i, code_index,
                      c->num_codes);
        const opcode *oc = &c->codes[code_index];
        nn_node *n = &m->nodes[m->num_nodes];
        memset(n, 0, sizeof *n);
        n->index = (int)i;
        o.n = n;
        o.custom = custom.len ? c->b.data + custom.pos : NULL;
        o.custom_len = custom.len;

        if (oc->builtin == TFL_CUSTOM) {
            n->op = -1;
            for (size_t k = 0; k < sizeof custom_ops / sizeof custom_ops[0]; k++)
                if (!strcmp(oc->custom, custom_ops[k].name)) {
                    if (oc->version != custom_ops[k].version)
                        UNSUPPORTED("operator %u: custom op %s version %d is not supported (only %d)",
                                    i, oc->custom, oc->version, custom_ops[k].version);
                    n->op = custom_ops[k].op;
                    n->op_name = custom_ops[k].name;
                }
            if (n->op < 0)
                UNSUPPORTED("operator %u: custom op '%.64s' is not supported", i, oc->custom);
        } else {
            n->op_name = builtin_name(oc->builtin);
            if (!n->op_name)
                UNSUPPORTED("operator %u: builtin op %d is not supported", i, oc->builtin);
        }

        if (ins.len > NN_NODE_MAX_IN || outs.len > NN_NODE_MAX_OUT)
            UNSUPPORTED("operator %u (%s) has %u inputs and %u outputs, at most %d and %d supported", i,
                        n->op_name, ins.len, outs.len, NN_NODE_MAX_IN, NN_NODE_MAX_OUT);
        n->num_in = (int)ins.len;
        n->num_out = (int)outs.len;
        for (uint32_t k = 0; k < ins.len; k++) {
            int32_t tid = fb_vec_i32(&c->b, &ins, k);
            if (tid < -1 || tid >= m->num_tensors)
                MALFORMED("operator %u input %u refers to tensor %d, the graph has %d", i, k, tid,
                          m->num_tensors);
            if (tid >= 0 && !m->tensors[tid].is_const && m->tensors[tid].first_use < 0)
                MALFORMED("operator %u input %u (tensor %d '%s') is used before it is produced", i, k, tid,
                          m->tensors[tid].name);
            n->in[k] = tid;
        }
        for (uint32_t k = 0; k < outs.len; k++) {
            int32_t tid = fb_vec_i32(&c->b, &outs, k);
            if (tid < 0 || tid >= m->num_tensors)
                MALFORMED("operator %u output %u refers to tensor %d, the graph has %d", i, k, tid,
                          m->num_tensors);
            nn_tensor *ot = &m->tensors[tid];
            if (ot->producer >= 0 || ot->is_const || ot->first_use >= 0)
                MALFORMED("operator %u output %u (tensor %d '%s') is already defined", i, k, tid, ot->name);
            n->out[k] = tid;
        }

        /* DEQUANTIZE of a constant is folded: its output becomes the float32 constant. */
        if (oc->builtin == TFL_DEQUANTIZE) {
            if (n->num_in != 1 || n->num_out != 1 || n->in[0] < 0)
                MALFORMED("operator %u (DEQUANTIZE) needs 1 input and 1 output", i);
            nn_tensor *src = &m->tensors[n->in[0]], *dst = &m->tensors[n->out[0]];
            if (!src->is_const || src->type != NN_TYPE_FLOAT16)
                UNSUPPORTED("operator %u (DEQUANTIZE): only constant FLOAT16 inputs are supported", i);
            if (dst->count != src->count || dst->type != NN_TYPE_FLOAT32)
                MALFORMED("operator %u (DEQUANTIZE): output '%s' does not match input '%s'", i, dst->name,
                          src->name);
            if (dst->is_io)
                UNSUPPORTED("operator %u (DEQUANTIZE): output '%s' is a graph output", i, dst->name);
            dst->is_const = 1;
            dst->data = src->data; /* shared: freed once, through the FLOAT16 tensor */
            dst->producer = -2;    /* marks "aliases a folded constant" */
            m->num_parameters += dst->count;
            m->constant_bytes += dst->count * 4;
            m->num_folded++;
            continue;
        }

        segtex_status st;
        switch (oc->builtin) {
        case TFL_ADD: n->op = NN_OP_ADD; st = op_binary(&o); break;
        case TFL_SUB: n->op = NN_OP_SUB; st = op_binary(&o); break;
        case TFL_MUL: n->op = NN_OP_MUL; st = op_binary(&o); break;
        case TFL_CONV_2D: n->op = NN_OP_CONV2D; st = op_conv(&o, 0); break;
        case TFL_DEPTHWISE_CONV_2D: n->op = NN_OP_DEPTHWISE_CONV2D; st = op_conv(&o, 1); break;
        case TFL_TRANSPOSE_CONV: n->op = NN_OP_TRANSPOSE_CONV; st = op_transpose_conv(&o); break;
        case TFL_AVERAGE_POOL_2D: n->op = NN_OP_AVG_POOL; st = op_pool(&o); break;
        case TFL_MAX_POOL_2D: n->op = NN_OP_MAX_POOL; st = op_pool(&o); break;
        case TFL_MEAN: n->op = NN_OP_MEAN; st = op_reduce(&o); break;
        case TFL_SUM: n->op = NN_OP_SUM; st = op_reduce(&o); break;
        case TFL_PAD: n->op = NN_OP_PAD; st = op_pad(&o); break;
        case TFL_CONCATENATION: n->op = NN_OP_CONCAT; st = op_concat(&o); break;
        case TFL_RESHAPE: n->op = NN_OP_RESHAPE; st = op_reshape(&o); break;
        case TFL_STRIDED_SLICE: n->op = NN_OP_STRIDED_SLICE; st = op_strided_slice(&o); break;
        case TFL_RESIZE_BILINEAR: n->op = NN_OP_RESIZE_BILINEAR; st = op_resize(&o); break;
        case TFL_RELU: n->op = NN_OP_RELU; st = op_unary(&o); break;
        case TFL_RELU6: n->op = NN_OP_RELU6; st = op_unary(&o); break;
        case TFL_LOGISTIC: n->op = NN_OP_LOGISTIC; st = op_unary(&o); break;
        case TFL_HARD_SWISH: n->op = NN_OP_HARD_SWISH; st = op_unary(&o); break;
        case TFL_TANH: n->op = NN_OP_TANH; st = op_unary(&o); break;
        case TFL_PRELU: n->op = NN_OP_PRELU; st = op_prelu(&o); break;
        case TFL_SOFTMAX: n->op = NN_OP_SOFTMAX; st = op_softmax(&o); break;
        case TFL_CUSTOM:
            switch (n->op) {
            case NN_OP_TRANSPOSE_CONV: st = op_conv_transpose_bias(&o); break;
            case NN_OP_LANDMARKS_TO_TRANSFORM_MATRIX: st = op_landmarks_to_matrix(&o); break;
            case NN_OP_TRANSFORM_TENSOR_BILINEAR: st = op_transform_tensor(&o); break;
            default: st = op_transform_landmarks(&o); break;
            }
            break;
        default: UNSUPPORTED("operator %u: op %s is not supported", i, n->op_name);
        }
        if (st)
            return st;
        /* Every non-constant input's lifetime extends to this node. */
        int ni = m->num_nodes;
        for (int k = 0; k < n->num_in; k++)
            if (n->in[k] >= 0 && !m->tensors[n->in[k]].is_const)
                m->tensors[n->in[k]].last_use = ni;
        for (int k = 0; k < n->num_out; k++) {
            nn_tensor *ot = &m->tensors[n->out[k]];
            if (ot->type != NN_TYPE_FLOAT32)
                UNSUPPORTED("operator %u output '%s' has type %s, only FLOAT32 is supported", i, ot->name,
                            type_name(ot->type));
            ot->producer = ni;
            ot->first_use = ni;
            if (ot->last_use < ni)
                ot->last_use = ni;
        }
        m->macs += n->macs;
        hist_add(m, n->op_name);
        m->num_nodes++;
    }
    for (int k = 0; k < m->num_outputs; k++) {
        nn_tensor *ot = &m->tensors[m->outputs[k]];
        if (ot->producer < 0 && ot->first_use < 0)
            MALFORMED("graph output %d (tensor %d '%s') is never produced", k, m->outputs[k], ot->name);
        ot->last_use = m->num_nodes; /* read after invoke */
    }
    for (int k = 0; k < m->num_inputs; k++)
        m->tensors[m->inputs[k]].last_use = m->num_nodes; /* kept for the next invoke */
    return SEGTEX_OK;
}

segtex_status nn_tflite_parse(segtex_model *m, const uint8_t *data, size_t size)
{
    ctx cc = {.m = m, .b = {data, size, m->name}}, *c = &cc;
    fb_table model, sg;
    segtex_status st = SEGTEX_ERROR_MALFORMED;
    if (size > ((size_t)1 << 31))
        MALFORMED("file of %zu bytes is too large", size);
    if (size >= 8 && memcmp(data + 4, "TFL3", 4) != 0)
        MALFORMED("file identifier is not TFL3");
    if (fb_root(&c->b, &model))
        goto done;
    uint32_t version;
    if (fb_u32(&c->b, &model, 0, 0, &version, "model version"))
        goto done;
    if (version != 3) {
        LOG_ERROR("model '%s': schema version %u, expected 3", m->name, version);
        goto done;
    }
    if ((st = parse_opcodes(c, &model)))
        goto done;
    st = SEGTEX_ERROR_MALFORMED;
    fb_vec subgraphs;
    if (fb_vector(&c->b, &model, 2, 4, &subgraphs, "subgraphs") ||
        fb_vector(&c->b, &model, 4, 4, &c->buffers, "buffers"))
        goto done;
    if (subgraphs.len < 1) {
        LOG_ERROR("model '%s': has no subgraph", m->name);
        goto done;
    }
    if (c->buffers.len > (1u << 20)) {
        LOG_ERROR("model '%s': has %u buffers", m->name, c->buffers.len);
        goto done;
    }
    if (fb_vector_table(&c->b, &subgraphs, 0, &sg, "subgraph 0"))
        goto done;
    size_t names_bytes;
    if ((st = parse_tensors(c, &sg, &names_bytes)) ||
        (st = parse_io(c, &sg, 1, "inputs", &m->inputs, &m->num_inputs)) ||
        (st = parse_io(c, &sg, 2, "outputs", &m->outputs, &m->num_outputs)) ||
        (st = parse_operators(c, &sg)))
        goto done;
done:
    segtex_free(c->codes);
    return st;
}
