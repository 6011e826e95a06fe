/*
 * Private: the single-shot detector post-processing that the face, pose and
 * palm detectors share, as MediaPipe's graphs define it:
 * SsdAnchorsCalculator (anchor centres), TensorsToDetectionsCalculator (box
 * and keypoint decoding, sigmoid scores clipped at +-score_clip) and
 * NonMaxSuppressionCalculator with the WEIGHTED algorithm. The per-frame
 * functions (ssd_invoke, ssd_decode, ssd_nms_next, ssd_to_image) work in
 * caller buffers sized at create time and allocate nothing.
 */
#ifndef SEGTEX_VISION_SSD_H
#define SEGTEX_VISION_SSD_H

#include "segtex/vision.h"

#define SSD_MAX_LAYERS 8
#define SSD_MAX_KEYPOINTS 7 /* the palm's; the face has 6, the pose 4 */

/*
 * SsdAnchorsCalculatorOptions with fixed_anchor_size true (every model here
 * sets it): an anchor is its centre only, width = height = 1, so min_scale
 * and max_scale do not matter. Each layer adds `num_aspect_ratios` anchors
 * per cell, one more with `interpolated_scale` (MediaPipe's
 * interpolated_scale_aspect_ratio > 0); consecutive layers of one stride
 * share one grid of ceil(input / stride) cells.
 */
typedef struct ssd_anchor_options {
    int input_width, input_height;
    int num_layers;
    int strides[SSD_MAX_LAYERS];
    int num_aspect_ratios;
    int interpolated_scale;
    float offset_x, offset_y; /* anchor_offset_x, anchor_offset_y (0.5: the cell centre) */
} ssd_anchor_options;

/* How many anchors `o` makes (-1 when its layers or strides are out of range). */
int ssd_anchor_count(const ssd_anchor_options *o);

/*
 * Write the anchor centres (x, y, normalized by the input size) in
 * MediaPipe's order: layer groups, rows, columns, anchors of a cell.
 * Returns the count written: at most `capacity`.
 */
int ssd_anchors(const ssd_anchor_options *o, float (*anchors)[2], int capacity);

/*
 * TensorsToDetectionsCalculatorOptions: one box is `num_coords` raw values,
 * the centre offset x, y and the size w, h first (reverse_output_order, as
 * in every model here), then `num_keypoints` (x, y) offsets from
 * `keypoint_offset` on; all in pixels of the input, divided by the scales.
 */
typedef struct ssd_decode_options {
    int num_coords;
    int num_keypoints; /* at most SSD_MAX_KEYPOINTS */
    int keypoint_offset;
    float x_scale, y_scale, w_scale, h_scale;
    float score_clip; /* raw scores are clipped to +-score_clip before the sigmoid */
} ssd_decode_options;

typedef struct ssd_candidate {
    float score;
    float box[4]; /* xmin, ymin, xmax, ymax in tensor-normalized coordinates */
    float kp[SSD_MAX_KEYPOINTS][2];
} ssd_candidate;

/*
 * Decode the `n` anchors' raw boxes ([n][num_coords]) and scores ([n],
 * logits) into `cand` (n entries): those whose score reaches `min_score`
 * and whose box is not empty and has a finite centre, in anchor order.
 * Returns how many.
 */
int ssd_decode(const ssd_decode_options *o, const float *boxes, const float *scores, const float (*anchors)[2],
               int n, float min_score, ssd_candidate *cand);

/*
 * Weighted non-maximum suppression, one detection a call: clear `used`
 * (`n` bytes) before the first call. Takes the best-scoring candidate not
 * yet used; it and every unused candidate overlapping it by IoU above
 * `iou_threshold` are marked used and averaged, weighted by their scores
 * (box and the first `num_keypoints` keypoints), into `*out`, which keeps
 * the best one's score. Returns 0 when no candidate is left, else 1.
 */
int ssd_nms_next(const ssd_candidate *cand, int n, unsigned char *used, int num_keypoints, float iou_threshold,
                 ssd_candidate *out);

/*
 * A merged candidate in image coordinates: undo the letterbox `fit` of an
 * `input_w` x `input_h` tensor and normalize by the `img_w` x `img_h`
 * image. Writes the score, the box as xmin, ymin, width, height, and
 * `num_keypoints` keypoints (the layout of segtex_face_detection,
 * segtex_pose_detection and segtex_palm_detection).
 */
void ssd_to_image(const ssd_candidate *c, int num_keypoints, int input_w, int input_h, const segtex_fit_info *fit,
                  int img_w, int img_h, float *score, float box[4], float (*keypoints)[2]);

/* What a detector expects of its model file. */
typedef struct ssd_model_spec {
    const char *what;  /* the subject of the messages: "face detector" */
    const char *kind;  /* what the file must be: "a BlazeFace model" */
    int size;          /* input side; 0: any square */
    int num_anchors;   /* boxes; 0: any (the same in both outputs) */
    int num_coords;    /* values per box */
} ssd_model_spec;

/*
 * Load `path` and check it against `spec`: one input [1,S,S,3], two outputs
 * [1,N,num_coords] (the boxes) and [1,N,1] (the scores), in either order.
 * Returns them in `input`, `boxes` and `scores`. Logs one line
 * "`what` 'path': ..." and returns SEGTEX_ERROR_UNSUPPORTED when the file is
 * not such a model; the model's own error when it does not load. `*model`
 * is set whenever it loaded: the caller destroys it.
 */
segtex_status ssd_model_load(const ssd_model_spec *spec, const char *path, const segtex_model_options *options,
                             segtex_model **model, segtex_tensor_info *input, segtex_tensor_info *boxes,
                             segtex_tensor_info *scores);

/*
 * Letterbox `img` into the model's `size` x `size` input (values in
 * [lo, hi], zero border) and run the model; `fit` says how the image was
 * placed. Returns the first error of the two. Allocates nothing.
 */
segtex_status ssd_invoke(segtex_model *model, float *input, int size, float lo, float hi, const segtex_image *img,
                         segtex_fit_info *fit);

#endif
