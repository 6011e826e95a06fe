/*
 * The TFLite reader (src/nn/tflite.c, flatbuf.c, flexbuf.c) on models built
 * in memory by tests/tflite_builder.c: a valid tiny model loads and gives
 * hand-computed outputs; then one negative test per validation rule, each
 * breaking exactly one rule of a model that otherwise loads. Every negative
 * test asserts the status, that exactly one error line was logged, and the
 * words that line must contain; ASan/LSan (build-asan) catch reads out of
 * bounds and leaks on the error paths.
 *
 * Tests marked "Regression (fixed)" pin reader bugs that these tests and
 * the fuzzer found (a model accepted that must be rejected, or undefined
 * behaviour), fixed since.
 */
#include "harness.h"
#include "segtex/nn.h"
#include "tflite_builder.h"
/* Each test_*.c is built alone (tests/CMakeLists.txt): the builder comes in as source. */
#include "tflite_builder.c"

#include <stdlib.h>
#include <string.h>

static float ones[4096];

/* The reader is under test, so models run on the reference backend (the oracle). */
static const segtex_model_options ref = {.backend = SEGTEX_BACKEND_REF};

/* ---- log capture and load helpers ------------------------------------------ */



#define CHECK_AT(file, line, cond, ...)                                                            \
    do {                                                                                           \
        if (cond)                                                                                  \
            test_checks_passed++;                                                                  \
        else                                                                                       \
            test_fail(file, line, __VA_ARGS__);                                                    \
    } while (0)

static const char *status_name(segtex_status st) { return segtex_status_string(st); }

/* Load must fail with `want`, one error line naming the model and containing every word. */
static void rejects_bytes(const char *file, int line, const uint8_t *data, size_t size,
                          segtex_status want, const char *const *words)
{
    test_log_reset();
    segtex_model *m = (segtex_model *)&test_log; /* must be reset to NULL */
    segtex_status st = segtex_model_load_memory(data, size, "dir/t.tflite", &ref, &m);
    CHECK_AT(file, line, st == want, "status %d (%s), expected %d (%s); log: %s", st, status_name(st),
             want, status_name(want), test_log.line);
    CHECK_AT(file, line, st == SEGTEX_OK || m == NULL, "*out not NULL after a failed load");
    if (st == SEGTEX_OK)
        segtex_model_destroy(m);
    CHECK_AT(file, line, test_log.errors == 1, "%d error lines, expected 1 (last: %s)", test_log.errors,
             test_log.line);
    CHECK_AT(file, line, strncmp(test_log.line, "model 't.tflite': ", 18) == 0,
             "line does not name the model: %s", test_log.line);
    for (int k = 0; words[k]; k++)
        CHECK_AT(file, line, strstr(test_log.line, words[k]) != NULL, "'%s' not in: %s", words[k],
                 test_log.line);
}

static void rejects_model(const char *file, int line, tb_model *b, segtex_status want,
                          const char *const *words)
{
    size_t size;
    uint8_t *data = tb_finish(b, &size, NULL);
    tb_destroy(b);
    rejects_bytes(file, line, data, size, want, words);
    free(data);
}

#define REJECTS_BYTES(data, size, st, ...)                                                         \
    rejects_bytes(__FILE__, __LINE__, data, size, st, (const char *const[]){__VA_ARGS__, NULL})
#define REJECTS(model, st, ...)                                                                    \
    rejects_model(__FILE__, __LINE__, model, st, (const char *const[]){__VA_ARGS__, NULL})
#define MALFORMED SEGTEX_ERROR_MALFORMED
#define UNSUPPORTED SEGTEX_ERROR_UNSUPPORTED

/* Load must succeed silently; the model is returned (NULL on failure). */
static segtex_model *loads_bytes(const char *file, int line, const uint8_t *data, size_t size)
{
    test_log_reset();
    segtex_model *m = NULL;
    segtex_status st = segtex_model_load_memory(data, size, "t.tflite", &ref, &m);
    CHECK_AT(file, line, st == SEGTEX_OK && m, "load failed: %s (%s)", status_name(st), test_log.line);
    CHECK_AT(file, line, test_log.errors == 0, "%d error lines on a good load", test_log.errors);
    return st == SEGTEX_OK ? m : NULL;
}

/* A model that must load and invoke; it is destroyed. */
static void accepts_model(const char *file, int line, tb_model *b)
{
    size_t size;
    uint8_t *data = tb_finish(b, &size, NULL);
    tb_destroy(b);
    segtex_model *m = loads_bytes(file, line, data, size);
    free(data);
    if (m) {
        for (int k = 0; k < segtex_model_input_count(m); k++) {
            segtex_tensor_info in;
            if (segtex_model_input(m, k, &in) == SEGTEX_OK)
                for (size_t i = 0; i < in.count; i++)
                    in.data[i] = (float)(i % 7) * 0.25f;
        }
        CHECK_AT(file, line, segtex_model_invoke(m) == SEGTEX_OK, "invoke failed");
    }
    segtex_model_destroy(m);
}
#define ACCEPTS(model) accepts_model(__FILE__, __LINE__, model)

/* Finish a model for byte patching (the builder is destroyed). */
static uint8_t *finish(tb_model *b, size_t *size, tb_layout *layout)
{
    uint8_t *data = tb_finish(b, size, layout);
    tb_destroy(b);
    return data;
}

/* One operator `builtin` from `in` to tensor `out`, with options unless `opts` is NULL. */
static int add_op(tb_model *m, int builtin, int num_in, const int *in, int out, int options_type,
                  const tb_opts *opts)
{
    int op = tb_op(m, tb_opcode(m, builtin, 1), num_in, in, 1, &out);
    if (opts)
        tb_op_options(m, op, options_type, opts);
    return op;
}

static void io1(tb_model *m, int in, int out) { tb_graph_io(m, 1, &in, 1, &out); }

/* ---- (a) a valid model, hand-computed ----------------------------------------- */

/*
 * input [1,4,4,2] -> CONV_2D 3x3 SAME (bias {0.5, 0}) -> ADD {1, -2} with fused
 * RELU -> output [1,4,4,2]. Output channel 0 sums all 18 taps of the 3x3x2
 * window; channel 1 takes only the centre tap of input channel 0.
 */
static tb_model *valid_model(void)
{
    tb_model *m = tb_create();
    float w[2 * 3 * 3 * 2] = {0};
    for (int i = 0; i < 18; i++)
        w[i] = 1.0f;         /* out channel 0: every tap */
    w[18 + (1 * 3 + 1) * 2 + 0] = 1.0f; /* out channel 1: centre, input channel 0 */
    int x = tb_tensor_f32(m, "input", SHAPE(1, 4, 4, 2), NULL);
    int wt = tb_tensor_f32(m, "weights", SHAPE(2, 3, 3, 2), w);
    int bias = tb_tensor_f32(m, "bias", SHAPE(2), (const float[]){0.5f, 0.0f});
    int conv = tb_tensor_f32(m, "conv", SHAPE(1, 4, 4, 2), NULL);
    int c = tb_tensor_f32(m, "offset", SHAPE(2), (const float[]){1.0f, -2.0f});
    int y = tb_tensor_f32(m, "output", SHAPE(1, 4, 4, 2), NULL);
    tb_opts co = {0};
    tb_opts_u8(&co, 0, TB_SAME);
    tb_opts_i32(&co, 1, 1);
    tb_opts_i32(&co, 2, 1);
    tb_opts_u8(&co, 3, TB_ACT_NONE);
    add_op(m, TB_CONV_2D, IDX(x, wt, bias), conv, TB_OPT_CONV2D, &co);
    tb_opts ao = {0};
    tb_opts_u8(&ao, 0, TB_ACT_RELU);
    add_op(m, TB_ADD, IDX(conv, c), y, TB_OPT_ADD, &ao);
    io1(m, x, y);
    return m;
}

/* Number of the 3x3 window's pixels inside a 4x4 image, at (y, x). */
static int taps(int y, int x)
{
    int ny = 3 - (y == 0) - (y == 3), nx = 3 - (x == 0) - (x == 3);
    return ny * nx;
}

static void loads_valid_model_and_computes_by_hand(void)
{
    size_t size;
    uint8_t *data = finish(valid_model(), &size, NULL);
    segtex_model *m = loads_bytes(__FILE__, __LINE__, data, size);
    free(data);
    if (!m)
        return;
    CHECK(segtex_model_input_count(m) == 1 && segtex_model_output_count(m) == 1, "io counts");
    segtex_tensor_info in, out;
    CHECK(segtex_model_input(m, 0, &in) == SEGTEX_OK, "input 0");
    CHECK(segtex_model_output(m, 0, &out) == SEGTEX_OK, "output 0");
    CHECK(segtex_model_input(m, 1, &in) == SEGTEX_ERROR_INVALID_ARGUMENT, "input 1 does not exist");
    segtex_model_input(m, 0, &in);
    CHECK(!strcmp(in.name, "input") && in.rank == 4 && in.dims[1] == 4 && in.dims[3] == 2 &&
              in.count == 32, "input info");
    CHECK(!strcmp(out.name, "output") && out.count == 32, "output info");
    segtex_model_stats s;
    segtex_model_get_stats(m, &s);
    CHECK(s.num_nodes == 2 && s.num_tensors == 6, "stats: %d nodes, %d tensors", s.num_nodes,
          s.num_tensors);
    CHECK(s.num_parameters == 36 + 2 + 2, "parameters %zu", s.num_parameters);
    CHECK(s.macs == 16 * 2 * 9 * 2, "macs %llu", (unsigned long long)s.macs);

    /* All ones: channel 0 = 2 * taps + 0.5 + 1; channel 1 = relu(1 + 0 - 2) = 0. */
    for (int i = 0; i < 32; i++)
        in.data[i] = 1.0f;
    CHECK(segtex_model_invoke(m) == SEGTEX_OK, "invoke");
    CHECK_NEAR(out.data[0], 9.5, 0);             /* corner: 4 taps */
    CHECK_NEAR(out.data[(0 * 4 + 1) * 2], 13.5, 0); /* edge: 6 taps */
    CHECK_NEAR(out.data[(1 * 4 + 1) * 2], 19.5, 0); /* inside: 9 taps */
    for (int p = 0; p < 16; p++) {
        CHECK_NEAR(out.data[2 * p], 2.0 * taps(p / 4, p % 4) + 1.5, 0);
        CHECK_NEAR(out.data[2 * p + 1], 0.0, 0);
    }
    /* Channel 0 = 5, channel 1 = 1: channel 0 out = 6 * taps + 1.5, channel 1 out = 5 - 2 = 3. */
    for (int p = 0; p < 16; p++)
        in.data[2 * p] = 5.0f, in.data[2 * p + 1] = 1.0f;
    CHECK(segtex_model_invoke(m) == SEGTEX_OK, "invoke");
    CHECK_NEAR(out.data[0], 25.5, 0);
    CHECK_NEAR(out.data[(1 * 4 + 1) * 2], 55.5, 0);
    for (int p = 0; p < 16; p++) {
        CHECK_NEAR(out.data[2 * p], 6.0 * taps(p / 4, p % 4) + 1.5, 0);
        CHECK_NEAR(out.data[2 * p + 1], 3.0, 0);
    }
    segtex_model_destroy(m);
}

/* The same model from a file, and a missing file. */
static void loads_valid_model_from_file(void)
{
    size_t size;
    uint8_t *data = finish(valid_model(), &size, NULL);
    char path[] = "/tmp/segtex_reader_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0, "mkstemp");
    if (fd < 0) {
        free(data);
        return;
    }
    FILE *f = fdopen(fd, "wb");
    CHECK(f && fwrite(data, 1, size, f) == size, "write temp model");
    if (f)
        fclose(f);
    free(data);
    test_log_reset();
    segtex_model *m = NULL;
    CHECK(segtex_model_load(path, &ref, &m) == SEGTEX_OK && m, "load from file: %s", test_log.line);
    segtex_model_destroy(m);
    remove(path);
    test_log_reset();
    m = (segtex_model *)&test_log;
    CHECK(segtex_model_load(path, &ref, &m) == SEGTEX_ERROR_IO && !m, "missing file");
    CHECK(test_log.errors == 1 && strstr(test_log.line, "cannot open"), "log: %s", test_log.line);
}

/* FLOAT16 weights through a DEQUANTIZE (folded at load): 1x1 conv with w = {1, 2; 0.5, -1}. */
static tb_model *dequantize_model(int bad)
{
    tb_model *m = tb_create();
    /* half: 1.0 = 0x3c00, 2.0 = 0x4000, 0.5 = 0x3800, -1.0 = 0xbc00 */
    int x = tb_tensor_f32(m, "x", SHAPE(1, 2, 2, 2), NULL);
    int wh = tb_tensor_f16(m, "w16", SHAPE(2, 1, 1, 2),
                           (const uint16_t[]){0x3c00, 0x4000, 0x3800, 0xbc00});
    int w = tb_tensor_f32(m, "w", bad == 3 ? 3 : 4, (int[]){2, 1, 1, bad == 3 ? 1 : 2}, NULL);
    int y = tb_tensor_f32(m, "y", SHAPE(1, 2, 2, 2), NULL);
    if (bad == 1)
        tb_op(m, tb_opcode(m, TB_DEQUANTIZE, 1), IDX(wh, x), IDX(w));
    else if (bad == 2)
        tb_op(m, tb_opcode(m, TB_DEQUANTIZE, 1), IDX(x), IDX(w));
    else
        tb_op(m, tb_opcode(m, TB_DEQUANTIZE, 1), IDX(wh), IDX(w));
    tb_opts co = {0};
    tb_opts_u8(&co, 0, TB_VALID);
    add_op(m, TB_CONV_2D, IDX(x, w), y, TB_OPT_CONV2D, &co);
    if (bad == 4)
        tb_graph_io(m, IDX(x), IDX(y, w));
    else
        io1(m, x, y);
    return m;
}

static void loads_dequantized_float16_weights(void)
{
    size_t size;
    uint8_t *data = finish(dequantize_model(0), &size, NULL);
    segtex_model *m = loads_bytes(__FILE__, __LINE__, data, size);
    free(data);
    if (!m)
        return;
    segtex_model_stats s;
    segtex_model_get_stats(m, &s);
    CHECK(s.num_folded == 1 && s.num_nodes == 1, "folded %d, nodes %d", s.num_folded, s.num_nodes);
    segtex_tensor_info in, out;
    segtex_model_input(m, 0, &in);
    segtex_model_output(m, 0, &out);
    for (int p = 0; p < 4; p++)
        in.data[2 * p] = (float)p, in.data[2 * p + 1] = 10.0f;
    segtex_model_invoke(m);
    for (int p = 0; p < 4; p++) {
        CHECK_NEAR(out.data[2 * p], p * 1.0 + 10 * 2.0, 0);   /* 1*x0 + 2*x1 */
        CHECK_NEAR(out.data[2 * p + 1], p * 0.5 - 10.0, 0);  /* 0.5*x0 - x1 */
    }
    segtex_model_destroy(m);
}

/* Old (int8 field only), new (int32 field only) and current (both) ways to store the code. */
static void loads_builtin_code_in_either_field(void)
{
    for (int v = 0; v < 3; v++) {
        tb_model *m = tb_create();
        int x = tb_tensor_f32(m, "x", SHAPE(1, 4), NULL);
        int y = tb_tensor_f32(m, "y", SHAPE(1, 4), NULL);
        int code = v == 0   ? tb_opcode_raw(m, TB_RELU, TB_ABSENT, NULL, TB_ABSENT)
                   : v == 1 ? tb_opcode_raw(m, TB_ABSENT, TB_RELU, NULL, 1)
                            : tb_opcode_raw(m, TB_HARD_SWISH, TB_HARD_SWISH, NULL, 1);
        tb_op(m, code, IDX(x), IDX(y));
        io1(m, x, y);
        ACCEPTS(m);
    }
}

/* ---- (b) FlatBuffer structure (flatbuf.c) --------------------------------------- */

static uint8_t *valid_bytes(size_t *size, tb_layout *L) { return finish(valid_model(), size, L); }

static void rejects_file_too_small(void)
{
    size_t size;
    uint8_t *d = valid_bytes(&size, NULL);
    REJECTS_BYTES(d, 6, MALFORMED, "root", "file is 6 bytes, too small");
    REJECTS_BYTES(d, 0, MALFORMED, "file is 0 bytes");
    free(d);
}

static void rejects_bad_identifier(void)
{
    size_t size;
    uint8_t *d = valid_bytes(&size, NULL);
    memcpy(d + 4, "TFL2", 4);
    REJECTS_BYTES(d, size, MALFORMED, "identifier is not TFL3");
    free(d);
}

