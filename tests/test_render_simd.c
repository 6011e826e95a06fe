/*
 * The renderer's SIMD paths against its plain scalar ones, byte for byte:
 * the anchored texel walk (anchor_fill_select against
 * anchor_fill_affine_ref, and both against the walk as first written, with
 * the C library's fmod) over random transforms (rotations, mirrors,
 * negative and zero steps, steps past a tile, far origins), tiles of odd
 * sizes with and without alpha and spans of every length; then whole
 * frames (every mode, faces rotated and mirrored on the canonical mesh, the
 * mesh paint with an alpha texture, two faces, 1 and 3 threads) rendered
 * by a renderer at each SIMD level this CPU runs (AVX-512, AVX2:
 * renderer_set_simd_level) and one kept scalar. On a CPU without the SIMD
 * paths both sides are the scalar code and the test passes trivially.
 */
#include "harness.h"
#include "render/anchor.h"
#include "render/render.h"
#include "render/texture.h"
#include "segtex/face_geometry.h"
#include "segtex/io.h"
#include "segtex/render.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint32_t seed = 20261130;

/*
 * The walk as first written, with the C library's fmod, floor and llround
 * (anchor.c now finds the same start without them): texel by texel.
 */
static void walk_oracle(const render_layer *L, const anchor_xf *xf, int y, int x0, int x1, uint8_t *rgb,
                        uint8_t *alpha)
{
    const double one = 65536.0;
    const uint32_t tw = (uint32_t)L->tw << 16, th = (uint32_t)L->th << 16;
    double px = x0 + 0.5 - xf->ox, py = y + 0.5 - xf->oy;
    double u = xf->m[0] * px + xf->m[1] * py + xf->tx, v = xf->m[2] * px + xf->m[3] * py + xf->ty;
    double fu = fmod(u * one, (double)tw), fv = fmod(v * one, (double)th);
    double su = fmod(xf->m[0] * one, (double)tw), sv = fmod(xf->m[2] * one, (double)th);
    uint32_t U = (uint32_t)(int64_t)floor(fu < 0 ? fu + tw : fu), V = (uint32_t)(int64_t)floor(fv < 0 ? fv + th : fv);
    uint32_t du = (uint32_t)(int64_t)llround(su < 0 ? su + tw : su), dv = (uint32_t)(int64_t)llround(sv < 0 ? sv + th : sv);
    U = U >= tw ? U - tw : U, V = V >= th ? V - th : V;
    du = du >= tw ? du - tw : du, dv = dv >= th ? dv - th : dv;
    for (int x = x0; x < x1; x++, rgb += 3) {
        uint32_t i = (V >> 16) * (uint32_t)L->tw + (U >> 16);
        memcpy(rgb, L->rgb + i * 3, 3);
        if (alpha)
            *alpha++ = L->alpha[i];
        U += du, V += dv;
        U = U >= tw ? U - tw : U;
        V = V >= th ? V - th : V;
    }
}

static const char *const level_names[] = {"scalar", "AVX2", "AVX-512"};

static void walk_at_level(int level);

static void test_anchor_walk_matches_reference(void)
{
    printf("       CPU level: %s\n", level_names[render_cpu_level()]);
    for (int level = render_cpu_level(); level >= RENDER_SCALAR; level--)
        walk_at_level(level);
}

