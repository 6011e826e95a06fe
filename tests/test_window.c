/*
 * Preview window: the bitmap font, open/show/close across sizes, keys through
 * SDL's event queue, what reaches the screen (letterbox, status band, text),
 * and no allocation per frame. Runs with SDL's dummy video driver; the dummy
 * driver's SDL_VIDEO_DUMMY_SAVE_FRAMES writes each presented frame as a BMP,
 * which is how the test looks at the screen.
 */
#include "harness.h"
#include "io/window_font.h"
#include "segtex/io.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- font ------------------------------------------------------------------- */

static int cell_differs(const uint8_t *a, const uint8_t *b, int n)
{
    return memcmp(a, b, (size_t)n) != 0;
}

static void test_font_glyph_in_cell(void)
{
    enum { W = 20, H = 16 };
    uint8_t buf[H][W * 3], before[H][W * 3];
    memset(buf, 40, sizeof buf);
    memcpy(before, buf, sizeof buf);
    const uint8_t white[3] = {250, 251, 252};
    int adv = segtex_font_draw(&buf[0][0], W, H, W * 3, 7, 4, "A", white);
    CHECK(adv == SEGTEX_FONT_CELL_W, "advance of 'A' is %d, expected %d", adv, SEGTEX_FONT_CELL_W);
    /* 'A' is 0E 11 11 11 1F 11 11: 18 pixels, all inside its 5x7 box at (7, 4). */
    int set = 0, outside = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int changed = cell_differs(&buf[y][x * 3], &before[y][x * 3], 3);
            int inside = x >= 7 && x < 12 && y >= 4 && y < 11;
            if (changed && !inside)
                outside++;
            if (changed && inside) {
                set++;
                CHECK(memcmp(&buf[y][x * 3], white, 3) == 0, "pixel (%d,%d) not in the color", x, y);
            }
        }
    CHECK(set == 18, "'A' set %d pixels, expected 18", set);
    CHECK(outside == 0, "'A' changed %d pixels outside its cell", outside);
    /* The shape: apex row has the middle three, the bar row all five, corners of the top empty. */
    CHECK(buf[4][7 * 3] == 40 && buf[4][8 * 3] == 250 && buf[4][10 * 3] == 250 &&
              buf[4][11 * 3] == 40,
          "top row of 'A' is not .###.");
    for (int x = 7; x < 12; x++)
        CHECK(buf[8][x * 3] == 250, "bar of 'A' misses x=%d", x);
}

static int glyph_bits(char c, uint8_t out[SEGTEX_FONT_CELL_H][SEGTEX_FONT_CELL_W])
{
    uint8_t buf[SEGTEX_FONT_CELL_H][SEGTEX_FONT_CELL_W * 3];
    memset(buf, 0, sizeof buf);
    const uint8_t one[3] = {1, 1, 1};
    char s[2] = {c, 0};
    segtex_font_draw(&buf[0][0], SEGTEX_FONT_CELL_W, SEGTEX_FONT_CELL_H, sizeof buf[0], 0, 0, s,
                     one);
    int n = 0;
    for (int y = 0; y < SEGTEX_FONT_CELL_H; y++)
        for (int x = 0; x < SEGTEX_FONT_CELL_W; x++)
            n += out[y][x] = buf[y][x * 3];
    return n;
}