static void rejects_file_too_large(void)
{
    /* The size is checked before any byte is read, so a lying size is safe to pass. */
    size_t size;
    uint8_t *d = valid_bytes(&size, NULL);
    REJECTS_BYTES(d, ((size_t)1 << 31) + 1, MALFORMED, "too large");
    free(d);
}

static void rejects_null_data_and_bad_backend(void)
{
    segtex_model *m = (segtex_model *)&test_log;
    test_log_reset();
    CHECK(segtex_model_load_memory(NULL, 16, "t.tflite", &ref, &m) == SEGTEX_ERROR_INVALID_ARGUMENT &&
              !m, "NULL data");
    CHECK(test_log.errors == 1 && strstr(test_log.line, "no data"), "log: %s", test_log.line);
    size_t size;
    uint8_t *d = valid_bytes(&size, NULL);
    segtex_model_options opt = {.backend = (segtex_backend)7};
    test_log_reset();
    m = (segtex_model *)&test_log;
    CHECK(segtex_model_load_memory(d, size, "t.tflite", &opt, &m) == SEGTEX_ERROR_UNSUPPORTED && !m,
          "backend 7");
    CHECK(test_log.errors == 1 && strstr(test_log.line, "backend") && strstr(test_log.line, "not available"),
          "log: %s", test_log.line);
    free(d);
}

static void rejects_root_offset_out_of_range(void)
{
    size_t size;
    uint8_t *d = valid_bytes(&size, NULL);
    tb_put_u32(d, 0, (uint32_t)size + 100);
    REJECTS_BYTES(d, size, MALFORMED, "root", "table offset", "outside the file");
    tb_put_u32(d, 0, (uint32_t)size - 2); /* starts inside, its soffset does not fit */
    REJECTS_BYTES(d, size, MALFORMED, "root", "table offset", "outside the file");
    free(d);
}

static void rejects_vtable_offset_out_of_range(void)
{
    size_t size;
    tb_layout L;
    uint8_t *d = valid_bytes(&size, &L);
    tb_put_u32(d, L.model_table, L.model_table + 100); /* vtable before the file */
    REJECTS_BYTES(d, size, MALFORMED, "root", "vtable offset -100 is outside the file");
    tb_put_u32(d, L.model_table, (uint32_t)(int32_t)((int64_t)L.model_table - (int64_t)size + 2));
    REJECTS_BYTES(d, size, MALFORMED, "root", "vtable offset", "outside the file");
    free(d);
}

static void rejects_vtable_size_bad(void)
{
    size_t size;
    tb_layout L;
    uint8_t *d = valid_bytes(&size, &L);
    uint32_t vt = tb_vtable(d, L.model_table);
    tb_put_u16(d, vt, 7); /* odd */
    REJECTS_BYTES(d, size, MALFORMED, "root", "has bad size 7");
    tb_put_u16(d, vt, 2); /* smaller than its own header */
    REJECTS_BYTES(d, size, MALFORMED, "root", "has bad size 2");
    tb_put_u16(d, vt, 0xfffe); /* past the end of the file */
    REJECTS_BYTES(d, size, MALFORMED, "root", "has bad size 65534");
    free(d);
}

static void rejects_table_size_bad(void)
{
    size_t size;
    tb_layout L;
    uint8_t *d = valid_bytes(&size, &L);
    uint32_t vt = tb_vtable(d, L.model_table);
    tb_put_u16(d, vt + 2, 3);
    REJECTS_BYTES(d, size, MALFORMED, "root", "table at", "bad size 3");
    tb_put_u16(d, vt + 2, 0xffff);
    REJECTS_BYTES(d, size, MALFORMED, "root", "table at", "bad size 65535");
    free(d);
}

static void rejects_field_running_past_its_table(void)
{
    size_t size;
    tb_layout L;
    uint8_t *d = valid_bytes(&size, &L);
    tb_put_u16(d, tb_vtable(d, L.model_table) + 2, 4); /* the table holds only its soffset */
    REJECTS_BYTES(d, size, MALFORMED, "model version", "field 0", "runs past its table (4 bytes)");
    free(d);
    /* The same in a tensor table (its uint8 type is the last field) and an options table. */
    d = valid_bytes(&size, &L);
    uint32_t vt = tb_vtable(d, L.tensor_table[1]);
    tb_put_u16(d, vt + 2, (uint16_t)(d[vt + 2] - 1));
    REJECTS_BYTES(d, size, MALFORMED, "tensor 1", "field 1", "runs past its table");
    free(d);
    d = valid_bytes(&size, &L);
    vt = tb_vtable(d, L.op_options[0]);
    tb_put_u16(d, vt + 2, 5);
    REJECTS_BYTES(d, size, MALFORMED, "operator 0 options", "runs past its table (5 bytes)");
    free(d);
}

static void rejects_offset_outside_the_file(void)
{
    size_t size;
    tb_layout L;
    uint8_t *d = valid_bytes(&size, &L);
    uint32_t slot = tb_field(d, L.model_table, 2); /* Model.subgraphs */
    tb_put_u32(d, slot, (uint32_t)size);
    REJECTS_BYTES(d, size, MALFORMED, "subgraphs", "offset", "is outside the file");
    free(d);
    /* A uint32 offset that wraps must not wrap. */
    d = valid_bytes(&size, &L);
    tb_put_u32(d, tb_field(d, L.model_table, 4), 0xfffffff0u);
    REJECTS_BYTES(d, size, MALFORMED, "buffers", "is outside the file");
    free(d);
}

static void rejects_vector_offset_outside_the_file(void)
{
    size_t size;
    tb_layout L;
    uint8_t *d = valid_bytes(&size, &L);
    uint32_t slot = tb_field(d, L.model_table, 2);
    tb_put_u32(d, slot, (uint32_t)size - 2 - slot); /* the length would straddle the end */
    REJECTS_BYTES(d, size, MALFORMED, "subgraphs", "vector offset", "is outside the file");
    free(d);
}

static void rejects_vector_running_past_the_file(void)
{
    size_t size;
    tb_layout L;
    uint8_t *d = valid_bytes(&size, &L);
    tb_put_u32(d, L.tensors_vec, 0x10000000u);
    REJECTS_BYTES(d, size, MALFORMED, "tensors", "vector of 268435456 elements of 4 bytes",
                  "runs past the end of the file");
    free(d);
    d = valid_bytes(&size, &L);
    tb_put_u32(d, L.buffer_data[1], 0xffffffffu); /* bytes vector: 4 GB - 1 */
    REJECTS_BYTES(d, size, MALFORMED, "buffer 1 (of tensor 1)", "runs past the end of the file");
    free(d);
}

static void rejects_table_offset_outside_the_file(void)
{
    size_t size;
    tb_layout L;
    uint8_t *d = valid_bytes(&size, &L);
    tb_put_u32(d, L.opcodes_vec + 4, (uint32_t)size); /* element 0 of operator_codes */
    REJECTS_BYTES(d, size, MALFORMED, "operator code 0", "table offset", "outside the file");
    free(d);
    d = valid_bytes(&size, &L);
    uint32_t slot = tb_field(d, L.op_table[1], 4); /* Operator.builtin_options */
    tb_put_u32(d, slot, (uint32_t)size - 2 - slot);
    REJECTS_BYTES(d, size, MALFORMED, "operator 1", "table offset", "outside the file");
    free(d);
}

static void rejects_string_not_nul_terminated(void)
{
    size_t size;
    tb_layout L;
    uint8_t *d = valid_bytes(&size, &L);
    d[L.tensor_name[0] + 4 + 5] = 'X'; /* "input" */
    REJECTS_BYTES(d, size, MALFORMED, "tensor 0", "string of 5 bytes is not NUL-terminated");
    free(d);
    /* A string that ends exactly at the end of the file has no room for its NUL. */
    d = valid_bytes(&size, &L);
    tb_put_u32(d, L.tensor_name[0], (uint32_t)size - L.tensor_name[0] - 4);
    REJECTS_BYTES(d, size, MALFORMED, "tensor 0", "is not NUL-terminated inside the file");
    free(d);
}

static void rejects_string_containing_nul(void)
{
    size_t size;
    tb_layout L;
    uint8_t *d = valid_bytes(&size, &L);
    d[L.tensor_name[2] + 4 + 1] = 0; /* "bias" */
    REJECTS_BYTES(d, size, MALFORMED, "tensor 2", "string of 4 bytes contains a NUL byte");
    free(d);
}

/* ---- (b) model, subgraph, tensors (tflite.c) -------------------------------------- */

/* x [1,4] -> RELU -> y */
static tb_model *relu_model(int *x, int *y)
{
    tb_model *m = tb_create();
    *x = tb_tensor_f32(m, "x", SHAPE(1, 4), NULL);
    *y = tb_tensor_f32(m, "y", SHAPE(1, 4), NULL);
    add_op(m, TB_RELU, IDX(*x), *y, 0, NULL);
    return m;
}

static void rejects_wrong_schema_version(void)
{
    int x, y;
    tb_model *m = relu_model(&x, &y);
    io1(m, x, y);
    tb_set_version(m, 2);
    REJECTS(m, MALFORMED, "schema version 2, expected 3");
    m = relu_model(&x, &y);
    io1(m, x, y);
    tb_set_version(m, TB_ABSENT);
    REJECTS(m, MALFORMED, "schema version 0, expected 3");
}

static void rejects_no_operator_codes(void)
{
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 4), NULL);
    int y = tb_tensor_f32(m, "y", SHAPE(1, 4), NULL);
    tb_op(m, 0, IDX(x), IDX(y));
    io1(m, x, y);
    REJECTS(m, MALFORMED, "has 0 operator codes, expected 1..4096");
}

static void rejects_negative_builtin_code(void)
{
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 4), NULL);
    int y = tb_tensor_f32(m, "y", SHAPE(1, 4), NULL);
    tb_op(m, tb_opcode_raw(m, -3, -5, NULL, 1), IDX(x), IDX(y));
    io1(m, x, y);
    REJECTS(m, MALFORMED, "operator code 0 has negative builtin code -3");
}

static void rejects_unsupported_builtin(void)
{
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 4), NULL);
    int y = tb_tensor_f32(m, "y", SHAPE(1, 4), NULL);
    tb_op(m, tb_opcode(m, TB_FLOOR, 1), IDX(x), IDX(y));
    io1(m, x, y);
    REJECTS(m, UNSUPPORTED, "operator 0: builtin op 8 is not supported");
    /* A code past every known one, stored only in the int32 field (int8 field = 127). */
    m = tb_create();
    x = tb_tensor_f32(m, "x", SHAPE(1, 4), NULL);
    y = tb_tensor_f32(m, "y", SHAPE(1, 4), NULL);
    tb_op(m, tb_opcode_raw(m, 127, 100000, NULL, 1), IDX(x), IDX(y));
    io1(m, x, y);
    REJECTS(m, UNSUPPORTED, "builtin op 100000 is not supported");
}

static void rejects_unsupported_custom_op(void)
{
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 4), NULL);
    int y = tb_tensor_f32(m, "y", SHAPE(1, 4), NULL);
    tb_op(m, tb_opcode_custom(m, "FooBar", 1), IDX(x), IDX(y));
    io1(m, x, y);
    REJECTS(m, UNSUPPORTED, "operator 0: custom op 'FooBar' is not supported");
    /* A CUSTOM code without a name. */
    m = tb_create();
    x = tb_tensor_f32(m, "x", SHAPE(1, 4), NULL);
    y = tb_tensor_f32(m, "y", SHAPE(1, 4), NULL);
    tb_op(m, tb_opcode_raw(m, TB_CUSTOM, TB_CUSTOM, NULL, 1), IDX(x), IDX(y));
    io1(m, x, y);
    REJECTS(m, UNSUPPORTED, "custom op '' is not supported");
}

static void rejects_no_subgraph(void)
{
    int x, y;
    tb_model *m = relu_model(&x, &y);
    io1(m, x, y);
    tb_no_subgraph(m);
    REJECTS(m, MALFORMED, "has no subgraph");
}

static void rejects_too_many_buffers(void)
{
    int x, y;
    tb_model *m = relu_model(&x, &y);
    io1(m, x, y);
    tb_pad_buffers(m, (1u << 20) + 1);
    REJECTS(m, MALFORMED, "has 1048577 buffers");
}

static void rejects_no_tensors(void)
{
    tb_model *m = tb_create();
    tb_op(m, tb_opcode(m, TB_RELU, 1), IDX(0), IDX(1));
    tb_graph_io(m, IDX(0), IDX(1));
    REJECTS(m, MALFORMED, "subgraph 0 has 0 tensors, expected 1..65536");
}

static void rejects_no_graph_inputs_or_outputs(void)
{
    int x, y;
    tb_model *m = relu_model(&x, &y);
    tb_graph_io(m, 0, NULL, IDX(y));
    REJECTS(m, MALFORMED, "subgraph 0 has 0 inputs, expected 1..64");
    m = relu_model(&x, &y);
    tb_graph_io(m, IDX(x), 0, NULL);
    REJECTS(m, MALFORMED, "subgraph 0 has 0 outputs, expected 1..64");
}

static void rejects_no_operators(void)
{
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 4), NULL);
    tb_opcode(m, TB_RELU, 1);
    io1(m, x, x);
    REJECTS(m, MALFORMED, "subgraph 0 has 0 operators, expected 1..16384");
}

static void rejects_graph_io_index_out_of_range(void)
{
    int x, y;
    tb_model *m = relu_model(&x, &y);
    io1(m, 7, y);
    REJECTS(m, MALFORMED, "subgraph inputs 0 refers to tensor 7, the graph has 2");
    m = relu_model(&x, &y);
    tb_graph_io(m, IDX(x), IDX(y, -1));
    REJECTS(m, MALFORMED, "subgraph outputs 1 refers to tensor -1, the graph has 2");
}

static void rejects_graph_input_not_float32(void)
{
    int x, y;
    tb_model *m = relu_model(&x, &y);
    int k = tb_tensor_i32(m, "k", SHAPE(2), I32(1, 2));
    tb_graph_io(m, IDX(x, k), IDX(y));
    REJECTS(m, UNSUPPORTED, "inputs 1 (tensor 2 'k') has type INT32, only FLOAT32 is supported");
}

static void rejects_opcode_index_out_of_range(void)
{
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 4), NULL);
    int y = tb_tensor_f32(m, "y", SHAPE(1, 4), NULL);
    tb_opcode(m, TB_RELU, 1);
    tb_op(m, 5, IDX(x), IDX(y));
    io1(m, x, y);
    REJECTS(m, MALFORMED, "operator 0 refers to operator code 5, the model has 1");
}

static void rejects_tensor_rank_above_4(void)
{
    int x, y;
    tb_model *m = relu_model(&x, &y);
    tb_tensor_f32(m, "big", SHAPE(1, 1, 1, 1, 2), NULL);
    io1(m, x, y);
    REJECTS(m, UNSUPPORTED, "tensor 2 'big' has 5 dims, at most 4 supported");
}

static void rejects_tensor_dim_not_positive(void)
{
    int x, y;
    tb_model *m = relu_model(&x, &y);
    tb_tensor_f32(m, "z", SHAPE(1, 0, 3), NULL);
    io1(m, x, y);
    REJECTS(m, MALFORMED, "tensor 2 'z' dim 1 is 0, expected 1..16777216");
    m = relu_model(&x, &y);
    tb_tensor_f32(m, "n", SHAPE(-1, 3), NULL); /* TFLite's "unknown" batch */
    io1(m, x, y);
    REJECTS(m, MALFORMED, "tensor 2 'n' dim 0 is -1");
    m = relu_model(&x, &y);
    tb_tensor_f32(m, "h", SHAPE(1, (1 << 24) + 1), NULL);
    io1(m, x, y);
    REJECTS(m, MALFORMED, "tensor 2 'h' dim 1 is 16777217");
}

static void rejects_tensor_with_too_many_elements(void)
{
    int x, y;
    tb_model *m = relu_model(&x, &y);
    tb_tensor_f32(m, "huge", SHAPE(1 << 14, 1 << 14, 2), NULL);
    io1(m, x, y);
    REJECTS(m, MALFORMED, "tensor 2 'huge' has more than 2^28 elements");
}

static void rejects_unsupported_tensor_type(void)
{
    int x, y;
    tb_model *m = relu_model(&x, &y);
    tb_tensor(m, "q", TB_INT8, SHAPE(4), tb_buffer(m, "abcd", 4));
    io1(m, x, y);
    REJECTS(m, UNSUPPORTED, "tensor 2 'q' has type INT8, supported: FLOAT32, FLOAT16, INT32");
    m = relu_model(&x, &y);
    tb_tensor(m, "t", 200, SHAPE(4), 0);
    io1(m, x, y);
    REJECTS(m, UNSUPPORTED, "tensor 2 't' has type UNKNOWN");
}

