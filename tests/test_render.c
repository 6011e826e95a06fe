/*
 * The compositor: exact goldens per mode, soft edges, alpha, tile seams, a
 * plain scalar reference that the optimized, threaded renderer must match
 * pixel for pixel, and zero heap allocations per frame.
 */
#include "harness.h"
#include "render/render.h"
#include "render/texture.h"
#include "segtex/io.h"
#include "segtex/render.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One face of `count` points (clamped by the renderer) with a box (NULL: none), in static storage. */
static const segtex_face_result *one_face(const float (*xyz)[3], int count, const float *box)
{
    static segtex_face_result r[4];
    static int next;
    segtex_face_result *f = &r[next++ % 4];
    memset(f, 0, sizeof *f);
    f->count = 1;
    f->faces[0].count = count;
    memcpy(f->faces[0].xyz, xyz, sizeof f->faces[0].xyz);
    if (box)
        memcpy(f->detection[0].box, box, sizeof f->detection[0].box);
    return f;
}

/* An RGB view over a buffer with `pad` spare bytes per row (so strides are exercised). */
static segtex_image make_image(int w, int h, int pad)
{
    segtex_image im = {0};
    im.width = w;
    im.height = h;
    im.channels = 3;
    im.stride = (ptrdiff_t)w * 3 + pad;
    im.data = calloc((size_t)im.stride * h + 1, 1);
    return im;
}

static uint8_t *px(const segtex_image *im, int x, int y) { return im->data + (ptrdiff_t)y * im->stride + x * 3; }

static segtex_paint solid(int r, int g, int b)
{
    segtex_paint p = segtex_paint_default(0);
    p.color[0] = (uint8_t)r;
    p.color[1] = (uint8_t)g;
    p.color[2] = (uint8_t)b;
    return p;
}

static segtex_texture_set *set_with_colors(void)
{
    segtex_texture_set *set = NULL;
    CHECK(segtex_texture_set_create(NULL, &set) == SEGTEX_OK, "create set");
    return set;
}

static segtex_renderer *make_renderer(segtex_texture_set *set, segtex_render_mode mode, int w, int h, int mw, int mh)
{
    segtex_renderer *r = NULL;
    CHECK(segtex_renderer_create(set, &r) == SEGTEX_OK, "create renderer");
    segtex_render_config cfg = {mode, w, h, mw, mh, segtex_landmark_style_default()};
    CHECK(segtex_renderer_configure(r, &cfg) == SEGTEX_OK, "configure");
    return r;
}

static int same_px(const uint8_t *p, int r, int g, int b) { return p[0] == r && p[1] == g && p[2] == b; }

/* ------------------------------------------------------------------ */

/*
 * Model 2x1 = [category 0 | category 1], output 4x1. Half-pixel centres put
 * output columns at model x = 0 (clamped), 0.25, 0.75, 1 (clamped): weights
 * of category 1 are 0, 64, 192, 256 (of 256).
 */
