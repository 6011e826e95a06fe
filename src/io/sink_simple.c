/*
 * Sinks that need no encoder: raw RGB24 frames on stdout and numbered PNG
 * files; and segtex_sink_open, which picks the kind of sink from the target.
 *
 * A sink is used by one thread at a time; different sinks are independent
 * (several raw sinks would interleave on stdout, which is the caller's
 * business).
 */
#include "io/io_private.h"
#include "core/log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_SIDE 16384

/* ---- raw RGB24 on stdout ---------------------------------------------------------- */

typedef struct raw_sink {
    segtex_sink base;
    io_rescaler *scaler;
    int fd;
} raw_sink;

/* Write all of it, retrying on interruption and short writes. */
static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static segtex_status raw_write(segtex_sink *base, const segtex_image *in, double pts)
{
    raw_sink *s = (raw_sink *)base;
    (void)pts;
    const segtex_image *f;
    segtex_status st = io_rescale(&s->scaler, in, base->width, base->height, &f);
    if (st != SEGTEX_OK)
        return st;
    size_t row = (size_t)f->width * 3;
    int failed;
    if (f->stride == (ptrdiff_t)row) {
        failed = write_all(s->fd, f->data, row * (size_t)f->height);
    } else {
        failed = 0;
        for (int y = 0; y < f->height && !failed; y++)
            failed = write_all(s->fd, f->data + y * f->stride, row);
    }
    if (failed) {
        if (errno == EPIPE) {
            /* The reader closed the pipe (`| head -c 1000`): its choice, not lost data. */
            LOG_INFO("sink '-': the reader closed stdout after %lld frames; stopping",
                     (long long)base->frames);
            return SEGTEX_SINK_STOPPED;
        }
        LOG_ERROR("sink '-': cannot write frame %lld to stdout: %s; frames from %lld on are lost",
                  (long long)base->frames + 1, strerror(errno), (long long)base->frames + 1);
        return SEGTEX_ERROR_IO;
    }
    return SEGTEX_OK;
}

static segtex_status raw_finish(segtex_sink *base)
{
    raw_sink *s = (raw_sink *)base;
    io_rescaler_free(s->scaler);
    segtex_free(s);
    return SEGTEX_OK;
}

segtex_status sink_raw_open(const segtex_sink_options *o, segtex_sink **out)
{
    *out = NULL;
    raw_sink *s = segtex_calloc(1, sizeof *s);
    if (!s)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    s->base.write = raw_write;
    s->base.finish = raw_finish;
    s->base.width = o->width;
    s->base.height = o->height;
    s->base.fps = o->fps;
    s->fd = STDOUT_FILENO;
    snprintf(s->base.description, sizeof s->base.description,
             "raw video %dx%d rgb24 at %g fps on stdout", o->width, o->height, o->fps);
    /* The consumer (ffplay -f rawvideo ...) needs the size: say it where it is not in the way. */
    fprintf(stderr, "segtex: %s\n", s->base.description);
    *out = &s->base;
    return SEGTEX_OK;
}

/* ---- PNG frames -------------------------------------------------------------------- */

typedef struct png_sink {
    segtex_sink base;
    io_rescaler *scaler;
    io_png_writer *png;    /* encoder, made at open */
    char *target;          /* for messages */
    char *prefix, *suffix; /* the target around its one %d conversion */
    int width_digits;      /* minimum digits, zero padded */
    char *path;            /* the current file name, sized at open */
    size_t path_size;
    long index;            /* number of the next file (from 1, like FFmpeg's image2) */
} png_sink;

/*
 * Split "dir/f%05d.png" into "dir/f", 5 and ".png". Exactly one %d (with an
 * optional 0 flag and width) is accepted; "%%" is a literal percent sign.
 * The strings are allocated; 0 on success, -1 (nothing allocated) otherwise.
 */
