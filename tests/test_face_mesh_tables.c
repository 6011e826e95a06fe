/*
 * Checks the face mesh index tables against an independent copy of MediaPipe's
 * published contour edge lists (the numbers only), and checks the polygons'
 * shape on one real frontal face.
 */
#include "harness.h"
#include "vision/face_mesh_tables.h"

#include <stdlib.h>
#include <string.h>

#define N_ELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- reference edge lists (MediaPipe face mesh connections; subject's sides) ---- */
typedef struct {
    uint16_t a, b;
} edge;

static const edge ref_lips[] = {
    {61, 146},  {146, 91},  {91, 181},  {181, 84},  {84, 17},   {17, 314},  {314, 405},
    {405, 321}, {321, 375}, {375, 291}, {61, 185},  {185, 40},  {40, 39},   {39, 37},
    {37, 0},    {0, 267},   {267, 269}, {269, 270}, {270, 409}, {409, 291}, {78, 95},
    {95, 88},   {88, 178},  {178, 87},  {87, 14},   {14, 317},  {317, 402}, {402, 318},
    {318, 324}, {324, 308}, {78, 191},  {191, 80},  {80, 81},   {81, 82},   {82, 13},
    {13, 312},  {312, 311}, {311, 310}, {310, 415}, {415, 308},
};
static const edge ref_left_eye[] = {
    {263, 249}, {249, 390}, {390, 373}, {373, 374}, {374, 380}, {380, 381},
    {381, 382}, {382, 362}, {263, 466}, {466, 388}, {388, 387}, {387, 386},
    {386, 385}, {385, 384}, {384, 398}, {398, 362},
};
static const edge ref_right_eye[] = {
    {33, 7},    {7, 163},   {163, 144}, {144, 145}, {145, 153}, {153, 154},
    {154, 155}, {155, 133}, {33, 246},  {246, 161}, {161, 160}, {160, 159},
    {159, 158}, {158, 157}, {157, 173}, {173, 133},
};
static const edge ref_left_brow[] = {
    {276, 283}, {283, 282}, {282, 295}, {295, 285},
    {300, 293}, {293, 334}, {334, 296}, {296, 336},
};
static const edge ref_right_brow[] = {
    {46, 53}, {53, 52}, {52, 65}, {65, 55}, {70, 63}, {63, 105}, {105, 66}, {66, 107},
};
/* The brows are two open chains; these mesh (tessellation) edges close them. */
static const edge close_left_brow[] = {{285, 336}, {300, 276}};
static const edge close_right_brow[] = {{55, 107}, {70, 46}};
static const edge ref_left_iris[] = {{474, 475}, {475, 476}, {476, 477}, {477, 474}};
static const edge ref_right_iris[] = {{469, 470}, {470, 471}, {471, 472}, {472, 469}};
static const edge ref_face_oval[] = {
    {10, 338},  {338, 297}, {297, 332}, {332, 284}, {284, 251}, {251, 389}, {389, 356},
    {356, 454}, {454, 323}, {323, 361}, {361, 288}, {288, 397}, {397, 365}, {365, 379},
    {379, 378}, {378, 400}, {400, 377}, {377, 152}, {152, 148}, {148, 176}, {176, 149},
    {149, 150}, {150, 136}, {136, 172}, {172, 58},  {58, 132},  {132, 93},  {93, 234},
    {234, 127}, {127, 162}, {162, 21},  {21, 54},   {54, 103},  {103, 67},  {67, 109},
    {109, 10},
};

/* ---- helpers ---- */
static int has_duplicates(const uint16_t *v, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (v[i] == v[j])
                return 1;
    return 0;
}

static int contains(const uint16_t *v, int n, int x)
{
    for (int i = 0; i < n; i++)
        if (v[i] == x)
            return 1;
    return 0;
}

/* Same set of indices (both without duplicates). */
static int same_set(const uint16_t *a, int na, const uint16_t *b, int nb)
{
    if (na != nb)
        return 0;
    for (int i = 0; i < na; i++)
        if (!contains(b, nb, a[i]))
            return 0;
    return 1;
}

