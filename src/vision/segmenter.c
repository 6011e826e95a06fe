/*
 * Six-category segmentation: MediaPipe's multiclass model when present,
 * otherwise a composite of the person probability, the face landmarks and
 * a skin-colour model sampled from the face (see README: "Composite
 * segmenter").
 */
#include "core/log.h"
#include "segtex/vision.h"
#include "vision/face_mesh_tables.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define C SEGTEX_CATEGORY_COUNT

#define MAX_POLY 40

typedef struct poly {
    int n;
    float x[MAX_POLY], y[MAX_POLY]; /* grid coordinates */
    float xmin, xmax, ymin, ymax;
} poly;

typedef struct face_geom {
    poly oval, eyes[2], brows[2], lips;
    float head_cx, head_cy, head_rx, head_ry, chin_y, brow_y;
} face_geom;

struct segtex_segmenter {
    segtex_segmenter_kind kind;
    int temporal;
    segtex_model *square, *landscape, *multiclass;
    float *prev;        /* previous probabilities (temporal), max pixels x 6 */
    int prev_w, prev_h; /* 0: no previous result */
    int max_pixels;
    face_geom geom[SEGTEX_MAX_FACES];
    segtex_tensor_info res; /* output of the last infer */
    int inferred;           /* 1 between infer and finish */
};

const char *segtex_segmenter_kind_name(segtex_segmenter_kind kind)
{
    static const char *const names[] = {"auto", "person", "multiclass", "composite"};
    return (unsigned)kind < 4 ? names[kind] : "unknown";
}

int segtex_segmenter_kind_parse(const char *name)
{
    for (int k = 0; k < 4; k++)
        if (!strcmp(name, segtex_segmenter_kind_name((segtex_segmenter_kind)k)))
            return k;
    return -1;
}

segtex_status segtex_seg_result_alloc(segtex_seg_result *r, int pixels)
{
    memset(r, 0, sizeof *r);
    if (pixels < 1 || pixels > (1 << 24))
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    r->prob = segtex_aligned_alloc(sizeof(float) * C * (size_t)pixels, 64);
    r->category = segtex_malloc((size_t)pixels);
    if (!r->prob || !r->category) {
        segtex_seg_result_free(r);
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    }
    memset(r->prob, 0, sizeof(float) * C * (size_t)pixels);
    memset(r->category, 0, (size_t)pixels);
    r->capacity = pixels;
    return SEGTEX_OK;
}

void segtex_seg_result_free(segtex_seg_result *r)
{
    if (!r)
        return;
    segtex_aligned_free(r->prob);
    segtex_free(r->category);
    memset(r, 0, sizeof *r);
}

int segtex_seg_result_sample(const segtex_seg_result *r, float u, float v, float prob[C])
{
    float p[C];
    float x = u * (float)r->width - 0.5f, y = v * (float)r->height - 0.5f;
    x = fminf(fmaxf(x, 0.0f), (float)(r->width - 1));
    y = fminf(fmaxf(y, 0.0f), (float)(r->height - 1));
    int x0 = (int)x, y0 = (int)y, x1 = x0 + 1 < r->width ? x0 + 1 : x0, y1 = y0 + 1 < r->height ? y0 + 1 : y0;
    float fx = x - (float)x0, fy = y - (float)y0;
    const float *a = r->prob + ((size_t)y0 * r->width + x0) * C, *b = r->prob + ((size_t)y0 * r->width + x1) * C;
    const float *c = r->prob + ((size_t)y1 * r->width + x0) * C, *d = r->prob + ((size_t)y1 * r->width + x1) * C;
    int best = 0;
    for (int k = 0; k < C; k++) {
        float top = a[k] + (b[k] - a[k]) * fx, bot = c[k] + (d[k] - c[k]) * fx;
        p[k] = top + (bot - top) * fy;
        if (p[k] > p[best])
            best = k;
    }
    if (prob)
        memcpy(prob, p, sizeof p);
    return best;
}

