/*
 * Face skin painted through the canonical face mesh (`--anchor
 * face-skin=mesh`), with real landmarks: the face tracker on the portrait
 * and on it rotated by 20 degrees. What a user sees: the texel under
 * landmarks 1, 33, 263, 61, 291 is the same in both (the texture is stuck
 * to the face), the texel under the visible landmarks is the one their
 * (u, v) names, the mesh paint is not the face transform's inside the face
 * and is exactly it without a mesh, two faces each get their own mesh, the
 * same pixels for 1 and 3 threads, and zero heap allocations per frame.
 * Writes render_mesh*.png (a checker through the mesh, the whole frame face
 * skin so the oval's fallback shows) to the working directory to look at.
 */
#include "harness.h"
#include "segtex/face_geometry.h"
#include "segtex/io.h"
#include "segtex/render.h"
#include "segtex/vision.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PI_F 3.14159265f
#define ANGLE (20.0f * PI_F / 180.0f)
#define SIDE 512

static segtex_image portrait, rotated;
static segtex_face_geometry *geometry;
static const segtex_face_mesh *mesh;
static segtex_face_result faces_up, faces_rot;
static char coords_png[64];

static const int named[] = {1, 33, 263, 61, 291};

static uint8_t *px(const segtex_image *im, int x, int y) { return im->data + (ptrdiff_t)y * im->stride + x * 3; }

static void rotate_image(const segtex_image *src, segtex_image *dst)
{
    float c = cosf(ANGLE), s = sinf(ANGLE), cx = (float)src->width / 2, cy = (float)src->height / 2;
    for (int j = 0; j < dst->height; j++)
        for (int i = 0; i < dst->width; i++) {
            float dx = (float)i + 0.5f - cx, dy = (float)j + 0.5f - cy;
            float x = cx + dx * c + dy * s - 0.5f, y = cy - dx * s + dy * c - 0.5f; /* inverse rotation */
            int x0 = (int)floorf(x), y0 = (int)floorf(y);
            float ax = x - (float)x0, ay = y - (float)y0;
            uint8_t *o = px(dst, i, j);
            for (int k = 0; k < 3; k++) {
                float v = 0;
                for (int n = 0; n < 4; n++) {
                    int xx = x0 + (n & 1), yy = y0 + (n >> 1);
                    float wgt = ((n & 1) ? ax : 1 - ax) * ((n >> 1) ? ay : 1 - ay);
                    v += wgt * (xx >= 0 && yy >= 0 && xx < src->width && yy < src->height
                                    ? src->data[(ptrdiff_t)yy * src->stride + xx * 3 + k]
                                    : 128);
                }
                o[k] = (uint8_t)(v + 0.5f);
            }
        }
}

static int track(const segtex_image *img, segtex_face_result *out)
{
    char dir[4096];
    const char *env = getenv("SEGTEX_ASSETS");
    snprintf(dir, sizeof dir, "%s", env ? env : "assets");
    segtex_face_models fm = {0};
    segtex_face_tracker *t = NULL;
    segtex_model_options mo = {SEGTEX_BACKEND_AUTO, NULL};
    int ok = segtex_face_models_load(dir, SEGTEX_DETECTOR_SHORT, 1, &mo, &fm) == SEGTEX_OK &&
             segtex_face_tracker_create(fm.detector, fm.landmarker, NULL, &t) == SEGTEX_OK &&
             segtex_face_tracker_process(t, img, 0.0, out) == SEGTEX_OK && out->count == 1;
    segtex_face_tracker_destroy(t);
    segtex_face_models_free(&fm);
    return ok;
}

