/*
 * The TFLite reader on damaged files: every real model in $SEGTEX_ASSETS
 * truncated at many lengths and with random bytes changed, and two tiny
 * models from tests/tflite_builder.c (one per op family) mutated thousands
 * of times. Every load must either succeed silently or fail with a negative
 * status and exactly one error line; it must never crash (ASan/UBSan catch
 * reads out of bounds in build-asan). Tiny mutants that load are invoked.
 *
 * Each variant is copied into a buffer of exactly its length, so a read
 * past the end is a heap overflow ASan reports. Mutations are deterministic
 * (fixed seeds) and favour the bytes outside large constant buffers, where
 * the tables are; the largest model gets the fewest variants because a
 * successful load of it converts 2.5 MB of weights.
 */
#include "harness.h"
#include "segtex/nn.h"
#include "tflite_builder.h"
/* Each test_*.c is built alone (tests/CMakeLists.txt): the builder comes in as source. */
#include "tflite_builder.c"

#include <stdlib.h>
#include <string.h>
#include <time.h>


/* The backend under test; the XNNPACK pass runs a tenth of the real-model variants (creating runtimes costs more). */
static segtex_model_options opts = {.backend = SEGTEX_BACKEND_REF};
static int divisor = 1;


static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Totals for the summary line. */
static struct {
    long variants, loaded, invoked;
} totals;

/* SEGTEX_ROBUSTNESS_VERBOSE=1 names each variant on stderr before loading it. */
static int verbose;

/* What a test does with a variant that loads. */
enum { INVOKE_NEVER, INVOKE_ALWAYS };

/*
 * Load `data[0..size)` from an exact-size copy and check the contract.
 * Returns 1 when the load succeeded. `what` names the variant in failures.
 */
static int check_variant(const uint8_t *data, size_t size, int invoke, const char *what)
{
    uint8_t *copy = malloc(size ? size : 1);
    CHECK(copy != NULL, "out of memory");
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    if (verbose) /* which variant a sanitizer report belongs to */
        fprintf(stderr, "variant: %s\n", what);
    test_log.errors = 0;
    test_log.line[0] = 0;
    segtex_model *m = NULL;
    segtex_status st = segtex_model_load_memory(copy, size, "mutant.tflite", &opts, &m);
    free(copy); /* the model must not keep the bytes */
    totals.variants++;
    if (st == SEGTEX_OK) {
        CHECK(m != NULL && test_log.errors == 0, "%s: loaded with %d error lines (%s)", what,
              test_log.errors, test_log.line);
        totals.loaded++;
        if (m && invoke == INVOKE_ALWAYS) {
            for (int k = 0; k < segtex_model_input_count(m); k++) {
                segtex_tensor_info in;
                if (segtex_model_input(m, k, &in) == SEGTEX_OK)
                    for (size_t i = 0; i < in.count; i++)
                        in.data[i] = (float)((i * 7) % 11) * 0.125f - 0.5f;
            }
            CHECK(segtex_model_invoke(m) == SEGTEX_OK, "%s: invoke failed", what);
            totals.invoked++;
        }
        segtex_model_destroy(m);
        return 1;
    }
    CHECK(m == NULL, "%s: *out not NULL after failure", what);
    CHECK(st == SEGTEX_ERROR_MALFORMED || st == SEGTEX_ERROR_UNSUPPORTED ||
              st == SEGTEX_ERROR_OUT_OF_MEMORY,
          "%s: status %d (%s)", what, st, segtex_status_string(st));
    CHECK(test_log.errors == 1 || (st == SEGTEX_ERROR_OUT_OF_MEMORY && test_log.errors <= 1),
          "%s: %d error lines for status %s (last: %s)", what, test_log.errors,
          segtex_status_string(st), test_log.line);
    CHECK(test_log.errors == 0 || strncmp(test_log.line, "model 'mutant.tflite': ", 23) == 0,
          "%s: line does not name the model: %s", what, test_log.line);
    return 0;
}

/* ---- where the tables are ------------------------------------------------------ */

/* Byte ranges of constant buffers of 64 bytes or more; mutations mostly avoid them. */
typedef struct ranges {
    int n;
    uint32_t lo[4096], hi[4096];
} ranges;

static uint32_t rd32(const uint8_t *d, size_t size, uint64_t pos)
{
    if (pos + 4 > size)
        return 0;
    return (uint32_t)d[pos] | (uint32_t)d[pos + 1] << 8 | (uint32_t)d[pos + 2] << 16 |
           (uint32_t)d[pos + 3] << 24;
}

static uint16_t rd16(const uint8_t *d, size_t size, uint64_t pos)
{
    if (pos + 2 > size)
        return 0;
    return (uint16_t)(d[pos] | d[pos + 1] << 8);
}

