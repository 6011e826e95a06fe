/* The model's probabilities quantized to 8-bit weights (see quantize.h). */
#include "render/quantize.h"
#include "render/render.h"

#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

void quantize_onehot(int c, model_px *m)
{
    model_px r;
    memset(&r, 0, sizeof r);
    r.q[c] = 255;
    r.pure = (uint8_t)c;
    r.mask = (uint8_t)(1u << c);
    *m = r;
}

/*
 * Quantize one pixel's probabilities to weights summing to exactly 255:
 * clamp to [0,1] (NaN and values under 2^-16 -> 0), scale by 255 / sum, round, and give the
 * rounding remainder (at most +-3) to the most probable category (the first
 * one on ties), which holds at least 42. Built in registers and stored once.
 */
static inline void quantize_pixel(const float *p, model_px *m)
{
    /*
     * Fast path, exact: when one value is > 0.99 and every other one is
     * <= 0.001 (or NaN), the general path below gives the others weight 0
     * (each is < 0.26 / 255 of the sum) and this one 255. Most pixels of a
     * confident segmentation take it.
     */
    unsigned big = 0;
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++)
        big |= (unsigned)(p[c] > 1e-3f) << c;
    if (big && !(big & (big - 1))) {
        int c = __builtin_ctz(big);
        if (p[c] > 0.99f) {
            quantize_onehot(c, m);
            return;
        }
    }
    float v[SEGTEX_CATEGORY_COUNT], sum = 0;
    int best = 0;
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        float x = p[c];
        /* NaN fails the test; so do values under 2^-16, which would round to 0 anyway and, as
         * denormals from a softmax tail, slow every multiply by two orders of magnitude. */
        x = x > 0x1p-16f ? x : 0;
        x = x < 1 ? x : 1;
        v[c] = x;
        sum += x;
    }
    for (int c = 1; c < SEGTEX_CATEGORY_COUNT; c++)
        best = v[c] > v[best] ? c : best;
    model_px r;
    if (!(sum > 0)) {
        memset(&r, 0, sizeof r);
        r.q[0] = 255;
        r.pure = 0;
        r.mask = 1;
        *m = r;
        return;
    }
    float k = 255.0f / sum;
    int total = 0, q[SEGTEX_CATEGORY_COUNT];
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        q[c] = (int)(v[c] * k + 0.5f);
        total += q[c];
    }
    q[best] += 255 - total;
    unsigned mask = 0;
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        r.q[c] = (uint8_t)q[c];
        mask |= (unsigned)(q[c] != 0) << c;
    }
    r.pure = q[best] == 255 ? (uint8_t)best : NOT_PURE;
    r.mask = (uint8_t)mask;
    *m = r;
}

#if defined(__SSE2__)
/*
 * quantize_pixel's general path for four pixels at once, one pixel per
 * lane. Every step is the same IEEE single-precision operation in the same
 * order (the sum from category 0 up, one division, a multiply then an add,
 * never fused, truncation), so each lane gives bit for bit what the scalar
 * code gives; only the fast path's shortcut is gone, and it was exact.
 */
