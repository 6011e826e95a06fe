/*
 * MediaPipe's hand landmark model (hand_landmark_full / _lite) and the hand
 * ROIs, as the hand_landmark_cpu, palm_detection_detection_to_roi and
 * hand_landmark_landmarks_to_roi graphs define them: rotated square crop
 * (224x224, [0,1], border replicated), 21 points + presence + handedness +
 * 21 world points, projected back to the image.
 */
#include "core/log.h"
#include "segtex/vision.h"
#include "vision/landmark_model.h"
#include "vision/vision_math.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

struct segtex_hand_landmarker {
    segtex_model *model;
    int size; /* input side (224) */
    float *input;
    const float *landmarks, *presence, *handedness, *world;
};

/* MediaPipe's rotation: the start -> end vector (pixels) turned to 90 degrees, i.e. pointing up. */
static float rotation_up(float x0, float y0, float x1, float y1)
{
    return normalize_radians(0.5f * PI_F - atan2f(-(y1 - y0), x1 - x0));
}

/*
 * RectTransformationCalculator on a rotated rect in pixels: shift along the
 * rect's own axes (by fractions of its unscaled width and height), then
 * square on the longer side, then scale.
 */
static segtex_roi transform_rect(float cx, float cy, float w, float h, float rotation, float scale, float shift_y)
{
    segtex_roi r;
    float c = cosf(rotation), s = sinf(rotation);
    r.cx = cx - h * shift_y * s;
    r.cy = cy + h * shift_y * c;
    r.size = fmaxf(w, h) * scale;
    r.rotation = rotation;
    return r;
}

segtex_roi segtex_hand_roi_from_palm(const segtex_palm_detection *p, int width, int height)
{
    const float W = (float)width, H = (float)height;
    float rot = rotation_up(p->keypoints[0][0] * W, p->keypoints[0][1] * H, p->keypoints[2][0] * W,
                            p->keypoints[2][1] * H);
    return transform_rect((p->box[0] + p->box[2] / 2) * W, (p->box[1] + p->box[3] / 2) * H, p->box[2] * W,
                          p->box[3] * H, rot, 2.6f, -0.5f);
}

int segtex_hand_roi_from_pose(const segtex_pose_result *pose, int side, int width, int height, segtex_roi *out)
{
    const int wr = side ? SEGTEX_POSE_RIGHT_WRIST : SEGTEX_POSE_LEFT_WRIST,
              pk = side ? SEGTEX_POSE_RIGHT_PINKY : SEGTEX_POSE_LEFT_PINKY,
              ix = side ? SEGTEX_POSE_RIGHT_INDEX : SEGTEX_POSE_LEFT_INDEX;
    if (!pose || pose->count <= 0 || !(pose->landmarks[wr][3] >= SEGTEX_POSE_SEEN))
        return 0;
    const float W = (float)width, H = (float)height, (*L)[5] = pose->landmarks;
    float xw = L[wr][0] * W, yw = L[wr][1] * H;
    /* The middle finger's knuckle, estimated from the index's and the pinky's. */
    float xm = (2.0f * L[ix][0] + L[pk][0]) / 3.0f * W, ym = (2.0f * L[ix][1] + L[pk][1]) / 3.0f * H;
    float box = 2.0f * hypotf(xm - xw, ym - yw);
    if (!(box >= 1.0f) || !isfinite(xm) || !isfinite(ym))
        return 0;
    *out = transform_rect(xm, ym, box, box, rotation_up(xw, yw, xm, ym), 2.7f, -0.1f);
    return 1;
}

segtex_roi segtex_hand_roi_from_landmarks(const segtex_hand_landmarks *lm, int width, int height)
{
    /* The wrist and the MCP/PIP joints: the fingertips move too much to bound the next frame's hand. */
    static const int subset[] = {0, 1, 2, 3, 5, 6, 9, 10, 13, 14, 17, 18};
    enum { N = sizeof subset / sizeof subset[0] };
    const float W = (float)width, H = (float)height;
    float px[N], py[N];
    for (int i = 0; i < N; i++)
        px[i] = lm->xyz[subset[i]][0] * W, py[i] = lm->xyz[subset[i]][1] * H;
    /* Wrist -> the mean of (index MCP + ring MCP) / 2 and the middle MCP. */
    float x1 = ((lm->xyz[5][0] + lm->xyz[13][0]) / 2 + lm->xyz[9][0]) / 2 * W;
    float y1 = ((lm->xyz[5][1] + lm->xyz[13][1]) / 2 + lm->xyz[9][1]) / 2 * H;
    float rot = rotation_up(px[0], py[0], x1, y1);
    float xmin = INFINITY, ymin = INFINITY, xmax = -INFINITY, ymax = -INFINITY;
    for (int i = 0; i < N; i++)
        xmin = fminf(xmin, px[i]), xmax = fmaxf(xmax, px[i]), ymin = fminf(ymin, py[i]), ymax = fmaxf(ymax, py[i]);
    float ax = (xmin + xmax) / 2, ay = (ymin + ymax) / 2;
    /* The bounding box in the hand's frame (rotated by -rot about the axis-aligned centre). */
    float c = cosf(rot), s = sinf(rot);
    float umin = INFINITY, vmin = INFINITY, umax = -INFINITY, vmax = -INFINITY;
    for (int i = 0; i < N; i++) {
        float dx = px[i] - ax, dy = py[i] - ay;
        float u = dx * c + dy * s, v = -dx * s + dy * c;
        umin = fminf(umin, u), umax = fmaxf(umax, u), vmin = fminf(vmin, v), vmax = fmaxf(vmax, v);
    }
    float uc = (umin + umax) / 2, vc = (vmin + vmax) / 2;
    return transform_rect(ax + uc * c - vc * s, ay + uc * s + vc * c, umax - umin, vmax - vmin, rot, 2.0f, -0.1f);
}

