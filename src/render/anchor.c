/* Anchored textures: the face and torso transforms and the affine texel gather (see anchor.h). */
#include "render/anchor.h"
#include "render/rgb_shuffle.h"
#include "render/render.h"

#include <math.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

/* Faces whose eyes are closer than this (output pixels) are too small to anchor to. */
#define MIN_EYE_DISTANCE 8.0f
#define MIN_VISIBILITY 0.5f
/* After a loss the shown transform moves this share of the way per frame, for EASE_FRAMES frames, then snaps. */
#define EASE_SHARE 0.3f
#define EASE_FRAMES 12

/* A similarity: `scale` tile pixels per unit of the axis (ax, ay), origin (ox, oy). */
static void similarity(anchor_xf *xf, float ox, float oy, float ax, float ay, float ref)
{
    float d2 = ax * ax + ay * ay, k = ref / d2;
    xf->ox = ox, xf->oy = oy;
    xf->tx = xf->ty = 0;
    /* Rotate by minus the axis angle and scale by ref / |a|: rows are a and a rotated by 90 degrees, over |a|^2. */
    xf->m[0] = ax * k, xf->m[1] = ay * k;
    xf->m[2] = -ay * k, xf->m[3] = ax * k;
}

static int measure_face(const segtex_face_result *faces, int w, int h, anchor_xf *xf)
{
    if (!faces || faces->count < 1 || faces->faces[0].count < SEGTEX_FACE_MESH_POINTS)
        return 0;
    const float (*p)[3] = faces->faces[0].xyz;
    /*
     * The eyes' axis from their outer corners (33 the subject's right eye,
     * image left; 263 the left one) and the origin at the centroid of the
     * rigid middle of the face (the eyes' corners 33, 133, 263, 362, the
     * nose bridge 6 and 168, the nose tip 1 and 4): averaging eight
     * landmarks steadies the texture (on the demo clip it slips 1.3 px
     * where the nose tip alone gave 2.1; test_anchor_demo).
     */
    float ax = (p[263][0] - p[33][0]) * w, ay = (p[263][1] - p[33][1]) * h;
    if (!(ax * ax + ay * ay >= MIN_EYE_DISTANCE * MIN_EYE_DISTANCE))
        return 0;
    static const int rigid[] = {33, 133, 263, 362, 6, 168, 1, 4};
    float ox = 0, oy = 0;
    for (int i = 0; i < 8; i++)
        ox += p[rigid[i]][0], oy += p[rigid[i]][1];
    similarity(xf, ox / 8 * w, oy / 8 * h, ax, ay, ANCHOR_FACE_REF);
    return 1;
}

static int measure_torso(const segtex_pose_result *pose, int w, int h, anchor_xf *xf)
{
    if (!pose || pose->count < 1)
        return 0;
    const float (*p)[5] = pose->landmarks;
    const float *ls = p[SEGTEX_POSE_LEFT_SHOULDER], *rs = p[SEGTEX_POSE_RIGHT_SHOULDER];
    const float *lh = p[SEGTEX_POSE_LEFT_HIP], *rh = p[SEGTEX_POSE_RIGHT_HIP];
    if (!(ls[3] >= MIN_VISIBILITY && rs[3] >= MIN_VISIBILITY))
        return 0;
    /* x axis: right shoulder to left shoulder (image left to right when unmirrored); origin between them. */
    float ox = 0.5f * (ls[0] + rs[0]) * w, oy = 0.5f * (ls[1] + rs[1]) * h;
    float ax = (ls[0] - rs[0]) * w, ay = (ls[1] - rs[1]) * h;
    if (!(ax * ax + ay * ay >= 4 * MIN_EYE_DISTANCE * MIN_EYE_DISTANCE))
        return 0;
    if (!(lh[3] >= MIN_VISIBILITY && rh[3] >= MIN_VISIBILITY)) {
        /* Hips out of view (a webcam): the shoulders alone, a similarity. */
        similarity(xf, ox, oy, ax, ay, ANCHOR_TORSO_REF);
        return 1;
    }
    float bx = 0.5f * (lh[0] + rh[0]) * w - ox, by = 0.5f * (lh[1] + rh[1]) * h - oy;
    /* The affine taking a to (REF, 0) and b to (0, REF * |b| / |a|): the inverse of [a b], times REF. */
    float det = ax * by - ay * bx, la = sqrtf(ax * ax + ay * ay), lb = sqrtf(bx * bx + by * by);
    if (!(fabsf(det) > 0.2f * la * lb)) { /* degenerate (side view): shoulders only */
        similarity(xf, ox, oy, ax, ay, ANCHOR_TORSO_REF);
        return 1;
    }
    float kx = ANCHOR_TORSO_REF / det, ky = ANCHOR_TORSO_REF * lb / la / det;
    xf->ox = ox, xf->oy = oy;
    xf->tx = xf->ty = 0;
    xf->m[0] = by * kx, xf->m[1] = -bx * kx;
    xf->m[2] = -ay * ky, xf->m[3] = ax * ky;
    return 1;
}