static void test_font_glyphs_distinct(void)
{
    /* Every printable glyph but space has pixels, stays in its 5x7 box, and
     * differs from every other one: a typo in the table shows up here. */
    static uint8_t bits[95][SEGTEX_FONT_CELL_H][SEGTEX_FONT_CELL_W];
    for (int c = 32; c < 127; c++) {
        int n = glyph_bits((char)c, bits[c - 32]);
        CHECK((c == ' ') == (n == 0), "glyph '%c' has %d pixels", c, n);
        int spill = 0;
        for (int y = 0; y < SEGTEX_FONT_CELL_H; y++)
            spill += bits[c - 32][y][5];
        for (int x = 0; x < SEGTEX_FONT_CELL_W; x++)
            spill += bits[c - 32][7][x];
        CHECK(spill == 0, "glyph '%c' uses the spacing column or row", c);
    }
    for (int a = 0; a < 95; a++)
        for (int b = a + 1; b < 95; b++)
            CHECK(memcmp(bits[a], bits[b], sizeof bits[a]) != 0, "glyphs '%c' and '%c' are equal",
                  a + 32, b + 32);
    /* Bytes outside 32..126 draw as '?'. */
    uint8_t q[SEGTEX_FONT_CELL_H][SEGTEX_FONT_CELL_W], odd[SEGTEX_FONT_CELL_H][SEGTEX_FONT_CELL_W];
    glyph_bits('?', q);
    glyph_bits('\x7f', odd);
    CHECK(memcmp(q, odd, sizeof q) == 0, "DEL does not draw as '?'");
    glyph_bits('\xe9', odd);
    CHECK(memcmp(q, odd, sizeof q) == 0, "byte 0xE9 does not draw as '?'");
}

static void test_font_clipping(void)
{
    /* A 17x9 picture with 5 bytes of row padding inside a guarded block: text
     * hanging over every edge must touch neither the padding nor the guards. */
    enum { W = 17, H = 9, STRIDE = W * 3 + 5, GUARD = 64 };
    static uint8_t block[GUARD + STRIDE * H + GUARD];
    memset(block, 0xAB, sizeof block);
    uint8_t *img = block + GUARD;
    for (int y = 0; y < H; y++)
        memset(img + y * STRIDE, 0, W * 3);
    const uint8_t c[3] = {200, 100, 50};
    int adv = segtex_font_draw(img, W, H, STRIDE, W - 8, 3, "WMWM", c);
    CHECK(adv == 4 * SEGTEX_FONT_CELL_W, "advance %d, expected %d", adv, 4 * SEGTEX_FONT_CELL_W);
    segtex_font_draw(img, W, H, STRIDE, -3, -4, "HH", c);
    segtex_font_draw(img, W, H, STRIDE, 2, H - 2, "###", c);
    segtex_font_draw(img, W, H, STRIDE, -100, 0, "#", c);   /* wholly outside */
    segtex_font_draw(img, W, H, STRIDE, 1000, 1000, "#", c); /* wholly outside */
    int guard_bad = 0, pad_bad = 0, set = 0, right_set = 0;
    for (int i = 0; i < GUARD; i++)
        guard_bad += block[i] != 0xAB || block[GUARD + STRIDE * H + i] != 0xAB;
    for (int y = 0; y < H; y++) {
        for (int i = W * 3; i < STRIDE; i++)
            pad_bad += img[y * STRIDE + i] != 0xAB;
        for (int x = 0; x < W; x++) {
            int on = img[y * STRIDE + x * 3] == 200;
            set += on;
            right_set += on && x >= W - 8;
        }
    }
    CHECK(guard_bad == 0, "%d guard bytes written", guard_bad);
    CHECK(pad_bad == 0, "%d row padding bytes written", pad_bad);
    CHECK(right_set > 0, "the visible part of the clipped text was not drawn");
    CHECK(set > right_set, "the text clipped at the top-left was not drawn");
    /* 'W' at x = W-8: its columns 0..4 are x = 9..13, all visible. */
    CHECK(img[3 * STRIDE + 9 * 3] == 200 && img[3 * STRIDE + 13 * 3] == 200,
          "first glyph of the clipped text is incomplete");
}

/* ---- window ----------------------------------------------------------------- */

static segtex_image make_frame(int w, int h, int pad)
{
    segtex_image f = {0};
    f.width = w, f.height = h, f.channels = 3, f.stride = (ptrdiff_t)w * 3 + pad;
    f.data = malloc((size_t)f.stride * (size_t)h);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < (int)f.stride; x++)
            f.data[y * f.stride + x] = (uint8_t)(x * 7 + y * 13);
    return f;
}

