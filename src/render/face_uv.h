/*
 * Private to render: the canonical face mesh laid over one face's landmarks,
 * rasterized into a per-pixel map of texture coordinates, so a paint can put
 * texture point (u, v) on each pixel of the face and the texture wraps the
 * face, follows its expression and turns with the head (issue 15's `mesh`
 * anchor). Private because only the compositor needs it; the mesh itself is
 * public (include/segtex/face_geometry.h).
 *
 * How it works
 * ------------
 * Vertex i of the mesh (i < 468) sits on landmark i at pixel
 * (x * frame_width, y * frame_height), pixel (i, j) covering [i, i+1) x
 * [j, j+1) and sampled at its centre (i + 0.5, j + 0.5). Each triangle is
 * rasterized in screen space with affine (perspective-free) interpolation
 * of the vertices' (u, v). Triangles whose screen winding is opposite to the
 * canonical mesh's front faces are culled (back faces: the far side of a
 * turned head; a mirrored landmark set culls every triangle that faces the
 * camera upright, leaving only the few that curl backwards at the temples
 * and jaw). A depth buffer on the landmarks' z (interpolated like u, v)
 * keeps the nearest surface where the projected mesh overlaps itself: the
 * nose tip over the underside of the nose, the cheek over a recessed mouth
 * corner, the near cheek over the far one in a turned head. The mesh's
 * border (the face oval) is anti-aliased: coverage falls linearly from 1 to
 * 0 across one pixel centred on the border edge; everywhere else a pixel is
 * covered exactly 1 or 0 (inner silhouettes are hard edges between two
 * layers of the face, and a sharp outline where a turned head's far side
 * is culled — the compositor's face-skin probability softens that one).
 * Hair, glasses and hands in front of the face are not known here: the
 * compositor applies the map only where the category map says face skin.
 *
 * Memory and phases
 * -----------------
 *   create   face_uv_create(mesh): copies the triangles and UVs, finds the
 *            border edges, allocates the per-triangle scratch. The map's pixels are the caller's: face_uv_map_alloc
 *            (configure time, e.g. frame width x height so any face fits,
 *            16 bytes a pixel).
 *   process  face_uv_prepare + face_uv_rasterize_rows, or face_uv_rasterize
 *            (both at once): no allocation, no logging, no locks.
 *
 * Threading: prepare is called once per face per frame on one thread; then
 * rasterize_rows may run on several threads at once for disjoint row ranges
 * of the same map (for instance each render band rasterizes its own rows
 * just before compositing them); the map is read-only afterwards.
 *
 * What the compositor's per-row loop does (`--anchor face_skin=mesh`):
 *
 *     const face_uv_texel *row = face_uv_map_row(&map, y);   // NULL: no face on row y
 *     for (int x = x_begin; x < x_end; x++) {
 *         const face_uv_texel *t = face_uv_map_at(&map, row, x); // NULL: outside the map
 *         if (!t || t->coverage == 0) { ...screen-anchored paint...; continue; }
 *         uint8_t rgb[3];
 *         face_uv_sample_rgb(tile_rgb, tw, th, tw * 3, t->u * repeat, t->v * repeat, rgb);
 *         // blend rgb over the pixel with weight t->coverage * P(face skin)
 *     }
 *
 * A whole-row fast path: the row's texels for frame columns
 * [map.x0, map.x0 + map.width) are row[0 .. width-1], contiguous.
 */
#ifndef SEGTEX_RENDER_FACE_UV_H
#define SEGTEX_RENDER_FACE_UV_H

#include "segtex/face_geometry.h"
#include "segtex/types.h"

#include <stddef.h>
#include <stdint.h>

/* One pixel of a face UV map. */
typedef struct face_uv_texel {
    float u, v;     /* texture coordinates, segtex_face_mesh's convention (v down); may stray
                     * slightly outside [0, 1] on the anti-aliased outline */
    float coverage; /* 0 outside the face, 1 inside, in between on the outline; u, v are 0 where 0 */
    float depth;    /* the rasterizer's depth buffer (landmark z in pixels; +inf where no whole pixel) */
} face_uv_texel;

/*
 * A map over a rectangle of the frame. face_uv_prepare sets the rectangle
 * to the bounding box of the face's 468 mesh vertices, grown by one pixel
 * for the anti-aliased outline and clipped to the frame (width 0: no face
 * in the frame). Texel of frame pixel (x, y) = texels[(y - y0) * width +
 * (x - x0)].
 */