static void track(anchor_track *t, const anchor_xf *measured)
{
    if (!measured) {
        t->lost++;
        return;
    }
    if (!t->have) {
        t->shown = *measured;
        t->have = 1;
    } else {
        if (t->lost)
            t->ease = EASE_FRAMES; /* found again, perhaps elsewhere: glide there instead of jumping */
        if (t->ease > 0) {
            t->ease--;
            float k = t->ease ? EASE_SHARE : 1.0f;
            t->shown.ox += k * (measured->ox - t->shown.ox);
            t->shown.oy += k * (measured->oy - t->shown.oy);
            for (int i = 0; i < 4; i++)
                t->shown.m[i] += k * (measured->m[i] - t->shown.m[i]);
        } else {
            /* The trackers already smooth the landmarks (One-Euro): follow them without a second lag. */
            t->shown = *measured;
        }
    }
    t->lost = 0;
}

void anchor_update(anchor_state *s, const segtex_people *people, int w, int h)
{
    anchor_xf f, t;
    track(&s->face, people && measure_face(people->faces, w, h, &f) ? &f : NULL);
    track(&s->torso, people && measure_torso(people->pose, w, h, &t) ? &t : NULL);
}

int anchor_resolve(const anchor_state *s, segtex_anchor anchor, anchor_xf *out)
{
    const anchor_track *t = anchor == SEGTEX_ANCHOR_TORSO && s->torso.have ? &s->torso : &s->face;
    if (anchor == SEGTEX_ANCHOR_SCREEN || !t->have)
        return 0;
    *out = t->shown;
    return 1;
}

/*
 * The walk's start: 16.16 fixed point in 32 bits (tiles are under 32768
 * texels a side), the steps reduced into [0, tile) so one conditional
 * subtraction wraps each coordinate: no division per pixel, no branch the
 * predictor misses. Pixel k of the row reads texel row ((V + k dv) mod th)
 * >> 16, column ((U + k du) mod tw) >> 16, whichever way it is walked.
 */
typedef struct walk {
    uint32_t U, V, du, dv, tw, th;
} walk;

/*
 * fmod(x, m) for a whole m < 2^31, exactly (fmod's result is always
 * representable, and here it is the integer part's remainder plus the
 * fraction, both exact): without the library's loop. Huge x: fmod itself.
 */
static inline double fmod_whole(double x, uint32_t m)
{
    if (fabs(x) < 0x1p31) { /* the common case: a 32-bit division */
        int32_t t = (int32_t)x;
        return (double)(int32_t)(t % (int32_t)m) + (x - (double)t);
    }
    if (!(fabs(x) < 0x1p62))
        return fmod(x, (double)m);
    int64_t t = (int64_t)x;
    return (double)(t % (int64_t)m) + (x - (double)t);
}

/* floor(y) and llround(y) for 0 <= y < 2^62, exactly. */
static inline int64_t floor_pos(double y) { return (int64_t)y; }
static inline int64_t round_pos(double y)
{
    int64_t t = (int64_t)y;
    return t + (y - (double)t >= 0.5);
}

