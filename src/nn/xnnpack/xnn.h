/*
 * What an op's XNNPACK define (src/nn/ops/<op>.c, compiled only with
 * SEGTEX_HAVE_XNNPACK) may use of the backend that is building a subgraph.
 * Only the XNNPACK backend and the ops' define functions include this
 * header (and through it xnnpack.h).
 */
#ifndef SEGTEX_NN_XNNPACK_XNN_H
#define SEGTEX_NN_XNNPACK_XNN_H

#include "nn/model.h"

#include <xnnpack.h>

typedef struct nn_xnn_builder {
    segtex_model *m;
    struct nn_xnn_plan *plan;
    xnn_subgraph_t sg;
    uint32_t *vid;      /* tensor -> value id in the current subgraph */
    int first, end;     /* node range of the current run */
    int *external;      /* tensors made external in the current run */
    int num_external;
} nn_xnn_builder;

/* Value of tensor t in the current subgraph (4-D padded shape), defined on first use. 0 or -1. */
int nn_xnn_value(nn_xnn_builder *b, int t, uint32_t *id);
/* A 1-D view of a constant (bias, PReLU slope), or zeros owned by the plan when t < 0. 0 or -1. */
int nn_xnn_value_1d(nn_xnn_builder *b, int t, size_t count, uint32_t *id);
/* A 2-D view [d0,d1] of a constant (fully-connected weights). 0 or -1. */
int nn_xnn_value_2d(nn_xnn_builder *b, int t, size_t d0, size_t d1, uint32_t *id);
/* The clamp range of a TFLite fused activation. */
void nn_xnn_act_range(int act, float *lo, float *hi);
/* Padding that makes XNNPACK's output size equal ours: total = (out-1)*s + ek - in. */
int nn_xnn_trailing_pad(int in, int out, int k, int s, int d, int lead);
#endif
