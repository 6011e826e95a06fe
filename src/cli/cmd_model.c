/* `segtex model info|run|bench`: inspect, run and time a .tflite model. */
#include "opts.h"
#include "commands.h"
#include "segtex/io.h"
#include "segtex/nn.h"
#include "segtex/pipeline.h"
#include "segtex/vision.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char model_usage[] =
    "usage: segtex model info MODEL [--backend B] [--threads N]\n"
    "       segtex model run MODEL --image IMG [--backend B] [--threads N] [--out FILE] [--summary]\n"
    "                              [--mask-png FILE]\n"
    "       segtex model bench MODEL [--backend B] [--threads N] [--runs N]\n"
    "       segtex model compare MODEL --image IMG [--threads N]\n"
    "\n"
    "--backend xnnpack|ref|auto (default auto: xnnpack when built with it); --threads N (default: online cores)\n"
    "\n"
    "info   inputs and outputs, op histogram, parameters, multiply-accumulates, arena size,\n"
    "       and how the graph was partitioned (XNNPACK subgraphs, host ops)\n"
    "run    resize IMG to the model input (stretch to [0,1]; BlazeFace models: letterbox to [-1,1]),\n"
    "       invoke, and write every output tensor as JSON (to FILE, or stdout);\n"
    "       --summary prints min/mean/max per output instead of the values;\n"
    "       --mask-png writes channel 0 of a [1,H,W,C] output as a greyscale PNG (0..1 -> 0..255)\n"
    "bench  invoke N times (default 20) on a fixed input; the last line is\n"
    "       model=<file> backend=<name> threads=<n> runs=<n> median_ms=<x> min_ms=<y>\n"
    "compare run the xnnpack and ref backends on the same input; per output tensor the max absolute\n"
    "       difference and the max relative difference (absolute difference / max |ref| of that\n"
    "       tensor); the last line is max_abs_diff=<x> max_rel_diff=<y> over all outputs\n";

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static void print_info(const segtex_tensor_info *t, const char *role, int i)
{
    printf("  %s %d: '%s' [", role, i, t->name);
    for (int d = 0; d < t->rank; d++)
        printf("%s%d", d ? "," : "", t->dims[d]);
    printf("] float32\n");
}

static void print_hist(void *user, const char *op, int count)
{
    (void)user;
    printf("  %-28s %d\n", op, count);
}

static int model_info(segtex_model *m, const char *path)
{
    segtex_model_stats s;
    segtex_model_get_stats(m, &s);
    printf("model: %s\n", base_name(path));
    for (int i = 0; i < segtex_model_input_count(m); i++) {
        segtex_tensor_info t;
        segtex_model_input(m, i, &t);
        print_info(&t, "input", i);
    }
    for (int i = 0; i < segtex_model_output_count(m); i++) {
        segtex_tensor_info t;
        segtex_model_output(m, i, &t);
        print_info(&t, "output", i);
    }
    printf("ops (%d nodes, %d DEQUANTIZE/DENSIFY folded into float32 constants):\n", s.num_nodes, s.num_folded);
    segtex_model_op_histogram(m, print_hist, NULL);
    printf("tensors: %d\n", s.num_tensors);
    printf("parameters: %zu (%.2f MB as float32)\n", s.num_parameters, s.constant_bytes / 1e6);
    printf("macs: %llu (%.1f M per inference)\n", (unsigned long long)s.macs, s.macs / 1e6);
    printf("arena: %zu bytes (%.2f MB; %.2f MB without reuse)\n", s.arena_bytes, s.arena_bytes / 1e6,
           s.naive_bytes / 1e6);
    printf("backend: %s\n", segtex_backend_name(s.backend));
    if (s.backend == SEGTEX_BACKEND_XNNPACK) {
        printf("partitions: %d XNNPACK subgraphs, %d host nodes\n", s.num_partitions, s.num_host_nodes);
        if (s.num_host_nodes) {
            printf("host ops:\n");
            segtex_model_host_ops(m, print_hist, NULL);
        }
    }
    return 0;
}