static int find_edge(const edge *e, int n, int a, int b)
{
    for (int i = 0; i < n; i++)
        if ((e[i].a == a && e[i].b == b) || (e[i].a == b && e[i].b == a))
            return i;
    return -1;
}

/* Check the closed polygons `polys` together use every edge of ref (plus the
 * extra closing edges) exactly once and no other edge. */
static void check_loops(const char *name, const uint16_t *const *polys, const int *counts,
                        int npolys, const edge *ref, int nref, const edge *extra, int nextra)
{
    int used[64] = {0}, used_extra[4] = {0}, total = 0;
    for (int p = 0; p < npolys; p++) {
        const uint16_t *v = polys[p];
        int n = counts[p];
        CHECK(n >= 3, "%s: polygon %d has %d points", name, p, n);
        CHECK(!has_duplicates(v, n), "%s: polygon %d repeats a landmark", name, p);
        for (int i = 0; i < n; i++) {
            int a = v[i], b = v[(i + 1) % n];
            int k = find_edge(ref, nref, a, b);
            if (k >= 0) {
                used[k]++;
            } else {
                int x = extra ? find_edge(extra, nextra, a, b) : -1;
                CHECK(x >= 0, "%s: %d-%d is not a reference edge", name, a, b);
                if (x >= 0)
                    used_extra[x]++;
            }
            total++;
        }
    }
    for (int k = 0; k < nref; k++)
        CHECK(used[k] == 1, "%s: edge %d-%d used %d times", name, ref[k].a, ref[k].b, used[k]);
    for (int k = 0; k < nextra; k++)
        CHECK(used_extra[k] == 1, "%s: closing edge %d-%d used %d times", name, extra[k].a,
              extra[k].b, used_extra[k]);
    CHECK(total == nref + nextra, "%s: %d polygon edges, expected %d", name, total, nref + nextra);
}

/* ---- one real frontal face ---- */
/* Landmarks (pixels of the 192x192 input) that face_landmark_with_attention.tflite
 * produced, after refinement with these tables, for a 170x170 crop at (140,40)
 * of assets/astronaut.png (upright, non-mirrored; face flag logit +23.6). Only
 * the landmarks the polygons use, plus the iris centres. */
