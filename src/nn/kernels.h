/*
 * Reference kernels: plain, readable C, float32, NHWC. They are the oracle
 * for every optimized backend, so clarity beats speed here.
 *
 * Conventions shared by every kernel:
 * - Shapes are nn_dims: rank-4 [N,H,W,C]. Tensors of lower rank are padded
 *   with leading 1s by the caller (rank 2 [a,b] -> [1,1,a,b]).
 * - Weights of CONV_2D and (transposed) deconvolutions are [O,KH,KW,I];
 *   DEPTHWISE_CONV_2D weights are [1,KH,KW,C*multiplier].
 * - Padding is explicit (pad_top/pad_left); the graph converts TFLite's
 *   SAME/VALID into these numbers. Out-of-range taps contribute nothing.
 * - `act` is the TFLite fused activation code (enum nn_act). It is applied
 *   to each output value last.
 * - Kernels never allocate and never fail: the graph validated shapes and
 *   parameters before calling them. Output buffers never alias inputs,
 *   except where a kernel says so.
 */
#ifndef SEGTEX_NN_KERNELS_H
#define SEGTEX_NN_KERNELS_H

#include <stddef.h>
#include <stdint.h>

typedef struct nn_dims {
    int d[4]; /* N, H, W, C */
} nn_dims;

static inline size_t nn_dims_count(nn_dims s)
{
    return (size_t)s.d[0] * (size_t)s.d[1] * (size_t)s.d[2] * (size_t)s.d[3];
}

/* TFLite's ActivationFunctionType values. */
enum nn_act {
    NN_ACT_NONE = 0,
    NN_ACT_RELU = 1,
    NN_ACT_RELU_N1_TO_1 = 2,
    NN_ACT_RELU6 = 3,
    NN_ACT_TANH = 4,
    NN_ACT_SIGN_BIT = 5, /* not supported: rejected at load */
};

float nn_activate(float x, int act);

/* ---- element-wise ------------------------------------------------------- */

enum nn_binary_op { NN_BINARY_ADD, NN_BINARY_SUB, NN_BINARY_MUL };

/*
 * out = act(a OP b) with NumPy/TFLite broadcasting: for each of the 4 dims,
 * da.d[i] and db.d[i] are equal or one of them is 1; dout is the max.
 */
void nn_ref_binary(int op, const float *a, nn_dims da, const float *b, nn_dims db,
                   float *out, nn_dims dout, int act);

enum nn_unary_op {
    NN_UNARY_RELU,      /* max(0,x) */
    NN_UNARY_RELU6,     /* min(max(0,x),6) */
    NN_UNARY_LOGISTIC,  /* 1/(1+exp(-x)) */
    NN_UNARY_HARD_SWISH,/* x * relu6(x+3) / 6 */
    NN_UNARY_TANH,
};
/* out[i] = f(in[i]) for i < count; out may equal in. */
void nn_ref_unary(int op, const float *in, float *out, size_t count);

/* PReLU: out = x >= 0 ? x : alpha * x, alpha broadcast to dims (as nn_ref_binary). */
void nn_ref_prelu(const float *in, nn_dims din, const float *alpha, nn_dims dalpha,
                  float *out);

/* Softmax over the last dim (C): out = exp(beta*(x-max)) / sum. */
void nn_ref_softmax(const float *in, nn_dims d, float beta, float *out);

/* ---- convolution -------------------------------------------------------- */

typedef struct nn_conv_params {
    int stride_h, stride_w;
    int dilation_h, dilation_w; /* 1 = none */
    int pad_top, pad_left;      /* explicit; bottom/right follow from the output size */
    int depth_multiplier;       /* depthwise only */
    int act;
} nn_conv_params;

/*
 * CONV_2D: out[n,y,x,o] = act(bias[o] + sum_{ky,kx,i} in[n, y*sh - pt + ky*dh,
 * x*sw - pl + kx*dw, i] * w[o,ky,kx,i]). `bias` may be NULL (zero).
 */
