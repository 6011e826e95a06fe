/*
 * letterbox_find: a film's black bars (letterbox, pillarbox, both; a caption
 * on a bar; limited-range black) are found to the line; what is not a bar is
 * left alone (a dark room behind dark hair, a night sky fading into the
 * picture, a frame black all over, bars deeper than a quarter, a grey or
 * tiny frame); RGBA with a padded stride reads as RGB. The composite's
 * person mask holds nobody on the bars however sure the selfie model is.
 */
#include "harness.h"
#include "segtex/vision.h"
#include "vision/composite_run.h"
#include "vision/letterbox.h"

#include <stdlib.h>
#include <string.h>

/* A picture of textured mid-grey noise (a scene), every pixel set. */
static void scene(segtex_image *img, uint32_t *seed)
{
    for (int y = 0; y < img->height; y++)
        for (int x = 0; x < img->width; x++)
            for (int k = 0; k < img->channels; k++)
                img->data[y * img->stride + x * img->channels + k] =
                    (uint8_t)(k == 3 ? 255 : 60 + test_rand(seed) % 140);
}

/* Rows [y0, y1) and columns [x0, x1) set to `level` (+- noise), RGB; `alpha` left alone. */
static void fill(segtex_image *img, int x0, int y0, int x1, int y1, int level, int noise, uint32_t *seed)
{
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            for (int k = 0; k < 3; k++) {
                int v = level + (noise ? (int)(test_rand(seed) % (2u * noise + 1)) - noise : 0);
                img->data[y * img->stride + x * img->channels + k] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
            }
}

static int rect_is(const int r[4], int x0, int y0, int x1, int y1)
{
    return r[0] == x0 && r[1] == y0 && r[2] == x1 && r[3] == y1;
}

/* A 320 x 240 film still: bars of 30 rows on top and 24 under, white caption text on the lower one. */
static void letterbox_with_a_caption(void)
{
    segtex_image img = {0};
    CHECK(segtex_image_alloc(&img, 320, 240, 3) == SEGTEX_OK, "image");
    if (!img.data)
        return;
    uint32_t seed = 1;
    int r[4];
    scene(&img, &seed);
    fill(&img, 0, 0, 320, 30, 0, 0, &seed);
    fill(&img, 0, 216, 320, 240, 1, 1, &seed);
    CHECK(letterbox_find(&img, r) == 2 && rect_is(r, 0, 30, 320, 216), "letterbox: picture (%d %d %d %d)", r[0], r[1],
          r[2], r[3]);
    /* A caption: rows 220..230 of the lower bar hold white letters over a sixth of their width. */
    for (int x = 100; x < 154; x++)
        fill(&img, x, 220, x + 1, 230, x % 3 ? 250 : 0, 0, &seed);
    CHECK(letterbox_find(&img, r) == 2 && rect_is(r, 0, 30, 320, 216), "a caption on the bar: still the bar (%d..%d)",
          r[1], r[3]);
    /* Limited-range black (16): the bar's level is its own. */
    fill(&img, 0, 0, 320, 30, 16, 1, &seed);
    CHECK(letterbox_find(&img, r) == 2 && r[1] == 30, "limited-range black: top bar of 30 (%d)", r[1]);
    /* A caption over most of a bar's lines' width is the picture, not a bar: the bar stops there. */
    fill(&img, 0, 216, 320, 240, 0, 0, &seed);
    fill(&img, 0, 216, 320, 222, 200, 20, &seed);
    CHECK(letterbox_find(&img, r) == 2 && r[3] == 222, "bright lines across the lower bar: picture to 222 (%d)", r[3]);
    segtex_image_free(&img);
}

/* A 4:3 picture in a 16:9 frame (pillarbox), then bars on all four sides (a windowbox). */
static void pillarbox_and_windowbox(void)
{
    segtex_image img = {0};
    CHECK(segtex_image_alloc(&img, 320, 180, 3) == SEGTEX_OK, "image");
    if (!img.data)
        return;
    uint32_t seed = 2;
    int r[4];
    scene(&img, &seed);
    fill(&img, 0, 0, 40, 180, 0, 0, &seed);
    fill(&img, 280, 0, 320, 180, 0, 0, &seed);
    CHECK(letterbox_find(&img, r) == 2 && rect_is(r, 40, 0, 280, 180), "pillarbox: picture (%d %d %d %d)", r[0], r[1],
          r[2], r[3]);
    fill(&img, 0, 0, 320, 12, 0, 0, &seed);
    fill(&img, 0, 168, 320, 180, 0, 0, &seed);
    CHECK(letterbox_find(&img, r) == 4 && rect_is(r, 40, 12, 280, 168), "windowbox: picture (%d %d %d %d)", r[0],
          r[1], r[2], r[3]);
    segtex_image_free(&img);
}

