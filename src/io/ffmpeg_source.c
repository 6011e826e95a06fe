/*
 * Video sources: files and URLs, V4L2 cameras (libavdevice), image sequences
 * (FFmpeg's image2 demuxer) and still images (decoded once, repeated).
 *
 * A source is used by one thread at a time; different sources are
 * independent. All allocation happens in open and when the frame size
 * changes (the scaler is rebuilt then); a steady read reuses one AVPacket,
 * one AVFrame and one SwsContext.
 */
#include "io/io_private.h"
#include "core/log.h"

#include <libavcodec/avcodec.h>
#include <libavdevice/avdevice.h>
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define MAX_SIDE 16384

/* ---- FFmpeg one-time set-up, shared with ffmpeg_sink.c ---------------------- */

/* FFmpeg's own messages are details behind ours: they go to the debug level. */
static void ffmpeg_log(void *avcl, int level, const char *fmt, va_list vl)
{
    if (level > AV_LOG_WARNING || !segtex_log_enabled(SEGTEX_LOG_DEBUG))
        return;
    char line[1024];
    int print_prefix = 1;
    av_log_format_line2(avcl, level, fmt, vl, line, sizeof line, &print_prefix);
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    if (n > 0)
        segtex_logf(SEGTEX_LOG_DEBUG, "ffmpeg: %s", line);
}

static void ffmpeg_init_once(void)
{
    avdevice_register_all();
    av_log_set_callback(ffmpeg_log);
}

void io_ffmpeg_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, ffmpeg_init_once);
}

/* ---- the source ---------------------------------------------------------------- */

struct segtex_source {
    char *url;
    segtex_source_info info;

    /* FFmpeg path (files, cameras, sequences) */
    AVFormatContext *fmt;
    AVCodecContext *dec;
    AVPacket *pkt;
    AVFrame *frame;
    int stream;
    int pending;     /* `frame` holds a decoded frame not yet delivered */
    int flushing;    /* the demuxer is exhausted; the decoder is being drained */
    int ended;       /* the decoder is drained */
    int resize_drain; /* draining before a size change; src->pkt holds the packet that changes it */
    int parsed_w, parsed_h; /* frame size the demuxer's parser saw last (0: none yet) */
    struct SwsContext *sws;
    double time_base;        /* seconds per tick of the stream */
    int64_t first_ts;        /* AV_NOPTS_VALUE until the first frame */
    double last_pts;         /* pts of the last delivered frame; -1 before the first */
    int64_t delivered;       /* frames delivered */

    /* still image path */
    segtex_image still;
    int still_count;
};

static segtex_status status_from_averror(int err)
{
    switch (err) {
    case AVERROR(ENOMEM):
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    case AVERROR_INVALIDDATA:
        return SEGTEX_ERROR_MALFORMED;
    case AVERROR_DECODER_NOT_FOUND:
    case AVERROR_DEMUXER_NOT_FOUND:
    case AVERROR_PROTOCOL_NOT_FOUND:
    case AVERROR_PATCHWELCOME:
    case AVERROR(ENOSYS):
        return SEGTEX_ERROR_UNSUPPORTED;
    default:
        return SEGTEX_ERROR_IO;
    }
}

static const char *averr(int err, char *buf, size_t size)
{
    av_strerror(err, buf, size);
    return buf;
}

void segtex_source_close(segtex_source *src)
{
    if (!src)
        return;
    sws_freeContext(src->sws);
    av_frame_free(&src->frame);
    av_packet_free(&src->pkt);
    avcodec_free_context(&src->dec);
    avformat_close_input(&src->fmt);
    segtex_image_free(&src->still);
    segtex_free(src->url);
    segtex_free(src);
}

static int is_camera(const char *url) { return strncmp(url, "/dev/video", 10) == 0; }

