/*
 * The frame pipeline: a source thread, a face worker and a segmentation
 * worker around a fixed pool of frame slots; the caller pulls finished
 * frames with segtex_pipeline_next. See include/segtex/pipeline.h.
 *
 * Locking: one mutex (p->lock) guards the bookkeeping of the slots (their
 * reference counts and done flags), the sequence counters, the "newest"
 * indices and the statistics; one condition variable (p->cond) is
 * broadcast on every change of them. The lock is held only for that
 * bookkeeping: decoding, inference, rendering and the reading of results
 * happen outside it, on slots that the reader holds a reference to. A slot
 * with references is never refilled, so results are read in place.
 */
#define _POSIX_C_SOURCE 200809L
#include "core/log.h"
#include "pipeline/frame_pipeline.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { W_FACE, W_POSE, W_HANDS, W_SEG, W_COUNT };

typedef struct slot {
    segtex_image img;         /* frame buffer (RGB24) */
    int64_t index;            /* frame number */
    double pts;
    double arrival;           /* segtex_now() when it was read */
    int refs;                 /* (lock) holders; 0 = free */
    int done[W_COUNT];        /* (lock) results written (1 from the start for absent workers) */
    /* Written by their worker, then read-only: */
    segtex_face_result faces;
    segtex_pose_result *pose; /* 270 KB: allocated at create when there is a pose worker */
    segtex_hand_result hands;
    segtex_seg_result seg;
} slot;

typedef struct worker {
    segtex_pipeline *p;
    int kind;
    int on, started;
    pthread_t thread;
} worker;

struct segtex_pipeline {
    segtex_pipeline_options o;
    slot *slots;
    int n;
    segtex_image scratch;     /* live: frames with no free slot are read here and dropped */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    pthread_t src_thread;
    int started_src;
    worker w[W_COUNT];
    /* (lock) */
    int64_t published;        /* frames published so far */
    int newest;               /* live: the newest frame's slot, held by one reference; -1 none */
    int newest_res[W_COUNT];  /* live: the slot of each worker's newest result, held likewise */
    int eof, stop;
    segtex_status error;
    int64_t next_out, last_out;
    segtex_pipeline_stats stats;
    int64_t dropped[W_COUNT];
    segtex_stage_timer t_source, t[W_COUNT];
};

static const segtex_face_result no_faces; /* count 0: before the first face result */
static void hold_newest_results(segtex_pipeline *p, segtex_pipeline_frame *f);

static void clear_frame(segtex_pipeline_frame *f)
{
    memset(f, 0, sizeof *f);
    f->faces = &no_faces;
    f->slot_ = -1;
    f->faces_index = f->pose_index = f->hands_index = f->seg_index = -1;
    for (int k = 0; k < SEGTEX_PIPELINE_WORKERS; k++)
        f->held_[k] = -1;
}

static void free_slots(segtex_pipeline *p)
{
    if (!p->slots)
        return;
    for (int i = 0; i < p->n; i++) {
        segtex_image_free(&p->slots[i].img);
        segtex_seg_result_free(&p->slots[i].seg);
        segtex_free(p->slots[i].pose);
    }
}

/* (Re)allocate the frame buffers for w x h. Called with no slot referenced. */
static segtex_status alloc_frames(segtex_pipeline *p, int w, int h)
{
    for (int i = 0; i < p->n; i++) {
        segtex_image_free(&p->slots[i].img);
        if (segtex_image_alloc(&p->slots[i].img, w, h, 3))
            return SEGTEX_ERROR_OUT_OF_MEMORY;
    }
    segtex_image_free(&p->scratch);
    if (p->o.live && segtex_image_alloc(&p->scratch, w, h, 3))
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    return SEGTEX_OK;
}

static void unref(segtex_pipeline *p, int s)
{
    if (s >= 0)
        p->slots[s].refs--;
}

static void fail(segtex_pipeline *p, segtex_status st)
{
    pthread_mutex_lock(&p->lock);
    if (!p->error)
        p->error = st;
    p->stop = 1;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
}

