/*
 * segtex io: image files (PNG, JPEG). Video sources and sinks come later.
 */
#ifndef SEGTEX_IO_H
#define SEGTEX_IO_H

#include "segtex/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Allocate a width x height image with `channels` (1, 3 or 4), zeroed,
 * stride = width * channels. On failure `out` is left zeroed.
 */
segtex_status segtex_image_alloc(segtex_image *out, int width, int height, int channels);

/* Free pixels allocated by segtex_image_alloc/load and zero the view. NULL and empty views are fine. */
void segtex_image_free(segtex_image *img);

/*
 * Decode a PNG or JPEG file (chosen by content, not name) into a new image.
 * `channels`: 0 keeps the file's layout as 1, 3 or 4 channels (grey+alpha
 * becomes RGBA, palettes and 16-bit samples are expanded to 8-bit); 1, 3 or 4
 * converts. Images over 16384 pixels on a side or 2^28 pixels are rejected.
 * On failure logs one line naming the file and the problem, leaves `out`
 * zeroed and returns SEGTEX_ERROR_IO (cannot read) or
 * SEGTEX_ERROR_MALFORMED / SEGTEX_ERROR_UNSUPPORTED (bad content).
 */
segtex_status segtex_image_load(const char *path, int channels, segtex_image *out);

/* The same from memory; `name` is used in messages only. */
segtex_status segtex_image_decode(const uint8_t *data, size_t size, const char *name,
                                  int channels, segtex_image *out);

/* Write `img` (1, 3 or 4 channels, any stride) as PNG. */
segtex_status segtex_image_save_png(const char *path, const segtex_image *img);

#ifdef __cplusplus
}
#endif
#endif
