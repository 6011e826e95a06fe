/*
 * The composite six-category segmenter (used when MediaPipe's multiclass
 * model is absent): geometry from the face mesh, the pose and the hands
 * gives each pixel a prior over hair / body skin / face skin / clothes
 * (composite_geom.c); per-person colour models learned from the frame and
 * kept as running estimates turn those priors into a decision by likelihood
 * ratio (composite_colour.c); composite.c fuses the person masks and
 * decides, with hysteresis. Internal to the library.
 */
#ifndef SEGTEX_VISION_COMPOSITE_H
#define SEGTEX_VISION_COMPOSITE_H

#include "segtex/vision.h"

#define COMP_MAX_PEOPLE SEGTEX_MAX_FACES
#define COMP_MAX_POLY 40
#define COMP_MAX_CAPS 64

/* The person categories the composite weighs, in this order ("others": a held object, an accessory). */
enum { COMP_HAIR = 0, COMP_BODY, COMP_FACE, COMP_CLOTHES, COMP_OTHERS, COMP_K };

typedef struct comp_poly {
    int n;
    float x[COMP_MAX_POLY], y[COMP_MAX_POLY]; /* image pixels */
    float xmin, xmax, ymin, ymax;
} comp_poly;

/* A segment with a radius (a limb, a finger), in image pixels. */
typedef struct comp_capsule {
    float ax, ay, bx, by, r;
    int kind; /* COMP_REGION_* */
} comp_capsule;

/* Regions, most specific first: a pixel takes the first that holds it. */
enum {
    COMP_REGION_HAND = 0, COMP_REGION_FEATURE, COMP_REGION_CHEEKS, COMP_REGION_FACE, COMP_REGION_FOREHEAD,
    COMP_REGION_JAW, COMP_REGION_NECK, COMP_REGION_HEAD_SIDE, COMP_REGION_HEAD, COMP_REGION_ARM, COMP_REGION_TORSO,
    COMP_REGION_LEG, COMP_REGION_NEAR_HAND, COMP_REGION_BODY, COMP_REGION_COUNT
};

/* The larger and the smaller of two numbers: a compare and a select where glibc's fmaxf and fminf are calls
 * (NaN's rules keep them out of line). For numbers that are not NaN: a NaN `a` gives `b`, a NaN `b` gives NaN. */
static inline float comp_max(float a, float b) { return a > b ? a : b; }
static inline float comp_min(float a, float b) { return a < b ? a : b; }

/* One person's geometry, in image pixels. */
typedef struct comp_person {
    int has_face, has_pose;
    int hands; /* hands found by the hand landmarker */
    float cx, cy;  /* a point on the person (face centre, else shoulders, else hands) */
    float scale;   /* body scale: about a shoulder width */
    /* face frame: centre, unit up vector, half width and half height of the oval */
    float fcx, fcy, upx, upy, fw, fh;
    float back; /* where the skull's centre lies across the face frame, in half widths (a turned head's is behind
                 * its face: toward its ears; about 0 for a frontal face) */
    float neck_a[2]; /* the neck's sides across the face frame, in half widths */
    float neck_b;    /* the neck's bottom up the face frame, in half heights (0: no neck) */
    float brow_b; /* the top of the brows, in face-frame half heights up from the centre: no hair below it */
    float hue; /* how well colour tells skin from hair on this frame: 1 (comp_people_build's); the composite sets
                * comp_colours_hue of the person's colour models once learned */
    int bare;  /* a bare torso (comp_colours_bare, set like hue): skin and clothes at even odds over the body */
    int unseen; /* a torso that shows no clothes (comp_colours_clothes_unseen, set like hue): the same odds */
    int ears;  /* ear[] placed (a frontal face mesh) */
    float ear[2][2]; /* the ears' centres (a, b) in the face frame, beside the cheeks' extremes */
    comp_poly oval, eyes[2], brows[2], lips;
    comp_poly torso, neck;
    int ncaps;
    comp_capsule caps[COMP_MAX_CAPS];
    int nwrists;
    float wrists[4][2]; /* where hands are (pose wrists, hand landmark 0): held objects are near them */
    float box[4]; /* xmin, ymin, xmax, ymax of every region: outside it, only the distance matters */
} comp_person;

