/*
 * Private glue between the io files: the sink interface every kind of sink
 * implements, the PNG encoder, and the few FFmpeg services (one-time init, RGB24 rescaling)
 * that files without FFmpeg headers need.
 */
#ifndef SEGTEX_IO_PRIVATE_H
#define SEGTEX_IO_PRIVATE_H
#include "segtex/io.h"

/*
 * Every sink starts with this header. `write` gets frames already checked
 * (3 channels, data set, sides > 0) of any size; `finish` flushes, closes and
 * frees the whole sink (it is called exactly once, also after errors and on
 * half-built sinks) and returns the first error met while finishing.
 */
struct segtex_sink {
    segtex_status (*write)(segtex_sink *sink, const segtex_image *frame, double pts);
    segtex_status (*finish)(segtex_sink *sink);
    int width, height;     /* size frames are written at */
    double fps;            /* > 0 */
    segtex_status error;   /* first write error, or SEGTEX_SINK_STOPPED; later writes return it at once */
    int64_t frames;        /* frames written whole */
    int grey_ok;           /* takes 1-channel frames of its own size too (PNG frames) */
    char description[320]; /* for segtex_sink_describe */
};

/*
 * Kinds of sinks, each in its own file. On failure they log one line and set *out = NULL.
 * A failing `write` logs exactly one line (naming the target, the frame and
 * what is lost) and returns a negative status, or SEGTEX_SINK_STOPPED quietly;
 * segtex_sink_write makes it sticky and `finish` must not log it again.
 */
segtex_status sink_raw_open(const segtex_sink_options *options, segtex_sink **out);     /* sink_simple.c */
segtex_status sink_png_open(const segtex_sink_options *options, segtex_sink **out);     /* sink_simple.c */
segtex_status sink_ffmpeg_open(const segtex_sink_options *options, segtex_sink **out);  /* ffmpeg_sink.c */

/*
 * Split a frame pattern "dir/f%05d.png" into "dir/f", 5 and ".png" (sink_simple.c).
 * Exactly one %d (optional 0 flag and width) is accepted; "%%" is a literal
 * percent sign. The two strings are allocated; 0 on success, -1 (nothing
 * allocated) otherwise.
 */
int io_split_pattern(const char *pattern, char **prefix, char **suffix, int *digits);

/* Create the missing folders above `target` (sink_target.c); logs one line on failure. */
segtex_status io_make_parent_folder(const char *target);

/* Register libavdevice and route FFmpeg's log to segtex's (debug level). Idempotent, thread safe. */
void io_ffmpeg_init(void);

/*
 * RGB24 rescaler for sinks that take frames of any size. `*out` is `in` when
 * it already has the size width x height, else a buffer owned by the scaler
 * (valid until the next call). The scaler is created, and its buffer sized,
 * on the first frame that needs it, and again only when the input size
 * changes; otherwise nothing is allocated. Not thread safe: one per sink.
 */
typedef struct io_rescaler io_rescaler;
segtex_status io_rescale(io_rescaler **scaler, const segtex_image *in, int width, int height,
                         const segtex_image **out);
void io_rescaler_free(io_rescaler *scaler);

/*
 * PNG encoder for 8-bit 1/3/4-channel images (png_write.c): zlib level 1,
 * the Up filter, no allocation per file once created for rows of up to
 * `max_row_bytes` (a wider image grows the row buffer once). io_png_write
 * writes `path` whole or not at all: on failure the partial file is removed,
 * io_png_writer_error() says why (for the caller's log line; nothing is
 * logged here) and SEGTEX_ERROR_IO / _OUT_OF_MEMORY is returned. One
 * writer per thread.
 */
typedef struct io_png_writer io_png_writer;
segtex_status io_png_writer_create(int max_row_bytes, io_png_writer **out);
void io_png_writer_free(io_png_writer *w);
segtex_status io_png_write(io_png_writer *w, const char *path, const segtex_image *img);
const char *io_png_writer_error(const io_png_writer *w);

#endif
