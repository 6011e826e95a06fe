/*
 * Private to render: the face mesh's texture painted through one face's
 * rasterized UVs (face_uv.h), one row of texels at a time, for the
 * compositor's MESH paints (compositor.c, mesh_fill). Scalar, AVX2 and
 * AVX-512 paths give the same bytes.
 */
#ifndef SEGTEX_RENDER_MESH_PAINT_H
#define SEGTEX_RENDER_MESH_PAINT_H

#include "render/face_uv.h"
#include "render/texture.h"

/*
 * Over rgb (3 bytes a pixel) and alpha (NULL when the layer has none), n
 * pixels: texel i's tile point (k u + ou, k v + ov), wrapped into the tile,
 * nearest texel, blended by the texel's coverage (1: copied; 0, or a point
 * off the biased range: left). `level`: RENDER_SCALAR .. RENDER_AVX512, the
 * widest the CPU runs (render.h). Never allocates.
 */
void mesh_paint_row(const face_uv_texel *t, int n, float k, float ou, float ov, const render_layer *L, uint8_t *rgb,
                    uint8_t *alpha, int level);

#endif