static void rejects_non_float_activation(void)
{
    int x, y;
    tb_model *m = relu_model(&x, &y);
    tb_tensor(m, "i", TB_INT32, SHAPE(4), 0);
    io1(m, x, y);
    REJECTS(m, UNSUPPORTED, "tensor 2 'i' is a INT32 activation; only FLOAT32 activations");
    m = relu_model(&x, &y);
    tb_tensor(m, "h", TB_FLOAT16, SHAPE(4), 0);
    io1(m, x, y);
    REJECTS(m, UNSUPPORTED, "tensor 2 'h' is a FLOAT16 activation");
}

static void rejects_buffer_index_out_of_range(void)
{
    int x, y;
    tb_model *m = relu_model(&x, &y);
    tb_tensor(m, "w", TB_FLOAT32, SHAPE(4), 9);
    io1(m, x, y);
    REJECTS(m, MALFORMED, "tensor 2 'w' refers to buffer 9, the model has 1");
}

static void rejects_buffer_size_mismatch(void)
{
    int x, y;
    tb_model *m = relu_model(&x, &y);
    tb_tensor(m, "w", TB_FLOAT32, SHAPE(4), tb_buffer(m, ones, 12));
    io1(m, x, y);
    REJECTS(m, MALFORMED, "tensor 2 'w' has 4 elements of 4 bytes but buffer 1 has 12 bytes");
    m = relu_model(&x, &y);
    tb_tensor(m, "h", TB_FLOAT16, SHAPE(4), tb_buffer(m, ones, 16));
    io1(m, x, y);
    REJECTS(m, MALFORMED, "tensor 2 'h' has 4 elements of 2 bytes but buffer 1 has 16 bytes");
}

/* ---- (b) operators: graph wiring --------------------------------------------------- */

static void rejects_too_many_operator_inputs(void)
{
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 2), NULL);
    int y = tb_tensor_f32(m, "y", SHAPE(1, 18), NULL);
    tb_opts o = {0};
    tb_opts_i32(&o, 0, 1);
    add_op(m, TB_CONCATENATION, IDX(x, x, x, x, x, x, x, x, x), y, TB_OPT_CONCATENATION, &o);
    io1(m, x, y);
    REJECTS(m, UNSUPPORTED, "operator 0 (CONCATENATION) has 9 inputs and 1 outputs, at most 8 and 2");
}

static void rejects_tensor_index_out_of_range(void)
{
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 4), NULL);
    int y = tb_tensor_f32(m, "y", SHAPE(1, 4), NULL);
    add_op(m, TB_ADD, IDX(x, 99), y, 0, NULL);
    io1(m, x, y);
    REJECTS(m, MALFORMED, "operator 0 input 1 refers to tensor 99, the graph has 2");
    m = tb_create();
    x = tb_tensor_f32(m, "x", SHAPE(1, 4), NULL);
    y = tb_tensor_f32(m, "y", SHAPE(1, 4), NULL);
    add_op(m, TB_ADD, IDX(x, -2), y, 0, NULL);
    io1(m, x, y);
    REJECTS(m, MALFORMED, "operator 0 input 1 refers to tensor -2");
}

static void rejects_output_index_out_of_range(void)
{
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 4), NULL);
    int y = tb_tensor_f32(m, "y", SHAPE(1, 4), NULL);
    add_op(m, TB_RELU, IDX(x), 2, 0, NULL);
    io1(m, x, y);
    REJECTS(m, MALFORMED, "operator 0 output 0 refers to tensor 2, the graph has 2");
    m = tb_create();
    x = tb_tensor_f32(m, "x", SHAPE(1, 4), NULL);
    y = tb_tensor_f32(m, "y", SHAPE(1, 4), NULL);
    add_op(m, TB_RELU, IDX(x), -1, 0, NULL);
    io1(m, x, y);
    REJECTS(m, MALFORMED, "operator 0 output 0 refers to tensor -1");
}

static void rejects_use_before_produce(void)
{
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 4), NULL);
    int mid = tb_tensor_f32(m, "mid", SHAPE(1, 4), NULL);
    int y = tb_tensor_f32(m, "y", SHAPE(1, 4), NULL);
    add_op(m, TB_RELU, IDX(mid), y, 0, NULL); /* mid is produced by the next operator */
    add_op(m, TB_RELU, IDX(x), mid, 0, NULL);
    io1(m, x, y);
    REJECTS(m, MALFORMED, "operator 0 input 0 (tensor 1 'mid') is used before it is produced");
}

static void rejects_output_defined_twice(void)
{
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 4), NULL);
    int y = tb_tensor_f32(m, "y", SHAPE(1, 4), NULL);
    add_op(m, TB_RELU, IDX(x), y, 0, NULL);
    add_op(m, TB_RELU6, IDX(x), y, 0, NULL);
    io1(m, x, y);
    REJECTS(m, MALFORMED, "operator 1 output 0 (tensor 1 'y') is already defined");
    /* Writing a constant, or a graph input, is defining it twice too. */
    m = tb_create();
    x = tb_tensor_f32(m, "x", SHAPE(1, 4), NULL);
    int c = tb_tensor_f32(m, "c", SHAPE(1, 4), ones);
    add_op(m, TB_RELU, IDX(x), c, 0, NULL);
    io1(m, x, x);
    REJECTS(m, MALFORMED, "operator 0 output 0 (tensor 1 'c') is already defined");
    m = tb_create();
    x = tb_tensor_f32(m, "x", SHAPE(1, 4), NULL);
    add_op(m, TB_RELU, IDX(x), x, 0, NULL);
    io1(m, x, x);
    REJECTS(m, MALFORMED, "operator 0 output 0 (tensor 0 'x') is already defined");
}

static void rejects_graph_output_never_produced(void)
{
    int x, y;
    tb_model *m = relu_model(&x, &y);
    int z = tb_tensor_f32(m, "z", SHAPE(1, 4), NULL);
    tb_graph_io(m, IDX(x), IDX(y, z));
    REJECTS(m, MALFORMED, "graph output 1 (tensor 2 'z') is never produced");
}

static void rejects_wrong_operand_counts(void)
{
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 4), NULL);
    int y = tb_tensor_f32(m, "y", SHAPE(1, 4), NULL);
    add_op(m, TB_ADD, IDX(x), y, 0, NULL);
    io1(m, x, y);
    REJECTS(m, MALFORMED, "operator 0 (ADD): has 1 inputs, expected 2..2");
    m = tb_create();
    x = tb_tensor_f32(m, "x", SHAPE(1, 4), NULL);
    y = tb_tensor_f32(m, "y", SHAPE(1, 4), NULL);
    int z = tb_tensor_f32(m, "z", SHAPE(1, 4), NULL);
    tb_op(m, tb_opcode(m, TB_RELU, 1), IDX(x), IDX(y, z));
    tb_graph_io(m, IDX(x), IDX(y, z));
    REJECTS(m, MALFORMED, "operator 0 (RELU): has 2 outputs, expected 1");
    m = tb_create();
    x = tb_tensor_f32(m, "x", SHAPE(1, 4), NULL);
    y = tb_tensor_f32(m, "y", SHAPE(1, 4), NULL);
    add_op(m, TB_ADD, IDX(x, -1), y, 0, NULL);
    io1(m, x, y);
    REJECTS(m, MALFORMED, "operator 0 (ADD): required input 1 is missing");
}

static void rejects_dequantize_with_wrong_operands(void)
{
    REJECTS(dequantize_model(1), MALFORMED, "operator 0 (DEQUANTIZE) needs 1 input and 1 output");
}

static void rejects_dequantize_of_non_constant(void)
{
    REJECTS(dequantize_model(2), UNSUPPORTED,
            "operator 0 (DEQUANTIZE): only constant FLOAT16 inputs are supported");
}

static void rejects_dequantize_output_mismatch(void)
{
    REJECTS(dequantize_model(3), MALFORMED, "operator 0 (DEQUANTIZE): output 'w' does not match input 'w16'");
}

static void rejects_dequantize_to_graph_output(void)
{
    REJECTS(dequantize_model(4), UNSUPPORTED, "operator 0 (DEQUANTIZE): output 'w' is a graph output");
}

/* ---- (b) operators: shapes and options ------------------------------------------- */

/*
 * CONV_2D / DEPTHWISE_CONV_2D: x [1,4,4,2], 3x3 filter, bias, SAME, stride 1
 * -> y [1,4,4,cout]. Each variant breaks one thing.
 */
enum {
    CONV_OK, CONV_CHANNELS, CONV_BIAS, CONV_NO_BIAS, CONV_PADDING, CONV_STRIDE, CONV_DILATION,
    CONV_VALID_TOO_SMALL, CONV_ACT_TANH, CONV_ACT_SIGN_BIT, CONV_FILTER_NOT_CONST, CONV_INPUT_RANK,
    CONV_OUT_SHAPE, CONV_FILTER_INT32, CONV_FILTER_F16, CONV_DW_MULT, CONV_DW_BATCH,
    CONV_DW_HUGE_MULT,
};

static tb_model *conv_model(int depthwise, int v)
{
    tb_model *m = tb_create();
    int cout = depthwise ? 4 : 3;
    int x = v == CONV_INPUT_RANK ? tb_tensor_f32(m, "x", SHAPE(4, 4, 2), NULL)
                                 : tb_tensor_f32(m, "x", SHAPE(1, 4, 4, 2), NULL);
    int k = v == CONV_VALID_TOO_SMALL ? 5 : 3;
    int wd[4] = {cout, k, k, v == CONV_CHANNELS ? 3 : 2};
    if (depthwise)
        wd[0] = v == CONV_DW_BATCH ? 2 : 1, wd[3] = cout;
    int w;
    if (v == CONV_FILTER_NOT_CONST)
        w = tb_tensor_f32(m, "w", 4, wd, NULL);
    else if (v == CONV_FILTER_INT32)
        w = tb_tensor(m, "w", TB_INT32, 4, wd, tb_buffer(m, ones, elements(4, wd) * 4));
    else if (v == CONV_FILTER_F16)
        w = tb_tensor(m, "w", TB_FLOAT16, 4, wd, tb_buffer(m, ones, elements(4, wd) * 2));
    else
        w = tb_tensor_f32(m, "w", 4, wd, ones);
    int b = v == CONV_BIAS ? tb_tensor_f32(m, "b", SHAPE(cout + 1), ones)
            : v == CONV_NO_BIAS ? -1
                                : tb_tensor_f32(m, "b", SHAPE(cout), ones);
    int y = tb_tensor_f32(m, "y", SHAPE(1, 4, 4, v == CONV_OUT_SHAPE ? cout + 1 : cout), NULL);
    tb_opts o = {0};
    int d = depthwise ? 1 : 0; /* DepthwiseConv2DOptions: depth_multiplier at 3, the rest after */
    tb_opts_u8(&o, 0, v == CONV_PADDING ? 2 : v == CONV_VALID_TOO_SMALL ? TB_VALID : TB_SAME);
    tb_opts_i32(&o, 1, v == CONV_STRIDE ? 0 : 1);
    tb_opts_i32(&o, 2, 1);
    if (depthwise)
        tb_opts_i32(&o, 3, v == CONV_DW_MULT ? 3 : v == CONV_DW_HUGE_MULT ? INT32_MIN : 2);
    tb_opts_u8(&o, 3 + d,
               v == CONV_ACT_TANH ? TB_ACT_TANH : v == CONV_ACT_SIGN_BIT ? 5 : TB_ACT_RELU6);
    tb_opts_i32(&o, 4 + d, 1);
    tb_opts_i32(&o, 5 + d, v == CONV_DILATION ? 65 : 1);
    add_op(m, depthwise ? TB_DEPTHWISE_CONV_2D : TB_CONV_2D, IDX(x, w, b), y,
           depthwise ? TB_OPT_DEPTHWISE_CONV2D : TB_OPT_CONV2D, &o);
    if (v == CONV_FILTER_NOT_CONST)
        tb_graph_io(m, IDX(x, w), IDX(y));
    else
        io1(m, x, y);
    return m;
}

static void accepts_conv_variants(void)
{
    ACCEPTS(conv_model(0, CONV_OK));
    ACCEPTS(conv_model(0, CONV_NO_BIAS));
    ACCEPTS(conv_model(1, CONV_OK));
    ACCEPTS(conv_model(1, CONV_NO_BIAS));
}

static void conv_rejects_channel_mismatch(void)
{
    REJECTS(conv_model(0, CONV_CHANNELS), MALFORMED,
            "operator 0 (CONV_2D): filter has 3 input channels, the input has 2");
}

static void conv_rejects_bias_size(void)
{
    REJECTS(conv_model(0, CONV_BIAS), MALFORMED, "operator 0 (CONV_2D): bias has 4 elements, expected 3");
    REJECTS(conv_model(1, CONV_BIAS), MALFORMED, "(DEPTHWISE_CONV_2D): bias has 5 elements, expected 4");
}

static void conv_rejects_bad_padding_enum(void)
{
    REJECTS(conv_model(0, CONV_PADDING), MALFORMED, "(CONV_2D): padding 2 is not SAME (0) or VALID (1)");
}

static void conv_rejects_bad_stride(void)
{
    REJECTS(conv_model(0, CONV_STRIDE), MALFORMED, "(CONV_2D): stride 0 / dilation 1 / kernel 3 out of range");
    REJECTS(conv_model(1, CONV_STRIDE), MALFORMED, "(DEPTHWISE_CONV_2D): stride 0");
}

static void conv_rejects_bad_dilation(void)
{
    REJECTS(conv_model(0, CONV_DILATION), MALFORMED, "(CONV_2D): stride 1 / dilation 65");
}

static void conv_rejects_valid_padding_larger_than_input(void)
{
    REJECTS(conv_model(0, CONV_VALID_TOO_SMALL), MALFORMED,
            "VALID padding with input 4 smaller than the kernel extent 5");
}

static void conv_rejects_fused_tanh(void)
{
    REJECTS(conv_model(0, CONV_ACT_TANH), UNSUPPORTED, "(CONV_2D): fused activation 4 is not supported");
    REJECTS(conv_model(1, CONV_ACT_SIGN_BIT), UNSUPPORTED, "fused activation 5 is not supported");
}

static void conv_rejects_non_constant_filter(void)
{
    REJECTS(conv_model(0, CONV_FILTER_NOT_CONST), UNSUPPORTED, "(CONV_2D): filter 'w' is not a constant");
}

static void conv_rejects_input_rank(void)
{
    REJECTS(conv_model(0, CONV_INPUT_RANK), MALFORMED, "(CONV_2D): input 'x' has rank 3, expected 4");
}

static void conv_rejects_declared_output_shape(void)
{
    REJECTS(conv_model(0, CONV_OUT_SHAPE), MALFORMED,
            "output 0 'y' is declared [1,4,4,4] but the op computes [1,4,4,3]");
}

static void conv_rejects_int32_filter(void)
{
    REJECTS(conv_model(0, CONV_FILTER_INT32), UNSUPPORTED,
            "(CONV_2D): input 1 (tensor 1 'w') is INT32, expected FLOAT32");
}

static void conv_rejects_float16_filter_without_dequantize(void)
{
    REJECTS(conv_model(0, CONV_FILTER_F16), UNSUPPORTED, "input 1 (tensor 1 'w') is FLOAT16 without a DEQUANTIZE");
}

static void depthwise_rejects_multiplier_mismatch(void)
{
    REJECTS(conv_model(1, CONV_DW_MULT), MALFORMED,
            "(DEPTHWISE_CONV_2D): filter [1,3,3,4] does not fit 2 input channels with multiplier 3");
    REJECTS(conv_model(1, CONV_DW_BATCH), MALFORMED, "filter [2,3,3,4] does not fit 2 input channels");
}

/*
 * Regression (fixed): tflite.c computes `cin * mult` in int, so a depth_multiplier
 * of INT32_MIN is signed overflow (UBSan aborts build-asan); in release the
 * product wraps and the model happens to be rejected. Found by
 * test_model_robustness (ops_model mutant 5620).
 */
static void depthwise_rejects_huge_multiplier(void)
{
    REJECTS(conv_model(1, CONV_DW_HUGE_MULT), MALFORMED, "(DEPTHWISE_CONV_2D): filter [1,3,3,4]");
}

