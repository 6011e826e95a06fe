/*
 * The face mesh's texture coordinates rasterized over one face (see
 * face_uv.h for what it does and the phases).
 *
 * Exactness at shared edges: the edge function of the edge between vertices
 * a and b is always evaluated from the lower-numbered vertex to the higher
 * one, with the same arithmetic in both triangles that share it (the side is
 * folded into the coefficients by a sign flip, which is exact), so the two
 * triangles see exactly opposite values at every pixel centre. A pixel whose
 * centre lies on a shared edge is claimed by both (the inside test is >= 0)
 * and never by neither: no cracks between triangles, whatever the rounding.
 *
 * Visibility: a depth test per pixel on the landmarks' z (smaller is nearer,
 * as MediaPipe's), interpolated affinely like (u, v). Where the landmarks
 * fold the mesh over itself (the underside of the nose, the mouth corners)
 * the nearer layer wins, as it would in a camera.
 */
#include "render/face_uv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define NV SEGTEX_FACE_GEOMETRY_VERTICES

typedef struct tri_setup {
    float ex[3], ey[3];   /* lower-numbered vertex of edge k */
    float ea[3], eb[3];   /* e_k(s) = ea * (s.x - ex) + eb * (s.y - ey) >= 0 inside */
    float inv_len[3];     /* outline edges: 1 / edge length, for the distance in pixels */
    float margin[3];      /* outline edges: half the edge length (half a pixel of distance), else 0 */
    float inv_a[3];       /* 1 / ea, 0 when ea is 0 */
    float lpen[3], rpen[3]; /* 0 for the end of the row edge k bounds (ea > 0: left, < 0: right), else -inf / +inf */
    int flat;             /* bit k: edge k is horizontal (ea == 0) */
    float u0, dudx, dudy; /* u(s) = u0 + dudx * (s.x - ox) + dudy * (s.y - oy) */
    float v0, dvdx, dvdy;
    float z0, dzdx, dzdy;
    float ox, oy;
    int x0, x1, y0, y1; /* pixels whose centres may be covered: [x0, x1) x [y0, y1) */
    int outline;        /* bit k: edge k is on the mesh border (anti-aliased) */
    int per_pixel;      /* test every pixel: outline edges, or coordinates too large for `slack` */
    float slack;        /* bound on the rounding error of a row's crossings, in pixels */
} tri_setup;

struct face_uv {
    int ntri;
    uint16_t (*tri)[3];
    uint8_t *border; /* per triangle, bit k: edge k (tri[k] -> tri[(k+1)%3]) belongs to no other triangle */
    float uv[NV][2];
    float front_sign; /* sign of the doubled screen area (y down) of a front face */
    /* per frame (prepare) */
    float sx[NV], sy[NV], sz[NV];
    tri_setup *setup; /* the front triangles */
    int32_t (*box)[4]; /* their setup's y0, y1, x0, x1, packed: a band scans these, not the setups */
    int nfront;
    int simd; /* 2: rows set up 16 at a time (rows_avx512), 1: 8 (rows_avx2), 0: one by one (face_uv_set_simd_level) */
};

segtex_status face_uv_map_alloc(face_uv_map *map, size_t pixels)
{
    memset(map, 0, sizeof *map);
    if (pixels == 0 || pixels > ((size_t)1 << 28))
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    map->texels = segtex_malloc(pixels * sizeof *map->texels);
    if (!map->texels)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    map->capacity = pixels;
    return SEGTEX_OK;
}

void face_uv_map_free(face_uv_map *map)
{
    if (!map)
        return;
    segtex_free(map->texels);
    memset(map, 0, sizeof *map);
}

void face_uv_destroy(face_uv *r)
{
    if (!r)
        return;
    segtex_free(r->tri);
    segtex_free(r->border);
    segtex_free(r->setup);
    segtex_free(r->box);
    segtex_free(r);
}

/* Plain comparisons (fminf and fmaxf are library calls that handle NaN; inputs here are finite). */
static inline float min_f(float a, float b) { return a < b ? a : b; }
static inline float max_f(float a, float b) { return a > b ? a : b; }

