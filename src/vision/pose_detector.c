/*
 * BlazePose person detector, as MediaPipe's pose_detection_cpu graph
 * defines it: 224x224 letterbox in [-1,1], SSD anchors (5 layers, strides
 * 8,16,32,32,32, fixed size), boxes and 4 keypoints scaled by 224, sigmoid
 * scores clipped at +-100, weighted non-maximum suppression at IoU 0.3.
 */
#include "core/log.h"
#include "segtex/vision.h"

#include <math.h>
#include <string.h>

#define POSE_DET_SIZE 224
#define POSE_DET_ANCHORS 2254
#define POSE_DET_COORDS 12

typedef struct candidate {
    float score;
    float box[4]; /* xmin, ymin, xmax, ymax, tensor-normalized */
    float kp[SEGTEX_POSE_KP_COUNT][2];
} candidate;

struct segtex_pose_detector {
    segtex_model *model;
    float *input, *boxes, *scores;
    float anchors[POSE_DET_ANCHORS][2];
    candidate cand[POSE_DET_ANCHORS];
    unsigned char used[POSE_DET_ANCHORS];
};

/*
 * MediaPipe's SsdAnchorsCalculator with aspect ratio 1 and fixed anchor size:
 * each layer gives 2 anchors per cell (ratio 1 and the interpolated scale),
 * consecutive layers of one stride share the cells: 28x28x2 + 14x14x2 + 7x7x6.
 */
static int make_anchors(segtex_pose_detector *d)
{
    static const int strides[] = {8, 16, 32, 32, 32};
    const int layers = 5;
    int n = 0;
    for (int l = 0; l < layers;) {
        int per_cell = 0, last = l;
        while (last < layers && strides[last] == strides[l])
            per_cell += 2, last++;
        int fm = (POSE_DET_SIZE + strides[l] - 1) / strides[l];
        for (int y = 0; y < fm; y++)
            for (int x = 0; x < fm; x++)
                for (int a = 0; a < per_cell; a++) {
                    if (n >= POSE_DET_ANCHORS)
                        return -1;
                    d->anchors[n][0] = ((float)x + 0.5f) / (float)fm;
                    d->anchors[n][1] = ((float)y + 0.5f) / (float)fm;
                    n++;
                }
        l = last;
    }
    return n == POSE_DET_ANCHORS ? 0 : -1;
}

void segtex_pose_detector_destroy(segtex_pose_detector *d)
{
    if (!d)
        return;
    segtex_model_destroy(d->model);
    segtex_free(d);
}

