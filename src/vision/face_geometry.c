/*
 * MediaPipe's canonical face mesh from GeometryPipelineMetadata (see
 * include/segtex/face_geometry.h for the message and the rejection rules).
 *
 * Field numbers and types, from MediaPipe's geometry_pipeline_metadata.proto
 * and mesh_3d.proto:
 *   GeometryPipelineMetadata: 1 canonical_mesh (Mesh3d, message),
 *     2 procrustes_landmark_basis (repeated WeightedLandmarkRef, message),
 *     3 input_source (enum, varint)
 *   WeightedLandmarkRef: 1 landmark_id (uint32, varint), 2 weight (float, fixed32)
 *   Mesh3d: 1 vertex_type (enum), 2 primitive_type (enum),
 *     3 vertex_buffer (repeated float: fixed32 each, or packed),
 *     4 index_buffer (repeated uint32: varint each, or packed)
 *
 * The reader is a cursor over [p, end): every read first checks that the
 * bytes are there, and a nested message gets its own cursor whose end is
 * the field's end, so nothing inside it can read past it. Repeated values
 * are appended into fixed-capacity arrays sized for the largest valid file;
 * one value too many is the "absurd size" error, so no input grows memory.
 */
#include "core/log.h"
#include "segtex/face_geometry.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

enum { WIRE_VARINT = 0, WIRE_I64 = 1, WIRE_LEN = 2, WIRE_I32 = 5 };

#define VERTEX_FLOATS 5
#define MAX_FLOATS (SEGTEX_FACE_GEOMETRY_VERTICES * VERTEX_FLOATS)
#define MAX_INDICES (SEGTEX_FACE_GEOMETRY_MAX_TRIANGLES * 3)

struct segtex_face_geometry {
    segtex_face_mesh mesh;
    float xyz[SEGTEX_FACE_GEOMETRY_VERTICES][3];
    float uv[SEGTEX_FACE_GEOMETRY_VERTICES][2];
    uint16_t triangles[SEGTEX_FACE_GEOMETRY_MAX_TRIANGLES][3];
    uint16_t basis_landmark[SEGTEX_FACE_GEOMETRY_VERTICES];
    float basis_weight[SEGTEX_FACE_GEOMETRY_VERTICES];
};

/* Parse state: the values read so far, before they are checked as a whole. */
typedef struct parse {
    const char *name;
    int have_mesh;
    int64_t vertex_type, primitive_type, input_source;
    int nfloats;
    float floats[MAX_FLOATS];
    int nindices;
    uint32_t indices[MAX_INDICES];
    int nbasis;
    uint16_t basis_id[SEGTEX_FACE_GEOMETRY_VERTICES];
    float basis_weight[SEGTEX_FACE_GEOMETRY_VERTICES];
} parse;

typedef struct cursor {
    const uint8_t *p, *end;
} cursor;

static const char *wire_name(int wire)
{
    static const char *const names[8] = {"varint", "fixed64", "length-delimited", "group start",
                                         "group end", "fixed32", "wire type 6", "wire type 7"};
    return names[wire & 7];
}

/* A varint of at most 10 bytes, all inside the cursor. */
static segtex_status read_varint(parse *ps, cursor *c, const char *what, uint64_t *out)
{
    uint64_t v = 0;
    for (int i = 0; i < 10; i++) {
        if (c->p >= c->end) {
            LOG_ERROR("face geometry '%s': %s: varint truncated at the end of the data", ps->name, what);
            return SEGTEX_ERROR_MALFORMED;
        }
        uint8_t b = *c->p++;
        v |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *out = v;
            return SEGTEX_OK;
        }
    }
    LOG_ERROR("face geometry '%s': %s: varint longer than 10 bytes", ps->name, what);
    return SEGTEX_ERROR_MALFORMED;
}

static segtex_status read_fixed32(parse *ps, cursor *c, const char *what, uint32_t *out)
{
    if (c->end - c->p < 4) {
        LOG_ERROR("face geometry '%s': %s: fixed32 runs past the end (%td bytes left)", ps->name, what,
                  c->end - c->p);
        return SEGTEX_ERROR_MALFORMED;
    }
    *out = (uint32_t)c->p[0] | (uint32_t)c->p[1] << 8 | (uint32_t)c->p[2] << 16 | (uint32_t)c->p[3] << 24;
    c->p += 4;
    return SEGTEX_OK;
}

