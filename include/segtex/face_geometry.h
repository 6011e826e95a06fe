/*
 * segtex face geometry: MediaPipe's canonical face mesh, read from
 * geometry_pipeline_metadata_landmarks.binarypb (fetched with the models).
 *
 * The file is a protocol buffer `GeometryPipelineMetadata` (MediaPipe's
 * mediapipe/modules/face_geometry/protos/): the canonical `Mesh3d` — 468
 * vertices of x, y, z, u, v (VERTEX_PT; positions in centimetres, y up, z
 * towards the viewer) and a triangle index buffer — and the landmark weights
 * MediaPipe's Procrustes solver uses. Vertex i is face landmark i, so the
 * mesh's triangles can be laid over the 478 tracked landmarks of a frame and
 * its texture coordinates carried along (see src/render/face_uv.h).
 *
 * The reader is a bounds-checked protobuf wire-format reader written for this
 * one message: every length and varint is checked before it is read, known
 * fields must have their declared wire type (a repeated scalar may come
 * packed or not, and repeated fields met twice are concatenated, as protobuf
 * merges them), unknown fields are skipped. What it rejects, with one error
 * line naming the file and the problem (SEGTEX_ERROR_MALFORMED unless said):
 *   - a varint running past the end or longer than 10 bytes, a tag with field
 *     number 0, the group wire types 3 and 4 and the undefined 6 and 7,
 *   - a length-delimited field or a fixed32/fixed64 running past the end of
 *     the buffer (or of the enclosing message),
 *   - a known field with another wire type than its declared one,
 *   - a packed float buffer whose length is not a multiple of 4,
 *   - no canonical mesh, a vertex buffer whose length is not a multiple of 5,
 *     a vertex count other than 468 (SEGTEX_FACE_GEOMETRY_VERTICES), a
 *     non-finite vertex value,
 *   - an index count that is not a multiple of 3, an index >= the vertex
 *     count, more than SEGTEX_FACE_GEOMETRY_MAX_TRIANGLES triangles,
 *   - a Procrustes landmark id >= 468, more than 468 weights, a negative or
 *     non-finite weight,
 *   - a file or buffer larger than SEGTEX_FACE_GEOMETRY_MAX_BYTES,
 *   - a vertex type other than VERTEX_PT or a primitive type other than
 *     TRIANGLE (SEGTEX_ERROR_UNSUPPORTED).
 *
 * Thread safety: a created geometry is immutable; any number of threads may
 * read it (and the pointers in its segtex_face_mesh) until it is destroyed.
 */
#ifndef SEGTEX_FACE_GEOMETRY_H
#define SEGTEX_FACE_GEOMETRY_H

#include "segtex/core.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The file's name in the models folder (scripts/fetch-assets.sh fetches and pins it). */
#define SEGTEX_FACE_GEOMETRY_FILE "geometry_pipeline_metadata_landmarks.binarypb"
/* Vertices of the canonical mesh: the face landmarks without the irises. */
#define SEGTEX_FACE_GEOMETRY_VERTICES 468
/* Limits beyond which a file is absurd (MediaPipe's has 898 triangles in 19376 bytes). */
#define SEGTEX_FACE_GEOMETRY_MAX_TRIANGLES 4096
#define SEGTEX_FACE_GEOMETRY_MAX_BYTES (1 << 20)

/* MediaPipe's InputSource values (the file's `input_source`). */
enum {
    SEGTEX_FACE_GEOMETRY_SOURCE_DEFAULT = 0,
    SEGTEX_FACE_GEOMETRY_SOURCE_FACE_LANDMARK_PIPELINE = 1,
    SEGTEX_FACE_GEOMETRY_SOURCE_FACE_DETECTION_PIPELINE = 2,
};

/*
 * The mesh as plain arrays, owned by the geometry (valid until it is
 * destroyed). Texture coordinates are as stored in the file, in [0, 1]:
 * u grows to the subject's left (image right for an unmirrored face), v
 * grows downwards (forehead landmark 10: v 0.107, chin 152: v 0.954), so
 * texel (u * width, v * height) of an image stored top row first is the
 * point of the texture that lands on the face. Positions have y up; the
 * triangles wind counter-clockwise seen from the front (OpenGL's front
 * faces), so laid on an unmirrored face in image coordinates (y down) their
 * shoelace area is negative. src/render/face_uv.c derives the facing from
 * the mesh itself rather than from this remark.
 */
typedef struct segtex_face_mesh {
    int vertex_count;               /* SEGTEX_FACE_GEOMETRY_VERTICES */
    const float (*xyz)[3];          /* canonical positions, centimetres */
    const float (*uv)[2];           /* texture coordinates */
    int triangle_count;             /* 1..SEGTEX_FACE_GEOMETRY_MAX_TRIANGLES */
    const uint16_t (*triangles)[3]; /* vertex indices, each < vertex_count */
    int basis_count;                /* Procrustes landmark basis (0..468 entries) */
    const uint16_t *basis_landmark; /* landmark ids, each < vertex_count */
    const float *basis_weight;      /* their weights, >= 0 */
    int input_source;               /* SEGTEX_FACE_GEOMETRY_SOURCE_*, or another value as read */
} segtex_face_mesh;

typedef struct segtex_face_geometry segtex_face_geometry;

/*
 * Read the file at `path` (normally <models>/SEGTEX_FACE_GEOMETRY_FILE).
 * Allocates the geometry (about 60 KB). On failure logs one line naming the
 * file and the problem, sets *out to NULL and returns SEGTEX_ERROR_IO (cannot
 * open or read), SEGTEX_ERROR_MALFORMED or SEGTEX_ERROR_UNSUPPORTED (rules
 * above), SEGTEX_ERROR_OUT_OF_MEMORY or SEGTEX_ERROR_INVALID_ARGUMENT (NULL
 * path or out).
 */
segtex_status segtex_face_geometry_create(const char *path, segtex_face_geometry **out);

/*
 * The same from `size` bytes at `data` (not kept: the geometry copies what it
 * needs). `name` names the source in log lines (NULL: "buffer").
 */
segtex_status segtex_face_geometry_create_from_memory(const uint8_t *data, size_t size, const char *name,
                                                      segtex_face_geometry **out);

/* Free the geometry. NULL is fine. Pointers from segtex_face_geometry_mesh die with it. */
void segtex_face_geometry_destroy(segtex_face_geometry *geometry);

/* The mesh of a created geometry (never NULL for a non-NULL geometry). Allocates nothing. */
const segtex_face_mesh *segtex_face_geometry_mesh(const segtex_face_geometry *geometry);

#ifdef __cplusplus
}
#endif
#endif