/*
 * A block's scores (composite.c): COMP_SCORE_N floats, the COMP_K categories' log scores less the best (NAN in
 * the first: no person there, and -1 as its region code), then person * COMP_REGION_COUNT + region (comp_prior's;
 * COMP_REGION_COUNT when the frame has nobody), then COMP_HELD: 1 + the index of the category the block held in the
 * previous frame of a video (0: none, a still or a block that was background).
 */
#define COMP_HELD (COMP_K + 1)
#define COMP_SCORE_N (COMP_K + 2)
#define COMP_JOINED 0x40 /* comp_hair_joins: the block was clothes and turned hair, */
#define COMP_JOINED_SKIN 0x20 /* ... or it was body skin (with COMP_JOINED) */

/*
 * Hair hanging from the head joins its hair (a lock over the chest, where the torso's prior says clothes): from
 * every block decided hair in a head's region (COMP_REGION_HEAD, _HEAD_SIDE), through 4-neighbours of the same
 * person decided hair (in those regions or one hair hangs through) or clothes, a block decided clothes in a region
 * hair hangs through (beside the head, the jaw, the neck, the torso) whose hair score is within `margin` of its
 * clothes score turns hair (COMP_HAIR | COMP_JOINED); so does a torso's block decided body skin within `margin` of
 * it (a lock over a bare chest; COMP_JOINED_SKIN too). A block that hair fits less well stops it: a dark shirt
 * under dark hair, its colours the clothes model learned. In video the category a block held (COMP_HELD) has
 * `hold` added to its score, as the decision's hysteresis does: a lock joined stays joined, a shirt stays a shirt,
 * unless the colours move by more (without, the one block that links a lock flipped with the sensor's noise, and
 * the lock with it: a dim close-up's jacket changed 1.0-1.2 % of the frame's pixels a frame). `decided`: per block, the
 * index (< COMP_K) of the category decided, COMP_K for background; `score`: the blocks' scores as above; `queue`:
 * bw * bh ints. Returns how many turned.
 */
int comp_hair_joins(const float *score, uint8_t *decided, int *queue, int bw, int bh, float margin, float hold);

/*
 * Hair is one piece hanging from the head: after comp_hair_joins, a block decided hair (COMP_HAIR, no flag) in a
 * region below the head (the torso, an arm, a leg, near a hand, the rest of the body) that no chain of the same
 * person's hair blocks (4-neighbours, any region) links to a block of hair in a head's region (COMP_REGION_HEAD,
 * _HEAD_SIDE) turns clothes (COMP_CLOTHES | COMP_DETACHED): a dark jacket at a close-up's shoulder, the hair's own
 * colour, is not a lock. Hair in the face's, the jaw's and the neck's regions stays. `decided`, `score`, `queue`:
 * as comp_hair_joins'. Returns how many turned.
 */
#define COMP_DETACHED 0x10
int comp_hair_detached(const float *score, uint8_t *decided, int *queue, int bw, int bh);

/* Build the people of a frame from what the trackers found; returns how many (<= COMP_MAX_PEOPLE). */
int comp_people_build(const segtex_people *people, int width, int height, comp_person *out);

/* Whether p's torso is guessed under its face (comp_people_build: a face mesh and no pose), not a pose's. */
static inline int comp_torso_guessed(const comp_person *p) { return p->has_face && !p->has_pose && p->torso.n == 4; }

/*
 * The region of person `p` holding image point (x, y) (COMP_REGION_BODY
 * when none) and its log priors for the five categories; *dist: how far the
 * point is from the person, in body scales (0 inside a region).
 */
int comp_prior(const comp_person *p, float x, float y, float logprior[COMP_K], float *dist);

int comp_poly_inside(const comp_poly *p, float x, float y);

/* Squared distance from (x, y) to the segment (ax, ay)-(bx, by). */
float comp_seg_dist2(float ax, float ay, float bx, float by, float x, float y);

/* A point of p's face frame in pixels: a across in half widths, b up in half heights from the face's centre. */
void comp_frame_pt(const comp_person *p, float a, float b, float *x, float *y);

/* ---- colour --------------------------------------------------------------------- */

typedef struct comp_gauss {
    float mean[3], inv[3][3], lognorm; /* lognorm: -0.5 log det(cov) */
    float cinv[3]; /* the chroma marginal's inverse covariance: (Cb Cb, Cb Cr, Cr Cr) */
    int valid;
} comp_gauss;

#define COMP_CLOTHES_PARTS 3

