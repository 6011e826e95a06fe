/*
 * Video sources and sinks: encode/decode round trips per container, PNG
 * sequences, raw stdout, stills, resolution changes, and every error path a
 * user can hit (missing file, garbage, absent camera, unknown extension,
 * missing folder, a reader that goes away).
 */
#define _GNU_SOURCE
#include "harness.h"
#include "segtex/io.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[256];

static const char *tmp_path(const char *name)
{
    static char path[4][512];
    static int slot;
    slot = (slot + 1) % 4;
    snprintf(path[slot], sizeof path[slot], "%s/%s", tmpdir, name);
    return path[slot];
}

/* ---- log capture: each failure must log exactly one clear line ---------------- */

static int log_errors;
static char log_last[1024];

static void capture_log(void *user, segtex_log_level level, const char *message)
{
    (void)user;
    if (level == SEGTEX_LOG_ERROR) {
        log_errors++;
        snprintf(log_last, sizeof log_last, "%s", message);
    }
}

static void log_reset(void)
{
    log_errors = 0;
    log_last[0] = '\0';
}

/* ---- a synthetic, frame-dependent, compressible pattern ------------------------- */

static uint8_t clamp_u8(double v) { return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)(v + 0.5); }

static void draw_pattern(segtex_image *img, int i)
{
    for (int y = 0; y < img->height; y++) {
        uint8_t *row = img->data + y * img->stride;
        for (int x = 0; x < img->width; x++) {
            row[3 * x + 0] = clamp_u8(128 + 100 * sin((x + 13.0 * i) / 14.0));
            row[3 * x + 1] = clamp_u8(128 + 100 * cos((y - 9.0 * i) / 11.0));
            row[3 * x + 2] = clamp_u8((x + y) * 0.6 + 12.0 * (i % 8));
        }
    }
}

/* Mean absolute difference per channel (the worst of the three). */
static double mean_abs_error(const segtex_image *a, const segtex_image *b)
{
    double sum[3] = {0, 0, 0};
    for (int y = 0; y < a->height; y++)
        for (int x = 0; x < a->width * 3; x++)
            sum[x % 3] += fabs((double)a->data[y * a->stride + x] - b->data[y * b->stride + x]);
    double n = (double)a->width * a->height, worst = 0;
    for (int c = 0; c < 3; c++)
        worst = fmax(worst, sum[c] / n);
    return worst;
}

static int images_equal(const segtex_image *a, const segtex_image *b)
{
    if (a->width != b->width || a->height != b->height)
        return 0;
    for (int y = 0; y < a->height; y++)
        if (memcmp(a->data + y * a->stride, b->data + y * b->stride, (size_t)a->width * 3))
            return 0;
    return 1;
}

static segtex_status write_pattern(const char *target, int w, int h, double fps, int n)
{
    segtex_sink_options so = {.target = target, .width = w, .height = h, .fps = fps};
    segtex_sink *sink;
    segtex_status st = segtex_sink_open(&so, &sink);
    if (st != SEGTEX_OK)
        return st;
    segtex_image img;
    segtex_image_alloc(&img, w, h, 3);
    for (int i = 0; i < n && st == SEGTEX_OK; i++) {
        draw_pattern(&img, i);
        st = segtex_sink_write(sink, &img, i / fps);
    }
    segtex_image_free(&img);
    segtex_status cst = segtex_sink_close(sink);
    return st != SEGTEX_OK ? st : cst;
}

/* ---- encoded files --------------------------------------------------------------- */

/*
 * Encode N pattern frames, decode them again: count, size, rate, timestamps
 * near i/fps and increasing, pixels close to the pattern of the same index
 * (and not to the next one: the frames are in order).
 */