static walk walk_start(const render_layer *L, const anchor_xf *xf, int y, int x0)
{
    const double one = 65536.0;
    walk k;
    k.tw = (uint32_t)L->tw << 16, k.th = (uint32_t)L->th << 16;
    double px = x0 + 0.5 - xf->ox, py = y + 0.5 - xf->oy;
    double u = xf->m[0] * px + xf->m[1] * py + xf->tx, v = xf->m[2] * px + xf->m[3] * py + xf->ty;
    double fu = fmod_whole(u * one, k.tw), fv = fmod_whole(v * one, k.th);
    double su = fmod_whole(xf->m[0] * one, k.tw), sv = fmod_whole(xf->m[2] * one, k.th);
    uint32_t U = (uint32_t)floor_pos(fu < 0 ? fu + k.tw : fu), V = (uint32_t)floor_pos(fv < 0 ? fv + k.th : fv);
    uint32_t du = (uint32_t)round_pos(su < 0 ? su + k.tw : su), dv = (uint32_t)round_pos(sv < 0 ? sv + k.th : sv);
    k.U = U >= k.tw ? U - k.tw : U, k.V = V >= k.th ? V - k.th : V;
    k.du = du >= k.tw ? du - k.tw : du, k.dv = dv >= k.th ? dv - k.th : dv;
    return k;
}

void anchor_fill_affine_ref(const render_layer *L, const anchor_xf *xf, int y, int x0, int x1, uint8_t *rgb,
                            uint8_t *alpha)
{
    walk k = walk_start(L, xf, y, x0);
    uint32_t U = k.U, V = k.V;
    const uint32_t du = k.du, dv = k.dv, tw = k.tw, th = k.th;
    const uint8_t *base = L->rgb;
    const uint32_t w = (uint32_t)L->tw;
    if (!alpha) {
        /*
         * In segments over which the texel row stays the same (long ones
         * when the texture is little rotated), only U moves per pixel.
         * dv as a signed step: the segment ends where V crosses into the
         * next (or previous) texel row.
         */
        int64_t sdv = dv > th / 2 ? (int64_t)dv - th : (int64_t)dv;
        for (int x = x0; x < x1;) {
            uint32_t frac = V & 0xffff;
            int64_t n = sdv > 0 ? ((int64_t)0x10000 - frac + sdv - 1) / sdv : sdv < 0 ? ((int64_t)frac - sdv) / -sdv : x1 - x;
            if (n < 1)
                n = 1;
            if (n > x1 - x)
                n = x1 - x;
            const uint8_t *row = base + (size_t)(V >> 16) * w * 3;
            for (int i = 0; i < n; i++, rgb += 3) {
                const uint8_t *t = row + (U >> 16) * 3;
                rgb[0] = t[0], rgb[1] = t[1], rgb[2] = t[2];
                U += du;
                U = U >= tw ? U - tw : U;
            }
            x += (int)n;
            V = (uint32_t)(((int64_t)V + sdv * n) % (int64_t)th);
            V = (int32_t)V < 0 ? V + th : V;
        }
        return;
    }
    for (int x = x0; x < x1; x++, rgb += 3) {
        uint32_t i = (V >> 16) * w + (U >> 16);
        const uint8_t *t = base + i * 3;
        rgb[0] = t[0], rgb[1] = t[1], rgb[2] = t[2];
        *alpha++ = L->alpha[i];
        U += du, V += dv;
        U = U >= tw ? U - tw : U;
        V = V >= th ? V - th : V;
    }
}

