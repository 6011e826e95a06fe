/*
 * A tiny TFLite FlatBuffer writer for tests: describe a model (buffers,
 * tensors, operator codes, operators with builtin options tables or custom
 * options bytes, one subgraph), serialize it, then break exactly one rule by
 * patching the bytes at the positions reported in tb_layout.
 *
 * Written from the public schema (tensorflow/lite/schema/schema.fbs) and the
 * FlatBuffers / FlexBuffers wire formats, not from the reader under test.
 * The file is written front to back: a referring table always comes before
 * what it refers to, so every uoffset is positive; each vtable sits just
 * before its table. Everything is 4-byte aligned. Builder calls abort on
 * misuse (too many objects): they are test code, and a test that cannot
 * build its model must not pass.
 *
 * Tests are single programs (tests/CMakeLists.txt builds each test_*.c
 * alone), so a test that uses the builder includes tflite_builder.c.
 */
#ifndef SEGTEX_TESTS_TFLITE_BUILDER_H
#define SEGTEX_TESTS_TFLITE_BUILDER_H

#include <stddef.h>
#include <stdint.h>

/* TensorType values (schema.fbs). */
enum { TB_FLOAT32 = 0, TB_FLOAT16 = 1, TB_INT32 = 2, TB_UINT8 = 3, TB_INT64 = 4, TB_INT8 = 9 };

/* BuiltinOperator values (schema.fbs). */
enum {
    TB_ADD = 0, TB_AVERAGE_POOL_2D = 1, TB_CONCATENATION = 2, TB_CONV_2D = 3,
    TB_DEPTHWISE_CONV_2D = 4, TB_DEPTH_TO_SPACE = 5, TB_DEQUANTIZE = 6, TB_LOGISTIC = 14,
    TB_MAX_POOL_2D = 17, TB_MUL = 18, TB_RELU = 19, TB_RELU6 = 21, TB_RESHAPE = 22,
    TB_RESIZE_BILINEAR = 23, TB_SOFTMAX = 25, TB_TANH = 28, TB_CUSTOM = 32, TB_PAD = 34,
    TB_MEAN = 40, TB_SUB = 41, TB_STRIDED_SLICE = 45, TB_PRELU = 54, TB_TRANSPOSE_CONV = 67,
    TB_SUM = 74, TB_HARD_SWISH = 117, TB_FULLY_CONNECTED = 9, TB_FLOOR = 8, TB_DENSIFY = 124,
};

/* BuiltinOptions union types (schema.fbs), written to Operator.builtin_options_type. */
enum {
    TB_OPT_NONE = 0, TB_OPT_CONV2D = 1, TB_OPT_DEPTHWISE_CONV2D = 2, TB_OPT_POOL2D = 5,
    TB_OPT_SOFTMAX = 9, TB_OPT_CONCATENATION = 10, TB_OPT_ADD = 11, TB_OPT_RESHAPE = 17,
    TB_OPT_MUL = 21, TB_OPT_PAD = 22, TB_OPT_RESIZE_BILINEAR = 15, TB_OPT_REDUCER = 27,
    TB_OPT_SUB = 28, TB_OPT_STRIDED_SLICE = 32, TB_OPT_TRANSPOSE_CONV = 49, TB_OPT_FULLY_CONNECTED = 8,
    TB_OPT_DEPTH_TO_SPACE = 94,
};

/* Padding and ActivationFunctionType values. */
enum { TB_SAME = 0, TB_VALID = 1 };
enum { TB_ACT_NONE = 0, TB_ACT_RELU = 1, TB_ACT_RELU_N1_TO_1 = 2, TB_ACT_RELU6 = 3, TB_ACT_TANH = 4 };

/* Argument helpers: SHAPE(1, 4, 4, 2) and IDX(a, b) expand to "count, array"; I32(...) an array. */
#define SHAPE(...) (int)(sizeof((int[]){__VA_ARGS__}) / sizeof(int)), (int[]){__VA_ARGS__}
#define IDX(...) (int)(sizeof((int[]){__VA_ARGS__}) / sizeof(int)), (int[]){__VA_ARGS__}
#define I32(...) ((const int32_t[]){__VA_ARGS__})