/* A 256 x 256 texture whose texel (x, y) is (x, y, 0): the output shows the texture coordinate. */
static int add_coordinate_texture(segtex_texture_set *set)
{
    if (!*coords_png) {
        char path[] = "/tmp/segtex_mesh_coords_XXXXXX";
        int fd = mkstemp(path);
        close(fd);
        unlink(path);
        snprintf(coords_png, sizeof coords_png, "%s.png", path);
        segtex_image t = {0};
        segtex_image_alloc(&t, 256, 256, 3);
        for (int y = 0; y < 256; y++)
            for (int x = 0; x < 256; x++) {
                uint8_t *p = px(&t, x, y);
                p[0] = (uint8_t)x, p[1] = (uint8_t)y, p[2] = 0;
            }
        segtex_image_save_png(coords_png, &t);
        segtex_image_free(&t);
    }
    int idx = -1;
    CHECK(segtex_texture_set_add_file(set, coords_png, &idx) == SEGTEX_OK, "add coordinate texture");
    return idx;
}

/* Face skin painted with `texture` anchored to `anchor`; every other category off. */
static void face_skin_only(segtex_texture_set *set, int texture, segtex_anchor anchor)
{
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        segtex_paint p = segtex_paint_default(c);
        p.enabled = c == SEGTEX_CATEGORY_FACE_SKIN;
        p.texture = texture;
        p.anchor = anchor;
        p.opacity = 1;
        CHECK(segtex_texture_set_set_paint(set, c, &p) == SEGTEX_OK, "set paint %d", c);
    }
}

static segtex_renderer *renderer(segtex_texture_set *set, segtex_render_mode mode, int with_mesh)
{
    segtex_renderer *r = NULL;
    CHECK(segtex_renderer_create(set, &r) == SEGTEX_OK, "create renderer");
    if (with_mesh)
        CHECK(segtex_renderer_set_face_mesh(r, mesh) == SEGTEX_OK, "set face mesh");
    segtex_render_config cfg = {mode, SIDE, SIDE, 16, 16, segtex_landmark_style_default()};
    cfg.landmarks.dots = 0;
    CHECK(segtex_renderer_configure(r, &cfg) == SEGTEX_OK, "configure");
    return r;
}

/* Every model pixel face skin: the paint shows everywhere (the mesh on the face, the face transform around it). */
static segtex_seg_result all_face_skin(void)
{
    static uint8_t ids[16 * 16];
    memset(ids, SEGTEX_CATEGORY_FACE_SKIN, sizeof ids);
    segtex_seg_result s = {16, 16, NULL, ids, 16 * 16};
    return s;
}

static int wrap_dist(int a, int b)
{
    int d = abs(a - b) % 256;
    return d < 256 - d ? d : 256 - d;
}

static const uint8_t *under(const segtex_image *out, const segtex_face_result *f, int i)
{
    return px(out, (int)(f->faces[0].xyz[i][0] * SIDE), (int)(f->faces[0].xyz[i][1] * SIDE));
}

