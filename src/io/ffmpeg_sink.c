/*
 * Sinks through FFmpeg: encoded video files (container by extension) and
 * V4L2 output devices (libavdevice's v4l2 muxer, raw YUYV frames); and the
 * RGB24 rescaler the other sinks use.
 *
 * Open does all the set-up (encoder, scaler, header); a write converts the
 * frame into one reused AVFrame and encodes it into one reused AVPacket. A
 * sink is used by one thread at a time.
 */
#include "io/io_private.h"
#include "core/log.h"

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/error.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_SIDE 16384

/* ---- RGB24 rescaler ------------------------------------------------------------ */

struct io_rescaler {
    struct SwsContext *sws;
    segtex_image buf;
    segtex_image pad; /* padded copy of a source's last rows (see scale_rgb24) */
};

/*
 * Convert `h` rows of `in` with `sws`. swscale's SIMD loads read past the
 * end of a source row (16 bytes and more), and a caller's last row may end
 * where its buffer ends: rows above the last overread into the row below,
 * which is theirs, but the last rows (all of them for narrow images) are
 * converted from `pad`, a copy with slack, (re)allocated only when the
 * width grows. Frame after frame it allocates nothing.
 */
static segtex_status scale_rgb24(struct SwsContext *sws, const segtex_image *in, int h, segtex_image *pad,
                                 uint8_t *const dst[], const int dst_stride[])
{
    const int tail = in->width * 3 >= 128 ? 1 : h; /* rows taken from the padded copy */
    if (pad->width < in->width || pad->height < tail) {
        segtex_image_free(pad);
        segtex_status st = segtex_image_alloc(pad, in->width + 32, tail, 3);
        if (st)
            return st;
    }
    const uint8_t *planes[4] = {in->data, NULL, NULL, NULL};
    int strides[4] = {(int)in->stride, 0, 0, 0};
    if (h > tail)
        sws_scale(sws, planes, strides, 0, h - tail, dst, dst_stride);
    for (int y = 0; y < tail; y++)
        memcpy(pad->data + (ptrdiff_t)y * pad->stride, in->data + (ptrdiff_t)(h - tail + y) * in->stride,
               (size_t)in->width * 3);
    planes[0] = pad->data;
    strides[0] = (int)pad->stride;
    sws_scale(sws, planes, strides, h - tail, tail, dst, dst_stride);
    return SEGTEX_OK;
}

segtex_status io_rescale(io_rescaler **scaler, const segtex_image *in, int width, int height,
                         const segtex_image **out)
{
    *out = in;
    if (in->width == width && in->height == height)
        return SEGTEX_OK;
    io_rescaler *s = *scaler;
    if (!s) {
        s = segtex_calloc(1, sizeof *s);
        if (!s)
            return SEGTEX_ERROR_OUT_OF_MEMORY;
        *scaler = s;
    }
    if (s->buf.width != width || s->buf.height != height) {
        segtex_image_free(&s->buf);
        segtex_status st = segtex_image_alloc(&s->buf, width, height, 3);
        if (st != SEGTEX_OK)
            return st;
    }
    s->sws = sws_getCachedContext(s->sws, in->width, in->height, AV_PIX_FMT_RGB24, width, height,
                                  AV_PIX_FMT_RGB24, SWS_BILINEAR, NULL, NULL, NULL);
    if (!s->sws) {
        LOG_ERROR("sink: cannot scale %dx%d to %dx%d", in->width, in->height, width, height);
        return SEGTEX_ERROR_UNSUPPORTED;
    }
    uint8_t *dst_planes[4] = {s->buf.data, NULL, NULL, NULL};
    int dst_strides[4] = {(int)s->buf.stride, 0, 0, 0};
    segtex_status st = scale_rgb24(s->sws, in, in->height, &s->pad, dst_planes, dst_strides);
    if (st)
        return st;
    *out = &s->buf;
    return SEGTEX_OK;
}

void io_rescaler_free(io_rescaler *s)
{
    if (!s)
        return;
    sws_freeContext(s->sws);
    segtex_image_free(&s->buf);
    segtex_image_free(&s->pad);
    segtex_free(s);
}

/* ---- encoded files and V4L2 outputs ---------------------------------------------- */