static void quantize4(const float *p, model_px *m)
{
    /* 4 pixels x 6 floats, read as 12 pairs and transposed to one vector per category. */
    __m128d d0 = _mm_castps_pd(_mm_loadu_ps(p + 0)), d1 = _mm_castps_pd(_mm_loadu_ps(p + 4));
    __m128d d2 = _mm_castps_pd(_mm_loadu_ps(p + 8)), d3 = _mm_castps_pd(_mm_loadu_ps(p + 12));
    __m128d d4 = _mm_castps_pd(_mm_loadu_ps(p + 16)), d5 = _mm_castps_pd(_mm_loadu_ps(p + 20));
    __m128 c01a = _mm_castpd_ps(_mm_shuffle_pd(d0, d1, 2)), c01b = _mm_castpd_ps(_mm_shuffle_pd(d3, d4, 2));
    __m128 c23a = _mm_castpd_ps(_mm_shuffle_pd(d0, d2, 1)), c23b = _mm_castpd_ps(_mm_shuffle_pd(d3, d5, 1));
    __m128 c45a = _mm_castpd_ps(_mm_shuffle_pd(d1, d2, 2)), c45b = _mm_castpd_ps(_mm_shuffle_pd(d4, d5, 2));
    __m128 v[SEGTEX_CATEGORY_COUNT] = {
        _mm_shuffle_ps(c01a, c01b, _MM_SHUFFLE(2, 0, 2, 0)), _mm_shuffle_ps(c01a, c01b, _MM_SHUFFLE(3, 1, 3, 1)),
        _mm_shuffle_ps(c23a, c23b, _MM_SHUFFLE(2, 0, 2, 0)), _mm_shuffle_ps(c23a, c23b, _MM_SHUFFLE(3, 1, 3, 1)),
        _mm_shuffle_ps(c45a, c45b, _MM_SHUFFLE(2, 0, 2, 0)), _mm_shuffle_ps(c45a, c45b, _MM_SHUFFLE(3, 1, 3, 1)),
    };
    const __m128 tiny = _mm_set1_ps(0x1p-16f), one = _mm_set1_ps(1.0f);
#pragma GCC unroll 6
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++)
        v[c] = _mm_min_ps(_mm_and_ps(_mm_cmpgt_ps(v[c], tiny), v[c]), one); /* NaN and tiny -> 0; then x < 1 ? x : 1 */
    __m128 sum = v[0], bv = v[0];
    __m128i best = _mm_setzero_si128();
#pragma GCC unroll 6
    for (int c = 1; c < SEGTEX_CATEGORY_COUNT; c++) {
        sum = _mm_add_ps(sum, v[c]);
        __m128 gt = _mm_cmpgt_ps(v[c], bv); /* strictly greater: the first one wins ties */
        bv = _mm_or_ps(_mm_and_ps(gt, v[c]), _mm_andnot_ps(gt, bv));
        best = _mm_or_si128(_mm_and_si128(_mm_castps_si128(gt), _mm_set1_epi32(c)),
                            _mm_andnot_si128(_mm_castps_si128(gt), best));
    }
    /* Lanes whose sum is 0 compute garbage here (0 * inf) and are replaced below. */
    __m128 k = _mm_div_ps(_mm_set1_ps(255.0f), sum);
    __m128i q[SEGTEX_CATEGORY_COUNT], total = _mm_setzero_si128();
#pragma GCC unroll 6
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        q[c] = _mm_cvttps_epi32(_mm_add_ps(_mm_mul_ps(v[c], k), _mm_set1_ps(0.5f)));
        total = _mm_add_epi32(total, q[c]);
    }
    __m128i rem = _mm_sub_epi32(_mm_set1_epi32(255), total), mask = _mm_setzero_si128();
    __m128i pure = _mm_set1_epi32(NOT_PURE), lo = _mm_setzero_si128(), hi = _mm_setzero_si128();
#pragma GCC unroll 6
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        __m128i cc = _mm_set1_epi32(c);
        q[c] = _mm_add_epi32(q[c], _mm_and_si128(_mm_cmpeq_epi32(best, cc), rem));
        mask = _mm_or_si128(mask, _mm_andnot_si128(_mm_cmpeq_epi32(q[c], _mm_setzero_si128()), _mm_set1_epi32(1 << c)));
        /* Weights are >= 0 and sum to 255: a weight of 255 is the only nonzero one. */
        __m128i full = _mm_cmpeq_epi32(q[c], _mm_set1_epi32(255));
        pure = _mm_or_si128(_mm_and_si128(full, cc), _mm_andnot_si128(full, pure));
        if (c < 4)
            lo = _mm_or_si128(lo, _mm_slli_epi32(q[c], 8 * c));
        else
            hi = _mm_or_si128(hi, _mm_slli_epi32(q[c], 8 * (c - 4)));
    }
    hi = _mm_or_si128(hi, _mm_or_si128(_mm_slli_epi32(pure, 16), _mm_slli_epi32(mask, 24)));
    /* A zero sum counts as background: q = {255, 0, ...}, pure 0, mask 1. */
    __m128i ok = _mm_castps_si128(_mm_cmpgt_ps(sum, _mm_setzero_ps()));
    lo = _mm_or_si128(_mm_and_si128(ok, lo), _mm_andnot_si128(ok, _mm_set1_epi32(255)));
    hi = _mm_or_si128(_mm_and_si128(ok, hi), _mm_andnot_si128(ok, _mm_set1_epi32(1 << 24)));
    _mm_storeu_si128((__m128i *)(void *)m, _mm_unpacklo_epi32(lo, hi));
    _mm_storeu_si128((__m128i *)(void *)(m + 2), _mm_unpackhi_epi32(lo, hi));
}
#endif