static void roundtrip_container(const char *ext)
{
    enum { W = 160, H = 96, N = 20 };
    const double fps = 25.0;
    char name[64];
    snprintf(name, sizeof name, "clip.%s", ext);
    const char *path = tmp_path(name);

    segtex_sink_options so = {.target = path, .width = W, .height = H, .fps = fps};
    segtex_sink *sink = NULL;
    CHECK(segtex_sink_open(&so, &sink) == SEGTEX_OK, "%s: sink open", ext);
    if (!sink)
        return;
    printf("  %s: %s\n", ext, segtex_sink_describe(sink));
    segtex_image img, got, want;
    segtex_image_alloc(&img, W, H, 3);
    segtex_image_alloc(&want, W, H, 3);
    uint64_t allocs_before = 0;
    for (int i = 0; i < N; i++) {
        if (i == 2)
            allocs_before = segtex_alloc_count();
        draw_pattern(&img, i);
        CHECK(segtex_sink_write(sink, &img, i / fps) == SEGTEX_OK, "%s: write %d", ext, i);
    }
    CHECK(segtex_alloc_count() == allocs_before, "%s: sink writes allocated %llu times", ext,
          (unsigned long long)(segtex_alloc_count() - allocs_before));
    CHECK(segtex_sink_close(sink) == SEGTEX_OK, "%s: sink close", ext);

    segtex_source_options o = {.url = path};
    segtex_source *src = NULL;
    CHECK(segtex_source_open(&o, &src) == SEGTEX_OK, "%s: source open", ext);
    if (!src) {
        segtex_image_free(&img);
        segtex_image_free(&want);
        return;
    }
    segtex_source_info info;
    segtex_source_get_info(src, &info);
    CHECK(info.width == W && info.height == H, "%s: size %dx%d", ext, info.width, info.height);
    CHECK(fabs(info.fps - fps) < 0.01, "%s: fps %g", ext, info.fps);
    CHECK(info.live == 0, "%s: not live", ext);
    segtex_image_alloc(&got, W, H, 3);
    int frames = 0, order_ok = 1, resized = 0;
    double last = -1, worst_err = 0, worst_pts = 0;
    for (;;) {
        double pts = -1;
        if (frames == 2)
            allocs_before = segtex_alloc_count();
        int r = segtex_source_read(src, &got, &pts);
        if (r == SEGTEX_SOURCE_RESIZED) {
            resized++;
            break;
        }
        if (r != SEGTEX_SOURCE_FRAME) {
            CHECK(r == SEGTEX_SOURCE_END, "%s: read returned %d", ext, r);
            break;
        }
        if (frames > 2)
            CHECK(segtex_alloc_count() == allocs_before, "%s: read %d allocated", ext, frames);
        if (frames > 2)
            allocs_before = segtex_alloc_count();
        CHECK(pts > last, "%s: pts %g after %g", ext, pts, last);
        last = pts;
        worst_pts = fmax(worst_pts, fabs(pts - frames / fps));
        if (frames < N) {
            draw_pattern(&want, frames);
            double e = mean_abs_error(&got, &want);
            worst_err = fmax(worst_err, e);
            if (frames + 1 < N) {
                draw_pattern(&want, frames + 1);
                if (mean_abs_error(&got, &want) <= e)
                    order_ok = 0;
            }
        }
        frames++;
    }
    CHECK(resized == 0, "%s: unexpected resize", ext);
    CHECK(frames == N, "%s: decoded %d frames, wrote %d", ext, frames, N);
    CHECK(worst_pts < 0.5 / fps, "%s: pts off by %g s", ext, worst_pts);
    CHECK(worst_err < 10.0, "%s: mean abs error %.2f", ext, worst_err);
    CHECK(order_ok, "%s: decoded frames are not in the written order", ext);
    printf("  %s: %d frames, worst mean abs error %.2f, worst pts error %.4f s\n", ext, frames,
           worst_err, worst_pts);
    segtex_source_close(src);
    segtex_image_free(&img);
    segtex_image_free(&got);
    segtex_image_free(&want);
}

static void test_roundtrip_mp4(void) { roundtrip_container("mp4"); }
static void test_roundtrip_mkv(void) { roundtrip_container("mkv"); }
static void test_roundtrip_webm(void) { roundtrip_container("webm"); }
static void test_roundtrip_mov(void) { roundtrip_container("mov"); }
static void test_roundtrip_avi(void) { roundtrip_container("avi"); }

