/*
 * The face mesh's texture coordinates rasterized over tracked faces
 * (src/render/face_uv.c), on the real portrait and on it rotated by 20
 * degrees: each landmark carries its vertex's (u, v), the texture stays on
 * the same landmarks when the head turns in the image, coverage is 1 inside
 * the face oval and 0 outside with an anti-aliased rim, a mirrored (back
 * facing) mesh draws nothing, row bands rasterize to the same map, and the
 * frame loop allocates nothing. Writes face_uv_checker.png and
 * face_uv_checker_rotated.png (a checkerboard through the map), and the
 * face 4x in *_zoom.png, to the working directory (the build's tests/
 * folder) to look at. The cost of a call is printed, never asserted;
 * FACE_UV_DEBUG=1 adds prepare/rows timings and 2000 calls' CPU time.
 */
#include "harness.h"
#include "render/face_uv.h"
#include "segtex/face_geometry.h"
#include "segtex/io.h"
#include "segtex/vision.h"
#include "vision/face_mesh_tables.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PI_F 3.14159265f
#define ANGLE (20.0f * PI_F / 180.0f)

static segtex_image portrait, rotated;
static segtex_face_geometry *geometry;
static const segtex_face_mesh *mesh;
static face_uv *raster;
static face_uv_map map_up, map_rot;
static segtex_face_landmarks face_up, face_rot;

static const int named[] = {1, 33, 263, 61, 291};

/* Rotation by ANGLE about the image centre (image coordinates, y down: clockwise on screen). */
static void rotate_point(float px, float py, float w, float h, float *qx, float *qy)
{
    float c = cosf(ANGLE), s = sinf(ANGLE), dx = px - w / 2, dy = py - h / 2;
    *qx = w / 2 + dx * c - dy * s;
    *qy = h / 2 + dx * s + dy * c;
}

static void rotate_image(const segtex_image *src, segtex_image *dst)
{
    float c = cosf(ANGLE), s = sinf(ANGLE), cx = (float)src->width / 2, cy = (float)src->height / 2;
    for (int j = 0; j < dst->height; j++)
        for (int i = 0; i < dst->width; i++) {
            float dx = (float)i + 0.5f - cx, dy = (float)j + 0.5f - cy;
            float x = cx + dx * c + dy * s - 0.5f, y = cy - dx * s + dy * c - 0.5f; /* inverse rotation */
            int x0 = (int)floorf(x), y0 = (int)floorf(y);
            float ax = x - (float)x0, ay = y - (float)y0;
            uint8_t *o = dst->data + (ptrdiff_t)j * dst->stride + i * 3;
            for (int k = 0; k < 3; k++) {
                float v = 0;
                for (int n = 0; n < 4; n++) {
                    int xx = x0 + (n & 1), yy = y0 + (n >> 1);
                    float wgt = ((n & 1) ? ax : 1 - ax) * ((n >> 1) ? ay : 1 - ay);
                    if (xx >= 0 && yy >= 0 && xx < src->width && yy < src->height)
                        v += wgt * src->data[(ptrdiff_t)yy * src->stride + xx * 3 + k];
                    else
                        v += wgt * 128;
                }
                o[k] = (uint8_t)(v + 0.5f);
            }
        }
}

/* (u, v, coverage) at a continuous pixel position: bilinear over the four nearest texel centres. */
static void map_sample(const face_uv_map *m, float px, float py, float out[3])
{
    float x = px - 0.5f, y = py - 0.5f;
    int x0 = (int)floorf(x), y0 = (int)floorf(y);
    float ax = x - (float)x0, ay = y - (float)y0;
    out[0] = out[1] = out[2] = 0;
    for (int n = 0; n < 4; n++) {
        int xx = x0 + (n & 1), yy = y0 + (n >> 1);
        float wgt = ((n & 1) ? ax : 1 - ax) * ((n >> 1) ? ay : 1 - ay);
        const face_uv_texel *t = face_uv_map_at(m, face_uv_map_row(m, yy), xx);
        if (t) {
            out[0] += wgt * t->u, out[1] += wgt * t->v, out[2] += wgt * t->coverage;
        }
    }
}

/* The smallest coverage of the four texels around a position (1: inside the drawn face). */
static float min_coverage(const face_uv_map *m, float px, float py)
{
    int x0 = (int)floorf(px - 0.5f), y0 = (int)floorf(py - 0.5f);
    float c = 1;
    for (int n = 0; n < 4; n++) {
        const face_uv_texel *t = face_uv_map_at(m, face_uv_map_row(m, y0 + (n >> 1)), x0 + (n & 1));
        c = fminf(c, t ? t->coverage : 0);
    }
    return c;
}

