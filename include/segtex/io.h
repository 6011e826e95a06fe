/*
 * segtex io: image files (PNG, JPEG), video sources and sinks (FFmpeg, PNG
 * frames, raw stdout), the demo clip and the preview window (SDL2).
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
 * becomes RGBA, palettes are expanded); 1, 3 or 4 converts. Samples are taken
 * as stored: no gamma or colour-space conversion; 16-bit samples become
 * 8-bit by rounding (v * 255 / 65535). Images over 16384 pixels on a side, or
 * over 2^25 pixels in all, are rejected (the message says which limit).
 * On failure logs one line naming the file and the problem, leaves `out`
 * zeroed and returns SEGTEX_ERROR_IO (cannot read) or
 * SEGTEX_ERROR_MALFORMED / SEGTEX_ERROR_UNSUPPORTED (bad content).
 */
segtex_status segtex_image_load(const char *path, int channels, segtex_image *out);

/* The same, logging its one line at `level` (e.g. a texture the caller can do without: a warning). */
segtex_status segtex_image_load_level(const char *path, int channels, segtex_log_level level, segtex_image *out);

/* The same from memory; `name` is used in messages only. */
segtex_status segtex_image_decode(const uint8_t *data, size_t size, const char *name,
                                  int channels, segtex_image *out);

/*
 * Write `img` (1, 3 or 4 channels of 8 bits, any stride) as PNG: lossless,
 * fast (zlib level 1, Up filter), about 1.3x larger than libpng's defaults.
 * The file is written whole or not at all: on failure a partial file is
 * removed, one line naming the file and the reason is logged, and
 * SEGTEX_ERROR_IO (or _INVALID_ARGUMENT, _OUT_OF_MEMORY) is returned.
 */
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
/*
 * The clip's known motion, for tests of tracking: where the portrait's point
 * (px, py) (continuous pixel coordinates: the first pixel's centre is 0.5,
 * 0.5) appears in frame `frame`, in the same coordinates of the output.
 */
void segtex_demo_map(const segtex_demo *demo, int64_t frame, double px, double py, double *x, double *y);

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
    /*
     * 1: create the missing folders above the target first (mkdir -p), e.g.
     * for a default output like "out/segtex.mp4". 0 (the default): a missing
     * folder is an error, so that a mistyped path is not silently created.
     */
    int create_folder;
} segtex_sink_options;

/*
 * Open a sink. Checks what can be checked before the first frame (folder
 * exists and is writable, container known, encoder opens, file created). On
 * failure logs one line naming the target and returns a negative status,
 * *out = NULL.
 */
segtex_status segtex_sink_open(const segtex_sink_options *options, segtex_sink **out);

/*
 * Returned by segtex_sink_write (a positive value, not an error) when the
 * reader of raw stdout has closed the pipe, as `segtex run -o - | head -c
 * 1000` does: stop writing, and treat the run as a success. Why: a reader
 * that has all it wants and closes is the normal end of a Unix pipeline
 * (`yes | head`); nothing it asked for was lost. Any other failed write
 * (/dev/full, EIO, a full disk) is an error.
 */
#define SEGTEX_SINK_STOPPED 1

/*
 * Write one RGB24 frame with its time in seconds (increasing). PNG-frame
 * sinks also take 8-bit grey frames of exactly their size (category maps). Never
 * reports a lost frame as success: returns SEGTEX_OK when the frame was
 * handed on whole, SEGTEX_SINK_STOPPED (see above), or a negative status
 * after logging exactly one line naming the target, the frame and what is
 * lost (for PNG frames, the partial file is removed; for a video file, the
 * unfinished file is removed, since a file cut short has no index and does
 * not play). A sink that failed or stopped returns the same value from every
 * later write, silently. Allocates nothing per frame (FFmpeg's own packet
 * buffers aside).
 */
segtex_status segtex_sink_write(segtex_sink *sink, const segtex_image *frame, double pts);

/*
 * Finish (flush the encoder, write the trailer, close the file) and free.
 * Always frees. Returns a negative status when any frame was lost: the error
 * of a failed write (not logged again), or the first error met while
 * finishing (logged once; an unfinishable video file is removed). Returns
 * SEGTEX_OK after SEGTEX_SINK_STOPPED. NULL is fine. Call it on every exit
 * path: a file that was not closed does not play.
 */
segtex_status segtex_sink_close(segtex_sink *sink);