void nn_ref_conv2d(const float *in, nn_dims din, const float *w, nn_dims dw,
                   const float *bias, float *out, nn_dims dout, const nn_conv_params *p);

/*
 * DEPTHWISE_CONV_2D: output channel oc = ic * multiplier + m;
 * out[n,y,x,oc] = act(bias[oc] + sum in[n, ..., ic] * w[0,ky,kx,oc]).
 */
void nn_ref_depthwise_conv2d(const float *in, nn_dims din, const float *w, nn_dims dw,
                             const float *bias, float *out, nn_dims dout,
                             const nn_conv_params *p);

/*
 * Transposed convolution (TFLite TRANSPOSE_CONV and MediaPipe's
 * Convolution2DTransposeBias): every input pixel scatters its weighted
 * kernel into the output: for each n, iy, ix, ky, kx, o, i:
 *   oy = iy*stride_h + ky - pad_top, ox = ix*stride_w + kx - pad_left,
 *   out[n,oy,ox,o] += in[n,iy,ix,i] * w[o,ky,kx,i]   (when oy,ox in range)
 * then out = act(out + bias[o]). `bias` may be NULL. Dilation is ignored.
 */
void nn_ref_transpose_conv(const float *in, nn_dims din, const float *w, nn_dims dw,
                           const float *bias, float *out, nn_dims dout,
                           const nn_conv_params *p);

/*
 * FULLY_CONNECTED: out[b,o] = act(bias[o] + sum_i in[b,i] * w[o,i]) for b < batch,
 * o < out_ch; in is [batch,in_ch], w is [out_ch,in_ch] (TFLite's layout); `bias` may be NULL.
 */
void nn_ref_fully_connected(const float *in, int batch, int in_ch, const float *w, const float *bias, int out_ch,
                            float *out, int act);

/* ---- pooling and reductions -------------------------------------------- */

typedef struct nn_pool_params {
    int filter_h, filter_w;
    int stride_h, stride_w;
    int pad_top, pad_left;
    int act;
} nn_pool_params;

/* AVERAGE_POOL_2D: average over the taps inside the input (padding not counted, as TFLite). */
void nn_ref_avg_pool(const float *in, nn_dims din, float *out, nn_dims dout, const nn_pool_params *p);
/* MAX_POOL_2D: max over the taps inside the input. */
void nn_ref_max_pool(const float *in, nn_dims din, float *out, nn_dims dout, const nn_pool_params *p);

/*
 * MEAN / SUM over the dims whose bit is set in `axes_mask` (bit i = dim i).
 * The output holds the reduced dims as 1 (keep_dims layout; the data order is
 * the same with or without keep_dims). `mean` selects MEAN (1) or SUM (0).
 */
void nn_ref_reduce(const float *in, nn_dims din, unsigned axes_mask, int mean, float *out);

/* ---- data movement ------------------------------------------------------ */

/* PAD with a constant: out = in shifted by before[i] in each dim, `value` elsewhere. */
void nn_ref_pad(const float *in, nn_dims din, const int before[4], float value,
                float *out, nn_dims dout);

/* CONCATENATION along `axis` (0..3) of `count` inputs; all other dims equal. */
void nn_ref_concat(const float *const *in, const nn_dims *din, int count, int axis,
                   float *out, nn_dims dout);

/* STRIDED_SLICE, resolved: out[i0..] = in[begin[k] + i_k * stride[k]] for each dim k; strides may be negative. */
void nn_ref_strided_slice(const float *in, nn_dims din, const int begin[4], const int stride[4],
                          float *out, nn_dims dout);

/*
 * DEPTH_TO_SPACE (TFLite's DCR order): out[n, y, x, c] =
 * in[n, y/block, x/block, ((y%block)*block + x%block) * Cout + c], Cout = C/block^2.
 */
void nn_ref_depth_to_space(const float *in, nn_dims din, int block, float *out);

