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

int segtex_demo_read(segtex_demo *d, segtex_image *dst, double *pts)
{
    if (d->frames && d->next >= d->frames)
        return SEGTEX_SOURCE_END;
    if (!dst || !dst->data || dst->width != d->width || dst->height != d->height || dst->channels != 3) {
        LOG_ERROR("demo: destination must be %dx%d RGB", d->width, d->height);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    const double t = (double)d->next / d->fps, two_pi = 6.283185307179586;
    const segtex_image *p = &d->portrait;
    /* The view: centred between face and chest, drifting, breathing in and out, rocking a little. */
    double zoom = 1.0 + 0.15 * sin(two_pi * t / 7.0);
    double angle = 0.10 * sin(two_pi * t / 5.0);
    double cx = p->width * (0.45 + 0.06 * sin(two_pi * t / 11.0));
    double cy = p->height * (0.40 + 0.04 * cos(two_pi * t / 9.0));
    /* Fit the shorter span of the portrait to the output, then zoom. */
    double k = fmin((double)p->width / d->width, (double)p->height / d->height) * 0.95 / zoom;
    double ca = cos(angle) * k, sa = sin(angle) * k;
    for (int y = 0; y < d->height; y++) {
        uint8_t *row = dst->data + (ptrdiff_t)y * dst->stride;
        double oy = y + 0.5 - d->height * 0.5;
        for (int x = 0; x < d->width; x++) {
            double ox = x + 0.5 - d->width * 0.5;
            double sx = cx + ca * ox - sa * oy - 0.5, sy = cy + sa * ox + ca * oy - 0.5;
            sx = sx < 0 ? 0 : sx > p->width - 1 ? p->width - 1 : sx;
            sy = sy < 0 ? 0 : sy > p->height - 1 ? p->height - 1 : sy;
            int x0 = (int)sx, y0 = (int)sy;
            int x1 = x0 + 1 < p->width ? x0 + 1 : x0, y1 = y0 + 1 < p->height ? y0 + 1 : y0;
            int fx = (int)((sx - x0) * 256), fy = (int)((sy - y0) * 256);
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