void segtex_segmenter_destroy(segtex_segmenter *s)
{
    if (!s)
        return;
    segtex_model_destroy(s->square);
    segtex_model_destroy(s->landscape);
    segtex_model_destroy(s->multiclass);
    segtex_aligned_free(s->prev);
    segtex_free(s);
}

/* Load `dir/name` and check it has one [1,H,W,3] input and one [1,H,W,channels] output. */
static segtex_status load_seg_model(const segtex_segmenter_options *o, const char *name, int channels,
                                    segtex_model **out)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", o->models_dir, name);
    segtex_status st = segtex_model_load(path, &o->model, out);
    if (st)
        return st;
    segtex_tensor_info in, res;
    segtex_model_input(*out, 0, &in);
    segtex_model_output(*out, 0, &res);
    if (segtex_model_input_count(*out) != 1 || in.rank != 4 || in.dims[3] != 3 || res.rank != 4 ||
        res.dims[1] != in.dims[1] || res.dims[2] != in.dims[2] || res.dims[3] != channels) {
        LOG_ERROR("segmenter: '%s' is not a segmentation model with %d output channel(s)", path, channels);
        segtex_model_destroy(*out);
        *out = NULL;
        return SEGTEX_ERROR_UNSUPPORTED;
    }
    return SEGTEX_OK;
}

static int model_pixels(const segtex_model *m)
{
    if (!m)
        return 0;
    segtex_tensor_info t;
    segtex_model_output(m, 0, &t);
    return t.dims[1] * t.dims[2];
}