#if defined(__x86_64__) || defined(__i386__)
/*
 * The same for eight pixels with AVX2 (chosen at configure time when the CPU
 * has it): pixels 0-3 in the low 128-bit lane, 4-7 in the high one. Only
 * "avx2" is enabled, not "fma", so no multiply-add can be fused.
 */
__attribute__((target("avx2"))) static void quantize8(const float *p, model_px *m)
{
    /* Per lane as in quantize4: 4 pixels x 6 floats, read as 12 pairs and transposed. */
#define LOAD2(i) _mm256_castps_pd(_mm256_loadu2_m128(p + 24 + (i), p + (i)))
    __m256d d0 = LOAD2(0), d1 = LOAD2(4), d2 = LOAD2(8), d3 = LOAD2(12), d4 = LOAD2(16), d5 = LOAD2(20);
#undef LOAD2
    __m256 c01a = _mm256_castpd_ps(_mm256_shuffle_pd(d0, d1, 10));
    __m256 c01b = _mm256_castpd_ps(_mm256_shuffle_pd(d3, d4, 10));
    __m256 c23a = _mm256_castpd_ps(_mm256_shuffle_pd(d0, d2, 5));
    __m256 c23b = _mm256_castpd_ps(_mm256_shuffle_pd(d3, d5, 5));
    __m256 c45a = _mm256_castpd_ps(_mm256_shuffle_pd(d1, d2, 10));
    __m256 c45b = _mm256_castpd_ps(_mm256_shuffle_pd(d4, d5, 10));
    __m256 v[SEGTEX_CATEGORY_COUNT] = {
        _mm256_shuffle_ps(c01a, c01b, _MM_SHUFFLE(2, 0, 2, 0)), _mm256_shuffle_ps(c01a, c01b, _MM_SHUFFLE(3, 1, 3, 1)),
        _mm256_shuffle_ps(c23a, c23b, _MM_SHUFFLE(2, 0, 2, 0)), _mm256_shuffle_ps(c23a, c23b, _MM_SHUFFLE(3, 1, 3, 1)),
        _mm256_shuffle_ps(c45a, c45b, _MM_SHUFFLE(2, 0, 2, 0)), _mm256_shuffle_ps(c45a, c45b, _MM_SHUFFLE(3, 1, 3, 1)),
    };
    const __m256 tiny = _mm256_set1_ps(0x1p-16f), one = _mm256_set1_ps(1.0f), small = _mm256_set1_ps(1e-3f);
    /* quantize_pixel's fast path, for all 8 at once (as quantize16): one value over 0.001 per pixel, and over 0.99. */
    __m256i nbig = _mm256_setzero_si256();
#pragma GCC unroll 6
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        nbig = _mm256_sub_epi32(nbig, _mm256_castps_si256(_mm256_cmp_ps(v[c], small, _CMP_GT_OQ)));
        v[c] = _mm256_min_ps(_mm256_and_ps(_mm256_cmp_ps(v[c], tiny, _CMP_GT_OQ), v[c]), one);
    }
    __m256 sum = v[0], bv = v[0];
    __m256i best = _mm256_setzero_si256();