typedef struct {
    uint16_t idx;
    float x, y;
} point;
static const point face[] = {
    {0, 93.8f, 113.4f}, {7, 63.6f, 69.9f}, {10, 98.2f, 31.9f}, {13, 93.7f, 116.7f},
    {14, 93.3f, 124.8f}, {17, 92.8f, 131.2f}, {21, 48.1f, 49.4f}, {33, 62.3f, 68.4f},
    {37, 86.7f, 112.0f}, {39, 80.1f, 111.8f}, {40, 75.7f, 111.7f}, {46, 56.8f, 59.5f},
    {52, 67.7f, 56.3f}, {53, 61.3f, 57.0f}, {54, 52.6f, 41.8f}, {55, 86.9f, 62.3f},
    {58, 47.0f, 113.8f}, {61, 69.8f, 111.9f}, {63, 59.4f, 53.9f}, {65, 76.1f, 57.8f},
    {66, 75.7f, 54.3f}, {67, 71.3f, 32.5f}, {70, 54.5f, 57.0f}, {78, 71.6f, 112.7f},
    {80, 77.9f, 113.7f}, {81, 82.0f, 114.5f}, {82, 87.2f, 115.7f}, {84, 85.5f, 130.0f},
    {87, 87.0f, 123.8f}, {88, 78.0f, 119.2f}, {91, 75.2f, 122.0f}, {93, 43.7f, 89.5f},
    {95, 75.2f, 116.5f}, {103, 59.9f, 36.0f}, {105, 66.6f, 52.8f}, {107, 86.1f, 56.6f},
    {109, 83.6f, 31.4f}, {127, 44.1f, 68.2f}, {132, 44.6f, 101.2f}, {133, 83.2f, 71.9f},
    {136, 56.3f, 132.0f}, {144, 67.7f, 72.0f}, {145, 71.5f, 72.7f}, {146, 72.2f, 117.0f},
    {148, 83.3f, 154.4f}, {149, 69.3f, 145.3f}, {150, 63.3f, 139.6f}, {152, 93.1f, 156.2f},
    {153, 75.5f, 72.7f}, {154, 79.4f, 72.3f}, {155, 81.9f, 72.1f}, {157, 79.1f, 67.6f},
    {158, 75.2f, 65.6f}, {159, 71.1f, 65.0f}, {160, 67.1f, 65.5f}, {161, 64.7f, 66.7f},
    {162, 45.5f, 57.6f}, {163, 65.2f, 71.0f}, {172, 51.1f, 124.1f}, {173, 81.9f, 70.2f},
    {176, 75.7f, 150.5f}, {178, 82.0f, 121.8f}, {181, 79.6f, 126.8f}, {185, 72.3f, 111.7f},
    {191, 74.6f, 113.1f}, {234, 43.8f, 78.7f}, {246, 63.3f, 67.6f}, {249, 128.6f, 74.0f},
    {251, 146.8f, 55.4f}, {263, 130.3f, 72.8f}, {267, 101.4f, 112.5f}, {269, 108.3f, 112.9f},
    {270, 113.0f, 113.1f}, {276, 136.8f, 65.0f}, {282, 126.9f, 60.2f}, {283, 132.9f, 61.8f},
    {284, 142.7f, 47.4f}, {285, 106.6f, 63.4f}, {288, 142.3f, 119.2f}, {291, 118.9f, 113.8f},
    {293, 135.2f, 59.2f}, {295, 118.5f, 60.4f}, {296, 119.4f, 57.0f}, {297, 125.0f, 35.8f},
    {300, 139.3f, 63.1f}, {308, 117.1f, 114.4f}, {310, 110.5f, 114.9f}, {311, 106.1f, 115.5f},
    {312, 100.5f, 116.2f}, {314, 100.4f, 130.6f}, {317, 99.8f, 124.3f}, {318, 109.7f, 120.4f},
    {321, 112.1f, 123.4f}, {323, 147.9f, 95.5f}, {324, 112.9f, 118.0f}, {332, 136.0f, 40.6f},
    {334, 128.5f, 57.0f}, {336, 108.4f, 58.0f}, {338, 112.9f, 33.1f}, {356, 149.7f, 74.4f},
    {361, 145.9f, 107.1f}, {362, 108.9f, 73.5f}, {365, 131.0f, 136.4f}, {373, 124.2f, 75.2f},
    {374, 120.3f, 75.3f}, {375, 115.9f, 118.6f}, {377, 102.8f, 155.5f}, {378, 117.1f, 148.0f},
    {379, 123.4f, 143.1f}, {380, 116.4f, 74.8f}, {381, 112.6f, 74.2f}, {382, 110.1f, 73.9f},
    {384, 113.7f, 69.8f}, {385, 117.9f, 68.2f}, {386, 122.1f, 68.0f}, {387, 126.0f, 69.0f},
    {388, 128.3f, 70.5f}, {389, 149.0f, 63.8f}, {390, 126.8f, 74.7f}, {397, 137.0f, 129.1f},
    {398, 110.5f, 72.1f}, {400, 110.5f, 152.5f}, {402, 105.2f, 122.7f}, {405, 106.9f, 127.8f},
    {409, 116.5f, 113.4f}, {415, 114.1f, 114.6f}, {454, 149.1f, 84.8f}, {466, 129.5f, 71.8f},
    {468, 71.8f, 69.0f}, {469, 76.7f, 69.4f}, {470, 72.3f, 64.5f}, {471, 66.9f, 68.6f},
    {472, 71.3f, 73.5f}, {473, 120.2f, 71.9f}, {474, 125.1f, 71.9f}, {475, 120.4f, 68.0f},
    {476, 115.5f, 71.8f}, {477, 120.1f, 75.8f},
};