segtex_status segtex_segmenter_create(const segtex_segmenter_options *o, segtex_segmenter **out)
{
    *out = NULL;
    if (!o || !o->models_dir || (unsigned)o->kind > SEGTEX_SEGMENTER_COMPOSITE) {
        LOG_ERROR("segmenter: needs options with a models folder and a valid kind");
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    segtex_segmenter *s = segtex_calloc(1, sizeof *s);
    if (!s)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    s->kind = o->kind;
    s->temporal = o->temporal;
    segtex_status st = SEGTEX_OK;
    if (s->kind == SEGTEX_SEGMENTER_AUTO) {
        char path[4096];
        snprintf(path, sizeof path, "%s/selfie_multiclass_256x256.tflite", o->models_dir);
        s->kind = access(path, R_OK) == 0 ? SEGTEX_SEGMENTER_MULTICLASS : SEGTEX_SEGMENTER_COMPOSITE;
        LOG_INFO("segmenter: %s (%s)", segtex_segmenter_kind_name(s->kind),
                 s->kind == SEGTEX_SEGMENTER_MULTICLASS ? "multiclass model found"
                                                        : "no multiclass model: person + face + skin colour");
    }
    if (s->kind == SEGTEX_SEGMENTER_MULTICLASS) {
        st = load_seg_model(o, "selfie_multiclass_256x256.tflite", C, &s->multiclass);
    } else {
        st = load_seg_model(o, "selfie_segmentation.tflite", 1, &s->square);
        if (!st)
            st = load_seg_model(o, "selfie_segmentation_landscape.tflite", 1, &s->landscape);
    }
    if (st)
        goto fail;
    s->max_pixels = model_pixels(s->multiclass);
    if (model_pixels(s->square) > s->max_pixels)
        s->max_pixels = model_pixels(s->square);
    if (model_pixels(s->landscape) > s->max_pixels)
        s->max_pixels = model_pixels(s->landscape);
    s->prev = segtex_aligned_alloc(sizeof(float) * C * (size_t)s->max_pixels, 64);
    if (!s->prev) {
        st = SEGTEX_ERROR_OUT_OF_MEMORY;
        goto fail;
    }
    *out = s;
    return SEGTEX_OK;
fail:
    segtex_segmenter_destroy(s);
    return st;
}

segtex_segmenter_kind segtex_segmenter_kind_in_use(const segtex_segmenter *s) { return s->kind; }
int segtex_segmenter_max_pixels(const segtex_segmenter *s) { return s->max_pixels; }
void segtex_segmenter_reset(segtex_segmenter *s) { s->prev_w = s->prev_h = 0; }

/* ---- composite -------------------------------------------------------------- */

static void make_poly(poly *p, const segtex_face_landmarks *f, const uint16_t *idx, int n, int w, int h)
{
    p->n = n;
    p->xmin = p->ymin = INFINITY;
    p->xmax = p->ymax = -INFINITY;
    for (int i = 0; i < n; i++) {
        p->x[i] = f->xyz[idx[i]][0] * (float)w;
        p->y[i] = f->xyz[idx[i]][1] * (float)h;
        p->xmin = fminf(p->xmin, p->x[i]), p->xmax = fmaxf(p->xmax, p->x[i]);
        p->ymin = fminf(p->ymin, p->y[i]), p->ymax = fmaxf(p->ymax, p->y[i]);
    }
}

/* Even-odd rule point-in-polygon, with a bounding-box test first. */
static int inside(const poly *p, float x, float y)
{
    if (x < p->xmin || x > p->xmax || y < p->ymin || y > p->ymax)
        return 0;
    int in = 0;
    for (int i = 0, j = p->n - 1; i < p->n; j = i++)
        if ((p->y[i] > y) != (p->y[j] > y) && x < (p->x[j] - p->x[i]) * (y - p->y[i]) / (p->y[j] - p->y[i]) + p->x[i])
            in = !in;
    return in;
}

static void rgb_to_ycc(const uint8_t *p, float out[3])
{
    float r = p[0], g = p[1], b = p[2];
    out[0] = 0.299f * r + 0.587f * g + 0.114f * b;
    out[1] = 128.0f - 0.168736f * r - 0.331264f * g + 0.5f * b;
    out[2] = 128.0f + 0.5f * r - 0.418688f * g - 0.081312f * b;
}

/* Skin model: mean and inverse covariance of (Y, Cb, Cr), Y's variance widened for lighting. */
typedef struct skin_model {
    float mean[3];
    float inv[3][3];       /* loose: Y widened (the body is lit differently from the face) */
    float inv_tight[3][3]; /* tight: as measured on the face (near it: hair vs. ears) */
    int valid;
} skin_model;

static int invert3(const double m[3][3], float inv[3][3])
{
    double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
                 m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    if (!(fabs(det) > 1e-9))
        return -1;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            int a = (j + 1) % 3, b = (j + 2) % 3, c = (i + 1) % 3, d = (i + 2) % 3;
            inv[i][j] = (float)((m[a][c] * m[b][d] - m[a][d] * m[b][c]) / det);
        }
    return 0;
}

static const uint8_t *pixel_at(const segtex_image *img, float u, float v)
{
    int x = (int)(u * (float)img->width), y = (int)(v * (float)img->height);
    x = x < 0 ? 0 : x >= img->width ? img->width - 1 : x;
    y = y < 0 ? 0 : y >= img->height ? img->height - 1 : y;
    return img->data + (ptrdiff_t)y * img->stride + (ptrdiff_t)x * img->channels;
}

static float skin_distance(const skin_model *m, const uint8_t *px, int tight)
{
    float y[3], d[3];
    rgb_to_ycc(px, y);
    if (!m->valid) { /* a generic chroma box when no face was seen */
        return (y[1] >= 77 && y[1] <= 127 && y[2] >= 133 && y[2] <= 173) ? 0.0f : 100.0f;
    }
    for (int k = 0; k < 3; k++)
        d[k] = y[k] - m->mean[k];
    float q = 0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            q += d[i] * (tight ? m->inv_tight : m->inv)[i][j] * d[j];
    return q;
}

#define SKIN_D2 11.3f      /* chi-square, 3 degrees of freedom, 99% */
#define SKIN_D2_TIGHT 7.8f /* 95%: around the face, hair of a skin-like hue must not pass */