static float cross2(float ax, float ay, float bx, float by, float cx, float cy)
{
    return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/* Border edges: the 3n edges sorted by their unordered vertex pair; an edge whose pair occurs once
 * is on the border (the face oval in MediaPipe's mesh). Create time only. */
typedef struct edge_ref {
    uint32_t key; /* lo << 16 | hi */
    int32_t tri;
    int32_t k;
} edge_ref;

static int edge_cmp(const void *a, const void *b)
{
    const edge_ref *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->tri < y->tri ? -1 : x->tri > y->tri;
}

static segtex_status find_border(face_uv *r)
{
    size_t m = (size_t)r->ntri * 3;
    edge_ref *e = segtex_malloc(m * sizeof *e);
    if (!e)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    for (int t = 0; t < r->ntri; t++) {
        r->border[t] = 0;
        for (int k = 0; k < 3; k++) {
            uint32_t a = r->tri[t][k], b = r->tri[t][(k + 1) % 3];
            e[t * 3 + k] = (edge_ref){a < b ? a << 16 | b : b << 16 | a, t, k};
        }
    }
    qsort(e, m, sizeof *e, edge_cmp);
    for (size_t i = 0; i < m; i++)
        if ((i == 0 || e[i - 1].key != e[i].key) && (i + 1 == m || e[i + 1].key != e[i].key))
            r->border[e[i].tri] |= (uint8_t)(1 << e[i].k);
    segtex_free(e);
    return SEGTEX_OK;
}

segtex_status face_uv_create(const segtex_face_mesh *mesh, face_uv **out)
{
    if (!out)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    *out = NULL;
    if (!mesh || mesh->vertex_count != NV || mesh->triangle_count <= 0 ||
        mesh->triangle_count > SEGTEX_FACE_GEOMETRY_MAX_TRIANGLES)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    face_uv *r = segtex_calloc(1, sizeof *r);
    if (!r)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    int n = r->ntri = mesh->triangle_count;
    r->tri = segtex_malloc((size_t)n * sizeof *r->tri);
    r->border = segtex_malloc((size_t)n);
    r->setup = segtex_malloc((size_t)n * sizeof *r->setup);
    r->box = segtex_malloc((size_t)n * sizeof *r->box);
    if (!r->tri || !r->border || !r->setup || !r->box) {
        face_uv_destroy(r);
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    }
    memcpy(r->tri, mesh->triangles, (size_t)n * sizeof *r->tri);
    memcpy(r->uv, mesh->uv, sizeof r->uv);
    if (find_border(r)) {
        face_uv_destroy(r);
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    }
    /* Front faces: the winding most triangles have when the canonical mesh (y up, z to the viewer) is
     * seen from the front in image coordinates (y down). */
    int pos = 0;
    for (int t = 0; t < n; t++) {
        const float *a = mesh->xyz[r->tri[t][0]], *b = mesh->xyz[r->tri[t][1]], *c = mesh->xyz[r->tri[t][2]];
        pos += cross2(a[0], -a[1], b[0], -b[1], c[0], -c[1]) > 0;
    }
    r->front_sign = 2 * pos > n ? 1.0f : -1.0f;
    face_uv_set_simd_level(r, 2);
    *out = r;
    return SEGTEX_OK;
}

void face_uv_set_simd_level(face_uv *r, int level)
{
    r->simd = 0;
#if defined(__x86_64__)
    if (level >= 2 && __builtin_cpu_supports("avx512f"))
        r->simd = 2;
    else if (level >= 1 && __builtin_cpu_supports("avx2"))
        r->simd = 1;
#else
    (void)level;
#endif
}

void face_uv_set_scalar_only(face_uv *r, int on) { face_uv_set_simd_level(r, on ? 0 : 2); }

int face_uv_front_triangles(const face_uv *r)
{
    return r ? r->nfront : 0;
}

static void setup_triangle(const face_uv *r, int t, float area2, tri_setup *s)
{
    const uint16_t *v = r->tri[t];
    float sign = area2 > 0 ? 1.0f : -1.0f;
    s->outline = 0;
    s->flat = 0;
    for (int k = 0; k < 3; k++) {
        int a = v[k], b = v[(k + 1) % 3];
        int lo = a < b ? a : b, hi = a < b ? b : a;
        s->ex[k] = r->sx[lo], s->ey[k] = r->sy[lo];
        s->ea[k] = -(r->sy[hi] - r->sy[lo]);
        s->eb[k] = r->sx[hi] - r->sx[lo];
        /* Folding the side into the coefficients is exact (a sign flip), so the neighbour across a
         * shared edge still sees exactly the opposite value. */
        float side = a < b ? sign : -sign;
        s->ea[k] *= side, s->eb[k] *= side;
        s->inv_len[k] = s->margin[k] = 0;
        if (r->border[t] >> k & 1) {
            s->outline |= 1 << k;
            float len = hypotf(s->ea[k], s->eb[k]);
            s->inv_len[k] = len > 0 ? 1.0f / len : 0.0f;
            s->margin[k] = 0.5f * len;
        }
        float slope = s->ea[k];
        s->inv_a[k] = slope != 0 ? 1.0f / slope : 0.0f;
        s->flat |= (slope == 0) << k;
        s->lpen[k] = slope > 0 ? 0.0f : -INFINITY;
        s->rpen[k] = slope < 0 ? 0.0f : INFINITY;
    }
    float x0 = r->sx[v[0]], y0 = r->sy[v[0]], x1 = r->sx[v[1]], y1 = r->sy[v[1]], x2 = r->sx[v[2]],
          y2 = r->sy[v[2]];
    float u0 = r->uv[v[0]][0], u1 = r->uv[v[1]][0], u2 = r->uv[v[2]][0];
    float w0 = r->uv[v[0]][1], w1 = r->uv[v[1]][1], w2 = r->uv[v[2]][1];
    float z0 = r->sz[v[0]], z1 = r->sz[v[1]], z2 = r->sz[v[2]];
    float inv = 1.0f / area2;
    s->ox = x0, s->oy = y0;
    s->u0 = u0, s->v0 = w0, s->z0 = z0;
    s->dzdx = ((z1 - z0) * (y2 - y0) - (z2 - z0) * (y1 - y0)) * inv;
    s->dzdy = ((z2 - z0) * (x1 - x0) - (z1 - z0) * (x2 - x0)) * inv;
    s->dudx = ((u1 - u0) * (y2 - y0) - (u2 - u0) * (y1 - y0)) * inv;
    s->dudy = ((u2 - u0) * (x1 - x0) - (u1 - u0) * (x2 - x0)) * inv;
    s->dvdx = ((w1 - w0) * (y2 - y0) - (w2 - w0) * (y1 - y0)) * inv;
    s->dvdy = ((w2 - w0) * (x1 - x0) - (w1 - w0) * (x2 - x0)) * inv;
    /* Pixel centres i + 0.5 within the triangle's box, grown by the outline's half pixel and one more
     * pixel of safety (the per-pixel test decides). */
    float pad = s->outline ? 1.5f : 1.0f;
    float minx = min_f(x0, min_f(x1, x2)), maxx = max_f(x0, max_f(x1, x2));
    float miny = min_f(y0, min_f(y1, y2)), maxy = max_f(y0, max_f(y1, y2));
    s->x0 = (int)floorf(minx - pad), s->x1 = (int)ceilf(maxx + pad);
    s->y0 = (int)floorf(miny - pad), s->y1 = (int)ceilf(maxy + pad);
    /* The crossings are computed to a few float ulps of the coordinates' magnitude (under 0.01 px
     * for any frame up to 16384 pixels); past that the exact test of every pixel decides. */
    float mag = max_f(max_f(fabsf(minx), fabsf(maxx)), max_f(fabsf(miny), fabsf(maxy)));
    s->slack = 0.02f + 1e-6f * mag;
    s->per_pixel = s->outline || s->slack > 0.4f;
}

segtex_status face_uv_prepare(face_uv *r, const segtex_face_landmarks *face, int fw, int fh, face_uv_rect *rect)
{
    *rect = (face_uv_rect){0, 0, 0, 0};
    r->nfront = 0;
    if (!face || face->count < NV || fw < 1 || fh < 1 || fw > 16384 || fh > 16384)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    float minx = INFINITY, maxx = -INFINITY, miny = INFINITY, maxy = -INFINITY;
    for (int i = 0; i < NV; i++) {
        float x = face->xyz[i][0] * (float)fw, y = face->xyz[i][1] * (float)fh, z = face->xyz[i][2] * (float)fw;
        if (!(fabsf(x) <= 1e6f && fabsf(y) <= 1e6f && fabsf(z) <= 1e6f)) /* also NaN */
            return SEGTEX_ERROR_INVALID_ARGUMENT;
        r->sx[i] = x, r->sy[i] = y, r->sz[i] = z;
        minx = min_f(minx, x), maxx = max_f(maxx, x), miny = min_f(miny, y), maxy = max_f(maxy, y);
    }
    int x0 = (int)floorf(minx) - 1, x1 = (int)ceilf(maxx) + 1, y0 = (int)floorf(miny) - 1, y1 = (int)ceilf(maxy) + 1;
    x0 = x0 < 0 ? 0 : x0, y0 = y0 < 0 ? 0 : y0;
    x1 = x1 > fw ? fw : x1, y1 = y1 > fh ? fh : y1;
    if (x1 <= x0 || y1 <= y0)
        return SEGTEX_OK; /* the face is outside the frame: an empty rectangle, nothing to draw */
    *rect = (face_uv_rect){x0, y0, x1 - x0, y1 - y0};

    /* Front faces only; a fold of the landmarks (a triangle turned over) is culled like a back face:
     * the layers around it cover its pixels. A sliver of under a millionth of a pixel is skipped too:
     * its gradients would not be finite, and it covers no pixel centre but by chance. */
    for (int t = 0; t < r->ntri; t++) {
        const uint16_t *v = r->tri[t];
        float a2 = cross2(r->sx[v[0]], r->sy[v[0]], r->sx[v[1]], r->sy[v[1]], r->sx[v[2]], r->sy[v[2]]);
        if (r->front_sign * a2 > 1e-6f) {
            tri_setup *st = &r->setup[r->nfront];
            setup_triangle(r, t, a2, st);
            r->box[r->nfront][0] = st->y0, r->box[r->nfront][1] = st->y1;
            r->box[r->nfront][2] = st->x0, r->box[r->nfront][3] = st->x1;
            r->nfront++;
        }
    }
    return SEGTEX_OK;
}

/*
 * Where the row whose centres are at `py` crosses the triangle: pixel
 * centres x + 0.5 in [*xl, *xr] pass every edge (with the outline's margin),
 * from each edge's crossing (a multiply by the precomputed inverse slope),
 * clamped to the triangle's box. Exact up to s->slack.
 */
static inline void row_bounds(const tri_setup *s, float py, float *xl, float *xr)
{
    float l = (float)s->x0, r = (float)s->x1;
    for (int k = 0; k < 3; k++) {
        /* ea * (x - ex) + eb * (py - ey) + margin >= 0; branch-free: the penalty drops the edge from
         * the end it does not bound */
        float b = s->eb[k] * (py - s->ey[k]) + s->margin[k];
        float x = s->ex[k] - b * s->inv_a[k];
        l = max_f(l, x + s->lpen[k]);
        r = min_f(r, x + s->rpen[k]);
        if ((s->flat >> k & 1) && b < 0)
            r = l - 1; /* the row misses this horizontal edge's half plane */
    }
    *xl = min_f(max_f(l, (float)s->x0), (float)s->x1);
    *xr = min_f(max_f(r, (float)s->x0 - 1), (float)s->x1);
}

/* The exact inside test (no outline margins) at pixel centre px of a row. */
static inline int inside_hard(const tri_setup *s, float px, float r0, float r1, float r2)
{
    return s->ea[0] * (px - s->ex[0]) + r0 >= 0 && s->ea[1] * (px - s->ex[1]) + r1 >= 0 &&
           s->ea[2] * (px - s->ex[2]) + r2 >= 0;
}


/*
 * Pixels [lo, hi) of row y of triangle s (lo, hi from its row bounds; for a
 * triangle without per-pixel tests, the ends already tested exactly).
 */
static inline void draw_row(const tri_setup *s, face_uv_map *map, int y, int lo, int hi, int mx0)
{
    float py = (float)y + 0.5f;
    face_uv_texel *row = map->texels + (size_t)(y - map->y0) * (size_t)map->width;
    float urow = s->u0 + s->dudy * (py - s->oy), vrow = s->v0 + s->dvdy * (py - s->oy);
    float zrow = s->z0 + s->dzdy * (py - s->oy);
    if (!s->per_pixel) {
        /* Inside, only the depth test. */
        face_uv_texel *t = row + (lo - mx0);
        for (int x = lo; x < hi; x++, t++) {
            float dx = (float)x + 0.5f - s->ox;
            float z = zrow + s->dzdx * dx;
            if (z < t->depth)
                *t = (face_uv_texel){urow + s->dudx * dx, vrow + s->dvdx * dx, 1.0f, z};
        }
        return;
    }
    float rr[3] = {s->eb[0] * (py - s->ey[0]), s->eb[1] * (py - s->ey[1]), s->eb[2] * (py - s->ey[2])};
    for (int x = lo; x < hi; x++) {
        float px = (float)x + 0.5f, c = 1.0f;
        int in = 1;
        for (int k = 0; k < 3 && in; k++) {
            float e = s->ea[k] * (px - s->ex[k]) + rr[k];
            if (!(s->outline >> k & 1)) {
                in = e >= 0;
            } else {
                float d = e * s->inv_len[k]; /* pixels inside the edge */
                if (d <= -0.5f)
                    in = 0;
                else if (d < 0.5f)
                    c *= d + 0.5f;
            }
        }
        if (!in)
            continue;
        face_uv_texel *t = &row[x - mx0];
        float dx = px - s->ox, z = zrow + s->dzdx * dx;
        /* Whole pixels meet the depth test; a partial (rim) pixel only fills what no whole one
         * covers, with the most coverage winning, and leaves the depth open for whole ones. */
        if (c >= 1.0f ? z < t->depth : t->coverage < 1.0f && c > t->coverage)
            *t = (face_uv_texel){urow + s->dudx * dx, vrow + s->dvdx * dx, c, c >= 1.0f ? z : INFINITY};
    }
}

#if defined(__x86_64__)
#define RN (_MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
/* inside_hard for 16 rows at once: of the lanes in `in`, those whose pixel centre px is inside all three edges. */
__attribute__((target("avx512f"))) static inline __mmask16 inside_hard16(const tri_setup *s, __m512 px,
                                                                        const __m512 rk[3], __mmask16 in)
{
    const __m512 zero = _mm512_setzero_ps();
    for (int k = 0; k < 3; k++) {
        __m512 e = _mm512_add_round_ps(
            _mm512_mul_round_ps(_mm512_set1_ps(s->ea[k]), _mm512_sub_round_ps(px, _mm512_set1_ps(s->ex[k]), RN), RN),
            rk[k], RN);
        in = _mm512_mask_cmp_ps_mask(in, e, zero, _CMP_GE_OQ);
    }
    return in;
}

/*
 * Rows [y0, y1) (at most 16) of triangle s: row_bounds, the span ends and
 * their exact tests, one row per lane (AVX-512 F), then each row's pixels.
 * The same float operations in the same order, each rounded on its own
 * (the _round_ forms are never fused into multiply-adds), ceilf and floorf
 * as roundscale: the scalar loop's spans exactly.
 */
__attribute__((target("avx512f"))) static void rows_avx512(const tri_setup *s, face_uv_map *map, int y0, int y1,
                                                           int mx0, int mx1)
{
    const __m512 half = _mm512_set1_ps(0.5f), one = _mm512_set1_ps(1.0f), zero = _mm512_setzero_ps();
    __m512 py = _mm512_add_round_ps(
        _mm512_cvtepi32_ps(_mm512_add_epi32(_mm512_set1_epi32(y0),
                                            _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0))),
        half, RN);
    __m512 l = _mm512_set1_ps((float)s->x0), r = _mm512_set1_ps((float)s->x1), rk[3];
    for (int k = 0; k < 3; k++) {
        __m512 b = _mm512_add_round_ps(
            _mm512_mul_round_ps(_mm512_set1_ps(s->eb[k]), _mm512_sub_round_ps(py, _mm512_set1_ps(s->ey[k]), RN), RN),
            _mm512_set1_ps(s->margin[k]), RN);
        __m512 x = _mm512_sub_round_ps(_mm512_set1_ps(s->ex[k]), _mm512_mul_round_ps(b, _mm512_set1_ps(s->inv_a[k]), RN),
                                       RN);
        l = _mm512_max_ps(l, _mm512_add_round_ps(x, _mm512_set1_ps(s->lpen[k]), RN));
        r = _mm512_min_ps(r, _mm512_add_round_ps(x, _mm512_set1_ps(s->rpen[k]), RN));
        if (s->flat >> k & 1)
            r = _mm512_mask_sub_round_ps(r, _mm512_cmp_ps_mask(b, zero, _CMP_LT_OQ), l, one, RN);
        rk[k] = _mm512_mul_round_ps(_mm512_set1_ps(s->eb[k]), _mm512_sub_round_ps(py, _mm512_set1_ps(s->ey[k]), RN),
                                    RN);
    }
    const __m512 fx0 = _mm512_set1_ps((float)s->x0), fx1 = _mm512_set1_ps((float)s->x1);
    __m512 xl = _mm512_min_ps(_mm512_max_ps(l, fx0), fx1);
    __m512 xr = _mm512_min_ps(_mm512_max_ps(r, _mm512_set1_ps((float)s->x0 - 1)), fx1);
    __m512 a = _mm512_sub_round_ps(xl, half, RN), bb = _mm512_sub_round_ps(xr, half, RN);
    const __m512 slack = _mm512_set1_ps(s->slack);
    const __m512i M0 = _mm512_set1_epi32(mx0), M1 = _mm512_set1_epi32(mx1), I1 = _mm512_set1_epi32(1);
#define CEIL(v) _mm512_cvttps_epi32(_mm512_roundscale_ps((v), _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC))
#define FLOOR(v) _mm512_cvttps_epi32(_mm512_roundscale_ps((v), _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC))
    __m512i lo = CEIL(_mm512_sub_round_ps(a, slack, RN)), lo_in = CEIL(_mm512_add_round_ps(a, slack, RN));
    __m512i hi = _mm512_add_epi32(FLOOR(_mm512_add_round_ps(bb, slack, RN)), I1);
    __m512i hi_in = _mm512_add_epi32(FLOOR(_mm512_sub_round_ps(bb, slack, RN)), I1);
#undef CEIL
#undef FLOOR
    lo = _mm512_max_epi32(lo, M0), lo_in = _mm512_max_epi32(lo_in, M0);
    hi = _mm512_min_epi32(hi, M1), hi_in = _mm512_min_epi32(hi_in, M1);
    if (!s->per_pixel) {
        /* inside_hard at lo + 0.5 (where lo != lo_in), then at hi - 0.5 (where hi != hi_in and hi > lo). */
        __mmask16 in = _mm512_cmpneq_epi32_mask(lo, lo_in);
        __m512 px = _mm512_add_round_ps(_mm512_cvtepi32_ps(lo), half, RN);
        in = inside_hard16(s, px, rk, in);
        lo = _mm512_mask_mov_epi32(lo, _mm512_cmpneq_epi32_mask(lo, lo_in) & (__mmask16)~in, lo_in);
        __mmask16 test = _mm512_cmpneq_epi32_mask(hi, hi_in) & _mm512_cmpgt_epi32_mask(hi, lo);
        in = test;
        px = _mm512_sub_round_ps(_mm512_cvtepi32_ps(hi), half, RN);
        in = inside_hard16(s, px, rk, in);
        hi = _mm512_mask_mov_epi32(hi, test & (__mmask16)~in, hi_in);
    }
    int32_t los[16], his[16];
    _mm512_storeu_si512(los, lo);
    _mm512_storeu_si512(his, hi);
    for (int y = y0; y < y1; y++)
        if (his[y - y0] > los[y - y0])
            draw_row(s, map, y, los[y - y0], his[y - y0], mx0);
}
#undef RN

