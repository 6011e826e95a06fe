/* The face mesh's texture painted through a face's UVs, a row at a time (see mesh_paint.h). */
#include "render/mesh_paint.h"
#include "render/rgb_shuffle.h"
#include "render/render.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

/* floor(t) mod n for t >= 0 (the callers bias t positive): no division, no libm call. */
static inline int wrap_index(float t, int n, float inv_n)
{
    int q = (int)(t * inv_n), i = (int)t - q * n;
    return i < 0 ? i + n : i >= n ? i - n : i;
}

#if defined(__x86_64__)
/*
 * mesh_fill's per-pixel work for n texels of one face's row, 16 at a time
 * (AVX-512 F, BW, VL, VBMI, chosen at configure): the same float
 * operations in the same order, each rounded on its own (the _round_
 * forms: the compiler may not fuse them into multiply-adds), the same
 * truncations, the texels gathered as 4-byte words (RENDER_TILE_SLACK).
 * Bit for bit the scalar loop of mesh_paint_row.
 */
#define RN (_MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vbmi"))) static void
mesh_row_avx512(const face_uv_texel *t, int n, float k, float ou, float ov, const render_layer *L, float itw,
                float ith, uint8_t *o, uint8_t *alpha)
{
    const __m512 K = _mm512_set1_ps(k), OU = _mm512_set1_ps(ou), OV = _mm512_set1_ps(ov);
    const __m512 ITW = _mm512_set1_ps(itw), ITH = _mm512_set1_ps(ith), ONE = _mm512_set1_ps(1.0f);
    const __m512 ZERO = _mm512_setzero_ps(), BIG = _mm512_set1_ps(1e7f), HALF = _mm512_set1_ps(0.5f);
    const __m512i TW = _mm512_set1_epi32(L->tw), TH = _mm512_set1_epi32(L->th), B255 = _mm512_set1_epi32(255);
    /* From 4 registers of 4 texels {u, v, c, d}: lanes 0-7 u (or c) of texels 0-7, 8-15 v (or d). */
    const __m512i even = _mm512_set_epi32(29, 25, 21, 17, 13, 9, 5, 1, 28, 24, 20, 16, 12, 8, 4, 0);
    const __m512i odd = _mm512_set_epi32(31, 27, 23, 19, 15, 11, 7, 3, 30, 26, 22, 18, 14, 10, 6, 2);
    const __m512i lo = _mm512_set_epi32(23, 22, 21, 20, 19, 18, 17, 16, 7, 6, 5, 4, 3, 2, 1, 0);
    const __m512i hi = _mm512_set_epi32(31, 30, 29, 28, 27, 26, 25, 24, 15, 14, 13, 12, 11, 10, 9, 8);
    /* 48 RGB bytes to 16 dwords and back. */
    const __m512i unpack = RGB48_UNPACK_512();
    const __m512i pack = RGB48_PACK_512();
    for (int x = 0; x < n; x += 16, t += 16, o += 48) {
        int left = n - x;
        __mmask16 lanes = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
        __mmask64 bytes = left >= 16 ? (__mmask64)0xffffffffffffull : (__mmask64)((1ull << (3 * left)) - 1);
        __m512 a[4];
        for (int q = 0; q < 4; q++) {
            int e = left - 4 * q; /* texels of this register that exist */
            a[q] = _mm512_maskz_loadu_ps(e >= 4 ? (__mmask16)0xffff : e > 0 ? (__mmask16)((1u << (4 * e)) - 1) : 0,
                                         t + 4 * q);
        }
        __m512 uv01 = _mm512_permutex2var_ps(a[0], even, a[1]), uv23 = _mm512_permutex2var_ps(a[2], even, a[3]);
        __m512 cd01 = _mm512_permutex2var_ps(a[0], odd, a[1]), cd23 = _mm512_permutex2var_ps(a[2], odd, a[3]);
        __m512 u = _mm512_permutex2var_ps(uv01, lo, uv23), v = _mm512_permutex2var_ps(uv01, hi, uv23);
        __m512 cov = _mm512_permutex2var_ps(cd01, lo, cd23);
        __mmask16 m = _mm512_mask_cmp_ps_mask(lanes, cov, ZERO, _CMP_GT_OQ);
        if (!m)
            continue;
        __m512 tu = _mm512_add_round_ps(_mm512_mul_round_ps(K, u, RN), OU, RN);
        __m512 tv = _mm512_add_round_ps(_mm512_mul_round_ps(K, v, RN), OV, RN);
        m = _mm512_mask_cmp_ps_mask(m, tu, ZERO, _CMP_GE_OQ);
        m = _mm512_mask_cmp_ps_mask(m, tv, ZERO, _CMP_GE_OQ);
        m = _mm512_mask_cmp_ps_mask(m, tu, BIG, _CMP_LT_OQ);
        m = _mm512_mask_cmp_ps_mask(m, tv, BIG, _CMP_LT_OQ);
        if (!m)
            continue;
        /* wrap_index */
        __m512i qu = _mm512_cvttps_epi32(_mm512_mul_round_ps(tu, ITW, RN));
        __m512i qv = _mm512_cvttps_epi32(_mm512_mul_round_ps(tv, ITH, RN));
        __m512i iu = _mm512_sub_epi32(_mm512_cvttps_epi32(tu), _mm512_mullo_epi32(qu, TW));
        __m512i iv = _mm512_sub_epi32(_mm512_cvttps_epi32(tv), _mm512_mullo_epi32(qv, TH));
        iu = _mm512_mask_add_epi32(iu, _mm512_cmplt_epi32_mask(iu, _mm512_setzero_si512()), iu, TW);
        iu = _mm512_mask_sub_epi32(iu, _mm512_cmpge_epi32_mask(iu, TW), iu, TW);
        iv = _mm512_mask_add_epi32(iv, _mm512_cmplt_epi32_mask(iv, _mm512_setzero_si512()), iv, TH);
        iv = _mm512_mask_sub_epi32(iv, _mm512_cmpge_epi32_mask(iv, TH), iv, TH);
        __m512i i = _mm512_add_epi32(_mm512_mullo_epi32(iv, TW), iu);
        __m512i off = _mm512_add_epi32(i, _mm512_add_epi32(i, i));
        __m512i s = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), m, off, L->rgb, 1);
        __m512i d = _mm512_permutexvar_epi8(unpack, _mm512_maskz_loadu_epi8(bytes, o));
        __mmask16 full = _mm512_mask_cmp_ps_mask(m, cov, ONE, _CMP_GE_OQ), part = m & (__mmask16)~full;
        __m512 gc = _mm512_sub_round_ps(ONE, cov, RN);
        __m512i res = _mm512_mask_mov_epi32(d, full, s);
        if (part) {
            __m512i mix = _mm512_setzero_si512();
            for (int c = 0; c < 3; c++) {
                __m512 df = _mm512_cvtepi32_ps(_mm512_and_si512(_mm512_srli_epi32(d, 8 * c), B255));
                __m512 sf = _mm512_cvtepi32_ps(_mm512_and_si512(_mm512_srli_epi32(s, 8 * c), B255));
                __m512 b = _mm512_add_round_ps(_mm512_add_round_ps(_mm512_mul_round_ps(df, gc, RN),
                                                                   _mm512_mul_round_ps(sf, cov, RN), RN),
                                               HALF, RN);
                mix = _mm512_or_si512(mix, _mm512_slli_epi32(_mm512_and_si512(_mm512_cvttps_epi32(b), B255), 8 * c));
            }
            res = _mm512_mask_mov_epi32(res, part, mix);
        }
        _mm512_mask_storeu_epi8(o, bytes, _mm512_permutexvar_epi8(pack, res));
        if (alpha) {
            __m512i sa = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), m, i, L->alpha, 1);
            sa = _mm512_and_si512(sa, B255);
            __m512i da = _mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(lanes, alpha + x));
            __m512 b = _mm512_add_round_ps(_mm512_add_round_ps(_mm512_mul_round_ps(_mm512_cvtepi32_ps(da), gc, RN),
                                                               _mm512_mul_round_ps(_mm512_cvtepi32_ps(sa), cov, RN),
                                                               RN),
                                           HALF, RN);
            __m512i ra = _mm512_mask_mov_epi32(da, full, sa);
            ra = _mm512_mask_mov_epi32(ra, part, _mm512_and_si512(_mm512_cvttps_epi32(b), B255));
            _mm_mask_storeu_epi8(alpha + x, lanes, _mm512_cvtepi32_epi8(ra));
        }
    }
}
#undef RN

