/*
 * Face tracking for video: detect, then follow the faces by their own
 * landmarks until they are lost; One-Euro smoothing of the landmarks as
 * MediaPipe's LandmarksSmoothingCalculator does it (velocity scaled by the
 * face's size in pixels).
 */
#include "core/log.h"
#include "segtex/vision.h"
#include "vision/one_euro.h"

#include <math.h>
#include <string.h>

typedef struct track {
    int alive;
    segtex_face_landmarks lm;  /* last raw landmarks (ROI source) */
    one_euro f[SEGTEX_FACE_POINTS][3];
    double last_t;
    int filtered; /* filter state initialised */
} track;

struct segtex_face_tracker {
    segtex_face_detector *detector;
    segtex_face_landmarker *landmarker;
    segtex_face_tracker_options o;
    one_euro_params filter; /* o's filter options, defaults filled in */
    track tracks[SEGTEX_MAX_FACES];
    segtex_face_detection dets[SEGTEX_MAX_FACES];
};

segtex_status segtex_face_tracker_create(segtex_face_detector *detector, segtex_face_landmarker *landmarker,
                                         const segtex_face_tracker_options *options, segtex_face_tracker **out)
{
    *out = NULL;
    if (!detector || !landmarker) {
        LOG_ERROR("face tracker: needs a detector and a landmarker");
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    segtex_face_tracker_options o = {0};
    if (options)
        o = *options;
    if (o.max_faces <= 0)
        o.max_faces = 1;
    if (o.max_faces > SEGTEX_MAX_FACES) {
        LOG_ERROR("face tracker: max faces %d, at most %d", o.max_faces, SEGTEX_MAX_FACES);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    if (o.min_presence <= 0)
        o.min_presence = 0.5f;
    segtex_face_tracker *t = segtex_calloc(1, sizeof *t);
    if (!t)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    t->detector = detector;
    t->landmarker = landmarker;
    t->o = o;
    /* MediaPipe's face landmark smoothing: min_cutoff 0.05, beta 80, derivate_cutoff 1. */
    t->filter = one_euro_options(o.min_cutoff, o.beta, o.derivate_cutoff, (one_euro_params){0.05f, 80.0f, 1.0f});
    *out = t;
    return SEGTEX_OK;
}

void segtex_face_tracker_destroy(segtex_face_tracker *t) { segtex_free(t); }

void segtex_face_tracker_reset(segtex_face_tracker *t)
{
    for (int i = 0; i < SEGTEX_MAX_FACES; i++)
        t->tracks[i].alive = 0;
}

segtex_status segtex_face_tracker_process(segtex_face_tracker *t, const segtex_image *img, double ts,
                                          segtex_face_result *out)
{
    if (!img || !img->data || img->width < 1 || img->height < 1) {
        LOG_ERROR("face tracker: no image");
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    out->count = 0;
    out->detected = 0;
    memset(out->detection, 0, sizeof out->detection);
    if (!t->o.video)
        segtex_face_tracker_reset(t);
    segtex_status st;
    /* 1. Follow the faces still tracked, from their previous landmarks. */
    int alive = 0;
    for (int i = 0; i < t->o.max_faces; i++) {
        track *tr = &t->tracks[i];
        if (!tr->alive)
            continue;
        segtex_roi roi = segtex_roi_from_landmarks(&tr->lm, img->width, img->height);
        if ((st = segtex_face_landmarker_process(t->landmarker, img, &roi, &tr->lm)))
            return st;
        if (tr->lm.presence < t->o.min_presence) {
            tr->alive = 0; /* lost: the detector looks again below */
            tr->filtered = 0;
            continue;
        }
        alive++;
    }
    /* 2. Detect when fewer faces than wanted are tracked. The fallback (full range) only where the first
     * detector found no face: no box at all, or only boxes whose landmarks say no face is there (a false
     * detection, or a profile the short-range box frames too badly for the landmarker). A close face keeps
     * exactly the first detector's result, and a tracked face costs no detection at all. With min_score 0
     * each model keeps its own default threshold (0.5 short, 0.6 full range). */
    segtex_face_detector *const detectors[2] = {t->detector, t->o.fallback_detector};
    for (int k = 0; k < 2 && detectors[k] && alive < t->o.max_faces; k++) {
        int n = segtex_face_detector_detect(detectors[k], img, t->o.min_score, t->dets, t->o.max_faces);
        if (n < 0)
            return (segtex_status)n;
        out->detected = 1;
        int faces = 0; /* boxes holding a face: followed already, or confirmed by the landmarker */
        for (int d = 0; d < n && alive < t->o.max_faces; d++) {
            /* Skip detections whose centre lies inside a tracked face's ROI: already followed. */
            float cx = (t->dets[d].box[0] + t->dets[d].box[2] / 2) * img->width;
            float cy = (t->dets[d].box[1] + t->dets[d].box[3] / 2) * img->height;
            int dup = 0;
            for (int i = 0; i < t->o.max_faces; i++) {
                const segtex_roi *r = &t->tracks[i].lm.roi;
                if (t->tracks[i].alive && fabsf(cx - r->cx) < r->size / 2 && fabsf(cy - r->cy) < r->size / 2)
                    dup = 1;
            }
            if (dup) {
                faces++;
                continue;
            }
            int slot = 0;
            while (slot < t->o.max_faces && t->tracks[slot].alive)
                slot++;
            track *tr = &t->tracks[slot];
            segtex_roi roi = segtex_roi_from_detection(&t->dets[d], img->width, img->height);
            if ((st = segtex_face_landmarker_process(t->landmarker, img, &roi, &tr->lm)))
                return st;
            if (tr->lm.presence < t->o.min_presence)
                continue;
            tr->alive = 1;
            tr->filtered = 0;
            out->detection[slot] = t->dets[d];
            alive++;
            faces++;
        }
        if (faces > 0)
            break;
    }
    /* 3. Output in slot order; smoothing only in video mode. */
    for (int i = 0; i < t->o.max_faces; i++) {
        track *tr = &t->tracks[i];
        if (!tr->alive)
            continue;
        segtex_face_landmarks *o = &out->faces[out->count];
        *o = tr->lm;
        if (t->o.video) /* One-Euro in pixels, the velocity scaled by the face's size */
            one_euro_track(tr->f, &t->filter, &o->xyz[0][0], o->count, 3, img->width, img->height, ts, &tr->filtered,
                           &tr->last_t);
        out->detection[out->count] = out->detection[i]; /* compacts: out->count <= i */
        out->count++;
    }
    return SEGTEX_OK;
}

segtex_status segtex_face_tracker_add_from_poses(segtex_face_tracker *t, const segtex_image *img,
                                                 const segtex_pose_result *poses, int npose, segtex_face_result *out)
{
    for (int q = 0; q < npose && poses && out->count < SEGTEX_MAX_FACES; q++) {
        segtex_roi roi;
        if (!segtex_face_roi_from_pose(&poses[q], img->width, img->height, &roi))
            continue;
        /* A face already found there: its nose tip within the ROI's inner half. */
        const float *nose = poses[q].landmarks[SEGTEX_POSE_NOSE];
        int dup = 0;
        for (int k = 0; k < out->count; k++)
            dup |= hypotf((out->faces[k].xyz[1][0] - nose[0]) * (float)img->width,
                          (out->faces[k].xyz[1][1] - nose[1]) * (float)img->height) < 0.25f * roi.size;
        if (dup)
            continue;
        segtex_face_landmarks *f = &out->faces[out->count];
        segtex_status st;
        /* Holistic's way: the detector on the pose's face box x 3 (segtex_face_roi_from_pose's is x 2.5), the
         * landmarker on the ROI of the detection's keypoints. The detection nearest the nose, within its own box's
         * size of it. */
        segtex_roi big = roi;
        big.size *= 3.0f / 2.5f;
        int n = segtex_face_detector_detect_roi(t->detector, img, &big, t->o.min_score, t->dets, SEGTEX_MAX_FACES);
        if (n < 0)
            return (segtex_status)n;
        int pick = -1;
        float near = INFINITY;
        for (int d = 0; d < n; d++) {
            const segtex_face_detection *e = &t->dets[d];
            float dx = (e->box[0] + e->box[2] / 2 - nose[0]) * (float)img->width;
            float dy = (e->box[1] + e->box[3] / 2 - nose[1]) * (float)img->height;
            float dist = hypotf(dx, dy);
            if (dist < fmaxf(e->box[2] * (float)img->width, e->box[3] * (float)img->height) && dist < near)
                near = dist, pick = d;
        }
        segtex_roi kroi = {0};
        if (pick >= 0)
            kroi = segtex_roi_from_detection_keypoints(&t->dets[pick], img->width, img->height);
        if (kroi.size >= 2.5f && isfinite(kroi.size)) { /* not when its keypoints coincide (under a pixel apart) */
            roi = kroi;
            if ((st = segtex_face_landmarker_process(t->landmarker, img, &roi, f)))
                return st;
        } else {
            for (int it = 0; it < 2; it++) { /* none: the pose's ROI, then the ROI of its landmarks */
                if ((st = segtex_face_landmarker_process(t->landmarker, img, &roi, f)))
                    return st;
                roi = segtex_roi_from_landmarks(f, img->width, img->height);
            }
        }
        if (f->presence >= t->o.min_presence) {
            memset(&out->detection[out->count], 0, sizeof out->detection[out->count]);
            out->count++;
        }
    }
    return SEGTEX_OK;
}
