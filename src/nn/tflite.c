/*
 * TFLite model reader: FlatBuffer -> nn_tensor / nn_node, every field
 * validated before use, shapes inferred per op and checked against the
 * shapes the file declares.
 *
 * Schema facts used here (tensorflow/lite/schema/schema.fbs, field ids):
 *   Model: 0 version, 1 operator_codes, 2 subgraphs, 4 buffers
 *   OperatorCode: 0 deprecated_builtin_code (int8), 1 custom_code, 2 version, 3 builtin_code
 *   SubGraph: 0 tensors, 1 inputs, 2 outputs, 3 operators
 *   Tensor: 0 shape, 1 type, 2 buffer, 3 name, 6 sparsity (sparse.c)
 *   Buffer: 0 data
 *   Operator: 0 opcode_index, 1 inputs, 2 outputs, 3 builtin_options_type, 4 builtin_options,
 *             5 custom_options
 */
#include "core/log.h"
#include "nn/flatbuf.h"
#include "nn/flexbuf.h"
#include "nn/ops/op.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct opcode {
    int builtin;
    int version;
    const char *custom; /* points into the file during parsing */
} opcode;

/* Parsing context. */
typedef struct ctx {
    segtex_model *m;
    fb_buf b;
    opcode *codes;
    uint32_t num_codes;
    fb_vec buffers;
} ctx;

#define ERR(st, ...)                                                                               \
    do {                                                                                           \
        LOG_ERROR("model '%s': " FIRST(__VA_ARGS__), c->m->name REST(__VA_ARGS__));               \
        return st;                                                                                 \
    } while (0)
#define FIRST(a, ...) a
#define REST(a, ...) , ##__VA_ARGS__

#define MALFORMED(...) ERR(SEGTEX_ERROR_MALFORMED, __VA_ARGS__)
#define UNSUPPORTED(...) ERR(SEGTEX_ERROR_UNSUPPORTED, __VA_ARGS__)

static const char *type_name(int t)
{
    static const char *const names[] = {"FLOAT32", "FLOAT16", "INT32", "UINT8", "INT64", "STRING",
                                        "BOOL", "INT16", "COMPLEX64", "INT8", "FLOAT64"};
    return t >= 0 && t < (int)(sizeof names / sizeof names[0]) ? names[t] : "UNKNOWN";
}

