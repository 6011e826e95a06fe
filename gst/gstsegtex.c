/*
 * The GStreamer element `segtex`: a GstVideoFilter over segtex_effect (push
 * mode). It is a client of the public API only (it links libsegtex.so).
 *
 * Phases, as everywhere in segtex:
 *   start      (READY -> PAUSED) creates the effect: models, textures, options.
 *   set_info   (caps) allocates the RGB24 frame the 4-byte formats are
 *              converted through, and computes the byte offsets of R, G, B.
 *   transform_frame converts, pushes the frame to the effect, converts back.
 *              It allocates nothing in the steady state; the only exception is
 *              a property change that needs new models (models, textures,
 *              segmenter, detector, live, pose, hands, hand-model, palm-every,
 *              skeleton, or seed back to -1): the effect is then re-created
 *              once, on the streaming thread, before the frame.
 *
 * Threads and locks:
 *   - property values: GST_OBJECT_LOCK.
 *   - fx_lock guards the effect pointer against the property setters (any
 *     thread) that call segtex_effect_set_* on it. Only start, stop and the
 *     streaming thread (transform_frame, on a re-create) replace the pointer,
 *     and they take fx_lock to do it; transform_frame reads it without the lock
 *     because nothing else writes it while streaming. Lock order: fx_lock, then
 *     GST_OBJECT_LOCK.
 *   - the segtex_effect_set_* family is itself thread safe (the effect's
 *     settings lock): a change lands between two frames.
 */
#include "paint_spec.h"
#include "segtex/assets.h"
#include "segtex/effect.h"

#include <dlfcn.h>
#include <stdatomic.h>
#include <gst/base/gstbasetransform.h>
#include <gst/gst.h>
#include <gst/video/gstvideofilter.h>
#include <gst/video/video.h>
#include <string.h>

#ifndef SEGTEX_GST_VERSION
#define SEGTEX_GST_VERSION "0.1.0"
#endif

GST_DEBUG_CATEGORY_STATIC(segtex_debug);
#define GST_CAT_DEFAULT segtex_debug

typedef struct GstSegtex {
    GstVideoFilter parent;

    /* Property values (GST_OBJECT_LOCK). */
    int mode;
    gint64 seed; /* -1: the mode's default paints */
    gboolean landmarks;
    gchar *textures, *models;
    int segmenter, detector;
    gboolean live, emit_results;
    int pose;          /* POSE_OFF, POSE_LITE or POSE_FULL */
    gboolean pose_set; /* pose was set: skeleton no longer turns the lite pose on */
    guint hands, palm_every;
    int hand_model; /* HAND_MODEL_LITE or HAND_MODEL_FULL */
    gboolean skeleton;
    gchar *paint, *anchor;
    paint_spec spec;    /* `paint` parsed; empty when it did not parse */
    paint_spec anchors; /* `anchor` parsed, the same way */
    gboolean paint_bad, anchor_bad;
    char paint_why[PAINT_SPEC_WHY_SIZE], anchor_why[PAINT_SPEC_WHY_SIZE];
    gboolean recreate; /* a property that needs new models changed while the effect exists */

    GMutex fx_lock;
    segtex_effect *fx; /* (fx_lock for readers other than the streaming thread) */
    paint_pictures pics; /* (fx_lock) the image= pictures loaded into the effect being painted */

    /* Streaming thread only (set_info, transform_frame). */
    segtex_image rgb; /* the 4-byte formats go through this RGB24 frame */
    int bpp;          /* 3 or 4 bytes per pixel */
    int off[3];       /* byte offsets of R, G, B inside a pixel */
    GstClockTime frame_duration;
    guint64 frames;
    guint64 frames_base; /* frames before the effect in use was created (its indices start at 0) */
    gboolean latency_updated;

    /* Read from any thread. */
    atomic_uint_fast64_t frame_allocs; /* (atomic) allocations made inside transform_frame */
    GstClockTime latency;   /* (GST_OBJECT_LOCK) what the LATENCY query adds */
    gboolean upstream_live; /* (GST_OBJECT_LOCK) the last LATENCY query came from a live pipeline */
} GstSegtex;

typedef struct GstSegtexClass {
    GstVideoFilterClass parent_class;
} GstSegtexClass;

GType gst_segtex_get_type(void);
#define GST_TYPE_SEGTEX (gst_segtex_get_type())
#define GST_SEGTEX(obj) ((GstSegtex *)(obj))
G_DEFINE_TYPE(GstSegtex, gst_segtex, GST_TYPE_VIDEO_FILTER)

enum {
    PROP_0,
    PROP_MODE,
    PROP_SEED,
    PROP_LANDMARKS,
    PROP_TEXTURES,
    PROP_MODELS,
    PROP_SEGMENTER,
    PROP_DETECTOR,
    PROP_LIVE,
    PROP_PAINT,
    PROP_ANCHOR,
    PROP_EMIT_RESULTS,
    PROP_ALLOC_COUNT,
    PROP_POSE,
    PROP_HANDS,
    PROP_HAND_MODEL,
    PROP_SKELETON,
    PROP_PALM_EVERY,
};

enum { POSE_OFF, POSE_LITE, POSE_FULL };
enum { HAND_MODEL_LITE, HAND_MODEL_FULL };

#define DEFAULT_LATENCY (33 * GST_MSECOND) /* before a frame size and rate are known */
#define LATENCY_MEASURE_FRAMES 30          /* the LATENCY answer is re-measured once, after this many frames */

/* The whole process's allocations when the counting interposer is preloaded, else segtex's own. */
static uint64_t (*interposed_alloc_count)(void);
static uint64_t alloc_count_now(void)
{
    return interposed_alloc_count ? interposed_alloc_count() : segtex_alloc_count();
}

