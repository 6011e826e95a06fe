/*
 * Pose tracking for video, as MediaPipe's pose_landmark_cpu graph does it:
 * detect once, then take each frame's ROI from the previous frame's
 * auxiliary landmarks 33 and 34 until the pose flag drops under the
 * threshold; smooth as pose_landmark_filtering does (One-Euro on the
 * landmarks scaled by the pose's size, visibility low-pass, heavier
 * One-Euro on the auxiliary points, unscaled One-Euro on the world points).
 */
#include "core/log.h"
#include "segtex/vision.h"
#include "vision/one_euro.h"

#include <math.h>
#include <string.h>

struct segtex_pose_tracker {
    segtex_pose_detector *detector;
    segtex_pose_landmarker *landmarker;
    segtex_pose_tracker_options o;
    one_euro_params filter; /* o's filter options, defaults filled in */
    int tracking;         /* the previous frame had a pose: aux holds its ROI points */
    float aux[2][2];      /* smoothed (video) auxiliary points 33, 34, normalized */
    int filtered;         /* filter state initialised */
    double last_t;
    one_euro lm[SEGTEX_POSE_POINTS][3], world[SEGTEX_POSE_POINTS][3], auxf[2][3];
    float visibility[SEGTEX_POSE_POINTS];
    long detections;
    segtex_pose_detection det;
    int have_prev_mask;
    segtex_pose_result prev; /* last output (mask and ROI) for the segmentation blend */
};