/* What only looks like a bar. */
static void not_bars(void)
{
    segtex_image img = {0};
    CHECK(segtex_image_alloc(&img, 320, 240, 3) == SEGTEX_OK, "image");
    if (!img.data)
        return;
    uint32_t seed = 3;
    int r[4];
    scene(&img, &seed);
    CHECK(letterbox_find(&img, r) == 0 && rect_is(r, 0, 0, 320, 240), "a plain picture: no bar");
    /* A dark room behind a person: its top rows dark but not flat (+-8 of sensor noise and texture). */
    fill(&img, 0, 0, 320, 40, 14, 8, &seed);
    CHECK(letterbox_find(&img, r) == 0, "a dark noisy room: no bar (top %d)", r[1]);
    /* Dark hair up to the frame's top, flat black around it: the hair's columns are not the bar's black. */
    fill(&img, 0, 0, 320, 60, 0, 0, &seed);
    fill(&img, 120, 0, 200, 60, 25, 6, &seed);
    CHECK(letterbox_find(&img, r) == 0, "dark hair reaching a black top: no bar (top %d)", r[1]);
    /* A night sky: flat black, then brightening a level every two rows (no picture's edge): no bar. */
    scene(&img, &seed);
    fill(&img, 0, 0, 320, 40, 0, 0, &seed);
    for (int y = 40; y < 100; y++)
        fill(&img, 0, y, 320, y + 1, (y - 40) / 2, 1, &seed);
    CHECK(letterbox_find(&img, r) == 0, "black sky fading into the picture: no bar (top %d)", r[1]);
    /* A fade to black: every line black. */
    fill(&img, 0, 0, 320, 240, 0, 0, &seed);
    CHECK(letterbox_find(&img, r) == 0 && rect_is(r, 0, 0, 320, 240), "a black frame: no bar");
    /* Bars deeper than a quarter of the frame each: no bar (the picture would be a sliver). */
    scene(&img, &seed);
    fill(&img, 0, 0, 320, 70, 0, 0, &seed);
    CHECK(letterbox_find(&img, r) == 0, "a 70-row black top of 240: no bar (top %d)", r[1]);
    /* A single black line on the edge (a capture card's first row): too thin to be a bar. */
    scene(&img, &seed);
    fill(&img, 0, 0, 320, 1, 0, 0, &seed);
    CHECK(letterbox_find(&img, r) == 0, "one black row: no bar (top %d)", r[1]);
    segtex_image_free(&img);
}

/* Frames letterbox_find does not read: grey, NULL, empty; tiny frames are read without a fault. RGBA with a padded
 * stride finds the same bars as RGB. */
static void odd_frames(void)
{
    int r[4] = {-1, -1, -1, -1};
    CHECK(letterbox_find(NULL, r) == 0 && rect_is(r, 0, 0, 0, 0), "NULL: no bar, empty rect");
    uint8_t px[4 * 3 * 4] = {0};
    segtex_image grey = {px, 4, 4, 1, 4}, tiny = {px, 1, 1, 3, 3}, small = {px, 4, 4, 3, 12}, none = {NULL, 4, 4, 3, 12};
    CHECK(letterbox_find(&grey, r) == 0 && rect_is(r, 0, 0, 4, 4), "grey: the whole frame");
    CHECK(letterbox_find(&none, r) == 0 && rect_is(r, 0, 0, 4, 4), "no data: the whole frame");
    CHECK(letterbox_find(&tiny, r) == 0 && rect_is(r, 0, 0, 1, 1), "1x1: the whole frame");
    CHECK(letterbox_find(&small, r) == 0 && rect_is(r, 0, 0, 4, 4), "4x4 black: the whole frame");
    segtex_image rgba = {0};
    CHECK(segtex_image_alloc(&rgba, 300, 200, 4) == SEGTEX_OK, "rgba");
    if (!rgba.data)
        return;
    segtex_image padded = rgba;
    padded.width = 280; /* a view: 20 pixels of padding at each row's end, set bright (never read) */
    uint32_t seed = 4;
    scene(&rgba, &seed);
    fill(&padded, 0, 0, 280, 20, 0, 0, &seed);
    fill(&padded, 0, 180, 280, 200, 0, 0, &seed);
    CHECK(letterbox_find(&padded, r) == 2 && rect_is(r, 0, 20, 280, 180), "RGBA, padded stride: (%d %d %d %d)", r[0],
          r[1], r[2], r[3]);
    segtex_image_free(&rgba);
}

/* The composite: a selfie model sure of a person over the whole frame, bars included (as the film stills' bars
 * under a chin): nobody on the bars, the person in the picture. */
static void composite_leaves_the_bars_out(void)
{
    enum { W = 128, H = 128 };
    segtex_image img = {0};
    segtex_seg_result r = {0};
    segtex_composite *c = NULL;
    float *selfie = malloc(sizeof(float) * W * H);
    CHECK(selfie && segtex_image_alloc(&img, 256, 256, 3) == SEGTEX_OK &&
              segtex_seg_result_alloc(&r, W * H) == SEGTEX_OK && segtex_composite_create(W * H, &c) == SEGTEX_OK,
          "set up");
    if (!selfie || !img.data || !c)
        goto out;
    uint32_t seed = 5;
    scene(&img, &seed);
    fill(&img, 0, 0, 256, 32, 0, 0, &seed);
    fill(&img, 0, 224, 256, 256, 0, 0, &seed);
    for (int i = 0; i < W * H; i++)
        selfie[i] = 1.0f;
    segtex_composite_masks mk = {selfie, W, H, NULL, 0, 0};
    segtex_people nobody = {0};
    r.width = W, r.height = H;
    segtex_composite_run(c, &img, &nobody, &mk, &r);
    int bar_person = 0, pic_person = 0, bar = 0, pic = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            const int in_bar = y < 16 || y >= 112, person = r.prob[(y * W + x) * SEGTEX_CATEGORY_COUNT] < 0.5f;
            bar += in_bar, pic += !in_bar;
            bar_person += in_bar && person, pic_person += !in_bar && person;
        }
    CHECK(bar_person == 0, "the bars: nobody (%d of %d cells person)", bar_person, bar);
    CHECK(pic_person == pic, "the picture: the person (%d of %d cells)", pic_person, pic);
out:
    segtex_composite_destroy(c);
    segtex_seg_result_free(&r);
    segtex_image_free(&img);
    free(selfie);
}

int main(void)
{
    RUN(letterbox_with_a_caption);
    RUN(pillarbox_and_windowbox);
    RUN(not_bars);
    RUN(odd_frames);
    RUN(composite_leaves_the_bars_out);
    return test_summary();
}