int io_split_pattern(const char *t, char **prefix, char **suffix, int *digits)
{
    const char *conv = NULL, *conv_end = NULL;
    int width = 0;
    for (const char *p = t; *p; p++) {
        if (*p != '%')
            continue;
        if (p[1] == '%') {
            p++;
            continue;
        }
        if (conv)
            return -1; /* two conversions */
        const char *q = p + 1;
        while (*q == '0')
            q++;
        width = 0;
        while (*q >= '0' && *q <= '9' && width < 100)
            width = width * 10 + (*q++ - '0');
        if (*q != 'd' && *q != 'i' && *q != 'u')
            return -1;
        conv = p;
        conv_end = q + 1;
        p = q;
    }
    if (!conv || width > 18)
        return -1;
    /* Copy both halves with "%%" turned into "%". */
    const char *parts[2][2] = {{t, conv}, {conv_end, t + strlen(t)}};
    char *out[2];
    for (int i = 0; i < 2; i++) {
        size_t n = (size_t)(parts[i][1] - parts[i][0]);
        out[i] = segtex_malloc(n + 1);
        if (!out[i]) {
            if (i)
                segtex_free(out[0]);
            return -1;
        }
        size_t k = 0;
        for (const char *p = parts[i][0]; p < parts[i][1]; p++) {
            out[i][k++] = *p;
            if (*p == '%' && p + 1 < parts[i][1] && p[1] == '%')
                p++;
        }
        out[i][k] = '\0';
    }
    *prefix = out[0];
    *suffix = out[1];
    *digits = width;
    return 0;
}

static segtex_status png_write(segtex_sink *base, const segtex_image *in, double pts)
{
    png_sink *s = (png_sink *)base;
    (void)pts;
    const segtex_image *f;
    segtex_status st = io_rescale(&s->scaler, in, base->width, base->height, &f);
    if (st != SEGTEX_OK)
        return st;
    snprintf(s->path, s->path_size, "%s%0*ld%s", s->prefix, s->width_digits, s->index, s->suffix);
    st = io_png_write(s->png, s->path, f); /* removes a partial file */
    if (st != SEGTEX_OK) {
        if (s->index > 1)
            LOG_ERROR("sink '%s': cannot write frame %ld to '%s': %s; frames 1..%ld are complete, "
                      "the rest is lost",
                      s->target, s->index, s->path, io_png_writer_error(s->png),
                      s->index - 1);
        else
            LOG_ERROR("sink '%s': cannot write frame 1 to '%s': %s; no frame was written",
                      s->target, s->path, io_png_writer_error(s->png));
        return st;
    }
    s->index++;
    return SEGTEX_OK;
}

static segtex_status png_finish(segtex_sink *base)
{
    png_sink *s = (png_sink *)base;
    io_rescaler_free(s->scaler);
    io_png_writer_free(s->png);
    segtex_free(s->target);
    segtex_free(s->prefix);
    segtex_free(s->suffix);
    segtex_free(s->path);
    segtex_free(s);
    return SEGTEX_OK;
}

static int has_png_extension(const char *suffix)
{
    size_t n = strlen(suffix);
    return n >= 4 && (!strcmp(suffix + n - 4, ".png") || !strcmp(suffix + n - 4, ".PNG"));
}