segtex_status segtex_pose_detector_create(const char *path, const segtex_model_options *options,
                                          segtex_pose_detector **out)
{
    *out = NULL;
    segtex_pose_detector *d = segtex_calloc(1, sizeof *d);
    if (!d)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    segtex_status st = segtex_model_load(path, options, &d->model);
    if (st)
        goto fail;
    st = SEGTEX_ERROR_UNSUPPORTED;
    if (segtex_model_input_count(d->model) != 1 || segtex_model_output_count(d->model) != 2) {
        LOG_ERROR("pose detector '%s': expected 1 input and 2 outputs", path);
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
    if (in.rank != 4 || in.dims[1] != POSE_DET_SIZE || in.dims[2] != POSE_DET_SIZE || in.dims[3] != 3 ||
        o0.rank != 3 || o0.dims[1] != POSE_DET_ANCHORS || o0.dims[2] != POSE_DET_COORDS || o1.rank != 3 ||
        o1.dims[1] != POSE_DET_ANCHORS || o1.dims[2] != 1) {
        LOG_ERROR("pose detector '%s': not BlazePose (input [1,224,224,3], outputs [1,2254,12] and [1,2254,1])",
                  path);
        goto fail;
    }
    d->input = in.data;
    d->boxes = o0.data;
    d->scores = o1.data;
    if (make_anchors(d)) {
        st = SEGTEX_ERROR_INTERNAL;
        goto fail;
    }
    *out = d;
    return SEGTEX_OK;
fail:
    segtex_pose_detector_destroy(d);
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

int segtex_pose_detector_detect(segtex_pose_detector *d, const segtex_image *img, float min_score,
                                segtex_pose_detection *out, int max_poses)
{
    segtex_fit_info fit;
    segtex_status st = segtex_image_to_tensor(img, d->input, POSE_DET_SIZE, POSE_DET_SIZE, SEGTEX_FIT_LETTERBOX,
                                              -1.0f, 1.0f, &fit);
    if (st)
        return st;
    if ((st = segtex_model_invoke(d->model)))
        return st;
    if (min_score <= 0)
        min_score = 0.5f;
    const float s = (float)POSE_DET_SIZE;
    int n = 0;
    for (int i = 0; i < POSE_DET_ANCHORS; i++) {
        float raw = d->scores[i];
        raw = raw < -100.0f ? -100.0f : raw > 100.0f ? 100.0f : raw;
        float score = 1.0f / (1.0f + expf(-raw));
        if (!(score >= min_score))
            continue;
        const float *r = d->boxes + (size_t)i * POSE_DET_COORDS;
        float ax = d->anchors[i][0], ay = d->anchors[i][1];
        float cx = r[0] / s + ax, cy = r[1] / s + ay, w = r[2] / s, h = r[3] / s;
        if (!(w > 0 && h > 0))
            continue;
        candidate *c = &d->cand[n++];
        c->score = score;
        c->box[0] = cx - w / 2, c->box[1] = cy - h / 2, c->box[2] = cx + w / 2, c->box[3] = cy + h / 2;
        for (int k = 0; k < SEGTEX_POSE_KP_COUNT; k++) {
            c->kp[k][0] = r[4 + 2 * k] / s + ax;
            c->kp[k][1] = r[5 + 2 * k] / s + ay;
        }
    }
    /* Weighted NMS: the best remaining candidate absorbs all overlapping it by IoU > 0.3 (itself included);
     * the result is their score-weighted mean with the best one's score. */
    memset(d->used, 0, (size_t)n);
    int found = 0;
    while (found < max_poses) {
        int best = -1;
        for (int i = 0; i < n; i++)
            if (!d->used[i] && (best < 0 || d->cand[i].score > d->cand[best].score))
                best = i;
        if (best < 0)
            break;
        candidate acc = {0};
        float wsum = 0;
        for (int i = 0; i < n; i++) {
            if (d->used[i] || iou(d->cand[best].box, d->cand[i].box) <= 0.3f)
                continue;
            d->used[i] = 1;
            float w = d->cand[i].score;
            wsum += w;
            for (int k = 0; k < 4; k++)
                acc.box[k] += w * d->cand[i].box[k];
            for (int k = 0; k < SEGTEX_POSE_KP_COUNT; k++)
                acc.kp[k][0] += w * d->cand[i].kp[k][0], acc.kp[k][1] += w * d->cand[i].kp[k][1];
        }
        d->used[best] = 1;
        if (wsum <= 0)
            continue;
        /* Tensor-normalized -> image-normalized: undo the letterbox. */
        segtex_pose_detection *o = &out[found++];
        o->score = d->cand[best].score;
        float bx[4];
        for (int k = 0; k < 4; k++) {
            float v = acc.box[k] / wsum * s;
            bx[k] = k % 2 == 0 ? (v - fit.offset_x) / fit.scale_x / (float)img->width
                               : (v - fit.offset_y) / fit.scale_y / (float)img->height;
        }
        o->box[0] = bx[0], o->box[1] = bx[1], o->box[2] = bx[2] - bx[0], o->box[3] = bx[3] - bx[1];
        for (int k = 0; k < SEGTEX_POSE_KP_COUNT; k++) {
            o->keypoints[k][0] = (acc.kp[k][0] / wsum * s - fit.offset_x) / fit.scale_x / (float)img->width;
            o->keypoints[k][1] = (acc.kp[k][1] / wsum * s - fit.offset_y) / fit.scale_y / (float)img->height;
        }
    }
    return found;
}
