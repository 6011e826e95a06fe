/*
 * segtex_effect: models, tracker, segmenter, textures, renderer, pool and
 * output frame behind one object (include/segtex/effect.h).
 *
 * Locking. `lock` guards the live settings (mode, landmarks, the texture
 * set's paints), the renderer's configuration, the stage timers, the
 * counters and the `pipe` pointer. The render thread holds it while it configures and renders
 * (well under a frame), setters hold it while they change a paint, so a
 * change always lands between two frames. `box_lock` guards the push-live
 * mailbox (one frame: newest wins) shared by the caller and the pipeline's
 * source thread. Lock order: box_lock, then lock, then the pipeline's lock
 * (segtex_effect_get_stats); the pipeline calls the mailbox reader without
 * holding its lock.
 *
 * Everything in a result points into memory the effect owns (push offline)
 * or into pipeline slots it holds a reference to (pull, push live) until
 * the next call: nothing is copied to be read.
 */
#define _POSIX_C_SOURCE 200809L
#include "segtex/effect.h"
#include "segtex/assets.h"
#include "core/log.h"
#include "pipeline/frame_pipeline.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct segtex_effect {
    segtex_effect_options o;      /* set once at create (string pointers cleared: not kept) */
    segtex_threadpool *pool;      /* set at create, replaced only by start */
    segtex_face_models fm;
    segtex_face_tracker *tracker; /* NULL when faces are off */
    segtex_pose_models pm;
    segtex_pose_tracker *pose_tracker; /* NULL when pose is off */
    segtex_hand_models hm;
    segtex_hand_tracker *hand_tracker; /* NULL when hands are off */
    segtex_segmenter *seg;
    segtex_texture_set *set;
    segtex_renderer *renderer;
    segtex_backend backend;

    pthread_mutex_t lock;
    /* (lock) settings */
    segtex_render_mode mode;
    int landmarks;
    /* (lock) the renderer's configuration, set by the render thread */
    int cfg_w, cfg_h, cfg_mw, cfg_mh, cfg_mode, cfg_lm;
    /* (lock) statistics */
    segtex_stage_timer t_face, t_seg, t_pose, t_hands, t_render, t_latency;
    int64_t frames, pushed, dropped_push;
    int configures;

    /* render thread only */
    segtex_image own_out;         /* the effect's output frame (out->data NULL) */
    segtex_face_result faces;     /* push offline: this frame's faces */
    segtex_pose_result *pose;     /* push offline: this frame's pose (270 KB, allocated at create) */
    segtex_hand_result hands;     /* push offline: this frame's hands */
    segtex_seg_result segres;     /* push offline: this frame's segmentation */
    segtex_pipeline *pipe;        /* pull, or push live (created on the first frame) */
    segtex_pipeline_frame held;   /* results (and the frame, pull) handed out last */
    int holding;
    int started, live;
    int64_t index;                /* push: frames processed */
    double last_pts;

    /* push live: the mailbox the pipeline's source thread reads */
    pthread_mutex_t box_lock;
    pthread_cond_t box_cond;
    segtex_image box;             /* (box_lock) */
    double box_pts;               /* (box_lock) */
    int box_full, box_closed;     /* (box_lock) */
};

static const segtex_face_result no_faces;

segtex_effect_options segtex_effect_options_default(void)
{
    segtex_effect_options o;
    memset(&o, 0, sizeof o);
    o.backend = SEGTEX_BACKEND_AUTO;
    o.segmenter = SEGTEX_SEGMENTER_AUTO;
    o.faces = 1;
    o.max_faces = 1;
    o.smooth = 1;
    o.mode = SEGTEX_RENDER_OVERLAY;
    o.hands_full = 1;
    o.palm_every = 4;
    return o;
}

