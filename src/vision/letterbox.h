/* A frame's black bars (internal; the composite segmenter's person mask leaves them out). */
#ifndef SEGTEX_VISION_LETTERBOX_H
#define SEGTEX_VISION_LETTERBOX_H

#include "segtex/core.h"

/*
 * The picture inside `img`'s black bars: a letterbox's (top, bottom), a
 * pillarbox's (left, right), or both. A bar is a run of lines (rows or
 * columns) from the frame's edge: first a few (2, or a hundredth of the
 * frame if more) flat and dark at one level, then any mostly at that level
 * (a caption or a logo on the bar), then the picture, whose first line is
 * brighter than the bar over a good share of it. Anything else is no bar: a
 * dark room behind a person, a night sky fading into the picture, a frame
 * black all over (a fade). Each bar is less than a quarter of the frame.
 * rect: x0, y0, x1, y1 (x1, y1 exclusive), the whole frame when no bar is
 * found. Reads at most LETTERBOX_SAMPLES pixels of a line; RGB or RGBA
 * (anything else: the whole frame). Returns how many edges have a bar.
 * Never allocates.
 */
#define LETTERBOX_SAMPLES 256
int letterbox_find(const segtex_image *img, int rect[4]);

#endif
