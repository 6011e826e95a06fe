/*
 * The canonical face mesh reader (src/vision/face_geometry.c): MediaPipe's
 * file as fetched, messages written here in the protobuf wire format (packed
 * and not, merged, with unknown fields), and one rejection per rule of
 * include/segtex/face_geometry.h, each with its error line.
 */
#include "harness.h"
#include "segtex/face_geometry.h"
#include "vision/face_mesh_tables.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a protobuf writer for the tests ---------------------------------------------------- */

typedef struct pb {
    size_t n;
    uint8_t b[80000];
} pb;

static void put_byte(pb *p, uint8_t v)
{
    if (p->n < sizeof p->b)
        p->b[p->n++] = v;
}
static void put_varint(pb *p, uint64_t v)
{
    do {
        put_byte(p, (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0)));
        v >>= 7;
    } while (v);
}
static void put_tag(pb *p, int field, int wire) { put_varint(p, (uint64_t)field << 3 | (uint64_t)wire); }
static void put_fixed32(pb *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        put_byte(p, (uint8_t)(v >> (8 * i)));
}
static void put_float(pb *p, float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    put_fixed32(p, u);
}
static void put_bytes(pb *p, int field, const pb *body)
{
    put_tag(p, field, 2);
    put_varint(p, body->n);
    for (size_t i = 0; i < body->n; i++)
        put_byte(p, body->b[i]);
}

/* What a synthetic message holds; the defaults make a valid one. */
typedef struct spec {
    int vertices;      /* 468 */
    int extra_floats;  /* floats beyond vertices * 5 */
    int packed_floats; /* 0: one fixed32 field per float */
    int packed_index;
    int triangles;
    int bad_index;     /* > 0: this value replaces the last index */
    int extra_indices; /* indices beyond triangles * 3 */
    int vertex_type, primitive_type;
    int no_mesh;
    int basis, basis_id_bad, basis_weight_negative;
    int nan_vertex;
    int unknown_fields; /* sprinkle fields 5..8 of every wire type */
    int split_mesh;     /* the vertex buffer in two canonical_mesh fields (protobuf merges them) */
} spec;

static spec valid(void) { return (spec){.vertices = 468, .triangles = 466, .basis = 3}; }

static float vertex_value(int i, int k)
{
    /* a plausible face-ish grid; u, v in [0, 1] */
    switch (k) {
    case 0: return (float)(i % 22) - 11.0f;
    case 1: return 11.0f - (float)(i / 22);
    case 2: return (float)(i % 7) * 0.1f;
    case 3: return (float)(i % 22) / 21.0f;
    default: return (float)(i / 22) / 21.0f;
    }
}

static void put_floats(pb *mesh, const spec *s, int from, int to)
{
    pb *packed = calloc(1, sizeof *packed);
    for (int i = from; i < to; i++) {
        float f = s->nan_vertex && i == 7 ? NAN : vertex_value(i / 5, i % 5);
        if (s->packed_floats) {
            put_float(packed, f);
        } else {
            put_tag(mesh, 3, 5);
            put_float(mesh, f);
        }
    }
    if (s->packed_floats && to > from)
        put_bytes(mesh, 3, packed);
    free(packed);
}

