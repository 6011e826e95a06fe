/*
 * Image files and honest sinks: the PNG encoder (round trips, no allocation
 * per frame, speed), exact 16-bit and paletted PNG decoding, the size limits'
 * messages, failed writes onto a full disk (a small tmpfs) or /dev/full,
 * read-only folders, outputs that would overwrite the input, and creating an
 * output's folder on request.
 *
 * The full-disk and read-only cases mount a tmpfs; where that is not
 * allowed (not root, no CAP_SYS_ADMIN) they say "skip" and pass.
 */
#define _GNU_SOURCE
#include "harness.h"
#include "segtex/io.h"

#include <errno.h>
#include <fcntl.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

static char tmpdir[256];

static const char *tmp_path(const char *name)
{
    static char path[4][512];
    static int slot;
    slot = (slot + 1) % 4;
    snprintf(path[slot], sizeof path[slot], "%s/%s", tmpdir, name);
    return path[slot];
}

static int exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static void fill_noise(segtex_image *img, uint32_t seed)
{
    for (int y = 0; y < img->height; y++)
        for (int x = 0; x < img->width * img->channels; x++)
            img->data[y * img->stride + x] = (uint8_t)(test_rand(&seed) >> 24);
}

static void fill_smooth(segtex_image *img, int k)
{
    for (int y = 0; y < img->height; y++)
        for (int x = 0; x < img->width; x++)
            for (int c = 0; c < img->channels; c++)
                img->data[y * img->stride + x * img->channels + c] =
                    (uint8_t)(x * (c + 1) + y * 3 + k * 7 + (x * y % 5));
}

static int same_pixels(const segtex_image *a, const segtex_image *b)
{
    if (a->width != b->width || a->height != b->height || a->channels != b->channels)
        return 0;
    for (int y = 0; y < a->height; y++)
        if (memcmp(a->data + y * a->stride, b->data + y * b->stride,
                   (size_t)a->width * a->channels))
            return 0;
    return 1;
}

/* ---- PNG encoder --------------------------------------------------------------- */

/* Grey, RGB, RGBA; odd sizes; a stride wider than the row; smooth and noisy content. */
static void test_png_save_roundtrip(void)
{
    static const int sizes[][2] = {{1, 1}, {3, 2}, {17, 9}, {640, 3}, {333, 211}};
    for (int ch = 1; ch <= 4; ch++) {
        if (ch == 2)
            continue;
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
            int w = sizes[k][0], h = sizes[k][1];
            segtex_image big, view, got;
            segtex_image_alloc(&big, w + 5, h, ch);
            view = big;
            view.width = w; /* stride stays (w + 5) * ch */
            if (k % 2)
                fill_noise(&big, (uint32_t)(k * 7 + ch));
            else
                fill_smooth(&big, (int)k);
            const char *path = tmp_path("rt.png");
            CHECK(segtex_image_save_png(path, &view) == SEGTEX_OK, "save %dx%dx%d", w, h, ch);
            CHECK(segtex_image_load(path, 0, &got) == SEGTEX_OK, "load %dx%dx%d", w, h, ch);
            CHECK(same_pixels(&view, &got), "%dx%dx%d differs after a round trip", w, h, ch);
            segtex_image_free(&got);
            segtex_image_free(&big);
        }
    }
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/*
 * PNG frames at 640x480 from the demo clip: the files decode to the frames,
 * writing allocates nothing after the first frame, and the median speed is
 * printed (a benchmark never fails on time).
 */
