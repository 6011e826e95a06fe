#include "tflite_builder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct tb_tensor_desc {
    char name[64];
    int type, rank, dims[8], buffer;
    tb_sparsity *sparsity; /* owned; NULL when dense */
} tb_tensor_desc;

typedef struct tb_code_desc {
    int32_t dep, builtin, version;
    char custom[64];
    int has_custom;
} tb_code_desc;

typedef struct tb_op_desc {
    int opcode, num_in, num_out, in[16], out[8];
    int options_type, has_options;
    tb_opts opts;
    uint8_t *custom;
    size_t custom_len;
    int has_custom;
} tb_op_desc;

struct tb_model {
    int32_t version;
    int no_subgraph;
    uint32_t pad_buffers;
    int num_buffers, num_tensors, num_codes, num_ops, num_in, num_out;
    struct {
        uint8_t *data;
        size_t len;
    } buffers[TB_MAX_BUFFERS];
    tb_tensor_desc tensors[TB_MAX_TENSORS];
    tb_code_desc codes[TB_MAX_CODES];
    tb_op_desc ops[TB_MAX_OPS];
    int in[64], out[64];
};

static void need(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "tflite_builder: %s\n", what);
        abort();
    }
}

/* ---- options ---------------------------------------------------------------- */

static void opts_add(tb_opts *o, int id, int size, uint32_t bits)
{
    need(o->n < TB_MAX_FIELDS && id >= 0 && id < 64, "too many option fields");
    o->f[o->n].id = id;
    o->f[o->n].size = size;
    o->f[o->n].bits = bits;
    o->n++;
}

void tb_opts_u8(tb_opts *o, int id, int value) { opts_add(o, id, 1, (uint8_t)value); }
void tb_opts_i32(tb_opts *o, int id, int32_t value) { opts_add(o, id, 4, (uint32_t)value); }
void tb_opts_f32(tb_opts *o, int id, float value)
{
    uint32_t bits;
    memcpy(&bits, &value, 4);
    opts_add(o, id, 4, bits);
}

/* ---- model description ------------------------------------------------------ */

tb_model *tb_create(void)
{
    tb_model *m = calloc(1, sizeof *m);
    need(m != NULL, "out of memory");
    m->version = 3;
    m->num_buffers = 1; /* buffer 0: empty */
    return m;
}

void tb_destroy(tb_model *m)
{
    if (!m)
        return;
    for (int i = 0; i < m->num_buffers; i++)
        free(m->buffers[i].data);
    for (int i = 0; i < m->num_ops; i++)
        free(m->ops[i].custom);
    for (int i = 0; i < m->num_tensors; i++)
        free(m->tensors[i].sparsity);
    free(m);
}

void tb_set_version(tb_model *m, int32_t version) { m->version = version; }
void tb_no_subgraph(tb_model *m) { m->no_subgraph = 1; }
void tb_pad_buffers(tb_model *m, uint32_t count) { m->pad_buffers = count; }

int tb_buffer(tb_model *m, const void *data, size_t len)
{
    need(m->num_buffers < TB_MAX_BUFFERS, "too many buffers");
    int i = m->num_buffers++;
    m->buffers[i].data = malloc(len ? len : 1);
    need(m->buffers[i].data != NULL, "out of memory");
    if (len)
        memcpy(m->buffers[i].data, data, len);
    m->buffers[i].len = len;
    return i;
}

int tb_tensor(tb_model *m, const char *name, int type, int rank, const int *dims, int buffer)
{
    need(m->num_tensors < TB_MAX_TENSORS && rank >= 0 && rank <= 8, "too many tensors or dims");
    int i = m->num_tensors++;
    tb_tensor_desc *t = &m->tensors[i];
    snprintf(t->name, sizeof t->name, "%s", name ? name : "");
    t->type = type;
    t->rank = rank;
    for (int d = 0; d < rank; d++)
        t->dims[d] = dims[d];
    t->buffer = buffer;
    return i;
}

void tb_tensor_sparsity(tb_model *m, int t, const tb_sparsity *sp)
{
    need(t >= 0 && t < m->num_tensors && !m->tensors[t].sparsity, "bad sparsity tensor");
    m->tensors[t].sparsity = malloc(sizeof *sp);
    need(m->tensors[t].sparsity != NULL, "out of memory");
    *m->tensors[t].sparsity = *sp;
}

static size_t elements(int rank, const int *dims)
{
    size_t n = 1;
    for (int d = 0; d < rank; d++)
        n *= (size_t)(dims[d] > 0 ? dims[d] : 0);
    return n;
}

int tb_tensor_f32(tb_model *m, const char *name, int rank, const int *dims, const float *data)
{
    int buffer = data ? tb_buffer(m, data, elements(rank, dims) * 4) : 0;
    return tb_tensor(m, name, TB_FLOAT32, rank, dims, buffer);
}

int tb_tensor_i32(tb_model *m, const char *name, int rank, const int *dims, const int32_t *data)
{
    int buffer = data ? tb_buffer(m, data, elements(rank, dims) * 4) : 0;
    return tb_tensor(m, name, TB_INT32, rank, dims, buffer);
}

int tb_tensor_f16(tb_model *m, const char *name, int rank, const int *dims, const uint16_t *data)
{
    int buffer = data ? tb_buffer(m, data, elements(rank, dims) * 2) : 0;
    return tb_tensor(m, name, TB_FLOAT16, rank, dims, buffer);
}

