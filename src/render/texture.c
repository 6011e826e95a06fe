/*
 * Texture sets: built-in procedural patterns, textures loaded from files,
 * and per category a paint whose texture is scaled once, when the paint
 * changes, into a tile the set owns. The compositor addresses tiles modulo
 * their size, so memory is O(texture), never O(frame).
 */
#include "render/texture.h"
#include "render/render.h"
#include "core/log.h"
#include "segtex/io.h"

#include <assert.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NAME_MAX_LEN 64
#define SOLID_TILE_WIDTH 128
/* Sample columns of one scaling: k * tw <= 2 * SEGTEX_TEXTURE_MAX_SIDE when k > 1, else tw <= 8 * MAX_SIDE. */
#define MAX_SAMPLE_COLUMNS (8 * SEGTEX_TEXTURE_MAX_SIDE)
/* Tiles that randomize may pick, at most, in pixels: each category reserves this once, so randomizing never allocates. */
#define RANDOM_TILE_BUDGET (128 * 1024)

typedef struct texture {
    char name[NAME_MAX_LEN];
    int width, height;
    int channels; /* 1: a procedural pattern (ink coverage), coloured when scaled; 4: RGBA */
    int has_alpha;
    uint8_t *pixels;
} texture;

typedef struct layer_store {
    render_layer view;
    segtex_paint paint;
    int valid;        /* view matches paint */
    uint8_t *rgb;     /* capacity rgb_cap bytes */
    size_t rgb_cap;
    uint8_t *alpha;   /* capacity alpha_cap bytes */
    size_t alpha_cap;
    uint8_t tint[256 * 3]; /* TINT: the colour for each luma */
} layer_store;

/* A picture for IMAGE paints: RGB, packed rows, at most SEGTEX_PICTURE_MAX_SIDE a side. */
typedef struct picture {
    int width, height;
    uint8_t *rgb;
} picture;

struct segtex_texture_set {
    texture *textures;
    int count, capacity;
    layer_store layers[SEGTEX_CATEGORY_COUNT];
    uint64_t generation;
    int reserved; /* randomize reserved RANDOM_TILE_BUDGET per category */
    picture *pictures;
    int picture_count;
    int frame_w, frame_h; /* the size IMAGE paints cover; 0: a picture's own size */
    /* Scaling scratch (set once per scaling, on the configuring thread). */
    int col_x0[MAX_SAMPLE_COLUMNS], col_x1[MAX_SAMPLE_COLUMNS], col_f[MAX_SAMPLE_COLUMNS];
};

static const char *const category_names[SEGTEX_CATEGORY_COUNT] = {
    "background", "hair", "body-skin", "face-skin", "clothes", "others",
};

const char *segtex_category_name(int category)
{
    return category >= 0 && category < SEGTEX_CATEGORY_COUNT ? category_names[category] : NULL;
}

int segtex_category_parse(const char *name)
{
    if (!name)
        return -1;
    if (name[0] >= '0' && name[0] <= '5' && name[1] == 0)
        return name[0] - '0';
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        const char *a = category_names[c], *b = name;
        while (*a && (*a == *b || (*a == '-' && *b == '_')))
            a++, b++;
        if (!*a && !*b)
            return c;
    }
    return -1;
}

/* Distinct colours, also the MediaPipe-demo-like defaults of the categories. */
static const uint8_t default_colors[SEGTEX_CATEGORY_COUNT][3] = {
    {40, 40, 160}, {230, 180, 40}, {220, 120, 90}, {250, 200, 170}, {60, 170, 90}, {170, 60, 200},
};

segtex_paint segtex_paint_default(int category)
{
    segtex_paint p = {0};
    const uint8_t *c = default_colors[category >= 0 && category < SEGTEX_CATEGORY_COUNT ? category : 0];
    p.enabled = 1;
    p.texture = -1;
    memcpy(p.color, c, 3);
    for (int i = 0; i < 3; i++)
        p.color2[i] = (uint8_t)(c[i] / 3);
    p.scale = 1.0f;
    p.opacity = 0.6f;
    p.kind = SEGTEX_PAINT_FILL;
    p.strength = 1.0f;
    p.radius = 12;
    p.picture = -1;
    p.anchor = segtex_anchor_default(category);
    return p;
}

static const char *const anchor_names[SEGTEX_ANCHOR_COUNT] = {"screen", "face", "torso", "mesh"};

const char *segtex_anchor_name(segtex_anchor anchor)
{
    return (unsigned)anchor < SEGTEX_ANCHOR_COUNT ? anchor_names[anchor] : NULL;
}

int segtex_anchor_parse(const char *name)
{
    for (int a = 0; name && a < SEGTEX_ANCHOR_COUNT; a++)
        if (!strcmp(name, anchor_names[a]))
            return a;
    return -1;
}

segtex_anchor segtex_anchor_default(int category)
{
    switch (category) {
    case SEGTEX_CATEGORY_HAIR: return SEGTEX_ANCHOR_FACE;
    case SEGTEX_CATEGORY_FACE_SKIN: return SEGTEX_ANCHOR_MESH;
    case SEGTEX_CATEGORY_BODY_SKIN: case SEGTEX_CATEGORY_CLOTHES: return SEGTEX_ANCHOR_TORSO;
    case SEGTEX_CATEGORY_OTHERS: return SEGTEX_ANCHOR_FACE;
    default: return SEGTEX_ANCHOR_SCREEN;
    }
}

/* ------------------------------------------------------------------ */
/* Procedural patterns. Each is periodic over its own size, so it tiles  */
/* seamlessly; values are ink coverage 0..255.                           */
/* ------------------------------------------------------------------ */

static float clamp01(float v) { return v < 0 ? 0 : v > 1 ? 1 : v; }
static int imod(int a, int m) { return ((a % m) + m) % m; }
static uint8_t cov(float v) { return (uint8_t)lrintf(clamp01(v) * 255.0f); }