static void test_open_show_close_sizes(void)
{
    segtex_window *win = NULL;
    segtex_status st = segtex_window_open("test", 321, 241, &win);
    CHECK(st == SEGTEX_OK && win, "open 321x241: %s", segtex_status_string(st));
    if (!win)
        return;
    const int sizes[][3] = {{321, 241, 5}, {321, 241, 5}, {160, 90, 0}, {1, 1, 3}, {643, 17, 1},
                            {321, 241, 5}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        segtex_image f = make_frame(sizes[i][0], sizes[i][1], sizes[i][2]);
        size_t bytes = (size_t)f.stride * (size_t)f.height;
        uint8_t *copy = malloc(bytes);
        memcpy(copy, f.data, bytes);
        st = segtex_window_show(win, &f, i % 2 ? "in 30.0 fps  out 29.8 fps" : NULL);
        CHECK(st == SEGTEX_OK, "show %dx%d stride %td: %s", f.width, f.height, f.stride,
              segtex_status_string(st));
        CHECK(memcmp(copy, f.data, bytes) == 0, "show modified the %dx%d frame", f.width,
              f.height);
        free(copy);
        free(f.data);
    }
    segtex_window_close(win);
    segtex_window_close(NULL);

    /* Open again after SDL was shut down by the last close. */
    st = segtex_window_open("again", 64, 48, &win);
    CHECK(st == SEGTEX_OK && win, "reopen: %s", segtex_status_string(st));
    segtex_window_close(win);
}

static void test_rejects_bad_arguments(void)
{
    segtex_window *win = (segtex_window *)1;
    CHECK(segtex_window_open("x", 0, 10, &win) == SEGTEX_ERROR_INVALID_ARGUMENT && !win,
          "open with width 0 accepted");
    CHECK(segtex_window_open("x", 10, -1, &win) == SEGTEX_ERROR_INVALID_ARGUMENT && !win,
          "open with height -1 accepted");
    CHECK(segtex_window_open("x", 32, 32, &win) == SEGTEX_OK, "open 32x32 failed");
    segtex_image f = make_frame(8, 8, 0);
    CHECK(segtex_window_show(win, NULL, NULL) == SEGTEX_ERROR_INVALID_ARGUMENT, "NULL frame");
    f.channels = 4;
    CHECK(segtex_window_show(win, &f, NULL) == SEGTEX_ERROR_INVALID_ARGUMENT, "RGBA accepted");
    f.channels = 3, f.stride = 8 * 3 - 1;
    CHECK(segtex_window_show(win, &f, NULL) == SEGTEX_ERROR_INVALID_ARGUMENT, "short stride");
    f.stride = 8 * 3, f.width = 0;
    CHECK(segtex_window_show(win, &f, NULL) == SEGTEX_ERROR_INVALID_ARGUMENT, "width 0");
    f.width = 8;
    CHECK(segtex_window_show(win, &f, NULL) == SEGTEX_OK, "valid frame after rejects");
    CHECK(segtex_window_show(NULL, &f, NULL) == SEGTEX_ERROR_INVALID_ARGUMENT, "NULL window");
    CHECK(segtex_window_poll_key(NULL) == 0, "poll on NULL");
    segtex_window_push_key(NULL, 'r');
    free(f.data);
    segtex_window_close(win);
}