void segtex_effect_destroy(segtex_effect *e)
{
    if (!e)
        return;
    /* The source thread may wait in the mailbox: close it before the pipeline joins. */
    pthread_mutex_lock(&e->box_lock);
    e->box_closed = 1;
    pthread_cond_broadcast(&e->box_cond);
    pthread_mutex_unlock(&e->box_lock);
    if (e->pipe) {
        if (e->holding)
            segtex_pipeline_release(e->pipe, &e->held);
        segtex_pipeline_destroy(e->pipe);
    }
    segtex_image_free(&e->box);
    segtex_image_free(&e->own_out);
    segtex_seg_result_free(&e->segres);
    segtex_renderer_destroy(e->renderer);
    segtex_texture_set_destroy(e->set);
    segtex_segmenter_destroy(e->seg);
    segtex_face_tracker_destroy(e->tracker);
    segtex_face_models_free(&e->fm);
    segtex_pose_tracker_destroy(e->pose_tracker);
    segtex_pose_models_free(&e->pm);
    segtex_hand_tracker_destroy(e->hand_tracker);
    segtex_hand_models_free(&e->hm);
    segtex_free(e->pose);
    segtex_threadpool_destroy(e->pool);
    pthread_cond_destroy(&e->box_cond);
    pthread_mutex_destroy(&e->box_lock);
    pthread_mutex_destroy(&e->lock);
    segtex_free(e);
}

static int default_threads(const segtex_effect_options *o, int pushing_offline)
{
    if (o->threads > 0)
        return o->threads;
    return pushing_offline ? 2 : 1;
}

/*
 * The canonical face mesh that face skin's default `mesh` anchor wraps its
 * texture with. Without it (one warning) `mesh` is drawn as `face`.
 */
static void load_face_mesh(segtex_renderer *r, const char *dir)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, SEGTEX_FACE_GEOMETRY_FILE);
    segtex_face_geometry *g = NULL;
    if (access(path, R_OK) != 0 || segtex_face_geometry_create(path, &g) != SEGTEX_OK ||
        segtex_renderer_set_face_mesh(r, segtex_face_geometry_mesh(g)) != SEGTEX_OK)
        LOG_WARNING("effect: no face mesh at %s (scripts/fetch-assets.sh fetches it): textures anchored to the "
                    "mesh follow the face's transform instead",
                    path);
    segtex_face_geometry_destroy(g);
}