static uint32_t hash2(int x, int y)
{
    uint32_t h = (uint32_t)x * 374761393u + (uint32_t)y * 668265263u;
    h = (h ^ (h >> 13)) * 1274126177u;
    return h ^ (h >> 16);
}

/* Periodic value noise: lattice of `cells` per side over a `size` tile. */
static float value_noise(int x, int y, int size, int cells)
{
    float fx = (float)x * cells / size, fy = (float)y * cells / size;
    int x0 = (int)fx, y0 = (int)fy;
    float tx = fx - x0, ty = fy - y0;
    tx = tx * tx * (3 - 2 * tx);
    ty = ty * ty * (3 - 2 * ty);
    float v00 = (hash2(x0 % cells, y0 % cells) & 1023) / 1023.0f;
    float v10 = (hash2((x0 + 1) % cells, y0 % cells) & 1023) / 1023.0f;
    float v01 = (hash2(x0 % cells, (y0 + 1) % cells) & 1023) / 1023.0f;
    float v11 = (hash2((x0 + 1) % cells, (y0 + 1) % cells) & 1023) / 1023.0f;
    return (v00 * (1 - tx) + v10 * tx) * (1 - ty) + (v01 * (1 - tx) + v11 * tx) * ty;
}

static const float PI = 3.14159265358979f;

static uint8_t pattern_value(int kind, int x, int y, int w, int h)
{
    switch (kind) {
    case 0: /* checker: 32-pixel squares */
        return ((x / 32 + y / 32) & 1) ? 255 : 0;
    case 1: { /* stripes: diagonal, period 32, anti-aliased */
        float t = (float)imod(x + y, 32) + 0.5f;
        return cov(fminf(t - 0.5f, 16.5f - t) + 0.5f);
    }
    case 2: { /* dots: radius 9 on a 32-pixel grid */
        float dx = (float)(x % 32) + 0.5f - 16, dy = (float)(y % 32) + 0.5f - 16;
        return cov(9.5f - sqrtf(dx * dx + dy * dy));
    }
    case 3: /* waves: smooth sine bands */
        return cov(0.5f + 0.5f * sinf(2 * PI * (2.0f * x / w + 0.5f * sinf(2 * PI * y / h))));
    case 4: /* noise: two octaves of periodic value noise */
        return cov(0.65f * value_noise(x, y, w, 8) + 0.35f * value_noise(x, y, w, 16));
    case 5: { /* bricks: 64x32 bricks, half-offset rows, 4-pixel mortar */
        int row = y / 32, bx = imod(x + (row & 1) * 32, 64), by = y % 32;
        return (bx < 4 || by < 4) ? 0 : 255;
    }
    case 6: { /* gradient: a diagonal triangle wave, periodic over the tile */
        float t = (float)imod(x + y, w) / (float)w;
        return cov(1.0f - fabsf(2 * t - 1));
    }
    case 7: { /* hexagons: cell borders of a hexagonal lattice (tile 128 x 222, w*sqrt(3)) */
        static const float cx[5] = {0, 128, 0, 128, 64}, cy[5] = {0, 0, 222, 222, 111};
        float px = x + 0.5f, py = y + 0.5f, d1 = 1e9f, d2 = 1e9f;
        for (int i = 0; i < 5; i++) {
            float d = sqrtf((px - cx[i]) * (px - cx[i]) + (py - cy[i]) * (py - cy[i]));
            if (d < d1)
                d2 = d1, d1 = d;
            else if (d < d2)
                d2 = d;
        }
        return cov(3.0f - (d2 - d1));
    }
    case 8: { /* grid: 3-pixel lines every 32 pixels */
        int gx = x % 32, gy = y % 32;
        return (gx < 3 || gy < 3) ? 255 : 0;
    }
    default: { /* zigzag: chevrons, period 32 */
        int tri = abs(imod(x, 32) - 16);
        return imod(y + tri, 32) < 16 ? 255 : 0;
    }
    }
}

static const struct {
    const char *name;
    int width, height;
} builtins[SEGTEX_BUILTIN_TEXTURE_COUNT] = {
    {"checker", 128, 128}, {"stripes", 128, 128}, {"dots", 128, 128},   {"waves", 128, 128},
    {"noise", 128, 128},   {"bricks", 128, 128},  {"gradient", 128, 128}, {"hexagons", 128, 222},
    {"grid", 128, 128},    {"zigzag", 128, 128},
};

/* ------------------------------------------------------------------ */
/* Set lifecycle                                                       */
/* ------------------------------------------------------------------ */

static segtex_status push_texture(segtex_texture_set *set, const texture *t)
{
    if (set->count == set->capacity) {
        int cap = set->capacity ? set->capacity * 2 : 16;
        texture *grown = segtex_realloc(set->textures, (size_t)cap * sizeof *grown);
        if (!grown)
            return SEGTEX_ERROR_OUT_OF_MEMORY;
        set->textures = grown;
        set->capacity = cap;
    }
    set->textures[set->count++] = *t;
    return SEGTEX_OK;
}

static segtex_status add_builtins(segtex_texture_set *set)
{
    for (int k = 0; k < SEGTEX_BUILTIN_TEXTURE_COUNT; k++) {
        texture t = {0};
        snprintf(t.name, sizeof t.name, "%s", builtins[k].name);
        t.width = builtins[k].width;
        t.height = builtins[k].height;
        t.channels = 1;
        t.pixels = segtex_malloc((size_t)t.width * t.height);
        if (!t.pixels)
            return SEGTEX_ERROR_OUT_OF_MEMORY;
        for (int y = 0; y < t.height; y++)
            for (int x = 0; x < t.width; x++)
                t.pixels[(size_t)y * t.width + x] = pattern_value(k, x, y, t.width, t.height);
        segtex_status st = push_texture(set, &t);
        if (st) {
            segtex_free(t.pixels);
            return st;
        }
    }
    return SEGTEX_OK;
}

