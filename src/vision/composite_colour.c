/*
 * The composite segmenter's colour models, per person: skin (cheeks and
 * forehead, else the hands), hair (just above the hairline), clothes (a
 * three-part mixture from the torso: stripes, shadows). Gaussians in
 * (Y, Cb, Cr) with a variance floor, so that a greyscale or dark frame
 * gives equal chroma likelihoods and the geometry decides.
 */
#include "vision/composite.h"

#include <math.h>
#include <string.h>

#define FLOOR_Y 36.0f  /* variance floors: 6 levels of luma, */
#define FLOOR_C 9.0f   /* 3 of chroma */
#define FLOOR_C_BODY 25.0f /* body skin, on a frame with colour: 5 (lit otherwise than the face, its hue shifts) */
#define WIDEN_GREY 2.5f /* a guessed face's luma variance grows by this much more on a greyscale frame (as the body's) */
#define HAIR_TOP 1.6f /* the hair band's top over a face mesh, in half heights from its centre (the mesh's top: 1) */
#define HAIR_SCAN 2.4f /* a receding hairline is looked for up to this many half heights over the face's centre, */
#define HAIR_ROWS 17  /* ... in this many rows (0.08 apart) */
#define HAIR_OVER 0.3f  /* ... and the band then reaches this far over it (half heights) */
#define HAIR_SHARE 0.35f /* the hair band's samples unlike skin, if at least this share, are its hair */
#define HAIR_D2 7.8f     /* ... unlike skin: beyond this squared Mahalanobis distance of the skin as sampled */
#define SAT_FULL 8.0f    /* the sampled skin's chroma from which colour tells skin apart fully (a colour frame) */
#define BARE_D2 3.0f     /* a bare torso: its samples this near the face's skin (squared Mahalanobis), */
#define BARE_SHARE 0.5f  /* ... at least this share of them */
#define CLOTHES_SHARE 0.6f /* the torso's, if at least this share, are its clothes (fewer: skin-coloured clothes) */
#define CLOTHES_D2 6.0f    /* a torso sample this near the skin or the hair (squared Mahalanobis) is not clothes, */
#define CLOTHES_SEEN 12    /* ... and with fewer than this many others the torso shows no clothes, */
#define UNSEEN_MIN 12      /* ... of at least this many samples of it (fewer: the frame does not show it) */
#define UNSEEN_SHARE 0.4f  /* ... or fewer than this share of them (a torso mostly bare, or under hair), */
#define CLIPPED_SEEN 3     /* ... unless this many of them are clipped white (a white shirt) */
#define CLIPPED_Y 245.0f /* a pixel clipped white: luma at this or over, */
#define CLIPPED_C 6.0f   /* ... and its |Cb - 128| + |Cr - 128| at most this (clipped_white) */
#define HAIR_SIDE_MIN 24   /* fewer hair band samples than this (the head's top off the frame): beside the face too */
#define CUT_MIN 12         /* fewer torso samples than this, the torso cut by the frame's bottom: its visible top */
#define CUT_SPAN 0.2f      /* ... sampled over at least this share of the torso's height (from 0.1 under its top), */
#define CUT_SIDE 0.3f      /* ... at its sides only (this far and more from its middle, in its widths), */
#define HANG_B -0.8f       /* ... not under hair hanging beside the face at this height (in half heights) */
#define LL_MIN -12.0f  /* a pixel unlike every model is left to the priors */
#define GATE_D2 16.0f  /* beyond this (squared Mahalanobis, chroma), a colour is not of that model at all */
#define SHADE_MIN 0.55f /* a neck in the chin's shadow: lit down to this share of the skin's luma, */
#define SHADE_COST 2.0f /* ... at this log likelihood per (ln share)^2 */

void comp_rgb_to_ycc(const uint8_t *p, float out[3]) { comp_rgb_to_ycc_f(p[0], p[1], p[2], out); }

void comp_rgb_to_ycc_f(float r, float g, float b, float out[3])
{
    out[0] = 0.299f * r + 0.587f * g + 0.114f * b;
    out[1] = 128.0f - 0.168736f * r - 0.331264f * g + 0.5f * b;
    out[2] = 128.0f + 0.5f * r - 0.418688f * g - 0.081312f * b;
}

static float gauss_d2(const comp_gauss *g, const float c[3])
{
    float d[3] = {c[0] - g->mean[0], c[1] - g->mean[1], c[2] - g->mean[2]};
    float q = 0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            q += d[i] * g->inv[i][j] * d[j];
    return q;
}

/* Clamped from below at `floor`: skin is specific (a low floor), clothes take anything (the highest). */
/*
 * The gate is on chroma alone: lighting moves luma (a forearm in shade, a
 * lit neck) far more than hue, and on a greyscale frame every pixel passes
 * it, so luma only weighs through the Gaussian, without a cliff.
 */