/*
 * mesh_row_avx512's work 8 texels at a time (AVX2; no FMA enabled, so
 * nothing is fused) over the first n - n mod 8 texels; returns them (the
 * caller's scalar loop does the rest). Bit for bit mesh_fill's scalar loop.
 */
__attribute__((target("avx2"))) static int mesh_row_avx2(const face_uv_texel *t, int n, float k, float ou, float ov,
                                                        const render_layer *L, float itw, float ith, uint8_t *o,
                                                        uint8_t *alpha)
{
    const __m256 K = _mm256_set1_ps(k), OU = _mm256_set1_ps(ou), OV = _mm256_set1_ps(ov);
    const __m256 ITW = _mm256_set1_ps(itw), ITH = _mm256_set1_ps(ith), ONE = _mm256_set1_ps(1.0f);
    const __m256 ZERO = _mm256_setzero_ps(), BIG = _mm256_set1_ps(1e7f), HALF = _mm256_set1_ps(0.5f);
    const __m256i TW = _mm256_set1_epi32(L->tw), TH = _mm256_set1_epi32(L->th), B255 = _mm256_set1_epi32(255);
    const __m256i Z = _mm256_setzero_si256();
    const __m256i unpack = RGB24_UNPACK_256();
    const __m256i pack = RGB24_PACK_256();
    const __m256i join = RGB24_JOIN_256();
    const __m256i apack = ALPHA8_PACK_256();
    const __m256i ajoin = ALPHA8_JOIN_256();
    int x = 0;
    for (; x + 8 <= n; x += 8, t += 8, o += 24) {
        /* Register q: texels q and q + 4 {u, v, c, d}; a 4 x 4 transpose per half gives lanes 0-7 = texels 0-7. */
        __m256 a[4];
        for (int q = 0; q < 4; q++)
            a[q] = _mm256_loadu2_m128((const float *)(const void *)(t + q + 4), (const float *)(const void *)(t + q));
        __m256 t0 = _mm256_unpacklo_ps(a[0], a[1]), t1 = _mm256_unpacklo_ps(a[2], a[3]);
        __m256 t2 = _mm256_unpackhi_ps(a[0], a[1]), t3 = _mm256_unpackhi_ps(a[2], a[3]);
        __m256 u = _mm256_castpd_ps(_mm256_unpacklo_pd(_mm256_castps_pd(t0), _mm256_castps_pd(t1)));
        __m256 v = _mm256_castpd_ps(_mm256_unpackhi_pd(_mm256_castps_pd(t0), _mm256_castps_pd(t1)));
        __m256 cov = _mm256_castpd_ps(_mm256_unpacklo_pd(_mm256_castps_pd(t2), _mm256_castps_pd(t3)));
        __m256 m = _mm256_cmp_ps(cov, ZERO, _CMP_GT_OQ);
        if (!_mm256_movemask_ps(m))
            continue;
        __m256 tu = _mm256_add_ps(_mm256_mul_ps(K, u), OU), tv = _mm256_add_ps(_mm256_mul_ps(K, v), OV);
        m = _mm256_and_ps(m, _mm256_and_ps(_mm256_cmp_ps(tu, ZERO, _CMP_GE_OQ), _mm256_cmp_ps(tv, ZERO, _CMP_GE_OQ)));
        m = _mm256_and_ps(m, _mm256_and_ps(_mm256_cmp_ps(tu, BIG, _CMP_LT_OQ), _mm256_cmp_ps(tv, BIG, _CMP_LT_OQ)));
        if (!_mm256_movemask_ps(m))
            continue;
        __m256i mi = _mm256_castps_si256(m);
        /* wrap_index */
        __m256i qu = _mm256_cvttps_epi32(_mm256_mul_ps(tu, ITW)), qv = _mm256_cvttps_epi32(_mm256_mul_ps(tv, ITH));
        __m256i iu = _mm256_sub_epi32(_mm256_cvttps_epi32(tu), _mm256_mullo_epi32(qu, TW));
        __m256i iv = _mm256_sub_epi32(_mm256_cvttps_epi32(tv), _mm256_mullo_epi32(qv, TH));
        iu = _mm256_add_epi32(iu, _mm256_and_si256(_mm256_cmpgt_epi32(Z, iu), TW));
        iu = _mm256_sub_epi32(iu, _mm256_andnot_si256(_mm256_cmpgt_epi32(TW, iu), TW));
        iv = _mm256_add_epi32(iv, _mm256_and_si256(_mm256_cmpgt_epi32(Z, iv), TH));
        iv = _mm256_sub_epi32(iv, _mm256_andnot_si256(_mm256_cmpgt_epi32(TH, iv), TH));
        __m256i i = _mm256_add_epi32(_mm256_mullo_epi32(iv, TW), iu);
        __m256i off = _mm256_add_epi32(i, _mm256_add_epi32(i, i));
        __m256i s = _mm256_mask_i32gather_epi32(Z, (const int *)(const void *)L->rgb, off, mi, 1);
        __m128i dlo = _mm_loadu_si128((const __m128i *)(const void *)o);
        __m128i dhi = _mm_loadl_epi64((const __m128i *)(const void *)(o + 16));
        __m256i d = _mm256_shuffle_epi8(_mm256_set_m128i(_mm_alignr_epi8(dhi, dlo, 12), dlo), unpack);
        __m256i full = _mm256_and_si256(mi, _mm256_castps_si256(_mm256_cmp_ps(cov, ONE, _CMP_GE_OQ)));
        __m256i part = _mm256_andnot_si256(full, mi);
        __m256 gc = _mm256_sub_ps(ONE, cov);
        __m256i res = _mm256_blendv_epi8(d, s, full);
        if (!_mm256_testz_si256(part, part)) {
            __m256i mix = Z;
            for (int c = 0; c < 3; c++) {
                __m256 df = _mm256_cvtepi32_ps(_mm256_and_si256(_mm256_srli_epi32(d, 8 * c), B255));
                __m256 sf = _mm256_cvtepi32_ps(_mm256_and_si256(_mm256_srli_epi32(s, 8 * c), B255));
                __m256 b = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(df, gc), _mm256_mul_ps(sf, cov)), HALF);
                mix = _mm256_or_si256(mix, _mm256_slli_epi32(_mm256_and_si256(_mm256_cvttps_epi32(b), B255), 8 * c));
            }
            res = _mm256_blendv_epi8(res, mix, part);
        }
        __m256i p = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(res, pack), join);
        _mm_storeu_si128((__m128i *)(void *)o, _mm256_castsi256_si128(p));
        _mm_storel_epi64((__m128i *)(void *)(o + 16), _mm256_extracti128_si256(p, 1));
        if (alpha) {
            __m256i sa = _mm256_mask_i32gather_epi32(Z, (const int *)(const void *)L->alpha, i, mi, 1);
            sa = _mm256_and_si256(sa, B255);
            __m256i da = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(const void *)(alpha + x)));
            __m256 b = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(da), gc),
                                                   _mm256_mul_ps(_mm256_cvtepi32_ps(sa), cov)),
                                     HALF);
            __m256i ra = _mm256_blendv_epi8(da, sa, full);
            ra = _mm256_blendv_epi8(ra, _mm256_and_si256(_mm256_cvttps_epi32(b), B255), part);
            _mm_storel_epi64((__m128i *)(void *)(alpha + x),
                             _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(ra, apack), ajoin)));
        }
    }
    return x;
}
#endif

