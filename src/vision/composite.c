/*
 * The composite six-category segmenter: fuses the person masks, builds the
 * people (composite_geom.c), learns their colours (composite_colour.c) and
 * decides each pixel by prior x likelihood, with hysteresis; a dark or washed-out
 * frame's colours are brought to a lit one's first (exposure). See README:
 * "Composite segmenter".
 */
#include "vision/composite_run.h"

#include "core/log.h"
#include "vision/composite.h"
#include "vision/letterbox.h"
#include "vision/vision_math.h"

#include <math.h>
#include <string.h>

#define C SEGTEX_CATEGORY_COUNT
#define RATE 0.15f       /* colour models: weight of a new frame's estimate */
#define HYSTERESIS 1.5f  /* log-odds bonus of the previous frame's category */
#define PERSON_HOLD 0.5f /* ... and of the previous frame's person decision, person or background (see hold_person) */
#define COLOUR_W 0.6f    /* weight of the colour log likelihoods against the priors */
#define POOL 0.3f        /* weight of each of a block's 4 neighbours (same person, same region) in its score */
#define POOL_FLOOR 3.0f  /* a neighbour's score counts from its best down to this much below: no outlier sways */
#define EXPOSE_PCT 0.98f      /* exposure: the person's bright end, this percentile of luma, */
#define EXPOSE_TARGET 200.0f  /* ... is brought up to this level, */
#define EXPOSE_MAX 4.0f       /* ... by a gain of at most this */
#define CONTRAST_T 180.0f     /* a lit frame's person spans at least this much luma (2nd to 98th percentile) */
#define CONTRAST_MAX 2.0f     /* ... stretched to it by at most this */
#define AGREE 0.75f   /* fuse_person: the selfie mask holding this share of a pose's mask has found its person, */
#define SURE_BG 0.02f /* ... and below this it is sure of background: there the pose's mask counts only */
#define R_BONE 0.3f   /* ... within this many torso sizes of its nearest bone, when it sees both its ends */
#define PAIR_SURE 0.85f /* ... and elsewhere a pixel it calls background is the pose's person only when the two
                         * probabilities add up to this; under it, their mean (background) */
#define HAIR_JOIN 2.0f /* comp_hair_joins' margin (see there) */
#define HAIR_SURE 3.0f /* comp_refit_hair: a head block whose hair score is this far ahead of the rest is sure hair, */
#define HAIR_REFIT_HUE 0.5f /* ... on a frame with this much hue (comp_colours_hue): a grey head has only its luma */

struct segtex_composite {
    int max_pixels;
    float *person;     /* fused person probability, grid */
    uint8_t *prev;     /* previous category, grid (255: none) */
    uint8_t *held;     /* previous person decision (1 person, 0 background), grid, after hold_person */
    int prev_w, prev_h;
    float *samples;    /* COMP_MAX_SAMPLES x 3 */
    float *score;      /* per 2x2 block: COMP_SCORE_N floats (scores less the best; NAN: no person), row-major */
    float *shares;     /* per block: the person's share of each category (COMP_K), as decided */
    float *colour;     /* per block: its mean colour (Y'CbCr, exposed), as scored */
    uint8_t *decided;  /* per block: the index (< COMP_K) of the category decided; COMP_K: background */
    int *queue;        /* comp_hair_joins' blocks to visit */
    comp_person people[COMP_MAX_PEOPLE];
    comp_colours colours[COMP_MAX_PEOPLE];
    comp_colours scratch[COMP_MAX_PEOPLE];
    int ncolours;
};

segtex_status segtex_composite_create(int max_pixels, segtex_composite **out)
{
    segtex_composite *c = segtex_calloc(1, sizeof *c);
    *out = NULL;
    if (!c)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    c->max_pixels = max_pixels;
    c->person = segtex_aligned_alloc(sizeof(float) * (size_t)max_pixels, 64);
    c->prev = segtex_malloc((size_t)max_pixels);
    c->held = segtex_malloc((size_t)max_pixels);
    c->samples = segtex_malloc(sizeof(float) * 3 * COMP_MAX_SAMPLES);
    c->score = segtex_malloc(sizeof(float) * COMP_SCORE_N * (size_t)max_pixels); /* blocks <= pixels */
    c->shares = segtex_malloc(sizeof(float) * COMP_K * (size_t)max_pixels);
    c->colour = segtex_malloc(sizeof(float) * 3 * (size_t)max_pixels);
    c->decided = segtex_malloc((size_t)max_pixels);
    c->queue = segtex_malloc(sizeof(int) * (size_t)max_pixels);
    if (!c->person || !c->prev || !c->held || !c->samples || !c->score || !c->shares || !c->colour || !c->decided ||
        !c->queue) {
        segtex_composite_destroy(c);
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    }
    *out = c;
    return SEGTEX_OK;
}

void segtex_composite_destroy(segtex_composite *c)
{
    if (!c)
        return;
    segtex_aligned_free(c->person);
    segtex_free(c->prev);
    segtex_free(c->held);
    segtex_free(c->samples);
    segtex_free(c->score);
    segtex_free(c->shares);
    segtex_free(c->colour);
    segtex_free(c->decided);
    segtex_free(c->queue);
    segtex_free(c);
}

void segtex_composite_reset(segtex_composite *c)
{
    c->prev_w = c->prev_h = 0;
    c->ncolours = 0;
    memset(c->colours, 0, sizeof c->colours);
}

/* The grid pixels of 2x2 block (bx, by), each once (a block on an odd grid's last column or row has fewer); returns
 * how many. */
static int block_pixels(int w, int h, int bx, int by, size_t idx[4])
{
    const int x = 2 * bx, y = 2 * by;
    int n = 0;
    for (int j = 0; j < 2 && y + j < h; j++)
        for (int i = 0; i < 2 && x + i < w; i++)
            idx[n++] = (size_t)(y + j) * w + (size_t)(x + i);
    return n;
}

