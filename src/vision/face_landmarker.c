/*
 * Face landmarker (MediaPipe face_landmark[_with_attention]): rotated ROI
 * crop, model, refinement merge, projection back to the image.
 */
#include "core/log.h"
#include "segtex/vision.h"
#include "vision/face_mesh_tables.h"
#include "vision/landmark_model.h"
#include "vision/vision_math.h"

#include <math.h>
#include <string.h>

struct segtex_face_landmarker {
    segtex_model *model;
    int size; /* input side (192) */
    float *input;
    const float *mesh, *lips, *left_eye, *right_eye, *left_iris, *right_iris, *flag;
};

/* MediaPipe's DetectionsToRects + RectTransformation(scale, square_long), in pixels; the box and points normalized. */
static segtex_roi roi_from_box(float xmin, float ymin, float xmax, float ymax, float x0, float y0, float x1,
                               float y1, float scale, int width, int height)
{
    segtex_roi r;
    float w = (xmax - xmin) * (float)width, h = (ymax - ymin) * (float)height;
    r.cx = (xmin + xmax) * 0.5f * (float)width;
    r.cy = (ymin + ymax) * 0.5f * (float)height;
    r.size = fmaxf(w, h) * scale;
    /* target angle 0: the line from the start point to the end point becomes horizontal */
    r.rotation = normalize_radians(-atan2f(-(y1 - y0) * (float)height, (x1 - x0) * (float)width));
    return r;
}

segtex_roi segtex_roi_from_detection(const segtex_face_detection *d, int width, int height)
{
    return roi_from_box(d->box[0], d->box[1], d->box[0] + d->box[2], d->box[1] + d->box[3],
                        d->keypoints[SEGTEX_KEYPOINT_RIGHT_EYE][0], d->keypoints[SEGTEX_KEYPOINT_RIGHT_EYE][1],
                        d->keypoints[SEGTEX_KEYPOINT_LEFT_EYE][0], d->keypoints[SEGTEX_KEYPOINT_LEFT_EYE][1], 1.5f,
                        width, height);
}

segtex_roi segtex_roi_from_detection_keypoints(const segtex_face_detection *d, int width, int height)
{
    float x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    for (int k = 0; k < SEGTEX_KEYPOINT_COUNT; k++) {
        x0 = fminf(x0, d->keypoints[k][0]), x1 = fmaxf(x1, d->keypoints[k][0]);
        y0 = fminf(y0, d->keypoints[k][1]), y1 = fmaxf(y1, d->keypoints[k][1]);
    }
    const float *re = d->keypoints[SEGTEX_KEYPOINT_RIGHT_EYE], *le = d->keypoints[SEGTEX_KEYPOINT_LEFT_EYE];
    segtex_roi r = roi_from_box(x0, y0, x1, y1, re[0], re[1], le[0], le[1], 2.0f, width, height);
    /* RectTransformation's shift_y -0.1: a tenth of the box's height, along the turned face's down */
    const float shift = -0.1f * (y1 - y0) * (float)height;
    r.cx -= shift * sinf(r.rotation);
    r.cy += shift * cosf(r.rotation);
    return r;
}

int segtex_face_roi_from_pose(const segtex_pose_result *pose, int width, int height, segtex_roi *out)
{
    if (!pose || pose->count <= 0 || !(pose->landmarks[SEGTEX_POSE_NOSE][3] >= SEGTEX_POSE_SEEN))
        return 0;
    float x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    for (int i = SEGTEX_POSE_NOSE; i <= SEGTEX_POSE_MOUTH_RIGHT; i++) {
        x0 = fminf(x0, pose->landmarks[i][0]), x1 = fmaxf(x1, pose->landmarks[i][0]);
        y0 = fminf(y0, pose->landmarks[i][1]), y1 = fmaxf(y1, pose->landmarks[i][1]);
    }
    const float *re = pose->landmarks[SEGTEX_POSE_RIGHT_EYE], *le = pose->landmarks[SEGTEX_POSE_LEFT_EYE];
    segtex_roi r = roi_from_box(x0, y0, x1, y1, re[0], re[1], le[0], le[1], 2.5f, width, height);
    if (!(r.size >= 2.5f) || !isfinite(r.size)) /* the points coincide (under a pixel apart) */
        return 0;
    *out = r;
    return 1;
}

segtex_roi segtex_roi_from_landmarks(const segtex_face_landmarks *lm, int width, int height)
{
    float xmin = INFINITY, ymin = INFINITY, xmax = -INFINITY, ymax = -INFINITY;
    for (int i = 0; i < lm->count; i++) {
        xmin = fminf(xmin, lm->xyz[i][0]), xmax = fmaxf(xmax, lm->xyz[i][0]);
        ymin = fminf(ymin, lm->xyz[i][1]), ymax = fmaxf(ymax, lm->xyz[i][1]);
    }
    return roi_from_box(xmin, ymin, xmax, ymax, lm->xyz[33][0], lm->xyz[33][1], lm->xyz[263][0], lm->xyz[263][1],
                        1.5f, width, height);
}

void segtex_face_landmarker_destroy(segtex_face_landmarker *l)
{
    if (!l)
        return;
    segtex_model_destroy(l->model);
    segtex_free(l);
}

