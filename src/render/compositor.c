/*
 * The compositor: one pass over the output rows. For each output pixel the
 * six category weights are interpolated bilinearly from the model grid, each
 * category's paint (a tile addressed modulo its size) is blended over the
 * base (black, or the frame), and the results are mixed by weight.
 *
 * What keeps it fast (all decided at configure time or once per frame at
 * model resolution, none of it per output pixel):
 *  - per output column and row, the model indices and 8-bit fractions of the
 *    bilinear interpolation; columns sharing the same pair of model columns
 *    form spans;
 *  - per model pixel, the probabilities quantized to weights summing to 255,
 *    and the category that owns all of it (if one does);
 *  - a span whose four model corners all belong wholly to one category is
 *    that category's paint, exactly: consecutive such spans merge into runs
 *    that are plain copies (tile rows, the frame) or fills. Only spans on a
 *    category border take the per-pixel weighted path; which spans are
 *    border spans is decided once per pair of model rows, not per row;
 *  - per category and output column, the tile column (x + offset) mod width.
 *
 * Exactness: with bilinear weights W_c summing to 255 << 16, the output is
 * ((sum_c (W_c >> 8) P_c) + 32640) / 65280 where P_c is the category's
 * paint over the base. A run owned by one category has W_c = 255 << 16 and
 * gives P_c by the same formula, so fast and reference paths agree bit for
 * bit.
 */
#include "render/rgb_shuffle.h"
#include "render/render.h"
#include "render/texture.h"
#include "render/anchor.h"
#include "render/blur.h"
#include "render/face_uv.h"
#include "render/mesh_paint.h"
#include "render/quantize.h"
#include "core/log.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#define MAX_OUTPUT_SIDE 16384
#define MAX_MODEL_SIDE 4096
#define BAND_ROWS 16
#define MODEL_BAND_ROWS 16


typedef struct span {
    int x_begin, x_end; /* output columns */
    int m0, m1;         /* model columns */
} span;

struct segtex_renderer {
    segtex_texture_set *set; /* borrowed */
    int configured;
    segtex_render_config cfg;

    /* Sized at configure time. */
    int *row_m0, *row_m1; /* [height] model rows */
    uint16_t *row_f;      /* [height] fraction 0..255 toward row_m1 */
    uint16_t *col_f;      /* [width] fraction toward the span's m1 */
    span *spans;
    int span_count;
    uint16_t *tile_col[SEGTEX_CATEGORY_COUNT]; /* [width] (x + offset_x) mod tw */
    uint16_t *ident_col;                       /* [width] x: the frame's column table */
    uint16_t *col_m0, *col_m1;                 /* [width] the model columns of column x's span */
    int mix_avx512;                            /* border runs mixed 16 columns at a time (mix_run_avx512) */
    int mix_avx2;                              /* or 8 at a time (mix_run_avx2) */
    int classify_avx512;                       /* spans are model columns (k, k + 1): classify_avx512 */
    int classify_avx2;                         /* the same without AVX-512: classify_avx2 */
    model_px *model;                           /* [model_height * model_width] */
    uint8_t *guide;                            /* [model_height * model_width] frame luma at model pixels (GUIDED) */
    uint16_t *guide_x, *guide_y;               /* [model_width], [model_height]: the frame pixel at each centre */
    int use_avx2;                              /* quantize with quantize8 (the CPU has AVX2) */
    anchor_fill_fn fill;                       /* anchored textures' walk (anchor_fill_select) */
    int use_avx512;                            /* the mesh paint 16 pixels at a time (AVX-512 F BW VL VBMI) */
    landmark_frame *marks;
    blur_buf blur;
    /*
     * Row paints (TINT, BLUR, anchored textures, and paints blended over the
     * base) are written per output row into a buffer of the row's band:
     * [band][category] W RGB pixels (3 W bytes, 4 W reserved), then W texel
     * alphas shared by the categories. Bands never share one, so any thread
     * count gives the same pixels.
     */
    uint8_t *rowbuf;
    int bands;
    /*
     * MESH anchors: per output band, BAND_ROWS x width texels of face UV map
     * (allocated only with a mesh; malloc'd, so pages away from faces are
     * never touched). Each band rasterizes the faces crossing it into its
     * own texels: shared by nothing, the same for any thread count.
     */
    face_uv_texel *mesh_texels;

    /* Refreshed when the texture set changes. */
    uint64_t generation;
    int have_generation;
    render_layer layers[SEGTEX_CATEGORY_COUNT];

    anchor_state anchors;
    segtex_edges edges; /* set by segtex_renderer_set_edges, kept across configures */
    int simd_level;     /* RENDER_*: render_cpu_level(), or lower (renderer_set_simd_level, tests), kept across configures */
    face_uv *uv[SEGTEX_MAX_FACES]; /* set by segtex_renderer_set_face_mesh: one rasterizer per face, or NULL */
    float mesh_scale;              /* tile pixels per unit of (u, v): the face anchor's scale on the mesh */
    float mesh_origin[2];          /* (u, v) of the nose tip (landmark 1): where the paint's offset sits */

    /* Set by segtex_renderer_render for the duration of one call. */
    unsigned rowpaint;                 /* categories painted from row buffers this frame */
    unsigned blended;                  /* row paints blended over the base in their buffer (alpha or opacity) */
    uint8_t source[SEGTEX_CATEGORY_COUNT]; /* SOURCE_*: where a row paint's texels come from */
    uint8_t opacity[SEGTEX_CATEGORY_COUNT]; /* 255 unless overlay */
    anchor_xf xf[SEGTEX_CATEGORY_COUNT]; /* anchored categories' transforms */
    int mesh_faces;                    /* faces prepared on uv[0..mesh_faces) this frame (0: no MESH paint) */
    face_uv_rect mesh_rect[SEGTEX_MAX_FACES]; /* their rectangles (width 0: off the frame or rejected) */
    const segtex_image *src;           /* the frame TINT and BLUR read (NULL: none; they paint their colour) */
    const segtex_image *frame;
    segtex_image *out;
    const segtex_seg_result *seg;
};

const char *segtex_render_mode_name(segtex_render_mode mode)
{
    static const char *const names[] = {"mask", "overlay", "cutout"};
    return (unsigned)mode < SEGTEX_RENDER_MODE_COUNT ? names[mode] : NULL;
}

int segtex_render_mode_parse(const char *name)
{
    for (int m = 0; name && m < SEGTEX_RENDER_MODE_COUNT; m++)
        if (!strcmp(name, segtex_render_mode_name((segtex_render_mode)m)))
            return m;
    return -1;
}

segtex_landmark_style segtex_landmark_style_default(void)
{
    segtex_landmark_style s = {0};
    s.dots = 1;
    s.dot_radius = 1.5f;
    s.dot_color[1] = 255;
    s.contours = 0;
    s.line_width = 1.5f;
    memset(s.line_color, 255, 3);
    s.box = 0;
    s.box_color[0] = 255;
    s.box_color[1] = 255;
    s.skeleton = 0;
    s.skeleton_width = 0; /* from the output size at configure */
    memset(s.skeleton_color, 255, 3);
    return s;
}

static void init_range_weights(void);

segtex_status segtex_renderer_create(segtex_texture_set *set, segtex_renderer **out)
{
    if (!out)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    *out = NULL;
    if (!set) {
        LOG_ERROR("renderer: a texture set is required");
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    segtex_renderer *r = segtex_calloc(1, sizeof *r);
    if (!r)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, init_range_weights);
    r->set = set;
    /*
     * SEGTEX_RENDER_SIMD=scalar|avx2 (read here, once): measure the paths a
     * CPU with less than this one's SIMD runs (README, Performance).
     */
    const char *lv = getenv("SEGTEX_RENDER_SIMD");
    r->simd_level = render_cpu_level();
    if (lv && !strcmp(lv, "scalar"))
        r->simd_level = RENDER_SCALAR;
    else if (lv && !strcmp(lv, "avx2"))
        r->simd_level = r->simd_level > RENDER_AVX2 ? RENDER_AVX2 : r->simd_level;
    else if (lv && *lv && strcmp(lv, "avx512"))
        LOG_WARNING("renderer: SEGTEX_RENDER_SIMD=%s ignored (scalar, avx2 or avx512)", lv);
    *out = r;
    return SEGTEX_OK;
}

static void free_tables(segtex_renderer *r)
{
    segtex_free(r->row_m0);
    segtex_free(r->row_m1);
    segtex_free(r->row_f);
    segtex_free(r->col_f);
    segtex_free(r->spans);
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++)
        segtex_free(r->tile_col[c]);
    segtex_free(r->ident_col);
    segtex_free(r->col_m0);
    segtex_free(r->col_m1);
    segtex_aligned_free(r->model);
    segtex_free(r->guide);
    segtex_free(r->guide_x);
    segtex_free(r->guide_y);
    segtex_free(r->marks);
    blur_free(&r->blur);
    segtex_free(r->rowbuf);
    segtex_free(r->mesh_texels);
}

static void free_mesh(segtex_renderer *r)
{
    for (int f = 0; f < SEGTEX_MAX_FACES; f++) {
        face_uv_destroy(r->uv[f]);
        r->uv[f] = NULL;
    }
}

void segtex_renderer_destroy(segtex_renderer *r)
{
    if (!r)
        return;
    free_tables(r);
    free_mesh(r);
    segtex_free(r);
}

