/*
 * MediaPipe's palm detector (palm_detection_full / _lite), as its
 * palm_detection_cpu graph defines it: 192x192 letterbox in [0,1] with a
 * zero border, SSD anchors, 18 values per box, sigmoid scores clipped at
 * +-100, weighted non-maximum suppression at IoU 0.3.
 */
#include "core/log.h"
#include "segtex/vision.h"
#include "vision/palm_decode.h"

#include <math.h>
#include <string.h>

struct segtex_palm_detector {
    segtex_model *model;
    float (*anchors)[2];
    palm_candidate *cand;
    unsigned char *used;
    const float *boxes, *scores;
    float *input;
};

int palm_anchors(float (*anchors)[2], int capacity)
{
    static const struct { int stride, per_cell; } groups[] = {{8, 2}, {16, 6}};
    int n = 0;
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        int fm = (PALM_INPUT_SIZE + groups[g].stride - 1) / groups[g].stride;
        for (int y = 0; y < fm; y++)
            for (int x = 0; x < fm; x++)
                for (int a = 0; a < groups[g].per_cell && n < capacity; a++, n++) {
                    anchors[n][0] = ((float)x + 0.5f) / (float)fm;
                    anchors[n][1] = ((float)y + 0.5f) / (float)fm;
                }
    }
    return n;
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

int palm_decode(const float *boxes, const float *scores, const float (*anchors)[2], int num, float min_score,
                const segtex_fit_info *fit, int img_w, int img_h, palm_candidate *cand, unsigned char *used,
                segtex_palm_detection *out, int max_out)
{
    const float s = (float)PALM_INPUT_SIZE;
    int n = 0;
    for (int i = 0; i < num; i++) {
        float raw = scores[i];
        raw = raw < -100.0f ? -100.0f : raw > 100.0f ? 100.0f : raw;
        float score = 1.0f / (1.0f + expf(-raw));
        if (!(score >= min_score))
            continue;
        const float *r = boxes + (size_t)i * PALM_VALUES;
        float cx = r[0] / s + anchors[i][0], cy = r[1] / s + anchors[i][1], w = r[2] / s, h = r[3] / s;
        if (!(w > 0 && h > 0) || !isfinite(cx) || !isfinite(cy))
            continue;
        palm_candidate *c = &cand[n++];
        c->score = score;
        c->box[0] = cx - w / 2, c->box[1] = cy - h / 2, c->box[2] = cx + w / 2, c->box[3] = cy + h / 2;
        for (int k = 0; k < SEGTEX_PALM_KEYPOINTS; k++) {
            c->kp[k][0] = r[4 + 2 * k] / s + anchors[i][0];
            c->kp[k][1] = r[5 + 2 * k] / s + anchors[i][1];
        }
    }
    /* Weighted NMS: the best remaining candidate absorbs every candidate overlapping it by IoU > 0.3;
     * the result is their score-weighted mean, with the best one's score. */
    memset(used, 0, (size_t)n);
    int found = 0;
    while (found < max_out) {
        int best = -1;
        for (int i = 0; i < n; i++)
            if (!used[i] && (best < 0 || cand[i].score > cand[best].score))
                best = i;
        if (best < 0)
            break;
        palm_candidate acc = {0};
        float wsum = 0;
        for (int i = 0; i < n; i++) {
            if (used[i] || (i != best && iou(cand[best].box, cand[i].box) <= 0.3f))
                continue;
            used[i] = 1;
            float w = cand[i].score;
            wsum += w;
            for (int k = 0; k < 4; k++)
                acc.box[k] += w * cand[i].box[k];
            for (int k = 0; k < SEGTEX_PALM_KEYPOINTS; k++)
                acc.kp[k][0] += w * cand[i].kp[k][0], acc.kp[k][1] += w * cand[i].kp[k][1];
        }
        /* Tensor-normalized -> image-normalized: undo the letterbox. */
        segtex_palm_detection *o = &out[found++];
        o->score = cand[best].score;
        float bx[4];
        for (int k = 0; k < 4; k++) {
            float v = acc.box[k] / wsum * s;
            bx[k] = k % 2 == 0 ? (v - fit->offset_x) / fit->scale_x / (float)img_w
                               : (v - fit->offset_y) / fit->scale_y / (float)img_h;
        }
        o->box[0] = bx[0], o->box[1] = bx[1], o->box[2] = bx[2] - bx[0], o->box[3] = bx[3] - bx[1];
        for (int k = 0; k < SEGTEX_PALM_KEYPOINTS; k++) {
            o->keypoints[k][0] = (acc.kp[k][0] / wsum * s - fit->offset_x) / fit->scale_x / (float)img_w;
            o->keypoints[k][1] = (acc.kp[k][1] / wsum * s - fit->offset_y) / fit->scale_y / (float)img_h;
        }
    }
    return found;
}