static void build(const spec *s, pb *out)
{
    memset(out, 0, sizeof *out);
    pb *mesh = calloc(1, sizeof *mesh), *idx = calloc(1, sizeof *idx), *ref = calloc(1, sizeof *ref);
    int nf = s->vertices * 5 + s->extra_floats;
    if (s->unknown_fields) {
        put_tag(mesh, 5, 0), put_varint(mesh, 300);
        put_tag(mesh, 6, 1);
        for (int i = 0; i < 8; i++)
            put_byte(mesh, (uint8_t)i);
        put_tag(mesh, 7, 5), put_fixed32(mesh, 7);
    }
    put_tag(mesh, 1, 0), put_varint(mesh, (uint64_t)(int64_t)s->vertex_type);
    put_tag(mesh, 2, 0), put_varint(mesh, (uint64_t)(int64_t)s->primitive_type);
    put_floats(mesh, s, 0, s->split_mesh ? nf / 2 : nf);
    int ni = s->triangles * 3 + s->extra_indices;
    for (int i = 0; i < ni; i++) {
        int t = i / 3, v = t % 466 + i % 3; /* strips of the grid: (t, t+1, t+2) */
        if (s->bad_index && i == ni - 1)
            v = s->bad_index;
        if (s->packed_index) {
            put_varint(idx, (uint64_t)v);
        } else {
            put_tag(mesh, 4, 0);
            put_varint(mesh, (uint64_t)v);
        }
    }
    if (s->packed_index)
        put_bytes(mesh, 4, idx);
    if (!s->no_mesh)
        put_bytes(out, 1, mesh);
    if (s->split_mesh) {
        memset(mesh, 0, sizeof *mesh);
        put_floats(mesh, s, nf / 2, nf);
        put_bytes(out, 1, mesh);
    }
    for (int i = 0; i < s->basis; i++) {
        memset(ref, 0, sizeof *ref);
        put_tag(ref, 1, 0), put_varint(ref, (uint64_t)(i == 1 && s->basis_id_bad ? 468 : (4 + i * 100) % 468));
        put_tag(ref, 2, 5), put_float(ref, i == 2 && s->basis_weight_negative ? -0.5f : 0.25f * (float)(i + 1));
        if (s->unknown_fields)
            put_tag(ref, 9, 2), put_varint(ref, 2), put_byte(ref, 1), put_byte(ref, 2);
        put_bytes(out, 2, ref);
    }
    if (s->unknown_fields)
        put_tag(out, 100, 0), put_varint(out, 1);
    put_tag(out, 3, 0), put_varint(out, 1);
    free(mesh), free(idx), free(ref);
}

static segtex_status parse_buf(const uint8_t *b, size_t n, segtex_face_geometry **g)
{
    test_log_reset();
    return segtex_face_geometry_create_from_memory(b, n, "test", g);
}

/* A message must be rejected with `want` and an error line containing `words`. */
static void rejects(const char *what, const uint8_t *b, size_t n, segtex_status want, const char *words)
{
    segtex_face_geometry *g = (segtex_face_geometry *)1;
    segtex_status st = parse_buf(b, n, &g);
    CHECK(st == want && g == NULL, "%s: status %d (%s), want %d", what, st, segtex_status_string(st), want);
    CHECK(test_log.errors == 1 && strstr(test_log.line, words), "%s: error line '%s' should say '%s'", what,
          test_log.line, words);
    if (st == SEGTEX_OK)
        segtex_face_geometry_destroy(g);
}

static void rejects_spec(const char *what, spec s, segtex_status want, const char *words)
{
    pb *p = malloc(sizeof *p);
    build(&s, p);
    rejects(what, p->b, p->n, want, words);
    free(p);
}

/* ---- tests ------------------------------------------------------------------------------ */

