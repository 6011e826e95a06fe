/*
 * Paints computed from the frame or a picture (tint, blur, image) and
 * textures anchored to the face: what a user sees (luminance kept, a flat
 * field stays flat, a picture covers the frame, a face texture moves with
 * the face and a screen one does not), the rejection of bad paints, the
 * same pixels for any thread count, and zero heap allocations per frame.
 */
#include "harness.h"
#include "render/texture.h"
#include "segtex/io.h"
#include "segtex/render.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* A segmentation at model size mw x mh with every pixel in `category`. */
static segtex_seg_result all_of(int category, int mw, int mh)
{
    uint8_t *ids = malloc((size_t)mw * mh);
    memset(ids, category, (size_t)mw * mh);
    segtex_seg_result s = {mw, mh, NULL, ids, mw * mh};
    return s;
}

/* Only `category` painted, with `p`; the others not painted. */
static void only(segtex_texture_set *set, int category, const segtex_paint *p)
{
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        segtex_paint q = segtex_paint_default(c);
        q.enabled = 0;
        CHECK(segtex_texture_set_set_paint(set, c, c == category ? p : &q) == SEGTEX_OK, "set paint %d", c);
    }
}

static segtex_renderer *renderer(segtex_texture_set *set, segtex_render_mode mode, int w, int h, int mw, int mh)
{
    segtex_renderer *r = NULL;
    CHECK(segtex_renderer_create(set, &r) == SEGTEX_OK, "create renderer");
    segtex_render_config cfg = {mode, w, h, mw, mh, segtex_landmark_style_default()};
    cfg.landmarks.dots = 0;
    CHECK(segtex_renderer_configure(r, &cfg) == SEGTEX_OK, "configure %dx%d", w, h);
    return r;
}

static int luma(const uint8_t *p) { return (77 * p[0] + 150 * p[1] + 29 * p[2] + 128) >> 8; }

/* ------------------------------------------------------------------ */

static void test_tint_keeps_luminance(void)
{
    static const uint8_t colors[][3] = {{200, 30, 90}, {20, 90, 220}, {250, 240, 10}, {0, 0, 0}, {255, 255, 255}};
    static const float strengths[] = {1.0f, 0.5f, 0.0f};
    int w = 97, h = 61;
    segtex_image frame = make_image(w, h, 5), out = make_image(w, h, 0);
    uint32_t rng = 11;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            for (int k = 0; k < 3; k++)
                px(&frame, x, y)[k] = (uint8_t)(test_rand(&rng) & 255);
    segtex_texture_set *set = NULL;
    segtex_texture_set_create(NULL, &set);
    segtex_renderer *r = renderer(set, SEGTEX_RENDER_CUTOUT, w, h, 16, 16);
    segtex_seg_result seg = all_of(SEGTEX_CATEGORY_HAIR, 16, 16);
    for (size_t ci = 0; ci < sizeof colors / sizeof colors[0]; ci++) {
        for (size_t si = 0; si < sizeof strengths / sizeof strengths[0]; si++) {
            segtex_paint p = segtex_paint_default(SEGTEX_CATEGORY_HAIR);
            p.kind = SEGTEX_PAINT_TINT;
            memcpy(p.color, colors[ci], 3);
            p.strength = strengths[si];
            only(set, SEGTEX_CATEGORY_HAIR, &p);
            CHECK(segtex_renderer_render(r, &frame, &seg, NULL, &out, NULL) == SEGTEX_OK, "render");
            int worst = 0, toward = 0, n = 0;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    const uint8_t *a = px(&frame, x, y), *b = px(&out, x, y);
                    int d = abs(luma(a) - luma(b));
                    worst = d > worst ? d : worst;
                    /* A pixel of middle luma takes the colour's hue: its strongest channel is the colour's. */
                    if (strengths[si] == 1.0f && ci < 3 && luma(a) > 80 && luma(a) < 170) {
                        int best = colors[ci][0] >= colors[ci][1] && colors[ci][0] >= colors[ci][2] ? 0
                                   : colors[ci][1] >= colors[ci][2]                               ? 1
                                                                                                   : 2;
                        toward += b[best] >= b[0] && b[best] >= b[1] && b[best] >= b[2];
                        n++;
                    }
                }
            CHECK(worst <= 2, "tint #%02x%02x%02x:%g: luma moved by %d levels (at most 2)", colors[ci][0],
                  colors[ci][1], colors[ci][2], strengths[si], worst);
            if (n)
                CHECK(toward == n, "tint #%02x%02x%02x: %d of %d mid-grey pixels took the colour's hue", colors[ci][0],
                      colors[ci][1], colors[ci][2], toward, n);
            if (strengths[si] == 0.0f) {
                /* No colour at all: grey with the pixel's luma. */
                const uint8_t *b = px(&out, 3, 3);
                CHECK(b[0] == b[1] && b[1] == b[2], "strength 0 gives grey, got %d,%d,%d", b[0], b[1], b[2]);
            }
        }
    }
    segtex_renderer_destroy(r);
    segtex_texture_set_destroy(set);
    free(seg.category);
    free(frame.data);
    free(out.data);
}