/* ---- enums ------------------------------------------------------------------------ */

static GType mode_get_type(void)
{
    static GType type;
    static const GEnumValue values[] = {
        {SEGTEX_RENDER_MASK, "The painted categories only, on black", "mask"},
        {SEGTEX_RENDER_OVERLAY, "Painted categories blended over the frame (by default the person)", "overlay"},
        {SEGTEX_RENDER_CUTOUT, "The frame as filmed; painted categories replace it (by default the background)",
         "cutout"},
        {0, NULL, NULL},
    };
    if (g_once_init_enter(&type))
        g_once_init_leave(&type, g_enum_register_static("GstSegtexMode", values));
    return type;
}

static GType segmenter_get_type(void)
{
    static GType type;
    static const GEnumValue values[] = {
        {SEGTEX_SEGMENTER_AUTO, "Multiclass when its model is present, else composite", "auto"},
        {SEGTEX_SEGMENTER_PERSON, "Selfie model only: background and person", "person"},
        {SEGTEX_SEGMENTER_MULTICLASS, "selfie_multiclass_256x256: six categories", "multiclass"},
        {SEGTEX_SEGMENTER_COMPOSITE, "Person masks + face, pose and hand landmarks + colour models", "composite"},
        {0, NULL, NULL},
    };
    if (g_once_init_enter(&type))
        g_once_init_leave(&type, g_enum_register_static("GstSegtexSegmenter", values));
    return type;
}

static GType detector_get_type(void)
{
    static GType type;
    static const GEnumValue values[] = {
        {SEGTEX_DETECTOR_AUTO, "Short range; full range on frames where it finds none", "auto"},
        {SEGTEX_DETECTOR_SHORT, "Short range (faces within about 2 m)", "short"},
        {SEGTEX_DETECTOR_FULL, "Full range (faces small in the frame)", "full"},
        {0, NULL, NULL},
    };
    if (g_once_init_enter(&type))
        g_once_init_leave(&type, g_enum_register_static("GstSegtexDetector", values));
    return type;
}

static GType pose_get_type(void)
{
    static GType type;
    static const GEnumValue values[] = {
        {POSE_OFF, "No pose (with skeleton=true and pose never set: lite)", "off"},
        {POSE_LITE, "MediaPipe's pose, lite landmark model", "lite"},
        {POSE_FULL, "MediaPipe's pose, full landmark model (more accurate, slower)", "full"},
        {0, NULL, NULL},
    };
    if (g_once_init_enter(&type))
        g_once_init_leave(&type, g_enum_register_static("GstSegtexPose", values));
    return type;
}

static GType hand_model_get_type(void)
{
    static GType type;
    static const GEnumValue values[] = {
        {HAND_MODEL_LITE, "palm_detection_lite and hand_landmark_lite (about 3x faster)", "lite"},
        {HAND_MODEL_FULL, "palm_detection_full and hand_landmark_full (MediaPipe's default complexity)", "full"},
        {0, NULL, NULL},
    };
    if (g_once_init_enter(&type))
        g_once_init_leave(&type, g_enum_register_static("GstSegtexHandModel", values));
    return type;
}

/* ---- the library's log ------------------------------------------------------------ */

/*
 * The library's log goes to the element's debug category. The last error
 * line of the calling thread is kept so that a failed create can name what
 * failed in the element error (creation runs on the thread that calls it).
 */
static _Thread_local char last_error[512];

static void on_segtex_log(void *user, segtex_log_level level, const char *message)
{
    (void)user;
    switch (level) {
    case SEGTEX_LOG_ERROR:
        g_strlcpy(last_error, message, sizeof last_error);
        GST_ERROR("%s", message);
        break;
    case SEGTEX_LOG_WARNING: GST_WARNING("%s", message); break;
    case SEGTEX_LOG_INFO: GST_INFO("%s", message); break;
    default: GST_DEBUG("%s", message); break;
    }
}

/* ---- the effect ------------------------------------------------------------------- */

/*
 * Paints after a create, a seed or a mode change: the seed's, then the
 * `paint` entries over them, then the `anchor` entries. Called with fx_lock
 * held (it guards the picture cache).
 */
static gboolean apply_paints(GstSegtex *self, segtex_effect *fx, gboolean randomize, char *why, size_t why_size)
{
    GST_OBJECT_LOCK(self);
    gint64 seed = self->seed;
    paint_spec spec = self->spec, anchors = self->anchors;
    GST_OBJECT_UNLOCK(self);
    if (randomize && seed >= 0 && segtex_effect_randomize(fx, (uint64_t)seed)) {
        g_snprintf(why, why_size, "seed %" G_GINT64_FORMAT ": cannot randomize the paints", seed);
        return FALSE;
    }
    return paint_spec_apply(&spec, fx, &self->pics, why, why_size) == 0 &&
           paint_spec_apply(&anchors, fx, &self->pics, why, why_size) == 0;
}

/*
 * Create an effect from the current properties; posts an element error on
 * failure. `at_start`: a `paint` that did not parse fails the start; on a
 * re-create while streaming the last paint that parsed is used (a bad one
 * was already warned about when it was set, and the paints stayed).
 */
