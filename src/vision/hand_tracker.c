/*
 * Hand tracking, as MediaPipe's hand_landmark_tracking_cpu graph: hands
 * followed by their own landmarks; the palm detector only while fewer than
 * max_hands are tracked; palms overlapping a tracked hand dropped (the
 * association at IoU 0.5); One-Euro smoothing of the landmarks in video.
 */
#include "core/log.h"
#include "segtex/vision.h"
#include "vision/one_euro.h"

#include <math.h>
#include <string.h>

/*
 * A hand looked for at a wrist a pose sees (segtex_hand_tracker_add_from_poses) is kept from this share of
 * min_presence (0.3 at the default 0.5): two models put it there. The landmarker's presence on a small greyscale
 * hand is fragile: basketball1's left player's hand, holding the ball, scores 0.565 as shot, 0.446 at 0.7 of its
 * brightness, 0.473 overexposed, 0.366 as a JPEG, and a person with no hand kept has their bare arms at the
 * sleeves' odds (the 187 perturbed cases 0.6581 -> 0.6586, none lower; the 25 unchanged). Gloves score under it
 * (the cameraman's: 0.010, 0.149 as a JPEG), and so do wrists by the frame's edge (0.209).
 */
#define POSE_PRESENCE_SHARE 0.6f

typedef struct track {
    int alive;
    segtex_hand_landmarks lm; /* last raw landmarks (the next ROI's source) */
    one_euro f[SEGTEX_HAND_POINTS][3];
    double last_t;
    int filtered;
} track;

struct segtex_hand_tracker {
    segtex_palm_detector *detector;
    segtex_hand_landmarker *landmarker;
    segtex_hand_tracker_options o;
    one_euro_params filter; /* o's filter options, defaults filled in */
    track tracks[SEGTEX_MAX_HANDS];
    segtex_palm_detection palms[SEGTEX_MAX_HANDS];
    long detections;
    long skipped; /* video: frames since the detector last ran while hands were missing */
};