/* The full-size binomial blur of radius 1 and 2 (src/render/blur.c) written plainly: taps d apart, edges replicated. */
static void binomial_reference(const uint8_t *src, uint8_t *dst, int w, int h, int d)
{
    static const int k[5] = {1, 4, 6, 4, 1};
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            for (int c = 0; c < 3; c++) {
                int sum = 0;
                for (int i = 0; i < 5; i++)
                    for (int j = 0; j < 5; j++) {
                        int yy = y + (i - 2) * d, xx = x + (j - 2) * d;
                        yy = yy < 0 ? 0 : yy >= h ? h - 1 : yy;
                        xx = xx < 0 ? 0 : xx >= w ? w - 1 : xx;
                        sum += k[i] * k[j] * src[((size_t)yy * w + xx) * 3 + c];
                    }
                dst[((size_t)y * w + x) * 3 + c] = (uint8_t)((sum + 128) >> 8);
            }
}

static void test_small_blur_matches_the_plain_reference(void)
{
    /* 1100 wide: past the 1024-pixel steps of the vectorized rows; 2 and 3 threads, odd sizes. */
    static const int sizes[][2] = {{1100, 23}, {5, 9}, {67, 41}};
    for (size_t si = 0; si < 3; si++) {
        int w = sizes[si][0], h = sizes[si][1];
        segtex_image frame = make_image(w, h, 5), out = make_image(w, h, 3);
        uint8_t *src = malloc((size_t)w * h * 3), *a = malloc((size_t)w * h * 3), *b = malloc((size_t)w * h * 3);
        uint32_t rng = 11 + (uint32_t)si;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++)
                    src[((size_t)y * w + x) * 3 + c] = px(&frame, x, y)[c] = (uint8_t)(test_rand(&rng) & 255);
        segtex_texture_set *set = NULL;
        segtex_texture_set_create(NULL, &set);
        segtex_renderer *r = renderer(set, SEGTEX_RENDER_CUTOUT, w, h, 8, 8);
        segtex_seg_result seg = all_of(SEGTEX_CATEGORY_BACKGROUND, 8, 8);
        segtex_threadpool *pool = NULL;
        segtex_threadpool_create(2 + (int)si % 2, &pool);
        for (int R = 1; R <= 2; R++) {
            binomial_reference(src, a, w, h, 1);
            if (R == 2)
                binomial_reference(a, b, w, h, 2);
            const uint8_t *want = R == 1 ? a : b;
            segtex_paint p = segtex_paint_default(0);
            p.kind = SEGTEX_PAINT_BLUR;
            p.radius = R;
            only(set, 0, &p);
            for (int t = 0; t < 2; t++) {
                segtex_renderer_render(r, &frame, &seg, NULL, &out, t ? pool : NULL);
                int bad = 0;
                for (int y = 0; y < h; y++)
                    bad += memcmp(px(&out, 0, y), want + (size_t)y * w * 3, (size_t)w * 3) != 0;
                CHECK(bad == 0, "%dx%d blur=%d, %s: %d rows differ from the plain binomial", w, h, R,
                      t ? "threads" : "one thread", bad);
            }
        }
        segtex_threadpool_destroy(pool);
        segtex_renderer_destroy(r);
        segtex_texture_set_destroy(set);
        free(seg.category);
        free(frame.data);
        free(out.data);
        free(src), free(a), free(b);
    }
}

