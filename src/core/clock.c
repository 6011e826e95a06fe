/* The monotonic clock, stage timers and the RSS probe. */
#define _POSIX_C_SOURCE 200809L
#include "segtex/core.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

double segtex_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void segtex_stage_timer_add(segtex_stage_timer *t, double ms)
{
    t->ms[t->count % SEGTEX_STAGE_SAMPLES] = (float)ms;
    t->count++;
}

void segtex_stage_timer_get(const segtex_stage_timer *t, segtex_stage_stats *out)
{
    float v[SEGTEX_STAGE_SAMPLES];
    int n = t->count < SEGTEX_STAGE_SAMPLES ? (int)t->count : SEGTEX_STAGE_SAMPLES;
    memcpy(v, t->ms, sizeof(float) * (size_t)n);
    for (int i = 1; i < n; i++) { /* insertion sort: 256 values, once a second */
        float x = v[i];
        int j = i - 1;
        while (j >= 0 && v[j] > x) {
            v[j + 1] = v[j];
            j--;
        }
        v[j + 1] = x;
    }
    out->count = t->count;
    out->p50_ms = n ? v[n / 2] : 0;
    out->p95_ms = n ? v[(n * 95) / 100 < n ? (n * 95) / 100 : n - 1] : 0;
}

double segtex_rss_mb(void)
{
    char buf[128];
    int fd = open("/proc/self/statm", O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = 0;
    char *p = strchr(buf, ' ');
    return p ? (double)strtol(p + 1, NULL, 10) * (double)sysconf(_SC_PAGESIZE) / 1048576.0 : 0;
}