#if defined(__x86_64__)
/*
 * The same walk sixteen pixels at a time (AVX-512: F for the gathers, BW and VL
 * for byte stores, VBMI for the byte permute): lane j holds pixel j's U
 * and V, stepped by 16 du and 16 dv (mod the tile) per round, each texel
 * gathered as the 4 bytes at its RGB (the tile has RENDER_TILE_SLACK bytes
 * after its last texel, see texture.h) and the 16 words packed to 48 bytes.
 * Only integer arithmetic on the same residues: the scalar walk's texels,
 * exactly. (An AVX2 gather of 8 texels was once measured slower than the
 * scalar loop; this one is several times faster on Zen 4.)
 */
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vbmi"))) static void fill_avx512(const render_layer *L,
                                                                                const anchor_xf *xf, int y, int x0,
                                                                                int x1, uint8_t *rgb,
                                                                                uint8_t *alpha)
{
    walk k = walk_start(L, xf, y, x0);
    /*
     * Lane j starts at (U + j du) mod tw: j's bits added one doubling of du
     * at a time, each sum of two residues wrapped once (and V the same).
     * Then every round steps all lanes by 16 du.
     */
    const __m512i TW = _mm512_set1_epi32((int)k.tw), TH = _mm512_set1_epi32((int)k.th);
    __m512i U = _mm512_set1_epi32((int)k.U), V = _mm512_set1_epi32((int)k.V);
    uint32_t su = k.du, sv = k.dv;
    for (int b = 0; b < 4; b++) {
        __mmask16 m = (__mmask16)(b == 0 ? 0xaaaa : b == 1 ? 0xcccc : b == 2 ? 0xf0f0 : 0xff00);
        U = _mm512_mask_add_epi32(U, m, U, _mm512_set1_epi32((int)su));
        V = _mm512_mask_add_epi32(V, m, V, _mm512_set1_epi32((int)sv));
        U = _mm512_mask_sub_epi32(U, _mm512_cmpge_epu32_mask(U, TW), U, TW);
        V = _mm512_mask_sub_epi32(V, _mm512_cmpge_epu32_mask(V, TH), V, TH);
        su += su, sv += sv;
        su = su >= k.tw ? su - k.tw : su, sv = sv >= k.th ? sv - k.th : sv;
    }
    const __m512i SU = _mm512_set1_epi32((int)su), SV = _mm512_set1_epi32((int)sv);
    const __m512i W = _mm512_set1_epi32(L->tw);
    /* Bytes 0-2 of each dword, packed: 0 1 2 4 5 6 8 ... (the top 16 bytes are not stored). */
    const __m512i pack = RGB48_PACK_512();
    const uint8_t *base = L->rgb, *abase = L->alpha;
    /*
     * Where 16 pixels read one texel row and at most WINDOW consecutive
     * texels of it (the texture magnified or little shrunk, not rotated
     * much), the texels are loaded (only the bytes needed, so never past the
     * row) and picked by a byte permute instead of gathered. The walk moves
     * forward (du small) or backward (du near tw); 15 steps that stay under
     * WINDOW texels and under the tile width show a wrap as lane 15 passing
     * lane 0.
     */
    enum { WINDOW = 42 }; /* texels whose RGB fit two registers (126 bytes) */
    const uint64_t reach = (uint64_t)(WINDOW - 1) << 16;
    int forward = (uint64_t)k.du * 15 <= reach && (uint64_t)k.du * 15 < k.tw;
    int backward = !forward && k.du && (uint64_t)(k.tw - k.du) * 15 <= reach && (uint64_t)(k.tw - k.du) * 15 < k.tw;
    /* Output byte 3j + b takes byte b of lane j's texel: lane j's low byte spread over 3 bytes, plus b. */
    const __m512i spread = _mm512_set_epi8(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 60, 60, 60, 56, 56, 56, 52,
                                           52, 52, 48, 48, 48, 44, 44, 44, 40, 40, 40, 36, 36, 36, 32, 32, 32, 28,
                                           28, 28, 24, 24, 24, 20, 20, 20, 16, 16, 16, 12, 12, 12, 8, 8, 8, 4, 4, 4,
                                           0, 0, 0);
    const __m512i plus = _mm512_set_epi8(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0,
                                         2, 1, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0, 2,
                                         1, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0);
    const __m512i lows = _mm512_set_epi32(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x3c383430, 0x2c282420, 0x1c181410,
                                          0x0c080400);
    for (int n = x1 - x0; n > 0; n -= 16) {
        __mmask16 lanes = n >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << n) - 1);
        __mmask64 bytes = n >= 16 ? (__mmask64)0xffffffffffffull : (__mmask64)((1ull << (3 * n)) - 1);
        if (n >= 16 && (forward || backward)) {
            __m512i row = _mm512_srli_epi32(V, 16), col = _mm512_srli_epi32(U, 16);
            uint32_t u0 = (uint32_t)_mm_cvtsi128_si32(_mm512_castsi512_si128(U));
            uint32_t u15 = (uint32_t)_mm_extract_epi32(_mm512_extracti32x4_epi32(U, 3), 3);
            uint32_t r0 = (uint32_t)_mm_cvtsi128_si32(_mm512_castsi512_si128(row));
            if ((forward ? u15 >= u0 : u15 <= u0) &&
                _mm512_cmpeq_epi32_mask(row, _mm512_set1_epi32((int)r0)) == (__mmask16)0xffff) {
                /* The texels of columns c0 .. c0 + span (span < WINDOW). */
                uint32_t c0 = (forward ? u0 : u15) >> 16, span = (forward ? u15 : u0) >> 16;
                span -= c0;
                const uint8_t *src = base + ((size_t)r0 * L->tw + c0) * 3;
                uint32_t need = (span + 1) * 3;
                __m512i lo = _mm512_maskz_loadu_epi8(need >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << need) - 1, src);
                __m512i hi = _mm512_maskz_loadu_epi8(need > 64 ? ((__mmask64)1 << (need - 64)) - 1 : 0, src + 64);
                __m512i rel = _mm512_sub_epi32(col, _mm512_set1_epi32((int)c0));
                __m512i idx = _mm512_add_epi8(_mm512_permutexvar_epi8(spread, _mm512_add_epi32(rel, _mm512_add_epi32(rel, rel))), plus);
                _mm512_mask_storeu_epi8(rgb, bytes, _mm512_permutex2var_epi8(lo, idx, hi));
                rgb += 48;
                if (alpha) {
                    __m512i a = _mm512_maskz_loadu_epi8(((__mmask64)1 << (span + 1)) - 1,
                                                        abase + (size_t)r0 * L->tw + c0);
                    __m512i ai = _mm512_permutexvar_epi8(lows, rel);
                    _mm_storeu_si128((__m128i *)(void *)alpha, _mm512_castsi512_si128(_mm512_permutexvar_epi8(ai, a)));
                    alpha += 16;
                }
                U = _mm512_add_epi32(U, SU), V = _mm512_add_epi32(V, SV);
                U = _mm512_mask_sub_epi32(U, _mm512_cmpge_epu32_mask(U, TW), U, TW);
                V = _mm512_mask_sub_epi32(V, _mm512_cmpge_epu32_mask(V, TH), V, TH);
                continue;
            }
        }
        __m512i i = _mm512_add_epi32(_mm512_mullo_epi32(_mm512_srli_epi32(V, 16), W), _mm512_srli_epi32(U, 16));
        __m512i off = _mm512_add_epi32(i, _mm512_add_epi32(i, i));
        __m512i t = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), lanes, off, base, 1);
        _mm512_mask_storeu_epi8(rgb, bytes, _mm512_permutexvar_epi8(pack, t));
        rgb += 48;
        if (alpha) {
            __m512i a = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), lanes, i, abase, 1);
            _mm_mask_storeu_epi8(alpha, lanes, _mm512_cvtepi32_epi8(a));
            alpha += 16;
        }
        U = _mm512_add_epi32(U, SU), V = _mm512_add_epi32(V, SV);
        U = _mm512_mask_sub_epi32(U, _mm512_cmpge_epu32_mask(U, TW), U, TW);
        V = _mm512_mask_sub_epi32(V, _mm512_cmpge_epu32_mask(V, TH), V, TH);
    }
}
#endif