static void test_png_sink_speed_and_allocations(void)
{
    enum { W = 640, H = 480, N = 30 };
    const char *portrait = test_asset("astronaut.png");
    if (!portrait) {
        printf("  skip: astronaut.png not in SEGTEX_ASSETS\n");
        return;
    }
    segtex_demo *demo = NULL;
    CHECK(segtex_demo_create(portrait, W, H, 0, 30, &demo) == SEGTEX_OK, "demo");
    if (!demo)
        return;
    mkdir(tmp_path("speed"), 0777);
    segtex_sink_options so = {.target = tmp_path("speed/%03d.png"), .width = W, .height = H, .fps = 30};
    segtex_sink *sink = NULL;
    CHECK(segtex_sink_open(&so, &sink) == SEGTEX_OK, "open");
    segtex_image frame, first, got;
    segtex_image_alloc(&frame, W, H, 3);
    segtex_image_alloc(&first, W, H, 3);
    double t[N], pts;
    uint64_t allocs = 0;
    for (int i = 0; sink && i < N; i++) {
        segtex_demo_read(demo, &frame, &pts);
        if (i == 0)
            memcpy(first.data, frame.data, (size_t)W * H * 3);
        uint64_t a0 = test_process_allocs();
        double t0 = now_s();
        CHECK(segtex_sink_write(sink, &frame, pts) == SEGTEX_OK, "write %d", i);
        t[i] = now_s() - t0;
        if (i > 0)
            allocs += test_process_allocs() - a0;
    }
    CHECK(segtex_sink_close(sink) == SEGTEX_OK, "close");
    CHECK(allocs == 0, "%llu allocations in %d PNG frame writes", (unsigned long long)allocs, N - 1);
    CHECK(segtex_image_load(tmp_path("speed/001.png"), 3, &got) == SEGTEX_OK, "load frame 1");
    CHECK(same_pixels(&first, &got), "frame 1 differs from what was written");
    struct stat sb;
    stat(tmp_path("speed/001.png"), &sb);
    qsort(t, N, sizeof t[0], cmp_double);
    printf("  PNG frames %dx%d: median %.2f ms per frame (%.0f fps), %lld KB per file\n", W, H,
           t[N / 2] * 1e3, 1.0 / t[N / 2], (long long)sb.st_size / 1024);
    segtex_image_free(&got);
    segtex_image_free(&first);
    segtex_image_free(&frame);
    segtex_demo_destroy(demo);
}

/* ---- PNG decoding: exact samples, every colour type -------------------------------- */

/* Write a PNG with libpng: `bits` 8 or 16, colour `type`, rows given as bytes in file order. */
static int write_png_file(const char *path, int w, int h, int bits, int type, png_bytep *rows,
                          int gamma_chunk, const png_color *palette, int npal,
                          const png_byte *trns, int ntrns)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        fclose(f);
        return -1;
    }
    png_init_io(png, f);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, bits, type, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (gamma_chunk)
        png_set_gAMA_fixed(png, info, 100000); /* "linear": the simplified API would convert */
    if (palette)
        png_set_PLTE(png, info, palette, npal);
    if (trns)
        png_set_tRNS(png, info, trns, ntrns, NULL);
    png_write_info(png, info);
    png_write_image(png, rows);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return fclose(f);
}

/* 16-bit grey and RGBA: v * 257 decodes to v exactly, 0x10FF rounds to 17; no gamma curve. */
static void test_png_16bit_exact(void)
{
    enum { W = 4 };
    static const uint16_t grey[W] = {16 * 257, 128 * 257, 0x10FF, 65535};
    static const uint8_t want_grey[W] = {16, 128, 17, 255};
    png_byte row16[W * 2];
    for (int x = 0; x < W; x++) {
        row16[2 * x] = (png_byte)(grey[x] >> 8);
        row16[2 * x + 1] = (png_byte)grey[x];
    }
    png_bytep rows[1] = {row16};
    const char *path = tmp_path("grey16.png");
    CHECK(write_png_file(path, W, 1, 16, PNG_COLOR_TYPE_GRAY, rows, 1, NULL, 0, NULL, 0) == 0,
          "write");
    segtex_image img;
    CHECK(segtex_image_load(path, 0, &img) == SEGTEX_OK, "load 16-bit grey");
    CHECK(img.channels == 1, "%d channels", img.channels);
    for (int x = 0; img.data && x < W; x++)
        CHECK(img.data[x] == want_grey[x], "grey16 %u -> %u, expected %u", grey[x], img.data[x],
              want_grey[x]);
    segtex_image_free(&img);

    /* RGBA 16: alpha is not premultiplied into the colour. */
    png_byte rgba16[2 * 8];
    static const uint16_t px[2][4] = {{16 * 257, 128 * 257, 200 * 257, 0}, {0x10FF, 0, 65535, 32768}};
    static const uint8_t want[2][4] = {{16, 128, 200, 0}, {17, 0, 255, 128}};
    for (int i = 0; i < 8; i++) {
        uint16_t v = px[i / 4][i % 4];
        rgba16[2 * i] = (png_byte)(v >> 8);
        rgba16[2 * i + 1] = (png_byte)v;
    }
    rows[0] = rgba16;
    path = tmp_path("rgba16.png");
    CHECK(write_png_file(path, 2, 1, 16, PNG_COLOR_TYPE_RGB_ALPHA, rows, 0, NULL, 0, NULL, 0) == 0,
          "write");
    CHECK(segtex_image_load(path, 0, &img) == SEGTEX_OK && img.channels == 4, "load RGBA16");
    for (int i = 0; img.data && i < 8; i++)
        CHECK(img.data[i] == want[i / 4][i % 4], "rgba16 sample %d: %u, expected %u", i,
              img.data[i], want[i / 4][i % 4]);
    segtex_image_free(&img);
}