/*
 * Half-pixel-centre mapping (cv2.resize / MediaPipe, align_corners = false):
 * source = (i + 0.5) * n / size - 0.5, clamped to the grid, as 24.8 fixed
 * point. Integer arithmetic only, so every build computes the same table.
 */
static void map_axis(int i, int size, int n, int *m0, int *m1, int *f)
{
    int64_t s = (int64_t)(2 * i + 1) * n * 128 / size - 128;
    if (s < 0)
        s = 0;
    int a = (int)(s >> 8), frac = (int)(s & 255);
    if (a >= n - 1) {
        a = n - 1;
        frac = 0;
    }
    *m0 = a;
    *m1 = a + 1 < n ? a + 1 : a;
    *f = frac;
}

static int check_style(const segtex_landmark_style *s)
{
    if (!(s->dot_radius >= 0.5f && s->dot_radius <= 32.0f)) {
        LOG_ERROR("renderer: dot radius %g out of range 0.5..32", s->dot_radius);
        return 0;
    }
    if (!(s->line_width >= 0.5f && s->line_width <= 32.0f)) {
        LOG_ERROR("renderer: line width %g out of range 0.5..32", s->line_width);
        return 0;
    }
    if (!(s->skeleton_width == 0 || (s->skeleton_width >= 0.5f && s->skeleton_width <= 32.0f))) {
        LOG_ERROR("renderer: skeleton width %g out of range 0.5..32 (0: from the output size)", s->skeleton_width);
        return 0;
    }
    return 1;
}

/* One band's row buffers: (categories + 1) x width x 4 bytes, then the categories' mixing weights per model column. */
static size_t band_bytes(int w, int mw)
{
    return (size_t)(SEGTEX_CATEGORY_COUNT + 1) * w * 4 + sizeof(uint32_t) * SEGTEX_CATEGORY_COUNT * ((size_t)mw + 16);
}