/* A length-delimited field's body as a sub-cursor; the outer cursor moves past it. */
static segtex_status read_len(parse *ps, cursor *c, const char *what, cursor *body)
{
    uint64_t n;
    segtex_status st = read_varint(ps, c, what, &n);
    if (st)
        return st;
    if (n > (uint64_t)(c->end - c->p)) {
        LOG_ERROR("face geometry '%s': %s: length %llu runs past the end (%td bytes left)", ps->name, what,
                  (unsigned long long)n, c->end - c->p);
        return SEGTEX_ERROR_MALFORMED;
    }
    body->p = c->p;
    body->end = c->p + n;
    c->p += n;
    return SEGTEX_OK;
}

static segtex_status read_tag(parse *ps, cursor *c, const char *msg, int *field, int *wire)
{
    uint64_t tag;
    segtex_status st = read_varint(ps, c, msg, &tag);
    if (st)
        return st;
    *wire = (int)(tag & 7);
    if (tag >> 3 == 0 || tag >> 3 > 0x1fffffff) {
        LOG_ERROR("face geometry '%s': %s: field number %llu is invalid", ps->name, msg,
                  (unsigned long long)(tag >> 3));
        return SEGTEX_ERROR_MALFORMED;
    }
    *field = (int)(tag >> 3);
    return SEGTEX_OK;
}

/* Skip an unknown field's value. Groups (deprecated) and wire types 6, 7 are rejected. */
static segtex_status skip_field(parse *ps, cursor *c, const char *msg, int field, int wire)
{
    char what[96];
    snprintf(what, sizeof what, "%s field %d", msg, field);
    uint64_t v;
    uint32_t u;
    cursor body;
    switch (wire) {
    case WIRE_VARINT: return read_varint(ps, c, what, &v);
    case WIRE_I32: return read_fixed32(ps, c, what, &u);
    case WIRE_LEN: return read_len(ps, c, what, &body);
    case WIRE_I64:
        if (c->end - c->p < 8) {
            LOG_ERROR("face geometry '%s': %s: fixed64 runs past the end", ps->name, what);
            return SEGTEX_ERROR_MALFORMED;
        }
        c->p += 8;
        return SEGTEX_OK;
    }
    LOG_ERROR("face geometry '%s': %s has %s, not supported", ps->name, what, wire_name(wire));
    return SEGTEX_ERROR_MALFORMED;
}

static segtex_status wrong_wire(parse *ps, const char *field, int wire, const char *expected)
{
    LOG_ERROR("face geometry '%s': %s has %s, expected %s", ps->name, field, wire_name(wire), expected);
    return SEGTEX_ERROR_MALFORMED;
}

static segtex_status push_float(parse *ps, uint32_t bits)
{
    if (ps->nfloats >= MAX_FLOATS) {
        LOG_ERROR("face geometry '%s': Mesh3d.vertex_buffer has more than %d values (%d vertices of 5)", ps->name,
                  MAX_FLOATS, SEGTEX_FACE_GEOMETRY_VERTICES);
        return SEGTEX_ERROR_MALFORMED;
    }
    float f;
    memcpy(&f, &bits, sizeof f);
    ps->floats[ps->nfloats++] = f;
    return SEGTEX_OK;
}

static segtex_status push_index(parse *ps, uint64_t v)
{
    if (ps->nindices >= MAX_INDICES) {
        LOG_ERROR("face geometry '%s': Mesh3d.index_buffer has more than %d indices (%d triangles at most)",
                  ps->name, MAX_INDICES, SEGTEX_FACE_GEOMETRY_MAX_TRIANGLES);
        return SEGTEX_ERROR_MALFORMED;
    }
    if (v >= SEGTEX_FACE_GEOMETRY_VERTICES) {
        LOG_ERROR("face geometry '%s': Mesh3d.index_buffer[%d] = %llu is not below the vertex count %d", ps->name,
                  ps->nindices, (unsigned long long)v, SEGTEX_FACE_GEOMETRY_VERTICES);
        return SEGTEX_ERROR_MALFORMED;
    }
    ps->indices[ps->nindices++] = (uint32_t)v;
    return SEGTEX_OK;
}