/* Share of a mask's pixels above one half. */
static float coverage(const float *m, int w, int h)
{
    long n = 0;
    for (int i = 0; i < w * h; i++)
        n += m[i] > 0.5f;
    return (float)n / (float)(w * h);
}

/* A pose's ROI map: image offset from the ROI centre -> mask pixel (the inverse rotation and scale). */
typedef struct pose_map {
    float cs, sn, k;
} pose_map;

/* The pose's mask at image point (ix, iy); 0 outside its ROI. */
static float pose_mask_at(const segtex_pose_result *pose, const pose_map *m, float ix, float iy)
{
    const float n = (float)SEGTEX_POSE_MASK_SIZE, dx = ix - pose->roi.cx, dy = iy - pose->roi.cy;
    float mu = (dx * m->cs + dy * m->sn) * m->k + 0.5f * n - 0.5f, mv = (-dx * m->sn + dy * m->cs) * m->k + 0.5f * n - 0.5f;
    if (!(mu > -0.5f && mu < n - 0.5f && mv > -0.5f && mv < n - 0.5f))
        return 0.0f;
    return grid_at(pose->mask, SEGTEX_POSE_MASK_SIZE, SEGTEX_POSE_MASK_SIZE, (mu + 0.5f) / n, (mv + 0.5f) / n);
}

/* Whether the pose's bone nearest to (x, y) has both its ends seen and lies within r: a pixel nearer a
 * guessed bone (a leg behind a coat) than to any seen one is the guess's. */
static int near_seen_bone(const float bone[][4], const int *seen, float r, float x, float y)
{
    float bd = INFINITY;
    int best = 0;
    for (int b = 0; b < SEGTEX_POSE_CONNECTION_COUNT; b++) {
        float d = comp_seg_dist2(bone[b][0], bone[b][1], bone[b][2], bone[b][3], x, y);
        if (d < bd)
            bd = d, best = b;
    }
    return seen[best] && bd < r * r;
}

/* The grid's cells a pose's ROI (a rotated square) can touch: [box[0], box[2]) x [box[1], box[3]); outside it its
 * mask is 0. gx, gy: image pixels per grid cell. */
static void pose_box(const segtex_pose_result *pose, float gx, float gy, int w, int h, int box[4])
{
    const float e = 0.5f * pose->roi.size * (fabsf(cosf(pose->roi.rotation)) + fabsf(sinf(pose->roi.rotation))) + 1.0f;
    const float lo[2] = {(pose->roi.cx - e) / gx - 0.5f, (pose->roi.cy - e) / gy - 0.5f},
                hi[2] = {(pose->roi.cx + e) / gx + 0.5f, (pose->roi.cy + e) / gy + 0.5f};
    const int n[2] = {w, h};
    for (int k = 0; k < 2; k++) {
        float a = fmaxf(floorf(lo[k]), 0.0f), b = fminf(ceilf(hi[k]) + 1.0f, (float)n[k]);
        box[k] = (int)a, box[k + 2] = b > a ? (int)b : (int)a;
    }
}

/* Whether a pose carries a segmentation to fuse. */
static int pose_has_mask(const segtex_pose_result *pose)
{
    return pose->count > 0 && pose->mask_size == SEGTEX_POSE_MASK_SIZE && pose->roi.size > 0;
}

/* The pose's torso in pixels: the larger of its length (shoulders' to hips' midpoint) and its shoulders' width
 * (a torso foreshortened toward the camera keeps the shoulders'). */
static float torso_size(const segtex_pose_result *pose, int iw, int ih)
{
    const float(*L)[5] = pose->landmarks;
    const int ls = SEGTEX_POSE_LEFT_SHOULDER, rs = SEGTEX_POSE_RIGHT_SHOULDER, lh = SEGTEX_POSE_LEFT_HIP,
              rh = SEGTEX_POSE_RIGHT_HIP;
    float len = 0.5f * hypotf((L[ls][0] + L[rs][0] - L[lh][0] - L[rh][0]) * (float)iw,
                              (L[ls][1] + L[rs][1] - L[lh][1] - L[rh][1]) * (float)ih);
    return fmaxf(len, hypotf((L[ls][0] - L[rs][0]) * (float)iw, (L[ls][1] - L[rs][1]) * (float)ih));
}

float segtex_composite_pose_agreement(const float *mask, int w, int h, const segtex_people *people, int iw, int ih)
{
    int npose = segtex_people_pose_count(people);
    npose = npose < SEGTEX_MAX_POSES ? npose : SEGTEX_MAX_POSES;
    const segtex_pose_result *with[SEGTEX_MAX_POSES]; /* the poses carrying a mask, and their maps */
    pose_map map[SEGTEX_MAX_POSES];
    int nm = 0;
    for (int q = 0; q < npose; q++)
        if (pose_has_mask(&people->pose[q])) {
            const segtex_pose_result *pose = with[nm] = &people->pose[q];
            map[nm++] = (pose_map){cosf(pose->roi.rotation), sinf(pose->roi.rotation),
                                   (float)SEGTEX_POSE_MASK_SIZE / pose->roi.size};
        }
    if (!nm || !mask || w < 1 || h < 1 || iw < 1 || ih < 1)
        return -1.0f;
    const int n = SEGTEX_POSE_AGREE_GRID;
    long both = 0, either = 0;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            const float u = ((float)i + 0.5f) / (float)n, v = ((float)j + 0.5f) / (float)n;
            float pm = 0.0f;
            for (int q = 0; q < nm && pm < 0.5f; q++)
                pm = comp_max(pm, pose_mask_at(with[q], &map[q], u * (float)iw, v * (float)ih));
            const int a = grid_at(mask, w, h, u, v) >= 0.5f, b = pm >= 0.5f;
            both += a && b, either += a || b;
        }
    return either ? (float)both / (float)either : 0.0f;
}