static int face_point(int idx, double *x, double *y)
{
    for (int i = 0; i < N_ELEM(face); i++)
        if (face[i].idx == idx) {
            *x = face[i].x, *y = face[i].y;
            return 1;
        }
    *x = *y = 0;
    return 0;
}

static double cross3(double ox, double oy, double ax, double ay, double bx, double by)
{
    return (ax - ox) * (by - oy) - (ay - oy) * (bx - ox);
}

static int segments_cross(int p0, int p1, int q0, int q1)
{
    double ax, ay, bx, by, cx, cy, dx, dy;
    face_point(p0, &ax, &ay), face_point(p1, &bx, &by);
    face_point(q0, &cx, &cy), face_point(q1, &dx, &dy);
    return cross3(ax, ay, bx, by, cx, cy) * cross3(ax, ay, bx, by, dx, dy) < 0 &&
           cross3(cx, cy, dx, dy, ax, ay) * cross3(cx, cy, dx, dy, bx, by) < 0;
}

static double shoelace(const uint16_t *v, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++) {
        double ax, ay, bx, by;
        face_point(v[i], &ax, &ay), face_point(v[(i + 1) % n], &bx, &by);
        s += ax * by - bx * ay;
    }
    return 0.5 * s;
}

static int inside(const uint16_t *v, int n, double px, double py)
{
    int in = 0;
    for (int i = 0, j = n - 1; i < n; j = i++) {
        double xi, yi, xj, yj;
        face_point(v[i], &xi, &yi), face_point(v[j], &xj, &yj);
        if ((yi > py) != (yj > py) && px < (xj - xi) * (py - yi) / (yj - yi) + xi)
            in = !in;
    }
    return in;
}

static void centroid(const uint16_t *v, int n, double *cx, double *cy)
{
    *cx = *cy = 0;
    for (int i = 0; i < n; i++) {
        double x, y;
        face_point(v[i], &x, &y);
        *cx += x / n, *cy += y / n;
    }
}

/* ---- the polygon list ---- */
typedef struct {
    const char *name;
    const uint16_t *v;
    int n;
    int sizeof_n; /* element count from the array definition */
} poly;
#define POLY(arr, count) {#arr, arr, count, N_ELEM(arr)}
static const poly polys[] = {
    POLY(segtex_mesh_face_oval, SEGTEX_MESH_FACE_OVAL_COUNT),
    POLY(segtex_mesh_lips_outer, SEGTEX_MESH_LIPS_OUTER_COUNT),
    POLY(segtex_mesh_lips_inner, SEGTEX_MESH_LIPS_INNER_COUNT),
    POLY(segtex_mesh_left_eye, SEGTEX_MESH_EYE_CONTOUR_COUNT),
    POLY(segtex_mesh_right_eye, SEGTEX_MESH_EYE_CONTOUR_COUNT),
    POLY(segtex_mesh_left_brow, SEGTEX_MESH_BROW_COUNT),
    POLY(segtex_mesh_right_brow, SEGTEX_MESH_BROW_COUNT),
    POLY(segtex_mesh_left_iris, SEGTEX_MESH_IRIS_CONTOUR_COUNT),
    POLY(segtex_mesh_right_iris, SEGTEX_MESH_IRIS_CONTOUR_COUNT),
};