int tb_opcode_raw(tb_model *m, int32_t deprecated_code, int32_t builtin_code, const char *custom,
                  int32_t version)
{
    need(m->num_codes < TB_MAX_CODES, "too many operator codes");
    int i = m->num_codes++;
    tb_code_desc *c = &m->codes[i];
    c->dep = deprecated_code;
    c->builtin = builtin_code;
    c->version = version;
    c->has_custom = custom != NULL;
    snprintf(c->custom, sizeof c->custom, "%s", custom ? custom : "");
    return i;
}

int tb_opcode(tb_model *m, int builtin, int version)
{
    /* Writers since TF 2.4 store min(code, 127) in the int8 field and the code in the int32 one. */
    return tb_opcode_raw(m, builtin < 127 ? builtin : 127, builtin, NULL, version);
}

int tb_opcode_custom(tb_model *m, const char *name, int version)
{
    return tb_opcode_raw(m, TB_CUSTOM, TB_CUSTOM, name, version);
}

int tb_op(tb_model *m, int opcode, int num_in, const int *in, int num_out, const int *out)
{
    need(m->num_ops < TB_MAX_OPS && num_in >= 0 && num_in <= 16 && num_out >= 0 && num_out <= 8,
         "too many operators or operands");
    int i = m->num_ops++;
    tb_op_desc *o = &m->ops[i];
    memset(o, 0, sizeof *o);
    o->opcode = opcode;
    o->num_in = num_in;
    o->num_out = num_out;
    for (int k = 0; k < num_in; k++)
        o->in[k] = in[k];
    for (int k = 0; k < num_out; k++)
        o->out[k] = out[k];
    return i;
}

void tb_op_options(tb_model *m, int op, int options_type, const tb_opts *opts)
{
    need(op >= 0 && op < m->num_ops, "bad operator index");
    m->ops[op].options_type = options_type;
    m->ops[op].has_options = 1;
    m->ops[op].opts = *opts;
}

void tb_op_custom(tb_model *m, int op, const void *bytes, size_t len)
{
    need(op >= 0 && op < m->num_ops, "bad operator index");
    tb_op_desc *o = &m->ops[op];
    free(o->custom);
    o->custom = malloc(len ? len : 1);
    need(o->custom != NULL, "out of memory");
    if (len)
        memcpy(o->custom, bytes, len);
    o->custom_len = len;
    o->has_custom = 1;
}

void tb_graph_io(tb_model *m, int num_in, const int *in, int num_out, const int *out)
{
    need(num_in >= 0 && num_in <= 64 && num_out >= 0 && num_out <= 64, "too many graph inputs");
    m->num_in = num_in;
    m->num_out = num_out;
    for (int k = 0; k < num_in; k++)
        m->in[k] = in[k];
    for (int k = 0; k < num_out; k++)
        m->out[k] = out[k];
}

/* ---- writer ------------------------------------------------------------------ */

typedef struct wbuf {
    uint8_t *p;
    size_t len, cap;
} wbuf;

/* Append n zero bytes; returns their position. */
static uint32_t grow(wbuf *w, size_t n)
{
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap : 1024;
        while (cap < w->len + n)
            cap *= 2;
        w->p = realloc(w->p, cap);
        need(w->p != NULL, "out of memory");
        w->cap = cap;
    }
    memset(w->p + w->len, 0, n);
    size_t pos = w->len;
    w->len += n;
    need(w->len < ((size_t)1 << 31), "file too large");
    return (uint32_t)pos;
}

static void align4(wbuf *w)
{
    while (w->len & 3)
        grow(w, 1);
}

void tb_put_u8(uint8_t *file, uint32_t pos, uint8_t v) { file[pos] = v; }
void tb_put_u16(uint8_t *file, uint32_t pos, uint16_t v)
{
    file[pos] = (uint8_t)v;
    file[pos + 1] = (uint8_t)(v >> 8);
}
void tb_put_u32(uint8_t *file, uint32_t pos, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        file[pos + i] = (uint8_t)(v >> (8 * i));
}
uint32_t tb_get_u32(const uint8_t *file, uint32_t pos)
{
    return (uint32_t)file[pos] | (uint32_t)file[pos + 1] << 8 | (uint32_t)file[pos + 2] << 16 |
           (uint32_t)file[pos + 3] << 24;
}

uint32_t tb_vtable(const uint8_t *file, uint32_t table)
{
    return (uint32_t)((int64_t)table - (int32_t)tb_get_u32(file, table));
}

uint32_t tb_field(const uint8_t *file, uint32_t table, int id)
{
    uint32_t vt = tb_vtable(file, table);
    uint32_t vt_size = file[vt] | (uint32_t)file[vt + 1] << 8;
    uint32_t slot = 4 + 2 * (uint32_t)id;
    if (slot + 2 > vt_size)
        return 0;
    uint32_t off = file[vt + slot] | (uint32_t)file[vt + slot + 1] << 8;
    return off ? table + off : 0;
}

/* A field of a table being written: a scalar of 1 or 4 bytes, or a uoffset (size 0). */
typedef struct wfield {
    int id;
    int size;
    uint32_t bits;
} wfield;

/*
 * Write vtable + table; slot[k] receives the file position of field k. The
 * 4-byte fields come first so they stay aligned; uoffsets are patched by
 * the caller once the target is written.
 */
