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

typedef struct slot {
    segtex_image img;         /* frame buffer (RGB24) */
    int64_t index;            /* frame number */
    double pts;
    double arrival;           /* segtex_now() when it was read */
    int refs;                 /* (lock) holders; 0 = free */
    int face_done, seg_done;  /* (lock) results written */
    segtex_face_result faces; /* written by the face worker, then read-only */
    segtex_seg_result seg;    /* written by the segmentation worker, then read-only */
} slot;

struct segtex_pipeline {
    segtex_pipeline_options o;
    slot *slots;
    int n;
    segtex_image scratch;     /* live: frames with no free slot are read here and dropped */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    pthread_t src_thread, face_thread, seg_thread;
    int started_src, started_face, started_seg;
    /* (lock) */
    int64_t published;        /* frames published so far */
    int newest, newest_face, newest_seg; /* live: slot indices held by one reference each, -1 none */
    int eof, stop;
    segtex_status error;
    int64_t next_out, last_out;
    segtex_pipeline_stats stats;
    segtex_stage_timer t_source, t_face, t_seg;
};

static const segtex_face_result no_faces; /* count 0: before the first face result */
static void hold_newest_results(segtex_pipeline *p, segtex_pipeline_frame *f);

static void free_slots(segtex_pipeline *p)
{
    if (!p->slots)
        return;
    for (int i = 0; i < p->n; i++) {
        segtex_image_free(&p->slots[i].img);
        segtex_seg_result_free(&p->slots[i].seg);
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
    const int consumers = 1 + (p->o.tracker != NULL) + (p->o.segmenter != NULL);
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
                sl->face_done = p->o.tracker == NULL;
                sl->seg_done = p->o.segmenter == NULL;
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
            unref(p, p->newest), unref(p, p->newest_face), unref(p, p->newest_seg);
            p->newest = p->newest_face = p->newest_seg = -1;
            pthread_cond_broadcast(&p->cond);
            for (;;) {
                /* The workers' "newest result" holds are caches: drop them each time they come back. */
                unref(p, p->newest_face), unref(p, p->newest_seg);
                p->newest_face = p->newest_seg = -1;
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
        p->eof = 1;
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

static void *face_main(void *arg)
{
    segtex_pipeline *p = arg;
    int64_t next = 0;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        int s = take(p, &next, &p->stats.dropped_face);
        pthread_mutex_unlock(&p->lock);
        if (s < 0)
            break;
        slot *sl = &p->slots[s];
        double t0 = segtex_now();
        segtex_status st = segtex_face_tracker_process(p->o.tracker, &sl->img, sl->pts, &sl->faces);
        double ms = (segtex_now() - t0) * 1e3;
        if (st) {
            fail(p, st);
            break;
        }
        pthread_mutex_lock(&p->lock);
        segtex_stage_timer_add(&p->t_face, ms);
        sl->face_done = 1;
        if (p->o.live) { /* our reference becomes the "newest faces" hold */
            unref(p, p->newest_face);
            p->newest_face = s;
        } else {
            sl->refs--;
        }
        pthread_cond_broadcast(&p->cond);
        pthread_mutex_unlock(&p->lock);
    }
    return NULL;
}

static void *seg_main(void *arg)
{
    segtex_pipeline *p = arg;
    int64_t next = 0;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        int s = take(p, &next, &p->stats.dropped_seg);
        pthread_mutex_unlock(&p->lock);
        if (s < 0)
            break;
        slot *sl = &p->slots[s];
        double t0 = segtex_now();
        segtex_status st = segtex_segmenter_infer(p->o.segmenter, &sl->img);
        /* The faces: offline, this frame's (wait for them); live, the newest there are. */
        int fs = -1;
        pthread_mutex_lock(&p->lock);
        if (!p->o.live) {
            while (!sl->face_done && !p->stop)
                pthread_cond_wait(&p->cond, &p->lock);
            fs = s;
        } else if (p->newest_face >= 0) {
            fs = p->newest_face;
            p->slots[fs].refs++;
        }
        int stopping = p->stop;
        pthread_mutex_unlock(&p->lock);
        if (stopping)
            break;
        const segtex_face_result *faces = fs >= 0 ? &p->slots[fs].faces : &no_faces;
        if (!st)
            {
            segtex_people people = {faces, NULL, NULL};
            st = segtex_segmenter_finish(p->o.segmenter, &sl->img, &people, &sl->seg);
        }
        double ms = (segtex_now() - t0) * 1e3;
        if (st) {
            fail(p, st);
            break;
        }
        pthread_mutex_lock(&p->lock);
        if (p->o.live)
            unref(p, fs);
        segtex_stage_timer_add(&p->t_seg, ms);
        sl->seg_done = 1;
        if (p->o.live) {
            unref(p, p->newest_seg);
            p->newest_seg = s;
        } else {
            sl->refs--;
        }
        pthread_cond_broadcast(&p->cond);
        pthread_mutex_unlock(&p->lock);
    }
    return NULL;
}

int segtex_pipeline_next(segtex_pipeline *p, segtex_pipeline_frame *f)
{
    memset(f, 0, sizeof *f);
    f->slot_ = f->face_slot_ = f->seg_slot_ = -1;
    pthread_mutex_lock(&p->lock);
    int s = -1;
    if (!p->o.live) {
        s = (int)(p->next_out % p->n);
        for (;;) {
            if (p->stop || p->error)
                break;
            if (p->published > p->next_out && p->slots[s].face_done && p->slots[s].seg_done)
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
        f->faces_index = f->seg_index = p->slots[s].index;
        f->faces = &p->slots[s].faces;
        f->seg = p->o.segmenter ? &p->slots[s].seg : NULL;
        if (!p->o.segmenter)
            f->seg_index = -1;
        if (!p->o.tracker)
            f->faces_index = -1;
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
        if (p->stats.frames_out > 0)
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

/* Take a hold on the newest faces and segmentation (live). Called with the lock held. */
static void hold_newest_results(segtex_pipeline *p, segtex_pipeline_frame *f)
{
    f->faces = &no_faces;
    f->faces_index = f->seg_index = -1;
    if (p->newest_face >= 0) {
        f->face_slot_ = p->newest_face;
        p->slots[f->face_slot_].refs++;
        f->faces = &p->slots[f->face_slot_].faces;
        f->faces_index = p->slots[f->face_slot_].index;
    }
    if (p->newest_seg >= 0) {
        f->seg_slot_ = p->newest_seg;
        p->slots[f->seg_slot_].refs++;
        f->seg = &p->slots[f->seg_slot_].seg;
        f->seg_index = p->slots[f->seg_slot_].index;
        f->seg_arrival = p->slots[f->seg_slot_].arrival;
    }
}

int segtex_pipeline_latest(segtex_pipeline *p, segtex_pipeline_frame *f)
{
    memset(f, 0, sizeof *f);
    f->slot_ = f->face_slot_ = f->seg_slot_ = -1;
    f->index = -1;
    pthread_mutex_lock(&p->lock);
    hold_newest_results(p, f);
    int r = p->error ? (int)p->error : 1;
    pthread_mutex_unlock(&p->lock);
    return r;
}

void segtex_pipeline_release(segtex_pipeline *p, segtex_pipeline_frame *f)
{
    if (!f || (f->slot_ < 0 && f->face_slot_ < 0 && f->seg_slot_ < 0))
        return;
    pthread_mutex_lock(&p->lock);
    unref(p, f->slot_);
    unref(p, f->face_slot_);
    unref(p, f->seg_slot_);
    f->slot_ = f->face_slot_ = f->seg_slot_ = -1;
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
    segtex_stage_timer_get(&p->t_source, &s->source);
    segtex_stage_timer_get(&p->t_face, &s->face);
    segtex_stage_timer_get(&p->t_seg, &s->seg);
    pthread_mutex_unlock(&p->lock);
}

void segtex_pipeline_destroy(segtex_pipeline *p)
{
    if (!p)
        return;
    segtex_pipeline_stop(p);
    /* Joins in reverse order of the data flow. */
    if (p->started_seg)
        pthread_join(p->seg_thread, NULL);
    if (p->started_face)
        pthread_join(p->face_thread, NULL);
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
    p->newest = p->newest_face = p->newest_seg = -1;
    p->last_out = -1;
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
    if (o->segmenter)
        for (int i = 0; i < p->n; i++)
            if ((st = segtex_seg_result_alloc(&p->slots[i].seg, segtex_segmenter_max_pixels(o->segmenter))))
                goto fail;
    st = SEGTEX_ERROR_INTERNAL;
    if (pthread_create(&p->src_thread, NULL, source_main, p))
        goto fail;
    p->started_src = 1;
    if (o->tracker) {
        if (pthread_create(&p->face_thread, NULL, face_main, p))
            goto fail;
        p->started_face = 1;
    }
    if (o->segmenter) {
        if (pthread_create(&p->seg_thread, NULL, seg_main, p))
            goto fail;
        p->started_seg = 1;
    }
    *out = p;
    return SEGTEX_OK;
fail:
    LOG_ERROR("pipeline: cannot start (%s)", segtex_status_string(st));
    segtex_pipeline_destroy(p);
    return st;
}
