/*
 * Preloaded into the valgrind runs only (tests/cli_valgrind_*.sh).
 *
 * FFmpeg's libavcodec pulls in libjxl, whose libhwy measures its timer
 * resolution in a load-time constructor with the RDTSCP instruction.
 * valgrind 3.19 does not emulate RDTSCP on every CPU (seen on AMD EPYC with
 * AVX-512) and kills the process with SIGILL before main() runs. The
 * constructor calls hwy::platform::TimerResolution() through the PLT, so
 * this definition takes its place: it returns one tick, which only libhwy's
 * own benchmarking code ever reads. segtex's code is not touched.
 */
#include <stdint.h>

uint64_t _ZN3hwy8platform15TimerResolutionEv(void);
uint64_t _ZN3hwy8platform15TimerResolutionEv(void)
{
    return 1;
}