/*
 * rows_avx512 for 8 rows (AVX2; no FMA enabled, so nothing is fused):
 * the same float operations in the same order, ceilf and floorf as
 * _mm256_round_ps, masks as compares and blends.
 */
__attribute__((target("avx2"))) static void rows_avx2(const tri_setup *s, face_uv_map *map, int y0, int y1, int mx0,
                                                      int mx1)
{
    const __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f), zero = _mm256_setzero_ps();
    __m256 py = _mm256_add_ps(
        _mm256_cvtepi32_ps(_mm256_add_epi32(_mm256_set1_epi32(y0), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))), half);
    __m256 l = _mm256_set1_ps((float)s->x0), r = _mm256_set1_ps((float)s->x1), rk[3];
    for (int k = 0; k < 3; k++) {
        __m256 b = _mm256_add_ps(_mm256_mul_ps(_mm256_set1_ps(s->eb[k]), _mm256_sub_ps(py, _mm256_set1_ps(s->ey[k]))),
                                 _mm256_set1_ps(s->margin[k]));
        __m256 x = _mm256_sub_ps(_mm256_set1_ps(s->ex[k]), _mm256_mul_ps(b, _mm256_set1_ps(s->inv_a[k])));
        l = _mm256_max_ps(l, _mm256_add_ps(x, _mm256_set1_ps(s->lpen[k])));
        r = _mm256_min_ps(r, _mm256_add_ps(x, _mm256_set1_ps(s->rpen[k])));
        if (s->flat >> k & 1)
            r = _mm256_blendv_ps(r, _mm256_sub_ps(l, one), _mm256_cmp_ps(b, zero, _CMP_LT_OQ));
        rk[k] = _mm256_mul_ps(_mm256_set1_ps(s->eb[k]), _mm256_sub_ps(py, _mm256_set1_ps(s->ey[k])));
    }
    const __m256 fx0 = _mm256_set1_ps((float)s->x0), fx1 = _mm256_set1_ps((float)s->x1);
    __m256 xl = _mm256_min_ps(_mm256_max_ps(l, fx0), fx1);
    __m256 xr = _mm256_min_ps(_mm256_max_ps(r, _mm256_set1_ps((float)s->x0 - 1)), fx1);
    __m256 a = _mm256_sub_ps(xl, half), bb = _mm256_sub_ps(xr, half);
    const __m256 slack = _mm256_set1_ps(s->slack);
    const __m256i M0 = _mm256_set1_epi32(mx0), M1 = _mm256_set1_epi32(mx1), I1 = _mm256_set1_epi32(1);