static void walk_at_level(int level)
{
    anchor_fill_fn fast = anchor_fill_select(level);
    printf("       anchored walk at %s\n", level_names[level]);
    enum { MAXW = 301 };
    uint8_t out_ref[MAXW * 3 + 64], out_fast[MAXW * 3 + 64], a_ref[MAXW + 16], a_fast[MAXW + 16];
    int mismatches = 0, runs = 0;
    for (int trial = 0; trial < 3000; trial++) {
        int tw = 1 + (int)(test_rand(&seed) % 97), th = 1 + (int)(test_rand(&seed) % 61);
        if (trial % 7 == 0)
            tw = 1 + (int)(test_rand(&seed) % 3); /* tiles one to three texels wide */
        size_t n = (size_t)tw * th;
        /* The tile's RENDER_TILE_SLACK spare bytes and nothing more: ASan sees any read past them. */
        uint8_t *rgb = malloc(n * 3 + RENDER_TILE_SLACK), *alpha = malloc(n + RENDER_TILE_SLACK);
        for (size_t i = 0; i < n * 3 + RENDER_TILE_SLACK; i++)
            rgb[i] = (uint8_t)test_rand(&seed);
        for (size_t i = 0; i < n + RENDER_TILE_SLACK; i++)
            alpha[i] = (uint8_t)test_rand(&seed);
        render_layer L = {0};
        L.enabled = 1, L.rgb = rgb, L.tw = tw, L.th = th, L.opacity = 255;
        L.alpha = trial % 3 == 0 ? alpha : NULL;
        float ang = test_randf(&seed, -3.2f, 3.2f), sc = test_randf(&seed, 0.05f, 4.0f);
        if (trial % 5 == 0)
            ang = 0; /* the texel row fixed along the output row */
        if (trial % 11 == 0)
            ang = 1.5707963f; /* only V moves */
        anchor_xf xf;
        xf.ox = test_randf(&seed, -2000, 2000), xf.oy = test_randf(&seed, -2000, 2000);
        if (trial % 17 == 0) /* tile coordinates past 2^15 texels: the walk's start in 64 bits */
            xf.ox = test_randf(&seed, -3e5f, 3e5f), xf.oy = test_randf(&seed, -3e5f, 3e5f);
        float mir = trial % 4 == 1 ? -1.0f : 1.0f;
        xf.m[0] = mir * sc * cosf(ang), xf.m[1] = sc * sinf(ang);
        xf.m[2] = -mir * sc * sinf(ang), xf.m[3] = sc * cosf(ang);
        if (trial % 13 == 0)
            xf.m[0] = test_randf(&seed, -300, 300), xf.m[2] = test_randf(&seed, -300, 300); /* steps past a tile */
        xf.tx = (float)(test_rand(&seed) % (unsigned)tw), xf.ty = (float)(test_rand(&seed) % (unsigned)th);
        for (int k = 0; k < 4; k++) {
            int x0 = (int)(test_rand(&seed) % 1500), len = (int)(test_rand(&seed) % MAXW), y = (int)(test_rand(&seed) % 900);
            memset(out_ref, 0xa5, sizeof out_ref), memset(out_fast, 0xa5, sizeof out_fast);
            memset(a_ref, 0x5a, sizeof a_ref), memset(a_fast, 0x5a, sizeof a_fast);
            anchor_fill_affine_ref(&L, &xf, y, x0, x0 + len, out_ref, L.alpha ? a_ref : NULL);
            fast(&L, &xf, y, x0, x0 + len, out_fast, L.alpha ? a_fast : NULL);
            /* The bytes past the span too: nothing written beyond it. */
            int bad = memcmp(out_ref, out_fast, sizeof out_ref) != 0 || memcmp(a_ref, a_fast, sizeof a_ref) != 0;
            walk_oracle(&L, &xf, y, x0, x0 + len, out_fast, L.alpha ? a_fast : NULL);
            bad |= memcmp(out_ref, out_fast, sizeof out_ref) != 0 || memcmp(a_ref, a_fast, sizeof a_ref) != 0;
            if (bad && mismatches++ < 5)
                CHECK(0, "%s walk differs: tile %dx%d%s, m = %g %g %g %g, row %d, columns %d..%d", level_names[level], tw, th,
                      L.alpha ? " with alpha" : "", xf.m[0], xf.m[1], xf.m[2], xf.m[3], y, x0, x0 + len);
            runs++;
        }
        free(rgb);
        free(alpha);
    }
    CHECK(mismatches == 0, "%s: %d of %d spans differ", level_names[level], mismatches, runs);
}

static uint64_t image_hash(const segtex_image *im)
{
    uint64_t h = 1469598103934665603ull;
    for (int y = 0; y < im->height; y++)
        for (int x = 0; x < im->width * 3; x++)
            h = (h ^ im->data[(ptrdiff_t)y * im->stride + x]) * 1099511628211ull;
    return h;
}

/*
 * A soft portrait: background, hair around a face, clothes below; soft
 * also inside (a little body skin everywhere, stripes of others) unless
 * crisp (one category owns each region's inside, as a confident segmenter
 * gives).
 */
