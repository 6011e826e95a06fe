/*
 * The single-shot detector post-processing shared by the face, pose and
 * palm detectors (see ssd.h). The arithmetic is written once, in the order
 * the three detectors had it, so their outputs stay bit-identical: decode
 * divides each raw value by its scale and adds the anchor centre; the
 * weighted mean divides the score-weighted sums by the sum of the scores,
 * and only then is scaled back to tensor pixels. Two guards were the palm
 * detector's alone and now hold for all three, changing nothing on finite
 * model outputs: a candidate with a non-finite centre is dropped, and the
 * best candidate always belongs to its own cluster (before, the face and
 * pose detectors dropped one whose box had rounded to empty).
 */
#include "vision/ssd.h"

#include "core/log.h"
#include "vision/vision_math.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>

/*
 * The group of consecutive layers of one stride that starts at layer `l`:
 * its grid and its anchors per cell. Returns the next group's first layer.
 */
static int layer_group(const ssd_anchor_options *o, int l, int *fw, int *fh, int *per_cell)
{
    int last = l;
    *per_cell = 0;
    while (last < o->num_layers && o->strides[last] == o->strides[l])
        *per_cell += o->num_aspect_ratios + (o->interpolated_scale ? 1 : 0), last++;
    *fw = (o->input_width + o->strides[l] - 1) / o->strides[l];
    *fh = (o->input_height + o->strides[l] - 1) / o->strides[l];
    return last;
}

static int options_ok(const ssd_anchor_options *o)
{
    if (o->num_layers < 1 || o->num_layers > SSD_MAX_LAYERS || o->input_width < 1 || o->input_height < 1 ||
        o->num_aspect_ratios < 0)
        return 0;
    for (int l = 0; l < o->num_layers; l++)
        if (o->strides[l] < 1)
            return 0;
    return 1;
}

int ssd_anchor_count(const ssd_anchor_options *o)
{
    if (!options_ok(o))
        return -1;
    long n = 0;
    for (int l = 0, fw, fh, per_cell; l < o->num_layers;) {
        l = layer_group(o, l, &fw, &fh, &per_cell);
        n += (long)fw * fh * per_cell;
    }
    return n > 1L << 24 ? -1 : (int)n;
}

int ssd_anchors(const ssd_anchor_options *o, float (*anchors)[2], int capacity)
{
    if (!options_ok(o))
        return 0;
    int n = 0;
    for (int l = 0, fw, fh, per_cell; l < o->num_layers;) {
        l = layer_group(o, l, &fw, &fh, &per_cell);
        for (int y = 0; y < fh; y++)
            for (int x = 0; x < fw; x++)
                for (int a = 0; a < per_cell && n < capacity; a++, n++) {
                    anchors[n][0] = ((float)x + o->offset_x) / (float)fw;
                    anchors[n][1] = ((float)y + o->offset_y) / (float)fh;
                }
    }
    return n;
}