static void texture_sticks_to_the_landmarks(void)
{
    segtex_texture_set *set = NULL;
    segtex_texture_set_create(NULL, &set);
    int tex = add_coordinate_texture(set);
    face_skin_only(set, tex, SEGTEX_ANCHOR_MESH);
    segtex_seg_result seg = all_face_skin();
    segtex_image up = {0}, rot = {0};
    segtex_image_alloc(&up, SIDE, SIDE, 3);
    segtex_image_alloc(&rot, SIDE, SIDE, 3);
    segtex_renderer *r1 = renderer(set, SEGTEX_RENDER_MASK, 1), *r2 = renderer(set, SEGTEX_RENDER_MASK, 1);
    CHECK(segtex_renderer_render(r1, NULL, &seg, &(segtex_people){&faces_up, NULL, NULL, 0}, &up, NULL) == SEGTEX_OK,
          "render upright");
    CHECK(segtex_renderer_render(r2, NULL, &seg, &(segtex_people){&faces_rot, NULL, NULL, 0}, &rot, NULL) == SEGTEX_OK,
          "render rotated");
    int worst = 0;
    for (size_t k = 0; k < sizeof named / sizeof named[0]; k++) {
        const uint8_t *a = under(&up, &faces_up, named[k]), *b = under(&rot, &faces_rot, named[k]);
        int d = wrap_dist(a[0], b[0]) > wrap_dist(a[1], b[1]) ? wrap_dist(a[0], b[0]) : wrap_dist(a[1], b[1]);
        worst = d > worst ? d : worst;
        /* One output pixel is about 1.5 texels here; the tracker finds the rotated landmarks within a pixel or two. */
        CHECK(d <= 4, "landmark %d: texel (%d, %d) upright, (%d, %d) rotated 20 degrees", named[k], a[0], a[1], b[0],
              b[1]);
    }
    printf("  texel under landmarks 1, 33, 263, 61, 291: at most %d texels apart upright and rotated 20 degrees\n",
           worst);
    /*
     * The texel under the nose tip and the eye corners is the one their (u, v)
     * names: the offset at the nose (landmark 1), 96 texels between the eyes
     * (the face anchor's scale) along the UVs.
     */
    float du = mesh->uv[263][0] - mesh->uv[33][0], dv = mesh->uv[263][1] - mesh->uv[33][1];
    float k = 96.0f / sqrtf(du * du + dv * dv);
    segtex_paint p = segtex_texture_set_get_paint(set, SEGTEX_CATEGORY_FACE_SKIN);
    const int visible[] = {1, 33, 263};
    for (size_t i = 0; i < 3; i++) {
        int v = visible[i];
        int eu = (int)floorf(k * (mesh->uv[v][0] - mesh->uv[1][0]) + (float)p.offset_x);
        int ev = (int)floorf(k * (mesh->uv[v][1] - mesh->uv[1][1]) + (float)p.offset_y);
        eu = ((eu % 256) + 256) % 256, ev = ((ev % 256) + 256) % 256;
        for (int rotated_too = 0; rotated_too < 2; rotated_too++) {
            const uint8_t *t = under(rotated_too ? &rot : &up, rotated_too ? &faces_rot : &faces_up, v);
            CHECK(wrap_dist(t[0], eu) <= 4 && wrap_dist(t[1], ev) <= 4,
                  "landmark %d%s: texel (%d, %d), its (u, v) names (%d, %d)", v, rotated_too ? " (rotated)" : "",
                  t[0], t[1], eu, ev);
        }
    }
    segtex_renderer_destroy(r1);
    segtex_renderer_destroy(r2);
    segtex_texture_set_destroy(set);
    segtex_image_free(&up);
    segtex_image_free(&rot);
}

static void mesh_differs_from_face_and_falls_back_to_it(void)
{
    segtex_texture_set *set = NULL;
    segtex_texture_set_create(NULL, &set);
    int tex = add_coordinate_texture(set);
    segtex_seg_result seg = all_face_skin();
    segtex_image img[3];
    for (int i = 0; i < 3; i++)
        segtex_image_alloc(&img[i], SIDE, SIDE, 3);
    /* 0: mesh; 1: face; 2: mesh anchor on a renderer without a mesh. */
    for (int i = 0; i < 3; i++) {
        face_skin_only(set, tex, i == 1 ? SEGTEX_ANCHOR_FACE : SEGTEX_ANCHOR_MESH);
        segtex_renderer *r = renderer(set, SEGTEX_RENDER_MASK, i != 2);
        segtex_renderer_render(r, NULL, &seg, &(segtex_people){&faces_up, NULL, NULL, 0}, &img[i], NULL);
        segtex_renderer_destroy(r);
    }
    /* Inside the face: between the cheeks (234, 454) and from the brow (9) to the chin (152). */
    const float (*p)[3] = faces_up.faces[0].xyz;
    int x0 = (int)(p[234][0] * SIDE) + 8, x1 = (int)(p[454][0] * SIDE) - 8;
    int y0 = (int)(p[9][1] * SIDE), y1 = (int)(p[152][1] * SIDE) - 8;
    long differ = 0, total = 0, same_as_face = 0, far = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++, total++) {
            const uint8_t *m = px(&img[0], x, y), *f = px(&img[1], x, y);
            int d = wrap_dist(m[0], f[0]) > wrap_dist(m[1], f[1]) ? wrap_dist(m[0], f[0]) : wrap_dist(m[1], f[1]);
            differ += d > 0;
            far += d > 6;
        }
    for (int y = 0; y < SIDE; y++)
        same_as_face += !memcmp(px(&img[2], 0, y), px(&img[1], 0, y), SIDE * 3);
    printf("  inside the face: %ld of %ld pixels differ between mesh and face paint (%ld by more than 6 texels)\n",
           differ, total, far);
    CHECK(total > 1000 && far > total / 4, "mesh paint like face paint inside the face: %ld of %ld pixels far apart",
          far, total);
    /* Far from the face (a corner) the mesh paint is the face transform's. */
    CHECK(!memcmp(px(&img[0], 2, 2), px(&img[1], 2, 2), 3), "mesh paint away from the face is not the face's");
    CHECK(same_as_face == SIDE, "without a mesh, mesh paint differs from face paint on %d rows", SIDE - (int)same_as_face);
    for (int i = 0; i < 3; i++)
        segtex_image_free(&img[i]);
    segtex_texture_set_destroy(set);
}