segtex_status segtex_effect_create(const segtex_effect_options *options, segtex_effect **out)
{
    if (!out)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    *out = NULL;
    segtex_effect_options o = options ? *options : segtex_effect_options_default();
    if (o.mode < 0 || o.mode >= SEGTEX_RENDER_MODE_COUNT || !segtex_detector_kind_name(o.detector) || (o.faces && (o.max_faces < 1 ||
        o.max_faces > SEGTEX_MAX_FACES)) || o.threads < 0 || o.threads > SEGTEX_THREADPOOL_MAX_THREADS ||
        o.hands < 0 || o.hands > SEGTEX_MAX_HANDS || o.palm_every < 0 || o.palm_every > 1000) {
        LOG_ERROR("effect: bad options (mode %d, max_faces %d, threads %d, hands %d)", (int)o.mode, o.max_faces,
                  o.threads, o.hands);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    if (!segtex_backend_available(o.backend)) {
        LOG_ERROR("effect: backend '%s' is not built in", segtex_backend_name(o.backend));
        return SEGTEX_ERROR_UNSUPPORTED;
    }
    segtex_effect *e = segtex_calloc(1, sizeof *e);
    if (!e)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    pthread_mutex_init(&e->lock, NULL);
    pthread_mutex_init(&e->box_lock, NULL);
    pthread_cond_init(&e->box_cond, NULL);
    e->o = o;
    e->mode = o.mode;
    e->landmarks = o.landmarks;
    e->cfg_mode = -1;
    e->backend = o.backend == SEGTEX_BACKEND_AUTO ? segtex_backend_default() : o.backend;
    char dir[4096];
    segtex_status st;
    if ((st = segtex_models_dir_find(o.models_dir, dir, sizeof dir)))
        goto fail;
    if ((st = segtex_threadpool_create(default_threads(&o, !o.live), &e->pool)))
        goto fail;
    /* The models run on the worker (or calling) thread: no pool of their own (see the README). */
    segtex_model_options mo = {o.backend, NULL};
    if (o.faces) {
        if ((st = segtex_face_models_load(dir, o.detector, 1, &mo, &e->fm)))
            goto fail;
        segtex_face_tracker_options to = {0};
        to.max_faces = o.max_faces;
        to.video = o.smooth;
        to.fallback_detector = e->fm.fallback;
        if ((st = segtex_face_tracker_create(e->fm.detector, e->fm.landmarker, &to, &e->tracker)))
            goto fail;
    }
    if (o.pose) {
        segtex_pose_tracker_options po = {0};
        po.video = o.smooth;
        st = SEGTEX_ERROR_OUT_OF_MEMORY;
        if (!(e->pose = segtex_calloc(1, sizeof *e->pose)) ||
            (st = segtex_pose_models_load(dir, o.pose_full, &mo, &e->pm)) ||
            (st = segtex_pose_tracker_create(e->pm.detector, e->pm.landmarker, &po, &e->pose_tracker)))
            goto fail;
    }
    if (o.hands) {
        segtex_hand_tracker_options ho = {0};
        ho.max_hands = o.hands;
        ho.video = o.smooth;
        ho.detect_every = o.palm_every;
        if ((st = segtex_hand_models_load(dir, o.hands_full, &mo, &e->hm)) ||
            (st = segtex_hand_tracker_create(e->hm.detector, e->hm.landmarker, &ho, &e->hand_tracker)))
            goto fail;
    }
    segtex_segmenter_options so = {o.segmenter, dir, mo, o.smooth};
    if ((st = segtex_segmenter_create(&so, &e->seg)))
        goto fail;
    if ((st = segtex_seg_result_alloc(&e->segres, segtex_segmenter_max_pixels(e->seg))))
        goto fail;
    if ((st = segtex_texture_set_create(o.textures_dir, &e->set)) ||
        (st = segtex_renderer_create(e->set, &e->renderer)) || (st = segtex_renderer_set_edges(e->renderer, o.edges)))
        goto fail;
    load_face_mesh(e->renderer, dir);
    if ((st = segtex_texture_set_reset_paints(e->set, o.mode)) ||
        (o.has_seed && (st = segtex_texture_set_randomize(e->set, o.seed))))
        goto fail;
    e->o.models_dir = e->o.textures_dir = NULL; /* not kept: the caller's strings */
    *out = e;
    return SEGTEX_OK;
fail:
    segtex_effect_destroy(e);
    return st;
}

/* ---- the one render path ------------------------------------------------------- */

static int valid_rgb(const segtex_image *img)
{
    return img && img->data && img->channels == 3 && img->width > 0 && img->height > 0 &&
           img->stride >= (ptrdiff_t)img->width * 3;
}

/*
 * Paint `img` with `faces` and `seg` into `out` (see segtex_effect_process
 * for `out`). A new size, mode or landmark switch re-configures the renderer
 * first: the only place that may allocate.
 */
static segtex_status render(segtex_effect *e, const segtex_image *img, const segtex_people *people,
                            const segtex_seg_result *seg, segtex_image *out, double *render_ms)
{
    segtex_status st = SEGTEX_OK;
    pthread_mutex_lock(&e->lock);
    int mw = seg ? seg->width : 1, mh = seg ? seg->height : 1;
    if (img->width != e->cfg_w || img->height != e->cfg_h || mw != e->cfg_mw || mh != e->cfg_mh ||
        (int)e->mode != e->cfg_mode || e->landmarks != e->cfg_lm) {
        segtex_render_config c = {e->mode, img->width, img->height, mw, mh, segtex_landmark_style_default()};
        c.landmarks.dots = e->landmarks;
        c.landmarks.skeleton = e->o.skeleton;
        if ((st = segtex_renderer_configure(e->renderer, &c)))
            goto done;
        e->cfg_w = img->width, e->cfg_h = img->height, e->cfg_mw = mw, e->cfg_mh = mh;
        e->cfg_mode = (int)e->mode, e->cfg_lm = e->landmarks;
        e->configures++;
    }
    if (!out->data) {
        if (e->own_out.width != img->width || e->own_out.height != img->height) {
            segtex_image_free(&e->own_out);
            if ((st = segtex_image_alloc(&e->own_out, img->width, img->height, 3)))
                goto done;
        }
        *out = e->own_out;
    } else if (out->width != img->width || out->height != img->height || !valid_rgb(out)) {
        LOG_ERROR("effect: the output is %dx%d with %d channels, the frame %dx%d RGB", out->width, out->height,
                  out->channels, img->width, img->height);
        st = SEGTEX_ERROR_INVALID_ARGUMENT;
        goto done;
    }
    double t0 = segtex_now();
    /*
     * Push offline with threads 0: the pool of 2 runs face and segmentation
     * side by side, but the render stays on the calling thread: a row-band
     * join waits for the slowest thread, and next to a caller's own threads
     * (capture, display) that made the render 2-4x slower, not faster.
     */
    segtex_threadpool *pool = e->o.threads > 0 || e->pipe ? e->pool : NULL;
    st = segtex_renderer_render(e->renderer, img, seg, people, out, pool);
    double ms = (segtex_now() - t0) * 1e3;
    if (!st) {
        segtex_stage_timer_add(&e->t_render, ms);
        *render_ms = ms;
    }
done:
    pthread_mutex_unlock(&e->lock);
    return st;
}

static void fill_result(segtex_effect_result *res, int64_t index, double pts, const segtex_pipeline_frame *f)
{
    if (!res)
        return;
    memset(res, 0, sizeof *res);
    res->index = index;
    res->pts = pts;
    res->faces = f->faces ? f->faces : &no_faces;
    res->faces_index = f->faces_index;
    res->pose = f->pose;
    res->pose_index = f->pose_index;
    res->hands = f->hands;
    res->hands_index = f->hands_index;
    res->seg = f->seg;
    res->seg_index = f->seg_index;
}

static segtex_people people_of(const segtex_pipeline_frame *f)
{
    segtex_people p = {f->faces, f->pose, f->hands, 1}; /* the live pipeline tracks one pose */
    return p;
}

static void release_held(segtex_effect *e)
{
    if (e->holding) {
        segtex_pipeline_release(e->pipe, &e->held);
        e->holding = 0;
    }
}

/* ---- push, offline ---------------------------------------------------------------- */

enum { JOB_HANDS, JOB_POSE, JOB_SEG, JOB_FACE, JOB_COUNT };

typedef struct infer_job {
    segtex_effect *e;
    const segtex_image *img;
    double pts;
    int jobs[JOB_COUNT], count; /* the models to run, longest first (the pool hands them out in order) */
    segtex_status st[JOB_COUNT];
    double ms[JOB_COUNT];
} infer_job;

/* One model family on this frame; they share nothing until the composite. */
static void infer_task(void *ctx, size_t index)
{
    infer_job *j = ctx;
    segtex_effect *e = j->e;
    int k = j->jobs[index];
    double t0 = segtex_now();
    switch (k) {
    case JOB_FACE: j->st[k] = segtex_face_tracker_process(e->tracker, j->img, j->pts, &e->faces); break;
    case JOB_POSE: j->st[k] = segtex_pose_tracker_process(e->pose_tracker, j->img, j->pts, e->pose); break;
    case JOB_HANDS: j->st[k] = segtex_hand_tracker_process(e->hand_tracker, j->img, j->pts, &e->hands); break;
    default: j->st[k] = segtex_segmenter_infer(e->seg, j->img); break;
    }
    j->ms[k] = (segtex_now() - t0) * 1e3;
}

static segtex_status process_offline(segtex_effect *e, const segtex_image *in, double pts, segtex_image *out,
                                     segtex_effect_result *res)
{
    double t_in = segtex_now();
    infer_job j;
    memset(&j, 0, sizeof j);
    j.e = e, j.img = in, j.pts = pts;
    if (e->hand_tracker)
        j.jobs[j.count++] = JOB_HANDS;
    if (e->pose_tracker)
        j.jobs[j.count++] = JOB_POSE;
    j.jobs[j.count++] = JOB_SEG;
    if (e->tracker)
        j.jobs[j.count++] = JOB_FACE;
    e->faces.count = 0;
    segtex_threadpool_run(e->pool, infer_task, &j, (size_t)j.count);
    for (int k = 0; k < JOB_COUNT; k++)
        if (j.st[k])
            return j.st[k];
    segtex_pipeline_frame f;
    memset(&f, 0, sizeof f);
    f.faces = &e->faces;
    f.faces_index = e->tracker ? e->index : -1;
    f.pose = e->pose_tracker ? e->pose : NULL;
    f.pose_index = e->pose_tracker ? e->index : -1;
    f.hands = e->hand_tracker ? &e->hands : NULL;
    f.hands_index = e->hand_tracker ? e->index : -1;
    f.seg = &e->segres;
    f.seg_index = e->index;
    segtex_people people = people_of(&f);
    double t1 = segtex_now();
    segtex_status st;
    if ((st = segtex_segmenter_finish(e->seg, in, &people, &e->segres)))
        return st;
    j.ms[JOB_SEG] += (segtex_now() - t1) * 1e3;
    double render_ms = 0;
    if ((st = render(e, in, &people, &e->segres, out, &render_ms)))
        return st;
    pthread_mutex_lock(&e->lock);
    if (e->tracker)
        segtex_stage_timer_add(&e->t_face, j.ms[JOB_FACE]);
    if (e->pose_tracker)
        segtex_stage_timer_add(&e->t_pose, j.ms[JOB_POSE]);
    if (e->hand_tracker)
        segtex_stage_timer_add(&e->t_hands, j.ms[JOB_HANDS]);
    segtex_stage_timer_add(&e->t_seg, j.ms[JOB_SEG]);
    segtex_stage_timer_add(&e->t_latency, (segtex_now() - t_in) * 1e3);
    e->pushed++;
    e->frames++;
    pthread_mutex_unlock(&e->lock);
    fill_result(res, e->index, pts, &f);
    if (res) {
        res->face_ms = j.ms[JOB_FACE];
        res->seg_ms = j.ms[JOB_SEG];
        res->pose_ms = j.ms[JOB_POSE];
        res->hands_ms = j.ms[JOB_HANDS];
        res->render_ms = render_ms;
    }
    e->index++;
    return SEGTEX_OK;
}

/*
 * Pull and push live: the model workers keep cores busy; render threads
 * beyond the cores they leave free only fight them (measured: 2 render
 * threads next to the two workers on 2 cores made rendering 18x slower).
 * Default 1; more is capped, with a warning.
 */
static segtex_status cap_render_threads(segtex_effect *e)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int workers = 1 + (e->tracker != NULL) + (e->pose_tracker != NULL) + (e->hand_tracker != NULL);
    int free_cores = cpus - workers < 1 ? 1 : (int)(cpus - workers);
    int want = e->o.threads == 0 ? 1 : e->o.threads;
    if (want > free_cores) {
        LOG_WARNING("effect: %d render threads capped to %d: the %d model workers use the other cores of %ld",
                    want, free_cores, workers, cpus);
        want = free_cores;
    }
    if (segtex_threadpool_threads_count(e->pool) == want)
        return SEGTEX_OK;
    segtex_threadpool_destroy(e->pool);
    e->pool = NULL;
    return want > 1 ? segtex_threadpool_create(want, &e->pool) : SEGTEX_OK;
}

