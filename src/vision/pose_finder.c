/*
 * Several people's poses in one still image (the manual is the comment of
 * segtex_pose_finder in include/segtex/vision.h): the detector's
 * detections, then an upright ROI from each face without a pose, then one
 * from each large person-mask component without a pose, then the
 * detector's weaker detections where no pose is yet, each through the pose
 * landmarker. The ROI rules were measured, not taken from MediaPipe
 * (which finds one person): see the header.
 */
#include "core/log.h"
#include "segtex/vision.h"

#include <math.h>
#include <string.h>

/* The person mask is labelled on a fixed grid, so the finder allocates nothing per image. */
#define GRID 128

/* The detector's weaker detections, tried last where no pose is yet: from this share of min_score. */
#define WEAK_SHARE 0.6f
/* ... a pose from one is kept when its box covers at most this share of an earlier pose's (or its own). */
#define WEAK_OVERLAP 0.3f

/* Face-derived ROI: side and centre offset in face heights (see the header). */
#define FACE_ROI_SIDE 11.0f
#define FACE_ROI_DOWN 3.6f

/* A component's pose whose seen landmarks span under COMP_FILL of the component's longer side is a small person the
 * landmarker read into a close-up's head; so is one whose ears moved apart by COMP_GROW or more when its ROI doubled
 * (the pose had not settled on the head's size). Such a ROI is tried again twice as large from the same top, at
 * most COMP_TRIES times in all. Measured on tests/data's photos and their tight crops from the person mask alone
 * (README, "Composite segmenter"): small poses fill 0.27-0.49, and their ears grow 1.7-12x per doubling until the
 * pose fits (then 0.9-1.4x); a larger ROI after that shrinks the person again. */
#define COMP_FILL 0.5f
#define COMP_GROW 1.5f
#define COMP_TRIES 3

struct segtex_pose_finder {
    segtex_pose_detector *detector;   /* borrowed */
    segtex_pose_landmarker *landmarker; /* borrowed */
    segtex_pose_finder_options o;
    segtex_pose_detection det[SEGTEX_MAX_POSES];
    segtex_pose_detection weak[SEGTEX_MAX_POSES]; /* a second pass down to WEAK_SHARE x min_score */
    segtex_pose_result best; /* the fullest of a component's tries while it tries a larger ROI */
    short label[GRID * GRID]; /* component id + 1 per cell, 0: not person */
    int stack[GRID * GRID];
};