/* Face 0 as tracked, face 1 the same one moved right and shrunk (its own mesh). */
static void two_faces(segtex_face_result *two)
{
    *two = faces_up;
    two->count = 2;
    two->faces[1] = faces_up.faces[0];
    for (int i = 0; i < SEGTEX_FACE_POINTS; i++) {
        two->faces[1].xyz[i][0] = 0.72f + 0.5f * (faces_up.faces[0].xyz[i][0] - 0.5f);
        two->faces[1].xyz[i][1] = 0.75f + 0.5f * (faces_up.faces[0].xyz[i][1] - 0.5f);
        two->faces[1].xyz[i][2] *= 0.5f;
    }
}

static void threads_allocations_and_pictures(void)
{
    segtex_texture_set *set = NULL;
    segtex_texture_set_create(NULL, &set);
    face_skin_only(set, segtex_texture_set_find(set, "checker"), SEGTEX_ANCHOR_MESH);
    segtex_paint p = segtex_texture_set_get_paint(set, SEGTEX_CATEGORY_FACE_SKIN);
    p.opacity = 0.8f;
    segtex_texture_set_set_paint(set, SEGTEX_CATEGORY_FACE_SKIN, &p);
    segtex_seg_result seg = all_face_skin();
    static segtex_face_result two;
    two_faces(&two);
    segtex_image one = {0}, many = {0};
    segtex_image_alloc(&one, SIDE, SIDE, 3);
    segtex_image_alloc(&many, SIDE, SIDE, 3);
    segtex_renderer *r1 = renderer(set, SEGTEX_RENDER_OVERLAY, 1), *r3 = renderer(set, SEGTEX_RENDER_OVERLAY, 1);
    segtex_threadpool *pool = NULL;
    segtex_threadpool_create(3, &pool);
    int differ = 0;
    const segtex_face_result *sets[] = {&faces_up, &two};
    for (int k = 0; k < 2; k++) {
        segtex_renderer_render(r1, &portrait, &seg, &(segtex_people){sets[k], NULL, NULL, 0}, &one, NULL);
        segtex_renderer_render(r3, &portrait, &seg, &(segtex_people){sets[k], NULL, NULL, 0}, &many, pool);
        for (int y = 0; y < SIDE; y++)
            differ += memcmp(px(&one, 0, y), px(&many, 0, y), SIDE * 3) != 0;
    }
    CHECK(differ == 0, "%d rows differ between 1 and 3 threads", differ);
    /* Face 1 has its own mesh: the checker under its nose is not the face transform of face 0 there. */
    CHECK(segtex_image_save_png("render_mesh_two_faces.png", &many) == SEGTEX_OK, "write render_mesh_two_faces.png");
    segtex_renderer_render(r1, &portrait, &seg, &(segtex_people){&faces_rot, NULL, NULL, 0}, &one, NULL);
    uint64_t p0 = test_process_allocs(), s0 = segtex_alloc_count();
    for (int i = 0; i < 30; i++)
        segtex_renderer_render(r3, &portrait, &seg, i % 7 == 6 ? NULL : &(segtex_people){sets[i & 1], NULL, NULL, 0},
                               &many, i % 3 ? pool : NULL);
    uint64_t process = test_process_allocs() - p0, lib = segtex_alloc_count() - s0;
    CHECK(process == 0 && lib == 0, "30 frames made %llu heap allocations (library %llu)",
          (unsigned long long)process, (unsigned long long)lib);
    /* Pictures to look at: the checker through the mesh, upright and rotated. */
    segtex_renderer_render(r3, &portrait, &seg, &(segtex_people){&faces_up, NULL, NULL, 0}, &many, pool);
    CHECK(segtex_image_save_png("render_mesh.png", &many) == SEGTEX_OK, "write render_mesh.png");
    segtex_renderer_render(r1, &rotated, &seg, &(segtex_people){&faces_rot, NULL, NULL, 0}, &one, NULL);
    CHECK(segtex_image_save_png("render_mesh_rotated.png", &one) == SEGTEX_OK, "write render_mesh_rotated.png");
    segtex_threadpool_destroy(pool);
    segtex_renderer_destroy(r1);
    segtex_renderer_destroy(r3);
    segtex_texture_set_destroy(set);
    segtex_image_free(&one);
    segtex_image_free(&many);
}