typedef struct ffmpeg_sink {
    segtex_sink base;
    char *target;
    AVFormatContext *oc;
    AVCodecContext *enc;
    AVStream *stream;
    AVFrame *frame;  /* encoder input, reused (made writable again when the encoder holds it) */
    AVPacket *pkt;   /* encoder output, reused */
    struct SwsContext *sws;
    int sws_w, sws_h;    /* input size the scaler was built for */
    segtex_image pad;    /* padded copy of the input's last row (scale_rgb24) */
    int file_open;       /* avio opened: must be closed */
    int device;          /* a V4L2 output, not a file */
    int removed;         /* the unfinished file was removed already */
    int header_written;  /* the trailer must be written */
    int64_t last_pts;    /* in encoder ticks; INT64_MIN before the first frame */
    int64_t frames;
} ffmpeg_sink;

static const char *averr(int err, char *buf, size_t size)
{
    av_strerror(err, buf, size);
    return buf;
}

static segtex_status status_from_averror(int err)
{
    if (err == AVERROR(ENOMEM))
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    if (err == AVERROR(EINVAL))
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    if (err == AVERROR_ENCODER_NOT_FOUND || err == AVERROR_MUXER_NOT_FOUND ||
        err == AVERROR_PATCHWELCOME || err == AVERROR(ENOSYS))
        return SEGTEX_ERROR_UNSUPPORTED;
    return SEGTEX_ERROR_IO;
}

/* Move every packet the encoder has ready into the file. 0 or a negative AVERROR; `*what` says which step. */
static int drain(ffmpeg_sink *s, const char **what)
{
    for (;;) {
        int ret = avcodec_receive_packet(s->enc, s->pkt);
        if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
            return 0;
        if (ret < 0) {
            *what = "encoding";
            return ret;
        }
        av_packet_rescale_ts(s->pkt, s->enc->time_base, s->stream->time_base);
        s->pkt->stream_index = s->stream->index;
        ret = av_interleaved_write_frame(s->oc, s->pkt); /* takes the packet's reference */
        if (ret < 0) {
            *what = "writing";
            return ret;
        }
    }
}

/*
 * Remove the file of a sink that cannot be finished: an MP4 cut short has no
 * index and plays nowhere, and a file left behind would look like a result.
 * Returns the text for the one log line.
 */
static const char *abandon(ffmpeg_sink *s)
{
    if (s->device)
        return "frames from there on are lost";
    if (s->removed)
        return "the unfinished file was removed";
    if (s->file_open)
        avio_closep(&s->oc->pb); /* errors: the file is going anyway */
    s->file_open = 0;
    s->removed = remove(s->target) == 0 || errno == ENOENT;
    return s->removed ? "the unfinished file was removed"
                      : "the unfinished file could not be removed and is not playable";
}

/* The one line for a failed write of frame number `n` (from 1), then its status. */
static segtex_status write_failed(ffmpeg_sink *s, const char *what, int ret)
{
    char err[128];
    long long n = (long long)s->base.frames + 1;
    averr(ret, err, sizeof err);
    const char *fate = abandon(s);
    LOG_ERROR("sink '%s': %s frame %lld failed: %s; %s", s->target, what, n, err, fate);
    return status_from_averror(ret);
}

static segtex_status ffmpeg_write(segtex_sink *base, const segtex_image *in, double pts)
{
    ffmpeg_sink *s = (ffmpeg_sink *)base;
    /*
     * An odd-sized sink is encoded one pixel smaller where the chroma layout
     * needs even sides: frames of the sink's size are then cropped (the last
     * column/row is not read), not resampled.
     */
    int in_w = in->width, in_h = in->height;
    if (in_w == base->width && in_h == base->height) {
        in_w = s->enc->width;
        in_h = s->enc->height;
    }
    if (!s->sws || s->sws_w != in_w || s->sws_h != in_h) {
        s->sws = sws_getCachedContext(s->sws, in_w, in_h, AV_PIX_FMT_RGB24, s->enc->width,
                                      s->enc->height, s->enc->pix_fmt, SWS_BILINEAR, NULL, NULL,
                                      NULL);
        if (!s->sws) {
            s->sws_w = s->sws_h = 0;
            return write_failed(s, "converting", AVERROR(ENOSYS));
        }
        s->sws_w = in_w;
        s->sws_h = in_h;
    }
    int ret = av_frame_make_writable(s->frame);
    if (ret < 0)
        return write_failed(s, "preparing", ret);
    segtex_status sst = scale_rgb24(s->sws, in, in_h, &s->pad, s->frame->data, s->frame->linesize);
    if (sst)
        return write_failed(s, "converting", AVERROR(ENOMEM));

    double ticks = pts / av_q2d(s->enc->time_base);
    int64_t t = isfinite(ticks) ? llround(ticks) : 0;
    if (s->last_pts != INT64_MIN && t <= s->last_pts)
        t = s->last_pts + 1; /* keep timestamps increasing: a repeated time moves one tick on */
    s->last_pts = t;
    s->frame->pts = t;

    ret = avcodec_send_frame(s->enc, s->frame);
    if (ret < 0)
        return write_failed(s, "encoding", ret);
    const char *what = "writing";
    ret = drain(s, &what);
    if (ret < 0)
        return write_failed(s, what, ret);
    return SEGTEX_OK;
}

