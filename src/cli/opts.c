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

int cli_opt_long(cli_opts *o, long lo, long hi, long *out)
{
    const char *name = o->arg;
    const char *s = cli_opt_str(o);
    if (!s)
        return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) {
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
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi) {
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