/* The target of uoffset field `id` of the table at `t`, or 0 (pristine files: checks are loose). */
static uint64_t deref_field(const uint8_t *d, size_t size, uint64_t t, int id)
{
    uint64_t vt = t - (int32_t)rd32(d, size, t);
    if (vt >= size)
        return 0;
    uint16_t vt_size = rd16(d, size, vt);
    if (4 + 2 * (uint32_t)id + 2 > vt_size)
        return 0;
    uint16_t off = rd16(d, size, vt + 4 + 2 * (uint64_t)id);
    if (!off)
        return 0;
    uint64_t p = t + off;
    uint64_t target = p + rd32(d, size, p);
    return target < size ? target : 0;
}

static void find_data_ranges(const uint8_t *d, size_t size, ranges *r)
{
    r->n = 0;
    uint64_t model = rd32(d, size, 0);
    uint64_t bufs = deref_field(d, size, model, 4);
    if (!bufs)
        return;
    uint32_t n = rd32(d, size, bufs);
    for (uint32_t i = 0; i < n && r->n < 4096; i++) {
        uint64_t slot = bufs + 4 + 4 * (uint64_t)i;
        if (slot + 4 > size)
            break;
        uint64_t bt = slot + rd32(d, size, slot);
        uint64_t data = bt < size ? deref_field(d, size, bt, 0) : 0;
        if (!data)
            continue;
        uint32_t len = rd32(d, size, data);
        if (len >= 64 && data + 4 + len <= size) {
            r->lo[r->n] = (uint32_t)data + 4;
            r->hi[r->n] = (uint32_t)(data + 4 + len);
            r->n++;
        }
    }
}

static int in_data(const ranges *r, uint32_t pos)
{
    for (int k = 0; k < r->n; k++)
        if (pos >= r->lo[k] && pos < r->hi[k])
            return 1;
    return 0;
}

/* A position outside the constant data (after a few tries, anywhere). */
static uint32_t table_pos(const ranges *r, size_t size, uint32_t *seed)
{
    uint32_t pos = 0;
    for (int tries = 0; tries < 64; tries++) {
        pos = test_rand(seed) % (uint32_t)size;
        if (!in_data(r, pos))
            break;
    }
    return pos;
}

/* ---- mutations ------------------------------------------------------------------- */

static const uint32_t interesting[] = {0,          1,          2,          3,    4,    7,    8,
                                       0x7f,       0x80,       0xff,       0x100, 0xffff, 0x10000,
                                       0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff};

/*
 * One mutant of `src` in `dst`: 1..8 random bytes set to random values, or
 * one little-endian uint32/uint16 set to a boundary value (offsets and
 * lengths), mostly outside the constant data.
 */
static void mutate(const uint8_t *src, uint8_t *dst, size_t size, const ranges *r, uint32_t *seed)
{
    memcpy(dst, src, size);
    uint32_t mode = test_rand(seed) % 4;
    int anywhere = test_rand(seed) % 5 == 0;
    if (mode < 2) {
        int n = 1 + (int)(test_rand(seed) % 8);
        for (int k = 0; k < n; k++) {
            uint32_t pos = anywhere ? test_rand(seed) % (uint32_t)size : table_pos(r, size, seed);
            dst[pos] = (uint8_t)test_rand(seed);
        }
    } else if (mode == 2) {
        uint32_t pos = table_pos(r, size, seed) & ~3u;
        uint32_t v = test_rand(seed) % 3 == 0
                         ? (uint32_t)size + (test_rand(seed) % 9) - 4
                         : interesting[test_rand(seed) % (sizeof interesting / sizeof interesting[0])];
        if (pos + 4 <= size)
            tb_put_u32(dst, pos, v);
    } else {
        /* vtable entries and small fields: uint16 boundary values or +-1 */
        uint32_t pos = table_pos(r, size, seed) & ~1u;
        if (pos + 2 <= size) {
            uint16_t old = (uint16_t)(dst[pos] | dst[pos + 1] << 8);
            uint32_t pick = test_rand(seed) % 4;
            uint16_t v = pick == 0 ? (uint16_t)(old + 1)
                         : pick == 1 ? (uint16_t)(old - 1)
                         : pick == 2 ? (uint16_t)(old + 4)
                                     : (uint16_t)interesting[test_rand(seed) % 12];
            tb_put_u16(dst, pos, v);
        }
    }
}

/* Truncations: every `step` bytes of the first 4 KB, then `spread` lengths over the file. */
static void truncations(const uint8_t *data, size_t size, int step, int spread, int invoke,
                        const char *name)
{
    char what[128];
    size_t head = size < 4096 ? size : 4096;
    for (size_t len = 0; len < head; len += (size_t)step) {
        snprintf(what, sizeof what, "%s truncated to %zu", name, len);
        check_variant(data, len, invoke, what);
    }
    for (int k = 1; k <= spread; k++) {
        size_t len = (size_t)((double)size * k / (spread + 1));
        snprintf(what, sizeof what, "%s truncated to %zu", name, len);
        check_variant(data, len, invoke, what);
    }
    snprintf(what, sizeof what, "%s truncated to %zu", name, size - 1);
    check_variant(data, size - 1, invoke, what);
}

