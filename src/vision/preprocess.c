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
