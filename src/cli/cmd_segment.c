/* `segtex segment IMAGE`: the six-category segmentation of a still image. */
#include "commands.h"
#include "opts.h"
#include "segtex/io.h"
#include "segtex/pipeline.h"
#include "segtex/render.h"
#include "segtex/vision.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char segment_usage[] =
    "usage: segtex segment IMAGE [--segmenter auto|person|multiclass|composite] [--detector auto|short|full]\n"
    "                            [--person OUT.png] [--categories OUT.png] [--colored OUT.png] [--json]\n"
    "                            [--out MAP.png] [--preview OUT.png] [--models DIR] [--backend B] [--threads N]\n"
    "\n"
    "Splits IMAGE into background, hair, body-skin, face-skin, clothes and others, and prints the\n"
    "segmenter in use and the share of each category's pixels at the image's size.\n"
    "--segmenter  auto (default): multiclass when selfie_multiclass_256x256.tflite is present,\n"
    "             else composite (person masks + face, pose and hand landmarks + colour models;\n"
    "             the hand tracker and the pose finder, every person's pose, run on IMAGE for it);\n"
    "             person: background and person only (the person reported as clothes)\n"
    "--detector   the face detector the composite segmenter uses: auto (default): short range, and\n"
    "             full range when short range finds no face; short: faces near the camera; full: far\n"
    "--person OUT.png  the person probability x 255 as an 8-bit grey PNG at the image's size\n"
    "--categories OUT.png  the category ids 0..5 as an 8-bit grey PNG at the image's size (the six\n"
    "             probabilities interpolated bilinearly per pixel, then the most likely one; the\n"
    "             composite's borders between person categories then snapped to the photo's edges)\n"
    "--colored OUT.png  the categories in colour over the dimmed photo, with a legend strip of six\n"
    "             swatches (ids 0..5, left to right) in the bottom-left corner, as PNG\n"
    "--json       print {\"segmenter\":\"composite|multiclass|person\",\"width\":W,\"height\":H,\n"
    "             \"shares\":{\"background\":f,\"hair\":f,...}} instead of the text report\n"
    "--out FILE   the category map at model resolution as a greyscale PNG of ids 0..5\n"
    "             (the input of `segtex render --categories`)\n"
    "--preview OUT.png  the categories painted in their default colours over the image, as PNG\n"
    "--models DIR where the .tflite files are (default: $SEGTEX_ASSETS, else ./assets)\n";

/* Photo brightness kept under the colours, and the colours' weight, in 1/256. */
#define DIM 96
#define TINT 150

/*
 * The segmentation at the image's size: per pixel, the six probabilities
 * interpolated bilinearly then their argmax (as MediaPipe's category mask),
 * and the person probability (1 - background) x 255. Counts each category.
 */
/* The categories' default colours over the dimmed photo (background: the dimmed photo), and a legend strip. */
static int save_colored(const segtex_image *img, const uint8_t *cat, const char *path)
{
    segtex_image out = {0};
    if (segtex_image_alloc(&out, img->width, img->height, 3))
        return 1;
    uint8_t col[SEGTEX_CATEGORY_COUNT][3];
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++)
        memcpy(col[c], segtex_paint_default(c).color, 3);
    for (int y = 0; y < img->height; y++) {
        const uint8_t *s = img->data + (size_t)y * img->stride;
        uint8_t *d = out.data + (size_t)y * out.stride;
        for (int x = 0; x < img->width; x++) {
            int c = cat[(size_t)y * img->width + x];
            for (int k = 0; k < 3; k++) {
                int v = s[x * img->channels + k] * DIM / 256;
                d[x * 3 + k] = (uint8_t)(c ? (v * (256 - TINT) + col[c][k] * TINT) / 256 : v);
            }
        }
    }
    /* Legend: six swatches in id order, framed in white, where the image is large enough to hold them. */
    int side = (img->width < img->height ? img->width : img->height) / 24;
    side = side < 6 ? 6 : side;
    if (img->width >= 6 * (side + 2) + 2 && img->height >= side + 4) {
        int y0 = img->height - side - 3;
        for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
            int x0 = 2 + c * (side + 2);
            for (int y = y0 - 1; y <= y0 + side; y++)
                for (int x = x0 - 1; x <= x0 + side; x++) {
                    int edge = y < y0 || y == y0 + side || x < x0 || x == x0 + side;
                    uint8_t *d = out.data + (size_t)y * out.stride + (size_t)x * 3;
                    for (int k = 0; k < 3; k++)
                        d[k] = edge ? 255 : c ? col[c][k] : (uint8_t)(128 * DIM / 256);
                }
        }
    }
    int rc = segtex_image_save_png(path, &out) ? 1 : 0;
    segtex_image_free(&out);
    return rc;
}

