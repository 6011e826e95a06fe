/* Private: what the compositor reads from a texture set. */
#ifndef SEGTEX_RENDER_TEXTURE_H
#define SEGTEX_RENDER_TEXTURE_H

#include "segtex/render.h"

/*
 * The paint of one category as the compositor sees it: a tile (the scaled
 * texture, or a one-row tile of a solid colour) addressed modulo its size.
 * Pointers are owned by the set and stay valid until the next set_paint,
 * randomize or destroy.
 */
/*
 * Bytes readable after the last texel of a textured tile's rgb and alpha:
 * the anchored walk (anchor.c) reads each texel as a 4-byte word.
 */
#define RENDER_TILE_SLACK 4

typedef struct render_layer {
    int enabled;
    const uint8_t *rgb;   /* th rows of tw RGB pixels, stride tw * 3, then RENDER_TILE_SLACK bytes */
    const uint8_t *alpha; /* th rows of tw alphas (then RENDER_TILE_SLACK bytes), or NULL when the tile is opaque */
    int tw, th;
    int offset_x, offset_y; /* reduced to [0, tw) and [0, th) */
    uint8_t opacity;        /* round(opacity * 255) */
    segtex_paint_kind kind;
    /* The anchor the renderer applies: SCREEN unless a FILL with a texture (IMAGE tiles are the frame's size). */
    segtex_anchor anchor;
    int radius;             /* BLUR */
    const uint8_t *tint;    /* TINT: 256 x RGB, the colour for each luma */
} render_layer;

/* BT.601 luma of an RGB pixel, the weights summing to 256: the luma TINT keeps. */
static inline uint32_t luma8(const uint8_t *p) { return (77u * p[0] + 150u * p[1] + 29u * p[2] + 128u) >> 8; }

const render_layer *texture_set_layer(const segtex_texture_set *set, int category);

/* Incremented by every change of any layer; renderers refresh their tables when it moves. */
uint64_t texture_set_generation(const segtex_texture_set *set);

#endif