#pragma GCC unroll 6
    for (int c = 1; c < SEGTEX_CATEGORY_COUNT; c++) {
        sum = _mm256_add_ps(sum, v[c]);
        __m256 gt = _mm256_cmp_ps(v[c], bv, _CMP_GT_OQ); /* strictly greater: the first one wins ties */
        bv = _mm256_blendv_ps(bv, v[c], gt);
        best = _mm256_blendv_epi8(best, _mm256_set1_epi32(c), _mm256_castps_si256(gt));
    }
    __m256i onehot = _mm256_and_si256(_mm256_cmpeq_epi32(nbig, _mm256_set1_epi32(1)),
                                      _mm256_castps_si256(_mm256_cmp_ps(bv, _mm256_set1_ps(0.99f), _CMP_GT_OQ)));
    if (_mm256_movemask_epi8(onehot) == -1) {
        /* Every pixel one-hot on `best`: weight 255, pure, mask 1 << best (shifts by 32 or more give 0). */
        __m256i sh = _mm256_slli_epi32(best, 3), B = _mm256_set1_epi32(255);
        __m256i lo = _mm256_sllv_epi32(B, sh), hi = _mm256_sllv_epi32(B, _mm256_sub_epi32(sh, _mm256_set1_epi32(32)));
        hi = _mm256_or_si256(hi, _mm256_or_si256(_mm256_slli_epi32(best, 16),
                                                 _mm256_slli_epi32(_mm256_sllv_epi32(_mm256_set1_epi32(1), best), 24)));
        __m256i u0 = _mm256_unpacklo_epi32(lo, hi), u1 = _mm256_unpackhi_epi32(lo, hi);
        _mm256_storeu_si256((__m256i *)(void *)m, _mm256_permute2x128_si256(u0, u1, 0x20));
        _mm256_storeu_si256((__m256i *)(void *)(m + 4), _mm256_permute2x128_si256(u0, u1, 0x31));
        return;
    }
    /* Lanes whose sum is 0 compute garbage here (0 * inf) and are replaced below. */
    __m256 k = _mm256_div_ps(_mm256_set1_ps(255.0f), sum);
    __m256i q[SEGTEX_CATEGORY_COUNT], total = _mm256_setzero_si256();
#pragma GCC unroll 6
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        q[c] = _mm256_cvttps_epi32(_mm256_add_ps(_mm256_mul_ps(v[c], k), _mm256_set1_ps(0.5f)));
        total = _mm256_add_epi32(total, q[c]);
    }
    __m256i rem = _mm256_sub_epi32(_mm256_set1_epi32(255), total), mask = _mm256_setzero_si256();
    __m256i pure = _mm256_set1_epi32(NOT_PURE), lo = _mm256_setzero_si256(), hi = _mm256_setzero_si256();
#pragma GCC unroll 6
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        __m256i cc = _mm256_set1_epi32(c);
        q[c] = _mm256_add_epi32(q[c], _mm256_and_si256(_mm256_cmpeq_epi32(best, cc), rem));
        __m256i zero = _mm256_cmpeq_epi32(q[c], _mm256_setzero_si256());
        mask = _mm256_or_si256(mask, _mm256_andnot_si256(zero, _mm256_set1_epi32(1 << c)));
        /* Weights are >= 0 and sum to 255: a weight of 255 is the only nonzero one. */
        __m256i full = _mm256_cmpeq_epi32(q[c], _mm256_set1_epi32(255));
        pure = _mm256_blendv_epi8(pure, cc, full);
        if (c < 4)
            lo = _mm256_or_si256(lo, _mm256_slli_epi32(q[c], 8 * c));
        else
            hi = _mm256_or_si256(hi, _mm256_slli_epi32(q[c], 8 * (c - 4)));
    }
    hi = _mm256_or_si256(hi, _mm256_or_si256(_mm256_slli_epi32(pure, 16), _mm256_slli_epi32(mask, 24)));
    /* A zero sum counts as background: q = {255, 0, ...}, pure 0, mask 1. */
    __m256i ok = _mm256_castps_si256(_mm256_cmp_ps(sum, _mm256_setzero_ps(), _CMP_GT_OQ));
    lo = _mm256_blendv_epi8(_mm256_set1_epi32(255), lo, ok);
    hi = _mm256_blendv_epi8(_mm256_set1_epi32(1 << 24), hi, ok);
    /* unpacklo: pixels 0,1 | 4,5; unpackhi: pixels 2,3 | 6,7. */
    __m256i u0 = _mm256_unpacklo_epi32(lo, hi), u1 = _mm256_unpackhi_epi32(lo, hi);
    _mm256_storeu_si256((__m256i *)(void *)m, _mm256_permute2x128_si256(u0, u1, 0x20));
    _mm256_storeu_si256((__m256i *)(void *)(m + 4), _mm256_permute2x128_si256(u0, u1, 0x31));
}
#endif