#if defined(__x86_64__)
/* x mod t for x < 2t (unsigned lanes): x - t wraps past x exactly when x < t. */
#define WRAP8(x, t) _mm256_min_epu32((x), _mm256_sub_epi32((x), (t)))

/*
 * The same walk eight pixels at a time (AVX2): lane j at (U + j du) mod tw
 * the same way as fill_avx512, each texel gathered as the 4 bytes at its
 * RGB (RENDER_TILE_SLACK) and the 8 words packed to 24 bytes by a byte
 * shuffle in each half and a move of the halves' 12 bytes together. Only
 * the span's bytes are written. Same residues, same texels.
 */
__attribute__((target("avx2"))) static void fill_avx2(const render_layer *L, const anchor_xf *xf, int y, int x0,
                                                      int x1, uint8_t *rgb, uint8_t *alpha)
{
    walk k = walk_start(L, xf, y, x0);
    const __m256i TW = _mm256_set1_epi32((int)k.tw), TH = _mm256_set1_epi32((int)k.th);
    __m256i U = _mm256_set1_epi32((int)k.U), V = _mm256_set1_epi32((int)k.V);
    uint32_t su = k.du, sv = k.dv;
    for (int b = 0; b < 3; b++) {
        __m256i m = b == 0   ? _mm256_set_epi32(-1, 0, -1, 0, -1, 0, -1, 0)
                    : b == 1 ? _mm256_set_epi32(-1, -1, 0, 0, -1, -1, 0, 0)
                             : _mm256_set_epi32(-1, -1, -1, -1, 0, 0, 0, 0);
        U = WRAP8(_mm256_add_epi32(U, _mm256_and_si256(m, _mm256_set1_epi32((int)su))), TW);
        V = WRAP8(_mm256_add_epi32(V, _mm256_and_si256(m, _mm256_set1_epi32((int)sv))), TH);
        su += su, sv += sv;
        su = su >= k.tw ? su - k.tw : su, sv = sv >= k.th ? sv - k.th : sv;
    }
    const __m256i SU = _mm256_set1_epi32((int)su), SV = _mm256_set1_epi32((int)sv);
    const __m256i W = _mm256_set1_epi32(L->tw);
    /* Bytes 0-2 of each word to the low 12 bytes of its half, then the halves' 12 bytes joined: 24 bytes. */
    const __m256i pack = RGB24_PACK_256();
    const __m256i join = RGB24_JOIN_256();
    /* Byte 0 of each word: 4 bytes per half, joined to 8. */
    const __m256i apack = ALPHA8_PACK_256();
    const __m256i ajoin = ALPHA8_JOIN_256();
    const int *base = (const int *)(const void *)L->rgb, *abase = (const int *)(const void *)L->alpha;
    for (int n = x1 - x0; n > 0; n -= 8) {
        __m256i i = _mm256_add_epi32(_mm256_mullo_epi32(_mm256_srli_epi32(V, 16), W), _mm256_srli_epi32(U, 16));
        __m256i t = _mm256_i32gather_epi32(base, _mm256_add_epi32(i, _mm256_add_epi32(i, i)), 1);
        __m256i p = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(t, pack), join);
        if (n >= 8) {
            _mm_storeu_si128((__m128i *)(void *)rgb, _mm256_castsi256_si128(p));
            _mm_storel_epi64((__m128i *)(void *)(rgb + 16), _mm256_extracti128_si256(p, 1));
            rgb += 24;
        } else {
            uint8_t tmp[32];
            _mm256_storeu_si256((__m256i *)(void *)tmp, p);
            memcpy(rgb, tmp, (size_t)n * 3);
        }
        if (alpha) {
            __m256i a = _mm256_i32gather_epi32(abase, i, 1);
            __m128i q = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(a, apack), ajoin));
            if (n >= 8) {
                _mm_storel_epi64((__m128i *)(void *)alpha, q);
                alpha += 8;
            } else {
                uint8_t tmp[8];
                _mm_storel_epi64((__m128i *)(void *)tmp, q);
                memcpy(alpha, tmp, (size_t)n);
            }
        }
        U = WRAP8(_mm256_add_epi32(U, SU), TW), V = WRAP8(_mm256_add_epi32(V, SV), TH);
    }
}
#undef WRAP8
#endif

anchor_fill_fn anchor_fill_select(int level)
{
    level = level < render_cpu_level() ? level : render_cpu_level();
#if defined(__x86_64__)
    if (level >= RENDER_AVX512)
        return fill_avx512;
    if (level >= RENDER_AVX2)
        return fill_avx2;
#endif
    return anchor_fill_affine_ref;
}