/* Frames of another size are scaled to the sink's; an odd sink size encodes one pixel less. */
static void test_sink_scales_and_rounds(void)
{
    const char *path = tmp_path("scaled.mp4");
    segtex_sink_options so = {.target = path, .width = 81, .height = 61, .fps = 30};
    segtex_sink *sink = NULL;
    CHECK(segtex_sink_open(&so, &sink) == SEGTEX_OK, "open");
    if (!sink)
        return;
    segtex_image small, big, same;
    segtex_image_alloc(&small, 40, 30, 3);
    segtex_image_alloc(&big, 200, 150, 3);
    segtex_image_alloc(&same, 81, 61, 3);
    draw_pattern(&small, 0);
    draw_pattern(&big, 1);
    draw_pattern(&same, 2);
    CHECK(segtex_sink_write(sink, &small, 0.0) == SEGTEX_OK, "small");
    CHECK(segtex_sink_write(sink, &big, 1 / 30.0) == SEGTEX_OK, "big");
    CHECK(segtex_sink_write(sink, &same, 1 / 30.0) == SEGTEX_OK, "repeated pts is bumped");
    CHECK(segtex_sink_close(sink) == SEGTEX_OK, "close");
    segtex_image_free(&small);
    segtex_image_free(&big);
    segtex_image_free(&same);

    segtex_source_options o = {.url = path};
    segtex_source *src = NULL;
    CHECK(segtex_source_open(&o, &src) == SEGTEX_OK, "reopen");
    if (!src)
        return;
    segtex_source_info info;
    segtex_source_get_info(src, &info);
    CHECK(info.width == 80 && info.height == 60, "size %dx%d, expected 80x60", info.width,
          info.height);
    segtex_image got;
    segtex_image_alloc(&got, info.width, info.height, 3);
    int n = 0;
    double pts, last = -1;
    while (segtex_source_read(src, &got, &pts) == SEGTEX_SOURCE_FRAME) {
        CHECK(pts > last, "pts %g after %g", pts, last);
        last = pts;
        n++;
    }
    CHECK(n == 3, "%d frames, expected 3", n);
    segtex_image_free(&got);
    segtex_source_close(src);
}

/* ---- PNG frames ------------------------------------------------------------------- */

static void test_png_sequence_roundtrip(void)
{
    enum { W = 37, H = 23, N = 5 }; /* odd sizes: PNG is exact at any size */
    const char *dir = tmp_path("png");
    mkdir(dir, 0755);
    char pattern[600];
    snprintf(pattern, sizeof pattern, "%s/f%%03d.png", dir);
    CHECK(write_pattern(pattern, W, H, 10, N) == SEGTEX_OK, "write %s", pattern);
    char first[600], past[600];
    snprintf(first, sizeof first, "%s/f001.png", dir);
    snprintf(past, sizeof past, "%s/f%03d.png", dir, N + 1);
    CHECK(access(first, R_OK) == 0, "numbering starts at 1: %s", first);
    CHECK(access(past, R_OK) != 0, "no extra file %s", past);

    segtex_source_options o = {.url = pattern, .still_fps = 10};
    segtex_source *src = NULL;
    CHECK(segtex_source_open(&o, &src) == SEGTEX_OK, "open sequence");
    if (!src)
        return;
    segtex_source_info info;
    segtex_source_get_info(src, &info);
    CHECK(info.width == W && info.height == H, "size %dx%d", info.width, info.height);
    CHECK(fabs(info.fps - 10) < 1e-6, "fps %g", info.fps);
    segtex_image got, want;
    segtex_image_alloc(&got, W, H, 3);
    segtex_image_alloc(&want, W, H, 3);
    int n = 0, exact = 1;
    double pts;
    int r;
    while ((r = segtex_source_read(src, &got, &pts)) == SEGTEX_SOURCE_FRAME) {
        draw_pattern(&want, n);
        exact &= images_equal(&got, &want);
        CHECK_NEAR(pts, n / 10.0, 1e-6);
        n++;
    }
    CHECK(r == SEGTEX_SOURCE_END, "ends with %d", r);
    CHECK(n == N, "%d frames read, %d written", n, N);
    CHECK(exact, "PNG frames differ from what was written");
    segtex_image_free(&got);
    segtex_image_free(&want);
    segtex_source_close(src);
}