segtex_status segtex_hand_tracker_create(segtex_palm_detector *detector, segtex_hand_landmarker *landmarker,
                                         const segtex_hand_tracker_options *options, segtex_hand_tracker **out)
{
    *out = NULL;
    if (!detector || !landmarker) {
        LOG_ERROR("hand tracker: needs a palm detector and a hand landmarker");
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    segtex_hand_tracker_options o = {0};
    if (options)
        o = *options;
    if (o.max_hands <= 0)
        o.max_hands = SEGTEX_MAX_HANDS;
    if (o.max_hands > SEGTEX_MAX_HANDS) {
        LOG_ERROR("hand tracker: max hands %d, at most %d", o.max_hands, SEGTEX_MAX_HANDS);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    if (!(o.min_presence <= 1) || !(o.min_score <= 1)) { /* NaN too */
        LOG_ERROR("hand tracker: min_presence %g and min_score %g must lie in [0, 1]", (double)o.min_presence,
                  (double)o.min_score);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    if (o.min_presence <= 0)
        o.min_presence = 0.5f;
    if (o.min_score <= 0)
        o.min_score = 0.5f;
    if (o.detect_every < 0 || o.detect_every > 1000) {
        LOG_ERROR("hand tracker: detect_every %d out of range 0..1000", o.detect_every);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    if (o.detect_every == 0)
        o.detect_every = 1;
    segtex_hand_tracker *t = segtex_calloc(1, sizeof *t);
    if (!t)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    t->detector = detector;
    t->landmarker = landmarker;
    t->o = o;
    /* MediaPipe's hand landmark smoothing: min_cutoff 0.05, beta 80, derivate_cutoff 1. */
    t->filter = one_euro_options(o.min_cutoff, o.beta, o.derivate_cutoff, (one_euro_params){0.05f, 80.0f, 1.0f});
    *out = t;
    return SEGTEX_OK;
}

void segtex_hand_tracker_destroy(segtex_hand_tracker *t) { segtex_free(t); }

void segtex_hand_tracker_reset(segtex_hand_tracker *t)
{
    for (int i = 0; i < SEGTEX_MAX_HANDS; i++)
        t->tracks[i].alive = 0, t->tracks[i].filtered = 0;
    t->skipped = 0;
}

long segtex_hand_tracker_detections(const segtex_hand_tracker *t) { return t->detections; }

/* Axis-aligned IoU of two ROIs' bounding squares (MediaPipe's association ignores the rotation). */
static float roi_iou(const segtex_roi *a, const segtex_roi *b)
{
    float ix = fminf(a->cx + a->size / 2, b->cx + b->size / 2) - fmaxf(a->cx - a->size / 2, b->cx - b->size / 2);
    float iy = fminf(a->cy + a->size / 2, b->cy + b->size / 2) - fmaxf(a->cy - a->size / 2, b->cy - b->size / 2);
    if (ix <= 0 || iy <= 0)
        return 0;
    float inter = ix * iy, uni = a->size * a->size + b->size * b->size - inter;
    return uni > 0 ? inter / uni : 0;
}

segtex_status segtex_hand_tracker_process(segtex_hand_tracker *t, const segtex_image *img, double ts,
                                          segtex_hand_result *out)
{
    if (!img || !img->data || img->width < 1 || img->height < 1) {
        LOG_ERROR("hand tracker: no image");
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    out->count = 0;
    out->detected = 0;
    memset(out->palm, 0, sizeof out->palm);
    if (!t->o.video)
        segtex_hand_tracker_reset(t);
    segtex_status st;
    segtex_palm_detection found[SEGTEX_MAX_HANDS] = {{0}};
    /* 1. Follow the hands still tracked, from their previous landmarks. */
    int alive = 0;
    for (int i = 0; i < t->o.max_hands; i++) {
        track *tr = &t->tracks[i];
        if (!tr->alive)
            continue;
        segtex_roi roi = segtex_hand_roi_from_landmarks(&tr->lm, img->width, img->height);
        if ((st = segtex_hand_landmarker_process(t->landmarker, img, &roi, &tr->lm)))
            return st;
        if (!(tr->lm.presence >= t->o.min_presence)) {
            tr->alive = 0;
            tr->filtered = 0;
            continue;
        }
        alive++;
    }
    /*
     * 2. Palm detection while fewer hands than wanted are tracked: every
     * frame (MediaPipe), or in video on every detect_every-th such frame.
     */
    int detect = alive < t->o.max_hands && (!t->o.video || t->skipped + 1 >= t->o.detect_every);
    t->skipped = alive < t->o.max_hands && !detect ? t->skipped + 1 : 0;
    if (detect) {
        int n = segtex_palm_detector_detect(t->detector, img, t->o.min_score, t->palms, t->o.max_hands);
        if (n < 0)
            return (segtex_status)n;
        t->detections++;
        out->detected = 1;
        for (int d = 0; d < n && alive < t->o.max_hands; d++) {
            segtex_roi roi = segtex_hand_roi_from_palm(&t->palms[d], img->width, img->height);
            int dup = 0;
            for (int i = 0; i < t->o.max_hands; i++)
                if (t->tracks[i].alive && roi_iou(&roi, &t->tracks[i].lm.roi) > 0.5f)
                    dup = 1;
            if (dup)
                continue;
            int slot = 0;
            while (slot < t->o.max_hands && t->tracks[slot].alive)
                slot++;
            track *tr = &t->tracks[slot];
            if ((st = segtex_hand_landmarker_process(t->landmarker, img, &roi, &tr->lm)))
                return st;
            if (!(tr->lm.presence >= t->o.min_presence))
                continue;
            tr->alive = 1;
            tr->filtered = 0;
            found[slot] = t->palms[d];
            alive++;
        }
    }
    /* 3. Output in slot order; smoothing only in video mode. */
    for (int i = 0; i < t->o.max_hands; i++) {
        track *tr = &t->tracks[i];
        if (!tr->alive)
            continue;
        segtex_hand_landmarks *o = &out->hands[out->count];
        *o = tr->lm;
        if (t->o.video) /* One-Euro in pixels, the velocity scaled by the hand's size */
            one_euro_track(tr->f, &t->filter, &o->xyz[0][0], SEGTEX_HAND_POINTS, 3, img->width, img->height, ts,
                           &tr->filtered, &tr->last_t);
        out->palm[out->count] = found[i];
        out->count++;
    }
    return SEGTEX_OK;
}

segtex_status segtex_hand_tracker_add_from_poses(segtex_hand_tracker *t, const segtex_image *img,
                                                 const segtex_pose_result *poses, int npose, segtex_hand_result *out)
{
    for (int q = 0; q < npose && poses; q++)
        for (int side = 0; side < 2 && out->count < SEGTEX_MAX_HANDS; side++) {
            segtex_roi roi;
            if (!segtex_hand_roi_from_pose(&poses[q], side, img->width, img->height, &roi))
                continue;
            /* A hand already found at this wrist (the palm detector's, or this pose's other side on a
             * crossed-arms pose): its wrist within the ROI's inner half. */
            const float *pw = poses[q].landmarks[side ? SEGTEX_POSE_RIGHT_WRIST : SEGTEX_POSE_LEFT_WRIST];
            int dup = 0;
            for (int k = 0; k < out->count; k++)
                dup |= hypotf((out->hands[k].xyz[0][0] - pw[0]) * (float)img->width,
                              (out->hands[k].xyz[0][1] - pw[1]) * (float)img->height) < 0.25f * roi.size;
            if (dup)
                continue;
            /* Twice: the second time on the ROI from the first landmarks (in place of Holistic's re-crop model). */
            segtex_hand_landmarks *h = &out->hands[out->count];
            segtex_status st;
            for (int it = 0; it < 2; it++) {
                if ((st = segtex_hand_landmarker_process(t->landmarker, img, &roi, h)))
                    return st;
                roi = segtex_hand_roi_from_landmarks(h, img->width, img->height);
            }
            if (h->presence >= POSE_PRESENCE_SHARE * t->o.min_presence) {
                memset(&out->palm[out->count], 0, sizeof out->palm[out->count]);
                out->count++;
            }
        }
    return SEGTEX_OK;
}