static void test_mask_mode_golden_soft_edge(void)
{
    segtex_texture_set *set = set_with_colors();
    segtex_paint a = solid(200, 0, 40), b = solid(0, 100, 240);
    CHECK(segtex_texture_set_set_paint(set, 0, &a) == SEGTEX_OK, "paint 0");
    CHECK(segtex_texture_set_set_paint(set, 1, &b) == SEGTEX_OK, "paint 1");
    segtex_renderer *r = make_renderer(set, SEGTEX_RENDER_MASK, 4, 1, 2, 1);
    uint8_t cat[2] = {0, 1};
    segtex_seg_result seg = {2, 1, NULL, cat, 0};
    segtex_image out = make_image(4, 1, 5);
    CHECK(segtex_renderer_render(r, NULL, &seg, NULL, &out, NULL) == SEGTEX_OK, "render");
    static const int want[4][3] = {{200, 0, 40}, {150, 25, 90}, {50, 75, 190}, {0, 100, 240}};
    for (int x = 0; x < 4; x++)
        CHECK(same_px(px(&out, x, 0), want[x][0], want[x][1], want[x][2]), "mask x=%d: %d,%d,%d want %d,%d,%d", x,
              px(&out, x, 0)[0], px(&out, x, 0)[1], px(&out, x, 0)[2], want[x][0], want[x][1], want[x][2]);
    CHECK(out.data[12] == 0, "stride padding untouched");

    /* The same edge from probabilities instead of ids: identical. */
    float prob[12] = {1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0};
    segtex_seg_result segp = {2, 1, prob, NULL, 0};
    segtex_image out2 = make_image(4, 1, 0);
    CHECK(segtex_renderer_render(r, NULL, &segp, NULL, &out2, NULL) == SEGTEX_OK, "render prob");
    CHECK(!memcmp(out.data, out2.data, 12), "probabilities and ids agree");

    /* An unpainted category is black in mask mode. */
    b.enabled = 0;
    CHECK(segtex_texture_set_set_paint(set, 1, &b) == SEGTEX_OK, "disable 1");
    CHECK(segtex_renderer_render(r, NULL, &seg, NULL, &out, NULL) == SEGTEX_OK, "render");
    CHECK(same_px(px(&out, 3, 0), 0, 0, 0), "unpainted is black");
    CHECK(same_px(px(&out, 2, 0), 50, 0, 10), "edge fades to black: %d,%d,%d", px(&out, 2, 0)[0], px(&out, 2, 0)[1],
          px(&out, 2, 0)[2]);
    segtex_renderer_destroy(r);
    segtex_texture_set_destroy(set);
    free(out.data);
    free(out2.data);
}

static void test_overlay_mode_golden(void)
{
    segtex_texture_set *set = set_with_colors();
    segtex_paint hair = solid(255, 0, 0);
    hair.opacity = 0.6f; /* 153 / 255 */
    segtex_paint bg = segtex_paint_default(0);
    bg.enabled = 0;
    segtex_texture_set_set_paint(set, 0, &bg);
    segtex_texture_set_set_paint(set, 1, &hair);
    segtex_renderer *r = make_renderer(set, SEGTEX_RENDER_OVERLAY, 3, 2, 3, 2);
    uint8_t cat[6] = {0, 1, 1, 1, 1, 0};
    segtex_seg_result seg = {3, 2, NULL, cat, 0};
    segtex_image frame = make_image(3, 2, 3), out = make_image(3, 2, 1);
    for (int y = 0; y < 2; y++)
        for (int x = 0; x < 3; x++)
            memset(px(&frame, x, y), 100, 3);
    CHECK(segtex_renderer_render(r, &frame, &seg, NULL, &out, NULL) == SEGTEX_OK, "render");
    /* (255 * 153 + 100 * 102 + 127) / 255 = 193; (100 * 102 + 127) / 255 = 40. */
    CHECK(same_px(px(&out, 1, 0), 193, 40, 40), "hair blended: %d,%d,%d", px(&out, 1, 0)[0], px(&out, 1, 0)[1],
          px(&out, 1, 0)[2]);
    CHECK(same_px(px(&out, 0, 0), 100, 100, 100), "unpainted background shows the frame");
    CHECK(same_px(px(&out, 2, 1), 100, 100, 100), "unpainted background shows the frame (2,1)");

    /* In place: out == frame gives the same pixels. */
    CHECK(segtex_renderer_render(r, &frame, &seg, NULL, &frame, NULL) == SEGTEX_OK, "in place");
    CHECK(!memcmp(px(&frame, 0, 0), px(&out, 0, 0), 9) && !memcmp(px(&frame, 0, 1), px(&out, 0, 1), 9), "in place");
    segtex_renderer_destroy(r);
    segtex_texture_set_destroy(set);
    free(frame.data);
    free(out.data);
}

