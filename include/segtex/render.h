/*
 * segtex render: texture sets, the one-pass compositor and landmark drawing.
 *
 * A frame, a segmentation result at model resolution and face landmarks go
 * in; an RGB24 output frame comes out. Three phases, as everywhere in
 * segtex:
 *   create    segtex_texture_set_create, segtex_renderer_create   (allocate)
 *   configure segtex_texture_set_set_paint / _randomize,
 *             segtex_renderer_configure                      (may allocate)
 *   process   segtex_renderer_render            (never allocates, never logs
 *                                                above debug, never blocks)
 *
 * Thread safety: objects are not internally locked. segtex_renderer_render
 * splits its work into row bands on the pool it is given; everything else is
 * called from one thread (the render thread), between frames.
 */
#ifndef SEGTEX_RENDER_H
#define SEGTEX_RENDER_H

#include "segtex/core.h"
#include "segtex/face_geometry.h"
#include "segtex/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Categories and inputs                                               */
/* ------------------------------------------------------------------ */






/* ------------------------------------------------------------------ */
/* Texture set                                                         */
/* ------------------------------------------------------------------ */

/*
 * Textures (built-in procedural ones plus files from a directory) and, for
 * each category, its paint and the paint's texture pre-scaled into a
 * buffer the set owns. Rendering tiles that buffer by modulo addressing:
 * no frame-sized texture copy exists anywhere.
 */
typedef struct segtex_texture_set segtex_texture_set;

/* Built-in procedural textures: indices 0..SEGTEX_BUILTIN_TEXTURE_COUNT-1 of every set. */
#define SEGTEX_BUILTIN_TEXTURE_COUNT 10
#define SEGTEX_TEXTURE_SCALE_MIN 0.25f
#define SEGTEX_TEXTURE_SCALE_MAX 8.0f
/* Loaded files larger than this on a side are downscaled once, at load. */
#define SEGTEX_TEXTURE_MAX_SIDE 512

/*
 * What a paint puts on its category's pixels. FILL is the colour or the
 * texture of `texture`; the others are computed from the frame (so they
 * need one, in mask mode too: without a frame they paint black) or from a
 * picture.
 */
typedef enum segtex_paint_kind {
    SEGTEX_PAINT_FILL = 0,  /* `texture` tiled, or the solid `color` when texture is -1 */
    SEGTEX_PAINT_TINT = 1,  /* the frame recoloured toward `color`, its luminance kept (hair colour) */
    SEGTEX_PAINT_BLUR = 2,  /* the frame blurred with `radius` (background blur) */
    SEGTEX_PAINT_IMAGE = 3, /* picture `picture` scaled to cover the frame (background replacement) */
    SEGTEX_PAINT_KIND_COUNT = 4,
} segtex_paint_kind;

/*
 * Where a texture is attached. SCREEN tiles it in output pixels (it stays
 * put while the person moves); FACE moves, turns and scales it with the
 * face (a similarity from the eyes and the middle of face 0: its origin
 * the centroid of the eye corners, nose bridge and tip); TORSO with
 * the shoulders and hips of the pose (an affine; FACE without a pose);
 * MESH wraps the texture on each face through the canonical face mesh's
 * texture coordinates, so it follows expression and head turn (needs
 * segtex_renderer_set_face_mesh; without a mesh, and outside the mesh's
 * face oval, it is FACE). When the anchor is lost its last transform is held. Only FILL
 * paints with a texture use it: colours, tints, blurs and pictures belong to
 * the screen.
 */
typedef enum segtex_anchor {
    SEGTEX_ANCHOR_SCREEN = 0,
    SEGTEX_ANCHOR_FACE = 1,
    SEGTEX_ANCHOR_TORSO = 2,
    SEGTEX_ANCHOR_MESH = 3,
    SEGTEX_ANCHOR_COUNT = 4,
} segtex_anchor;

/* "screen", "face", "torso", "mesh"; NULL out of range. */
const char *segtex_anchor_name(segtex_anchor anchor);
/* Anchor of a name above, or -1. */
int segtex_anchor_parse(const char *name);
/* The anchor a category gets by default: hair face, face skin mesh, body skin and clothes torso, others face, background screen. */
segtex_anchor segtex_anchor_default(int category);