static uint32_t write_table(wbuf *w, const wfield *f, int n, uint32_t *slot)
{
    int max_id = -1;
    uint32_t table_size = 4;
    for (int k = 0; k < n; k++) {
        if (f[k].id > max_id)
            max_id = f[k].id;
        table_size += f[k].size == 1 ? 1 : 4;
    }
    align4(w);
    uint32_t vt_size = 4 + 2 * (uint32_t)(max_id + 1);
    uint32_t vt = grow(w, vt_size);
    align4(w);
    uint32_t t = grow(w, table_size);
    tb_put_u16(w->p, vt, (uint16_t)vt_size);
    tb_put_u16(w->p, vt + 2, (uint16_t)table_size);
    tb_put_u32(w->p, t, t - vt); /* soffset: the vtable is before the table */
    uint32_t off = 4;
    for (int pass = 0; pass < 2; pass++)
        for (int k = 0; k < n; k++) {
            int one = f[k].size == 1;
            if (one != pass)
                continue;
            tb_put_u16(w->p, vt + 4 + 2 * (uint32_t)f[k].id, (uint16_t)off);
            slot[k] = t + off;
            if (one)
                w->p[t + off] = (uint8_t)f[k].bits;
            else
                tb_put_u32(w->p, t + off, f[k].bits);
            off += one ? 1 : 4;
        }
    return t;
}

static void patch_offset(wbuf *w, uint32_t slot, uint32_t target) { tb_put_u32(w->p, slot, target - slot); }

static uint32_t write_vec_i32(wbuf *w, const int32_t *v, int n)
{
    align4(w);
    uint32_t pos = grow(w, 4 + 4 * (size_t)n);
    tb_put_u32(w->p, pos, (uint32_t)n);
    for (int k = 0; k < n; k++)
        tb_put_u32(w->p, pos + 4 + 4 * (uint32_t)k, (uint32_t)v[k]);
    return pos;
}

static uint32_t write_bytes(wbuf *w, const void *bytes, size_t len, int nul)
{
    align4(w);
    uint32_t pos = grow(w, 4 + len + (nul ? 1 : 0));
    tb_put_u32(w->p, pos, (uint32_t)len);
    if (len)
        memcpy(w->p + pos + 4, bytes, len);
    return pos;
}

/* A vector of n table offsets; the slots are patched as the tables are written. */
static uint32_t write_table_vec(wbuf *w, uint32_t n)
{
    align4(w);
    uint32_t pos = grow(w, 4 + 4 * (size_t)n);
    tb_put_u32(w->p, pos, n);
    return pos;
}

static void write_opcodes(tb_model *m, wbuf *w, uint32_t slot, tb_layout *L)
{
    uint32_t vec = write_table_vec(w, (uint32_t)m->num_codes);
    patch_offset(w, slot, vec);
    L->opcodes_vec = vec;
    for (int i = 0; i < m->num_codes; i++) {
        const tb_code_desc *c = &m->codes[i];
        wfield f[4];
        int n = 0, custom_k = -1;
        if (c->dep != TB_ABSENT)
            f[n++] = (wfield){0, 1, (uint32_t)c->dep};
        if (c->has_custom)
            custom_k = n, f[n++] = (wfield){1, 0, 0};
        if (c->version != TB_ABSENT)
            f[n++] = (wfield){2, 4, (uint32_t)c->version};
        if (c->builtin != TB_ABSENT)
            f[n++] = (wfield){3, 4, (uint32_t)c->builtin};
        uint32_t s[4];
        uint32_t t = write_table(w, f, n, s);
        patch_offset(w, vec + 4 + 4 * (uint32_t)i, t);
        L->opcode_table[i] = t;
        if (custom_k >= 0)
            patch_offset(w, s[custom_k], write_bytes(w, c->custom, strlen(c->custom), 1));
    }
}

/* A SparseIndexVector table: field 0 the values, of 4, 2 or 1 bytes each (type 1, 2, 3). */
static uint32_t write_index_vector(wbuf *w, int type, const int32_t *v, int n)
{
    wfield f[1] = {{0, 0, 0}};
    uint32_t s[1];
    uint32_t t = write_table(w, f, 1, s);
    int es = type == 1 ? 4 : type == 2 ? 2 : 1;
    align4(w);
    uint32_t pos = grow(w, 4 + (size_t)es * (size_t)n);
    tb_put_u32(w->p, pos, (uint32_t)n);
    for (int k = 0; k < n; k++) {
        uint32_t at = pos + 4 + (uint32_t)(es * k);
        if (es == 4)
            tb_put_u32(w->p, at, (uint32_t)v[k]);
        else if (es == 2)
            tb_put_u16(w->p, at, (uint16_t)v[k]);
        else
            w->p[at] = (uint8_t)v[k];
    }
    patch_offset(w, s[0], pos);
    return t;
}

