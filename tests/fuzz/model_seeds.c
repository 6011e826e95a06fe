/*
 * Writes the builder's sample models into a folder, as seeds for
 * fuzz_model: `fuzz_model_seeds DIR`.
 */
#include "tflite_builder.h"

#include <stdio.h>
#include <stdlib.h>

static int write_seed(const char *dir, const char *name, tb_model *m)
{
    size_t size;
    uint8_t *data = tb_finish(m, &size, NULL);
    tb_destroy(m);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(data, 1, size, f) == size;
    if (f && fclose(f) != 0)
        ok = 0;
    free(data);
    if (!ok)
        fprintf(stderr, "fuzz_model_seeds: cannot write %s\n", path);
    return ok ? 0 : 1;
}

/*
 * The newer paths in one small seed: a FLOAT16 weight matrix stored sparse
 * (CSR over 1x2 blocks) -> DENSIFY -> DEQUANTIZE -> FULLY_CONNECTED, then
 * RESHAPE to [1,1,1,8] and DEPTH_TO_SPACE (block 2) to [1,2,2,2].
 */
static tb_model *sample_sparse_model(void)
{
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 4), NULL);
    tb_sparsity sp = {.num_trav = 3, .trav = {0, 1, 2}, .num_block = 1, .block_map = {1}, .num_dims = 3};
    sp.dims[0] = (tb_dim_meta){.format = 0, .dense_size = 8};
    sp.dims[1] = (tb_dim_meta){.format = 1, .seg_type = 2, .num_seg = 9, .seg = {0, 1, 2, 2, 3, 4, 5, 6, 8},
                               .idx_type = 3, .num_idx = 8, .idx = {0, 1, 0, 1, 0, 1, 0, 1}};
    sp.dims[2] = (tb_dim_meta){.format = 0, .dense_size = 2};
    uint16_t values[16];
    for (int k = 0; k < 16; k++)
        values[k] = (uint16_t)(0x3c00 + 0x100 * (k % 4)); /* 1, 1.25, 1.5, 1.75 */
    int ws = tb_tensor(m, "ws", TB_FLOAT16, SHAPE(8, 4), tb_buffer(m, values, sizeof values));
    tb_tensor_sparsity(m, ws, &sp);
    int wh = tb_tensor(m, "wh", TB_FLOAT16, SHAPE(8, 4), 0);
    int w = tb_tensor_f32(m, "w", SHAPE(8, 4), NULL);
    int fc = tb_tensor_f32(m, "fc", SHAPE(1, 8), NULL);
    int shape = tb_tensor_i32(m, "shape", SHAPE(4), I32(1, 1, 1, 8));
    int r = tb_tensor_f32(m, "r", SHAPE(1, 1, 1, 8), NULL);
    int y = tb_tensor_f32(m, "y", SHAPE(1, 2, 2, 2), NULL);
    tb_op(m, tb_opcode(m, TB_DENSIFY, 1), IDX(ws), IDX(wh));
    tb_op(m, tb_opcode(m, TB_DEQUANTIZE, 1), IDX(wh), IDX(w));
    tb_opts fo = {0};
    tb_opts_u8(&fo, 0, TB_ACT_RELU);
    tb_op_options(m, tb_op(m, tb_opcode(m, TB_FULLY_CONNECTED, 1), IDX(x, w), IDX(fc)), TB_OPT_FULLY_CONNECTED, &fo);
    tb_op(m, tb_opcode(m, TB_RESHAPE, 1), IDX(fc, shape), IDX(r));
    tb_opts d = {0};
    tb_opts_i32(&d, 0, 2);
    tb_op_options(m, tb_op(m, tb_opcode(m, TB_DEPTH_TO_SPACE, 1), IDX(r), IDX(y)), TB_OPT_DEPTH_TO_SPACE, &d);
    tb_graph_io(m, IDX(x), IDX(y));
    return m;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fuzz_model_seeds DIR\n");
        return 2;
    }
    return write_seed(argv[1], "sample_ops.tflite", tb_sample_ops_model()) |
           write_seed(argv[1], "sample_mediapipe.tflite", tb_sample_mediapipe_model()) |
           write_seed(argv[1], "sample_sparse.tflite", sample_sparse_model());
}