static void test_blur_flat_stays_flat_and_edges_stay_monotone(void)
{
    static const int sizes[][2] = {{97, 61}, {320, 180}, {33, 200}};
    static const int radii[] = {1, 2, 3, 4, 7, 12, 20, 32, 64};
    for (size_t si = 0; si < 3; si++) {
        int w = sizes[si][0], h = sizes[si][1];
        segtex_image flat = make_image(w, h, 7), edge = make_image(w, h, 0), out = make_image(w, h, 3);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                uint8_t *f = px(&flat, x, y), *e = px(&edge, x, y);
                f[0] = 37, f[1] = 150, f[2] = 201;
                e[0] = e[1] = e[2] = x < w / 2 ? 10 : 240;
            }
        segtex_texture_set *set = NULL;
        segtex_texture_set_create(NULL, &set);
        segtex_renderer *r = renderer(set, SEGTEX_RENDER_CUTOUT, w, h, 8, 8);
        segtex_seg_result seg = all_of(SEGTEX_CATEGORY_BACKGROUND, 8, 8);
        for (size_t ri = 0; ri < sizeof radii / sizeof radii[0]; ri++) {
            int R = radii[ri];
            segtex_paint p = segtex_paint_default(0);
            p.kind = SEGTEX_PAINT_BLUR;
            p.radius = R;
            only(set, 0, &p);
            segtex_renderer_render(r, &flat, &seg, NULL, &out, NULL);
            int off = 0;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    off += memcmp(px(&out, x, y), px(&flat, x, y), 3) != 0;
            CHECK(off == 0, "%dx%d blur=%d: %d pixels of a flat field changed", w, h, R, off);
            segtex_renderer_render(r, &edge, &seg, NULL, &out, NULL);
            int bad = 0, rows_differ = 0;
            for (int y = 0; y < h; y++) {
                for (int x = 1; x < w; x++)
                    bad += px(&out, x, y)[0] < px(&out, x - 1, y)[0];
                rows_differ += memcmp(px(&out, 0, y), px(&out, 0, 0), (size_t)w * 3) != 0;
            }
            CHECK(bad == 0, "%dx%d blur=%d: the blurred edge goes down %d times", w, h, R, bad);
            CHECK(rows_differ == 0, "%dx%d blur=%d: a vertical edge gives %d rows unlike the first", w, h, R,
                  rows_differ);
            /* It is blurred: just left of the edge is lighter than the dark side, just right darker than the light. */
            if (R >= 2 && w / 2 + 1 < w) {
                uint8_t l = px(&out, w / 2 - 1, h / 2)[0], rr = px(&out, w / 2, h / 2)[0];
                CHECK(l > 20 && rr < 230, "%dx%d blur=%d: edge not softened (%d | %d)", w, h, R, l, rr);
            }
        }
        segtex_renderer_destroy(r);
        segtex_texture_set_destroy(set);
        free(seg.category);
        free(flat.data);
        free(edge.data);
        free(out.data);
    }
}

/* A pw x ph picture: left half red, right half blue, its first and last rows green. Saved to a temp file. */
static void write_picture(const char *path, int pw, int ph)
{
    segtex_image pic = {0};
    segtex_image_alloc(&pic, pw, ph, 3);
    for (int y = 0; y < ph; y++)
        for (int x = 0; x < pw; x++) {
            uint8_t *p = pic.data + (ptrdiff_t)y * pic.stride + x * 3;
            int green = y == 0 || y == ph - 1;
            p[0] = !green && x < pw / 2 ? 255 : 0;
            p[1] = green ? 255 : 0;
            p[2] = !green && x >= pw / 2 ? 255 : 0;
        }
    CHECK(segtex_image_save_png(path, &pic) == SEGTEX_OK, "save %s", path);
    segtex_image_free(&pic);
}