static void test_cutout_mode_golden(void)
{
    segtex_texture_set *set = set_with_colors();
    segtex_paint bg = solid(0, 0, 255);
    bg.opacity = 0.2f; /* ignored: cutout replaces */
    segtex_texture_set_set_paint(set, 0, &bg);
    for (int c = 1; c < SEGTEX_CATEGORY_COUNT; c++) {
        segtex_paint p = segtex_paint_default(c);
        p.enabled = 0;
        segtex_texture_set_set_paint(set, c, &p);
    }
    segtex_renderer *r = make_renderer(set, SEGTEX_RENDER_CUTOUT, 2, 2, 2, 2);
    uint8_t cat[4] = {0, 3, 4, 0};
    segtex_seg_result seg = {2, 2, NULL, cat, 0};
    segtex_image frame = make_image(2, 2, 0), out = make_image(2, 2, 7);
    for (int i = 0; i < 12; i++)
        frame.data[i] = (uint8_t)(10 * i);
    CHECK(segtex_renderer_render(r, &frame, &seg, NULL, &out, NULL) == SEGTEX_OK, "render");
    CHECK(same_px(px(&out, 0, 0), 0, 0, 255) && same_px(px(&out, 1, 1), 0, 0, 255), "background replaced fully");
    CHECK(!memcmp(px(&out, 1, 0), px(&frame, 1, 0), 3) && !memcmp(px(&out, 0, 1), px(&frame, 0, 1), 3),
          "person as filmed");
    segtex_renderer_destroy(r);
    segtex_texture_set_destroy(set);
    free(frame.data);
    free(out.data);
}

/* Texture alpha x opacity x soft edge, checked against the formula and against the plain-number expectation. */
static void test_alpha_texture_opacity_soft_edge(void)
{
    char dir[] = "/tmp/segtex_alpha_XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    char path[256];
    snprintf(path, sizeof path, "%s/half.png", dir);
    segtex_image tex = {0};
    CHECK(segtex_image_alloc(&tex, 2, 2, 4) == SEGTEX_OK, "alloc texture");
    for (int i = 0; i < 4; i++) {
        tex.data[i * 4 + 0] = 250;
        tex.data[i * 4 + 1] = 10;
        tex.data[i * 4 + 2] = 130;
        tex.data[i * 4 + 3] = 128;
    }
    CHECK(segtex_image_save_png(path, &tex) == SEGTEX_OK, "save texture");
    segtex_image_free(&tex);

    segtex_texture_set *set = NULL;
    CHECK(segtex_texture_set_create(dir, &set) == SEGTEX_OK, "create with dir");
    int idx = segtex_texture_set_find(set, "half");
    CHECK(idx == SEGTEX_BUILTIN_TEXTURE_COUNT, "loaded texture found at %d", idx);
    segtex_paint bg = segtex_paint_default(0);
    bg.enabled = 0;
    segtex_texture_set_set_paint(set, 0, &bg);
    segtex_paint p = segtex_paint_default(1);
    p.texture = idx;
    p.opacity = 0.5f; /* 128 */
    CHECK(segtex_texture_set_set_paint(set, 1, &p) == SEGTEX_OK, "paint textured");

    segtex_renderer *r = make_renderer(set, SEGTEX_RENDER_OVERLAY, 4, 1, 2, 1);
    uint8_t cat[2] = {0, 1};
    segtex_seg_result seg = {2, 1, NULL, cat, 0};
    segtex_image frame = make_image(4, 1, 0), out = make_image(4, 1, 0);
    for (int x = 0; x < 4; x++) {
        px(&frame, x, 0)[0] = 20;
        px(&frame, x, 0)[1] = 200;
        px(&frame, x, 0)[2] = 60;
    }
    CHECK(segtex_renderer_render(r, &frame, &seg, NULL, &out, NULL) == SEGTEX_OK, "render");
    const uint8_t T[3] = {250, 10, 130}, F[3] = {20, 200, 60};
    uint32_t a = div255(128 * 128); /* texture alpha x opacity */
    static const int w1[4] = {0, 64, 192, 256};
    for (int x = 0; x < 4; x++) {
        for (int k = 0; k < 3; k++) {
            uint32_t P = div255(T[k] * a + F[k] * (255 - a));
            uint32_t want = (w1[x] * P + (256 - w1[x]) * F[k] + 128) >> 8;
            CHECK(px(&out, x, 0)[k] == want, "x=%d ch=%d: %d want %u", x, k, px(&out, x, 0)[k], want);
            /* What a user expects: 0.5 x 0.5 x edge weight of the texture over the frame. */
            double expect = F[k] + (T[k] - F[k]) * 0.5 * 0.5 * (w1[x] / 256.0);
            CHECK_NEAR(px(&out, x, 0)[k], expect, 1.5);
        }
    }
    segtex_renderer_destroy(r);
    segtex_texture_set_destroy(set);
    free(frame.data);
    free(out.data);
    unlink(path);
    rmdir(dir);
}

