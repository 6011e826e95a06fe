/*
 * Private to render: the byte shuffles that move packed RGB pixels (3 bytes
 * each) to and from one 32-bit lane per pixel, shared by the SIMD paths of
 * the anchored walk (anchor.c), the border mix (compositor.c) and the mesh
 * paint (mesh_paint.c). Macros, so each expands inside the caller's
 * target("avx2") or target("avx512...") function.
 */
#ifndef SEGTEX_RENDER_RGB_SHUFFLE_H
#define SEGTEX_RENDER_RGB_SHUFFLE_H

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

/* AVX-512 VBMI permutes: 48 RGB bytes to 16 dwords (byte 3 of each 0), and 16 dwords' low 3 bytes back to 48. */
#define RGB48_UNPACK_512()                                                                                             \
    _mm512_set_epi8(0, 47, 46, 45, 0, 44, 43, 42, 0, 41, 40, 39, 0, 38, 37, 36, 0, 35, 34, 33, 0, 32, 31, 30, 0, 29, \
                    28, 27, 0, 26, 25, 24, 0, 23, 22, 21, 0, 20, 19, 18, 0, 17, 16, 15, 0, 14, 13, 12, 0, 11, 10, 9, \
                    0, 8, 7, 6, 0, 5, 4, 3, 0, 2, 1, 0)
#define RGB48_PACK_512()                                                                                               \
    _mm512_set_epi8(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 62, 61, 60, 58, 57, 56, 54, 53, 52, 50, 49, 48, 46, \
                    45, 44, 42, 41, 40, 38, 37, 36, 34, 33, 32, 30, 29, 28, 26, 25, 24, 22, 21, 20, 18, 17, 16, 14, \
                    13, 12, 10, 9, 8, 6, 5, 4, 2, 1, 0)

/* AVX2, per 128-bit half: 12 RGB bytes to 4 dwords (byte 3 of each 0). */
#define RGB24_UNPACK_256()                                                                                             \
    _mm256_setr_epi8(0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1, 0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, \
                     10, 11, -1)
/* AVX2: bytes 0-2 of each dword to the low 12 bytes of its half (RGB24_PACK_256), then the halves joined by a
 * dword permute (RGB24_JOIN_256): 24 bytes. */
#define RGB24_PACK_256()                                                                                               \
    _mm256_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1, 0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, \
                     -1, -1, -1, -1)
#define RGB24_JOIN_256() _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 7, 7)
/* AVX2: byte 0 of each dword, 4 per half, joined to 8 bytes. */
#define ALPHA8_PACK_256()                                                                                              \
    _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 4, 8, 12, -1, -1, -1, -1, -1, \
                     -1, -1, -1, -1, -1, -1, -1)
#define ALPHA8_JOIN_256() _mm256_setr_epi32(0, 4, 0, 0, 0, 0, 0, 0)
#endif

#endif
