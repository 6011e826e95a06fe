/*
 * The model's internal form: tensors and nodes in execution order, with
 * every parameter resolved at load so that invoke only calls kernels.
 */
#ifndef SEGTEX_NN_MODEL_H
#define SEGTEX_NN_MODEL_H

#include "nn/kernels.h"
#include "segtex/nn.h"

#define NN_NODE_MAX_IN 8
#define NN_NODE_MAX_OUT 2

struct nn_op_def; /* src/nn/ops/op.h */

/* TFLite tensor types we read. */
enum nn_type { NN_TYPE_FLOAT32 = 0, NN_TYPE_FLOAT16 = 1, NN_TYPE_INT32 = 2 };

typedef struct nn_tensor {
    const char *name;  /* owned by the model's string pool */
    int type;          /* enum nn_type */
    int rank;
    int shape[4];      /* as declared in the file, rank dims */
    nn_dims dims;      /* shape padded to 4 dims with leading 1s */
    size_t count;
    int is_const;      /* a weight: data owned by the model, never written */
    int is_io;         /* graph input or output */
    int is_sparse;     /* read from TFLite SparsityParameters and densified at load */
    float *data;       /* float32 storage (constant or arena); NULL until planned */
    int32_t *i32;      /* int32 constants (shapes, axes) */
    int producer;      /* node index, -1 for constants and graph inputs */
    int first_use, last_use; /* node index range the arena slot must cover */
    size_t offset;     /* arena offset in bytes */
} nn_tensor;

typedef struct nn_node {
    const struct nn_op_def *def; /* what the op is and how each backend runs it */
    const char *op_name;    /* def->name: for messages and statistics */
    int index;              /* operator index in the file */
    int in[NN_NODE_MAX_IN];
    int num_in;
    int out[NN_NODE_MAX_OUT];
    int num_out;
    uint64_t macs;
    union {
        nn_conv_params conv;
        nn_pool_params pool;
        int act;
        unsigned axes;
        int before[4];
        struct { int axis, act; } concat;
        struct { int begin[4], stride[4]; nn_dims out; } slice;
        struct { int align_corners, half_pixel_centers; } resize;
        float beta;
        int block;          /* DEPTH_TO_SPACE */
        nn_l2t_params l2t;
    } p;
    int *subset;            /* owned storage for p.l2t.subset_idxs */
} nn_node;

struct segtex_model {
    char name[256];
    segtex_model_options options;
    nn_tensor *tensors;
    int num_tensors;
    nn_node *nodes;
    int num_nodes;
    int nodes_cap;          /* allocated node slots (all zeroed at allocation) */
    int *inputs, *outputs;
    int num_inputs, num_outputs;
    char *strings;          /* tensor names */
    uint8_t *arena;         /* all non-constant tensors */
    size_t arena_bytes, naive_bytes, constant_bytes;
    size_t num_parameters;
    uint64_t macs;
    int num_folded;
    struct nn_xnn_plan *xnn;  /* NULL on the reference backend */
    int num_partitions;       /* XNNPACK subgraphs */
    int num_host_nodes;
    const char *host_name[64]; /* host-op histogram (XNNPACK backend) */
    int host_count[64];
    int host_len;
    /* op histogram in order of first appearance */
    const char *hist_name[64];
    int hist_count[64];
    int hist_len;
};

/* Parse and validate the file into `m` (tflite.c). Logs and returns an error on any violation. */
segtex_status nn_tflite_parse(segtex_model *m, const uint8_t *data, size_t size);

/* Plan the arena and bind tensor data pointers (plan.c). */
segtex_status nn_plan_memory(segtex_model *m);

/* Run every node with the reference kernels (ref_backend.c). */
void nn_ref_invoke(segtex_model *m);
/* Run node i with its reference kernel. */
void nn_ref_run_node(segtex_model *m, int i);

/*
 * Densify a sparse constant (sparse.c): `sparsity` is the tensor's TFLite
 * SparsityParameters table, `src` its buffer of `src_bytes` bytes holding
 * FLOAT32 or FLOAT16 values; writes the tensor's dense float32 values into
 * `dense` (t->count floats). Every field is validated; a violation is logged
 * naming the model and tensor and returns SEGTEX_ERROR_MALFORMED or
 * SEGTEX_ERROR_UNSUPPORTED.
 */
/* IEEE half to float, exact (tflite.c). */
float nn_half_to_float(uint16_t h);

struct fb_buf;
struct fb_table;
segtex_status nn_densify(const segtex_model *m, int tid, const struct fb_buf *b, const struct fb_table *sparsity,
                         const uint8_t *src, size_t src_bytes, float *dense);

/*
 * XNNPACK backend (xnnpack/backend.c, built when libxnnpack-dev is found).
 * nn_xnn_create partitions the planned graph into XNNPACK runtimes and host
 * nodes and stores the plan in m->xnn; nn_xnn_invoke runs it.
 */
struct nn_xnn_plan;
segtex_status nn_xnn_create(segtex_model *m, struct segtex_threadpool *pool);
void nn_xnn_invoke(segtex_model *m);
void nn_xnn_destroy(struct nn_xnn_plan *plan);
int nn_xnn_available(void);
#endif
