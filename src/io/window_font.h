/*
 * The preview window's built-in bitmap font: 5x7 glyphs for printable ASCII
 * (32..126) in 6x8 cells (one blank column and row for spacing). Other bytes
 * are drawn as '?'. Private to src/io; tests use it directly.
 */
#ifndef SEGTEX_IO_WINDOW_FONT_H
#define SEGTEX_IO_WINDOW_FONT_H
#include <stddef.h>
#include <stdint.h>

#define SEGTEX_FONT_CELL_W 6
#define SEGTEX_FONT_CELL_H 8

/*
 * Draw `text` with its first cell's top-left corner at (x, y) into an RGB24
 * buffer of width x height pixels with `stride` bytes per row. Only the
 * glyphs' set pixels are written, in `color`; the background is left as is.
 * Pixels outside the buffer are clipped (x and y may be negative or past the
 * edge). Returns the advance in pixels, strlen(text) * SEGTEX_FONT_CELL_W,
 * whether or not all of it was visible. Allocates nothing.
 */
int segtex_font_draw(uint8_t *rgb, int width, int height, ptrdiff_t stride, int x, int y,
                     const char *text, const uint8_t color[3]);
#endif