static float gauss_ll(const comp_gauss *g, const float c[3], float floor, float gate)
{
    float d2 = gauss_d2(g, c), v = g->lognorm - 0.5f * d2;
    float b = c[1] - g->mean[1], r = c[2] - g->mean[2];
    float d2c = b * b * g->cinv[0] + 2.0f * b * r * g->cinv[1] + r * r * g->cinv[2];
    return v < floor || d2c > gate ? floor : v;
}

/* Fit a Gaussian to samples s[0..n) (3 floats each); luma variance times `widen_y`. Blend into *g by `rate`. */
static void fit(comp_gauss *g, const float *s, int n, float widen_y, float floor_c, float rate)
{
    if (n < 8)
        return;
    double m[3] = {0}, c[3][3] = {{0}};
    for (int k = 0; k < n; k++)
        for (int i = 0; i < 3; i++)
            m[i] += s[k * 3 + i];
    for (int i = 0; i < 3; i++)
        m[i] /= n;
    for (int k = 0; k < n; k++)
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                c[i][j] += (s[k * 3 + i] - m[i]) * (s[k * 3 + j] - m[j]);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            c[i][j] /= n;
    c[0][0] = c[0][0] * widen_y + FLOOR_Y;
    c[1][1] += floor_c, c[2][2] += floor_c;
    /* Running estimate: blend the covariance (as stored, the inverse's inverse) and the mean. */
    if (g->valid && rate < 1.0f) {
        /* Recover the old covariance from the stored inverse. */
        double det = 0, old[3][3];
        const float(*a)[3] = g->inv;
        det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
              a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
        if (fabs(det) > 1e-20) {
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++) {
                    int p = (j + 1) % 3, q = (j + 2) % 3, r = (i + 1) % 3, t = (i + 2) % 3;
                    old[i][j] = (a[p][r] * a[q][t] - a[p][t] * a[q][r]) / det;
                }
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++)
                    c[i][j] = old[i][j] + rate * (c[i][j] - old[i][j]);
                m[i] = g->mean[i] + rate * (m[i] - g->mean[i]);
            }
        }
    }
    double det = c[0][0] * (c[1][1] * c[2][2] - c[1][2] * c[2][1]) - c[0][1] * (c[1][0] * c[2][2] - c[1][2] * c[2][0]) +
                 c[0][2] * (c[1][0] * c[2][1] - c[1][1] * c[2][0]);
    if (!(det > 1e-9))
        return;
    for (int i = 0; i < 3; i++) {
        g->mean[i] = (float)m[i];
        for (int j = 0; j < 3; j++) {
            int p = (j + 1) % 3, q = (j + 2) % 3, r = (i + 1) % 3, t = (i + 2) % 3;
            g->inv[i][j] = (float)((c[p][r] * c[q][t] - c[p][t] * c[q][r]) / det);
        }
    }
    g->lognorm = (float)(-0.5 * log(det));
    double det_c = c[1][1] * c[2][2] - c[1][2] * c[2][1];
    g->cinv[0] = (float)(c[2][2] / det_c), g->cinv[1] = (float)(-c[1][2] / det_c), g->cinv[2] = (float)(c[1][1] / det_c);
    g->valid = 1;
}

/* Generic models for what a frame could not teach (wide: they barely move a decision). */
static comp_gauss generic(float y, float cb, float cr, float var_y, float var_c)
{
    comp_gauss g = {{y, cb, cr}, {{1.0f / var_y, 0, 0}, {0, 1.0f / var_c, 0}, {0, 0, 1.0f / var_c}}, 0,
                    {1.0f / var_c, 0, 1.0f / var_c}, 1};
    g.lognorm = -0.5f * logf(var_y * var_c * var_c);
    return g;
}

/* A pixel clipped white: luma at CLIPPED_Y or over and no hue to speak of (an overexposed shirt, a highlight). */
static int clipped_white(const float c[3])
{
    return c[0] >= CLIPPED_Y && fabsf(c[1] - 128.0f) + fabsf(c[2] - 128.0f) <= CLIPPED_C;
}

/* How far a colour is from a skin model (squared Mahalanobis): a skin with hue is never a pixel clipped white. */
static float skin_d2(const comp_gauss *skin, const float c[3])
{
    if (clipped_white(c) && fabsf(skin->mean[1] - 128.0f) + fabsf(skin->mean[2] - 128.0f) >= SAT_FULL)
        return INFINITY;
    return gauss_d2(skin, c);
}