static void test_png_sink_rejects_missing_folder(void)
{
    segtex_sink_options so = {.target = tmp_path("no/such/dir/%05d.png"), .width = 8,
                              .height = 8, .fps = 30};
    segtex_sink *sink = (segtex_sink *)1;
    log_reset();
    segtex_status st = segtex_sink_open(&so, &sink);
    CHECK(st < 0 && sink == NULL, "missing folder accepted (%d)", st);
    CHECK(log_errors == 1 && strstr(log_last, "does not exist"), "%d lines, last '%s'",
          log_errors, log_last);

    so.target = tmp_path("x%05d.jpg");
    log_reset();
    CHECK(segtex_sink_open(&so, &sink) < 0, "JPEG pattern accepted");
    CHECK(log_errors == 1 && strstr(log_last, "PNG"), "'%s'", log_last);

    so.target = tmp_path("x%s.png");
    log_reset();
    CHECK(segtex_sink_open(&so, &sink) < 0, "%%s pattern accepted");
    CHECK(log_errors == 1, "%d lines", log_errors);
}

/* ---- raw stdout ------------------------------------------------------------------- */

static void test_raw_stdout(void)
{
    enum { W = 33, H = 17, N = 4 };
    const char *path = tmp_path("raw.rgb");
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, STDOUT_FILENO);
    close(fd);

    segtex_sink_options so = {.target = "-", .width = W, .height = H, .fps = 30};
    segtex_sink *sink = NULL;
    segtex_status open_st = segtex_sink_open(&so, &sink);
    segtex_image img, other;
    segtex_image_alloc(&img, W, H, 3);
    segtex_image_alloc(&other, 50, 40, 3); /* scaled to WxH */
    int writes_ok = 1;
    for (int i = 0; sink && i < N; i++) {
        draw_pattern(&img, i);
        writes_ok &= segtex_sink_write(sink, &img, i / 30.0) == SEGTEX_OK;
    }
    if (sink)
        writes_ok &= segtex_sink_write(sink, &other, N / 30.0) == SEGTEX_OK;
    segtex_status close_st = segtex_sink_close(sink);
    dup2(saved, STDOUT_FILENO);
    close(saved);

    CHECK(open_st == SEGTEX_OK && writes_ok && close_st == SEGTEX_OK, "raw sink failed");
    struct stat sb;
    CHECK(stat(path, &sb) == 0 && sb.st_size == (off_t)(N + 1) * W * H * 3,
          "%lld bytes, expected %d", (long long)sb.st_size, (N + 1) * W * H * 3);
    FILE *f = fopen(path, "rb");
    int same = f != NULL;
    for (int i = 0; f && i < N; i++) {
        draw_pattern(&img, i);
        uint8_t buf[W * H * 3];
        same &= fread(buf, 1, sizeof buf, f) == sizeof buf && !memcmp(buf, img.data, sizeof buf);
    }
    if (f)
        fclose(f);
    CHECK(same, "raw bytes differ from the frames written");
    segtex_image_free(&img);
    segtex_image_free(&other);
}

/*
 * A reader that goes away (`| head -c 1000`): a quiet stop, not an error
 * (see SEGTEX_SINK_STOPPED), sticky, and close still frees and succeeds.
 */
static void test_raw_stdout_broken_pipe(void)
{
    int p[2];
    if (pipe(p) != 0)
        return;
    close(p[0]);
    void (*old)(int) = signal(SIGPIPE, SIG_IGN);
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    dup2(p[1], STDOUT_FILENO);
    close(p[1]);
    segtex_sink_options so = {.target = "-", .width = 16, .height = 16, .fps = 30};
    segtex_sink *sink = NULL;
    segtex_status open_st = segtex_sink_open(&so, &sink);
    segtex_image img;
    segtex_image_alloc(&img, 16, 16, 3);
    log_reset();
    segtex_status w1 = sink ? segtex_sink_write(sink, &img, 0) : SEGTEX_ERROR_INTERNAL;
    segtex_status w2 = sink ? segtex_sink_write(sink, &img, 0.1) : SEGTEX_ERROR_INTERNAL;
    segtex_status c = segtex_sink_close(sink);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    signal(SIGPIPE, old);
    CHECK(open_st == SEGTEX_OK, "open");
    CHECK(w1 == SEGTEX_SINK_STOPPED && w2 == SEGTEX_SINK_STOPPED, "writes returned %d, %d", w1,
          w2);
    CHECK(log_errors == 0, "%d error lines, '%s'", log_errors, log_last);
    CHECK(c == SEGTEX_OK, "close %d", c);
    segtex_image_free(&img);
}

