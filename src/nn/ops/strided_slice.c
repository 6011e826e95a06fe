/* STRIDED_SLICE with constant begin/end/strides and begin/end/shrink masks, resolved at load. This XNNPACK has no slice: a host op. */
#include "nn/ops/op.h"

#include <stdio.h>

static segtex_status prepare(nn_opctx *o)
{
    segtex_status st;
    if ((st = nn_need_io(o, 4, 4, 1)) || (st = nn_need_float(o, 0)))
        return st;
    nn_tensor *in = T(o, 0);
    const int32_t *begin, *end, *strides; /* one at a time: one message for one problem */
    if (!(begin = nn_need_i32(o, 1, (size_t)in->rank)) || !(end = nn_need_i32(o, 2, (size_t)in->rank)) ||
        !(strides = nn_need_i32(o, 3, (size_t)in->rank)))
        return SEGTEX_ERROR_MALFORMED;
    int32_t bm, em, elm, nam, sam;
    uint8_t offset;
    if (nn_opt_i32(o, 0, 0, &bm) || nn_opt_i32(o, 1, 0, &em) || nn_opt_i32(o, 2, 0, &elm) ||
        nn_opt_i32(o, 3, 0, &nam) || nn_opt_i32(o, 4, 0, &sam) || nn_opt_u8(o, 5, 0, &offset))
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

static void ref(segtex_model *m, const nn_node *n)
{
    const nn_tensor *a = nn_in(m, n, 0);
    nn_ref_strided_slice(a->data, a->dims, n->p.slice.begin, n->p.slice.stride, nn_out(m, n, 0)->data, n->p.slice.out);
}

const nn_op_def nn_op_strided_slice = {"STRIDED_SLICE", 45, 0, prepare, ref, NULL, NULL};