/*
 * The person probability on the output grid. Measured on the labelled
 * photos (README: "Composite segmenter"): below 4:3 the square selfie model
 * (the landscape one is not run); from 4:3 up the landscape model, which
 * misses less of a small, far body; where the square one ran too (the
 * landscape one found nobody, or its mask agreed with the poses' own under
 * POSE_DOUBT, segmenter.c), the one agreeing better with the poses' masks,
 * or without poses the one finding more; then the pose model's own
 * mask, where the pose is, by maximum (it holds the limbs the selfie models
 * lose, and people they miss). Where the selfie mask has found the pose's
 * person (holds AGREE of its mask) and is sure a pixel is background (under
 * SURE_BG), the pose's mask counts only where the nearest of its bones has
 * its two landmarks seen and lies within R_BONE torso sizes: it also paints
 * limbs it guesses (the cameraman's legs, behind his coat, over the grass).
 * Where it has found the person, the pose's mask is also blurrier at its
 * edges than the selfie's (a blob over webcam2's shoulder and the room
 * behind it): a pixel the selfie calls background (under 0.5) turns person
 * only when the selfie's and the pose's probabilities add up to PAIR_SURE,
 * else it takes their mean (docs/composite.md, session 23: person IoU on the
 * 25 cases 0.9070 -> 0.9101, mIoU4 0.7071 -> 0.7089; at 1, the mean
 * wherever the pose's mask is above the selfie's, 0.7048: receding's dark
 * collar at the frame's bottom, which the pose's mask holds, was lost).
 * Each pose's agreement is measured on the selfie mask alone, so the order
 * of the poses does not matter.
 */
static void fuse_person(segtex_composite *c, const segtex_composite_masks *mk, const segtex_people *people, int w,
                        int h, int iw, int ih)
{
    /* Both selfie models ran: the one that agrees better with the poses' masks, else the one that finds more. */
    int use_landscape = mk->landscape != NULL;
    if (mk->landscape && mk->square) {
        float al = segtex_composite_pose_agreement(mk->landscape, mk->landscape_w, mk->landscape_h, people, iw, ih);
        float as = segtex_composite_pose_agreement(mk->square, mk->square_w, mk->square_h, people, iw, ih);
        use_landscape = al >= 0.0f ? al >= as
                                   : coverage(mk->landscape, mk->landscape_w, mk->landscape_h) >=
                                         coverage(mk->square, mk->square_w, mk->square_h);
    }
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float u = ((float)x + 0.5f) / (float)w, v = ((float)y + 0.5f) / (float)h, p;
            if (use_landscape)
                p = grid_at(mk->landscape, mk->landscape_w, mk->landscape_h, u, v);
            else if (mk->square_w == w && mk->square_h == h)
                p = mk->square[y * w + x];
            else
                p = grid_at(mk->square, mk->square_w, mk->square_h, u, v);
            c->person[y * w + x] = p;
        }
    /* Every pose's own mask by maximum, where it is believed (see above). */
    const float gx = (float)iw / (float)w, gy = (float)ih / (float)h;
    int npose = segtex_people_pose_count(people);
    npose = npose < SEGTEX_MAX_POSES ? npose : SEGTEX_MAX_POSES;
    float sure_bg[SEGTEX_MAX_POSES];
    pose_map map[SEGTEX_MAX_POSES];
    int box[SEGTEX_MAX_POSES][4];
    for (int q = 0; q < npose; q++) {
        const segtex_pose_result *pose = &people->pose[q];
        sure_bg[q] = -1.0f;
        if (!pose_has_mask(pose))
            continue;
        map[q] = (pose_map){cosf(pose->roi.rotation), sinf(pose->roi.rotation),
                            (float)SEGTEX_POSE_MASK_SIZE / pose->roi.size};
        /* How much of the pose's mask the selfie mask holds (every other pixel): has it found this person? */
        int in_pose = 0, in_both = 0;
        pose_box(pose, gx, gy, w, h, box[q]);
        for (int y = box[q][1] & ~1; y < box[q][3]; y += 2)
            for (int x = box[q][0] & ~1; x < box[q][2]; x += 2) {
                float m = pose_mask_at(pose, &map[q], ((float)x + 0.5f) * gx, ((float)y + 0.5f) * gy);
                in_pose += m >= 0.5f;
                in_both += m >= 0.5f && c->person[y * w + x] >= 0.5f;
            }
        if (in_pose > 0 && (float)in_both >= AGREE * (float)in_pose)
            sure_bg[q] = SURE_BG;
    }
    for (int q = 0; q < npose; q++) {
        const segtex_pose_result *pose = &people->pose[q];
        if (!pose_has_mask(pose))
            continue;
        float bone[SEGTEX_POSE_CONNECTION_COUNT][4];
        int seen[SEGTEX_POSE_CONNECTION_COUNT];
        for (int b = 0; b < SEGTEX_POSE_CONNECTION_COUNT; b++) {
            int i = 0, j = 0;
            segtex_pose_connection(b, &i, &j);
            bone[b][0] = pose->landmarks[i][0] * (float)iw, bone[b][1] = pose->landmarks[i][1] * (float)ih;
            bone[b][2] = pose->landmarks[j][0] * (float)iw, bone[b][3] = pose->landmarks[j][1] * (float)ih;
            seen[b] = pose->landmarks[i][3] >= SEGTEX_POSE_SEEN && pose->landmarks[j][3] >= SEGTEX_POSE_SEEN;
        }
        const float reach = R_BONE * torso_size(pose, iw, ih);
        const int found = sure_bg[q] >= 0.0f; /* the selfie mask holds this pose's person */
        for (int y = box[q][1]; y < box[q][3]; y++)
            for (int x = box[q][0]; x < box[q][2]; x++) {
                float *p = &c->person[y * w + x];
                if (*p >= 0.99f) /* nothing to add to a sure pixel */
                    continue;
                const float ix = ((float)x + 0.5f) * gx, iy = ((float)y + 0.5f) * gy;
                const float m = pose_mask_at(pose, &map[q], ix, iy);
                /* Over the selfie's sure background only a pixel the pose holds, along a bone it sees; beside a
                 * person the selfie found, the pose's value only where the two add up to PAIR_SURE. */
                if (m > *p && (*p >= sure_bg[q] || (m >= 0.5f && near_seen_bone(bone, seen, reach, ix, iy))))
                    *p = found && *p + m < PAIR_SURE ? 0.5f * (*p + m) : m;
            }
    }
    for (int i = 0; i < w * h; i++)
        c->person[i] = comp_min(comp_max(c->person[i], 0.0f), 1.0f);
}

