#include "nn/flexbuf.h"

#include <string.h>

static int in_range(size_t size, uint64_t pos, uint64_t len) { return pos <= size && len <= size - pos; }

static uint64_t rd_uint(const uint8_t *p, int w)
{
    uint64_t v = 0;
    for (int i = w - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static int64_t rd_int(const uint8_t *p, int w)
{
    uint64_t u = rd_uint(p, w);
    int shift = 64 - 8 * w;
    return (int64_t)(u << shift) >> shift;
}

static int valid_width(int w) { return w == 1 || w == 2 || w == 4 || w == 8; }

static int is_inline(int type)
{
    return type == FXB_NULL || type == FXB_INT || type == FXB_UINT || type == FXB_FLOAT ||
           type == FXB_BOOL;
}

/* Resolve an offset-typed value to the position of its target. */
static int target(const fxb_ref *v, uint64_t *out, const char **err)
{
    if (!in_range(v->size, v->pos, (uint64_t)v->width)) {
        *err = "value outside the options";
        return -1;
    }
    uint64_t off = rd_uint(v->buf + v->pos, v->width);
    if (off > v->pos) {
        *err = "offset points before the start of the options";
        return -1;
    }
    *out = v->pos - off;
    return 0;
}

int fxb_root(const uint8_t *buf, size_t size, fxb_ref *root, const char **err)
{
    if (size < 3) {
        *err = "options shorter than 3 bytes";
        return -1;
    }
    int w = buf[size - 1];
    uint8_t packed = buf[size - 2];
    if (!valid_width(w) || size < (size_t)w + 2) {
        *err = "bad root width";
        return -1;
    }
    root->buf = buf;
    root->size = size;
    root->pos = size - 2 - (size_t)w;
    root->width = w;
    root->type = packed >> 2;
    root->child_width = 1 << (packed & 3);
    return 0;
}

/* A vector-like object: first element position, element width, length. */
static int vec_header(const fxb_ref *v, uint64_t *first, int *w, uint32_t *len, const char **err)
{
    uint64_t t;
    if (target(v, &t, err))
        return -1;
    *w = v->child_width;
    if (t < (uint64_t)*w) {
        *err = "vector length outside the options";
        return -1;
    }
    uint64_t n = rd_uint(v->buf + t - *w, *w);
    if (n > v->size || !in_range(v->size, t, n * (uint64_t)*w)) {
        *err = "vector runs past the end of the options";
        return -1;
    }
    *first = t;
    *len = (uint32_t)n;
    return 0;
}

int fxb_map_get(const fxb_ref *map, const char *key, fxb_ref *out, const char **err)
{
    if (map->type != FXB_MAP) {
        *err = "options are not a map";
        return -1;
    }
    uint64_t vals;
    int w;
    uint32_t n;
    if (vec_header(map, &vals, &w, &n, err))
        return -1;
    /* types follow the values */
    if (!in_range(map->size, vals + (uint64_t)n * w, n) || vals < 3u * (uint64_t)w) {
        *err = "map types outside the options";
        return -1;
    }
    uint64_t kslot = vals - 3u * w;
    uint64_t koff = rd_uint(map->buf + kslot, w);
    int kw = (int)rd_uint(map->buf + vals - 2u * w, w);
    if (koff > kslot || !valid_width(kw)) {
        *err = "bad map keys";
        return -1;
    }
    uint64_t kv = kslot - koff;
    if (kv < (uint64_t)kw || rd_uint(map->buf + kv - kw, kw) != n || !in_range(map->size, kv, (uint64_t)n * kw)) {
        *err = "map keys do not match its values";
        return -1;
    }
    size_t keylen = strlen(key);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t ks = kv + (uint64_t)i * kw;
        uint64_t off = rd_uint(map->buf + ks, kw);
        if (off > ks) {
            *err = "map key outside the options";
            return -1;
        }
        uint64_t k = ks - off;
        if (!in_range(map->size, k, keylen + 1))
            continue; /* too short to be this key, and bounded: cannot match */
        if (memcmp(map->buf + k, key, keylen) || map->buf[k + keylen] != 0)
            continue;
        uint8_t packed = map->buf[vals + (uint64_t)n * w + i];
        out->buf = map->buf;
        out->size = map->size;
        out->pos = vals + (uint64_t)i * w;
        out->width = w;
        out->type = packed >> 2;
        out->child_width = 1 << (packed & 3);
        return 1;
    }
    return 0;
}

int fxb_as_int(const fxb_ref *v, int64_t *out, const char **err)
{
    const fxb_ref *r = v;
    fxb_ref ind;
    if (v->type == FXB_INDIRECT_INT || v->type == FXB_INDIRECT_UINT || v->type == FXB_INDIRECT_FLOAT) {
        uint64_t t;
        if (target(v, &t, err))
            return -1;
        ind = *v;
        ind.pos = t;
        ind.width = v->child_width;
        ind.type = v->type - FXB_INDIRECT_INT + FXB_INT;
        r = &ind;
    }
    if (!is_inline(r->type) || !in_range(r->size, r->pos, (uint64_t)r->width)) {
        *err = "value is not a number";
        return -1;
    }
    const uint8_t *p = r->buf + r->pos;
    switch (r->type) {
    case FXB_INT: *out = rd_int(p, r->width); return 0;
    case FXB_UINT:
    case FXB_BOOL: *out = (int64_t)rd_uint(p, r->width); return 0;
    case FXB_FLOAT: {
        double d;
        if (fxb_as_float(r, &d, err))
            return -1;
        if (!(d >= -9.0e18 && d <= 9.0e18)) { /* NaN and out-of-range casts are undefined */
            *err = "number out of range";
            return -1;
        }
        *out = (int64_t)d;
        return 0;
    }
    default: *err = "value is not a number"; return -1;
    }
}

int fxb_as_float(const fxb_ref *v, double *out, const char **err)
{
    if (v->type == FXB_FLOAT || v->type == FXB_INDIRECT_FLOAT) {
        uint64_t pos = v->pos;
        int w = v->width;
        if (v->type == FXB_INDIRECT_FLOAT) {
            if (target(v, &pos, err))
                return -1;
            w = v->child_width;
        }
        if (!in_range(v->size, pos, (uint64_t)w) || (w != 4 && w != 8)) {
            *err = "bad float value";
            return -1;
        }
        if (w == 4) {
            uint32_t u = (uint32_t)rd_uint(v->buf + pos, 4);
            float f;
            memcpy(&f, &u, 4);
            *out = f;
        } else {
            uint64_t u = rd_uint(v->buf + pos, 8);
            memcpy(out, &u, 8);
        }
        return 0;
    }
    int64_t i;
    if (fxb_as_int(v, &i, err))
        return -1;
    *out = (double)i;
    return 0;
}

int fxb_vector_len(const fxb_ref *v, uint32_t *len, const char **err)
{
    if (v->type != FXB_VECTOR && v->type != FXB_VECTOR_INT && v->type != FXB_VECTOR_UINT &&
        v->type != FXB_VECTOR_FLOAT && v->type != FXB_VECTOR_BOOL) {
        *err = "value is not a vector";
        return -1;
    }
    uint64_t first;
    int w;
    return vec_header(v, &first, &w, len, err);
}

int fxb_vector_int(const fxb_ref *v, uint32_t i, int64_t *out, const char **err)
{
    uint32_t n;
    uint64_t first;
    int w;
    if (fxb_vector_len(v, &n, err) || vec_header(v, &first, &w, &n, err))
        return -1;
    if (i >= n) {
        *err = "vector index out of range";
        return -1;
    }
    fxb_ref e = {v->buf, v->size, first + (uint64_t)i * w, w, FXB_INT, 1};
    switch (v->type) {
    case FXB_VECTOR_INT: e.type = FXB_INT; break;
    case FXB_VECTOR_UINT: e.type = FXB_UINT; break;
    case FXB_VECTOR_BOOL: e.type = FXB_BOOL; break;
    case FXB_VECTOR_FLOAT: e.type = FXB_FLOAT; break;
    default: {
        /* untyped vector: per-element packed types follow the elements */
        uint64_t tpos = first + (uint64_t)n * w + i;
        if (!in_range(v->size, tpos, 1)) {
            *err = "vector types outside the options";
            return -1;
        }
        uint8_t packed = v->buf[tpos];
        e.type = packed >> 2;
        e.child_width = 1 << (packed & 3);
    }
    }
    return fxb_as_int(&e, out, err);
}
