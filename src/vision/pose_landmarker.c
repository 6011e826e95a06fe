/*
 * Pose landmarker (MediaPipe pose_landmark_{lite,full}): the ROI from two
 * points, the rotated 256x256 crop, the model, heatmap refinement, the
 * projection back to the image, world points and the segmentation in ROI
 * space. Also the pose models of a folder.
 */
#include "core/log.h"
#include "segtex/vision.h"
#include "vision/landmark_model.h"
#include "vision/vision_math.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define POSE_LM_SIZE 256
#define POSE_LM_ALL 39 /* 33 landmarks + 6 auxiliary */
#define POSE_HEATMAP 64

static const unsigned char connections[SEGTEX_POSE_CONNECTION_COUNT][2] = {
    {0, 1}, {1, 2}, {2, 3}, {3, 7}, {0, 4}, {4, 5}, {5, 6}, {6, 8}, {9, 10},
    {11, 12}, {11, 13}, {13, 15}, {15, 17}, {15, 19}, {15, 21}, {17, 19},
    {12, 14}, {14, 16}, {16, 18}, {16, 20}, {16, 22}, {18, 20},
    {11, 23}, {12, 24}, {23, 24}, {23, 25}, {24, 26}, {25, 27}, {26, 28},
    {27, 29}, {28, 30}, {29, 31}, {30, 32}, {27, 31}, {28, 32},
};

int segtex_pose_connection(int index, int *a, int *b)
{
    if (index < 0 || index >= SEGTEX_POSE_CONNECTION_COUNT)
        return -1;
    *a = connections[index][0];
    *b = connections[index][1];
    return 0;
}

int segtex_pose_mirror_index(int i)
{
    if (i <= 0 || i >= SEGTEX_POSE_POINTS)
        return i;
    if (i <= 6) /* eyes: 1,2,3 <-> 4,5,6 */
        return i <= 3 ? i + 3 : i - 3;
    if (i <= 10) /* ears 7 <-> 8, mouth 9 <-> 10 */
        return (i % 2) ? i + 1 : i - 1;
    return (i % 2) ? i + 1 : i - 1; /* 11..32: odd = left, even = right */
}

struct segtex_pose_landmarker {
    segtex_model *model;
    float *input;
    const float *landmarks, *flag, *seg, *heatmap, *world;
};

/* AlignmentPointsRectsCalculator (target 90 degrees) + RectTransformation (x1.25, square_long). */
segtex_roi segtex_pose_roi_from_points(float cx, float cy, float sx, float sy, int width, int height)
{
    segtex_roi r;
    float x0 = cx * (float)width, y0 = cy * (float)height, x1 = sx * (float)width, y1 = sy * (float)height;
    r.cx = x0;
    r.cy = y0;
    r.size = 2.0f * sqrtf((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0)) * 1.25f;
    r.rotation = normalize_radians(0.5f * PI_F - atan2f(-(y1 - y0), x1 - x0));
    return r;
}

segtex_roi segtex_pose_roi_from_detection(const segtex_pose_detection *d, int width, int height)
{
    return segtex_pose_roi_from_points(d->keypoints[SEGTEX_POSE_KP_HIP_CENTER][0],
                                       d->keypoints[SEGTEX_POSE_KP_HIP_CENTER][1],
                                       d->keypoints[SEGTEX_POSE_KP_FULL_BODY][0],
                                       d->keypoints[SEGTEX_POSE_KP_FULL_BODY][1], width, height);
}

void segtex_pose_landmarker_destroy(segtex_pose_landmarker *l)
{
    if (!l)
        return;
    segtex_model_destroy(l->model);
    segtex_free(l);
}