typedef struct face_uv_map {
    int x0, y0, width, height;
    size_t capacity;        /* texels allocated */
    face_uv_texel *texels;  /* owned by whoever called face_uv_map_alloc */
} face_uv_map;

/*
 * Allocate room for `pixels` texels (zeroed map, empty rectangle). Configure
 * time. Returns SEGTEX_OK, SEGTEX_ERROR_INVALID_ARGUMENT (0 pixels or more
 * than 2^28) or SEGTEX_ERROR_OUT_OF_MEMORY (map left empty).
 */
segtex_status face_uv_map_alloc(face_uv_map *map, size_t pixels);
/* Free the texels and zero the map. NULL is fine. */
void face_uv_map_free(face_uv_map *map);

/* Row y of the map (frame row), or NULL when y is outside it. */
static inline const face_uv_texel *face_uv_map_row(const face_uv_map *m, int y)
{
    if (y < m->y0 || y >= m->y0 + m->height || m->width <= 0)
        return NULL;
    return m->texels + (size_t)(y - m->y0) * (size_t)m->width;
}

/* Texel of frame column x in a row from face_uv_map_row (which may be NULL), or NULL. */
static inline const face_uv_texel *face_uv_map_at(const face_uv_map *m, const face_uv_texel *row, int x)
{
    if (!row || x < m->x0 || x >= m->x0 + m->width)
        return NULL;
    return row + (x - m->x0);
}

typedef struct face_uv face_uv;

/*
 * A rasterizer for `mesh` (from segtex_face_geometry_mesh; it copies what it
 * needs, so the geometry may be destroyed afterwards). Decides which screen
 * winding is "front" from the canonical mesh seen from the front. On failure
 * *out is NULL: SEGTEX_ERROR_INVALID_ARGUMENT (NULL or a mesh that is not 468
 * vertices) or SEGTEX_ERROR_OUT_OF_MEMORY.
 */
segtex_status face_uv_create(const segtex_face_mesh *mesh, face_uv **out);
/* NULL is fine. */
void face_uv_destroy(face_uv *uv);

/*
 * Place the mesh on `face` (at least 468 landmarks, normalized as
 * segtex_face_landmarks says) in a frame_width x frame_height frame: project,
 * cull, order, find the outline, and set map's rectangle (its texels are
 * written by face_uv_rasterize_rows, row by row). Returns SEGTEX_OK; SEGTEX_ERROR_INVALID_ARGUMENT
 * (map left with an empty rectangle) for fewer than 468 landmarks, a
 * non-finite coordinate, a frame side outside 1..16384, or a rectangle of more
 * texels than map->capacity. Allocates nothing.
 */
segtex_status face_uv_prepare(face_uv *uv, const segtex_face_landmarks *face, int frame_width, int frame_height,
                              face_uv_map *map);

/*
 * Clear frame rows [y_begin, y_end) of `map` (clipped to its rectangle)
 * and rasterize the prepared face into them. Returns the number of front-facing triangles drawn
 * into those rows. Allocates nothing; disjoint row ranges may run in
 * parallel.
 */
int face_uv_rasterize_rows(const face_uv *uv, face_uv_map *map, int y_begin, int y_end);

/*
 * Rows per band that keep a band of a large face's map in a core's cache
 * (32 rows of 400 texels: 200 KB): face_uv_rasterize works in such bands, and
 * callers that band themselves should use bands of about this many rows.
 */
#define FACE_UV_BAND_ROWS 32

/* prepare, then every row, band by band. Returns prepare's status. */
segtex_status face_uv_rasterize(face_uv *uv, const segtex_face_landmarks *face, int frame_width, int frame_height,
                                face_uv_map *map);

/* Front-facing triangles of the last prepare (after culling). */
int face_uv_front_triangles(const face_uv *uv);

/*
 * Bilinear sample of an RGB texture of tw x th pixels (row stride `stride`
 * bytes, top row first) at texture coordinates (u, v): texel centre (i, j)
 * is at ((i + 0.5) / tw, (j + 0.5) / th); coordinates wrap (the texture
 * tiles), so multiplying u and v by k repeats it k times across the face.
 * Writes out[0..2]. Allocates nothing.
 */
void face_uv_sample_rgb(const uint8_t *rgb, int tw, int th, ptrdiff_t stride, float u, float v, uint8_t out[3]);

#endif