static int has_image_extension(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && (!strcasecmp(dot, ".png") || !strcasecmp(dot, ".jpg") || !strcasecmp(dot, ".jpeg"));
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static segtex_status add_directory(segtex_texture_set *set, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        LOG_ERROR("texture directory '%s': cannot open it", dir);
        return SEGTEX_ERROR_IO;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    segtex_status st = SEGTEX_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !has_image_extension(e->d_name))
            continue;
        if (n == cap) {
            size_t c2 = cap ? cap * 2 : 32;
            char **grown = segtex_realloc(names, c2 * sizeof *grown);
            if (!grown) {
                st = SEGTEX_ERROR_OUT_OF_MEMORY;
                break;
            }
            names = grown;
            cap = c2;
        }
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        names[n] = segtex_malloc(len);
        if (!names[n]) {
            st = SEGTEX_ERROR_OUT_OF_MEMORY;
            break;
        }
        snprintf(names[n], len, "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(d);
    /* readdir order is the file system's: sort so that indices (and randomize) are reproducible. */
    if (n)
        qsort(names, n, sizeof *names, compare_names);
    for (size_t i = 0; i < n; i++) {
        if (st == SEGTEX_OK && segtex_texture_set_add_file(set, names[i], NULL) == SEGTEX_ERROR_OUT_OF_MEMORY)
            st = SEGTEX_ERROR_OUT_OF_MEMORY;
        segtex_free(names[i]);
    }
    segtex_free(names);
    return st;
}

segtex_status segtex_texture_set_add_file(segtex_texture_set *set, const char *path, int *index)
{
    if (!set || !path)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    segtex_image img = {0};
    /* One warning naming the file and the problem: the set goes on without it. */
    segtex_status st = segtex_image_load_level(path, 4, SEGTEX_LOG_WARNING, &img);
    if (st)
        return st;
    texture t = {0};
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    int len = dot ? (int)(dot - base) : (int)strlen(base);
    snprintf(t.name, sizeof t.name, "%.*s", len, base);
    t.channels = 4;
    t.width = img.width;
    t.height = img.height;
    /* Bound texture memory: large files are reduced once, here (area-averaged). */
    int big = img.width > img.height ? img.width : img.height;
    if (big > SEGTEX_TEXTURE_MAX_SIDE) {
        t.width = (int)((int64_t)img.width * SEGTEX_TEXTURE_MAX_SIDE / big);
        t.height = (int)((int64_t)img.height * SEGTEX_TEXTURE_MAX_SIDE / big);
        t.width += t.width == 0;
        t.height += t.height == 0;
    }
    t.pixels = segtex_malloc((size_t)t.width * t.height * 4);
    if (!t.pixels) {
        segtex_image_free(&img);
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    }
    for (int y = 0; y < t.height; y++) {
        for (int x = 0; x < t.width; x++) {
            uint8_t *dst = t.pixels + ((size_t)y * t.width + x) * 4;
            if (t.width == img.width && t.height == img.height) {
                memcpy(dst, img.data + (size_t)y * img.stride + (size_t)x * 4, 4);
            } else {
                /* Average the source block this pixel covers. */
                int x0 = (int)((int64_t)x * img.width / t.width), x1 = (int)((int64_t)(x + 1) * img.width / t.width);
                int y0 = (int)((int64_t)y * img.height / t.height), y1 = (int)((int64_t)(y + 1) * img.height / t.height);
                uint32_t acc[4] = {0}, cnt = 0;
                for (int yy = y0; yy < y1; yy++)
                    for (int xx = x0; xx < x1; xx++, cnt++)
                        for (int k = 0; k < 4; k++)
                            acc[k] += img.data[(size_t)yy * img.stride + (size_t)xx * 4 + k];
                for (int k = 0; k < 4; k++)
                    dst[k] = (uint8_t)((acc[k] + cnt / 2) / (cnt ? cnt : 1));
            }
        }
    }
    segtex_image_free(&img);
    for (size_t i = 0; i < (size_t)t.width * t.height && !t.has_alpha; i++)
        t.has_alpha = t.pixels[i * 4 + 3] != 255;
    st = push_texture(set, &t);
    if (st) {
        segtex_free(t.pixels);
        return st;
    }
    if (index)
        *index = set->count - 1;
    return SEGTEX_OK;
}

segtex_status segtex_texture_set_create(const char *dir, segtex_texture_set **out)
{
    if (!out)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    *out = NULL;
    segtex_texture_set *set = segtex_calloc(1, sizeof *set);
    if (!set)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    /* Touch the scaling scratch now, so resident memory does not creep up as wider tiles are scaled later. */
    memset(set->col_x0, 0, sizeof set->col_x0);
    memset(set->col_x1, 0, sizeof set->col_x1);
    memset(set->col_f, 0, sizeof set->col_f);
    segtex_status st = add_builtins(set);
    if (st == SEGTEX_OK && dir)
        st = add_directory(set, dir);
    for (int c = 0; st == SEGTEX_OK && c < SEGTEX_CATEGORY_COUNT; c++) {
        segtex_paint p = segtex_paint_default(c);
        st = segtex_texture_set_set_paint(set, c, &p);
    }
    if (st) {
        if (st == SEGTEX_ERROR_OUT_OF_MEMORY)
            LOG_ERROR("texture set: out of memory");
        segtex_texture_set_destroy(set);
        return st;
    }
    *out = set;
    return SEGTEX_OK;
}

void segtex_texture_set_destroy(segtex_texture_set *set)
{
    if (!set)
        return;
    for (int i = 0; i < set->count; i++)
        segtex_free(set->textures[i].pixels);
    segtex_free(set->textures);
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        segtex_free(set->layers[c].rgb);
        segtex_free(set->layers[c].alpha);
    }
    for (int i = 0; i < set->picture_count; i++)
        segtex_free(set->pictures[i].rgb);
    segtex_free(set->pictures);
    segtex_free(set);
}