/* ---- push, live: a one-frame mailbox read by the pipeline's source thread ----------- */

static int box_read(void *user, segtex_image *dst, double *pts)
{
    segtex_effect *e = user;
    pthread_mutex_lock(&e->box_lock);
    while (!e->box_full && !e->box_closed)
        pthread_cond_wait(&e->box_cond, &e->box_lock);
    int r;
    if (e->box_closed) {
        r = SEGTEX_SOURCE_END;
    } else if (dst->width != e->box.width || dst->height != e->box.height) {
        r = SEGTEX_SOURCE_RESIZED; /* the pipeline re-allocates its slots, then reads again */
    } else {
        for (int y = 0; y < dst->height; y++)
            memcpy(dst->data + y * dst->stride, e->box.data + y * e->box.stride, (size_t)dst->width * 3);
        *pts = e->box_pts;
        e->box_full = 0;
        r = SEGTEX_SOURCE_FRAME;
    }
    pthread_mutex_unlock(&e->box_lock);
    return r;
}

static void box_info(void *user, segtex_source_info *info)
{
    segtex_effect *e = user;
    pthread_mutex_lock(&e->box_lock);
    info->width = e->box.width;
    info->height = e->box.height;
    pthread_mutex_unlock(&e->box_lock);
    info->fps = 0;
    info->frames = -1;
    info->live = 1;
}

