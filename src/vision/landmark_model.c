/*
 * The landmarkers' shared model loading and input checks (landmark_model.h).
 */
#include "vision/landmark_model.h"

#include "core/log.h"

#include <math.h>

segtex_status landmark_model_load(const char *what, const char *path, const segtex_model_options *options, int size,
                                  segtex_model **model, segtex_tensor_info *input)
{
    segtex_status st = segtex_model_load(path, options, model);
    if (st)
        return st;
    segtex_tensor_info *in = input;
    if (segtex_model_input_count(*model) != 1 || segtex_model_input(*model, 0, in) || in->rank != 4 ||
        in->dims[1] != in->dims[2] || in->dims[3] != 3 || (size > 0 && in->dims[1] != size)) {
        if (size > 0)
            LOG_ERROR("%s '%s': expected one [1,%d,%d,3] input", what, path, size, size);
        else
            LOG_ERROR("%s '%s': expected one [1,S,S,3] input", what, path);
        return SEGTEX_ERROR_UNSUPPORTED;
    }
    return SEGTEX_OK;
}

segtex_status landmark_check_input(const char *what, const segtex_image *img, const segtex_roi *roi)
{
    if (!img || !img->data || (img->channels != 3 && img->channels != 4) || img->width < 1 || img->height < 1 ||
        !roi || !(roi->size > 0) || !isfinite(roi->size) || !isfinite(roi->cx) || !isfinite(roi->cy) ||
        !isfinite(roi->rotation)) {
        LOG_ERROR("%s: needs an RGB/RGBA image and a finite ROI", what);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    return SEGTEX_OK;
}
