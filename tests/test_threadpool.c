/* The project's thread pool: every index exactly once, on several threads, without allocating. */
#include "harness.h"
#include "segtex/pipeline.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#define N 1000

typedef struct {
    atomic_int calls[N];
    atomic_int order_ok;
    atomic_int last;
    pthread_t threads[N];
} run_ctx;

static void count_task(void *ctx, size_t i)
{
    run_ctx *c = ctx;
    atomic_fetch_add(&c->calls[i], 1);
    c->threads[i] = pthread_self();
    /* Inline runs must be in index order. */
    if ((int)i != atomic_load(&c->last) + 1)
        atomic_store(&c->order_ok, 0);
    atomic_store(&c->last, (int)i);
    if (i % 16 == 0) {
        struct timespec ts = {0, 200000};
        nanosleep(&ts, NULL);
    }
}

static int distinct_threads(run_ctx *c)
{
    pthread_t seen[8];
    int n = 0;
    for (int i = 0; i < N; i++) {
        int found = 0;
        for (int k = 0; k < n; k++)
            found |= pthread_equal(seen[k], c->threads[i]);
        if (!found && n < 8)
            seen[n++] = c->threads[i];
    }
    return n;
}

static void reset(run_ctx *c)
{
    memset(c, 0, sizeof *c);
    atomic_store(&c->order_ok, 1);
    atomic_store(&c->last, -1);
}

static void test_null_pool_runs_inline_in_order(void)
{
    static run_ctx c;
    reset(&c);
    segtex_threadpool_run(NULL, count_task, &c, N);
    int once = 1;
    for (int i = 0; i < N; i++)
        once &= atomic_load(&c.calls[i]) == 1;
    CHECK(once, "every index called exactly once");
    CHECK(atomic_load(&c.order_ok), "inline run is in index order");
    CHECK(distinct_threads(&c) == 1 && pthread_equal(c.threads[0], pthread_self()), "runs on the caller");
    CHECK(segtex_threadpool_threads_count(NULL) == 1, "NULL pool has one thread");
}

static void test_pool_runs_every_index_once_on_several_threads(void)
{
    for (int threads = 1; threads <= 4; threads++) {
        segtex_threadpool *pool = NULL;
        CHECK(segtex_threadpool_create(threads, &pool) == SEGTEX_OK && pool, "create %d", threads);
        if (!pool)
            continue;
        CHECK(segtex_threadpool_threads_count(pool) == threads, "threads_count %d", threads);
        static run_ctx c;
        for (int rep = 0; rep < 3; rep++) {
            reset(&c);
            segtex_threadpool_run(pool, count_task, &c, N);
            int once = 1;
            for (int i = 0; i < N; i++)
                once &= atomic_load(&c.calls[i]) == 1;
            CHECK(once, "%d threads: every index called exactly once", threads);
        }
        if (threads > 1)
            CHECK(distinct_threads(&c) > 1, "%d threads: work ran on more than one thread", threads);
        segtex_threadpool_run(pool, count_task, &c, 0); /* no-op */
        segtex_threadpool_destroy(pool);
    }
}

static void test_zero_threads_means_one_per_cpu(void)
{
    segtex_threadpool *pool = NULL;
    CHECK(segtex_threadpool_create(0, &pool) == SEGTEX_OK, "create(0)");
    CHECK(segtex_threadpool_threads_count(pool) >= 1, "at least one thread");
    segtex_threadpool_destroy(pool);
}

static void test_create_rejects_bad_thread_counts(void)
{
    segtex_threadpool *pool = (segtex_threadpool *)&pool;
    CHECK(segtex_threadpool_create(-1, &pool) == SEGTEX_ERROR_INVALID_ARGUMENT && pool == NULL, "-1 rejected");
    CHECK(segtex_threadpool_create(SEGTEX_THREADPOOL_MAX_THREADS + 1, &pool) == SEGTEX_ERROR_INVALID_ARGUMENT,
          "too many rejected");
    CHECK(segtex_threadpool_create(2, NULL) == SEGTEX_ERROR_INVALID_ARGUMENT, "NULL out rejected");
    segtex_threadpool_destroy(NULL);
}

static void noop_task(void *ctx, size_t i)
{
    (void)ctx;
    (void)i;
}

static void test_run_allocates_nothing(void)
{
    segtex_threadpool *pool = NULL;
    CHECK(segtex_threadpool_create(2, &pool) == SEGTEX_OK, "create");
    segtex_threadpool_run(pool, noop_task, NULL, 64); /* warm up */
    uint64_t p0 = test_process_allocs(), s0 = segtex_alloc_count();
    for (int i = 0; i < 100; i++)
        segtex_threadpool_run(pool, noop_task, NULL, 64);
    CHECK(test_process_allocs() == p0, "run made %llu process allocations",
          (unsigned long long)(test_process_allocs() - p0));
    CHECK(segtex_alloc_count() == s0, "run made library allocations");
    segtex_threadpool_destroy(pool);
}

int main(void)
{
    RUN(test_null_pool_runs_inline_in_order);
    RUN(test_pool_runs_every_index_once_on_several_threads);
    RUN(test_zero_threads_means_one_per_cpu);
    RUN(test_create_rejects_bad_thread_counts);
    RUN(test_run_allocates_nothing);
    return test_summary();
}