static segtex_status box_put(segtex_effect *e, const segtex_image *in, double pts)
{
    segtex_status st = SEGTEX_OK;
    pthread_mutex_lock(&e->box_lock);
    if (e->box.width != in->width || e->box.height != in->height) {
        segtex_image_free(&e->box); /* a new size: configure-time allocation */
        e->box_full = 0;
        if ((st = segtex_image_alloc(&e->box, in->width, in->height, 3)))
            goto done;
    }
    if (e->box_full) { /* the workers had no time for the last one: newest wins */
        pthread_mutex_lock(&e->lock);
        e->dropped_push++;
        pthread_mutex_unlock(&e->lock);
    }
    for (int y = 0; y < in->height; y++)
        memcpy(e->box.data + y * e->box.stride, in->data + y * in->stride, (size_t)in->width * 3);
    e->box_pts = pts;
    e->box_full = 1;
    pthread_cond_broadcast(&e->box_cond);
done:
    pthread_mutex_unlock(&e->box_lock);
    return st;
}

static segtex_status process_live(segtex_effect *e, const segtex_image *in, double pts, segtex_image *out,
                                  segtex_effect_result *res)
{
    segtex_status st;
    if ((st = box_put(e, in, pts)))
        return st;
    if (!e->pipe) {
        segtex_pipeline_options po = {{e, box_read, box_info}, e->tracker, e->seg, 1, 0, e->pose_tracker,
                                      e->hand_tracker};
        segtex_pipeline *p;
        if ((st = cap_render_threads(e)) || (st = segtex_pipeline_create(&po, &p)))
            return st;
        pthread_mutex_lock(&e->lock);
        e->pipe = p;
        pthread_mutex_unlock(&e->lock);
    }
    release_held(e);
    int r = segtex_pipeline_latest(e->pipe, &e->held);
    if (r < 0)
        return (segtex_status)r;
    e->holding = 1;
    double render_ms = 0;
    segtex_people people = people_of(&e->held);
    if ((st = render(e, in, &people, e->held.seg, out, &render_ms)))
        return st;
    pthread_mutex_lock(&e->lock);
    e->pushed++;
    e->frames++;
    if (e->held.seg)
        segtex_stage_timer_add(&e->t_latency, (segtex_now() - e->held.seg_arrival) * 1e3);
    pthread_mutex_unlock(&e->lock);
    /* Frame numbers: the pipeline counts the frames its source took; pushes it never took were dropped. */
    fill_result(res, e->index, pts, &e->held);
    if (res)
        res->render_ms = render_ms;
    e->index++;
    return SEGTEX_OK;
}

