/*
 * The allocation-counting interposer, one source for two uses: linked into
 * every test program (tests/harness.c reads the count), and built as
 * libsegtex_alloccount.so for `segtex soak` to preload. It counts every
 * malloc/calloc/realloc/memalign of the process, by every thread and every
 * library (glibc exports __libc_malloc & co. for wrappers like this).
 *
 * Sanitizers replace malloc themselves: there the wrappers are left out and
 * the count stays 0 (tests then rely on segtex_alloc_count()).
 */
#define _GNU_SOURCE
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define SEGTEX_INTERPOSE 1
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#undef SEGTEX_INTERPOSE
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#undef SEGTEX_INTERPOSE
#endif
#endif

static atomic_uint_fast64_t count;

uint64_t segtex_interposed_alloc_count(void) { return atomic_load(&count); }

#ifdef SEGTEX_INTERPOSE
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static void counted(void) { atomic_fetch_add_explicit(&count, 1, memory_order_relaxed); }

void *malloc(size_t n)
{
    counted();
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t m)
{
    counted();
    return __libc_calloc(n, m);
}

void *realloc(void *p, size_t n)
{
    counted();
    return __libc_realloc(p, n);
}

void *memalign(size_t a, size_t n)
{
    counted();
    return __libc_memalign(a, n);
}

void *aligned_alloc(size_t a, size_t n)
{
    counted();
    return __libc_memalign(a, n);
}

int posix_memalign(void **out, size_t a, size_t n)
{
    counted();
    *out = __libc_memalign(a, n);
    return *out ? 0 : 12; /* ENOMEM */
}
#endif
