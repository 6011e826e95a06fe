/*
 * Image files: PNG read through libpng, JPEG through libjpeg; PNG written by
 * png_write.c (zlib). This file is the only one that includes png.h /
 * jpeglib.h.
 */
#include "io/io_private.h"
#include "core/log.h"

#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
/* jpeglib.h needs stdio.h first */
#include <jpeglib.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SIDE 16384
#define MAX_PIXELS (1u << 25) /* 33.5 M pixels: 8K UHD fits; a tiny file cannot claim gigabytes */


/* Say which limit an image breaks: a side, or the pixel count (a 6000x6000 image has fine sides). */
/*
 * The level of this thread's image messages: ERROR, except inside
 * segtex_image_load_level (a texture that cannot be read is a warning for
 * its caller, who goes on without it).
 */
static _Thread_local segtex_log_level image_level = SEGTEX_LOG_ERROR;
#define IMAGE_LOG(...) segtex_logf(image_level, __VA_ARGS__)

static int check_size(const char *name, unsigned w, unsigned h)
{
    if (w == 0 || h == 0 || w > MAX_SIDE || h > MAX_SIDE) {
        IMAGE_LOG("image '%s': size %ux%u is outside 1..%d per side", name, w, h, MAX_SIDE);
        return 0;
    }
    if ((uint64_t)w * h > MAX_PIXELS) {
        IMAGE_LOG("image '%s': size %ux%u is %llu pixels, more than the %u supported", name, w, h,
                  (unsigned long long)w * h, MAX_PIXELS);
        return 0;
    }
    return 1;
}

/* Convert between 1/3/4-channel layouts in place into a new buffer. */
static segtex_status convert_channels(segtex_image *img, int channels)
{
    if (channels == 0 || channels == img->channels)
        return SEGTEX_OK;
    segtex_image dst;
    segtex_status st = segtex_image_alloc(&dst, img->width, img->height, channels);
    if (st)
        return st;
    for (int y = 0; y < img->height; y++) {
        const uint8_t *s = img->data + y * img->stride;
        uint8_t *d = dst.data + y * dst.stride;
        for (int x = 0; x < img->width; x++, s += img->channels, d += channels) {
            uint8_t r, g, b, a = 255;
            if (img->channels == 1) {
                r = g = b = s[0];
            } else {
                r = s[0], g = s[1], b = s[2];
                if (img->channels == 4)
                    a = s[3];
            }
            if (channels == 1) {
                d[0] = (uint8_t)((77 * r + 150 * g + 29 * b + 128) >> 8);
            } else {
                d[0] = r, d[1] = g, d[2] = b;
                if (channels == 4)
                    d[3] = a;
            }
        }
    }
    segtex_image_free(img);
    *img = dst;
    return SEGTEX_OK;
}

/*
 * PNG through libpng's full API, so that no colour management happens:
 * samples are taken as stored. (The simplified API treats 16-bit files as
 * linear light and converts them to sRGB, which turned a 16-bit 16 into 72.)
 * 16-bit samples become 8-bit by rounding (v * 255 / 65535, libpng's
 * png_set_scale_16); palettes, low bit depths and tRNS are expanded;
 * grey+alpha becomes RGBA. Gamma and colour-space chunks are ignored.
 */
struct png_src {
    const uint8_t *data;
    size_t size, pos;
    const char *name;
    int logged; /* an error line was logged already */
};

static void png_read_mem(png_structp png, png_bytep out, size_t n)
{
    struct png_src *src = png_get_io_ptr(png);
    if (n > src->size - src->pos)
        png_error(png, "file truncated");
    memcpy(out, src->data + src->pos, n);
    src->pos += n;
}

static void png_fail(png_structp png, png_const_charp msg)
{
    struct png_src *src = png_get_error_ptr(png);
    if (!src->logged)
        IMAGE_LOG("image '%s': bad PNG: %s", src->name, msg);
    src->logged = 1;
    png_longjmp(png, 1);
}

static void png_warn(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg; /* benign (unknown chunk, bad CRC in an ancillary chunk): keep the pixels */
}

/*
 * Every chunk's declared length against what is left of the buffer, before libpng sees it: libpng allocates
 * and clears an ancillary chunk (text, an ICC profile) at whatever length it declares, up to 2 GB, and only
 * then finds the file too short (its limit on chunk sizes is a warning when reading). 1: all fit up to IEND
 * or the end of the buffer.
 */