static void *source_main(void *arg)
{
    segtex_pipeline *p = arg;
    int consumers = 1; /* next() */
    for (int k = 0; k < W_COUNT; k++)
        consumers += p->w[k].on;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        int s = -1;
        if (!p->o.live) {
            s = (int)(p->published % p->n);
            while (p->slots[s].refs > 0 && !p->stop)
                pthread_cond_wait(&p->cond, &p->lock);
        } else {
            for (int i = 0; i < p->n && s < 0; i++)
                if (p->slots[i].refs == 0)
                    s = i;
        }
        if (p->stop) {
            pthread_mutex_unlock(&p->lock);
            break;
        }
        if (s >= 0)
            p->slots[s].refs = 1; /* ours while we fill it */
        pthread_mutex_unlock(&p->lock);

        segtex_image *dst = s >= 0 ? &p->slots[s].img : &p->scratch;
        double pts = 0, t0 = segtex_now();
        int r = p->o.reader.read(p->o.reader.user, dst, &pts);
        double ms = (segtex_now() - t0) * 1e3;

        pthread_mutex_lock(&p->lock);
        if (r == SEGTEX_SOURCE_FRAME) {
            segtex_stage_timer_add(&p->t_source, ms);
            p->stats.frames_in++;
            if (s < 0) {
                p->stats.dropped_source++;
            } else {
                slot *sl = &p->slots[s];
                sl->index = p->published++;
                sl->pts = pts;
                sl->arrival = t0 + ms * 1e-3;
                for (int k = 0; k < W_COUNT; k++)
                    sl->done[k] = !p->w[k].on;
                if (p->o.live) {
                    unref(p, p->newest); /* the newest frame is held by one reference */
                    p->newest = s;       /* ... which is the one we had */
                } else {
                    sl->refs = consumers;
                }
            }
            pthread_cond_broadcast(&p->cond);
            pthread_mutex_unlock(&p->lock);
            continue;
        }
        if (s >= 0)
            p->slots[s].refs = 0;
        if (r == SEGTEX_SOURCE_RESIZED) {
            /* Drain: drop our holds, wait until nobody holds a slot, then re-allocate. */
            unref(p, p->newest);
            p->newest = -1;
            pthread_cond_broadcast(&p->cond);
            for (;;) {
                /* The workers' "newest result" holds are caches: drop them each time they come back. */
                for (int k = 0; k < W_COUNT; k++) {
                    unref(p, p->newest_res[k]);
                    p->newest_res[k] = -1;
                }
                int busy = 0;
                for (int i = 0; i < p->n; i++)
                    busy |= p->slots[i].refs > 0;
                if (!busy || p->stop)
                    break;
                pthread_cond_wait(&p->cond, &p->lock);
            }
            segtex_source_info info;
            p->o.reader.get_info(p->o.reader.user, &info);
            segtex_status st = p->stop ? SEGTEX_OK : alloc_frames(p, info.width, info.height);
            p->stats.resizes++;
            pthread_mutex_unlock(&p->lock);
            if (st) {
                fail(p, st);
                break;
            }
            continue;
        }
        if (r < 0 && !p->error)
            p->error = (segtex_status)r;
        p->eof = p->stats.source_ended = 1;
        pthread_cond_broadcast(&p->cond);
        pthread_mutex_unlock(&p->lock);
        break;
    }
    return NULL;
}

/*
 * Take the next frame a worker should process: offline, frame `*next` in
 * order; live, the newest frame if it is newer than `*next - 1`. Returns
 * the slot (with a reference) or -1 at the end. Called with the lock held.
 */
static int take(segtex_pipeline *p, int64_t *next, int64_t *dropped)
{
    if (!p->o.live) {
        while (p->published <= *next && !p->eof && !p->stop)
            pthread_cond_wait(&p->cond, &p->lock);
        if (p->stop || p->published <= *next)
            return -1;
        return (int)((*next)++ % p->n); /* the reference was counted at publish */
    }
    while ((p->newest < 0 || p->slots[p->newest].index < *next) && !p->eof && !p->stop)
        pthread_cond_wait(&p->cond, &p->lock);
    if (p->stop || p->newest < 0 || p->slots[p->newest].index < *next)
        return -1;
    int s = p->newest;
    p->slots[s].refs++;
    *dropped += p->slots[s].index - *next;
    *next = p->slots[s].index + 1;
    return s;
}