static void test_image_cover_scales(void)
{
    char path[] = "/tmp/segtex_picture_XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    char png[64];
    snprintf(png, sizeof png, "%s.png", path);
    /* Wider than the frame: cropped left and right, the height fits exactly (top and bottom rows green). */
    static const int cases[][4] = {{200, 100, 100, 100}, {40, 20, 160, 120}, {30, 90, 120, 60}};
    for (int k = 0; k < 3; k++) {
        int pw = cases[k][0], ph = cases[k][1], w = cases[k][2], h = cases[k][3];
        write_picture(png, pw, ph);
        segtex_texture_set *set = NULL;
        segtex_texture_set_create(NULL, &set);
        int idx = -1;
        CHECK(segtex_texture_set_add_picture(set, png, &idx) == SEGTEX_OK && idx == 0, "add picture");
        segtex_renderer *r = renderer(set, SEGTEX_RENDER_CUTOUT, w, h, 8, 8);
        segtex_paint p = segtex_paint_default(0);
        p.kind = SEGTEX_PAINT_IMAGE;
        p.picture = idx;
        only(set, 0, &p);
        segtex_seg_result seg = all_of(0, 8, 8);
        segtex_image frame = make_image(w, h, 0), out = make_image(w, h, 0);
        segtex_renderer_render(r, &frame, &seg, NULL, &out, NULL);
        double s = fmax((double)w / pw, (double)h / ph);
        /* Every output pixel comes from the picture (the frame is black): nothing uncovered. */
        int black = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                black += px(&out, x, y)[0] + px(&out, x, y)[1] + px(&out, x, y)[2] < 60;
        CHECK(black == 0, "picture %dx%d on %dx%d: %d pixels uncovered", pw, ph, w, h, black);
        if (s * ph <= h + 0.5) {
            /* The height fits: the green first and last rows show. */
            CHECK(px(&out, w / 2, 0)[1] > 100 && px(&out, w / 2, h - 1)[1] > 100,
                  "picture %dx%d on %dx%d: top/bottom rows not the picture's", pw, ph, w, h);
        } else {
            CHECK(px(&out, w / 2, 0)[1] < 30 && px(&out, w / 2, h - 1)[1] < 30,
                  "picture %dx%d on %dx%d: the cropped rows show", pw, ph, w, h);
        }
        /* Aspect kept and centred: the red/blue boundary is in the middle column. */
        int y = h / 2, m = (int)ceil(s) + 1; /* upscaling blends the boundary over about s columns */
        CHECK(px(&out, w / 2 - m, y)[0] > 200 && px(&out, w / 2 + m - 1, y)[2] > 200 && px(&out, 0, y)[0] > 200 &&
                  px(&out, w - 1, y)[2] > 200,
              "picture %dx%d on %dx%d: not centred", pw, ph, w, h);
        /* Cropped horizontally only by what the scale needs: a red run as wide as half the scaled picture, less the crop. */
        int red = 0;
        for (int x = 0; x < w; x++)
            red += px(&out, x, y)[0] > 128;
        CHECK(abs(red - w / 2) <= 1, "picture %dx%d on %dx%d: red over %d columns, expected %d", pw, ph, w, h, red,
              w / 2);
        segtex_renderer_destroy(r);
        segtex_texture_set_destroy(set);
        free(seg.category);
        free(frame.data);
        free(out.data);
    }
    unlink(png);
    unlink(path);
}

static void test_bad_paints_rejected(void)
{
    segtex_texture_set *set = NULL;
    segtex_texture_set_create(NULL, &set);
    segtex_set_log(test_log_capture, NULL, SEGTEX_LOG_DEBUG);
    segtex_paint good = segtex_paint_default(1);
    good.kind = SEGTEX_PAINT_TINT;
    CHECK(segtex_texture_set_set_paint(set, 1, &good) == SEGTEX_OK, "a tint is fine");
    struct {
        const char *what, *says;
        segtex_paint p;
    } bad[8];
    int n = 0;
    for (int i = 0; i < 8; i++)
        bad[i].p = good;
    bad[n].what = "kind 4", bad[n].says = "paint kind", bad[n++].p.kind = (segtex_paint_kind)4;
    bad[n].what = "kind -1", bad[n].says = "paint kind", bad[n++].p.kind = (segtex_paint_kind)-1;
    bad[n].what = "strength 1.5", bad[n].says = "strength", bad[n++].p.strength = 1.5f;
    bad[n].what = "strength NaN", bad[n].says = "strength", bad[n++].p.strength = NAN;
    bad[n].what = "radius 0", bad[n].says = "radius", bad[n].p.kind = SEGTEX_PAINT_BLUR, bad[n++].p.radius = 0;
    bad[n].what = "radius 65", bad[n].says = "radius", bad[n].p.kind = SEGTEX_PAINT_BLUR, bad[n++].p.radius = 65;
    bad[n].what = "picture 0 of none", bad[n].says = "picture", bad[n++].p.kind = SEGTEX_PAINT_IMAGE;
    bad[n].what = "anchor 4", bad[n].says = "anchor", bad[n++].p.anchor = (segtex_anchor)4;
    for (int i = 0; i < n; i++) {
        test_log.errors = 0;
        CHECK(segtex_texture_set_set_paint(set, 1, &bad[i].p) == SEGTEX_ERROR_INVALID_ARGUMENT, "%s accepted",
              bad[i].what);
        CHECK(test_log.errors == 1 && strstr(test_log.line, bad[i].says) && strstr(test_log.line, "hair"),
              "%s: %d error lines, last '%s'", bad[i].what, test_log.errors, test_log.line);
        segtex_paint now = segtex_texture_set_get_paint(set, 1);
        CHECK(now.kind == SEGTEX_PAINT_TINT && now.strength == 1.0f, "%s: the old paint did not stay", bad[i].what);
    }
    test_log.errors = 0;
    CHECK(segtex_texture_set_add_picture(set, "/nonexistent/picture.png", NULL) != SEGTEX_OK, "missing picture");
    CHECK(test_log.errors == 1 && strstr(test_log.line, "picture.png"), "missing picture: '%s'", test_log.line);
    CHECK(segtex_texture_set_picture_count(set) == 0, "a failed picture is not added");
    CHECK(segtex_anchor_parse("face") == SEGTEX_ANCHOR_FACE && segtex_anchor_parse("elbow") == -1 &&
              segtex_anchor_parse(NULL) == -1, "anchor names");
    CHECK(!strcmp(segtex_anchor_name(SEGTEX_ANCHOR_TORSO), "torso") && !segtex_anchor_name((segtex_anchor)9), "anchor names");
    segtex_set_log(segtex_log_stderr, NULL, SEGTEX_LOG_WARNING);
    segtex_texture_set_destroy(set);
}

