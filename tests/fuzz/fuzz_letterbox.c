/*
 * libFuzzer target: letterbox_find on any frame. The first 4 bytes give the width and height (1..256 each), the
 * fifth the channels (1, 3 or 4, or an unsupported 2) and the sixth the stride's padding (0..15 bytes); the rest
 * are the pixels, repeated to fill the frame (held in one exact-size buffer, so a read past it is ASan's). The
 * picture found must lie in the frame.
 */
#include "vision/letterbox.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 7)
        return 0;
    const int w = 1 + ((data[0] << 8 | data[1]) % 256), h = 1 + ((data[2] << 8 | data[3]) % 256);
    static const int channels[4] = {1, 2, 3, 4};
    const int c = channels[data[4] % 4], pad = data[5] % 16;
    const ptrdiff_t stride = (ptrdiff_t)w * c + pad;
    const size_t bytes = (size_t)stride * (size_t)(h - 1) + (size_t)w * (size_t)c; /* the last row unpadded */
    uint8_t *px = malloc(bytes);
    if (!px)
        return 0;
    for (size_t i = 0; i < bytes; i++)
        px[i] = data[6 + i % (size - 6)];
    segtex_image img = {px, w, h, c, stride};
    int r[4];
    const int found = letterbox_find(&img, r);
    if (found < 0 || found > 4 || r[0] < 0 || r[1] < 0 || r[2] > w || r[3] > h || r[0] >= r[2] || r[1] >= r[3])
        abort();
    free(px);
    return 0;
}