/*
 * RESIZE_BILINEAR (TFLite's float reference, bit for bit) from din's H,W to
 * dout's H,W; per axis:
 * scale = in/out, or (in-1)/(out-1) when align_corners and out > 1;
 * src = (dst+0.5)*scale - 0.5 with half_pixel_centers, else dst*scale;
 * y0 = max(floor(src), 0), y1 = min(ceil(src), in-1), and y1's weight is
 * src - y0. src itself is not clamped: at the top/left border in half-pixel
 * mode that weight is negative, but y0 == y1 there so the value is kept.
 * align_corners and half_pixel_centers are never both set (TFLite rejects it).
 */
void nn_ref_resize_bilinear(const float *in, nn_dims din, float *out, nn_dims dout,
                            int align_corners, int half_pixel_centers);

/* ---- MediaPipe custom ops (mediapipe/util/tflite/operations/) ----------- */

/*
 * Landmarks2TransformMatrix (v2): from landmarks (x,y,z per landmark, stride 3
 * floats; the model's tensor is [1,N,3]) compute the row-major 4x4 matrix
 * (the op's output tensor [1,4,4]) that maps output pixel coordinates of the
 * rotated crop to the coordinates of the landmarks, exactly as MediaPipe's
 * landmarks_to_transform_matrix.cc (v2):
 *   r = target_rotation_radians - atan2(y[right] - y[left], x[right] - x[left]);
 *   the subset landmarks rotated by r give a box (w, h) whose centre, rotated
 *   back, is (cx, cy);
 *   matrix = T(cx,cy) * R(-r) * S(scale_x*w/output_width, scale_y*h/output_height)
 *            * T(-output_width/2, -output_height/2).
 * `subset_idxs` is the op's flat int vector "subset_idxs": a list of landmark
 * indices (MediaPipe groups them in pairs, both ends used; not ranges). The box
 * covers every listed index. NULL (subset_count 0) means all N landmarks (a
 * segtex convenience; MediaPipe requires a non-empty list).
 * Indices must be < num_landmarks. Never allocates.
 */
typedef struct nn_l2t_params {
    int left_rotation_idx, right_rotation_idx;
    float target_rotation_radians;
    int output_height, output_width;
    float scale_x, scale_y;
    const int *subset_idxs; /* may be NULL: all landmarks */
    int subset_count;       /* number of ints in subset_idxs */
} nn_l2t_params;
void nn_ref_landmarks_to_transform_matrix(const float *landmarks, int num_landmarks,
                                          const nn_l2t_params *p, float matrix[16]);

/*
 * TransformTensorBilinear (v2): out[1,oh,ow,C] sampled bilinearly from
 * in[1,H,W,C'] (C <= C'; channel c of out reads channel c of in; batch 0 only)
 * with the 4x4 row-major matrix (rows 0 and 1 used), exactly as MediaPipe's
 * transform_tensor_bilinear.cc (v2): the source of output pixel (x,y) is
 * M * (x+0.5, y+0.5, 0, 1) - 0.5 (pixel centres to pixel centres); a source
 * outside [0,W-1] x [0,H-1] gives 0 in every channel (no clamping); inside,
 * the 4 neighbours are blended, a neighbour past the edge (weight 0) reads 0.
 * oh, ow are the op's options output_height, output_width. Never allocates.
 */
void nn_ref_transform_tensor_bilinear(const float *in, nn_dims din, const float matrix[16],
                                      float *out, nn_dims dout);

/*
 * TransformLandmarks (v2): landmarks [1,N,D] (D = dims_per_landmark, 2 or 3)
 * mapped by the 4x4 row-major matrix, as MediaPipe's transform_landmarks.cc
 * (v2): x' = m0*x + m1*y + m3, y' = m4*x + m5*y + m7; z copied unchanged.
 * Output has the input's shape. in == out is allowed. Never allocates.
 */
void nn_ref_transform_landmarks(const float *in, int num_landmarks, int dims_per_landmark,
                                const float matrix[16], float *out);

#endif