static int track(const segtex_image *img, segtex_face_landmarks *out)
{
    char dir[4096];
    const char *env = getenv("SEGTEX_ASSETS");
    snprintf(dir, sizeof dir, "%s", env ? env : "assets");
    segtex_face_models fm = {0};
    segtex_face_tracker *t = NULL;
    static segtex_face_result r;
    segtex_model_options mo = {SEGTEX_BACKEND_AUTO, NULL};
    int ok = segtex_face_models_load(dir, SEGTEX_DETECTOR_SHORT, 1, &mo, &fm) == SEGTEX_OK &&
             segtex_face_tracker_create(fm.detector, fm.landmarker, NULL, &t) == SEGTEX_OK &&
             segtex_face_tracker_process(t, img, 0.0, &r) == SEGTEX_OK && r.count == 1;
    if (ok)
        *out = r.faces[0];
    segtex_face_tracker_destroy(t);
    segtex_face_models_free(&fm);
    return ok;
}

/* Width of the face in pixels (landmarks 234 and 454, the sides at the eyes' height). */
static double face_width(const segtex_face_landmarks *f, int w, int h)
{
    return hypot((f->xyz[454][0] - f->xyz[234][0]) * w, (f->xyz[454][1] - f->xyz[234][1]) * h);
}

/*
 * Whether vertex i is hidden: a front-facing triangle not touching it covers
 * its pixel position nearer to the camera (landmark z, smaller is nearer),
 * or one of its own triangles is turned over (a fold: the vertex is on the
 * edge of what the camera sees). Computed here by brute force, independently of the
 * rasterizer's drawing order. The underside of the nose (2, 94, 141, 370) and
 * the recessed mouth corners are typical: the nose tip and the cheeks hide them.
 */
static int hidden(const segtex_face_landmarks *f, int i, int w, int h)
{
    float px = f->xyz[i][0] * (float)w, py = f->xyz[i][1] * (float)h, pz = f->xyz[i][2] * (float)w;
    for (int t = 0; t < mesh->triangle_count; t++) {
        const uint16_t *v = mesh->triangles[t];
        float x[3], y[3], z[3];
        for (int k = 0; k < 3; k++)
            x[k] = f->xyz[v[k]][0] * (float)w, y[k] = f->xyz[v[k]][1] * (float)h, z[k] = f->xyz[v[k]][2] * (float)w;
        float area = (x[1] - x[0]) * (y[2] - y[0]) - (y[1] - y[0]) * (x[2] - x[0]);
        int own = v[0] == i || v[1] == i || v[2] == i;
        if (own && area >= 0)
            return 1; /* one of its own triangles is turned over: the vertex is on a fold or a silhouette */
        if (own || area >= 0) /* the canonical front faces have a negative area in image coordinates */
            continue;
        float b0 = ((x[1] - px) * (y[2] - py) - (y[1] - py) * (x[2] - px)) / area;
        float b1 = ((x[2] - px) * (y[0] - py) - (y[2] - py) * (x[0] - px)) / area;
        float b2 = 1 - b0 - b1;
        if (b0 >= 0 && b1 >= 0 && b2 >= 0 && b0 * z[0] + b1 * z[1] + b2 * z[2] < pz - 0.01f)
            return 1;
    }
    return 0;
}

/*
 * Each visible landmark's (u, v) in the map is its mesh vertex's: the
 * strongest check of the mapping, two ways.
 *  - Exactly, on the pixel grid: the texel of the pixel under each visible
 *    landmark holds the (u, v) that the landmark's own triangle containing
 *    that pixel's centre interpolates from its three vertices' (u, v) (to
 *    float rounding).
 *  - Beyond the grid: the face rasterized SS times finer and sampled at the
 *    landmark itself, the error in pixels of the frame ((u, v) difference
 *    times the face width). The named landmarks within a quarter pixel
 *    when visible, two pixels when hidden (a mouth corner can be, behind the
 *    cheek); the mean over all visible vertices within 0.05 px (a few lie on
 *    slivers seen edge-on, where an eighth of a pixel moves (u, v) a lot).
 */