segtex_status segtex_renderer_configure(segtex_renderer *r, const segtex_render_config *cfg)
{
    if (!r || !cfg)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    if ((unsigned)cfg->mode >= SEGTEX_RENDER_MODE_COUNT) {
        LOG_ERROR("renderer: mode %d out of range", (int)cfg->mode);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    if (cfg->width < 1 || cfg->height < 1 || cfg->width > MAX_OUTPUT_SIDE || cfg->height > MAX_OUTPUT_SIDE) {
        LOG_ERROR("renderer: output size %dx%d out of range 1..%d", cfg->width, cfg->height, MAX_OUTPUT_SIDE);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    if (cfg->model_width < 1 || cfg->model_height < 1 || cfg->model_width > MAX_MODEL_SIDE ||
        cfg->model_height > MAX_MODEL_SIDE) {
        LOG_ERROR("renderer: model size %dx%d out of range 1..%d", cfg->model_width, cfg->model_height,
                  MAX_MODEL_SIDE);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    if (!check_style(&cfg->landmarks))
        return SEGTEX_ERROR_INVALID_ARGUMENT;


    /* Build the new tables beside the old ones, so a failure leaves the old configuration. */
    segtex_renderer n = *r;
    memset(&n.row_m0, 0, (char *)&n.generation - (char *)&n.row_m0);
    int w = cfg->width, h = cfg->height;
    n.row_m0 = segtex_malloc(sizeof(int) * h);
    n.row_m1 = segtex_malloc(sizeof(int) * h);
    n.row_f = segtex_malloc(sizeof(uint16_t) * h);
    n.col_f = segtex_malloc(sizeof(uint16_t) * w);
    n.spans = segtex_malloc(sizeof(span) * w);
    n.ident_col = segtex_malloc(sizeof(uint16_t) * w);
    n.col_m0 = segtex_malloc(sizeof(uint16_t) * w);
    n.col_m1 = segtex_malloc(sizeof(uint16_t) * w);
    int ok = n.row_m0 && n.row_m1 && n.row_f && n.col_f && n.spans && n.ident_col && n.col_m0 && n.col_m1;
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++)
        ok &= (n.tile_col[c] = segtex_malloc(sizeof(uint16_t) * w)) != NULL;
    n.model = segtex_aligned_alloc(sizeof(model_px) * cfg->model_width * cfg->model_height, 64);
    n.marks = segtex_malloc(sizeof *n.marks);
    ok &= n.model && n.marks;
    if (r->edges == SEGTEX_EDGES_GUIDED) {
        n.guide = segtex_malloc((size_t)cfg->model_width * cfg->model_height);
        n.guide_x = segtex_malloc(sizeof(uint16_t) * cfg->model_width);
        n.guide_y = segtex_malloc(sizeof(uint16_t) * cfg->model_height);
        ok &= n.guide && n.guide_x && n.guide_y;
        for (int i = 0; ok && i < cfg->model_width; i++)
            n.guide_x[i] = (uint16_t)(((int64_t)(2 * i + 1) * w / cfg->model_width) / 2);
        for (int i = 0; ok && i < cfg->model_height; i++)
            n.guide_y[i] = (uint16_t)(((int64_t)(2 * i + 1) * h / cfg->model_height) / 2);
    }
    /* Row buffers and blur images are touched only when a paint uses them. */
    n.bands = (h + BAND_ROWS - 1) / BAND_ROWS;
    n.rowbuf = segtex_malloc((size_t)n.bands * band_bytes(w, cfg->model_width));
    ok &= n.rowbuf && blur_alloc(&n.blur, w, h) == 0;
    if (r->uv[0])
        ok &= (n.mesh_texels = segtex_malloc(sizeof(face_uv_texel) * (size_t)n.bands * BAND_ROWS * w)) != NULL;
    if (!ok || segtex_texture_set_set_frame_size(r->set, w, h) != SEGTEX_OK) {
        LOG_ERROR("renderer: out of memory configuring %dx%d", w, h);
        free_tables(&n);
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    }
    for (int y = 0; y < h; y++) {
        int f;
        map_axis(y, h, cfg->model_height, &n.row_m0[y], &n.row_m1[y], &f);
        n.row_f[y] = (uint16_t)f;
    }
    n.span_count = 0;
    for (int x = 0; x < w; x++) {
        n.ident_col[x] = (uint16_t)x;
        int m0, m1, f;
        map_axis(x, w, cfg->model_width, &m0, &m1, &f);
        n.col_f[x] = (uint16_t)f;
        n.col_m0[x] = (uint16_t)m0, n.col_m1[x] = (uint16_t)m1;
        span *last = n.span_count ? &n.spans[n.span_count - 1] : NULL;
        if (last && last->m0 == m0 && last->m1 == m1) {
            last->x_end = x + 1;
        } else {
            span s = {x, x + 1, m0, m1};
            n.spans[n.span_count++] = s;
        }
    }
    n.use_avx2 = r->simd_level >= RENDER_AVX2;
    n.use_avx512 = r->simd_level >= RENDER_AVX512;
    n.fill = anchor_fill_select(r->simd_level);
    /*
     * Runs are mixed 16 (8) columns at a time when any 16 (8) columns reach
     * at most 16 (8) model columns (upscaling).
     */
    n.mix_avx512 = n.use_avx512;
    n.mix_avx2 = n.use_avx2 && !n.use_avx512;
    for (int x = 0; x < w && n.mix_avx2; x++)
        n.mix_avx2 = n.col_m1[x + 7 < w ? x + 7 : w - 1] - n.col_m0[x] < 8;
    n.classify_avx2 = n.use_avx2 && n.span_count == cfg->model_width;
    for (int k = 0; k < n.span_count && n.classify_avx2; k++)
        n.classify_avx2 = n.spans[k].m0 == k && n.spans[k].m1 == (k + 1 < cfg->model_width ? k + 1 : k);
    n.classify_avx512 = n.classify_avx2 && n.use_avx512;
    n.classify_avx2 = n.classify_avx2 && !n.use_avx512;
    for (int x = 0; x < w && n.mix_avx512; x++)
        n.mix_avx512 = n.col_m1[x + 15 < w ? x + 15 : w - 1] - n.col_m0[x] < 16;
    n.cfg = *cfg;
    if (n.cfg.landmarks.skeleton_width == 0) { /* about 3 px at 720p: visible at any size, never a bar */
        float lw = (float)(w < h ? w : h) / 240.0f;
        n.cfg.landmarks.skeleton_width = lw < 1.5f ? 1.5f : lw > 12.0f ? 12.0f : lw;
    }
    n.configured = 1;
    n.have_generation = 0;
    free_tables(r);
    *r = n;
    return SEGTEX_OK;
}

int render_cpu_level(void)
{
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512vbmi"))
        return RENDER_AVX512;
    if (__builtin_cpu_supports("avx2"))
        return RENDER_AVX2;
#endif
    return RENDER_SCALAR;
}

void renderer_set_simd_level(segtex_renderer *r, int level)
{
    int top = render_cpu_level();
    r->simd_level = level < RENDER_SCALAR ? RENDER_SCALAR : level > top ? top : level;
    for (int f = 0; f < SEGTEX_MAX_FACES; f++)
        if (r->uv[f])
            face_uv_set_simd_level(r->uv[f], r->simd_level);
}

void renderer_set_scalar_only(segtex_renderer *r, int on) { renderer_set_simd_level(r, on ? RENDER_SCALAR : RENDER_AVX512); }

segtex_status segtex_renderer_set_edges(segtex_renderer *r, segtex_edges edges)
{
    if (!r || (unsigned)edges >= SEGTEX_EDGES_COUNT) {
        LOG_ERROR("renderer: edges %d out of range 0..%d", (int)edges, SEGTEX_EDGES_COUNT - 1);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    segtex_edges old = r->edges;
    r->edges = edges;
    if (!r->configured || old == edges)
        return SEGTEX_OK;
    segtex_render_config cfg = r->cfg;
    segtex_status st = segtex_renderer_configure(r, &cfg);
    if (st)
        r->edges = old;
    return st;
}

segtex_status segtex_renderer_set_face_mesh(segtex_renderer *r, const segtex_face_mesh *mesh)
{
    if (!r)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    if (!mesh) {
        free_mesh(r);
        segtex_free(r->mesh_texels);
        r->mesh_texels = NULL;
        return SEGTEX_OK;
    }
    if (mesh->vertex_count != SEGTEX_FACE_GEOMETRY_VERTICES || !mesh->uv) {
        LOG_ERROR("renderer: a face mesh of %d vertices, expected %d", mesh->vertex_count,
                  SEGTEX_FACE_GEOMETRY_VERTICES);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    /* The face anchor puts ANCHOR_FACE_REF tile pixels between the outer eye corners: the mesh the same. */
    float du = mesh->uv[263][0] - mesh->uv[33][0], dv = mesh->uv[263][1] - mesh->uv[33][1];
    float d = sqrtf(du * du + dv * dv);
    if (!(d > 1e-3f)) {
        LOG_ERROR("renderer: the face mesh's eye corners share one texture coordinate");
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    face_uv *uv[SEGTEX_MAX_FACES] = {0};
    segtex_status st = SEGTEX_OK;
    for (int f = 0; f < SEGTEX_MAX_FACES && !st; f++)
        st = face_uv_create(mesh, &uv[f]);
    face_uv_texel *texels = NULL;
    if (!st && r->configured && !r->mesh_texels &&
        !(texels = segtex_malloc(sizeof(face_uv_texel) * (size_t)r->bands * BAND_ROWS * r->cfg.width)))
        st = SEGTEX_ERROR_OUT_OF_MEMORY;
    if (st) {
        LOG_ERROR("renderer: cannot set up the face mesh (%s)", segtex_status_string(st));
        for (int f = 0; f < SEGTEX_MAX_FACES; f++)
            face_uv_destroy(uv[f]);
        return st;
    }
    free_mesh(r);
    memcpy(r->uv, uv, sizeof uv);
    for (int f = 0; f < SEGTEX_MAX_FACES; f++)
        face_uv_set_simd_level(r->uv[f], r->simd_level);
    if (texels)
        r->mesh_texels = texels;
    r->mesh_scale = ANCHOR_FACE_REF / d;
    r->mesh_origin[0] = mesh->uv[1][0];
    r->mesh_origin[1] = mesh->uv[1][1];
    return SEGTEX_OK;
}

/* Copy the set's layers and rebuild the tile-column tables; only when the set changed. */
static void refresh_layers(segtex_renderer *r)
{
    uint64_t g = texture_set_generation(r->set);
    if (r->have_generation && g == r->generation)
        return;
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        r->layers[c] = *texture_set_layer(r->set, c);
        const render_layer *L = &r->layers[c];
        int t = L->offset_x;
        for (int x = 0; x < r->cfg.width; x++) {
            r->tile_col[c][x] = (uint16_t)t;
            if (++t == L->tw)
                t = 0;
        }
    }
    r->generation = g;
    r->have_generation = 1;
}

static void model_band(void *ctx, size_t band)
{
    segtex_renderer *r = ctx;
    const segtex_seg_result *seg = r->seg;
    int mw = r->cfg.model_width, mh = r->cfg.model_height;
    int y0 = (int)band * MODEL_BAND_ROWS, y1 = y0 + MODEL_BAND_ROWS < mh ? y0 + MODEL_BAND_ROWS : mh;
    for (int y = y0; y < y1; y++) {
        model_px *row = r->model + (size_t)y * mw;
        if (seg->prob)
            quantize_row(seg->prob + (size_t)y * mw * SEGTEX_CATEGORY_COUNT, row, mw, r->simd_level);
        else
            for (int x = 0; x < mw; x++) {
                size_t i = (size_t)y * mw + x;
                quantize_onehot(seg->category && seg->category[i] < SEGTEX_CATEGORY_COUNT ? seg->category[i] : 0, &row[x]);
            }
        if (r->guide && r->src) {
            /* Luma at the model pixel's centre, averaged over 2 x 2 frame pixels. */
            const segtex_image *f = r->src;
            int fy0 = r->guide_y[y], fy1 = fy0 + 1 < f->height ? fy0 + 1 : fy0;
            const uint8_t *a = f->data + (ptrdiff_t)fy0 * f->stride, *b = f->data + (ptrdiff_t)fy1 * f->stride;
            uint8_t *g = r->guide + (size_t)y * mw;
            for (int i = 0; i < mw; i++) {
                int fx0 = r->guide_x[i], fx1 = (fx0 + 1 < f->width ? fx0 + 1 : fx0) * 3;
                fx0 *= 3;
                g[i] = (uint8_t)((luma8(a + fx0) + luma8(a + fx1) + luma8(b + fx0) + luma8(b + fx1) + 2) >> 2);
            }
        }
    }
}

/* ------------------------------------------------------------------ */
/* Output rows                                                          */
/* ------------------------------------------------------------------ */

enum { PAINT_BASE = 0, PAINT_DIRECT = 1, PAINT_BLEND = 2 };
enum { SOURCE_TILE = 0, SOURCE_TINT = 1, SOURCE_BLUR = 2, SOURCE_ANCHOR = 3, SOURCE_MESH = 4 };

typedef struct row_ctx {
    const segtex_renderer *r;
    uint8_t *out;         /* output row */
    const uint8_t *frame; /* frame row, NULL in mask mode */
    const uint8_t *trgb[SEGTEX_CATEGORY_COUNT];   /* tile row of each category */
    const uint8_t *talpha[SEGTEX_CATEGORY_COUNT]; /* tile alpha row, or NULL */
    const uint16_t *tcol[SEGTEX_CATEGORY_COUNT];  /* column x's texel in trgb/talpha */
    unsigned row;                                 /* bit c: trgb[c] is a row buffer indexed by x */
    uint8_t opacity[SEGTEX_CATEGORY_COUNT];       /* 255 unless overlay */
    /* PAINT_BASE: not painted (the base shows); PAINT_DIRECT: the texel, opaque; PAINT_BLEND: texel over base. */
    uint8_t kind[SEGTEX_CATEGORY_COUNT];
    /*
     * When P_c is a plain copy of some row (kind != PAINT_BLEND): P_c at
     * column x is src[c][col[c][x] * 3 + k], or 0 when src[c] is NULL (the
     * black base of mask mode). Bit c of `blend` is set for PAINT_BLEND.
     */
    const uint8_t *src[SEGTEX_CATEGORY_COUNT];
    const uint16_t *col[SEGTEX_CATEGORY_COUNT];
    unsigned blend;
    const uint8_t *guide_frame; /* GUIDED edges: the frame row whose luma guides the borders, else NULL */
} row_ctx;

/*
 * P_c at column x: the paint of category c blended over the base (black in
 * mask mode, else the frame) with alpha = texture alpha x opacity.
 */
static inline void paint_pixel(const row_ctx *rc, int c, int x, uint32_t p[3])
{
    const uint8_t *b = rc->frame ? rc->frame + (size_t)x * 3 : NULL;
    if (rc->kind[c] == PAINT_BASE) {
        p[0] = b ? b[0] : 0;
        p[1] = b ? b[1] : 0;
        p[2] = b ? b[2] : 0;
        return;
    }
    int tx = rc->tcol[c][x];
    const uint8_t *t = rc->trgb[c] + tx * 3;
    if (rc->kind[c] == PAINT_DIRECT) {
        p[0] = t[0];
        p[1] = t[1];
        p[2] = t[2];
        return;
    }
    uint32_t a = rc->talpha[c] ? rc->talpha[c][tx] : 255;
    a = div255(a * rc->opacity[c]);
    for (int k = 0; k < 3; k++)
        p[k] = div255(t[k] * a + (b ? b[k] : 0) * (255 - a));
}

/* A run of columns [x0, x1) wholly owned by category c. */
static void run_pure(const row_ctx *rc, int c, int x0, int x1)
{
    const render_layer *L = &rc->r->layers[c];
    uint8_t *o = rc->out + (size_t)x0 * 3;
    size_t bytes = (size_t)(x1 - x0) * 3;
    if (rc->kind[c] == PAINT_BASE) {
        if (!rc->frame)
            memset(o, 0, bytes);
        else if (rc->frame != rc->out)
            memcpy(o, rc->frame + (size_t)x0 * 3, bytes);
        return;
    }
    if (rc->kind[c] == PAINT_DIRECT && (rc->row >> c & 1)) {
        memcpy(o, rc->trgb[c] + (size_t)x0 * 3, bytes);
        return;
    }
    if (rc->kind[c] == PAINT_DIRECT) {
        /* Opaque paint: copy tile row segments, wrapping at the tile width. */
        const uint8_t *trow = rc->trgb[c];
        int tx = rc->r->tile_col[c][x0], left = x1 - x0;
        while (left > 0) {
            int n = L->tw - tx < left ? L->tw - tx : left;
            memcpy(o, trow + (size_t)tx * 3, (size_t)n * 3);
            o += (size_t)n * 3;
            left -= n;
            tx = 0;
        }
        return;
    }
    for (int x = x0; x < x1; x++, o += 3) {
        uint32_t p[3];
        paint_pixel(rc, c, x, p);
        o[0] = (uint8_t)p[0];
        o[1] = (uint8_t)p[1];
        o[2] = (uint8_t)p[2];
    }
}

/* (acc + 32640) / 65280 for acc < 2^24: the final rounding of the weighted mix. */
static inline uint8_t mix_round(uint32_t acc) { return (uint8_t)((acc + 32640) / 65280); }

/* The copy-only mix of n categories over columns [x0, x1), written from `o` on. */
static inline __attribute__((always_inline)) void copy_mix(uint8_t *o, const uint16_t *col_f, int x0, int x1, int n,
                                                          const uint32_t *L, const uint32_t *R,
                                                          const uint8_t *const *src, const uint16_t *const *col)
{
    for (int x = x0; x < x1; x++, o += 3) {
        uint32_t fx = col_f[x], gx = 256 - fx;
        uint32_t acc0 = 0, acc1 = 0, acc2 = 0;
        for (int i = 0; i < n; i++) {
            uint32_t w = (L[i] * gx + R[i] * fx) >> 8;
            const uint8_t *t = src[i] + (size_t)col[i][x] * 3;
            acc0 += w * t[0];
            acc1 += w * t[1];
            acc2 += w * t[2];
        }
        o[0] = mix_round(acc0);
        o[1] = mix_round(acc1);
        o[2] = mix_round(acc2);
    }
}

#if defined(__x86_64__)
/*
 * The vertical half of a border run's bilinear weights, once per model
 * column j0..j1 for each category in `all` that paints something (a black
 * source adds 0): vw row k holds category cat[k]'s q(m0) (256 - fy) +
 * q(m1) fy. Returns how many rows. Shared by the run mixes' SIMD levels.
 */
static int run_vweights(const row_ctx *rc, const model_px *m0, const model_px *m1, uint32_t fy, unsigned all, int j0,
                        int j1, uint32_t *vw, int cat[SEGTEX_CATEGORY_COUNT])
{
    const size_t vstride = (size_t)rc->r->cfg.model_width + 16;
    uint32_t gy = 256 - fy;
    int n = 0;
    for (unsigned m = all; m; m &= m - 1) {
        int c = __builtin_ctz(m);
        if (!rc->src[c])
            continue; /* black: adds 0 */
        uint32_t *v = vw + (size_t)n * vstride;
        for (int j = j0; j <= j1; j++)
            v[j - j0] = m0[j].q[c] * gy + m1[j].q[c] * fy;
        cat[n++] = c;
    }
    return n;
}

/*
 * mixed_span's copy-only mix over a whole run of border spans, columns
 * [x0, x1), 16 at a time (AVX-512 F, BW, VL, VBMI; when no paint present
 * is PAINT_BLEND). Per model column j of the run and category c, the
 * vertical half V_c[j] = q_c(row m0, j) gy + q_c(row m1, j) fy is made once;
 * column x then takes W_c = V_c[m0(x)] gx + V_c[m1(x)] fx, exactly the
 * span's L_c gx + R_c fx (a category absent from a span has V = 0 at both
 * its corners and adds nothing), by a permute of a 16-column window of V_c
 * (the configure check: 16 output columns reach at most 16 model columns).
 * A paint read through the identity column table (a row buffer, the frame),
 * or through a tile's where its 16 columns are consecutive, is loaded;
 * where a tile wraps, gathered as 4-byte words (RENDER_TILE_SLACK). The
 * final (acc + 32640) / 65280 as ((acc + 32640) >> 8) * 32897 >> 23, exact
 * for every acc up to 255 * 65280 (checked exhaustively). Bit for bit the
 * scalar mix. `vw`: SEGTEX_CATEGORY_COUNT x (model width + 16) words.
 */
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vbmi"))) static void
mix_run_avx512(const row_ctx *rc, const model_px *m0, const model_px *m1, uint32_t fy, unsigned all, int j0, int j1,
               int x0, int x1, uint32_t *vw)
{
    const segtex_renderer *r = rc->r;
    const size_t vstride = (size_t)r->cfg.model_width + 16;
    int cat[SEGTEX_CATEGORY_COUNT], n = run_vweights(rc, m0, m1, fy, all, j0, j1, vw, cat);
    const __m512i unpack = RGB48_UNPACK_512();
    const __m512i pack = RGB48_PACK_512();
    const __m512i B255 = _mm512_set1_epi32(255), C256 = _mm512_set1_epi32(256), RND = _mm512_set1_epi32(32640);
    const __m512i K = _mm512_set1_epi32(32897);
    uint8_t *o = rc->out + (size_t)x0 * 3;
    for (int x = x0; x < x1; x += 16, o += 48) {
        int left = x1 - x;
        __mmask16 lanes = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
        __mmask64 bytes = left >= 16 ? (__mmask64)0xffffffffffffull : (__mmask64)((1ull << (3 * left)) - 1);
        __m512i fx = _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(lanes, r->col_f + x));
        __m512i gx = _mm512_sub_epi32(C256, fx);
        int base = r->col_m0[x];
        __m512i i0 = _mm512_sub_epi32(_mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(lanes, r->col_m0 + x)),
                                      _mm512_set1_epi32(base));
        __m512i i1 = _mm512_sub_epi32(_mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(lanes, r->col_m1 + x)),
                                      _mm512_set1_epi32(base));
        /* Lanes past x1 read column x1 - 1's model columns: in the window, never stored. */
        i0 = _mm512_mask_mov_epi32(_mm512_setzero_si512(), lanes, i0);
        i1 = _mm512_mask_mov_epi32(_mm512_setzero_si512(), lanes, i1);
        __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0;
        for (int i = 0; i < n; i++) {
            int c = cat[i];
            __m512i win = _mm512_loadu_si512(vw + (size_t)i * vstride + (base - j0));
            __m512i w = _mm512_srli_epi32(_mm512_add_epi32(_mm512_mullo_epi32(_mm512_permutexvar_epi32(i0, win), gx),
                                                           _mm512_mullo_epi32(_mm512_permutexvar_epi32(i1, win), fx)),
                                          8);
            const uint16_t *col = rc->col[c];
            const uint8_t *src = rc->src[c];
            __m512i t;
            int last = x + (left >= 16 ? 15 : left - 1);
            if (col == r->ident_col || col[last] - col[x] == last - x) {
                t = _mm512_permutexvar_epi8(unpack, _mm512_maskz_loadu_epi8(bytes, src + (size_t)col[x] * 3));
            } else {
                __m512i cc = _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(lanes, col + x));
                cc = _mm512_add_epi32(cc, _mm512_add_epi32(cc, cc));
                t = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), lanes, cc, src, 1);
            }
            a0 = _mm512_add_epi32(a0, _mm512_mullo_epi32(w, _mm512_and_si512(t, B255)));
            a1 = _mm512_add_epi32(a1, _mm512_mullo_epi32(w, _mm512_and_si512(_mm512_srli_epi32(t, 8), B255)));
            a2 = _mm512_add_epi32(a2, _mm512_mullo_epi32(w, _mm512_and_si512(_mm512_srli_epi32(t, 16), B255)));
        }
        a0 = _mm512_srli_epi32(_mm512_mullo_epi32(_mm512_srli_epi32(_mm512_add_epi32(a0, RND), 8), K), 23);
        a1 = _mm512_srli_epi32(_mm512_mullo_epi32(_mm512_srli_epi32(_mm512_add_epi32(a1, RND), 8), K), 23);
        a2 = _mm512_srli_epi32(_mm512_mullo_epi32(_mm512_srli_epi32(_mm512_add_epi32(a2, RND), 8), K), 23);
        __m512i p = _mm512_or_si512(a0, _mm512_or_si512(_mm512_slli_epi32(a1, 8), _mm512_slli_epi32(a2, 16)));
        _mm512_mask_storeu_epi8(o, bytes, _mm512_permutexvar_epi8(pack, p));
    }
}
/*
 * mix_run_avx512's mix 8 columns at a time (AVX2; the configure check: 8
 * output columns reach at most 8 model columns): the same vertical halves,
 * the horizontal by a permute of an 8-word window, texels loaded (24 bytes
 * spread to words by a byte shuffle) or gathered, the same exact rounding.
 * The last x1 - x0 mod 8 columns one at a time from the same halves. Bit
 * for bit the scalar mix.
 */