static uint32_t write_sparsity(wbuf *w, const tb_sparsity *sp)
{
    wfield f[3] = {{0, 0, 0}, {1, 0, 0}, {2, 0, 0}};
    uint32_t s[3];
    uint32_t t = write_table(w, f, 3, s);
    patch_offset(w, s[0], write_vec_i32(w, sp->trav, sp->num_trav));
    patch_offset(w, s[1], write_vec_i32(w, sp->block_map, sp->num_block));
    uint32_t vec = write_table_vec(w, (uint32_t)sp->num_dims);
    patch_offset(w, s[2], vec);
    for (int l = 0; l < sp->num_dims; l++) {
        const tb_dim_meta *d = &sp->dims[l];
        wfield g[6];
        int n = 0, seg_k = -1, idx_k = -1;
        g[n++] = (wfield){0, 1, (uint32_t)d->format};
        g[n++] = (wfield){1, 4, (uint32_t)d->dense_size};
        if (d->seg_type) {
            g[n++] = (wfield){2, 1, (uint32_t)d->seg_type};
            seg_k = n, g[n++] = (wfield){3, 0, 0};
        }
        if (d->idx_type) {
            g[n++] = (wfield){4, 1, (uint32_t)d->idx_type};
            idx_k = n, g[n++] = (wfield){5, 0, 0};
        }
        uint32_t gs[6];
        uint32_t dt = write_table(w, g, n, gs);
        patch_offset(w, vec + 4 + 4 * (uint32_t)l, dt);
        if (seg_k >= 0)
            patch_offset(w, gs[seg_k], write_index_vector(w, d->seg_type, d->seg, d->num_seg));
        if (idx_k >= 0)
            patch_offset(w, gs[idx_k], write_index_vector(w, d->idx_type, d->idx, d->num_idx));
    }
    return t;
}

static void write_tensors(tb_model *m, wbuf *w, uint32_t slot, tb_layout *L)
{
    uint32_t vec = write_table_vec(w, (uint32_t)m->num_tensors);
    patch_offset(w, slot, vec);
    L->tensors_vec = vec;
    for (int i = 0; i < m->num_tensors; i++) {
        const tb_tensor_desc *t = &m->tensors[i];
        wfield f[5] = {{0, 0, 0}, {1, 1, (uint32_t)t->type}, {2, 4, (uint32_t)t->buffer}, {3, 0, 0}, {6, 0, 0}};
        uint32_t s[5];
        uint32_t tt = write_table(w, f, t->sparsity ? 5 : 4, s);
        patch_offset(w, vec + 4 + 4 * (uint32_t)i, tt);
        L->tensor_table[i] = tt;
        int32_t dims[8];
        for (int d = 0; d < t->rank; d++)
            dims[d] = t->dims[d];
        L->tensor_shape[i] = write_vec_i32(w, dims, t->rank);
        patch_offset(w, s[0], L->tensor_shape[i]);
        L->tensor_name[i] = write_bytes(w, t->name, strlen(t->name), 1);
        patch_offset(w, s[3], L->tensor_name[i]);
        if (t->sparsity)
            patch_offset(w, s[4], write_sparsity(w, t->sparsity));
    }
}

static void write_operators(tb_model *m, wbuf *w, uint32_t slot, tb_layout *L)
{
    uint32_t vec = write_table_vec(w, (uint32_t)m->num_ops);
    patch_offset(w, slot, vec);
    L->operators_vec = vec;
    for (int i = 0; i < m->num_ops; i++) {
        const tb_op_desc *o = &m->ops[i];
        wfield f[6];
        int n = 0;
        f[n++] = (wfield){0, 4, (uint32_t)o->opcode};
        f[n++] = (wfield){1, 0, 0};
        f[n++] = (wfield){2, 0, 0};
        if (o->has_options) {
            f[n++] = (wfield){3, 1, (uint32_t)o->options_type};
            f[n++] = (wfield){4, 0, 0};
        }
        if (o->has_custom)
            f[n++] = (wfield){5, 0, 0};
        uint32_t s[6];
        uint32_t t = write_table(w, f, n, s);
        patch_offset(w, vec + 4 + 4 * (uint32_t)i, t);
        L->op_table[i] = t;
        int32_t v[16];
        for (int k = 0; k < o->num_in; k++)
            v[k] = o->in[k];
        L->op_inputs[i] = write_vec_i32(w, v, o->num_in);
        patch_offset(w, s[1], L->op_inputs[i]);
        for (int k = 0; k < o->num_out; k++)
            v[k] = o->out[k];
        L->op_outputs[i] = write_vec_i32(w, v, o->num_out);
        patch_offset(w, s[2], L->op_outputs[i]);
        int k = 3;
        if (o->has_options) {
            wfield of[TB_MAX_FIELDS];
            uint32_t os[TB_MAX_FIELDS];
            for (int j = 0; j < o->opts.n; j++)
                of[j] = (wfield){o->opts.f[j].id, o->opts.f[j].size, o->opts.f[j].bits};
            L->op_options[i] = write_table(w, of, o->opts.n, os);
            patch_offset(w, s[4], L->op_options[i]);
            k = 5;
        }
        if (o->has_custom) {
            L->op_custom[i] = write_bytes(w, o->custom, o->custom_len, 0);
            patch_offset(w, s[k], L->op_custom[i]);
        }
    }
}

static void write_buffers(tb_model *m, wbuf *w, uint32_t slot, tb_layout *L)
{
    uint32_t n = (uint32_t)m->num_buffers;
    if (m->pad_buffers > n)
        n = m->pad_buffers;
    uint32_t vec = write_table_vec(w, n);
    patch_offset(w, slot, vec);
    L->buffers_vec = vec;
    uint32_t first = 0;
    for (int i = 0; i < m->num_buffers; i++) {
        int has = m->buffers[i].len > 0;
        wfield f[1] = {{0, 0, 0}};
        uint32_t s[1];
        uint32_t t = write_table(w, f, has, s);
        patch_offset(w, vec + 4 + 4 * (uint32_t)i, t);
        if (i == 0)
            first = t;
        if (i < TB_MAX_BUFFERS)
            L->buffer_table[i] = t;
        if (has) {
            L->buffer_data[i] = write_bytes(w, m->buffers[i].data, m->buffers[i].len, 0);
            patch_offset(w, s[0], L->buffer_data[i]);
        }
    }
    for (uint32_t i = (uint32_t)m->num_buffers; i < n; i++)
        patch_offset(w, vec + 4 + 4 * i, first);
}

