/*
 * Private: what the face, pose and hand landmarkers share: a model with one
 * square RGB input that takes a rotated crop, and the check of a frame and
 * its ROI before each call.
 */
#ifndef SEGTEX_VISION_LANDMARK_MODEL_H
#define SEGTEX_VISION_LANDMARK_MODEL_H

#include "segtex/vision.h"

/*
 * Load `path` and check it has one [1,S,S,3] input (S = `size` when `size`
 * > 0), returned in `*input`. Logs "`what` 'path': ..." and returns
 * SEGTEX_ERROR_UNSUPPORTED when it has not; the model's own error when it
 * does not load. `*model` is set whenever it loaded: the caller destroys it.
 */
segtex_status landmark_model_load(const char *what, const char *path, const segtex_model_options *options, int size,
                                  segtex_model **model, segtex_tensor_info *input);

/*
 * Check the frame and the ROI of one process call: an RGB or RGBA image
 * with pixels, and a ROI with a finite centre, size and rotation, the size
 * positive. Logs "`what`: ..." and returns SEGTEX_ERROR_INVALID_ARGUMENT
 * when they are not.
 */
segtex_status landmark_check_input(const char *what, const segtex_image *img, const segtex_roi *roi);

#endif