#define CEIL(v) _mm256_cvttps_epi32(_mm256_round_ps((v), _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC))
#define FLOOR(v) _mm256_cvttps_epi32(_mm256_round_ps((v), _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC))
    __m256i lo = CEIL(_mm256_sub_ps(a, slack)), lo_in = CEIL(_mm256_add_ps(a, slack));
    __m256i hi = _mm256_add_epi32(FLOOR(_mm256_add_ps(bb, slack)), I1);
    __m256i hi_in = _mm256_add_epi32(FLOOR(_mm256_sub_ps(bb, slack)), I1);
#undef CEIL
#undef FLOOR
    lo = _mm256_max_epi32(lo, M0), lo_in = _mm256_max_epi32(lo_in, M0);
    hi = _mm256_min_epi32(hi, M1), hi_in = _mm256_min_epi32(hi_in, M1);
    if (!s->per_pixel) {
        /* inside_hard at lo + 0.5 (where lo != lo_in), then at hi - 0.5 (where hi != hi_in and hi > lo). */
        const __m256i ones = _mm256_set1_epi32(-1);
        __m256i differ = _mm256_xor_si256(_mm256_cmpeq_epi32(lo, lo_in), ones);
        __m256 in = _mm256_castsi256_ps(differ);
        __m256 px = _mm256_add_ps(_mm256_cvtepi32_ps(lo), half);
        for (int k = 0; k < 3; k++) {
            __m256 e = _mm256_add_ps(
                _mm256_mul_ps(_mm256_set1_ps(s->ea[k]), _mm256_sub_ps(px, _mm256_set1_ps(s->ex[k]))), rk[k]);
            in = _mm256_and_ps(in, _mm256_cmp_ps(e, zero, _CMP_GE_OQ));
        }
        /* Where lo differs from lo_in and the pixel is not inside: lo_in. */
        lo = _mm256_blendv_epi8(lo, lo_in, _mm256_andnot_si256(_mm256_castps_si256(in), differ));
        __m256i test = _mm256_andnot_si256(_mm256_cmpeq_epi32(hi, hi_in), _mm256_cmpgt_epi32(hi, lo));
        in = _mm256_castsi256_ps(test);
        px = _mm256_sub_ps(_mm256_cvtepi32_ps(hi), half);
        for (int k = 0; k < 3; k++) {
            __m256 e = _mm256_add_ps(
                _mm256_mul_ps(_mm256_set1_ps(s->ea[k]), _mm256_sub_ps(px, _mm256_set1_ps(s->ex[k]))), rk[k]);
            in = _mm256_and_ps(in, _mm256_cmp_ps(e, zero, _CMP_GE_OQ));
        }
        hi = _mm256_blendv_epi8(hi, hi_in, _mm256_andnot_si256(_mm256_castps_si256(in), test));
    }
    int32_t los[8], his[8];
    _mm256_storeu_si256((__m256i *)(void *)los, lo);
    _mm256_storeu_si256((__m256i *)(void *)his, hi);
    for (int y = y0; y < y1; y++)
        if (his[y - y0] > los[y - y0])
            draw_row(s, map, y, los[y - y0], his[y - y0], mx0);
}
#endif