/* A film's black bars (letterbox.c): no person there, whatever the selfie models saw (a bar under a chin is
 * not the person's clothes). A grid cell is out when its centre is (gx, gy: image pixels per cell). */
static void outside_picture(float *person, int w, int h, float gx, float gy, const int pic[4])
{
    for (int y = 0; y < h; y++) {
        const float iy = ((float)y + 0.5f) * gy;
        for (int x = 0; x < w; x++) {
            const float ix = ((float)x + 0.5f) * gx;
            if (ix < (float)pic[0] || iy < (float)pic[1] || ix >= (float)pic[2] || iy >= (float)pic[3])
                person[y * w + x] = 0.0f;
        }
    }
}

/*
 * The frame's exposure (comp_expose). A dark frame (a room at night) has its
 * luma and its chroma shrunk alike, under the colour models' variance
 * floors and the colour weight's chroma scale: the person's bright end (the
 * EXPOSE_PCT-th percentile of luma where the mask is sure) is brought up to
 * EXPOSE_TARGET, by a gain of at most EXPOSE_MAX. A washed-out frame (haze,
 * glare, a webcam's contrast turned down) is bright but flat: its person's
 * luma from the (1 - EXPOSE_PCT)-th to the EXPOSE_PCT-th percentile is
 * stretched, about the bright end, to CONTRAST_T at most, chroma with it. A
 * frame that is neither is left as it is.
 */
static comp_exposure exposure(const segtex_composite *c, const segtex_image *img, int w, int h)
{
    unsigned hist[256] = {0}, n = 0;
    const int iw = img->width, ih = img->height;
    comp_exposure ex = {1.0f, 0.0f};
    for (int y = 0; y < h; y += 2) {
        const uint8_t *row = img->data + (ptrdiff_t)((int)(((float)y + 0.5f) * (float)ih / (float)h)) * img->stride;
        for (int x = 0; x < w; x += 2) {
            if (c->person[y * w + x] < 0.5f)
                continue;
            const uint8_t *q = row + (ptrdiff_t)((int)(((float)x + 0.5f) * (float)iw / (float)w)) * img->channels;
            hist[(77 * q[0] + 150 * q[1] + 29 * q[2]) >> 8]++, n++;
        }
    }
    if (n < 64)
        return ex;
    unsigned lo_n = (unsigned)((1.0f - EXPOSE_PCT) * (float)n), hi_n = (unsigned)(EXPOSE_PCT * (float)n), acc = 0;
    int lo = -1, hi = 255;
    for (int v = 0; v < 256; v++) {
        acc += hist[v];
        if (lo < 0 && acc > lo_n)
            lo = v;
        if (acc > hi_n) {
            hi = v;
            break;
        }
    }
    if ((float)hi < EXPOSE_TARGET) {
        ex.gain = fminf(EXPOSE_TARGET / fmaxf((float)hi, 1.0f), EXPOSE_MAX);
    } else {
        ex.gain = fminf(fmaxf(CONTRAST_T / fmaxf((float)(hi - lo), 1.0f), 1.0f), CONTRAST_MAX);
        ex.pivot = (float)hi;
    }
    return ex;
}

/* Match this frame's people to last frame's colour models (nearest centre), learn, blend. */
static void learn(segtex_composite *c, int np, const segtex_image *img, int w, int h, comp_exposure ex)
{
    int taken[COMP_MAX_PEOPLE] = {0};
    for (int i = 0; i < np; i++) {
        const comp_person *p = &c->people[i];
        int best = -1;
        float bd = 1.0f; /* within one body scale */
        for (int k = 0; k < c->ncolours; k++) {
            float d = hypotf(c->colours[k].cx - p->cx, c->colours[k].cy - p->cy) / fmaxf(p->scale, 1.0f);
            if (!taken[k] && c->colours[k].valid && d < bd)
                bd = d, best = k;
        }
        if (best >= 0) {
            taken[best] = 1;
            c->scratch[i] = c->colours[best];
        } else {
            memset(&c->scratch[i], 0, sizeof c->scratch[i]);
        }
        comp_colours_learn(&c->scratch[i], p, img, c->person, w, h, RATE, ex, c->samples);
    }
    memcpy(c->colours, c->scratch, sizeof(comp_colours) * (size_t)np);
    for (int i = 0; i < np; i++)
        c->people[i].hue = comp_colours_hue(&c->colours[i]), c->people[i].bare = comp_colours_bare(&c->colours[i]),
        c->people[i].unseen = comp_colours_clothes_unseen(&c->colours[i]);
    c->ncolours = np;
}

/* Block (x, y)'s (the grid's 2 x 2 pixels from there) mean colour, exposed: Y'CbCr is affine in RGB, so the mean RGB
 * is converted once. (sx, sy): image pixels per grid pixel. */
static void block_colour(const segtex_image *img, int x, int y, int w, int h, float sx, float sy, comp_exposure ex,
                         float ycc[3])
{
    const int iw = img->width, ih = img->height;
    const int gx[2] = {x, x + 1 < w ? x + 1 : x}, gy[2] = {y, y + 1 < h ? y + 1 : y};
    unsigned sum[3] = {0, 0, 0};
    for (int j = 0; j < 2; j++) {
        int iy = (int)(((float)gy[j] + 0.5f) * sy);
        const uint8_t *row = img->data + (ptrdiff_t)(iy < ih ? iy : ih - 1) * img->stride;
        for (int i = 0; i < 2; i++) {
            int ix = (int)(((float)gx[i] + 0.5f) * sx);
            const uint8_t *q = row + (ptrdiff_t)(ix < iw ? ix : iw - 1) * img->channels;
            sum[0] += q[0], sum[1] += q[1], sum[2] += q[2];
        }
    }
    comp_rgb_to_ycc_f(0.25f * (float)sum[0], 0.25f * (float)sum[1], 0.25f * (float)sum[2], ycc);
    comp_expose(ycc, ex);
}

