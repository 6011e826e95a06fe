#include "core/log.h"
#include "segtex/vision.h"

#include <math.h>
#include <string.h>

segtex_status segtex_image_to_tensor(const segtex_image *img, float *dst, int width, int height,
                                     segtex_fit fit, float lo, float hi, segtex_fit_info *info)
{
    if (!img || !img->data || img->width < 1 || img->height < 1 || (img->channels != 3 && img->channels != 4) ||
        width < 1 || height < 1 || !dst) {
        LOG_ERROR("preprocess: need an RGB/RGBA image and a tensor of at least 1x1");
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    float sx = (float)width / (float)img->width, sy = (float)height / (float)img->height;
    float ox = 0.0f, oy = 0.0f;
    int x0 = 0, x1 = width, y0 = 0, y1 = height;
    if (fit == SEGTEX_FIT_LETTERBOX) {
        float s = sx < sy ? sx : sy;
        sx = sy = s;
        ox = 0.5f * ((float)width - s * (float)img->width);
        oy = 0.5f * ((float)height - s * (float)img->height);
        memset(dst, 0, sizeof(float) * 3 * (size_t)width * (size_t)height);
        x0 = (int)floorf(ox), x1 = (int)ceilf(ox + s * (float)img->width);
        y0 = (int)floorf(oy), y1 = (int)ceilf(oy + s * (float)img->height);
        if (x0 < 0)
            x0 = 0;
        if (y0 < 0)
            y0 = 0;
        if (x1 > width)
            x1 = width;
        if (y1 > height)
            y1 = height;
    }
    if (info) {
        info->scale_x = sx, info->scale_y = sy, info->offset_x = ox, info->offset_y = oy;
    }
    const float k = (hi - lo) / 255.0f;
    const int c = img->channels;
    for (int y = y0; y < y1; y++) {
        float fy = ((float)y + 0.5f - oy) / sy - 0.5f;
        if (fy < 0)
            fy = 0;
        int iy = (int)fy;
        if (iy > img->height - 1)
            iy = img->height - 1;
        int iy1 = iy + 1 < img->height ? iy + 1 : iy;
        float wy = fy - (float)iy;
        if (wy > 1)
            wy = 1;
        const uint8_t *r0 = img->data + (ptrdiff_t)iy * img->stride, *r1 = img->data + (ptrdiff_t)iy1 * img->stride;
        float *out = dst + ((size_t)y * (size_t)width + (size_t)x0) * 3;
        for (int x = x0; x < x1; x++, out += 3) {
            float fx = ((float)x + 0.5f - ox) / sx - 0.5f;
            if (fx < 0)
                fx = 0;
            int ix = (int)fx;
            if (ix > img->width - 1)
                ix = img->width - 1;
            int ix1 = ix + 1 < img->width ? ix + 1 : ix;
            float wx = fx - (float)ix;
            if (wx > 1)
                wx = 1;
            for (int ch = 0; ch < 3; ch++) {
                float a = r0[ix * c + ch] + (r0[ix1 * c + ch] - r0[ix * c + ch]) * wx;
                float b = r1[ix * c + ch] + (r1[ix1 * c + ch] - r1[ix * c + ch]) * wx;
                out[ch] = lo + k * (a + (b - a) * wy);
            }
        }
    }
    return SEGTEX_OK;
}

void segtex_roi_to_image(const segtex_roi *r, float u, float v, float *x, float *y)
{
    float c = cosf(r->rotation), s = sinf(r->rotation);
    float lx = (u - 0.5f) * r->size, ly = (v - 0.5f) * r->size;
    *x = r->cx + lx * c - ly * s;
    *y = r->cy + lx * s + ly * c;
}

void segtex_roi_to_tensor(const segtex_image *img, const segtex_roi *r, float *dst, int size)
{
    const int ch = img->channels;
    const float inv = 1.0f / 255.0f;
    for (int v = 0; v < size; v++) {
        for (int u = 0; u < size; u++, dst += 3) {
            float x, y;
            segtex_roi_to_image(r, ((float)u + 0.5f) / (float)size, ((float)v + 0.5f) / (float)size, &x, &y);
            /* pixel centres at +0.5; border replicated by clamping the sample position */
            x -= 0.5f, y -= 0.5f;
            x = fminf(fmaxf(x, 0.0f), (float)(img->width - 1));
            y = fminf(fmaxf(y, 0.0f), (float)(img->height - 1));
            int x0 = (int)x, y0 = (int)y;
            int x1 = x0 + 1 < img->width ? x0 + 1 : x0, y1 = y0 + 1 < img->height ? y0 + 1 : y0;
            float fx = x - (float)x0, fy = y - (float)y0;
            const uint8_t *p00 = img->data + y0 * img->stride + x0 * ch, *p01 = img->data + y0 * img->stride + x1 * ch;
            const uint8_t *p10 = img->data + y1 * img->stride + x0 * ch, *p11 = img->data + y1 * img->stride + x1 * ch;
            for (int k = 0; k < 3; k++) {
                float a = p00[k] + (p01[k] - p00[k]) * fx, b = p10[k] + (p11[k] - p10[k]) * fx;
                dst[k] = (a + (b - a) * fy) * inv;
            }
        }
    }
}
