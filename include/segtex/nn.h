/*
 * segtex nn: run TensorFlow Lite models (MediaPipe's vision models) in plain C.
 *
 * A model is loaded once (file parsed and validated, weights converted to
 * float32, shapes inferred and checked, every intermediate tensor placed in
 * one arena planned by tensor lifetime), then invoked any number of times.
 * segtex_model_invoke performs no heap allocation and no logging.
 *
 * Thread safety: one model may be invoked by one thread at a time; distinct
 * models are independent.
 */
#ifndef SEGTEX_NN_H
#define SEGTEX_NN_H

#include "segtex/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct segtex_model segtex_model;

typedef enum segtex_backend {
    SEGTEX_BACKEND_AUTO = 0,    /* XNNPACK when the library was built with it, else the reference */
    SEGTEX_BACKEND_REF = 1,     /* plain C reference kernels: the oracle and the fallback */
    SEGTEX_BACKEND_XNNPACK = 2, /* XNNPACK subgraphs, host kernels for the ops it lacks */
} segtex_backend;

struct segtex_threadpool;

typedef struct segtex_model_options {
    segtex_backend backend;
    /*
     * Threads for the backend (include/segtex/pipeline.h); NULL runs on the
     * calling thread. Not owned: it must outlive the model. Several models
     * may share one pool (invoke them from one thread at a time).
     */
    struct segtex_threadpool *pool;
} segtex_model_options;

/* 1 when `backend` was compiled in (AUTO and REF always are). */
int segtex_backend_available(segtex_backend backend);

/* The backend AUTO resolves to. */
segtex_backend segtex_backend_default(void);

/* Parse "ref" / "xnnpack" / "auto"; -1 for anything else. */
int segtex_backend_parse(const char *name);

#define SEGTEX_MAX_DIMS 4

typedef struct segtex_tensor_info {
    const char *name;           /* owned by the model */
    int rank;                   /* 0..4 */
    int dims[SEGTEX_MAX_DIMS];  /* dims[0..rank-1] */
    size_t count;               /* number of float elements */
    float *data;                /* float32, owned by the model, valid until destroy */
} segtex_tensor_info;

/*
 * Load a .tflite file. `options` may be NULL (reference backend). On
 * success `*out` owns everything it needs (the file is not kept open). On
 * failure logs one line naming the model, the field and the index, e.g.
 * "model 'x.tflite': operator 12 input 3 refers to tensor 913, the graph
 * has 246", returns SEGTEX_ERROR_IO / _MALFORMED / _UNSUPPORTED /
 * _OUT_OF_MEMORY and sets `*out` to NULL.
 */
segtex_status segtex_model_load(const char *path, const segtex_model_options *options,
                                segtex_model **out);

/* The same from memory (the bytes are not kept); `name` is used in messages. */
segtex_status segtex_model_load_memory(const void *data, size_t size, const char *name,
                                       const segtex_model_options *options, segtex_model **out);

/* Free the model. NULL is fine. */
void segtex_model_destroy(segtex_model *model);

int segtex_model_input_count(const segtex_model *model);
int segtex_model_output_count(const segtex_model *model);

/*
 * Describe input/output `index`. The data pointer stays valid until destroy:
 * write inputs there before invoke, read outputs there after it. Returns
 * SEGTEX_ERROR_INVALID_ARGUMENT for an index out of range.
 */
segtex_status segtex_model_input(const segtex_model *model, int index, segtex_tensor_info *info);
segtex_status segtex_model_output(const segtex_model *model, int index, segtex_tensor_info *info);

/* Run the model on its current inputs. No allocation, no logging. */
segtex_status segtex_model_invoke(segtex_model *model);

/* What `segtex model info` prints. */
typedef struct segtex_model_stats {
    int num_tensors;
    int num_nodes;            /* executed nodes (after folding DEQUANTIZE of constants) */
    int num_folded;           /* DEQUANTIZE nodes folded into float32 constants */
    size_t num_parameters;    /* elements of constant float tensors */
    uint64_t macs;            /* multiply-accumulates per invoke (conv, depthwise, deconv) */
    size_t arena_bytes;       /* planned arena for intermediate tensors */
    size_t naive_bytes;       /* sum of all intermediate tensor sizes (no reuse) */
    size_t constant_bytes;    /* float32 constants owned by the model */
    segtex_backend backend;   /* the backend in use (never AUTO) */
    int num_partitions;       /* XNNPACK subgraphs (0 on the reference backend) */
    int num_host_nodes;       /* nodes run by host kernels (all, on the reference backend) */
} segtex_model_stats;

/*
 * Ops run as host kernels between XNNPACK subgraphs: fn(user, op, count),
 * in the order of first appearance. Nothing is reported on the reference backend.
 */
void segtex_model_host_ops(const segtex_model *model,
                           void (*fn)(void *user, const char *op, int count), void *user);

void segtex_model_get_stats(const segtex_model *model, segtex_model_stats *stats);

/*
 * Op histogram: calls fn(user, op_name, count) for each op type present, in
 * the order of first appearance. Op names are TFLite's (CONV_2D, ...) or
 * the custom op's name.
 */
void segtex_model_op_histogram(const segtex_model *model,
                               void (*fn)(void *user, const char *op, int count), void *user);

const char *segtex_backend_name(segtex_backend backend);

#ifdef __cplusplus
}
#endif
#endif