void segtex_hand_landmarker_destroy(segtex_hand_landmarker *l)
{
    if (!l)
        return;
    segtex_model_destroy(l->model);
    segtex_free(l);
}

segtex_status segtex_hand_landmarker_create(const char *path, const segtex_model_options *options,
                                            segtex_hand_landmarker **out)
{
    *out = NULL;
    segtex_hand_landmarker *l = segtex_calloc(1, sizeof *l);
    if (!l)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    segtex_tensor_info in;
    segtex_status st = landmark_model_load("hand landmarker", path, options, 0, &l->model, &in);
    if (st)
        goto fail;
    st = SEGTEX_ERROR_UNSUPPORTED;
    l->size = in.dims[1];
    l->input = in.data;
    /* MediaPipe splits the outputs by position: landmarks, hand flag, handedness, world landmarks. */
    if (segtex_model_output_count(l->model) != 4) {
        LOG_ERROR("hand landmarker '%s': %d outputs, expected 4 (landmarks, presence, handedness, world)", path,
                  segtex_model_output_count(l->model));
        goto fail;
    }
    segtex_tensor_info t[4];
    for (int i = 0; i < 4; i++)
        segtex_model_output(l->model, i, &t[i]);
    if (t[0].count != 3 * SEGTEX_HAND_POINTS || t[1].count != 1 || t[2].count != 1 ||
        t[3].count != 3 * SEGTEX_HAND_POINTS) {
        LOG_ERROR("hand landmarker '%s': outputs have %d, %d, %d, %d values, expected 63, 1, 1, 63", path,
                  (int)t[0].count, (int)t[1].count, (int)t[2].count, (int)t[3].count);
        goto fail;
    }
    l->landmarks = t[0].data, l->presence = t[1].data, l->handedness = t[2].data, l->world = t[3].data;
    *out = l;
    return SEGTEX_OK;
fail:
    segtex_hand_landmarker_destroy(l);
    return st;
}

segtex_status segtex_hand_landmarker_process(segtex_hand_landmarker *l, const segtex_image *img,
                                             const segtex_roi *roi, segtex_hand_landmarks *out)
{
    segtex_status st = landmark_check_input("hand landmarker", img, roi);
    if (st)
        return st;
    segtex_roi_to_tensor(img, roi, l->input, l->size);
    if ((st = segtex_model_invoke(l->model)))
        return st;
    const float s = (float)l->size;
    const float c = cosf(roi->rotation), sn = sinf(roi->rotation);
    for (int i = 0; i < SEGTEX_HAND_POINTS; i++) {
        const float *p = l->landmarks + 3 * i;
        float x, y;
        segtex_roi_to_image(roi, p[0] / s, p[1] / s, &x, &y);
        out->xyz[i][0] = x / (float)img->width;
        out->xyz[i][1] = y / (float)img->height;
        /* TensorsToLandmarks normalize_z 0.4, then LandmarkProjection scales z by the ROI width. */
        out->xyz[i][2] = p[2] / s / 0.4f * roi->size / (float)img->width;
        /* WorldLandmarkProjection: rotate x and y by the ROI's rotation; z unchanged. */
        const float *w = l->world + 3 * i;
        out->world[i][0] = w[0] * c - w[1] * sn;
        out->world[i][1] = w[0] * sn + w[1] * c;
        out->world[i][2] = w[2];
    }
    /* Both scores are sigmoids inside the model (its two LOGISTIC nodes). */
    out->presence = l->presence[0];
    float h = l->handedness[0];
    /* TensorsToClassification (binary, labels "Left", "Right"): "Left" scores h, "Right" 1 - h; top 1. */
    out->right = h < 0.5f;
    out->handedness_score = out->right ? 1.0f - h : h;
    out->roi = *roi;
    return SEGTEX_OK;
}

void segtex_hand_models_free(segtex_hand_models *m)
{
    if (!m)
        return;
    segtex_hand_landmarker_destroy(m->landmarker);
    segtex_palm_detector_destroy(m->detector);
    memset(m, 0, sizeof *m);
}

segtex_status segtex_hand_models_load(const char *dir, int full, const segtex_model_options *mo,
                                      segtex_hand_models *out)
{
    memset(out, 0, sizeof *out);
    char path[4096];
    segtex_status st;
    snprintf(path, sizeof path, "%s/palm_detection_%s.tflite", dir, full ? "full" : "lite");
    if ((st = segtex_palm_detector_create(path, mo, &out->detector)))
        goto fail;
    snprintf(path, sizeof path, "%s/hand_landmark_%s.tflite", dir, full ? "full" : "lite");
    if ((st = segtex_hand_landmarker_create(path, mo, &out->landmarker)))
        goto fail;
    return SEGTEX_OK;
fail:
    segtex_hand_models_free(out);
    return st;
}