__attribute__((target("avx2"))) static void mix_run_avx2(const row_ctx *rc, const model_px *m0, const model_px *m1,
                                                        uint32_t fy, unsigned all, int j0, int j1, int x0, int x1,
                                                        uint32_t *vw)
{
    const segtex_renderer *r = rc->r;
    const size_t vstride = (size_t)r->cfg.model_width + 16;
    int cat[SEGTEX_CATEGORY_COUNT], n = run_vweights(rc, m0, m1, fy, all, j0, j1, vw, cat);
    /* 24 bytes (the low 16 in the low half, bytes 12-23 in the high half) to 8 words. */
    const __m256i unpack = RGB24_UNPACK_256();
    const __m256i pack = RGB24_PACK_256();
    const __m256i join = RGB24_JOIN_256();
    const __m256i B255 = _mm256_set1_epi32(255), C256 = _mm256_set1_epi32(256), RND = _mm256_set1_epi32(32640);
    const __m256i K = _mm256_set1_epi32(32897);
    uint8_t *o = rc->out + (size_t)x0 * 3;
    int x = x0;
    for (; x + 8 <= x1; x += 8, o += 24) {
        __m256i fx = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(const void *)(r->col_f + x)));
        __m256i gx = _mm256_sub_epi32(C256, fx);
        int base = r->col_m0[x];
        __m256i B = _mm256_set1_epi32(base);
        __m256i i0 = _mm256_sub_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(const void *)(r->col_m0 + x))), B);
        __m256i i1 = _mm256_sub_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(const void *)(r->col_m1 + x))), B);
        __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0;
        for (int i = 0; i < n; i++) {
            int c = cat[i];
            __m256i win = _mm256_loadu_si256((const __m256i *)(const void *)(vw + (size_t)i * vstride + (base - j0)));
            __m256i w = _mm256_srli_epi32(_mm256_add_epi32(_mm256_mullo_epi32(_mm256_permutevar8x32_epi32(win, i0), gx),
                                                           _mm256_mullo_epi32(_mm256_permutevar8x32_epi32(win, i1), fx)),
                                          8);
            const uint16_t *col = rc->col[c];
            const uint8_t *src = rc->src[c];
            __m256i t;
            if (col == r->ident_col || col[x + 7] - col[x] == 7) {
                const uint8_t *p = src + (size_t)col[x] * 3;
                __m128i lo = _mm_loadu_si128((const __m128i *)(const void *)p);
                __m128i hi = _mm_loadl_epi64((const __m128i *)(const void *)(p + 16));
                t = _mm256_shuffle_epi8(_mm256_set_m128i(_mm_alignr_epi8(hi, lo, 12), lo), unpack);
            } else {
                __m256i cc = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(const void *)(col + x)));
                cc = _mm256_add_epi32(cc, _mm256_add_epi32(cc, cc));
                t = _mm256_i32gather_epi32((const int *)(const void *)src, cc, 1);
            }
            a0 = _mm256_add_epi32(a0, _mm256_mullo_epi32(w, _mm256_and_si256(t, B255)));
            a1 = _mm256_add_epi32(a1, _mm256_mullo_epi32(w, _mm256_and_si256(_mm256_srli_epi32(t, 8), B255)));
            a2 = _mm256_add_epi32(a2, _mm256_mullo_epi32(w, _mm256_and_si256(_mm256_srli_epi32(t, 16), B255)));
        }
        a0 = _mm256_srli_epi32(_mm256_mullo_epi32(_mm256_srli_epi32(_mm256_add_epi32(a0, RND), 8), K), 23);
        a1 = _mm256_srli_epi32(_mm256_mullo_epi32(_mm256_srli_epi32(_mm256_add_epi32(a1, RND), 8), K), 23);
        a2 = _mm256_srli_epi32(_mm256_mullo_epi32(_mm256_srli_epi32(_mm256_add_epi32(a2, RND), 8), K), 23);
        __m256i p = _mm256_or_si256(a0, _mm256_or_si256(_mm256_slli_epi32(a1, 8), _mm256_slli_epi32(a2, 16)));
        p = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(p, pack), join);
        _mm_storeu_si128((__m128i *)(void *)o, _mm256_castsi256_si128(p));
        _mm_storel_epi64((__m128i *)(void *)(o + 16), _mm256_extracti128_si256(p, 1));
    }
    for (; x < x1; x++, o += 3) {
        uint32_t fx = r->col_f[x], gx = 256 - fx, acc0 = 0, acc1 = 0, acc2 = 0;
        for (int i = 0; i < n; i++) {
            const uint32_t *v = vw + (size_t)i * vstride - j0;
            uint32_t w = (v[r->col_m0[x]] * gx + v[r->col_m1[x]] * fx) >> 8;
            const uint8_t *t = rc->src[cat[i]] + (size_t)rc->col[cat[i]][x] * 3;
            acc0 += w * t[0];
            acc1 += w * t[1];
            acc2 += w * t[2];
        }
        o[0] = mix_round(acc0);
        o[1] = mix_round(acc1);
        o[2] = mix_round(acc2);
    }
}
#endif