static void reads_mediapipe_file(void)
{
    const char *path = test_asset(SEGTEX_FACE_GEOMETRY_FILE);
    CHECK(path != NULL, "%s missing: run scripts/fetch-assets.sh", SEGTEX_FACE_GEOMETRY_FILE);
    if (!path)
        return;
    segtex_face_geometry *g = NULL;
    CHECK(segtex_face_geometry_create(path, &g) == SEGTEX_OK && g, "load %s", path);
    if (!g)
        return;
    const segtex_face_mesh *m = segtex_face_geometry_mesh(g);
    CHECK(m->vertex_count == 468 && m->triangle_count == 898, "%d vertices, %d triangles", m->vertex_count,
          m->triangle_count);
    CHECK(m->basis_count == 33 && m->input_source == SEGTEX_FACE_GEOMETRY_SOURCE_FACE_LANDMARK_PIPELINE,
          "%d basis landmarks, input source %d", m->basis_count, m->input_source);
    /* The face is symmetric about x = 0, u about 0.5; v grows downwards (forehead 10 above chin 152). */
    CHECK_NEAR(m->xyz[1][0], 0, 1e-5);
    CHECK_NEAR(m->xyz[33][0], -m->xyz[263][0], 1e-5);
    CHECK_NEAR(m->uv[33][0] + m->uv[263][0], 1, 1e-5);
    CHECK(m->uv[10][1] < 0.15f && m->uv[152][1] > 0.9f && m->xyz[10][1] > m->xyz[152][1],
          "v down, y up: forehead v %.3f y %.2f, chin v %.3f y %.2f", m->uv[10][1], m->xyz[10][1], m->uv[152][1],
          m->xyz[152][1]);
    int uv_in = 1;
    for (int i = 0; i < 468; i++)
        uv_in &= m->uv[i][0] >= 0 && m->uv[i][0] <= 1 && m->uv[i][1] >= 0 && m->uv[i][1] <= 1;
    CHECK(uv_in, "every texture coordinate in [0, 1]");
    /* The mesh's border (edges of one triangle) is exactly MediaPipe's face oval. */
    static uint8_t count[468][468];
    memset(count, 0, sizeof count);
    for (int t = 0; t < m->triangle_count; t++)
        for (int k = 0; k < 3; k++) {
            int a = m->triangles[t][k], b = m->triangles[t][(k + 1) % 3];
            count[a < b ? a : b][a < b ? b : a]++;
        }
    int border = 0, over = 0, on_oval = 0;
    for (int a = 0; a < 468; a++)
        for (int b = a + 1; b < 468; b++) {
            border += count[a][b] == 1;
            over += count[a][b] > 2;
        }
    for (int i = 0; i < SEGTEX_MESH_FACE_OVAL_COUNT; i++) {
        int a = segtex_mesh_face_oval[i], b = segtex_mesh_face_oval[(i + 1) % SEGTEX_MESH_FACE_OVAL_COUNT];
        on_oval += count[a < b ? a : b][a < b ? b : a] == 1;
    }
    CHECK(border == 36 && on_oval == 36 && over == 0, "border edges %d (%d on the face oval of 36), %d shared by 3+",
          border, on_oval, over);
    segtex_face_geometry_destroy(g);

    /* Every prefix of the file is either rejected cleanly or read (the sanitizers watch). */
    FILE *f = fopen(path, "rb");
    static uint8_t buf[20000];
    size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f)
        fclose(f);
    CHECK(n == 19376, "file size %zu", n);
    /* The mesh is the first field: 4 bytes of tag and length, 19050 of body; then 33 weights. */
    const size_t mesh_end = 4 + 19050;
    int accepted_cut_mesh = 0, accepted_cut_basis = 0;
    segtex_set_log(NULL, NULL, SEGTEX_LOG_ERROR);
    for (size_t k = 0; k < n; k += k < mesh_end - 400 ? 13 : 1) {
        if (segtex_face_geometry_create_from_memory(buf, k, "prefix", &g) == SEGTEX_OK) {
            if (k < mesh_end)
                accepted_cut_mesh++;
            else
                accepted_cut_basis += segtex_face_geometry_mesh(g)->basis_count < 33;
            segtex_face_geometry_destroy(g);
        }
    }
    segtex_set_log(test_log_capture, NULL, SEGTEX_LOG_DEBUG);
    CHECK(accepted_cut_mesh == 0, "%d files with a cut mesh accepted", accepted_cut_mesh);
    CHECK(accepted_cut_basis > 0, "a file cut between two weights is a valid message with fewer weights");
}