/* ---- tests ---- */
static void test_counts(void)
{
    CHECK(N_ELEM(segtex_mesh_lips_map) == 80, "lips map");
    CHECK(N_ELEM(segtex_mesh_left_eye_map) == 71, "left eye map");
    CHECK(N_ELEM(segtex_mesh_right_eye_map) == 71, "right eye map");
    CHECK(N_ELEM(segtex_mesh_left_iris_map) == 5, "left iris map");
    CHECK(N_ELEM(segtex_mesh_right_iris_map) == 5, "right iris map");
    CHECK(segtex_mesh_left_iris_z_avg_count == N_ELEM(segtex_mesh_left_iris_z_avg), "z avg");
    CHECK(segtex_mesh_right_iris_z_avg_count == N_ELEM(segtex_mesh_right_iris_z_avg), "z avg");
    CHECK(segtex_mesh_left_iris_z_avg_count == 16, "z avg count %d",
          segtex_mesh_left_iris_z_avg_count);
    /* Model outputs: 1404 = 468*3, 160 = 80*2, 142 = 71*2, 10 = 5*2. */
    CHECK(SEGTEX_MESH_MESH_COUNT * 3 == 1404 && SEGTEX_MESH_LIPS_COUNT * 2 == 160 &&
              SEGTEX_MESH_EYE_COUNT * 2 == 142 && SEGTEX_MESH_IRIS_COUNT * 2 == 10,
          "tensor sizes");
    CHECK(SEGTEX_MESH_MESH_COUNT + 2 * SEGTEX_MESH_IRIS_COUNT == SEGTEX_MESH_LANDMARK_COUNT,
          "478");
    for (int i = 0; i < N_ELEM(polys); i++)
        CHECK(polys[i].n == polys[i].sizeof_n, "%s: %d elements, count %d", polys[i].name,
              polys[i].sizeof_n, polys[i].n);
}

static void test_maps(void)
{
    const uint16_t *maps[] = {segtex_mesh_lips_map, segtex_mesh_left_eye_map,
                              segtex_mesh_right_eye_map};
    const int n[] = {80, 71, 71};
    for (int m = 0; m < 3; m++) {
        CHECK(!has_duplicates(maps[m], n[m]), "map %d has duplicates", m);
        for (int i = 0; i < n[m]; i++)
            CHECK(maps[m][i] < SEGTEX_MESH_MESH_COUNT, "map %d[%d] = %d", m, i, maps[m][i]);
    }
    /* The three rings do not overlap. */
    for (int i = 0; i < 71; i++) {
        CHECK(!contains(segtex_mesh_right_eye_map, 71, segtex_mesh_left_eye_map[i]), "eyes");
        CHECK(!contains(segtex_mesh_lips_map, 80, segtex_mesh_left_eye_map[i]), "lips/eye");
        CHECK(!contains(segtex_mesh_lips_map, 80, segtex_mesh_right_eye_map[i]), "lips/eye");
    }
    for (int i = 0; i < 5; i++) {
        CHECK(segtex_mesh_left_iris_map[i] == 468 + i, "left iris map[%d] = %d", i,
              segtex_mesh_left_iris_map[i]);
        CHECK(segtex_mesh_right_iris_map[i] == 473 + i, "right iris map[%d] = %d", i,
              segtex_mesh_right_iris_map[i]);
    }
    CHECK(segtex_mesh_left_iris_map[0] == SEGTEX_MESH_RIGHT_IRIS_CENTER, "model-left iris centre");
    CHECK(segtex_mesh_right_iris_map[0] == SEGTEX_MESH_LEFT_IRIS_CENTER, "model-right iris centre");
    /* The z average runs over the eyelid contour = the first 16 points of the eye map. */
    CHECK(memcmp(segtex_mesh_left_iris_z_avg, segtex_mesh_left_eye_map, 16 * 2) == 0, "z avg");
    CHECK(memcmp(segtex_mesh_right_iris_z_avg, segtex_mesh_right_eye_map, 16 * 2) == 0, "z avg");
}

