/* The reference backend: one kernel call per node, in file order. */
#include "nn/model.h"

#include <string.h>

static const float *opt_data(const segtex_model *m, int tid) { return tid >= 0 ? m->tensors[tid].data : NULL; }

void nn_ref_run_node(segtex_model *m, int i)
{
    {
        const nn_node *n = &m->nodes[i];
        const nn_tensor *a = &m->tensors[n->in[0]];
        const nn_tensor *b = n->num_in > 1 && n->in[1] >= 0 ? &m->tensors[n->in[1]] : NULL;
        nn_tensor *o = &m->tensors[n->out[0]];
        switch (n->op) {
        case NN_OP_ADD:
        case NN_OP_SUB:
        case NN_OP_MUL: {
            int op = n->op == NN_OP_ADD ? NN_BINARY_ADD : n->op == NN_OP_SUB ? NN_BINARY_SUB : NN_BINARY_MUL;
            nn_ref_binary(op, a->data, a->dims, b->data, b->dims, o->data, o->dims, n->p.act);
            break;
        }
        case NN_OP_CONV2D:
            nn_ref_conv2d(a->data, a->dims, b->data, b->dims, n->num_in > 2 ? opt_data(m, n->in[2]) : NULL,
                          o->data, o->dims, &n->p.conv);
            break;
        case NN_OP_DEPTHWISE_CONV2D:
            nn_ref_depthwise_conv2d(a->data, a->dims, b->data, b->dims,
                                    n->num_in > 2 ? opt_data(m, n->in[2]) : NULL, o->data, o->dims,
                                    &n->p.conv);
            break;
        case NN_OP_TRANSPOSE_CONV:
            if (!strcmp(n->op_name, "TRANSPOSE_CONV")) { /* output_shape, weights, input, [bias] */
                const nn_tensor *in = &m->tensors[n->in[2]];
                nn_ref_transpose_conv(in->data, in->dims, b->data, b->dims,
                                      n->num_in > 3 ? opt_data(m, n->in[3]) : NULL, o->data, o->dims,
                                      &n->p.conv);
            } else { /* Convolution2DTransposeBias: input, weights, bias */
                nn_ref_transpose_conv(a->data, a->dims, b->data, b->dims, opt_data(m, n->in[2]), o->data,
                                      o->dims, &n->p.conv);
            }
            break;
        case NN_OP_AVG_POOL: nn_ref_avg_pool(a->data, a->dims, o->data, o->dims, &n->p.pool); break;
        case NN_OP_MAX_POOL: nn_ref_max_pool(a->data, a->dims, o->data, o->dims, &n->p.pool); break;
        case NN_OP_MEAN: nn_ref_reduce(a->data, a->dims, n->p.axes, 1, o->data); break;
        case NN_OP_SUM: nn_ref_reduce(a->data, a->dims, n->p.axes, 0, o->data); break;
        case NN_OP_PAD: nn_ref_pad(a->data, a->dims, n->p.before, 0.0f, o->data, o->dims); break;
        case NN_OP_CONCAT: {
            const float *ins[NN_NODE_MAX_IN];
            nn_dims dims[NN_NODE_MAX_IN];
            for (int k = 0; k < n->num_in; k++) {
                ins[k] = m->tensors[n->in[k]].data;
                dims[k] = m->tensors[n->in[k]].dims;
            }
            nn_ref_concat(ins, dims, n->num_in, n->p.concat.axis, o->data, o->dims);
            break;
        }
        case NN_OP_RESHAPE:
            if (o->data != a->data)
                memcpy(o->data, a->data, a->count * sizeof(float));
            break;
        case NN_OP_STRIDED_SLICE:
            nn_ref_strided_slice(a->data, a->dims, n->p.slice.begin, n->p.slice.stride, o->data, n->p.slice.out);
            break;
        case NN_OP_RESIZE_BILINEAR:
            nn_ref_resize_bilinear(a->data, a->dims, o->data, o->dims, n->p.resize.align_corners,
                                   n->p.resize.half_pixel_centers);
            break;
        case NN_OP_RELU: nn_ref_unary(NN_UNARY_RELU, a->data, o->data, a->count); break;
        case NN_OP_RELU6: nn_ref_unary(NN_UNARY_RELU6, a->data, o->data, a->count); break;
        case NN_OP_LOGISTIC: nn_ref_unary(NN_UNARY_LOGISTIC, a->data, o->data, a->count); break;
        case NN_OP_HARD_SWISH: nn_ref_unary(NN_UNARY_HARD_SWISH, a->data, o->data, a->count); break;
        case NN_OP_TANH: nn_ref_unary(NN_UNARY_TANH, a->data, o->data, a->count); break;
        case NN_OP_PRELU: nn_ref_prelu(a->data, a->dims, b->data, b->dims, o->data); break;
        case NN_OP_SOFTMAX: nn_ref_softmax(a->data, a->dims, n->p.beta, o->data); break;
        case NN_OP_LANDMARKS_TO_TRANSFORM_MATRIX:
            nn_ref_landmarks_to_transform_matrix(a->data, (int)(a->count / 3), &n->p.l2t, o->data);
            break;
        case NN_OP_TRANSFORM_TENSOR_BILINEAR:
            nn_ref_transform_tensor_bilinear(a->data, a->dims, b->data, o->data, o->dims);
            break;
        case NN_OP_TRANSFORM_LANDMARKS:
            nn_ref_transform_landmarks(a->data, a->dims.d[2] * a->dims.d[1] * a->dims.d[0], a->dims.d[3],
                                       b->data, o->data);
            break;
        }
    }
}

void nn_ref_invoke(segtex_model *m)
{
    for (int i = 0; i < m->num_nodes; i++)
        nn_ref_run_node(m, i);
}