/* TRANSPOSE_CONV: (output_shape, weights [3,3,3,2], x [1,4,4,2], bias [3]) SAME stride 2 -> [1,8,8,3]. */
enum {
    TC_OK, TC_SHAPE_RANGE, TC_SHAPE_MISMATCH, TC_STRIDE, TC_PADDING, TC_CHANNELS, TC_BIAS,
    TC_SHAPE_NOT_CONST, TC_ACT, TC_VALID, TC_NO_BIAS,
};

static tb_model *tconv_model(int v)
{
    tb_model *m = tb_create();
    int shape = v == TC_SHAPE_NOT_CONST ? tb_tensor_f32(m, "shape", SHAPE(4), ones)
                : v == TC_SHAPE_RANGE   ? tb_tensor_i32(m, "shape", SHAPE(4), I32(1, 0, 8, 3))
                : v == TC_SHAPE_MISMATCH ? tb_tensor_i32(m, "shape", SHAPE(4), I32(1, 8, 8, 4))
                : v == TC_VALID          ? tb_tensor_i32(m, "shape", SHAPE(4), I32(1, 9, 9, 3))
                                         : tb_tensor_i32(m, "shape", SHAPE(4), I32(1, 8, 8, 3));
    int w = tb_tensor_f32(m, "w", SHAPE(3, 3, 3, v == TC_CHANNELS ? 5 : 2), ones);
    int x = tb_tensor_f32(m, "x", SHAPE(1, 4, 4, 2), NULL);
    int b = tb_tensor_f32(m, "b", SHAPE(v == TC_BIAS ? 2 : 3), ones);
    int y = tb_tensor_f32(m, "y", SHAPE(1, v == TC_VALID ? 9 : 8, v == TC_VALID ? 9 : 8, 3), NULL);
    tb_opts o = {0};
    tb_opts_u8(&o, 0, v == TC_PADDING ? 2 : v == TC_VALID ? TB_VALID : TB_SAME);
    tb_opts_i32(&o, 1, 2);
    tb_opts_i32(&o, 2, v == TC_STRIDE ? 0 : 2);
    tb_opts_u8(&o, 3, v == TC_ACT ? TB_ACT_TANH : TB_ACT_NONE);
    if (v == TC_NO_BIAS)
        add_op(m, TB_TRANSPOSE_CONV, IDX(shape, w, x), y, TB_OPT_TRANSPOSE_CONV, &o);
    else
        add_op(m, TB_TRANSPOSE_CONV, IDX(shape, w, x, b), y, TB_OPT_TRANSPOSE_CONV, &o);
    io1(m, x, y);
    return m;
}

static void accepts_transpose_conv_variants(void)
{
    ACCEPTS(tconv_model(TC_OK));
    ACCEPTS(tconv_model(TC_VALID));
    ACCEPTS(tconv_model(TC_NO_BIAS));
}

static void transpose_conv_rejects_output_shape_out_of_range(void)
{
    REJECTS(tconv_model(TC_SHAPE_RANGE), MALFORMED, "(TRANSPOSE_CONV): output_shape[1] = 0 is out of range");
}

static void transpose_conv_rejects_output_shape_mismatch(void)
{
    REJECTS(tconv_model(TC_SHAPE_MISMATCH), MALFORMED,
            "output_shape [1,8,8,4] does not match batch 1 / filter outputs 3");
}

static void transpose_conv_rejects_bad_stride(void)
{
    REJECTS(tconv_model(TC_STRIDE), MALFORMED, "(TRANSPOSE_CONV): strides 0x2 out of range");
}

static void transpose_conv_rejects_bad_padding_enum(void)
{
    REJECTS(tconv_model(TC_PADDING), MALFORMED, "(TRANSPOSE_CONV): padding 2 is not SAME or VALID");
}

static void transpose_conv_rejects_channel_mismatch(void)
{
    REJECTS(tconv_model(TC_CHANNELS), MALFORMED, "filter has 5 input channels, the input has 2");
}

static void transpose_conv_rejects_bias_size(void)
{
    REJECTS(tconv_model(TC_BIAS), MALFORMED, "(TRANSPOSE_CONV): bias has 2 elements, expected 3");
}

static void transpose_conv_rejects_non_constant_int32_shape(void)
{
    REJECTS(tconv_model(TC_SHAPE_NOT_CONST), MALFORMED,
            "input 0 'shape' must be a constant INT32 tensor of 4 elements");
}

static void transpose_conv_rejects_fused_tanh(void)
{
    REJECTS(tconv_model(TC_ACT), UNSUPPORTED, "(TRANSPOSE_CONV): fused activation 4");
}

/* Convolution2DTransposeBias (custom, v1): x [1,4,4,2], w [3,2,2,2], b [3], options {1, 2, 2}. */
enum { CTB_OK, CTB_LEN, CTB_PADDING, CTB_VERSION, CTB_INPUTS, CTB_NO_OPTIONS };

static tb_model *ctb_model(int v)
{
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 4, 4, 2), NULL);
    int w = tb_tensor_f32(m, "w", SHAPE(3, 2, 2, 2), ones);
    int b = tb_tensor_f32(m, "b", SHAPE(3), ones);
    int y = tb_tensor_f32(m, "y", SHAPE(1, 8, 8, 3), NULL);
    int code = tb_opcode_custom(m, "Convolution2DTransposeBias", v == CTB_VERSION ? 2 : 1);
    int op = v == CTB_INPUTS ? tb_op(m, code, IDX(x, w), IDX(y)) : tb_op(m, code, IDX(x, w, b), IDX(y));
    int32_t opts[3] = {v == CTB_PADDING ? 3 : 1, 2, 2};
    if (v != CTB_NO_OPTIONS)
        tb_op_custom(m, op, opts, v == CTB_LEN ? 8 : 12);
    io1(m, x, y);
    return m;
}

static void accepts_convolution_transpose_bias(void) { ACCEPTS(ctb_model(CTB_OK)); }

static void transpose_bias_rejects_custom_options_length(void)
{
    REJECTS(ctb_model(CTB_LEN), MALFORMED,
            "operator 0 (Convolution2DTransposeBias): custom options are 8 bytes, expected 12");
    REJECTS(ctb_model(CTB_NO_OPTIONS), MALFORMED, "custom options are 0 bytes, expected 12");
}

static void transpose_bias_rejects_bad_padding(void)
{
    REJECTS(ctb_model(CTB_PADDING), MALFORMED, "padding 3 is not SAME (1) or VALID (2)");
}

static void rejects_unsupported_custom_version(void)
{
    REJECTS(ctb_model(CTB_VERSION), UNSUPPORTED,
            "operator 0: custom op Convolution2DTransposeBias version 2 is not supported (only 1)");
}

static void transpose_bias_rejects_missing_bias(void)
{
    REJECTS(ctb_model(CTB_INPUTS), MALFORMED, "has 2 inputs, expected 3..3");
}

/* MAX_POOL_2D / AVERAGE_POOL_2D: x [1,4,4,2], 2x2 VALID stride 2 -> [1,2,2,2]. */
enum { POOL_OK, POOL_FILTER, POOL_ACT, POOL_RANK, POOL_STRIDE, POOL_PADDING, POOL_OUT };

static tb_model *pool_model(int builtin, int v)
{
    tb_model *m = tb_create();
    int x = v == POOL_RANK ? tb_tensor_f32(m, "x", SHAPE(4, 4, 2), NULL)
                           : tb_tensor_f32(m, "x", SHAPE(1, 4, 4, 2), NULL);
    int y = tb_tensor_f32(m, "y", SHAPE(1, 2, 2, v == POOL_OUT ? 1 : 2), NULL);
    tb_opts o = {0};
    tb_opts_u8(&o, 0, v == POOL_PADDING ? 7 : TB_VALID);
    tb_opts_i32(&o, 1, 2);
    tb_opts_i32(&o, 2, v == POOL_STRIDE ? -1 : 2);
    tb_opts_i32(&o, 3, v == POOL_FILTER ? 0 : 2);
    tb_opts_i32(&o, 4, 2);
    tb_opts_u8(&o, 5, v == POOL_ACT ? TB_ACT_TANH : TB_ACT_RELU);
    add_op(m, builtin, IDX(x), y, TB_OPT_POOL2D, &o);
    io1(m, x, y);
    return m;
}

static void accepts_pool_variants(void)
{
    ACCEPTS(pool_model(TB_MAX_POOL_2D, POOL_OK));
    ACCEPTS(pool_model(TB_AVERAGE_POOL_2D, POOL_OK));
}

static void pool_rejects_filter_out_of_range(void)
{
    REJECTS(pool_model(TB_MAX_POOL_2D, POOL_FILTER), MALFORMED, "(MAX_POOL_2D): filter 2x0 out of range");
}

static void pool_rejects_fused_tanh(void)
{
    REJECTS(pool_model(TB_AVERAGE_POOL_2D, POOL_ACT), UNSUPPORTED, "(AVERAGE_POOL_2D): fused activation 4");
}

static void pool_rejects_input_rank(void)
{
    REJECTS(pool_model(TB_MAX_POOL_2D, POOL_RANK), MALFORMED, "input 'x' has rank 3, expected 4");
}

static void pool_rejects_bad_stride(void)
{
    REJECTS(pool_model(TB_MAX_POOL_2D, POOL_STRIDE), MALFORMED, "stride -1 / dilation 1 / kernel 2");
}

static void pool_rejects_bad_padding_enum(void)
{
    REJECTS(pool_model(TB_MAX_POOL_2D, POOL_PADDING), MALFORMED, "padding 7 is not SAME (0) or VALID (1)");
}

static void pool_rejects_declared_output_shape(void)
{
    REJECTS(pool_model(TB_AVERAGE_POOL_2D, POOL_OUT), MALFORMED,
            "is declared [1,2,2,1] but the op computes [1,2,2,2]");
}

/* ADD / SUB / MUL: a [1,4,4,2] (input) op b [2] (constant) -> [1,4,4,2]. */
enum { BIN_OK, BIN_BROADCAST, BIN_ACT, BIN_OUT, BIN_INT32, BIN_F16, BIN_OPTIONS_PAST };

static tb_model *binary_model(int builtin, int v)
{
    tb_model *m = tb_create();
    int a = tb_tensor_f32(m, "a", SHAPE(1, 4, 4, 2), NULL);
    int b = v == BIN_BROADCAST ? tb_tensor_f32(m, "b", SHAPE(3), ones)
            : v == BIN_INT32   ? tb_tensor_i32(m, "b", SHAPE(2), I32(1, 2))
            : v == BIN_F16     ? tb_tensor_f16(m, "b", SHAPE(2), (const uint16_t[]){0x3c00, 0x3c00})
                               : tb_tensor_f32(m, "b", SHAPE(1, 1, 2), ones);
    int y = tb_tensor_f32(m, "y", SHAPE(1, 4, v == BIN_OUT ? 3 : 4, 2), NULL);
    tb_opts o = {0};
    tb_opts_u8(&o, 0, v == BIN_ACT ? TB_ACT_TANH : TB_ACT_RELU_N1_TO_1);
    add_op(m, builtin, IDX(a, b), y, TB_OPT_ADD, &o);
    io1(m, a, y);
    return m;
}

static void accepts_binary_variants(void)
{
    ACCEPTS(binary_model(TB_ADD, BIN_OK));
    ACCEPTS(binary_model(TB_SUB, BIN_OK));
    ACCEPTS(binary_model(TB_MUL, BIN_OK));
}

static void binary_rejects_broadcast_failure(void)
{
    REJECTS(binary_model(TB_ADD, BIN_BROADCAST), MALFORMED,
            "operator 0 (ADD): cannot broadcast [1,4,4,2] with [1,1,1,3]");
}

static void binary_rejects_fused_tanh(void)
{
    REJECTS(binary_model(TB_ADD, BIN_ACT), UNSUPPORTED, "(ADD): fused activation 4 is not supported");
    REJECTS(binary_model(TB_MUL, BIN_ACT), UNSUPPORTED, "(MUL): fused activation 4");
    REJECTS(binary_model(TB_SUB, BIN_ACT), UNSUPPORTED, "(SUB): fused activation 4");
}

static void binary_rejects_declared_output_shape(void)
{
    REJECTS(binary_model(TB_SUB, BIN_OUT), MALFORMED, "(SUB): output 0 'y' is declared [1,4,3,2]");
}

static void binary_rejects_int32_operand(void)
{
    REJECTS(binary_model(TB_MUL, BIN_INT32), UNSUPPORTED, "(MUL): input 1 (tensor 1 'b') is INT32");
}

static void binary_rejects_float16_operand(void)
{
    REJECTS(binary_model(TB_ADD, BIN_F16), UNSUPPORTED, "(ADD): input 1 (tensor 1 'b') is FLOAT16");
}

/* MEAN / SUM: x [1,4,4,2] over axes {1,2} -> [1,2] (keep_dims false). */
enum { RED_OK, RED_AXIS, RED_NEG_AXIS, RED_OUT, RED_AXES_FLOAT };

static tb_model *reduce_model(int builtin, int v)
{
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 4, 4, 2), NULL);
    int axes = v == RED_AXIS       ? tb_tensor_i32(m, "axes", SHAPE(2), I32(1, 4))
               : v == RED_NEG_AXIS ? tb_tensor_i32(m, "axes", SHAPE(2), I32(-5, 2))
               : v == RED_AXES_FLOAT ? tb_tensor_f32(m, "axes", SHAPE(2), ones)
                                     : tb_tensor_i32(m, "axes", SHAPE(2), I32(1, -2));
    int y = tb_tensor_f32(m, "y", SHAPE(1, v == RED_OUT ? 3 : 2), NULL);
    add_op(m, builtin, IDX(x, axes), y, 0, NULL);
    io1(m, x, y);
    return m;
}

static void accepts_reduce_variants(void)
{
    ACCEPTS(reduce_model(TB_MEAN, RED_OK));
    ACCEPTS(reduce_model(TB_SUM, RED_OK));
}

static void reduce_rejects_axis_out_of_range(void)
{
    REJECTS(reduce_model(TB_MEAN, RED_AXIS), MALFORMED, "(MEAN): axis 4 is out of range for rank 4");
    REJECTS(reduce_model(TB_SUM, RED_NEG_AXIS), MALFORMED, "(SUM): axis -5 is out of range for rank 4");
}

static void reduce_rejects_output_count(void)
{
    REJECTS(reduce_model(TB_MEAN, RED_OUT), MALFORMED,
            "output 'y' has 3 elements, the reduction gives 2");
}

static void reduce_rejects_non_constant_int32_axes(void)
{
    REJECTS(reduce_model(TB_SUM, RED_AXES_FLOAT), MALFORMED,
            "(SUM): input 1 'axes' must be a constant INT32 tensor");
}

/* PAD: x [1,4,4,2], pads [[0,0],[1,1],[1,1],[0,0]] -> [1,6,6,2]. */
enum { PAD_OK, PAD_NEG, PAD_HUGE, PAD_COUNT, PAD_OUT };

static tb_model *pad_model(int v)
{
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 4, 4, 2), NULL);
    int p = v == PAD_NEG    ? tb_tensor_i32(m, "pads", SHAPE(4, 2), I32(0, 0, -1, 1, 1, 1, 0, 0))
            : v == PAD_HUGE ? tb_tensor_i32(m, "pads", SHAPE(4, 2), I32(0, 0, 1, 1, 1, 5000, 0, 0))
            : v == PAD_COUNT ? tb_tensor_i32(m, "pads", SHAPE(3, 2), I32(0, 0, 1, 1, 1, 1))
                             : tb_tensor_i32(m, "pads", SHAPE(4, 2), I32(0, 0, 1, 1, 1, 1, 0, 0));
    int y = tb_tensor_f32(m, "y", SHAPE(1, 6, 6, v == PAD_OUT ? 3 : 2), NULL);
    add_op(m, TB_PAD, IDX(x, p), y, 0, NULL);
    io1(m, x, y);
    return m;
}

static void accepts_pad(void) { ACCEPTS(pad_model(PAD_OK)); }

static void pad_rejects_negative_padding(void)
{
    REJECTS(pad_model(PAD_NEG), MALFORMED, "(PAD): padding of dim 1 is (-1,1), expected 0..4096");
    REJECTS(pad_model(PAD_HUGE), MALFORMED, "(PAD): padding of dim 2 is (1,5000)");
}

static void pad_rejects_padding_count(void)
{
    REJECTS(pad_model(PAD_COUNT), MALFORMED, "input 1 'pads' must be a constant INT32 tensor of 8 elements");
}

static void pad_rejects_declared_output_shape(void)
{
    REJECTS(pad_model(PAD_OUT), MALFORMED, "(PAD): output 0 'y' is declared [1,6,6,3]");
}

