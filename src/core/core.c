#include "segtex/core.h"
#include "core/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

const char *segtex_status_string(segtex_status status)
{
    switch (status) {
    case SEGTEX_OK: return "ok";
    case SEGTEX_ERROR_INVALID_ARGUMENT: return "invalid argument";
    case SEGTEX_ERROR_OUT_OF_MEMORY: return "out of memory";
    case SEGTEX_ERROR_IO: return "i/o error";
    case SEGTEX_ERROR_MALFORMED: return "malformed input";
    case SEGTEX_ERROR_UNSUPPORTED: return "unsupported";
    case SEGTEX_ERROR_INTERNAL: return "internal error";
    }
    return "unknown status";
}

/* Set once by segtex_set_log before objects are created; read without a lock. */
static segtex_log_fn log_fn;
static void *log_user;
static segtex_log_level log_max = SEGTEX_LOG_WARNING;

void segtex_set_log(segtex_log_fn fn, void *user, segtex_log_level max_level)
{
    log_fn = fn;
    log_user = user;
    log_max = max_level;
}

void segtex_log_stderr(void *user, segtex_log_level level, const char *message)
{
    (void)user;
    static const char *const names[] = {"error: ", "warning: ", "", ""};
    fprintf(stderr, "segtex: %s%s\n", names[level & 3], message);
}

int segtex_log_enabled(segtex_log_level level)
{
    return log_fn != NULL && level <= log_max;
}

void segtex_logf(segtex_log_level level, const char *fmt, ...)
{
    if (!segtex_log_enabled(level))
        return;
    /* A fixed stack buffer: logging never allocates. */
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    log_fn(log_user, level, line);
}

/* (atomic) allocation calls; live blocks; countdown to an injected failure (0: off). */
static atomic_uint_fast64_t alloc_calls;
static atomic_int_fast64_t alloc_live;
static atomic_uint_fast64_t fail_countdown;

uint64_t segtex_alloc_count(void) { return atomic_load_explicit(&alloc_calls, memory_order_relaxed); }
int64_t segtex_alloc_live(void) { return atomic_load_explicit(&alloc_live, memory_order_relaxed); }
void segtex_alloc_fail_at(uint64_t n) { atomic_store(&fail_countdown, n); }

/* Count an allocation; 1 when it must fail (injected). */
static int count_alloc(void)
{
    atomic_fetch_add_explicit(&alloc_calls, 1, memory_order_relaxed);
    uint64_t c = atomic_load_explicit(&fail_countdown, memory_order_relaxed);
    while (c) {
        if (atomic_compare_exchange_weak(&fail_countdown, &c, c - 1))
            return c == 1;
    }
    return 0;
}

static void *track(void *p)
{
    if (p)
        atomic_fetch_add_explicit(&alloc_live, 1, memory_order_relaxed);
    return p;
}

void *segtex_malloc(size_t size)
{
    if (count_alloc())
        return NULL;
    return track(malloc(size ? size : 1));
}

void *segtex_calloc(size_t count, size_t size)
{
    if (count_alloc())
        return NULL;
    return track(calloc(count ? count : 1, size ? size : 1));
}

void *segtex_realloc(void *ptr, size_t size)
{
    if (count_alloc())
        return NULL;
    void *p = realloc(ptr, size ? size : 1);
    return ptr ? p : track(p);
}

void segtex_free(void *ptr)
{
    if (ptr)
        atomic_fetch_sub_explicit(&alloc_live, 1, memory_order_relaxed);
    free(ptr);
}

void *segtex_aligned_alloc(size_t size, size_t slack)
{
    if (count_alloc())
        return NULL;
    size_t total = size + slack;
    if (total < size)
        return NULL;
    total = (total + 63) & ~(size_t)63;
    if (total == 0)
        total = 64;
    return track(aligned_alloc(64, total));
}

void segtex_aligned_free(void *ptr) { segtex_free(ptr); }