int segtex_texture_set_count(const segtex_texture_set *set) { return set ? set->count : 0; }

const char *segtex_texture_set_name(const segtex_texture_set *set, int texture)
{
    return set && texture >= 0 && texture < set->count ? set->textures[texture].name : NULL;
}

int segtex_texture_set_find(const segtex_texture_set *set, const char *name)
{
    for (int i = 0; set && name && i < set->count; i++)
        if (!strcmp(set->textures[i].name, name))
            return i;
    return -1;
}

size_t segtex_texture_set_memory_bytes(const segtex_texture_set *set)
{
    if (!set)
        return 0;
    size_t bytes = (size_t)set->capacity * sizeof(texture);
    for (int i = 0; i < set->count; i++)
        bytes += (size_t)set->textures[i].width * set->textures[i].height * set->textures[i].channels;
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++)
        bytes += set->layers[c].rgb_cap + set->layers[c].alpha_cap;
    for (int i = 0; i < set->picture_count; i++)
        bytes += (size_t)set->pictures[i].width * set->pictures[i].height * 3;
    return bytes;
}

/* ------------------------------------------------------------------ */
/* Scaling into the category tile                                       */
/* ------------------------------------------------------------------ */

/*
 * Sample j of n across a source axis of `size` pixels (half-pixel centres),
 * wrapped: the source index pair and the 8-bit fraction toward the second.
 */
static void sample_axis(int j, int n, int size, int *i0, int *i1, int *f)
{
    int64_t s = (int64_t)(2 * j + 1) * size * 128 / n - 128;
    int64_t a = s >= 0 ? s >> 8 : -((-s + 255) >> 8);
    *f = (int)(s - a * 256);
    *i0 = imod((int)a, size);
    *i1 = *i0 + 1 == size ? 0 : *i0 + 1;
}

/* Tile size of texture t at `scale` (at least 1x1). */
static void tile_size(const texture *t, float scale, int *tw, int *th)
{
    *tw = (int)lrintf(t->width * scale);
    *th = (int)lrintf(t->height * scale);
    *tw += *tw < 1;
    *th += *th < 1;
}

static int ensure(uint8_t **buf, size_t *cap, size_t need)
{
    if (*cap >= need)
        return 1;
    /* Replace rather than realloc: the old contents are not needed. Tiles end in RENDER_TILE_SLACK spare bytes. */
    segtex_free(*buf);
    *buf = segtex_malloc(need + RENDER_TILE_SLACK);
    *cap = *buf ? need : 0;
    if (*buf)
        memset(*buf + need, 0, RENDER_TILE_SLACK);
    return *buf != NULL;
}

/*
 * TINT's table: for each luma Y, the colour Y + s * (colour - luma(colour)),
 * whose luma is Y again (the weights sum to 1), with s the strength reduced
 * where a channel would leave 0..255. Only the rounding of each channel
 * (half a level) moves the luma, so shading survives and dark hair stays
 * dark.
 */
static void build_tint(uint8_t *lut, const uint8_t *color, float strength)
{
    float yc = (77.0f * color[0] + 150.0f * color[1] + 29.0f * color[2]) / 256.0f;
    for (int y = 0; y < 256; y++) {
        float s = strength;
        for (int c = 0; c < 3; c++) {
            float d = color[c] - yc;
            if (d > 0 && y + s * d > 255)
                s = (255 - y) / d;
            else if (d < 0 && y + s * d < 0)
                s = y / -d;
        }
        for (int c = 0; c < 3; c++) {
            float v = y + s * (color[c] - yc);
            lut[y * 3 + c] = (uint8_t)lrintf(v < 0 ? 0 : v > 255 ? 255 : v);
        }
    }
}

/*
 * Taps of a 1-D resampling of n_src pixels to n_out, output pixel j covering
 * the source interval origin + [j, j + 1) / scale: an area average when that
 * is at least a pixel wide (shrinking), else bilinear at its centre. Taps of
 * output j are w[start[j] .. start[j + 1]) at source indices idx[...].
 * Configure-time work; returns 0 when out of memory.
 */
typedef struct taps {
    int *start, *idx;
    float *w;
} taps;

static void taps_free(taps *t)
{
    segtex_free(t->start);
    segtex_free(t->idx);
    segtex_free(t->w);
}

static int taps_build(taps *t, int n_out, int n_src, double scale, double origin)
{
    double span = 1.0 / scale;
    size_t cap = (size_t)n_out * ((size_t)ceil(span) + 2);
    t->start = segtex_malloc(sizeof(int) * (n_out + 1));
    t->idx = segtex_malloc(sizeof(int) * cap);
    t->w = segtex_malloc(sizeof(float) * cap);
    if (!t->start || !t->idx || !t->w) {
        taps_free(t);
        return 0;
    }
    size_t k = 0;
    for (int j = 0; j < n_out; j++) {
        t->start[j] = (int)k;
        double a = origin + j * span, b = a + span;
        if (span >= 1.0) {
            for (int i = (int)floor(a); i < b; i++) {
                double lo = i > a ? i : a, hi = i + 1 < b ? i + 1 : b;
                if (hi <= lo)
                    continue;
                t->idx[k] = i < 0 ? 0 : i >= n_src ? n_src - 1 : i;
                t->w[k++] = (float)((hi - lo) / span);
            }
        } else {
            double c = (a + b) * 0.5 - 0.5, f = c - floor(c);
            int i0 = (int)floor(c), i1 = i0 + 1;
            t->idx[k] = i0 < 0 ? 0 : i0 >= n_src ? n_src - 1 : i0;
            t->w[k++] = (float)(1 - f);
            t->idx[k] = i1 < 0 ? 0 : i1 >= n_src ? n_src - 1 : i1;
            t->w[k++] = (float)f;
        }
    }
    t->start[n_out] = (int)k;
    return 1;
}

/*
 * Scale `pic` to cover W x H (aspect kept, the overflow cropped evenly on
 * both sides) into dst (W x H RGB, packed). Separable: rows first into a
 * float scratch, then columns. Returns 0 when out of memory.
 */