/* 8-bit with a gAMA chunk is taken as stored; palette + tRNS gives RGBA; 4-bit grey scales up. */
static void test_png_colour_types(void)
{
    png_byte row8[3] = {16, 128, 250};
    png_bytep rows[1] = {row8};
    const char *path = tmp_path("grey8g.png");
    segtex_image img;
    CHECK(write_png_file(path, 3, 1, 8, PNG_COLOR_TYPE_GRAY, rows, 1, NULL, 0, NULL, 0) == 0, "w");
    CHECK(segtex_image_load(path, 0, &img) == SEGTEX_OK && img.channels == 1, "grey8");
    CHECK(img.data && !memcmp(img.data, row8, 3), "grey8 with gAMA changed: %u %u %u",
          img.data ? img.data[0] : 0, img.data ? img.data[1] : 0, img.data ? img.data[2] : 0);
    segtex_image_free(&img);

    static const png_color pal[2] = {{10, 20, 30}, {200, 100, 50}};
    static const png_byte trns[2] = {255, 64};
    png_byte idx[1] = {0x40}; /* 1-bit palette indices, first pixel in the top bit: 0, 1 */
    rows[0] = idx;
    path = tmp_path("pal.png");
    CHECK(write_png_file(path, 2, 1, 1, PNG_COLOR_TYPE_PALETTE, rows, 0, pal, 2, trns, 2) == 0, "w");
    CHECK(segtex_image_load(path, 0, &img) == SEGTEX_OK && img.channels == 4, "palette+tRNS");
    static const uint8_t want_pal[8] = {10, 20, 30, 255, 200, 100, 50, 64};
    CHECK(img.data && !memcmp(img.data, want_pal, 8), "palette decoded wrong");
    segtex_image_free(&img);

    png_byte g4[1] = {0xF3}; /* two 4-bit pixels: 15, 3 -> 255, 51 */
    rows[0] = g4;
    path = tmp_path("grey4.png");
    CHECK(write_png_file(path, 2, 1, 4, PNG_COLOR_TYPE_GRAY, rows, 0, NULL, 0, NULL, 0) == 0, "w");
    CHECK(segtex_image_load(path, 0, &img) == SEGTEX_OK && img.channels == 1, "grey4");
    CHECK(img.data && img.data[0] == 255 && img.data[1] == 51, "grey4 -> %u %u",
          img.data ? img.data[0] : 0, img.data ? img.data[1] : 0);
    segtex_image_free(&img);
}

/* A PNG that is a signature, an IHDR of the given size and an empty IDAT (enough to be refused). */
static size_t png_header(uint8_t *out, uint32_t w, uint32_t h)
{
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    memcpy(out, sig, 8);
    uint8_t *c = out + 8;
    uint32_t vals[2] = {w, h};
    c[0] = c[1] = c[2] = 0, c[3] = 13;
    memcpy(c + 4, "IHDR", 4);
    for (int i = 0; i < 2; i++)
        for (int b = 0; b < 4; b++)
            c[8 + 4 * i + b] = (uint8_t)(vals[i] >> (24 - 8 * b));
    c[16] = 8, c[17] = 2, c[18] = c[19] = c[20] = 0;
    uLong crc = crc32(0, c + 4, 17);
    for (int b = 0; b < 4; b++)
        c[21 + b] = (uint8_t)(crc >> (24 - 8 * b));
    uint8_t *d = c + 25;
    d[0] = d[1] = d[2] = d[3] = 0;
    memcpy(d + 4, "IDAT", 4);
    crc = crc32(0, d + 4, 4);
    for (int b = 0; b < 4; b++)
        d[8 + b] = (uint8_t)(crc >> (24 - 8 * b));
    return 8 + 25 + 12;
}