/* ------------------------------------------------------------------ */
/* Tile seams                                                           */
/* ------------------------------------------------------------------ */

static int max_step(const uint8_t *a, const uint8_t *b)
{
    int m = 0;
    for (int k = 0; k < 3; k++) {
        int d = abs(a[k] - b[k]);
        m = d > m ? d : m;
    }
    return m;
}

static void test_tiles_are_seamless_at_every_scale(void)
{
    static const float scales[] = {0.25f, 0.3f, 0.5f, 0.75f, 1.0f, 1.37f, 1.5f, 2.0f, 3.0f, 4.0f, 5.5f, 8.0f};
    static const char *const smooth[] = {"waves", "gradient", "noise"};
    segtex_texture_set *set = set_with_colors();
    segtex_renderer *r = make_renderer(set, SEGTEX_RENDER_MASK, 24, 24, 1, 1);
    uint8_t cat = 0;
    segtex_seg_result seg = {1, 1, NULL, &cat, 0};
    segtex_image out = make_image(24, 24, 0);
    for (size_t t = 0; t < 3; t++) {
        for (size_t s = 0; s < sizeof scales / sizeof scales[0]; s++) {
            segtex_paint p = segtex_paint_default(0);
            p.texture = segtex_texture_set_find(set, smooth[t]);
            p.color[0] = 255, p.color[1] = 255, p.color[2] = 255;
            p.color2[0] = 0, p.color2[1] = 0, p.color2[2] = 0;
            p.scale = scales[s];
            CHECK(segtex_texture_set_set_paint(set, 0, &p) == SEGTEX_OK, "paint");
            const render_layer *L = texture_set_layer(set, 0);
            /* Largest step between neighbours inside the tile (not across its edge). */
            int inner = 0;
            for (int y = 0; y < L->th; y++)
                for (int x = 0; x + 1 < L->tw; x++)
                    inner = fmax(inner, max_step(L->rgb + (y * L->tw + x) * 3, L->rgb + (y * L->tw + x + 1) * 3));
            for (int y = 0; y + 1 < L->th; y++)
                for (int x = 0; x < L->tw; x++)
                    inner = fmax(inner, max_step(L->rgb + (y * L->tw + x) * 3, L->rgb + ((y + 1) * L->tw + x) * 3));
            /* Put the seams between output columns 9|10 and rows 9|10. */
            p.offset_x = L->tw - 10;
            p.offset_y = L->th - 10;
            segtex_texture_set_set_paint(set, 0, &p);
            CHECK(segtex_renderer_render(r, NULL, &seg, NULL, &out, NULL) == SEGTEX_OK, "render");
            CHECK(!memcmp(px(&out, 10, 10), L->rgb, 3), "tile origin lands at (10,10)");
            int seam = 0;
            for (int y = 0; y < 24; y++)
                seam = fmax(seam, max_step(px(&out, 9, y), px(&out, 10, y)));
            for (int x = 0; x < 24; x++)
                seam = fmax(seam, max_step(px(&out, x, 9), px(&out, x, 10)));
            CHECK(seam <= inner + 2, "%s scale %g (tile %dx%d): seam step %d > inner step %d", smooth[t], scales[s],
                  L->tw, L->th, seam, inner);
        }
    }
    segtex_renderer_destroy(r);
    segtex_texture_set_destroy(set);
    free(out.data);
}

