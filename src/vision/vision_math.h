/*
 * Private: the small formulas every MediaPipe model of the vision layer
 * uses: its sigmoid with clipping, and its angle normalization.
 */
#ifndef SEGTEX_VISION_MATH_H
#define SEGTEX_VISION_MATH_H

#include <math.h>

#define PI_F 3.14159265358979f

/* The sigmoid of `x` clipped to +-clip first (MediaPipe's score_clipping_thresh), so it never overflows. */
static inline float clipped_sigmoid(float x, float clip)
{
    x = x < -clip ? -clip : x > clip ? clip : x;
    return 1.0f / (1.0f + expf(-x));
}

/* An angle in radians brought to [-pi, pi) (MediaPipe's NormalizeRadians). */
static inline float normalize_radians(float a)
{
    return a - 2.0f * PI_F * floorf((a + PI_F) / (2.0f * PI_F));
}

#endif