#define SS 8
static void uv_at_landmarks(const char *what, const face_uv_map *m1, const segtex_face_landmarks *f, int w, int h)
{
    int exact = 0;
    double exact_worst = 0;
    for (int i = 0; i < 468; i++) {
        float px = f->xyz[i][0] * (float)w, py = f->xyz[i][1] * (float)h;
        const face_uv_texel *t = face_uv_map_at(m1, face_uv_map_row(m1, (int)floorf(py)), (int)floorf(px));
        if (!t || t->coverage < 1 || hidden(f, i, w, h))
            continue;
        float cx = floorf(px) + 0.5f, cy = floorf(py) + 0.5f;
        for (int k = 0; k < mesh->triangle_count; k++) {
            const uint16_t *v = mesh->triangles[k];
            if (v[0] != i && v[1] != i && v[2] != i)
                continue;
            float x[3], y[3];
            for (int j = 0; j < 3; j++)
                x[j] = f->xyz[v[j]][0] * (float)w, y[j] = f->xyz[v[j]][1] * (float)h;
            float area = (x[1] - x[0]) * (y[2] - y[0]) - (y[1] - y[0]) * (x[2] - x[0]);
            float b0 = ((x[1] - cx) * (y[2] - cy) - (y[1] - cy) * (x[2] - cx)) / area;
            float b1 = ((x[2] - cx) * (y[0] - cy) - (y[2] - cy) * (x[0] - cx)) / area;
            float b2 = 1 - b0 - b1;
            if (!(b0 > 1e-3f && b1 > 1e-3f && b2 > 1e-3f))
                continue; /* not inside this triangle, or too close to its edge to tell */
            float u = b0 * mesh->uv[v[0]][0] + b1 * mesh->uv[v[1]][0] + b2 * mesh->uv[v[2]][0];
            float vv = b0 * mesh->uv[v[0]][1] + b1 * mesh->uv[v[1]][1] + b2 * mesh->uv[v[2]][1];
            exact_worst = fmax(exact_worst, fmax(fabs(u - t->u), fabs(vv - t->v)));
            exact++;
            break;
        }
    }
    printf("  %s: %d texels under visible landmarks hold their triangle's interpolated (u, v): worst difference "
           "%.2g\n",
           what, exact, exact_worst);
    CHECK(exact > 300 && exact_worst < 2e-4, "%s: %d texels checked, worst (u, v) difference %.3g", what, exact,
          exact_worst);

    static face_uv_map m;
    if (!m.texels && face_uv_map_alloc(&m, (size_t)1200 * 1200))
        return;
    CHECK(face_uv_rasterize(raster, f, w * SS, h * SS, &m) == SEGTEX_OK, "%s: rasterize x%d", what, SS);
    double fw = face_width(f, w, h), worst_named = 0, sum = 0;
    int n = 0, nhidden = 0;
    for (int i = 0; i < 468; i++) {
        float px = f->xyz[i][0] * (float)(w * SS), py = f->xyz[i][1] * (float)(h * SS), s[3];
        int hid = hidden(f, i, w, h);
        map_sample(&m, px, py, s);
        double e = hypot(s[0] - mesh->uv[i][0], s[1] - mesh->uv[i][1]) * fw;
        for (size_t k = 0; k < sizeof named / sizeof *named; k++)
            if (named[k] == i) {
                worst_named = fmax(worst_named, e);
                printf("    %s: landmark %d: %.2f px%s\n", what, i, e, hid ? " (hidden by a fold)" : "");
                CHECK(s[2] > 0.99f && e < (hid ? 2.0 : 0.25),
                      "%s: landmark %d at (%.1f, %.1f)%s: uv (%.4f, %.4f) coverage %.2f, vertex uv (%.4f, %.4f): "
                      "%.2f px off",
                      what, i, px / SS, py / SS, hid ? " (hidden)" : "", s[0], s[1], s[2], mesh->uv[i][0],
                      mesh->uv[i][1], e);
            }
        if (min_coverage(&m, px, py) < 1)
            continue; /* on the rim: the four texels do not all belong to the face */
        if (hid) {
            nhidden++;
            continue;
        }
        sum += e, n++;
    }
    printf("  %s (face %.0f px wide): uv error at landmarks 1, 33, 263, 61, 291: at most %.2f px; mean over %d "
           "visible vertices %.3f px (%d hidden or on a fold)\n",
           what, fw, worst_named, n, sum / n, nhidden);
    CHECK(n > 350 && sum / n < 0.05, "%s: %d visible vertices, mean error %.3f px", what, n, sum / n);
}

static void maps_each_landmark_to_its_vertex(void)
{
    CHECK(face_uv_rasterize(raster, &face_up, 512, 512, &map_up) == SEGTEX_OK, "rasterize upright");
    int front = face_uv_front_triangles(raster);
    CHECK(front > 850, "upright face: %d of %d triangles face the camera", front, mesh->triangle_count);
    uv_at_landmarks("upright", &map_up, &face_up, 512, 512);
    CHECK(face_uv_rasterize(raster, &face_rot, 512, 512, &map_rot) == SEGTEX_OK, "rasterize rotated");
    uv_at_landmarks("rotated 20 deg", &map_rot, &face_rot, 512, 512);
}

/*
 * The texture stays on the face: landmarks found on the rotated portrait are
 * where the rotation puts the upright ones, the texture under landmarks 1,
 * 33, 263, 61 and 291 moves less than a pixel, and a point of the rotated
 * face has the (u, v) of the upright point it came from.
 */