static segtex_effect *create_effect(GstSegtex *self, gboolean at_start)
{
    segtex_effect_options o = segtex_effect_options_default();
    char models[4096];
    GST_OBJECT_LOCK(self);
    gchar *models_prop = g_strdup(self->models), *textures = g_strdup(self->textures);
    o.mode = (segtex_render_mode)self->mode;
    o.landmarks = self->landmarks;
    o.segmenter = (segtex_segmenter_kind)self->segmenter;
    o.detector = (segtex_detector_kind)self->detector;
    o.live = self->live;
    o.has_seed = self->seed >= 0;
    o.seed = o.has_seed ? (uint64_t)self->seed : 0;
    /* As `segtex run --skeleton`: a skeleton turns the lite pose on unless `pose` was set. */
    int pose = self->pose == POSE_OFF && self->skeleton && !self->pose_set ? POSE_LITE : self->pose;
    o.pose = pose != POSE_OFF;
    o.pose_full = pose == POSE_FULL;
    o.hands = (int)self->hands;
    o.hands_full = self->hand_model == HAND_MODEL_FULL;
    o.skeleton = self->skeleton;
    o.palm_every = (int)self->palm_every;
    gboolean paint_bad = self->paint_bad;
    char paint_why[PAINT_SPEC_WHY_SIZE];
    g_strlcpy(paint_why, self->paint_why, sizeof paint_why);
    gchar *paint = g_strdup(self->paint), *anchor = g_strdup(self->anchor);
    gboolean anchor_bad = self->anchor_bad;
    char anchor_why[PAINT_SPEC_WHY_SIZE];
    g_strlcpy(anchor_why, self->anchor_why, sizeof anchor_why);
    GST_OBJECT_UNLOCK(self);

    segtex_effect *fx = NULL;
    if (paint_bad && at_start) {
        GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS, ("paint '%s': %s", paint, paint_why), (NULL));
        goto done;
    }
    if (anchor_bad && at_start) {
        GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS, ("anchor '%s': %s", anchor, anchor_why), (NULL));
        goto done;
    }
    if (segtex_models_dir_find(models_prop, models, sizeof models)) {
        GST_ELEMENT_ERROR(self, RESOURCE, NOT_FOUND, ("models: the folder name is too long"), (NULL));
        goto done;
    }
    o.models_dir = models;
    o.textures_dir = textures;
    last_error[0] = 0;
    segtex_status st = segtex_effect_create(&o, &fx);
    if (st) {
        GST_ELEMENT_ERROR(self, RESOURCE, OPEN_READ,
                          ("cannot create the segtex effect (models in '%s'): %s", models,
                           last_error[0] ? last_error : segtex_status_string(st)),
                          ("see GST_DEBUG=segtex:4 for the library's log"));
        fx = NULL;
        goto done;
    }
    char why[PAINT_SPEC_WHY_SIZE];
    g_mutex_lock(&self->fx_lock);
    memset(&self->pics, 0, sizeof self->pics); /* a new effect: its pictures are loaded afresh */
    gboolean painted = apply_paints(self, fx, FALSE, why, sizeof why); /* the seed was applied by create */
    g_mutex_unlock(&self->fx_lock);
    if (!painted) {
        GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS, ("paint '%s', anchor '%s': %s", paint ? paint : "",
                                                     anchor ? anchor : "", why), (NULL));
        segtex_effect_destroy(fx);
        fx = NULL;
        goto done;
    }
    GST_INFO_OBJECT(self, "effect: models in '%s', segmenter %s, backend %s, %s mode, %s, pose %s, %d hands%s%s",
                    models, segtex_segmenter_kind_name(segtex_effect_segmenter(fx)),
                    segtex_backend_name(segtex_effect_backend(fx)), segtex_render_mode_name(o.mode),
                    o.live ? "live (newest wins)" : "offline (every frame, deterministic)",
                    !o.pose ? "off" : o.pose_full ? "full" : "lite", o.hands,
                    o.hands ? (o.hands_full ? " (full)" : " (lite)") : "", o.skeleton ? ", skeleton" : "");
done:
    g_free(models_prop);
    g_free(textures);
    g_free(paint);
    g_free(anchor);
    return fx;
}

static void replace_effect(GstSegtex *self, segtex_effect *fx)
{
    g_mutex_lock(&self->fx_lock);
    segtex_effect *old = self->fx;
    self->fx = fx;
    g_mutex_unlock(&self->fx_lock);
    segtex_effect_destroy(old);
}

static gboolean gst_segtex_start(GstBaseTransform *trans)
{
    GstSegtex *self = GST_SEGTEX(trans);
    GST_OBJECT_LOCK(self);
    self->recreate = FALSE;
    self->latency = DEFAULT_LATENCY;
    GST_OBJECT_UNLOCK(self);
    self->frames = self->frames_base = 0;
    self->latency_updated = FALSE;
    atomic_store(&self->frame_allocs, 0);
    segtex_effect *fx = create_effect(self, TRUE);
    if (!fx)
        return FALSE;
    replace_effect(self, fx);
    return TRUE;
}

static gboolean gst_segtex_stop(GstBaseTransform *trans)
{
    GstSegtex *self = GST_SEGTEX(trans);
    if (self->fx) {
        segtex_effect_stats s;
        segtex_effect_get_stats(self->fx, &s);
        GST_INFO_OBJECT(self,
                        "stop: %" G_GUINT64_FORMAT " frames, dropped %" G_GINT64_FORMAT " (face %" G_GINT64_FORMAT
                        ", seg %" G_GINT64_FORMAT ", pose %" G_GINT64_FORMAT ", hands %" G_GINT64_FORMAT
                        "), latency p50 %.1f ms, allocations in transform_frame %" G_GUINT64_FORMAT
                        ", library allocations %" G_GUINT64_FORMAT,
                        self->frames, (gint64)s.dropped_source, (gint64)s.dropped_face, (gint64)s.dropped_seg,
                        (gint64)s.dropped_pose, (gint64)s.dropped_hands,
                        s.latency.p50_ms, (guint64)atomic_load(&self->frame_allocs),
                        (guint64)segtex_alloc_count());
    }
    replace_effect(self, NULL);
    segtex_image_free(&self->rgb);
    return TRUE;
}

