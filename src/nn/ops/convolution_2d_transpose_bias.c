/*
 * MediaPipe's Convolution2DTransposeBias (custom, version 1): inputs input,
 * weights [O,H,W,I], bias [O]; custom options are three little-endian
 * int32: padding (1 SAME, 2 VALID), stride_width, stride_height. The kernel
 * and the XNNPACK define are TRANSPOSE_CONV's (transpose_conv.c).
 */
#include "nn/ops/op.h"

static segtex_status prepare(nn_opctx *o)
{
    segtex_status st;
    if ((st = nn_need_io(o, 3, 3, 1)))
        return st;
    if (o->custom_len != 12)
        NODE_MALFORMED("custom options are %u bytes, expected 12", o->custom_len);
    int32_t padding = (int32_t)fb_rd32(o->custom), sw = (int32_t)fb_rd32(o->custom + 4),
            sh = (int32_t)fb_rd32(o->custom + 8);
    if (padding != 1 && padding != 2)
        NODE_MALFORMED("padding %d is not SAME (1) or VALID (2)", padding);
    return nn_deconv_prepare(o, 0, 1, 2, padding - 1, sh, sw, 0, NULL);
}

const nn_op_def nn_op_convolution_2d_transpose_bias = {"Convolution2DTransposeBias", NN_TFL_CUSTOM, 1, prepare,
                                                       nn_deconv_ref, NN_XNN(nn_deconv_xnn_supported),
                                                       NN_XNN(nn_deconv_xnn_define)};