segtex_status segtex_pose_landmarker_create(const char *path, const segtex_model_options *options,
                                            segtex_pose_landmarker **out)
{
    *out = NULL;
    segtex_pose_landmarker *l = segtex_calloc(1, sizeof *l);
    if (!l)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    segtex_tensor_info in;
    segtex_status st = landmark_model_load("pose landmarker", path, options, POSE_LM_SIZE, &l->model, &in);
    if (st)
        goto fail;
    st = SEGTEX_ERROR_UNSUPPORTED;
    l->input = in.data;
    /* Outputs by size: landmarks 195, flag 1, segmentation 256x256, heatmap 64x64x39, world 117. */
    for (int i = 0; i < segtex_model_output_count(l->model); i++) {
        segtex_tensor_info t;
        segtex_model_output(l->model, i, &t);
        if (t.count == POSE_LM_ALL * 5)
            l->landmarks = t.data;
        else if (t.count == 1)
            l->flag = t.data;
        else if (t.count == POSE_LM_SIZE * POSE_LM_SIZE)
            l->seg = t.data;
        else if (t.count == POSE_HEATMAP * POSE_HEATMAP * POSE_LM_ALL)
            l->heatmap = t.data;
        else if (t.count == POSE_LM_ALL * 3)
            l->world = t.data;
    }
    if (!l->landmarks || !l->flag || !l->seg || !l->heatmap || !l->world) {
        LOG_ERROR("pose landmarker '%s': outputs are not 195 landmarks, a flag, a 256x256 segmentation, "
                  "a 64x64x39 heatmap and 117 world values",
                  path);
        goto fail;
    }
    *out = l;
    return SEGTEX_OK;
fail:
    segtex_pose_landmarker_destroy(l);
    return st;
}

/* RefineLandmarksFromHeatmap (kernel 7, min confidence 0.5), on crop-normalized x, y. */
static void refine_from_heatmap(const float *hm, float pts[POSE_LM_ALL][5])
{
    const int n = POSE_HEATMAP, k = 7, off = (k - 1) / 2;
    for (int i = 0; i < POSE_LM_ALL; i++) {
        float fx = pts[i][0] * (float)n, fy = pts[i][1] * (float)n;
        if (!(fx >= 0 && fx < (float)n && fy >= 0 && fy < (float)n))
            continue; /* outside the heatmap: kept */
        int cc = (int)fx, cr = (int)fy;
        int c0 = cc - off < 0 ? 0 : cc - off, c1 = cc + off + 1 > n ? n : cc + off + 1;
        int r0 = cr - off < 0 ? 0 : cr - off, r1 = cr + off + 1 > n ? n : cr + off + 1;
        float sum = 0, wc = 0, wr = 0, maxc = 0;
        for (int r = r0; r < r1; r++)
            for (int c = c0; c < c1; c++) {
                float conf = clipped_sigmoid(hm[((size_t)r * n + (size_t)c) * POSE_LM_ALL + (size_t)i], 100.0f);
                sum += conf;
                maxc = fmaxf(maxc, conf);
                wc += (float)c * conf;
                wr += (float)r * conf;
            }
        if (maxc >= 0.5f && sum > 0) {
            pts[i][0] = wc / (float)n / sum;
            pts[i][1] = wr / (float)n / sum;
        }
    }
}

segtex_status segtex_pose_landmarker_process(segtex_pose_landmarker *l, const segtex_image *img,
                                             const segtex_roi *roi, float min_presence, segtex_pose_result *out)
{
    segtex_status st = landmark_check_input("pose landmarker", img, roi);
    if (st)
        return st;
    if (min_presence <= 0)
        min_presence = 0.5f;
    segtex_roi_to_tensor(img, roi, l->input, POSE_LM_SIZE);
    if ((st = segtex_model_invoke(l->model)))
        return st;
    const float s = (float)POSE_LM_SIZE;
    float pts[POSE_LM_ALL][5];
    for (int i = 0; i < POSE_LM_ALL; i++) {
        const float *p = l->landmarks + 5 * i;
        pts[i][0] = p[0] / s;
        pts[i][1] = p[1] / s;
        pts[i][2] = p[2] / s;
        pts[i][3] = clipped_sigmoid(p[3], 100.0f);
        pts[i][4] = clipped_sigmoid(p[4], 100.0f);
    }
    refine_from_heatmap(l->heatmap, pts);
    /* Back to the image (LandmarkProjection): rotate about the ROI centre, z scaled like x. */
    for (int i = 0; i < SEGTEX_POSE_POINTS + 2; i++) { /* auxiliary 35..38 are not used */
        float x, y;
        segtex_roi_to_image(roi, pts[i][0], pts[i][1], &x, &y);
        float *o = i < SEGTEX_POSE_POINTS ? out->landmarks[i] : out->auxiliary[i - SEGTEX_POSE_POINTS];
        o[0] = x / (float)img->width;
        o[1] = y / (float)img->height;
        o[2] = pts[i][2] * roi->size / (float)img->width;
        o[3] = pts[i][3];
        o[4] = pts[i][4];
    }
    /* World points (metres): rotated by the ROI (WorldLandmarkProjection). */
    float c = cosf(roi->rotation), sn = sinf(roi->rotation);
    for (int i = 0; i < SEGTEX_POSE_POINTS; i++) {
        const float *w = l->world + 3 * i;
        out->world[i][0] = w[0] * c - w[1] * sn;
        out->world[i][1] = w[0] * sn + w[1] * c;
        out->world[i][2] = w[2];
    }
    /* The model's segmentation is a logit (TensorsToSegmentation: SIGMOID). */
    for (int i = 0; i < POSE_LM_SIZE * POSE_LM_SIZE; i++)
        out->mask[i] = clipped_sigmoid(l->seg[i], 100.0f);
    out->mask_size = SEGTEX_POSE_MASK_SIZE;
    /* The pose flag is already a probability (the model ends in LOGISTIC). */
    out->score = l->flag[0];
    out->count = out->score >= min_presence;
    out->roi = *roi;
    return SEGTEX_OK;
}