static void composite(segtex_segmenter *s, const segtex_image *img, const segtex_face_landmarks *faces, int nf,
                      const float *person, segtex_seg_result *out)
{
    const int w = out->width, h = out->height;
    if (nf > SEGTEX_MAX_FACES)
        nf = SEGTEX_MAX_FACES;
    /* Face geometry in grid coordinates. */
    int used = 0;
    for (int f = 0; f < nf; f++) {
        if (faces[f].count < SEGTEX_MESH_MESH_COUNT)
            continue;
        face_geom *g = &s->geom[used++];
        make_poly(&g->oval, &faces[f], segtex_mesh_face_oval, SEGTEX_MESH_FACE_OVAL_COUNT, w, h);
        make_poly(&g->eyes[0], &faces[f], segtex_mesh_left_eye, SEGTEX_MESH_EYE_CONTOUR_COUNT, w, h);
        make_poly(&g->eyes[1], &faces[f], segtex_mesh_right_eye, SEGTEX_MESH_EYE_CONTOUR_COUNT, w, h);
        make_poly(&g->brows[0], &faces[f], segtex_mesh_left_brow, SEGTEX_MESH_BROW_COUNT, w, h);
        make_poly(&g->brows[1], &faces[f], segtex_mesh_right_brow, SEGTEX_MESH_BROW_COUNT, w, h);
        make_poly(&g->lips, &faces[f], segtex_mesh_lips_outer, SEGTEX_MESH_LIPS_OUTER_COUNT, w, h);
        float fw = g->oval.xmax - g->oval.xmin, fh = g->oval.ymax - g->oval.ymin;
        /* The head: an ellipse around the face oval, reaching higher (hair) than lower. */
        g->head_cx = 0.5f * (g->oval.xmin + g->oval.xmax);
        g->head_cy = 0.5f * (g->oval.ymin + g->oval.ymax) - 0.2f * fh;
        g->head_rx = 0.95f * fw;
        g->head_ry = 0.85f * fh;
        g->chin_y = g->oval.ymax;
        g->brow_y = 0.5f * (g->brows[0].ymax + g->brows[1].ymax);
    }
    /* Skin model from the face: inside the oval, outside eyes, brows and lips, where the person is. */
    skin_model skin = {0};
    double sum[3] = {0}, sq[3][3] = {{0}};
    long n = 0;
    for (int f = 0; f < used; f++) {
        const face_geom *g = &s->geom[f];
        for (int y = (int)fmaxf(g->oval.ymin, 0); y <= (int)fminf(g->oval.ymax, (float)h - 1); y++)
            for (int x = (int)fmaxf(g->oval.xmin, 0); x <= (int)fminf(g->oval.xmax, (float)w - 1); x++) {
                float fx = (float)x + 0.5f, fy = (float)y + 0.5f;
                if (!inside(&g->oval, fx, fy) || inside(&g->eyes[0], fx, fy) || inside(&g->eyes[1], fx, fy) ||
                    inside(&g->brows[0], fx, fy) || inside(&g->brows[1], fx, fy) || inside(&g->lips, fx, fy) ||
                    person[y * w + x] < 0.5f)
                    continue;
                float c[3];
                rgb_to_ycc(pixel_at(img, fx / (float)w, fy / (float)h), c);
                for (int i = 0; i < 3; i++) {
                    sum[i] += c[i];
                    for (int j = 0; j < 3; j++)
                        sq[i][j] += (double)c[i] * c[j];
                }
                n++;
            }
    }
    if (n >= 16) {
        double cov[3][3];
        for (int i = 0; i < 3; i++)
            skin.mean[i] = (float)(sum[i] / (double)n);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                cov[i][j] = sq[i][j] / (double)n - (double)skin.mean[i] * skin.mean[j];
        cov[0][0] += 4.0, cov[1][1] += 4.0, cov[2][2] += 4.0; /* a floor for very uniform faces */
        int ok = invert3(cov, skin.inv_tight) == 0;
        cov[0][0] = cov[0][0] * 4.0 + 25.0; /* lighting varies over the body more than over the face */
        skin.valid = ok && invert3(cov, skin.inv) == 0;
    }
    /* One pass over the grid. */
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            float p = person[y * w + x];
            p = p < 0 ? 0 : p > 1 ? 1 : p;
            float *o = out->prob + ((size_t)y * w + x) * C;
            memset(o, 0, sizeof(float) * C);
            o[SEGTEX_CATEGORY_BACKGROUND] = 1.0f - p;
            float fx = (float)x + 0.5f, fy = (float)y + 0.5f;
            int cat = -1;
            for (int f = 0; f < used && cat < 0; f++) {
                const face_geom *g = &s->geom[f];
                if (inside(&g->oval, fx, fy)) {
                    if (inside(&g->eyes[0], fx, fy) || inside(&g->eyes[1], fx, fy) || inside(&g->lips, fx, fy))
                        cat = SEGTEX_CATEGORY_OTHERS;
                    else if (inside(&g->brows[0], fx, fy) || inside(&g->brows[1], fx, fy))
                        cat = SEGTEX_CATEGORY_HAIR;
                    else
                        cat = SEGTEX_CATEGORY_FACE_SKIN;
                } else {
                    float dx = (fx - g->head_cx) / g->head_rx, dy = (fy - g->head_cy) / g->head_ry;
                    /* Beside and above the face, above the brows, is hair whatever its colour (blond
                     * hair and skin share hues); lower down (ears) the colour decides. */
                    if (dx * dx + dy * dy <= 1.0f && fy < g->chin_y) {
                        int sk = fy > g->brow_y &&
                                 skin_distance(&skin, pixel_at(img, fx / (float)w, fy / (float)h), 1) < SKIN_D2_TIGHT;
                        cat = sk ? SEGTEX_CATEGORY_BODY_SKIN : SEGTEX_CATEGORY_HAIR;
                    }
                }
            }
            if (cat < 0)
                cat = skin_distance(&skin, pixel_at(img, fx / (float)w, fy / (float)h), 0) < SKIN_D2 ? SEGTEX_CATEGORY_BODY_SKIN : SEGTEX_CATEGORY_CLOTHES;
            o[cat] = p;
        }
    }
}

