/*
 * segtex core: status codes, logging, image views and their allocation, the
 * thread pool, the clock and stage timers.
 *
 * Every fallible call in libsegtex returns a segtex_status (0 = ok, negative
 * = error). Details go to the log callback the application sets; there is no
 * process-wide error buffer.
 */
#ifndef SEGTEX_CORE_H
#define SEGTEX_CORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum segtex_status {
    SEGTEX_OK = 0,
    SEGTEX_ERROR_INVALID_ARGUMENT = -1, /* a caller passed a bad value */
    SEGTEX_ERROR_OUT_OF_MEMORY = -2,
    SEGTEX_ERROR_IO = -3,               /* a file could not be opened/read/written */
    SEGTEX_ERROR_MALFORMED = -4,        /* outside data (model, image, config) is invalid */
    SEGTEX_ERROR_UNSUPPORTED = -5,      /* valid, but not supported (an op, a format) */
    SEGTEX_ERROR_INTERNAL = -6,
} segtex_status;

/* A static, never-NULL name of the status ("ok", "malformed input", ...). */
const char *segtex_status_string(segtex_status status);

typedef enum segtex_log_level {
    SEGTEX_LOG_ERROR = 0,
    SEGTEX_LOG_WARNING = 1,
    SEGTEX_LOG_INFO = 2,
    SEGTEX_LOG_DEBUG = 3,
} segtex_log_level;

/*
 * Log callback: `message` is one line without a trailing newline, already
 * prefixed with the object that logged it (e.g. "model 'x.tflite': ...").
 * Called from whichever thread logged; the callback must be thread safe.
 */
typedef void (*segtex_log_fn)(void *user, segtex_log_level level, const char *message);

/*
 * Set the log callback for the whole library (NULL: messages are dropped).
 * Set it once before creating objects; it is read without a lock. Messages
 * above `max_level` are not formatted at all.
 */
void segtex_set_log(segtex_log_fn fn, void *user, segtex_log_level max_level);

/* A log callback that writes "segtex: <message>" lines to stderr. */
void segtex_log_stderr(void *user, segtex_log_level level, const char *message);

/*
 * A view of interleaved 8-bit pixels. Does not own `data` unless it came
 * from a function that says so. `stride` is in bytes and may exceed
 * width * channels.
 */
typedef struct segtex_image {
    uint8_t *data;
    int width;
    int height;
    int channels; /* 1 (grey), 3 (RGB) or 4 (RGBA) */
    ptrdiff_t stride;
} segtex_image;

/*
 * Heap allocation counters. Every allocation libsegtex makes goes through
 * segtex_malloc/segtex_calloc/segtex_realloc/segtex_free, which count calls
 * (atomically, in every build). Tests use the count to prove that hot paths
 * allocate nothing.
 */
uint64_t segtex_alloc_count(void);
/* Blocks allocated through these functions and not yet freed (a leak check for tests). */
int64_t segtex_alloc_live(void);
/*
 * Testing: make the n-th allocation from now (n >= 1) fail as if memory
 * ran out; 0 turns it off. Every later allocation succeeds again. This is
 * how tests prove that each allocation failure is handled (SQLite-style).
 */
void segtex_alloc_fail_at(uint64_t n);
void *segtex_malloc(size_t size);
void *segtex_calloc(size_t count, size_t size);
void *segtex_realloc(void *ptr, size_t size);
void segtex_free(void *ptr);
/* 64-byte aligned allocation with `slack` extra bytes after `size`; free with segtex_aligned_free. */
void *segtex_aligned_alloc(size_t size, size_t slack);
void segtex_aligned_free(void *ptr);

/*
 * Allocate a width x height image with `channels` (1, 3 or 4), zeroed,
 * stride = width * channels (1..16384 per side). On failure `out` is left
 * zeroed and the error logged.
 */
segtex_status segtex_image_alloc(segtex_image *out, int width, int height, int channels);
/* Free pixels allocated by segtex_image_alloc/load and zero the view. NULL and empty views are fine. */
void segtex_image_free(segtex_image *img);

/* ---- thread pool ---------------------------------------------------------------- */

/*
 * The library starts no hidden threads of its own for data parallelism: the
 * application (or the effect) creates a pool and passes it down to XNNPACK
 * and to row-band rendering. A NULL pool is valid everywhere a pool is taken
 * and means "run inline on the calling thread".
 */
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

/* ---- time ------------------------------------------------------------------------ */

/* Monotonic clock in seconds. */
double segtex_now(void);

#define SEGTEX_STAGE_SAMPLES 256

typedef struct segtex_stage_stats {
    int64_t count;
    double p50_ms, p95_ms; /* over the last SEGTEX_STAGE_SAMPLES runs */
} segtex_stage_stats;

/* Stage timing: a fixed ring of samples (no allocation). Not locked: guard it with the owner's lock. */
typedef struct segtex_stage_timer {
    float ms[SEGTEX_STAGE_SAMPLES];
    int64_t count;
} segtex_stage_timer;
void segtex_stage_timer_add(segtex_stage_timer *t, double ms);
void segtex_stage_timer_get(const segtex_stage_timer *t, segtex_stage_stats *out);

/* Resident set size of this process in MB (reads /proc/self/statm into a stack buffer: no allocation). */
double segtex_rss_mb(void);

#ifdef __cplusplus
}
#endif
#endif