/* ------------------------------------------------------------------ */
/* Anchors                                                              */
/* ------------------------------------------------------------------ */

/* A 256 x 256 texture whose texel (x, y) is (x, y, 0): the output shows the texture coordinate. */
static int add_coordinate_texture(segtex_texture_set *set, char *png, size_t size)
{
    char path[] = "/tmp/segtex_coords_XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    unlink(path);
    snprintf(png, size, "%s.png", path);
    segtex_image t = {0};
    segtex_image_alloc(&t, 256, 256, 3);
    for (int y = 0; y < 256; y++)
        for (int x = 0; x < 256; x++) {
            uint8_t *p = t.data + (ptrdiff_t)y * t.stride + x * 3;
            p[0] = (uint8_t)x, p[1] = (uint8_t)y, p[2] = 0;
        }
    segtex_image_save_png(png, &t);
    segtex_image_free(&t);
    int idx = -1;
    CHECK(segtex_texture_set_add_file(set, png, &idx) == SEGTEX_OK, "add coordinate texture");
    return idx;
}

/* Face 0 with its nose tip (1) at (cx, cy) and outer eye corners (33, 263) d apart, rolled by `angle`, in a w x h frame. */
static void place_face(segtex_face_result *f, float cx, float cy, float d, float angle, int w, int h)
{
    memset(f, 0, sizeof *f);
    f->count = 1;
    f->faces[0].count = SEGTEX_FACE_POINTS;
    float c = cosf(angle), s = sinf(angle);
    /*
     * The rigid middle of a face in its own axes, in units of d: outer eye
     * corners d/2 to each side of a point 0.35 d above the nose tip, inner
     * corners, the nose bridge and tip (the points the face anchor reads).
     */
    static const struct {
        int i;
        float x, y;
    } pts[] = {{33, -0.5f, -0.35f}, {263, 0.5f, -0.35f}, {133, -0.2f, -0.33f}, {362, 0.2f, -0.33f},
               {168, 0, -0.38f},    {6, 0, -0.3f},       {4, 0, -0.05f},      {1, 0, 0}};
    for (size_t k = 0; k < sizeof pts / sizeof pts[0]; k++) {
        float ex = pts[k].x * d, ey = pts[k].y * d;
        f->faces[0].xyz[pts[k].i][0] = (cx + c * ex - s * ey) / w;
        f->faces[0].xyz[pts[k].i][1] = (cy + s * ex + c * ey) / h;
    }
}

/* Wrapped distance between two texture coordinates on a 256-texel tile. */
static int wrap_dist(int a, int b)
{
    int d = abs(a - b) % 256;
    return d < 256 - d ? d : 256 - d;
}