/* ---- caps and frames ---------------------------------------------------------------- */

static gboolean gst_segtex_set_info(GstVideoFilter *filter, GstCaps *incaps, GstVideoInfo *in_info, GstCaps *outcaps,
                                    GstVideoInfo *out_info)
{
    GstSegtex *self = GST_SEGTEX(filter);
    (void)incaps, (void)outcaps;
    if (GST_VIDEO_INFO_FORMAT(in_info) != GST_VIDEO_INFO_FORMAT(out_info) ||
        GST_VIDEO_INFO_WIDTH(in_info) != GST_VIDEO_INFO_WIDTH(out_info) ||
        GST_VIDEO_INFO_HEIGHT(in_info) != GST_VIDEO_INFO_HEIGHT(out_info)) {
        GST_ERROR_OBJECT(self, "input and output caps differ");
        return FALSE;
    }
    int w = GST_VIDEO_INFO_WIDTH(in_info), h = GST_VIDEO_INFO_HEIGHT(in_info);
    if (w < 1 || h < 1 || w > 16384 || h > 16384) {
        GST_ELEMENT_ERROR(self, STREAM, FORMAT, ("frame size %dx%d: 1..16384 per side supported", w, h), (NULL));
        return FALSE;
    }
    self->bpp = GST_VIDEO_INFO_COMP_PSTRIDE(in_info, 0);
    for (int c = 0; c < 3; c++)
        self->off[c] = GST_VIDEO_INFO_COMP_POFFSET(in_info, c);
    /* Configure-time allocation: the RGB24 frame of the 4-byte formats, once per size. */
    segtex_image_free(&self->rgb);
    if (self->bpp == 4 && segtex_image_alloc(&self->rgb, w, h, 3)) {
        GST_ELEMENT_ERROR(self, RESOURCE, FAILED, ("cannot allocate a %dx%d frame", w, h), (NULL));
        return FALSE;
    }
    int fn = GST_VIDEO_INFO_FPS_N(in_info), fd = GST_VIDEO_INFO_FPS_D(in_info);
    self->frame_duration = fn > 0 && fd > 0 ? gst_util_uint64_scale_int(GST_SECOND, fd, fn) : DEFAULT_LATENCY;
    GST_OBJECT_LOCK(self);
    if (!self->latency_updated)
        self->latency = self->frame_duration; /* a first guess: about one frame (one inference, or its processing) */
    GST_OBJECT_UNLOCK(self);
    GST_DEBUG_OBJECT(self, "%s %dx%d, %d bytes per pixel, R G B at %d %d %d", GST_VIDEO_INFO_NAME(in_info), w, h,
                     self->bpp, self->off[0], self->off[1], self->off[2]);
    return TRUE;
}

static segtex_image frame_view(GstVideoFrame *f)
{
    segtex_image v = {GST_VIDEO_FRAME_PLANE_DATA(f, 0), GST_VIDEO_FRAME_WIDTH(f), GST_VIDEO_FRAME_HEIGHT(f), 3,
                      GST_VIDEO_FRAME_PLANE_STRIDE(f, 0)};
    return v;
}

/* 4-byte pixels -> RGB24. The offsets were chosen at set_info: no switch on the format per pixel. */
static void unpack(GstSegtex *self, GstVideoFrame *f)
{
    const int r = self->off[0], g = self->off[1], b = self->off[2];
    const int w = self->rgb.width, h = self->rgb.height, stride = GST_VIDEO_FRAME_PLANE_STRIDE(f, 0);
    const uint8_t *src = GST_VIDEO_FRAME_PLANE_DATA(f, 0);
    for (int y = 0; y < h; y++) {
        const uint8_t *s = src + (ptrdiff_t)y * stride;
        uint8_t *d = self->rgb.data + y * self->rgb.stride;
        for (int x = 0; x < w; x++, s += 4, d += 3)
            d[0] = s[r], d[1] = s[g], d[2] = s[b];
    }
}

/* RGB24 -> the output's 4-byte pixels; the fourth byte (alpha or padding) is the input's. */
static void pack(GstSegtex *self, GstVideoFrame *in, GstVideoFrame *out)
{
    const int r = self->off[0], g = self->off[1], b = self->off[2];
    const int w = self->rgb.width, h = self->rgb.height;
    const int istride = GST_VIDEO_FRAME_PLANE_STRIDE(in, 0), ostride = GST_VIDEO_FRAME_PLANE_STRIDE(out, 0);
    const uint8_t *isrc = GST_VIDEO_FRAME_PLANE_DATA(in, 0);
    uint8_t *odst = GST_VIDEO_FRAME_PLANE_DATA(out, 0);
    for (int y = 0; y < h; y++) {
        const uint8_t *s = self->rgb.data + y * self->rgb.stride;
        uint8_t *d = odst + (ptrdiff_t)y * ostride;
        memcpy(d, isrc + (ptrdiff_t)y * istride, (size_t)w * 4);
        for (int x = 0; x < w; x++, s += 3, d += 4)
            d[r] = s[0], d[g] = s[1], d[b] = s[2];
    }
}

/*
 * Once, after LATENCY_MEASURE_FRAMES frames: answer LATENCY with the measured
 * delay from now on, and ask a live pipeline to query again (latency does
 * not matter to a pipeline that is not live: it is not disturbed).
 */