static void test_png_size_messages(void)
{
    uint8_t buf[64];
    segtex_image img;
    segtex_set_log(test_log_capture, NULL, SEGTEX_LOG_WARNING);
    test_log_reset();
    size_t n = png_header(buf, 6000, 6000);
    CHECK(segtex_image_decode(buf, n, "big.png", 0, &img) == SEGTEX_ERROR_MALFORMED, "6000x6000");
    CHECK(test_log.errors == 1 && strstr(test_log.line, "36000000 pixels") &&
              strstr(test_log.line, "33554432") && !strstr(test_log.line, "per side"),
          "6000x6000: '%s'", test_log.line);
    test_log_reset();
    n = png_header(buf, 20000, 10);
    CHECK(segtex_image_decode(buf, n, "wide.png", 0, &img) == SEGTEX_ERROR_MALFORMED, "20000x10");
    CHECK(test_log.errors == 1 && strstr(test_log.line, "1..16384 per side"), "20000x10: '%s'",
          test_log.line);
    test_log_reset();
    n = png_header(buf, 64, 64); /* no pixel data: truncated */
    CHECK(segtex_image_decode(buf, n, "cut.png", 0, &img) == SEGTEX_ERROR_MALFORMED, "truncated");
    CHECK(test_log.errors == 1 && strstr(test_log.line, "cut.png"), "truncated: %d lines, '%s'",
          test_log.errors, test_log.line);
    /* A text chunk before the pixels declaring 2 GB (a fuzzer's find: libpng allocated and cleared it all,
     * 7.6 s and 2 GB before "truncated"): refused at its header, at once, in one line. */
    test_log_reset();
    n = png_header(buf, 64, 64) - 12; /* drop the empty IDAT */
    static const uint8_t text[8] = {0x7f, 0x00, 0x00, 0x2c, 't', 'E', 'X', 't'};
    memcpy(buf + n, text, 8);
    memset(buf + n + 8, 'a', 16);
    double t0 = segtex_now();
    CHECK(segtex_image_decode(buf, n + 24, "huge-text.png", 0, &img) == SEGTEX_ERROR_MALFORMED, "2 GB chunk");
    double dt = segtex_now() - t0;
    CHECK(test_log.errors == 1 && strstr(test_log.line, "huge-text.png"), "2 GB chunk: %d lines, '%s'",
          test_log.errors, test_log.line);
    printf("info: a PNG chunk declaring 2 GB refused in %.3f ms\n", dt * 1e3);
}

/* ---- full disks, read-only folders, /dev/full ---------------------------------------- */

/* Mount a tmpfs at `dir` with `opts`; 0, or -1 after printing why the test is skipped. */
static int mount_tmpfs(const char *dir, const char *opts, unsigned long flags)
{
    mkdir(dir, 0777);
    if (mount("tmpfs", dir, "tmpfs", flags, opts) != 0) {
        printf("  skip: cannot mount a tmpfs at %s (%s)\n", dir, strerror(errno));
        return -1;
    }
    return 0;
}

static void unmount(const char *dir)
{
    if (umount2(dir, MNT_DETACH) != 0)
        fprintf(stderr, "cannot unmount %s: %s\n", dir, strerror(errno));
}

/*
 * PNG frames onto a 300 KB disk: the frame that does not fit fails with one
 * line naming its file and what is complete; its partial file is gone, the
 * earlier ones are whole; later writes and close fail silently.
 */