typedef struct sampler {
    const segtex_image *img;
    const float *person;
    int w, h;
    comp_exposure ex; /* the frame's (comp_expose) */
    float *buf;
    int n;
    double chroma; /* sum of |Cb - 128| + |Cr - 128| over every sample taken */
    int taken;
    int unclipped; /* 1: leave out pixels clipped white (clipped_white) */
} sampler;

/* The image's colour at pixel point (x, y) into c (Y'CbCr, exposed as the frame's) when it is in the frame and the
 * person mask is confident there; else 0. */
static int colour_at(const sampler *s, float x, float y, float c[3])
{
    /* in float, before any conversion: a point off the frame by more than an int holds, or not a number (a degenerate
     * pose's), fails here */
    if (!(x >= 0.0f && y >= 0.0f && x < (float)s->img->width && y < (float)s->img->height))
        return 0;
    int ix = (int)x, iy = (int)y;
    int gx = (int)(x * (float)s->w / (float)s->img->width), gy = (int)(y * (float)s->h / (float)s->img->height);
    if (s->person[gy * s->w + gx] < 0.6f)
        return 0;
    comp_rgb_to_ycc(s->img->data + (ptrdiff_t)iy * s->img->stride + (ptrdiff_t)ix * s->img->channels, c);
    comp_expose(c, s->ex);
    return !(s->unclipped && clipped_white(c));
}

/* Add the image's colour at pixel point (x, y) when the person mask is confident there. */
static void take(sampler *s, float x, float y)
{
    if (s->n >= COMP_MAX_SAMPLES)
        return;
    float *c = s->buf + s->n * 3;
    if (!colour_at(s, x, y, c))
        return;
    s->chroma += fabsf(c[1] - 128.0f) + fabsf(c[2] - 128.0f);
    s->taken++;
    s->n++;
}

/* A point of the face frame: a across in half widths, b up in half heights. */
static void face_pt(const comp_person *p, float a, float b, float *x, float *y)
{
    *x = p->fcx - p->upy * a * p->fw + p->upx * b * p->fh;
    *y = p->fcy + p->upx * a * p->fw + p->upy * b * p->fh;
}

static int on_feature(const comp_person *p, float x, float y)
{
    return comp_poly_inside(&p->eyes[0], x, y) || comp_poly_inside(&p->eyes[1], x, y) ||
           comp_poly_inside(&p->brows[0], x, y) || comp_poly_inside(&p->brows[1], x, y) ||
           comp_poly_inside(&p->lips, x, y);
}

/* `rows` rows of 15 points across the face frame, from b0 to b1 half heights up (one row: at b0), a guessed
 * face's narrower; the sampler's buffer starts again. */
static void hair_rows(const comp_person *p, sampler *s, float b0, float b1, int rows)
{
    static const float narrow = 0.8f; /* a face guessed from the pose: its frame is the whole head's */
    s->n = 0;
    for (int i = -7; i <= 7; i++)
        for (int j = 0; j < rows; j++) {
            float x, y;
            face_pt(p, 0.1f * i * (p->has_face ? 1.0f : narrow),
                    rows > 1 ? b0 + (b1 - b0) * (float)j / (float)(rows - 1) : b0, &x, &y);
            take(s, x, y);
        }
}

/* How many of samples s[0..n) lie beyond squared Mahalanobis distance d2 of the skin model. */
static int unlike_count(const comp_gauss *skin, const float *s, int n, float d2)
{
    int k = 0;
    for (int i = 0; skin->valid && i < n; i++)
        k += skin_d2(skin, s + i * 3) > d2;
    return k;
}

/* The lowest row from b0 up to HAIR_SCAN half heights where most of the person's samples (at least 5 of 15) are
 * unlike the skin: the hairline; 0 if none. It samples: the caller rewinds the sampler's colour statistic. */
static float hairline(const comp_person *p, sampler *s, const comp_gauss *skin, float b0)
{
    for (int r = 0; r < HAIR_ROWS; r++) {
        const float b = b0 + (HAIR_SCAN - b0) * (float)r / (float)(HAIR_ROWS - 1);
        hair_rows(p, s, b, b, 1);
        if (s->n >= 5 && 2 * unlike_count(skin, s->buf, s->n, HAIR_D2) >= s->n)
            return b;
    }
    return 0.0f;
}

/* Keep only the samples unlike skin (beyond d2), whatever their share. */
static int keep_unlike(const comp_gauss *skin, float *s, int n, float d2)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        if (skin_d2(skin, s + i * 3) > d2)
            memmove(s + k * 3, s + i * 3, sizeof(float) * 3), k++;
    return k;
}

/* Whether the samples unlike skin (beyond d2) are enough to learn from: at least 12, and `min_share` of them. */
static int sifts(const comp_gauss *skin, const float *s, int n, float d2, float min_share)
{
    const int k = unlike_count(skin, s, n, d2);
    return skin->valid && k >= 12 && (float)k >= min_share * (float)n;
}