#if defined(__x86_64__)
/*
 * The same for sixteen pixels with AVX-512 F (chosen at configure when the
 * CPU has it). Each category's vector gathered from the 96 floats by
 * permutes; every arithmetic step as in quantize8, the multiply and the add
 * of the scaling in their _round_ forms so they are never fused.
 */
#define RN (_MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
__attribute__((target("avx512f"))) static void quantize16(const float *p, model_px *m)
{
    __m512 A[6];
    for (int i = 0; i < 6; i++)
        A[i] = _mm512_loadu_ps(p + 16 * i);
    __m512 v[SEGTEX_CATEGORY_COUNT];
    const __m512i lane = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
#pragma GCC unroll 6
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        /* Lane i wants float 6i + c: from A0:A1 below 32, A2:A3 below 64, A4:A5 above. */
        __m512i idx = _mm512_add_epi32(_mm512_mullo_epi32(lane, _mm512_set1_epi32(6)), _mm512_set1_epi32(c));
        __m512 x = _mm512_permutex2var_ps(A[0], idx, A[1]);
        x = _mm512_mask_mov_ps(x, _mm512_cmpge_epi32_mask(idx, _mm512_set1_epi32(32)),
                               _mm512_permutex2var_ps(A[2], idx, A[3]));
        v[c] = _mm512_mask_mov_ps(x, _mm512_cmpge_epi32_mask(idx, _mm512_set1_epi32(64)),
                                  _mm512_permutex2var_ps(A[4], idx, A[5]));
    }
    const __m512 tiny = _mm512_set1_ps(0x1p-16f), one = _mm512_set1_ps(1.0f), small = _mm512_set1_ps(1e-3f);
    /* quantize_pixel's fast path, for all 16 at once: one value over 0.001 per pixel, and over 0.99. */
    __m512i nbig = _mm512_setzero_si512();
#pragma GCC unroll 6
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        nbig = _mm512_mask_add_epi32(nbig, _mm512_cmp_ps_mask(v[c], small, _CMP_GT_OQ), nbig, _mm512_set1_epi32(1));
        v[c] = _mm512_min_ps(_mm512_maskz_mov_ps(_mm512_cmp_ps_mask(v[c], tiny, _CMP_GT_OQ), v[c]), one);
    }
    __m512 sum = v[0], bv = v[0];
    __m512i best = _mm512_setzero_si512();
#pragma GCC unroll 6
    for (int c = 1; c < SEGTEX_CATEGORY_COUNT; c++) {
        sum = _mm512_add_round_ps(sum, v[c], RN);
        __mmask16 gt = _mm512_cmp_ps_mask(v[c], bv, _CMP_GT_OQ); /* strictly greater: the first one wins ties */
        bv = _mm512_mask_mov_ps(bv, gt, v[c]);
        best = _mm512_mask_mov_epi32(best, gt, _mm512_set1_epi32(c));
    }
    if ((_mm512_cmpeq_epi32_mask(nbig, _mm512_set1_epi32(1)) &
         _mm512_cmp_ps_mask(bv, _mm512_set1_ps(0.99f), _CMP_GT_OQ)) == (__mmask16)0xffff) {
        /* Every pixel one-hot on `best` (the one value over 0.99): weight 255, pure, mask 1 << best. */
        __m512i sh = _mm512_slli_epi32(best, 3), B = _mm512_set1_epi32(255);
        __mmask16 low = _mm512_cmplt_epi32_mask(best, _mm512_set1_epi32(4));
        __m512i lo = _mm512_maskz_sllv_epi32(low, B, sh);
        __m512i hi = _mm512_mask_sllv_epi32(_mm512_setzero_si512(), (__mmask16)~low, B,
                                            _mm512_sub_epi32(sh, _mm512_set1_epi32(32)));
        hi = _mm512_or_si512(hi, _mm512_or_si512(_mm512_slli_epi32(best, 16),
                                                 _mm512_slli_epi32(_mm512_sllv_epi32(_mm512_set1_epi32(1), best), 24)));
        const __m512i first = _mm512_set_epi32(23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
        const __m512i second = _mm512_set_epi32(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8);
        _mm512_storeu_si512((void *)m, _mm512_permutex2var_epi32(lo, first, hi));
        _mm512_storeu_si512((void *)(m + 8), _mm512_permutex2var_epi32(lo, second, hi));
        return;
    }
    /* Lanes whose sum is 0 compute garbage here (0 * inf) and are replaced below. */
    __m512 k = _mm512_div_round_ps(_mm512_set1_ps(255.0f), sum, RN);
    __m512i q[SEGTEX_CATEGORY_COUNT], total = _mm512_setzero_si512();
#pragma GCC unroll 6
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        q[c] = _mm512_cvttps_epi32(_mm512_add_round_ps(_mm512_mul_round_ps(v[c], k, RN), _mm512_set1_ps(0.5f), RN));
        total = _mm512_add_epi32(total, q[c]);
    }
    __m512i rem = _mm512_sub_epi32(_mm512_set1_epi32(255), total), mask = _mm512_setzero_si512();
    __m512i pure = _mm512_set1_epi32(NOT_PURE), lo = _mm512_setzero_si512(), hi = _mm512_setzero_si512();
