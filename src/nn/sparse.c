/*
 * Sparse constants (TFLite SparsityParameters), densified once at load.
 *
 * Schema facts (tensorflow/lite/schema/schema.fbs, field ids):
 *   Tensor: 6 sparsity (SparsityParameters)
 *   SparsityParameters: 0 traversal_order [int], 1 block_map [int], 2 dim_metadata [DimensionMetadata]
 *   DimensionMetadata: 0 format (DENSE 0, SPARSE_CSR 1), 1 dense_size, 2 array_segments_type,
 *                      3 array_segments, 4 array_indices_type, 5 array_indices
 *   SparseIndexVector union: 1 Int32Vector, 2 Uint16Vector, 3 Uint8Vector; each a table
 *                      whose field 0 is the `values` vector.
 *
 * Meaning: a tensor of rank n with k blocked dims is stored as n+k levels,
 * in traversal_order (the n original dims first, in any order, then the k
 * block dims; block_map[i] names the original dim that block dim n+i
 * splits, and that level's dense_size is the block size). A DENSE level of
 * size s multiplies every position of the level above by s; a SPARSE_CSR
 * level keeps, for the p-th position of the level above, the entries
 * array_segments[p] .. array_segments[p+1]-1, whose coordinates on this
 * level are array_indices[...]. The buffer holds one value per position of
 * the last level, in that order. Original coordinate of a blocked dim =
 * outer index * block size + block index.
 *
 * Every rule is checked before a value is read or written (one message per
 * rule, naming the model, tensor and level); block levels must be DENSE and
 * in order, as the TFLite converter writes them.
 */
#include "core/log.h"
#include "nn/flatbuf.h"
#include "nn/model.h"

#include <stdio.h>
#include <string.h>

#define MAX_LEVELS 8

typedef struct level {
    int format;     /* 0 dense, 1 sparse CSR */
    int size;       /* positions along this level */
    int dim;        /* traversal_order[level] */
    fb_vec seg, idx;
    int seg_es, idx_es; /* element sizes: 4, 2 or 1 */
} level;

typedef struct densifier {
    const fb_buf *b;
    level lv[MAX_LEVELS];
    int levels, rank;
    int shape[4], block[4]; /* block[d]: block size of original dim d (1 when not blocked) */
    int coord[MAX_LEVELS];
    const uint8_t *src;
    int esize;
    size_t next;  /* next stored value */
    float *dense;
    size_t count;
} densifier;

#define ERR(st, ...)                                                                               \
    do {                                                                                           \
        LOG_ERROR("model '%s': tensor %d '%s': sparsity: " __VA_ARGS__);                           \
        return st;                                                                                 \
    } while (0)

static uint32_t rd_elem(const fb_buf *b, const fb_vec *v, int es, uint32_t i)
{
    const uint8_t *p = b->data + v->pos + (size_t)i * (size_t)es;
    return es == 4 ? fb_rd32(p) : es == 2 ? fb_rd16(p) : p[0];
}

