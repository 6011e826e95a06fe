/*
 * The operator interface: everything segtex knows about one operator lives
 * in one nn_op_def, defined in one file of src/nn/ops/ and listed once in
 * the table (ops/table.c, which also holds the recipe for adding one).
 *
 * An op definition holds
 *   - how the file names it: a TFLite builtin code, or NN_TFL_CUSTOM with a
 *     custom code and the one version accepted;
 *   - prepare: option parsing, input/output count, type and shape checks,
 *     shape inference against the declared output, and every parameter the
 *     kernels need, resolved into the node (n->p) once, at load. Inputs may
 *     be reordered here so that the kernels never look at the op's name;
 *   - ref: the reference kernel hook (plain C, src/nn/ref/);
 *   - xnn_supported / xnn_define: how XNNPACK runs it, or NULL for a host op
 *     (the XNNPACK backend then runs `ref` between its partitions).
 *
 * The model reader (tflite.c) and both backends only go through these
 * hooks: they never switch on an op and never compare op names while
 * invoking.
 */
#ifndef SEGTEX_NN_OPS_OP_H
#define SEGTEX_NN_OPS_OP_H

#include "core/log.h"
#include "nn/flatbuf.h"
#include "nn/model.h"

#define NN_TFL_CUSTOM 32

/* What prepare sees of the operator being read. */
typedef struct nn_opctx {
    segtex_model *m;
    const fb_buf *b;       /* the whole file */
    nn_node *n;            /* in/out tensor ids and index filled; prepare fills p, macs */
    fb_table opts;         /* builtin options table (valid when has_opts) */
    int has_opts;
    const uint8_t *custom; /* custom options bytes, NULL when none */
    uint32_t custom_len;
    int folded;            /* set by prepare: the operator became constants, no node remains */
} nn_opctx;

struct nn_xnn_builder; /* xnnpack/xnn.h */

typedef struct nn_op_def {
    const char *name;   /* builtin name or custom code: messages, statistics */
    int builtin;        /* TFLite BuiltinOperator, or NN_TFL_CUSTOM */
    int version;        /* custom ops: the version accepted; builtins: 0 (any) */
    segtex_status (*prepare)(nn_opctx *o);
    void (*ref)(segtex_model *m, const nn_node *n);           /* NULL only for folded ops */
    /* XNNPACK: NULL xnn_define = host op. xnn_supported (may be NULL = yes) rules a node
     * out before any define; xnn_define gets the values of in[0] and out[0] already defined
     * and returns 0, or -1 when XNNPACK refuses (the node then runs on the host). */
    int (*xnn_supported)(const segtex_model *m, const nn_node *n);
    int (*xnn_define)(struct nn_xnn_builder *b, const nn_node *n, uint32_t in, uint32_t out);
} nn_op_def;

#ifdef SEGTEX_HAVE_XNNPACK
#define NN_XNN(fn) fn
#else
#define NN_XNN(fn) NULL
#endif

/* Load-time lookups (table.c). NULL when the op is not supported. */
const nn_op_def *nn_op_find_builtin(int code);
const nn_op_def *nn_op_find_custom(const char *code);
/* Name of a builtin code we know of (also the folded ones), or NULL. */
const char *nn_op_builtin_name(int code);

/* ---- accessors for kernels ------------------------------------------------ */

static inline nn_tensor *nn_in(const segtex_model *m, const nn_node *n, int k) { return &m->tensors[n->in[k]]; }
static inline nn_tensor *nn_out(const segtex_model *m, const nn_node *n, int k) { return &m->tensors[n->out[k]]; }
/* Data of optional input k, or NULL when absent. */
static inline const float *nn_opt(const segtex_model *m, const nn_node *n, int k)
{
    return k < n->num_in && n->in[k] >= 0 ? m->tensors[n->in[k]].data : NULL;
}

/* ---- checks for prepare (checks.c): each logs one line naming model, operator, tensor --------- */

#define NN_FIRST(a, ...) a
#define NN_REST(a, ...) , ##__VA_ARGS__
#define NODE_ERR(st, ...)                                                                          \
    do {                                                                                           \
        LOG_ERROR("model '%s': operator %d (%s): " NN_FIRST(__VA_ARGS__), o->m->name, o->n->index, \
                  o->n->op_name NN_REST(__VA_ARGS__));                                             \
        return st;                                                                                 \
    } while (0)
#define NODE_MALFORMED(...) NODE_ERR(SEGTEX_ERROR_MALFORMED, __VA_ARGS__)
#define NODE_UNSUPPORTED(...) NODE_ERR(SEGTEX_ERROR_UNSUPPORTED, __VA_ARGS__)