/* "Leave this field out of the table" for tb_opcode_raw and tb_set_version. */
#define TB_ABSENT INT32_MIN

#define TB_MAX_TENSORS 64
#define TB_MAX_OPS 64
#define TB_MAX_CODES 32
#define TB_MAX_BUFFERS 64
#define TB_MAX_FIELDS 16

/* A builtin options table: scalar fields by id. */
typedef struct tb_opts {
    int n;
    struct {
        int id;
        int size; /* 1 or 4 bytes */
        uint32_t bits;
    } f[TB_MAX_FIELDS];
} tb_opts;

void tb_opts_u8(tb_opts *o, int id, int value);
void tb_opts_i32(tb_opts *o, int id, int32_t value);
void tb_opts_f32(tb_opts *o, int id, float value);

/* Positions (byte offsets into the finished file) of what tests patch. 0 = not written. */
typedef struct tb_layout {
    uint32_t model_table;
    uint32_t opcodes_vec;          /* the uint32 length of Model.operator_codes */
    uint32_t opcode_table[TB_MAX_CODES];
    uint32_t subgraphs_vec;
    uint32_t subgraph_table;
    uint32_t tensors_vec;
    uint32_t tensor_table[TB_MAX_TENSORS];
    uint32_t tensor_shape[TB_MAX_TENSORS]; /* the uint32 length of the shape vector */
    uint32_t tensor_name[TB_MAX_TENSORS];  /* the uint32 length of the name string */
    uint32_t inputs_vec, outputs_vec;
    uint32_t operators_vec;
    uint32_t op_table[TB_MAX_OPS];
    uint32_t op_inputs[TB_MAX_OPS];        /* the uint32 length of Operator.inputs */
    uint32_t op_outputs[TB_MAX_OPS];
    uint32_t op_options[TB_MAX_OPS];       /* the builtin options table */
    uint32_t op_custom[TB_MAX_OPS];        /* the uint32 length of custom_options */
    uint32_t buffers_vec;
    uint32_t buffer_table[TB_MAX_BUFFERS];
    uint32_t buffer_data[TB_MAX_BUFFERS];  /* the uint32 length of Buffer.data */
} tb_layout;

/*
 * TFLite SparsityParameters of a constant tensor (schema.fbs): traversal
 * order, block map, and per level a DimensionMetadata (format 0 DENSE with
 * dense_size, or 1 SPARSE_CSR with array_segments / array_indices, each a
 * SparseIndexVector of type 1 int32, 2 uint16, 3 uint8; type 0 writes
 * neither the type nor the vector). The tensor's buffer holds the stored
 * values only. Fields are written as given, valid or not.
 */
typedef struct tb_dim_meta {
    int format, dense_size;
    int seg_type, num_seg, idx_type, num_idx;
    int32_t seg[64], idx[64];
} tb_dim_meta;
typedef struct tb_sparsity {
    int num_trav, trav[8], num_block, block_map[4], num_dims;
    tb_dim_meta dims[8];
} tb_sparsity;

typedef struct tb_model tb_model;

/* A new model: schema version 3, buffer 0 the empty buffer (as TFLite writes it). */
tb_model *tb_create(void);
void tb_destroy(tb_model *m);

/* Model.version; TB_ABSENT leaves the field out. */
void tb_set_version(tb_model *m, int32_t version);
/* Write Model.subgraphs as an empty vector. */
void tb_no_subgraph(tb_model *m);
/* Make Model.buffers `count` long; slots past the real buffers point at buffer 0's table. */
void tb_pad_buffers(tb_model *m, uint32_t count);

/* A buffer with `len` bytes of data (copied); returns its index. */
int tb_buffer(tb_model *m, const void *data, size_t len);

/* A tensor of `type` with `rank` dims (rank may be 0), data in `buffer`; returns its index. */
int tb_tensor(tb_model *m, const char *name, int type, int rank, const int *dims, int buffer);
/* Convenience: a FLOAT32 tensor with constant data, or an activation when data is NULL. */
int tb_tensor_f32(tb_model *m, const char *name, int rank, const int *dims, const float *data);
int tb_tensor_i32(tb_model *m, const char *name, int rank, const int *dims, const int32_t *data);
int tb_tensor_f16(tb_model *m, const char *name, int rank, const int *dims, const uint16_t *data);
/* Give tensor t sparsity parameters (copied). */
void tb_tensor_sparsity(tb_model *m, int t, const tb_sparsity *sp);

