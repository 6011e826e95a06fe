/* The composite segmenter as the segmenter drives it (internal; see composite.h for its parts). */
#ifndef SEGTEX_VISION_COMPOSITE_RUN_H
#define SEGTEX_VISION_COMPOSITE_RUN_H

#include "segtex/vision.h"

typedef struct segtex_composite segtex_composite;

/* The selfie models' person probabilities of this frame (either NULL when that model did not run). */
typedef struct segtex_composite_masks {
    const float *square;
    int square_w, square_h;
    const float *landscape;
    int landscape_w, landscape_h;
} segtex_composite_masks;

/* Buffers for a grid of up to max_pixels; allocates here only. */
segtex_status segtex_composite_create(int max_pixels, segtex_composite **out);
void segtex_composite_destroy(segtex_composite *c);
/* Forget the colour models and the previous categories (a new clip). */
void segtex_composite_reset(segtex_composite *c);

/*
 * Fill out->prob (six per pixel, summing to 1) on out's grid (width, height
 * set by the caller) from the masks, the people and the image's colours.
 * Never allocates.
 */
void segtex_composite_run(segtex_composite *c, const segtex_image *img, const segtex_people *people,
                          const segtex_composite_masks *masks, segtex_seg_result *out);

/*
 * How well a selfie model's mask (w x h, over the whole iw x ih image) agrees
 * with the poses' own masks: the intersection over union of the two at one
 * half, on a SEGTEX_POSE_AGREE_GRID square grid of sample points. -1 when no
 * pose carries a mask. Never allocates.
 */
#define SEGTEX_POSE_AGREE_GRID 96
float segtex_composite_pose_agreement(const float *mask, int w, int h, const segtex_people *people, int iw, int ih);

#endif