/* CONCATENATION on axis 3: a [1,4,4,2] (input), b [1,4,4,3] (constant) -> [1,4,4,5]. */
enum { CAT_OK, CAT_ACT, CAT_TANH, CAT_AXIS, CAT_MISSING, CAT_RANK, CAT_DIM, CAT_OUT, CAT_NEG_AXIS };

static tb_model *concat_model(int v)
{
    tb_model *m = tb_create();
    int a = tb_tensor_f32(m, "a", SHAPE(1, 4, 4, 2), NULL);
    int b = v == CAT_RANK ? tb_tensor_f32(m, "b", SHAPE(4, 4, 3), ones)
            : v == CAT_DIM ? tb_tensor_f32(m, "b", SHAPE(1, 4, 3, 3), ones)
                           : tb_tensor_f32(m, "b", SHAPE(1, 4, 4, 3), ones);
    int y = tb_tensor_f32(m, "y", SHAPE(1, 4, 4, v == CAT_OUT ? 6 : 5), NULL);
    tb_opts o = {0};
    tb_opts_i32(&o, 0, v == CAT_AXIS ? 4 : v == CAT_NEG_AXIS ? -1 : 3);
    tb_opts_u8(&o, 1, v == CAT_ACT ? TB_ACT_RELU : v == CAT_TANH ? TB_ACT_TANH : TB_ACT_NONE);
    add_op(m, TB_CONCATENATION, IDX(a, v == CAT_MISSING ? -1 : b), y, TB_OPT_CONCATENATION, &o);
    io1(m, a, y);
    return m;
}

static void accepts_concat_variants(void)
{
    ACCEPTS(concat_model(CAT_OK));
    ACCEPTS(concat_model(CAT_NEG_AXIS));
}

static void concat_rejects_fused_activation(void)
{
    REJECTS(concat_model(CAT_ACT), UNSUPPORTED, "(CONCATENATION): fused activation on CONCATENATION");
    REJECTS(concat_model(CAT_TANH), UNSUPPORTED, "(CONCATENATION): fused activation 4");
}

static void concat_rejects_axis_out_of_range(void)
{
    REJECTS(concat_model(CAT_AXIS), MALFORMED, "(CONCATENATION): axis 4 is out of range for rank 4");
}

static void concat_rejects_missing_input(void)
{
    REJECTS(concat_model(CAT_MISSING), MALFORMED, "(CONCATENATION): input 1 is missing");
}

static void concat_rejects_rank_mismatch(void)
{
    REJECTS(concat_model(CAT_RANK), MALFORMED, "input 1 has rank 3, input 0 has 4");
}

static void concat_rejects_dim_mismatch(void)
{
    REJECTS(concat_model(CAT_DIM), MALFORMED, "input 1 dim 2 is 3, input 0 has 4");
}

static void concat_rejects_declared_output_shape(void)
{
    REJECTS(concat_model(CAT_OUT), MALFORMED, "is declared [1,4,4,6] but the op computes [1,4,4,5]");
}

/* RESHAPE x [1,4,4,2] -> [1,32]. */
static tb_model *reshape_model(int count)
{
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 4, 4, 2), NULL);
    int s = tb_tensor_i32(m, "shape", SHAPE(2), I32(1, 32));
    int y = tb_tensor_f32(m, "y", SHAPE(1, count), NULL);
    add_op(m, TB_RESHAPE, IDX(x, s), y, 0, NULL);
    io1(m, x, y);
    return m;
}

static void accepts_reshape(void) { ACCEPTS(reshape_model(32)); }

static void reshape_rejects_count_mismatch(void)
{
    REJECTS(reshape_model(30), MALFORMED, "(RESHAPE): reshape from 32 to 30 elements");
}

/*
 * Regression (found by the robustness test on the XNNPACK backend): a RESHAPE
 * whose shape input is a float activation. It was accepted; XNNPACK then left
 * that activation without memory and aborted at setup.
 */
static void reshape_rejects_float_shape_input(void)
{
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 4, 4, 2), NULL);
    int h = tb_tensor_f32(m, "h", SHAPE(1, 4, 4, 2), NULL);
    int y = tb_tensor_f32(m, "y", SHAPE(1, 32), NULL);
    add_op(m, TB_HARD_SWISH, IDX(x), h, 0, NULL);
    add_op(m, TB_RESHAPE, IDX(x, h), y, 0, NULL);
    io1(m, x, y);
    REJECTS(m, MALFORMED, "input 1 'h' must be a constant INT32 tensor");
}

/* STRIDED_SLICE x [1,4,4,2], begin {0,1,1,0}, end {1,3,4,2}, strides {1,1,2,1} -> [1,2,2,2]. */
enum {
    SL_OK, SL_ELLIPSIS, SL_NEW_AXIS, SL_OFFSET, SL_STRIDE0, SL_SHRINK, SL_EMPTY, SL_OUT,
    SL_BEGIN_COUNT, SL_MASKS, SL_NEGATIVE, SL_TWO_BAD_PARAMS,
};

static tb_model *slice_model(int v)
{
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 4, 4, 2), NULL);
    int b = v == SL_SHRINK      ? tb_tensor_i32(m, "begin", SHAPE(4), I32(0, 4, 1, 0))
            : v == SL_EMPTY     ? tb_tensor_i32(m, "begin", SHAPE(4), I32(0, 3, 1, 0))
            : v == SL_BEGIN_COUNT ? tb_tensor_i32(m, "begin", SHAPE(3), I32(0, 1, 1))
            : v == SL_NEGATIVE  ? tb_tensor_i32(m, "begin", SHAPE(4), I32(0, -3, -3, 0))
                                : tb_tensor_i32(m, "begin", SHAPE(4), I32(0, 1, 1, 0));
    int e = v == SL_EMPTY ? tb_tensor_i32(m, "end", SHAPE(4), I32(1, 1, 4, 2))
            : v == SL_TWO_BAD_PARAMS ? tb_tensor_f32(m, "end", SHAPE(4), ones)
                                     : tb_tensor_i32(m, "end", SHAPE(4), I32(1, 3, 4, 2));
    int s = v == SL_STRIDE0 ? tb_tensor_i32(m, "strides", SHAPE(4), I32(1, 0, 2, 1))
            : v == SL_TWO_BAD_PARAMS ? tb_tensor_f32(m, "strides", SHAPE(4), ones)
                                     : tb_tensor_i32(m, "strides", SHAPE(4), I32(1, 1, 2, 1));
    int y = v == SL_SHRINK ? tb_tensor_f32(m, "y", SHAPE(1, 2, 2), NULL)
            : v == SL_OUT  ? tb_tensor_f32(m, "y", SHAPE(1, 2, 2, 1), NULL)
            : v == SL_MASKS ? tb_tensor_f32(m, "y", SHAPE(1, 3, 2, 2), NULL)
                            : tb_tensor_f32(m, "y", SHAPE(1, 2, 2, 2), NULL);
    tb_opts o = {0};
    tb_opts_i32(&o, 0, v == SL_MASKS ? 2 : 0);             /* begin_mask: dim 1 from 0 */
    tb_opts_i32(&o, 1, 0);                                  /* end_mask */
    tb_opts_i32(&o, 2, v == SL_ELLIPSIS ? 1 : 0);           /* ellipsis_mask */
    tb_opts_i32(&o, 3, v == SL_NEW_AXIS ? 1 : 0);           /* new_axis_mask */
    tb_opts_i32(&o, 4, v == SL_SHRINK ? 2 : 0);             /* shrink_axis_mask */
    tb_opts_u8(&o, 5, v == SL_OFFSET ? 1 : 0);              /* offset */
    add_op(m, TB_STRIDED_SLICE, IDX(x, b, e, s), y, TB_OPT_STRIDED_SLICE, &o);
    io1(m, x, y);
    return m;
}

static void accepts_strided_slice_variants(void)
{
    ACCEPTS(slice_model(SL_OK));
    ACCEPTS(slice_model(SL_MASKS));
    ACCEPTS(slice_model(SL_NEGATIVE));
}

static void strided_slice_rejects_unsupported_masks(void)
{
    REJECTS(slice_model(SL_ELLIPSIS), UNSUPPORTED,
            "(STRIDED_SLICE): ellipsis_mask/new_axis_mask/offset are not supported");
    REJECTS(slice_model(SL_NEW_AXIS), UNSUPPORTED, "new_axis_mask");
    REJECTS(slice_model(SL_OFFSET), UNSUPPORTED, "offset are not supported");
}

static void strided_slice_rejects_zero_stride(void)
{
    REJECTS(slice_model(SL_STRIDE0), MALFORMED, "(STRIDED_SLICE): stride of dim 1 is 0");
}

static void strided_slice_rejects_shrink_index_out_of_range(void)
{
    REJECTS(slice_model(SL_SHRINK), MALFORMED, "shrink index 4 out of range for dim 1 of size 4");
}

static void strided_slice_rejects_empty_slice(void)
{
    REJECTS(slice_model(SL_EMPTY), MALFORMED, "(STRIDED_SLICE): slice of dim 1 is empty");
}

static void strided_slice_rejects_output_count(void)
{
    REJECTS(slice_model(SL_OUT), MALFORMED, "output 'y' is declared [1,2,2,1] but the slice gives [1,2,2,2]");
}

static void strided_slice_rejects_param_count(void)
{
    REJECTS(slice_model(SL_BEGIN_COUNT), MALFORMED,
            "input 1 'begin' must be a constant INT32 tensor of 4 elements");
}

/*
 * Regression (fixed): op_strided_slice calls need_i32 for begin, end and strides
 * before testing any result, so each bad one logs: two or three error
 * lines for one failure. Found by fuzz_model (crash-15f2f7ed...).
 */
static void strided_slice_rejects_bad_params_with_one_line(void)
{
    REJECTS(slice_model(SL_TWO_BAD_PARAMS), MALFORMED, "input 2 'end' must be a constant INT32");
}

/*
 * A slice whose declared output shape ([4,1]) differs from what it computes
 * ([1,4]) with the same count, feeding a second slice that trusts the
 * declared shape: the reader must either reject the first slice or keep
 * shape and data consistent; it must never let the second slice read past
 * its input (ASan / the kernel's assert).
 */
static tb_model *slice_chain_model(void)
{
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 4), NULL);
    int b = tb_tensor_i32(m, "b", SHAPE(2), I32(0, 0));
    int e1 = tb_tensor_i32(m, "e1", SHAPE(2), I32(1, 4));
    int e2 = tb_tensor_i32(m, "e2", SHAPE(2), I32(4, 1));
    int s = tb_tensor_i32(m, "s", SHAPE(2), I32(1, 1));
    int mid = tb_tensor_f32(m, "mid", SHAPE(4, 1), NULL);
    int y = tb_tensor_f32(m, "y", SHAPE(4, 1), NULL);
    add_op(m, TB_STRIDED_SLICE, IDX(x, b, e1, s), mid, 0, NULL);
    add_op(m, TB_STRIDED_SLICE, IDX(mid, b, e2, s), y, 0, NULL);
    io1(m, x, y);
    return m;
}

/*
 * READER BUG (see the comment above): loads, and invoke reads past "mid".
 */
static void strided_slice_rejects_declared_shape_mismatch(void)
{
    size_t size;
    uint8_t *data = finish(slice_chain_model(), &size, NULL);
    test_log_reset();
    segtex_model *m = NULL;
    segtex_status st = segtex_model_load_memory(data, size, "t.tflite", &ref, &m);
    free(data);
    if (st == SEGTEX_OK) {
        /* Accepted: then it must compute TFLite's result, y = x as a column. */
        segtex_tensor_info in, out;
        segtex_model_input(m, 0, &in);
        segtex_model_output(m, 0, &out);
        for (int i = 0; i < 4; i++)
            in.data[i] = (float)(i + 1);
        segtex_model_invoke(m);
        for (int i = 0; i < 4; i++)
            CHECK_NEAR(out.data[i], i + 1.0, 0);
        segtex_model_destroy(m);
    } else {
        CHECK(st == MALFORMED && test_log.errors == 1 && strstr(test_log.line, "operator 0 (STRIDED_SLICE)"),
              "status %d, log: %s", st, test_log.line);
    }
}


/* RESIZE_BILINEAR x [1,4,4,2], size {8,8} -> [1,8,8,2]. */
enum { RS_OK, RS_BOTH, RS_SIZE, RS_NOT_CONST, RS_OUT, RS_ALIGN, RS_HALF };

static tb_model *resize_model(int v)
{
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 4, 4, 2), NULL);
    int s = v == RS_SIZE ? tb_tensor_i32(m, "size", SHAPE(2), I32(0, 8))
            : v == RS_NOT_CONST ? tb_tensor_f32(m, "size", SHAPE(2), ones)
                                : tb_tensor_i32(m, "size", SHAPE(2), I32(8, 8));
    int y = tb_tensor_f32(m, "y", SHAPE(1, 8, v == RS_OUT ? 7 : 8, 2), NULL);
    tb_opts o = {0};
    tb_opts_u8(&o, 2, v == RS_BOTH || v == RS_ALIGN);
    tb_opts_u8(&o, 3, v == RS_BOTH || v == RS_HALF);
    add_op(m, TB_RESIZE_BILINEAR, IDX(x, s), y, TB_OPT_RESIZE_BILINEAR, &o);
    io1(m, x, y);
    return m;
}

static void accepts_resize_variants(void)
{
    ACCEPTS(resize_model(RS_OK));
    ACCEPTS(resize_model(RS_ALIGN));
    ACCEPTS(resize_model(RS_HALF));
}

static void resize_rejects_both_flags(void)
{
    REJECTS(resize_model(RS_BOTH), MALFORMED,
            "(RESIZE_BILINEAR): align_corners and half_pixel_centers are both set");
}

static void resize_rejects_size_out_of_range(void)
{
    REJECTS(resize_model(RS_SIZE), MALFORMED, "(RESIZE_BILINEAR): size 0x8 out of range");
}

static void resize_rejects_non_constant_size(void)
{
    REJECTS(resize_model(RS_NOT_CONST), MALFORMED, "input 1 'size' must be a constant INT32 tensor of 2");
}

static void resize_rejects_declared_output_shape(void)
{
    REJECTS(resize_model(RS_OUT), MALFORMED, "is declared [1,8,7,2] but the op computes [1,8,8,2]");
}

/* PRELU x [1,4,4,2], alpha [1,1,2] -> [1,4,4,2]. */
enum { PRELU_OK, PRELU_BROADCAST, PRELU_ALPHA_BIGGER };

static tb_model *prelu_model(int v)
{
    tb_model *m = tb_create();
    int x = v == PRELU_ALPHA_BIGGER ? tb_tensor_f32(m, "x", SHAPE(1, 1, 1, 2), NULL)
                                    : tb_tensor_f32(m, "x", SHAPE(1, 4, 4, 2), NULL);
    int a = v == PRELU_BROADCAST    ? tb_tensor_f32(m, "alpha", SHAPE(3), ones)
            : v == PRELU_ALPHA_BIGGER ? tb_tensor_f32(m, "alpha", SHAPE(1, 4, 4, 2), ones)
                                      : tb_tensor_f32(m, "alpha", SHAPE(1, 1, 2), ones);
    int y = v == PRELU_ALPHA_BIGGER ? tb_tensor_f32(m, "y", SHAPE(1, 1, 1, 2), NULL)
                                    : tb_tensor_f32(m, "y", SHAPE(1, 4, 4, 2), NULL);
    add_op(m, TB_PRELU, IDX(x, a), y, 0, NULL);
    io1(m, x, y);
    return m;
}

static void accepts_prelu(void) { ACCEPTS(prelu_model(PRELU_OK)); }

static void prelu_rejects_broadcast_failure(void)
{
    REJECTS(prelu_model(PRELU_BROADCAST), MALFORMED, "(PRELU): cannot broadcast [1,4,4,2] with [1,1,1,3]");
}

static void prelu_rejects_alpha_larger_than_input(void)
{
    REJECTS(prelu_model(PRELU_ALPHA_BIGGER), MALFORMED,
            "(PRELU): output 0 'y' is declared [1,1,1,2] but the op computes [1,4,4,2]");
}

/* SOFTMAX x [1,10] beta -> [1,10]; unary ops x [1,4,4,2] -> same. */
static tb_model *softmax_model(float beta, int out)
{
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 10), NULL);
    int y = tb_tensor_f32(m, "y", SHAPE(1, out), NULL);
    tb_opts o = {0};
    tb_opts_f32(&o, 0, beta);
    add_op(m, TB_SOFTMAX, IDX(x), y, TB_OPT_SOFTMAX, &o);
    io1(m, x, y);
    return m;
}