segtex_status segtex_pose_finder_create(segtex_pose_detector *detector, segtex_pose_landmarker *landmarker,
                                        const segtex_pose_finder_options *options, segtex_pose_finder **out)
{
    if (!out)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    *out = NULL;
    if (!detector || !landmarker) {
        LOG_ERROR("pose finder: needs a detector and a landmarker");
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    segtex_pose_finder_options o = {0};
    if (options)
        o = *options;
    /* Written as !(ok) so that NaN fails too. */
    if (!(o.min_score >= 0 && o.min_score <= 1) || !(o.min_presence >= 0 && o.min_presence <= 1) ||
        !(o.min_area >= 0 && o.min_area <= 1)) {
        LOG_ERROR("pose finder: min_score %g, min_presence %g and min_area %g must lie in [0, 1]", (double)o.min_score,
                  (double)o.min_presence, (double)o.min_area);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    o.min_score = o.min_score > 0 ? o.min_score : 0.5f;
    o.min_presence = o.min_presence > 0 ? o.min_presence : 0.5f;
    o.min_area = o.min_area > 0 ? o.min_area : 0.03f;
    segtex_pose_finder *f = segtex_calloc(1, sizeof *f);
    if (!f)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    f->detector = detector;
    f->landmarker = landmarker;
    f->o = o;
    *out = f;
    return SEGTEX_OK;
}

void segtex_pose_finder_destroy(segtex_pose_finder *f) { segtex_free(f); }

/* A point of a pose in pixels. */
static void at(const segtex_pose_result *r, int i, int w, int h, float *x, float *y)
{
    *x = r->landmarks[i][0] * (float)w, *y = r->landmarks[i][1] * (float)h;
}

static void mid(const segtex_pose_result *r, int a, int b, int w, int h, float *x, float *y)
{
    *x = 0.5f * (r->landmarks[a][0] + r->landmarks[b][0]) * (float)w;
    *y = 0.5f * (r->landmarks[a][1] + r->landmarks[b][1]) * (float)h;
}

/* Shoulder centre to hip centre, pixels: a body size that holds for a person seen from the side too. */
static float torso(const segtex_pose_result *r, int w, int h)
{
    float sx, sy, hx, hy;
    mid(r, SEGTEX_POSE_LEFT_SHOULDER, SEGTEX_POSE_RIGHT_SHOULDER, w, h, &sx, &sy);
    mid(r, SEGTEX_POSE_LEFT_HIP, SEGTEX_POSE_RIGHT_HIP, w, h, &hx, &hy);
    return hypotf(hx - sx, hy - sy);
}

/* Two results of the same person: noses or shoulder centres within half the larger torso. */
static int same_person(const segtex_pose_result *a, const segtex_pose_result *b, int w, int h)
{
    float lim = 0.5f * fmaxf(torso(a, w, h), torso(b, w, h));
    float ax, ay, bx, by;
    at(a, SEGTEX_POSE_NOSE, w, h, &ax, &ay);
    at(b, SEGTEX_POSE_NOSE, w, h, &bx, &by);
    if (hypotf(ax - bx, ay - by) < lim)
        return 1;
    mid(a, SEGTEX_POSE_LEFT_SHOULDER, SEGTEX_POSE_RIGHT_SHOULDER, w, h, &ax, &ay);
    mid(b, SEGTEX_POSE_LEFT_SHOULDER, SEGTEX_POSE_RIGHT_SHOULDER, w, h, &bx, &by);
    return hypotf(ax - bx, ay - by) < lim;
}

/* The box of a pose's landmarks the model sees (visibility from 0.5), in pixels; 0 when none. */
static int pose_box(const segtex_pose_result *r, int w, int h, float b[4])
{
    b[0] = b[1] = INFINITY, b[2] = b[3] = -INFINITY;
    for (int i = 0; i < SEGTEX_POSE_POINTS; i++)
        if (r->landmarks[i][3] >= SEGTEX_POSE_SEEN) {
            float x, y;
            at(r, i, w, h, &x, &y);
            b[0] = fminf(b[0], x), b[1] = fminf(b[1], y), b[2] = fmaxf(b[2], x), b[3] = fmaxf(b[3], y);
        }
    return b[2] > b[0] && b[3] > b[1];
}

/* The share of the smaller of two poses' boxes that the other covers (1 when either has none). */
static float overlap(const segtex_pose_result *a, const segtex_pose_result *b, int w, int h)
{
    float p[4], q[4];
    if (!pose_box(a, w, h, p) || !pose_box(b, w, h, q))
        return 1.0f;
    float iw = fminf(p[2], q[2]) - fmaxf(p[0], q[0]), ih = fminf(p[3], q[3]) - fmaxf(p[1], q[1]);
    if (iw <= 0 || ih <= 0)
        return 0.0f;
    return iw * ih / fminf((p[2] - p[0]) * (p[3] - p[1]), (q[2] - q[0]) * (q[3] - q[1]));
}

/* Run the landmarker on `roi` into out[n]; 1 when the pose is kept as a new person. */
static segtex_status try_roi(segtex_pose_finder *f, const segtex_image *img, const segtex_roi *roi, float score,
                             segtex_pose_result *out, int n, int *kept)
{
    *kept = 0;
    segtex_status st = segtex_pose_landmarker_process(f->landmarker, img, roi, f->o.min_presence, &out[n]);
    if (st)
        return st;
    if (!out[n].count)
        return SEGTEX_OK;
    for (int i = 0; i < n; i++)
        if (same_person(&out[i], &out[n], img->width, img->height))
            return SEGTEX_OK;
    out[n].detected = 1;
    out[n].detection_score = score;
    *kept = 1;
    return SEGTEX_OK;
}

/* The share of `side` (pixels) that the longer side of a pose's seen landmarks' box spans; 0 when none is seen. */
static float fill(const segtex_pose_result *r, int w, int h, float side)
{
    float b[4];
    return pose_box(r, w, h, b) ? fmaxf(b[2] - b[0], b[3] - b[1]) / side : 0.0f;
}

/* The distance between a pose's ears in pixels. */
static float ears(const segtex_pose_result *r, int w, int h)
{
    float lx, ly, rx, ry;
    at(r, SEGTEX_POSE_LEFT_EAR, w, h, &lx, &ly);
    at(r, SEGTEX_POSE_RIGHT_EAR, w, h, &rx, &ry);
    return hypotf(lx - rx, ly - ry);
}

/* try_roi for a person-mask component whose longer side is `side` pixels: a pose that is too small or had not
 * settled (COMP_FILL, COMP_GROW) is tried again on a larger ROI; the first that fits, else the fullest kept,
 * is out[n]. */
static segtex_status component_pose(segtex_pose_finder *f, const segtex_image *img, const segtex_roi *roi0,
                                    float side, segtex_pose_result *out, int n, int *kept)
{
    const int w = img->width, h = img->height;
    segtex_roi roi = *roi0;
    float best = -1.0f, last_ears = 0.0f; /* 0: the last try kept no pose */
    for (int t = 0; t < COMP_TRIES; t++) {
        segtex_status st = try_roi(f, img, &roi, 0, out, n, kept);
        if (st)
            return st;
        float share = *kept ? fill(&out[n], w, h, side) : -1.0f, e = *kept ? ears(&out[n], w, h) : 0.0f;
        int grew = t > 0 && (last_ears <= 0.0f || e >= COMP_GROW * last_ears);
        if (*kept && share >= COMP_FILL && !grew)
            return SEGTEX_OK;
        if (share > best) {
            best = share;
            f->best = out[n];
        }
        last_ears = e;
        float top = roi.cy - 0.5f * roi.size;
        roi.size *= 2.0f;
        roi.cy = top + 0.5f * roi.size;
    }
    *kept = best >= 0.0f;
    if (*kept)
        out[n] = f->best;
    return SEGTEX_OK;
}

/* The face's centre and height in pixels, from its mesh. 0 when it has no landmarks. */
static int face_frame(const segtex_face_landmarks *lm, int w, int h, float *cx, float *cy, float *fh)
{
    if (lm->count <= 0)
        return 0;
    float x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    int n = lm->count < SEGTEX_FACE_MESH_POINTS ? lm->count : SEGTEX_FACE_MESH_POINTS;
    for (int i = 0; i < n; i++) {
        float x = lm->xyz[i][0] * (float)w, y = lm->xyz[i][1] * (float)h;
        x0 = fminf(x0, x), x1 = fmaxf(x1, x), y0 = fminf(y0, y), y1 = fmaxf(y1, y);
    }
    *cx = 0.5f * (x0 + x1), *cy = 0.5f * (y0 + y1), *fh = y1 - y0;
    return *fh >= 1.0f;
}

static int nose_near(const segtex_pose_result *r, float cx, float cy, float fh, int w, int h)
{
    float nx, ny;
    at(r, SEGTEX_POSE_NOSE, w, h, &nx, &ny);
    return hypotf(nx - cx, ny - cy) < fh;
}

/* Label the cells where `person` >= 0.5 by 4-connected component; returns how many (at most GRID x GRID / 2). */
static int label_components(segtex_pose_finder *f, const segtex_image *person)
{
    short *lab = f->label;
    for (int y = 0; y < GRID; y++) {
        const uint8_t *row = person->data + (ptrdiff_t)((y * person->height + person->height / 2) / GRID) * person->stride;
        for (int x = 0; x < GRID; x++)
            lab[y * GRID + x] = row[(ptrdiff_t)((x * person->width + person->width / 2) / GRID) * person->channels] >= 128
                                    ? -1
                                    : 0;
    }
    int n = 0;
    for (int s = 0; s < GRID * GRID; s++) {
        if (lab[s] != -1)
            continue;
        n++;
        int top = 0;
        f->stack[top++] = s;
        lab[s] = (short)n;
        while (top) { /* each cell is pushed once: the stack never holds more than GRID x GRID */
            int c = f->stack[--top], cx = c % GRID, cy = c / GRID;
            int nb[4] = {cx > 0 ? c - 1 : -1, cx < GRID - 1 ? c + 1 : -1, cy > 0 ? c - GRID : -1,
                         cy < GRID - 1 ? c + GRID : -1};
            for (int k = 0; k < 4; k++)
                if (nb[k] >= 0 && lab[nb[k]] == -1)
                    lab[nb[k]] = (short)n, f->stack[top++] = nb[k];
        }
    }
    return n;
}

/* The component id at normalized (u, v) or in the 8 cells around it (a landmark just off the mask); 0: none. */
static int touches(const segtex_pose_finder *f, float u, float v, int id)
{
    if (!(u > -0.5f && u < 1.5f && v > -0.5f && v < 1.5f)) /* far off the frame (or NaN) */
        return 0;
    int gx = (int)floorf(u * GRID), gy = (int)floorf(v * GRID);
    for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++) {
            int x = gx + dx, y = gy + dy;
            if (x >= 0 && y >= 0 && x < GRID && y < GRID && f->label[y * GRID + x] == id)
                return 1;
        }
    return 0;
}

/* Does the pose lie on component `id` (its nose, shoulders or hips)? */
static int pose_on(const segtex_pose_finder *f, const segtex_pose_result *r, int id)
{
    static const int pts[] = {SEGTEX_POSE_NOSE, SEGTEX_POSE_LEFT_SHOULDER, SEGTEX_POSE_RIGHT_SHOULDER,
                              SEGTEX_POSE_LEFT_HIP, SEGTEX_POSE_RIGHT_HIP};
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++)
        if (touches(f, r->landmarks[pts[i]][0], r->landmarks[pts[i]][1], id))
            return 1;
    return 0;
}

