/* `segtex segment IMAGE`: the six-category segmentation of a still image. */
#include "commands.h"
#include "opts.h"
#include "segtex/io.h"
#include "segtex/pipeline.h"
#include "segtex/render.h"
#include "segtex/vision.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char segment_usage[] =
    "usage: segtex segment IMAGE [--segmenter auto|person|multiclass|composite] [--out MAP.png]\n"
    "                            [--preview OUT.png] [--models DIR] [--backend B] [--threads N]\n"
    "\n"
    "Splits IMAGE into background, hair, body-skin, face-skin, clothes and others, and prints the\n"
    "segmenter in use and the share of each category.\n"
    "--segmenter  auto (default): multiclass when selfie_multiclass_256x256.tflite is present,\n"
    "             else composite (person probability + face landmarks + skin colour);\n"
    "             person: background and person only (the person reported as clothes)\n"
    "--out FILE   the category map at model resolution as a greyscale PNG of ids 0..5\n"
    "             (the input of `segtex render --categories`)\n"
    "--preview F  the categories painted in their default colours over the image, as PNG\n";

int cmd_segment(int argc, char **argv)
{
    const char *image = NULL, *out = NULL, *prev = NULL, *models = NULL, *backend = "auto", *kind = "auto";
    long threads = 0;
    cli_opts o;
    cli_opts_init(&o, argc - 1, argv + 1, "segment");
    while (cli_opts_next(&o)) {
        if (cli_opt_is(&o, "--help") || cli_opt_is(&o, "-h")) {
            fputs(segment_usage, stdout);
            return 0;
        } else if (cli_opt_is(&o, "--out")) {
            out = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--preview")) {
            prev = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--models")) {
            models = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--backend")) {
            backend = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--segmenter")) {
            kind = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--threads")) {
            cli_opt_long(&o, 1, SEGTEX_THREADPOOL_MAX_THREADS, &threads);
        } else if (cli_opt_positional(&o) && !image) {
            image = o.arg;
        } else if (cli_opt_positional(&o)) {
            fprintf(stderr, "segtex: segment: unexpected argument '%s'\n", o.arg);
            return 2;
        } else {
            cli_opt_unknown(&o);
        }
    }
    if (o.failed)
        return 2;
    if (!image) {
        fputs("segtex: segment: missing IMAGE (see --help)\n", stderr);
        return 2;
    }
    int be = segtex_backend_parse(backend), k = segtex_segmenter_kind_parse(kind);
    if (be < 0 || !segtex_backend_available((segtex_backend)be)) {
        fprintf(stderr, "segtex: segment: unknown or unavailable backend '%s'\n", backend);
        return 2;
    }
    if (k < 0) {
        fprintf(stderr, "segtex: segment: --segmenter must be auto, person, multiclass or composite, got '%s'\n", kind);
        return 2;
    }
    const char *dir = cli_models_dir(models);

    int rc = 1;
    segtex_threadpool *pool = NULL;
    segtex_face_detector *det = NULL;
    segtex_face_landmarker *lm = NULL;
    segtex_face_tracker *tr = NULL;
    segtex_segmenter *seg = NULL;
    segtex_seg_result res = {0};
    segtex_face_result *faces = calloc(1, sizeof *faces);
    segtex_image img = {0};
    if (!faces || segtex_image_load(image, 3, &img) || segtex_threadpool_create((int)threads, &pool))
        goto done;
    segtex_segmenter_options so = {(segtex_segmenter_kind)k, dir, {(segtex_backend)be, pool}, 0};
    if (segtex_segmenter_create(&so, &seg) || segtex_seg_result_alloc(&res, segtex_segmenter_max_pixels(seg)))
        goto done;
    segtex_segmenter_kind used = segtex_segmenter_kind_in_use(seg);
    if (used == SEGTEX_SEGMENTER_COMPOSITE) { /* it needs the face */
        segtex_model_options mo = {(segtex_backend)be, pool};
        if (cli_load_face_models(dir, "short", "attention", &mo, &det, &lm) ||
            segtex_face_tracker_create(det, lm, NULL, &tr) || segtex_face_tracker_process(tr, &img, 0, faces))
            goto done;
    }
    if (segtex_segmenter_process(seg, &img, faces->faces, faces->count, &res))
        goto done;
    long counts[SEGTEX_SEG_CATEGORIES] = {0};
    for (int i = 0; i < res.width * res.height; i++)
        counts[res.category[i]]++;
    printf("segmenter: %s%s\n", segtex_segmenter_kind_name(used),
           used == SEGTEX_SEGMENTER_COMPOSITE ? " (person probability + face landmarks + skin colour)" : "");
    printf("faces: %d\nresolution: %dx%d\n", faces->count, res.width, res.height);
    for (int c = 0; c < SEGTEX_SEG_CATEGORIES; c++)
        printf("  %-10s %5.1f%%\n", segtex_category_name(c), 100.0 * counts[c] / (res.width * res.height));
    rc = 0;
    if (out) {
        segtex_image map = {res.category, res.width, res.height, 1, res.width};
        rc = segtex_image_save_png(out, &map) ? 1 : 0;
    }
    if (rc == 0 && prev)
        rc = cli_save_painted(&img, &res, NULL, 0, prev, pool);
done:
    segtex_seg_result_free(&res);
    segtex_segmenter_destroy(seg);
    segtex_face_tracker_destroy(tr);
    segtex_face_landmarker_destroy(lm);
    segtex_face_detector_destroy(det);
    segtex_threadpool_destroy(pool);
    segtex_image_free(&img);
    free(faces);
    return rc;
}