static int cover_scale(const picture *pic, uint8_t *dst, int W, int H)
{
    double s = fmax((double)W / pic->width, (double)H / pic->height);
    double ox = (pic->width - W / s) * 0.5, oy = (pic->height - H / s) * 0.5;
    taps tx = {0}, ty = {0};
    float *mid = segtex_malloc(sizeof(float) * (size_t)pic->height * W * 3);
    int ok = mid && taps_build(&tx, W, pic->width, s, ox) && taps_build(&ty, H, pic->height, s, oy);
    if (ok) {
        for (int y = 0; y < pic->height; y++) {
            const uint8_t *row = pic->rgb + (size_t)y * pic->width * 3;
            float *m = mid + (size_t)y * W * 3;
            for (int x = 0; x < W; x++) {
                float a0 = 0, a1 = 0, a2 = 0;
                for (int k = tx.start[x]; k < tx.start[x + 1]; k++) {
                    const uint8_t *q = row + (size_t)tx.idx[k] * 3;
                    a0 += tx.w[k] * q[0], a1 += tx.w[k] * q[1], a2 += tx.w[k] * q[2];
                }
                m[x * 3] = a0, m[x * 3 + 1] = a1, m[x * 3 + 2] = a2;
            }
        }
        for (int y = 0; y < H; y++) {
            uint8_t *o = dst + (size_t)y * W * 3;
            for (int x = 0; x < W * 3; x++) {
                float a = 0;
                for (int k = ty.start[y]; k < ty.start[y + 1]; k++)
                    a += ty.w[k] * mid[(size_t)ty.idx[k] * W * 3 + x];
                o[x] = (uint8_t)lrintf(a < 0 ? 0 : a > 255 ? 255 : a);
            }
        }
    }
    taps_free(&tx);
    taps_free(&ty);
    segtex_free(mid);
    return ok;
}

static int ensure(uint8_t **buf, size_t *cap, size_t need);

/* IMAGE: the picture scaled to cover the frame size (or at its own size before one is known), offsets 0. */
static segtex_status build_picture_layer(segtex_texture_set *set, layer_store *ls, const segtex_paint *p)
{
    const picture *pic = &set->pictures[p->picture];
    int w = set->frame_w ? set->frame_w : pic->width, h = set->frame_h ? set->frame_h : pic->height;
    if (!ensure(&ls->rgb, &ls->rgb_cap, (size_t)w * h * 3))
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    if (w == pic->width && h == pic->height)
        memcpy(ls->rgb, pic->rgb, (size_t)w * h * 3);
    else if (!cover_scale(pic, ls->rgb, w, h))
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    ls->view.tw = w;
    ls->view.th = h;
    ls->view.alpha = NULL;
    ls->view.rgb = ls->rgb;
    return SEGTEX_OK;
}

static segtex_status build_layer(segtex_texture_set *set, layer_store *ls, const segtex_paint *p)
{
    render_layer *v = &ls->view;
    if (p->kind == SEGTEX_PAINT_IMAGE)
        return build_picture_layer(set, ls, p);
    if (p->kind == SEGTEX_PAINT_TINT)
        build_tint(ls->tint, p->color, p->strength);
    if (p->texture < 0 || p->kind != SEGTEX_PAINT_FILL) {
        if (!ensure(&ls->rgb, &ls->rgb_cap, SOLID_TILE_WIDTH * 3))
            return SEGTEX_ERROR_OUT_OF_MEMORY;
        for (int x = 0; x < SOLID_TILE_WIDTH; x++)
            memcpy(ls->rgb + x * 3, p->color, 3);
        v->tw = SOLID_TILE_WIDTH;
        v->th = 1;
        v->alpha = NULL;
        v->rgb = ls->rgb;
        return SEGTEX_OK;
    }
    const texture *t = &set->textures[p->texture];
    int tw, th;
    tile_size(t, p->scale, &tw, &th);
    size_t n = (size_t)tw * th;
    if (!ensure(&ls->rgb, &ls->rgb_cap, n * 3))
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    if (t->has_alpha && !ensure(&ls->alpha, &ls->alpha_cap, n))
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    /*
     * Bilinear resampling with wrap-around (so the tile stays seamless), in
     * 8-bit fixed point. Downscaling averages k x k samples per pixel, so
     * small scales do not alias. Sample columns are tabulated once.
     */
    int k = p->scale < 1.0f ? (int)ceilf(1.0f / p->scale) : 1;
    int ch = t->channels, cols = k * tw;
    assert(cols <= MAX_SAMPLE_COLUMNS && k <= 4);
    for (int j = 0; j < cols; j++)
        sample_axis(j, cols, t->width, &set->col_x0[j], &set->col_x1[j], &set->col_f[j]);
    const uint32_t norm = (uint32_t)(k * k) << 16;
    for (int y = 0; y < th; y++) {
        int ry0[4], ry1[4], rf[4];
        for (int j = 0; j < k; j++)
            sample_axis(y * k + j, k * th, t->height, &ry0[j], &ry1[j], &rf[j]);
        for (int x = 0; x < tw; x++) {
            uint32_t acc[4] = {0, 0, 0, 0};
            for (int j = 0; j < k; j++) {
                const uint8_t *r0 = t->pixels + (size_t)ry0[j] * t->width * ch;
                const uint8_t *r1 = t->pixels + (size_t)ry1[j] * t->width * ch;
                uint32_t fy = (uint32_t)rf[j], gy = 256 - fy;
                for (int i = 0; i < k; i++) {
                    int s = x * k + i, x0 = set->col_x0[s] * ch, x1 = set->col_x1[s] * ch;
                    uint32_t fx = set->col_f[s], gx = 256 - fx;
                    for (int c = 0; c < ch; c++)
                        acc[c] += (r0[x0 + c] * gx + r0[x1 + c] * fx) * gy + (r1[x0 + c] * gx + r1[x1 + c] * fx) * fy;
                }
            }
            uint8_t *dst = ls->rgb + ((size_t)y * tw + x) * 3;
            if (ch == 1) {
                uint32_t m = (acc[0] + norm / 2) / norm;
                for (int c = 0; c < 3; c++)
                    dst[c] = (uint8_t)div255(p->color[c] * m + p->color2[c] * (255 - m));
            } else {
                for (int c = 0; c < 3; c++)
                    dst[c] = (uint8_t)((acc[c] + norm / 2) / norm);
                if (t->has_alpha)
                    ls->alpha[(size_t)y * tw + x] = (uint8_t)((acc[3] + norm / 2) / norm);
            }
        }
    }
    v->tw = tw;
    v->th = th;
    v->alpha = t->has_alpha ? ls->alpha : NULL;
    v->rgb = ls->rgb;
    return SEGTEX_OK;
}