static void test_face_anchor_follows_the_face(void)
{
    int w = 320, h = 240;
    segtex_texture_set *set = NULL;
    segtex_texture_set_create(NULL, &set);
    char png[64];
    int tex = add_coordinate_texture(set, png, sizeof png);
    segtex_renderer *r = renderer(set, SEGTEX_RENDER_MASK, w, h, 16, 16);
    segtex_seg_result seg = all_of(SEGTEX_CATEGORY_HAIR, 16, 16);
    segtex_image out = make_image(w, h, 0);
    static segtex_face_result face;
    static const struct {
        float cx, cy, d, angle;
    } poses[] = {
        {160, 120, 80, 0},       {171.3f, 112.6f, 80, 0},   {150.5f, 131.2f, 80, 0.35f}, {160, 120, 120, -0.5f},
        {140.2f, 100.7f, 60, 0.2f}, {200.8f, 150.1f, 95, 1.2f}, {160, 120, 80, 0},
    };
    for (int anchor = SEGTEX_ANCHOR_SCREEN; anchor <= SEGTEX_ANCHOR_FACE; anchor++) {
        segtex_paint p = segtex_paint_default(SEGTEX_CATEGORY_HAIR);
        p.texture = tex;
        p.anchor = (segtex_anchor)anchor;
        p.offset_x = 17, p.offset_y = 5;
        only(set, SEGTEX_CATEGORY_HAIR, &p);
        int u0 = -1, v0 = -1, moved = 0;
        uint8_t fixed0[3] = {0};
        for (size_t k = 0; k < sizeof poses / sizeof poses[0]; k++) {
            place_face(&face, poses[k].cx, poses[k].cy, poses[k].d, poses[k].angle, w, h);
            CHECK(segtex_renderer_render(r, NULL, &seg, &(segtex_people){&face, NULL, NULL, 0}, &out, NULL) == SEGTEX_OK,
                  "render");
            const uint8_t *under = px(&out, (int)poses[k].cx, (int)poses[k].cy), *fixed = px(&out, 40, 30);
            if (k == 0) {
                u0 = under[0], v0 = under[1];
                memcpy(fixed0, fixed, 3);
                continue;
            }
            if (anchor == SEGTEX_ANCHOR_FACE) {
                CHECK(wrap_dist(under[0], u0) <= 2 && wrap_dist(under[1], v0) <= 2,
                      "face anchor, pose %zu: texture coordinate under the nose (%d, %d), first (%d, %d)", k, under[0],
                      under[1], u0, v0);
                moved += memcmp(fixed, fixed0, 3) != 0;
            } else {
                CHECK(!memcmp(fixed, fixed0, 3), "screen anchor, pose %zu: the texture moved", k);
            }
        }
        if (anchor == SEGTEX_ANCHOR_FACE)
            CHECK(moved >= 4, "face anchor: the texture at a fixed pixel changed in only %d of 5 moved poses", moved);
        /* The face lost: the last transform is held. */
        if (anchor == SEGTEX_ANCHOR_FACE) {
            segtex_image before = make_image(w, h, 0);
            segtex_renderer_render(r, NULL, &seg, &(segtex_people){&face, NULL, NULL, 0}, &before, NULL);
            segtex_renderer_render(r, NULL, &seg, NULL, &out, NULL);
            CHECK(!memcmp(before.data, out.data, (size_t)w * h * 3), "face lost: the texture did not stay");
            /* Found again elsewhere: it glides there over a few frames instead of jumping. */
            place_face(&face, 100, 90, 80, 0.3f, w, h);
            segtex_renderer_render(r, NULL, &seg, &(segtex_people){&face, NULL, NULL, 0}, &out, NULL);
            const uint8_t *under = px(&out, 100, 90);
            CHECK(wrap_dist(under[0], u0) > 2 || wrap_dist(under[1], v0) > 2, "found again: jumped at once");
            for (int i = 0; i < 15; i++)
                segtex_renderer_render(r, NULL, &seg, &(segtex_people){&face, NULL, NULL, 0}, &out, NULL);
            under = px(&out, 100, 90);
            CHECK(wrap_dist(under[0], u0) <= 2 && wrap_dist(under[1], v0) <= 2,
                  "found again: after 16 frames the nose shows (%d, %d), expected (%d, %d)", under[0], under[1], u0, v0);
            free(before.data);
        }
    }
    segtex_renderer_destroy(r);
    segtex_texture_set_destroy(set);
    unlink(png);
    free(seg.category);
    free(out.data);
}