segtex_status segtex_pose_tracker_create(segtex_pose_detector *detector, segtex_pose_landmarker *landmarker,
                                         const segtex_pose_tracker_options *options, segtex_pose_tracker **out)
{
    *out = NULL;
    if (!detector || !landmarker) {
        LOG_ERROR("pose tracker: needs a detector and a landmarker");
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    segtex_pose_tracker_options o = {0};
    if (options)
        o = *options;
    if (o.min_presence <= 0)
        o.min_presence = 0.5f;
    if (o.min_score <= 0)
        o.min_score = 0.5f;
    segtex_pose_tracker *t = segtex_calloc(1, sizeof *t);
    if (!t)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    t->detector = detector;
    t->landmarker = landmarker;
    t->o = o;
    /* MediaPipe's pose landmark filtering: min_cutoff 0.1, beta 40, derivate_cutoff 1. */
    t->filter = one_euro_options(o.min_cutoff, o.beta, o.derivate_cutoff, (one_euro_params){0.1f, 40.0f, 1.0f});
    *out = t;
    return SEGTEX_OK;
}

void segtex_pose_tracker_destroy(segtex_pose_tracker *t) { segtex_free(t); }

void segtex_pose_tracker_reset(segtex_pose_tracker *t)
{
    t->tracking = 0;
    t->filtered = 0;
    t->have_prev_mask = 0;
}

long segtex_pose_tracker_detections(const segtex_pose_tracker *t) { return t->detections; }

static void smooth(segtex_pose_tracker *t, segtex_pose_result *r, double ts, int w, int h)
{
    int first = !t->filtered;
    float rate = one_euro_rate(!first, ts, t->last_t);
    /* Visibility: low-pass, alpha 0.1 (new = 0.1 x value + 0.9 x previous). */
    for (int i = 0; i < SEGTEX_POSE_POINTS; i++) {
        if (!first)
            r->landmarks[i][3] = t->visibility[i] + 0.1f * (r->landmarks[i][3] - t->visibility[i]);
        t->visibility[i] = r->landmarks[i][3];
    }
    const one_euro_params aux = {0.01f, 1.0f, 1.0f}, world = {0.1f, 40.0f, 1.0f};
    one_euro_points(t->lm, &t->filter, &r->landmarks[0][0], SEGTEX_POSE_POINTS, 5, w, h, rate, first);
    one_euro_points(t->auxf, &aux, &r->auxiliary[0][0], 2, 5, w, h, rate, first);
    for (int i = 0; i < SEGTEX_POSE_POINTS; i++) /* world: value scaling disabled */
        for (int k = 0; k < 3; k++)
            r->world[i][k] = one_euro_apply(&t->world[i][k], &world, r->world[i][k], 1.0f, rate, first);
    t->filtered = 1;
    t->last_t = ts;
}

/*
 * MediaPipe's SegmentationSmoothingCalculator (combine_with_previous_ratio
 * 0.7): where the new probability p is uncertain (near 0.5) it moves towards
 * the previous mask: p += (prev - p) x uncertainty(p) x 0.7, uncertainty
 * from its polynomial fit of 1 - (1 - H(p))^2. MediaPipe blends in image
 * space; the masks here are in ROI space, so the previous mask is sampled
 * through the frame at each new ROI pixel (0 outside the previous ROI, as
 * in MediaPipe's warped-back mask).
 */
static void blend_mask(segtex_pose_tracker *t, segtex_pose_result *r)
{
    const int n = SEGTEX_POSE_MASK_SIZE;
    const float c1 = 5.68842f, c2 = -0.748699f, c3 = -57.8051f, c4 = 291.309f, c5 = -624.717f;
    /* New ROI pixel (u, v) -> frame -> previous ROI pixel: one affine map, origin + u du + v dv. */
    const segtex_roi *a = &r->roi, *b = &t->prev.roi;
    float ca = cosf(a->rotation), sa = sinf(a->rotation), cb = cosf(b->rotation), sb = sinf(b->rotation);
    float k = a->size / b->size;
    float rc = ca * cb + sa * sb, rs = sa * cb - ca * sb; /* rotation by a - b */
    float dux = k * rc, duy = k * rs, dvx = -k * rs, dvy = k * rc; /* in previous-ROI pixels per new pixel */
    float ox = ((a->cx - b->cx) * cb + (a->cy - b->cy) * sb) / b->size * (float)n + 0.5f * (float)n;
    float oy = (-(a->cx - b->cx) * sb + (a->cy - b->cy) * cb) / b->size * (float)n + 0.5f * (float)n;
    const float *pm = t->prev.mask;
    for (int v = 0; v < n; v++)
        for (int u = 0; u < n; u++) {
            float fu = (float)u + 0.5f - 0.5f * (float)n, fv = (float)v + 0.5f - 0.5f * (float)n;
            float x = ox + fu * dux + fv * dvx, y = oy + fu * duy + fv * dvy; /* continuous previous-ROI coords */
            float prev = 0.0f;
            if (x >= 0 && x <= (float)n && y >= 0 && y <= (float)n) {
                x = fminf(fmaxf(x - 0.5f, 0.0f), (float)(n - 1));
                y = fminf(fmaxf(y - 0.5f, 0.0f), (float)(n - 1));
                int x0 = (int)x, y0 = (int)y, x1 = x0 + 1 < n ? x0 + 1 : x0, y1 = y0 + 1 < n ? y0 + 1 : y0;
                float fx = x - (float)x0, fy = y - (float)y0;
                float p0 = pm[y0 * n + x0] + (pm[y0 * n + x1] - pm[y0 * n + x0]) * fx;
                float p1 = pm[y1 * n + x0] + (pm[y1 * n + x1] - pm[y1 * n + x0]) * fx;
                prev = p0 + (p1 - p0) * fy;
            }
            float *p = &r->mask[v * n + u];
            float d = *p - 0.5f, q = d * d;
            float unc = 1.0f - fminf(1.0f, q * (c1 + q * (c2 + q * (c3 + q * (c4 + q * c5)))));
            *p += (prev - *p) * unc * 0.7f;
        }
}

segtex_status segtex_pose_tracker_process(segtex_pose_tracker *t, const segtex_image *img, double ts,
                                          segtex_pose_result *out)
{
    if (!img || !img->data || img->width < 1 || img->height < 1 || !out) {
        LOG_ERROR("pose tracker: no image or no result");
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    out->count = 0;
    out->detected = 0;
    out->detection_score = 0;
    if (!t->o.video)
        segtex_pose_tracker_reset(t);
    segtex_status st;
    /* 1. From the previous frame's auxiliary points. */
    if (t->tracking) {
        segtex_roi roi = segtex_pose_roi_from_points(t->aux[0][0], t->aux[0][1], t->aux[1][0], t->aux[1][1],
                                                     img->width, img->height);
        if ((st = segtex_pose_landmarker_process(t->landmarker, img, &roi, t->o.min_presence, out)))
            return st;
        if (!out->count)
            segtex_pose_tracker_reset(t); /* lost: detect on this frame */
    }
    /* 2. Detect when nothing is tracked. */
    if (!t->tracking) {
        int n = segtex_pose_detector_detect(t->detector, img, t->o.min_score, &t->det, 1);
        if (n < 0)
            return (segtex_status)n;
        t->detections++;
        out->detected = 1;
        out->count = 0;
        if (n > 0) {
            segtex_roi roi = segtex_pose_roi_from_detection(&t->det, img->width, img->height);
            if ((st = segtex_pose_landmarker_process(t->landmarker, img, &roi, t->o.min_presence, out)))
                return st;
            if (out->count)
                out->detection_score = t->det.score;
        }
    }
    if (!out->count) {
        out->mask_size = 0;
        segtex_pose_tracker_reset(t);
        return SEGTEX_OK;
    }
    if (t->o.video) {
        smooth(t, out, ts, img->width, img->height);
        if (t->have_prev_mask)
            blend_mask(t, out);
        t->prev.count = 1;
        t->prev.roi = out->roi;
        t->prev.mask_size = out->mask_size;
        memcpy(t->prev.mask, out->mask, sizeof t->prev.mask);
        t->have_prev_mask = 1;
    }
    t->tracking = 1;
    for (int k = 0; k < 2; k++)
        t->aux[k][0] = out->auxiliary[k][0], t->aux[k][1] = out->auxiliary[k][1];
    return SEGTEX_OK;
}