uint8_t *tb_finish(tb_model *m, size_t *size, tb_layout *layout)
{
    tb_layout local;
    tb_layout *L = layout ? layout : &local;
    memset(L, 0, sizeof *L);
    wbuf w = {0};
    grow(&w, 8);
    memcpy(w.p + 4, "TFL3", 4);

    wfield f[4];
    int n = 0;
    if (m->version != TB_ABSENT)
        f[n++] = (wfield){0, 4, (uint32_t)m->version};
    f[n++] = (wfield){1, 0, 0};
    f[n++] = (wfield){2, 0, 0};
    f[n++] = (wfield){4, 0, 0};
    uint32_t s[4];
    L->model_table = write_table(&w, f, n, s);
    tb_put_u32(w.p, 0, L->model_table);
    uint32_t *slots = s + (m->version != TB_ABSENT);

    write_opcodes(m, &w, slots[0], L);

    L->subgraphs_vec = write_table_vec(&w, m->no_subgraph ? 0 : 1);
    patch_offset(&w, slots[1], L->subgraphs_vec);
    if (!m->no_subgraph) {
        wfield sf[4] = {{0, 0, 0}, {1, 0, 0}, {2, 0, 0}, {3, 0, 0}};
        uint32_t ss[4];
        L->subgraph_table = write_table(&w, sf, 4, ss);
        patch_offset(&w, L->subgraphs_vec + 4, L->subgraph_table);
        write_tensors(m, &w, ss[0], L);
        L->inputs_vec = write_vec_i32(&w, m->in, m->num_in);
        patch_offset(&w, ss[1], L->inputs_vec);
        L->outputs_vec = write_vec_i32(&w, m->out, m->num_out);
        patch_offset(&w, ss[2], L->outputs_vec);
        write_operators(m, &w, ss[3], L);
    }
    write_buffers(m, &w, slots[2], L);
    align4(&w);
    *size = w.len;
    return w.p;
}

/* ---- FlexBuffers -------------------------------------------------------------- */

static void flex_add(tb_flex *f, const char *key, int kind)
{
    need(f->n < TB_MAX_FIELDS, "too many flexbuffer keys");
    f->e[f->n].key = key;
    f->e[f->n].kind = kind;
    f->e[f->n].vec_len = 0;
}

void tb_flex_int(tb_flex *f, const char *key, int32_t value)
{
    flex_add(f, key, 0);
    f->e[f->n++].i = value;
}

void tb_flex_float(tb_flex *f, const char *key, float value)
{
    flex_add(f, key, 1);
    f->e[f->n++].f = value;
}

void tb_flex_ints(tb_flex *f, const char *key, const int32_t *values, int count)
{
    need(count >= 0 && count <= 64, "flexbuffer vector too long");
    flex_add(f, key, 2);
    for (int k = 0; k < count; k++)
        f->e[f->n].vec[k] = values[k];
    f->e[f->n++].vec_len = count;
}

enum { FX_INT = 1, FX_FLOAT = 3, FX_MAP = 9, FX_VECTOR_INT = 11, FX_W4 = 2 /* log2(4) */ };

