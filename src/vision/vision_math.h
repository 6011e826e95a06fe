/*
 * Private: the small formulas every MediaPipe model of the vision layer
 * uses: its sigmoid with clipping, its angle normalization, and a grid's
 * bilinear sample (a mask at model resolution read anywhere in the frame).
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

/* A w x h grid covering the frame, sampled bilinearly at (u, v) in [0, 1] (pixel centres at (i + 0.5) / w),
 * clamped at its edges. */
static inline float grid_at(const float *g, int w, int h, float u, float v)
{
    float x = u * (float)w - 0.5f, y = v * (float)h - 0.5f;
    x = x < 0.0f ? 0.0f : x;
    x = x > (float)(w - 1) ? (float)(w - 1) : x;
    y = y < 0.0f ? 0.0f : y;
    y = y > (float)(h - 1) ? (float)(h - 1) : y;
    int x0 = (int)x, y0 = (int)y, x1 = x0 + 1 < w ? x0 + 1 : x0, y1 = y0 + 1 < h ? y0 + 1 : y0;
    float fx = x - (float)x0, fy = y - (float)y0;
    float a = g[y0 * w + x0] + (g[y0 * w + x1] - g[y0 * w + x0]) * fx;
    float b = g[y1 * w + x0] + (g[y1 * w + x1] - g[y1 * w + x0]) * fx;
    return a + (b - a) * fy;
}

#endif