/* ------------------------------------------------------------------ */
/* Reference renderer: every pixel by the defining formula, no spans,   */
/* runs or tables.                                                      */
/* ------------------------------------------------------------------ */

static void ref_axis(int i, int size, int n, int *m0, int *m1, int *f)
{
    int64_t s = (int64_t)(2 * i + 1) * n * 128 / size - 128;
    if (s < 0)
        s = 0;
    *m0 = (int)(s >> 8);
    *f = (int)(s & 255);
    if (*m0 >= n - 1) {
        *m0 = n - 1;
        *f = 0;
    }
    *m1 = *m0 + 1 < n ? *m0 + 1 : *m0;
}

static void ref_weights(const segtex_seg_result *seg, int i, uint32_t q[6])
{
    float v[6], sum = 0;
    for (int c = 0; c < 6; c++) {
        float x = seg->prob ? seg->prob[i * 6 + c] : (seg->category[i] == c || (c == 0 && seg->category[i] > 5));
        v[c] = x > 0x1p-16f ? (x < 1 ? x : 1) : 0;
        sum += v[c];
    }
    if (!(sum > 0))
        v[0] = sum = 1;
    int total = 0, best = 0;
    for (int c = 0; c < 6; c++) {
        q[c] = (uint32_t)(int)(v[c] * (255.0f / sum) + 0.5f);
        total += (int)q[c];
        if (v[c] > v[best])
            best = c;
    }
    q[best] += 255 - total;
}

static void ref_render(const segtex_texture_set *set, segtex_render_mode mode, const segtex_image *frame,
                       const segtex_seg_result *seg, segtex_image *out)
{
    for (int y = 0; y < out->height; y++) {
        int y0, y1, fy;
        ref_axis(y, out->height, seg->height, &y0, &y1, &fy);
        for (int x = 0; x < out->width; x++) {
            int x0, x1, fx;
            ref_axis(x, out->width, seg->width, &x0, &x1, &fx);
            uint32_t q[4][6];
            ref_weights(seg, y0 * seg->width + x0, q[0]);
            ref_weights(seg, y0 * seg->width + x1, q[1]);
            ref_weights(seg, y1 * seg->width + x0, q[2]);
            ref_weights(seg, y1 * seg->width + x1, q[3]);
            uint32_t acc[3] = {0, 0, 0};
            const uint8_t *B = mode == SEGTEX_RENDER_MASK ? NULL : px(frame, x, y);
            for (int c = 0; c < 6; c++) {
                uint32_t w = ((q[0][c] * (256 - fx) + q[1][c] * fx) * (256 - fy) + (q[2][c] * (256 - fx) + q[3][c] * fx) * fy) >> 8;
                const render_layer *L = texture_set_layer(set, c);
                int tx = (x + L->offset_x) % L->tw, ty = (y + L->offset_y) % L->th;
                uint32_t a = L->alpha ? L->alpha[ty * L->tw + tx] : 255;
                a = div255(a * (mode == SEGTEX_RENDER_OVERLAY ? L->opacity : 255));
                if (!L->enabled)
                    a = 0;
                for (int k = 0; k < 3; k++) {
                    uint32_t P = div255(L->rgb[(ty * L->tw + tx) * 3 + k] * a + (B ? B[k] : 0) * (255 - a));
                    acc[k] += w * P;
                }
            }
            for (int k = 0; k < 3; k++)
                px(out, x, y)[k] = (uint8_t)((acc[k] + 32640) / 65280);
        }
    }
}