static void update_latency(GstSegtex *self)
{
    segtex_effect_stats s;
    segtex_effect_get_stats(self->fx, &s);
    GstClockTime measured = (GstClockTime)(s.latency.p50_ms * GST_MSECOND);
    self->latency_updated = TRUE;
    if (measured == 0)
        return;
    GST_OBJECT_LOCK(self);
    GstClockTime old = self->latency;
    self->latency = measured;
    gboolean tell = self->upstream_live;
    GST_OBJECT_UNLOCK(self);
    GST_INFO_OBJECT(self, "latency: %" GST_TIME_FORMAT " measured (reported before: %" GST_TIME_FORMAT ")",
                    GST_TIME_ARGS(measured), GST_TIME_ARGS(old));
    if (tell)
        gst_element_post_message(GST_ELEMENT(self), gst_message_new_latency(GST_OBJECT(self)));
}

/* Frame numbers count from the element's start (the effect's restart at 0 when it is re-created); -1: none yet. */
static void post_results(GstSegtex *self, const segtex_effect_result *r, GstClockTime pts)
{
    gint64 base = (gint64)self->frames_base;
    GstStructure *s = gst_structure_new(
        "segtex", "frame", G_TYPE_INT64, base + r->index, "pts", G_TYPE_UINT64, (guint64)pts, "faces", G_TYPE_INT,
        r->faces->count, "faces-frame", G_TYPE_INT64, r->faces_index < 0 ? -1 : base + r->faces_index, "seg-frame",
        G_TYPE_INT64, r->seg_index < 0 ? -1 : base + r->seg_index, "poses", G_TYPE_INT, r->pose ? r->pose->count : 0,
        "pose-frame", G_TYPE_INT64, r->pose_index < 0 ? -1 : base + r->pose_index, "hands", G_TYPE_INT,
        r->hands ? r->hands->count : 0, "hands-frame", G_TYPE_INT64, r->hands_index < 0 ? -1 : base + r->hands_index,
        "frame-allocs", G_TYPE_UINT64, (guint64)atomic_load(&self->frame_allocs), "library-allocs", G_TYPE_UINT64,
        (guint64)segtex_alloc_count(), NULL);
    gst_element_post_message(GST_ELEMENT(self), gst_message_new_element(GST_OBJECT(self), s));
}

static GstFlowReturn gst_segtex_transform_frame(GstVideoFilter *filter, GstVideoFrame *in, GstVideoFrame *out)
{
    GstSegtex *self = GST_SEGTEX(filter);
    GST_OBJECT_LOCK(self);
    gboolean recreate = self->recreate, emit = self->emit_results;
    self->recreate = FALSE;
    GST_OBJECT_UNLOCK(self);
    if (recreate) { /* a property that needs new models changed: configure work, once */
        segtex_effect *fx = create_effect(self, FALSE);
        if (!fx)
            return GST_FLOW_ERROR;
        replace_effect(self, fx);
        self->frames_base = self->frames;
    }

    uint64_t a0 = alloc_count_now();
    GstClockTime pts = GST_BUFFER_PTS(in->buffer);
    double t = GST_CLOCK_TIME_IS_VALID(pts) ? (double)pts / GST_SECOND
                                            : (double)self->frames * (double)self->frame_duration / GST_SECOND;
    segtex_effect_result r;
    segtex_status st;
    if (self->bpp == 3) {
        segtex_image src = frame_view(in), dst = frame_view(out);
        st = segtex_effect_process(self->fx, &src, t, &dst, &r);
    } else {
        unpack(self, in);
        st = segtex_effect_process(self->fx, &self->rgb, t, &self->rgb, &r); /* in place: allowed */
        if (!st)
            pack(self, in, out);
    }
    uint64_t a1 = alloc_count_now();
    atomic_fetch_add(&self->frame_allocs, a1 - a0);
    if (st) {
        GST_ELEMENT_ERROR(self, STREAM, FAILED, ("segtex: frame %" G_GUINT64_FORMAT ": %s", self->frames,
                                                 last_error[0] ? last_error : segtex_status_string(st)),
                          (NULL));
        return GST_FLOW_ERROR;
    }
    self->frames++;
    if (emit)
        post_results(self, &r, pts);
    if (!self->latency_updated && self->frames == LATENCY_MEASURE_FRAMES)
        update_latency(self);
    return GST_FLOW_OK;
}

/*
 * LATENCY: upstream's answer plus this element's delay. What is reported:
 * the effect's measured latency (segtex_effect_stats.latency, median) —
 * live: how old the segmentation is when a frame goes out (about one
 * inference); offline: a frame's processing time (inference and render).
 * Until LATENCY_MEASURE_FRAMES frames have been measured: one frame
 * duration from the caps (33 ms without caps); in a live pipeline a latency
 * message makes it ask again once it is measured.
 */
static gboolean gst_segtex_query(GstBaseTransform *trans, GstPadDirection direction, GstQuery *query)
{
    GstSegtex *self = GST_SEGTEX(trans);
    if (GST_QUERY_TYPE(query) != GST_QUERY_LATENCY || direction != GST_PAD_SRC)
        return GST_BASE_TRANSFORM_CLASS(gst_segtex_parent_class)->query(trans, direction, query);
    if (!GST_BASE_TRANSFORM_CLASS(gst_segtex_parent_class)->query(trans, direction, query))
        return FALSE;
    gboolean live;
    GstClockTime min, max;
    gst_query_parse_latency(query, &live, &min, &max);
    GST_OBJECT_LOCK(self);
    GstClockTime ours = self->latency;
    self->upstream_live = live;
    GST_OBJECT_UNLOCK(self);
    min += ours;
    if (GST_CLOCK_TIME_IS_VALID(max))
        max += ours;
    GST_DEBUG_OBJECT(self, "latency: ours %" GST_TIME_FORMAT ", total min %" GST_TIME_FORMAT, GST_TIME_ARGS(ours),
                     GST_TIME_ARGS(min));
    gst_query_set_latency(query, live, min, max);
    return TRUE;
}