/* Whether the block at grid (x, y) with scores sc is sure hair of person `who`'s head: in the head's region and the
 * person mask, hair ahead of every other category by HAIR_SURE. */
static int sure_hair(const float *sc, const float *person, int who, int x, int y, int w, int h)
{
    if (isnan(sc[0]) || sc[COMP_K] != (float)(who * COMP_REGION_COUNT + COMP_REGION_HEAD) || sc[COMP_HAIR] < 0.0f)
        return 0;
    for (int k = 0; k < COMP_K; k++)
        if (k != COMP_HAIR && sc[k] > -HAIR_SURE)
            return 0;
    return person[(size_t)y * w + x] >= 0.5f && person[(size_t)(y + 1 < h ? y + 1 : y) * w + x] >= 0.5f;
}

int comp_refit_hair(comp_colours *m, int who, float *score, const float *colour, const float *person, int w, int h,
                    float rate, float *buf)
{
    if (comp_colours_hue(m) < HAIR_REFIT_HUE)
        return 0;
    const int bw = (w + 1) / 2, bh = (h + 1) / 2;
    int sure = 0, n = 0, seen = 0;
    for (int b = 0; b < bw * bh; b++)
        sure += sure_hair(score + (size_t)b * COMP_SCORE_N, person, who, (b % bw) * 2, (b / bw) * 2, w, h);
    const int step = sure / COMP_MAX_SAMPLES + 1; /* evenly over the head, at most COMP_MAX_SAMPLES */
    for (int b = 0; b < bw * bh && n < COMP_MAX_SAMPLES; b++)
        if (sure_hair(score + (size_t)b * COMP_SCORE_N, person, who, (b % bw) * 2, (b / bw) * 2, w, h) &&
            seen++ % step == 0)
            memcpy(buf + 3 * n++, colour + (size_t)b * 3, sizeof(float) * 3);
    const comp_colours before = *m;
    if (!comp_colours_refit_hair(m, buf, n, rate))
        return 0;
    for (int b = 0; b < bw * bh; b++) {
        float *sc = score + (size_t)b * COMP_SCORE_N, mx = -INFINITY;
        if (isnan(sc[0]) || (int)sc[COMP_K] / COMP_REGION_COUNT != who)
            continue;
        sc[COMP_HAIR] += COLOUR_W * (comp_colours_hair_ll(m, colour + (size_t)b * 3) -
                                     comp_colours_hair_ll(&before, colour + (size_t)b * 3));
        for (int k = 0; k < COMP_K; k++)
            mx = comp_max(mx, sc[k]);
        for (int k = 0; k < COMP_K; k++)
            sc[k] -= mx;
    }
    return n;
}

static const int to_category[COMP_K] = {SEGTEX_CATEGORY_HAIR, SEGTEX_CATEGORY_BODY_SKIN, SEGTEX_CATEGORY_FACE_SKIN,
                                        SEGTEX_CATEGORY_CLOTHES, SEGTEX_CATEGORY_OTHERS};

/* c->decided's flags past the category: the hair floods' mark (free again after them: smooth_blocks' border mark) */
enum { VISITED = 0x80, SMOOTH = VISITED, CATEGORY = 0x0f };

/*
 * The blocks a hair flood re-labelled (`flag`: COMP_JOINED or COMP_DETACHED in c->decided): each pixel's hair
 * probability trades places with the category the block was (joined: clothes, or body skin with COMP_JOINED_SKIN)
 * or becomes (detached: clothes), and its previous category is the new one. Each pixel once: swapped twice, it would
 * swap back.
 */
static void swap_flagged(segtex_composite *c, segtex_seg_result *out, int bw, int bh, int flag)
{
    const int w = out->width, h = out->height;
    for (int b = 0; b < bw * bh; b++) {
        if (!(c->decided[b] & flag))
            continue;
        const int other = flag == COMP_JOINED && (c->decided[b] & COMP_JOINED_SKIN) ? SEGTEX_CATEGORY_BODY_SKIN
                                                                                     : SEGTEX_CATEGORY_CLOTHES;
        const uint8_t now = flag == COMP_JOINED ? SEGTEX_CATEGORY_HAIR : (uint8_t)other;
        float *sh = c->shares + (size_t)b * COMP_K, t = sh[COMP_HAIR];
        const int k = other == SEGTEX_CATEGORY_BODY_SKIN ? COMP_BODY : COMP_CLOTHES;
        sh[COMP_HAIR] = sh[k], sh[k] = t;
        size_t idx[4];
        const int npx = block_pixels(w, h, b % bw, b / bw, idx);
        for (int q = 0; q < npx; q++) {
            float *pr = out->prob + idx[q] * C, t = pr[SEGTEX_CATEGORY_HAIR];
            pr[SEGTEX_CATEGORY_HAIR] = pr[other], pr[other] = t;
            c->prev[idx[q]] = now;
        }
    }
}

/*
 * Each pixel's categories (the person's share of each) bilinear between the centres of the four blocks nearest it
 * (9/16 its own block's, 3/16 each of the two beside it, 1/16 the one across), so the borders between categories
 * are smooth curves at the grid's resolution, not the blocks' 2 x 2 steps: at 720p a jaw rendered from the blocks
 * was a sawtooth of 10-pixel teeth. Only in blocks beside a block decided another category (inside a category the
 * shares move little; the person's edge is the person probability's, the pixel's own); blocks decided background
 * (or with nobody scored) do not count.
 */
