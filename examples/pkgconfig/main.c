/*
 * The smallest libsegtex client: load an image, print its size and the
 * models folder segtex would use. Built against an installed segtex by
 * examples/pkgconfig/Makefile (pkg-config) and examples/cmake (find_package).
 */
#include <segtex/assets.h>
#include <segtex/io.h>

#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s IMAGE\n", argv[0]);
        return 2;
    }
    segtex_set_log(segtex_log_stderr, NULL, SEGTEX_LOG_WARNING);
    segtex_image img;
    segtex_status st = segtex_image_load(argv[1], 3, &img);
    if (st != SEGTEX_OK)
        return 1;
    char models[4096];
    segtex_models_dir_find(NULL, models, sizeof models);
    printf("%s: %dx%d, %d channels; models: %s\n", argv[1], img.width, img.height, img.channels, models);
    segtex_image_free(&img);
    return 0;
}
