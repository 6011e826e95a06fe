/*
 * Image files: PNG through libpng's simplified API, JPEG through libjpeg.
 * This file is the only one that includes png.h / jpeglib.h.
 */
#include "segtex/io.h"
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


static int check_size(const char *name, unsigned w, unsigned h)
{
    if (w == 0 || h == 0 || w > MAX_SIDE || h > MAX_SIDE || (uint64_t)w * h > MAX_PIXELS) {
        LOG_ERROR("image '%s': size %ux%u is outside 1..%d per side", name, w, h, MAX_SIDE);
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

static segtex_status decode_png(const uint8_t *data, size_t size, const char *name, segtex_image *out)
{
    png_image pi;
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&pi, data, size)) {
        LOG_ERROR("image '%s': bad PNG: %s", name, pi.message);
        png_image_free(&pi);
        return SEGTEX_ERROR_MALFORMED;
    }
    if (!check_size(name, pi.width, pi.height)) {
        png_image_free(&pi);
        return SEGTEX_ERROR_MALFORMED;
    }
    int channels;
    if (pi.format & PNG_FORMAT_FLAG_ALPHA) {
        channels = 4;
        pi.format = PNG_FORMAT_RGBA;
    } else if (pi.format & PNG_FORMAT_FLAG_COLOR) {
        channels = 3;
        pi.format = PNG_FORMAT_RGB;
    } else {
        channels = 1;
        pi.format = PNG_FORMAT_GRAY;
    }
    segtex_status st = segtex_image_alloc(out, (int)pi.width, (int)pi.height, channels);
    if (st) {
        png_image_free(&pi);
        return st;
    }
    if (!png_image_finish_read(&pi, NULL, out->data, (png_int_32)out->stride, NULL)) {
        LOG_ERROR("image '%s': bad PNG data: %s", name, pi.message);
        png_image_free(&pi);
        segtex_image_free(out);
        return SEGTEX_ERROR_MALFORMED;
    }
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
    LOG_ERROR("image '%s': bad JPEG: %s", e->name, msg);
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
        LOG_ERROR("image '%s': JPEG with %d components is not supported", name, channels);
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
        LOG_ERROR("image '%s': cannot convert to %d channels", name, channels);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    segtex_status st;
    static const uint8_t png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (size >= 8 && !memcmp(data, png_sig, 8)) {
        st = decode_png(data, size, name, out);
    } else if (size >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff) {
        st = decode_jpeg(data, size, name, out);
    } else {
        LOG_ERROR("image '%s': not a PNG or JPEG file", name);
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
        LOG_ERROR("image '%s': cannot open: %s", path, strerror(errno));
        return SEGTEX_ERROR_IO;
    }
    uint8_t *buf = NULL;
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    if (size < 0 || size > (1L << 30) || fseek(f, 0, SEEK_SET) != 0) {
        LOG_ERROR("image '%s': cannot read (size %ld)", path, size);
        fclose(f);
        return SEGTEX_ERROR_IO;
    }
    buf = segtex_malloc((size_t)size);
    if (!buf) {
        fclose(f);
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    }
    if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
        LOG_ERROR("image '%s': short read", path);
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
        (img->channels != 1 && img->channels != 3 && img->channels != 4)) {
        LOG_ERROR("image '%s': nothing valid to save", path);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    png_image pi;
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    pi.width = (png_uint_32)img->width;
    pi.height = (png_uint_32)img->height;
    pi.format = img->channels == 4 ? PNG_FORMAT_RGBA : img->channels == 3 ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
    if (!png_image_write_to_file(&pi, path, 0, img->data, (png_int_32)img->stride, NULL)) {
        LOG_ERROR("image '%s': cannot write PNG: %s", path, pi.message);
        png_image_free(&pi);
        return SEGTEX_ERROR_IO;
    }
    return SEGTEX_OK;
}