static int check_image(const segtex_image *img, int channels_min, const char *what)
{
    if (!img || !img->data || img->width < 1 || img->height < 1 || img->channels < channels_min ||
        img->stride < img->width * img->channels) {
        LOG_ERROR("pose finder: %s is missing or not a valid image", what);
        return 0;
    }
    return 1;
}

int segtex_pose_finder_find(segtex_pose_finder *f, const segtex_image *img, const segtex_face_result *faces,
                            const segtex_image *person, segtex_pose_result *out, int max_poses)
{
    if (!f || !out || !check_image(img, 3, "the image") || (person && !check_image(person, 1, "the person mask")))
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    if (max_poses < 1 || max_poses > SEGTEX_MAX_POSES) {
        LOG_ERROR("pose finder: max_poses %d, must be 1..%d", max_poses, SEGTEX_MAX_POSES);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    const int w = img->width, h = img->height;
    int n = 0, kept;
    segtex_status st;
    /* 1. The detector. */
    int nd = segtex_pose_detector_detect(f->detector, img, f->o.min_score, f->det, max_poses);
    if (nd < 0)
        return nd;
    for (int i = 0; i < max_poses; i++)
        out[i].count = 0;
    for (int i = 0; i < nd && n < max_poses; i++) {
        segtex_roi roi = segtex_pose_roi_from_detection(&f->det[i], w, h);
        if ((st = try_roi(f, img, &roi, f->det[i].score, out, n, &kept)))
            return st;
        n += kept;
    }
    /* 2. Faces no pose's nose is near. */
    for (int i = 0; faces && i < faces->count && i < SEGTEX_MAX_FACES && n < max_poses; i++) {
        float cx, cy, fh;
        if (!face_frame(&faces->faces[i], w, h, &cx, &cy, &fh))
            continue;
        int has = 0;
        for (int k = 0; k < n && !has; k++)
            has = nose_near(&out[k], cx, cy, fh, w, h);
        if (has)
            continue;
        segtex_roi roi = {cx, cy + FACE_ROI_DOWN * fh, FACE_ROI_SIDE * fh, 0};
        if ((st = try_roi(f, img, &roi, 0, out, n, &kept)))
            return st;
        n += kept && nose_near(&out[n], cx, cy, fh, w, h);
    }
    /* 3. Large person-mask components no pose touches. */
    int nc = person && n < max_poses ? label_components(f, person) : 0;
    for (int id = 1; id <= nc && n < max_poses; id++) {
        int x0 = GRID, y0 = GRID, x1 = -1, y1 = -1, area = 0;
        for (int y = 0; y < GRID; y++)
            for (int x = 0; x < GRID; x++)
                if (f->label[y * GRID + x] == id) {
                    area++;
                    x0 = x < x0 ? x : x0, x1 = x > x1 ? x : x1, y0 = y < y0 ? y : y0, y1 = y > y1 ? y : y1;
                }
        if ((float)area < f->o.min_area * GRID * GRID)
            continue;
        int has = 0;
        for (int k = 0; k < n && !has; k++)
            has = pose_on(f, &out[k], id);
        if (has)
            continue;
        /* The box in pixels (cell edges). */
        float bx0 = (float)x0 * w / GRID, bx1 = (float)(x1 + 1) * w / GRID;
        float by0 = (float)y0 * h / GRID, by1 = (float)(y1 + 1) * h / GRID;
        float side = fmaxf(bx1 - bx0, by1 - by0);
        segtex_roi roi = {0.5f * (bx0 + bx1), 0.5f * (by0 + by1), 1.25f * side, 0};
        if (y1 == GRID - 1) { /* cut off by the frame's bottom: the body goes on below it */
            roi.size = 1.4f * side;
            roi.cy = by0 + 0.5f * roi.size;
        }
        if ((st = component_pose(f, img, &roi, side, out, n, &kept)))
            return st;
        n += kept && pose_on(f, &out[n], id);
    }
    /* 4. The detector's weaker detections, where no pose is yet: a person the selfie models half see (cut
     * off by the frame, from behind) and no face gives away. Their poses must stand apart from every pose
     * found, so a second look at someone already found adds nobody. */
    int nw = n < max_poses && f->o.min_score < 1.0f ? segtex_pose_detector_detect(f->detector, img, WEAK_SHARE * f->o.min_score, f->weak,
                                                         max_poses)
                           : 0;
    if (nw < 0)
        return nw;
    /* (a second pass: below min_score the detector's weighted suppression blends more boxes, which would move
     * the strong detections' regions; those are taken as the first pass made them) */
    for (int i = 0; i < nw && n < max_poses; i++) {
        if (f->weak[i].score >= f->o.min_score)
            continue;
        segtex_roi roi = segtex_pose_roi_from_detection(&f->weak[i], w, h);
        if ((st = try_roi(f, img, &roi, f->weak[i].score, out, n, &kept)))
            return st;
        for (int k = 0; k < n && kept; k++)
            kept = overlap(&out[k], &out[n], w, h) <= WEAK_OVERLAP;
        n += kept;
    }
    for (int i = n; i < max_poses; i++) /* what was tried and not kept is no pose */
        out[i].count = 0;
    return n;
}