/* ---- properties --------------------------------------------------------------------- */

/* A live setting changed: apply it to the effect now (any thread), if there is one. */
static void apply_live(GstSegtex *self, guint prop_id)
{
    g_mutex_lock(&self->fx_lock);
    segtex_effect *fx = self->fx;
    if (fx) {
        GST_OBJECT_LOCK(self);
        int mode = self->mode, landmarks = self->landmarks;
        GST_OBJECT_UNLOCK(self);
        char why[PAINT_SPEC_WHY_SIZE];
        gboolean ok = TRUE;
        if (prop_id == PROP_MODE) {
            segtex_effect_set_mode(fx, (segtex_render_mode)mode);
            ok = apply_paints(self, fx, FALSE, why, sizeof why);
        } else if (prop_id == PROP_LANDMARKS) {
            segtex_effect_set_landmarks(fx, landmarks);
        } else if (prop_id == PROP_SEED) {
            ok = apply_paints(self, fx, TRUE, why, sizeof why);
        } else if (prop_id == PROP_PAINT || prop_id == PROP_ANCHOR) {
            ok = apply_paints(self, fx, FALSE, why, sizeof why);
        }
        if (!ok)
            GST_ELEMENT_WARNING(self, RESOURCE, SETTINGS, ("%s", why), (NULL));
    }
    g_mutex_unlock(&self->fx_lock);
}

static void set_string(gchar **field, const GValue *value)
{
    g_free(*field);
    *field = g_value_dup_string(value);
    if (*field && !**field) {
        g_free(*field);
        *field = NULL;
    }
}

static void gst_segtex_set_property(GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
    GstSegtex *self = GST_SEGTEX(object);
    gboolean recreate = FALSE, live = FALSE, warn_paint = FALSE;
    char bad_why[PAINT_SPEC_WHY_SIZE + 16];
    GST_OBJECT_LOCK(self);
    switch (prop_id) {
    case PROP_MODE: self->mode = g_value_get_enum(value), live = TRUE; break;
    case PROP_LANDMARKS: self->landmarks = g_value_get_boolean(value), live = TRUE; break;
    case PROP_SEED: {
        gint64 seed = g_value_get_int64(value);
        /* Back to the default paints: only a new effect has them (the effect has no "reset"). */
        recreate = seed < 0 && self->seed >= 0;
        live = seed >= 0;
        self->seed = seed;
        break;
    }
    case PROP_TEXTURES: set_string(&self->textures, value), recreate = TRUE; break;
    case PROP_MODELS: set_string(&self->models, value), recreate = TRUE; break;
    case PROP_SEGMENTER: self->segmenter = g_value_get_enum(value), recreate = TRUE; break;
    case PROP_DETECTOR: self->detector = g_value_get_enum(value), recreate = TRUE; break;
    case PROP_LIVE: self->live = g_value_get_boolean(value), recreate = TRUE; break;
    /* The body's models and the skeleton are fixed at create (the effect has no setter for them). */
    case PROP_POSE: self->pose = g_value_get_enum(value), self->pose_set = TRUE, recreate = TRUE; break;
    case PROP_HANDS: self->hands = g_value_get_uint(value), recreate = TRUE; break;
    case PROP_HAND_MODEL: self->hand_model = g_value_get_enum(value), recreate = TRUE; break;
    case PROP_SKELETON: self->skeleton = g_value_get_boolean(value), recreate = TRUE; break;
    case PROP_PALM_EVERY: self->palm_every = g_value_get_uint(value), recreate = TRUE; break;
    case PROP_PAINT:
    case PROP_ANCHOR: {
        gboolean is_paint = prop_id == PROP_PAINT;
        set_string(is_paint ? &self->paint : &self->anchor, value);
        paint_spec spec;
        char why[PAINT_SPEC_WHY_SIZE];
        if ((is_paint ? paint_spec_parse : anchor_spec_parse)(is_paint ? self->paint : self->anchor, &spec, why,
                                                              sizeof why)) {
            /* Kept bad: start fails naming it; while playing the old paints stay. */
            *(is_paint ? &self->paint_bad : &self->anchor_bad) = TRUE;
            g_strlcpy(is_paint ? self->paint_why : self->anchor_why, why, sizeof self->paint_why);
            g_snprintf(bad_why, sizeof bad_why, "%s: %s", is_paint ? "paint" : "anchor", why);
            warn_paint = TRUE;
        } else {
            *(is_paint ? &self->paint_bad : &self->anchor_bad) = FALSE;
            (is_paint ? self->paint_why : self->anchor_why)[0] = 0;
            *(is_paint ? &self->spec : &self->anchors) = spec;
            live = TRUE;
        }
        break;
    }
    case PROP_EMIT_RESULTS: self->emit_results = g_value_get_boolean(value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec); break;
    }
    GST_OBJECT_UNLOCK(self);
    if (warn_paint) /* before start there is no bus yet and this only goes to the debug log */
        GST_ELEMENT_WARNING(self, RESOURCE, SETTINGS, ("%s; the paints stay as they were", bad_why), (NULL));
    if (recreate) {
        g_mutex_lock(&self->fx_lock);
        GST_OBJECT_LOCK(self);
        self->recreate = self->fx != NULL; /* before start, start creates it anyway */
        GST_OBJECT_UNLOCK(self);
        g_mutex_unlock(&self->fx_lock);
    } else if (live) {
        apply_live(self, prop_id);
    }
}