float nn_half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t exp = (h >> 10) & 0x1f;
    uint32_t man = h & 0x3ff;
    uint32_t bits;
    if (exp == 0) {
        if (man == 0) {
            bits = sign;
        } else { /* subnormal: normalise */
            int e = -1;
            do {
                e++;
                man <<= 1;
            } while (!(man & 0x400));
            bits = sign | ((uint32_t)(127 - 15 - e) << 23) | ((man & 0x3ff) << 13);
        }
    } else if (exp == 31) {
        bits = sign | 0x7f800000u | (man << 13);
    } else {
        bits = sign | ((exp + 127 - 15) << 23) | (man << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static segtex_status parse_opcodes(ctx *c, const fb_table *model)
{
    fb_vec v;
    if (fb_vector(&c->b, model, 1, 4, &v, "operator_codes"))
        return SEGTEX_ERROR_MALFORMED;
    if (v.len == 0 || v.len > 4096)
        MALFORMED("has %u operator codes, expected 1..4096", v.len);
    c->codes = segtex_calloc(v.len, sizeof *c->codes);
    if (!c->codes)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    c->num_codes = v.len;
    for (uint32_t i = 0; i < v.len; i++) {
        char what[64];
        snprintf(what, sizeof what, "operator code %u", i);
        fb_table t;
        uint8_t dep;
        int32_t builtin, version;
        uint32_t len;
        if (fb_vector_table(&c->b, &v, i, &t, what) || fb_u8(&c->b, &t, 0, 0, &dep, what) ||
            fb_string(&c->b, &t, 1, &c->codes[i].custom, &len, what) ||
            fb_i32(&c->b, &t, 2, 1, &version, what) || fb_i32(&c->b, &t, 3, 0, &builtin, what))
            return SEGTEX_ERROR_MALFORMED;
        /* The builtin code moved from an int8 field to an int32 one; the larger is the real one. */
        c->codes[i].builtin = (int8_t)dep > builtin ? (int8_t)dep : builtin;
        c->codes[i].version = version;
        if (c->codes[i].builtin < 0)
            MALFORMED("operator code %u has negative builtin code %d", i, c->codes[i].builtin);
    }
    return SEGTEX_OK;
}

static segtex_status parse_tensors(ctx *c, const fb_table *sg, size_t *names_bytes)
{
    segtex_model *m = c->m;
    fb_vec v;
    if (fb_vector(&c->b, sg, 0, 4, &v, "tensors"))
        return SEGTEX_ERROR_MALFORMED;
    if (v.len == 0 || v.len > 65536)
        MALFORMED("subgraph 0 has %u tensors, expected 1..65536", v.len);
    m->tensors = segtex_calloc(v.len, sizeof *m->tensors);
    if (!m->tensors)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    m->num_tensors = (int)v.len;

    /* First pass: sizes of the names, so they go into one pool. */
    size_t total = 0;
    for (uint32_t i = 0; i < v.len; i++) {
        char what[64];
        snprintf(what, sizeof what, "tensor %u", i);
        fb_table t;
        const char *name;
        uint32_t len;
        if (fb_vector_table(&c->b, &v, i, &t, what) || fb_string(&c->b, &t, 3, &name, &len, what))
            return SEGTEX_ERROR_MALFORMED;
        total += (len > 200 ? 200 : len) + 1;
    }
    m->strings = segtex_malloc(total);
    if (!m->strings)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    *names_bytes = total;

    char *sp = m->strings;
    for (uint32_t i = 0; i < v.len; i++) {
        nn_tensor *tn = &m->tensors[i];
        char what[80];
        snprintf(what, sizeof what, "tensor %u", i);
        fb_table t;
        fb_vec shape;
        uint8_t type;
        uint32_t buffer, len;
        const char *name;
        if (fb_vector_table(&c->b, &v, i, &t, what) || fb_vector(&c->b, &t, 0, 4, &shape, what) ||
            fb_u8(&c->b, &t, 1, 0, &type, what) || fb_u32(&c->b, &t, 2, 0, &buffer, what) ||
            fb_string(&c->b, &t, 3, &name, &len, what))
            return SEGTEX_ERROR_MALFORMED;
        if (len > 200)
            len = 200;
        memcpy(sp, name, len);
        sp[len] = 0;
        tn->name = sp;
        sp += len + 1;
        tn->producer = -1;
        tn->first_use = -1;
        tn->last_use = -1;
        if (shape.len > 4)
            UNSUPPORTED("tensor %u '%s' has %u dims, at most 4 supported", i, tn->name, shape.len);
        tn->rank = (int)shape.len;
        tn->count = 1;
        for (int d = 0; d < 4; d++)
            tn->dims.d[d] = 1;
        for (int d = 0; d < tn->rank; d++) {
            int32_t n = fb_vec_i32(&c->b, &shape, (uint32_t)d);
            if (n < 1 || n > (1 << 24))
                MALFORMED("tensor %u '%s' dim %d is %d, expected 1..%d", i, tn->name, d, n, 1 << 24);
            tn->shape[d] = n;
            tn->dims.d[4 - tn->rank + d] = n;
            tn->count *= (size_t)n;
            if (tn->count > (1u << 28))
                MALFORMED("tensor %u '%s' has more than 2^28 elements", i, tn->name);
        }
        if (type != NN_TYPE_FLOAT32 && type != NN_TYPE_FLOAT16 && type != NN_TYPE_INT32)
            UNSUPPORTED("tensor %u '%s' has type %s, supported: FLOAT32, FLOAT16, INT32", i, tn->name,
                        type_name(type));
        tn->type = type;
        if (buffer >= c->buffers.len)
            MALFORMED("tensor %u '%s' refers to buffer %u, the model has %u", i, tn->name, buffer,
                      c->buffers.len);

        /* Constant data? */
        fb_table bt;
        fb_vec data;
        snprintf(what, sizeof what, "buffer %u (of tensor %u)", buffer, i);
        if (fb_vector_table(&c->b, &c->buffers, buffer, &bt, what) ||
            fb_vector(&c->b, &bt, 0, 1, &data, what))
            return SEGTEX_ERROR_MALFORMED;
        if (data.len == 0) /* an activation: FLOAT32 unless a folded op makes it a constant (checked later) */
            continue;
        size_t esize = type == NN_TYPE_FLOAT16 ? 2 : 4;
        fb_table sparsity;
        int sparse;
        snprintf(what, sizeof what, "tensor %u", i);
        if (fb_subtable(&c->b, &t, 6, &sparsity, &sparse, what))
            return SEGTEX_ERROR_MALFORMED;
        if (sparse) { /* densified now, once: the kernels only ever see dense constants */
            tn->is_const = 1;
            tn->is_sparse = 1;
            tn->data = segtex_aligned_alloc(tn->count * 4, 16);
            if (!tn->data)
                return SEGTEX_ERROR_OUT_OF_MEMORY;
            segtex_status st = nn_densify(m, (int)i, &c->b, &sparsity, c->b.data + data.pos, data.len, tn->data);
            if (st)
                return st;
            if (type == NN_TYPE_FLOAT32) {
                m->num_parameters += tn->count;
                m->constant_bytes += tn->count * 4;
            }
            continue;
        }
        if (data.len != tn->count * esize)
            MALFORMED("tensor %u '%s' has %zu elements of %zu bytes but buffer %u has %u bytes", i,
                      tn->name, tn->count, esize, buffer, data.len);
        const uint8_t *src = c->b.data + data.pos;
        tn->is_const = 1;
        if (type == NN_TYPE_INT32) {
            tn->i32 = segtex_malloc(tn->count * 4);
            if (!tn->i32)
                return SEGTEX_ERROR_OUT_OF_MEMORY;
            for (size_t k = 0; k < tn->count; k++)
                tn->i32[k] = (int32_t)fb_rd32(src + 4 * k);
        } else {
            tn->data = segtex_aligned_alloc(tn->count * 4, 16);
            if (!tn->data)
                return SEGTEX_ERROR_OUT_OF_MEMORY;
            for (size_t k = 0; k < tn->count; k++) {
                if (type == NN_TYPE_FLOAT16) {
                    tn->data[k] = nn_half_to_float(fb_rd16(src + 2 * k));
                } else {
                    uint32_t u = fb_rd32(src + 4 * k);
                    memcpy(&tn->data[k], &u, 4);
                }
            }
            if (type == NN_TYPE_FLOAT32) {
                m->num_parameters += tn->count;
                m->constant_bytes += tn->count * 4;
            }
        }
    }
    return SEGTEX_OK;
}

static segtex_status parse_io(ctx *c, const fb_table *sg, int id, const char *what, int **out, int *count)
{
    fb_vec v;
    if (fb_vector(&c->b, sg, id, 4, &v, what))
        return SEGTEX_ERROR_MALFORMED;
    if (v.len == 0 || v.len > 64)
        MALFORMED("subgraph 0 has %u %s, expected 1..64", v.len, what);
    *out = segtex_calloc(v.len, sizeof **out);
    if (!*out)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    *count = (int)v.len;
    for (uint32_t i = 0; i < v.len; i++) {
        int32_t t = fb_vec_i32(&c->b, &v, i);
        if (t < 0 || t >= c->m->num_tensors)
            MALFORMED("subgraph %s %u refers to tensor %d, the graph has %d", what, i, t,
                      c->m->num_tensors);
        nn_tensor *tn = &c->m->tensors[t];
        if (tn->type != NN_TYPE_FLOAT32)
            UNSUPPORTED("%s %u (tensor %d '%s') has type %s, only FLOAT32 is supported", what, i, t,
                        tn->name, type_name(tn->type));
        tn->is_io = 1;
        (*out)[i] = t;
    }
    return SEGTEX_OK;
}

/* ---- operators ------------------------------------------------------------ */

static void hist_add(segtex_model *m, const char *name)
{
    for (int k = 0; k < m->hist_len; k++)
        if (m->hist_name[k] == name) { /* names are the op table's: one pointer per op */
            m->hist_count[k]++;
            return;
        }
    if (m->hist_len < (int)(sizeof m->hist_name / sizeof m->hist_name[0])) {
        m->hist_name[m->hist_len] = name;
        m->hist_count[m->hist_len++] = 1;
    }
}

static segtex_status parse_operators(ctx *c, const fb_table *sg)
{
    segtex_model *m = c->m;
    fb_vec v;
    if (fb_vector(&c->b, sg, 3, 4, &v, "operators"))
        return SEGTEX_ERROR_MALFORMED;
    if (v.len == 0 || v.len > 16384)
        MALFORMED("subgraph 0 has %u operators, expected 1..16384", v.len);
    m->nodes = segtex_calloc(v.len, sizeof *m->nodes);
    if (!m->nodes)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    m->nodes_cap = (int)v.len;
    /* Graph inputs are available from the start; every other tensor must be produced before use. */
    for (int k = 0; k < m->num_inputs; k++)
        m->tensors[m->inputs[k]].first_use = 0;

    for (uint32_t i = 0; i < v.len; i++) {
        char what[64];
        snprintf(what, sizeof what, "operator %u", i);
        fb_table t;
        uint32_t code_index;
        fb_vec ins, outs, custom;
        uint8_t opt_type;
        nn_opctx o = {.m = m, .b = &c->b};
        if (fb_vector_table(&c->b, &v, i, &t, what) || fb_u32(&c->b, &t, 0, 0, &code_index, what) ||
            fb_vector(&c->b, &t, 1, 4, &ins, what) || fb_vector(&c->b, &t, 2, 4, &outs, what) ||
            fb_u8(&c->b, &t, 3, 0, &opt_type, what) ||
            fb_subtable(&c->b, &t, 4, &o.opts, &o.has_opts, what) ||
            fb_vector(&c->b, &t, 5, 1, &custom, what))
            return SEGTEX_ERROR_MALFORMED;
        if (code_index >= c->num_codes)
            MALFORMED("operator %u refers to operator code %u, the model has %u", i, code_index,
                      c->num_codes);
        const opcode *oc = &c->codes[code_index];
        nn_node *n = &m->nodes[m->num_nodes];
        memset(n, 0, sizeof *n);
        n->index = (int)i;
        o.n = n;
        o.custom = custom.len ? c->b.data + custom.pos : NULL;
        o.custom_len = custom.len;

        const nn_op_def *def;
        if (oc->builtin == NN_TFL_CUSTOM) {
            def = nn_op_find_custom(oc->custom);
            if (!def)
                UNSUPPORTED("operator %u: custom op '%.64s' is not supported", i, oc->custom);
            if (oc->version != def->version)
                UNSUPPORTED("operator %u: custom op %s version %d is not supported (only %d)", i, oc->custom,
                            oc->version, def->version);
        } else {
            def = nn_op_find_builtin(oc->builtin);
            if (!def)
                UNSUPPORTED("operator %u: builtin op %d is not supported", i, oc->builtin);
        }
        n->def = def;
        n->op_name = def->name;

        if (ins.len > NN_NODE_MAX_IN || outs.len > NN_NODE_MAX_OUT)
            UNSUPPORTED("operator %u (%s) has %u inputs and %u outputs, at most %d and %d supported", i,
                        n->op_name, ins.len, outs.len, NN_NODE_MAX_IN, NN_NODE_MAX_OUT);
        n->num_in = (int)ins.len;
        n->num_out = (int)outs.len;
        for (uint32_t k = 0; k < ins.len; k++) {
            int32_t tid = fb_vec_i32(&c->b, &ins, k);
            if (tid < -1 || tid >= m->num_tensors)
                MALFORMED("operator %u input %u refers to tensor %d, the graph has %d", i, k, tid,
                          m->num_tensors);
            if (tid >= 0 && !m->tensors[tid].is_const && m->tensors[tid].first_use < 0)
                MALFORMED("operator %u input %u (tensor %d '%s') is used before it is produced", i, k, tid,
                          m->tensors[tid].name);
            n->in[k] = tid;
        }
        for (uint32_t k = 0; k < outs.len; k++) {
            int32_t tid = fb_vec_i32(&c->b, &outs, k);
            if (tid < 0 || tid >= m->num_tensors)
                MALFORMED("operator %u output %u refers to tensor %d, the graph has %d", i, k, tid,
                          m->num_tensors);
            nn_tensor *ot = &m->tensors[tid];
            if (ot->producer >= 0 || ot->is_const || ot->first_use >= 0)
                MALFORMED("operator %u output %u (tensor %d '%s') is already defined", i, k, tid, ot->name);
            n->out[k] = tid;
        }

        segtex_status st = def->prepare(&o);
        if (st)
            return st;
        if (o.folded) /* the op became constants (DEQUANTIZE, DENSIFY): no node */
            continue;
        /* Every non-constant input's lifetime extends to this node. */
        int ni = m->num_nodes;
        for (int k = 0; k < n->num_in; k++)
            if (n->in[k] >= 0 && !m->tensors[n->in[k]].is_const)
                m->tensors[n->in[k]].last_use = ni;
        for (int k = 0; k < n->num_out; k++) {
            nn_tensor *ot = &m->tensors[n->out[k]];
            if (ot->type != NN_TYPE_FLOAT32)
                UNSUPPORTED("operator %u output '%s' has type %s, only FLOAT32 is supported", i, ot->name,
                            type_name(ot->type));
            ot->producer = ni;
            ot->first_use = ni;
            if (ot->last_use < ni)
                ot->last_use = ni;
        }
        m->macs += n->macs;
        hist_add(m, n->op_name);
        m->num_nodes++;
    }
    /* Folding (DENSIFY, DEQUANTIZE) is done: every tensor still without data is computed in FLOAT32. */
    for (int k = 0; k < m->num_tensors; k++) {
        nn_tensor *t = &m->tensors[k];
        if (!t->is_const && t->type != NN_TYPE_FLOAT32)
            UNSUPPORTED("tensor %d '%s' is a %s activation; only FLOAT32 activations are supported", k, t->name,
                        type_name(t->type));
    }
    for (int k = 0; k < m->num_outputs; k++) {
        nn_tensor *ot = &m->tensors[m->outputs[k]];
        if (ot->producer < 0 && ot->first_use < 0)
            MALFORMED("graph output %d (tensor %d '%s') is never produced", k, m->outputs[k], ot->name);
        ot->last_use = m->num_nodes; /* read after invoke */
    }
    for (int k = 0; k < m->num_inputs; k++)
        m->tensors[m->inputs[k]].last_use = m->num_nodes; /* kept for the next invoke */
    return SEGTEX_OK;
}

segtex_status nn_tflite_parse(segtex_model *m, const uint8_t *data, size_t size)
{
    ctx cc = {.m = m, .b = {data, size, m->name}}, *c = &cc;
    fb_table model, sg;
    segtex_status st = SEGTEX_ERROR_MALFORMED;
    if (size > ((size_t)1 << 31))
        MALFORMED("file of %zu bytes is too large", size);
    if (size >= 8 && memcmp(data + 4, "TFL3", 4) != 0)
        MALFORMED("file identifier is not TFL3");
    if (fb_root(&c->b, &model))
        goto done;
    uint32_t version;
    if (fb_u32(&c->b, &model, 0, 0, &version, "model version"))
        goto done;
    if (version != 3) {
        LOG_ERROR("model '%s': schema version %u, expected 3", m->name, version);
        goto done;
    }
    if ((st = parse_opcodes(c, &model)))
        goto done;
    st = SEGTEX_ERROR_MALFORMED;
    fb_vec subgraphs;
    if (fb_vector(&c->b, &model, 2, 4, &subgraphs, "subgraphs") ||
        fb_vector(&c->b, &model, 4, 4, &c->buffers, "buffers"))
        goto done;
    if (subgraphs.len < 1) {
        LOG_ERROR("model '%s': has no subgraph", m->name);
        goto done;
    }
    if (c->buffers.len > (1u << 20)) {
        LOG_ERROR("model '%s': has %u buffers", m->name, c->buffers.len);
        goto done;
    }
    if (fb_vector_table(&c->b, &subgraphs, 0, &sg, "subgraph 0"))
        goto done;
    size_t names_bytes;
    if ((st = parse_tensors(c, &sg, &names_bytes)) ||
        (st = parse_io(c, &sg, 1, "inputs", &m->inputs, &m->num_inputs)) ||
        (st = parse_io(c, &sg, 2, "outputs", &m->outputs, &m->num_outputs)) ||
        (st = parse_operators(c, &sg)))
        goto done;
done:
    segtex_free(c->codes);
    return st;
}
