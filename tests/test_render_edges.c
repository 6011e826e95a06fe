/*
 * Guided edges (joint bilateral upsampling on luma) against plain bilinear
 * upsampling: category maps rendered from a low-resolution soft
 * segmentation are compared with the full-resolution truth by boundary
 * accuracy (the share of true boundary pixels within 2 px of a predicted
 * boundary) and IoU. A synthetic picture with known edges always; the
 * hand-labelled astronaut (../shared/labels, or $SEGTEX_LABELS_DIR) when
 * present, whose numbers are printed for the README.
 */
#include "harness.h"
#include "segtex/io.h"
#include "segtex/render.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct scores {
    double boundary; /* share of true boundary pixels within 2 px of a predicted one */
    double boundary1; /* the same within 1 px */
    double miou;     /* mean IoU over the categories present in the truth (background excluded) */
} scores;

static int is_boundary(const uint8_t *m, int w, int h, int x, int y)
{
    uint8_t v = m[y * w + x];
    return (x > 0 && m[y * w + x - 1] != v) || (x + 1 < w && m[y * w + x + 1] != v) ||
           (y > 0 && m[(y - 1) * w + x] != v) || (y + 1 < h && m[(y + 1) * w + x] != v);
}

static double boundary_within(const uint8_t *pred, const uint8_t *truth, int w, int h, int tol)
{
    long hit = 0, total = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            if (!is_boundary(truth, w, h, x, y))
                continue;
            total++;
            int found = 0;
            for (int dy = -tol; dy <= tol && !found; dy++)
                for (int dx = -tol; dx <= tol && !found; dx++) {
                    int u = x + dx, v = y + dy;
                    found = u >= 0 && v >= 0 && u < w && v < h && is_boundary(pred, w, h, u, v);
                }
            hit += found;
        }
    return total ? (double)hit / total : 1;
}

static scores score(const uint8_t *pred, const uint8_t *truth, int w, int h)
{
    scores s = {boundary_within(pred, truth, w, h, 2), boundary_within(pred, truth, w, h, 1), 0};
    int n = 0;
    for (int c = 1; c < SEGTEX_CATEGORY_COUNT; c++) {
        long inter = 0, uni = 0, present = 0;
        for (int i = 0; i < w * h; i++) {
            inter += pred[i] == c && truth[i] == c;
            uni += pred[i] == c || truth[i] == c;
            present += truth[i] == c;
        }
        if (present) {
            s.miou += (double)inter / uni;
            n++;
        }
    }
    s.miou = n ? s.miou / n : 1;
    return s;
}

/* Soft probabilities at 1/k of the truth's size: the one-hot truth averaged over k x k blocks. */
static float *downsample(const uint8_t *truth, int w, int h, int k, int *mw, int *mh)
{
    *mw = w / k, *mh = h / k;
    float *p = calloc((size_t)*mw * *mh * 6, sizeof(float));
    for (int y = 0; y < *mh * k; y++)
        for (int x = 0; x < *mw * k; x++)
            p[((y / k) * *mw + x / k) * 6 + truth[y * w + x]] += 1.0f / (k * k);
    return p;
}

/*
 * The category map a renderer draws: each category rendered alone in white
 * (mask mode), the argmax of the six weights per pixel.
 */
static void render_map(const segtex_image *frame, const float *prob, int mw, int mh, segtex_edges edges,
                       uint8_t *map)
{
    int w = frame->width, h = frame->height;
    segtex_texture_set *set = NULL;
    segtex_texture_set_create(NULL, &set);
    segtex_renderer *r = NULL;
    segtex_renderer_create(set, &r);
    segtex_render_config cfg = {SEGTEX_RENDER_MASK, w, h, mw, mh, segtex_landmark_style_default()};
    cfg.landmarks.dots = 0;
    CHECK(segtex_renderer_set_edges(r, edges) == SEGTEX_OK && segtex_renderer_configure(r, &cfg) == SEGTEX_OK,
          "configure");
    segtex_seg_result seg = {mw, mh, (float *)prob, NULL, mw * mh};
    segtex_image out = {0};
    segtex_image_alloc(&out, w, h, 3);
    uint8_t *best = calloc((size_t)w * h, 1);
    memset(map, 0, (size_t)w * h);
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        for (int k = 0; k < SEGTEX_CATEGORY_COUNT; k++) {
            segtex_paint p = segtex_paint_default(k);
            p.enabled = k == c;
            p.color[0] = p.color[1] = p.color[2] = 255;
            segtex_texture_set_set_paint(set, k, &p);
        }
        segtex_renderer_render(r, frame, &seg, NULL, &out, NULL);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                uint8_t v = out.data[(ptrdiff_t)y * out.stride + x * 3];
                if (v > best[y * w + x])
                    best[y * w + x] = v, map[y * w + x] = (uint8_t)c;
            }
    }
    free(best);
    segtex_image_free(&out);
    segtex_renderer_destroy(r);
    segtex_texture_set_destroy(set);
}

