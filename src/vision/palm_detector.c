/*
 * MediaPipe's palm detector (palm_detection_full / _lite), as its
 * palm_detection_cpu graph defines it: 192x192 letterbox in [0,1] with a
 * zero border, SSD anchors, 18 values per box, sigmoid scores clipped at
 * +-100, weighted non-maximum suppression at IoU 0.3.
 */
#include "segtex/vision.h"
#include "vision/palm_decode.h"

#include <string.h>

struct segtex_palm_detector {
    segtex_model *model;
    float (*anchors)[2];
    palm_candidate *cand;
    unsigned char *used;
    const float *boxes, *scores;
    float *input;
};

/* MediaPipe's palm_detection_cpu anchors: 4 layers, strides 8,16,16,16, aspect ratio 1 + interpolated. */
static const ssd_anchor_options anchor_options = {
    PALM_INPUT_SIZE, PALM_INPUT_SIZE, 4, {8, 16, 16, 16}, 1, 1, 0.5f, 0.5f};

/* 18 values: box, then the 7 keypoints, in pixels of the 192 input. */
static const ssd_decode_options decode_options = {
    PALM_VALUES, SEGTEX_PALM_KEYPOINTS, 4, PALM_INPUT_SIZE, PALM_INPUT_SIZE, PALM_INPUT_SIZE, PALM_INPUT_SIZE, 100.0f};

int palm_anchors(float (*anchors)[2], int capacity) { return ssd_anchors(&anchor_options, anchors, capacity); }

int palm_decode(const float *boxes, const float *scores, const float (*anchors)[2], int num, float min_score,
                const segtex_fit_info *fit, int img_w, int img_h, palm_candidate *cand, unsigned char *used,
                segtex_palm_detection *out, int max_out)
{
    int n = ssd_decode(&decode_options, boxes, scores, anchors, num, min_score, cand);
    memset(used, 0, (size_t)n);
    int found = 0;
    for (ssd_candidate m; found < max_out && ssd_nms_next(cand, n, used, SEGTEX_PALM_KEYPOINTS, 0.3f, &m); found++)
        ssd_to_image(&m, SEGTEX_PALM_KEYPOINTS, PALM_INPUT_SIZE, PALM_INPUT_SIZE, fit, img_w, img_h, &out[found].score,
                     out[found].box, out[found].keypoints);
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
    static const ssd_model_spec spec = {"palm detector", "a palm model", PALM_INPUT_SIZE, PALM_NUM_ANCHORS,
                                        PALM_VALUES};
    segtex_tensor_info in, o0, o1;
    segtex_status st = ssd_model_load(&spec, path, options, &d->model, &in, &o0, &o1);
    if (st)
        goto fail;
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
    segtex_status st = ssd_invoke(d->model, d->input, PALM_INPUT_SIZE, 0.0f, 1.0f, img, &fit);
    if (st)
        return st;
    if (min_score <= 0)
        min_score = 0.5f;
    return palm_decode(d->boxes, d->scores, (const float (*)[2])d->anchors, PALM_NUM_ANCHORS, min_score, &fit,
                       img->width, img->height, d->cand, d->used, out, max_palms);
}
