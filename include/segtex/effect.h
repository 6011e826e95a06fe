/*
 * segtex effect: the library's front door.
 *
 * One object owns everything the effect needs: the face models and tracker,
 * the segmenter, the texture set, the renderer, a thread pool, the output
 * frame and the stage timers. A frame goes in; the frame painted with its
 * six categories (and, on request, its face landmarks) comes out, with the
 * faces and the segmentation as data beside it.
 *
 *   segtex_effect_options o = segtex_effect_options_default();
 *   o.models_dir = "assets";
 *   segtex_effect *e;
 *   if (segtex_effect_create(&o, &e)) ...;            // loads every model
 *   segtex_image out = {0};                            // data NULL: the effect's own frame
 *   segtex_effect_result r;
 *   segtex_effect_process(e, &frame, pts, &out, &r);   // push a frame, get it painted
 *   segtex_effect_destroy(e);
 *
 * Three ways to drive it, one render and configure path for all:
 *
 * - push, offline (options.live = 0): segtex_effect_process finds this
 *   frame's faces and segmentation (face tracking and the segmentation model
 *   run in parallel on the effect's pool) and renders it. Deterministic:
 *   the same frames and options give the same output, byte for byte, as the
 *   pull mode below.
 * - push, live (options.live = 1): segtex_effect_process hands the frame to
 *   the effect's own worker threads (newest frame wins; a frame they have no
 *   time for is dropped and counted) and returns at once with the frame
 *   rendered from the newest results available. The result says which
 *   frames the faces and the segmentation came from. For applications that
 *   own their camera loop.
 * - pull: segtex_effect_start gives the effect a frame reader (a file, a
 *   camera, the demo clip); a source thread and the workers run ahead, and
 *   segtex_effect_next returns each finished frame painted. Offline sources
 *   give every frame in order; live ones (cameras, or options.live) the
 *   newest. This is the engine under `segtex run`.
 *
 * Phases (STYLE.md): create loads and allocates; a new frame size, mode or
 * landmark switch re-configures once, inside the effect, on the next frame
 * (that may allocate); in the steady state process/next allocate nothing.
 *
 * Results are exchanged by pointer: everything a segtex_effect_result points
 * to stays valid until the next process/next/redraw call on the effect (or
 * its destruction), and is never copied under a lock.
 *
 * Threads: process, next, redraw, start and destroy are called from one
 * thread at a time (the render thread). The segtex_effect_set_* family,
 * segtex_effect_randomize, get_paint and get_stats may be called from any
 * thread at any time: they take the effect's settings lock, which the render
 * thread holds only while it configures and renders, so a change lands
 * between frames. segtex_effect_stop may be called from any thread.
 */
#ifndef SEGTEX_EFFECT_H
#define SEGTEX_EFFECT_H

#include "segtex/core.h"
#include "segtex/nn.h"
#include "segtex/pipeline.h"
#include "segtex/render.h"
#include "segtex/vision.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct segtex_effect segtex_effect;

typedef struct segtex_effect_options {
    const char *models_dir;          /* folder of the .tflite files (NULL: segtex_models_dir_find's search
                                        order: $SEGTEX_ASSETS, ~/.local/share/segtex, <prefix>/share/...) */
    segtex_backend backend;          /* AUTO: XNNPACK when built in */
    segtex_segmenter_kind segmenter; /* AUTO: multiclass when its model is present, else composite */
    int faces;                       /* 1: find faces (the composite segmenter and landmarks need them) */
    int max_faces;                   /* 1..SEGTEX_MAX_FACES */
    segtex_detector_kind detector;   /* AUTO (default): short range, full range on frames where it finds none */
    int smooth;                      /* 1: video: track faces, smooth landmarks and segmentation in time;
                                        0: every frame is a still image */
    int live;                        /* see above; pull mode is also live when the reader says so */
    int threads;                     /* the effect's pool, caller thread included; 0: 2 for push offline
                                        (face and segmentation in parallel), 1 otherwise. Pull and live:
                                        the render threads are capped (with a warning) to the cores the
                                        model workers leave free, since more only slow every frame */
    const char *textures_dir;        /* PNG/JPEG textures besides the built-in ones (NULL: none) */
    segtex_render_mode mode;         /* also picks the default paints: segtex_texture_set_reset_paints */
    int landmarks;                   /* draw the face landmarks */
    int has_seed;                    /* 1: paints drawn from `seed` (segtex_texture_set_randomize) */
    uint64_t seed;
    int pose;                        /* 1: track MediaPipe's pose (33 landmarks and its person mask) */
    int pose_full;                   /* with pose: 1 the full landmark model, 0 (default) the lite one */
    int hands;                       /* 0: off; 1..SEGTEX_MAX_HANDS: hands to track (MediaPipe Hands) */
    int hands_full;                  /* with hands: 1 (default) the full palm and hand models, 0 lite */
    int skeleton;                    /* draw the pose's and hands' connections */
    int palm_every;                  /* with hands and smooth: look for missing hands on every Nth frame
                                        (the palm detector costs 4-5x a tracked hand); 1: every frame
                                        (MediaPipe); default 4; 1..1000 */
    segtex_edges edges;              /* how category borders are upsampled (default bilinear; guided follows
                                        the frame's edges, about 1 ms more at 720p: segtex_renderer_set_edges) */
} segtex_effect_options;