static void rotation_keeps_texture_on_landmarks(void)
{
    double worst_px = 0, worst_uv = 0, fw = face_width(&face_up, 512, 512);
    for (size_t k = 0; k < sizeof named / sizeof *named; k++) {
        int i = named[k];
        float qx, qy, s0[3], s1[3];
        rotate_point(face_up.xyz[i][0] * 512, face_up.xyz[i][1] * 512, 512, 512, &qx, &qy);
        worst_px = fmax(worst_px, hypot(face_rot.xyz[i][0] * 512 - qx, face_rot.xyz[i][1] * 512 - qy));
        map_sample(&map_up, face_up.xyz[i][0] * 512, face_up.xyz[i][1] * 512, s0);
        map_sample(&map_rot, face_rot.xyz[i][0] * 512, face_rot.xyz[i][1] * 512, s1);
        double e = hypot(s1[0] - s0[0], s1[1] - s0[1]) * fw;
        worst_uv = fmax(worst_uv, e);
        CHECK(e < 1.0, "landmark %d: uv (%.4f, %.4f) upright, (%.4f, %.4f) rotated: %.2f px apart", i, s0[0], s0[1],
              s1[0], s1[1], e);
    }
    printf("  landmarks 1, 33, 263, 61, 291 on the rotated portrait: at most %.2f px from the rotated upright ones; "
           "texture under them at most %.2f px (of the face's width) from the upright one\n",
           worst_px, worst_uv);
    CHECK(worst_px < 4, "the tracker disagrees with the rotation by %.1f px", worst_px);
    /* Every interior pixel of the upright face, carried by the rotation. */
    double sum = 0;
    int n = 0, far = 0;
    for (int y = map_up.y0; y < map_up.y0 + map_up.height; y++)
        for (int x = map_up.x0; x < map_up.x0 + map_up.width; x++) {
            const face_uv_texel *t = face_uv_map_at(&map_up, face_uv_map_row(&map_up, y), x);
            float qx, qy, s[3];
            rotate_point((float)x + 0.5f, (float)y + 0.5f, 512, 512, &qx, &qy);
            if (t->coverage < 1 || min_coverage(&map_rot, qx, qy) < 1)
                continue;
            map_sample(&map_rot, qx, qy, s);
            double e = hypot(s[0] - t->u, s[1] - t->v);
            sum += e;
            far += e > 0.02;
            n++;
        }
    CHECK(n > 5000, "%d face pixels compared", n);
    if (n == 0)
        return;
    printf("  rotated vs upright over %d face pixels: mean uv difference %.4f (about %.2f px of this %0.f px wide "
           "face), %d above 0.02\n",
           n, sum / n, sum / n * (face_up.xyz[454][0] - face_up.xyz[234][0]) * 512,
           (face_up.xyz[454][0] - face_up.xyz[234][0]) * 512, far);
    CHECK(sum / n < 0.01 && far < n / 50, "mean uv difference %.4f, %d of %d pixels above 0.02", sum / n, far, n);
}

/* Inside the face oval (over 1.5 px from it): coverage 1; outside: 0; on it: an anti-aliased rim. */
static double oval_distance(const segtex_face_landmarks *f, float px, float py, int *inside)
{
    double best = 1e9;
    int crossings = 0;
    for (int i = 0; i < SEGTEX_MESH_FACE_OVAL_COUNT; i++) {
        const float *a = f->xyz[segtex_mesh_face_oval[i]];
        const float *b = f->xyz[segtex_mesh_face_oval[(i + 1) % SEGTEX_MESH_FACE_OVAL_COUNT]];
        double ax = a[0] * 512, ay = a[1] * 512, bx = b[0] * 512, by = b[1] * 512;
        if ((ay > py) != (by > py) && px < ax + (py - ay) * (bx - ax) / (by - ay))
            crossings++;
        double dx = bx - ax, dy = by - ay, t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy);
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        best = fmin(best, hypot(px - ax - t * dx, py - ay - t * dy));
    }
    *inside = crossings & 1;
    return best;
}

static void coverage_follows_the_face_oval(void)
{
    const face_uv_map *maps[2] = {&map_up, &map_rot};
    const segtex_face_landmarks *faces[2] = {&face_up, &face_rot};
    for (int k = 0; k < 2; k++) {
        const face_uv_map *m = maps[k];
        int in = 0, in_bad = 0, out_bad = 0, rim = 0, partial = 0;
        double perimeter = 0;
        for (int i = 0; i < SEGTEX_MESH_FACE_OVAL_COUNT; i++) {
            const float *a = faces[k]->xyz[segtex_mesh_face_oval[i]];
            const float *b = faces[k]->xyz[segtex_mesh_face_oval[(i + 1) % SEGTEX_MESH_FACE_OVAL_COUNT]];
            perimeter += hypot((a[0] - b[0]) * 512, (a[1] - b[1]) * 512);
        }
        for (int y = 0; y < 512; y++) {
            const face_uv_texel *row = face_uv_map_row(m, y);
            for (int x = 0; x < 512; x++) {
                const face_uv_texel *t = face_uv_map_at(m, row, x);
                float c = t ? t->coverage : 0;
                int inside;
                double d = oval_distance(faces[k], (float)x + 0.5f, (float)y + 0.5f, &inside);
                partial += c > 0 && c < 1;
                if (d <= 1.5) {
                    rim++;
                    continue;
                }
                if (inside) {
                    in++;
                    in_bad += c != 1.0f;
                } else {
                    out_bad += c != 0.0f;
                }
            }
        }
        printf("  %s: %d pixels inside the oval, %d not fully covered; %d outside covered; %d partial pixels along "
               "a %.0f px outline\n",
               k ? "rotated" : "upright", in, in_bad, out_bad, partial, perimeter);
        CHECK(in > 5000 && in_bad <= in / 1000, "%s: %d of %d pixels inside the oval not covered", k ? "rotated" : "upright",
              in_bad, in);
        CHECK(out_bad == 0, "%s: %d pixels outside the oval covered", k ? "rotated" : "upright", out_bad);
        CHECK(partial > perimeter / 2 && partial < perimeter * 3, "%s: %d partial pixels along a %.0f px outline",
              k ? "rotated" : "upright", partial, perimeter);
    }
}

