/*
 * Bounds-checked reading of FlatBuffers (the wire format of .tflite files).
 *
 * Every accessor checks the offsets, vtable and lengths it follows against
 * the buffer size before reading. On a violation it logs
 * "model '<name>': <what>: <problem>" and returns -1; `what` is the
 * caller's description of the field ("operator 12 inputs").
 *
 * Format facts: the root table's offset is the first uint32; a table
 * starts with an int32 soffset back to its vtable; a vtable is uint16
 * vtable_size, uint16 table_size, then one uint16 offset per field (0 =
 * absent); offsets to tables, vectors and strings are uint32 relative to
 * where they are stored; a vector is a uint32 length followed by elements;
 * a string is a byte vector followed by a NUL. All little-endian.
 */
#ifndef SEGTEX_NN_FLATBUF_H
#define SEGTEX_NN_FLATBUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct fb_buf {
    const uint8_t *data;
    size_t size;
    const char *name; /* for messages */
} fb_buf;

typedef struct fb_table {
    uint32_t pos;     /* table start */
    uint32_t vtable;  /* vtable start */
    uint16_t vt_size; /* bytes of the vtable */
    uint16_t size;    /* bytes of the table's inline data */
} fb_table;

typedef struct fb_vec {
    uint32_t pos; /* first element */
    uint32_t len; /* number of elements */
} fb_vec;

int fb_root(const fb_buf *b, fb_table *root);

/* Field `id` present? */
int fb_has(const fb_table *t, const fb_buf *b, int id);

/* Scalar fields: `def` when absent; -1 on a bounds violation. */
int fb_u8(const fb_buf *b, const fb_table *t, int id, uint8_t def, uint8_t *out, const char *what);
int fb_i32(const fb_buf *b, const fb_table *t, int id, int32_t def, int32_t *out, const char *what);
int fb_u32(const fb_buf *b, const fb_table *t, int id, uint32_t def, uint32_t *out, const char *what);
int fb_f32(const fb_buf *b, const fb_table *t, int id, float def, float *out, const char *what);
int fb_u64(const fb_buf *b, const fb_table *t, int id, uint64_t def, uint64_t *out, const char *what);

/* Sub-table. Returns 0 and sets *present = 0 when absent. */
int fb_subtable(const fb_buf *b, const fb_table *t, int id, fb_table *out, int *present, const char *what);

/* Vector with elements of `elem_size` bytes; an absent field is an empty vector. */
int fb_vector(const fb_buf *b, const fb_table *t, int id, uint32_t elem_size, fb_vec *out, const char *what);

/* Table element `i` of a vector of tables. */
int fb_vector_table(const fb_buf *b, const fb_vec *v, uint32_t i, fb_table *out, const char *what);

/* String field: *out points into the buffer (NUL-terminated, checked); "" when absent. */
int fb_string(const fb_buf *b, const fb_table *t, int id, const char **out, uint32_t *len, const char *what);

/* Raw little-endian reads at a position already checked by the caller. */
static inline uint16_t fb_rd16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t fb_rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint64_t fb_rd64(const uint8_t *p) { return fb_rd32(p) | ((uint64_t)fb_rd32(p + 4) << 32); }

/* Element i of a vector of int32 (bounds already checked by fb_vector). */
static inline int32_t fb_vec_i32(const fb_buf *b, const fb_vec *v, uint32_t i)
{
    return (int32_t)fb_rd32(b->data + v->pos + 4 * (size_t)i);
}
#endif