static int png_chunks_fit(const uint8_t *data, size_t size, const char *name)
{
    size_t pos = 8; /* the signature (libpng checks it) */
    while (size - pos >= 8) {
        uint32_t len = (uint32_t)data[pos] << 24 | (uint32_t)data[pos + 1] << 16 | (uint32_t)data[pos + 2] << 8 |
                       data[pos + 3];
        char type[5] = {0};
        for (int i = 0; i < 4; i++) {
            uint8_t c = data[pos + 4 + i];
            type[i] = (char)((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ? c : '?');
        }
        if (len > size - pos - 8 || size - pos - 8 - len < 4) {
            IMAGE_LOG("image '%s': bad PNG: chunk '%s' at byte %zu declares %u bytes, the file has %zu left", name,
                      type, pos, len, size - pos - 8);
            return 0;
        }
        if (!memcmp(data + pos + 4, "IEND", 4))
            break;
        pos += (size_t)len + 12;
    }
    return 1;
}

static segtex_status decode_png(const uint8_t *data, size_t size, const char *name, segtex_image *out)
{
    memset(out, 0, sizeof *out);
    if (size > 8 && !png_chunks_fit(data, size, name))
        return SEGTEX_ERROR_MALFORMED;
    struct png_src src = {data, size, 0, name, 0};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, png_fail, png_warn);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    /* `volatile`: modified between setjmp and longjmp. */
    png_bytep *volatile rows = NULL;
    segtex_status volatile st = SEGTEX_ERROR_MALFORMED;
    if (!png || !info) {
        png_destroy_read_struct(png ? &png : NULL, NULL, NULL);
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    }
    if (setjmp(png_jmpbuf(png))) {
        segtex_free(rows);
        segtex_image_free(out);
        png_destroy_read_struct(&png, &info, NULL);
        return st;
    }
    png_set_read_fn(png, &src, png_read_mem);
    png_read_info(png, info);
    png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    if (!check_size(name, w, h)) {
        png_destroy_read_struct(&png, &info, NULL);
        return SEGTEX_ERROR_MALFORMED;
    }
    int type = png_get_color_type(png, info);
    int trns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;
    int channels = (type & PNG_COLOR_MASK_ALPHA) || trns ? 4
                   : (type & PNG_COLOR_MASK_COLOR) || type == PNG_COLOR_TYPE_PALETTE ? 3
                                                                                     : 1;
    png_set_scale_16(png);
    png_set_expand(png); /* palette -> RGB, grey below 8 bits -> 8 bits, tRNS -> alpha */
    if (channels == 4 && !(type & PNG_COLOR_MASK_COLOR))
        png_set_gray_to_rgb(png);
    (void)png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_channels(png, info) != channels || png_get_bit_depth(png, info) != 8) {
        IMAGE_LOG("image '%s': PNG colour type %d with bit depth %d is not supported", name, type,
                  png_get_bit_depth(png, info));
        png_destroy_read_struct(&png, &info, NULL);
        return SEGTEX_ERROR_UNSUPPORTED;
    }
    st = segtex_image_alloc(out, (int)w, (int)h, channels);
    if (st == SEGTEX_OK) {
        rows = segtex_malloc(sizeof *rows * h);
        if (!rows) {
            segtex_image_free(out);
            st = SEGTEX_ERROR_OUT_OF_MEMORY;
        }
    }
    if (st != SEGTEX_OK) {
        png_destroy_read_struct(&png, &info, NULL);
        return st;
    }
    st = SEGTEX_ERROR_MALFORMED; /* what a longjmp from here on means */
    for (png_uint_32 y = 0; y < h; y++)
        rows[y] = out->data + (ptrdiff_t)y * out->stride;
    png_read_image(png, rows);
    /* The end chunks are not read: a file cut after its pixel data still decodes. */
    segtex_free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    return SEGTEX_OK;
}

struct jpeg_err {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
    const char *name;
};

static void jpeg_fail(j_common_ptr cinfo)
{
    struct jpeg_err *e = (struct jpeg_err *)cinfo->err;
    char msg[JMSG_LENGTH_MAX];
    e->mgr.format_message(cinfo, msg);
    IMAGE_LOG("image '%s': bad JPEG: %s", e->name, msg);
    longjmp(e->jump, 1);
}

static void jpeg_quiet(j_common_ptr cinfo, int level)
{
    (void)cinfo;
    (void)level; /* corrupt-data warnings: the decoder recovers; we keep the pixels */
}