/* Feed `img` to a model with a [1,H,W,3] input in [0,1], stretched. */
static segtex_status run(segtex_model *m, const segtex_image *img, segtex_tensor_info *res)
{
    segtex_tensor_info in;
    segtex_model_input(m, 0, &in);
    segtex_status st = segtex_image_to_tensor(img, in.data, in.dims[2], in.dims[1], SEGTEX_FIT_STRETCH, 0, 1, NULL);
    if (!st)
        st = segtex_model_invoke(m);
    segtex_model_output(m, 0, res);
    return st;
}

static int check_image(const segtex_image *img)
{
    return img && img->data && img->width >= 1 && img->height >= 1 && (img->channels == 3 || img->channels == 4);
}

segtex_status segtex_segmenter_infer(segtex_segmenter *s, const segtex_image *img)
{
    if (!check_image(img)) {
        LOG_ERROR("segmenter: needs an RGB/RGBA image");
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    /* Landscape model from 4:3 up: it is 256x144 (16:9), the square one 256x256. */
    segtex_model *m = s->multiclass ? s->multiclass : img->width * 3 >= img->height * 4 ? s->landscape : s->square;
    s->inferred = 0;
    segtex_status st = run(m, img, &s->res);
    s->inferred = st == SEGTEX_OK;
    return st;
}

segtex_status segtex_segmenter_finish(segtex_segmenter *s, const segtex_image *img, const segtex_people *people,
                                      segtex_seg_result *out)
{
    const segtex_face_result *fr = people ? people->faces : NULL;
    const segtex_face_landmarks *faces = fr ? fr->faces : NULL;
    int face_count = fr ? fr->count : 0;
    if (!check_image(img) || !out || out->capacity < s->max_pixels || face_count < 0 ||
        face_count > SEGTEX_MAX_FACES || !s->inferred) {
        LOG_ERROR("segmenter: finish needs an inferred image and a result of %d pixels", s->max_pixels);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    s->inferred = 0;
    const segtex_tensor_info *res = &s->res;
    out->width = res->dims[2], out->height = res->dims[1];
    size_t n = (size_t)out->width * out->height;
    if (s->kind == SEGTEX_SEGMENTER_MULTICLASS) {
        for (size_t i = 0; i < n; i++) { /* softmax of the six logits */
            const float *l = res->data + i * C;
            float *o = out->prob + i * C, mx = l[0], sum = 0;
            for (int k = 1; k < C; k++)
                mx = fmaxf(mx, l[k]);
            for (int k = 0; k < C; k++)
                sum += o[k] = expf(l[k] - mx);
            for (int k = 0; k < C; k++)
                o[k] /= sum;
        }
    } else if (s->kind == SEGTEX_SEGMENTER_PERSON) {
        for (size_t i = 0; i < n; i++) {
            float p = fminf(fmaxf(res->data[i], 0.0f), 1.0f), *o = out->prob + i * C;
            memset(o, 0, sizeof(float) * C);
            o[SEGTEX_CATEGORY_BACKGROUND] = 1.0f - p;
            o[SEGTEX_CATEGORY_CLOTHES] = p;
        }
    } else {
        composite(s, img, faces, face_count, res->data, out);
    }
    /* Temporal blend: a confident pixel takes the new value at once, an uncertain one half of the old. */
    if (s->temporal && s->prev_w == out->width && s->prev_h == out->height) {
        for (size_t i = 0; i < n; i++) {
            float *o = out->prob + i * C, *p = s->prev + i * C, mx = 0;
            for (int k = 0; k < C; k++)
                mx = fmaxf(mx, o[k]);
            float conf = (mx - 1.0f / C) / (1.0f - 1.0f / C); /* 0 uniform .. 1 one-hot */
            float keep = 0.5f * (1.0f - conf);
            for (int k = 0; k < C; k++)
                o[k] = o[k] + keep * (p[k] - o[k]);
        }
    }
    if (s->temporal) {
        memcpy(s->prev, out->prob, n * C * sizeof(float));
        s->prev_w = out->width, s->prev_h = out->height;
    }
    for (size_t i = 0; i < n; i++) {
        const float *o = out->prob + i * C;
        int best = 0;
        for (int k = 1; k < C; k++)
            if (o[k] > o[best])
                best = k;
        out->category[i] = (uint8_t)best;
    }
    return SEGTEX_OK;
}

segtex_status segtex_segmenter_process(segtex_segmenter *s, const segtex_image *img, const segtex_people *people,
                                       segtex_seg_result *out)
{
    if (!out || out->capacity < s->max_pixels) {
        LOG_ERROR("segmenter: needs a result of %d pixels", s->max_pixels);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    segtex_status st = segtex_segmenter_infer(s, img);
    return st ? st : segtex_segmenter_finish(s, img, people, out);
}

void segtex_seg_result_upsample(const segtex_seg_result *r, segtex_image *categories, segtex_image *person,
                                double shares[SEGTEX_CATEGORY_COUNT])
{
    const segtex_image *size = categories ? categories : person;
    long counts[C] = {0};
    const int w = size->width, h = size->height;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float p[C];
            int c = segtex_seg_result_sample(r, (x + 0.5f) / (float)w, (y + 0.5f) / (float)h, p);
            counts[c]++;
            if (categories)
                categories->data[(ptrdiff_t)y * categories->stride + x] = (uint8_t)c;
            if (person) {
                float v = 1.0f - p[0];
                v = v < 0 ? 0 : v > 1 ? 1 : v;
                person->data[(ptrdiff_t)y * person->stride + x] = (uint8_t)lrintf(v * 255.0f);
            }
        }
    if (shares)
        for (int c = 0; c < C; c++)
            shares[c] = (double)counts[c] / ((double)w * h);
}
