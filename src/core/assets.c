/*
 * The models search order of include/segtex/assets.h. The install layout
 * (bin, lib, share relative to the prefix) and the configured prefix come
 * from CMake (cmake/library.cmake); the prefix actually used is found from
 * the file this code was loaded from (libsegtex.so, or the program that
 * linked libsegtex.a), so a tree installed elsewhere than configured, or a
 * .deb extracted with dpkg -x, still finds its own share/segtex/models.
 */
#define _GNU_SOURCE /* dladdr */
#include "segtex/assets.h"
#include "core/log.h"

#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef SEGTEX_INSTALL_PREFIX
#define SEGTEX_INSTALL_PREFIX "/usr/local"
#endif
#ifndef SEGTEX_INSTALL_BINDIR
#define SEGTEX_INSTALL_BINDIR "bin"
#endif
#ifndef SEGTEX_INSTALL_LIBDIR
#define SEGTEX_INSTALL_LIBDIR "lib"
#endif
#ifndef SEGTEX_INSTALL_DATADIR
#define SEGTEX_INSTALL_DATADIR "share"
#endif
#define MODELS_SUBDIR "/segtex/models"

/* snprintf into out; 0 when it fit, else out is "" and -1. */
static int put(char *out, size_t size, const char *fmt, const char *a, const char *b)
{
    int n = snprintf(out, size, fmt, a, b);
    if (n < 0 || (size_t)n >= size) {
        out[0] = '\0';
        return -1;
    }
    return 0;
}

static int has_model(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int found = 0;
    struct dirent *e;
    while (!found && (e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        found = n > 7 && !strcmp(e->d_name + n - 7, ".tflite");
    }
    closedir(d);
    return found;
}

/* `path` without its last "/<suffix>" into prefix; 0 when it ended so. */
static int strip_dir(const char *path, const char *suffix, char *prefix, size_t size)
{
    size_t n = strlen(path), s = strlen(suffix);
    if (s + 1 > n || path[n - s - 1] != '/' || strcmp(path + n - s, suffix) || n - s - 1 >= size)
        return -1;
    memcpy(prefix, path, n - s - 1);
    prefix[n - s - 1] = '\0';
    return 0;
}

/* The prefix this library runs from: <prefix>/<libdir>/libsegtex.so or <prefix>/<bindir>/program. */
static int runtime_prefix(char *prefix, size_t size)
{
    char file[PATH_MAX], real[PATH_MAX];
    Dl_info info;
    if (dladdr((void *)segtex_models_dir_find, &info) && info.dli_fname && strchr(info.dli_fname, '/') &&
        strlen(info.dli_fname) < sizeof file)
        strcpy(file, info.dli_fname);
    else {
        /* Linked into the program: glibc names it by argv[0], which may lack a folder. */
        ssize_t n = readlink("/proc/self/exe", file, sizeof file - 1);
        if (n <= 0)
            return -1;
        file[n] = '\0';
    }
    if (!realpath(file, real))
        return -1;
    char *slash = strrchr(real, '/');
    if (!slash || slash == real)
        return -1;
    *slash = '\0';
    return strip_dir(real, SEGTEX_INSTALL_LIBDIR, prefix, size) &&
                   strip_dir(real, SEGTEX_INSTALL_BINDIR, prefix, size)
               ? -1
               : 0;
}

segtex_status segtex_models_dir_user(char *out, size_t size)
{
    if (!out || size == 0)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    /* The XDG spec: a relative XDG_DATA_HOME is invalid and ignored. */
    if (xdg && xdg[0] == '/')
        return put(out, size, "%s%s", xdg, "/segtex") ? SEGTEX_ERROR_INVALID_ARGUMENT : SEGTEX_OK;
    if (home && *home)
        return put(out, size, "%s%s", home, "/.local/share/segtex") ? SEGTEX_ERROR_INVALID_ARGUMENT : SEGTEX_OK;
    out[0] = '\0';
    return SEGTEX_ERROR_INVALID_ARGUMENT;
}

segtex_status segtex_models_dir_find(const char *explicit_dir, char *out, size_t size)
{
    if (!out || size == 0)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    const char *env = getenv("SEGTEX_ASSETS");
    const char *given = explicit_dir ? explicit_dir : env && *env ? env : NULL;
    if (given) {
        if (put(out, size, "%s%s", given, "")) {
            LOG_ERROR("models: folder '%s' is longer than %zu bytes", given, size - 1);
            return SEGTEX_ERROR_INVALID_ARGUMENT;
        }
        LOG_DEBUG("models: %s (%s)", out, explicit_dir ? "given" : "$SEGTEX_ASSETS");
        return SEGTEX_OK;
    }

    /* Steps 3 and 4, then the configured prefix when it differs from the one found. */
    char cand[3][PATH_MAX], prefix[PATH_MAX];
    int n = 0;
    if (segtex_models_dir_user(cand[n], sizeof cand[n]) == SEGTEX_OK)
        n++;
    if (runtime_prefix(prefix, sizeof prefix) == 0 &&
        put(cand[n], sizeof cand[n], "%s/%s" MODELS_SUBDIR, prefix, SEGTEX_INSTALL_DATADIR) == 0)
        n++;
    if (put(cand[n], sizeof cand[n], "%s/%s" MODELS_SUBDIR, SEGTEX_INSTALL_PREFIX, SEGTEX_INSTALL_DATADIR) == 0 &&
        (n == 0 || strcmp(cand[n], cand[n - 1])))
        n++;
    for (int i = 0; i < n; i++) {
        int ok = has_model(cand[i]);
        LOG_DEBUG("models: %s: %s", cand[i], ok ? "has models" : "no .tflite file");
        if (ok) {
            if (put(out, size, "%s%s", cand[i], "")) {
                LOG_ERROR("models: folder '%s' is longer than %zu bytes", cand[i], size - 1);
                return SEGTEX_ERROR_INVALID_ARGUMENT;
            }
            return SEGTEX_OK;
        }
    }
    if (put(out, size, "%s%s", "assets", ""))
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    if (!has_model(out) && segtex_log_enabled(SEGTEX_LOG_WARNING)) {
        char searched[3 * PATH_MAX + 16] = "";
        for (int i = 0; i < n; i++) {
            strncat(searched, cand[i], sizeof searched - strlen(searched) - 1);
            strncat(searched, ", ", sizeof searched - strlen(searched) - 1);
        }
        LOG_WARNING("models: no .tflite file in %s./assets (and no --models or $SEGTEX_ASSETS); "
                    "run 'segtex fetch-models'", searched);
    }
    return SEGTEX_OK;
}