int face_uv_rasterize_rows(const face_uv *r, face_uv_map *map, int y_begin, int y_end)
{
    if (map->width <= 0 || map->height <= 0 || (size_t)map->width * (size_t)map->height > map->capacity)
        return 0;
    int yb = y_begin > map->y0 ? y_begin : map->y0;
    int ye = y_end < map->y0 + map->height ? y_end : map->y0 + map->height;
    if (ye <= yb)
        return 0;
    const int mx0 = map->x0, mx1 = map->x0 + map->width;
    for (int y = yb; y < ye; y++) {
        face_uv_texel *t = map->texels + (size_t)(y - map->y0) * (size_t)map->width;
        for (int x = 0; x < map->width; x++)
            t[x] = (face_uv_texel){0, 0, 0, INFINITY};
    }
    int drawn = 0;
    for (int i = 0; i < r->nfront; i++) {
        const int32_t *box = r->box[i];
        int ty0 = box[0] > yb ? box[0] : yb, ty1 = box[1] < ye ? box[1] : ye;
        if (ty1 <= ty0 || box[3] <= mx0 || box[2] >= mx1)
            continue;
        const tri_setup *s = &r->setup[i];
        drawn++;
#if defined(__x86_64__)
        if (r->simd == 2) {
            for (int y = ty0; y < ty1; y += 16)
                rows_avx512(s, map, y, y + 16 < ty1 ? y + 16 : ty1, mx0, mx1);
            continue;
        }
        if (r->simd == 1) {
            for (int y = ty0; y < ty1; y += 8)
                rows_avx2(s, map, y, y + 8 < ty1 ? y + 8 : ty1, mx0, mx1);
            continue;
        }
#endif
        for (int y = ty0; y < ty1; y++) {
            float py = (float)y + 0.5f, xl, xr;
            row_bounds(s, py, &xl, &xr);
            /* Pixels surely outside the span end at lo (hi), surely inside begin at lo_in (hi_in). */
            float a = xl - 0.5f, b = xr - 0.5f;
            int lo = (int)ceilf(a - s->slack), lo_in = (int)ceilf(a + s->slack);
            int hi = (int)floorf(b + s->slack) + 1, hi_in = (int)floorf(b - s->slack) + 1;
            lo = lo > mx0 ? lo : mx0, lo_in = lo_in > mx0 ? lo_in : mx0;
            hi = hi < mx1 ? hi : mx1, hi_in = hi_in < mx1 ? hi_in : mx1;
            if (hi <= lo)
                continue;
            float r0 = s->eb[0] * (py - s->ey[0]), r1 = s->eb[1] * (py - s->ey[1]), r2 = s->eb[2] * (py - s->ey[2]);
            if (!s->per_pixel) {
                /* The covered pixels of a row of a triangle are an interval (each edge's float test is
                 * monotonic along the row); only an end within the slack of a crossing needs the exact
                 * test, one pixel at most. */
                if (lo != lo_in && !inside_hard(s, (float)lo + 0.5f, r0, r1, r2))
                    lo = lo_in;
                if (hi != hi_in && hi > lo && !inside_hard(s, (float)hi - 0.5f, r0, r1, r2))
                    hi = hi_in;
            }
            draw_row(s, map, y, lo, hi, mx0);
        }
    }
    return drawn;
}