static void mutations(const uint8_t *data, size_t size, int count, uint32_t seed, int invoke,
                      int invoke_real, const char *name)
{
    ranges *r = malloc(sizeof *r);
    uint8_t *buf = malloc(size);
    CHECK(r && buf, "out of memory");
    if (!r || !buf) {
        free(r);
        free(buf);
        return;
    }
    find_data_ranges(data, size, r);
    char what[160];
    int invoked = 0;
    for (int k = 0; k < count; k++) {
        uint32_t s0 = seed;
        mutate(data, buf, size, r, &seed);
        snprintf(what, sizeof what, "%s mutant %d (seed state %u)", name, k, s0);
        /* A few real-model mutants that load are invoked too (each costs a full inference). */
        int inv = invoke == INVOKE_ALWAYS || invoked < invoke_real ? INVOKE_ALWAYS : INVOKE_NEVER;
        if (check_variant(buf, size, inv, what) && inv == INVOKE_ALWAYS && invoke != INVOKE_ALWAYS)
            invoked++;
    }
    free(buf);
    free(r);
}

/* ---- real models ------------------------------------------------------------------- */

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *data = NULL;
    long n = -1;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
        data = malloc((size_t)n);
        if (data && fread(data, 1, (size_t)n, f) != (size_t)n) {
            free(data);
            data = NULL;
        }
    }
    fclose(f);
    *size = data ? (size_t)n : 0;
    return data;
}

static const struct {
    const char *name;
    int step;      /* truncation step in the first 4 KB */
    int spread;    /* truncations spread over the file */
    int mutants;   /* random mutants */
    int invoke;    /* mutants that load and are invoked */
} real_models[] = {
    {"selfie_segmentation.tflite", 4, 200, 1500, 1},
    {"selfie_segmentation_landscape.tflite", 8, 200, 1000, 0},
    {"face_detection_short_range.tflite", 4, 200, 1500, 1},
    {"face_detection_full_range.tflite", 8, 120, 500, 0},
    {"face_landmark.tflite", 8, 120, 500, 1},
    {"face_landmark_with_attention.tflite", 16, 60, 200, 0},
    {"pose_detection.tflite", 16, 60, 200, 0},     /* sparse weights, DENSIFY, DEPTH_TO_SPACE */
    {"hand_landmark_lite.tflite", 16, 60, 200, 0}, /* FULLY_CONNECTED */
};

static void real_models_survive_truncation_and_mutation(void)
{
    int present = 0;
    for (size_t i = 0; i < sizeof real_models / sizeof real_models[0]; i++) {
        const char *path = test_asset(real_models[i].name);
        if (!path) {
            printf("skip   %s: not in $SEGTEX_ASSETS\n", real_models[i].name);
            continue;
        }
        size_t size;
        uint8_t *data = read_file(path, &size);
        CHECK(data != NULL, "cannot read %s", path);
        if (!data)
            continue;
        present++;
        double t0 = now();
        long v0 = totals.variants, l0 = totals.loaded;
        char what[128];
        snprintf(what, sizeof what, "%s untouched", real_models[i].name);
        CHECK(check_variant(data, size, INVOKE_NEVER, what), "%s does not load: %s", real_models[i].name,
              test_log.line);
        truncations(data, size, real_models[i].step * divisor, real_models[i].spread / divisor, INVOKE_NEVER,
                    real_models[i].name);
        mutations(data, size, real_models[i].mutants / divisor, 0x9e3779b9u + (uint32_t)i, INVOKE_NEVER,
                  real_models[i].invoke, real_models[i].name);
        printf("       %s: %ld variants, %ld loaded, %.1f s\n", real_models[i].name,
               totals.variants - v0, totals.loaded - l0, now() - t0);
        free(data);
    }
    if (!present)
        printf("skip   no models in $SEGTEX_ASSETS (run scripts/fetch-assets.sh); tiny models only\n");
}

/* ---- tiny models: every op family, cheap to invoke -------------------------------- */