static void bad_meshes_refused(void)
{
    segtex_texture_set *set = NULL;
    segtex_texture_set_create(NULL, &set);
    segtex_renderer *r = NULL;
    segtex_renderer_create(set, &r);
    segtex_face_mesh bad = *mesh;
    bad.vertex_count = 10;
    CHECK(segtex_renderer_set_face_mesh(r, &bad) == SEGTEX_ERROR_INVALID_ARGUMENT, "a 10-vertex mesh accepted");
    CHECK(segtex_renderer_set_face_mesh(NULL, mesh) == SEGTEX_ERROR_INVALID_ARGUMENT, "NULL renderer accepted");
    CHECK(segtex_renderer_set_face_mesh(r, mesh) == SEGTEX_OK, "mesh before configure");
    CHECK(segtex_renderer_set_face_mesh(r, NULL) == SEGTEX_OK, "mesh removed");
    segtex_renderer_destroy(r);
    segtex_texture_set_destroy(set);
}

int main(void)
{
    segtex_set_log(segtex_log_stderr, NULL, SEGTEX_LOG_WARNING);
    char path[4200] = "", gpath[4200] = ""; /* test_asset returns one static buffer */
    if (test_asset("astronaut.png"))
        snprintf(path, sizeof path, "%s", test_asset("astronaut.png"));
    if (test_asset(SEGTEX_FACE_GEOMETRY_FILE))
        snprintf(gpath, sizeof gpath, "%s", test_asset(SEGTEX_FACE_GEOMETRY_FILE));
    CHECK(*path && *gpath, "astronaut.png or %s missing (scripts/fetch-assets.sh)", SEGTEX_FACE_GEOMETRY_FILE);
    if (!*path || !*gpath || segtex_image_load(path, 3, &portrait))
        return test_summary();
    CHECK(portrait.width == SIDE && portrait.height == SIDE, "portrait %dx%d", portrait.width, portrait.height);
    CHECK(segtex_face_geometry_create(gpath, &geometry) == SEGTEX_OK, "geometry");
    if (!geometry || portrait.width != SIDE || portrait.height != SIDE)
        return test_summary();
    mesh = segtex_face_geometry_mesh(geometry);
    segtex_image_alloc(&rotated, SIDE, SIDE, 3);
    rotate_image(&portrait, &rotated);
    int ok = track(&portrait, &faces_up) && track(&rotated, &faces_rot);
    CHECK(ok, "one face on the portrait and on the rotated portrait");
    if (ok) {
        RUN(texture_sticks_to_the_landmarks);
        RUN(mesh_differs_from_face_and_falls_back_to_it);
        RUN(threads_allocations_and_pictures);
        RUN(bad_meshes_refused);
    }
    if (*coords_png)
        unlink(coords_png);
    segtex_face_geometry_destroy(geometry);
    segtex_image_free(&portrait);
    segtex_image_free(&rotated);
    return test_summary();
}