/* The model's "left" tensors refine the subject's right eye (image left) and vice versa. */
static void test_conventions(void)
{
    CHECK(same_set(segtex_mesh_left_eye_map, 16, segtex_mesh_right_eye, 16),
          "model-left eye lids = subject's right eye polygon");
    CHECK(same_set(segtex_mesh_right_eye_map, 16, segtex_mesh_left_eye, 16),
          "model-right eye lids = subject's left eye polygon");
    CHECK(same_set(segtex_mesh_left_iris_z_avg, 16, segtex_mesh_right_eye, 16), "z avg set");
    CHECK(same_set(segtex_mesh_right_iris_z_avg, 16, segtex_mesh_left_eye, 16), "z avg set");
    CHECK(same_set(segtex_mesh_left_iris_map + 1, 4, segtex_mesh_right_iris, 4), "iris rim");
    CHECK(same_set(segtex_mesh_right_iris_map + 1, 4, segtex_mesh_left_iris, 4), "iris rim");
    CHECK(same_set(segtex_mesh_lips_map, 20, segtex_mesh_lips_outer, 20), "outer lips");
    CHECK(same_set(segtex_mesh_lips_map + 20, 20, segtex_mesh_lips_inner, 20), "inner lips");
    /* The brows' points come from the eye maps' outermost rings. */
    for (int i = 0; i < SEGTEX_MESH_BROW_COUNT; i++) {
        CHECK(contains(segtex_mesh_left_eye_map, 71, segtex_mesh_right_brow[i]), "right brow");
        CHECK(contains(segtex_mesh_right_eye_map, 71, segtex_mesh_left_brow[i]), "left brow");
    }
}

static void test_indices(void)
{
    for (int p = 0; p < N_ELEM(polys); p++)
        for (int i = 0; i < polys[p].n; i++)
            CHECK(polys[p].v[i] < SEGTEX_MESH_LANDMARK_COUNT, "%s[%d] = %d", polys[p].name, i,
                  polys[p].v[i]);
}

static void test_loops(void)
{
    {
        const uint16_t *p[] = {segtex_mesh_face_oval};
        const int n[] = {SEGTEX_MESH_FACE_OVAL_COUNT};
        check_loops("face oval", p, n, 1, ref_face_oval, N_ELEM(ref_face_oval), NULL, 0);
    }
    {
        const uint16_t *p[] = {segtex_mesh_lips_outer, segtex_mesh_lips_inner};
        const int n[] = {SEGTEX_MESH_LIPS_OUTER_COUNT, SEGTEX_MESH_LIPS_INNER_COUNT};
        check_loops("lips", p, n, 2, ref_lips, N_ELEM(ref_lips), NULL, 0);
    }
    {
        const uint16_t *p[] = {segtex_mesh_left_eye};
        const int n[] = {SEGTEX_MESH_EYE_CONTOUR_COUNT};
        check_loops("left eye", p, n, 1, ref_left_eye, N_ELEM(ref_left_eye), NULL, 0);
    }
    {
        const uint16_t *p[] = {segtex_mesh_right_eye};
        const int n[] = {SEGTEX_MESH_EYE_CONTOUR_COUNT};
        check_loops("right eye", p, n, 1, ref_right_eye, N_ELEM(ref_right_eye), NULL, 0);
    }
    {
        const uint16_t *p[] = {segtex_mesh_left_brow};
        const int n[] = {SEGTEX_MESH_BROW_COUNT};
        check_loops("left brow", p, n, 1, ref_left_brow, N_ELEM(ref_left_brow), close_left_brow,
                    N_ELEM(close_left_brow));
    }
    {
        const uint16_t *p[] = {segtex_mesh_right_brow};
        const int n[] = {SEGTEX_MESH_BROW_COUNT};
        check_loops("right brow", p, n, 1, ref_right_brow, N_ELEM(ref_right_brow),
                    close_right_brow, N_ELEM(close_right_brow));
    }
    {
        const uint16_t *p[] = {segtex_mesh_left_iris};
        const int n[] = {SEGTEX_MESH_IRIS_CONTOUR_COUNT};
        check_loops("left iris", p, n, 1, ref_left_iris, N_ELEM(ref_left_iris), NULL, 0);
    }
    {
        const uint16_t *p[] = {segtex_mesh_right_iris};
        const int n[] = {SEGTEX_MESH_IRIS_CONTOUR_COUNT};
        check_loops("right iris", p, n, 1, ref_right_iris, N_ELEM(ref_right_iris), NULL, 0);
    }
}