static segtex_status ffmpeg_finish(segtex_sink *base)
{
    ffmpeg_sink *s = (ffmpeg_sink *)base;
    segtex_status st = SEGTEX_OK;
    char err[128];
    /* After a failed write the file is gone (logged then): nothing to finish. */
    if (s->header_written && base->error >= 0) {
        const char *what = "flushing the encoder";
        int ret = avcodec_send_frame(s->enc, NULL);
        if (ret >= 0 || ret == AVERROR_EOF)
            ret = drain(s, &what);
        if (ret >= 0) {
            what = "writing the index";
            ret = av_write_trailer(s->oc);
        }
        if (ret >= 0 && s->file_open) {
            /* avio_close swallows the error of its last flush: flush and check first. */
            what = "closing";
            avio_flush(s->oc->pb);
            ret = s->oc->pb->error;
            if (ret >= 0) {
                ret = avio_closep(&s->oc->pb);
                s->file_open = 0;
            }
        }
        if (ret < 0) {
            averr(ret, err, sizeof err);
            const char *fate = abandon(s);
            LOG_ERROR("sink '%s': cannot finish the file after %lld frames (%s failed: %s); %s",
                      s->target, (long long)base->frames, what, err, fate);
            st = status_from_averror(ret);
        }
    }
    if (s->file_open)
        avio_closep(&s->oc->pb);
    sws_freeContext(s->sws);
    segtex_image_free(&s->pad);
    av_frame_free(&s->frame);
    av_packet_free(&s->pkt);
    avcodec_free_context(&s->enc);
    avformat_free_context(s->oc);
    segtex_free(s->target);
    segtex_free(s);
    return st;
}

static int codec_has_pix_fmt(const AVCodec *c, enum AVPixelFormat f)
{
    if (!c->pix_fmts)
        return 1;
    for (const enum AVPixelFormat *p = c->pix_fmts; *p != AV_PIX_FMT_NONE; p++)
        if (*p == f)
            return 1;
    return 0;
}

/* H.264 when there is an encoder and the container takes it, else the container's usual codec. */
static const AVCodec *choose_encoder(const AVOutputFormat *ofmt)
{
    if (avformat_query_codec(ofmt, AV_CODEC_ID_H264, FF_COMPLIANCE_NORMAL) == 1) {
        const AVCodec *c = avcodec_find_encoder_by_name("libx264");
        if (!c)
            c = avcodec_find_encoder(AV_CODEC_ID_H264);
        /* Hardware wrappers (v4l2m2m, vaapi...) may list but not work: only software ones. */
        if (c && !(c->capabilities & AV_CODEC_CAP_HARDWARE) && !strstr(c->name, "v4l2m2m"))
            return c;
    }
    if (ofmt->video_codec == AV_CODEC_ID_NONE)
        return NULL;
    return avcodec_find_encoder(ofmt->video_codec);
}

/* Quality/speed choices per encoder family: fast, good enough to look at, no tuning for latency. */
static void set_encoder_options(AVCodecContext *enc, const AVCodec *codec, int is_avi)
{
    if (!strcmp(codec->name, "libx264")) {
        av_opt_set(enc->priv_data, "preset", "veryfast", 0);
        av_opt_set(enc->priv_data, "crf", "20", 0);
        if (is_avi)
            enc->max_b_frames = 0; /* AVI stores no presentation times: no reordering */
    } else if (!strcmp(codec->name, "libvpx-vp9") || !strcmp(codec->name, "libvpx")) {
        /* Constant quality, real-time speed: libvpx's defaults run at a few frames/s. */
        enc->bit_rate = 0;
        av_opt_set(enc->priv_data, "crf", "30", 0);
        av_opt_set(enc->priv_data, "deadline", "realtime", 0);
        av_opt_set(enc->priv_data, "cpu-used", "8", 0);
        if (!strcmp(codec->name, "libvpx")) {
            enc->bit_rate = (int64_t)enc->width * enc->height * 4; /* VP8 needs a ceiling */
            enc->qmin = 4;
            enc->qmax = 40;
        } else {
            av_opt_set(enc->priv_data, "row-mt", "1", 0);
        }
    } else if (!strcmp(codec->name, "libaom-av1")) {
        av_opt_set(enc->priv_data, "crf", "32", 0);
        av_opt_set(enc->priv_data, "cpu-used", "8", 0);
        av_opt_set(enc->priv_data, "usage", "realtime", 0);
        enc->bit_rate = 0;
    } else {
        /* Bit-rate codecs (mpeg4, mpeg2...): about 0.25 bit per pixel. */
        double bps = (double)enc->width * enc->height * av_q2d(enc->framerate) * 0.25;
        enc->bit_rate = bps > 400000 ? (int64_t)bps : 400000;
        if (is_avi)
            enc->max_b_frames = 0;
    }
}