static void test_png_sink_full_disk(void)
{
    const char *dir = tmp_path("full");
    if (mount_tmpfs(dir, "size=300k", 0) != 0)
        return;
    enum { W = 160, H = 120 }; /* noise: about 58 KB a file, about 5 fit */
    char target[600], path[600];
    snprintf(target, sizeof target, "%s/f%%03d.png", dir);
    segtex_sink_options so = {.target = target, .width = W, .height = H, .fps = 30};
    segtex_sink *sink = NULL;
    segtex_set_log(test_log_capture, NULL, SEGTEX_LOG_WARNING);
    test_log_reset();
    CHECK(segtex_sink_open(&so, &sink) == SEGTEX_OK, "open");
    segtex_image img, got;
    segtex_image_alloc(&img, W, H, 3);
    int failed_at = 0;
    for (int i = 1; sink && i <= 20 && !failed_at; i++) {
        fill_noise(&img, (uint32_t)i);
        segtex_status st = segtex_sink_write(sink, &img, i / 30.0);
        if (st != SEGTEX_OK) {
            CHECK(st < 0, "write %d returned %d", i, st);
            failed_at = i;
        }
    }
    CHECK(failed_at > 1 && failed_at < 20, "the disk never filled (%d)", failed_at);
    CHECK(test_log.errors == 1, "%d error lines", test_log.errors);
    snprintf(path, sizeof path, "%s/f%03d.png", dir, failed_at);
    CHECK(strstr(test_log.line, path) && strstr(test_log.line, "No space left") &&
              strstr(test_log.line, "complete"),
          "'%s'", test_log.line);
    CHECK(!exists(path), "partial file %s left behind", path);
    CHECK(segtex_sink_write(sink, &img, 1.0) < 0, "a write after the failure succeeded");
    CHECK(segtex_sink_close(sink) < 0, "close after a lost frame returned success");
    CHECK(test_log.errors == 1, "%d error lines after close", test_log.errors);
    for (int i = 1; i < failed_at; i++) {
        snprintf(path, sizeof path, "%s/f%03d.png", dir, i);
        fill_noise(&img, (uint32_t)i);
        CHECK(segtex_image_load(path, 3, &got) == SEGTEX_OK && same_pixels(&img, &got),
              "frame %d not whole", i);
        segtex_image_free(&got);
    }

    /* segtex_image_save_png on the same full disk: one line, nothing left. */
    segtex_image big;
    segtex_image_alloc(&big, 400, 400, 3);
    fill_noise(&big, 99);
    snprintf(path, sizeof path, "%s/big.png", dir);
    test_log_reset();
    CHECK(segtex_image_save_png(path, &big) == SEGTEX_ERROR_IO, "save onto a full disk");
    CHECK(test_log.errors == 1 && strstr(test_log.line, path), "'%s'", test_log.line);
    CHECK(!exists(path), "partial %s left", path);
    segtex_image_free(&big);
    segtex_image_free(&img);
    unmount(dir);
}

/* An MP4 onto a full disk: one line, a negative status, and no unplayable file left. */
static void test_video_sink_full_disk(void)
{
    const char *dir = tmp_path("full_mp4");
    if (mount_tmpfs(dir, "size=300k", 0) != 0)
        return;
    enum { W = 320, H = 240, N = 120 };
    char target[600];
    snprintf(target, sizeof target, "%s/out.mp4", dir);
    segtex_sink_options so = {.target = target, .width = W, .height = H, .fps = 30};
    segtex_sink *sink = NULL;
    segtex_set_log(test_log_capture, NULL, SEGTEX_LOG_WARNING);
    test_log_reset();
    CHECK(segtex_sink_open(&so, &sink) == SEGTEX_OK, "open");
    segtex_image img;
    segtex_image_alloc(&img, W, H, 3);
    segtex_status st = SEGTEX_OK;
    int i;
    for (i = 0; sink && i < N && st == SEGTEX_OK; i++) {
        fill_noise(&img, (uint32_t)i + 1);
        st = segtex_sink_write(sink, &img, i / 30.0);
    }
    segtex_status cst = segtex_sink_close(sink);
    CHECK(st < 0 || cst < 0, "%d noise frames fit in 300 KB (write %d, close %d)", i, st, cst);
    CHECK(test_log.errors == 1, "%d error lines, last '%s'", test_log.errors, test_log.line);
    CHECK(strstr(test_log.line, target) && strstr(test_log.line, "removed"), "'%s'",
          test_log.line);
    CHECK(!exists(target), "unfinished %s left behind", target);
    printf("  %s\n", test_log.line);
    segtex_image_free(&img);
    unmount(dir);
}