static void gst_segtex_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    GstSegtex *self = GST_SEGTEX(object);
    GST_OBJECT_LOCK(self);
    switch (prop_id) {
    case PROP_MODE: g_value_set_enum(value, self->mode); break;
    case PROP_SEED: g_value_set_int64(value, self->seed); break;
    case PROP_LANDMARKS: g_value_set_boolean(value, self->landmarks); break;
    case PROP_TEXTURES: g_value_set_string(value, self->textures); break;
    case PROP_MODELS: g_value_set_string(value, self->models); break;
    case PROP_SEGMENTER: g_value_set_enum(value, self->segmenter); break;
    case PROP_DETECTOR: g_value_set_enum(value, self->detector); break;
    case PROP_LIVE: g_value_set_boolean(value, self->live); break;
    case PROP_PAINT: g_value_set_string(value, self->paint); break;
    case PROP_ANCHOR: g_value_set_string(value, self->anchor); break;
    case PROP_EMIT_RESULTS: g_value_set_boolean(value, self->emit_results); break;
    case PROP_ALLOC_COUNT: g_value_set_uint64(value, (guint64)atomic_load(&self->frame_allocs)); break;
    case PROP_POSE: g_value_set_enum(value, self->pose); break;
    case PROP_HANDS: g_value_set_uint(value, self->hands); break;
    case PROP_HAND_MODEL: g_value_set_enum(value, self->hand_model); break;
    case PROP_SKELETON: g_value_set_boolean(value, self->skeleton); break;
    case PROP_PALM_EVERY: g_value_set_uint(value, self->palm_every); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec); break;
    }
    GST_OBJECT_UNLOCK(self);
}

/* ---- type ----------------------------------------------------------------------------- */

static void gst_segtex_finalize(GObject *object)
{
    GstSegtex *self = GST_SEGTEX(object);
    segtex_effect_destroy(self->fx);
    segtex_image_free(&self->rgb);
    g_free(self->textures);
    g_free(self->models);
    g_free(self->paint);
    g_free(self->anchor);
    g_mutex_clear(&self->fx_lock);
    G_OBJECT_CLASS(gst_segtex_parent_class)->finalize(object);
}

static void gst_segtex_init(GstSegtex *self)
{
    self->mode = SEGTEX_RENDER_OVERLAY;
    self->seed = -1;
    self->segmenter = SEGTEX_SEGMENTER_AUTO;
    self->detector = SEGTEX_DETECTOR_AUTO;
    self->live = TRUE;
    self->pose = POSE_OFF;
    self->hand_model = HAND_MODEL_FULL;
    self->palm_every = 4;
    self->latency = DEFAULT_LATENCY;
    self->frame_duration = DEFAULT_LATENCY;
    g_mutex_init(&self->fx_lock);
}

#define VIDEO_CAPS GST_VIDEO_CAPS_MAKE("{ RGB, RGBx, BGRx, xRGB, xBGR, RGBA, BGRA }")

