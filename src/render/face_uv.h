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
 *   create     face_uv_create(mesh): copies the triangles and UVs, finds the
 *              border edges, allocates the per-triangle scratch (about 170 KB).
 *   configure  the caller allocates the texels with face_uv_map_alloc: 16
 *              bytes a pixel, for the whole face (up to the frame: 14.7 MB at
 *              1280x720) or for one band of rows per thread (FACE_UV_BAND_ROWS
 *              x frame width: 655 KB at 1280 wide).
 *   process    face_uv_prepare (once per face and frame: project, cull, set up
 *              the triangles; gives the face's rectangle), then
 *              face_uv_rasterize_rows into any map whose rectangle covers the
 *              rows (face_uv_map_view makes a band view); or face_uv_rasterize
 *              (both, whole face). No allocation, no logging, no locks.
 *
 * Threading: prepare on one thread; then rasterize_rows may run on several
 * threads at once into different maps, or disjoint rows of the same map; a
 * map is read-only once its rows are drawn. A face_uv holds one prepared
 * face: for several faces, one face_uv each (about 180 KB each, the mesh
 * copied in), or prepare and draw them one after another.
 *
 * Plugging into the compositor (`--anchor face_skin=mesh`), per frame:
 *
 *     face_uv_rect rect;                                   // render thread
 *     face_uv_prepare(uv, &faces->faces[0], W, H, &rect);  // one face: the largest, say
 *     // each band [y0, y1) on its own thread, with its own band map `bm`
 *     // (capacity FACE_UV_BAND_ROWS x W texels, allocated at configure):
 *     for (int yb = y0; yb < y1; yb += FACE_UV_BAND_ROWS) {
 *         int ye = min(yb + FACE_UV_BAND_ROWS, y1);
 *         face_uv_map_view(&bm, &rect, yb, ye);            // bm covers rows [yb, ye) of the face
 *         face_uv_rasterize_rows(uv, &bm, yb, ye);
 *         for (int y = yb; y < ye; y++) {
 *             const face_uv_texel *row = face_uv_map_row(&bm, y); // NULL: no face on row y
 *             for (int x = 0; x < W; x++) {
 *                 const face_uv_texel *t = face_uv_map_at(&bm, row, x); // NULL: outside the face's box
 *                 float w = t ? t->coverage * p_face_skin(x, y) : 0; // hair over the face: p = 0
 *                 if (w == 0) { ...the category's usual paint...; continue; }
 *                 uint8_t rgb[3];
 *                 face_uv_sample_rgb(tex, tw, th, tw * 3, t->u * repeat, t->v * repeat, rgb);
 *                 // blend rgb over the pixel with weight w
 *             }
 *         }
 *     }
 *
 * Whole-row fast path: a row's texels for frame columns [map.x0, map.x0 +
 * map.width) are row[0 .. width-1], contiguous; outside them the face is
 * absent.
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

/* A rectangle of the frame, in pixels: columns [x0, x0 + width), rows [y0, y0 + height). */
typedef struct face_uv_rect {
    int x0, y0, width, height;
} face_uv_rect;

/*
 * Texels over a rectangle of the frame: texel of frame pixel (x, y) =
 * texels[(y - y0) * width + (x - x0)]. face_uv_rasterize sets the rectangle
 * to the face's; face_uv_map_view to a band of it. width or height 0: empty.
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
 * cull, set up the front triangles, and write the face's rectangle to *rect:
 * the box of its 468 mesh vertices grown by a pixel for the anti-aliased
 * rim, clipped to the frame (width 0: the face is off the frame, nothing to
 * draw). Returns SEGTEX_OK, or SEGTEX_ERROR_INVALID_ARGUMENT (rect empty,
 * nothing drawn after it) for fewer than 468 landmarks, a coordinate that
 * is not finite or lies over 10^6 pixels away, or a frame side outside
 * 1..16384. Allocates nothing.
 */
segtex_status face_uv_prepare(face_uv *uv, const segtex_face_landmarks *face, int frame_width, int frame_height,
                              face_uv_rect *rect);

/*
 * Make `map` (its texels and capacity kept) a view of frame rows
 * [y_begin, y_end) of `rect`, clipped to it. Returns 0, or -1 (map left
 * empty) when the view needs more texels than map->capacity. An empty
 * intersection gives an empty map and 0.
 */
int face_uv_map_view(face_uv_map *map, const face_uv_rect *rect, int y_begin, int y_end);

/*
 * Clear frame rows [y_begin, y_end) of `map` (clipped to its rectangle) and
 * rasterize the prepared face into them (the map's rectangle may be any
 * part of the frame: triangles are clipped to it). Returns the number of
 * front triangles that reach those rows (0 for an empty map or one whose
 * rectangle exceeds its capacity). Allocates nothing; different maps or
 * disjoint rows of one map may be drawn in parallel.
 */
int face_uv_rasterize_rows(const face_uv *uv, face_uv_map *map, int y_begin, int y_end);

/*
 * Rows per band that keep a band of a large face's map in a core's cache
 * (32 rows of 400 texels: 200 KB): face_uv_rasterize works in such bands, and
 * callers that band themselves should use bands of about this many rows.
 */
#define FACE_UV_BAND_ROWS 32

/*
 * prepare, then the whole face into `map` (its rectangle set to the face's),
 * band by band. Returns prepare's status, or SEGTEX_ERROR_INVALID_ARGUMENT
 * when the face's rectangle needs more texels than map->capacity; on any
 * error the map is left empty.
 */
segtex_status face_uv_rasterize(face_uv *uv, const segtex_face_landmarks *face, int frame_width, int frame_height,
                                face_uv_map *map);

/*
 * Tests: 1 makes `uv` set up its rows with the plain scalar code, 0 (the
 * default) 16 rows at a time where the CPU can (AVX-512). Same texels.
 */
void face_uv_set_scalar_only(face_uv *uv, int on);
/* The same by level: 0 scalar, 1 AVX2 (8 rows at a time), 2 AVX-512 (16), capped at what the CPU runs. */
void face_uv_set_simd_level(face_uv *uv, int level);

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