/* A segmentation with blobs of every category, soft borders and some fully owned areas. */
static void random_seg(float *prob, int mw, int mh, uint32_t *rng)
{
    float cx[6], cy[6];
    for (int c = 0; c < 6; c++) {
        cx[c] = test_randf(rng, 0, mw);
        cy[c] = test_randf(rng, 0, mh);
    }
    for (int y = 0; y < mh; y++) {
        for (int x = 0; x < mw; x++) {
            float *p = prob + (y * mw + x) * 6, sum = 0;
            for (int c = 0; c < 6; c++) {
                float d2 = (x - cx[c]) * (x - cx[c]) + (y - cy[c]) * (y - cy[c]);
                p[c] = expf(-d2 / (float)(mw * mh) * 8.0f);
                p[c] = p[c] * p[c] * p[c] * p[c];
                sum += p[c];
            }
            for (int c = 0; c < 6; c++)
                p[c] /= sum;
            if (test_rand(rng) % 97 == 0)
                p[test_rand(rng) % 6] = -1; /* out-of-range values are clamped */
        }
    }
}

static void configure_random_paints(segtex_texture_set *set, uint32_t *rng)
{
    segtex_texture_set_randomize(set, test_rand(rng));
    for (int c = 0; c < 6; c++) {
        segtex_paint p = segtex_texture_set_get_paint(set, c);
        p.enabled = c != 2;
        p.opacity = (float)(test_rand(rng) % 256) / 255.0f;
        segtex_texture_set_set_paint(set, c, &p);
    }
}

static void test_matches_reference_any_size_stride_threads(void)
{
    static const int sizes[][4] = {{1, 1, 1, 1}, {7, 5, 3, 2}, {333, 177, 37, 23}, {64, 64, 256, 256}, {160, 90, 16, 16}};
    segtex_threadpool *pools[4] = {NULL, NULL, NULL, NULL};
    for (int t = 1; t < 4; t++)
        segtex_threadpool_create(t + 1, &pools[t]);
    segtex_texture_set *set = set_with_colors();
    uint32_t rng = 12345;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        int w = sizes[s][0], h = sizes[s][1], mw = sizes[s][2], mh = sizes[s][3];
        float *prob = malloc(sizeof(float) * mw * mh * 6);
        random_seg(prob, mw, mh, &rng);
        segtex_seg_result seg = {mw, mh, prob, NULL, 0};
        segtex_image frame = make_image(w, h, 9), want = make_image(w, h, 0), got = make_image(w, h, 5);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w * 3; x++)
                frame.data[y * frame.stride + x] = (uint8_t)test_rand(&rng);
        for (int mode = 0; mode < SEGTEX_RENDER_MODE_COUNT; mode++) {
            configure_random_paints(set, &rng);
            segtex_renderer *r = make_renderer(set, (segtex_render_mode)mode, w, h, mw, mh);
            ref_render(set, (segtex_render_mode)mode, &frame, &seg, &want);
            for (int t = 0; t < 4; t++) {
                memset(got.data, 0xAB, (size_t)got.stride * h);
                CHECK(segtex_renderer_render(r, &frame, &seg, NULL, &got, pools[t]) == SEGTEX_OK, "render");
                int diff = 0, padding_ok = 1;
                for (int y = 0; y < h; y++) {
                    diff += memcmp(px(&got, 0, y), px(&want, 0, y), (size_t)w * 3) != 0;
                    for (int k = 0; k < 5; k++)
                        padding_ok &= got.data[y * got.stride + w * 3 + k] == 0xAB;
                }
                CHECK(diff == 0, "%dx%d from %dx%d, %s, %d threads: %d rows differ from the reference", w, h, mw, mh,
                      segtex_render_mode_name((segtex_render_mode)mode), t + 1, diff);
                CHECK(padding_ok, "row padding untouched");
            }
            segtex_renderer_destroy(r);
        }
        free(prob);
        free(frame.data);
        free(want.data);
        free(got.data);
    }
    segtex_texture_set_destroy(set);
    for (int t = 1; t < 4; t++)
        segtex_threadpool_destroy(pools[t]);
}