/* PNG frames into a read-only folder: refused at open, one line naming the folder. */
static void test_png_sink_read_only_folder(void)
{
    const char *dir = tmp_path("ro");
    if (mount_tmpfs(dir, "size=64k", MS_RDONLY) != 0)
        return;
    char target[600];
    snprintf(target, sizeof target, "%s/%%05d.png", dir);
    segtex_sink_options so = {.target = target, .width = 8, .height = 8, .fps = 30};
    segtex_sink *sink = (segtex_sink *)1;
    segtex_set_log(test_log_capture, NULL, SEGTEX_LOG_WARNING);
    test_log_reset();
    CHECK(segtex_sink_open(&so, &sink) == SEGTEX_ERROR_IO && sink == NULL, "opened");
    CHECK(test_log.errors == 1 && strstr(test_log.line, "cannot write into folder") &&
              strstr(test_log.line, dir),
          "'%s'", test_log.line);
    unmount(dir);
}

/* Raw frames onto /dev/full: an error naming stdout and the lost frame; close fails too, silently. */
static void test_raw_sink_dev_full(void)
{
    int fd = open("/dev/full", O_WRONLY);
    if (fd < 0) {
        printf("  skip: no /dev/full\n");
        return;
    }
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    dup2(fd, STDOUT_FILENO);
    close(fd);
    segtex_sink_options so = {.target = "-", .width = 16, .height = 16, .fps = 30};
    segtex_sink *sink = NULL;
    segtex_set_log(test_log_capture, NULL, SEGTEX_LOG_WARNING);
    test_log_reset();
    segtex_status open_st = segtex_sink_open(&so, &sink);
    segtex_image img;
    segtex_image_alloc(&img, 16, 16, 3);
    segtex_status w1 = sink ? segtex_sink_write(sink, &img, 0) : SEGTEX_ERROR_INTERNAL;
    segtex_status w2 = sink ? segtex_sink_write(sink, &img, 0.1) : SEGTEX_ERROR_INTERNAL;
    segtex_status c = segtex_sink_close(sink);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    CHECK(open_st == SEGTEX_OK, "open");
    CHECK(w1 == SEGTEX_ERROR_IO && w2 == SEGTEX_ERROR_IO, "writes returned %d, %d", w1, w2);
    CHECK(c == SEGTEX_ERROR_IO, "close returned %d", c);
    CHECK(test_log.errors == 1 && strstr(test_log.line, "stdout") &&
              strstr(test_log.line, "No space left") && strstr(test_log.line, "frame 1"),
          "%d lines, '%s'", test_log.errors, test_log.line);
    segtex_image_free(&img);
}

/* ---- outputs that would overwrite ---------------------------------------------------- */

static void touch(const char *path)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs("x", f);
        fclose(f);
    }
}

static int conflict(const char *input, const char *a, const char *b, char *why, size_t n)
{
    const char *outs[2] = {a, b};
    return segtex_sink_target_conflict(input, outs, b ? 2 : 1, why, n) != SEGTEX_OK;
}