/*
 * Overlay mode, faces on (1 face), pose and hands off, smoothing on,
 * offline, composite/auto segmenter, default paints.
 */
segtex_effect_options segtex_effect_options_default(void);

/*
 * Load every model, texture and buffer the effect needs. `options` may be
 * NULL (defaults). On failure logs one line naming what failed (a model
 * file, a texture folder, an option), sets *out to NULL and returns the
 * error; nothing is left allocated.
 */
segtex_status segtex_effect_create(const segtex_effect_options *options, segtex_effect **out);

/* Stop the threads (if any), free everything. NULL is fine. */
void segtex_effect_destroy(segtex_effect *effect);

/* Per-frame results; see "Results are exchanged by pointer" above. */
typedef struct segtex_effect_result {
    int64_t index;                  /* frame number (pull: from the source; push: calls so far), from 0 */
    double pts;                     /* the frame's time in seconds, as given */
    const segtex_face_result *faces; /* never NULL (count 0 when none) */
    int64_t faces_index;            /* frame the faces were found on; -1 none yet */
    const segtex_seg_result *seg;   /* categories and probabilities at model resolution; NULL none yet */
    int64_t seg_index;              /* frame the segmentation was computed on; -1 none yet */
    double face_ms, seg_ms;         /* this frame's inference (push offline); 0 where it ran elsewhere */
    double render_ms;               /* this frame's render */
    const segtex_pose_result *pose; /* NULL when pose is off or none yet (else count 0 or 1) */
    int64_t pose_index;             /* frame the pose was found on; -1 none yet */
    const segtex_hand_result *hands; /* NULL when hands are off or none yet */
    int64_t hands_index;            /* frame the hands were found on; -1 none yet */
    double pose_ms, hands_ms;       /* this frame's pose and hand tracking (push offline) */
} segtex_effect_result;

/*
 * Push one RGB24 frame (any stride; at most 16384 per side) and get it
 * painted. `out`: with data NULL, it is set to a view of the effect's own
 * output frame (valid until the next call); else the frame is painted into
 * it (RGB24, the input's size; it may be `in` itself). `res` may be NULL.
 * `pts` should increase (it drives the smoothing filters). Returns SEGTEX_OK
 * or an error (logged): INVALID_ARGUMENT for a bad view, or an error of the
 * models; nothing is written to `out` then. Not for an effect that was
 * started (pull).
 */
segtex_status segtex_effect_process(segtex_effect *effect, const segtex_image *in, double pts, segtex_image *out,
                                    segtex_effect_result *res);

/*
 * Pull mode: start the source thread and the workers on `reader` (its
 * `user` must outlive the effect or the next start). Once per effect.
 */
segtex_status segtex_effect_start(segtex_effect *effect, const segtex_frame_reader *reader);

/* 1 when the started source is live (a camera, or options.live). */
int segtex_effect_is_live(const segtex_effect *effect);

/*
 * Pull mode: wait for the next finished frame and paint it into `out` (as
 * in segtex_effect_process). Returns 1, 0 at the end of the stream or after
 * segtex_effect_stop, or a negative status when the source, a model or the
 * renderer failed (logged once).
 */
int segtex_effect_next(segtex_effect *effect, segtex_image *out, segtex_effect_result *res);

