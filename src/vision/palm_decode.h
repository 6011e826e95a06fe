/*
 * The palm detector's decoding, apart from the model so tests can feed it
 * synthetic raw outputs: the shared SSD post-processing (ssd.h) with the
 * palm models' anchors and box layout.
 */
#ifndef SEGTEX_VISION_PALM_DECODE_H
#define SEGTEX_VISION_PALM_DECODE_H

#include "segtex/vision.h"
#include "vision/ssd.h"

#define PALM_INPUT_SIZE 192
#define PALM_NUM_ANCHORS 2016
#define PALM_VALUES 18 /* box cx, cy, w, h + 7 keypoints (x, y) */

typedef ssd_candidate palm_candidate; /* scratch of palm_decode */

/*
 * MediaPipe's SsdAnchorsCalculator for the palm models: 4 layers, strides
 * 8,16,16,16, aspect ratio 1 plus the interpolated scale (2 anchors per
 * layer and cell), fixed anchor size, offset 0.5; layers of equal stride
 * share one grid: 24x24x2 + 12x12x6 = 2016 centres (x, y), written to
 * `anchors`. Returns the count written (at most `capacity`).
 */
int palm_anchors(float (*anchors)[2], int capacity);

/*
 * Decode `n` raw boxes ([n][18], pixels of the 192 input relative to the
 * anchor centre) and scores ([n], logits) into at most `max_out` palms
 * normalized by the `img_w` x `img_h` image (undoing `fit`), best first.
 * `cand` and `used` hold `n` entries of scratch. Returns the count.
 */
int palm_decode(const float *boxes, const float *scores, const float (*anchors)[2], int n, float min_score,
                const segtex_fit_info *fit, int img_w, int img_h, palm_candidate *cand, unsigned char *used,
                segtex_palm_detection *out, int max_out);

#endif