static void test_keys(void)
{
    segtex_window *win = NULL;
    if (segtex_window_open("keys", 100, 80, &win) != SEGTEX_OK) {
        CHECK(0, "open failed");
        return;
    }
    CHECK(segtex_window_poll_key(win) == 0, "a key is pending in a new window");
    static const struct {
        int push, expect;
    } cases[] = {{'r', 'r'}, {' ', ' '}, {'s', 's'}, {'m', 'm'}, {'l', 'l'}, {'c', 'c'},
                 {'q', 'q'}, {27, SEGTEX_KEY_ESCAPE},  {'R', 'r'}, {'x', 'x'},   {'1', '1'},
                 {SEGTEX_KEY_LEFT, SEGTEX_KEY_LEFT}, {SEGTEX_KEY_RETURN, SEGTEX_KEY_RETURN},
                 {0x7f, 0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        segtex_window_push_key(win, cases[i].push);
        int got = segtex_window_poll_key(win);
        CHECK(got == cases[i].expect, "push %d: poll returned %d, expected %d", cases[i].push,
              got, cases[i].expect);
        CHECK(segtex_window_poll_key(win) == 0, "push %d: a second key is pending", cases[i].push);
    }

    /* Order is kept, and show() pumping the queue in between loses nothing. */
    segtex_image f = make_frame(40, 30, 0);
    segtex_window_push_key(win, 'm');
    segtex_window_push_key(win, 'x');
    segtex_window_push_key(win, 'l');
    segtex_window_show(win, &f, NULL);
    segtex_window_push_key(win, 27);
    int k1 = segtex_window_poll_key(win), k2 = segtex_window_poll_key(win);
    int k3 = segtex_window_poll_key(win), k4 = segtex_window_poll_key(win);
    int k5 = segtex_window_poll_key(win);
    CHECK(k1 == 'm' && k2 == 'x' && k3 == 'l' && k4 == SEGTEX_KEY_ESCAPE && k5 == 0,
          "sequence m x l Esc gave %d %d %d %d %d", k1, k2, k3, k4, k5);
    free(f.data);

    /* The ring is bounded: 40 presses before a poll keep the first 32. */
    for (int i = 0; i < 40; i++)
        segtex_window_push_key(win, i % 2 ? 'r' : 'c');
    int n = 0, order_ok = 1, k;
    while ((k = segtex_window_poll_key(win)) != 0) {
        order_ok &= k == (n % 2 ? 'r' : 'c');
        n++;
    }
    CHECK(n == 32, "%d keys kept of 40, expected 32", n);
    CHECK(order_ok, "kept keys out of order");

    /* Keys go to the window they were pushed to. */
    segtex_window *other = NULL;
    CHECK(segtex_window_open("other", 50, 50, &other) == SEGTEX_OK, "second window");
    segtex_window_push_key(other, 's');
    segtex_window_push_key(win, 'm');
    CHECK(segtex_window_poll_key(win) == 'm', "first window lost its key");
    CHECK(segtex_window_poll_key(win) == 0, "first window got the other's key");
    CHECK(segtex_window_poll_key(other) == 's', "second window lost its key");
    segtex_window_close(other);
    segtex_window_close(win);
}

/* ---- what reaches the screen -------------------------------------------------- */

static uint32_t le32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

/* Read an uncompressed 24- or 32-bit BMP as written by SDL_SaveBMP into RGB24. */
static int read_bmp(const char *path, segtex_image *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    static uint8_t file[4 << 20];
    size_t n = fread(file, 1, sizeof file, f);
    fclose(f);
    if (n < 54 || file[0] != 'B' || file[1] != 'M')
        return 0;
    uint32_t off = le32(file + 10);
    int w = (int)le32(file + 18), h = (int)le32(file + 22);
    int bpp = file[28] | file[29] << 8;
    uint32_t comp = le32(file + 30);
    int bottom_up = h > 0;
    h = h < 0 ? -h : h;
    if ((bpp != 24 && bpp != 32) || (comp != 0 && comp != 3) || w <= 0 || h <= 0)
        return 0;
    size_t row = ((size_t)w * (size_t)(bpp / 8) + 3) & ~(size_t)3;
    if (off + row * (size_t)h > n)
        return 0;
    out->width = w, out->height = h, out->channels = 3, out->stride = w * 3;
    out->data = malloc((size_t)w * (size_t)h * 3);
    for (int y = 0; y < h; y++) {
        const uint8_t *s = file + off + row * (size_t)(bottom_up ? h - 1 - y : y);
        for (int x = 0; x < w; x++, s += bpp / 8) {
            /* Both layouts SDL writes store blue, green, red in the low bytes. */
            out->data[(y * w + x) * 3 + 0] = s[2];
            out->data[(y * w + x) * 3 + 1] = s[1];
            out->data[(y * w + x) * 3 + 2] = s[0];
        }
    }
    return 1;
}

static const uint8_t *px(const segtex_image *img, int x, int y)
{
    return img->data + y * img->stride + x * 3;
}

static int near(const uint8_t *p, int r, int g, int b, int tol)
{
    return abs(p[0] - r) <= tol && abs(p[1] - g) <= tol && abs(p[2] - b) <= tol;
}

/* Show one frame into a w x h window with frame saving on; read back what was presented. */
static int capture_ex(const segtex_image *frame, const char *status, int w, int h,
                      const segtex_legend_entry *legend, int n_legend, segtex_image *shot)
{
    char cwd[4096], dir[] = "/tmp/segtex_window_XXXXXX";
    if (!getcwd(cwd, sizeof cwd) || !mkdtemp(dir) || chdir(dir) != 0)
        return 0;
    segtex_window *win = NULL;
    int ok = segtex_window_open("capture", w, h, &win) == SEGTEX_OK;
    ok = ok && segtex_window_set_legend(win, legend, n_legend) == SEGTEX_OK;
    setenv("SDL_VIDEO_DUMMY_SAVE_FRAMES", "1", 1);
    ok = ok && segtex_window_show(win, frame, status) == SEGTEX_OK;
    unsetenv("SDL_VIDEO_DUMMY_SAVE_FRAMES");
    segtex_window_close(win);
    int found = 0;
    DIR *d = opendir(".");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strncmp(e->d_name, "SDL_window", 10) != 0)
            continue;
        if (ok && !found)
            found = read_bmp(e->d_name, shot);
        unlink(e->d_name);
    }
    if (d)
        closedir(d);
    if (chdir(cwd) != 0 || rmdir(dir) != 0)
        found = 0;
    return ok && found;
}