static segtex_status open_device_check(const char *target)
{
    struct stat sb;
    if (stat(target, &sb) != 0) {
        LOG_ERROR("sink '%s': no such V4L2 output device (%s; is v4l2loopback loaded?)", target,
                  strerror(errno));
        return SEGTEX_ERROR_IO;
    }
    if (!S_ISCHR(sb.st_mode)) {
        LOG_ERROR("sink '%s': not a video device", target);
        return SEGTEX_ERROR_IO;
    }
    return SEGTEX_OK;
}

segtex_status sink_ffmpeg_open(const segtex_sink_options *o, segtex_sink **out)
{
    *out = NULL;
    io_ffmpeg_init();
    const char *target = o->target;
    int device = strncmp(target, "/dev/video", 10) == 0;
    char err[128];
    int ret;
    segtex_status st;

    if (device && (st = open_device_check(target)) != SEGTEX_OK)
        return st;

    ffmpeg_sink *s = segtex_calloc(1, sizeof *s);
    if (!s)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    s->base.write = ffmpeg_write;
    s->base.finish = ffmpeg_finish;
    s->base.width = o->width;
    s->base.height = o->height;
    s->base.fps = o->fps;
    s->last_pts = INT64_MIN;
    s->device = device;
    size_t n = strlen(target) + 1;
    s->target = segtex_malloc(n);
    if (!s->target) {
        st = SEGTEX_ERROR_OUT_OF_MEMORY;
        goto fail;
    }
    memcpy(s->target, target, n);

    const AVOutputFormat *ofmt = NULL;
    if (device) {
        ofmt = av_guess_format("video4linux2", NULL, NULL);
        if (!ofmt) {
            LOG_ERROR("sink '%s': this FFmpeg build has no V4L2 output (libavdevice)", target);
            st = SEGTEX_ERROR_UNSUPPORTED;
            goto fail;
        }
    } else {
        const char *slash = strrchr(target, '/');
        const char *dot = strrchr(slash ? slash + 1 : target, '.');
        ofmt = dot && dot[1] ? av_guess_format(NULL, target, NULL) : NULL;
        if (!ofmt || ofmt->video_codec == AV_CODEC_ID_NONE ||
            (ofmt->flags & AVFMT_NOFILE)) {
            if (dot && dot[1])
                LOG_ERROR("sink '%s': unknown video file extension '%s' (use .mp4, .mkv, .webm, "
                          ".avi, .mov, a %%05d.png pattern, '-' or /dev/videoN)",
                          target, dot);
            else
                LOG_ERROR("sink '%s': no file extension to choose a container from (use .mp4, "
                          ".mkv, .webm, .avi, .mov, a %%05d.png pattern, '-' or /dev/videoN)",
                          target);
            st = SEGTEX_ERROR_UNSUPPORTED;
            goto fail;
        }
    }
    ret = avformat_alloc_output_context2(&s->oc, ofmt, NULL, target);
    if (ret < 0) {
        LOG_ERROR("sink '%s': %s", target, averr(ret, err, sizeof err));
        st = status_from_averror(ret);
        goto fail;
    }

    const AVCodec *codec = device ? avcodec_find_encoder(AV_CODEC_ID_RAWVIDEO)
                                  : choose_encoder(ofmt);
    if (!codec) {
        LOG_ERROR("sink '%s': no video encoder available for the %s container", target,
                  ofmt->name);
        st = SEGTEX_ERROR_UNSUPPORTED;
        goto fail;
    }
    s->stream = avformat_new_stream(s->oc, NULL);
    s->enc = avcodec_alloc_context3(codec);
    s->frame = av_frame_alloc();
    s->pkt = av_packet_alloc();
    if (!s->stream || !s->enc || !s->frame || !s->pkt) {
        st = SEGTEX_ERROR_OUT_OF_MEMORY;
        goto fail;
    }

    enum AVPixelFormat pix = device ? AV_PIX_FMT_YUYV422
                             : codec_has_pix_fmt(codec, AV_PIX_FMT_YUV420P) ? AV_PIX_FMT_YUV420P
                                                                             : codec->pix_fmts[0];
    const AVPixFmtDescriptor *pd = av_pix_fmt_desc_get(pix);
    int w = o->width, h = o->height;
    if (pd && (pd->log2_chroma_w || pd->log2_chroma_h)) {
        int ew = pd->log2_chroma_w ? w & ~1 : w, eh = pd->log2_chroma_h ? h & ~1 : h;
        if (ew < 2 || eh < 2) {
            LOG_ERROR("sink '%s': %dx%d is too small for %s", target, w, h,
                      av_get_pix_fmt_name(pix));
            st = SEGTEX_ERROR_INVALID_ARGUMENT;
            goto fail;
        }
        if (ew != w || eh != h)
            LOG_WARNING("sink '%s': %s needs even sides: writing %dx%d instead of %dx%d", target,
                        av_get_pix_fmt_name(pix), ew, eh, w, h);
        w = ew;
        h = eh;
    }
    AVRational rate = av_d2q(o->fps, 1000000);
    s->enc->width = w;
    s->enc->height = h;
    s->enc->pix_fmt = pix;
    s->enc->framerate = rate;
    s->enc->time_base = av_inv_q(rate);
    s->enc->sample_aspect_ratio = (AVRational){1, 1};
    /* swscale's RGB -> YUV uses BT.601 limited range; say so, so that players invert it. */
    s->enc->colorspace = AVCOL_SPC_SMPTE170M;
    s->enc->color_primaries = AVCOL_PRI_SMPTE170M;
    s->enc->color_trc = AVCOL_TRC_SMPTE170M;
    s->enc->color_range = AVCOL_RANGE_MPEG;
    s->enc->gop_size = (int)fmin(fmax(o->fps * 2.0, 1.0), 600.0);
    if (s->oc->oformat->flags & AVFMT_GLOBALHEADER)
        s->enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if (!device)
        set_encoder_options(s->enc, codec, !strcmp(ofmt->name, "avi"));

    ret = avcodec_open2(s->enc, codec, NULL);
    if (ret < 0) {
        LOG_ERROR("sink '%s': cannot open the %s encoder at %dx%d: %s", target, codec->name, w, h,
                  averr(ret, err, sizeof err));
        st = status_from_averror(ret);
        goto fail;
    }
    ret = avcodec_parameters_from_context(s->stream->codecpar, s->enc);
    if (ret < 0) {
        st = status_from_averror(ret);
        goto fail;
    }
    s->stream->time_base = s->enc->time_base;
    s->stream->avg_frame_rate = rate;

    s->frame->format = pix;
    s->frame->width = w;
    s->frame->height = h;
    s->frame->color_range = AVCOL_RANGE_MPEG;
    s->frame->colorspace = AVCOL_SPC_SMPTE170M;
    ret = av_frame_get_buffer(s->frame, 0);
    if (ret < 0) {
        st = status_from_averror(ret);
        goto fail;
    }

    if (!(ofmt->flags & AVFMT_NOFILE)) {
        ret = avio_open(&s->oc->pb, target, AVIO_FLAG_WRITE);
        if (ret < 0) {
            LOG_ERROR("sink '%s': cannot create the file: %s", target,
                      averr(ret, err, sizeof err));
            st = status_from_averror(ret);
            goto fail;
        }
        s->file_open = 1;
    }
    ret = avformat_write_header(s->oc, NULL);
    if (ret < 0) {
        LOG_ERROR("sink '%s': cannot start the %s: %s", target,
                  device ? "V4L2 output" : "file", averr(ret, err, sizeof err));
        st = status_from_averror(ret);
        goto fail;
    }
    s->header_written = 1;
    snprintf(s->base.description, sizeof s->base.description, "%s%s %dx%d in %s", codec->name,
             device ? " yuyv422" : "", w, h, target);
    *out = &s->base;
    return SEGTEX_OK;

fail:
    if (st == SEGTEX_ERROR_OUT_OF_MEMORY)
        LOG_ERROR("sink '%s': out of memory", target);
    if (s->file_open && !device)
        abandon(s); /* the file this open created: nothing in it is usable */
    s->header_written = 0;
    ffmpeg_finish(&s->base);
    return st;
}
