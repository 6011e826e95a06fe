#define _GNU_SOURCE
#include "harness.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int test_checks_failed;
int test_checks_passed;

void test_fail(const char *file, int line, const char *fmt, ...)
{
    test_checks_failed++;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stdout, "%s:%d: ", file, line);
    vfprintf(stdout, fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
}

int test_summary(void)
{
    printf("%d passed, %d failed\n", test_checks_passed, test_checks_failed);
    return test_checks_failed ? 1 : 0;
}

const char *test_asset(const char *name)
{
    static char path[4096];
    const char *dir = getenv("SEGTEX_ASSETS");
    if (!dir)
        dir = "assets";
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, R_OK) == 0 ? path : NULL;
}

uint32_t test_rand(uint32_t *state)
{
    uint32_t x = *state ? *state : 0x9e3779b9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

float test_randf(uint32_t *state, float lo, float hi)
{
    return lo + (hi - lo) * (float)(test_rand(state) >> 8) / (float)(1u << 24);
}

/*
 * malloc interposer: counts every heap allocation of the process, including
 * those libraries make. glibc exports __libc_malloc & co. for this purpose.
 * Sanitizer builds replace malloc themselves, so there the counter stays 0
 * and tests fall back to segtex_alloc_count().
 */
#define SEGTEX_INTERPOSE 1
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#undef SEGTEX_INTERPOSE
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#undef SEGTEX_INTERPOSE
#endif
#endif

static atomic_uint_fast64_t process_allocs;
uint64_t test_process_allocs(void) { return atomic_load(&process_allocs); }

#ifdef SEGTEX_INTERPOSE
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
void *malloc(size_t n)
{
    atomic_fetch_add_explicit(&process_allocs, 1, memory_order_relaxed);
    return __libc_malloc(n);
}
void *calloc(size_t n, size_t m)
{
    atomic_fetch_add_explicit(&process_allocs, 1, memory_order_relaxed);
    return __libc_calloc(n, m);
}
void *realloc(void *p, size_t n)
{
    atomic_fetch_add_explicit(&process_allocs, 1, memory_order_relaxed);
    return __libc_realloc(p, n);
}
void *aligned_alloc(size_t a, size_t n)
{
    atomic_fetch_add_explicit(&process_allocs, 1, memory_order_relaxed);
    return __libc_memalign(a, n);
}
int posix_memalign(void **out, size_t a, size_t n)
{
    atomic_fetch_add_explicit(&process_allocs, 1, memory_order_relaxed);
    *out = __libc_memalign(a, n);
    return *out ? 0 : 12; /* ENOMEM */
}
#endif
