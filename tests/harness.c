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

struct segtex_log_capture test_log;

void test_log_capture(void *user, segtex_log_level level, const char *message)
{
    (void)user;
    if (level == SEGTEX_LOG_ERROR) {
        test_log.errors++;
        snprintf(test_log.line, sizeof test_log.line, "%s", message);
    } else {
        test_log.others++;
    }
}

void test_log_reset(void) { memset(&test_log, 0, sizeof test_log); }

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

/* The process-wide count from the interposer linked into every test (alloccount/interpose.c). */
uint64_t segtex_interposed_alloc_count(void);
uint64_t test_process_allocs(void) { return segtex_interposed_alloc_count(); }