void segtex_palm_detector_destroy(segtex_palm_detector *d)
{
    if (!d)
        return;
    segtex_model_destroy(d->model);
    segtex_free(d->anchors);
    segtex_free(d->cand);
    segtex_free(d->used);
    segtex_free(d);
}

segtex_status segtex_palm_detector_create(const char *path, const segtex_model_options *options,
                                          segtex_palm_detector **out)
{
    *out = NULL;
    segtex_palm_detector *d = segtex_calloc(1, sizeof *d);
    if (!d)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    segtex_status st = segtex_model_load(path, options, &d->model);
    if (st)
        goto fail;
    st = SEGTEX_ERROR_UNSUPPORTED;
    if (segtex_model_input_count(d->model) != 1 || segtex_model_output_count(d->model) != 2) {
        LOG_ERROR("palm detector '%s': expected 1 input and 2 outputs", path);
        goto fail;
    }
    segtex_tensor_info in, o0, o1;
    segtex_model_input(d->model, 0, &in);
    segtex_model_output(d->model, 0, &o0);
    segtex_model_output(d->model, 1, &o1);
    if (o0.rank == 3 && o0.dims[2] == 1) { /* scores first: swap */
        segtex_tensor_info t = o0;
        o0 = o1;
        o1 = t;
    }
    if (in.rank != 4 || in.dims[1] != PALM_INPUT_SIZE || in.dims[2] != PALM_INPUT_SIZE || in.dims[3] != 3 ||
        o0.rank != 3 || o0.dims[1] != PALM_NUM_ANCHORS || o0.dims[2] != PALM_VALUES || o1.rank != 3 ||
        o1.dims[1] != PALM_NUM_ANCHORS || o1.dims[2] != 1) {
        LOG_ERROR("palm detector '%s': not a palm model (input [1,192,192,3], outputs [1,2016,18] and [1,2016,1])",
                  path);
        goto fail;
    }
    d->input = in.data;
    d->boxes = o0.data;
    d->scores = o1.data;
    st = SEGTEX_ERROR_OUT_OF_MEMORY;
    d->anchors = segtex_calloc(PALM_NUM_ANCHORS, sizeof *d->anchors);
    d->cand = segtex_calloc(PALM_NUM_ANCHORS, sizeof *d->cand);
    d->used = segtex_calloc(PALM_NUM_ANCHORS, 1);
    if (!d->anchors || !d->cand || !d->used)
        goto fail;
    if (palm_anchors(d->anchors, PALM_NUM_ANCHORS) != PALM_NUM_ANCHORS) {
        st = SEGTEX_ERROR_INTERNAL;
        goto fail;
    }
    *out = d;
    return SEGTEX_OK;
fail:
    segtex_palm_detector_destroy(d);
    return st;
}

int segtex_palm_detector_detect(segtex_palm_detector *d, const segtex_image *img, float min_score,
                                segtex_palm_detection *out, int max_palms)
{
    segtex_fit_info fit;
    segtex_status st = segtex_image_to_tensor(img, d->input, PALM_INPUT_SIZE, PALM_INPUT_SIZE,
                                              SEGTEX_FIT_LETTERBOX, 0.0f, 1.0f, &fit);
    if (st)
        return st;
    if ((st = segtex_model_invoke(d->model)))
        return st;
    if (min_score <= 0)
        min_score = 0.5f;
    return palm_decode(d->boxes, d->scores, (const float (*)[2])d->anchors, PALM_NUM_ANCHORS, min_score, &fit,
                       img->width, img->height, d->cand, d->used, out, max_palms);
}
