/*
 * `segtex run --config FILE`: the same keys as the command-line options,
 * one per line, `key = value` or `key value` or a bare `key` for a flag;
 * `#` starts a comment. The parser checks every bound before it reads:
 * files over 64 KiB, lines over 1023 bytes, NUL bytes, keys that are not
 * [a-z0-9-]+ and more than 64 entries are errors naming the line.
 */
#ifndef SEGTEX_CLI_CONFIG_H
#define SEGTEX_CLI_CONFIG_H
#include <stddef.h>

#define CONFIG_MAX_ENTRIES 64
#define CONFIG_MAX_LINE 1023
#define CONFIG_MAX_BYTES 65536

typedef struct config_entry {
    char key[64];
    char value[CONFIG_MAX_LINE + 1];
    int has_value;
    int line;
} config_entry;

typedef struct config {
    config_entry entries[CONFIG_MAX_ENTRIES];
    int count;
} config;

/* Parse `size` bytes of `text`; on error writes one line to `err` (naming `name` and the line) and returns -1. */
int config_parse(const char *text, size_t size, const char *name, config *out, char *err, size_t err_size);

/* Read and parse a file (same rules); -1 with `err` on failure. */
int config_load(const char *path, config *out, char *err, size_t err_size);
#endif
