/*
 * segtex pipeline: the thread pool that row-band rendering (and later the
 * XNNPACK backend) runs on.
 *
 * The library starts no hidden threads: the application creates a pool and
 * passes it down. A NULL pool is valid everywhere a pool is taken and means
 * "run inline on the calling thread".
 */
#ifndef SEGTEX_PIPELINE_H
#define SEGTEX_PIPELINE_H

#include "segtex/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque thread pool (a pthreadpool underneath). */
typedef struct segtex_threadpool segtex_threadpool;

/* The most threads a pool may have. */
#define SEGTEX_THREADPOOL_MAX_THREADS 256

/*
 * Create a pool of `threads` threads, the calling thread included: 1 starts
 * no thread at all, 0 means one per online CPU. Allocates the pool and starts
 * its threads. On failure logs one line, sets *out to NULL and returns
 * SEGTEX_ERROR_INVALID_ARGUMENT (threads < 0 or > SEGTEX_THREADPOOL_MAX_THREADS)
 * or SEGTEX_ERROR_OUT_OF_MEMORY.
 */
segtex_status segtex_threadpool_create(int threads, segtex_threadpool **out);

/* Join the threads and free the pool. NULL is fine. Must not run concurrently with segtex_threadpool_run. */
void segtex_threadpool_destroy(segtex_threadpool *pool);

/* Threads of the pool, the caller included; 1 for a NULL pool. */
int segtex_threadpool_threads_count(const segtex_threadpool *pool);

/* A task: called once per index in [0, count), from any thread of the pool. */
typedef void (*segtex_task_fn)(void *ctx, size_t index);

/*
 * Call fn(ctx, i) for every i < count and return when all calls have
 * returned. The calling thread works too. With a NULL pool (or a pool of one
 * thread) the calls run in index order on the calling thread. Never allocates
 * and never fails. One run at a time per pool: calls from several threads on
 * the same pool are serialized.
 */
void segtex_threadpool_run(segtex_threadpool *pool, segtex_task_fn fn, void *ctx, size_t count);

#ifdef __cplusplus
}
#endif
#endif