static void gst_segtex_class_init(GstSegtexClass *klass)
{
    GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
    GstElementClass *element_class = GST_ELEMENT_CLASS(klass);
    GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS(klass);
    GstVideoFilterClass *filter_class = GST_VIDEO_FILTER_CLASS(klass);
    const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING;

    gobject_class->set_property = gst_segtex_set_property;
    gobject_class->get_property = gst_segtex_get_property;
    gobject_class->finalize = gst_segtex_finalize;

    g_object_class_install_property(
        gobject_class, PROP_MODE,
        g_param_spec_enum("mode", "Mode", "How the categories are painted (also picks which are painted by default)",
                          mode_get_type(), SEGTEX_RENDER_OVERLAY, rw));
    g_object_class_install_property(
        gobject_class, PROP_SEED,
        g_param_spec_int64("seed", "Seed",
                           "Pick textures, colours and scales for every category from this number "
                           "(-1: the mode's default paints; going back to -1 while playing re-creates the effect)",
                           -1, G_MAXINT64, -1, rw));
    g_object_class_install_property(gobject_class, PROP_LANDMARKS,
                                    g_param_spec_boolean("landmarks", "Landmarks", "Draw the 478 face landmarks",
                                                         FALSE, rw));
    g_object_class_install_property(
        gobject_class, PROP_TEXTURES,
        g_param_spec_string("textures", "Textures", "Folder of PNG/JPEG textures besides the built-in ones", NULL, rw));
    g_object_class_install_property(
        gobject_class, PROP_MODELS,
        g_param_spec_string("models", "Models",
                            "Folder of the .tflite models (NULL: $SEGTEX_ASSETS, $XDG_DATA_HOME/segtex, "
                            "<prefix>/share/segtex/models, ./assets)",
                            NULL, rw));
    g_object_class_install_property(gobject_class, PROP_SEGMENTER,
                                    g_param_spec_enum("segmenter", "Segmenter", "How the six categories are found",
                                                      segmenter_get_type(), SEGTEX_SEGMENTER_AUTO, rw));
    g_object_class_install_property(gobject_class, PROP_DETECTOR,
                                    g_param_spec_enum("detector", "Detector", "Which face detector runs",
                                                      detector_get_type(), SEGTEX_DETECTOR_AUTO, rw));
    g_object_class_install_property(
        gobject_class, PROP_LIVE,
        g_param_spec_boolean("live", "Live",
                             "TRUE: inference runs on the effect's own threads, newest frame wins, a frame is never "
                             "held back (painted with the newest results); FALSE: every frame is analysed before it "
                             "leaves (deterministic, same pixels as 'segtex run')",
                             TRUE, rw));
    g_object_class_install_property(
        gobject_class, PROP_PAINT,
        g_param_spec_string("paint", "Paint",
                            "Per-category paints, CAT=SPEC[;CAT=SPEC...]: CAT background, hair, body-skin, face-skin, "
                            "clothes, others or all; SPEC #rrggbb, a texture name, none, tint=#rrggbb[:S] (S 0..1), "
                            "blur=R (1..64) or image=FILE (PNG/JPEG, scaled to cover)",
                            NULL, rw));
    g_object_class_install_property(
        gobject_class, PROP_ANCHOR,
        g_param_spec_string("anchor", "Anchor",
                            "What each category's texture moves with, CAT=ANCHOR[,CAT=ANCHOR...]: ANCHOR screen, "
                            "face, torso or mesh (as segtex run --anchor); unset categories keep their default",
                            NULL, rw));
    g_object_class_install_property(
        gobject_class, PROP_EMIT_RESULTS,
        g_param_spec_boolean("emit-results", "Emit results",
                             "Post an element message 'segtex' per frame: frame, pts, faces, faces-frame, "
                             "seg-frame, poses, pose-frame, hands, hands-frame (counts, and the frames the results "
                             "came from; -1 none yet), frame-allocs, library-allocs",
                             FALSE, rw));
    g_object_class_install_property(
        gobject_class, PROP_ALLOC_COUNT,
        g_param_spec_uint64("alloc-count", "Allocation count",
                            "Heap allocations made while processing frames (every thread's when the counting "
                            "interposer is preloaded, else libsegtex's own); flat in the steady state",
                            0, G_MAXUINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

    g_object_class_install_property(
        gobject_class, PROP_POSE,
        g_param_spec_enum("pose", "Pose",
                          "Track MediaPipe's pose (33 landmarks) with the lite or full landmark model; the detector "
                          "runs only when the pose is lost. Changing it re-creates the effect",
                          pose_get_type(), POSE_OFF, rw));
    g_object_class_install_property(
        gobject_class, PROP_HANDS,
        g_param_spec_uint("hands", "Hands",
                          "Track up to this many hands (MediaPipe Hands; 0: off). Changing it re-creates the effect",
                          0, SEGTEX_MAX_HANDS, 0, rw));
    g_object_class_install_property(
        gobject_class, PROP_HAND_MODEL,
        g_param_spec_enum("hand-model", "Hand model", "Palm and hand landmark models, with hands > 0",
                          hand_model_get_type(), HAND_MODEL_FULL, rw));
    g_object_class_install_property(
        gobject_class, PROP_SKELETON,
        g_param_spec_boolean("skeleton", "Skeleton",
                             "Draw the pose's and hands' connections and joints (turns pose=lite on unless pose is "
                             "set). Changing it re-creates the effect",
                             FALSE, rw));
    g_object_class_install_property(
        gobject_class, PROP_PALM_EVERY,
        g_param_spec_uint("palm-every", "Palm every",
                          "With hands: look for a missing hand on every Nth frame (the palm detector costs 4-5x a "
                          "tracked hand); 1: every frame, as MediaPipe",
                          1, 1000, 4, rw));

    gst_element_class_set_static_metadata(element_class, "segtex person segmentation effect", "Filter/Effect/Video",
                                          "Splits each frame into six categories (background, hair, body skin, face "
                                          "skin, clothes, others) and paints each with a colour or a texture",
                                          "segtex");
    GstCaps *caps = gst_caps_from_string(VIDEO_CAPS);
    gst_element_class_add_pad_template(element_class, gst_pad_template_new("sink", GST_PAD_SINK, GST_PAD_ALWAYS, caps));
    gst_element_class_add_pad_template(element_class, gst_pad_template_new("src", GST_PAD_SRC, GST_PAD_ALWAYS, caps));
    gst_caps_unref(caps);

    trans_class->start = GST_DEBUG_FUNCPTR(gst_segtex_start);
    trans_class->stop = GST_DEBUG_FUNCPTR(gst_segtex_stop);
    trans_class->query = GST_DEBUG_FUNCPTR(gst_segtex_query);
    filter_class->set_info = GST_DEBUG_FUNCPTR(gst_segtex_set_info);
    filter_class->transform_frame = GST_DEBUG_FUNCPTR(gst_segtex_transform_frame);

    gst_type_mark_as_plugin_api(mode_get_type(), 0);
    gst_type_mark_as_plugin_api(segmenter_get_type(), 0);
    gst_type_mark_as_plugin_api(detector_get_type(), 0);
    gst_type_mark_as_plugin_api(pose_get_type(), 0);
    gst_type_mark_as_plugin_api(hand_model_get_type(), 0);
}

static gboolean plugin_init(GstPlugin *plugin)
{
    GST_DEBUG_CATEGORY_INIT(segtex_debug, "segtex", 0, "segtex person segmentation effect");
    interposed_alloc_count = (uint64_t(*)(void))dlsym(RTLD_DEFAULT, "segtex_interposed_alloc_count");
    /*
     * The library's log is process-wide; the plugin routes it to its debug
     * category, formatting only what GST_DEBUG asks for (errors always: they
     * name what failed in the element's error message).
     */
    GstDebugLevel t = gst_debug_category_get_threshold(segtex_debug);
    segtex_set_log(on_segtex_log, NULL,
                   t >= GST_LEVEL_DEBUG     ? SEGTEX_LOG_DEBUG
                   : t >= GST_LEVEL_INFO    ? SEGTEX_LOG_INFO
                   : t >= GST_LEVEL_WARNING ? SEGTEX_LOG_WARNING
                                            : SEGTEX_LOG_ERROR);
    return gst_element_register(plugin, "segtex", GST_RANK_NONE, GST_TYPE_SEGTEX);
}

/* GST_PLUGIN_DEFINE names the package through PACKAGE and leaves the descriptor's reserved fields implicit. */
#define PACKAGE "segtex"
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, segtex, "segtex: real-time person segmentation effect",
                  plugin_init, SEGTEX_GST_VERSION, "unknown", "segtex", "segtex")
#pragma GCC diagnostic pop
