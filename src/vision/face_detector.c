/*
 * BlazeFace face detector, as MediaPipe's face_detection graphs define it:
 * SSD anchors, box and keypoint decoding, sigmoid scores with clipping,
 * weighted non-maximum suppression.
 */
#include "core/log.h"
#include "segtex/vision.h"
#include "vision/landmark_model.h"
#include "vision/ssd.h"

#include <math.h>
#include <string.h>

struct segtex_face_detector {
    segtex_model *model;
    int size;             /* input side: 128 or 192 */
    int num_anchors;
    float default_min_score;
    ssd_decode_options decode;
    float (*anchors)[2];
    ssd_candidate *cand;  /* num_anchors */
    unsigned char *used;  /* num_anchors */
    float *boxes, *scores; /* model outputs */
    float *input;
};

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
    static const ssd_model_spec spec = {"face detector", "a BlazeFace model", 0, 0, 16};
    segtex_tensor_info in, o0, o1;
    segtex_status st = ssd_model_load(&spec, path, options, &d->model, &in, &o0, &o1);
    if (st)
        goto fail;
    st = SEGTEX_ERROR_UNSUPPORTED;
    d->size = in.dims[1];
    d->num_anchors = o0.dims[1];
    d->input = in.data;
    d->boxes = o0.data;
    d->scores = o1.data;
    /* MediaPipe's face_detection_{short,full}_range graphs: aspect ratio 1, fixed anchor size, offset 0.5;
     * short range 4 layers of strides 8,16,16,16 with the interpolated scale (16x16x2 + 8x8x6), full range
     * 1 layer of stride 4 without it (48x48). */
    ssd_anchor_options ao = {d->size, d->size, 4, {8, 16, 16, 16}, 1, 1, 0.5f, 0.5f};
    if (d->size == 128 && d->num_anchors == 896) {
        d->default_min_score = 0.5f;
    } else if (d->size == 192 && d->num_anchors == 2304) {
        ao.num_layers = 1, ao.strides[0] = 4, ao.interpolated_scale = 0;
        d->default_min_score = 0.6f;
    } else {
        LOG_ERROR("face detector '%s': unknown anchor layout for %dx%d input with %d boxes", path, d->size,
                  d->size, d->num_anchors);
        goto fail;
    }
    /* 16 values: box, then the 6 keypoints, in pixels of the input. */
    const float s = (float)d->size;
    d->decode = (ssd_decode_options){16, SEGTEX_KEYPOINT_COUNT, 4, s, s, s, s, 100.0f};
    st = SEGTEX_ERROR_OUT_OF_MEMORY;
    d->anchors = segtex_calloc((size_t)d->num_anchors, sizeof *d->anchors);
    d->cand = segtex_calloc((size_t)d->num_anchors, sizeof *d->cand);
    d->used = segtex_calloc((size_t)d->num_anchors, 1);
    if (!d->anchors || !d->cand || !d->used)
        goto fail;
    if (ssd_anchor_count(&ao) != d->num_anchors || ssd_anchors(&ao, d->anchors, d->num_anchors) != d->num_anchors) {
        st = SEGTEX_ERROR_INTERNAL;
        goto fail;
    }
    *out = d;
    return SEGTEX_OK;
fail:
    segtex_face_detector_destroy(d);
    return st;
}

/* The candidates over `min_score` (<= 0: the model's default) from the last invoke, none yet suppressed. */
static int decode(segtex_face_detector *d, float min_score)
{
    if (min_score <= 0)
        min_score = d->default_min_score;
    int n = ssd_decode(&d->decode, d->boxes, d->scores, (const float (*)[2])d->anchors, d->num_anchors, min_score,
                       d->cand);
    memset(d->used, 0, (size_t)n);
    return n;
}

int segtex_face_detector_detect(segtex_face_detector *d, const segtex_image *img, float min_score,
                                segtex_face_detection *out, int max_faces)
{
    segtex_fit_info fit;
    segtex_status st = ssd_invoke(d->model, d->input, d->size, -1.0f, 1.0f, img, &fit);
    if (st)
        return st;
    int n = decode(d, min_score), found = 0;
    for (ssd_candidate m; found < max_faces && ssd_nms_next(d->cand, n, d->used, SEGTEX_KEYPOINT_COUNT, 0.3f, &m);
         found++)
        ssd_to_image(&m, SEGTEX_KEYPOINT_COUNT, d->size, d->size, &fit, img->width, img->height, &out[found].score,
                     out[found].box, out[found].keypoints);
    return found;
}

int segtex_face_detector_detect_roi(segtex_face_detector *d, const segtex_image *img, const segtex_roi *roi,
                                    float min_score, segtex_face_detection *out, int max_faces)
{
    segtex_status st = landmark_check_input("face detector", img, roi);
    if (st)
        return st;
    segtex_roi_to_tensor(img, roi, d->input, d->size);
    for (int i = 0, n = d->size * d->size * 3; i < n; i++) /* [0,1] -> the model's [-1,1] */
        d->input[i] = d->input[i] * 2.0f - 1.0f;
    if ((st = segtex_model_invoke(d->model)))
        return st;
    const float w = (float)img->width, h = (float)img->height;
    int n = decode(d, min_score), found = 0;
    for (ssd_candidate m; found < max_faces && ssd_nms_next(d->cand, n, d->used, SEGTEX_KEYPOINT_COUNT, 0.3f, &m);
         found++) {
        segtex_face_detection *o = &out[found];
        o->score = m.score;
        for (int k = 0; k < SEGTEX_KEYPOINT_COUNT; k++) {
            segtex_roi_to_image(roi, m.kp[k][0], m.kp[k][1], &o->keypoints[k][0], &o->keypoints[k][1]);
            o->keypoints[k][0] /= w, o->keypoints[k][1] /= h;
        }
        /* the box: its four corners in the image, and the upright box around them */
        float x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
        for (int c = 0; c < 4; c++) {
            float x, y;
            segtex_roi_to_image(roi, m.box[c & 1 ? 2 : 0], m.box[c & 2 ? 3 : 1], &x, &y);
            x0 = fminf(x0, x), x1 = fmaxf(x1, x), y0 = fminf(y0, y), y1 = fmaxf(y1, y);
        }
        o->box[0] = x0 / w, o->box[1] = y0 / h, o->box[2] = (x1 - x0) / w, o->box[3] = (y1 - y0) / h;
    }
    return found;
}