static void smooth_blocks(segtex_composite *c, segtex_seg_result *out, int bw, int bh)
{
    const int w = out->width, h = out->height;
    uint8_t *d = c->decided; /* its category: COMP_K where nobody is (background, or no person scored) */
    /* SMOOTH: a block and its 8-neighbour of another category, both someone's, each pair once */
    for (int by = 0; by < bh; by++)
        for (int bx = 0; bx < bw; bx++) {
            const int b = by * bw + bx, t = d[b] & CATEGORY;
            const int nb[4] = {bx + 1 < bw ? b + 1 : -1, by + 1 < bh ? b + bw : -1,
                               bx + 1 < bw && by + 1 < bh ? b + bw + 1 : -1, bx > 0 && by + 1 < bh ? b + bw - 1 : -1};
            for (int j = 0; j < 4 && t < COMP_K; j++)
                if (nb[j] >= 0 && (d[nb[j]] & CATEGORY) != t && (d[nb[j]] & CATEGORY) < COMP_K)
                    d[b] |= SMOOTH, d[nb[j]] |= SMOOTH;
        }
    for (int by = 0; by < bh; by++)
        for (int bx = 0; bx < bw; bx++) {
            if (!(d[by * bw + bx] & SMOOTH))
                continue;
            for (int y = 2 * by; y < 2 * by + 2 && y < h; y++)
                for (int x = 2 * bx; x < 2 * bx + 2 && x < w; x++) {
                    const int bx0 = (x + 1) / 2 - 1, by0 = (y + 1) / 2 - 1; /* the block centres at or before it */
                    const float fx = (x & 1) ? 0.25f : 0.75f, fy = (y & 1) ? 0.25f : 0.75f; /* the next ones' weights */
                    float acc[COMP_K] = {0}, wsum = 0.0f;
                    for (int j = 0; j < 4; j++) {
                        const int tx = bx0 + (j & 1), ty = by0 + (j >> 1);
                        if (tx < 0 || ty < 0 || tx >= bw || ty >= bh || (d[ty * bw + tx] & CATEGORY) == COMP_K)
                            continue;
                        const float *sh = c->shares + ((size_t)ty * bw + (size_t)tx) * COMP_K;
                        const float wt = ((j & 1) ? fx : 1.0f - fx) * ((j >> 1) ? fy : 1.0f - fy);
                        for (int k = 0; k < COMP_K; k++)
                            acc[k] += wt * sh[k];
                        wsum += wt;
                    }
                    float *o = out->prob + ((size_t)y * w + (size_t)x) * C;
                    const float f = (1.0f - o[SEGTEX_CATEGORY_BACKGROUND]) / wsum; /* its own block counts */
                    for (int k = 0; k < COMP_K; k++)
                        o[to_category[k]] = f * acc[k];
                }
        }
    for (int b = 0; b < bw * bh; b++)
        d[b] &= (uint8_t)~SMOOTH;
}

/*
 * The person's edge in video: the person probability's odds times e^PERSON_HOLD where the previous frame decided
 * person, divided by it where background, so a pixel near even stays what it was unless the masks move by more.
 * Sensor noise flipped the mask's edge every frame: the larger part of the flicker left on still clips
 * (docs/composite.md, session 20). Only from frame to frame of one size (never on stills: reset).
 */
static void hold_person(segtex_composite *c, int n, int hyst)
{
    const float e = expf(PERSON_HOLD);
    for (int i = 0; i < n; i++) {
        if (hyst) {
            const float p = c->person[i], odds = c->held[i] ? e : 1.0f / e;
            c->person[i] = p * odds / (p * odds + 1.0f - p);
        }
        c->held[i] = c->person[i] >= 0.5f;
    }
}

