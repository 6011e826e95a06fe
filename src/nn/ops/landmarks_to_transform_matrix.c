/* MediaPipe Landmarks2TransformMatrix (custom, version 2; flexbuffer options). A host op. */
#include "nn/flexbuf.h"
#include "nn/ops/op.h"

static segtex_status prepare(nn_opctx *o)
{
    segtex_status st;
    if ((st = nn_need_io(o, 1, 1, 1)) || (st = nn_need_float(o, 0)))
        return st;
    fxb_ref root;
    if ((st = nn_flex_root(o, &root)))
        return st;
    nn_tensor *in = T(o, 0);
    if (in->count % 3)
        NODE_MALFORMED("landmarks tensor '%s' has %zu values, not a multiple of 3", in->name, in->count);
    int64_t n = (int64_t)(in->count / 3);
    int64_t li, ri, oh, ow;
    double sx, sy, rot;
    nn_l2t_params *p = &o->n->p.l2t;
    if ((st = nn_flex_int(o, &root, "left_rotation_idx", 0, 0, 0, n - 1, &li)) ||
        (st = nn_flex_int(o, &root, "right_rotation_idx", 0, 0, 0, n - 1, &ri)) ||
        (st = nn_flex_int(o, &root, "output_height", 0, 0, 1, 4096, &oh)) ||
        (st = nn_flex_int(o, &root, "output_width", 0, 0, 1, 4096, &ow)) ||
        (st = nn_flex_float(o, &root, "scale_x", 1.0, &sx)) || (st = nn_flex_float(o, &root, "scale_y", 1.0, &sy)) ||
        (st = nn_flex_float(o, &root, "target_rotation_radians", 0.0, &rot)))
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

static void ref(segtex_model *m, const nn_node *n)
{
    const nn_tensor *a = nn_in(m, n, 0);
    nn_ref_landmarks_to_transform_matrix(a->data, (int)(a->count / 3), &n->p.l2t, nn_out(m, n, 0)->data);
}

const nn_op_def nn_op_landmarks_to_transform_matrix = {"Landmarks2TransformMatrix", NN_TFL_CUSTOM, 2, prepare, ref,
                                                       NULL, NULL};
