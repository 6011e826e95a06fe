/*
 * segtex io: image files (PNG, JPEG), video sources and sinks (FFmpeg), the
 * demo clip and the preview window (SDL2).
 */
#ifndef SEGTEX_IO_H
#define SEGTEX_IO_H

#include "segtex/core.h"

#ifdef __cplusplus
extern "C" {
#endif


/*
 * Decode a PNG or JPEG file (chosen by content, not name) into a new image.
 * `channels`: 0 keeps the file's layout as 1, 3 or 4 channels (grey+alpha
 * becomes RGBA, palettes and 16-bit samples are expanded to 8-bit); 1, 3 or 4
 * converts. Images over 16384 pixels on a side or 2^25 pixels are rejected.
 * On failure logs one line naming the file and the problem, leaves `out`
 * zeroed and returns SEGTEX_ERROR_IO (cannot read) or
 * SEGTEX_ERROR_MALFORMED / SEGTEX_ERROR_UNSUPPORTED (bad content).
 */
segtex_status segtex_image_load(const char *path, int channels, segtex_image *out);

/* The same from memory; `name` is used in messages only. */
segtex_status segtex_image_decode(const uint8_t *data, size_t size, const char *name,
                                  int channels, segtex_image *out);

/* Write `img` (1, 3 or 4 channels, any stride) as PNG. */
segtex_status segtex_image_save_png(const char *path, const segtex_image *img);

/* ---- video sources (FFmpeg) ----------------------------------------------- */

typedef struct segtex_source segtex_source;

typedef struct segtex_source_options {
    /*
     * What to read: a video file or URL FFmpeg can open; a V4L2 camera
     * ("/dev/videoN", through libavdevice); a still image (PNG/JPEG, repeated
     * as a stream); or an image sequence ("frames/%05d.png").
     */
    const char *url;
    int camera_width, camera_height; /* requested camera size; 0 = the device's default */
    int camera_fps;                  /* requested camera rate; 0 = default */
    const char *camera_format;       /* "mjpeg", "yuyv422", ... or NULL */
    int still_frames;                /* a still image is repeated this many times (0: 1) */
    double still_fps;                /* rate of a repeated still or an image sequence (0: 30) */
} segtex_source_options;

/* Open a source. On failure logs one line naming the url and the reason, *out = NULL. */
segtex_status segtex_source_open(const segtex_source_options *options, segtex_source **out);

/* Close and free. NULL is fine. */
void segtex_source_close(segtex_source *src);

typedef struct segtex_source_info {
    int width, height;   /* size of the frames read next */
    double fps;          /* nominal rate (0 unknown) */
    int64_t frames;      /* frame count when known, else -1 */
    int live;            /* 1 for cameras: frames arrive in real time and may be dropped */
} segtex_source_info;

void segtex_source_get_info(const segtex_source *src, segtex_source_info *info);

/* Return values of segtex_source_read besides errors. */
#define SEGTEX_SOURCE_FRAME 1   /* a frame was written */
#define SEGTEX_SOURCE_END 0     /* end of stream */
#define SEGTEX_SOURCE_RESIZED 2 /* the next frame has a new size: get the info, reconfigure, read again */

/*
 * Decode the next frame, converted to RGB24, into `dst` (channels 3, the
 * size of the current info, any stride). `*pts` gets its time in seconds
 * from the start of the stream (monotonic). Returns SEGTEX_SOURCE_FRAME,
 * _END, _RESIZED (nothing written; the frame is kept for the next read), or
 * a negative segtex_status (logged). Allocates nothing per frame after the
 * first (FFmpeg's own frame pools aside).
 */
int segtex_source_read(segtex_source *src, segtex_image *dst, double *pts);

/* ---- demo source: a clip generated in memory from a still portrait ------------ */

typedef struct segtex_demo segtex_demo;

/*
 * A `frames`-long clip (0: endless) at `fps` of `width` x `height` RGB24,
 * made from the image at `portrait_path` by a slow pan, zoom and small
 * rotation, so the effect runs anywhere without a camera or a video.
 * Deterministic: frame i is the same on every run.
 */
segtex_status segtex_demo_create(const char *portrait_path, int width, int height, int64_t frames, double fps,
                                 segtex_demo **out);
void segtex_demo_destroy(segtex_demo *demo);
void segtex_demo_get_info(const segtex_demo *demo, segtex_source_info *info);
/* As segtex_source_read: SEGTEX_SOURCE_FRAME, or _END after `frames`. No allocation. */
int segtex_demo_read(segtex_demo *demo, segtex_image *dst, double *pts);

/* ---- sinks (FFmpeg, files, stdout, V4L2) ----------------------------------- */

typedef struct segtex_sink segtex_sink;

typedef struct segtex_sink_options {
    /*
     * Where to: "-" raw RGB24 on stdout (the size printed on stderr); a
     * name with a printf pattern ("frames/%05d.png") PNG frames; "/dev/videoN"
     * a V4L2 output device (v4l2loopback virtual camera); any other name an
     * encoded video whose container follows the extension (.mp4 .mkv .webm
     * .avi ...), H.264 when the FFmpeg build has an encoder for it and the
     * container takes it, else the container's usual codec.
     */
    const char *target;
    int width, height; /* frame size (frames of another size are scaled to it) */
    double fps;        /* nominal rate, for the container's time base */
} segtex_sink_options;

segtex_status segtex_sink_open(const segtex_sink_options *options, segtex_sink **out);

/* Write one RGB24 frame with its time in seconds (increasing). */
segtex_status segtex_sink_write(segtex_sink *sink, const segtex_image *frame, double pts);

/*
 * Finish (flush the encoder, write the trailer, close the file) and free.
 * Always frees; returns the first error met while finishing. NULL is fine.
 * Call it on every exit path: a file that was not closed does not play.
 */
segtex_status segtex_sink_close(segtex_sink *sink);

/* A short description for messages ("h264 in out.mp4", "PNG frames frames/%05d.png"). */
const char *segtex_sink_describe(const segtex_sink *sink);

/* ---- preview window (SDL2) ---------------------------------------------------- */

typedef struct segtex_window segtex_window;

/* Open a resizable window (SDL's video driver follows SDL_VIDEODRIVER, e.g. "dummy" in tests). */
segtex_status segtex_window_open(const char *title, int width, int height, segtex_window **out);
void segtex_window_close(segtex_window *win);

/* Show an RGB24 frame scaled to the window, with `status` (may be NULL) drawn as a text line on top. */
segtex_status segtex_window_show(segtex_window *win, const segtex_image *frame, const char *status);

/*
 * Next pending key as a lower-case ASCII character ('r', 'm', 'l', 'c', ' ',
 * 's', 'q'; Escape is reported as 'q', closing the window as 'q'), or 0 when
 * none is pending. Never blocks.
 */
int segtex_window_poll_key(segtex_window *win);

/* Queue a synthetic key press through SDL's event queue (tests; same path as a real key). */
void segtex_window_push_key(segtex_window *win, int key);

#ifdef __cplusplus
}
#endif
#endif