static int needs_rescale(const segtex_paint *a, const segtex_paint *b)
{
    if (a->kind != b->kind || a->texture != b->texture || memcmp(a->color, b->color, 3))
        return 1;
    if ((a->kind == SEGTEX_PAINT_IMAGE && a->picture != b->picture) ||
        (a->kind == SEGTEX_PAINT_TINT && a->strength != b->strength))
        return 1;
    if (a->texture >= 0 && (a->scale != b->scale || memcmp(a->color2, b->color2, 3)))
        return 1;
    return 0;
}

int segtex_texture_set_check_paint(const segtex_texture_set *set, int category, const segtex_paint *paint)
{
    if (!set || !paint)
        return -1;
    if (category < 0 || category >= SEGTEX_CATEGORY_COUNT) {
        LOG_ERROR("texture set: category %d out of range 0..%d", category, SEGTEX_CATEGORY_COUNT - 1);
        return -1;
    }
    const char *cat = category_names[category];
    if (paint->texture < -1 || paint->texture >= set->count) {
        LOG_ERROR("texture set: %s: texture %d out of range -1..%d", cat, paint->texture, set->count - 1);
        return -1;
    }
    if (!(paint->scale >= SEGTEX_TEXTURE_SCALE_MIN && paint->scale <= SEGTEX_TEXTURE_SCALE_MAX)) {
        LOG_ERROR("texture set: %s: scale %g out of range %g..%g", cat, paint->scale, SEGTEX_TEXTURE_SCALE_MIN,
                  SEGTEX_TEXTURE_SCALE_MAX);
        return -1;
    }
    if (!(paint->opacity >= 0.0f && paint->opacity <= 1.0f)) {
        LOG_ERROR("texture set: %s: opacity %g out of range 0..1", cat, paint->opacity);
        return -1;
    }
    if ((unsigned)paint->kind >= SEGTEX_PAINT_KIND_COUNT) {
        LOG_ERROR("texture set: %s: paint kind %d out of range 0..%d", cat, (int)paint->kind,
                  SEGTEX_PAINT_KIND_COUNT - 1);
        return -1;
    }
    if ((unsigned)paint->anchor >= SEGTEX_ANCHOR_COUNT) {
        LOG_ERROR("texture set: %s: anchor %d out of range 0..%d", cat, (int)paint->anchor, SEGTEX_ANCHOR_COUNT - 1);
        return -1;
    }
    if (paint->kind == SEGTEX_PAINT_TINT && !(paint->strength >= 0.0f && paint->strength <= 1.0f)) {
        LOG_ERROR("texture set: %s: tint strength %g out of range 0..1", cat, paint->strength);
        return -1;
    }
    if (paint->kind == SEGTEX_PAINT_BLUR && (paint->radius < 1 || paint->radius > SEGTEX_BLUR_RADIUS_MAX)) {
        LOG_ERROR("texture set: %s: blur radius %d out of range 1..%d", cat, paint->radius, SEGTEX_BLUR_RADIUS_MAX);
        return -1;
    }
    if (paint->kind == SEGTEX_PAINT_IMAGE && (paint->picture < 0 || paint->picture >= set->picture_count)) {
        LOG_ERROR("texture set: %s: picture %d out of range 0..%d", cat, paint->picture, set->picture_count - 1);
        return -1;
    }
    return 0;
}

segtex_status segtex_texture_set_set_paint(segtex_texture_set *set, int category, const segtex_paint *paint)
{
    if (!set || !paint)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    if (segtex_texture_set_check_paint(set, category, paint))
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    layer_store *ls = &set->layers[category];
    if (!ls->valid || needs_rescale(&ls->paint, paint)) {
        ls->valid = 0;
        segtex_status st = build_layer(set, ls, paint);
        if (st) {
            LOG_ERROR("texture set: %s: out of memory scaling texture '%s'", category_names[category],
                      paint->texture >= 0 ? set->textures[paint->texture].name : "(colour)");
            /* Fall back to a solid colour tile (no allocation beyond the minimum) so the layer stays usable. */
            segtex_paint solid = *paint;
            solid.texture = -1;
            solid.kind = SEGTEX_PAINT_FILL;
            if (build_layer(set, ls, &solid) == SEGTEX_OK) {
                ls->paint = solid;
                ls->valid = 1;
            }
            set->generation++;
            return st;
        }
    }
    ls->paint = *paint;
    ls->valid = 1;
    render_layer *v = &ls->view;
    v->enabled = paint->enabled != 0;
    v->offset_x = imod(paint->offset_x, v->tw);
    v->offset_y = imod(paint->offset_y, v->th);
    v->opacity = (uint8_t)lrintf(paint->opacity * 255.0f);
    v->kind = ls->paint.kind;
    v->anchor = ls->paint.kind == SEGTEX_PAINT_FILL && ls->paint.texture >= 0 ? paint->anchor : SEGTEX_ANCHOR_SCREEN;
    v->radius = paint->radius;
    v->tint = ls->tint;
    if (v->kind == SEGTEX_PAINT_IMAGE)
        v->offset_x = v->offset_y = 0;
    set->generation++;
    return SEGTEX_OK;
}

