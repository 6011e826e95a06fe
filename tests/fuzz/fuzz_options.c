/*
 * libFuzzer target: the option table of `segtex run`, `soak`, `render` and
 * `bench` (src/cli/settings.c) and the per-category paint edits. The input's
 * first byte picks the command; the rest is split at NUL bytes into argv.
 * Every input must be accepted or rejected with a message, never crash.
 * (--config is skipped: it would read whatever file the input names.)
 */
#include "settings.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static segtex_paint get_paint(void *o, int c) { return segtex_texture_set_get_paint(o, c); }
static segtex_status set_paint(void *o, int c, const segtex_paint *p) { return segtex_texture_set_set_paint(o, c, p); }
static int find_texture(void *o, const char *n) { return segtex_texture_set_find(o, n); }
static int add_file(void *o, const char *path) { (void)o, (void)path; return -1; } /* no file reads */
static const char *texture_name(void *o, int i) { return segtex_texture_set_name(o, i); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char buf[4096];
    static char *argv[256];
    static cli_settings s;
    static segtex_texture_set *set;
    static const int cmds[4] = {CMD_RUN, CMD_SOAK, CMD_RENDER, CMD_BENCH};
    if (size < 1 || size >= sizeof buf)
        return 0;
    if (!set && segtex_texture_set_create(NULL, &set))
        return 0;
    int cmd = cmds[data[0] & 3];
    memcpy(buf, data + 1, size - 1);
    buf[size - 1] = 0;
    int argc = 0;
    argv[argc++] = "cmd";
    for (size_t i = 0; i < size - 1 && argc < 255;) {
        argv[argc++] = buf + i;
        i += strlen(buf + i) + 1;
    }
    for (int i = 0; i < argc; i++)
        if (strstr(argv[i], "--config") || !strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return 0;
    memset(&s, 0, sizeof s);
    FILE *saved = stderr;
    stderr = fopen("/dev/null", "w"); /* one line per rejection: keep the fuzzer's output readable */
    if (cli_settings_parse(&s, cmd, "fuzz", argc, argv) == 0) {
        cli_paint_target t = {set, get_paint, set_paint, find_texture, add_file, texture_name, NULL}; /* no image= here */
        cli_apply_edits(&s, "fuzz", &t);
    }
    fclose(stderr);
    stderr = saved;
    return 0;
}