/*
 * No cracks: the face turned, scaled and shifted by fractions of a pixel 24
 * times; inside the oval (1.5 px from it) every pixel is covered, whatever the
 * rounding at the triangles' shared edges.
 */
static void no_cracks_at_any_pose(void)
{
    static segtex_face_landmarks f;
    static face_uv_map m;
    CHECK(face_uv_map_alloc(&m, 512 * 512) == SEGTEX_OK, "alloc");
    uint32_t seed = 7;
    int in = 0, in_bad = 0;
    for (int k = 0; k < 24; k++) {
        float a = test_randf(&seed, -1.2f, 1.2f), sc = test_randf(&seed, 0.5f, 3.0f);
        float dx = test_randf(&seed, -0.5f, 0.5f), dy = test_randf(&seed, -0.5f, 0.5f);
        float cx = face_up.xyz[1][0] * 512, cy = face_up.xyz[1][1] * 512, c = cosf(a), s = sinf(a);
        f = face_up;
        for (int i = 0; i < 478; i++) {
            float x = face_up.xyz[i][0] * 512 - cx, y = face_up.xyz[i][1] * 512 - cy;
            f.xyz[i][0] = (256 + dx + sc * (c * x - s * y)) / 512;
            f.xyz[i][1] = (256 + dy + sc * (s * x + c * y)) / 512;
            f.xyz[i][2] = face_up.xyz[i][2] * sc;
        }
        CHECK(face_uv_rasterize(raster, &f, 512, 512, &m) == SEGTEX_OK, "pose %d", k);
        for (int y = m.y0; y < m.y0 + m.height; y++)
            for (int x = m.x0; x < m.x0 + m.width; x++) {
                int inside;
                if (oval_distance(&f, (float)x + 0.5f, (float)y + 0.5f, &inside) > 1.5 && inside) {
                    in++;
                    in_bad += face_uv_map_at(&m, face_uv_map_row(&m, y), x)->coverage != 1.0f;
                }
            }
    }
    printf("  24 poses: %d pixels inside the oval, %d not covered\n", in, in_bad);
    CHECK(in > 100000 && in_bad == 0, "%d of %d pixels inside the oval not covered", in_bad, in);
    face_uv_map_free(&m);
}

static int covered_pixels(const face_uv_map *m)
{
    int covered = 0;
    for (int y = m->y0; y < m->y0 + m->height; y++)
        for (int x = m->x0; x < m->x0 + m->width; x++)
            covered += face_uv_map_at(m, face_uv_map_row(m, y), x)->coverage > 0;
    return covered;
}

/*
 * A mirrored landmark set shows the mesh's back: every triangle that faces
 * the camera upright is culled. What remains are the few triangles that
 * curl backwards at the temples (culled upright), a sliver of pixels.
 */
static void mirrored_mesh_draws_nothing(void)
{
    static segtex_face_landmarks mirrored;
    mirrored = face_up;
    for (int i = 0; i < 478; i++)
        mirrored.xyz[i][0] = 1.0f - face_up.xyz[i][0];
    static face_uv_map m;
    CHECK(face_uv_map_alloc(&m, 512 * 512) == SEGTEX_OK, "alloc");
    CHECK(face_uv_rasterize(raster, &face_up, 512, 512, &m) == SEGTEX_OK, "rasterize");
    int front_up = face_uv_front_triangles(raster), covered_up = covered_pixels(&m);
    CHECK(face_uv_rasterize(raster, &mirrored, 512, 512, &m) == SEGTEX_OK, "rasterize mirrored");
    int front = face_uv_front_triangles(raster), covered = covered_pixels(&m);
    printf("  upright: %d triangles front, %d pixels covered; mirrored: %d triangles front, %d pixels covered\n",
           front_up, covered_up, front, covered);
    CHECK(front + front_up <= mesh->triangle_count && front <= 20 && covered * 100 < covered_up,
          "mirrored: %d triangles front (%d upright of %d), %d pixels covered (%d upright)", front, front_up,
          mesh->triangle_count, covered, covered_up);
    CHECK(m.width > 90, "the map still spans the face (%d px)", m.width);
    /* And the same landmarks unmirrored draw the face again (the object keeps no state that breaks). */
    CHECK(face_uv_rasterize(raster, &face_up, 512, 512, &m) == SEGTEX_OK && face_uv_front_triangles(raster) == front_up &&
              covered_pixels(&m) == covered_up,
          "upright again: %d front", face_uv_front_triangles(raster));
    face_uv_map_free(&m);
}