static void accepts_softmax(void) { ACCEPTS(softmax_model(1.0f, 10)); }

static void softmax_rejects_non_finite_beta(void)
{
    REJECTS(softmax_model(INFINITY, 10), MALFORMED, "(SOFTMAX): beta is not finite");
    REJECTS(softmax_model(NAN, 10), MALFORMED, "(SOFTMAX): beta is not finite");
}

static void softmax_rejects_declared_output_shape(void)
{
    REJECTS(softmax_model(1.0f, 11), MALFORMED, "(SOFTMAX): output 0 'y' is declared [1,1,1,11]");
}

static tb_model *unary_model(int builtin, int in_count, int out_c)
{
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 4, 4, 2), NULL);
    int y = tb_tensor_f32(m, "y", SHAPE(1, 4, 4, out_c), NULL);
    if (in_count == 2)
        add_op(m, builtin, IDX(x, x), y, 0, NULL);
    else
        add_op(m, builtin, IDX(x), y, 0, NULL);
    io1(m, x, y);
    return m;
}

static void accepts_unary_ops(void)
{
    const int ops[] = {TB_RELU, TB_RELU6, TB_LOGISTIC, TB_HARD_SWISH, TB_TANH};
    for (int k = 0; k < 5; k++)
        ACCEPTS(unary_model(ops[k], 1, 2));
}

static void unary_rejects_declared_output_shape(void)
{
    REJECTS(unary_model(TB_LOGISTIC, 1, 3), MALFORMED, "(LOGISTIC): output 0 'y' is declared [1,4,4,3]");
    REJECTS(unary_model(TB_HARD_SWISH, 1, 1), MALFORMED, "(HARD_SWISH): output 0 'y' is declared");
}

static void unary_rejects_extra_input(void)
{
    REJECTS(unary_model(TB_TANH, 2, 2), MALFORMED, "(TANH): has 2 inputs, expected 1..1");
}

/* ---- (b) MediaPipe custom ops and their FlexBuffer options --------------------------- */

/* TransformTensorBilinear v2: img [1,8,8,2], matrix [1,4,4], {output_height 4, output_width 4}. */
enum {
    TT_OK, TT_MISSING_KEY, TT_RANGE, TT_NOT_NUMBER, TT_NO_OPTIONS, TT_SHORT, TT_MATRIX, TT_RANK,
    TT_OUT, TT_FLOAT_VALUE, TT_FLOAT_HUGE, TT_FLOAT_NAN,
};

static tb_model *tt_model_opts(int v, const uint8_t *opts, size_t len)
{
    tb_model *m = tb_create();
    int img = v == TT_RANK ? tb_tensor_f32(m, "img", SHAPE(8, 8, 2), NULL)
                           : tb_tensor_f32(m, "img", SHAPE(1, 8, 8, 2), NULL);
    int mat = v == TT_MATRIX ? tb_tensor_f32(m, "m", SHAPE(1, 3, 4), ones)
                             : tb_tensor_f32(m, "m", SHAPE(1, 4, 4), ones);
    int y = tb_tensor_f32(m, "y", SHAPE(1, 4, v == TT_OUT ? 5 : 4, 2), NULL);
    int op = tb_op(m, tb_opcode_custom(m, "TransformTensorBilinear", 2), IDX(img, mat), IDX(y));
    if (opts)
        tb_op_custom(m, op, opts, len);
    io1(m, img, y);
    return m;
}

static size_t tt_options(int v, uint8_t *buf, size_t cap, tb_flex_layout *fl)
{
    tb_flex f = {0};
    if (v == TT_NOT_NUMBER)
        tb_flex_ints(&f, "output_height", I32(4), 1);
    else if (v == TT_FLOAT_VALUE)
        tb_flex_float(&f, "output_height", 4.0f);
    else if (v == TT_FLOAT_HUGE)
        tb_flex_float(&f, "output_height", 1e30f);
    else if (v == TT_FLOAT_NAN)
        tb_flex_float(&f, "output_height", NAN);
    else
        tb_flex_int(&f, "output_height", v == TT_RANGE ? 0 : 4);
    if (v != TT_MISSING_KEY)
        tb_flex_int(&f, "output_width", 4);
    return tb_flex_finish(&f, buf, cap, fl);
}

static tb_model *tt_model(int v)
{
    uint8_t buf[256];
    size_t len = tt_options(v, buf, sizeof buf, NULL);
    if (v == TT_SHORT)
        len = 2;
    return tt_model_opts(v, v == TT_NO_OPTIONS ? NULL : buf, len);
}

static void accepts_transform_tensor_bilinear(void)
{
    ACCEPTS(tt_model(TT_OK));
    ACCEPTS(tt_model(TT_FLOAT_VALUE)); /* a float 4.0 reads as 4 */
}

static void transform_tensor_rejects_missing_key(void)
{
    REJECTS(tt_model(TT_MISSING_KEY), MALFORMED,
            "operator 0 (TransformTensorBilinear): custom options lack 'output_width'");
}

static void transform_tensor_rejects_option_out_of_range(void)
{
    REJECTS(tt_model(TT_RANGE), MALFORMED, "custom option 'output_height' = 0, expected 1..4096");
}

static void transform_tensor_rejects_option_not_a_number(void)
{
    REJECTS(tt_model(TT_NOT_NUMBER), MALFORMED, "custom option 'output_height': value is not a number");
}

/*
 * Regression (fixed): flexbuf.c fxb_as_int converts a float option with
 * `(int64_t)d` before any range check; 1e30 or NaN is undefined behaviour
 * (clang's UBSan aborts: "1e+30 is outside the range of representable
 * values of type 'long'"; gcc's -fsanitize=undefined does not check float
 * casts, and x86 happens to give INT64_MIN, which the range check rejects).
 */
static void transform_tensor_rejects_huge_float_option(void)
{
    REJECTS(tt_model(TT_FLOAT_HUGE), MALFORMED, "custom option 'output_height'");
    REJECTS(tt_model(TT_FLOAT_NAN), MALFORMED, "custom option 'output_height'");
}

static void transform_tensor_rejects_missing_options(void)
{
    REJECTS(tt_model(TT_NO_OPTIONS), MALFORMED, "(TransformTensorBilinear): custom options: missing");
}

static void transform_tensor_rejects_matrix_size(void)
{
    REJECTS(tt_model(TT_MATRIX), MALFORMED, "matrix 'm' has 12 elements, expected 16");
}

static void transform_tensor_rejects_input_rank(void)
{
    REJECTS(tt_model(TT_RANK), MALFORMED, "input 'img' has rank 3, expected 4");
}

static void transform_tensor_rejects_declared_output_shape(void)
{
    REJECTS(tt_model(TT_OUT), MALFORMED, "is declared [1,4,5,2] but the op computes [1,4,4,2]");
}

/* Malformed FlexBuffers, one rule of flexbuf.c each, patched into valid options. */
static void flex_rejects(const char *file, int line, uint8_t *opts, size_t len, const char *words)
{
    tb_model *m = tt_model_opts(TT_OK, opts, len);
    rejects_model(file, line, m, MALFORMED, (const char *const[]){"custom option", words, NULL});
}
#define FLEX_REJECTS(opts, len, words) flex_rejects(__FILE__, __LINE__, opts, len, words)

static void flexbuffer_rejects_short_options(void)
{
    REJECTS(tt_model(TT_SHORT), MALFORMED, "custom options: options shorter than 3 bytes");
}

static void flexbuffer_rejects_bad_root_width(void)
{
    uint8_t b[256];
    tb_flex_layout fl;
    size_t n = tt_options(TT_OK, b, sizeof b, &fl);
    b[n - 1] = 3;
    FLEX_REJECTS(b, n, "bad root width");
    n = tt_options(TT_OK, b, sizeof b, &fl);
    b[n - 1] = 8; /* valid width, but there are only 6 root bytes */
    FLEX_REJECTS(b, 9, "bad root width");
}

static void flexbuffer_rejects_root_not_a_map(void)
{
    uint8_t b[256];
    tb_flex_layout fl;
    size_t n = tt_options(TT_OK, b, sizeof b, &fl);
    b[fl.root + 4] = 1 << 2 | 2; /* INT */
    REJECTS(tt_model_opts(TT_OK, b, n), MALFORMED, "custom options are not a map");
}

static void flexbuffer_rejects_offset_before_start(void)
{
    uint8_t b[256];
    tb_flex_layout fl;
    size_t n = tt_options(TT_OK, b, sizeof b, &fl);
    tb_put_u32(b, fl.root, fl.root + 1);
    FLEX_REJECTS(b, n, "offset points before the start of the options");
}

static void flexbuffer_rejects_vector_past_end(void)
{
    uint8_t b[256];
    tb_flex_layout fl;
    size_t n = tt_options(TT_OK, b, sizeof b, &fl);
    tb_put_u32(b, fl.map_header + 8, 1000); /* map length */
    FLEX_REJECTS(b, n, "vector runs past the end of the options");
}

static void flexbuffer_rejects_map_types_outside(void)
{
    uint8_t b[256];
    tb_flex_layout fl;
    size_t n = tt_options(TT_OK, b, sizeof b, &fl);
    tb_put_u32(b, fl.map_header + 8, 4); /* 4 values still fit before the end; their types do not */
    FLEX_REJECTS(b, n, "map types outside the options");
    /* A map whose values start too early for its 3-word header. */
    const uint8_t tiny[] = {0, 0, 0, 0, 0, 0, 0, 0, 9 << 2 | 2, 4};
    FLEX_REJECTS((uint8_t *)tiny, sizeof tiny, "map types outside the options");
}

static void flexbuffer_rejects_bad_keys(void)
{
    uint8_t b[256];
    tb_flex_layout fl;
    size_t n = tt_options(TT_OK, b, sizeof b, &fl);
    tb_put_u32(b, fl.map_header + 4, 3); /* keys byte width */
    FLEX_REJECTS(b, n, "bad map keys");
    n = tt_options(TT_OK, b, sizeof b, &fl);
    tb_put_u32(b, fl.map_header, fl.map_header + 1); /* keys offset before the start */
    FLEX_REJECTS(b, n, "bad map keys");
}

static void flexbuffer_rejects_keys_not_matching_values(void)
{
    uint8_t b[256];
    tb_flex_layout fl;
    size_t n = tt_options(TT_OK, b, sizeof b, &fl);
    tb_put_u32(b, fl.keys_vec - 4, 3); /* keys vector length 3, map length 2 */
    FLEX_REJECTS(b, n, "map keys do not match its values");
}

static void flexbuffer_rejects_key_outside(void)
{
    uint8_t b[256];
    tb_flex_layout fl;
    size_t n = tt_options(TT_OK, b, sizeof b, &fl);
    tb_put_u32(b, fl.keys_vec, 0x7fffffff);
    FLEX_REJECTS(b, n, "map key outside the options");
}

static void flexbuffer_rejects_bad_float(void)
{
    /* output_height as an indirect float whose target is 2 bytes wide. */
    uint8_t b[256];
    tb_flex_layout fl;
    size_t n = tt_options(TT_OK, b, sizeof b, &fl);
    b[fl.types + 0] = 8 << 2 | 1; /* keys sort: output_height is value 0 */
    tb_put_u32(b, fl.values, 4);
    FLEX_REJECTS(b, n, "custom option 'output_height': bad float value");
}

/* Landmarks2TransformMatrix v2: lm [1,6,3] -> matrix [1,4,4]. */
enum {
    L2T_OK, L2T_COUNT, L2T_IDX, L2T_SUBSET_EMPTY, L2T_SUBSET_RANGE, L2T_SUBSET_EQ_N, L2T_SUBSET_INT,
    L2T_SCALE, L2T_SCALE_NAN, L2T_OUT, L2T_VERSION, L2T_NO_SUBSET, L2T_MISSING,
};

static tb_model *l2t_model(int v)
{
    tb_model *m = tb_create();
    int lm = v == L2T_COUNT ? tb_tensor_f32(m, "lm", SHAPE(1, 5, 2), NULL)
                            : tb_tensor_f32(m, "lm", SHAPE(1, 6, 3), NULL);
    int y = tb_tensor_f32(m, "mat", SHAPE(1, 4, v == L2T_OUT ? 3 : 4), NULL);
    int op = tb_op(m, tb_opcode_custom(m, "Landmarks2TransformMatrix", v == L2T_VERSION ? 1 : 2),
                   IDX(lm), IDX(y));
    tb_flex f = {0};
    tb_flex_int(&f, "left_rotation_idx", 0);
    tb_flex_int(&f, "right_rotation_idx", v == L2T_IDX ? 6 : 1);
    tb_flex_int(&f, "output_height", 4);
    if (v != L2T_MISSING)
        tb_flex_int(&f, "output_width", 4);
    tb_flex_float(&f, "scale_x", v == L2T_SCALE ? 1e7f : v == L2T_SCALE_NAN ? NAN : 1.5f);
    tb_flex_float(&f, "scale_y", 1.5f);
    tb_flex_float(&f, "target_rotation_radians", 0.0f);
    if (v == L2T_SUBSET_EMPTY)
        tb_flex_ints(&f, "subset_idxs", NULL, 0);
    else if (v == L2T_SUBSET_RANGE)
        tb_flex_ints(&f, "subset_idxs", I32(0, 7), 2);
    else if (v == L2T_SUBSET_EQ_N)
        tb_flex_ints(&f, "subset_idxs", I32(0, 6), 2);
    else if (v == L2T_SUBSET_INT)
        tb_flex_int(&f, "subset_idxs", 3);
    else if (v != L2T_NO_SUBSET)
        tb_flex_ints(&f, "subset_idxs", I32(0, 1, 2, 3), 4);
    uint8_t buf[512];
    size_t len = tb_flex_finish(&f, buf, sizeof buf, NULL);
    tb_op_custom(m, op, buf, len);
    io1(m, lm, y);
    return m;
}

static void accepts_landmarks_to_transform_matrix(void)
{
    ACCEPTS(l2t_model(L2T_OK));
    ACCEPTS(l2t_model(L2T_NO_SUBSET));
}

static void landmarks_to_matrix_rejects_landmark_count(void)
{
    REJECTS(l2t_model(L2T_COUNT), MALFORMED,
            "(Landmarks2TransformMatrix): landmarks tensor 'lm' has 10 values, not a multiple of 3");
}

static void landmarks_to_matrix_rejects_rotation_index(void)
{
    REJECTS(l2t_model(L2T_IDX), MALFORMED, "custom option 'right_rotation_idx' = 6, expected 0..5");
}

static void landmarks_to_matrix_rejects_missing_key(void)
{
    REJECTS(l2t_model(L2T_MISSING), MALFORMED, "custom options lack 'output_width'");
}

static void landmarks_to_matrix_rejects_empty_subset(void)
{
    REJECTS(l2t_model(L2T_SUBSET_EMPTY), MALFORMED, "subset_idxs has 0 entries, expected 1..4096");
}

static void landmarks_to_matrix_rejects_subset_index_out_of_range(void)
{
    REJECTS(l2t_model(L2T_SUBSET_RANGE), MALFORMED, "subset_idxs[1] = 7, the input has 6 landmarks");
}

/*
 * Regression (fixed): subset index == number of landmarks is accepted (tflite.c
 * checks `v > n`, not `v >= n`); invoke then reads landmark 6 of 6, past
 * the tensor (the kernel's assert fires in debug builds).
 */
static void landmarks_to_matrix_rejects_subset_index_equal_to_count(void)
{
    REJECTS(l2t_model(L2T_SUBSET_EQ_N), MALFORMED, "subset_idxs[1] = 6, the input has 6 landmarks");
}

static void landmarks_to_matrix_rejects_subset_not_a_vector(void)
{
    REJECTS(l2t_model(L2T_SUBSET_INT), MALFORMED, "custom option 'subset_idxs': value is not a vector");
}

static void landmarks_to_matrix_rejects_float_out_of_range(void)
{
    REJECTS(l2t_model(L2T_SCALE), MALFORMED, "custom option 'scale_x' = 1e+07 is out of range");
    REJECTS(l2t_model(L2T_SCALE_NAN), MALFORMED, "custom option 'scale_x' = nan is out of range");
}

static void landmarks_to_matrix_rejects_output_size(void)
{
    REJECTS(l2t_model(L2T_OUT), MALFORMED, "output 'mat' has 12 elements, expected a 4x4 matrix");
}

static void landmarks_to_matrix_rejects_version_1(void)
{
    REJECTS(l2t_model(L2T_VERSION), UNSUPPORTED,
            "custom op Landmarks2TransformMatrix version 1 is not supported (only 2)");
}

