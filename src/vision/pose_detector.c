/*
 * BlazePose person detector, as MediaPipe's pose_detection_cpu graph
 * defines it: 224x224 letterbox in [-1,1], SSD anchors (5 layers, strides
 * 8,16,32,32,32, fixed size), boxes and 4 keypoints scaled by 224, sigmoid
 * scores clipped at +-100, weighted non-maximum suppression at IoU 0.3.
 */
#include "segtex/vision.h"
#include "vision/ssd.h"

#include <string.h>

#define POSE_DET_SIZE 224
#define POSE_DET_ANCHORS 2254
#define POSE_DET_COORDS 12

struct segtex_pose_detector {
    segtex_model *model;
    float *input, *boxes, *scores;
    float anchors[POSE_DET_ANCHORS][2];
    ssd_candidate cand[POSE_DET_ANCHORS];
    unsigned char used[POSE_DET_ANCHORS];
};

/*
 * MediaPipe's pose_detection_cpu anchors: 5 layers, strides 8,16,32,32,32,
 * aspect ratio 1 plus the interpolated scale, fixed anchor size, offset
 * 0.5; layers of one stride share the cells: 28x28x2 + 14x14x2 + 7x7x6.
 */
static const ssd_anchor_options anchor_options = {
    POSE_DET_SIZE, POSE_DET_SIZE, 5, {8, 16, 32, 32, 32}, 1, 1, 0.5f, 0.5f};

/* 12 values: box, then the 4 keypoints, in pixels of the 224 input. */
static const ssd_decode_options decode_options = {
    POSE_DET_COORDS, SEGTEX_POSE_KP_COUNT, 4, POSE_DET_SIZE, POSE_DET_SIZE, POSE_DET_SIZE, POSE_DET_SIZE, 100.0f};

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
    static const ssd_model_spec spec = {"pose detector", "BlazePose", POSE_DET_SIZE, POSE_DET_ANCHORS,
                                        POSE_DET_COORDS};
    segtex_tensor_info in, o0, o1;
    segtex_status st = ssd_model_load(&spec, path, options, &d->model, &in, &o0, &o1);
    if (st)
        goto fail;
    d->input = in.data;
    d->boxes = o0.data;
    d->scores = o1.data;
    if (ssd_anchors(&anchor_options, d->anchors, POSE_DET_ANCHORS) != POSE_DET_ANCHORS ||
        ssd_anchor_count(&anchor_options) != POSE_DET_ANCHORS) {
        st = SEGTEX_ERROR_INTERNAL;
        goto fail;
    }
    *out = d;
    return SEGTEX_OK;
fail:
    segtex_pose_detector_destroy(d);
    return st;
}

int segtex_pose_detector_detect(segtex_pose_detector *d, const segtex_image *img, float min_score,
                                segtex_pose_detection *out, int max_poses)
{
    segtex_fit_info fit;
    segtex_status st = ssd_invoke(d->model, d->input, POSE_DET_SIZE, -1.0f, 1.0f, img, &fit);
    if (st)
        return st;
    if (min_score <= 0)
        min_score = 0.5f;
    int n = ssd_decode(&decode_options, d->boxes, d->scores, (const float (*)[2])d->anchors, POSE_DET_ANCHORS,
                       min_score, d->cand);
    memset(d->used, 0, (size_t)n);
    int found = 0;
    for (ssd_candidate m; found < max_poses && ssd_nms_next(d->cand, n, d->used, SEGTEX_POSE_KP_COUNT, 0.3f, &m);
         found++)
        ssd_to_image(&m, SEGTEX_POSE_KP_COUNT, POSE_DET_SIZE, POSE_DET_SIZE, &fit, img->width, img->height,
                     &out[found].score, out[found].box, out[found].keypoints);
    return found;
}