float segtex_pose_result_mask_at(const segtex_pose_result *r, float u, float v, int width, int height)
{
    if (!r || r->count < 1 || r->mask_size != SEGTEX_POSE_MASK_SIZE || !(r->roi.size > 0))
        return 0.0f;
    const int n = SEGTEX_POSE_MASK_SIZE;
    /* Frame pixel -> ROI-normalized (inverse rotation about the centre). */
    float dx = u * (float)width - r->roi.cx, dy = v * (float)height - r->roi.cy;
    float c = cosf(r->roi.rotation), s = sinf(r->roi.rotation);
    float lu = (dx * c + dy * s) / r->roi.size + 0.5f, lv = (-dx * s + dy * c) / r->roi.size + 0.5f;
    if (!(lu >= 0 && lu <= 1 && lv >= 0 && lv <= 1))
        return 0.0f;
    float x = lu * (float)n - 0.5f, y = lv * (float)n - 0.5f;
    x = fminf(fmaxf(x, 0.0f), (float)(n - 1));
    y = fminf(fmaxf(y, 0.0f), (float)(n - 1));
    int x0 = (int)x, y0 = (int)y, x1 = x0 + 1 < n ? x0 + 1 : x0, y1 = y0 + 1 < n ? y0 + 1 : y0;
    float fx = x - (float)x0, fy = y - (float)y0;
    const float *m = r->mask;
    float a = m[y0 * n + x0] + (m[y0 * n + x1] - m[y0 * n + x0]) * fx;
    float b = m[y1 * n + x0] + (m[y1 * n + x1] - m[y1 * n + x0]) * fx;
    return a + (b - a) * fy;
}

segtex_status segtex_pose_result_mask_to_image(const segtex_pose_result *r, segtex_image *grey)
{
    if (!r || !grey || !grey->data || grey->channels != 1 || grey->width < 1 || grey->height < 1) {
        LOG_ERROR("pose mask: needs a result and a 1-channel image");
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    for (int y = 0; y < grey->height; y++) {
        uint8_t *row = grey->data + (ptrdiff_t)y * grey->stride;
        for (int x = 0; x < grey->width; x++) {
            float m = segtex_pose_result_mask_at(r, ((float)x + 0.5f) / (float)grey->width,
                                                 ((float)y + 0.5f) / (float)grey->height, grey->width, grey->height);
            row[x] = (uint8_t)lrintf(fminf(fmaxf(m, 0.0f), 1.0f) * 255.0f);
        }
    }
    return SEGTEX_OK;
}

void segtex_pose_models_free(segtex_pose_models *m)
{
    if (!m)
        return;
    segtex_pose_landmarker_destroy(m->landmarker);
    segtex_pose_detector_destroy(m->detector);
    memset(m, 0, sizeof *m);
}

segtex_status segtex_pose_models_load(const char *dir, int full, const segtex_model_options *mo,
                                      segtex_pose_models *out)
{
    memset(out, 0, sizeof *out);
    char path[4096];
    segtex_status st;
    snprintf(path, sizeof path, "%s/pose_detection.tflite", dir);
    if ((st = segtex_pose_detector_create(path, mo, &out->detector)))
        goto fail;
    snprintf(path, sizeof path, "%s/pose_landmark_%s.tflite", dir, full ? "full" : "lite");
    if ((st = segtex_pose_landmarker_create(path, mo, &out->landmarker)))
        goto fail;
    return SEGTEX_OK;
fail:
    segtex_pose_models_free(out);
    return st;
}