/* ---- stills and resolution changes ------------------------------------------------ */

static void test_still_image_source(void)
{
    const char *path = test_asset("astronaut.png");
    CHECK(path != NULL, "astronaut.png missing from SEGTEX_ASSETS");
    if (!path)
        return;
    segtex_image ref;
    CHECK(segtex_image_load(path, 3, &ref) == SEGTEX_OK, "load");
    segtex_source_options o = {.url = path, .still_frames = 4, .still_fps = 8};
    segtex_source *src = NULL;
    CHECK(segtex_source_open(&o, &src) == SEGTEX_OK, "open still");
    if (!src) {
        segtex_image_free(&ref);
        return;
    }
    segtex_source_info info;
    segtex_source_get_info(src, &info);
    CHECK(info.width == ref.width && info.height == ref.height && info.frames == 4 &&
              info.fps == 8 && info.live == 0,
          "info %dx%d frames %lld fps %g", info.width, info.height, (long long)info.frames,
          info.fps);
    segtex_image got;
    segtex_image_alloc(&got, info.width, info.height, 3);
    int n = 0, r;
    double pts;
    while ((r = segtex_source_read(src, &got, &pts)) == SEGTEX_SOURCE_FRAME) {
        CHECK(images_equal(&got, &ref), "frame %d differs from the image", n);
        CHECK_NEAR(pts, n / 8.0, 1e-9);
        memset(got.data, 0, (size_t)got.stride * got.height);
        n++;
    }
    CHECK(r == SEGTEX_SOURCE_END && n == 4, "%d frames, then %d", n, r);
    segtex_image_free(&got);
    segtex_image_free(&ref);
    segtex_source_close(src);
}

/* Read everything; on RESIZED reallocate. Returns frames; counts resizes and where they happened. */
static int read_all_with_resizes(segtex_source *src, int *resizes, int *resize_at, int *sizes_w)
{
    segtex_source_info info;
    segtex_source_get_info(src, &info);
    segtex_image img;
    segtex_image_alloc(&img, info.width, info.height, 3);
    int n = 0, r;
    double pts, last = -1;
    *resizes = 0;
    while ((r = segtex_source_read(src, &img, &pts)) != SEGTEX_SOURCE_END) {
        if (r == SEGTEX_SOURCE_RESIZED) {
            (*resizes)++;
            *resize_at = n;
            segtex_source_get_info(src, &info);
            segtex_image_free(&img);
            segtex_image_alloc(&img, info.width, info.height, 3);
            continue;
        }
        CHECK(r == SEGTEX_SOURCE_FRAME, "read returned %d", r);
        if (r != SEGTEX_SOURCE_FRAME)
            break;
        CHECK(pts > last, "pts %g after %g", pts, last);
        last = pts;
        if (n < 64)
            sizes_w[n] = img.width;
        n++;
    }
    segtex_image_free(&img);
    return n;
}

static void test_resize_image_sequence(void)
{
    const char *dir = tmp_path("resize");
    mkdir(dir, 0755);
    segtex_image a, b;
    segtex_image_alloc(&a, 64, 48, 3);
    segtex_image_alloc(&b, 90, 70, 3);
    char path[600];
    for (int i = 0; i < 6; i++) {
        segtex_image *img = i < 3 ? &a : &b;
        draw_pattern(img, i);
        snprintf(path, sizeof path, "%s/%02d.png", dir, i + 1);
        segtex_image_save_png(path, img);
    }
    snprintf(path, sizeof path, "%s/%%02d.png", dir);
    segtex_source_options o = {.url = path, .still_fps = 5};
    segtex_source *src = NULL;
    CHECK(segtex_source_open(&o, &src) == SEGTEX_OK, "open");
    if (src) {
        int resizes = 0, at = -1, widths[64] = {0};
        int n = read_all_with_resizes(src, &resizes, &at, widths);
        CHECK(n == 6, "%d frames, expected 6", n);
        CHECK(resizes == 1 && at == 3, "%d resizes, last before frame %d", resizes, at);
        CHECK(widths[2] == 64 && widths[3] == 90, "widths %d, %d", widths[2], widths[3]);
        segtex_source_close(src);
    }
    segtex_image_free(&a);
    segtex_image_free(&b);
}