static void test_torso_anchor_uses_the_pose_and_falls_back_to_the_face(void)
{
    int w = 320, h = 240;
    segtex_texture_set *set = NULL;
    segtex_texture_set_create(NULL, &set);
    char png[64];
    int tex = add_coordinate_texture(set, png, sizeof png);
    segtex_renderer *r = renderer(set, SEGTEX_RENDER_MASK, w, h, 16, 16);
    segtex_seg_result seg = all_of(SEGTEX_CATEGORY_CLOTHES, 16, 16);
    segtex_image out = make_image(w, h, 0), face_only = make_image(w, h, 0);
    segtex_paint p = segtex_paint_default(SEGTEX_CATEGORY_CLOTHES);
    p.texture = tex;
    CHECK(p.anchor == SEGTEX_ANCHOR_TORSO, "clothes are anchored to the torso by default");
    only(set, SEGTEX_CATEGORY_CLOTHES, &p);
    static segtex_face_result face;
    place_face(&face, 160, 80, 60, 0.1f, w, h);
    /* No pose yet: the face's transform. */
    segtex_renderer_render(r, NULL, &seg, &(segtex_people){&face, NULL, NULL, 0}, &face_only, NULL);
    static segtex_pose_result pose;
    int u0 = -1, v0 = -1;
    for (int k = 0; k < 3; k++) {
        float dx = 20.0f * k, dy = 7.0f * k, sc = 1.0f + 0.2f * k;
        memset(&pose, 0, sizeof pose);
        pose.count = 1;
        float pts[4][2] = {{200, 150}, {120, 150}, {190, 230}, {130, 230}}; /* 11 12 23 24, image coordinates */
        int ids[4] = {11, 12, 23, 24};
        for (int i = 0; i < 4; i++) {
            pose.landmarks[ids[i]][0] = (160 + (pts[i][0] - 160) * sc + dx) / w;
            pose.landmarks[ids[i]][1] = (150 + (pts[i][1] - 150) * sc + dy) / h;
            pose.landmarks[ids[i]][3] = pose.landmarks[ids[i]][4] = 1;
        }
        segtex_renderer_render(r, NULL, &seg, &(segtex_people){&face, &pose, NULL, 1}, &out, NULL);
        /* The texture coordinate between the shoulders stays put as the torso moves and grows. */
        const uint8_t *o = px(&out, (int)(160 + dx), (int)(150 + dy));
        if (k == 0) {
            u0 = o[0], v0 = o[1];
            CHECK(memcmp(out.data, face_only.data, (size_t)w * h * 3) != 0, "the pose changed nothing");
        } else {
            CHECK(wrap_dist(o[0], u0) <= 2 && wrap_dist(o[1], v0) <= 2, "torso step %d: (%d, %d), first (%d, %d)", k,
                  o[0], o[1], u0, v0);
        }
    }
    segtex_renderer_destroy(r);
    segtex_texture_set_destroy(set);
    unlink(png);
    free(seg.category);
    free(out.data);
    free(face_only.data);
}

/* ------------------------------------------------------------------ */

/* Tint, blur, a picture, anchored textures over soft borders: paints for the tests below. */
static void mixed_paints(segtex_texture_set *set, int picture)
{
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        segtex_paint p = segtex_paint_default(c);
        switch (c) {
        case 0: p.kind = SEGTEX_PAINT_BLUR, p.radius = 9; break;
        case 1: p.kind = SEGTEX_PAINT_TINT, p.color[0] = 200, p.strength = 0.8f; break;
        case 2: p.texture = segtex_texture_set_find(set, "dots"); break; /* torso: the face */
        case 3: p.texture = segtex_texture_set_find(set, "noise"), p.anchor = SEGTEX_ANCHOR_FACE; break;
        case 4: p.texture = segtex_texture_set_find(set, "hexagons"), p.offset_x = 9; break;
        default: p.kind = SEGTEX_PAINT_IMAGE, p.picture = picture; break;
        }
        CHECK(segtex_texture_set_set_paint(set, c, &p) == SEGTEX_OK, "paint %d", c);
    }
}

static void soft_seg(float *prob, int mw, int mh, uint32_t *rng)
{
    for (int i = 0; i < mw * mh; i++) {
        float sum = 0;
        for (int c = 0; c < 6; c++)
            sum += prob[i * 6 + c] = test_rand(rng) % 4 == 0 ? test_randf(rng, 0, 1) : 0;
        if (sum == 0)
            prob[i * 6 + test_rand(rng) % 6] = 1;
    }
    /* Large pure regions too, so the run paths are taken. */
    for (int y = 0; y < mh / 2; y++)
        for (int x = 0; x < mw; x++)
            for (int c = 0; c < 6; c++)
                prob[(y * mw + x) * 6 + c] = c == (x * 6 / mw);
}