static int save_grey(const uint8_t *pix, int w, int h, const char *path)
{
    segtex_image g = {(uint8_t *)pix, w, h, 1, w};
    return segtex_image_save_png(path, &g) ? 1 : 0;
}

int cmd_segment(int argc, char **argv)
{
    const char *image = NULL, *out = NULL, *prev = NULL, *models = NULL, *backend = "auto", *kind = "auto",
               *detector = "auto", *person_path = NULL, *cat_path = NULL, *colored_path = NULL;
    long threads = 0;
    int json = 0;
    cli_opts o;
    cli_opts_init(&o, argc - 1, argv + 1, "segment");
    while (cli_opts_next(&o)) {
        if (cli_opt_is(&o, "--help") || cli_opt_is(&o, "-h")) {
            fputs(segment_usage, stdout);
            return 0;
        } else if (cli_opt_is(&o, "--out")) {
            out = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--person")) {
            person_path = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--categories")) {
            cat_path = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--colored")) {
            colored_path = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--json")) {
            json = 1;
        } else if (cli_opt_is(&o, "--detector")) {
            detector = cli_opt_str(&o);
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
    int dk = segtex_detector_kind_parse(detector);
    if (dk < 0) {
        fprintf(stderr, "segtex: segment: --detector must be auto, short or full, got '%s'\n", detector);
        return 2;
    }
    const char *dir = cli_models_dir(models);

    int rc = 1;
    segtex_threadpool *pool = NULL;
    segtex_face_models fm = {0};
    segtex_face_tracker *tr = NULL;
    segtex_pose_models pm = {0};
    segtex_pose_finder *pf = NULL;
    segtex_hand_models hm = {0};
    segtex_hand_tracker *htr = NULL;
    segtex_pose_result *pose = calloc(SEGTEX_MAX_POSES, sizeof *pose);
    int npose = 0;
    segtex_hand_result *hands = calloc(1, sizeof *hands);
    segtex_segmenter *seg = NULL;
    segtex_seg_result res = {0};
    segtex_face_result *faces = calloc(1, sizeof *faces);
    segtex_image img = {0};
    uint8_t *cat = NULL, *person = NULL;
    segtex_snap *snap = NULL;
    if (!faces || !pose || !hands || segtex_image_load(image, 3, &img) || segtex_threadpool_create((int)threads, &pool))
        goto done;
    segtex_segmenter_options so = {(segtex_segmenter_kind)k, dir, {(segtex_backend)be, pool}, 0};
    if (segtex_segmenter_create(&so, &seg) || segtex_seg_result_alloc(&res, segtex_segmenter_max_pixels(seg)))
        goto done;
    segtex_segmenter_kind used = segtex_segmenter_kind_in_use(seg);
    if (used == SEGTEX_SEGMENTER_COMPOSITE) { /* it needs the face, the pose and the hands */
        segtex_model_options mo = {(segtex_backend)be, pool};
        segtex_face_tracker_options to = {0};
        segtex_hand_tracker_options ho = {0};
        if (segtex_face_models_load(dir, (segtex_detector_kind)dk, 1, &mo, &fm))
            goto done;
        to.fallback_detector = fm.fallback;
        to.max_faces = SEGTEX_MAX_POSES; /* every person's face (a pose each), not the tracker's default one */
        if (segtex_face_tracker_create(fm.detector, fm.landmarker, &to, &tr) || segtex_face_tracker_process(tr, &img, 0, faces))
            goto done;
        if (segtex_hand_models_load(dir, 1, &mo, &hm) || segtex_hand_tracker_create(hm.detector, hm.landmarker, &ho, &htr) ||
            segtex_hand_tracker_process(htr, &img, 0.0, hands))
            goto done;
        /* Every person's pose: the detector's, then from faces and person-mask components without one. */
        if (segtex_pose_models_load(dir, 0, &mo, &pm) || segtex_pose_finder_create(pm.detector, pm.landmarker, NULL, &pf) ||
            (npose = cli_find_poses(seg, pf, &img, faces, hands, pose, SEGTEX_MAX_POSES)) < 0)
            goto done;
        /* Faces and hands the detectors missed, where the poses have them (as MediaPipe Holistic). */
        if (segtex_face_tracker_add_from_poses(tr, &img, pose, npose, faces) ||
            segtex_hand_tracker_add_from_poses(htr, &img, pose, npose, hands))
            goto done;
    }
    if (segtex_segmenter_process(seg, &img, &(segtex_people){faces, npose ? pose : NULL, hands, npose}, &res))
        goto done;
    const int w = img.width, h = img.height;
    double shares[SEGTEX_CATEGORY_COUNT];
    cat = malloc((size_t)w * h);
    person = malloc((size_t)w * h);
    if (!cat || !person) {
        fputs("segtex: segment: out of memory\n", stderr);
        goto done;
    }
    segtex_image cat_view = {cat, w, h, 1, w}, person_view = {person, w, h, 1, w};
    segtex_seg_result_upsample(&res, &cat_view, &person_view, shares);
    /* The composite's borders onto the photo's edges (the multiclass model's stay as the model has them). */
    if (used == SEGTEX_SEGMENTER_COMPOSITE &&
        (segtex_snap_create(w, h, &snap) || segtex_snap_categories(snap, &img, res.width, res.height, &cat_view, shares)))
        goto done;
    if (json) {
        printf("{\"segmenter\":\"%s\",\"width\":%d,\"height\":%d,\"shares\":{", segtex_segmenter_kind_name(used), w, h);
        for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++)
            printf("%s\"%s\":%.6g", c ? "," : "", segtex_category_name(c), shares[c]);
        printf("}}\n");
    } else {
        printf("segmenter: %s%s\n", segtex_segmenter_kind_name(used),
               used == SEGTEX_SEGMENTER_COMPOSITE ? " (person masks + face, pose and hand landmarks + colour)" : "");
        printf("faces: %d\nposes: %d\nresolution: %dx%d (model), shares at %dx%d\n", faces->count, npose, res.width, res.height, w, h);
        for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++)
            printf("  %-10s %5.1f%%\n", segtex_category_name(c), 100.0 * shares[c]);
    }
    rc = 0;
    if (rc == 0 && person_path)
        rc = save_grey(person, w, h, person_path);
    if (rc == 0 && cat_path)
        rc = save_grey(cat, w, h, cat_path);
    if (rc == 0 && colored_path)
        rc = save_colored(&img, cat, colored_path);
    if (rc == 0 && out) {
        segtex_image map = {res.category, res.width, res.height, 1, res.width};
        rc = segtex_image_save_png(out, &map) ? 1 : 0;
    }
    if (rc == 0 && prev)
        rc = cli_save_painted(&img, &res, NULL, NULL, prev, pool);
done:
    segtex_snap_destroy(snap);
    segtex_seg_result_free(&res);
    segtex_segmenter_destroy(seg);
    segtex_face_tracker_destroy(tr);
    segtex_face_models_free(&fm);
    segtex_pose_finder_destroy(pf);
    segtex_pose_models_free(&pm);
    segtex_hand_tracker_destroy(htr);
    segtex_hand_models_free(&hm);
    free(pose);
    free(hands);
    free(cat);
    free(person);
    segtex_threadpool_destroy(pool);
    segtex_image_free(&img);
    free(faces);
    return rc;
}