/*
 * Columns [x0, x1) of a border span (corners a b / c d): the weighted mix
 * of every category present. The vertical half of the bilinear weights is
 * done once per span: W_c = (L_c * gx + R_c * fx), exactly the bilinear
 * weight (sum 255 << 16), used as W_c >> 8 so sums fit 32 bits.
 */
static void mixed_span(const row_ctx *rc, const model_px *a, const model_px *b, const model_px *cc,
                       const model_px *d, uint32_t fy, int x0, int x1)
{
    uint32_t gy = 256 - fy;
    unsigned mask = a->mask | b->mask | cc->mask | d->mask;
    const uint16_t *col_f = rc->r->col_f;
    uint8_t *o = rc->out + (size_t)x0 * 3;
    if (!(mask & rc->blend)) {
        /*
         * Every paint present is a plain copy (a tile row or the frame row)
         * or black: sum w * texel over the categories with a source only; a
         * black paint adds 0 to every sum.
         */
        int n = 0;
        uint32_t L[SEGTEX_CATEGORY_COUNT], R[SEGTEX_CATEGORY_COUNT];
        const uint8_t *src[SEGTEX_CATEGORY_COUNT];
        const uint16_t *col[SEGTEX_CATEGORY_COUNT];
        for (int c = 0; mask; c++, mask >>= 1) {
            if (!(mask & 1) || !rc->src[c])
                continue;
            L[n] = a->q[c] * gy + cc->q[c] * fy;
            R[n] = b->q[c] * gy + d->q[c] * fy;
            src[n] = rc->src[c];
            col[n] = rc->col[c];
            n++;
        }
        /* Constant counts let the compiler unroll the category loop (two is the common border). */
        switch (n) {
        case 1:
            copy_mix(o, col_f, x0, x1, 1, L, R, src, col);
            break;
        case 2:
            copy_mix(o, col_f, x0, x1, 2, L, R, src, col);
            break;
        case 3:
            copy_mix(o, col_f, x0, x1, 3, L, R, src, col);
            break;
        default:
            copy_mix(o, col_f, x0, x1, n, L, R, src, col);
            break;
        }
        return;
    }
    int n = 0, cat[SEGTEX_CATEGORY_COUNT];
    uint32_t L[SEGTEX_CATEGORY_COUNT], R[SEGTEX_CATEGORY_COUNT];
    for (int c = 0; mask; c++, mask >>= 1) {
        if (!(mask & 1))
            continue;
        uint32_t l = a->q[c] * gy + cc->q[c] * fy, r = b->q[c] * gy + d->q[c] * fy;
        if (l | r) {
            cat[n] = c;
            L[n] = l;
            R[n] = r;
            n++;
        }
    }
    for (int x = x0; x < x1; x++, o += 3) {
        uint32_t fx = col_f[x], gx = 256 - fx;
        uint32_t acc0 = 0, acc1 = 0, acc2 = 0;
        for (int i = 0; i < n; i++) {
            uint32_t w = (L[i] * gx + R[i] * fx) >> 8, p[3];
            paint_pixel(rc, cat[i], x, p);
            acc0 += w * p[0];
            acc1 += w * p[1];
            acc2 += w * p[2];
        }
        o[0] = mix_round(acc0);
        o[1] = mix_round(acc1);
        o[2] = mix_round(acc2);
    }
}

/*
 * Range weights of the guided upsampling by luma difference: a Gaussian of
 * sigma 32 levels plus 0.1, so a pixel unlike all four corners still gets
 * their bilinear mix and texture inside a category moves borders little
 * (sigma 8..64 and floors 0.001..0.1 were tried on the labelled astronaut
 * and a synthetic picture: see tests/test_render_edges.c).
 */
static float range_weight[256];

static void init_range_weights(void)
{
    for (int d = 0; d < 256; d++)
        range_weight[d] = expf(-(float)(d * d) / (2.0f * 32.0f * 32.0f)) + 0.1f;
}

/*
 * mixed_span with GUIDED edges (joint bilateral upsampling): corner k's
 * bilinear weight times range_weight[|luma(frame x) - guide_k|],
 * renormalized, in float; then the same weighted mix of P_c. Border spans
 * only, so the cost is a few per cent of the pixels.
 */
static void mixed_span_guided(const row_ctx *rc, const model_px *const *corner, const uint8_t *g, uint32_t fy,
                              int x0, int x1)
{
    unsigned mask = corner[0]->mask | corner[1]->mask | corner[2]->mask | corner[3]->mask;
    int n = 0, cat[SEGTEX_CATEGORY_COUNT];
    for (int c = 0; mask; c++, mask >>= 1)
        if (mask & 1)
            cat[n++] = c;
    const uint16_t *col_f = rc->r->col_f;
    uint8_t *o = rc->out + (size_t)x0 * 3;
    float wy[2] = {(256.0f - fy) / 256.0f, fy / 256.0f};
    for (int x = x0; x < x1; x++, o += 3) {
        float fx = col_f[x] / 256.0f, wx[2] = {1.0f - fx, fx};
        int Y = (int)luma8(rc->guide_frame + (size_t)x * 3);
        float w[4], total = 0;
        for (int k = 0; k < 4; k++) {
            w[k] = wx[k & 1] * wy[k >> 1] * range_weight[abs(Y - g[k])];
            total += w[k];
        }
        float inv = 1.0f / total, acc0 = 0, acc1 = 0, acc2 = 0;
        for (int i = 0; i < n; i++) {
            int c = cat[i];
            float wc = (w[0] * corner[0]->q[c] + w[1] * corner[1]->q[c] + w[2] * corner[2]->q[c] +
                        w[3] * corner[3]->q[c]) * inv;
            uint32_t p[3];
            paint_pixel(rc, c, x, p);
            acc0 += wc * p[0], acc1 += wc * p[1], acc2 += wc * p[2];
        }
        o[0] = (uint8_t)(acc0 * (1.0f / 255.0f) + 0.5f);
        o[1] = (uint8_t)(acc1 * (1.0f / 255.0f) + 0.5f);
        o[2] = (uint8_t)(acc2 * (1.0f / 255.0f) + 0.5f);
    }
}

