/*
 * segtex core: status codes, logging, image views.
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

#ifdef __cplusplus
}
#endif
#endif