size_t tb_flex_finish(const tb_flex *f, uint8_t *out, size_t cap, tb_flex_layout *layout)
{
    int order[TB_MAX_FIELDS];
    for (int i = 0; i < f->n; i++)
        order[i] = i;
    for (int i = 1; i < f->n; i++) /* keys sorted by strcmp (byte order), as the format requires */
        for (int j = i; j > 0 && strcmp(f->e[order[j - 1]].key, f->e[order[j]].key) > 0; j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    wbuf w = {0};
    uint32_t kpos[TB_MAX_FIELDS], vpos[TB_MAX_FIELDS];
    for (int i = 0; i < f->n; i++) {
        const char *k = f->e[order[i]].key;
        kpos[i] = grow(&w, strlen(k) + 1);
        memcpy(w.p + kpos[i], k, strlen(k));
    }
    for (int i = 0; i < f->n; i++) {
        if (f->e[order[i]].kind != 2)
            continue;
        align4(&w);
        uint32_t p = grow(&w, 4 + 4 * (size_t)f->e[order[i]].vec_len);
        tb_put_u32(w.p, p, (uint32_t)f->e[order[i]].vec_len);
        for (int k = 0; k < f->e[order[i]].vec_len; k++)
            tb_put_u32(w.p, p + 4 + 4 * (uint32_t)k, (uint32_t)f->e[order[i]].vec[k]);
        vpos[i] = p + 4;
    }
    /* Keys vector: length, then offsets back to each key. */
    align4(&w);
    uint32_t kl = grow(&w, 4 + 4 * (size_t)f->n);
    tb_put_u32(w.p, kl, (uint32_t)f->n);
    uint32_t kv = kl + 4;
    for (int i = 0; i < f->n; i++)
        tb_put_u32(w.p, kv + 4 * (uint32_t)i, kv + 4 * (uint32_t)i - kpos[i]);
    /* Map: keys offset, keys byte width, length, then values and their packed types. */
    uint32_t hdr = grow(&w, 12);
    tb_put_u32(w.p, hdr, hdr - kv);
    tb_put_u32(w.p, hdr + 4, 4);
    tb_put_u32(w.p, hdr + 8, (uint32_t)f->n);
    uint32_t vals = grow(&w, 4 * (size_t)f->n);
    uint32_t types = grow(&w, (size_t)f->n);
    for (int i = 0; i < f->n; i++) {
        uint32_t slot = vals + 4 * (uint32_t)i;
        uint8_t type = 0;
        switch (f->e[order[i]].kind) {
        case 0:
            tb_put_u32(w.p, slot, (uint32_t)f->e[order[i]].i);
            type = FX_INT << 2 | FX_W4;
            break;
        case 1: {
            uint32_t bits;
            memcpy(&bits, &f->e[order[i]].f, 4);
            tb_put_u32(w.p, slot, bits);
            type = FX_FLOAT << 2 | FX_W4;
            break;
        }
        default:
            tb_put_u32(w.p, slot, slot - vpos[i]);
            type = FX_VECTOR_INT << 2 | FX_W4;
        }
        w.p[types + i] = type;
    }
    /* Root: offset back to the map, its packed type, the root's byte width. */
    align4(&w);
    uint32_t root = grow(&w, 6);
    tb_put_u32(w.p, root, root - vals);
    w.p[root + 4] = FX_MAP << 2 | FX_W4;
    w.p[root + 5] = 4;
    size_t len = w.len;
    if (layout)
        *layout = (tb_flex_layout){kv, hdr, vals, types, root};
    if (len > cap)
        len = 0;
    else
        memcpy(out, w.p, len);
    free(w.p);
    return len;
}

/* ---- sample models ------------------------------------------------------------- */

/* Distinct small weights: -0.5 .. 0.5 in steps of 1/16. */
static void sample_ramp(float ramp[128])
{
    for (int i = 0; i < 128; i++)
        ramp[i] = (float)((i * 37) % 17 - 8) * 0.0625f;
}


/*
 * x [1,8,8,2] -> CONV 3x3 -> PRELU -> DEPTHWISE s2 -> MAX_POOL -> RESIZE -> ADD
 * -> TRANSPOSE_CONV -> PAD -> STRIDED_SLICE -> CONCAT(x) -> MEAN -> RESHAPE ->
 * SOFTMAX (output 0); CONCAT -> AVERAGE_POOL -> LOGISTIC, HARD_SWISH, MUL, SUB,
 * RELU6 (output 1). Weights are a ramp so every value differs.
 */
tb_model *tb_sample_ops_model(void)
{
    float ramp[128];
    sample_ramp(ramp);
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 8, 8, 2), NULL);
    int w1 = tb_tensor_f32(m, "w1", SHAPE(4, 3, 3, 2), ramp);
    int b1 = tb_tensor_f32(m, "b1", SHAPE(4), ramp);
    int c1 = tb_tensor_f32(m, "c1", SHAPE(1, 8, 8, 4), NULL);
    int al = tb_tensor_f32(m, "alpha", SHAPE(1, 1, 4), ramp);
    int pr = tb_tensor_f32(m, "prelu", SHAPE(1, 8, 8, 4), NULL);
    int w2 = tb_tensor_f32(m, "w2", SHAPE(1, 3, 3, 4), ramp);
    int c2 = tb_tensor_f32(m, "c2", SHAPE(1, 4, 4, 4), NULL);
    int mp = tb_tensor_f32(m, "maxpool", SHAPE(1, 2, 2, 4), NULL);
    int sz = tb_tensor_i32(m, "size", SHAPE(2), I32(4, 4));
    int rs = tb_tensor_f32(m, "resize", SHAPE(1, 4, 4, 4), NULL);
    int ad = tb_tensor_f32(m, "add", SHAPE(1, 4, 4, 4), NULL);
    int osh = tb_tensor_i32(m, "oshape", SHAPE(4), I32(1, 8, 8, 2));
    int w3 = tb_tensor_f32(m, "w3", SHAPE(2, 3, 3, 4), ramp);
    int tc = tb_tensor_f32(m, "tconv", SHAPE(1, 8, 8, 2), NULL);
    int pads = tb_tensor_i32(m, "pads", SHAPE(4, 2), I32(0, 0, 1, 1, 1, 1, 0, 0));
    int pd = tb_tensor_f32(m, "pad", SHAPE(1, 10, 10, 2), NULL);
    int be = tb_tensor_i32(m, "begin", SHAPE(4), I32(0, 1, 1, 0));
    int en = tb_tensor_i32(m, "end", SHAPE(4), I32(1, 9, 9, 2));
    int st = tb_tensor_i32(m, "strides", SHAPE(4), I32(1, 1, 1, 1));
    int sl = tb_tensor_f32(m, "slice", SHAPE(1, 8, 8, 2), NULL);
    int cat = tb_tensor_f32(m, "concat", SHAPE(1, 8, 8, 4), NULL);
    int axes = tb_tensor_i32(m, "axes", SHAPE(2), I32(1, 2));
    int mn = tb_tensor_f32(m, "mean", SHAPE(1, 4), NULL);
    int shp = tb_tensor_i32(m, "shape", SHAPE(2), I32(1, 4));
    int re = tb_tensor_f32(m, "reshape", SHAPE(1, 4), NULL);
    int sm = tb_tensor_f32(m, "softmax", SHAPE(1, 4), NULL);
    int ap = tb_tensor_f32(m, "avgpool", SHAPE(1, 4, 4, 4), NULL);
    int lg = tb_tensor_f32(m, "logistic", SHAPE(1, 4, 4, 4), NULL);
    int hs = tb_tensor_f32(m, "hswish", SHAPE(1, 4, 4, 4), NULL);
    int mu = tb_tensor_f32(m, "mul", SHAPE(1, 4, 4, 4), NULL);
    int su = tb_tensor_f32(m, "sub", SHAPE(1, 4, 4, 4), NULL);
    int r6 = tb_tensor_f32(m, "relu6", SHAPE(1, 4, 4, 4), NULL);

    tb_opts o = {0};
    tb_opts_u8(&o, 0, TB_SAME), tb_opts_i32(&o, 1, 1), tb_opts_i32(&o, 2, 1), tb_opts_u8(&o, 3, 1);
    tb_op_options(m, tb_op(m, tb_opcode(m, TB_CONV_2D, 1), IDX(x, w1, b1), IDX(c1)), TB_OPT_CONV2D, &o);
    tb_op(m, tb_opcode(m, TB_PRELU, 1), IDX(c1, al), IDX(pr));
    o = (tb_opts){0};
    tb_opts_u8(&o, 0, TB_SAME), tb_opts_i32(&o, 1, 2), tb_opts_i32(&o, 2, 2), tb_opts_i32(&o, 3, 1);
    tb_op_options(m, tb_op(m, tb_opcode(m, TB_DEPTHWISE_CONV_2D, 1), IDX(pr, w2, -1), IDX(c2)),
                  TB_OPT_DEPTHWISE_CONV2D, &o);
    o = (tb_opts){0};
    tb_opts_u8(&o, 0, TB_VALID), tb_opts_i32(&o, 1, 2), tb_opts_i32(&o, 2, 2);
    tb_opts_i32(&o, 3, 2), tb_opts_i32(&o, 4, 2);
    tb_op_options(m, tb_op(m, tb_opcode(m, TB_MAX_POOL_2D, 1), IDX(c2), IDX(mp)), TB_OPT_POOL2D, &o);
    o = (tb_opts){0};
    tb_opts_u8(&o, 3, 1);
    tb_op_options(m, tb_op(m, tb_opcode(m, TB_RESIZE_BILINEAR, 1), IDX(mp, sz), IDX(rs)),
                  TB_OPT_RESIZE_BILINEAR, &o);
    tb_op(m, tb_opcode(m, TB_ADD, 1), IDX(rs, c2), IDX(ad));
    o = (tb_opts){0};
    tb_opts_u8(&o, 0, TB_SAME), tb_opts_i32(&o, 1, 2), tb_opts_i32(&o, 2, 2);
    tb_op_options(m, tb_op(m, tb_opcode(m, TB_TRANSPOSE_CONV, 1), IDX(osh, w3, ad), IDX(tc)),
                  TB_OPT_TRANSPOSE_CONV, &o);
    tb_op(m, tb_opcode(m, TB_PAD, 1), IDX(tc, pads), IDX(pd));
    tb_op(m, tb_opcode(m, TB_STRIDED_SLICE, 1), IDX(pd, be, en, st), IDX(sl));
    o = (tb_opts){0};
    tb_opts_i32(&o, 0, 3);
    tb_op_options(m, tb_op(m, tb_opcode(m, TB_CONCATENATION, 1), IDX(sl, x), IDX(cat)),
                  TB_OPT_CONCATENATION, &o);
    tb_op(m, tb_opcode(m, TB_MEAN, 1), IDX(cat, axes), IDX(mn));
    tb_op(m, tb_opcode(m, TB_RESHAPE, 1), IDX(mn, shp), IDX(re));
    o = (tb_opts){0};
    tb_opts_f32(&o, 0, 0.5f);
    tb_op_options(m, tb_op(m, tb_opcode(m, TB_SOFTMAX, 1), IDX(re), IDX(sm)), TB_OPT_SOFTMAX, &o);
    o = (tb_opts){0};
    tb_opts_u8(&o, 0, TB_SAME), tb_opts_i32(&o, 1, 2), tb_opts_i32(&o, 2, 2);
    tb_opts_i32(&o, 3, 3), tb_opts_i32(&o, 4, 3);
    tb_op_options(m, tb_op(m, tb_opcode(m, TB_AVERAGE_POOL_2D, 1), IDX(cat), IDX(ap)), TB_OPT_POOL2D, &o);
    tb_op(m, tb_opcode(m, TB_LOGISTIC, 1), IDX(ap), IDX(lg));
    tb_op(m, tb_opcode(m, TB_HARD_SWISH, 1), IDX(ap), IDX(hs));
    tb_op(m, tb_opcode(m, TB_MUL, 1), IDX(lg, hs), IDX(mu));
    tb_op(m, tb_opcode(m, TB_SUB, 1), IDX(mu, ap), IDX(su));
    tb_op(m, tb_opcode(m, TB_RELU6, 1), IDX(su), IDX(r6));
    tb_graph_io(m, IDX(x), IDX(sm, r6));
    return m;
}