static int capture(const segtex_image *frame, const char *status, segtex_image *shot)
{
    return capture_ex(frame, status, 400, 400, NULL, 0, shot);
}

static void test_screen_letterbox_and_status(void)
{
    /* A 2:1 frame in quadrants (red, blue / green, grey) in a square window:
     * picture 400x200 at y = 100, black bars above and below. */
    segtex_image f = make_frame(200, 100, 9);
    static const uint8_t quad[4][3] = {{220, 30, 30}, {30, 30, 220}, {30, 200, 30}, {128, 128, 128}};
    for (int y = 0; y < 100; y++)
        for (int x = 0; x < 200; x++)
            memcpy(f.data + y * f.stride + x * 3, quad[(y >= 50) * 2 + (x >= 100)], 3);

    segtex_image shot = {0};
    if (!capture(&f, NULL, &shot)) {
        CHECK(0, "no frame captured from the dummy driver");
        free(f.data);
        return;
    }
    CHECK(shot.width == 400 && shot.height == 400, "captured %dx%d", shot.width, shot.height);
    if (shot.width == 400 && shot.height == 400) {
        CHECK(near(px(&shot, 200, 50), 0, 0, 0, 0) && near(px(&shot, 5, 395), 0, 0, 0, 0),
              "letterbox bars are not black");
        CHECK(near(px(&shot, 200, 97), 0, 0, 0, 0) && near(px(&shot, 200, 302), 0, 0, 0, 0),
              "picture spills into the bars");
        CHECK(near(px(&shot, 100, 105), 220, 30, 30, 2), "top-left is not red at the top");
        CHECK(near(px(&shot, 100, 150), 220, 30, 30, 2), "top-left quadrant is not red");
        CHECK(near(px(&shot, 300, 150), 30, 30, 220, 2), "top-right quadrant is not blue");
        CHECK(near(px(&shot, 100, 250), 30, 200, 30, 2), "bottom-left quadrant is not green");
        CHECK(near(px(&shot, 300, 295), 128, 128, 128, 2), "bottom-right quadrant is not grey");
        CHECK(near(px(&shot, 2, 150), 220, 30, 30, 2) && near(px(&shot, 397, 250), 128, 128, 128, 2),
              "picture does not fill the window's width");
    }
    free(shot.data);

    /* The same with a status line: a darker band over the top of the picture,
     * bright text inside it, nothing bright anywhere else. */
    const char *status = "in 30.0 fps  seg 12.1/15.0 ms  RSS 85 MB";
    if (!capture(&f, status, &shot)) {
        CHECK(0, "no frame captured with a status line");
        free(f.data);
        return;
    }
    if (shot.width == 400 && shot.height == 400) {
        int band_rows = 0, text_px = 0, text_outside = 0, text_x_max = 0;
        for (int y = 100; y < 130; y++) {
            const uint8_t *p = px(&shot, 399, y); /* right end of the band (blue): no text there */
            if (p[2] > 40 && p[2] < 200 && p[0] < 30 && p[1] < 30)
                band_rows++;
        }
        for (int y = 0; y < 400; y++)
            for (int x = 0; x < 400; x++) {
                const uint8_t *p = px(&shot, x, y);
                if (p[0] > 200 && p[1] > 200 && p[2] > 200) {
                    if (y >= 100 && y < 100 + band_rows) {
                        text_px++;
                        text_x_max = x > text_x_max ? x : text_x_max;
                    } else {
                        text_outside++;
                    }
                }
            }
        CHECK(band_rows >= 10 && band_rows <= 20, "status band is %d rows of darkened blue",
              band_rows);
        CHECK(near(px(&shot, 399, 100 + band_rows), 30, 30, 220, 2), "picture below the band changed");
        CHECK(text_px > 100, "only %d text pixels in the band", text_px);
        CHECK(text_outside == 0, "%d white pixels outside the band", text_outside);
        int expect_w = (int)strlen(status) * SEGTEX_FONT_CELL_W;
        CHECK(text_x_max > expect_w / 2 && text_x_max < 400, "text ends at x=%d for %d chars",
              text_x_max, (int)strlen(status));
    }
    free(shot.data);
    free(f.data);
}