/*
 * Per span of one pair of model rows: the category owning all four corners,
 * or NOT_PURE. Output rows that share the pair (about 3 at 720p from 256)
 * share this. `owner` has span_count + 8 bytes; the 8 after the end are set
 * to NOT_PURE ^ 1 so a run scan always stops there.
 */
#if defined(__x86_64__)
/*
 * classify_spans 16 spans at a time (AVX-512 F, BW, VL) when span k is
 * model columns (k, k + 1) (the last one (k, k)): the pure bytes of 16
 * model pixels and of their right neighbours compared at once. Returns the
 * spans done.
 */
__attribute__((target("avx512f,avx512bw,avx512vl"))) static int classify_avx512(const model_px *m0,
                                                                                 const model_px *m1, int mw,
                                                                                 uint8_t *owner)
{
    int s = 0;
    for (; s + 17 <= mw; s += 16) {
#define PURE(p) _mm_unpacklo_epi64(_mm512_cvtepi64_epi8(_mm512_srli_epi64(_mm512_loadu_si512((p)), 48)), \
                                   _mm512_cvtepi64_epi8(_mm512_srli_epi64(_mm512_loadu_si512((p) + 8), 48)))
        __m128i a = PURE(m0 + s), b = PURE(m0 + s + 1), c = PURE(m1 + s), d = PURE(m1 + s + 1);
#undef PURE
        __mmask16 same = _mm_cmpeq_epi8_mask(a, b) & _mm_cmpeq_epi8_mask(a, c) & _mm_cmpeq_epi8_mask(a, d);
        _mm_storeu_si128((__m128i *)(void *)(owner + s), _mm_mask_mov_epi8(_mm_set1_epi8((char)NOT_PURE), same, a));
    }
    return s;
}

/*
 * The same 4 spans at a time (AVX2): the 4 model pixels of each corner
 * loaded as 4 words of 8 bytes, the pure bytes (byte 6) compared in place,
 * the 4 results moved together.
 */
__attribute__((target("avx2"))) static int classify_avx2(const model_px *m0, const model_px *m1, int mw,
                                                        uint8_t *owner)
{
    const __m256i PURE = _mm256_set1_epi64x((long long)0x00ff000000000000ull);
    const __m256i NP = _mm256_set1_epi64x((long long)((uint64_t)NOT_PURE << 48));
    /* Byte 6 of each word: words 0, 1 to bytes 0, 1 (low half), words 2, 3 to bytes 2, 3 (high half). */
    const __m256i pick = _mm256_setr_epi8(6, 14, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 6,
                                          14, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
    int s = 0;
    for (; s + 5 <= mw; s += 4) {
#define LD(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
        __m256i a = LD(m0 + s), b = LD(m0 + s + 1), c = LD(m1 + s), d = LD(m1 + s + 1);
#undef LD
        __m256i diff = _mm256_or_si256(_mm256_xor_si256(a, b), _mm256_or_si256(_mm256_xor_si256(a, c), _mm256_xor_si256(a, d)));
        __m256i same = _mm256_cmpeq_epi64(_mm256_and_si256(diff, PURE), _mm256_setzero_si256());
        __m256i r = _mm256_shuffle_epi8(_mm256_blendv_epi8(NP, a, same), pick);
        uint32_t four = (uint32_t)_mm_cvtsi128_si32(_mm_or_si128(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1)));
        memcpy(owner + s, &four, 4);
    }
    return s;
}
#endif

static void classify_spans(const segtex_renderer *r, int y, uint8_t *owner)
{
    int mw = r->cfg.model_width;
    const model_px *m0 = r->model + (size_t)r->row_m0[y] * mw;
    const model_px *m1 = r->model + (size_t)r->row_m1[y] * mw;
    int s = 0;
#if defined(__x86_64__)
    if (r->classify_avx512)
        s = classify_avx512(m0, m1, mw, owner);
    else if (r->classify_avx2)
        s = classify_avx2(m0, m1, mw, owner);
#endif
    for (; s < r->span_count; s++) {
        const span *sp = &r->spans[s];
        int o = m0[sp->m0].pure;
        int same = (m0[sp->m1].pure == o) & (m1[sp->m0].pure == o) & (m1[sp->m1].pure == o);
        owner[s] = same ? (uint8_t)o : NOT_PURE;
    }
    memset(owner + r->span_count, NOT_PURE ^ 1, 8);
}

/*
 * P_c over [x0, x1) in place: the texels blended over the base (the frame
 * row, or black without one) with alpha = texel alpha x opacity, by the
 * same formula as paint_pixel, so the fast path stays exact. Without a texel
 * alpha the alpha is one constant and the loop is plain bytes (vectorized).
 */
#if defined(__x86_64__)
/* blend_row's bytes without a texel alpha, 32 at a time (AVX-512 BW): the same 16-bit arithmetic. */
__attribute__((target("avx512f,avx512bw,avx512vl"))) static void blend_bytes_avx512(uint8_t *t, const uint8_t *f,
                                                                                    size_t n, uint16_t a, uint16_t b)
{
    const __m512i A = _mm512_set1_epi16((short)a), B = _mm512_set1_epi16((short)b), R = _mm512_set1_epi16(128);
    for (size_t k = 0; k < n; k += 32) {
        __mmask32 m = n - k >= 32 ? ~(__mmask32)0 : (((__mmask32)1 << (n - k)) - 1);
        __m512i w = _mm512_add_epi16(_mm512_mullo_epi16(_mm512_cvtepu8_epi16(_mm256_maskz_loadu_epi8(m, t + k)), A), R);
        if (f)
            w = _mm512_add_epi16(w, _mm512_mullo_epi16(_mm512_cvtepu8_epi16(_mm256_maskz_loadu_epi8(m, f + k)), B));
        w = _mm512_srli_epi16(_mm512_add_epi16(w, _mm512_srli_epi16(w, 8)), 8);
        _mm256_mask_storeu_epi8(t + k, m, _mm512_cvtepi16_epi8(w));
    }
}

/* The same 32 bytes at a time (AVX2): the first n - n mod 32 bytes; returns them. */
__attribute__((target("avx2"))) static size_t blend_bytes_avx2(uint8_t *t, const uint8_t *f, size_t n, uint16_t a,
                                                              uint16_t b)
{
    const __m256i A = _mm256_set1_epi16((short)a), B = _mm256_set1_epi16((short)b), R = _mm256_set1_epi16(128);
    const __m256i Z = _mm256_setzero_si256();
    size_t k = 0;
    for (; k + 32 <= n; k += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(t + k));
        __m256i lo = _mm256_add_epi16(_mm256_mullo_epi16(_mm256_unpacklo_epi8(v, Z), A), R);
        __m256i hi = _mm256_add_epi16(_mm256_mullo_epi16(_mm256_unpackhi_epi8(v, Z), A), R);
        if (f) {
            __m256i g = _mm256_loadu_si256((const __m256i *)(const void *)(f + k));
            lo = _mm256_add_epi16(lo, _mm256_mullo_epi16(_mm256_unpacklo_epi8(g, Z), B));
            hi = _mm256_add_epi16(hi, _mm256_mullo_epi16(_mm256_unpackhi_epi8(g, Z), B));
        }
        lo = _mm256_srli_epi16(_mm256_add_epi16(lo, _mm256_srli_epi16(lo, 8)), 8);
        hi = _mm256_srli_epi16(_mm256_add_epi16(hi, _mm256_srli_epi16(hi, 8)), 8);
        _mm256_storeu_si256((__m256i *)(void *)(t + k), _mm256_packus_epi16(lo, hi));
    }
    return k;
}
#endif

static void blend_row(const segtex_renderer *r, uint8_t *rgb, const uint8_t *alpha, const uint8_t *base,
                      uint32_t opacity, int x0, int x1)
{
    uint8_t *t = rgb + (size_t)x0 * 3;
    size_t n = (size_t)(x1 - x0) * 3;
#if defined(__x86_64__)
    if (!alpha && r->use_avx512) {
        blend_bytes_avx512(t, base ? base + (size_t)x0 * 3 : NULL, n, (uint16_t)opacity, (uint16_t)(255 - opacity));
        return;
    }
    if (!alpha && r->use_avx2) {
        size_t done = blend_bytes_avx2(t, base ? base + (size_t)x0 * 3 : NULL, n, (uint16_t)opacity,
                                       (uint16_t)(255 - opacity));
        t += done, n -= done;
        base = base ? base + done : NULL; /* the frame's bytes under t, less x0 * 3 */
    }
#else
    (void)r;
#endif
    if (!alpha) {
        /*
         * In 16-bit lanes: with w = v + 128 <= 65153, (w + (w >> 8)) >> 8 is
         * div255(v) for every v <= 255 * 255 (checked exhaustively).
         */
        const uint16_t a = (uint16_t)opacity, b = (uint16_t)(255 - a);
        if (base) {
            const uint8_t *f = base + (size_t)x0 * 3;
            for (size_t k = 0; k < n; k++) {
                uint16_t w = (uint16_t)((uint16_t)(t[k] * a) + (uint16_t)(f[k] * b) + 128);
                t[k] = (uint8_t)((uint16_t)(w + (w >> 8)) >> 8);
            }
        } else {
            for (size_t k = 0; k < n; k++) {
                uint16_t w = (uint16_t)((uint16_t)(t[k] * a) + 128);
                t[k] = (uint8_t)((uint16_t)(w + (w >> 8)) >> 8);
            }
        }
        return;
    }
    for (int x = x0; x < x1; x++, t += 3) {
        uint32_t a = div255(alpha[x] * opacity), b = 255 - a;
        const uint8_t *f = base ? base + (size_t)x * 3 : NULL;
        for (int k = 0; k < 3; k++)
            t[k] = (uint8_t)div255(t[k] * a + (f ? f[k] : 0) * b);
    }
}


