/*
 * A tiny test harness. Each check that fails prints "file:line: message";
 * TEST_MAIN's summary prints "N passed, N failed" and sets the exit code.
 */
#ifndef SEGTEX_TEST_HARNESS_H
#define SEGTEX_TEST_HARNESS_H
#include <math.h>
#include <stdio.h>
#include <stdint.h>

#include "segtex/core.h"

extern int test_checks_failed;
extern int test_checks_passed;

void test_fail(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (cond)                                                                                  \
            test_checks_passed++;                                                                  \
        else                                                                                       \
            test_fail(__FILE__, __LINE__, __VA_ARGS__);                                            \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                                      \
    do {                                                                                           \
        double a_ = (a), b_ = (b);                                                                 \
        CHECK(fabs(a_ - b_) <= (tol), "%s = %.9g, expected %s = %.9g (tol %g)", #a, a_, #b, b_,   \
              (double)(tol));                                                                      \
    } while (0)

/* Run one test function, reporting its name. */
#define RUN(fn)                                                                                    \
    do {                                                                                           \
        int before_ = test_checks_failed;                                                          \
        fn();                                                                                      \
        printf("%-6s %s\n", test_checks_failed == before_ ? "ok" : "FAILED", #fn);                 \
        fflush(stdout);                                                                            \
    } while (0)

/* Print the summary line and return the exit code. */
int test_summary(void);

/* Path of an asset ($SEGTEX_ASSETS/name) in a static buffer, or NULL when the file is absent. */
const char *test_asset(const char *name);

/* Deterministic pseudo-random numbers for tests. */
uint32_t test_rand(uint32_t *state);
float test_randf(uint32_t *state, float lo, float hi);

/*
 * Log capture for tests of error paths: install test_log_capture with
 * segtex_set_log; it counts ERROR lines (keeping the last) and other lines.
 */
struct segtex_log_capture {
    int errors, others;
    char line[1024];
};
extern struct segtex_log_capture test_log;
void test_log_capture(void *user, segtex_log_level level, const char *message);
void test_log_reset(void);

/* Count of malloc/calloc/realloc calls made by the whole process (interposed). */
uint64_t test_process_allocs(void);
#endif