static segtex_status read_enum(parse *ps, cursor *c, const char *field, int wire, int64_t *out)
{
    if (wire != WIRE_VARINT)
        return wrong_wire(ps, field, wire, "varint");
    uint64_t v = 0;
    segtex_status st = read_varint(ps, c, field, &v);
    *out = (int64_t)v; /* negative enums are 10-byte varints of the two's complement */
    return st;
}

static segtex_status read_mesh(parse *ps, cursor c)
{
    ps->have_mesh = 1;
    while (c.p < c.end) {
        int field, wire;
        segtex_status st = read_tag(ps, &c, "Mesh3d", &field, &wire);
        if (st)
            return st;
        if (field == 1) {
            st = read_enum(ps, &c, "Mesh3d.vertex_type", wire, &ps->vertex_type);
        } else if (field == 2) {
            st = read_enum(ps, &c, "Mesh3d.primitive_type", wire, &ps->primitive_type);
        } else if (field == 3 && wire == WIRE_I32) {
            uint32_t u;
            if (!(st = read_fixed32(ps, &c, "Mesh3d.vertex_buffer", &u)))
                st = push_float(ps, u);
        } else if (field == 3 && wire == WIRE_LEN) {
            cursor body;
            if ((st = read_len(ps, &c, "Mesh3d.vertex_buffer", &body)))
                return st;
            if ((body.end - body.p) % 4) {
                LOG_ERROR("face geometry '%s': packed Mesh3d.vertex_buffer of %td bytes is not a multiple of 4",
                          ps->name, body.end - body.p);
                return SEGTEX_ERROR_MALFORMED;
            }
            uint32_t u;
            while (!st && body.p < body.end)
                if (!(st = read_fixed32(ps, &body, "Mesh3d.vertex_buffer", &u)))
                    st = push_float(ps, u);
        } else if (field == 3) {
            return wrong_wire(ps, "Mesh3d.vertex_buffer", wire, "fixed32 or packed");
        } else if (field == 4 && wire == WIRE_VARINT) {
            uint64_t v;
            if (!(st = read_varint(ps, &c, "Mesh3d.index_buffer", &v)))
                st = push_index(ps, v);
        } else if (field == 4 && wire == WIRE_LEN) {
            cursor body;
            if ((st = read_len(ps, &c, "Mesh3d.index_buffer", &body)))
                return st;
            uint64_t v;
            while (!st && body.p < body.end)
                if (!(st = read_varint(ps, &body, "Mesh3d.index_buffer", &v)))
                    st = push_index(ps, v);
        } else if (field == 4) {
            return wrong_wire(ps, "Mesh3d.index_buffer", wire, "varint or packed");
        } else {
            st = skip_field(ps, &c, "Mesh3d", field, wire);
        }
        if (st)
            return st;
    }
    return SEGTEX_OK;
}

static segtex_status read_basis(parse *ps, cursor c)
{
    if (ps->nbasis >= SEGTEX_FACE_GEOMETRY_VERTICES) {
        LOG_ERROR("face geometry '%s': more than %d procrustes_landmark_basis entries", ps->name,
                  SEGTEX_FACE_GEOMETRY_VERTICES);
        return SEGTEX_ERROR_MALFORMED;
    }
    uint64_t id = 0;
    uint32_t wbits = 0;
    while (c.p < c.end) {
        int field, wire;
        segtex_status st = read_tag(ps, &c, "WeightedLandmarkRef", &field, &wire);
        if (st)
            return st;
        if (field == 1) {
            if (wire != WIRE_VARINT)
                return wrong_wire(ps, "WeightedLandmarkRef.landmark_id", wire, "varint");
            st = read_varint(ps, &c, "WeightedLandmarkRef.landmark_id", &id);
        } else if (field == 2) {
            if (wire != WIRE_I32)
                return wrong_wire(ps, "WeightedLandmarkRef.weight", wire, "fixed32");
            st = read_fixed32(ps, &c, "WeightedLandmarkRef.weight", &wbits);
        } else {
            st = skip_field(ps, &c, "WeightedLandmarkRef", field, wire);
        }
        if (st)
            return st;
    }
    float w;
    memcpy(&w, &wbits, sizeof w);
    if (id >= SEGTEX_FACE_GEOMETRY_VERTICES) {
        LOG_ERROR("face geometry '%s': procrustes_landmark_basis[%d] landmark_id %llu is not below %d", ps->name,
                  ps->nbasis, (unsigned long long)id, SEGTEX_FACE_GEOMETRY_VERTICES);
        return SEGTEX_ERROR_MALFORMED;
    }
    if (!isfinite(w) || w < 0) {
        LOG_ERROR("face geometry '%s': procrustes_landmark_basis[%d] weight %g is not a finite value >= 0",
                  ps->name, ps->nbasis, (double)w);
        return SEGTEX_ERROR_MALFORMED;
    }
    ps->basis_id[ps->nbasis] = (uint16_t)id;
    ps->basis_weight[ps->nbasis] = w;
    ps->nbasis++;
    return SEGTEX_OK;
}