/* An encoded stream whose size changes: two MPEG-TS files, one after the other. */
static void test_resize_concatenated_ts(void)
{
    enum { N = 8 };
    const char *a = tmp_path("a.ts"), *b = tmp_path("b.ts"), *ab = tmp_path("ab.ts");
    CHECK(write_pattern(a, 96, 64, 25, N) == SEGTEX_OK, "write a");
    CHECK(write_pattern(b, 128, 80, 25, N) == SEGTEX_OK, "write b");
    FILE *out = fopen(ab, "wb");
    const char *parts[2] = {a, b};
    for (int i = 0; out && i < 2; i++) {
        FILE *in = fopen(parts[i], "rb");
        char buf[65536];
        size_t k;
        while (in && (k = fread(buf, 1, sizeof buf, in)) > 0)
            fwrite(buf, 1, k, out);
        if (in)
            fclose(in);
    }
    if (out)
        fclose(out);
    segtex_source_options o = {.url = ab};
    segtex_source *src = NULL;
    CHECK(segtex_source_open(&o, &src) == SEGTEX_OK, "open");
    if (src) {
        int resizes = 0, at = -1, widths[64] = {0};
        int n = read_all_with_resizes(src, &resizes, &at, widths);
        CHECK(n == 2 * N, "%d frames, expected %d", n, 2 * N);
        CHECK(resizes == 1 && at == N, "%d resizes, last before frame %d", resizes, at);
        CHECK(widths[N - 1] == 96 && widths[N] == 128, "widths %d, %d", widths[N - 1],
              widths[N]);
        segtex_source_close(src);
    }
}

/* ---- errors ----------------------------------------------------------------------- */

static void expect_source_error(const char *url, const char *what)
{
    segtex_source_options o = {.url = url};
    segtex_source *src = (segtex_source *)1;
    log_reset();
    segtex_status st = segtex_source_open(&o, &src);
    CHECK(st < 0, "%s: opened (%d)", what, st);
    CHECK(src == NULL, "%s: handle not cleared", what);
    CHECK(log_errors == 1, "%s: %d error lines", what, log_errors);
    CHECK(strstr(log_last, url) != NULL, "%s: message '%s' does not name the url", what,
          log_last);
    printf("  %s -> %s: %s\n", what, segtex_status_string(st), log_last);
    if (st >= 0)
        segtex_source_close(src);
}

static void test_source_errors(void)
{
    expect_source_error(tmp_path("missing.mp4"), "missing file");

    const char *garbage = tmp_path("garbage.mp4");
    FILE *f = fopen(garbage, "wb");
    uint32_t seed = 7;
    for (int i = 0; f && i < 8192; i++)
        fputc((int)(test_rand(&seed) & 0xff), f);
    if (f)
        fclose(f);
    expect_source_error(garbage, "garbage file");

    const char *text = tmp_path("notes.txt");
    f = fopen(text, "w");
    if (f) {
        fputs("this is not a video\n", f);
        fclose(f);
    }
    expect_source_error(text, "text file");

    const char *empty = tmp_path("empty.mkv");
    f = fopen(empty, "wb");
    if (f)
        fclose(f);
    expect_source_error(empty, "empty file");

    const char *png_trunc = tmp_path("trunc.png");
    f = fopen(png_trunc, "wb");
    if (f) {
        fwrite("\x89PNG\r\n\x1a\n\0\0", 1, 10, f);
        fclose(f);
    }
    expect_source_error(png_trunc, "truncated PNG");

    expect_source_error("/dev/video99", "absent camera");
    expect_source_error(tmp_path("nothing/%05d.png"), "empty image sequence");
}