static void portrait(float *prob, int mw, int mh, int crisp)
{
    for (int y = 0; y < mh; y++)
        for (int x = 0; x < mw; x++) {
            float u = (x + 0.5f) / mw, v = (y + 0.5f) / mh, s = 2.0f * mw, p[6];
            float head = 0.19f - hypotf((u - 0.5f) / 0.8f, v - 0.36f);
            float face = 0.15f - hypotf((u - 0.5f) / 0.75f, (v - 0.40f) / 1.1f);
            float body = fminf(0.36f - fabsf(u - 0.5f), v - 0.66f);
            float ph = 1 / (1 + expf(-head * s)), pf = 1 / (1 + expf(-face * s)), pb = 1 / (1 + expf(-body * s));
            p[3] = pf, p[1] = ph * (1 - pf), p[4] = pb * (1 - ph), p[2] = crisp ? 0 : 0.05f * (1 - pb) * (1 - ph);
            p[5] = !crisp && sinf(u * 40) > 0.5f ? 0.3f : 0;
            float person = p[1] + p[2] + p[3] + p[4] + p[5], sum = 0;
            p[0] = person < 1 ? 1 - person : crisp ? 0 : 0.01f;
            for (int c = 0; c < 6; c++)
                sum += p[c];
            for (int c = 0; c < 6; c++)
                prob[((size_t)y * mw + x) * 6 + c] = p[c] / sum;
        }
}

/* Face f of `faces`: the canonical mesh, turned by `angle`, mirrored if asked, `height` of the frame tall. */
static void place_face(const segtex_face_mesh *m, segtex_face_landmarks *f, int w, int h, float angle, int mirror,
                       float height, float cx, float cy)
{
    float lo[3] = {1e9f, 1e9f, 1e9f}, hi[3] = {-1e9f, -1e9f, -1e9f};
    for (int i = 0; i < m->vertex_count; i++)
        for (int k = 0; k < 3; k++)
            lo[k] = fminf(lo[k], m->xyz[i][k]), hi[k] = fmaxf(hi[k], m->xyz[i][k]);
    float k = height * (float)h / (hi[1] - lo[1]), mx = 0.5f * (lo[0] + hi[0]), my = 0.5f * (lo[1] + hi[1]);
    float c = cosf(angle), s = sinf(angle);
    f->count = SEGTEX_FACE_POINTS;
    for (int i = 0; i < SEGTEX_FACE_POINTS; i++) {
        int j = i < m->vertex_count ? i : i < 473 ? 33 : 263;
        float dx = (m->xyz[j][0] - mx) * k * (mirror ? -1.0f : 1.0f), dy = -(m->xyz[j][1] - my) * k;
        f->xyz[i][0] = cx + (dx * c - dy * s) / (float)w;
        f->xyz[i][1] = cy + (dx * s + dy * c) / (float)h;
        f->xyz[i][2] = -(m->xyz[j][2] - hi[2]) * k / (float)w;
    }
}

