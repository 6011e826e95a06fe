#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }
static int is_key_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'; }

int config_parse(const char *text, size_t size, const char *name, config *out, char *err, size_t err_size)
{
    memset(out, 0, sizeof *out);
    if (size > CONFIG_MAX_BYTES) {
        snprintf(err, err_size, "config '%s': %zu bytes, at most %d", name, size, CONFIG_MAX_BYTES);
        return -1;
    }
    size_t pos = 0;
    int line = 0;
    while (pos < size) {
        line++;
        size_t end = pos;
        while (end < size && text[end] != '\n')
            end++;
        size_t len = end - pos;
        const char *l = text + pos;
        pos = end + 1; /* past the newline (or past the end) */
        if (len > CONFIG_MAX_LINE) {
            snprintf(err, err_size, "config '%s' line %d: longer than %d bytes", name, line, CONFIG_MAX_LINE);
            return -1;
        }
        if (memchr(l, 0, len)) {
            snprintf(err, err_size, "config '%s' line %d: contains a NUL byte", name, line);
            return -1;
        }
        /* strip the comment and the surrounding blanks */
        const char *hash = memchr(l, '#', len);
        if (hash)
            len = (size_t)(hash - l);
        while (len && is_space(l[len - 1]))
            len--;
        size_t i = 0;
        while (i < len && is_space(l[i]))
            i++;
        if (i == len)
            continue;
        size_t k0 = i;
        while (i < len && is_key_char(l[i]))
            i++;
        size_t klen = i - k0;
        if (klen == 0 || klen >= sizeof out->entries[0].key || (i < len && !is_space(l[i]) && l[i] != '=')) {
            snprintf(err, err_size, "config '%s' line %d: expected 'key = value' with a key of a-z, 0-9 and '-'",
                     name, line);
            return -1;
        }
        if (out->count >= CONFIG_MAX_ENTRIES) {
            snprintf(err, err_size, "config '%s' line %d: more than %d entries", name, line, CONFIG_MAX_ENTRIES);
            return -1;
        }
        config_entry *e = &out->entries[out->count++];
        memcpy(e->key, l + k0, klen);
        e->key[klen] = 0;
        for (char *c = e->key; *c; c++)
            if (*c == '_')
                *c = '-';
        e->line = line;
        while (i < len && is_space(l[i]))
            i++;
        if (i < len && l[i] == '=') {
            i++;
            while (i < len && is_space(l[i]))
                i++;
            if (i == len) {
                snprintf(err, err_size, "config '%s' line %d: '%s =' has no value", name, line, e->key);
                return -1;
            }
        }
        if (i < len) {
            memcpy(e->value, l + i, len - i);
            e->value[len - i] = 0;
            e->has_value = 1;
        }
    }
    return 0;
}

int config_load(const char *path, config *out, char *err, size_t err_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_size, "config '%s': cannot open: %s", path, strerror(errno));
        return -1;
    }
    char *buf = malloc(CONFIG_MAX_BYTES + 1);
    size_t n = buf ? fread(buf, 1, CONFIG_MAX_BYTES + 1, f) : 0;
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        snprintf(err, err_size, "config '%s': cannot read", path);
        return -1;
    }
    int r = config_parse(buf, n, path, out, err, err_size);
    free(buf);
    return r;
}