/* BlazeFace: two outputs [1,N,16] boxes and [1,N,1] scores. */
static int is_blazeface(const segtex_model *m)
{
    if (segtex_model_output_count(m) != 2)
        return 0;
    segtex_tensor_info a, b;
    segtex_model_output(m, 0, &a);
    segtex_model_output(m, 1, &b);
    return a.rank == 3 && b.rank == 3 && a.dims[1] == b.dims[1] &&
           ((a.dims[2] == 16 && b.dims[2] == 1) || (a.dims[2] == 1 && b.dims[2] == 16));
}

/* Fill every input: image inputs (rank 4, 3 channels) from `img`, others with a fixed pattern. */
static int fill_inputs(segtex_model *m, const segtex_image *img)
{
    for (int i = 0; i < segtex_model_input_count(m); i++) {
        segtex_tensor_info t;
        segtex_model_input(m, i, &t);
        if (img && t.rank == 4 && t.dims[3] == 3) {
            int bf = is_blazeface(m);
            if (segtex_image_to_tensor(img, t.data, t.dims[2], t.dims[1],
                                       bf ? SEGTEX_FIT_LETTERBOX : SEGTEX_FIT_STRETCH, bf ? -1.0f : 0.0f, 1.0f,
                                       NULL))
                return -1;
        } else {
            for (size_t k = 0; k < t.count; k++)
                t.data[k] = 0.5f + 0.25f * sinf((float)k * 0.01f);
        }
    }
    return 0;
}

static void write_json(FILE *f, segtex_model *m, const char *path, const char *backend, int summary)
{
    fprintf(f, "{\"model\":\"%s\",\"backend\":\"%s\",\"outputs\":[", base_name(path), backend);
    for (int i = 0; i < segtex_model_output_count(m); i++) {
        segtex_tensor_info t;
        segtex_model_output(m, i, &t);
        fprintf(f, "%s{\"name\":\"", i ? "," : "");
        for (const char *p = t.name; *p; p++) /* names are plain identifiers; escape anyway */
            fprintf(f, (*p == '"' || *p == '\\') ? "\\%c" : ((unsigned char)*p < 32 ? "?" : "%c"), *p);
        fprintf(f, "\",\"shape\":[");
        for (int d = 0; d < t.rank; d++)
            fprintf(f, "%s%d", d ? "," : "", t.dims[d]);
        fprintf(f, "]");
        if (summary) {
            double lo = INFINITY, hi = -INFINITY, sum = 0;
            for (size_t k = 0; k < t.count; k++) {
                lo = t.data[k] < lo ? t.data[k] : lo;
                hi = t.data[k] > hi ? t.data[k] : hi;
                sum += t.data[k];
            }
            fprintf(f, ",\"min\":%.6g,\"mean\":%.6g,\"max\":%.6g}", lo, sum / (double)t.count, hi);
        } else {
            fprintf(f, ",\"values\":[");
            for (size_t k = 0; k < t.count; k++)
                fprintf(f, "%s%.7g", k ? "," : "", isfinite(t.data[k]) ? t.data[k] : 0.0f);
            fprintf(f, "]}");
        }
    }
    fprintf(f, "]}\n");
}