/*
 * The real statistics line (about 130 characters) in a 640-pixel window:
 * wrapped or shrunk, never cut: the band holds the text, and the text's
 * right end stays inside the window with its margin.
 */
static void test_status_line_fits_640(void)
{
    segtex_image f = make_frame(640, 360, 3);
    for (int y = 0; y < 360; y++)
        for (int x = 0; x < 640; x++)
            memcpy(f.data + y * f.stride + x * 3, (const uint8_t[3]){30, 30, 220}, 3);
    const char *status = "in 30.0 fps  out 29.8 fps  seg 12.1/15.0 ms  face 4.2/6.0 ms  render "
                         "1.35 ms  dropped 0  RSS 85.2/90.1 MB  segmenter composite  backend XNNPACK "
                         "END";
    segtex_image shot = {0};
    if (!capture_ex(&f, status, 640, 360, NULL, 0, &shot)) {
        CHECK(0, "no frame captured");
        free(f.data);
        return;
    }
    int rows_with_text = 0, x_max = 0, x_min = 640;
    for (int y = 0; y < shot.height; y++) {
        int any = 0;
        for (int x = 0; x < shot.width; x++) {
            const uint8_t *p = px(&shot, x, y);
            if (p[0] > 200 && p[1] > 200 && p[2] > 200) {
                any = 1;
                x_max = x > x_max ? x : x_max;
                x_min = x < x_min ? x : x_min;
            }
        }
        rows_with_text += any;
    }
    CHECK(shot.width == 640, "captured %dx%d", shot.width, shot.height);
    CHECK(rows_with_text >= 6, "%d rows with text", rows_with_text);
    CHECK(x_max <= 640 - 2 && x_min >= 1, "text spans x %d..%d: cut at the edge", x_min, x_max);
    /* The right end of the band, below the first text line's height, is still darkened where
     * a wrapped second line runs, or the text fits one line: either way, no text touches x=639. */
    int edge_text = 0;
    for (int y = 0; y < 60; y++) {
        const uint8_t *p = px(&shot, 639, y);
        edge_text += p[0] > 200 && p[1] > 200;
    }
    CHECK(edge_text == 0, "%d text pixels in the last column", edge_text);
    free(shot.data);
    free(f.data);
}