#define SEGTEX_BLUR_RADIUS_MAX 64
/* Pictures larger than this on a side are reduced once, when loaded. */
#define SEGTEX_PICTURE_MAX_SIDE 4096

/* How one category is painted. */
typedef struct segtex_paint {
    int enabled;         /* 0: not painted (the frame, or black in mask mode, shows) */
    int texture;         /* -1: solid `color`; else a texture index of the set */
    uint8_t color[3];    /* solid colour; for built-in textures, the pattern's ink; TINT: the target colour */
    uint8_t color2[3];   /* built-in textures: the pattern's paper; unused otherwise */
    float scale;         /* texture scale, SEGTEX_TEXTURE_SCALE_MIN..MAX */
    float opacity;       /* 0..1, used by the overlay mode */
    int offset_x, offset_y; /* texture origin in output pixels (any value, tiles wrap) */
    segtex_paint_kind kind;
    float strength;      /* TINT: 0..1, the share of the colour's chroma given to the frame (1: all of it) */
    int radius;          /* BLUR: 1..SEGTEX_BLUR_RADIUS_MAX output pixels */
    int picture;         /* IMAGE: a picture index of the set (segtex_texture_set_add_picture) */
    segtex_anchor anchor;
} segtex_paint;

/*
 * The text form of one paint, as `--paint CAT=SPEC`, the config file's
 * `paint` key and the GStreamer element's `paint` property write it (the
 * SPEC; categories and lists are the callers'). One of, tried in this order:
 *   tint=#rrggbb[:S]  TINT toward the colour; S 0..1 (default 1), digits
 *                     with at most one '.', 1..16 characters ("0.5", ".5", "1")
 *   blur=R            BLUR; R an integer 1..SEGTEX_BLUR_RADIUS_MAX of 1..3
 *                     digits ("12", "007")
 *   image=FILE        IMAGE of the PNG or JPEG picture FILE
 *   none              not painted
 *   #rrggbb           a solid colour, 6 hex digits of either case
 *   FILE              a texture file: any text with a '/' or ending in .png,
 *                     .jpg or .jpeg (of any case)
 *   NAME              a texture name: 1..SEGTEX_PAINT_SPEC_MAX_NAME of
 *                     A-Z a-z 0-9 - _ .
 * A FILE is 1..SEGTEX_PAINT_SPEC_MAX_PATH bytes with no control character
 * (below 0x20, or 0x7f). Nothing else is accepted: no blanks, signs or
 * exponents, nothing after the value.
 */
#define SEGTEX_PAINT_SPEC_MAX_NAME 63  /* characters of a texture name */
#define SEGTEX_PAINT_SPEC_MAX_PATH 255 /* bytes of a file name (image=FILE, a texture file) */

/*
 * What a paint's text says. The renderer's kind (segtex_paint_kind) follows
 * from it: NONE, COLOR and TEXTURE are FILL paints (NONE disabled).
 */
typedef enum segtex_paint_spec_kind {
    SEGTEX_PAINT_SPEC_NONE = 0,
    SEGTEX_PAINT_SPEC_COLOR = 1,
    SEGTEX_PAINT_SPEC_TEXTURE = 2, /* `name` is a texture name, or a file when `is_file` */
    SEGTEX_PAINT_SPEC_TINT = 3,
    SEGTEX_PAINT_SPEC_BLUR = 4,
    SEGTEX_PAINT_SPEC_IMAGE = 5, /* `name` is the picture's file */
    SEGTEX_PAINT_SPEC_KIND_COUNT = 6,
} segtex_paint_spec_kind;

/* One parsed SPEC. Plain data: copy it freely. Fields a kind does not use are 0 ("" for name). */
typedef struct segtex_paint_spec {
    segtex_paint_spec_kind kind;
    uint8_t rgb[3]; /* COLOR: the colour; TINT: the target colour */
    float strength; /* TINT: 0..1 */
    int radius;     /* BLUR: 1..SEGTEX_BLUR_RADIUS_MAX */
    int is_file;    /* TEXTURE: 1 when `name` is a file to load, 0 when it names a texture of the set */
    char name[SEGTEX_PAINT_SPEC_MAX_PATH + 1]; /* TEXTURE, IMAGE: NUL-terminated */
} segtex_paint_spec;