static void test_same_pixels_any_threads_and_no_allocation(void)
{
    char path[] = "/tmp/segtex_picture_XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    char png[64];
    snprintf(png, sizeof png, "%s.png", path);
    write_picture(png, 50, 40);
    int w = 301, h = 177, mw = 40, mh = 30;
    uint32_t rng = 3;
    float *prob = malloc(sizeof(float) * mw * mh * 6);
    soft_seg(prob, mw, mh, &rng);
    segtex_seg_result seg = {mw, mh, prob, NULL, 0};
    segtex_image frame = make_image(w, h, 9), one = make_image(w, h, 0), many = make_image(w, h, 4);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            for (int k = 0; k < 3; k++)
                px(&frame, x, y)[k] = (uint8_t)((x * 7 + y * 3 + k * 50) & 255);
    static segtex_face_result face;
    for (int mode = 0; mode < SEGTEX_RENDER_MODE_COUNT; mode++) {
        segtex_texture_set *set = NULL;
        segtex_texture_set_create(NULL, &set);
        int pic = -1;
        segtex_texture_set_add_picture(set, png, &pic);
        mixed_paints(set, pic);
        segtex_renderer *r = renderer(set, (segtex_render_mode)mode, w, h, mw, mh);
        /* Cutout with guided edges, the other modes bilinear: both border paths are covered. */
        segtex_edges edges = mode == SEGTEX_RENDER_CUTOUT ? SEGTEX_EDGES_GUIDED : SEGTEX_EDGES_BILINEAR;
        CHECK(segtex_renderer_set_edges(r, edges) == SEGTEX_OK, "set edges");
        segtex_threadpool *pool = NULL;
        segtex_threadpool_create(3, &pool);
        int differ = 0;
        for (int k = 0; k < 4; k++) {
            place_face(&face, 150 + 3.5f * k, 80 - 2.0f * k, 70, 0.1f * k, w, h);
            segtex_renderer *r1 = renderer(set, (segtex_render_mode)mode, w, h, mw, mh);
            segtex_renderer_set_edges(r1, edges);
            segtex_renderer_render(r1, &frame, &seg, &(segtex_people){&face, NULL, NULL, 0}, &one, NULL);
            segtex_renderer_render(r, &frame, &seg, &(segtex_people){&face, NULL, NULL, 0}, &many, pool);
            for (int y = 0; y < h; y++)
                differ += memcmp(px(&one, 0, y), px(&many, 0, y), (size_t)w * 3) != 0;
            segtex_renderer_destroy(r1);
        }
        CHECK(differ == 0, "mode %s: %d rows differ between 1 and 3 threads", segtex_render_mode_name(mode), differ);
        uint64_t p0 = test_process_allocs(), s0 = segtex_alloc_count();
        for (int i = 0; i < 60; i++) {
            place_face(&face, 150 + (float)(i % 9), 80, 70 + (float)(i % 5), 0.05f * (i % 7), w, h);
            segtex_renderer_render(r, &frame, &seg, i % 10 == 9 ? NULL : &(segtex_people){&face, NULL, NULL, 0}, &many,
                                   i & 1 ? pool : NULL);
            if (i % 20 == 10) {
                /* Between frames: another blur radius and tint strength, nothing re-allocated. */
                segtex_paint p = segtex_texture_set_get_paint(set, 0);
                p.radius = p.radius == 9 ? 2 : p.radius == 2 ? 30 : 9; /* full size (2) and shrunk */
                segtex_texture_set_set_paint(set, 0, &p);
                p = segtex_texture_set_get_paint(set, 1);
                p.strength = p.strength == 0.8f ? 0.3f : 0.8f;
                segtex_texture_set_set_paint(set, 1, &p);
            }
        }
        uint64_t process = test_process_allocs() - p0, lib = segtex_alloc_count() - s0;
        CHECK(process == 0 && lib == 0, "mode %s: 60 frames made %llu heap allocations (library %llu)",
              segtex_render_mode_name(mode), (unsigned long long)process, (unsigned long long)lib);
        segtex_threadpool_destroy(pool);
        segtex_renderer_destroy(r);
        segtex_texture_set_destroy(set);
    }
    unlink(png);
    unlink(path);
    free(prob);
    free(frame.data);
    free(one.data);
    free(many.data);
}

int main(void)
{
    segtex_set_log(segtex_log_stderr, NULL, SEGTEX_LOG_WARNING);
    RUN(test_tint_keeps_luminance);
    RUN(test_blur_flat_stays_flat_and_edges_stay_monotone);
    RUN(test_small_blur_matches_the_plain_reference);
    RUN(test_image_cover_scales);
    RUN(test_bad_paints_rejected);
    RUN(test_face_anchor_follows_the_face);
    RUN(test_torso_anchor_uses_the_pose_and_falls_back_to_the_face);
    RUN(test_same_pixels_any_threads_and_no_allocation);
    return test_summary();
}