static void tiny_models_survive_truncation_and_mutation(void)
{
    struct {
        const char *name;
        tb_model *(*build)(void);
        int mutants;
    } tiny[] = {{"ops_model", tb_sample_ops_model, 10000},
                {"mediapipe_model", tb_sample_mediapipe_model, 6000},
                {"sparse_model", tb_sample_sparse_model, 3000}};
    for (int i = 0; i < 3; i++) {
        size_t size;
        tb_model *b = tiny[i].build();
        uint8_t *data = tb_finish(b, &size, NULL);
        tb_destroy(b);
        double t0 = now();
        long v0 = totals.variants, l0 = totals.loaded;
        char what[64];
        snprintf(what, sizeof what, "%s untouched", tiny[i].name);
        CHECK(check_variant(data, size, INVOKE_ALWAYS, what), "%s does not load: %s", tiny[i].name,
              test_log.line);
        truncations(data, size, 1, 0, INVOKE_ALWAYS, tiny[i].name);
        mutations(data, size, tiny[i].mutants, 0x2545f491u + (uint32_t)i, INVOKE_ALWAYS, 0, tiny[i].name);
        printf("       %s (%zu bytes): %ld variants, %ld loaded and invoked, %.1f s\n", tiny[i].name,
               size, totals.variants - v0, totals.loaded - l0, now() - t0);
        free(data);
    }
}

/*
 * Regressions: what the mutation tests and fuzz_model found, rebuilt with the
 * builder so each case names the rule it breaks. Every case must fail to
 * load with one error line (each once hit a reader bug, fixed since; see
 * test_model_reader.c).
 */
/* x [1,4,4,4] -> DEPTHWISE_CONV_2D with depth_multiplier `mult` -> [1,4,4,4]. */
static tb_model *depthwise_multiplier_model(int32_t mult)
{
    static const float w[36] = {0};
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 4, 4, 4), NULL);
    int f = tb_tensor_f32(m, "w", SHAPE(1, 3, 3, 4), w);
    int y = tb_tensor_f32(m, "y", SHAPE(1, 4, 4, 4), NULL);
    tb_opts o = {0};
    tb_opts_i32(&o, 1, 1), tb_opts_i32(&o, 2, 1), tb_opts_i32(&o, 3, mult);
    tb_op_options(m, tb_op(m, tb_opcode(m, TB_DEPTHWISE_CONV_2D, 1), IDX(x, f, -1), IDX(y)),
                  TB_OPT_DEPTHWISE_CONV2D, &o);
    tb_graph_io(m, IDX(x), IDX(y));
    return m;
}

/* STRIDED_SLICE whose end and strides are FLOAT32 constants. */
static tb_model *slice_float_params_model(void)
{
    static const float f4[4] = {1, 1, 1, 1};
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 4, 4, 2), NULL);
    int b = tb_tensor_i32(m, "begin", SHAPE(4), I32(0, 0, 0, 0));
    int e = tb_tensor_f32(m, "end", SHAPE(4), f4);
    int s = tb_tensor_f32(m, "strides", SHAPE(4), f4);
    int y = tb_tensor_f32(m, "y", SHAPE(1, 1, 1, 1), NULL);
    tb_op(m, tb_opcode(m, TB_STRIDED_SLICE, 1), IDX(x, b, e, s), IDX(y));
    tb_graph_io(m, IDX(x), IDX(y));
    return m;
}

static void regressions_fail_cleanly(void)
{
    tb_model *models[] = {
        depthwise_multiplier_model(INT32_MIN),  /* ops_model mutant 5620: cin * mult overflows */
        depthwise_multiplier_model(1040187392), /* fuzz crash-8bec624a: 4 * mult overflows */
        slice_float_params_model(),             /* fuzz crash-15f2f7ed: two error lines */
    };
    for (size_t k = 0; k < sizeof models / sizeof models[0]; k++) {
        size_t size;
        uint8_t *data = tb_finish(models[k], &size, NULL);
        tb_destroy(models[k]);
        char what[64];
        snprintf(what, sizeof what, "regression %zu", k);
        CHECK(!check_variant(data, size, INVOKE_ALWAYS, what), "%s loads", what);
        free(data);
    }
}

int main(void)
{
    verbose = getenv("SEGTEX_ROBUSTNESS_VERBOSE") != NULL;
    segtex_set_log(test_log_capture, NULL, SEGTEX_LOG_ERROR);
    double t0 = now();
    RUN(tiny_models_survive_truncation_and_mutation);
    RUN(real_models_survive_truncation_and_mutation);
    RUN(regressions_fail_cleanly);
    if (segtex_backend_available(SEGTEX_BACKEND_XNNPACK)) {
        printf("--- the same on the XNNPACK backend (a tenth of the real-model variants)\n");
        opts.backend = SEGTEX_BACKEND_XNNPACK;
        divisor = 10;
        RUN(tiny_models_survive_truncation_and_mutation);
        RUN(real_models_survive_truncation_and_mutation);
        RUN(regressions_fail_cleanly);
    }
    printf("       total: %ld variants, %ld loaded, %ld invoked, %.1f s\n", totals.variants,
           totals.loaded, totals.invoked, now() - t0);
    segtex_set_log(NULL, NULL, SEGTEX_LOG_ERROR);
    return test_summary();
}