void segtex_composite_run(segtex_composite *c, const segtex_image *img, const segtex_people *people,
                          const segtex_composite_masks *masks, segtex_seg_result *out)
{
    const int w = out->width, h = out->height, iw = img->width, ih = img->height;
    fuse_person(c, masks, people, w, h, iw, ih);
    int pic[4];
    if (letterbox_find(img, pic))
        outside_picture(c->person, w, h, (float)iw / (float)w, (float)ih / (float)h, pic);
    hold_person(c, w * h, c->prev_w == w && c->prev_h == h);
    int np = comp_people_build(people, iw, ih, c->people);
    const comp_exposure ex = exposure(c, img, w, h);
    learn(c, np, img, w, h, ex);
    int hyst = c->prev_w == w && c->prev_h == h;
    /* A frame without people: the generic models (a chroma-only skin guess, wide clothes). */
    comp_colours none;
    if (np == 0) {
        memset(&none, 0, sizeof none);
        comp_person empty;
        memset(&empty, 0, sizeof empty);
        comp_colours_learn(&none, &empty, img, c->person, w, h, 1.0f, ex, c->samples);
    }
    /* Score per 2x2 block of the grid (the block's mean colour: a quarter of the work, and sensor
     * noise averaged); each pixel keeps its own person probability, so the mask's edges stay sharp. */
    const float sx = (float)iw / (float)w, sy = (float)ih / (float)h;
    const int bw = (w + 1) / 2, bh = (h + 1) / 2;
    for (int y = 0; y < h; y += 2) {
        const int y1 = y + 1 < h ? y + 1 : y;
        for (int x = 0; x < w; x += 2) {
            const int x1 = x + 1 < w ? x + 1 : x;
            float *sc = c->score + ((size_t)(y / 2) * bw + (size_t)(x / 2)) * COMP_SCORE_N;
            float pmax = comp_max(comp_max(c->person[(size_t)y * w + x], c->person[(size_t)y * w + x1]),
                                  comp_max(c->person[(size_t)y1 * w + x], c->person[(size_t)y1 * w + x1]));
            if (pmax < 0.02f) {
                sc[0] = NAN, sc[COMP_K] = -1.0f; /* no person's region */
                continue;
            }
            float px = ((float)x + 1.0f) * sx, py = ((float)y + 1.0f) * sy; /* the block's centre */
            /* The nearest person: the one whose region holds the block, else the closest. */
            float lp[COMP_K] = {-8.0f, -2.0f, -8.0f, 1.0f, 0.0f} /* nobody known: no head */, bd = INFINITY;
            const comp_colours *m = np ? &c->colours[0] : &none;
            int region = COMP_REGION_COUNT;
            for (int k = 0; k < np; k++) {
                float t[COMP_K], d;
                int r = comp_prior(&c->people[k], px, py, t, &d);
                if (d < bd) {
                    bd = d, m = &c->colours[k], region = k * COMP_REGION_COUNT + r;
                    memcpy(lp, t, sizeof lp);
                }
                if (d == 0)
                    break;
            }
            float *ycc = c->colour + ((size_t)(y / 2) * bw + (size_t)(x / 2)) * 3, ll[COMP_K];
            block_colour(img, x, y, w, h, sx, sy, ex, ycc);
            /* The neck and the torso: skin in the chin's shadow too (a shaded neck, the chest in a wide neckline, a
             * shoulder turned from the light). On the torso too, webcam +0.017 (its shaded chest was clothes: body
             * skin 0.418 -> 0.449), the 25 cases 0.7118 -> 0.7128, the 187 perturbed 0.6586 -> 0.6593 (none lower
             * by more than 0.002: blonde's tan coat); shaded skin on every region of the person: 0.7109 / 0.6571
             * (a shaded arm's colour is a dark sleeve's as often). */
            const int r = region % COMP_REGION_COUNT,
                      shaded = region < COMP_REGION_COUNT * np && (r == COMP_REGION_NECK || r == COMP_REGION_TORSO);
            comp_colours_loglik(m, ycc, shaded, ll);
            float mx = -INFINITY;
            for (int k = 0; k < COMP_K; k++)
                mx = comp_max(mx, sc[k] = lp[k] + COLOUR_W * ll[k]);
            for (int k = 0; k < COMP_K; k++)
                sc[k] -= mx;
            sc[COMP_K] = (float)region; /* pooled only with blocks of the same person and region */
        }
    }
    for (int i = 0; i < np; i++)
        comp_refit_hair(&c->colours[i], i, c->score, c->colour, c->person, w, h, RATE, c->samples);
    /* Decide: each block's score pooled with its person neighbours' (weight POOL each: a shadowed
     * knee or a highlight on a sleeve follows what surrounds it), the previous category's bonus,
     * then the most likely. */
    for (int by = 0; by < bh; by++)
        for (int bx = 0; bx < bw; bx++) {
            size_t idx[4];
            const int npx = block_pixels(w, h, bx, by, idx);
            float *sc = c->score + ((size_t)by * bw + (size_t)bx) * COMP_SCORE_N;
            sc[COMP_HELD] = 0.0f;
            float s[COMP_K] = {0};
            int best = COMP_CLOTHES;
            float pmax = 0.0f;
            for (int q = 0; q < npx; q++)
                pmax = comp_max(pmax, c->person[idx[q]]);
            if (!isnan(sc[0])) {
                float acc[COMP_K], wsum = 1.0f, second = -INFINITY;
                int top = 0;
                memcpy(acc, sc, sizeof acc);
                for (int k = 1; k < COMP_K; k++)
                    top = sc[k] > sc[top] ? k : top;
                for (int k = 0; k < COMP_K; k++) /* the best is 0: the margin is minus the second best */
                    second = k != top ? comp_max(second, sc[k]) : second;
                /* Neighbours, each bounded, cannot overturn a margin over 4 x POOL x POOL_FLOOR: skip them. */
                if (-second < 4.0f * POOL * POOL_FLOOR) {
                    static const int nb[4][2] = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
                    for (int j = 0; j < 4; j++) {
                        int nx = bx + nb[j][0], ny = by + nb[j][1];
                        if (nx < 0 || ny < 0 || nx >= bw || ny >= bh)
                            continue;
                        const float *o = c->score + ((size_t)ny * bw + (size_t)nx) * COMP_SCORE_N;
                        if (isnan(o[0]) || o[COMP_K] != sc[COMP_K])
                            continue;
                        for (int k = 0; k < COMP_K; k++)
                            acc[k] += POOL * comp_max(o[k], -POOL_FLOOR);
                        wsum += POOL;
                    }
                }
                int prev = hyst ? c->prev[idx[0]] : 255;
                for (int k = 0; k < COMP_K; k++)
                    if (prev == to_category[k])
                        sc[COMP_HELD] = (float)(k + 1); /* comp_hair_joins' hysteresis */
                float mx = -INFINITY;
                for (int k = 0; k < COMP_K; k++) {
                    s[k] = acc[k] / wsum + (prev == to_category[k] ? HYSTERESIS : 0.0f);
                    mx = comp_max(mx, s[k]);
                }
                float sum = 0;
                for (int k = 0; k < COMP_K; k++)
                    sum += s[k] = expf(s[k] - mx);
                best = 0;
                for (int k = 0; k < COMP_K; k++) {
                    s[k] /= sum;
                    best = s[k] > s[best] ? k : best;
                }
            } else {
                s[COMP_CLOTHES] = 1.0f; /* background: the person's share goes to clothes, nothing to decide */
            }
            memcpy(c->shares + ((size_t)by * bw + (size_t)bx) * COMP_K, s, sizeof s); /* for smooth_blocks */
            uint8_t cat = pmax >= 0.5f ? (uint8_t)to_category[best] : 0;
            c->decided[(size_t)by * bw + (size_t)bx] = (uint8_t)(cat ? best : COMP_K);
            for (int q = 0; q < npx; q++) {
                float p = c->person[idx[q]], *o = out->prob + idx[q] * C;
                o[SEGTEX_CATEGORY_BACKGROUND] = 1.0f - p;
                for (int k = 0; k < COMP_K; k++)
                    o[to_category[k]] = p * s[k];
                c->prev[idx[q]] = cat;
            }
        }
    c->prev_w = w, c->prev_h = h;
    /* Hair hanging from the head: the blocks comp_hair_joins turns take hair's share from clothes' (or body skin's),
     * and the previous category hair. */
    if (comp_hair_joins(c->score, c->decided, c->queue, bw, bh, HAIR_JOIN, HYSTERESIS) > 0)
        swap_flagged(c, out, bw, bh, COMP_JOINED);
    /* ... and hair that hangs from no head is not hair: those blocks give hair's share to clothes, and the previous
     * category clothes (earring +0.048: its dark jacket at the frame's corner, under the letterbox's bar; blonde
     * +0.004; nothing lower by more than 0.0005 on the 25 cases nor at all on 26 crops of them at the neck to the
     * chest; `segtex run` on the 20: fist +0.019). */
    if (comp_hair_detached(c->score, c->decided, c->queue, bw, bh) > 0)
        swap_flagged(c, out, bw, bh, COMP_DETACHED);
    smooth_blocks(c, out, bw, bh);
}