/* Landmarks too: 1 thread and N threads give the same pixels. */
static void test_threads_identical_with_landmarks(void)
{
    segtex_texture_set *set = set_with_colors();
    uint32_t rng = 99;
    configure_random_paints(set, &rng);
    int w = 321, h = 243;
    segtex_renderer *r = NULL;
    segtex_renderer_create(set, &r);
    segtex_render_config cfg = {SEGTEX_RENDER_MASK, w, h, 64, 64, segtex_landmark_style_default()};
    cfg.landmarks.contours = 1;
    cfg.landmarks.box = 1;
    cfg.landmarks.dot_radius = 2.3f;
    CHECK(segtex_renderer_configure(r, &cfg) == SEGTEX_OK, "configure");
    float *prob = malloc(sizeof(float) * 64 * 64 * 6);
    random_seg(prob, 64, 64, &rng);
    segtex_seg_result seg = {64, 64, prob, NULL, 0};
    static float pts[478][3];
    for (int i = 0; i < 478; i++) {
        pts[i][0] = test_randf(&rng, -0.05f, 1.05f);
        pts[i][1] = test_randf(&rng, -0.05f, 1.05f);
    }
    const segtex_face_result *lm = one_face((const float(*)[3])pts, 478, (const float[4]){0.2f, 0.1f, 0.5f, 0.7f});
    segtex_image one = make_image(w, h, 3), many = make_image(w, h, 0);
    CHECK(segtex_renderer_render(r, NULL, &seg, &(segtex_people){lm, NULL, NULL, 0}, &one, NULL) == SEGTEX_OK, "render 1 thread");
    for (int t = 2; t <= 4; t++) {
        segtex_threadpool *pool = NULL;
        segtex_threadpool_create(t, &pool);
        CHECK(segtex_renderer_render(r, NULL, &seg, &(segtex_people){lm, NULL, NULL, 0}, &many, pool) == SEGTEX_OK, "render");
        int diff = 0;
        for (int y = 0; y < h; y++)
            diff += memcmp(px(&one, 0, y), px(&many, 0, y), (size_t)w * 3) != 0;
        CHECK(diff == 0, "%d threads: %d rows differ from 1 thread", t, diff);
        segtex_threadpool_destroy(pool);
    }
    segtex_renderer_destroy(r);
    segtex_texture_set_destroy(set);
    free(prob);
    free(one.data);
    free(many.data);
}

static void test_render_allocates_nothing(void)
{
    segtex_texture_set *set = set_with_colors();
    uint32_t rng = 5;
    configure_random_paints(set, &rng);
    segtex_threadpool *pool = NULL;
    segtex_threadpool_create(2, &pool);
    segtex_renderer *r = NULL;
    segtex_renderer_create(set, &r);
    segtex_render_config cfg = {SEGTEX_RENDER_OVERLAY, 320, 180, 64, 64, segtex_landmark_style_default()};
    cfg.landmarks.contours = 1;
    cfg.landmarks.box = 1;
    segtex_renderer_configure(r, &cfg);
    float *prob = malloc(sizeof(float) * 64 * 64 * 6);
    random_seg(prob, 64, 64, &rng);
    segtex_seg_result seg = {64, 64, prob, NULL, 0};
    static float pts[478][3];
    for (int i = 0; i < 478; i++)
        pts[i][0] = pts[i][1] = (float)i / 478;
    const segtex_face_result *lm = one_face((const float(*)[3])pts, 478, (const float[4]){0.2f, 0.1f, 0.5f, 0.7f});
    segtex_image frame = make_image(320, 180, 0), out = make_image(320, 180, 0);
    segtex_renderer_render(r, &frame, &seg, &(segtex_people){lm, NULL, NULL, 0}, &out, pool); /* warm-up */
    uint64_t p0 = test_process_allocs(), s0 = segtex_alloc_count();
    for (int i = 0; i < 200; i++) {
        segtex_renderer_render(r, &frame, &seg, &(segtex_people){lm, NULL, NULL, 0}, &out, i & 1 ? pool : NULL);
        if (i % 50 == 0) {
            /* A paint change between frames: the renderer refreshes its tables without allocating. */
            segtex_paint p = segtex_texture_set_get_paint(set, 0);
            p.offset_x += 7;
            segtex_texture_set_set_paint(set, 0, &p);
        }
    }
    uint64_t process = test_process_allocs() - p0, lib = segtex_alloc_count() - s0;
    CHECK(process == 0, "200 frames made %llu heap allocations (process)", (unsigned long long)process);
    CHECK(lib == 0, "200 frames made %llu heap allocations (library)", (unsigned long long)lib);
    segtex_renderer_destroy(r);
    segtex_threadpool_destroy(pool);
    segtex_texture_set_destroy(set);
    free(prob);
    free(frame.data);
    free(out.data);
}