/* Keep the samples within the skin model's ellipsoid out (for hair and clothes) when the rest are at least
 * `min_share` of them (a high forehead in the hair band, an open collar); fewer mean skin-coloured hair or
 * clothes (blond hair on a greyscale frame): keep them all. */
static int drop_skin(const comp_gauss *skin, float *s, int n, float d2, float min_share)
{
    return sifts(skin, s, n, d2, min_share) ? keep_unlike(skin, s, n, d2) : n;
}

/*
 * A bare torso (a bare chest, a turned person's bare shoulder): on a frame with colour, most of the torso's samples
 * are the face's skin itself (within BARE_D2 of its model as sampled). Skin-coloured clothes (khaki, an orange suit)
 * are near it in hue but not that near (none of the labelled photos' clothes has over a quarter of its samples
 * there; a bare shoulder has three quarters); on a greyscale frame luma alone cannot tell, and this says no.
 */
static int bare_torso(const comp_gauss *skin, float skin_sat, const float *s, int n)
{
    if (!skin->valid || skin_sat < SAT_FULL || n < 12)
        return 0;
    int k = 0;
    for (int i = 0; i < n; i++)
        k += skin_d2(skin, s + i * 3) < BARE_D2;
    return (float)k >= BARE_SHARE * (float)n;
}

/*
 * How many torso samples are neither the body's skin nor the hair (beyond CLOTHES_D2 of both models, as learned
 * this frame): the clothes the torso shows. A close-up (a webcam's) has its torso's grid mostly below the frame, and
 * what is left of it is a bare chest in shade and long hair over it. *clipped: how many of them are clipped white.
 */
static int clothes_seen(const comp_colours *m, const float *s, int n, int *clipped)
{
    int k = 0;
    *clipped = 0;
    for (int i = 0; i < n; i++) {
        const int white = clipped_white(s + i * 3);
        *clipped += white;
        k += white || ((!m->hair.valid || gauss_d2(&m->hair, s + i * 3) > CLOTHES_D2) &&
                       (!m->skin_body.valid || gauss_d2(&m->skin_body, s + i * 3) > CLOTHES_D2));
    }
    return k;
}

/* Whether the image at (x, y) is in the person and like `hair` (within CLOTHES_D2). */
static int hair_like_at(const sampler *s, const comp_gauss *hair, float x, float y)
{
    float c[3];
    return colour_at(s, x, y, c) && gauss_d2(hair, c) <= CLOTHES_D2;
}

/* Samples over the torso's polygon, in 11 rows from v0 to v1 of its height under its raised top: 11 columns across
 * (side 0), or 12, six each side from `side` of its width off its middle to its edge (0.1 in). */
static void torso_grid(const comp_person *p, sampler *s, float v0, float v1, float side, const comp_gauss *hair)
{
    const int cols = side > 0 ? 12 : 11;
    for (int i = 0; i < cols; i++)
        for (int j = 1; j < 12; j++) {
            float u = side > 0 ? 0.5f + (i < 6 ? -1.0f : 1.0f) * (side + (0.4f - side) * (float)(i % 6) / 5.0f)
                               : 0.1f + 0.8f * (float)(i + 1) / 12.0f,
                  v = v0 + (v1 - v0) * (float)j / 12.0f;
            float tx = p->torso.x[0] + u * (p->torso.x[1] - p->torso.x[0]),
                  ty = p->torso.y[0] + u * (p->torso.y[1] - p->torso.y[0]);
            float bx = p->torso.x[3] + u * (p->torso.x[2] - p->torso.x[3]),
                  by = p->torso.y[3] + u * (p->torso.y[2] - p->torso.y[3]);
            const float x = tx + v * (bx - tx), y = ty + v * (by - ty);
            if (hair && hair->valid && p->fw > 0 && hair_like_at(s, hair, x, y)) {
                /* under hair hanging beside the face: across as far from its axis, at the jaw's level */
                const float dx = x - p->fcx, dy = y - p->fcy, a = (-p->upy * dx + p->upx * dy) / p->fw;
                float hx, hy;
                face_pt(p, a, HANG_B, &hx, &hy);
                if (hair_like_at(s, hair, hx, hy))
                    continue;
            }
            take(s, x, y);
        }
}

/* Sort samples by luma (insertion: at most a few hundred, and qsort may allocate). */
static void sort_luma(float *s, int n)
{
    for (int i = 1; i < n; i++) {
        float t[3] = {s[i * 3], s[i * 3 + 1], s[i * 3 + 2]};
        int j = i - 1;
        for (; j >= 0 && s[j * 3] > t[0]; j--)
            memcpy(s + (j + 1) * 3, s + j * 3, sizeof t);
        memcpy(s + (j + 1) * 3, t, sizeof t);
    }
}