/* TransformLandmarks v2: lm [1,6,3], matrix [1,4,4] -> [1,6,3]. */
enum { TL_OK, TL_MATRIX, TL_DIMS, TL_OUT, TL_2D };

static tb_model *tl_model(int v)
{
    tb_model *m = tb_create();
    int c = v == TL_DIMS ? 4 : v == TL_2D ? 2 : 3;
    int lm = tb_tensor_f32(m, "lm", SHAPE(1, 6, c), NULL);
    int mat = tb_tensor_f32(m, "m", SHAPE(1, 4, v == TL_MATRIX ? 3 : 4), ones);
    int y = tb_tensor_f32(m, "y", SHAPE(1, v == TL_OUT ? 5 : 6, c), NULL);
    tb_op(m, tb_opcode_custom(m, "TransformLandmarks", 2), IDX(lm, mat), IDX(y));
    io1(m, lm, y);
    return m;
}

static void accepts_transform_landmarks(void)
{
    ACCEPTS(tl_model(TL_OK));
    ACCEPTS(tl_model(TL_2D));
}

static void transform_landmarks_rejects_matrix_size(void)
{
    REJECTS(tl_model(TL_MATRIX), MALFORMED, "(TransformLandmarks): matrix 'm' has 12 elements, expected 16");
}

static void transform_landmarks_rejects_values_per_point(void)
{
    REJECTS(tl_model(TL_DIMS), MALFORMED, "landmarks 'lm' have 4 values per point, expected 2 or 3");
}

static void transform_landmarks_rejects_declared_output_shape(void)
{
    REJECTS(tl_model(TL_OUT), MALFORMED, "is declared [1,1,5,3] but the op computes [1,1,6,3]");
}

/* ---- FULLY_CONNECTED, sparse constants, DENSIFY, DEPTH_TO_SPACE ------------------ */

/*
 * Weights W [O=4, I=4] = {1,0,0,2; 0,0,0,0; 0,3,0,0; 4,0,5,0}; x = {1,2,3,4};
 * bias 0.5: y = W x + 0.5 = {9.5, 0.5, 6.5, 19.5}.
 */
static const float fc_dense_w[16] = {1, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0, 4, 0, 5, 0};

/* CSR over rows (level 0 dense 4, level 1 sparse): the 5 non-zeros. */
static tb_sparsity csr_sparsity(void)
{
    tb_sparsity sp = {.num_trav = 2, .trav = {0, 1}, .num_dims = 2};
    sp.dims[0] = (tb_dim_meta){.format = 0, .dense_size = 4};
    sp.dims[1] = (tb_dim_meta){.format = 1, .seg_type = 1, .num_seg = 5, .seg = {0, 2, 2, 3, 5},
                               .idx_type = 1, .num_idx = 5, .idx = {0, 3, 1, 0, 2}};
    return sp;
}
static const float csr_values[5] = {1, 2, 3, 4, 5};

/* 1x2 blocks along dim 1 (block_map {1}): level 2 is the dense block, 5 blocks of 2 stored. */
static tb_sparsity block_sparsity(int seg_type, int idx_type)
{
    tb_sparsity sp = {.num_trav = 3, .trav = {0, 1, 2}, .num_block = 1, .block_map = {1}, .num_dims = 3};
    sp.dims[0] = (tb_dim_meta){.format = 0, .dense_size = 4};
    sp.dims[1] = (tb_dim_meta){.format = 1, .seg_type = seg_type, .num_seg = 5, .seg = {0, 2, 2, 3, 5},
                               .idx_type = idx_type, .num_idx = 5, .idx = {0, 1, 0, 0, 1}};
    sp.dims[2] = (tb_dim_meta){.format = 0, .dense_size = 2};
    return sp;
}
static const float block_values[10] = {1, 0, 0, 2, 0, 3, 4, 0, 5, 0};

static uint16_t to_half(float f)
{
    /* exact for the small integers used here */
    if (f == 0.0f)
        return 0;
    int e = 0;
    float a = f < 0 ? -f : f;
    while (a >= 2.0f)
        a /= 2.0f, e++;
    uint16_t man = (uint16_t)((a - 1.0f) * 1024.0f);
    return (uint16_t)((f < 0 ? 0x8000 : 0) | ((e + 15) << 10) | man);
}

enum { FC_F32, FC_F16_DENSIFY_DEQUANTIZE, FC_F16_DEQUANTIZE, FC_F32_DENSIFY };

/*
 * x [1,4] -> FULLY_CONNECTED(W, bias 0.5) -> y [1,4], W sparse as `sp` holding `values`
 * (n of them) in the way `kind` says, or dense when sp is NULL.
 */
static tb_model *sparse_fc_model(int kind, const tb_sparsity *sp, const float *values, int n)
{
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 4), NULL);
    int y = tb_tensor_f32(m, "y", SHAPE(1, 4), NULL);
    int bias = tb_tensor_f32(m, "bias", SHAPE(4), (const float[]){0.5f, 0.5f, 0.5f, 0.5f});
    int w;
    if (!sp) {
        w = tb_tensor_f32(m, "w", SHAPE(4, 4), fc_dense_w);
    } else if (kind == FC_F32 || kind == FC_F32_DENSIFY) {
        int ws = tb_tensor(m, "ws", TB_FLOAT32, SHAPE(4, 4), tb_buffer(m, values, sizeof(float) * (size_t)n));
        tb_tensor_sparsity(m, ws, sp);
        w = ws;
        if (kind == FC_F32_DENSIFY) {
            w = tb_tensor_f32(m, "w", SHAPE(4, 4), NULL);
            tb_op(m, tb_opcode(m, TB_DENSIFY, 1), IDX(ws), IDX(w));
        }
    } else {
        uint16_t h[64];
        for (int k = 0; k < n; k++)
            h[k] = to_half(values[k]);
        int ws = tb_tensor(m, "ws", TB_FLOAT16, SHAPE(4, 4), tb_buffer(m, h, 2 * (size_t)n));
        tb_tensor_sparsity(m, ws, sp);
        int wh = ws;
        if (kind == FC_F16_DENSIFY_DEQUANTIZE) {
            wh = tb_tensor(m, "wh", TB_FLOAT16, SHAPE(4, 4), 0);
            tb_op(m, tb_opcode(m, TB_DENSIFY, 1), IDX(ws), IDX(wh));
        }
        w = tb_tensor_f32(m, "w", SHAPE(4, 4), NULL);
        tb_op(m, tb_opcode(m, TB_DEQUANTIZE, 1), IDX(wh), IDX(w));
    }
    add_op(m, TB_FULLY_CONNECTED, IDX(x, w, bias), y, TB_OPT_NONE, NULL);
    io1(m, x, y);
    return m;
}

static void check_fc_output(const char *what, tb_model *b, int folded)
{
    size_t size;
    uint8_t *data = finish(b, &size, NULL);
    segtex_model *m = loads_bytes(__FILE__, __LINE__, data, size);
    free(data);
    if (!m)
        return;
    segtex_model_stats s;
    segtex_model_get_stats(m, &s);
    CHECK(s.num_nodes == 1 && s.num_folded == folded, "%s: %d nodes, %d folded (expected 1, %d)", what, s.num_nodes,
          s.num_folded, folded);
    segtex_tensor_info in, out;
    segtex_model_input(m, 0, &in);
    segtex_model_output(m, 0, &out);
    for (int k = 0; k < 4; k++)
        in.data[k] = (float)(k + 1);
    segtex_model_invoke(m);
    const float want[4] = {9.5f, 0.5f, 6.5f, 19.5f};
    for (int k = 0; k < 4; k++)
        CHECK(out.data[k] == want[k], "%s: y[%d] = %g, expected %g", what, k, out.data[k], want[k]);
    segtex_model_destroy(m);
}

static void loads_sparse_weights_and_computes_by_hand(void)
{
    tb_sparsity csr = csr_sparsity();
    check_fc_output("dense", sparse_fc_model(FC_F32, NULL, NULL, 0), 0);
    check_fc_output("csr float32", sparse_fc_model(FC_F32, &csr, csr_values, 5), 0);
    check_fc_output("csr float32 + DENSIFY", sparse_fc_model(FC_F32_DENSIFY, &csr, csr_values, 5), 1);
    check_fc_output("csr float16 + DENSIFY + DEQUANTIZE",
                    sparse_fc_model(FC_F16_DENSIFY_DEQUANTIZE, &csr, csr_values, 5), 2);
    check_fc_output("csr float16 + DEQUANTIZE", sparse_fc_model(FC_F16_DEQUANTIZE, &csr, csr_values, 5), 1);
    for (int st = 1; st <= 3; st++) {
        tb_sparsity blk = block_sparsity(st, 4 - st); /* every index vector type, as segments and as indices */
        char what[64];
        snprintf(what, sizeof what, "1x2 blocks, segment type %d, index type %d", st, 4 - st);
        check_fc_output(what, sparse_fc_model(FC_F16_DENSIFY_DEQUANTIZE, &blk, block_values, 10), 2);
    }
    /* Traversal order {1, 0}: column-major CSR of the same matrix (columns 0..3). */
    tb_sparsity cm = {.num_trav = 2, .trav = {1, 0}, .num_dims = 2};
    cm.dims[0] = (tb_dim_meta){.format = 0, .dense_size = 4};
    cm.dims[1] = (tb_dim_meta){.format = 1, .seg_type = 2, .num_seg = 5, .seg = {0, 2, 3, 4, 5},
                               .idx_type = 3, .num_idx = 5, .idx = {0, 3, 2, 3, 0}};
    check_fc_output("column-major CSR", sparse_fc_model(FC_F32, &cm, (const float[]){1, 4, 3, 5, 2}, 5), 0);
}

/* One sparsity rule broken per case, on the float16 CSR model that otherwise loads. */
static void sparsity_rejects_each_rule(void)
{
    tb_sparsity sp;
#define SPARSE_REJECTS(mutate, st, ...)                                                            \
    do {                                                                                           \
        sp = csr_sparsity();                                                                       \
        mutate;                                                                                    \
        REJECTS(sparse_fc_model(FC_F16_DENSIFY_DEQUANTIZE, &sp, csr_values, 5), st, "tensor 3 'ws': sparsity",   \
                __VA_ARGS__);                                                                      \
    } while (0)
    SPARSE_REJECTS(sp.num_trav = 1, MALFORMED, "traversal_order has 1 entries, expected 2");
    SPARSE_REJECTS(sp.trav[1] = 0, MALFORMED, "traversal_order[1] = 0 is not a permutation of 0..1");
    SPARSE_REJECTS(sp.trav[1] = 7, MALFORMED, "traversal_order[1] = 7 is not a permutation");
    SPARSE_REJECTS(sp.num_dims = 1, MALFORMED, "dim_metadata has 1 entries, expected 2");
    SPARSE_REJECTS((sp.num_block = 3, sp.block_map[0] = 0), MALFORMED, "block_map has 3 entries");
    SPARSE_REJECTS(sp.dims[1].format = 2, MALFORMED, "level 1 has format 2");
    SPARSE_REJECTS(sp.dims[0].dense_size = 5, MALFORMED, "level 0 is DENSE with dense_size 5, expected 4");
    SPARSE_REJECTS(sp.dims[1].seg_type = 0, MALFORMED, "level 1 is SPARSE_CSR but its array_segments vector");
    SPARSE_REJECTS(sp.dims[1].idx_type = 0, MALFORMED, "its array_indices vector");
    SPARSE_REJECTS(sp.dims[1].seg_type = 9, MALFORMED, "array_segments vector has type 9");
    SPARSE_REJECTS(sp.dims[1].num_seg = 4, MALFORMED, "level 1 has 4 segments, expected 5");
    SPARSE_REJECTS(sp.dims[1].seg[0] = 1, MALFORMED, "array_segments[0] = 1");
    SPARSE_REJECTS(sp.dims[1].seg[2] = 1, MALFORMED, "array_segments[2] = 1");
    SPARSE_REJECTS(sp.dims[1].seg[4] = 9, MALFORMED, "array_segments[4] = 9");
    SPARSE_REJECTS(sp.dims[1].seg[4] = 4, MALFORMED, "segments end at 4 but it has 5 indices");
    SPARSE_REJECTS(sp.dims[1].idx[2] = 4, MALFORMED, "array_indices[2] = 4, the level has 4 positions");
    /* Blocks: out-of-range and repeated dims, a block not dividing its dim, a sparse block, order. */
    sp = block_sparsity(1, 1);
    sp.block_map[0] = 2;
    REJECTS(sparse_fc_model(FC_F16_DENSIFY_DEQUANTIZE, &sp, block_values, 10), MALFORMED,
            "block_map[0] = 2 is not a distinct dim below 2");
    sp = block_sparsity(1, 1);
    sp.dims[2].dense_size = 3;
    REJECTS(sparse_fc_model(FC_F16_DENSIFY_DEQUANTIZE, &sp, block_values, 10), MALFORMED,
            "block level 2 has size 3, which does not divide dim 1 of size 4");
    sp = block_sparsity(1, 1);
    sp.dims[2].format = 1;
    REJECTS(sparse_fc_model(FC_F16_DENSIFY_DEQUANTIZE, &sp, block_values, 10), UNSUPPORTED,
            "block level 2 is SPARSE_CSR");
    sp = block_sparsity(1, 1);
    sp.trav[0] = 2, sp.trav[2] = 0;
    REJECTS(sparse_fc_model(FC_F16_DENSIFY_DEQUANTIZE, &sp, block_values, 10), UNSUPPORTED,
            "traversal_order[0] = 2: the 2 original dims must come first");
    /* The buffer must hold exactly the stored values. */
    sp = csr_sparsity();
    REJECTS(sparse_fc_model(FC_F16_DENSIFY_DEQUANTIZE, &sp, csr_values, 4), MALFORMED,
            "the levels hold 5 values of 2 bytes but the buffer has 8 bytes");
    /* Only float tensors may be sparse. */
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 4), NULL);
    int y = tb_tensor_f32(m, "y", SHAPE(1, 4), NULL);
    int s = tb_tensor(m, "s", TB_INT32, SHAPE(4, 4), tb_buffer(m, (const int32_t[]){1, 2, 3, 4, 5}, 20));
    sp = csr_sparsity();
    tb_tensor_sparsity(m, s, &sp);
    add_op(m, TB_RELU, IDX(x), y, TB_OPT_NONE, NULL);
    io1(m, x, y);
    REJECTS(m, UNSUPPORTED, "tensor 2 's': sparsity: only FLOAT32 and FLOAT16 sparse tensors are supported");
#undef SPARSE_REJECTS
}

static void densify_rejects_bad_use(void)
{
    /* DENSIFY of a dense constant. */
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 4), NULL);
    int y = tb_tensor_f32(m, "y", SHAPE(1, 4), NULL);
    int wd = tb_tensor_f32(m, "wd", SHAPE(4, 4), fc_dense_w);
    int w = tb_tensor_f32(m, "w", SHAPE(4, 4), NULL);
    tb_op(m, tb_opcode(m, TB_DENSIFY, 1), IDX(wd), IDX(w));
    add_op(m, TB_FULLY_CONNECTED, IDX(x, w), y, TB_OPT_NONE, NULL);
    io1(m, x, y);
    REJECTS(m, UNSUPPORTED, "operator 0 (DENSIFY): input 'wd' is not a sparse constant");
    /* Output of another shape. */
    tb_sparsity sp = csr_sparsity();
    m = tb_create();
    x = tb_tensor_f32(m, "x", SHAPE(1, 4), NULL);
    y = tb_tensor_f32(m, "y", SHAPE(1, 4), NULL);
    int ws = tb_tensor(m, "ws", TB_FLOAT32, SHAPE(4, 4), tb_buffer(m, csr_values, sizeof csr_values));
    tb_tensor_sparsity(m, ws, &sp);
    w = tb_tensor_f32(m, "w", SHAPE(2, 8), NULL);
    tb_op(m, tb_opcode(m, TB_DENSIFY, 1), IDX(ws), IDX(w));
    add_op(m, TB_RELU, IDX(x), y, TB_OPT_NONE, NULL);
    io1(m, x, y);
    REJECTS(m, MALFORMED, "operator 0 (DENSIFY): output 'w' does not match input 'ws'");
    /* Output that is a graph output. */
    m = tb_create();
    x = tb_tensor_f32(m, "x", SHAPE(1, 4), NULL);
    y = tb_tensor_f32(m, "y", SHAPE(1, 4), NULL);
    ws = tb_tensor(m, "ws", TB_FLOAT32, SHAPE(4, 4), tb_buffer(m, csr_values, sizeof csr_values));
    tb_tensor_sparsity(m, ws, &sp);
    w = tb_tensor_f32(m, "w", SHAPE(4, 4), NULL);
    tb_op(m, tb_opcode(m, TB_DENSIFY, 1), IDX(ws), IDX(w));
    add_op(m, TB_RELU, IDX(x), y, TB_OPT_NONE, NULL);
    tb_graph_io(m, IDX(x), IDX(y, w));
    REJECTS(m, UNSUPPORTED, "operator 0 (DENSIFY): output 'w' is a graph output");
}