static void test_sink_errors(void)
{
    segtex_sink_options so = {.width = 64, .height = 48, .fps = 30};
    segtex_sink *sink = (segtex_sink *)1;

    so.target = tmp_path("out.xyz");
    log_reset();
    CHECK(segtex_sink_open(&so, &sink) < 0 && sink == NULL, "unknown extension accepted");
    CHECK(log_errors == 1 && strstr(log_last, "'.xyz'"), "'%s'", log_last);

    so.target = tmp_path("noextension");
    log_reset();
    CHECK(segtex_sink_open(&so, &sink) < 0 && sink == NULL, "no extension accepted");
    CHECK(log_errors == 1 && strstr(log_last, "extension"), "'%s'", log_last);

    so.target = tmp_path("no/such/dir/out.mp4");
    log_reset();
    CHECK(segtex_sink_open(&so, &sink) < 0 && sink == NULL, "missing folder accepted");
    CHECK(log_errors == 1 && strstr(log_last, "out.mp4"), "'%s'", log_last);

    so.target = "/dev/video99";
    log_reset();
    CHECK(segtex_sink_open(&so, &sink) < 0 && sink == NULL, "absent V4L2 output accepted");
    CHECK(log_errors == 1 && strstr(log_last, "/dev/video99"), "'%s'", log_last);
    printf("  /dev/video99 sink: %s\n", log_last);

    so.target = tmp_path("ok.mkv");
    so.width = 0;
    log_reset();
    CHECK(segtex_sink_open(&so, &sink) == SEGTEX_ERROR_INVALID_ARGUMENT, "size 0 accepted");
    CHECK(log_errors == 1, "%d lines", log_errors);

    /* A bad frame is an error; the sink still finishes a playable file on close. */
    so.width = 64;
    so.target = tmp_path("after_error.mkv");
    CHECK(segtex_sink_open(&so, &sink) == SEGTEX_OK, "open");
    if (sink) {
        segtex_image img;
        segtex_image_alloc(&img, 64, 48, 3);
        draw_pattern(&img, 0);
        CHECK(segtex_sink_write(sink, &img, 0) == SEGTEX_OK, "first write");
        segtex_image grey = img;
        grey.channels = 1;
        log_reset();
        CHECK(segtex_sink_write(sink, &grey, 0.1) == SEGTEX_ERROR_INVALID_ARGUMENT, "grey");
        CHECK(log_errors == 1, "%d lines", log_errors);
        CHECK(segtex_sink_close(sink) == SEGTEX_OK, "close after error");
        segtex_image_free(&img);
        segtex_source_options o = {.url = so.target};
        segtex_source *src = NULL;
        CHECK(segtex_source_open(&o, &src) == SEGTEX_OK, "file after error plays");
        segtex_source_close(src);
    }
    CHECK(segtex_sink_close(NULL) == SEGTEX_OK, "close NULL");
    segtex_source_close(NULL);
}

/* A read into an image of the wrong size is refused, not written out of bounds. */
static void test_source_rejects_wrong_buffer(void)
{
    const char *path = test_asset("astronaut.png");
    if (!path)
        return;
    segtex_source_options o = {.url = path};
    segtex_source *src = NULL;
    CHECK(segtex_source_open(&o, &src) == SEGTEX_OK, "open");
    if (!src)
        return;
    segtex_image small;
    segtex_image_alloc(&small, 16, 16, 3);
    double pts;
    log_reset();
    CHECK(segtex_source_read(src, &small, &pts) == SEGTEX_ERROR_INVALID_ARGUMENT, "accepted");
    CHECK(log_errors == 1, "%d lines", log_errors);
    segtex_image_free(&small);
    segtex_source_close(src);
}

static void remove_tree(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "%s/segtex_io_XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    segtex_set_log(capture_log, NULL, SEGTEX_LOG_WARNING);
    RUN(test_roundtrip_mp4);
    RUN(test_roundtrip_mkv);
    RUN(test_roundtrip_webm);
    RUN(test_roundtrip_mov);
    RUN(test_roundtrip_avi);
    RUN(test_sink_scales_and_rounds);
    RUN(test_png_sequence_roundtrip);
    RUN(test_png_sink_rejects_missing_folder);
    RUN(test_raw_stdout);
    RUN(test_raw_stdout_broken_pipe);
    RUN(test_still_image_source);
    RUN(test_resize_image_sequence);
    RUN(test_resize_concatenated_ts);
    RUN(test_source_errors);
    RUN(test_sink_errors);
    RUN(test_source_rejects_wrong_buffer);
    remove_tree(tmpdir);
    return test_summary();
}
