/* MediaPipe's One-Euro filter (see one_euro.h). */
#include "vision/one_euro.h"

#include <math.h>
#include <stddef.h>

#define PI_D 3.14159265358979323846

static float alpha(float cutoff, float rate)
{
    float te = 1.0f / rate, tau = 1.0f / (2.0f * (float)PI_D * cutoff);
    return 1.0f / (1.0f + tau / te);
}

float one_euro_rate(int filtered, double t, double last_t)
{
    return filtered && t > last_t ? (float)(1.0 / (t - last_t)) : 30.0f;
}

float one_euro_apply(one_euro *e, const one_euro_params *p, float v, float value_scale, float rate, int first)
{
    if (first) {
        e->x = e->raw = v;
        e->dx = 0;
        return v;
    }
    float dv = (v - e->raw) * value_scale * rate;
    e->dx += alpha(p->derivate_cutoff, rate) * (dv - e->dx);
    float cutoff = p->min_cutoff + p->beta * fabsf(e->dx);
    e->x += alpha(cutoff, rate) * (v - e->x);
    e->raw = v;
    return e->x;
}

void one_euro_points(one_euro (*f)[3], const one_euro_params *p, float *pts, int n, int stride, int w, int h,
                     float rate, int first)
{
    float xmin = INFINITY, ymin = INFINITY, xmax = -INFINITY, ymax = -INFINITY;
    for (int i = 0; i < n; i++) {
        const float *q = pts + (size_t)i * stride;
        xmin = fminf(xmin, q[0] * w), xmax = fmaxf(xmax, q[0] * w);
        ymin = fminf(ymin, q[1] * h), ymax = fmaxf(ymax, q[1] * h);
    }
    float scale = 0.5f * ((xmax - xmin) + (ymax - ymin));
    float value_scale = scale > 0 ? 1.0f / scale : 1.0f;
    const float dims[3] = {(float)w, (float)h, (float)w};
    for (int i = 0; i < n; i++) {
        float *q = pts + (size_t)i * stride;
        for (int k = 0; k < 3; k++) {
            float v = one_euro_apply(&f[i][k], p, q[k] * dims[k], value_scale, rate, first);
            if (!first)
                q[k] = v / dims[k];
        }
    }
}

void one_euro_track(one_euro (*f)[3], const one_euro_params *p, float *pts, int n, int stride, int w, int h, double t,
                    int *filtered, double *last_t)
{
    one_euro_points(f, p, pts, n, stride, w, h, one_euro_rate(*filtered, t, *last_t), !*filtered);
    *filtered = 1;
    *last_t = t;
}

one_euro_params one_euro_options(float min_cutoff, float beta, float derivate_cutoff, one_euro_params defaults)
{
    one_euro_params p = {min_cutoff <= 0 ? defaults.min_cutoff : min_cutoff, beta <= 0 ? defaults.beta : beta,
                         derivate_cutoff <= 0 ? defaults.derivate_cutoff : derivate_cutoff};
    return p;
}