/* FULLY_CONNECTED from x (shape xs) with weights [wo, wi] (rank wr), options, to y (shape ys). */
enum { FC_OK, FC_ONE_INPUT, FC_BIAS5, FC_W_F16 };
static tb_model *fc_model(int xr, const int *xs, int wr, const int *ws, int yr, const int *ys, int variant,
                          int act, int format, int keep)
{
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", xr, xs, NULL);
    int y = tb_tensor_f32(m, "y", yr, ys, NULL);
    int w = variant == FC_W_F16 ? tb_tensor_f16(m, "w", wr, ws, (const uint16_t[64]){0})
                                : tb_tensor_f32(m, "w", wr, ws, ones);
    int b = tb_tensor_f32(m, "b", SHAPE(variant == FC_BIAS5 ? 5 : 4), ones);
    tb_opts o = {0};
    tb_opts_u8(&o, 0, act);
    tb_opts_u8(&o, 1, format);
    tb_opts_u8(&o, 2, keep);
    if (variant == FC_ONE_INPUT)
        add_op(m, TB_FULLY_CONNECTED, IDX(x), y, TB_OPT_FULLY_CONNECTED, &o);
    else
        add_op(m, TB_FULLY_CONNECTED, IDX(x, w, b), y, TB_OPT_FULLY_CONNECTED, &o);
    io1(m, x, y);
    return m;
}

static void fully_connected_computes_by_hand(void)
{
    /* keep_num_dims on [1,2,3]: two rows of 3 inputs, weights all ones, bias ones: y = 1 + row sum. */
    size_t size;
    uint8_t *data = finish(fc_model(SHAPE(1, 2, 3), SHAPE(4, 3), SHAPE(1, 2, 4), FC_OK, TB_ACT_RELU, 0, 1), &size,
                           NULL);
    segtex_model *m = loads_bytes(__FILE__, __LINE__, data, size);
    free(data);
    if (!m)
        return;
    segtex_tensor_info in, out;
    segtex_model_input(m, 0, &in);
    segtex_model_output(m, 0, &out);
    const float x[6] = {1, 2, 3, -4, -5, -6};
    for (int k = 0; k < 6; k++)
        in.data[k] = x[k];
    segtex_model_invoke(m);
    for (int k = 0; k < 4; k++) {
        CHECK(out.data[k] == 7.0f, "row 0: y[%d] = %g, expected 1+1+2+3 = 7", k, out.data[k]);
        CHECK(out.data[4 + k] == 0.0f, "row 1: y[%d] = %g, expected relu(1-15) = 0", k, out.data[4 + k]);
    }
    segtex_model_destroy(m);
    /* Without keep_num_dims a [1,2,3] input is 2 rows: output [2,4]. */
    ACCEPTS(fc_model(SHAPE(1, 2, 3), SHAPE(4, 3), SHAPE(2, 4), FC_OK, 0, 0, 0));
    ACCEPTS(fc_model(SHAPE(1, 6), SHAPE(4, 3), SHAPE(2, 4), FC_OK, TB_ACT_RELU6, 0, 0));
}

static void fully_connected_rejects_each_rule(void)
{
    REJECTS(fc_model(SHAPE(1, 3), SHAPE(4, 3), SHAPE(1, 4), FC_ONE_INPUT, 0, 0, 0), MALFORMED,
            "operator 0 (FULLY_CONNECTED): has 1 inputs, expected 2..3");
    REJECTS(fc_model(SHAPE(1, 3), SHAPE(4, 1, 3), SHAPE(1, 4), FC_OK, 0, 0, 0), MALFORMED,
            "(FULLY_CONNECTED): weights 'w' has rank 3, expected 2");
    REJECTS(fc_model(SHAPE(1, 5), SHAPE(4, 3), SHAPE(1, 4), FC_OK, 0, 0, 0), MALFORMED,
            "input 'x' has 5 elements, not a multiple of the weights' 3 inputs");
    REJECTS(fc_model(SHAPE(1, 3), SHAPE(4, 3), SHAPE(1, 4), FC_BIAS5, 0, 0, 0), MALFORMED,
            "bias 'b' has 5 elements, expected 4");
    REJECTS(fc_model(SHAPE(1, 3), SHAPE(4, 3), SHAPE(1, 4), FC_OK, TB_ACT_TANH, 0, 0), UNSUPPORTED,
            "(FULLY_CONNECTED): fused activation 4 is not supported");
    REJECTS(fc_model(SHAPE(1, 3), SHAPE(4, 3), SHAPE(1, 4), FC_OK, 0, 1, 0), UNSUPPORTED,
            "weights_format 1 is not supported");
    REJECTS(fc_model(SHAPE(1, 6), SHAPE(4, 3), SHAPE(1, 8), FC_OK, 0, 0, 1), MALFORMED,
            "keep_num_dims with input 'x' whose last dim 6 is not the weights' 3 inputs");
    REJECTS(fc_model(SHAPE(1, 3), SHAPE(4, 3), SHAPE(1, 1, 4), FC_OK, 0, 0, 0), MALFORMED,
            "output 'y' has rank 3, expected 2 without keep_num_dims");
    REJECTS(fc_model(SHAPE(1, 6), SHAPE(4, 3), SHAPE(1, 8), FC_OK, 0, 0, 0), MALFORMED,
            "output 0 'y' is declared [1,1,1,8] but the op computes [1,1,2,4]");
    REJECTS(fc_model(SHAPE(1, 3), SHAPE(4, 3), SHAPE(1, 4), FC_W_F16, 0, 0, 0), UNSUPPORTED,
            "input 1 (tensor 2 'w') is FLOAT16 without a DEQUANTIZE");
}

static tb_model *d2s_model(int block, int c, int oh, int oc)
{
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 2, 2, c), NULL);
    int y = tb_tensor_f32(m, "y", SHAPE(1, oh, oh, oc), NULL);
    tb_opts o = {0};
    tb_opts_i32(&o, 0, block);
    add_op(m, TB_DEPTH_TO_SPACE, IDX(x), y, TB_OPT_DEPTH_TO_SPACE, &o);
    io1(m, x, y);
    return m;
}

static void depth_to_space_checks(void)
{
    ACCEPTS(d2s_model(2, 8, 4, 2));
    REJECTS(d2s_model(0, 8, 4, 2), MALFORMED, "(DEPTH_TO_SPACE): block_size 0, expected 1..64");
    REJECTS(d2s_model(2, 6, 4, 2), MALFORMED, "input 'x' has 6 channels, not a multiple of block_size^2 = 4");
    REJECTS(d2s_model(2, 8, 4, 4), MALFORMED, "output 0 'y' is declared [1,4,4,4] but the op computes [1,4,4,2]");
}

int main(void)

{
    for (int i = 0; i < 4096; i++)
        ones[i] = 1.0f;
    segtex_set_log(test_log_capture, NULL, SEGTEX_LOG_ERROR);

    RUN(loads_valid_model_and_computes_by_hand);
    RUN(loads_valid_model_from_file);
    RUN(loads_dequantized_float16_weights);
    RUN(loads_builtin_code_in_either_field);
    RUN(accepts_conv_variants);
    RUN(accepts_transpose_conv_variants);
    RUN(accepts_convolution_transpose_bias);
    RUN(accepts_pool_variants);
    RUN(accepts_binary_variants);
    RUN(accepts_reduce_variants);
    RUN(accepts_pad);
    RUN(accepts_concat_variants);
    RUN(accepts_reshape);
    RUN(accepts_strided_slice_variants);
    RUN(accepts_resize_variants);
    RUN(accepts_prelu);
    RUN(accepts_softmax);
    RUN(accepts_unary_ops);
    RUN(accepts_transform_tensor_bilinear);
    RUN(accepts_landmarks_to_transform_matrix);
    RUN(accepts_transform_landmarks);

    /* FlatBuffer structure */
    RUN(rejects_file_too_small);
    RUN(rejects_bad_identifier);
    RUN(rejects_file_too_large);
    RUN(rejects_null_data_and_bad_backend);
    RUN(rejects_root_offset_out_of_range);
    RUN(rejects_vtable_offset_out_of_range);
    RUN(rejects_vtable_size_bad);
    RUN(rejects_table_size_bad);
    RUN(rejects_field_running_past_its_table);
    RUN(rejects_offset_outside_the_file);
    RUN(rejects_vector_offset_outside_the_file);
    RUN(rejects_vector_running_past_the_file);
    RUN(rejects_table_offset_outside_the_file);
    RUN(rejects_string_not_nul_terminated);
    RUN(rejects_string_containing_nul);
    /* model, subgraph, tensors */
    RUN(rejects_wrong_schema_version);
    RUN(rejects_no_operator_codes);
    RUN(rejects_negative_builtin_code);
    RUN(rejects_unsupported_builtin);
    RUN(rejects_unsupported_custom_op);
    RUN(rejects_unsupported_custom_version);
    RUN(rejects_no_subgraph);
    RUN(rejects_too_many_buffers);
    RUN(rejects_no_tensors);
    RUN(rejects_no_graph_inputs_or_outputs);
    RUN(rejects_no_operators);
    RUN(rejects_graph_io_index_out_of_range);
    RUN(rejects_graph_input_not_float32);
    RUN(rejects_opcode_index_out_of_range);
    RUN(rejects_tensor_rank_above_4);
    RUN(rejects_tensor_dim_not_positive);
    RUN(rejects_tensor_with_too_many_elements);
    RUN(rejects_unsupported_tensor_type);
    RUN(rejects_non_float_activation);
    RUN(rejects_buffer_index_out_of_range);
    RUN(rejects_buffer_size_mismatch);
    /* graph wiring */
    RUN(rejects_too_many_operator_inputs);
    RUN(rejects_tensor_index_out_of_range);
    RUN(rejects_output_index_out_of_range);
    RUN(rejects_use_before_produce);
    RUN(rejects_output_defined_twice);
    RUN(rejects_graph_output_never_produced);
    RUN(rejects_wrong_operand_counts);
    RUN(rejects_dequantize_with_wrong_operands);
    RUN(rejects_dequantize_of_non_constant);
    RUN(rejects_dequantize_output_mismatch);
    RUN(rejects_dequantize_to_graph_output);
    /* operators */
    RUN(conv_rejects_channel_mismatch);
    RUN(conv_rejects_bias_size);
    RUN(conv_rejects_bad_padding_enum);
    RUN(conv_rejects_bad_stride);
    RUN(conv_rejects_bad_dilation);
    RUN(conv_rejects_valid_padding_larger_than_input);
    RUN(conv_rejects_fused_tanh);
    RUN(conv_rejects_non_constant_filter);
    RUN(conv_rejects_input_rank);
    RUN(conv_rejects_declared_output_shape);
    RUN(conv_rejects_int32_filter);
    RUN(conv_rejects_float16_filter_without_dequantize);
    RUN(depthwise_rejects_multiplier_mismatch);
    RUN(transpose_conv_rejects_output_shape_out_of_range);
    RUN(transpose_conv_rejects_output_shape_mismatch);
    RUN(transpose_conv_rejects_bad_stride);
    RUN(transpose_conv_rejects_bad_padding_enum);
    RUN(transpose_conv_rejects_channel_mismatch);
    RUN(transpose_conv_rejects_bias_size);
    RUN(transpose_conv_rejects_non_constant_int32_shape);
    RUN(transpose_conv_rejects_fused_tanh);
    RUN(transpose_bias_rejects_custom_options_length);
    RUN(transpose_bias_rejects_bad_padding);
    RUN(transpose_bias_rejects_missing_bias);
    RUN(pool_rejects_filter_out_of_range);
    RUN(pool_rejects_fused_tanh);
    RUN(pool_rejects_input_rank);
    RUN(pool_rejects_bad_stride);
    RUN(pool_rejects_bad_padding_enum);
    RUN(pool_rejects_declared_output_shape);
    RUN(binary_rejects_broadcast_failure);
    RUN(binary_rejects_fused_tanh);
    RUN(binary_rejects_declared_output_shape);
    RUN(binary_rejects_int32_operand);
    RUN(binary_rejects_float16_operand);
    RUN(reduce_rejects_axis_out_of_range);
    RUN(reduce_rejects_output_count);
    RUN(reduce_rejects_non_constant_int32_axes);
    RUN(pad_rejects_negative_padding);
    RUN(pad_rejects_padding_count);
    RUN(pad_rejects_declared_output_shape);
    RUN(concat_rejects_fused_activation);
    RUN(concat_rejects_axis_out_of_range);
    RUN(concat_rejects_missing_input);
    RUN(concat_rejects_rank_mismatch);
    RUN(concat_rejects_dim_mismatch);
    RUN(concat_rejects_declared_output_shape);
    RUN(reshape_rejects_count_mismatch);
    RUN(reshape_rejects_float_shape_input);
    RUN(strided_slice_rejects_unsupported_masks);
    RUN(strided_slice_rejects_zero_stride);
    RUN(strided_slice_rejects_shrink_index_out_of_range);
    RUN(strided_slice_rejects_empty_slice);
    RUN(strided_slice_rejects_output_count);
    RUN(strided_slice_rejects_param_count);
    RUN(resize_rejects_both_flags);
    RUN(resize_rejects_size_out_of_range);
    RUN(resize_rejects_non_constant_size);
    RUN(resize_rejects_declared_output_shape);
    RUN(prelu_rejects_broadcast_failure);
    RUN(prelu_rejects_alpha_larger_than_input);
    RUN(softmax_rejects_non_finite_beta);
    RUN(softmax_rejects_declared_output_shape);
    RUN(unary_rejects_declared_output_shape);
    RUN(unary_rejects_extra_input);
    /* custom ops and FlexBuffers */
    RUN(transform_tensor_rejects_missing_key);
    RUN(transform_tensor_rejects_option_out_of_range);
    RUN(transform_tensor_rejects_option_not_a_number);
    RUN(transform_tensor_rejects_missing_options);
    RUN(transform_tensor_rejects_matrix_size);
    RUN(transform_tensor_rejects_input_rank);
    RUN(transform_tensor_rejects_declared_output_shape);
    RUN(flexbuffer_rejects_short_options);
    RUN(flexbuffer_rejects_bad_root_width);
    RUN(flexbuffer_rejects_root_not_a_map);
    RUN(flexbuffer_rejects_offset_before_start);
    RUN(flexbuffer_rejects_vector_past_end);
    RUN(flexbuffer_rejects_map_types_outside);
    RUN(flexbuffer_rejects_bad_keys);
    RUN(flexbuffer_rejects_keys_not_matching_values);
    RUN(flexbuffer_rejects_key_outside);
    RUN(flexbuffer_rejects_bad_float);
    RUN(landmarks_to_matrix_rejects_landmark_count);
    RUN(landmarks_to_matrix_rejects_rotation_index);
    RUN(landmarks_to_matrix_rejects_missing_key);
    RUN(landmarks_to_matrix_rejects_empty_subset);
    RUN(landmarks_to_matrix_rejects_subset_index_out_of_range);
    RUN(landmarks_to_matrix_rejects_subset_not_a_vector);
    RUN(landmarks_to_matrix_rejects_float_out_of_range);
    RUN(landmarks_to_matrix_rejects_output_size);
    RUN(landmarks_to_matrix_rejects_version_1);
    RUN(transform_landmarks_rejects_matrix_size);
    RUN(transform_landmarks_rejects_values_per_point);
    RUN(transform_landmarks_rejects_declared_output_shape);
    RUN(landmarks_to_matrix_rejects_subset_index_equal_to_count);
    RUN(depthwise_rejects_huge_multiplier);
    RUN(strided_slice_rejects_bad_params_with_one_line);
    RUN(transform_tensor_rejects_huge_float_option);
    RUN(loads_sparse_weights_and_computes_by_hand);
    RUN(sparsity_rejects_each_rule);
    RUN(densify_rejects_bad_use);
    RUN(fully_connected_computes_by_hand);
    RUN(fully_connected_rejects_each_rule);
    RUN(depth_to_space_checks);
    RUN(strided_slice_rejects_declared_shape_mismatch); /* last: its invoke asserts */
    segtex_set_log(NULL, NULL, SEGTEX_LOG_ERROR);
    return test_summary();
}
