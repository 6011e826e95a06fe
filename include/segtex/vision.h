/*
 * segtex vision: image preprocessing for models (later: face detector,
 * landmarker, segmenters).
 */
#ifndef SEGTEX_VISION_H
#define SEGTEX_VISION_H

#include "segtex/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum segtex_fit {
    SEGTEX_FIT_STRETCH = 0,   /* scale x and y independently to fill the tensor */
    SEGTEX_FIT_LETTERBOX = 1, /* keep the aspect ratio, centre, zero border (value `lo`... see below) */
} segtex_fit;

/*
 * Where the image landed inside the tensor (for undoing a letterbox):
 * tensor pixel (x, y) = image pixel ((x - offset_x) / scale_x, ...).
 */
typedef struct segtex_fit_info {
    float scale_x, scale_y;
    float offset_x, offset_y;
} segtex_fit_info;

/*
 * Resample `img` (RGB or RGBA; alpha ignored) bilinearly (pixel centres
 * aligned, as OpenCV's INTER_LINEAR) into a float tensor [height][width][3]
 * with values mapped from [0,255] to [lo,hi]. With LETTERBOX the border is
 * zero in the output range's terms: the value 0.0 (as MediaPipe pads).
 * No allocation. `info` may be NULL.
 */
segtex_status segtex_image_to_tensor(const segtex_image *img, float *dst, int width, int height,
                                     segtex_fit fit, float lo, float hi, segtex_fit_info *info);

#ifdef __cplusplus
}
#endif
#endif