int ssd_decode(const ssd_decode_options *o, const float *boxes, const float *scores, const float (*anchors)[2],
               int n, float min_score, ssd_candidate *cand)
{
    assert(o->num_keypoints >= 0 && o->num_keypoints <= SSD_MAX_KEYPOINTS);
    assert(o->keypoint_offset >= 4 && o->keypoint_offset + 2 * o->num_keypoints <= o->num_coords);
    int found = 0;
    for (int i = 0; i < n; i++) {
        float score = clipped_sigmoid(scores[i], o->score_clip);
        if (!(score >= min_score))
            continue;
        const float *r = boxes + (size_t)i * (size_t)o->num_coords;
        const float ax = anchors[i][0], ay = anchors[i][1];
        float cx = r[0] / o->x_scale + ax, cy = r[1] / o->y_scale + ay, w = r[2] / o->w_scale, h = r[3] / o->h_scale;
        if (!(w > 0 && h > 0) || !isfinite(cx) || !isfinite(cy))
            continue;
        ssd_candidate *c = &cand[found++];
        c->score = score;
        c->box[0] = cx - w / 2, c->box[1] = cy - h / 2, c->box[2] = cx + w / 2, c->box[3] = cy + h / 2;
        const float *k = r + o->keypoint_offset;
        for (int j = 0; j < o->num_keypoints; j++) {
            c->kp[j][0] = k[2 * j] / o->x_scale + ax;
            c->kp[j][1] = k[2 * j + 1] / o->y_scale + ay;
        }
    }
    return found;
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

int ssd_nms_next(const ssd_candidate *cand, int n, unsigned char *used, int num_keypoints, float iou_threshold,
                 ssd_candidate *out)
{
    assert(num_keypoints >= 0 && num_keypoints <= SSD_MAX_KEYPOINTS);
    int best = -1;
    for (int i = 0; i < n; i++)
        if (!used[i] && (best < 0 || cand[i].score > cand[best].score))
            best = i;
    if (best < 0)
        return 0;
    ssd_candidate acc = {0};
    float wsum = 0;
    for (int i = 0; i < n; i++) {
        /* The best one is always in its own cluster, even when rounding left its box empty. */
        if (used[i] || (i != best && iou(cand[best].box, cand[i].box) <= iou_threshold))
            continue;
        used[i] = 1;
        float w = cand[i].score;
        wsum += w;
        for (int k = 0; k < 4; k++)
            acc.box[k] += w * cand[i].box[k];
        for (int k = 0; k < num_keypoints; k++)
            acc.kp[k][0] += w * cand[i].kp[k][0], acc.kp[k][1] += w * cand[i].kp[k][1];
    }
    if (!(wsum > 0)) { /* only with a min_score of 0: a best score of 0 cannot weigh anything */
        *out = cand[best];
        return 1;
    }
    out->score = cand[best].score;
    for (int k = 0; k < 4; k++)
        out->box[k] = acc.box[k] / wsum;
    for (int k = 0; k < num_keypoints; k++)
        out->kp[k][0] = acc.kp[k][0] / wsum, out->kp[k][1] = acc.kp[k][1] / wsum;
    return 1;
}

void ssd_to_image(const ssd_candidate *c, int num_keypoints, int input_w, int input_h, const segtex_fit_info *fit,
                  int img_w, int img_h, float *score, float box[4], float (*keypoints)[2])
{
    const float sx = (float)input_w, sy = (float)input_h, w = (float)img_w, h = (float)img_h;
    float bx[4];
    for (int k = 0; k < 4; k += 2) {
        bx[k] = (c->box[k] * sx - fit->offset_x) / fit->scale_x / w;
        bx[k + 1] = (c->box[k + 1] * sy - fit->offset_y) / fit->scale_y / h;
    }
    *score = c->score;
    box[0] = bx[0], box[1] = bx[1], box[2] = bx[2] - bx[0], box[3] = bx[3] - bx[1];
    for (int k = 0; k < num_keypoints; k++) {
        keypoints[k][0] = (c->kp[k][0] * sx - fit->offset_x) / fit->scale_x / w;
        keypoints[k][1] = (c->kp[k][1] * sy - fit->offset_y) / fit->scale_y / h;
    }
}

/* `v` as a dimension of a message: the number, or `name` when any is allowed (0). */
static const char *dim(char buf[16], int v, const char *name)
{
    if (!v)
        return name;
    snprintf(buf, 16, "%d", v);
    return buf;
}

segtex_status ssd_model_load(const ssd_model_spec *spec, const char *path, const segtex_model_options *options,
                             segtex_model **model, segtex_tensor_info *input, segtex_tensor_info *boxes,
                             segtex_tensor_info *scores)
{
    segtex_status st = segtex_model_load(path, options, model);
    if (st)
        return st;
    if (segtex_model_input_count(*model) != 1 || segtex_model_output_count(*model) != 2) {
        LOG_ERROR("%s '%s': expected 1 input and 2 outputs", spec->what, path);
        return SEGTEX_ERROR_UNSUPPORTED;
    }
    segtex_model_input(*model, 0, input);
    segtex_model_output(*model, 0, boxes);
    segtex_model_output(*model, 1, scores);
    if (boxes->rank == 3 && boxes->dims[2] == 1) { /* scores first: swap */
        segtex_tensor_info t = *boxes;
        *boxes = *scores;
        *scores = t;
    }
    const segtex_tensor_info *in = input, *b = boxes, *s = scores;
    if (in->rank != 4 || in->dims[1] != in->dims[2] || in->dims[3] != 3 || (spec->size && in->dims[1] != spec->size) ||
        b->rank != 3 || b->dims[2] != spec->num_coords || s->rank != 3 || s->dims[2] != 1 ||
        b->dims[1] != s->dims[1] || (spec->num_anchors && b->dims[1] != spec->num_anchors)) {
        char sz[16], n[16];
        const char *S = dim(sz, spec->size, "S"), *N = dim(n, spec->num_anchors, "N");
        LOG_ERROR("%s '%s': not %s (input [1,%s,%s,3], outputs [1,%s,%d] and [1,%s,1])", spec->what, path, spec->kind,
                  S, S, N, spec->num_coords, N);
        return SEGTEX_ERROR_UNSUPPORTED;
    }
    return SEGTEX_OK;
}

segtex_status ssd_invoke(segtex_model *model, float *input, int size, float lo, float hi, const segtex_image *img,
                         segtex_fit_info *fit)
{
    segtex_status st = segtex_image_to_tensor(img, input, size, size, SEGTEX_FIT_LETTERBOX, lo, hi, fit);
    return st ? st : segtex_model_invoke(model);
}