void comp_colours_learn(comp_colours *m, const comp_person *p, const segtex_image *img, const float *person, int w,
                        int h, float rate, comp_exposure ex, float *buf)
{
    if (!m->valid)
        rate = 1.0f;
    sampler s = {img, person, w, h, ex, buf, 0, 0.0, 0, 0};
    comp_gauss skin_ref = m->skin; /* the skin as sampled (not widened): what hair and clothes samples must not be */
    float sat = 0.0f;              /* the sampled skin's chroma: how far colour tells skin apart on this frame */
    /* Skin: cheeks and forehead; else the hands. */
    if (p->has_face) {
        static const float spots[][2] = {{-0.5f, -0.15f}, {0.5f, -0.15f}, {0.0f, 0.62f}, {-0.3f, 0.55f}, {0.3f, 0.55f}};
        for (int k = 0; k < 5; k++)
            for (int i = -3; i <= 3; i++)
                for (int j = -3; j <= 3; j++) {
                    float x, y;
                    face_pt(p, spots[k][0] + 0.05f * i, spots[k][1] + 0.04f * j, &x, &y);
                    if (comp_poly_inside(&p->oval, x, y) && !on_feature(p, x, y))
                        take(&s, x, y);
                }
    }
    if (!p->has_face && p->fw > 0) { /* a face guessed from the pose: around the nose and the cheeks */
        /* Close to the nose (the guessed frame is the whole head's: a beard or hair lies at its rim). */
        static const float spots[][2] = {{0.0f, 0.0f}, {-0.27f, -0.15f}, {0.27f, -0.15f}};
        for (int k = 0; k < 3; k++)
            for (int i = -2; i <= 2; i++)
                for (int j = -2; j <= 2; j++) {
                    float x, y;
                    face_pt(p, spots[k][0] + 0.045f * i, spots[k][1] + 0.045f * j, &x, &y);
                    take(&s, x, y);
                }
    }
    if (s.n < 24)
        for (int c = 0; c < p->ncaps; c++)
            if (p->caps[c].kind == COMP_REGION_HAND)
                for (int t = 0; t <= 4; t++)
                    take(&s, p->caps[c].ax + 0.25f * t * (p->caps[c].bx - p->caps[c].ax),
                         p->caps[c].ay + 0.25f * t * (p->caps[c].by - p->caps[c].ay));
    if (s.n >= 12) {
        comp_gauss tight = m->skin;
        fit(&tight, s.buf, s.n, 1.0f, FLOOR_C, 1.0f); /* a first fit to drop outliers (a fringe, a shadow) */
        int k = 0;
        for (int i = 0; i < s.n; i++)
            if (!tight.valid || gauss_d2(&tight, s.buf + i * 3) < 9.0f)
                memmove(s.buf + k * 3, s.buf + i * 3, sizeof(float) * 3), k++;
        for (int i = 0; i < k; i++)
            sat += fabsf(s.buf[i * 3 + 1] - 128.0f) + fabsf(s.buf[i * 3 + 2] - 128.0f);
        sat = k ? sat / (float)k : 0.0f;
        /* With no hue, luma is all there is, and shading moves it across a face (a jaw in shadow). A face
         * guessed from the pose is sampled in three small patches where its nose is thought to be, which
         * miss its shaded parts: on a grey frame its model is as wide in luma as the body's. A face the
         * mesh found is sampled over its cheeks and forehead, shading included, and stays tight (blond hair
         * has a face's luma: widened, the grey portrait's face took its fringe, mIoU4 0.634 -> 0.566).
         * Hair and clothes samples are sifted by the skin as sampled. */
        float widen = p->has_face ? 0.0f : WIDEN_GREY * (1.0f - fminf(sat / SAT_FULL, 1.0f));
        fit(&skin_ref, s.buf, k, 1.5f, FLOOR_C, 1.0f);
        fit(&m->skin, s.buf, k, 1.5f + widen, FLOOR_C, rate);
        /* The body is lit otherwise than the face: wider in luma and, when the frame has colour, in hue.
         * Four times the face's luma variance with colour, where hue still says what is skin; twice on a
         * greyscale frame, where luma is all there is: four times as wide, the body's model was flat enough
         * to take the grey portrait's dark collar and neck ring for its neck (2990 px, body skin 0.247). */
        float wide = 4.0f - 2.0f * (1.0f - fminf(sat / SAT_FULL, 1.0f));
        fit(&m->skin_body, s.buf, k, wide, FLOOR_C + (FLOOR_C_BODY - FLOOR_C) * fminf(sat / SAT_FULL, 1.0f), rate);
    }
    if (!m->skin.valid) {
        m->skin = generic(150, 110, 150, 2500, 150);
        m->skin_body = m->skin;
        m->skin.valid = m->skin_body.valid = 0; /* generic: learnable later */
    }
    /* Hair: a band just above the hairline (the top of the face frame). */
    s.n = 0;
    s.unclipped = 1; /* a clipped forehead or highlight is no hair's colour (the skin's samples keep theirs: a lit
                      * face's own) */
    if (p->fw > 0) {
        float b0 = p->has_face ? 1.08f : 1.2f, b1 = p->has_face ? HAIR_TOP : 1.7f;
        const double chroma = s.chroma;
        const int taken = s.taken;
        hair_rows(p, &s, b0, b1, 7);
        /* A receding hairline: the band is the forehead's skin, too little of it unlike skin to sift. On a frame
         * with colour it reaches up past the lowest row mostly unlike the skin, by HAIR_OVER: then the hair is
         * enough of it to sift out (if there is no such row, blond or grey hair, the band stays). Moved up instead
         * of reaching up, it lost the dark portrait's hair by its forehead, whose colour is near its skin's
         * (0.843 -> 0.826); reaching 0.3 over the hairline, it is unchanged (0.2: -0.0003; 0.45: -0.0012). */
        if (p->has_face && sat >= SAT_FULL && !sifts(&skin_ref, s.buf, s.n, HAIR_D2, HAIR_SHARE)) {
            const float top = hairline(p, &s, &skin_ref, b0) + HAIR_OVER;
            s.chroma = chroma, s.taken = taken; /* the person's colour statistic counts one band */
            hair_rows(p, &s, b0, comp_max(b1, top), 7);
        }
    }
    /* The band sits just above the mesh's top; on a high forehead most of it is skin, and a hair model learned
     * from it all took the forehead for hair (a third of the band unlike skin is hair enough). It reaches 0.6 half
     * heights over the mesh's top (0.45 left face_swapped's hair in too few of its rows: its hair model was its
     * forehead's colour, mIoU4 0.827 -> 0.866; 0.8 costs the mirrored footballer 0.012). */
    s.n = drop_skin(&skin_ref, s.buf, s.n, HAIR_D2, HAIR_SHARE);
    /* A close-up whose head's top is off the frame (a film still, a webcam leaned into) has little or no band:
     * then the hair beside the face, at the temples and the cheeks (outside the oval, unlike the skin), is the
     * hair there is to learn from. None of the 26 labelled cases has fewer than HAIR_SIDE_MIN band samples; the
     * blonde close-up has 18 (its hair 0.03 -> 0.31: blond hair near the skin's colour was the generic model's). */
    if (p->has_face && s.n < HAIR_SIDE_MIN) {
        const int band = s.n, taken = s.taken;
        const double chroma = s.chroma;
        for (int side = -1; side <= 1; side += 2)
            for (int i = 0; i < 7; i++)
                for (int j = 0; j < 9; j++) {
                    float x, y;
                    face_pt(p, (float)side * (1.08f + 0.07f * (float)i), -0.4f + 0.15f * (float)j, &x, &y);
                    take(&s, x, y);
                }
        s.chroma = chroma, s.taken = taken; /* the person's colour statistic counts the band only */
        const int kept = keep_unlike(&skin_ref, s.buf + band * 3, s.n - band, HAIR_D2);
        s.n = band + (kept >= 12 ? kept : 0);
    }
    fit(&m->hair, s.buf, s.n, 1.0f, FLOOR_C, rate);
    if (!m->hair.valid) {
        m->hair = generic(50, 128, 130, 900, 100);
        m->hair.valid = 0;
    }
    /* Clothes: the torso (shoulders to hips), else a box under the chin. */
    s.n = 0;
    s.unclipped = 0; /* a white shirt clips */
    if (p->torso.n == 4) {
        const int taken = s.taken;
        const double chroma = s.chroma;
        torso_grid(p, &s, 0.25f, 0.95f, 0.0f, NULL); /* below the raised top: under the shoulders' line */
        /* A close-up's torso is mostly under the frame's bottom (a webcam's, a film still's, framed at the chest):
         * what shows of it is its top, at the shoulders, and the grid above leaves it (almost) unsampled, so the
         * clothes' model was the generic one, and hair's tight model took every dark top for hair (longhair framed
         * at the chest: its black polo hair, clothes 0.22). Then the visible top is sampled, at its sides only (in
         * the middle a neckline's or a bare chest's skin), leaving out what is like the body's skin (bare shoulders)
         * and what is like the hair under hair hanging beside the face (long hair over the shoulders): fist 0.58 ->
         * 0.72, receding 0.41 -> 0.47, earring 0.42 -> 0.46, longhair framed at the chest 0.44 -> 0.69; 30 crops of
         * the labelled photos at 0.3 to 1.2 face heights under the chin 0.730 -> 0.754, of which three lose:
         * webcam's and webcam2's (0.62 -> 0.58, 0.52 -> 0.44: a bare forearm lit otherwise than the face is taken
         * for clothes) and Lena's (0.50 -> 0.46). Sampled in the middle too, a V-neck's skin was clothes
         * (face_swapped framed at the chest: 0.89 -> 0.72); without the hanging hair left out, webcam2's crop lost
         * 0.14. */
        const float top = 0.5f * (p->torso.y[0] + p->torso.y[1]), bottom = 0.5f * (p->torso.y[2] + p->torso.y[3]),
                    last = (float)(img->height - 1);
        if (s.n < CUT_MIN && bottom > last && bottom > top) {
            const float v1 = comp_min(0.95f, (last - top) / (bottom - top) - 0.02f),
                        v0 = comp_min(0.25f, comp_max(0.1f, v1 - CUT_SPAN));
            s.n = 0, s.taken = taken, s.chroma = chroma; /* the person's colour statistic counts these instead */
            if (v1 > v0)
                torso_grid(p, &s, v0, v1, CUT_SIDE, &m->hair);
            if (m->skin_body.valid)
                s.n = keep_unlike(&m->skin_body, s.buf, s.n, CLOTHES_D2);
        }
    } else if (p->has_face) {
        for (int i = -8; i <= 8; i++)
            for (int j = 0; j <= 8; j++) {
                float x, y;
                face_pt(p, 0.18f * i, -2.2f - 0.15f * j, &x, &y);
                take(&s, x, y);
            }
    }
    const int torso_n = s.n; /* the torso's samples in the frame and the person */
    int bare = bare_torso(&skin_ref, sat, s.buf, s.n);
    m->bare = m->valid ? m->bare + rate * ((float)bare - m->bare) : (float)bare;
    s.n = bare ? keep_unlike(&skin_ref, s.buf, s.n, CLOTHES_D2)
               : drop_skin(&skin_ref, s.buf, s.n, CLOTHES_D2, CLOTHES_SHARE);
    /* ... as far as the frame shows the torso: with fewer than UNSEEN_MIN samples of it (a close-up's chest below
     * the frame, no pose, the box under the chin off it) nothing says the body is bare, and its prior holds (the
     * blonde close-up's skin-coloured coat was body skin: clothes 0.04 -> 0.50, mIoU4 0.39 -> 0.56; receding -0.005,
     * glasses -0.0005, with no torso sample either). A count alone was a cliff: webcam2's bare shoulders showed 3
     * samples unlike skin and hair of 13, mirrored 16 of 47, and were clothes (0.642 -> 0.401); under UNSEEN_SHARE of
     * them, the torso shows no clothes either (mirrored 0.533). One pixel clipped white may be a highlight on skin
     * (comp_colours_loglik leaves it to the priors), but CLIPPED_SEEN of the torso's samples, spread over it, are a
     * white garment: they show clothes whatever the count. Turned 30 degrees, a close-up's torso lies mostly off the
     * frame, and a white T-shirt was body skin (face_swapped turned -30: 18 samples, 7 unlike skin and hair, 6 of
     * them clipped, 0.613 -> 0.676; whitetee -30: 12, 6, 5, 0.653 -> 0.726; docs/composite.md session 30). Seven
     * bare-chest photos brightened 1.25 to 2.2 times (28 cases) score the same with and without it. */
    int clipped = 0;
    const int seen = clothes_seen(m, s.buf, s.n, &clipped),
              unseen = sat >= SAT_FULL && torso_n >= UNSEEN_MIN && clipped < CLIPPED_SEEN &&
                       (seen < CLOTHES_SEEN || (float)seen < UNSEEN_SHARE * (float)torso_n);
    m->unseen = m->valid ? m->unseen + rate * ((float)unseen - m->unseen) : (float)unseen;
    /* Three parts by luma (dark, middle, light) of at least 8 samples each; fewer samples, fewer parts, each part
     * the model of its share. A close-up cut under the shoulders shows 8 to 23 samples of its top: with no model
     * from them the clothes were the generic one, and a black polo the hair's colour was hair (longhair cut 12 % at
     * the bottom: 0.414, 0.748 with fewer parts). None from a torso that shows no clothes (what it shows is skin and
     * hair). */
    const int parts = s.n >= 8 * COMP_CLOTHES_PARTS ? COMP_CLOTHES_PARTS : unseen ? 0 : s.n / 8;
    if (parts > 0) {
        sort_luma(s.buf, s.n);
        for (int k = 0; k < COMP_CLOTHES_PARTS; k++) {
            int j = k * parts / COMP_CLOTHES_PARTS, a = s.n * j / parts, b = s.n * (j + 1) / parts;
            fit(&m->clothes[k], s.buf + a * 3, b - a, 1.5f, FLOOR_C, rate);
        }
    }
    for (int k = 0; k < COMP_CLOTHES_PARTS; k++)
        if (!m->clothes[k].valid) {
            m->clothes[k] = generic(100, 128, 128, 3600, 400);
            m->clothes[k].valid = 0;
        }
    float chroma = s.taken ? (float)(s.chroma / s.taken) : 0.0f;
    m->chroma = m->valid ? m->chroma + rate * (chroma - m->chroma) : chroma;
    m->valid = 1;
    m->frames = rate < 1.0f ? m->frames + 1 : 1;
    m->cx = p->cx, m->cy = p->cy;
}