/* A still image is recognised by content (PNG or JPEG signature), like segtex_image_load. */
static int is_still_image(const char *url)
{
    if (strchr(url, '%'))
        return 0;
    FILE *f = fopen(url, "rb");
    if (!f)
        return 0;
    unsigned char magic[8] = {0};
    size_t n = fread(magic, 1, sizeof magic, f);
    fclose(f);
    static const unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (n == 8 && memcmp(magic, png, 8) == 0)
        return 1;
    return n >= 3 && magic[0] == 0xff && magic[1] == 0xd8 && magic[2] == 0xff;
}

static segtex_status open_still(segtex_source *src, const segtex_source_options *o)
{
    segtex_status st = segtex_image_load(src->url, 3, &src->still);
    if (st != SEGTEX_OK)
        return st; /* segtex_image_load logged the reason */
    src->still_count = o->still_frames > 0 ? o->still_frames : 1;
    src->info.width = src->still.width;
    src->info.height = src->still.height;
    src->info.fps = o->still_fps > 0 ? o->still_fps : 30.0;
    src->info.frames = src->still_count;
    src->info.live = 0;
    return SEGTEX_OK;
}

static segtex_status open_ffmpeg(segtex_source *src, const segtex_source_options *o)
{
    const char *url = src->url;
    const AVInputFormat *ifmt = NULL;
    AVDictionary *opts = NULL;
    char buf[64], err[128];
    int camera = is_camera(url);

    if (camera) {
        ifmt = av_find_input_format("video4linux2");
        if (!ifmt) {
            LOG_ERROR("source '%s': this FFmpeg build has no V4L2 input (libavdevice)", url);
            return SEGTEX_ERROR_UNSUPPORTED;
        }
        if (o->camera_width > 0 && o->camera_height > 0) {
            snprintf(buf, sizeof buf, "%dx%d", o->camera_width, o->camera_height);
            av_dict_set(&opts, "video_size", buf, 0);
        }
        if (o->camera_fps > 0) {
            snprintf(buf, sizeof buf, "%d", o->camera_fps);
            av_dict_set(&opts, "framerate", buf, 0);
        }
        if (o->camera_format && *o->camera_format)
            av_dict_set(&opts, "input_format", o->camera_format, 0);
    } else if (strchr(url, '%')) {
        ifmt = av_find_input_format("image2");
        snprintf(buf, sizeof buf, "%.6f", o->still_fps > 0 ? o->still_fps : 30.0);
        av_dict_set(&opts, "framerate", buf, 0);
    }

    int ret = avformat_open_input(&src->fmt, url, ifmt, &opts);
    av_dict_free(&opts);
    if (ret < 0) {
        LOG_ERROR("source '%s': cannot open %s: %s", url, camera ? "camera" : "input",
                  averr(ret, err, sizeof err));
        return status_from_averror(ret);
    }
    ret = avformat_find_stream_info(src->fmt, NULL);
    if (ret < 0) {
        LOG_ERROR("source '%s': cannot read stream information: %s", url,
                  averr(ret, err, sizeof err));
        return status_from_averror(ret);
    }
    const AVCodec *codec = NULL;
    ret = av_find_best_stream(src->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (ret == AVERROR_STREAM_NOT_FOUND) {
        LOG_ERROR("source '%s': no video stream (format %s)", url, src->fmt->iformat->name);
        return SEGTEX_ERROR_UNSUPPORTED;
    }
    if (ret < 0 || !codec) {
        const AVStream *st = ret >= 0 ? src->fmt->streams[ret] : NULL;
        LOG_ERROR("source '%s': no decoder for video codec %s", url,
                  st ? avcodec_get_name(st->codecpar->codec_id) : "(unknown)");
        return SEGTEX_ERROR_UNSUPPORTED;
    }
    src->stream = ret;
    AVStream *st = src->fmt->streams[ret];
    /* Only the chosen stream is demuxed. */
    for (unsigned i = 0; i < src->fmt->nb_streams; i++)
        if ((int)i != ret)
            src->fmt->streams[i]->discard = AVDISCARD_ALL;

    src->dec = avcodec_alloc_context3(codec);
    if (!src->dec)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    ret = avcodec_parameters_to_context(src->dec, st->codecpar);
    if (ret >= 0) {
        src->dec->pkt_timebase = st->time_base;
        ret = avcodec_open2(src->dec, codec, NULL);
    }
    if (ret < 0) {
        LOG_ERROR("source '%s': cannot open the %s decoder: %s", url, codec->name,
                  averr(ret, err, sizeof err));
        return status_from_averror(ret);
    }
    if (st->codecpar->width <= 0 || st->codecpar->height <= 0 ||
        st->codecpar->width > MAX_SIDE || st->codecpar->height > MAX_SIDE) {
        LOG_ERROR("source '%s': video size %dx%d is outside 1..%d per side", url,
                  st->codecpar->width, st->codecpar->height, MAX_SIDE);
        return SEGTEX_ERROR_UNSUPPORTED;
    }
    src->pkt = av_packet_alloc();
    src->frame = av_frame_alloc();
    if (!src->pkt || !src->frame)
        return SEGTEX_ERROR_OUT_OF_MEMORY;

    AVRational fr = av_guess_frame_rate(src->fmt, st, NULL);
    src->info.width = st->codecpar->width;
    src->info.height = st->codecpar->height;
    src->info.fps = fr.num > 0 && fr.den > 0 ? av_q2d(fr) : 0.0;
    src->info.frames = st->nb_frames > 0 ? st->nb_frames : -1;
    src->info.live = camera;
    src->time_base = av_q2d(st->time_base);
    src->first_ts = AV_NOPTS_VALUE;
    return SEGTEX_OK;
}

segtex_status segtex_source_open(const segtex_source_options *options, segtex_source **out)
{
    *out = NULL;
    if (!options || !options->url || !*options->url) {
        LOG_ERROR("source: no url given");
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    io_ffmpeg_init();
    segtex_source *src = segtex_calloc(1, sizeof *src);
    if (!src)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    size_t n = strlen(options->url) + 1;
    src->url = segtex_malloc(n);
    if (!src->url) {
        segtex_free(src);
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    }
    memcpy(src->url, options->url, n);
    src->last_pts = -1.0;

    segtex_status st = is_still_image(src->url) ? open_still(src, options)
                                                : open_ffmpeg(src, options);
    if (st != SEGTEX_OK) {
        if (st == SEGTEX_ERROR_OUT_OF_MEMORY)
            LOG_ERROR("source '%s': out of memory", src->url);
        segtex_source_close(src);
        return st;
    }
    *out = src;
    return SEGTEX_OK;
}

void segtex_source_get_info(const segtex_source *src, segtex_source_info *info)
{
    *info = src->info;
}

/*
 * Decoders that hold back a frame (reordering, or one frame of delay like
 * MPEG-1/2) drop it when a keyframe of another size re-initialises them
 * mid-stream (concatenated or spliced streams). So a keyframe whose size,
 * as the demuxer's parser reads it, differs from the previous one first
 * drains the decoder: no frame of the old size is lost.
 */
static int size_changes(segtex_source *src)
{
    const AVCodecParserContext *parser = av_stream_get_parser(src->fmt->streams[src->stream]);
    if (!parser || parser->width <= 0 || parser->height <= 0)
        return 0;
    int changed = src->parsed_w > 0 && (parser->width != src->parsed_w ||
                                        parser->height != src->parsed_h);
    if (changed && !(src->pkt->flags & AV_PKT_FLAG_KEY))
        return 0; /* sizes change at keyframes only: wait for it */
    src->parsed_w = parser->width;
    src->parsed_h = parser->height;
    return changed;
}

/* Send src->pkt to the decoder and release it. Damaged packets are skipped, as players do. */
static int send_held_packet(segtex_source *src)
{
    char err[128];
    int ret = avcodec_send_packet(src->dec, src->pkt);
    av_packet_unref(src->pkt);
    if (ret < 0 && ret != AVERROR(EAGAIN) && ret != AVERROR_INVALIDDATA) {
        LOG_ERROR("source '%s': decoding failed: %s", src->url, averr(ret, err, sizeof err));
        return status_from_averror(ret);
    }
    return 0;
}

/*
 * Decode into src->frame. Returns 1 with a frame, 0 at the end, or a negative
 * segtex_status (logged). Corrupt packets are skipped, as players do; a read
 * error other than the end (a camera unplugged, a network failure) ends the
 * stream with an error.
 */
static int decode_next(segtex_source *src)
{
    char err[128];
    for (;;) {
        int ret = avcodec_receive_frame(src->dec, src->frame);
        if (ret >= 0)
            return 1;
        if (ret == AVERROR_EOF && src->resize_drain) {
            /* The old size is drained: restart the decoder with the held packet. */
            src->resize_drain = 0;
            avcodec_flush_buffers(src->dec);
            ret = send_held_packet(src);
            if (ret < 0)
                return ret;
            continue;
        }
        if (ret == AVERROR_EOF) {
            src->ended = 1;
            return 0;
        }
        if (ret != AVERROR(EAGAIN)) {
            if (ret == AVERROR_INVALIDDATA)
                continue; /* a damaged frame: the decoder skipped it */
            LOG_ERROR("source '%s': decoding failed: %s", src->url, averr(ret, err, sizeof err));
            return status_from_averror(ret);
        }
        if (src->flushing) {
            /* EAGAIN while draining cannot happen; treat it as the end. */
            src->ended = 1;
            return 0;
        }
        ret = av_read_frame(src->fmt, src->pkt);
        if (ret == AVERROR_EOF) {
            src->flushing = 1;
            avcodec_send_packet(src->dec, NULL);
            continue;
        }
        if (ret < 0) {
            if (ret == AVERROR(EAGAIN))
                continue; /* non-blocking devices */
            LOG_ERROR("source '%s': reading failed: %s", src->url, averr(ret, err, sizeof err));
            return status_from_averror(ret);
        }
        if (src->pkt->stream_index != src->stream) {
            av_packet_unref(src->pkt);
            continue;
        }
        if (size_changes(src)) {
            /* Hold the packet; drain the frames of the old size first (see size_changes). */
            src->resize_drain = 1;
            avcodec_send_packet(src->dec, NULL);
            continue;
        }
        ret = send_held_packet(src);
        if (ret < 0)
            return ret;
    }
}

static int is_full_range(const AVFrame *f)
{
    switch (f->format) {
    case AV_PIX_FMT_YUVJ420P:
    case AV_PIX_FMT_YUVJ422P:
    case AV_PIX_FMT_YUVJ444P:
    case AV_PIX_FMT_YUVJ440P:
    case AV_PIX_FMT_YUVJ411P:
        return 1;
    default:
        return f->color_range == AVCOL_RANGE_JPEG;
    }
}

/* Convert src->frame (any format) to RGB24 in dst. The scaler is rebuilt only when the input changes. */
static int convert_frame(segtex_source *src, segtex_image *dst)
{
    const AVFrame *f = src->frame;
    if (f->format == AV_PIX_FMT_RGB24) {
        for (int y = 0; y < f->height; y++)
            memcpy(dst->data + y * dst->stride, f->data[0] + (ptrdiff_t)y * f->linesize[0],
                   (size_t)f->width * 3);
        return 0;
    }
    struct SwsContext *sws =
        sws_getCachedContext(src->sws, f->width, f->height, f->format, f->width, f->height,
                             AV_PIX_FMT_RGB24, SWS_BILINEAR | SWS_ACCURATE_RND, NULL, NULL, NULL);
    if (!sws) {
        src->sws = NULL;
        LOG_ERROR("source '%s': cannot convert pixel format %s to rgb24", src->url,
                  av_get_pix_fmt_name(f->format) ? av_get_pix_fmt_name(f->format) : "?");
        return SEGTEX_ERROR_UNSUPPORTED;
    }
    src->sws = sws;
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(f->format);
    if (d && !(d->flags & AV_PIX_FMT_FLAG_RGB)) {
        /* Use the matrix and range the stream declares (BT.601 when it declares none). */
        int cs = f->colorspace == AVCOL_SPC_UNSPECIFIED ? SWS_CS_DEFAULT : (int)f->colorspace;
        const int *table = sws_getCoefficients(cs);
        sws_setColorspaceDetails(sws, table, is_full_range(f), sws_getCoefficients(SWS_CS_DEFAULT),
                                 1, 0, 1 << 16, 1 << 16);
    }
    uint8_t *planes[4] = {dst->data, NULL, NULL, NULL};
    int strides[4] = {(int)dst->stride, 0, 0, 0};
    sws_scale(sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, planes, strides);
    return 0;
}

static int read_still(segtex_source *src, segtex_image *dst, double *pts)
{
    if (src->delivered >= src->still_count)
        return SEGTEX_SOURCE_END;
    for (int y = 0; y < src->still.height; y++)
        memcpy(dst->data + y * dst->stride, src->still.data + y * src->still.stride,
               (size_t)src->still.width * 3);
    if (pts)
        *pts = (double)src->delivered / src->info.fps;
    src->delivered++;
    return SEGTEX_SOURCE_FRAME;
}

int segtex_source_read(segtex_source *src, segtex_image *dst, double *pts)
{
    if (!dst || !dst->data || dst->channels != 3 || dst->width != src->info.width ||
        dst->height != src->info.height || dst->stride < (ptrdiff_t)dst->width * 3) {
        LOG_ERROR("source '%s': read needs an RGB24 image of %dx%d, got %dx%d with %d channels",
                  src->url, src->info.width, src->info.height, dst ? dst->width : 0,
                  dst ? dst->height : 0, dst ? dst->channels : 0);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    if (!src->fmt)
        return read_still(src, dst, pts);

    if (!src->pending) {
        if (src->ended)
            return SEGTEX_SOURCE_END;
        int r = decode_next(src);
        if (r <= 0)
            return r;
        src->pending = 1;
    }
    AVFrame *f = src->frame;
    if (f->width != src->info.width || f->height != src->info.height) {
        if (f->width <= 0 || f->height <= 0 || f->width > MAX_SIDE || f->height > MAX_SIDE) {
            LOG_ERROR("source '%s': frame size %dx%d is outside 1..%d per side", src->url,
                      f->width, f->height, MAX_SIDE);
            av_frame_unref(f);
            src->pending = 0;
            return SEGTEX_ERROR_UNSUPPORTED;
        }
        LOG_DEBUG("source '%s': size changes from %dx%d to %dx%d", src->url, src->info.width,
                  src->info.height, f->width, f->height);
        src->info.width = f->width;
        src->info.height = f->height;
        return SEGTEX_SOURCE_RESIZED; /* the frame stays pending */
    }

    int r = convert_frame(src, dst);
    if (r < 0) {
        av_frame_unref(f);
        src->pending = 0;
        return r;
    }

    /*
     * Time from the stream, relative to the first frame, kept strictly
     * increasing: a missing or repeated timestamp (concatenated or broken
     * streams) is replaced by the previous one plus a frame period.
     */
    double step = src->info.fps > 0 ? 1.0 / src->info.fps : 1.0 / 30.0;
    int64_t ts = f->best_effort_timestamp;
    double t;
    if (ts == AV_NOPTS_VALUE) {
        t = src->last_pts < 0 ? 0.0 : src->last_pts + step;
    } else {
        if (src->first_ts == AV_NOPTS_VALUE)
            src->first_ts = ts;
        t = (double)(ts - src->first_ts) * src->time_base;
        if (src->last_pts >= 0 && t <= src->last_pts)
            t = src->last_pts + step;
    }
    src->last_pts = t;
    if (pts)
        *pts = t;
    src->delivered++;
    av_frame_unref(f);
    src->pending = 0;
    return SEGTEX_SOURCE_FRAME;
}