static segtex_status decode_jpeg(const uint8_t *data, size_t size, const char *name, segtex_image *out)
{
    struct jpeg_decompress_struct cinfo;
    struct jpeg_err err;
    /* `volatile`: modified between setjmp and longjmp. */
    segtex_image *volatile result = out;
    memset(out, 0, sizeof *out);
    cinfo.err = jpeg_std_error(&err.mgr);
    err.mgr.error_exit = jpeg_fail;
    err.mgr.emit_message = jpeg_quiet;
    err.name = name;
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        segtex_image_free(result);
        return SEGTEX_ERROR_MALFORMED;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    if (!check_size(name, cinfo.image_width, cinfo.image_height)) {
        jpeg_destroy_decompress(&cinfo);
        return SEGTEX_ERROR_MALFORMED;
    }
    cinfo.out_color_space = cinfo.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&cinfo);
    int channels = cinfo.output_components;
    if (channels != 1 && channels != 3) {
        IMAGE_LOG("image '%s': JPEG with %d components is not supported", name, channels);
        jpeg_destroy_decompress(&cinfo);
        return SEGTEX_ERROR_UNSUPPORTED;
    }
    segtex_status st = segtex_image_alloc(out, (int)cinfo.output_width, (int)cinfo.output_height, channels);
    if (st) {
        jpeg_destroy_decompress(&cinfo);
        return st;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = out->data + (ptrdiff_t)cinfo.output_scanline * out->stride;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return SEGTEX_OK;
}

segtex_status segtex_image_decode(const uint8_t *data, size_t size, const char *name, int channels,
                                  segtex_image *out)
{
    memset(out, 0, sizeof *out);
    if (channels != 0 && channels != 1 && channels != 3 && channels != 4) {
        IMAGE_LOG("image '%s': cannot convert to %d channels", name, channels);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    segtex_status st;
    static const uint8_t png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (size >= 8 && !memcmp(data, png_sig, 8)) {
        st = decode_png(data, size, name, out);
    } else if (size >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff) {
        st = decode_jpeg(data, size, name, out);
    } else {
        IMAGE_LOG("image '%s': not a PNG or JPEG file", name);
        return SEGTEX_ERROR_UNSUPPORTED;
    }
    if (st == SEGTEX_OK)
        st = convert_channels(out, channels);
    if (st)
        segtex_image_free(out);
    return st;
}

segtex_status segtex_image_load(const char *path, int channels, segtex_image *out)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) {
        IMAGE_LOG("image '%s': cannot open: %s", path, strerror(errno));
        return SEGTEX_ERROR_IO;
    }
    uint8_t *buf = NULL;
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    if (size < 0 || size > (1L << 30) || fseek(f, 0, SEEK_SET) != 0) {
        IMAGE_LOG("image '%s': cannot read (size %ld)", path, size);
        fclose(f);
        return SEGTEX_ERROR_IO;
    }
    buf = segtex_malloc((size_t)size);
    if (!buf) {
        fclose(f);
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    }
    if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
        IMAGE_LOG("image '%s': short read", path);
        segtex_free(buf);
        fclose(f);
        return SEGTEX_ERROR_IO;
    }
    fclose(f);
    segtex_status st = segtex_image_decode(buf, (size_t)size, path, channels, out);
    segtex_free(buf);
    return st;
}

segtex_status segtex_image_save_png(const char *path, const segtex_image *img)
{
    if (!img || !img->data || img->width <= 0 || img->height <= 0 ||
        (img->channels != 1 && img->channels != 3 && img->channels != 4) ||
        img->stride < (ptrdiff_t)img->width * img->channels) {
        IMAGE_LOG("image '%s': nothing valid to save", path);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    io_png_writer *w;
    segtex_status st = io_png_writer_create(img->width * img->channels, &w);
    if (st != SEGTEX_OK) {
        IMAGE_LOG("image '%s': cannot write PNG: out of memory", path);
        return st;
    }
    st = io_png_write(w, path, img);
    if (st != SEGTEX_OK)
        IMAGE_LOG("image '%s': cannot write PNG: %s", path, io_png_writer_error(w));
    io_png_writer_free(w);
    return st;
}

segtex_status segtex_image_load_level(const char *path, int channels, segtex_log_level level, segtex_image *out)
{
    segtex_log_level saved = image_level;
    image_level = level;
    segtex_status st = segtex_image_load(path, channels, out);
    image_level = saved;
    return st;
}