/*
 * Bands of rows give the same texels as one call: 7-row views of the face
 * drawn bottom up into one small band map, rows drawn bottom up into a
 * whole-face map, and full-width band maps (the frame's columns). Bad input
 * is refused.
 */
static void bands_match_and_bad_input_is_refused(void)
{
    static face_uv_map m, band;
    CHECK(face_uv_map_alloc(&m, 512 * 512) == SEGTEX_OK && face_uv_map_alloc(&band, 512 * 7) == SEGTEX_OK, "alloc");
    face_uv_rect rect;
    CHECK(face_uv_prepare(raster, &face_rot, 512, 512, &rect) == SEGTEX_OK && rect.x0 == map_rot.x0 &&
              rect.y0 == map_rot.y0 && rect.width == map_rot.width && rect.height == map_rot.height,
          "prepare gives the face's rectangle");
    int same = 1, same_wide = 1, outside_empty = 1;
    CHECK(face_uv_map_view(&m, &rect, rect.y0, rect.y0 + rect.height) == 0, "whole view");
    for (int y = rect.y0 + rect.height; y > rect.y0 - 7; y -= 7) {
        face_uv_rasterize_rows(raster, &m, y, y + 7);
        CHECK(face_uv_map_view(&band, &rect, y, y + 7) == 0, "band view at %d", y);
        face_uv_rasterize_rows(raster, &band, y, y + 7);
        for (int yy = band.y0; yy < band.y0 + band.height; yy++)
            same &= !memcmp(face_uv_map_row(&band, yy), face_uv_map_row(&map_rot, yy),
                            (size_t)band.width * sizeof(face_uv_texel));
        /* A band as wide as the frame. */
        band.x0 = 0, band.width = 512, band.y0 = y, band.height = 7;
        face_uv_rasterize_rows(raster, &band, y, y + 7);
        for (int yy = y; yy < y + 7; yy++)
            for (int x = 0; x < 512; x++) {
                const face_uv_texel *a = face_uv_map_at(&band, face_uv_map_row(&band, yy), x);
                const face_uv_texel *b = face_uv_map_at(&map_rot, face_uv_map_row(&map_rot, yy), x);
                if (b)
                    same_wide &= !memcmp(a, b, sizeof *a);
                else
                    outside_empty &= a->coverage == 0;
            }
    }
    CHECK(!memcmp(m.texels, map_rot.texels, (size_t)m.width * (size_t)m.height * sizeof *m.texels),
          "7-row bands bottom up differ from one pass");
    CHECK(same && same_wide && outside_empty, "band maps: same %d, full width same %d, empty outside the face %d",
          same, same_wide, outside_empty);
    CHECK(face_uv_map_view(&band, &rect, rect.y0, rect.y0 + rect.height) == -1 && band.width == 0,
          "a view larger than the band map is refused");
    face_uv_map_free(&band);
    static segtex_face_landmarks bad;
    bad = face_up;
    bad.xyz[17][1] = NAN;
    CHECK(face_uv_rasterize(raster, &bad, 512, 512, &m) == SEGTEX_ERROR_INVALID_ARGUMENT && m.width == 0,
          "NaN landmark refused, empty map");
    bad = face_up;
    bad.count = 100;
    CHECK(face_uv_rasterize(raster, &bad, 512, 512, &m) == SEGTEX_ERROR_INVALID_ARGUMENT, "100 landmarks refused");
    CHECK(face_uv_rasterize(raster, &face_up, 0, 512, &m) == SEGTEX_ERROR_INVALID_ARGUMENT, "0-wide frame");
    face_uv_map small;
    CHECK(face_uv_map_alloc(&small, 100) == SEGTEX_OK, "small map");
    CHECK(face_uv_rasterize(raster, &face_up, 512, 512, &small) == SEGTEX_ERROR_INVALID_ARGUMENT && small.width == 0,
          "a map too small for the face is refused");
    face_uv_map_free(&small);
    /* A face entirely off the frame: an empty map, not an error. */
    bad = face_up;
    for (int i = 0; i < 478; i++)
        bad.xyz[i][0] += 3;
    CHECK(face_uv_rasterize(raster, &bad, 512, 512, &m) == SEGTEX_OK && m.width == 0 &&
              face_uv_map_row(&m, 200) == NULL,
          "off-frame face: empty map");
    face_uv_map_free(&m);
    face_uv *r = (face_uv *)1;
    CHECK(face_uv_create(NULL, &r) == SEGTEX_ERROR_INVALID_ARGUMENT && r == NULL, "NULL mesh");
    face_uv_destroy(NULL);
    face_uv_map_free(NULL);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The per-frame call allocates nothing; its cost on a face 300 px wide is printed (never asserted). */
static void frame_loop_allocates_nothing(void)
{
    /* The same landmarks in a frame 3x larger: the face is about 300 px wide. */
    const int w = 1536, h = 1536;
    static face_uv_map m;
    CHECK(face_uv_map_alloc(&m, 420 * 420) == SEGTEX_OK, "alloc");
    static face_uv_map band; /* the compositor's way below: one band map as wide as the frame */
    CHECK(face_uv_map_alloc(&band, (size_t)w * FACE_UV_BAND_ROWS) == SEGTEX_OK, "band alloc");
    face_uv_rasterize(raster, &face_rot, w, h, &m);
    uint64_t a0 = segtex_alloc_count(), p0 = test_process_allocs();
    double t[41];
    for (int k = 0; k < 41; k++) {
        const segtex_face_landmarks *f = k % 2 ? &face_up : &face_rot;
        double t0 = now_ms();
        face_uv_rasterize(raster, f, w, h, &m);
        t[k] = now_ms() - t0;
    }
    /* Prepare, then 32-row band views of the face into the band map. */
    double tb[41];
    for (int k = 0; k < 41; k++) {
        const segtex_face_landmarks *f = k % 2 ? &face_up : &face_rot;
        double t0 = now_ms();
        face_uv_rect rect;
        face_uv_prepare(raster, f, w, h, &rect);
        for (int y = rect.y0; y < rect.y0 + rect.height; y += FACE_UV_BAND_ROWS) {
            face_uv_map_view(&band, &rect, y, y + FACE_UV_BAND_ROWS);
            face_uv_rasterize_rows(raster, &band, y, y + FACE_UV_BAND_ROWS);
        }
        tb[k] = now_ms() - t0;
    }
    CHECK(segtex_alloc_count() == a0 && test_process_allocs() == p0, "rasterizing allocated %llu + %llu times",
          (unsigned long long)(segtex_alloc_count() - a0), (unsigned long long)(test_process_allocs() - p0));
    qsort(tb, 41, sizeof *tb, cmp_double);
    printf("  the same in 32-row bands through one band map (%d x %d texels): median %.3f ms\n", w,
           FACE_UV_BAND_ROWS, tb[20]);
    face_uv_map_free(&band);
    qsort(t, 41, sizeof *t, cmp_double);
    if (getenv("FACE_UV_DEBUG")) {
        double tp[41], tr[41], ts[41];
        for (int k = 0; k < 41; k++) {
            double t0 = now_ms();
            face_uv_rect rect;
            face_uv_prepare(raster, &face_rot, w, h, &rect);
            double t1 = now_ms();
            face_uv_map_view(&m, &rect, rect.y0, rect.y0 + rect.height);
            face_uv_rasterize_rows(raster, &m, m.y0, m.y0 + m.height);
            double t2 = now_ms();
            face_uv_rasterize(raster, &face_rot, w, h, &m);
            ts[k] = now_ms() - t2, tp[k] = t1 - t0, tr[k] = t2 - t1;
        }
        qsort(tp, 41, sizeof *tp, cmp_double), qsort(tr, 41, sizeof *tr, cmp_double), qsort(ts, 41, sizeof *ts, cmp_double);
        printf("  same face every call: prepare %.3f ms, rows %.3f ms, both %.3f ms\n", tp[20], tr[20], ts[20]);
        struct timespec c0, c1;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
        for (int k = 0; k < 2000; k++)
            face_uv_rasterize(raster, &face_rot, w, h, &m);
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
        printf("  2000 calls: %.3f ms of CPU time each\n",
               ((double)(c1.tv_sec - c0.tv_sec) * 1e3 + (double)(c1.tv_nsec - c0.tv_nsec) / 1e6) / 2000);
    }
    printf("  rasterize a face of %d x %d px (map %d x %d): median %.3f ms, min %.3f ms over 41 runs, one thread\n",
           (int)((face_up.xyz[454][0] - face_up.xyz[234][0]) * (float)w),
           (int)((face_up.xyz[152][1] - face_up.xyz[10][1]) * (float)h), m.width, m.height, t[20], t[0]);
    face_uv_map_free(&m);
}

/* A checkerboard (8 x 8 cells, coloured by quadrant so turns show) through the map onto the frame. */
static void paint_checker(const segtex_image *frame, const face_uv_map *m, const char *path)
{
    enum { T = 256 };
    static uint8_t tex[T * T * 3];
    for (int y = 0; y < T; y++)
        for (int x = 0; x < T; x++) {
            int dark = ((x / 32) + (y / 32)) & 1;
            uint8_t *p = tex + (y * T + x) * 3;
            p[0] = (uint8_t)(dark ? 20 : (x < T / 2 ? 250 : 120));
            p[1] = (uint8_t)(dark ? 20 : (y < T / 2 ? 230 : 120));
            p[2] = (uint8_t)(dark ? 60 : 250);
        }
    segtex_image out;
    if (segtex_image_alloc(&out, frame->width, frame->height, 3))
        return;
    for (int y = 0; y < frame->height; y++) {
        const face_uv_texel *row = face_uv_map_row(m, y);
        for (int x = 0; x < frame->width; x++) {
            const uint8_t *src = frame->data + (ptrdiff_t)y * frame->stride + x * 3;
            uint8_t *dst = out.data + (ptrdiff_t)y * out.stride + x * 3;
            const face_uv_texel *t = face_uv_map_at(m, row, x);
            uint8_t c[3] = {0, 0, 0};
            float a = t ? t->coverage * 0.85f : 0;
            if (a > 0)
                face_uv_sample_rgb(tex, T, T, T * 3, t->u, t->v, c);
            for (int k = 0; k < 3; k++)
                dst[k] = (uint8_t)((float)src[k] * (1 - a) + (float)c[k] * a + 0.5f);
        }
    }
    CHECK(segtex_image_save_png(path, &out) == SEGTEX_OK, "write %s", path);
    printf("  wrote %s\n", path);
    /* The face, 4x, nearest neighbour: the rim and the cells up close. */
    enum { Z = 4, PAD = 12 };
    int zx = m->x0 - PAD, zy = m->y0 - PAD, zw = m->width + 2 * PAD, zh = m->height + 2 * PAD;
    segtex_image zoom;
    if (segtex_image_alloc(&zoom, zw * Z, zh * Z, 3) == SEGTEX_OK) {
        for (int y = 0; y < zh * Z; y++)
            for (int x = 0; x < zw * Z; x++) {
                int sx = zx + x / Z, sy = zy + y / Z;
                sx = sx < 0 ? 0 : sx >= out.width ? out.width - 1 : sx;
                sy = sy < 0 ? 0 : sy >= out.height ? out.height - 1 : sy;
                memcpy(zoom.data + (ptrdiff_t)y * zoom.stride + x * 3, out.data + (ptrdiff_t)sy * out.stride + sx * 3, 3);
            }
        char zpath[256];
        snprintf(zpath, sizeof zpath, "%.*s_zoom.png", (int)strlen(path) - 4, path);
        CHECK(segtex_image_save_png(zpath, &zoom) == SEGTEX_OK, "write %s", zpath);
        printf("  wrote %s\n", zpath);
        segtex_image_free(&zoom);
    }
    segtex_image_free(&out);
}

static void checkerboard_pictures(void)
{
    paint_checker(&portrait, &map_up, "face_uv_checker.png");
    paint_checker(&rotated, &map_rot, "face_uv_checker_rotated.png");
}

int main(void)
{
    char path_buf[4200] = "", gpath_buf[4200] = ""; /* test_asset returns one static buffer */
    if (test_asset("astronaut.png"))
        snprintf(path_buf, sizeof path_buf, "%s", test_asset("astronaut.png"));
    if (test_asset(SEGTEX_FACE_GEOMETRY_FILE))
        snprintf(gpath_buf, sizeof gpath_buf, "%s", test_asset(SEGTEX_FACE_GEOMETRY_FILE));
    const char *path = *path_buf ? path_buf : NULL, *gpath = *gpath_buf ? gpath_buf : NULL;
    CHECK(path && gpath, "astronaut.png or %s missing (scripts/fetch-assets.sh)", SEGTEX_FACE_GEOMETRY_FILE);
    if (!path || !gpath || segtex_image_load(path, 3, &portrait))
        return test_summary();
    CHECK(segtex_face_geometry_create(gpath, &geometry) == SEGTEX_OK, "geometry");
    if (!geometry)
        return test_summary();
    mesh = segtex_face_geometry_mesh(geometry);
    CHECK(face_uv_create(mesh, &raster) == SEGTEX_OK, "rasterizer");
    segtex_face_geometry_destroy(geometry); /* the rasterizer keeps what it needs; `mesh` is read below */
    CHECK(segtex_face_geometry_create(gpath, &geometry) == SEGTEX_OK, "geometry again");
    mesh = segtex_face_geometry_mesh(geometry);
    segtex_image_alloc(&rotated, 512, 512, 3);
    rotate_image(&portrait, &rotated);
    int ok = track(&portrait, &face_up) && track(&rotated, &face_rot);
    CHECK(ok, "one face on the portrait and on the rotated portrait");
    CHECK(face_uv_map_alloc(&map_up, 512 * 512) == SEGTEX_OK && face_uv_map_alloc(&map_rot, 512 * 512) == SEGTEX_OK,
          "maps");
    if (ok && raster) {
        RUN(maps_each_landmark_to_its_vertex);
        RUN(rotation_keeps_texture_on_landmarks);
        RUN(coverage_follows_the_face_oval);
        RUN(no_cracks_at_any_pose);
        RUN(checkerboard_pictures);
        RUN(mirrored_mesh_draws_nothing);
        RUN(bands_match_and_bad_input_is_refused);
        RUN(frame_loop_allocates_nothing);
    }
    face_uv_map_free(&map_up);
    face_uv_map_free(&map_rot);
    face_uv_destroy(raster);
    segtex_face_geometry_destroy(geometry);
    segtex_image_free(&portrait);
    segtex_image_free(&rotated);
    return test_summary();
}
