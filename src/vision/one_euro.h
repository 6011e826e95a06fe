/*
 * Private: MediaPipe's One-Euro filter (OneEuroFilter with the velocity
 * scaled by the object's size), shared by the face, pose and hand trackers.
 */
#ifndef SEGTEX_VISION_ONE_EURO_H
#define SEGTEX_VISION_ONE_EURO_H

typedef struct one_euro {
    float x, dx; /* last filtered value and derivative */
    float raw;   /* last raw value */
} one_euro;

typedef struct one_euro_params {
    float min_cutoff, beta, derivate_cutoff;
} one_euro_params;

/* The rate of a frame at `t` after one at `last_t` (30 when there is none or time did not advance). */
float one_euro_rate(int filtered, double t, double last_t);

/* Filter one value; `first` initialises the filter and returns `v` as it is. */
float one_euro_apply(one_euro *e, const one_euro_params *p, float v, float value_scale, float rate, int first);

/*
 * Filter `n` points in place, normalized by a w x h image, `stride` floats
 * apart (x, y, z first): in pixels, the velocity scaled by the inverse of
 * the points' bounding-box size (half its width plus height). `first`
 * initialises the filters and leaves the points as they are.
 */
void one_euro_points(one_euro (*f)[3], const one_euro_params *p, float *pts, int n, int stride, int w, int h,
                     float rate, int first);

/*
 * one_euro_points for one tracked object at time `t` (seconds): the rate
 * from its previous call at `*last_t`; while `*filtered` is 0 the filters
 * start afresh and the points are left as they are. Sets `*filtered` and
 * `*last_t` for the next call.
 */
void one_euro_track(one_euro (*f)[3], const one_euro_params *p, float *pts, int n, int stride, int w, int h, double t,
                    int *filtered, double *last_t);

/*
 * A tracker's filter options as the application set them, each one <= 0
 * (unset) taken from `defaults`.
 */
one_euro_params one_euro_options(float min_cutoff, float beta, float derivate_cutoff, one_euro_params defaults);

#endif