/*
 * MediaPipe's custom ops: landmarks [1,6,3] -> Landmarks2TransformMatrix ->
 * matrix; image [1,8,8,2] -> TransformTensorBilinear(matrix) -> [1,4,4,2];
 * TransformLandmarks(landmarks, matrix); Convolution2DTransposeBias on the crop.
 */
tb_model *tb_sample_mediapipe_model(void)
{
    float ramp[128];
    sample_ramp(ramp);
    tb_model *m = tb_create();
    int lm = tb_tensor_f32(m, "landmarks", SHAPE(1, 6, 3), NULL);
    int img = tb_tensor_f32(m, "image", SHAPE(1, 8, 8, 2), NULL);
    int mat = tb_tensor_f32(m, "matrix", SHAPE(1, 4, 4), NULL);
    int crop = tb_tensor_f32(m, "crop", SHAPE(1, 4, 4, 2), NULL);
    int tl = tb_tensor_f32(m, "moved", SHAPE(1, 6, 3), NULL);
    int w = tb_tensor_f32(m, "w", SHAPE(3, 2, 2, 2), ramp);
    int b = tb_tensor_f32(m, "b", SHAPE(3), ramp);
    int up = tb_tensor_f32(m, "up", SHAPE(1, 8, 8, 3), NULL);

    tb_flex f = {0};
    tb_flex_int(&f, "left_rotation_idx", 0);
    tb_flex_int(&f, "right_rotation_idx", 1);
    tb_flex_int(&f, "output_height", 4);
    tb_flex_int(&f, "output_width", 4);
    tb_flex_float(&f, "scale_x", 1.5f);
    tb_flex_float(&f, "scale_y", 1.25f);
    tb_flex_float(&f, "target_rotation_radians", 0.25f);
    tb_flex_ints(&f, "subset_idxs", I32(0, 1, 2, 3, 4), 5);
    uint8_t buf[512];
    size_t len = tb_flex_finish(&f, buf, sizeof buf, NULL);
    int op = tb_op(m, tb_opcode_custom(m, "Landmarks2TransformMatrix", 2), IDX(lm), IDX(mat));
    tb_op_custom(m, op, buf, len);
    f = (tb_flex){0};
    tb_flex_int(&f, "output_height", 4);
    tb_flex_int(&f, "output_width", 4);
    len = tb_flex_finish(&f, buf, sizeof buf, NULL);
    op = tb_op(m, tb_opcode_custom(m, "TransformTensorBilinear", 2), IDX(img, mat), IDX(crop));
    tb_op_custom(m, op, buf, len);
    tb_op(m, tb_opcode_custom(m, "TransformLandmarks", 2), IDX(lm, mat), IDX(tl));
    op = tb_op(m, tb_opcode_custom(m, "Convolution2DTransposeBias", 1), IDX(crop, w, b), IDX(up));
    tb_op_custom(m, op, (const int32_t[]){1, 2, 2}, 12);
    tb_graph_io(m, IDX(lm, img), IDX(up, tl));
    return m;
}