static void compare(const char *name, const segtex_image *img, const uint8_t *truth, int k, scores *bil, scores *gui)
{
    int w = img->width, h = img->height, mw, mh;
    float *prob = downsample(truth, w, h, k, &mw, &mh);
    uint8_t *map = malloc((size_t)w * h);
    render_map(img, prob, mw, mh, SEGTEX_EDGES_BILINEAR, map);
    *bil = score(map, truth, w, h);
    render_map(img, prob, mw, mh, SEGTEX_EDGES_GUIDED, map);
    *gui = score(map, truth, w, h);
    printf("       %s from %dx%d: boundary accuracy 2 px bilinear %.4f guided %.4f, 1 px %.4f / %.4f; "
           "mIoU bilinear %.4f guided %.4f\n",
           name, mw, mh, bil->boundary, gui->boundary, bil->boundary1, gui->boundary1, bil->miou, gui->miou);
    free(prob);
    free(map);
}

static void test_guided_edges_follow_a_synthetic_picture(void)
{
    /* A bright disc (category 1) and a thin dark bar (category 4) on a mid grey, edges off the model grid. */
    int w = 256, h = 256;
    segtex_image img = {0};
    segtex_image_alloc(&img, w, h, 3);
    uint8_t *truth = malloc((size_t)w * h);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float dx = x + 0.5f - 121.3f, dy = y + 0.5f - 133.6f;
            int c = sqrtf(dx * dx + dy * dy) < 71.3f ? 1 : 0;
            if (fabsf((x + 0.5f) - 0.4f * (y + 0.5f) - 170.2f) < 3.1f)
                c = 4;
            truth[y * w + x] = (uint8_t)c;
            uint8_t v = c == 1 ? 210 : c == 4 ? 20 : 110;
            memset(img.data + (ptrdiff_t)y * img.stride + x * 3, v, 3);
        }
    scores bil, gui;
    compare("synthetic 256x256", &img, truth, 4, &bil, &gui);
    /* Edges in the picture where the categories change: guided borders land on them. */
    CHECK(gui.boundary >= bil.boundary && gui.boundary1 > bil.boundary1, "guided boundary accuracy %.4f/%.4f, bilinear %.4f/%.4f",
          gui.boundary, gui.boundary1, bil.boundary, bil.boundary1);
    CHECK(gui.miou > bil.miou + 0.02, "guided mIoU %.4f, bilinear %.4f", gui.miou, bil.miou);
    segtex_image_free(&img);
    free(truth);
}

static void test_guided_edges_on_the_labelled_astronaut(void)
{
    const char *dir = getenv("SEGTEX_LABELS_DIR");
    char path[1024];
    if (dir)
        snprintf(path, sizeof path, "%s/astronaut.labels.png", dir);
    else
        snprintf(path, sizeof path, "%s/../shared/labels/astronaut.labels.png",
                 getenv("SEGTEX_SOURCE_DIR") ? getenv("SEGTEX_SOURCE_DIR") : ".");
    const char *photo = test_asset("astronaut.png");
    segtex_image labels = {0}, img = {0};
    if (!photo || segtex_image_load_level(path, 1, SEGTEX_LOG_DEBUG, &labels) != SEGTEX_OK) {
        printf("       skipped: no %s or astronaut.png\n", path);
        return;
    }
    CHECK(segtex_image_load(photo, 3, &img) == SEGTEX_OK && img.width == labels.width && img.height == labels.height,
          "astronaut and labels");
    int w = labels.width, h = labels.height;
    uint8_t *truth = malloc((size_t)w * h);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint8_t v = labels.data[(ptrdiff_t)y * labels.stride + x];
            truth[y * w + x] = v < SEGTEX_CATEGORY_COUNT ? v : 0;
        }
    scores bil, gui;
    /*
     * The input here is the truth itself averaged down, which already holds
     * each border's sub-pixel position: bilinear is nearly exact and the
     * guide can only move borders where the photo's edges and the labels'
     * disagree. Guided must not wreck it (the numbers go to the README).
     */
    for (int k = 2; k <= 4; k += 2) {
        compare("astronaut 512x512", &img, truth, k, &bil, &gui);
        CHECK(gui.boundary >= bil.boundary - 0.01 && gui.miou >= bil.miou - 0.02,
              "astronaut from 1/%d: guided %.4f / %.4f against bilinear %.4f / %.4f", k, gui.boundary, gui.miou,
              bil.boundary, bil.miou);
    }
    free(truth);
    segtex_image_free(&labels);
    segtex_image_free(&img);
}

static void test_set_edges_rejects_bad_values(void)
{
    segtex_texture_set *set = NULL;
    segtex_texture_set_create(NULL, &set);
    segtex_renderer *r = NULL;
    segtex_renderer_create(set, &r);
    segtex_set_log(test_log_capture, NULL, SEGTEX_LOG_DEBUG);
    test_log.errors = 0;
    CHECK(segtex_renderer_set_edges(r, (segtex_edges)2) == SEGTEX_ERROR_INVALID_ARGUMENT && test_log.errors == 1,
          "edges 2 accepted");
    CHECK(segtex_renderer_set_edges(r, (segtex_edges)-1) == SEGTEX_ERROR_INVALID_ARGUMENT, "edges -1 accepted");
    segtex_set_log(segtex_log_stderr, NULL, SEGTEX_LOG_WARNING);
    segtex_renderer_destroy(r);
    segtex_texture_set_destroy(set);
}

int main(void)
{
    segtex_set_log(segtex_log_stderr, NULL, SEGTEX_LOG_WARNING);
    RUN(test_guided_edges_follow_a_synthetic_picture);
    RUN(test_guided_edges_on_the_labelled_astronaut);
    RUN(test_set_edges_rejects_bad_values);
    return test_summary();
}
