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

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fuzz_model_seeds DIR\n");
        return 2;
    }
    return write_seed(argv[1], "sample_ops.tflite", tb_sample_ops_model()) |
           write_seed(argv[1], "sample_mediapipe.tflite", tb_sample_mediapipe_model()) |
           write_seed(argv[1], "sample_sparse.tflite", tb_sample_sparse_model());
}