static int save_mask(segtex_model *m, const char *out)
{
    segtex_tensor_info t;
    segtex_model_output(m, 0, &t);
    if (t.rank != 4) {
        fprintf(stderr, "segtex: --mask-png needs a [1,H,W,C] output; output 0 has rank %d\n", t.rank);
        return -1;
    }
    segtex_image img;
    if (segtex_image_alloc(&img, t.dims[2], t.dims[1], 1))
        return -1;
    for (int y = 0; y < t.dims[1]; y++)
        for (int x = 0; x < t.dims[2]; x++) {
            float v = t.data[((size_t)y * t.dims[2] + x) * t.dims[3]];
            v = v < 0 ? 0 : v > 1 ? 1 : v;
            img.data[y * img.stride + x] = (uint8_t)lrintf(v * 255.0f);
        }
    int rc = segtex_image_save_png(out, &img) ? -1 : 0;
    segtex_image_free(&img);
    return rc;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Both backends on the same input; per-output and overall differences. */
static int compare(const char *path, const char *image, segtex_threadpool *pool)
{
    if (!segtex_backend_available(SEGTEX_BACKEND_XNNPACK)) {
        fprintf(stderr, "segtex: model compare: this build has no xnnpack backend\n");
        return 2;
    }
    segtex_image img;
    if (segtex_image_load(image, 3, &img))
        return 1;
    segtex_model_options ro = {SEGTEX_BACKEND_REF, NULL}, xo = {SEGTEX_BACKEND_XNNPACK, pool};
    segtex_model *ref = NULL, *xnn = NULL;
    int rc = 1;
    if (segtex_model_load(path, &ro, &ref) || segtex_model_load(path, &xo, &xnn) || fill_inputs(ref, &img) ||
        fill_inputs(xnn, &img) || segtex_model_invoke(ref) || segtex_model_invoke(xnn))
        goto done;
    double all_abs = 0, all_rel = 0;
    for (int i = 0; i < segtex_model_output_count(ref); i++) {
        segtex_tensor_info a, b;
        segtex_model_output(ref, i, &a);
        segtex_model_output(xnn, i, &b);
        double max_abs = 0, mag = 0;
        for (size_t k = 0; k < a.count; k++) {
            double d = fabs((double)a.data[k] - (double)b.data[k]);
            if (!(d <= max_abs)) /* NaN counts as a difference */
                max_abs = isnan(d) ? INFINITY : d;
            if (fabs(a.data[k]) > mag)
                mag = fabs(a.data[k]);
        }
        double rel = mag > 0 ? max_abs / mag : max_abs;
        printf("output %d '%s': max |ref| %.6g, max_abs_diff %.3g, max_rel_diff %.3g\n", i, a.name, mag, max_abs,
               rel);
        all_abs = max_abs > all_abs ? max_abs : all_abs;
        all_rel = rel > all_rel ? rel : all_rel;
    }
    printf("max_abs_diff=%.3g max_rel_diff=%.3g\n", all_abs, all_rel);
    rc = 0;
done:
    segtex_model_destroy(ref);
    segtex_model_destroy(xnn);
    segtex_image_free(&img);
    return rc;
}

int cmd_model(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(model_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "info") && strcmp(sub, "run") && strcmp(sub, "bench") && strcmp(sub, "compare")) {
        fprintf(stderr, "segtex: model: unknown subcommand '%s' (info, run, bench, compare)\n", sub);
        return 2;
    }
    const char *path = NULL, *image = NULL, *out = NULL, *mask = NULL, *backend = "auto";
    long threads = 0, runs = 20;
    int summary = 0;
    cli_opts o;
    cli_opts_init(&o, argc - 2, argv + 2, "model");
    while (cli_opts_next(&o)) {
        if (cli_opt_is(&o, "--help")) {
            fputs(model_usage, stdout);
            return 0;
        } else if (cli_opt_is(&o, "--image")) {
            image = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--out")) {
            out = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--mask-png")) {
            mask = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--backend")) {
            backend = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--threads")) {
            cli_opt_long(&o, 1, SEGTEX_THREADPOOL_MAX_THREADS, &threads);
        } else if (cli_opt_is(&o, "--runs")) {
            cli_opt_long(&o, 1, 100000, &runs);
        } else if (cli_opt_is(&o, "--summary")) {
            summary = 1;
        } else if (cli_opt_positional(&o)) {
            if (path) {
                fprintf(stderr, "segtex: model %s: unexpected argument '%s'\n", sub, o.arg);
                return 2;
            }
            path = o.arg;
        } else {
            cli_opt_unknown(&o);
        }
    }
    if (o.failed)
        return 2;
    if (!path) {
        fprintf(stderr, "segtex: model %s: missing MODEL\n", sub);
        return 2;
    }
    int be = segtex_backend_parse(backend);
    if (be < 0 || !segtex_backend_available((segtex_backend)be)) {
        fprintf(stderr, "segtex: model %s: %s backend '%s' (available: %sref, auto)\n", sub,
                be < 0 ? "unknown" : "this build has no", backend,
                segtex_backend_available(SEGTEX_BACKEND_XNNPACK) ? "xnnpack, " : "");
        return 2;
    }
    if ((!strcmp(sub, "run") || !strcmp(sub, "compare")) && !image) {
        fprintf(stderr, "segtex: model %s: --image IMG is required\n", sub);
        return 2;
    }
    segtex_threadpool *pool = NULL;
    if (segtex_threadpool_create((int)threads, &pool))
        return 1;
    threads = segtex_threadpool_threads_count(pool);
    if (be == SEGTEX_BACKEND_AUTO)
        be = segtex_backend_default();
    backend = segtex_backend_name((segtex_backend)be);
    if (!strcmp(sub, "compare")) {
        int rc = compare(path, image, pool);
        segtex_threadpool_destroy(pool);
        return rc;
    }
    segtex_model_options mo = {(segtex_backend)be, pool};
    segtex_model *m;
    if (segtex_model_load(path, &mo, &m)) {
        segtex_threadpool_destroy(pool);
        return 1;
    }
    int rc = 0;
    if (!strcmp(sub, "info")) {
        rc = model_info(m, path);
    } else if (!strcmp(sub, "run")) {
        segtex_image img;
        if (segtex_image_load(image, 3, &img)) {
            segtex_model_destroy(m);
            segtex_threadpool_destroy(pool);
            return 1;
        }
        rc = fill_inputs(m, &img);
        segtex_image_free(&img);
        if (rc == 0)
            rc = segtex_model_invoke(m) ? 1 : 0;
        if (rc == 0 && mask)
            rc = save_mask(m, mask) ? 1 : 0;
        if (rc == 0) {
            FILE *f = out ? fopen(out, "w") : stdout;
            if (!f) {
                fprintf(stderr, "segtex: model run: cannot write '%s'\n", out);
                rc = 1;
            } else {
                write_json(f, m, path, backend, summary);
                if (out && fclose(f)) {
                    fprintf(stderr, "segtex: model run: error writing '%s'\n", out);
                    rc = 1;
                }
            }
        }
    } else {
        double *ms = malloc(sizeof(double) * (size_t)runs);
        if (!ms || fill_inputs(m, NULL)) {
            free(ms);
            segtex_model_destroy(m);
            segtex_threadpool_destroy(pool);
            return 1;
        }
        segtex_model_invoke(m); /* warm-up: first-touch of the arena and weights */
        for (long r = 0; r < runs; r++) {
            double t0 = now_ms();
            segtex_model_invoke(m);
            ms[r] = now_ms() - t0;
        }
        qsort(ms, (size_t)runs, sizeof *ms, cmp_double);
        double median = runs % 2 ? ms[runs / 2] : 0.5 * (ms[runs / 2 - 1] + ms[runs / 2]);
        segtex_model_stats s;
        segtex_model_get_stats(m, &s);
        printf("%.1f M MACs, %.2f GFLOP/s at the median\n", s.macs / 1e6, 2.0 * s.macs / (median * 1e6));
        printf("model=%s backend=%s threads=%ld runs=%ld median_ms=%.3f min_ms=%.3f\n", base_name(path),
               backend, threads, runs, median, ms[0]);
        free(ms);
    }
    segtex_model_destroy(m);
    segtex_threadpool_destroy(pool);
    return rc;
}
