/*
 * libFuzzer target for the TFLite reader: load the input with
 * segtex_model_load_memory on the reference backend and, when it loads and
 * is cheap to run, invoke it once. Besides ASan/UBSan findings, a load that
 * breaks the logging contract (a failure without exactly one error line, or
 * a success with any) aborts, so the fuzzer reports it like a crash.
 */
#include "segtex/nn.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int error_lines;

static void count_log(void *user, segtex_log_level level, const char *message)
{
    (void)user;
    (void)message;
    if (level == SEGTEX_LOG_ERROR)
        error_lines++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int initialized;
    if (!initialized) {
        segtex_set_log(count_log, NULL, SEGTEX_LOG_ERROR);
        initialized = 1;
    }
    const segtex_model_options options = {.backend = SEGTEX_BACKEND_REF};
    segtex_model *m = NULL;
    error_lines = 0;
    segtex_status st = segtex_model_load_memory(data, size, "fuzz.tflite", &options, &m);
    if (st != SEGTEX_OK) {
        if (m != NULL || (error_lines != 1 && st != SEGTEX_ERROR_OUT_OF_MEMORY))
            abort(); /* contract: *out NULL and one error line */
        return 0;
    }
    if (!m || error_lines != 0)
        abort();
    segtex_model_stats s;
    segtex_model_get_stats(m, &s);
    /* Invoke only what runs in well under a millisecond: small arenas and few MACs. */
    if (s.arena_bytes <= (1u << 20) && s.macs <= 2000000) {
        for (int k = 0; k < segtex_model_input_count(m); k++) {
            segtex_tensor_info in;
            if (segtex_model_input(m, k, &in) == SEGTEX_OK)
                for (size_t i = 0; i < in.count; i++)
                    in.data[i] = (float)((i * 7) % 11) * 0.125f - 0.5f;
        }
        segtex_model_invoke(m);
    }
    segtex_model_destroy(m);
    return 0;
}
