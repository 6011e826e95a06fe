/*
 * libsegtex_alloccount.so: preload it to count every heap allocation of a
 * process, by every thread and every library (glibc exports __libc_malloc &
 * co. for wrappers like this). `segtex soak` finds the counter with dlsym.
 */
#define _GNU_SOURCE
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static atomic_uint_fast64_t count;

uint64_t segtex_interposed_alloc_count(void) { return atomic_load(&count); }

void *malloc(size_t n)
{
    atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t m)
{
    atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
    return __libc_calloc(n, m);
}

void *realloc(void *p, size_t n)
{
    atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
    return __libc_realloc(p, n);
}

void *memalign(size_t a, size_t n)
{
    atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
    return __libc_memalign(a, n);
}

void *aligned_alloc(size_t a, size_t n)
{
    atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
    return __libc_memalign(a, n);
}

int posix_memalign(void **out, size_t a, size_t n)
{
    atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
    *out = __libc_memalign(a, n);
    return *out ? 0 : 12; /* ENOMEM */
}