/* The legend: a swatch of each colour in the bottom-left corner, the picture elsewhere. */
static void test_legend_swatches(void)
{
    segtex_image f = make_frame(400, 400, 3);
    for (int y = 0; y < 400; y++)
        for (int x = 0; x < 400; x++)
            memcpy(f.data + y * f.stride + x * 3, (const uint8_t[3]){128, 128, 128}, 3);
    static const segtex_legend_entry legend[3] = {
        {"background", {250, 10, 10}}, {"hair", {10, 250, 10}}, {"face skin", {10, 10, 250}}};
    segtex_image shot = {0};
    if (!capture_ex(&f, NULL, 400, 400, legend, 3, &shot)) {
        CHECK(0, "no frame captured");
        free(f.data);
        return;
    }
    int found[3] = {0, 0, 0}, top_half = 0;
    for (int y = 0; y < shot.height; y++)
        for (int x = 0; x < shot.width; x++)
            for (int k = 0; k < 3; k++)
                if (near(px(&shot, x, y), legend[k].rgb[0], legend[k].rgb[1], legend[k].rgb[2], 2)) {
                    found[k]++;
                    top_half += y < 200 || x > 200;
                }
    CHECK(found[0] >= 16 && found[1] >= 16 && found[2] >= 16, "swatch pixels %d %d %d", found[0],
          found[1], found[2]);
    CHECK(top_half == 0, "%d swatch pixels outside the bottom-left corner", top_half);
    free(shot.data);

    /* Negative: too many entries, NULL entries with a count; the legend stays as it was. */
    segtex_window *win = NULL;
    if (segtex_window_open("legend", 100, 100, &win) == SEGTEX_OK) {
        segtex_legend_entry many[17] = {{0}};
        CHECK(segtex_window_set_legend(win, many, 17) == SEGTEX_ERROR_INVALID_ARGUMENT, "17");
        CHECK(segtex_window_set_legend(win, NULL, 2) == SEGTEX_ERROR_INVALID_ARGUMENT, "NULL");
        CHECK(segtex_window_set_legend(win, NULL, 0) == SEGTEX_OK, "clear");
        segtex_window_close(win);
    }
    free(f.data);
}

/* A window larger than the display opens shrunk to fit, with the same aspect ratio. */
static void test_window_fits_display(void)
{
    segtex_window *win = NULL;
    CHECK(segtex_window_open("big", 1920, 1080, &win) == SEGTEX_OK, "open 1920x1080");
    int w = 0, h = 0;
    segtex_window_get_size(win, &w, &h);
    /* The dummy driver's display is 1024x768. */
    CHECK(w == 1024 && h == 576, "1920x1080 opened as %dx%d on a 1024x768 display", w, h);
    segtex_window_close(win);
    CHECK(segtex_window_open("small", 320, 200, &win) == SEGTEX_OK, "open 320x200");
    segtex_window_get_size(win, &w, &h);
    CHECK(w == 320 && h == 200, "320x200 opened as %dx%d", w, h);
    segtex_window_close(win);
}

