/* The `segtex run --config` parser: what it accepts, and one rejection per rule. */
#include "harness.h"
#include "cli/config.c"

#include <string.h>

static config cfg;
static char err[512];

static int parse(const char *text) { return config_parse(text, strlen(text), "t.conf", &cfg, err, sizeof err); }

static void accepts_the_documented_forms(void)
{
    CHECK(parse("# a comment\n\nmode = mask\nseed 7\n  landmarks   # a flag\nsize=640x480\r\nmax_faces = 2\n") == 0,
          "rejected: %s", err);
    CHECK(cfg.count == 5, "%d entries", cfg.count);
    CHECK(!strcmp(cfg.entries[0].key, "mode") && !strcmp(cfg.entries[0].value, "mask") && cfg.entries[0].line == 3,
          "mode entry");
    CHECK(!strcmp(cfg.entries[1].key, "seed") && !strcmp(cfg.entries[1].value, "7"), "seed entry");
    CHECK(!strcmp(cfg.entries[2].key, "landmarks") && !cfg.entries[2].has_value, "flag entry");
    CHECK(!strcmp(cfg.entries[3].value, "640x480"), "value without blanks, CRLF stripped: '%s'", cfg.entries[3].value);
    CHECK(!strcmp(cfg.entries[4].key, "max-faces"), "'_' becomes '-': %s", cfg.entries[4].key);
    CHECK(parse("") == 0 && cfg.count == 0, "empty file");
    CHECK(parse("textures = /a path/with spaces\n") == 0 && !strcmp(cfg.entries[0].value, "/a path/with spaces"),
          "value with inner spaces");
    CHECK(parse("mode = mask") == 0 && cfg.count == 1, "no final newline");
}

static void rejects(const char *what, const char *text, size_t size, const char *words)
{
    int r = config_parse(text, size, "t.conf", &cfg, err, sizeof err);
    CHECK(r == -1, "%s: accepted", what);
    CHECK(strstr(err, words) != NULL, "%s: message '%s' lacks '%s'", what, err, words);
}

static void rejects_each_rule(void)
{
    static char big[CONFIG_MAX_BYTES + 2];
    memset(big, '#', sizeof big);
    rejects("file too large", big, sizeof big, "bytes, at most 65536");
    static char longline[CONFIG_MAX_LINE + 10];
    memset(longline, 'a', sizeof longline);
    rejects("line too long", longline, sizeof longline, "line 1: longer than 1023 bytes");
    rejects("NUL byte", "mode = m\0ask\n", 13, "line 1: contains a NUL byte");
    rejects("bad key character", "mode = mask\nMode = mask\n", 24, "line 2: expected 'key = value'");
    rejects("symbol key", "!!!\n", 4, "line 1: expected");
    rejects("key glued to junk", "mode:mask\n", 10, "line 1: expected");
    rejects("no value after =", "seed =\n", 7, "line 1: 'seed =' has no value");
    char many[CONFIG_MAX_ENTRIES * 8 + 16] = "";
    for (int i = 0; i <= CONFIG_MAX_ENTRIES; i++)
        strcat(many, "quiet\n");
    rejects("too many entries", many, strlen(many), "more than 64 entries");
    char key[200];
    memset(key, 'k', 100);
    strcpy(key + 100, " = 1\n");
    rejects("key too long", key, strlen(key), "line 1: expected");
}

int main(void)
{
    RUN(accepts_the_documented_forms);
    RUN(rejects_each_rule);
    return test_summary();
}
