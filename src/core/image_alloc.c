/* Image buffers (core: every module allocates frames the same way). */
#include "core/log.h"
#include "segtex/core.h"

#include <string.h>

#define MAX_SIDE 16384

segtex_status segtex_image_alloc(segtex_image *out, int width, int height, int channels)
{
    memset(out, 0, sizeof *out);
    if (width <= 0 || height <= 0 || width > MAX_SIDE || height > MAX_SIDE ||
        (channels != 1 && channels != 3 && channels != 4)) {
        LOG_ERROR("image: cannot allocate %dx%d with %d channels", width, height, channels);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    size_t stride = (size_t)width * (size_t)channels;
    out->data = segtex_calloc(stride, (size_t)height);
    if (!out->data)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    out->width = width;
    out->height = height;
    out->channels = channels;
    out->stride = (ptrdiff_t)stride;
    return SEGTEX_OK;
}

void segtex_image_free(segtex_image *img)
{
    if (!img)
        return;
    segtex_free(img->data);
    memset(img, 0, sizeof *img);
}
