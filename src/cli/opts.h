/*
 * Strict command-line option reading for the subcommands: every option is
 * known, every value is checked, and a problem is one line on stderr.
 * Values come as "--name value" or "--name=value".
 */
#ifndef SEGTEX_CLI_OPTS_H
#define SEGTEX_CLI_OPTS_H

#include <stdint.h>

typedef struct cli_opts {
    int argc;
    char **argv;
    int i;
    const char *cmd;  /* for messages: "model" */
    const char *arg;  /* current argument */
    const char *eq;   /* value after '=', or NULL */
    int failed;
    int only_positional; /* after "--" */
} cli_opts;

void cli_opts_init(cli_opts *o, int argc, char **argv, const char *cmd);
/* Advance; 0 at the end or after a failure. */
int cli_opts_next(cli_opts *o);
int cli_opt_is(cli_opts *o, const char *name);
int cli_opt_positional(cli_opts *o);
/* The option's value (next argument or after '='); NULL and failed on a missing value. */
const char *cli_opt_str(cli_opts *o);
/* An integer value in [lo, hi]; fails with a message otherwise. */
int cli_opt_long(cli_opts *o, long lo, long hi, long *out);
/* A number value in [lo, hi]. */
int cli_opt_double(cli_opts *o, double lo, double hi, double *out);
void cli_opt_unknown(cli_opts *o);

/* Value parsers shared by every command and the config file: 0 on success, -1 (nothing written) otherwise. */
int cli_parse_long(const char *s, long lo, long hi, long *out);
int cli_parse_double(const char *s, double lo, double hi, double *out);
/* "WxH" with both sides in lo..hi. */
int cli_parse_size(const char *s, int lo, int hi, int *w, int *h);
/* "#rrggbb". */
int cli_parse_color(const char *s, uint8_t rgb[3]);
#endif