int face_uv_map_view(face_uv_map *map, const face_uv_rect *rect, int y_begin, int y_end)
{
    int yb = y_begin > rect->y0 ? y_begin : rect->y0;
    int ye = y_end < rect->y0 + rect->height ? y_end : rect->y0 + rect->height;
    map->x0 = rect->x0, map->width = rect->width, map->y0 = yb, map->height = ye > yb ? ye - yb : 0;
    if (map->width <= 0 || map->height <= 0) {
        map->width = map->height = 0;
        return 0;
    }
    if ((size_t)map->width * (size_t)map->height > map->capacity) {
        map->x0 = map->y0 = map->width = map->height = 0;
        return -1;
    }
    return 0;
}

segtex_status face_uv_rasterize(face_uv *r, const segtex_face_landmarks *face, int fw, int fh, face_uv_map *map)
{
    face_uv_rect rect;
    segtex_status st = face_uv_prepare(r, face, fw, fh, &rect);
    if (st == SEGTEX_OK && face_uv_map_view(map, &rect, rect.y0, rect.y0 + rect.height))
        st = SEGTEX_ERROR_INVALID_ARGUMENT; /* the map is too small for this face */
    if (st != SEGTEX_OK) {
        map->x0 = map->y0 = map->width = map->height = 0;
        return st;
    }
    /* In bands, so that the rows being drawn stay in the cache (a 300-pixel face's map is 1.5 MB). */
    for (int y = map->y0; y < map->y0 + map->height; y += FACE_UV_BAND_ROWS)
        face_uv_rasterize_rows(r, map, y, y + FACE_UV_BAND_ROWS);
    return SEGTEX_OK;
}

