/*
 * libFuzzer target: the `segtex run` command-line parser. The input is split
 * at NUL bytes into argv; parse_args must accept or reject it with a message,
 * never crash. (--config is skipped: it would read whatever file the input names.)
 */
#include "cli/cmd_run.c"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char buf[4096];
    static char *argv[256];
    static run_opts o;
    if (size >= sizeof buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = 0;
    int argc = 0;
    argv[argc++] = "run";
    for (size_t i = 0; i <= size && argc < 255;) {
        argv[argc++] = buf + i;
        i += strlen(buf + i) + 1;
    }
    for (int i = 0; i < argc; i++)
        if (strstr(argv[i], "--config"))
            return 0;
    memset(&o, 0, sizeof o);
    FILE *saved = stderr;
    stderr = fopen("/dev/null", "w"); /* one line per rejection: keep the fuzzer's output readable */
    parse_args(&o, argc, argv);
    fclose(stderr);
    stderr = saved;
    return 0;
}
