/*
 * Six-category segmentation: MediaPipe's multiclass model when present,
 * otherwise the composite (src/vision/composite*.c: the person masks, the
 * face, pose and hand landmarks and per-person colour models; see README:
 * "Composite segmenter").
 */
#include "core/log.h"
#include "segtex/vision.h"
#include "vision/composite_run.h"
#include "vision/vision_math.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define C SEGTEX_CATEGORY_COUNT
#define NOBODY 0.002f /* composite: a landscape mask with less than this share over 0.5 has the square one run */
#define UNSURE 0.01f  /* person: ... less than this share, the square one runs, and the one finding more is taken */
#define POSE_DOUBT 0.5f /* the landscape mask agreeing less with the poses' (IoU) has the square one run too */

struct segtex_segmenter {
    segtex_segmenter_kind kind;
    int temporal;
    segtex_model *square, *landscape, *multiclass;
    float *prev;        /* previous probabilities (temporal), max pixels x 6 */
    int prev_w, prev_h; /* 0: no previous result */
    int max_pixels;
    segtex_composite *composite;
    segtex_tensor_info res;  /* output of the last infer */
    segtex_tensor_info res2; /* composite: the landscape model's, when it ran (rank 0: not) */
    int inferred;           /* 1 between infer and finish */
    float *onto;            /* person: the square model's mask resampled onto the landscape one's grid */
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
    segtex_aligned_free(s->onto);
    segtex_composite_destroy(s->composite);
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
                                                        : "no multiclass model: person masks + face, pose, hands + colour");
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
    if (s->kind == SEGTEX_SEGMENTER_COMPOSITE && s->prev && segtex_composite_create(s->max_pixels, &s->composite)) {
        st = SEGTEX_ERROR_OUT_OF_MEMORY;
        goto fail;
    }
    if (s->kind == SEGTEX_SEGMENTER_PERSON)
        s->onto = segtex_aligned_alloc(sizeof(float) * (size_t)model_pixels(s->landscape), 64);
    if (!s->prev || (s->kind == SEGTEX_SEGMENTER_PERSON && !s->onto)) {
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
void segtex_segmenter_reset(segtex_segmenter *s)
{
    s->prev_w = s->prev_h = 0;
    if (s->composite)
        segtex_composite_reset(s->composite);
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

/* The share of a selfie model's mask over 0.5. */
static float person_share(const segtex_tensor_info *res)
{
    long n = 0, total = (long)res->dims[1] * res->dims[2];
    for (long i = 0; i < total; i++)
        n += res->data[i] > 0.5f;
    return total > 0 ? (float)n / (float)total : 0.0f;
}

/* `from` (a mask covering the whole frame) resampled bilinearly onto `to`'s grid (also the whole frame). */
static void resample_mask(const segtex_tensor_info *from, const segtex_tensor_info *to, float *dst)
{
    const int tw = to->dims[2], th = to->dims[1];
    for (int y = 0; y < th; y++)
        for (int x = 0; x < tw; x++)
            dst[(size_t)y * tw + x] = grid_at(from->data, from->dims[2], from->dims[1], ((float)x + 0.5f) / (float)tw,
                                              ((float)y + 0.5f) / (float)th);
}

segtex_status segtex_segmenter_infer(segtex_segmenter *s, const segtex_image *img)
{
    if (!check_image(img)) {
        LOG_ERROR("segmenter: needs an RGB/RGBA image");
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    s->inferred = 0;
    memset(&s->res2, 0, sizeof s->res2);
    const int wide = img->width * 3 >= img->height * 4;
    segtex_status st;
    if (s->kind == SEGTEX_SEGMENTER_COMPOSITE) {
        /* The composite (see composite.c, fuse_person): from 4:3 up the landscape model, and the
         * square one when the landscape one finds nobody (it misses people on some 4:3 photos) or,
         * in finish, disagrees with the poses; below 4:3 the square model. res holds the square's
         * output (rank 0: not run). */
        memset(&s->res, 0, sizeof s->res);
        if (wide) {
            st = run(s->landscape, img, &s->res2);
            if (!st && person_share(&s->res2) < NOBODY)
                st = run(s->square, img, &s->res);
        } else {
            st = run(s->square, img, &s->res);
        }
        s->inferred = st == SEGTEX_OK;
        return st;
    }
    /* Landscape model from 4:3 up: it is 256x144 (16:9), the square one 256x256. The person segmenter runs the
     * square one too when the landscape one is nearly empty (under UNSURE of its mask), and takes the one finding
     * more, as the composite does without poses: the landscape model, made for a video call's close-up, misses
     * far, full bodies on 4:3 photos (basketball1's two players: person IoU 0.00, the square model's 0.58). The
     * square's mask is resampled onto the landscape grid, so that a frame's shape alone sets the result's size
     * (a grid changing from frame to frame would reset the temporal blend and reconfigure the renderer). */
    segtex_model *m = s->square;
    if (s->multiclass)
        m = s->multiclass;
    else if (wide)
        m = s->landscape;
    st = run(m, img, &s->res);
    const float found = !st && m == s->landscape ? person_share(&s->res) : 1.0f;
    if (found < UNSURE) {
        segtex_tensor_info sq;
        st = run(s->square, img, &sq);
        if (!st && person_share(&sq) > found) {
            resample_mask(&sq, &s->res, s->onto);
            s->res.data = s->onto;
        }
    }
    s->inferred = st == SEGTEX_OK;
    return st;
}

segtex_status segtex_segmenter_finish(segtex_segmenter *s, const segtex_image *img, const segtex_people *people,
                                      segtex_seg_result *out)
{
    const segtex_face_result *fr = people ? people->faces : NULL;
    int face_count = fr ? fr->count : 0;
    if (!check_image(img) || !out || out->capacity < s->max_pixels || face_count < 0 ||
        face_count > SEGTEX_MAX_FACES || !s->inferred) {
        LOG_ERROR("segmenter: finish needs an inferred image and a result of %d pixels", s->max_pixels);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    s->inferred = 0;
    const segtex_tensor_info *res = &s->res;
    if (s->kind == SEGTEX_SEGMENTER_COMPOSITE) { /* always on the square model's grid */
        segtex_tensor_info sq;
        segtex_model_output(s->square, 0, &sq);
        out->width = sq.dims[2], out->height = sq.dims[1];
    } else {
        out->width = res->dims[2], out->height = res->dims[1];
    }
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
        /* The landscape model alone ran: when its mask disagrees with the poses' (it lost a person they hold, or
         * is unsure of one), the square model runs too, and the composite takes the one that agrees better. */
        float agree = s->res2.rank == 4 && res->rank != 4 ? segtex_composite_pose_agreement(
                                                                s->res2.data, s->res2.dims[2], s->res2.dims[1],
                                                                people, img->width, img->height)
                                                          : -1.0f;
        if (agree >= 0.0f && agree < POSE_DOUBT) {
            segtex_status st = run(s->square, img, &s->res);
            if (st)
                return st;
        }
        segtex_composite_masks mk = {res->rank == 4 ? res->data : NULL, res->dims[2], res->dims[1],
                                     s->res2.rank == 4 ? s->res2.data : NULL,
                                     s->res2.dims[2], s->res2.dims[1]};
        if (!s->temporal) /* stills: every frame on its own (no running colour models, no hysteresis) */
            segtex_composite_reset(s->composite);
        segtex_composite_run(s->composite, img, people, &mk, out);
    }
    /* Temporal blend: a confident pixel takes the new value at once, an uncertain one half of the old. */
    if (s->temporal && s->prev_w == out->width && s->prev_h == out->height) {
        for (size_t i = 0; i < n; i++) {
            float *o = out->prob + i * C, *p = s->prev + i * C, mx = 0;
            for (int k = 0; k < C; k++) /* a select, not fmaxf (a call): the same where o[k] is NaN */
                mx = o[k] > mx ? o[k] : mx;
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