typedef struct comp_colours {
    comp_gauss skin, skin_body, hair, clothes[COMP_CLOTHES_PARTS];
    int valid; /* 1 once learned */
    float chroma; /* mean |Cb - 128| + |Cr - 128| of the person's samples: near 0 on greyscale frames */
    float cx, cy; /* where the person was when last learned (matching between frames) */
    float bare;   /* running estimate of "the torso is bare": 1 when its samples are the face's skin (see bare_torso) */
    float unseen; /* running estimate of "the torso shows no clothes" (see clothes_seen) */
    int frames;   /* frames learned from (1: this frame's models replaced any before) */
} comp_colours;

void comp_rgb_to_ycc(const uint8_t *p, float out[3]);
/* The same for an RGB given as floats (a mean of pixels: the conversion is affine). */
void comp_rgb_to_ycc_f(float r, float g, float b, float out[3]);

/*
 * Learn person `p`'s colour models from `img` (samples where `person`, the
 * fused mask at grid w x h, is confident) and blend them into `m` with
 * weight `rate` (1: replace). `buf` holds at least COMP_MAX_SAMPLES x 3 floats.
 */
#define COMP_MAX_SAMPLES 2048
/* A frame's exposure: luma's distance from `pivot` and chroma's from grey, times `gain` (1, 0: as filmed). */
typedef struct comp_exposure {
    float gain, pivot;
} comp_exposure;

static inline void comp_expose(float ycc[3], comp_exposure ex)
{
    ycc[0] = ex.pivot + (ycc[0] - ex.pivot) * ex.gain;
    ycc[1] = 128.0f + (ycc[1] - 128.0f) * ex.gain, ycc[2] = 128.0f + (ycc[2] - 128.0f) * ex.gain;
}

void comp_colours_learn(comp_colours *m, const comp_person *p, const segtex_image *img, const float *person, int w,
                        int h, float rate, comp_exposure ex, float *buf);

/*
 * Log likelihoods of the five categories for a pixel's (Y, Cb, Cr), each
 * clamped from below, scaled by how much colour the frame has (luma alone,
 * on greyscale or IR frames, is weak evidence: the geometry decides more).
 * `shaded` (the neck's and the torso's regions): body skin is also the skin
 * in shade, the pixel lit back up to the skin's luma, on a frame with colour.
 */
void comp_colours_loglik(const comp_colours *m, const float ycc[3], int shaded, float ll[COMP_K]);

/* The hair model refitted from samples s[0..n) of the head's sure hair (comp_refit_hair), at least 24 of them (else
 * 0, and m untouched), blended by `rate` unless this frame's models replaced any before (comp_colours.frames). */
int comp_colours_refit_hair(comp_colours *m, const float *s, int n, float rate);
/* The hair log likelihood of comp_colours_loglik alone. */
float comp_colours_hair_ll(const comp_colours *m, const float ycc[3]);

/*
 * The hair band (comp_colours_learn) is a strip over the face, and a hat's brim, a forehead or a box drawn over the
 * frame lie across it. Once a frame's blocks are scored (`score` as comp_hair_joins', `colour` their mean Y'CbCr, 3
 * floats each; grid w x h of `person`, the fused mask), person `who`'s hair model `m` is refitted from the head's
 * sure hair: its blocks in the person mask whose hair score is ahead of every other by HAIR_SURE (composite.c),
 * blended by `rate` (as comp_colours_learn's this frame). Every block of the person then has its hair score moved by
 * what the refitted model says instead of the band's. Returns how many samples it took; 0, with m and the scores
 * untouched, under 24 of them or on a frame without hue (where a grey head's sure hair is its darkest, and a model of
 * it alone loses the rest). `buf` holds COMP_MAX_SAMPLES x 3 floats.
 */
int comp_refit_hair(comp_colours *m, int who, float *score, const float *colour, const float *person, int w, int h,
                    float rate, float *buf);

/* How well a person's colours tell skin from hair: 0 on a greyscale frame (chroma up to 4 levels is noise), 1 from
 * 12 levels of chroma up. */
float comp_colours_hue(const comp_colours *m);
/* 1 when the person's torso is bare (their running estimate over half), else 0. */
int comp_colours_bare(const comp_colours *m);
/* 1 when the person's torso shows no clothes (fewer than 12 of its samples are unlike both their body's skin and
 * their hair: a close-up's torso below the frame, a bare chest under long hair; a running estimate over half). */
int comp_colours_clothes_unseen(const comp_colours *m);

#endif