static void test_shape_on_real_face(void)
{
    double x, y;
    for (int p = 0; p < N_ELEM(polys); p++) {
        const uint16_t *v = polys[p].v;
        int n = polys[p].n, crossings = 0, missing = 0;
        for (int i = 0; i < n; i++)
            missing += !face_point(v[i], &x, &y);
        CHECK(missing == 0, "%s: %d points missing from the face table", polys[p].name, missing);
        if (missing)
            continue;
        for (int i = 0; i < n; i++)
            for (int j = i + 2; j < n; j++)
                if (!(i == 0 && j == n - 1))
                    crossings += segments_cross(v[i], v[(i + 1) % n], v[j], v[(j + 1) % n]);
        CHECK(crossings == 0, "%s: %d self-crossings", polys[p].name, crossings);
        CHECK(shoelace(v, n) > 0, "%s: shoelace area %.1f, expected > 0 (clockwise on screen)",
              polys[p].name, shoelace(v, n));
        if (p > 0) /* every feature lies inside the face oval */
            for (int i = 0; i < n; i++) {
                face_point(v[i], &x, &y);
                CHECK(inside(segtex_mesh_face_oval, SEGTEX_MESH_FACE_OVAL_COUNT, x, y),
                      "%s[%d] = %d outside the face oval", polys[p].name, i, v[i]);
            }
    }
    /* inner lip line inside the outer one */
    for (int i = 0; i < SEGTEX_MESH_LIPS_INNER_COUNT; i++) {
        face_point(segtex_mesh_lips_inner[i], &x, &y);
        CHECK(inside(segtex_mesh_lips_outer, SEGTEX_MESH_LIPS_OUTER_COUNT, x, y), "inner lip %d",
              segtex_mesh_lips_inner[i]);
    }
    /* iris centres inside their eyes */
    face_point(SEGTEX_MESH_LEFT_IRIS_CENTER, &x, &y);
    CHECK(inside(segtex_mesh_left_eye, SEGTEX_MESH_EYE_CONTOUR_COUNT, x, y), "left iris centre");
    face_point(SEGTEX_MESH_RIGHT_IRIS_CENTER, &x, &y);
    CHECK(inside(segtex_mesh_right_eye, SEGTEX_MESH_EYE_CONTOUR_COUNT, x, y), "right iris centre");
    /* subject's right is image left; brows above eyes; eyes above lips */
    double lex, ley, rex, rey, lbx, lby, rbx, rby, mx, my;
    centroid(segtex_mesh_left_eye, SEGTEX_MESH_EYE_CONTOUR_COUNT, &lex, &ley);
    centroid(segtex_mesh_right_eye, SEGTEX_MESH_EYE_CONTOUR_COUNT, &rex, &rey);
    centroid(segtex_mesh_left_brow, SEGTEX_MESH_BROW_COUNT, &lbx, &lby);
    centroid(segtex_mesh_right_brow, SEGTEX_MESH_BROW_COUNT, &rbx, &rby);
    centroid(segtex_mesh_lips_outer, SEGTEX_MESH_LIPS_OUTER_COUNT, &mx, &my);
    CHECK(rex < lex, "subject's right eye x %.1f should be left of subject's left eye x %.1f", rex,
          lex);
    CHECK(rbx < lbx, "brows: right x %.1f, left x %.1f", rbx, lbx);
    CHECK(lby < ley && rby < rey, "brows above eyes");
    CHECK(ley < my && rey < my, "eyes above lips");
    /* Eyes, brows and lips do not overlap each other. */
    for (int a = 1; a < N_ELEM(polys) - 2; a++)
        for (int b = 1; b < N_ELEM(polys) - 2; b++) {
            if (a == b || (a == 1 && b == 2) || (a == 2 && b == 1))
                continue;
            for (int i = 0; i < polys[b].n; i++) {
                face_point(polys[b].v[i], &x, &y);
                CHECK(!inside(polys[a].v, polys[a].n, x, y), "%s[%d] inside %s", polys[b].name, i,
                      polys[a].name);
            }
        }
}

int main(void)
{
    RUN(test_counts);
    RUN(test_maps);
    RUN(test_conventions);
    RUN(test_indices);
    RUN(test_loops);
    RUN(test_shape_on_real_face);
    return test_summary();
}
