/*
 * segtex pipeline: the thread pool that row-band rendering (and later the
 * XNNPACK backend) runs on.
 *
 * The library starts no hidden threads: the application creates a pool and
 * passes it down. A NULL pool is valid everywhere a pool is taken and means
 * "run inline on the calling thread".
 */
#ifndef SEGTEX_PIPELINE_H
#define SEGTEX_PIPELINE_H

#include "segtex/core.h"
#include "segtex/io.h"
#include "segtex/vision.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque thread pool (a pthreadpool underneath). */
typedef struct segtex_threadpool segtex_threadpool;

/* The most threads a pool may have. */
#define SEGTEX_THREADPOOL_MAX_THREADS 256

/*
 * Create a pool of `threads` threads, the calling thread included: 1 starts
 * no thread at all, 0 means one per online CPU. Allocates the pool and starts
 * its threads. On failure logs one line, sets *out to NULL and returns
 * SEGTEX_ERROR_INVALID_ARGUMENT (threads < 0 or > SEGTEX_THREADPOOL_MAX_THREADS)
 * or SEGTEX_ERROR_OUT_OF_MEMORY.
 */
segtex_status segtex_threadpool_create(int threads, segtex_threadpool **out);

/* Join the threads and free the pool. NULL is fine. Must not run concurrently with segtex_threadpool_run. */
void segtex_threadpool_destroy(segtex_threadpool *pool);

/* Threads of the pool, the caller included; 1 for a NULL pool. */
int segtex_threadpool_threads_count(const segtex_threadpool *pool);

/* A task: called once per index in [0, count), from any thread of the pool. */
typedef void (*segtex_task_fn)(void *ctx, size_t index);

/*
 * Call fn(ctx, i) for every i < count and return when all calls have
 * returned. The calling thread works too. With a NULL pool (or a pool of one
 * thread) the calls run in index order on the calling thread. Never allocates
 * and never fails. One run at a time per pool: calls from several threads on
 * the same pool are serialized.
 */
void segtex_threadpool_run(segtex_threadpool *pool, segtex_task_fn fn, void *ctx, size_t count);

/* ---- the frame pipeline ------------------------------------------------------- */

/*
 * source thread --frame--> face worker ----landmarks----+
 *        |                                               +--> segtex_pipeline_next (the caller:
 *        +----frame----> segmentation worker ---result---+     render, sinks, window)
 *
 * Frames live in a fixed pool of slots allocated at create (and again only
 * when the source's size changes). Results are written into the slot of the
 * frame they belong to and handed on by pointer with a reference count:
 * nobody copies a mask or a landmark list to read it.
 *
 * Offline (files): every frame is processed, in order; the segmentation
 * worker waits for the frame's faces (the composite segmenter needs them);
 * the source waits when all slots are in use. Output is deterministic.
 * Live (cameras): the source never waits: a frame that finds no free slot
 * is dropped (counted); each worker takes the newest frame when it is free;
 * segtex_pipeline_next waits only for the source, never for inference, and
 * hands out the newest results available.
 */

/* A frame source: segtex_source, the demo, or anything with these semantics. */
typedef struct segtex_frame_reader {
    void *user;
    /* As segtex_source_read: SEGTEX_SOURCE_FRAME, _END, _RESIZED or a negative status. */
    int (*read)(void *user, segtex_image *dst, double *pts);
    void (*get_info)(void *user, segtex_source_info *info);
} segtex_frame_reader;

typedef struct segtex_pipeline_options {
    segtex_frame_reader reader;
    segtex_face_tracker *tracker; /* borrowed; NULL: no face worker (no faces) */
    segtex_segmenter *segmenter;  /* borrowed; NULL: no segmentation worker (all background) */
    int live;                     /* 1: newest wins (see above); 0: every frame in order */
    int slots;                    /* frames in flight, 4..32 (0: 8) */
} segtex_pipeline_options;

typedef struct segtex_pipeline segtex_pipeline;

/* Allocate the slots for the source's current size and start the threads. */
segtex_status segtex_pipeline_create(const segtex_pipeline_options *options, segtex_pipeline **out);

/* Stop (if running), join the threads, free everything. NULL is fine. */
void segtex_pipeline_destroy(segtex_pipeline *p);

/* Ask every thread to stop soon (from any thread; not from a signal handler). next() then returns 0. */
void segtex_pipeline_stop(segtex_pipeline *p);

typedef struct segtex_pipeline_frame {
    int64_t index;                  /* source frame number, from 0 */
    double pts;                     /* seconds */
    const segtex_image *image;      /* RGB24 */
    const segtex_face_result *faces; /* never NULL (count 0 when none yet) */
    int64_t faces_index;            /* frame the faces were found on (-1: none yet) */
    const segtex_seg_result *seg;   /* NULL when no segmentation exists yet */
    int64_t seg_index;              /* frame it was computed on (-1: none yet) */
    int slot_, face_slot_, seg_slot_; /* private */
} segtex_pipeline_frame;

/*
 * Wait for the next frame to show and fill `f`. Returns 1, 0 at the end of
 * the stream (or after stop), or a negative status when the source failed
 * (logged). Everything in `f` stays valid until segtex_pipeline_release(f).
 * Hold at most one frame at a time.
 */
int segtex_pipeline_next(segtex_pipeline *p, segtex_pipeline_frame *f);
void segtex_pipeline_release(segtex_pipeline *p, segtex_pipeline_frame *f);

#define SEGTEX_STAGE_SAMPLES 256

typedef struct segtex_stage_stats {
    int64_t count;
    double p50_ms, p95_ms; /* over the last SEGTEX_STAGE_SAMPLES runs */
} segtex_stage_stats;

typedef struct segtex_pipeline_stats {
    int64_t frames_in;       /* read from the source */
    int64_t frames_out;      /* handed out by next() */
    int64_t dropped_source;  /* live: no free slot when the frame arrived */
    int64_t dropped_face;    /* live: frames the face worker skipped for a newer one */
    int64_t dropped_seg;     /* live: frames the segmentation worker skipped */
    int64_t dropped_output;  /* live: frames next() skipped for a newer one */
    int resizes;             /* size changes handled */
    segtex_stage_stats source, face, seg;
} segtex_pipeline_stats;

/* A consistent snapshot of the counters and stage times. */
void segtex_pipeline_get_stats(segtex_pipeline *p, segtex_pipeline_stats *stats);

/* Stage timing helper for callers (the render and sink stages): a fixed ring of samples. */
typedef struct segtex_stage_timer {
    float ms[SEGTEX_STAGE_SAMPLES];
    int64_t count;
} segtex_stage_timer;
void segtex_stage_timer_add(segtex_stage_timer *t, double ms);
void segtex_stage_timer_get(const segtex_stage_timer *t, segtex_stage_stats *out);

/* Monotonic clock in seconds. */
double segtex_now(void);

#ifdef __cplusplus
}
#endif
#endif