/*
 * Pull mode: the frame as filmed that the last segtex_effect_next painted
 * (its data outputs are at its size: e.g. segtex_snap_categories' `frame`);
 * valid until the next call. NULL before the first frame and in push mode.
 */
const segtex_image *segtex_effect_source(const segtex_effect *effect);

/*
 * Paint the last frame again with the current settings (a paused preview
 * whose mode or paints change). SEGTEX_ERROR_INVALID_ARGUMENT when there is
 * no last frame.
 */
segtex_status segtex_effect_redraw(segtex_effect *effect, segtex_image *out, segtex_effect_result *res);

/* Ask a started effect to stop soon; next() then returns 0. Any thread (not a signal handler). */
void segtex_effect_stop(segtex_effect *effect);

/* ---- live settings (any thread; applied from the next frame on) ---------------- */

/*
 * The mode; it also switches which categories are painted to the mode's
 * default (segtex_render_mode_paints: mask all, overlay the person, cutout
 * the background). Call set_paint afterwards to change that.
 */
void segtex_effect_set_mode(segtex_effect *effect, segtex_render_mode mode);
segtex_render_mode segtex_effect_get_mode(segtex_effect *effect);
void segtex_effect_set_landmarks(segtex_effect *effect, int on);
int segtex_effect_get_landmarks(segtex_effect *effect);
/* As segtex_texture_set_set_paint (colour, texture, scale, opacity, offset); the old paint stays on error. */
segtex_status segtex_effect_set_paint(segtex_effect *effect, int category, const segtex_paint *paint);
segtex_paint segtex_effect_get_paint(segtex_effect *effect, int category);
/* New paints for every category from `seed` (segtex_texture_set_randomize). */
segtex_status segtex_effect_randomize(segtex_effect *effect, uint64_t seed);
/*
 * Load one more texture from a PNG/JPEG file (for set_paint). Returns its
 * index, or a negative status (a warning naming the file is logged).
 */
int segtex_effect_add_texture(segtex_effect *effect, const char *path);
/*
 * Load a picture for IMAGE paints (segtex_texture_set_add_picture). Returns
 * its index, or a negative segtex_status (logged, naming the file).
 */
int segtex_effect_add_picture(segtex_effect *effect, const char *path);
/* Index of the texture called `name` (built-in, a file of textures_dir, or added), or -1. */
int segtex_effect_find_texture(segtex_effect *effect, const char *name);
/* Name of texture `index` (NULL out of range), owned by the effect. */
const char *segtex_effect_texture_name(segtex_effect *effect, int index);

/* ---- what it is and how it runs ------------------------------------------------- */

/* The segmenter in use (never AUTO) and the backend in use (never AUTO). */
segtex_segmenter_kind segtex_effect_segmenter(const segtex_effect *effect);
segtex_backend segtex_effect_backend(const segtex_effect *effect);

typedef struct segtex_effect_stats {
    int64_t frames;          /* frames processed and rendered (redraws not counted) */
    int64_t frames_in;       /* frames pushed or read from the source */
    int64_t dropped_source;  /* live: arrived with no free slot */
    int64_t dropped_face;    /* live: frames the face worker skipped for a newer one */
    int64_t dropped_seg;     /* live: frames the segmentation worker skipped */
    int64_t dropped_output;  /* live pull: frames next() skipped for a newer one */
    int configures;          /* renderer (re)configurations: sizes, mode, landmark switch */
    int resizes;             /* source size changes handled by the pipeline */
    segtex_stage_stats source, face, seg, render;
    /*
     * Live: time from a frame's arrival (push, or read from the source) to
     * the output of the frame whose results it produced, i.e. how old the
     * segmentation is when it is shown. Offline: arrival to output.
     */
    segtex_stage_stats latency;
    int64_t dropped_pose;    /* live: frames the pose worker skipped */
    int64_t dropped_hands;   /* live: frames the hand worker skipped */
    segtex_stage_stats pose, hands;
    int64_t pose_detections; /* frames the pose detector ran on (it runs only when tracking is lost) */
    int64_t palm_detections; /* frames the palm detector ran on (only while a hand is not tracked) */
} segtex_effect_stats;

/* A consistent snapshot of the counters and stage times (p50/p95 over the last 256 frames). */
void segtex_effect_get_stats(segtex_effect *effect, segtex_effect_stats *stats);

#ifdef __cplusplus
}
#endif
#endif