void mesh_paint_row(const face_uv_texel *t, int n, float k, float ou, float ov, const render_layer *L, uint8_t *rgb,
                    uint8_t *alpha, int level)
{
    const int tw = L->tw, th = L->th;
    const float itw = 1.0f / (float)tw, ith = 1.0f / (float)th;
    int x = 0;
#if defined(__x86_64__)
    if (level >= RENDER_AVX512) {
        mesh_row_avx512(t, n, k, ou, ov, L, itw, ith, rgb, alpha);
        return;
    }
    if (level >= RENDER_AVX2)
        x = mesh_row_avx2(t, n, k, ou, ov, L, itw, ith, rgb, alpha);
#else
    (void)level;
#endif
    for (; x < n; x++) {
        float cov = t[x].coverage;
        if (!(cov > 0))
            continue;
        float tu = k * t[x].u + ou, tv = k * t[x].v + ov;
        if (!(tu >= 0 && tv >= 0 && tu < 1e7f && tv < 1e7f))
            continue;
        size_t i = (size_t)wrap_index(tv, th, ith) * tw + wrap_index(tu, tw, itw);
        const uint8_t *s = L->rgb + i * 3;
        uint8_t *o = rgb + (size_t)x * 3;
        if (cov >= 1) {
            o[0] = s[0], o[1] = s[1], o[2] = s[2];
            if (alpha)
                alpha[x] = L->alpha[i];
            continue;
        }
        for (int j = 0; j < 3; j++)
            o[j] = (uint8_t)((float)o[j] * (1 - cov) + (float)s[j] * cov + 0.5f);
        if (alpha)
            alpha[x] = (uint8_t)((float)alpha[x] * (1 - cov) + (float)L->alpha[i] * cov + 0.5f);
    }
}