/*
 * The newer paths in one small seed: a FLOAT16 weight matrix stored sparse
 * (CSR over 1x2 blocks) -> DENSIFY -> DEQUANTIZE -> FULLY_CONNECTED, then
 * RESHAPE to [1,1,1,8] and DEPTH_TO_SPACE (block 2) to [1,2,2,2].
 */
tb_model *tb_sample_sparse_model(void)
{
    tb_model *m = tb_create();
    int x = tb_tensor_f32(m, "x", SHAPE(1, 4), NULL);
    tb_sparsity sp = {.num_trav = 3, .trav = {0, 1, 2}, .num_block = 1, .block_map = {1}, .num_dims = 3};
    sp.dims[0] = (tb_dim_meta){.format = 0, .dense_size = 8};
    sp.dims[1] = (tb_dim_meta){.format = 1, .seg_type = 2, .num_seg = 9, .seg = {0, 1, 2, 2, 3, 4, 5, 6, 8},
                               .idx_type = 3, .num_idx = 8, .idx = {0, 1, 0, 1, 0, 1, 0, 1}};
    sp.dims[2] = (tb_dim_meta){.format = 0, .dense_size = 2};
    uint16_t values[16];
    for (int k = 0; k < 16; k++)
        values[k] = (uint16_t)(0x3c00 + 0x100 * (k % 4)); /* 1, 1.25, 1.5, 1.75 */
    int ws = tb_tensor(m, "ws", TB_FLOAT16, SHAPE(8, 4), tb_buffer(m, values, sizeof values));
    tb_tensor_sparsity(m, ws, &sp);
    int wh = tb_tensor(m, "wh", TB_FLOAT16, SHAPE(8, 4), 0);
    int w = tb_tensor_f32(m, "w", SHAPE(8, 4), NULL);
    int fc = tb_tensor_f32(m, "fc", SHAPE(1, 8), NULL);
    int shape = tb_tensor_i32(m, "shape", SHAPE(4), I32(1, 1, 1, 8));
    int r = tb_tensor_f32(m, "r", SHAPE(1, 1, 1, 8), NULL);
    int y = tb_tensor_f32(m, "y", SHAPE(1, 2, 2, 2), NULL);
    tb_op(m, tb_opcode(m, TB_DENSIFY, 1), IDX(ws), IDX(wh));
    tb_op(m, tb_opcode(m, TB_DEQUANTIZE, 1), IDX(wh), IDX(w));
    tb_opts fo = {0};
    tb_opts_u8(&fo, 0, TB_ACT_RELU);
    tb_op_options(m, tb_op(m, tb_opcode(m, TB_FULLY_CONNECTED, 1), IDX(x, w), IDX(fc)), TB_OPT_FULLY_CONNECTED, &fo);
    tb_op(m, tb_opcode(m, TB_RESHAPE, 1), IDX(fc, shape), IDX(r));
    tb_opts d = {0};
    tb_opts_i32(&d, 0, 2);
    tb_op_options(m, tb_op(m, tb_opcode(m, TB_DEPTH_TO_SPACE, 1), IDX(r), IDX(y)), TB_OPT_DEPTH_TO_SPACE, &d);
    tb_graph_io(m, IDX(x), IDX(y));
    return m;
}