/*
 * Parse one SPEC: the `length` bytes at `text` (NUL-terminated or not; a
 * NUL inside is a bad character; NULL with length 0 is the empty text).
 * Reads no byte outside them, resolves nothing (texture names, files and
 * pictures are the caller's to look up or load), allocates nothing, logs
 * nothing; any thread.
 *
 * Returns SEGTEX_OK with *out set; SEGTEX_ERROR_MALFORMED when the text is
 * not a SPEC, with one sentence in `why` (NUL-terminated, cut to
 * `why_size`; NULL or 0: none) that quotes the SPEC (its first 80 bytes,
 * other than printable ASCII shown as '?') and names the bad part, e.g.
 * "'blur=65' is not blur=R with R an integer from 1 to 64 (65 is above 64)";
 * SEGTEX_ERROR_INVALID_ARGUMENT when `out` is NULL. On failure *out is
 * untouched.
 */
segtex_status segtex_paint_spec_parse(const char *text, size_t length, segtex_paint_spec *out, char *why,
                                      size_t why_size);

/*
 * Make `paint` what `spec` says, given the texture index the caller found or
 * loaded for a TEXTURE spec and the picture index for an IMAGE one (each
 * ignored otherwise): enabled unless NONE; kind FILL for NONE, COLOR and
 * TEXTURE (COLOR: texture -1 and `color`; TEXTURE: `texture`), TINT with
 * `color` and `strength`, BLUR with `radius`, IMAGE with `picture`. Every
 * other field (scale, opacity, offset, anchor, the colours a TEXTURE keeps)
 * stays. Checks nothing: set the result with segtex_texture_set_set_paint,
 * which does.
 */
void segtex_paint_spec_apply(const segtex_paint_spec *spec, int texture, int picture, segtex_paint *paint);

/*
 * Create a set with the built-in textures, plus every *.png, *.jpg and
 * *.jpeg file of `dir` (NULL: built-ins only) in name order. A file that
 * cannot be read or decoded is skipped with a warning naming it; an empty
 * directory is fine. A directory that cannot be opened is an error
 * (SEGTEX_ERROR_IO). Every category starts with the default paint of
 * segtex_paint_default(). On failure *out is NULL.
 */
segtex_status segtex_texture_set_create(const char *dir, segtex_texture_set **out);

/* Free the set and every buffer it owns. NULL is fine. No renderer may still use it. */
void segtex_texture_set_destroy(segtex_texture_set *set);

/*
 * A default paint for `category`: enabled, FILL with a distinct solid
 * colour, scale 1, opacity 0.6, no offset, strength 1, radius 12, picture
 * -1, the category's default anchor.
 */
segtex_paint segtex_paint_default(int category);

/* Number of textures (built-ins first, then loaded files). */
int segtex_texture_set_count(const segtex_texture_set *set);
/* Texture name ("checker", or the file name without extension); NULL when out of range. Owned by the set. */
const char *segtex_texture_set_name(const segtex_texture_set *set, int texture);
/* Index of the texture called `name`, or -1. */
int segtex_texture_set_find(const segtex_texture_set *set, const char *name);

/*
 * Load one more texture from a file (PNG or JPEG, with or without alpha).
 * On success *index (optional) is its index. On failure logs a warning
 * naming the file and returns the error; the set is unchanged.
 */
segtex_status segtex_texture_set_add_file(segtex_texture_set *set, const char *path, int *index);

/*
 * Load a picture for IMAGE paints from a PNG or JPEG file (alpha is
 * dropped; a side over SEGTEX_PICTURE_MAX_SIDE is reduced once, here). On
 * success *index (optional) is its index, counted from 0 apart from the
 * textures. On failure logs one line naming the file and returns the error;
 * the set is unchanged. Allocates.
 */
segtex_status segtex_texture_set_add_picture(segtex_texture_set *set, const char *path, int *index);
/* Number of pictures loaded. */
int segtex_texture_set_picture_count(const segtex_texture_set *set);

/*
 * The output size IMAGE paints cover (renderers set it when configured;
 * before that a picture is used at its own size). Re-scales the pictures of
 * IMAGE paints (allocates); on failure (logged) those categories fall back
 * to their solid colour.
 */
segtex_status segtex_texture_set_set_frame_size(segtex_texture_set *set, int width, int height);

