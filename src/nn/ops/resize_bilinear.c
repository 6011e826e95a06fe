/* RESIZE_BILINEAR to a constant size; align_corners / half_pixel_centers (never both). */
#include "nn/ops/op.h"
#ifdef SEGTEX_HAVE_XNNPACK
#include "nn/xnnpack/xnn.h"
#endif

static segtex_status prepare(nn_opctx *o)
{
    segtex_status st;
    if ((st = nn_need_io(o, 2, 2, 1)) || (st = nn_need_float(o, 0)))
        return st;
    nn_tensor *in = T(o, 0);
    if ((st = nn_need_rank(o, in, 4, "input")))
        return st;
    const int32_t *size = nn_need_i32(o, 1, 2);
    if (!size)
        return SEGTEX_ERROR_MALFORMED;
    if (size[0] < 1 || size[1] < 1 || size[0] > 16384 || size[1] > 16384)
        NODE_MALFORMED("size %dx%d out of range", size[0], size[1]);
    uint8_t ac, hp;
    if (nn_opt_u8(o, 2, 0, &ac) || nn_opt_u8(o, 3, 0, &hp))
        return SEGTEX_ERROR_MALFORMED;
    if (ac && hp)
        NODE_MALFORMED("align_corners and half_pixel_centers are both set");
    o->n->p.resize.align_corners = ac != 0;
    o->n->p.resize.half_pixel_centers = hp != 0;
    nn_dims d = {{in->dims.d[0], size[0], size[1], in->dims.d[3]}};
    return nn_check_out(o, 0, d);
}

static void ref(segtex_model *m, const nn_node *n)
{
    const nn_tensor *a = nn_in(m, n, 0);
    nn_tensor *o = nn_out(m, n, 0);
    nn_ref_resize_bilinear(a->data, a->dims, o->data, o->dims, n->p.resize.align_corners,
                           n->p.resize.half_pixel_centers);
}

#ifdef SEGTEX_HAVE_XNNPACK
static int define(nn_xnn_builder *b, const nn_node *n, uint32_t in, uint32_t out)
{
    const nn_tensor *o = nn_out(b->m, n, 0);
    /* XNNPACK's default is half-pixel centres; TFLite's default (neither flag) is its legacy mode. */
    uint32_t flags = n->p.resize.align_corners        ? XNN_FLAG_ALIGN_CORNERS
                     : n->p.resize.half_pixel_centers ? 0
                                                      : XNN_FLAG_TENSORFLOW_LEGACY_MODE;
    return xnn_define_static_resize_bilinear_2d(b->sg, (size_t)o->dims.d[1], (size_t)o->dims.d[2], in, out,
                                                flags) == xnn_status_success
               ? 0
               : -1;
}
#endif

const nn_op_def nn_op_resize_bilinear = {"RESIZE_BILINEAR", 23, 0, prepare, ref, NULL, NN_XNN(define)};