/*
 * MESH: over the face transform already in rgb/alpha (indexed by x), each
 * face's texture through its mesh UVs, weighted by the map's coverage (the
 * face-skin probability weighs the whole paint in the mix, so hair in front
 * of the face stays hair). Texture point, in tile pixels: mesh_scale x
 * ((u, v) - (u, v) of the nose tip) + the paint's offset: the face anchor's
 * scale, so the two have the same density where the mesh fades out at the
 * oval (the face anchor's origin is the centroid of eight rigid landmarks
 * around the nose, a few texels from the tip). The nearest texel, as the affine
 * anchors take. Face 0 is drawn last, on top.
 */

static void mesh_fill(const segtex_renderer *r, const render_layer *L, const face_uv_map *maps, int y, int x0,
                      int x1, uint8_t *rgb, uint8_t *alpha)
{
    const int tw = L->tw, th = L->th;
    const float k = r->mesh_scale, itw = 1.0f / (float)tw, ith = 1.0f / (float)th;
    /* Biased by whole tiles so every point is positive (|u|, |v| stay under 2 on the rim). */
    float bu = (float)tw * ceilf(2 * k * itw + 1), bv = (float)th * ceilf(2 * k * ith + 1);
    float ou = (float)L->offset_x - k * r->mesh_origin[0] + bu, ov = (float)L->offset_y - k * r->mesh_origin[1] + bv;
    for (int f = r->mesh_faces - 1; f >= 0; f--) {
        const face_uv_map *m = &maps[f];
        const face_uv_texel *row = face_uv_map_row(m, y);
        if (!row)
            continue;
        int a = x0 > m->x0 ? x0 : m->x0, b = x1 < m->x0 + m->width ? x1 : m->x0 + m->width;
        if (b > a)
            mesh_paint_row(row + (a - m->x0), b - a, k, ou, ov, L, rgb + (size_t)a * 3, alpha ? alpha + a : NULL,
                           r->simd_level);
    }
}

/* Write the row paint of category c for output row y, columns [x0, x1), into rgb/alpha (indexed by x). */
static void fill_row_paint(const segtex_renderer *r, const face_uv_map *maps, int c, int y, int x0, int x1,
                           uint8_t *rgb, uint8_t *alpha)
{
    const render_layer *L = &r->layers[c];
    const uint8_t *talpha = NULL;
    if (r->source[c] == SOURCE_TILE) {
        /* The screen tile's row, copied in segments that wrap at the tile width. */
        int ty = (y + L->offset_y) % L->th, tx = r->tile_col[c][x0];
        const uint8_t *trow = L->rgb + (size_t)ty * L->tw * 3, *arow = L->alpha ? L->alpha + (size_t)ty * L->tw : NULL;
        for (int x = x0; x < x1;) {
            int n = L->tw - tx < x1 - x ? L->tw - tx : x1 - x;
            memcpy(rgb + (size_t)x * 3, trow + (size_t)tx * 3, (size_t)n * 3);
            if (arow)
                memcpy(alpha + x, arow + tx, (size_t)n);
            x += n;
            tx = 0;
        }
        talpha = arow ? alpha : NULL;
    } else if (r->source[c] == SOURCE_TINT) {
        const uint8_t *f = r->src->data + (ptrdiff_t)y * r->src->stride, *lut = L->tint;
        for (int x = x0; x < x1; x++) {
            const uint8_t *t = lut + luma8(f + (size_t)x * 3) * 3;
            rgb[x * 3] = t[0], rgb[x * 3 + 1] = t[1], rgb[x * 3 + 2] = t[2];
        }
    } else if (r->source[c] == SOURCE_BLUR) {
        blur_fill_row(&r->blur, y, x0, x1, rgb + (size_t)x0 * 3);
    } else {
        r->fill(L, &r->xf[c], y, x0, x1, rgb + (size_t)x0 * 3, L->alpha ? alpha + x0 : NULL);
        if (r->source[c] == SOURCE_MESH)
            mesh_fill(r, L, maps, y, x0, x1, rgb, L->alpha ? alpha : NULL);
        talpha = L->alpha ? alpha : NULL;
    }
    if (r->blended >> c & 1) {
        const uint8_t *base = r->cfg.mode == SEGTEX_RENDER_MASK ? NULL : r->frame->data + (ptrdiff_t)y * r->frame->stride;
        blend_row(r, rgb, talpha, base, r->opacity[c], x0, x1);
    }
}

/* First index >= s whose owner differs from owner[s] (the guard bytes end every run). */
static inline int run_end(const uint8_t *owner, int s)
{
    uint64_t pat = 0x0101010101010101ull * owner[s];
    for (int e = s + 1;; e += 8) {
        uint64_t w;
        memcpy(&w, owner + e, 8);
        w ^= pat;
        if (w)
            return e + __builtin_ctzll(w) / 8;
    }
}

static void render_row(const segtex_renderer *r, int y, const uint8_t *owner, uint8_t *rowbuf, const face_uv_map *maps)
{
    const segtex_render_config *cfg = &r->cfg;
    row_ctx rc;
    rc.r = r;
    rc.out = r->out->data + (ptrdiff_t)y * r->out->stride;
    rc.frame = cfg->mode == SEGTEX_RENDER_MASK ? NULL : r->frame->data + (ptrdiff_t)y * r->frame->stride;
    rc.blend = 0;
    rc.row = 0;
    rc.guide_frame = r->guide && r->src ? r->src->data + (ptrdiff_t)y * r->src->stride : NULL;
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        const render_layer *L = &r->layers[c];
        if (r->rowpaint >> c & 1) {
            /* Filled per border run below with P_c itself (blended over the base where needed): a plain copy source. */
            rc.trgb[c] = rowbuf + (size_t)c * cfg->width * 4;
            rc.talpha[c] = NULL;
            rc.tcol[c] = r->ident_col;
            rc.row |= 1u << c;
        } else {
            int ty = (y + L->offset_y) % L->th;
            rc.trgb[c] = L->rgb + (size_t)ty * L->tw * 3;
            rc.talpha[c] = L->alpha ? L->alpha + (size_t)ty * L->tw : NULL;
            rc.tcol[c] = r->tile_col[c];
        }
        rc.opacity[c] = cfg->mode == SEGTEX_RENDER_OVERLAY ? L->opacity : 255;
        rc.kind[c] = !L->enabled                                   ? PAINT_BASE
                     : (rc.row >> c & 1) || (!L->alpha && rc.opacity[c] == 255) ? PAINT_DIRECT
                                                                                : PAINT_BLEND;
        rc.src[c] = rc.kind[c] == PAINT_DIRECT ? rc.trgb[c] : rc.kind[c] == PAINT_BASE ? rc.frame : NULL;
        rc.col[c] = rc.kind[c] == PAINT_DIRECT ? rc.tcol[c] : r->ident_col;
        rc.blend |= (unsigned)(rc.kind[c] == PAINT_BLEND) << c;
    }
    int mw = cfg->model_width;
    const model_px *m0 = r->model + (size_t)r->row_m0[y] * mw;
    const model_px *m1 = r->model + (size_t)r->row_m1[y] * mw;
    uint32_t fy = r->row_f[y];

    /* A run of a row paint is filled straight into the output, unless blending would read a frame it overwrites. */
    const uint8_t *frame_row = r->frame ? r->frame->data + (ptrdiff_t)y * r->frame->stride : NULL;
    int in_place = frame_row == rc.out;
    uint8_t *alpha = rowbuf + (size_t)SEGTEX_CATEGORY_COUNT * cfg->width * 4;
    for (int s = 0; s < r->span_count;) {
        int e = run_end(owner, s), x0 = r->spans[s].x_begin, x1 = r->spans[e - 1].x_end;
        if (owner[s] != NOT_PURE) {
            int c = owner[s];
            if ((rc.row >> c & 1) && rc.kind[c] != PAINT_BASE) {
                uint8_t *dst = in_place && (r->blended >> c & 1) ? (uint8_t *)rc.trgb[c] : rc.out;
                fill_row_paint(r, maps, c, y, x0, x1, dst, alpha);
                if (dst != rc.out)
                    memcpy(rc.out + (size_t)x0 * 3, dst + (size_t)x0 * 3, (size_t)(x1 - x0) * 3);
            } else {
                run_pure(&rc, c, x0, x1);
            }
        } else {
            /* The row paints present in this run of border spans, filled over it. */
            unsigned all = 0;
            for (int k = s; k < e; k++) {
                const span *sp = &r->spans[k];
                all |= m0[sp->m0].mask | m0[sp->m1].mask | m1[sp->m0].mask | m1[sp->m1].mask;
            }
            unsigned need = all & rc.row;
            for (; need; need &= need - 1) {
                int c = __builtin_ctz(need);
                if (rc.kind[c] != PAINT_BASE)
                    fill_row_paint(r, maps, c, y, x0, x1, (uint8_t *)rc.trgb[c], alpha);
            }
            if (rc.guide_frame) {
                const uint8_t *g0 = r->guide + (size_t)r->row_m0[y] * mw, *g1 = r->guide + (size_t)r->row_m1[y] * mw;
                for (; s < e; s++) {
                    const span *sp = &r->spans[s];
                    const model_px *corner[4] = {&m0[sp->m0], &m0[sp->m1], &m1[sp->m0], &m1[sp->m1]};
                    const uint8_t g[4] = {g0[sp->m0], g0[sp->m1], g1[sp->m0], g1[sp->m1]};
                    mixed_span_guided(&rc, corner, g, fy, sp->x_begin, sp->x_end);
                }
            }
#if defined(__x86_64__)
            if ((r->mix_avx512 || r->mix_avx2) && !(all & rc.blend) && s < e) {
                uint32_t *vw = (uint32_t *)(void *)(rowbuf + (size_t)(SEGTEX_CATEGORY_COUNT + 1) * cfg->width * 4);
                if (r->mix_avx512)
                    mix_run_avx512(&rc, m0, m1, fy, all, r->spans[s].m0, r->spans[e - 1].m1, x0, x1, vw);
                else
                    mix_run_avx2(&rc, m0, m1, fy, all, r->spans[s].m0, r->spans[e - 1].m1, x0, x1, vw);
                s = e;
            }
#endif
            for (; s < e; s++) {
                const span *sp = &r->spans[s];
                mixed_span(&rc, &m0[sp->m0], &m0[sp->m1], &m1[sp->m0], &m1[sp->m1], fy, sp->x_begin, sp->x_end);
            }
        }
        s = e;
    }
}