/*
 * Set the paint of `category`. Re-scales the texture into the category's
 * buffer only when texture, scale or colours changed; the buffer is reused
 * when it is large enough, else replaced (so memory stays bounded by the
 * largest scaled texture per category). SEGTEX_ERROR_INVALID_ARGUMENT (logged)
 * for a bad category, texture index, scale or opacity: the old paint stays.
 */
segtex_status segtex_texture_set_set_paint(segtex_texture_set *set, int category, const segtex_paint *paint);
/*
 * The same checks as set_paint without changing anything: 0, or -1 after one
 * line in the log naming the category and the bad value.
 */
int segtex_texture_set_check_paint(const segtex_texture_set *set, int category, const segtex_paint *paint);
segtex_paint segtex_texture_set_get_paint(const segtex_texture_set *set, int category);

/*
 * Pick paints for every FILL category from `seed`, in a design space meant
 * to look good: colours of one lightness and chroma with hues spaced by the
 * golden angle (OKLCH), patterns' paper the same hue darker; textures a
 * permutation of the set's, so no two categories share one (a category is
 * a colour instead one time in five); scales 0.75..1.5 (smaller when a tile
 * would exceed 128K pixels); offsets. TINT, BLUR and IMAGE paints,
 * `enabled`, `opacity` and `anchor` are kept. Deterministic: the same seed on
 * sets with the same textures gives the same paints and the same pixels.
 * Can allocate (see set_paint).
 */
segtex_status segtex_texture_set_randomize(segtex_texture_set *set, uint64_t seed);

/* Bytes of texture memory the set holds (sources and scaled buffers). */
size_t segtex_texture_set_memory_bytes(const segtex_texture_set *set);

/* ------------------------------------------------------------------ */
/* Renderer                                                            */
/* ------------------------------------------------------------------ */

typedef enum segtex_render_mode {
    /* The painted categories only, on black: out = sum_c p_c * (tex_c * a_c). */
    SEGTEX_RENDER_MASK = 0,
    /* Painted categories blended over the frame with alpha = texture alpha x opacity. */
    SEGTEX_RENDER_OVERLAY = 1,
    /* The frame as filmed; painted categories replace it (alpha = texture alpha, opacity ignored). */
    SEGTEX_RENDER_CUTOUT = 2,
    SEGTEX_RENDER_MODE_COUNT = 3,
} segtex_render_mode;

/* "mask", "overlay", "cutout"; NULL out of range. */
const char *segtex_render_mode_name(segtex_render_mode mode);
/* Mode of a name above, or -1. */
int segtex_render_mode_parse(const char *name);

/*
 * The categories a mode paints by default: mask every one; overlay the
 * person (1..5); cutout the background (the frame as filmed, the background
 * replaced).
 */
int segtex_render_mode_paints(segtex_render_mode mode, int category);
/*
 * Every category back to segtex_paint_default(), enabled as the mode paints
 * by default; in cutout mode the background gets the 'bricks' texture.
 * Can allocate (see set_paint).
 */
segtex_status segtex_texture_set_reset_paints(segtex_texture_set *set, segtex_render_mode mode);

typedef struct segtex_landmark_style {
    int dots;                /* draw anti-aliased dots at the points */
    float dot_radius;        /* in output pixels, 0.5..32 */
    uint8_t dot_color[3];
    int contours;            /* face oval, eyes, brows, lips, irises */
    float line_width;        /* in output pixels, 0.5..32 */
    uint8_t line_color[3];
    int box;                 /* the face box, when the landmarks have one */
    uint8_t box_color[3];
    int skeleton;            /* the pose's and hands' connections and joints (MediaPipe's), anti-aliased */
    float skeleton_width;    /* in output pixels, 0.5..32, or 0 (default): min(width, height) / 240 clamped
                                to 1.5..12, set at configure; joints are drawn 1.5x as wide */
    uint8_t skeleton_color[3]; /* the connections; joints: orange on the subject's left, cyan on the right */
} segtex_landmark_style;

/*
 * Dots on (radius 1.5, green), contours and box off (white, 1.5 px wide;
 * box yellow), skeleton off (white, width from the output size).
 */
segtex_landmark_style segtex_landmark_style_default(void);

