/*
 * BlazeFace face detector, as MediaPipe's face_detection graphs define it:
 * SSD anchors, box and keypoint decoding, sigmoid scores with clipping,
 * weighted non-maximum suppression.
 */
#include "core/log.h"
#include "segtex/vision.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct anchor {
    float cx, cy; /* fixed anchor size: width = height = 1 */
} anchor;

typedef struct candidate {
    float score;
    float box[4]; /* xmin, ymin, xmax, ymax in tensor-normalized coordinates */
    float kp[SEGTEX_KEYPOINT_COUNT][2];
} candidate;

struct segtex_face_detector {
    segtex_model *model;
    int size;             /* input side: 128 or 192 */
    int num_anchors;
    float default_min_score;
    anchor *anchors;
    candidate *cand;      /* num_anchors */
    char *used;           /* num_anchors */
    float *boxes, *scores; /* model outputs */
    float *input;
};

/* One group of SSD layers sharing a stride: anchors per cell. */
typedef struct anchor_layer {
    int stride, per_cell;
} anchor_layer;

static int make_anchors(segtex_face_detector *d, const anchor_layer *layers, int num_layers)
{
    int n = 0;
    for (int l = 0; l < num_layers; l++) {
        int fm = d->size / layers[l].stride;
        for (int y = 0; y < fm; y++)
            for (int x = 0; x < fm; x++)
                for (int a = 0; a < layers[l].per_cell; a++) {
                    if (n >= d->num_anchors)
                        return -1;
                    d->anchors[n].cx = ((float)x + 0.5f) / (float)fm;
                    d->anchors[n].cy = ((float)y + 0.5f) / (float)fm;
                    n++;
                }
    }
    return n == d->num_anchors ? 0 : -1;
}

void segtex_face_detector_destroy(segtex_face_detector *d)
{
    if (!d)
        return;
    segtex_model_destroy(d->model);
    segtex_free(d->anchors);
    segtex_free(d->cand);
    segtex_free(d->used);
    segtex_free(d);
}

segtex_status segtex_face_detector_create(const char *path, const segtex_model_options *options,
                                          segtex_face_detector **out)
{
    *out = NULL;
    segtex_face_detector *d = segtex_calloc(1, sizeof *d);
    if (!d)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    segtex_status st = segtex_model_load(path, options, &d->model);
    if (st)
        goto fail;
    st = SEGTEX_ERROR_UNSUPPORTED;
    segtex_tensor_info in, o0, o1;
    if (segtex_model_input_count(d->model) != 1 || segtex_model_output_count(d->model) != 2) {
        LOG_ERROR("face detector '%s': expected 1 input and 2 outputs", path);
        goto fail;
    }
    segtex_model_input(d->model, 0, &in);
    segtex_model_output(d->model, 0, &o0);
    segtex_model_output(d->model, 1, &o1);
    if (o0.rank == 3 && o0.dims[2] == 1) { /* scores first: swap */
        segtex_tensor_info t = o0;
        o0 = o1;
        o1 = t;
    }
    if (in.rank != 4 || in.dims[1] != in.dims[2] || in.dims[3] != 3 || o0.rank != 3 || o0.dims[2] != 16 ||
        o1.rank != 3 || o1.dims[2] != 1 || o0.dims[1] != o1.dims[1]) {
        LOG_ERROR("face detector '%s': not a BlazeFace model (input [1,S,S,3], outputs [1,N,16] and [1,N,1])",
                  path);
        goto fail;
    }
    d->size = in.dims[1];
    d->num_anchors = o0.dims[1];
    d->input = in.data;
    d->boxes = o0.data;
    d->scores = o1.data;
    /* MediaPipe's anchor options: short range 4 layers, strides 8,16,16,16, 2 anchors per
     * layer (aspect 1 + interpolated); full range 1 layer, stride 4, 1 anchor. */
    static const anchor_layer short_range[] = {{8, 2}, {16, 6}}, full_range[] = {{4, 1}};
    const anchor_layer *layers;
    int num_layers;
    if (d->size == 128 && d->num_anchors == 896) {
        layers = short_range, num_layers = 2, d->default_min_score = 0.5f;
    } else if (d->size == 192 && d->num_anchors == 2304) {
        layers = full_range, num_layers = 1, d->default_min_score = 0.6f;
    } else {
        LOG_ERROR("face detector '%s': unknown anchor layout for %dx%d input with %d boxes", path, d->size,
                  d->size, d->num_anchors);
        goto fail;
    }
    st = SEGTEX_ERROR_OUT_OF_MEMORY;
    d->anchors = segtex_calloc((size_t)d->num_anchors, sizeof *d->anchors);
    d->cand = segtex_calloc((size_t)d->num_anchors, sizeof *d->cand);
    d->used = segtex_calloc((size_t)d->num_anchors, 1);
    if (!d->anchors || !d->cand || !d->used)
        goto fail;
    if (make_anchors(d, layers, num_layers)) {
        st = SEGTEX_ERROR_INTERNAL;
        goto fail;
    }
    *out = d;
    return SEGTEX_OK;
fail:
    segtex_face_detector_destroy(d);
    return st;
}