/* Block b's j-th 4-neighbour (j < 4) on a bw x bh grid, or -1 off the grid. */
static int neighbour(int b, int j, int bw, int bh)
{
    static const int nb[4][2] = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
    const int nx = b % bw + nb[j][0], ny = b / bw + nb[j][1];
    return nx < 0 || ny < 0 || nx >= bw || ny >= bh ? -1 : ny * bw + nx;
}

/* The hair flood's start (comp_hair_joins, comp_hair_detached): every block decided hair (flags aside; decided: a
 * person's block, its region code set) in a head's region (COMP_REGION_HEAD, _HEAD_SIDE), marked VISITED and queued
 * once each (so the queue never holds more than the blocks). Returns how many. */
static int queue_head_hair(const float *score, uint8_t *decided, int *queue, int blocks)
{
    int n = 0;
    for (int b = 0; b < blocks; b++) {
        if ((decided[b] & CATEGORY) != COMP_HAIR)
            continue;
        const int region = (int)score[(size_t)b * COMP_SCORE_N + COMP_K] % COMP_REGION_COUNT;
        if (region == COMP_REGION_HEAD || region == COMP_REGION_HEAD_SIDE)
            decided[b] |= VISITED, queue[n++] = b;
    }
    return n;
}

int comp_hair_joins(const float *score, uint8_t *decided, int *queue, int bw, int bh, float margin, float hold)
{
    int n = queue_head_hair(score, decided, queue, bw * bh), turned = 0;
    for (int i = 0; i < n; i++) {
        const int b = queue[i], who = (int)score[(size_t)b * COMP_SCORE_N + COMP_K] / COMP_REGION_COUNT;
        for (int j = 0; j < 4; j++) {
            const int o = neighbour(b, j, bw, bh);
            if (o < 0 || (decided[o] & VISITED))
                continue;
            const float *so = score + (size_t)o * COMP_SCORE_N;
            if (decided[o] >= COMP_K || isnan(so[0]) || (int)so[COMP_K] / COMP_REGION_COUNT != who)
                continue;
            const int r = (int)so[COMP_K] % COMP_REGION_COUNT;
            const int head = r == COMP_REGION_HEAD || r == COMP_REGION_HEAD_SIDE,
                      hangs = r == COMP_REGION_HEAD_SIDE || r == COMP_REGION_JAW || r == COMP_REGION_NECK ||
                              r == COMP_REGION_TORSO;
            /* hair passes on only where hair hangs from the head (not from a stray beside the arm); over a torso it
             * turns a shirt's block or a bare chest's (a bare or unseen torso's skin is at the clothes' odds) */
            const int skin = decided[o] == COMP_BODY && r == COMP_REGION_TORSO, held = (int)so[COMP_HELD] - 1;
            const float lead = so[COMP_HAIR] + (held == COMP_HAIR ? hold : 0.0f) -
                               (so[decided[o]] + (held == decided[o] ? hold : 0.0f));
            if ((decided[o] == COMP_CLOTHES || skin) && hangs && lead >= -margin)
                decided[o] = COMP_HAIR | COMP_JOINED | (skin ? COMP_JOINED_SKIN : 0), turned++;
            else if (decided[o] != COMP_HAIR || !(head || hangs))
                continue;
            decided[o] |= VISITED, queue[n++] = o;
        }
    }
    for (int b = 0; b < bw * bh; b++)
        decided[b] &= (uint8_t)~VISITED;
    return turned;
}

int comp_hair_detached(const float *score, uint8_t *decided, int *queue, int bw, int bh)
{
    int n = queue_head_hair(score, decided, queue, bw * bh), turned = 0;
    for (int i = 0; i < n; i++) {
        const int b = queue[i], who = (int)score[(size_t)b * COMP_SCORE_N + COMP_K] / COMP_REGION_COUNT;
        for (int j = 0; j < 4; j++) {
            const int o = neighbour(b, j, bw, bh);
            if (o < 0 || (decided[o] & VISITED) || (decided[o] & CATEGORY) != COMP_HAIR)
                continue;
            const float *so = score + (size_t)o * COMP_SCORE_N;
            if (isnan(so[0]) || (int)so[COMP_K] / COMP_REGION_COUNT != who)
                continue;
            decided[o] |= VISITED, queue[n++] = o;
        }
    }
    for (int b = 0; b < bw * bh; b++) {
        if (decided[b] & VISITED) {
            decided[b] &= (uint8_t)~VISITED;
            continue;
        }
        const float *sc = score + (size_t)b * COMP_SCORE_N;
        if (decided[b] != COMP_HAIR || isnan(sc[0]))
            continue;
        const int r = (int)sc[COMP_K] % COMP_REGION_COUNT;
        if (r == COMP_REGION_TORSO || r == COMP_REGION_ARM || r == COMP_REGION_LEG || r == COMP_REGION_NEAR_HAND ||
            r == COMP_REGION_BODY)
            decided[b] = COMP_CLOTHES | COMP_DETACHED, turned++;
    }
    return turned;
}