segtex_status sink_png_open(const segtex_sink_options *o, segtex_sink **out)
{
    *out = NULL;
    const char *t = o->target;
    png_sink *s = segtex_calloc(1, sizeof *s);
    if (!s)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    s->base.write = png_write;
    s->base.finish = png_finish;
    s->base.grey_ok = 1;
    s->base.width = o->width;
    s->base.height = o->height;
    s->base.fps = o->fps;
    s->index = 1;
    segtex_status st;
    if (io_split_pattern(t, &s->prefix, &s->suffix, &s->width_digits) != 0) {
        LOG_ERROR("sink '%s': a frame pattern needs exactly one %%d conversion, like "
                  "frames/%%05d.png",
                  t);
        st = SEGTEX_ERROR_INVALID_ARGUMENT;
        goto fail;
    }
    if (!has_png_extension(s->suffix)) {
        LOG_ERROR("sink '%s': numbered frames are written as PNG only: end the pattern with .png",
                  t);
        st = SEGTEX_ERROR_UNSUPPORTED;
        goto fail;
    }
    /* The folder must exist and be writable (segtex_sink_open creates it when asked). */
    s->path_size = strlen(s->prefix) + strlen(s->suffix) + 24;
    s->path = segtex_malloc(s->path_size);
    s->target = segtex_malloc(strlen(t) + 1);
    if (!s->path || !s->target) {
        st = SEGTEX_ERROR_OUT_OF_MEMORY;
        goto fail;
    }
    strcpy(s->target, t);
    snprintf(s->path, s->path_size, "%s", s->prefix);
    char *slash = strrchr(s->path, '/');
    if (slash) {
        if (slash == s->path)
            slash[1] = '\0'; /* "/x%d.png": the root */
        else
            *slash = '\0';
    } else {
        snprintf(s->path, s->path_size, ".");
    }
    struct stat sb;
    if (stat(s->path, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        LOG_ERROR("sink '%s': folder '%s' does not exist", t, s->path);
        st = SEGTEX_ERROR_IO;
        goto fail;
    }
    if (access(s->path, W_OK | X_OK) != 0) {
        LOG_ERROR("sink '%s': cannot write into folder '%s': %s", t, s->path, strerror(errno));
        st = SEGTEX_ERROR_IO;
        goto fail;
    }
    st = io_png_writer_create(o->width * 3, &s->png);
    if (st != SEGTEX_OK)
        goto fail;
    snprintf(s->base.description, sizeof s->base.description, "PNG frames %dx%d %s", o->width,
             o->height, t);
    *out = &s->base;
    return SEGTEX_OK;
fail:
    png_finish(&s->base);
    return st;
}

/* ---- choosing a sink ---------------------------------------------------------------- */

segtex_status segtex_sink_open(const segtex_sink_options *options, segtex_sink **out)
{
    *out = NULL;
    if (!options || !options->target || !*options->target) {
        LOG_ERROR("sink: no target given");
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    const char *t = options->target;
    if (options->width <= 0 || options->height <= 0 || options->width > MAX_SIDE ||
        options->height > MAX_SIDE) {
        LOG_ERROR("sink '%s': frame size %dx%d is outside 1..%d per side", t, options->width,
                  options->height, MAX_SIDE);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    if (!(options->fps >= 0) || options->fps > 1000) {
        LOG_ERROR("sink '%s': frame rate %g is outside 0..1000", t, options->fps);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    segtex_sink_options o = *options;
    if (o.fps == 0)
        o.fps = 30.0; /* unknown rate: a common one */

    int is_raw = !strcmp(t, "-"), is_device = !strncmp(t, "/dev/video", 10);
    segtex_status st;
    if (o.create_folder && !is_raw && !is_device && (st = io_make_parent_folder(t)) != SEGTEX_OK)
        return st;
    if (is_raw)
        st = sink_raw_open(&o, out);
    else if (is_device)
        st = sink_ffmpeg_open(&o, out);
    else if (strchr(t, '%'))
        st = sink_png_open(&o, out);
    else
        st = sink_ffmpeg_open(&o, out);
    if (st == SEGTEX_ERROR_OUT_OF_MEMORY)
        LOG_ERROR("sink '%s': out of memory", t);
    return st;
}

segtex_status segtex_sink_write(segtex_sink *sink, const segtex_image *frame, double pts)
{
    if (sink->error != SEGTEX_OK)
        return sink->error;
    int grey = sink->grey_ok && frame && frame->channels == 1 && frame->width == sink->width &&
               frame->height == sink->height;
    if (!frame || !frame->data || (frame->channels != 3 && !grey) || frame->width <= 0 ||
        frame->height <= 0 || frame->stride < (ptrdiff_t)frame->width * frame->channels) {
        LOG_ERROR("sink '%s': frames must be RGB24 (PNG frames: or 8-bit grey of the sink's size), "
                  "got %dx%d with %d channels",
                  sink->description, frame ? frame->width : 0, frame ? frame->height : 0,
                  frame ? frame->channels : 0);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    segtex_status st = sink->write(sink, frame, pts);
    if (st != SEGTEX_OK)
        sink->error = st; /* logged once by the sink; every later write returns it silently */
    else
        sink->frames++;
    return st;
}

segtex_status segtex_sink_close(segtex_sink *sink)
{
    if (!sink)
        return SEGTEX_OK;
    /* A lost frame makes the whole output fail; it was logged when it happened. */
    segtex_status lost = sink->error < 0 ? sink->error : SEGTEX_OK;
    segtex_status st = sink->finish(sink);
    return lost != SEGTEX_OK ? lost : st;
}

const char *segtex_sink_describe(const segtex_sink *sink)
{
    return sink ? sink->description : "(no sink)";
}