static int wrap(int i, int n)
{
    i %= n;
    return i < 0 ? i + n : i;
}

void face_uv_sample_rgb(const uint8_t *rgb, int tw, int th, ptrdiff_t stride, float u, float v, uint8_t out[3])
{
    if (!(fabsf(u) < 1e6f))
        u = 0;
    if (!(fabsf(v) < 1e6f))
        v = 0;
    float fx = u * (float)tw - 0.5f, fy = v * (float)th - 0.5f;
    float flx = floorf(fx), fly = floorf(fy);
    float ax = fx - flx, ay = fy - fly;
    int x0 = wrap((int)flx, tw), y0 = wrap((int)fly, th);
    int x1 = x0 + 1 == tw ? 0 : x0 + 1, y1 = y0 + 1 == th ? 0 : y0 + 1;
    const uint8_t *r0 = rgb + (ptrdiff_t)y0 * stride, *r1 = rgb + (ptrdiff_t)y1 * stride;
    for (int c = 0; c < 3; c++) {
        float top = r0[x0 * 3 + c] + ax * (float)(r0[x1 * 3 + c] - r0[x0 * 3 + c]);
        float bot = r1[x0 * 3 + c] + ax * (float)(r1[x1 * 3 + c] - r1[x0 * 3 + c]);
        float val = top + ay * (bot - top) + 0.5f;
        out[c] = (uint8_t)(val < 0 ? 0 : val > 255 ? 255 : val);
    }
}