int comp_colours_refit_hair(comp_colours *m, const float *s, int n, float rate)
{
    if (n < 24)
        return 0;
    fit(&m->hair, s, n, 1.0f, FLOOR_C, m->frames > 1 ? rate : 1.0f);
    return 1;
}

int comp_colours_bare(const comp_colours *m) { return m->bare > 0.5f; }

int comp_colours_clothes_unseen(const comp_colours *m) { return m->unseen > 0.5f; }

float comp_colours_hue(const comp_colours *m)
{
    return comp_min(comp_max((m->chroma - 4.0f) / 8.0f, 0.0f), 1.0f);
}

/* Colour weight: 1 from 8 levels of chroma up, down to 0.35 on a greyscale frame. */
static float colour_weight(const comp_colours *m) { return 0.35f + 0.65f * fminf(m->chroma / 8.0f, 1.0f); }

static float hair_ll(const comp_colours *m, const float c[3])
{
    return gauss_ll(&m->hair, c, LL_MIN - 2.0f, INFINITY); /* hair: highlights and shadows */
}

float comp_colours_hair_ll(const comp_colours *m, const float c[3]) { return hair_ll(m, c) * colour_weight(m); }

/*
 * Skin in shade: shade scales R, G and B alike, so luma and chroma alike (a
 * neck in the chin's shadow is the face's skin, darker and greyer). The
 * pixel lit back up to the skin's luma is scored, less the cost of that much
 * shade; no brighter than the skin (a highlight is the model's own spread).
 */
