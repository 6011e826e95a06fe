/* The demo source: a still portrait animated by pan, zoom and rotation. */
#include "core/log.h"
#include "segtex/io.h"

#include <math.h>
#include <string.h>

struct segtex_demo {
    segtex_image portrait;
    int width, height;
    int64_t frames, next;
    double fps;
};

segtex_status segtex_demo_create(const char *path, int width, int height, int64_t frames, double fps,
                                 segtex_demo **out)
{
    *out = NULL;
    if (width < 16 || height < 16 || width > 8192 || height > 8192 || frames < 0 || !(fps > 0 && fps <= 1000)) {
        LOG_ERROR("demo: size %dx%d (16..8192), frames %lld or fps %g out of range", width, height,
                  (long long)frames, fps);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    segtex_demo *d = segtex_calloc(1, sizeof *d);
    if (!d)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    segtex_status st = segtex_image_load(path, 3, &d->portrait);
    if (st) {
        segtex_free(d);
        return st;
    }
    d->width = width, d->height = height, d->frames = frames, d->fps = fps;
    *out = d;
    return SEGTEX_OK;
}

void segtex_demo_destroy(segtex_demo *d)
{
    if (!d)
        return;
    segtex_image_free(&d->portrait);
    segtex_free(d);
}

void segtex_demo_get_info(const segtex_demo *d, segtex_source_info *info)
{
    info->width = d->width;
    info->height = d->height;
    info->fps = d->fps;
    info->frames = d->frames ? d->frames : -1;
    info->live = 0;
}

/* The view of frame `n`: output offset o from the centre samples the portrait at (cx, cy) + [ca -sa; sa ca] o. */
typedef struct view {
    double cx, cy, ca, sa;
} view;

static view view_of(const segtex_demo *d, int64_t n)
{
    const double t = (double)n / d->fps, two_pi = 6.283185307179586;
    const segtex_image *p = &d->portrait;
    /* Centred between face and chest, drifting, breathing in and out, rocking a little. */
    double zoom = 1.0 + 0.15 * sin(two_pi * t / 7.0);
    double angle = 0.10 * sin(two_pi * t / 5.0);
    view v;
    v.cx = p->width * (0.45 + 0.06 * sin(two_pi * t / 11.0));
    v.cy = p->height * (0.40 + 0.04 * cos(two_pi * t / 9.0));
    /* Fit the shorter span of the portrait to the output, then zoom. */
    double k = fmin((double)p->width / d->width, (double)p->height / d->height) * 0.95 / zoom;
    v.ca = cos(angle) * k, v.sa = sin(angle) * k;
    return v;
}

void segtex_demo_map(const segtex_demo *d, int64_t frame, double px, double py, double *x, double *y)
{
    view v = view_of(d, frame);
    double k2 = v.ca * v.ca + v.sa * v.sa, sx = px - v.cx, sy = py - v.cy;
    /* The inverse of the rotation-and-scale: its transpose over k^2. */
    *x = (v.ca * sx + v.sa * sy) / k2 + d->width * 0.5;
    *y = (-v.sa * sx + v.ca * sy) / k2 + d->height * 0.5;
}

int segtex_demo_read(segtex_demo *d, segtex_image *dst, double *pts)
{
    if (d->frames && d->next >= d->frames)
        return SEGTEX_SOURCE_END;
    if (!dst || !dst->data || dst->width != d->width || dst->height != d->height || dst->channels != 3) {
        LOG_ERROR("demo: destination must be %dx%d RGB", d->width, d->height);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    const double t = (double)d->next / d->fps;
    const segtex_image *p = &d->portrait;
    const view v = view_of(d, d->next);
    const double cx = v.cx, cy = v.cy, ca = v.ca, sa = v.sa;
    /*
     * Fixed point (16.16): the source position steps by (ca, sa) along a row,
     * so each pixel is two adds, a clamp and a bilinear blend of 8-bit
     * values; no floating point in the loop (the warp was most of a 720p
     * soak's CPU time).
     */
    const int64_t one = 65536;
    const int64_t max_x = (int64_t)(p->width - 1) * one, max_y = (int64_t)(p->height - 1) * one;
    const int64_t dx = llround(ca * one), dy = llround(sa * one);
    for (int y = 0; y < d->height; y++) {
        uint8_t *row = dst->data + (ptrdiff_t)y * dst->stride;
        double oy = y + 0.5 - d->height * 0.5, ox0 = 0.5 - d->width * 0.5;
        int64_t sx = llround((cx + ca * ox0 - sa * oy - 0.5) * one);
        int64_t sy = llround((cy + sa * ox0 + ca * oy - 0.5) * one);
        for (int x = 0; x < d->width; x++, sx += dx, sy += dy) {
            int64_t qx = sx < 0 ? 0 : sx > max_x ? max_x : sx, qy = sy < 0 ? 0 : sy > max_y ? max_y : sy;
            int x0 = (int)(qx >> 16), y0 = (int)(qy >> 16);
            int x1 = x0 + 1 < p->width ? x0 + 1 : x0, y1 = y0 + 1 < p->height ? y0 + 1 : y0;
            int fx = (int)((qx >> 8) & 255), fy = (int)((qy >> 8) & 255);
            const uint8_t *a = p->data + y0 * p->stride + x0 * 3, *b = p->data + y0 * p->stride + x1 * 3;
            const uint8_t *c = p->data + y1 * p->stride + x0 * 3, *e = p->data + y1 * p->stride + x1 * 3;
            for (int ch = 0; ch < 3; ch++) {
                int top = a[ch] * (256 - fx) + b[ch] * fx, bot = c[ch] * (256 - fx) + e[ch] * fx;
                row[x * 3 + ch] = (uint8_t)((top * (256 - fy) + bot * fy + 32768) >> 16);
            }
        }
    }
    *pts = t;
    d->next++;
    return SEGTEX_SOURCE_FRAME;
}