static float iou(const float a[4], const float b[4])
{
    float ix = fminf(a[2], b[2]) - fmaxf(a[0], b[0]), iy = fminf(a[3], b[3]) - fmaxf(a[1], b[1]);
    if (ix <= 0 || iy <= 0)
        return 0;
    float inter = ix * iy;
    float uni = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
    return uni > 0 ? inter / uni : 0;
}

int segtex_face_detector_detect(segtex_face_detector *d, const segtex_image *img, float min_score,
                                segtex_face_detection *out, int max_faces)
{
    segtex_fit_info fit;
    segtex_status st = segtex_image_to_tensor(img, d->input, d->size, d->size, SEGTEX_FIT_LETTERBOX, -1.0f, 1.0f, &fit);
    if (st)
        return st;
    if ((st = segtex_model_invoke(d->model)))
        return st;
    if (min_score <= 0)
        min_score = d->default_min_score;
    /* Decode the candidates above the threshold. */
    const float s = (float)d->size;
    int n = 0;
    for (int i = 0; i < d->num_anchors; i++) {
        float raw = d->scores[i];
        raw = raw < -100.0f ? -100.0f : raw > 100.0f ? 100.0f : raw;
        float score = 1.0f / (1.0f + expf(-raw));
        if (!(score >= min_score))
            continue;
        const float *r = d->boxes + (size_t)i * 16;
        const anchor *a = &d->anchors[i];
        float cx = r[0] / s + a->cx, cy = r[1] / s + a->cy, w = r[2] / s, h = r[3] / s;
        if (!(w > 0 && h > 0))
            continue;
        candidate *c = &d->cand[n++];
        c->score = score;
        c->box[0] = cx - w / 2, c->box[1] = cy - h / 2, c->box[2] = cx + w / 2, c->box[3] = cy + h / 2;
        for (int k = 0; k < SEGTEX_KEYPOINT_COUNT; k++) {
            c->kp[k][0] = r[4 + 2 * k] / s + a->cx;
            c->kp[k][1] = r[5 + 2 * k] / s + a->cy;
        }
    }
    /* Weighted NMS: the best remaining candidate absorbs every candidate overlapping it by IoU > 0.3;
     * the result is their score-weighted mean, with the best one's score. */
    memset(d->used, 0, (size_t)n);
    int found = 0;
    while (found < max_faces) {
        int best = -1;
        for (int i = 0; i < n; i++)
            if (!d->used[i] && (best < 0 || d->cand[i].score > d->cand[best].score))
                best = i;
        if (best < 0)
            break;
        candidate acc = {0};
        float wsum = 0;
        for (int i = 0; i < n; i++) {
            /* (the best candidate has IoU 1 with itself, so it is always absorbed) */
            if (d->used[i] || iou(d->cand[best].box, d->cand[i].box) <= 0.3f)
                continue;
            d->used[i] = 1;
            float w = d->cand[i].score;
            wsum += w;
            for (int k = 0; k < 4; k++)
                acc.box[k] += w * d->cand[i].box[k];
            for (int k = 0; k < SEGTEX_KEYPOINT_COUNT; k++)
                acc.kp[k][0] += w * d->cand[i].kp[k][0], acc.kp[k][1] += w * d->cand[i].kp[k][1];
        }
        d->used[best] = 1;
        if (wsum <= 0)
            continue;
        /* Tensor-normalized -> image-normalized: undo the letterbox. */
        segtex_face_detection *o = &out[found++];
        o->score = d->cand[best].score;
        float bx[4];
        for (int k = 0; k < 4; k++) {
            float v = acc.box[k] / wsum * s;
            bx[k] = k % 2 == 0 ? (v - fit.offset_x) / fit.scale_x / (float)img->width
                               : (v - fit.offset_y) / fit.scale_y / (float)img->height;
        }
        o->box[0] = bx[0], o->box[1] = bx[1], o->box[2] = bx[2] - bx[0], o->box[3] = bx[3] - bx[1];
        for (int k = 0; k < SEGTEX_KEYPOINT_COUNT; k++) {
            o->keypoints[k][0] = (acc.kp[k][0] / wsum * s - fit.offset_x) / fit.scale_x / (float)img->width;
            o->keypoints[k][1] = (acc.kp[k][1] / wsum * s - fit.offset_y) / fit.scale_y / (float)img->height;
        }
    }
    return found;
}
