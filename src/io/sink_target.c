/*
 * What sink targets name on disk: refusing outputs that would overwrite the
 * input or each other (segtex_sink_target_conflict), and creating the folder
 * of an output when asked (segtex_sink_options.create_folder).
 *
 * Identity of a name: an existing file is its (device, inode), so a symbolic
 * link, a hard link or "./a/../x.mp4" is the same file as "x.mp4"; a file
 * that does not exist yet is its folder's (device, inode) plus its last
 * component; a name whose folder does not exist either is compared as a
 * string. A frame pattern ("f%05d.png") stands for its files number 0 and 1:
 * FFmpeg's image2 reader starts at the first of 0..4 that exists, the PNG
 * sink writes from 1, so these two catch a pattern that names the files of
 * another (checking more would cost a stat per file for little).
 */
#include "io/io_private.h"
#include "core/log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define NAME_MAX_LEN 4096

typedef struct identity {
    int kind; /* 0 string, 1 existing file (dev, ino), 2 new file in a folder (dev, ino, base) */
    dev_t dev;
    ino_t ino;
    char name[NAME_MAX_LEN]; /* the whole name (kind 0) or the last component (kind 2) */
} identity;

static void identify(const char *path, identity *id)
{
    struct stat sb;
    memset(id, 0, sizeof *id);
    if (stat(path, &sb) == 0) {
        id->kind = 1;
        id->dev = sb.st_dev;
        id->ino = sb.st_ino;
        return;
    }
    const char *slash = strrchr(path, '/');
    char dir[NAME_MAX_LEN];
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        id->kind = 2;
        id->dev = sb.st_dev;
        id->ino = sb.st_ino;
        snprintf(id->name, sizeof id->name, "%s", slash ? slash + 1 : path);
        return;
    }
    snprintf(id->name, sizeof id->name, "%s", path);
}

static int same_identity(const identity *a, const identity *b)
{
    if (a->kind != b->kind)
        return 0;
    if (a->kind != 0 && (a->dev != b->dev || a->ino != b->ino))
        return 0;
    return a->kind == 1 || !strcmp(a->name, b->name);
}

/* The files a name stands for: itself, or a pattern's files number 0 and 1. Returns how many. */
static int probes(const char *name, identity out[2])
{
    char *prefix, *suffix;
    int digits;
    if (!strchr(name, '%') || io_split_pattern(name, &prefix, &suffix, &digits) != 0) {
        identify(name, &out[0]);
        return 1;
    }
    char path[NAME_MAX_LEN];
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s%0*d%s", prefix, digits, i, suffix);
        identify(path, &out[i]);
    }
    segtex_free(prefix);
    segtex_free(suffix);
    return 2;
}

static int names_overlap(const char *a, const char *b)
{
    if (!strcmp(a, b))
        return 1;
    identity pa[2], pb[2];
    int na = probes(a, pa), nb = probes(b, pb);
    for (int i = 0; i < na; i++)
        for (int j = 0; j < nb; j++)
            if (same_identity(&pa[i], &pb[j]))
                return 1;
    return 0;
}

/* Names that are not files: stdout and V4L2 devices are compared by string only. */
static int is_stream(const char *name)
{
    return !strcmp(name, "-");
}

segtex_status segtex_sink_target_conflict(const char *input, const char *const *outputs, int n,
                                          char *why, size_t why_size)
{
    if (why && why_size)
        why[0] = '\0';
    if (n < 0 || (n > 0 && !outputs))
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    for (int i = 0; i < n; i++) {
        const char *o = outputs[i];
        if (!o || !*o) {
            if (why)
                snprintf(why, why_size, "output %d is empty", i + 1);
            return SEGTEX_ERROR_INVALID_ARGUMENT;
        }
        if (input && *input && !is_stream(o) && !is_stream(input) && names_overlap(o, input)) {
            if (why)
                snprintf(why, why_size,
                         "output '%s' is the input file '%s': refusing to overwrite the input", o,
                         input);
            return SEGTEX_ERROR_INVALID_ARGUMENT;
        }
        for (int j = 0; j < i; j++) {
            const char *p = outputs[j];
            if (!p)
                continue;
            int same = is_stream(o) || is_stream(p) ? !strcmp(o, p) : names_overlap(o, p);
            if (!same)
                continue;
            if (why) {
                if (is_stream(o))
                    snprintf(why, why_size, "stdout ('-') is given twice as an output");
                else if (!strcmp(o, p))
                    snprintf(why, why_size, "output '%s' is given twice", o);
                else
                    snprintf(why, why_size, "outputs '%s' and '%s' are the same file", p, o);
            }
            return SEGTEX_ERROR_INVALID_ARGUMENT;
        }
    }
    return SEGTEX_OK;
}

segtex_status io_make_parent_folder(const char *target)
{
    const char *slash = strrchr(target, '/');
    if (!slash || slash == target)
        return SEGTEX_OK; /* the current folder or the root: there already */
    char dir[NAME_MAX_LEN];
    if ((size_t)(slash - target) >= sizeof dir) {
        LOG_ERROR("sink '%s': the folder name is too long", target);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    memcpy(dir, target, (size_t)(slash - target));
    dir[slash - target] = '\0';
    if (strchr(dir, '%'))
        return SEGTEX_OK; /* a pattern in a folder name is not a folder to create */
    /* mkdir -p: each prefix ending before a '/', then the whole. */
    for (char *p = dir + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        struct stat sb;
        if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
            LOG_ERROR("sink '%s': cannot create folder '%s': %s", target, dir, strerror(errno));
            return SEGTEX_ERROR_IO;
        }
        if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
            LOG_ERROR("sink '%s': '%s' is not a folder", target, dir);
            return SEGTEX_ERROR_IO;
        }
        *p = c;
        if (c == '\0')
            break;
    }
    return SEGTEX_OK;
}
