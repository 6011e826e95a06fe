/* Private logging helpers. Messages are formatted into a stack buffer. */
#ifndef SEGTEX_CORE_LOG_H
#define SEGTEX_CORE_LOG_H
#include "segtex/core.h"

int segtex_log_enabled(segtex_log_level level);
void segtex_logf(segtex_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define LOG_ERROR(...) segtex_logf(SEGTEX_LOG_ERROR, __VA_ARGS__)
#define LOG_WARNING(...) segtex_logf(SEGTEX_LOG_WARNING, __VA_ARGS__)
#define LOG_INFO(...) segtex_logf(SEGTEX_LOG_INFO, __VA_ARGS__)
#define LOG_DEBUG(...) segtex_logf(SEGTEX_LOG_DEBUG, __VA_ARGS__)
#endif