segtex_status segtex_effect_process(segtex_effect *e, const segtex_image *in, double pts, segtex_image *out,
                                    segtex_effect_result *res)
{
    if (!e || !out || !valid_rgb(in) || in->width > 16384 || in->height > 16384) {
        LOG_ERROR("effect: process needs an RGB24 frame of 1..16384 per side and an output view");
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    if (e->started) {
        LOG_ERROR("effect: process on an effect that was started (pull mode)");
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    e->last_pts = pts;
    return e->o.live ? process_live(e, in, pts, out, res) : process_offline(e, in, pts, out, res);
}

/* ---- pull --------------------------------------------------------------------------- */

segtex_status segtex_effect_start(segtex_effect *e, const segtex_frame_reader *reader)
{
    if (!e || !reader || e->started || e->pipe) {
        LOG_ERROR("effect: start needs a reader, once, on an effect that has not processed frames");
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    segtex_source_info info;
    reader->get_info(reader->user, &info);
    e->live = e->o.live || info.live;
    segtex_status st = cap_render_threads(e);
    if (st)
        return st;
    segtex_pipeline_options po = {*reader, e->tracker, e->seg, e->live, 0, e->pose_tracker, e->hand_tracker};
    segtex_pipeline *p;
    st = segtex_pipeline_create(&po, &p);
    if (st)
        return st;
    pthread_mutex_lock(&e->lock);
    e->pipe = p;
    pthread_mutex_unlock(&e->lock);
    e->started = 1;
    return SEGTEX_OK;
}

int segtex_effect_is_live(const segtex_effect *e)
{
    return e->started ? e->live : e->o.live;
}

int segtex_effect_next(segtex_effect *e, segtex_image *out, segtex_effect_result *res)
{
    if (!e || !e->started || !out) {
        LOG_ERROR("effect: next needs a started effect and an output view");
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    release_held(e);
    int r = segtex_pipeline_next(e->pipe, &e->held);
    if (r <= 0)
        return r;
    e->holding = 1;
    double render_ms = 0;
    segtex_people people = people_of(&e->held);
    segtex_status st = render(e, e->held.image, &people, e->held.seg, out, &render_ms);
    if (st)
        return st;
    pthread_mutex_lock(&e->lock);
    e->frames++;
    double arrival = e->live ? e->held.seg_arrival : e->held.arrival;
    if (arrival > 0)
        segtex_stage_timer_add(&e->t_latency, (segtex_now() - arrival) * 1e3);
    pthread_mutex_unlock(&e->lock);
    fill_result(res, e->held.index, e->held.pts, &e->held);
    if (res)
        res->render_ms = render_ms;
    return 1;
}

const segtex_image *segtex_effect_source(const segtex_effect *e)
{
    return e && e->started && e->holding ? e->held.image : NULL;
}

segtex_status segtex_effect_redraw(segtex_effect *e, segtex_image *out, segtex_effect_result *res)
{
    if (!e || !out || !e->started || !e->holding || !e->held.image) {
        LOG_ERROR("effect: redraw needs a frame from segtex_effect_next");
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    double render_ms = 0;
    segtex_people people = people_of(&e->held);
    segtex_status st = render(e, e->held.image, &people, e->held.seg, out, &render_ms);
    if (st)
        return st;
    fill_result(res, e->held.index, e->held.pts, &e->held);
    if (res)
        res->render_ms = render_ms;
    return SEGTEX_OK;
}

void segtex_effect_stop(segtex_effect *e)
{
    if (e && e->pipe)
        segtex_pipeline_stop(e->pipe);
}

/* ---- settings --------------------------------------------------------------------- */

void segtex_effect_set_mode(segtex_effect *e, segtex_render_mode mode)
{
    if (mode < 0 || mode >= SEGTEX_RENDER_MODE_COUNT)
        return;
    pthread_mutex_lock(&e->lock);
    e->mode = mode;
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        segtex_paint p = segtex_texture_set_get_paint(e->set, c);
        p.enabled = segtex_render_mode_paints(mode, c);
        segtex_texture_set_set_paint(e->set, c, &p); /* only the switch changes: nothing is re-scaled */
    }
    pthread_mutex_unlock(&e->lock);
}

segtex_render_mode segtex_effect_get_mode(segtex_effect *e)
{
    pthread_mutex_lock(&e->lock);
    segtex_render_mode m = e->mode;
    pthread_mutex_unlock(&e->lock);
    return m;
}

void segtex_effect_set_landmarks(segtex_effect *e, int on)
{
    pthread_mutex_lock(&e->lock);
    e->landmarks = on != 0;
    pthread_mutex_unlock(&e->lock);
}

int segtex_effect_get_landmarks(segtex_effect *e)
{
    pthread_mutex_lock(&e->lock);
    int on = e->landmarks;
    pthread_mutex_unlock(&e->lock);
    return on;
}

segtex_status segtex_effect_set_paint(segtex_effect *e, int category, const segtex_paint *paint)
{
    pthread_mutex_lock(&e->lock);
    segtex_status st = segtex_texture_set_set_paint(e->set, category, paint);
    pthread_mutex_unlock(&e->lock);
    return st;
}

segtex_paint segtex_effect_get_paint(segtex_effect *e, int category)
{
    pthread_mutex_lock(&e->lock);
    segtex_paint p = segtex_texture_set_get_paint(e->set, category);
    pthread_mutex_unlock(&e->lock);
    return p;
}

segtex_status segtex_effect_randomize(segtex_effect *e, uint64_t seed)
{
    pthread_mutex_lock(&e->lock);
    segtex_status st = segtex_texture_set_randomize(e->set, seed);
    pthread_mutex_unlock(&e->lock);
    return st;
}

int segtex_effect_add_texture(segtex_effect *e, const char *path)
{
    int index = -1;
    pthread_mutex_lock(&e->lock);
    segtex_status st = segtex_texture_set_add_file(e->set, path, &index);
    pthread_mutex_unlock(&e->lock);
    return st ? (int)st : index;
}

int segtex_effect_add_picture(segtex_effect *e, const char *path)
{
    int index = -1;
    pthread_mutex_lock(&e->lock);
    segtex_status st = segtex_texture_set_add_picture(e->set, path, &index);
    pthread_mutex_unlock(&e->lock);
    return st ? (int)st : index;
}

int segtex_effect_find_texture(segtex_effect *e, const char *name)
{
    pthread_mutex_lock(&e->lock);
    int index = segtex_texture_set_find(e->set, name);
    pthread_mutex_unlock(&e->lock);
    return index;
}

const char *segtex_effect_texture_name(segtex_effect *e, int index)
{
    pthread_mutex_lock(&e->lock);
    const char *name = segtex_texture_set_name(e->set, index); /* names live as long as the set */
    pthread_mutex_unlock(&e->lock);
    return name;
}

segtex_segmenter_kind segtex_effect_segmenter(const segtex_effect *e)
{
    return segtex_segmenter_kind_in_use(e->seg);
}

segtex_backend segtex_effect_backend(const segtex_effect *e)
{
    return e->backend;
}

void segtex_effect_get_stats(segtex_effect *e, segtex_effect_stats *s)
{
    memset(s, 0, sizeof *s);
    segtex_pipeline_stats ps;
    memset(&ps, 0, sizeof ps);
    pthread_mutex_lock(&e->lock);
    if (e->pipe)
        segtex_pipeline_get_stats(e->pipe, &ps);
    s->frames = e->frames;
    s->frames_in = e->started ? ps.frames_in : e->pushed;
    s->dropped_source = ps.dropped_source + e->dropped_push;
    s->dropped_face = ps.dropped_face;
    s->dropped_seg = ps.dropped_seg;
    s->dropped_pose = ps.dropped_pose;
    s->dropped_hands = ps.dropped_hands;
    /* The trackers count on the worker threads: read the pipeline's copy there. */
    s->pose_detections = e->pipe ? ps.pose_detections : e->pose_tracker ? segtex_pose_tracker_detections(e->pose_tracker) : 0;
    s->palm_detections = e->pipe ? ps.palm_detections : e->hand_tracker ? segtex_hand_tracker_detections(e->hand_tracker) : 0;
    s->dropped_output = ps.dropped_output;
    s->configures = e->configures;
    s->resizes = ps.resizes;
    s->source = ps.source;
    if (e->pipe) {
        s->face = ps.face;
        s->seg = ps.seg;
        s->pose = ps.pose;
        s->hands = ps.hands;
    } else {
        segtex_stage_timer_get(&e->t_face, &s->face);
        segtex_stage_timer_get(&e->t_seg, &s->seg);
        segtex_stage_timer_get(&e->t_pose, &s->pose);
        segtex_stage_timer_get(&e->t_hands, &s->hands);
    }
    segtex_stage_timer_get(&e->t_render, &s->render);
    segtex_stage_timer_get(&e->t_latency, &s->latency);
    pthread_mutex_unlock(&e->lock);
}
