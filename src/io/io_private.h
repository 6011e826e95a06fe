/*
 * Private glue between the io files: the sink interface every kind of sink
 * implements, and the few FFmpeg services (one-time init, RGB24 rescaling)
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
    segtex_status error;   /* first write error; later writes return it at once */
    char description[320]; /* for segtex_sink_describe */
};

/* Kinds of sinks, each in its own file. On failure they log one line and set *out = NULL. */
segtex_status sink_raw_open(const segtex_sink_options *options, segtex_sink **out);     /* sink_simple.c */
segtex_status sink_png_open(const segtex_sink_options *options, segtex_sink **out);     /* sink_simple.c */
segtex_status sink_ffmpeg_open(const segtex_sink_options *options, segtex_sink **out);  /* ffmpeg_sink.c */

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

#endif