/*
 * Refuse outputs that would destroy data, before anything is opened: an
 * output that names the input file (same path, or the same file through
 * another name, a link or a hard link: compared by device and inode), two
 * outputs that are the same file, or "-" (stdout) twice. Frame patterns
 * ("f%05d.png") are compared through their files number 0 and 1. `input`
 * may be NULL or a name that is not a file ("demo:", a camera); `outputs`
 * are the targets that would be given to segtex_sink_open (not "window").
 * Returns SEGTEX_OK when nothing conflicts, else SEGTEX_ERROR_INVALID_ARGUMENT
 * with one line (no prefix, no newline) saying which names conflict in
 * `why` (may be NULL). Logs nothing: the caller prints `why`. Only stats
 * files; allocates only for patterns.
 */
segtex_status segtex_sink_target_conflict(const char *input, const char *const *outputs, int n,
                                          char *why, size_t why_size);

/* A short description for messages ("h264 in out.mp4", "PNG frames frames/%05d.png"). */
const char *segtex_sink_describe(const segtex_sink *sink);

/* ---- preview window (SDL2) ---------------------------------------------------- */

typedef struct segtex_window segtex_window;

/*
 * Open a resizable window of width x height, shrunk (keeping the aspect
 * ratio) when the display is smaller. SDL's video driver follows
 * SDL_VIDEODRIVER ("dummy" in tests); when it is not set, only a display
 * named by WAYLAND_DISPLAY or DISPLAY (or a bare console, KMSDRM) is used:
 * with none that answers, this fails with one line ("no display: nothing
 * answers at DISPLAY ':99'") instead of SDL's silent fall-back to a driver
 * that shows nothing. Returns SEGTEX_ERROR_UNSUPPORTED then, *out = NULL.
 * Text is drawn with DejaVu Sans through SDL_ttf, or a built-in 5x7 font
 * when that cannot be opened. Every segtex_window_* call must come from the
 * thread that opened the window.
 */
segtex_status segtex_window_open(const char *title, int width, int height, segtex_window **out);
void segtex_window_close(segtex_window *win);

/* The window's current size in screen coordinates (0x0 for NULL). */
void segtex_window_get_size(const segtex_window *win, int *width, int *height);

/*
 * Show an RGB24 frame scaled to the window (letterboxed), with `status`
 * (may be NULL) as text across the top: sized to the picture, shrunk to
 * fit the window's width and wrapped onto more lines rather than cut off.
 * A status text different from the last one is rendered once (SDL_ttf
 * allocates then); the same text again, like a once-a-second statistics
 * line between its updates, allocates nothing of ours.
 */
segtex_status segtex_window_show(segtex_window *win, const segtex_image *frame, const char *status);

/* One legend row: a colour swatch and its label. */
typedef struct segtex_legend_entry {
    const char *label; /* UTF-8; the first 63 bytes are kept */
    uint8_t rgb[3];
} segtex_legend_entry;

/*
 * Show `count` (0..16) legend rows in the picture's bottom-left corner on
 * every later show, until set again; count 0 hides it. The entries are
 * copied. Fails (logged) on a bad count, leaving the legend unchanged.
 */
segtex_status segtex_window_set_legend(segtex_window *win, const segtex_legend_entry *entries,
                                       int count);

/*
 * Keys reported by segtex_window_poll_key: printable ASCII as itself
 * (letters lower-case; presses with Ctrl, Alt or Super are not reported),
 * the named keys below, and SEGTEX_KEY_CLOSE once when the user closes the
 * window. What a key does is the application's choice.
 */
#define SEGTEX_KEY_BACKSPACE 8
#define SEGTEX_KEY_TAB 9
#define SEGTEX_KEY_RETURN 13
#define SEGTEX_KEY_ESCAPE 27
#define SEGTEX_KEY_LEFT 0x101
#define SEGTEX_KEY_RIGHT 0x102
#define SEGTEX_KEY_UP 0x103
#define SEGTEX_KEY_DOWN 0x104
#define SEGTEX_KEY_CLOSE 0x1ff

/* Next pending key (see above), or 0 when none is pending. Never blocks. */
int segtex_window_poll_key(segtex_window *win);

/*
 * Queue a synthetic key press through SDL's event queue (tests, scripted
 * runs; same path as a real key): printable ASCII (upper-case letters are
 * pressed as their key) or a SEGTEX_KEY_* key other than _CLOSE.
 */
void segtex_window_push_key(segtex_window *win, int key);

#ifdef __cplusplus
}
#endif
#endif