static float value_at(const densifier *d, size_t i)
{
    if (d->esize == 2)
        return nn_half_to_float(fb_rd16(d->src + 2 * i));
    uint32_t u = fb_rd32(d->src + 4 * i);
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* Walk level l below parent position p (p counts positions of the level above). */
static void populate(densifier *d, int l, size_t p)
{
    if (l == d->levels) {
        size_t flat = 0;
        int orig[4];
        for (int k = 0; k < d->rank; k++)
            orig[d->lv[k].dim] = d->coord[k];
        for (int k = d->rank; k < d->levels; k++) {
            int dim = d->lv[k].dim; /* the original dim this block level splits */
            orig[dim] = orig[dim] * d->block[dim] + d->coord[k];
        }
        for (int k = 0; k < d->rank; k++)
            flat = flat * (size_t)d->shape[k] + (size_t)orig[k];
        d->dense[flat] = value_at(d, d->next++); /* both bounds proven by the checks */
        return;
    }
    const level *v = &d->lv[l];
    if (v->format == 0) {
        for (int i = 0; i < v->size; i++) {
            d->coord[l] = i;
            populate(d, l + 1, p * (size_t)v->size + (size_t)i);
        }
    } else {
        uint32_t a = rd_elem(d->b, &v->seg, v->seg_es, (uint32_t)p),
                 e = rd_elem(d->b, &v->seg, v->seg_es, (uint32_t)p + 1);
        for (uint32_t i = a; i < e; i++) {
            d->coord[l] = (int)rd_elem(d->b, &v->idx, v->idx_es, i);
            populate(d, l + 1, i);
        }
    }
}

/* The SparseIndexVector of a level: union type field `tid`, table field `vid`. */
static segtex_status index_vector(const segtex_model *m, int tid, const fb_buf *b, const fb_table *dm, int tfield,
                                  int vfield, const char *role, int l, fb_vec *out, int *es)
{
    const char *name = m->tensors[tid].name;
    char what[96];
    snprintf(what, sizeof what, "tensor %d sparsity level %d %s", tid, l, role);
    uint8_t type;
    fb_table t;
    int present;
    if (fb_u8(b, dm, tfield, 0, &type, what) || fb_subtable(b, dm, vfield, &t, &present, what))
        return SEGTEX_ERROR_MALFORMED;
    if (type < 1 || type > 3 || !present)
        ERR(SEGTEX_ERROR_MALFORMED, "level %d is SPARSE_CSR but its %s vector has type %d (expected 1..3) or is absent",
            m->name, tid, name, l, role, type);
    *es = type == 1 ? 4 : type == 2 ? 2 : 1;
    return fb_vector(b, &t, 0, (uint32_t)*es, out, what) ? SEGTEX_ERROR_MALFORMED : SEGTEX_OK;
}

segtex_status nn_densify(const segtex_model *m, int tid, const fb_buf *b, const fb_table *sp, const uint8_t *src,
                         size_t src_bytes, float *dense)
{
    const nn_tensor *t = &m->tensors[tid];
    const char *name = t->name;
    densifier d = {.b = b, .rank = t->rank, .src = src, .dense = dense, .count = t->count};
    char what[64];
    snprintf(what, sizeof what, "tensor %d sparsity", tid);
    fb_vec trav, bmap, dims;
    if (fb_vector(b, sp, 0, 4, &trav, what) || fb_vector(b, sp, 1, 4, &bmap, what) ||
        fb_vector(b, sp, 2, 4, &dims, what))
        return SEGTEX_ERROR_MALFORMED;
    if (t->type != NN_TYPE_FLOAT32 && t->type != NN_TYPE_FLOAT16)
        ERR(SEGTEX_ERROR_UNSUPPORTED, "only FLOAT32 and FLOAT16 sparse tensors are supported", m->name, tid, name);
    if (t->rank < 1)
        ERR(SEGTEX_ERROR_MALFORMED, "a scalar cannot be sparse", m->name, tid, name);
    int n = t->rank;
    if (bmap.len > (uint32_t)n)
        ERR(SEGTEX_ERROR_MALFORMED, "block_map has %u entries, the tensor has %d dims", m->name, tid, name, bmap.len,
            n);
    int k = (int)bmap.len;
    d.levels = n + k;
    if (trav.len != (uint32_t)d.levels)
        ERR(SEGTEX_ERROR_MALFORMED, "traversal_order has %u entries, expected %d (dims + blocked dims)", m->name,
            tid, name, trav.len, d.levels);
    if (dims.len != (uint32_t)d.levels)
        ERR(SEGTEX_ERROR_MALFORMED, "dim_metadata has %u entries, expected %d", m->name, tid, name, dims.len,
            d.levels);
    for (int i = 0; i < n; i++)
        d.shape[i] = t->shape[i], d.block[i] = 1;
    unsigned seen = 0;
    for (int l = 0; l < d.levels; l++) {
        int32_t v = fb_vec_i32(b, &trav, (uint32_t)l);
        if (v < 0 || v >= d.levels || (seen & (1u << v)))
            ERR(SEGTEX_ERROR_MALFORMED, "traversal_order[%d] = %d is not a permutation of 0..%d", m->name, tid, name,
                l, v, d.levels - 1);
        seen |= 1u << v;
        if ((l < n) != (v < n))
            ERR(SEGTEX_ERROR_UNSUPPORTED, "traversal_order[%d] = %d: the %d original dims must come first", m->name,
                tid, name, l, v, n);
        if (l >= n && v != l)
            ERR(SEGTEX_ERROR_UNSUPPORTED, "traversal_order[%d] = %d: block dims must be in order", m->name, tid, name,
                l, v);
    }
    unsigned blocked = 0;
    for (int i = 0; i < k; i++) {
        int32_t v = fb_vec_i32(b, &bmap, (uint32_t)i);
        if (v < 0 || v >= n || (blocked & (1u << v)))
            ERR(SEGTEX_ERROR_MALFORMED, "block_map[%d] = %d is not a distinct dim below %d", m->name, tid, name, i, v,
                n);
        blocked |= 1u << v;
    }
    /* Levels: formats, sizes, block sizes (the block levels are read first: they size the others). */
    fb_table dm[MAX_LEVELS];
    for (int l = 0; l < d.levels; l++) {
        char w[64];
        snprintf(w, sizeof w, "tensor %d sparsity level %d", tid, l);
        uint8_t format;
        int32_t dense_size;
        if (fb_vector_table(b, &dims, (uint32_t)l, &dm[l], w) || fb_u8(b, &dm[l], 0, 0, &format, w) ||
            fb_i32(b, &dm[l], 1, 0, &dense_size, w))
            return SEGTEX_ERROR_MALFORMED;
        if (format > 1)
            ERR(SEGTEX_ERROR_MALFORMED, "level %d has format %d, expected DENSE (0) or SPARSE_CSR (1)", m->name, tid,
                name, l, format);
        d.lv[l].format = format;
        d.lv[l].dim = fb_vec_i32(b, &trav, (uint32_t)l);
        if (l >= n) {
            int orig = fb_vec_i32(b, &bmap, (uint32_t)(l - n));
            if (format != 0)
                ERR(SEGTEX_ERROR_UNSUPPORTED, "block level %d is SPARSE_CSR; only dense blocks are supported",
                    m->name, tid, name, l);
            if (dense_size < 1 || d.shape[orig] % dense_size)
                ERR(SEGTEX_ERROR_MALFORMED, "block level %d has size %d, which does not divide dim %d of size %d",
                    m->name, tid, name, l, dense_size, orig, d.shape[orig]);
            d.block[orig] = dense_size;
            d.lv[l].dim = orig;
            d.lv[l].size = dense_size;
        }
    }
    size_t parents = 1;
    for (int l = 0; l < d.levels; l++) {
        level *v = &d.lv[l];
        if (l < n)
            v->size = d.shape[v->dim] / d.block[v->dim];
        if (v->format == 0) {
            int32_t dense_size;
            fb_i32(b, &dm[l], 1, 0, &dense_size, "dense_size"); /* read above: cannot fail */
            if (dense_size != v->size)
                ERR(SEGTEX_ERROR_MALFORMED, "level %d is DENSE with dense_size %d, expected %d", m->name, tid, name, l,
                    dense_size, v->size);
            parents *= (size_t)v->size; /* at most t->count: the sizes multiply to the tensor's count */
            continue;
        }
        segtex_status st;
        if ((st = index_vector(m, tid, b, &dm[l], 2, 3, "array_segments", l, &v->seg, &v->seg_es)) ||
            (st = index_vector(m, tid, b, &dm[l], 4, 5, "array_indices", l, &v->idx, &v->idx_es)))
            return st;
        if ((size_t)v->seg.len != parents + 1)
            ERR(SEGTEX_ERROR_MALFORMED, "level %d has %u segments, expected %zu (positions above + 1)", m->name, tid,
                name, l, v->seg.len, parents + 1);
        uint32_t prev = 0;
        for (uint32_t i = 0; i < v->seg.len; i++) {
            uint32_t s = rd_elem(b, &v->seg, v->seg_es, i);
            if ((i == 0 && s != 0) || s < prev || s > v->idx.len)
                ERR(SEGTEX_ERROR_MALFORMED,
                    "level %d array_segments[%u] = %u (must start at 0, never decrease, end at the %u indices)",
                    m->name, tid, name, l, i, s, v->idx.len);
            prev = s;
        }
        if (prev != v->idx.len)
            ERR(SEGTEX_ERROR_MALFORMED, "level %d segments end at %u but it has %u indices", m->name, tid, name, l,
                prev, v->idx.len);
        for (uint32_t i = 0; i < v->idx.len; i++) {
            uint32_t x = rd_elem(b, &v->idx, v->idx_es, i);
            if (x >= (uint32_t)v->size)
                ERR(SEGTEX_ERROR_MALFORMED, "level %d array_indices[%u] = %u, the level has %d positions", m->name,
                    tid, name, l, i, x, v->size);
        }
        parents = v->idx.len;
    }
    d.esize = t->type == NN_TYPE_FLOAT16 ? 2 : 4;
    if (src_bytes != parents * (size_t)d.esize)
        ERR(SEGTEX_ERROR_MALFORMED, "the levels hold %zu values of %d bytes but the buffer has %zu bytes", m->name,
            tid, name, parents, d.esize, src_bytes);
    memset(dense, 0, t->count * sizeof(float));
    populate(&d, 0, 0);
    return SEGTEX_OK;
}