static void reads_packed_unpacked_merged_and_unknown(void)
{
    pb *p = malloc(sizeof *p);
    static float xyz[468][3], uv[468][2];
    static uint16_t tri[466][3];
    spec variants[5] = {valid(), valid(), valid(), valid(), valid()};
    variants[1].packed_floats = 1, variants[1].packed_index = 1;
    variants[2].unknown_fields = 1;
    variants[3].split_mesh = 1;
    variants[4].split_mesh = 1, variants[4].packed_floats = 1, variants[4].unknown_fields = 1;
    const char *names[5] = {"unpacked", "packed", "unknown fields", "split mesh", "split packed unknown"};
    for (int k = 0; k < 5; k++) {
        build(&variants[k], p);
        segtex_face_geometry *g = NULL;
        segtex_status st = parse_buf(p->b, p->n, &g);
        CHECK(st == SEGTEX_OK && g, "%s: %s (%s)", names[k], segtex_status_string(st), test_log.line);
        if (!g)
            continue;
        const segtex_face_mesh *m = segtex_face_geometry_mesh(g);
        CHECK(m->triangle_count == 466 && m->basis_count == 3 && m->input_source == 1, "%s: %d triangles",
              names[k], m->triangle_count);
        if (k == 0) {
            memcpy(xyz, m->xyz, sizeof xyz), memcpy(uv, m->uv, sizeof uv), memcpy(tri, m->triangles, sizeof tri);
            CHECK(xyz[23][0] == vertex_value(23, 0) && uv[23][1] == vertex_value(23, 4) && tri[5][2] == 7,
                  "values land where they belong");
            CHECK(m->basis_landmark[2] == 204 && m->basis_weight[2] == 0.75f, "basis 2: %d %g", m->basis_landmark[2],
                  (double)m->basis_weight[2]);
        } else {
            CHECK(!memcmp(xyz, m->xyz, sizeof xyz) && !memcmp(uv, m->uv, sizeof uv) &&
                      !memcmp(tri, m->triangles, sizeof tri),
                  "%s: same mesh as unpacked", names[k]);
        }
        segtex_face_geometry_destroy(g);
    }
    free(p);
}