static void test_target_conflicts(void)
{
    char why[512], in[512], p1[512], p2[512];
    snprintf(in, sizeof in, "%s", tmp_path("in.mp4"));
    touch(in);
    /* Same path, another spelling, a symbolic link, a hard link. */
    CHECK(conflict(in, in, NULL, why, sizeof why) && strstr(why, "input"), "same path: '%s'", why);
    snprintf(p1, sizeof p1, "%s/./in.mp4", tmpdir);
    CHECK(conflict(in, p1, NULL, why, sizeof why), "./ spelling");
    snprintf(p1, sizeof p1, "%s", tmp_path("link.mp4"));
    CHECK(symlink(in, p1) == 0, "symlink");
    CHECK(conflict(in, p1, NULL, why, sizeof why), "symbolic link");
    snprintf(p2, sizeof p2, "%s", tmp_path("hard.mp4"));
    CHECK(link(in, p2) == 0, "link");
    CHECK(conflict(in, p2, NULL, why, sizeof why), "hard link: same inode");
    /* Two outputs that are one new file; '-' twice; both fine alone. */
    snprintf(p1, sizeof p1, "%s", tmp_path("new.mp4"));
    snprintf(p2, sizeof p2, "%s/./new.mp4", tmpdir);
    CHECK(conflict(in, p1, p2, why, sizeof why) && strstr(why, "same file"), "'%s'", why);
    CHECK(conflict(in, p1, p1, why, sizeof why) && strstr(why, "twice"), "'%s'", why);
    CHECK(conflict(in, "-", "-", why, sizeof why) && strstr(why, "stdout"), "'%s'", why);
    CHECK(!conflict(in, "-", p1, why, sizeof why) && why[0] == '\0', "'-' and a file: '%s'", why);
    CHECK(!conflict("demo:", p1, "-", why, sizeof why), "demo input");
    CHECK(!conflict(NULL, p1, NULL, why, sizeof why), "no input");
    CHECK(!conflict("-", "-", NULL, why, sizeof why), "stdin in, stdout out");
    /* Frame patterns: an output pattern naming the input's files, or a file of it. */
    snprintf(p1, sizeof p1, "%s", tmp_path("seq%03d.png"));
    touch(tmp_path("seq001.png"));
    snprintf(p2, sizeof p2, "%s/./seq%%03d.png", tmpdir);
    CHECK(conflict(p1, p2, NULL, why, sizeof why), "pattern over its own files");
    CHECK(conflict(tmp_path("seq001.png"), p1, NULL, why, sizeof why), "pattern over the input");
    snprintf(p2, sizeof p2, "%s", tmp_path("other%03d.png"));
    CHECK(!conflict(p1, p2, NULL, why, sizeof why), "other pattern: '%s'", why);
    CHECK(segtex_sink_target_conflict(in, NULL, 0, NULL, 0) == SEGTEX_OK, "no outputs");
}

/* create_folder: missing folders are made when asked, and only then. */
static void test_sink_creates_folder(void)
{
    char target[600];
    snprintf(target, sizeof target, "%s/made/deeper/out.mp4", tmpdir);
    segtex_sink_options so = {.target = target, .width = 32, .height = 32, .fps = 30};
    segtex_sink *sink = NULL;
    segtex_set_log(test_log_capture, NULL, SEGTEX_LOG_WARNING);
    test_log_reset();
    CHECK(segtex_sink_open(&so, &sink) < 0 && sink == NULL, "missing folder accepted");
    CHECK(test_log.errors == 1, "%d lines", test_log.errors);
    CHECK(!exists(tmp_path("made")), "folder created without being asked");
    so.create_folder = 1;
    CHECK(segtex_sink_open(&so, &sink) == SEGTEX_OK, "create_folder: open");
    segtex_image img;
    segtex_image_alloc(&img, 32, 32, 3);
    CHECK(sink && segtex_sink_write(sink, &img, 0) == SEGTEX_OK, "write");
    CHECK(segtex_sink_close(sink) == SEGTEX_OK, "close");
    CHECK(exists(target), "no file");
    snprintf(target, sizeof target, "%s/made2/f%%02d.png", tmpdir);
    so.target = target;
    sink = NULL;
    CHECK(segtex_sink_open(&so, &sink) == SEGTEX_OK, "create_folder: PNG frames");
    CHECK(sink && segtex_sink_write(sink, &img, 0) == SEGTEX_OK, "write");
    CHECK(segtex_sink_close(sink) == SEGTEX_OK, "close");
    CHECK(exists(tmp_path("made2/f01.png")), "no frame file");
    /* A file where a folder should be: one line. */
    touch(tmp_path("afile"));
    snprintf(target, sizeof target, "%s/afile/sub/out.mp4", tmpdir);
    so.target = target;
    test_log_reset();
    CHECK(segtex_sink_open(&so, &sink) < 0, "folder under a file");
    CHECK(test_log.errors == 1 && strstr(test_log.line, "afile"), "'%s'", test_log.line);
    segtex_image_free(&img);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "%s/segtex_iofiles_XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    segtex_set_log(test_log_capture, NULL, SEGTEX_LOG_WARNING);
    RUN(test_png_save_roundtrip);
    RUN(test_png_sink_speed_and_allocations);
    RUN(test_png_16bit_exact);
    RUN(test_png_colour_types);
    RUN(test_png_size_messages);
    RUN(test_png_sink_full_disk);
    RUN(test_video_sink_full_disk);
    RUN(test_png_sink_read_only_folder);
    RUN(test_raw_sink_dev_full);
    RUN(test_target_conflicts);
    RUN(test_sink_creates_folder);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", tmpdir);
    return test_summary();
}
