/* libFuzzer target: PNG/JPEG decoding (textures, stills, category maps). */
#include "segtex/io.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int quiet;
    if (!quiet) {
        segtex_set_log(NULL, NULL, SEGTEX_LOG_ERROR);
        quiet = 1;
    }
    static const int channels[4] = {0, 1, 3, 4};
    segtex_image img;
    if (segtex_image_decode(data, size, "fuzz", channels[size % 4], &img) == SEGTEX_OK) {
        /* every pixel is readable: touch the last byte of each row */
        volatile uint8_t sink = 0;
        for (int y = 0; y < img.height; y++)
            sink ^= img.data[(ptrdiff_t)y * img.stride + (ptrdiff_t)img.width * img.channels - 1];
        (void)sink;
        segtex_image_free(&img);
    }
    return 0;
}
