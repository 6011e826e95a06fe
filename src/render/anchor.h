/*
 * Private: where anchored textures sit. Per frame, the face and torso
 * transforms are measured from the people of the frame (held when lost,
 * eased back in when found again); per output row, an anchored layer's
 * texels are gathered into a row buffer that the compositor then treats
 * like any other row of paint.
 */
#ifndef SEGTEX_RENDER_ANCHOR_H
#define SEGTEX_RENDER_ANCHOR_H

#include "render/texture.h"

/* Tile pixels per reference length: the distance between the outer eye corners, and the shoulder width. */
#define ANCHOR_FACE_REF 96.0f
#define ANCHOR_TORSO_REF 192.0f

/* Tile coordinates of output point p: m * (p - o) + t (t: the paint's offset, set by the compositor). */
typedef struct anchor_xf {
    float ox, oy;
    float m[4]; /* row-major 2x2 */
    float tx, ty;
} anchor_xf;

typedef struct anchor_track {
    anchor_xf shown; /* what textures use */
    int have;        /* shown holds a transform */
    int lost;        /* frames since the anchor was last measured */
    int ease;        /* frames left of easing toward the measurement after a loss */
} anchor_track;

typedef struct anchor_state {
    anchor_track face, torso;
} anchor_state;

/* Measure the face (face 0: landmarks 1, 33, 263) and torso (pose 11, 12, 23, 24) of a w x h frame. Never allocates. */
void anchor_update(anchor_state *s, const segtex_people *people, int w, int h);

/*
 * The transform of `anchor` (TORSO falls back to FACE; MESH is FACE: the
 * compositor draws the face mesh over it, see mesh_fill); 0 when there is
 * none yet (tile in screen space).
 */
int anchor_resolve(const anchor_state *s, segtex_anchor anchor, anchor_xf *out);

/*
 * The per-pixel texture lookup of a layer: for output row y, columns
 * [x0, x1), the tile texel under each pixel centre (nearest) into rgb (and
 * alpha when the layer has one). `xf` already holds the paint's offset.
 * The face mesh's UVs are drawn over this walk's output (compositor.c,
 * mesh_fill), so outside the mesh the face transform shows. Every
 * implementation gives the same bytes; the tile must have
 * RENDER_TILE_SLACK readable bytes after its RGB and alpha (texture.h).
 */
typedef void (*anchor_fill_fn)(const render_layer *L, const anchor_xf *xf, int y, int x0, int x1, uint8_t *rgb,
                               uint8_t *alpha);
/* The plain scalar walk: the reference. */
void anchor_fill_affine_ref(const render_layer *L, const anchor_xf *xf, int y, int x0, int x1, uint8_t *rgb,
                            uint8_t *alpha);
/*
 * The fastest walk at SIMD level `level` (render.h's RENDER_*), capped at
 * what this CPU runs: AVX-512 with VBMI, AVX2, else the reference. Configure time.
 */
anchor_fill_fn anchor_fill_select(int level);

#endif
