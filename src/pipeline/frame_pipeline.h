/*
 * Private: the frame pipeline under segtex_effect's pull and push-live modes.
 */
#ifndef SEGTEX_PIPELINE_FRAME_PIPELINE_H
#define SEGTEX_PIPELINE_FRAME_PIPELINE_H

#include "segtex/pipeline.h"
#include "segtex/vision.h"

/*
 * source thread --frame--> face worker ------landmarks------+
 *        |-------frame---> pose worker ------pose-----------+
 *        |-------frame---> hand worker ------hands----------+--> segtex_pipeline_next (the caller:
 *        +-------frame---> segmentation worker ---result----+     render, sinks, window)
 *
 * Frames live in a fixed pool of slots allocated at create (and again only
 * when the source's size changes). Results are written into the slot of the
 * frame they belong to and handed on by pointer with a reference count:
 * nobody copies a mask or a landmark list to read it. Each worker is one
 * thread running one model family; the pose and hand workers exist only
 * when their tracker is given.
 *
 * Offline (files): every frame is processed, in order; the segmentation
 * worker waits for the frame's faces, pose and hands (the composite
 * segmenter reads them); the source waits when all slots are in use.
 * Output is deterministic.
 * Live (cameras): the source never waits: a frame that finds no free slot
 * is dropped (counted); each worker takes the newest frame when it is free
 * (so a slow model runs on fewer frames and never holds up a fast one);
 * the segmentation takes the newest landmarks there are; next() waits only
 * for the source, never for inference, and hands out the newest results.
 */

typedef struct segtex_pipeline_options {
    segtex_frame_reader reader;
    segtex_face_tracker *tracker; /* borrowed; NULL: no face worker (no faces) */
    segtex_segmenter *segmenter;  /* borrowed; NULL: no segmentation worker (all background) */
    int live;                     /* 1: newest wins (see above); 0: every frame in order */
    int slots;                    /* frames in flight, 4..32 (0: 8) */
    segtex_pose_tracker *pose;    /* borrowed; NULL: no pose worker */
    segtex_hand_tracker *hands;   /* borrowed; NULL: no hand worker */
} segtex_pipeline_options;

#define SEGTEX_PIPELINE_WORKERS 4 /* face, pose, hands, segmentation */

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
    const segtex_pose_result *pose; /* NULL without a pose worker or before its first result */
    int64_t pose_index;             /* frame the pose was found on (-1: none yet) */
    const segtex_hand_result *hands; /* NULL without a hand worker or before its first result */
    int64_t hands_index;            /* frame the hands were found on (-1: none yet) */
    const segtex_seg_result *seg;   /* NULL when no segmentation exists yet */
    int64_t seg_index;              /* frame it was computed on (-1: none yet) */
    double arrival;                 /* segtex_now() when the frame was read from the source */
    double seg_arrival;             /* the same for the segmentation's frame (0: none) */
    int slot_, held_[SEGTEX_PIPELINE_WORKERS]; /* holds released by segtex_pipeline_release */
} segtex_pipeline_frame;

/*
 * Wait for the next frame to show and fill `f`. Returns 1, 0 at the end of
 * the stream (or after stop), or a negative status when the source failed
 * (logged). Everything in `f` stays valid until segtex_pipeline_release(f).
 * Hold at most one frame at a time.
 */
int segtex_pipeline_next(segtex_pipeline *p, segtex_pipeline_frame *f);
void segtex_pipeline_release(segtex_pipeline *p, segtex_pipeline_frame *f);

/*
 * Live only: the newest faces and segmentation there are, without a frame
 * (image NULL, index -1) and without waiting. Returns 1 (faces count 0 and
 * seg NULL when none exist yet). Release with segtex_pipeline_release.
 */
int segtex_pipeline_latest(segtex_pipeline *p, segtex_pipeline_frame *f);

typedef struct segtex_pipeline_stats {
    int64_t frames_in;       /* read from the source */
    int64_t frames_out;      /* handed out by next() */
    int64_t dropped_source;  /* live: no free slot when the frame arrived */
    int64_t dropped_face;    /* live: frames the face worker skipped for a newer one */
    int64_t dropped_seg;     /* live: frames the segmentation worker skipped */
    int64_t dropped_pose, dropped_hands; /* live: frames the pose and hand workers skipped */
    int64_t pose_detections, palm_detections; /* frames the pose / palm detector ran on */
    int64_t dropped_output;  /* live: frames next() skipped for a newer one */
    int resizes;             /* size changes handled */
    int source_ended;        /* the source has reached its end (or failed): no frame will be read after frames_in */
    segtex_stage_stats source, face, seg, pose, hands; /* seg: inference and composite, not the wait */
} segtex_pipeline_stats;

/* A consistent snapshot of the counters and stage times. */
void segtex_pipeline_get_stats(segtex_pipeline *p, segtex_pipeline_stats *stats);

#endif
