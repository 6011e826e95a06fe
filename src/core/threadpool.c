#include "core/threadpool.h"
#include "core/log.h"

#include <unistd.h>

struct segtex_threadpool {
    pthreadpool_t pool; /* set once at create */
    int threads;        /* set once at create */
};

segtex_status segtex_threadpool_create(int threads, segtex_threadpool **out)
{
    if (!out)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    *out = NULL;
    if (threads < 0 || threads > SEGTEX_THREADPOOL_MAX_THREADS) {
        LOG_ERROR("threadpool: %d threads requested, expected 0 (one per CPU) to %d", threads,
                  SEGTEX_THREADPOOL_MAX_THREADS);
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    if (threads == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cpus < 1 ? 1 : cpus > SEGTEX_THREADPOOL_MAX_THREADS ? SEGTEX_THREADPOOL_MAX_THREADS : (int)cpus;
    }
    segtex_threadpool *p = segtex_calloc(1, sizeof *p);
    if (!p)
        goto oom;
    p->threads = threads;
    /* One thread: no pthreadpool at all, pthreadpool runs NULL pools inline. */
    if (threads > 1) {
        p->pool = pthreadpool_create((size_t)threads);
        if (!p->pool)
            goto oom;
        p->threads = (int)pthreadpool_get_threads_count(p->pool);
    }
    *out = p;
    return SEGTEX_OK;
oom:
    LOG_ERROR("threadpool: cannot create a pool of %d threads", threads);
    segtex_threadpool_destroy(p);
    return SEGTEX_ERROR_OUT_OF_MEMORY;
}

void segtex_threadpool_destroy(segtex_threadpool *pool)
{
    if (!pool)
        return;
    if (pool->pool)
        pthreadpool_destroy(pool->pool);
    segtex_free(pool);
}

int segtex_threadpool_threads_count(const segtex_threadpool *pool) { return pool ? pool->threads : 1; }

pthreadpool_t segtex_threadpool_pthreadpool(segtex_threadpool *pool) { return pool ? pool->pool : NULL; }

void segtex_threadpool_run(segtex_threadpool *pool, segtex_task_fn fn, void *ctx, size_t count)
{
    if (count == 0)
        return;
    if (!pool || !pool->pool) {
        for (size_t i = 0; i < count; i++)
            fn(ctx, i);
        return;
    }
    /* pthreadpool serializes concurrent parallelize calls on one pool itself. */
    pthreadpool_parallelize_1d(pool->pool, fn, ctx, count, 0);
}