static segtex_status read_metadata(parse *ps, cursor c)
{
    while (c.p < c.end) {
        int field, wire;
        segtex_status st = read_tag(ps, &c, "GeometryPipelineMetadata", &field, &wire);
        if (st)
            return st;
        cursor body;
        if (field == 1) {
            if (wire != WIRE_LEN)
                return wrong_wire(ps, "GeometryPipelineMetadata.canonical_mesh", wire, "length-delimited");
            if (!(st = read_len(ps, &c, "GeometryPipelineMetadata.canonical_mesh", &body)))
                st = read_mesh(ps, body);
        } else if (field == 2) {
            if (wire != WIRE_LEN)
                return wrong_wire(ps, "GeometryPipelineMetadata.procrustes_landmark_basis", wire,
                                  "length-delimited");
            if (!(st = read_len(ps, &c, "GeometryPipelineMetadata.procrustes_landmark_basis", &body)))
                st = read_basis(ps, body);
        } else if (field == 3) {
            st = read_enum(ps, &c, "GeometryPipelineMetadata.input_source", wire, &ps->input_source);
        } else {
            st = skip_field(ps, &c, "GeometryPipelineMetadata", field, wire);
        }
        if (st)
            return st;
    }
    return SEGTEX_OK;
}

/* The message read: check it as a whole and fill the geometry. */
static segtex_status check_and_fill(parse *ps, segtex_face_geometry *g)
{
    if (!ps->have_mesh) {
        LOG_ERROR("face geometry '%s': no canonical_mesh", ps->name);
        return SEGTEX_ERROR_MALFORMED;
    }
    if (ps->vertex_type != 0 || ps->primitive_type != 0) {
        LOG_ERROR("face geometry '%s': vertex type %lld, primitive type %lld: only VERTEX_PT (0) and TRIANGLE (0) "
                  "are supported",
                  ps->name, (long long)ps->vertex_type, (long long)ps->primitive_type);
        return SEGTEX_ERROR_UNSUPPORTED;
    }
    if (ps->nfloats % VERTEX_FLOATS) {
        LOG_ERROR("face geometry '%s': vertex buffer of %d values is not a multiple of 5 (x, y, z, u, v)", ps->name,
                  ps->nfloats);
        return SEGTEX_ERROR_MALFORMED;
    }
    if (ps->nfloats / VERTEX_FLOATS != SEGTEX_FACE_GEOMETRY_VERTICES) {
        LOG_ERROR("face geometry '%s': %d vertices, expected %d (one per face landmark)", ps->name,
                  ps->nfloats / VERTEX_FLOATS, SEGTEX_FACE_GEOMETRY_VERTICES);
        return SEGTEX_ERROR_MALFORMED;
    }
    for (int i = 0; i < ps->nfloats; i++)
        if (!isfinite(ps->floats[i])) {
            LOG_ERROR("face geometry '%s': vertex %d value %d is not finite", ps->name, i / VERTEX_FLOATS,
                      i % VERTEX_FLOATS);
            return SEGTEX_ERROR_MALFORMED;
        }
    if (ps->nindices == 0 || ps->nindices % 3) {
        LOG_ERROR("face geometry '%s': index buffer of %d indices is not a positive multiple of 3 (triangles)",
                  ps->name, ps->nindices);
        return SEGTEX_ERROR_MALFORMED;
    }
    for (int i = 0; i < SEGTEX_FACE_GEOMETRY_VERTICES; i++) {
        const float *v = ps->floats + i * VERTEX_FLOATS;
        g->xyz[i][0] = v[0], g->xyz[i][1] = v[1], g->xyz[i][2] = v[2];
        g->uv[i][0] = v[3], g->uv[i][1] = v[4];
    }
    for (int i = 0; i < ps->nindices; i++)
        g->triangles[i / 3][i % 3] = (uint16_t)ps->indices[i]; /* < 468: checked when read */
    memcpy(g->basis_landmark, ps->basis_id, sizeof g->basis_landmark);
    memcpy(g->basis_weight, ps->basis_weight, sizeof g->basis_weight);
    g->mesh = (segtex_face_mesh){
        .vertex_count = SEGTEX_FACE_GEOMETRY_VERTICES,
        .xyz = (const float(*)[3])g->xyz,
        .uv = (const float(*)[2])g->uv,
        .triangle_count = ps->nindices / 3,
        .triangles = (const uint16_t(*)[3])g->triangles,
        .basis_count = ps->nbasis,
        .basis_landmark = g->basis_landmark,
        .basis_weight = g->basis_weight,
        .input_source = (int)ps->input_source,
    };
    return SEGTEX_OK;
}