segtex_paint segtex_texture_set_get_paint(const segtex_texture_set *set, int category)
{
    if (!set || category < 0 || category >= SEGTEX_CATEGORY_COUNT)
        return segtex_paint_default(0);
    return set->layers[category].paint;
}

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/*
 * Randomize works inside a fixed budget: on its first call each category
 * reserves (and touches) RANDOM_TILE_BUDGET pixels, and picked scales are
 * capped so tiles fit. Thousands of randomizes then never allocate, and
 * resident memory stays where the first one left it.
 */
static segtex_status reserve_random_budget(segtex_texture_set *set)
{
    int any_alpha = 0;
    for (int i = 0; i < set->count; i++)
        any_alpha |= set->textures[i].has_alpha;
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        layer_store *ls = &set->layers[c];
        if (ls->rgb_cap < (size_t)RANDOM_TILE_BUDGET * 3) {
            uint8_t *rgb = segtex_malloc((size_t)RANDOM_TILE_BUDGET * 3 + RENDER_TILE_SLACK);
            if (!rgb)
                return SEGTEX_ERROR_OUT_OF_MEMORY;
            memset(rgb, 0, (size_t)RANDOM_TILE_BUDGET * 3 + RENDER_TILE_SLACK);
            if (ls->rgb_cap)
                memcpy(rgb, ls->rgb, ls->rgb_cap); /* the current tile stays valid */
            segtex_free(ls->rgb);
            ls->rgb = rgb;
            ls->rgb_cap = (size_t)RANDOM_TILE_BUDGET * 3;
            ls->view.rgb = rgb;
        }
        if (any_alpha && ls->alpha_cap < (size_t)RANDOM_TILE_BUDGET) {
            uint8_t *alpha = segtex_malloc((size_t)RANDOM_TILE_BUDGET + RENDER_TILE_SLACK);
            if (!alpha)
                return SEGTEX_ERROR_OUT_OF_MEMORY;
            memset(alpha, 0, (size_t)RANDOM_TILE_BUDGET + RENDER_TILE_SLACK);
            if (ls->alpha_cap)
                memcpy(alpha, ls->alpha, ls->alpha_cap);
            if (ls->view.alpha)
                ls->view.alpha = alpha;
            segtex_free(ls->alpha);
            ls->alpha = alpha;
            ls->alpha_cap = RANDOM_TILE_BUDGET;
        }
    }
    set->reserved = 1;
    set->generation++;
    return SEGTEX_OK;
}

/*
 * OKLCH (lightness 0..1, chroma, hue in radians) to 8-bit sRGB, chroma
 * reduced until the colour is in gamut so the hue and lightness survive.
 * OKLab's published matrices (Ottosson, 2020).
 */
static void oklch_to_srgb(float L, float C, float h, uint8_t out[3])
{
    for (;; C *= 0.9f) {
        float a = C * cosf(h), b = C * sinf(h);
        float l = L + 0.3963377774f * a + 0.2158037573f * b, m = L - 0.1055613458f * a - 0.0638541728f * b;
        float q = L - 0.0894841775f * a - 1.2914855480f * b;
        l = l * l * l, m = m * m * m, q = q * q * q;
        float rgb[3] = {4.0767416621f * l - 3.3077115913f * m + 0.2309699292f * q,
                        -1.2684380046f * l + 2.6097574011f * m - 0.3413193965f * q,
                        -0.0041960863f * l - 0.7034186147f * m + 1.7076147010f * q};
        int in = 1;
        for (int k = 0; k < 3; k++)
            in &= rgb[k] >= -1e-4f && rgb[k] <= 1.0001f;
        if (!in && C > 0.005f)
            continue;
        for (int k = 0; k < 3; k++) {
            float v = clamp01(rgb[k]);
            v = v <= 0.0031308f ? 12.92f * v : 1.055f * powf(v, 1 / 2.4f) - 0.055f;
            out[k] = (uint8_t)lrintf(clamp01(v) * 255);
        }
        return;
    }
}

/*
 * The design space --seed draws from: a base hue, then every category its
 * own hue (spaced by the golden angle, so any two differ by at least 30
 * degrees) at one lightness and chroma, so no category shouts over the
 * others; a pattern's paper is the same hue darker and greyer. Textures are
 * a permutation of the set's (no two categories, hence no neighbours, share
 * one), each category a colour instead with probability 1/5; scales 0.75 to
 * 1.5. Textures on the body are anchored (hair and face to the face, body
 * skin and clothes to the torso), so their size follows the face's.
 */