static inline nn_tensor *T(nn_opctx *o, int k) { return &o->m->tensors[o->n->in[k]]; }
static inline nn_tensor *OUT(nn_opctx *o, int k) { return &o->m->tensors[o->n->out[k]]; }

segtex_status nn_need_io(nn_opctx *o, int min_in, int max_in, int num_out);
segtex_status nn_need_float(nn_opctx *o, int k);
segtex_status nn_need_rank(nn_opctx *o, nn_tensor *t, int rank, const char *role);
/* Constant INT32 input k of `count` elements (0 = any); logs and returns NULL otherwise. */
const int32_t *nn_need_i32(nn_opctx *o, int k, size_t count);
/* The output must have the shape we computed (given as 4 padded dims). */
segtex_status nn_check_out(nn_opctx *o, int k, nn_dims want);
segtex_status nn_check_act(nn_opctx *o, int act);
/* Builtin option fields; `def` when the options table or the field is absent. -1 on a bounds error. */
int nn_opt_i32(nn_opctx *o, int id, int32_t def, int32_t *v);
int nn_opt_u8(nn_opctx *o, int id, uint8_t def, uint8_t *v);
int nn_opt_f32(nn_opctx *o, int id, float def, float *v);
/* SAME (0) / VALID (1) -> output size and leading pad, as TFLite computes them. */
segtex_status nn_conv_geometry(nn_opctx *o, int padding, int in, int k, int stride, int dil, int *out, int *pad);
segtex_status nn_broadcast(nn_opctx *o, nn_dims a, nn_dims b, nn_dims *out);

/* Custom options as a flexbuffer map (checks.c). */
struct fxb_ref;
segtex_status nn_flex_root(nn_opctx *o, struct fxb_ref *root);
segtex_status nn_flex_int(nn_opctx *o, const struct fxb_ref *map, const char *key, int optional, int64_t def,
                          int64_t lo, int64_t hi, int64_t *v);
segtex_status nn_flex_float(nn_opctx *o, const struct fxb_ref *map, const char *key, double def, double *v);

/* Prepares shared by ops that differ only in their math (shared.c). */
segtex_status nn_prepare_binary(nn_opctx *o);          /* ADD, SUB, MUL */
segtex_status nn_prepare_unary(nn_opctx *o);           /* RELU, RELU6, LOGISTIC, HARD_SWISH, TANH */
segtex_status nn_prepare_conv(nn_opctx *o, int depthwise); /* CONV_2D, DEPTHWISE_CONV_2D */
segtex_status nn_prepare_pool(nn_opctx *o);            /* AVERAGE_POOL_2D, MAX_POOL_2D */
segtex_status nn_prepare_reduce(nn_opctx *o);          /* MEAN, SUM */

/* Shared by TRANSPOSE_CONV and Convolution2DTransposeBias (transpose_conv.c). */
segtex_status nn_deconv_prepare(nn_opctx *o, int in_k, int w_k, int bias_k, int padding, int sh, int sw, int act,
                                const int32_t *out_shape);
void nn_deconv_ref(segtex_model *m, const nn_node *n);
int nn_deconv_xnn_supported(const segtex_model *m, const nn_node *n);
int nn_deconv_xnn_define(struct nn_xnn_builder *b, const nn_node *n, uint32_t in, uint32_t out);

/* Every op definition, one per file. */
extern const nn_op_def nn_op_add, nn_op_sub, nn_op_mul;
extern const nn_op_def nn_op_relu, nn_op_relu6, nn_op_logistic, nn_op_hard_swish, nn_op_tanh;
extern const nn_op_def nn_op_conv_2d, nn_op_depthwise_conv_2d, nn_op_transpose_conv;
extern const nn_op_def nn_op_average_pool_2d, nn_op_max_pool_2d, nn_op_mean, nn_op_sum;
extern const nn_op_def nn_op_pad, nn_op_concatenation, nn_op_reshape, nn_op_strided_slice;
extern const nn_op_def nn_op_resize_bilinear, nn_op_prelu, nn_op_softmax, nn_op_fully_connected;
extern const nn_op_def nn_op_dequantize, nn_op_densify, nn_op_depth_to_space;
extern const nn_op_def nn_op_convolution_2d_transpose_bias, nn_op_landmarks_to_transform_matrix,
    nn_op_transform_tensor_bilinear, nn_op_transform_landmarks;
#endif