/* DISPLAY naming no server: open fails with one line naming it, no silent offscreen window. */
static void test_no_display_fails(void)
{
    char *driver = getenv("SDL_VIDEODRIVER") ? strdup(getenv("SDL_VIDEODRIVER")) : NULL;
    char *display = getenv("DISPLAY") ? strdup(getenv("DISPLAY")) : NULL;
    char *wayland = getenv("WAYLAND_DISPLAY") ? strdup(getenv("WAYLAND_DISPLAY")) : NULL;
    unsetenv("SDL_VIDEODRIVER");
    unsetenv("WAYLAND_DISPLAY");
    setenv("DISPLAY", ":99", 1);
    segtex_set_log(test_log_capture, NULL, SEGTEX_LOG_WARNING);
    test_log_reset();
    segtex_window *win = (segtex_window *)1;
    segtex_status st = segtex_window_open("nodisplay", 320, 240, &win);
    CHECK(st == SEGTEX_ERROR_UNSUPPORTED && win == NULL, "opened on DISPLAY=:99 (%d)", st);
    CHECK(test_log.errors == 1 && strstr(test_log.line, ":99") && strstr(test_log.line, "no display"),
          "%d lines, '%s'", test_log.errors, test_log.line);
    if (win && win != (segtex_window *)1)
        segtex_window_close(win);
    segtex_set_log(segtex_log_stderr, NULL, SEGTEX_LOG_WARNING);
    if (driver)
        setenv("SDL_VIDEODRIVER", driver, 1);
    if (display)
        setenv("DISPLAY", display, 1);
    else
        unsetenv("DISPLAY");
    if (wayland)
        setenv("WAYLAND_DISPLAY", wayland, 1);
    free(driver);
    free(display);
    free(wayland);
}

/* ---- allocation ---------------------------------------------------------------- */

static void test_show_allocates_nothing_per_frame(void)
{
    segtex_window *win = NULL;
    if (segtex_window_open("alloc", 320, 240, &win) != SEGTEX_OK) {
        CHECK(0, "open failed");
        return;
    }
    segtex_image a = make_frame(321, 241, 3), b = make_frame(160, 120, 0);
    char status[128];
    for (int round = 0; round < 2; round++) {
        const segtex_image *f = round ? &b : &a;
        snprintf(status, sizeof status, "in %.1f fps  out 29.8 fps  dropped %d", 30.0, round);
        segtex_window_show(win, f, status); /* first frame of this size: configures */
        segtex_window_show(win, f, status);
        uint64_t ours = segtex_alloc_count(), process = test_process_allocs();
        /* A status text is rendered (SDL_ttf allocates) when it changes, as the
         * statistics line does once a second; the same text again costs nothing. */
        snprintf(status, sizeof status, "frame %d  render 0.9 ms  RSS 85 MB", round);
        segtex_window_show(win, f, status);
        ours = segtex_alloc_count(), process = test_process_allocs();
        for (int i = 0; i < 20; i++) {
            segtex_window_show(win, f, status);
            segtex_window_push_key(win, 'r');
            segtex_window_poll_key(win);
        }
        CHECK(segtex_alloc_count() == ours, "%dx%d: %llu library allocations in 20 frames",
              f->width, f->height, (unsigned long long)(segtex_alloc_count() - ours));
        /* Process-wide, SDL included, where the interposer counts: reported,
         * not asserted. SDL 2.26's software renderer mallocs 16 bytes per
         * frame while flushing its command queue in SDL_LockTexture, which
         * is outside the library's control. */
        double per_frame = (double)(test_process_allocs() - process) / 20;
        printf("note: %dx%d: %.1f process allocations per frame (SDL's own)\n", f->width,
               f->height, per_frame);
        CHECK(per_frame <= 2.0, "%.1f process allocations per frame with an unchanged status",
              per_frame);
    }
    free(a.data);
    free(b.data);
    segtex_window_close(win);
}

int main(void)
{
    /* No X server in CI: SDL's dummy drivers. */
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    segtex_set_log(segtex_log_stderr, NULL, SEGTEX_LOG_WARNING);
    RUN(test_font_glyph_in_cell);
    RUN(test_font_glyphs_distinct);
    RUN(test_font_clipping);
    RUN(test_open_show_close_sizes);
    RUN(test_rejects_bad_arguments);
    RUN(test_keys);
    RUN(test_screen_letterbox_and_status);
    RUN(test_show_allocates_nothing_per_frame);
    RUN(test_status_line_fits_640);
    RUN(test_legend_swatches);
    RUN(test_window_fits_display);
    RUN(test_no_display_fails);
    return test_summary();
}
