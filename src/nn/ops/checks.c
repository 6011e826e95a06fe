/*
 * Checks shared by the ops' prepare functions. Each one checks, logs one
 * line naming the model, the operator and the tensor, and returns.
 */
#include "nn/flexbuf.h"
#include "nn/ops/op.h"

#include <math.h>
#include <stdio.h>

segtex_status nn_need_io(nn_opctx *o, int min_in, int max_in, int num_out)
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

segtex_status nn_need_float(nn_opctx *o, int k)
{
    nn_tensor *t = T(o, k);
    if (t->type == NN_TYPE_INT32)
        NODE_UNSUPPORTED("input %d (tensor %d '%s') is INT32, expected FLOAT32", k, o->n->in[k], t->name);
    if (t->type == NN_TYPE_FLOAT16)
        NODE_UNSUPPORTED("input %d (tensor %d '%s') is FLOAT16 without a DEQUANTIZE", k, o->n->in[k],
                         t->name);
    return SEGTEX_OK;
}

segtex_status nn_need_rank(nn_opctx *o, nn_tensor *t, int rank, const char *role)
{
    if (t->rank != rank)
        NODE_MALFORMED("%s '%s' has rank %d, expected %d", role, t->name, t->rank, rank);
    return SEGTEX_OK;
}

const int32_t *nn_need_i32(nn_opctx *o, int k, size_t count)
{
    nn_tensor *t = T(o, k);
    if (t->type != NN_TYPE_INT32 || !t->is_const || (count && t->count != count)) {
        LOG_ERROR("model '%s': operator %d (%s): input %d '%s' must be a constant INT32 tensor of %zu "
                  "elements",
                  o->m->name, o->n->index, o->n->op_name, k, t->name, count);
        return NULL;
    }
    return t->i32;
}

segtex_status nn_check_out(nn_opctx *o, int k, nn_dims want)
{
    nn_tensor *t = OUT(o, k);
    for (int d = 0; d < 4; d++)
        if (t->dims.d[d] != want.d[d])
            NODE_MALFORMED("output %d '%s' is declared [%d,%d,%d,%d] but the op computes [%d,%d,%d,%d]",
                           k, t->name, t->dims.d[0], t->dims.d[1], t->dims.d[2], t->dims.d[3],
                           want.d[0], want.d[1], want.d[2], want.d[3]);
    return SEGTEX_OK;
}

segtex_status nn_check_act(nn_opctx *o, int act)
{
    if (act < 0 || act > NN_ACT_RELU6) /* TFLite float kernels ignore a fused TANH: refuse it */
        NODE_UNSUPPORTED("fused activation %d is not supported", act);
    return SEGTEX_OK;
}

int nn_opt_i32(nn_opctx *o, int id, int32_t def, int32_t *v)
{
    if (!o->has_opts) {
        *v = def;
        return 0;
    }
    char what[64];
    snprintf(what, sizeof what, "operator %d options", o->n->index);
    return fb_i32(o->b, &o->opts, id, def, v, what);
}

int nn_opt_u8(nn_opctx *o, int id, uint8_t def, uint8_t *v)
{
    if (!o->has_opts) {
        *v = def;
        return 0;
    }
    char what[64];
    snprintf(what, sizeof what, "operator %d options", o->n->index);
    return fb_u8(o->b, &o->opts, id, def, v, what);
}

int nn_opt_f32(nn_opctx *o, int id, float def, float *v)
{
    if (!o->has_opts) {
        *v = def;
        return 0;
    }
    char what[64];
    snprintf(what, sizeof what, "operator %d options", o->n->index);
    return fb_f32(o->b, &o->opts, id, def, v, what);
}

segtex_status nn_conv_geometry(nn_opctx *o, int padding, int in, int k, int stride, int dil, int *out, int *pad)
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

segtex_status nn_broadcast(nn_opctx *o, nn_dims a, nn_dims b, nn_dims *out)
{
    for (int d = 0; d < 4; d++) {
        if (a.d[d] != b.d[d] && a.d[d] != 1 && b.d[d] != 1)
            NODE_MALFORMED("cannot broadcast [%d,%d,%d,%d] with [%d,%d,%d,%d]", a.d[0], a.d[1], a.d[2],
                           a.d[3], b.d[0], b.d[1], b.d[2], b.d[3]);
        out->d[d] = a.d[d] > b.d[d] ? a.d[d] : b.d[d];
    }
    return SEGTEX_OK;
}

segtex_status nn_flex_int(nn_opctx *o, const fxb_ref *map, const char *key, int optional, int64_t def, int64_t lo,
                          int64_t hi, int64_t *v)
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

segtex_status nn_flex_float(nn_opctx *o, const fxb_ref *map, const char *key, double def, double *v)
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

segtex_status nn_flex_root(nn_opctx *o, fxb_ref *root)
{
    const char *err = NULL;
    if (!o->custom_len || fxb_root(o->custom, o->custom_len, root, &err))
        NODE_MALFORMED("custom options: %s", err ? err : "missing");
    if (root->type != FXB_MAP)
        NODE_MALFORMED("custom options are not a map");
    return SEGTEX_OK;
}