static void rejects_wire_errors(void)
{
    const uint8_t trunc_varint[] = {0x18, 0x80};
    rejects("truncated varint", trunc_varint, sizeof trunc_varint, SEGTEX_ERROR_MALFORMED, "varint truncated");
    const uint8_t trunc_tag[] = {0x80};
    rejects("truncated tag", trunc_tag, sizeof trunc_tag, SEGTEX_ERROR_MALFORMED, "varint truncated");
    const uint8_t long_varint[] = {0x18, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
    rejects("11-byte varint", long_varint, sizeof long_varint, SEGTEX_ERROR_MALFORMED, "longer than 10 bytes");
    const uint8_t len_past[] = {0x0a, 0x05, 0x08, 0x00};
    rejects("length past the end", len_past, sizeof len_past, SEGTEX_ERROR_MALFORMED, "runs past the end");
    const uint8_t huge_len[] = {0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    rejects("2^64-1 length", huge_len, sizeof huge_len, SEGTEX_ERROR_MALFORMED, "runs past the end");
    /* A length inside the buffer but past the end of its enclosing message. */
    const uint8_t nested_past[] = {0x0a, 0x02, 0x1a, 0x04, 0x00, 0x00, 0x80, 0x3f};
    rejects("length past the enclosing message", nested_past, sizeof nested_past, SEGTEX_ERROR_MALFORMED,
            "runs past the end");
    const uint8_t fixed_past[] = {0x0a, 0x03, 0x1d, 0x00, 0x00};
    rejects("fixed32 past the end", fixed_past, sizeof fixed_past, SEGTEX_ERROR_MALFORMED, "fixed32 runs past");
    const uint8_t fixed64_past[] = {0x29, 0x00, 0x00};
    rejects("fixed64 past the end", fixed64_past, sizeof fixed64_past, SEGTEX_ERROR_MALFORMED, "fixed64 runs past");
    const uint8_t field0[] = {0x00, 0x01};
    rejects("field number 0", field0, sizeof field0, SEGTEX_ERROR_MALFORMED, "field number 0");
    const uint8_t group[] = {0x2b, 0x2c};
    rejects("group wire type", group, sizeof group, SEGTEX_ERROR_MALFORMED, "group start");
    const uint8_t wire7[] = {0x2f};
    rejects("wire type 7", wire7, sizeof wire7, SEGTEX_ERROR_MALFORMED, "wire type 7");
    const uint8_t packed_odd[] = {0x0a, 0x05, 0x1a, 0x03, 0x00, 0x00, 0x00};
    rejects("packed floats not a multiple of 4", packed_odd, sizeof packed_odd, SEGTEX_ERROR_MALFORMED,
            "not a multiple of 4");
    static const uint8_t big[SEGTEX_FACE_GEOMETRY_MAX_BYTES + 1];
    rejects("absurd size", big, sizeof big, SEGTEX_ERROR_MALFORMED, "more than the");
}

static void rejects_wrong_wire_types(void)
{
    const uint8_t mesh_varint[] = {0x08, 0x01};
    rejects("canonical_mesh as varint", mesh_varint, sizeof mesh_varint, SEGTEX_ERROR_MALFORMED,
            "canonical_mesh has varint, expected length-delimited");
    const uint8_t basis_fixed[] = {0x15, 0, 0, 0, 0};
    rejects("basis as fixed32", basis_fixed, sizeof basis_fixed, SEGTEX_ERROR_MALFORMED,
            "procrustes_landmark_basis has fixed32");
    const uint8_t source_len[] = {0x1a, 0x00};
    rejects("input_source as bytes", source_len, sizeof source_len, SEGTEX_ERROR_MALFORMED,
            "input_source has length-delimited, expected varint");
    const uint8_t vtype_fixed[] = {0x0a, 0x05, 0x0d, 0, 0, 0, 0};
    rejects("vertex_type as fixed32", vtype_fixed, sizeof vtype_fixed, SEGTEX_ERROR_MALFORMED,
            "vertex_type has fixed32");
    const uint8_t ptype_len[] = {0x0a, 0x02, 0x12, 0x00};
    rejects("primitive_type as bytes", ptype_len, sizeof ptype_len, SEGTEX_ERROR_MALFORMED,
            "primitive_type has length-delimited");
    const uint8_t vbuf_varint[] = {0x0a, 0x02, 0x18, 0x00};
    rejects("vertex_buffer as varint", vbuf_varint, sizeof vbuf_varint, SEGTEX_ERROR_MALFORMED,
            "vertex_buffer has varint, expected fixed32 or packed");
    const uint8_t ibuf_fixed[] = {0x0a, 0x05, 0x25, 0, 0, 0, 0};
    rejects("index_buffer as fixed32", ibuf_fixed, sizeof ibuf_fixed, SEGTEX_ERROR_MALFORMED,
            "index_buffer has fixed32, expected varint or packed");
    const uint8_t id_fixed[] = {0x12, 0x05, 0x0d, 0, 0, 0, 0};
    rejects("landmark_id as fixed32", id_fixed, sizeof id_fixed, SEGTEX_ERROR_MALFORMED, "landmark_id has fixed32");
    const uint8_t weight_varint[] = {0x12, 0x02, 0x10, 0x01};
    rejects("weight as varint", weight_varint, sizeof weight_varint, SEGTEX_ERROR_MALFORMED,
            "weight has varint, expected fixed32");
}

static void rejects_bad_meshes(void)
{
    spec s = valid();
    s.no_mesh = 1;
    rejects_spec("no mesh", s, SEGTEX_ERROR_MALFORMED, "no canonical_mesh");
    s = valid(), s.vertices = 467;
    rejects_spec("467 vertices", s, SEGTEX_ERROR_MALFORMED, "467 vertices, expected 468");
    s = valid(), s.vertices = 100, s.packed_floats = 1;
    rejects_spec("100 vertices", s, SEGTEX_ERROR_MALFORMED, "100 vertices, expected 468");
    s = valid(), s.extra_floats = -1;
    rejects_spec("vertex buffer not a multiple of 5", s, SEGTEX_ERROR_MALFORMED, "not a multiple of 5");
    s = valid(), s.extra_floats = 1;
    rejects_spec("one float too many", s, SEGTEX_ERROR_MALFORMED, "more than 2340 values");
    s = valid(), s.nan_vertex = 1;
    rejects_spec("NaN vertex", s, SEGTEX_ERROR_MALFORMED, "vertex 1 value 2 is not finite");
    s = valid(), s.bad_index = 468;
    rejects_spec("index 468", s, SEGTEX_ERROR_MALFORMED, "= 468 is not below the vertex count 468");
    s = valid(), s.bad_index = 468, s.packed_index = 1;
    rejects_spec("packed index 468", s, SEGTEX_ERROR_MALFORMED, "is not below the vertex count");
    s = valid(), s.extra_indices = 1;
    rejects_spec("indices not a multiple of 3", s, SEGTEX_ERROR_MALFORMED, "1399 indices is not a positive multiple of 3");
    s = valid(), s.triangles = 0;
    rejects_spec("no triangles", s, SEGTEX_ERROR_MALFORMED, "0 indices is not a positive multiple of 3");
    s = valid(), s.triangles = SEGTEX_FACE_GEOMETRY_MAX_TRIANGLES + 1, s.packed_index = 1;
    rejects_spec("too many triangles", s, SEGTEX_ERROR_MALFORMED, "4096 triangles at most");
    s = valid(), s.vertex_type = 1;
    rejects_spec("vertex type 1", s, SEGTEX_ERROR_UNSUPPORTED, "vertex type 1");
    s = valid(), s.primitive_type = -1;
    rejects_spec("primitive type -1", s, SEGTEX_ERROR_UNSUPPORTED, "primitive type -1");
    s = valid(), s.basis_id_bad = 1;
    rejects_spec("basis landmark 468", s, SEGTEX_ERROR_MALFORMED, "landmark_id 468 is not below 468");
    s = valid(), s.basis_weight_negative = 1;
    rejects_spec("negative weight", s, SEGTEX_ERROR_MALFORMED, "weight -0.5 is not a finite value >= 0");
    s = valid(), s.basis = 469;
    rejects_spec("469 basis entries", s, SEGTEX_ERROR_MALFORMED, "more than 468 procrustes_landmark_basis");
}

static void rejects_bad_calls_and_files(void)
{
    segtex_face_geometry *g = (segtex_face_geometry *)1;
    test_log_reset();
    CHECK(segtex_face_geometry_create("/nonexistent/x.binarypb", &g) == SEGTEX_ERROR_IO && !g, "missing file");
    CHECK(test_log.errors == 1 && strstr(test_log.line, "'/nonexistent/x.binarypb': cannot open"), "'%s'",
          test_log.line);
    CHECK(segtex_face_geometry_create(NULL, &g) == SEGTEX_ERROR_INVALID_ARGUMENT && !g, "NULL path");
    CHECK(segtex_face_geometry_create("x", NULL) == SEGTEX_ERROR_INVALID_ARGUMENT, "NULL out");
    CHECK(segtex_face_geometry_create_from_memory(NULL, 0, NULL, &g) == SEGTEX_ERROR_MALFORMED && !g,
          "empty buffer: no mesh");
    segtex_face_geometry_destroy(NULL);
    CHECK(segtex_face_geometry_mesh(NULL) == NULL, "mesh of NULL");
    /* Out of memory at each allocation: an error, nothing leaked. */
    pb *p = malloc(sizeof *p);
    spec s = valid();
    build(&s, p);
    int64_t live = segtex_alloc_live();
    for (int k = 1; k <= 2; k++) {
        segtex_alloc_fail_at((uint64_t)k);
        CHECK(parse_buf(p->b, p->n, &g) == SEGTEX_ERROR_OUT_OF_MEMORY && !g, "allocation %d fails", k);
        segtex_alloc_fail_at(0);
    }
    CHECK(segtex_alloc_live() == live, "leaked %lld blocks", (long long)(segtex_alloc_live() - live));
    free(p);
}

int main(void)
{
    segtex_set_log(test_log_capture, NULL, SEGTEX_LOG_DEBUG);
    RUN(reads_mediapipe_file);
    RUN(reads_packed_unpacked_merged_and_unknown);
    RUN(rejects_wire_errors);
    RUN(rejects_wrong_wire_types);
    RUN(rejects_bad_meshes);
    RUN(rejects_bad_calls_and_files);
    return test_summary();
}