static void test_render_rejects_mismatched_inputs(void)
{
    segtex_texture_set *set = set_with_colors();
    segtex_renderer *r = make_renderer(set, SEGTEX_RENDER_OVERLAY, 8, 8, 4, 4);
    uint8_t cat[16] = {0};
    segtex_seg_result seg = {4, 4, NULL, cat, 0}, bad_seg = {5, 4, NULL, cat, 0};
    segtex_image frame = make_image(8, 8, 0), out = make_image(8, 8, 0), small = make_image(7, 8, 0);
    memset(out.data, 77, 8 * 8 * 3);
    CHECK(segtex_renderer_render(r, &frame, &bad_seg, NULL, &out, NULL) == SEGTEX_ERROR_INVALID_ARGUMENT,
          "segmentation size mismatch rejected");
    CHECK(segtex_renderer_render(r, NULL, &seg, NULL, &out, NULL) == SEGTEX_ERROR_INVALID_ARGUMENT,
          "overlay without a frame rejected");
    CHECK(segtex_renderer_render(r, &frame, &seg, NULL, &small, NULL) == SEGTEX_ERROR_INVALID_ARGUMENT,
          "output size mismatch rejected");
    CHECK(out.data[0] == 77, "nothing written on failure");
    segtex_image grey = out;
    grey.channels = 1;
    CHECK(segtex_renderer_render(r, &frame, &seg, NULL, &grey, NULL) == SEGTEX_ERROR_INVALID_ARGUMENT,
          "non-RGB output rejected");
    segtex_render_config cfg = {SEGTEX_RENDER_MASK, 0, 8, 4, 4, segtex_landmark_style_default()};
    CHECK(segtex_renderer_configure(r, &cfg) == SEGTEX_ERROR_INVALID_ARGUMENT, "zero width rejected");
    cfg.width = 8;
    cfg.model_width = 5000;
    CHECK(segtex_renderer_configure(r, &cfg) == SEGTEX_ERROR_INVALID_ARGUMENT, "huge model rejected");
    cfg.model_width = 4;
    cfg.landmarks.dot_radius = 0;
    CHECK(segtex_renderer_configure(r, &cfg) == SEGTEX_ERROR_INVALID_ARGUMENT, "zero dot radius rejected");
    cfg.landmarks.dot_radius = 1;
    cfg.mode = (segtex_render_mode)7;
    CHECK(segtex_renderer_configure(r, &cfg) == SEGTEX_ERROR_INVALID_ARGUMENT, "bad mode rejected");
    /* The old configuration still works. */
    CHECK(segtex_renderer_render(r, &frame, &seg, NULL, &out, NULL) == SEGTEX_OK, "old configuration kept");
    segtex_renderer_destroy(r);
    segtex_renderer_destroy(NULL);
    segtex_texture_set_destroy(set);
    free(frame.data);
    free(out.data);
    free(small.data);
}

int main(void)
{
    RUN(test_mask_mode_golden_soft_edge);
    RUN(test_overlay_mode_golden);
    RUN(test_cutout_mode_golden);
    RUN(test_alpha_texture_opacity_soft_edge);
    RUN(test_tiles_are_seamless_at_every_scale);
    RUN(test_matches_reference_any_size_stride_threads);
    RUN(test_threads_identical_with_landmarks);
    RUN(test_render_allocates_nothing);
    RUN(test_render_rejects_mismatched_inputs);
    return test_summary();
}