/*
 * Segment slot `sl`: the model, then (offline) this frame's landmarks or
 * (live) the newest there are, then the composite. Returns the status;
 * *stopping when the pipeline stopped while waiting.
 */
static segtex_status segment(segtex_pipeline *p, slot *sl, double *ms, int *stopping)
{
    double t0 = segtex_now();
    segtex_status st = segtex_segmenter_infer(p->o.segmenter, &sl->img);
    double t1 = segtex_now();
    int held[W_COUNT] = {-1, -1, -1, -1};
    pthread_mutex_lock(&p->lock);
    if (!p->o.live) {
        while (!(sl->done[W_FACE] && sl->done[W_POSE] && sl->done[W_HANDS]) && !p->stop)
            pthread_cond_wait(&p->cond, &p->lock);
        held[W_FACE] = held[W_POSE] = held[W_HANDS] = (int)(sl - p->slots);
    } else {
        for (int k = W_FACE; k < W_SEG; k++)
            if ((held[k] = p->newest_res[k]) >= 0)
                p->slots[held[k]].refs++;
    }
    *stopping = p->stop;
    pthread_mutex_unlock(&p->lock);
    double t2 = segtex_now();
    if (!*stopping && !st) {
        segtex_people people = {&no_faces, NULL, NULL, 0};
        if (p->w[W_FACE].on && held[W_FACE] >= 0)
            people.faces = &p->slots[held[W_FACE]].faces;
        if (p->w[W_POSE].on && held[W_POSE] >= 0)
            people.pose = p->slots[held[W_POSE]].pose, people.pose_count = 1; /* one tracked pose */
        if (p->w[W_HANDS].on && held[W_HANDS] >= 0)
            people.hands = &p->slots[held[W_HANDS]].hands;
        st = segtex_segmenter_finish(p->o.segmenter, &sl->img, &people, &sl->seg);
    }
    *ms = (t1 - t0 + segtex_now() - t2) * 1e3;
    if (p->o.live) {
        pthread_mutex_lock(&p->lock);
        for (int k = W_FACE; k < W_SEG; k++)
            unref(p, held[k]);
        pthread_cond_broadcast(&p->cond);
        pthread_mutex_unlock(&p->lock);
    }
    return st;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    segtex_pipeline *p = w->p;
    const int k = w->kind;
    int64_t next = 0;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        int s = take(p, &next, &p->dropped[k]);
        pthread_mutex_unlock(&p->lock);
        if (s < 0)
            break;
        slot *sl = &p->slots[s];
        double t0 = segtex_now(), ms = 0;
        segtex_status st = SEGTEX_OK;
        int stopping = 0;
        switch (k) {
        case W_FACE:
            st = segtex_face_tracker_process(p->o.tracker, &sl->img, sl->pts, &sl->faces);
            break;
        case W_POSE:
            st = segtex_pose_tracker_process(p->o.pose, &sl->img, sl->pts, sl->pose);
            break;
        case W_HANDS:
            st = segtex_hand_tracker_process(p->o.hands, &sl->img, sl->pts, &sl->hands);
            break;
        default:
            st = segment(p, sl, &ms, &stopping);
            break;
        }
        if (k != W_SEG)
            ms = (segtex_now() - t0) * 1e3;
        if (stopping)
            break;
        if (st) {
            fail(p, st);
            break;
        }
        pthread_mutex_lock(&p->lock);
        segtex_stage_timer_add(&p->t[k], ms);
        if (k == W_POSE)
            p->stats.pose_detections += sl->pose->detected;
        if (k == W_HANDS)
            p->stats.palm_detections += sl->hands.detected;
        sl->done[k] = 1;
        if (p->o.live) { /* our reference becomes the "newest result" hold */
            unref(p, p->newest_res[k]);
            p->newest_res[k] = s;
        } else {
            sl->refs--;
        }
        pthread_cond_broadcast(&p->cond);
        pthread_mutex_unlock(&p->lock);
    }
    return NULL;
}

static int all_done(const slot *sl)
{
    for (int k = 0; k < W_COUNT; k++)
        if (!sl->done[k])
            return 0;
    return 1;
}