static float shaded_ll(const comp_gauss *g, const float c[3], float floor)
{
    float s = g->mean[0] > 1.0f ? comp_min(comp_max(c[0] / g->mean[0], SHADE_MIN), 1.0f) : 1.0f;
    float lit[3] = {c[0] / s, 128.0f + (c[1] - 128.0f) / s, 128.0f + (c[2] - 128.0f) / s}, l = logf(s);
    float v = gauss_ll(g, lit, floor, GATE_D2);
    return v <= floor ? floor : v - SHADE_COST * l * l;
}

void comp_colours_loglik(const comp_colours *m, const float c[3], int shaded, float ll[COMP_K])
{
    ll[COMP_HAIR] = hair_ll(m, c);
    ll[COMP_FACE] = gauss_ll(&m->skin, c, LL_MIN - 12.0f, GATE_D2);
    ll[COMP_BODY] = gauss_ll(&m->skin_body, c, LL_MIN - 12.0f, GATE_D2);
    if (shaded && m->skin_body.valid && comp_colours_hue(m) >= 1.0f) /* on a grey frame, shade is a dark collar */
        ll[COMP_BODY] = comp_max(ll[COMP_BODY], shaded_ll(&m->skin_body, c, LL_MIN - 12.0f));
    float best = LL_MIN;
    for (int k = 0; k < COMP_CLOTHES_PARTS; k++)
        best = comp_max(best, gauss_ll(&m->clothes[k], c, LL_MIN, INFINITY) - 1.1f); /* log 1/3: equal parts */
    ll[COMP_CLOTHES] = best;
    ll[COMP_OTHERS] = LL_MIN + 3.0f; /* an object: any colour, none likely (a flat density) */
    /* A pixel clipped white is a white shirt or a highlight on skin (a forehead, a neck in an overexposed frame): its
     * colour cannot tell them apart, so skin is as likely there as the likeliest clothes, and the region's prior and
     * the neighbours decide. The skin's gate had made a forehead's highlight a white shirt's (a dot of clothes) and
     * an overexposed neck clothes. */
    if (clipped_white(c))
        ll[COMP_FACE] = comp_max(ll[COMP_FACE], best), ll[COMP_BODY] = comp_max(ll[COMP_BODY], best);
    const float wgt = colour_weight(m);
    for (int k = 0; k < COMP_K; k++)
        ll[k] *= wgt;
}