#pragma GCC unroll 6
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        __m512i cc = _mm512_set1_epi32(c);
        q[c] = _mm512_mask_add_epi32(q[c], _mm512_cmpeq_epi32_mask(best, cc), q[c], rem);
        mask = _mm512_mask_or_epi32(mask, _mm512_test_epi32_mask(q[c], q[c]), mask, _mm512_set1_epi32(1 << c));
        /* Weights are >= 0 and sum to 255: a weight of 255 is the only nonzero one. */
        pure = _mm512_mask_mov_epi32(pure, _mm512_cmpeq_epi32_mask(q[c], _mm512_set1_epi32(255)), cc);
        if (c < 4)
            lo = _mm512_or_si512(lo, _mm512_slli_epi32(q[c], 8 * c));
        else
            hi = _mm512_or_si512(hi, _mm512_slli_epi32(q[c], 8 * (c - 4)));
    }
    hi = _mm512_or_si512(hi, _mm512_or_si512(_mm512_slli_epi32(pure, 16), _mm512_slli_epi32(mask, 24)));
    /* A zero sum counts as background: q = {255, 0, ...}, pure 0, mask 1. */
    __mmask16 ok = _mm512_cmp_ps_mask(sum, _mm512_setzero_ps(), _CMP_GT_OQ);
    lo = _mm512_mask_mov_epi32(_mm512_set1_epi32(255), ok, lo);
    hi = _mm512_mask_mov_epi32(_mm512_set1_epi32(1 << 24), ok, hi);
    const __m512i first = _mm512_set_epi32(23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
    const __m512i second = _mm512_set_epi32(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8);
    _mm512_storeu_si512((void *)m, _mm512_permutex2var_epi32(lo, first, hi));
    _mm512_storeu_si512((void *)(m + 8), _mm512_permutex2var_epi32(lo, second, hi));
}
#undef RN
#endif

void quantize_row(const float *p, model_px *m, int n, int level)
{
    (void)level; /* unused where no SIMD path is compiled */
    int x = 0;
#if defined(__x86_64__)
    if (level >= RENDER_AVX512)
        for (; x + 16 <= n; x += 16)
            quantize16(p + (size_t)x * SEGTEX_CATEGORY_COUNT, &m[x]);
#endif
#if defined(__x86_64__) || defined(__i386__)
    if (level >= RENDER_AVX2)
        for (; x + 8 <= n; x += 8)
            quantize8(p + (size_t)x * SEGTEX_CATEGORY_COUNT, &m[x]);
#endif
#if defined(__SSE2__)
    if (level > RENDER_SCALAR)
        for (; x + 4 <= n; x += 4)
            quantize4(p + (size_t)x * SEGTEX_CATEGORY_COUNT, &m[x]);
#endif
    for (; x < n; x++)
        quantize_pixel(p + (size_t)x * SEGTEX_CATEGORY_COUNT, &m[x]);
}
