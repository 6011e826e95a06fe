/* Private: the pthreadpool under a segtex_threadpool, for backends (XNNPACK) that take one. */
#ifndef SEGTEX_CORE_THREADPOOL_H
#define SEGTEX_CORE_THREADPOOL_H

#include "segtex/core.h"
#include <pthreadpool.h>

/* The pool's pthreadpool, or NULL for a NULL pool (pthreadpool treats NULL as "inline"). Owned by the pool. */
pthreadpool_t segtex_threadpool_pthreadpool(segtex_threadpool *pool);

#endif