int segtex_pipeline_next(segtex_pipeline *p, segtex_pipeline_frame *f)
{
    clear_frame(f);
    pthread_mutex_lock(&p->lock);
    int s = -1;
    if (!p->o.live) {
        s = (int)(p->next_out % p->n);
        for (;;) {
            if (p->stop || p->error)
                break;
            if (p->published > p->next_out && all_done(&p->slots[s]))
                break;
            if (p->eof && p->published <= p->next_out)
                break;
            pthread_cond_wait(&p->cond, &p->lock);
        }
        if (p->stop || p->error || p->published <= p->next_out) {
            int r = p->error ? (int)p->error : 0;
            pthread_mutex_unlock(&p->lock);
            return r;
        }
        p->next_out++;
        slot *sl = &p->slots[s];
        f->faces = &sl->faces;
        if (p->w[W_FACE].on)
            f->faces_index = sl->index;
        if (p->w[W_POSE].on)
            f->pose = sl->pose, f->pose_index = sl->index;
        if (p->w[W_HANDS].on)
            f->hands = &sl->hands, f->hands_index = sl->index;
        if (p->w[W_SEG].on)
            f->seg = &sl->seg, f->seg_index = sl->index;
    } else {
        while ((p->newest < 0 || p->slots[p->newest].index <= p->last_out) && !p->eof && !p->stop && !p->error)
            pthread_cond_wait(&p->cond, &p->lock);
        if (p->stop || p->error || p->newest < 0 || p->slots[p->newest].index <= p->last_out) {
            int r = p->error ? (int)p->error : 0;
            pthread_mutex_unlock(&p->lock);
            return r;
        }
        s = p->newest;
        p->slots[s].refs++;
        /* The stream's last frame (the source has ended): nothing newer will come, so it waits for its
         * own results instead of showing older ones (a short clip would otherwise end unpainted). */
        while (p->eof && !all_done(&p->slots[s]) && !p->stop && !p->error)
            pthread_cond_wait(&p->cond, &p->lock);
        /* Every frame skipped for a newer one counts, those before the first shown too: in + out + drops add up. */
        p->stats.dropped_output += p->slots[s].index - p->last_out - 1;
        p->last_out = p->slots[s].index;
        hold_newest_results(p, f);
    }
    p->stats.frames_out++;
    if (!p->o.live && f->seg_index >= 0)
        f->seg_arrival = p->slots[s].arrival;
    f->slot_ = s;
    f->arrival = p->slots[s].arrival;
    f->index = p->slots[s].index;
    f->pts = p->slots[s].pts;
    f->image = &p->slots[s].img;
    pthread_mutex_unlock(&p->lock);
    return 1;
}

/* Take a hold on each worker's newest result (live). Called with the lock held. */
static void hold_newest_results(segtex_pipeline *p, segtex_pipeline_frame *f)
{
    for (int k = 0; k < W_COUNT; k++) {
        int s = p->newest_res[k];
        if (s < 0)
            continue;
        f->held_[k] = s;
        p->slots[s].refs++;
        slot *sl = &p->slots[s];
        switch (k) {
        case W_FACE: f->faces = &sl->faces, f->faces_index = sl->index; break;
        case W_POSE: f->pose = sl->pose, f->pose_index = sl->index; break;
        case W_HANDS: f->hands = &sl->hands, f->hands_index = sl->index; break;
        default: f->seg = &sl->seg, f->seg_index = sl->index, f->seg_arrival = sl->arrival; break;
        }
    }
}

int segtex_pipeline_latest(segtex_pipeline *p, segtex_pipeline_frame *f)
{
    clear_frame(f);
    f->index = -1;
    pthread_mutex_lock(&p->lock);
    hold_newest_results(p, f);
    int r = p->error ? (int)p->error : 1;
    pthread_mutex_unlock(&p->lock);
    return r;
}

void segtex_pipeline_release(segtex_pipeline *p, segtex_pipeline_frame *f)
{
    if (!f)
        return;
    pthread_mutex_lock(&p->lock);
    unref(p, f->slot_);
    f->slot_ = -1;
    for (int k = 0; k < W_COUNT; k++) {
        unref(p, f->held_[k]);
        f->held_[k] = -1;
    }
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
}