/*
 * The faces crossing rows [y0, y1) rasterized into the band's texels, one
 * after another (the band's BAND_ROWS x width texels are shared out; faces
 * side by side always fit, a face overlapping others on the same rows past
 * the band's width is left out of it, the same way for any thread count).
 */
static void mesh_band(const segtex_renderer *r, size_t band, int y0, int y1, face_uv_map *maps)
{
    size_t left = (size_t)BAND_ROWS * r->cfg.width;
    face_uv_texel *buf = r->mesh_texels + band * left;
    for (int f = 0; f < r->mesh_faces; f++) {
        face_uv_map *m = &maps[f];
        memset(m, 0, sizeof *m);
        m->texels = buf;
        m->capacity = left;
        if (face_uv_map_view(m, &r->mesh_rect[f], y0, y1) || m->width <= 0 || m->height <= 0) {
            m->width = m->height = 0;
            continue;
        }
        face_uv_rasterize_rows(r->uv[f], m, y0, y1);
        size_t used = (size_t)m->width * m->height;
        buf += used;
        left -= used;
    }
}

static void output_band(void *ctx, size_t band)
{
    segtex_renderer *r = ctx;
    int y0 = (int)band * BAND_ROWS, y1 = y0 + BAND_ROWS < r->cfg.height ? y0 + BAND_ROWS : r->cfg.height;
    /* Span owners of the current pair of model rows: on the stack, so bands share nothing. */
    uint8_t owner[MAX_OUTPUT_SIDE + 8];
    uint8_t *rowbuf = r->rowbuf + band * band_bytes(r->cfg.width, r->cfg.model_width);
    int owner_row = -1;
    face_uv_map maps[SEGTEX_MAX_FACES];
    if (r->mesh_faces)
        mesh_band(r, band, y0, y1, maps);
    for (int y = y0; y < y1; y++) {
        if (r->row_m0[y] != owner_row) {
            classify_spans(r, y, owner);
            owner_row = r->row_m0[y];
        }
        render_row(r, y, owner, rowbuf, maps);
    }
    if (r->marks->face_count || r->marks->pose || r->marks->hand_count)
        landmarks_draw_rows(r->marks, &r->cfg.landmarks, r->out, y0, y1);
}

/*
 * Once per frame, before the bands: which categories are row paints, the
 * anchored ones' transforms (with the paint's offset), and the blur (one per
 * frame, at the largest radius any BLUR category asks for).
 */
static void plan_row_paints(segtex_renderer *r, const segtex_people *people, segtex_threadpool *pool)
{
    anchor_update(&r->anchors, people, r->cfg.width, r->cfg.height);
    r->rowpaint = r->blended = 0;
    int radius = 0, mesh = 0;
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        const render_layer *L = &r->layers[c];
        r->source[c] = SOURCE_TILE;
        r->opacity[c] = r->cfg.mode == SEGTEX_RENDER_OVERLAY ? L->opacity : 255;
        if (!L->enabled)
            continue;
        if ((L->kind == SEGTEX_PAINT_TINT || L->kind == SEGTEX_PAINT_BLUR) && r->src) {
            r->source[c] = L->kind == SEGTEX_PAINT_TINT ? SOURCE_TINT : SOURCE_BLUR;
            r->rowpaint |= 1u << c;
            if (L->kind == SEGTEX_PAINT_BLUR && L->radius > radius)
                radius = L->radius;
        } else if (L->kind == SEGTEX_PAINT_FILL && L->anchor != SEGTEX_ANCHOR_SCREEN &&
                   anchor_resolve(&r->anchors, L->anchor, &r->xf[c])) {
            r->source[c] = L->anchor == SEGTEX_ANCHOR_MESH && r->uv[0] ? SOURCE_MESH : SOURCE_ANCHOR;
            mesh |= r->source[c] == SOURCE_MESH;
            r->xf[c].tx = (float)L->offset_x;
            r->xf[c].ty = (float)L->offset_y;
            r->rowpaint |= 1u << c;
        }
        /* Paints with alpha or opacity are blended once per row into their buffer, a vectorized pass, instead of per pixel and per border weight. */
        if (L->alpha || r->opacity[c] < 255)
            r->blended |= 1u << c, r->rowpaint |= 1u << c;
    }
    if (radius)
        blur_run(&r->blur, r->src, radius, pool);
    /* MESH: each face placed on its own rasterizer (the bands draw them); faces without a mesh draw nothing. */
    r->mesh_faces = 0;
    const segtex_face_result *faces = people ? people->faces : NULL;
    if (mesh && faces && r->mesh_texels) {
        int n = faces->count < SEGTEX_MAX_FACES ? faces->count : SEGTEX_MAX_FACES;
        for (int f = 0; f < n; f++) {
            face_uv_rect *rect = &r->mesh_rect[f];
            if (faces->faces[f].count < SEGTEX_FACE_MESH_POINTS ||
                face_uv_prepare(r->uv[f], &faces->faces[f], r->cfg.width, r->cfg.height, rect) != SEGTEX_OK)
                rect->width = rect->height = 0;
        }
        r->mesh_faces = n;
    }
}

static int check_view(const segtex_image *v, const segtex_render_config *cfg, const char *what)
{
    if (!v || !v->data) {
        LOG_DEBUG("renderer: no %s image", what);
        return 0;
    }
    if (v->channels != 3 || v->width != cfg->width || v->height != cfg->height ||
        v->stride < (ptrdiff_t)v->width * 3) {
        LOG_DEBUG("renderer: %s is %dx%dx%d (stride %td), configured for %dx%dx3", what, v->width, v->height,
                  v->channels, v->stride, cfg->width, cfg->height);
        return 0;
    }
    return 1;
}

segtex_status segtex_renderer_render(segtex_renderer *r, const segtex_image *frame, const segtex_seg_result *seg,
                                     const segtex_people *people, segtex_image *out, segtex_threadpool *pool)
{
    static const segtex_seg_result background = {1, 1, NULL, NULL, 0};
    if (!seg)
        seg = &background;
    if (!r || !r->configured || !check_view(out, &r->cfg, "output"))
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    if (r->cfg.mode != SEGTEX_RENDER_MASK && !check_view(frame, &r->cfg, "frame"))
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    if (seg->width != r->cfg.model_width || seg->height != r->cfg.model_height) {
        LOG_DEBUG("renderer: segmentation is %dx%d, configured for %dx%d", seg->width, seg->height,
                  r->cfg.model_width, r->cfg.model_height);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    const segtex_face_result *faces = people ? people->faces : NULL;
    if (faces && (faces->count < 0 || faces->count > SEGTEX_MAX_FACES))
        return SEGTEX_ERROR_INVALID_ARGUMENT;

    refresh_layers(r);
    landmarks_prepare(r->marks, people, &r->cfg.landmarks, r->cfg.width, r->cfg.height);
    /* TINT and BLUR read the frame; in mask mode it is optional (without it they paint their colour). */
    r->src = r->cfg.mode != SEGTEX_RENDER_MASK || (frame && frame->data && frame->width == r->cfg.width &&
                                                   frame->height == r->cfg.height && frame->channels == 3 &&
                                                   frame->stride >= (ptrdiff_t)frame->width * 3)
                 ? frame
                 : NULL;
    plan_row_paints(r, people, pool);
    r->frame = frame;
    r->out = out;
    r->seg = seg;
    segtex_threadpool_run(pool, model_band, r, (size_t)(r->cfg.model_height + MODEL_BAND_ROWS - 1) / MODEL_BAND_ROWS);
    segtex_threadpool_run(pool, output_band, r, (size_t)(r->cfg.height + BAND_ROWS - 1) / BAND_ROWS);
    r->frame = NULL;
    r->out = NULL;
    r->seg = NULL;
    r->src = NULL;
    return SEGTEX_OK;
}