segtex_status segtex_face_geometry_create_from_memory(const uint8_t *data, size_t size, const char *name,
                                                      segtex_face_geometry **out)
{
    if (!out)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    *out = NULL;
    if (!name)
        name = "buffer";
    if (!data && size) {
        LOG_ERROR("face geometry '%s': NULL data", name);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    if (size > SEGTEX_FACE_GEOMETRY_MAX_BYTES) {
        LOG_ERROR("face geometry '%s': %zu bytes, more than the %d a face mesh can take", name, size,
                  SEGTEX_FACE_GEOMETRY_MAX_BYTES);
        return SEGTEX_ERROR_MALFORMED;
    }
    parse *ps = segtex_calloc(1, sizeof *ps);
    segtex_face_geometry *g = segtex_calloc(1, sizeof *g);
    segtex_status st = SEGTEX_ERROR_OUT_OF_MEMORY;
    cursor c = {data, data ? data + size : data};
    if (!ps || !g)
        goto done;
    ps->name = name;
    if (!(st = read_metadata(ps, c)))
        st = check_and_fill(ps, g);
done:
    segtex_free(ps);
    if (st)
        segtex_face_geometry_destroy(g);
    else
        *out = g;
    return st;
}

segtex_status segtex_face_geometry_create(const char *path, segtex_face_geometry **out)
{
    if (!out)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    *out = NULL;
    if (!path) {
        LOG_ERROR("face geometry: NULL path");
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        LOG_ERROR("face geometry '%s': cannot open: %s", path, strerror(errno));
        return SEGTEX_ERROR_IO;
    }
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    if (size < 0 || fseek(f, 0, SEEK_SET) != 0) {
        LOG_ERROR("face geometry '%s': cannot read its size", path);
        fclose(f);
        return SEGTEX_ERROR_IO;
    }
    if (size > SEGTEX_FACE_GEOMETRY_MAX_BYTES) {
        LOG_ERROR("face geometry '%s': %ld bytes, more than the %d a face mesh can take", path, size,
                  SEGTEX_FACE_GEOMETRY_MAX_BYTES);
        fclose(f);
        return SEGTEX_ERROR_MALFORMED;
    }
    uint8_t *buf = segtex_malloc(size ? (size_t)size : 1);
    if (!buf) {
        fclose(f);
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    }
    size_t got = fread(buf, 1, (size_t)size, f);
    fclose(f);
    segtex_status st;
    if (got != (size_t)size) {
        LOG_ERROR("face geometry '%s': short read (%zu of %ld bytes)", path, got, size);
        st = SEGTEX_ERROR_IO;
    } else {
        st = segtex_face_geometry_create_from_memory(buf, (size_t)size, path, out);
    }
    segtex_free(buf);
    return st;
}

void segtex_face_geometry_destroy(segtex_face_geometry *g)
{
    segtex_free(g);
}

const segtex_face_mesh *segtex_face_geometry_mesh(const segtex_face_geometry *g)
{
    return g ? &g->mesh : NULL;
}