/*
 * How category borders are upsampled from model resolution. BILINEAR (the
 * default): the weights of the four nearest model pixels by distance.
 * GUIDED: joint bilateral upsampling on the frame's luma: each of the four
 * weights is also scaled by how close the output pixel's luma is to the
 * model pixel's, so a border moves (within its model pixel) onto the edge
 * of the picture, a hair strand or a collar. Border pixels only; it needs
 * the frame (in mask mode too: without one it is BILINEAR).
 */
typedef enum segtex_edges {
    SEGTEX_EDGES_BILINEAR = 0,
    SEGTEX_EDGES_GUIDED = 1,
    SEGTEX_EDGES_COUNT = 2,
} segtex_edges;

typedef struct segtex_render_config {
    segtex_render_mode mode;
    int width, height;             /* output (and frame) size */
    int model_width, model_height; /* segmentation size */
    segtex_landmark_style landmarks;
} segtex_render_config;

typedef struct segtex_renderer segtex_renderer;

/*
 * Create a renderer that paints with `set` (borrowed: it must outlive the
 * renderer; its paints may change between frames). Configure before
 * rendering. On failure *out is NULL.
 */
segtex_status segtex_renderer_create(segtex_texture_set *set, segtex_renderer **out);

/* Free the renderer. NULL and a never-configured renderer are fine. */
void segtex_renderer_destroy(segtex_renderer *renderer);

/*
 * Set the mode, sizes and landmark style, allocating the per-row and
 * per-column interpolation tables and the model-resolution scratch (sizes:
 * 1..16384 output, 1..4096 model). On failure (logged) the previous
 * configuration stays.
 */
segtex_status segtex_renderer_configure(segtex_renderer *renderer, const segtex_render_config *config);

/*
 * How borders are upsampled (segtex_edges; BILINEAR until set). Kept across
 * configures; when the renderer is configured it is re-configured now (may
 * allocate the model-resolution guide). SEGTEX_ERROR_INVALID_ARGUMENT for
 * a value out of range; on failure the previous setting stays.
 */
segtex_status segtex_renderer_set_edges(segtex_renderer *renderer, segtex_edges edges);

/*
 * The canonical face mesh (segtex_face_geometry_mesh) that MESH anchors
 * wrap textures with; NULL removes it (MESH is drawn as FACE). The renderer
 * copies what it needs: the geometry may be destroyed afterwards. Allocates
 * a rasterizer per face (SEGTEX_MAX_FACES, about 180 KB each) and, once
 * configured, 16 bytes of UV map per output pixel (14.7 MB at 1280x720, of
 * which only the rows and columns of faces are ever touched). Configure
 * time; kept across configures. SEGTEX_ERROR_INVALID_ARGUMENT (logged) for
 * a mesh that is not MediaPipe's 468 vertices; on failure the previous
 * mesh stays.
 *
 * The texture on the mesh: its point (in tile pixels) is the face anchor's
 * scale (the outer eye corners 96 tile pixels apart at scale 1) times the
 * mesh's (u, v) from the nose tip, plus the paint's offset; blended with
 * the mesh's coverage over the FACE transform, so the oval has no seam.
 * Every face of the frame gets its own mesh.
 */
segtex_status segtex_renderer_set_face_mesh(segtex_renderer *renderer, const segtex_face_mesh *mesh);

/*
 * Render one frame in one pass over the output: bilinear upsampling of the
 * probabilities, painting, landmarks. `frame` (RGB24, any stride, the
 * configured size) is required in overlay and cutout modes and ignored in
 * mask mode. `out` (RGB24, any stride, the configured size) may be `frame`
 * itself. `seg` must have the configured model size (see segtex_seg_result
 * for how its values are read; NULL: all background). `people` (may be
 * NULL) are drawn with the configured landmark style (nothing when it draws
 * nothing); a face whose detection box is all zero has no box. `pool` may be NULL. Output is identical for any
 * number of threads. Never allocates.
 * Returns SEGTEX_ERROR_INVALID_ARGUMENT when a view or size does not match
 * the configuration (nothing is written then).
 */
segtex_status segtex_renderer_render(segtex_renderer *renderer, const segtex_image *frame,
                                     const segtex_seg_result *seg, const segtex_people *people,
                                     segtex_image *out, segtex_threadpool *pool);

#ifdef __cplusplus
}
#endif
#endif