segtex_status segtex_face_landmarker_create(const char *path, const segtex_model_options *options,
                                            segtex_face_landmarker **out)
{
    *out = NULL;
    segtex_face_landmarker *l = segtex_calloc(1, sizeof *l);
    if (!l)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    segtex_tensor_info in;
    segtex_status st = landmark_model_load("face landmarker", path, options, 0, &l->model, &in);
    if (st)
        goto fail;
    st = SEGTEX_ERROR_UNSUPPORTED;
    l->size = in.dims[1];
    l->input = in.data;
    /* Outputs by size (and name for left/right): mesh 1404, lips 160, eyes 142, irises 10, flag 1. */
    for (int i = 0; i < segtex_model_output_count(l->model); i++) {
        segtex_tensor_info t;
        segtex_model_output(l->model, i, &t);
        int left = strstr(t.name, "left") != NULL;
        switch (t.count) {
        case 1404: l->mesh = t.data; break;
        case 160: l->lips = t.data; break;
        case 142: *(left ? &l->left_eye : &l->right_eye) = t.data; break;
        case 10: *(left ? &l->left_iris : &l->right_iris) = t.data; break;
        case 1: l->flag = t.data; break;
        default: break;
        }
    }
    int attention = l->lips && l->left_eye && l->right_eye && l->left_iris && l->right_iris;
    if (!l->mesh || !l->flag || (!attention && (l->lips || l->left_eye || l->left_iris))) {
        LOG_ERROR("face landmarker '%s': outputs are not a face mesh (1404 values) and a face flag", path);
        goto fail;
    }
    if (!attention)
        l->lips = l->left_eye = l->right_eye = l->left_iris = l->right_iris = NULL;
    *out = l;
    return SEGTEX_OK;
fail:
    segtex_face_landmarker_destroy(l);
    return st;
}

segtex_status segtex_face_landmarker_process(segtex_face_landmarker *l, const segtex_image *img,
                                             const segtex_roi *roi, segtex_face_landmarks *out)
{
    segtex_status st = landmark_check_input("face landmarker", img, roi);
    if (st)
        return st;
    segtex_roi_to_tensor(img, roi, l->input, l->size);
    if ((st = segtex_model_invoke(l->model)))
        return st;
    const float s = (float)l->size;
    /* Crop coordinates (pixels of the model input), merged: the mesh, then the refined parts. */
    float pts[SEGTEX_FACE_POINTS][3];
    for (int i = 0; i < SEGTEX_FACE_MESH_POINTS; i++)
        memcpy(pts[i], l->mesh + 3 * i, sizeof pts[i]);
    out->count = SEGTEX_FACE_MESH_POINTS;
    if (l->lips) {
        struct { const float *xy; const uint16_t *map; int n; } parts[] = {
            {l->lips, segtex_mesh_lips_map, SEGTEX_MESH_LIPS_COUNT},
            {l->left_eye, segtex_mesh_left_eye_map, SEGTEX_MESH_EYE_COUNT},
            {l->right_eye, segtex_mesh_right_eye_map, SEGTEX_MESH_EYE_COUNT},
            {l->left_iris, segtex_mesh_left_iris_map, SEGTEX_MESH_IRIS_COUNT},
            {l->right_iris, segtex_mesh_right_iris_map, SEGTEX_MESH_IRIS_COUNT},
        };
        /* x and y are replaced; z is kept for lips and eyes, and for irises is the mean z of the eye contour. */
        for (size_t p = 0; p < sizeof parts / sizeof parts[0]; p++)
            for (int i = 0; i < parts[p].n; i++) {
                pts[parts[p].map[i]][0] = parts[p].xy[2 * i];
                pts[parts[p].map[i]][1] = parts[p].xy[2 * i + 1];
            }
        struct { const uint16_t *map, *avg; int n; } irises[] = {
            {segtex_mesh_left_iris_map, segtex_mesh_left_iris_z_avg, segtex_mesh_left_iris_z_avg_count},
            {segtex_mesh_right_iris_map, segtex_mesh_right_iris_z_avg, segtex_mesh_right_iris_z_avg_count},
        };
        for (int e = 0; e < 2; e++) {
            float z = 0;
            for (int i = 0; i < irises[e].n; i++)
                z += pts[irises[e].avg[i]][2];
            z /= (float)irises[e].n;
            for (int i = 0; i < SEGTEX_MESH_IRIS_COUNT; i++)
                pts[irises[e].map[i]][2] = z;
        }
        out->count = SEGTEX_FACE_POINTS;
    }
    /* Back to the image: rotate about the ROI centre, normalize by the image size; z in x's scale. */
    for (int i = 0; i < out->count; i++) {
        float x, y;
        segtex_roi_to_image(roi, pts[i][0] / s, pts[i][1] / s, &x, &y);
        out->xyz[i][0] = x / (float)img->width;
        out->xyz[i][1] = y / (float)img->height;
        out->xyz[i][2] = pts[i][2] / s * roi->size / (float)img->width;
    }
    out->presence = clipped_sigmoid(l->flag[0], 100.0f);
    out->roi = *roi;
    return SEGTEX_OK;
}
