/*
 * Bounds-checked reading of FlexBuffers (TFLite custom-op options), limited
 * to what MediaPipe's custom ops use: a root map whose values are ints,
 * floats, bools or typed/untyped vectors of numbers.
 *
 * Format facts: the last byte is the root's byte width, the byte before it
 * the root's packed type (type << 2 | log2 of the child width); offsets are
 * unsigned and point backwards from where they are stored. A map at p with
 * element width W has, before p: keys-vector offset, keys width, length
 * (each W bytes); at p: `length` values of W bytes, then `length` packed
 * type bytes. A key is a NUL-terminated string.
 */
#ifndef SEGTEX_NN_FLEXBUF_H
#define SEGTEX_NN_FLEXBUF_H

#include <stddef.h>
#include <stdint.h>

enum fxb_type {
    FXB_NULL = 0, FXB_INT = 1, FXB_UINT = 2, FXB_FLOAT = 3, FXB_KEY = 4, FXB_STRING = 5,
    FXB_INDIRECT_INT = 6, FXB_INDIRECT_UINT = 7, FXB_INDIRECT_FLOAT = 8, FXB_MAP = 9,
    FXB_VECTOR = 10, FXB_VECTOR_INT = 11, FXB_VECTOR_UINT = 12, FXB_VECTOR_FLOAT = 13,
    FXB_BOOL = 26, FXB_VECTOR_BOOL = 36,
};

typedef struct fxb_ref {
    const uint8_t *buf;
    size_t size;
    size_t pos;    /* where the value (or the offset to it) is stored */
    int width;     /* byte width of the stored value/offset: 1, 2, 4, 8 */
    int type;      /* enum fxb_type */
    int child_width; /* for offset types: width of the target's elements */
} fxb_ref;

/* Root value (must be a map for lookups). Returns 0, or -1 with *err set to a static reason. */
int fxb_root(const uint8_t *buf, size_t size, fxb_ref *root, const char **err);

/* Map lookup: 1 found, 0 absent, -1 malformed (*err set). */
int fxb_map_get(const fxb_ref *map, const char *key, fxb_ref *out, const char **err);

/* Numbers: ints, uints, bools and floats convert; -1 when the value is not a number or out of bounds. */
int fxb_as_int(const fxb_ref *v, int64_t *out, const char **err);
int fxb_as_float(const fxb_ref *v, double *out, const char **err);

/* Vectors of numbers (typed or untyped): length, and element i as int. */
int fxb_vector_len(const fxb_ref *v, uint32_t *len, const char **err);
int fxb_vector_int(const fxb_ref *v, uint32_t i, int64_t *out, const char **err);
#endif