static void test_frames_match_scalar(void)
{
    segtex_face_geometry *g = NULL;
    if (segtex_face_geometry_create(test_asset(SEGTEX_FACE_GEOMETRY_FILE), &g) != SEGTEX_OK) {
        printf("       skipped: no face mesh file in the assets\n");
        return;
    }
    const segtex_face_mesh *mesh = segtex_face_geometry_mesh(g);
    char dir[] = "/tmp/segtex_simd_XXXXXX", path[256];
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    snprintf(path, sizeof path, "%s/veil.png", dir);
    segtex_image tex = {0};
    CHECK(segtex_image_alloc(&tex, 37, 23, 4) == SEGTEX_OK, "alloc texture");
    for (int y = 0; y < 23; y++)
        for (int x = 0; x < 37; x++) {
            uint8_t *p = tex.data + (ptrdiff_t)y * tex.stride + x * 4;
            p[0] = (uint8_t)(x * 7 + y), p[1] = (uint8_t)(y * 5 ^ x), p[2] = (uint8_t)(x * y), p[3] = (uint8_t)(x * 13 + y * 29);
        }
    CHECK(segtex_image_save_png(path, &tex) == SEGTEX_OK, "save texture");
    segtex_image_free(&tex);

    /* Upscaled (model columns in runs of 16: the run mix and span classifier's SIMD paths) and downscaled. */
    static const int sizes[][4] = {{640, 360, 256, 256}, {333, 251, 64, 48}, {200, 150, 256, 256}};
    static const char *const names[5] = {"bricks", "waves", "dots", "noise", "stripes"};
    static segtex_face_result faces;
    int scenes = 0, differ = 0;
    for (int si = 0; si < 3; si++) {
        int w = sizes[si][0], h = sizes[si][1], mw = sizes[si][2], mh = sizes[si][3];
        float *prob = malloc(sizeof(float) * 6 * mw * mh);
        segtex_image frame = {0}, out[2] = {{0}, {0}};
        CHECK(prob && segtex_image_alloc(&frame, w, h, 3) == SEGTEX_OK, "alloc");
        for (int k = 0; k < 2; k++)
            CHECK(segtex_image_alloc(&out[k], w, h, 3) == SEGTEX_OK, "alloc");
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w * 3; x++)
                frame.data[(ptrdiff_t)y * frame.stride + x] = (uint8_t)(x * 31 + y * 7 + x / 5);
        portrait(prob, mw, mh, si == 0);
        segtex_seg_result seg = {mw, mh, prob, NULL, mw * mh};
        for (int variant = 0; variant < 4; variant++)
            for (int mode = 0; mode < SEGTEX_RENDER_MODE_COUNT; mode++) {
                memset(&faces, 0, sizeof faces);
                faces.count = variant == 3 ? 2 : 1;
                float angle = variant == 0 ? 0.0f : variant == 1 ? 0.35f : variant == 2 ? 2.9f : -0.6f;
                for (int f = 0; f < faces.count; f++)
                    place_face(mesh, &faces.faces[f], w, h, angle + 0.2f * f, variant == 2, 0.33f - 0.1f * f,
                               0.5f + 0.25f * f, 0.42f);
                /* k = 0: the CPU's top level on 3 threads, ... down to the scalar paths on 1 thread. */
                const int top = render_cpu_level();
                uint64_t hash[RENDER_AVX512 + 1] = {0};
                for (int k = 0; k <= top; k++) {
                    segtex_texture_set *set = NULL;
                    segtex_renderer *r = NULL;
                    segtex_threadpool *pool = NULL;
                    CHECK(segtex_texture_set_create(dir, &set) == SEGTEX_OK, "texture set");
                    int veil = segtex_texture_set_find(set, "veil");
                    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
                        segtex_paint p = segtex_paint_default(c);
                        if (c < 5)
                            p.texture = segtex_texture_set_find(set, names[(c + variant) % 5]);
                        if ((variant == 1 || variant == 3) && (c == 1 || c == 3))
                            p.texture = veil; /* alpha: hair and the mesh-painted face */
                        p.scale = variant == 0 ? 1.5f : variant == 1 ? 1.37f : variant == 2 ? 0.77f : 2.9f;
                        p.offset_x = variant * 17 - 5 * c, p.offset_y = variant * -13 + 3 * c;
                        p.opacity = 0.3f + 0.1f * (float)c;
                        if (variant == 3 && c != 3)
                            p.anchor = SEGTEX_ANCHOR_FACE;
                        CHECK(segtex_texture_set_set_paint(set, c, &p) == SEGTEX_OK, "paint %d", c);
                    }
                    CHECK(segtex_renderer_create(set, &r) == SEGTEX_OK, "renderer");
                    CHECK(segtex_threadpool_create(k == top ? 1 : 3 - k, &pool) == SEGTEX_OK, "pool");
                    renderer_set_simd_level(r, top - k);
                    CHECK(segtex_renderer_set_face_mesh(r, mesh) == SEGTEX_OK, "mesh");
                    segtex_render_config cfg = {(segtex_render_mode)mode, w, h, mw, mh, segtex_landmark_style_default()};
                    cfg.landmarks.dots = 0;
                    CHECK(segtex_renderer_configure(r, &cfg) == SEGTEX_OK, "configure");
                    segtex_people people = {&faces, NULL, NULL, 0};
                    for (int fr = 0; fr < 2; fr++) {
                        CHECK(segtex_renderer_render(r, &frame, &seg, &people, &out[k > 0], pool) == SEGTEX_OK, "render");
                        hash[k] = hash[k] * 31 + image_hash(&out[k > 0]);
                    }
                    segtex_threadpool_destroy(pool);
                    segtex_renderer_destroy(r);
                    segtex_texture_set_destroy(set);
                }
                for (int k = 0; k < top; k++) {
                    scenes++;
                    if (hash[k] != hash[top] && differ++ < 5)
                        CHECK(0, "%dx%d variant %d mode %s: the %s frame differs from the scalar one", w, h, variant,
                              segtex_render_mode_name((segtex_render_mode)mode), level_names[top - k]);
                }
            }
        free(prob);
        segtex_image_free(&frame);
        segtex_image_free(&out[0]);
        segtex_image_free(&out[1]);
    }
    CHECK(differ == 0, "%d of %d scenes differ", differ, scenes);
    unlink(path);
    rmdir(dir);
    segtex_face_geometry_destroy(g);
}

int main(void)
{
    RUN(test_anchor_walk_matches_reference);
    RUN(test_frames_match_scalar);
    return test_summary();
}