/* Operator codes; each returns its index. tb_opcode writes both the int8 and the int32 code. */
int tb_opcode(tb_model *m, int builtin, int version);
int tb_opcode_custom(tb_model *m, const char *name, int version);
/* Every field explicit; TB_ABSENT leaves it out, custom NULL too. */
int tb_opcode_raw(tb_model *m, int32_t deprecated_code, int32_t builtin_code, const char *custom,
                  int32_t version);

/* An operator; in/out are tensor indices (-1 = optional input absent). Returns its index. */
int tb_op(tb_model *m, int opcode, int num_in, const int *in, int num_out, const int *out);
/* Builtin options table of an operator (copied). */
void tb_op_options(tb_model *m, int op, int options_type, const tb_opts *opts);
/* Custom options bytes of an operator (copied). */
void tb_op_custom(tb_model *m, int op, const void *bytes, size_t len);

/* SubGraph.inputs / outputs. */
void tb_graph_io(tb_model *m, int num_in, const int *in, int num_out, const int *out);

/* Serialize: a malloc'd file (free()), its size in *size, positions in *layout (may be NULL). */
uint8_t *tb_finish(tb_model *m, size_t *size, tb_layout *layout);

/*
 * Sample models that load (for mutation tests and fuzz seeds); tb_destroy them.
 * ops: every builtin op family the reader knows, in one chain with two outputs;
 * mediapipe: Landmarks2TransformMatrix -> TransformTensorBilinear /
 * TransformLandmarks -> Convolution2DTransposeBias.
 */
tb_model *tb_sample_ops_model(void);
tb_model *tb_sample_mediapipe_model(void);
/* A FLOAT16 sparse (CSR over 1x2 blocks) weight -> DENSIFY -> DEQUANTIZE -> FULLY_CONNECTED -> RESHAPE -> DEPTH_TO_SPACE. */
tb_model *tb_sample_sparse_model(void);

/* Little-endian patch helpers for tests. */
void tb_put_u8(uint8_t *file, uint32_t pos, uint8_t v);
void tb_put_u16(uint8_t *file, uint32_t pos, uint16_t v);
void tb_put_u32(uint8_t *file, uint32_t pos, uint32_t v);
uint32_t tb_get_u32(const uint8_t *file, uint32_t pos);
/* The vtable of the table at `table`, and the position of field `id` (0 when absent). */
uint32_t tb_vtable(const uint8_t *file, uint32_t table);
uint32_t tb_field(const uint8_t *file, uint32_t table, int id);

/*
 * FlexBuffers map writer for custom options: keys -> int / float / vector of
 * int. Every value, offset and length is 4 bytes wide; keys are sorted as
 * the format requires. tb_flex_finish returns the byte count (0 if `cap` is
 * too small) and, when `layout` is not NULL, the positions of the parts.
 */
typedef struct tb_flex {
    int n;
    struct {
        const char *key;
        int kind; /* 0 int, 1 float, 2 int vector */
        int32_t i;
        float f;
        int32_t vec[64];
        int vec_len;
    } e[TB_MAX_FIELDS];
} tb_flex;

typedef struct tb_flex_layout {
    uint32_t keys_vec;   /* first key offset slot of the keys vector */
    uint32_t map_header; /* keys offset, keys width, length: 3 x 4 bytes */
    uint32_t values;     /* first value */
    uint32_t types;      /* first packed type byte */
    uint32_t root;       /* root offset; root packed type and width follow */
} tb_flex_layout;

void tb_flex_int(tb_flex *f, const char *key, int32_t value);
void tb_flex_float(tb_flex *f, const char *key, float value);
void tb_flex_ints(tb_flex *f, const char *key, const int32_t *values, int count);
size_t tb_flex_finish(const tb_flex *f, uint8_t *out, size_t cap, tb_flex_layout *layout);
#endif
