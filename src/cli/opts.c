#include "opts.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_opts_init(cli_opts *o, int argc, char **argv, const char *cmd)
{
    memset(o, 0, sizeof *o);
    o->argc = argc;
    o->argv = argv;
    o->i = -1;
    o->cmd = cmd;
}

int cli_opts_next(cli_opts *o)
{
    if (o->failed)
        return 0;
    o->i++;
    if (o->i >= o->argc)
        return 0;
    o->arg = o->argv[o->i];
    o->eq = NULL;
    if (!o->only_positional && !strcmp(o->arg, "--")) {
        o->only_positional = 1;
        return cli_opts_next(o);
    }
    return 1;
}

int cli_opt_is(cli_opts *o, const char *name)
{
    if (o->only_positional || o->arg[0] != '-')
        return 0;
    size_t n = strlen(name);
    if (strncmp(o->arg, name, n))
        return 0;
    if (o->arg[n] == 0) {
        o->eq = NULL;
        return 1;
    }
    if (o->arg[n] == '=') {
        o->eq = o->arg + n + 1;
        return 1;
    }
    return 0;
}

int cli_opt_positional(cli_opts *o) { return o->only_positional || o->arg[0] != '-' || !strcmp(o->arg, "-"); }

const char *cli_opt_str(cli_opts *o)
{
    if (o->eq)
        return o->eq;
    if (o->i + 1 >= o->argc) {
        fprintf(stderr, "segtex: %s: option '%s' needs a value\n", o->cmd, o->arg);
        o->failed = 1;
        return NULL;
    }
    return o->argv[++o->i];
}

int cli_parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int cli_parse_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int cli_parse_size(const char *s, int lo, int hi, int *w, int *h)
{
    const char *x = strchr(s, 'x');
    if (!x || x == s || x - s > 15)
        return -1;
    char a[16];
    memcpy(a, s, (size_t)(x - s));
    a[x - s] = 0;
    long vw, vh;
    if (cli_parse_long(a, lo, hi, &vw) || cli_parse_long(x + 1, lo, hi, &vh))
        return -1;
    *w = (int)vw, *h = (int)vh;
    return 0;
}

int cli_parse_color(const char *s, uint8_t rgb[3])
{
    if (!s || s[0] != '#' || strlen(s) != 7)
        return -1;
    for (int i = 1; i < 7; i++)
        if (!strchr("0123456789abcdefABCDEF", s[i]))
            return -1;
    unsigned long v = strtoul(s + 1, NULL, 16);
    rgb[0] = (uint8_t)(v >> 16), rgb[1] = (uint8_t)(v >> 8), rgb[2] = (uint8_t)v;
    return 0;
}

int cli_opt_long(cli_opts *o, long lo, long hi, long *out)
{
    const char *name = o->arg;
    const char *s = cli_opt_str(o);
    if (!s)
        return -1;
    long v;
    if (cli_parse_long(s, lo, hi, &v)) {
        fprintf(stderr, "segtex: %s: option '%s' needs an integer from %ld to %ld, got '%s'\n", o->cmd, name,
                lo, hi, s);
        o->failed = 1;
        return -1;
    }
    *out = v;
    return 0;
}

int cli_opt_double(cli_opts *o, double lo, double hi, double *out)
{
    const char *name = o->arg;
    const char *s = cli_opt_str(o);
    if (!s)
        return -1;
    double v;
    if (cli_parse_double(s, lo, hi, &v)) {
        fprintf(stderr, "segtex: %s: option '%s' needs a number from %g to %g, got '%s'\n", o->cmd, name, lo,
                hi, s);
        o->failed = 1;
        return -1;
    }
    *out = v;
    return 0;
}

void cli_opt_unknown(cli_opts *o)
{
    fprintf(stderr, "segtex: %s: unknown option '%s' (see --help)\n", o->cmd, o->arg);
    o->failed = 1;
}