void segtex_pipeline_stop(segtex_pipeline *p)
{
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
}

void segtex_pipeline_get_stats(segtex_pipeline *p, segtex_pipeline_stats *s)
{
    pthread_mutex_lock(&p->lock);
    *s = p->stats;
    s->dropped_face = p->dropped[W_FACE];
    s->dropped_pose = p->dropped[W_POSE];
    s->dropped_hands = p->dropped[W_HANDS];
    s->dropped_seg = p->dropped[W_SEG];
    segtex_stage_timer_get(&p->t_source, &s->source);
    segtex_stage_timer_get(&p->t[W_FACE], &s->face);
    segtex_stage_timer_get(&p->t[W_POSE], &s->pose);
    segtex_stage_timer_get(&p->t[W_HANDS], &s->hands);
    segtex_stage_timer_get(&p->t[W_SEG], &s->seg);
    pthread_mutex_unlock(&p->lock);
}

void segtex_pipeline_destroy(segtex_pipeline *p)
{
    if (!p)
        return;
    segtex_pipeline_stop(p);
    /* Joins in reverse order of the data flow. */
    for (int k = W_COUNT - 1; k >= 0; k--)
        if (p->w[k].started)
            pthread_join(p->w[k].thread, NULL);
    if (p->started_src)
        pthread_join(p->src_thread, NULL);
    free_slots(p);
    segtex_free(p->slots);
    segtex_image_free(&p->scratch);
    pthread_cond_destroy(&p->cond);
    pthread_mutex_destroy(&p->lock);
    segtex_free(p);
}

segtex_status segtex_pipeline_create(const segtex_pipeline_options *o, segtex_pipeline **out)
{
    *out = NULL;
    if (!o || !o->reader.read || !o->reader.get_info || (o->slots && (o->slots < 4 || o->slots > 32))) {
        LOG_ERROR("pipeline: needs a reader, and 4..32 slots");
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    segtex_pipeline *p = segtex_calloc(1, sizeof *p);
    if (!p)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    p->o = *o;
    p->n = o->slots ? o->slots : 8;
    p->newest = -1;
    p->last_out = -1;
    for (int k = 0; k < W_COUNT; k++) {
        p->newest_res[k] = -1;
        p->w[k].p = p;
        p->w[k].kind = k;
    }
    p->w[W_FACE].on = o->tracker != NULL;
    p->w[W_POSE].on = o->pose != NULL;
    p->w[W_HANDS].on = o->hands != NULL;
    p->w[W_SEG].on = o->segmenter != NULL;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->cond, NULL);
    segtex_status st = SEGTEX_ERROR_OUT_OF_MEMORY;
    p->slots = segtex_calloc((size_t)p->n, sizeof *p->slots);
    if (!p->slots)
        goto fail;
    segtex_source_info info;
    o->reader.get_info(o->reader.user, &info);
    if ((st = alloc_frames(p, info.width, info.height)))
        goto fail;
    for (int i = 0; i < p->n; i++) {
        if (o->segmenter &&
            (st = segtex_seg_result_alloc(&p->slots[i].seg, segtex_segmenter_max_pixels(o->segmenter))))
            goto fail;
        st = SEGTEX_ERROR_OUT_OF_MEMORY;
        if (o->pose && !(p->slots[i].pose = segtex_calloc(1, sizeof *p->slots[i].pose)))
            goto fail;
    }
    st = SEGTEX_ERROR_INTERNAL;
    if (pthread_create(&p->src_thread, NULL, source_main, p))
        goto fail;
    p->started_src = 1;
    for (int k = 0; k < W_COUNT; k++) {
        if (!p->w[k].on)
            continue;
        if (pthread_create(&p->w[k].thread, NULL, worker_main, &p->w[k]))
            goto fail;
        p->w[k].started = 1;
    }
    *out = p;
    return SEGTEX_OK;
fail:
    LOG_ERROR("pipeline: cannot start (%s)", segtex_status_string(st));
    segtex_pipeline_destroy(p);
    return st;
}