segtex_status segtex_texture_set_randomize(segtex_texture_set *set, uint64_t seed)
{
    if (!set)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    if (!set->reserved) {
        segtex_status st = reserve_random_budget(set);
        if (st) {
            LOG_ERROR("texture set: out of memory reserving randomize tiles");
            return st;
        }
    }
    uint64_t s = seed;
    /* A permutation of the textures (Fisher-Yates on a small stack array: the first 64 take part). */
    int order[64], n = set->count < 64 ? set->count : 64;
    for (int i = 0; i < n; i++)
        order[i] = i;
    for (int i = n - 1; i > 0; i--) {
        int j = (int)(splitmix64(&s) % (uint64_t)(i + 1)), t = order[i];
        order[i] = order[j], order[j] = t;
    }
    float hue0 = (float)(splitmix64(&s) % 360) * PI / 180;
    const float golden = 2.39996323f; /* radians */
    /* The lightness of the whole palette: light inks on darker paper, or the reverse. */
    int light = (int)(splitmix64(&s) & 1);
    segtex_status result = SEGTEX_OK;
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        segtex_paint p = set->layers[c].paint;
        /* One draw per field, in a fixed order: the same seed gives the same set. */
        uint64_t r = splitmix64(&s);
        int keep = p.kind != SEGTEX_PAINT_FILL; /* tints, blurs and pictures stay (the draws are made anyway) */
        p.texture = r % 5 == 0 || n == 0 ? -1 : order[c % n];
        float h = hue0 + golden * (float)c;
        oklch_to_srgb(light ? 0.80f : 0.62f, 0.11f, h, p.color);
        oklch_to_srgb(light ? 0.52f : 0.36f, 0.05f, h, p.color2);
        r = splitmix64(&s);
        p.scale = 0.75f + (float)(r % 4) * 0.25f; /* 0.75, 1, 1.25, 1.5 */
        if (p.texture >= 0) {
            /* Step down until the tile fits the budget (the floor, 0.25, always fits a 512x512 texture). */
            int tw, th;
            tile_size(&set->textures[p.texture], p.scale, &tw, &th);
            while ((int64_t)tw * th > RANDOM_TILE_BUDGET && p.scale > SEGTEX_TEXTURE_SCALE_MIN) {
                p.scale -= 0.25f;
                tile_size(&set->textures[p.texture], p.scale, &tw, &th);
            }
        }
        r = splitmix64(&s);
        p.offset_x = (int)(r & 0xff);
        p.offset_y = (int)((r >> 8) & 0xff);
        if (keep)
            continue;
        segtex_status st = segtex_texture_set_set_paint(set, c, &p);
        if (st)
            result = st;
    }
    return result;
}

const render_layer *texture_set_layer(const segtex_texture_set *set, int category)
{
    return &set->layers[category].view;
}

uint64_t texture_set_generation(const segtex_texture_set *set) { return set->generation; }

int segtex_render_mode_paints(segtex_render_mode mode, int category)
{
    switch (mode) {
    case SEGTEX_RENDER_OVERLAY: return category != SEGTEX_CATEGORY_BACKGROUND;
    case SEGTEX_RENDER_CUTOUT: return category == SEGTEX_CATEGORY_BACKGROUND;
    default: return 1;
    }
}

segtex_status segtex_texture_set_reset_paints(segtex_texture_set *set, segtex_render_mode mode)
{
    if (!set)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        segtex_paint p = segtex_paint_default(c);
        p.enabled = segtex_render_mode_paints(mode, c);
        if (mode == SEGTEX_RENDER_CUTOUT && p.enabled)
            p.texture = segtex_texture_set_find(set, "bricks");
        segtex_status st = segtex_texture_set_set_paint(set, c, &p);
        if (st)
            return st;
    }
    return SEGTEX_OK;
}

/* ------------------------------------------------------------------ */
/* Pictures for IMAGE paints                                            */
/* ------------------------------------------------------------------ */

segtex_status segtex_texture_set_add_picture(segtex_texture_set *set, const char *path, int *index)
{
    if (!set || !path)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    segtex_image img = {0};
    segtex_status st = segtex_image_load_level(path, 3, SEGTEX_LOG_ERROR, &img);
    if (st)
        return st;
    picture pic = {img.width, img.height, NULL};
    int big = img.width > img.height ? img.width : img.height;
    if (big > SEGTEX_PICTURE_MAX_SIDE) {
        pic.width = (int)((int64_t)img.width * SEGTEX_PICTURE_MAX_SIDE / big);
        pic.height = (int)((int64_t)img.height * SEGTEX_PICTURE_MAX_SIDE / big);
        pic.width += pic.width == 0;
        pic.height += pic.height == 0;
    }
    pic.rgb = segtex_malloc((size_t)pic.width * pic.height * 3);
    picture *grown = pic.rgb ? segtex_realloc(set->pictures, sizeof *grown * (set->picture_count + 1)) : NULL;
    if (grown)
        set->pictures = grown;
    if (!grown) {
        LOG_ERROR("picture '%s': out of memory", path);
        segtex_free(pic.rgb);
        segtex_image_free(&img);
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    }
    if (pic.width == img.width && pic.height == img.height) {
        for (int y = 0; y < img.height; y++)
            memcpy(pic.rgb + (size_t)y * pic.width * 3, img.data + (ptrdiff_t)y * img.stride, (size_t)img.width * 3);
    } else {
        /* A packed view of the file, then the same area scaling as the frame cover (aspect kept, so nothing is cropped). */
        picture whole = {img.width, img.height, segtex_malloc((size_t)img.width * img.height * 3)};
        int ok = whole.rgb != NULL;
        for (int y = 0; ok && y < img.height; y++)
            memcpy(whole.rgb + (size_t)y * img.width * 3, img.data + (ptrdiff_t)y * img.stride, (size_t)img.width * 3);
        ok = ok && cover_scale(&whole, pic.rgb, pic.width, pic.height);
        segtex_free(whole.rgb);
        if (!ok) {
            LOG_ERROR("picture '%s': out of memory", path);
            segtex_free(pic.rgb);
            segtex_image_free(&img);
            return SEGTEX_ERROR_OUT_OF_MEMORY;
        }
    }
    segtex_image_free(&img);
    set->pictures[set->picture_count++] = pic;
    if (index)
        *index = set->picture_count - 1;
    return SEGTEX_OK;
}

int segtex_texture_set_picture_count(const segtex_texture_set *set) { return set ? set->picture_count : 0; }

segtex_status segtex_texture_set_set_frame_size(segtex_texture_set *set, int width, int height)
{
    if (!set || width < 0 || height < 0)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    if (set->frame_w == width && set->frame_h == height)
        return SEGTEX_OK;
    set->frame_w = width;
    set->frame_h = height;
    segtex_status result = SEGTEX_OK;
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        layer_store *ls = &set->layers[c];
        if (!ls->valid || ls->paint.kind != SEGTEX_PAINT_IMAGE)
            continue;
        segtex_paint p = ls->paint;
        ls->valid = 0; /* forces the re-scale */
        segtex_status st = segtex_texture_set_set_paint(set, c, &p);
        if (st)
            result = st;
    }
    return result;
}
