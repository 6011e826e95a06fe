#include "nn/flatbuf.h"
#include "core/log.h"

#include <stdio.h>
#include <string.h>

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        if (segtex_log_enabled(SEGTEX_LOG_ERROR)) {                                                \
            char msg_[512];                                                                        \
            snprintf(msg_, sizeof msg_, __VA_ARGS__);                                              \
            LOG_ERROR("model '%s': %s: %s", b->name, what, msg_);                                  \
        }                                                                                          \
        return -1;                                                                                 \
    } while (0)


/* Is [pos, pos+len) inside the buffer? Written to avoid overflow. */
static int in_range(const fb_buf *b, uint64_t pos, uint64_t len)
{
    return pos <= b->size && len <= b->size - pos;
}

static int table_at(const fb_buf *b, uint64_t pos, fb_table *t, const char *what)
{
    if (!in_range(b, pos, 4))
        FAIL("table offset %llu is outside the file (%zu bytes)", (unsigned long long)pos, b->size);
    int64_t vt = (int64_t)pos - (int32_t)fb_rd32(b->data + pos);
    if (vt < 0 || !in_range(b, (uint64_t)vt, 4))
        FAIL("vtable offset %lld is outside the file", (long long)vt);
    uint16_t vt_size = fb_rd16(b->data + vt);
    uint16_t size = fb_rd16(b->data + vt + 2);
    if (vt_size < 4 || (vt_size & 1) || !in_range(b, (uint64_t)vt, vt_size))
        FAIL("vtable at %lld has bad size %u", (long long)vt, vt_size);
    if (size < 4 || !in_range(b, pos, size))
        FAIL("table at %llu has bad size %u", (unsigned long long)pos, size);
    t->pos = (uint32_t)pos;
    t->vtable = (uint32_t)vt;
    t->vt_size = vt_size;
    t->size = size;
    return 0;
}

int fb_root(const fb_buf *b, fb_table *root)
{
    const char *what = "root";
    if (b->size < 8)
        FAIL("file is %zu bytes, too small for a FlatBuffer", b->size);
    return table_at(b, fb_rd32(b->data), root, what);
}

/* Offset of field `id` inside the table, or 0 when absent. */
static uint16_t field_off(const fb_buf *b, const fb_table *t, int id)
{
    uint32_t slot = 4 + 2 * (uint32_t)id;
    if (slot + 2 > t->vt_size)
        return 0;
    return fb_rd16(b->data + t->vtable + slot);
}

int fb_has(const fb_table *t, const fb_buf *b, int id) { return field_off(b, t, id) != 0; }

/* Position of a field of `width` bytes, 0 when absent, -1 when out of its table. */
static int64_t field_pos(const fb_buf *b, const fb_table *t, int id, uint32_t width, const char *what)
{
    uint16_t off = field_off(b, t, id);
    if (!off)
        return 0;
    if ((uint32_t)off + width > t->size)
        FAIL("field %d (offset %u, %u bytes) runs past its table (%u bytes)", id, off, width, t->size);
    return (int64_t)t->pos + off;
}

#define SCALAR(fn, type, width, read)                                                              \
    int fn(const fb_buf *b, const fb_table *t, int id, type def, type *out, const char *what)     \
    {                                                                                              \
        int64_t p = field_pos(b, t, id, width, what);                                              \
        if (p < 0)                                                                                 \
            return -1;                                                                             \
        if (p == 0) {                                                                              \
            *out = def;                                                                            \
            return 0;                                                                              \
        }                                                                                          \
        read;                                                                                      \
        return 0;                                                                                  \
    }

SCALAR(fb_u8, uint8_t, 1, *out = b->data[p])
SCALAR(fb_i32, int32_t, 4, *out = (int32_t)fb_rd32(b->data + p))
SCALAR(fb_u32, uint32_t, 4, *out = fb_rd32(b->data + p))
SCALAR(fb_u64, uint64_t, 8, *out = fb_rd64(b->data + p))
SCALAR(fb_f32, float, 4, {
    uint32_t u = fb_rd32(b->data + p);
    memcpy(out, &u, 4);
})

/* Follow the uoffset stored in field `id`; 0 when absent. */
static int64_t deref(const fb_buf *b, const fb_table *t, int id, const char *what)
{
    int64_t p = field_pos(b, t, id, 4, what);
    if (p <= 0)
        return p;
    uint64_t target = (uint64_t)p + fb_rd32(b->data + p);
    if (target >= b->size)
        FAIL("offset %llu is outside the file (%zu bytes)", (unsigned long long)target, b->size);
    return (int64_t)target;
}

int fb_subtable(const fb_buf *b, const fb_table *t, int id, fb_table *out, int *present, const char *what)
{
    *present = 0;
    int64_t p = deref(b, t, id, what);
    if (p <= 0)
        return (int)p;
    if (table_at(b, (uint64_t)p, out, what))
        return -1;
    *present = 1;
    return 0;
}

static int vector_at(const fb_buf *b, uint64_t p, uint32_t elem_size, fb_vec *out, const char *what)
{
    if (!in_range(b, p, 4))
        FAIL("vector offset %llu is outside the file", (unsigned long long)p);
    uint32_t len = fb_rd32(b->data + p);
    if (!in_range(b, p + 4, (uint64_t)len * elem_size))
        FAIL("vector of %u elements of %u bytes at %llu runs past the end of the file (%zu bytes)",
             len, elem_size, (unsigned long long)p, b->size);
    out->pos = (uint32_t)(p + 4);
    out->len = len;
    return 0;
}

int fb_vector(const fb_buf *b, const fb_table *t, int id, uint32_t elem_size, fb_vec *out, const char *what)
{
    out->pos = 0;
    out->len = 0;
    int64_t p = deref(b, t, id, what);
    if (p <= 0)
        return (int)p;
    return vector_at(b, (uint64_t)p, elem_size, out, what);
}

int fb_vector_table(const fb_buf *b, const fb_vec *v, uint32_t i, fb_table *out, const char *what)
{
    if (i >= v->len)
        FAIL("element %u of a vector of %u", i, v->len);
    uint64_t slot = v->pos + 4 * (uint64_t)i;
    return table_at(b, slot + fb_rd32(b->data + slot), out, what);
}

int fb_string(const fb_buf *b, const fb_table *t, int id, const char **out, uint32_t *len, const char *what)
{
    *out = "";
    *len = 0;
    fb_vec v;
    if (fb_vector(b, t, id, 1, &v, what))
        return -1;
    if (v.pos == 0)
        return 0;
    if (!in_range(b, v.pos, (uint64_t)v.len + 1) || b->data[v.pos + v.len] != 0)
        FAIL("string of %u bytes is not NUL-terminated inside the file", v.len);
    if (memchr(b->data + v.pos, 0, v.len))
        FAIL("string of %u bytes contains a NUL byte", v.len);
    *out = (const char *)b->data + v.pos;
    *len = v.len;
    return 0;
}
