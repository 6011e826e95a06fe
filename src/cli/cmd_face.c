/* `segtex face IMAGE`: face detection and 478 landmarks on a still image. */
#include "commands.h"
#include "opts.h"
#include "segtex/io.h"
#include "segtex/json.h"
#include "segtex/pipeline.h"
#include "segtex/render.h"
#include "segtex/vision.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char face_usage[] =
    "usage: segtex face IMAGE [--json] [--out IMG.png] [--max-faces N] [--detector auto|short|full]\n"
    "                         [--landmarker attention|plain] [--models DIR] [--backend B] [--threads N]\n"
    "\n"
    "Finds faces (BlazeFace) and their landmarks (478 points with the attention model, 468 without).\n"
    "--json       print {\"width\":W,\"height\":H,\"faces\":[{\"score\":S,\"box\":{\"xmin\":..,\"ymin\":..,\n"
    "             \"width\":..,\"height\":..},\"keypoints\":[[x,y],...6],\"presence\":P,\"landmarks\":[[x,y,z],...]}]}\n"
    "             with coordinates normalized by the image size (z in the scale of x), like MediaPipe\n"
    "--out FILE   draw the box, the 6 keypoints and the landmarks on the image, as PNG\n"
    "--max-faces  at most N faces (1..8, default 1)\n"
    "--detector   auto (default): short range, and full range when short range finds no face;\n"
    "             short: faces near the camera (MediaPipe's default); full: faces far from it\n"
    "--models DIR where the .tflite files are (default: $SEGTEX_ASSETS, else ./assets)\n";

/* The box, the 6 keypoints and the landmarks over the image. */
static int draw(const segtex_image *img, const segtex_face_result *r, const char *path, segtex_threadpool *pool)
{
    /* The detected faces' 6 keypoints, drawn as a second, box-less point set. */
    static segtex_face_result kp;
    memset(&kp, 0, sizeof kp);
    for (int f = 0; f < r->count; f++) {
        if (r->detection[f].score <= 0)
            continue;
        segtex_face_landmarks *l = &kp.faces[kp.count++];
        l->count = SEGTEX_KEYPOINT_COUNT;
        for (int k = 0; k < SEGTEX_KEYPOINT_COUNT; k++)
            l->xyz[k][0] = r->detection[f].keypoints[k][0], l->xyz[k][1] = r->detection[f].keypoints[k][1];
    }
    return cli_save_painted(img, NULL, r, &kp, path, pool);
}

int cmd_face(int argc, char **argv)
{
    const char *image = NULL, *out = NULL, *models = NULL, *backend = "auto", *detector = "auto",
               *landmarker = "attention";
    long max_faces = 1, threads = 0;
    int json = 0;
    cli_opts o;
    cli_opts_init(&o, argc - 1, argv + 1, "face");
    while (cli_opts_next(&o)) {
        if (cli_opt_is(&o, "--help") || cli_opt_is(&o, "-h")) {
            fputs(face_usage, stdout);
            return 0;
        } else if (cli_opt_is(&o, "--json")) {
            json = 1;
        } else if (cli_opt_is(&o, "--out")) {
            out = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--models")) {
            models = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--backend")) {
            backend = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--detector")) {
            detector = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--landmarker")) {
            landmarker = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--max-faces")) {
            cli_opt_long(&o, 1, SEGTEX_MAX_FACES, &max_faces);
        } else if (cli_opt_is(&o, "--threads")) {
            cli_opt_long(&o, 1, SEGTEX_THREADPOOL_MAX_THREADS, &threads);
        } else if (cli_opt_positional(&o) && !image) {
            image = o.arg;
        } else if (cli_opt_positional(&o)) {
            fprintf(stderr, "segtex: face: unexpected argument '%s'\n", o.arg);
            return 2;
        } else {
            cli_opt_unknown(&o);
        }
    }
    if (o.failed)
        return 2;
    if (!image) {
        fputs("segtex: face: missing IMAGE (see --help)\n", stderr);
        return 2;
    }
    int be = segtex_backend_parse(backend);
    if (be < 0 || !segtex_backend_available((segtex_backend)be)) {
        fprintf(stderr, "segtex: face: unknown or unavailable backend '%s'\n", backend);
        return 2;
    }
    int dk = segtex_detector_kind_parse(detector);
    if (dk < 0) {
        fprintf(stderr, "segtex: face: --detector must be auto, short or full, got '%s'\n", detector);
        return 2;
    }
    if (strcmp(landmarker, "attention") && strcmp(landmarker, "plain")) {
        fprintf(stderr, "segtex: face: --landmarker must be attention or plain, got '%s'\n", landmarker);
        return 2;
    }
    const char *dir = cli_models_dir(models);

    int rc = 1;
    segtex_threadpool *pool = NULL;
    segtex_face_models fm = {0};
    segtex_face_tracker *tr = NULL;
    segtex_face_result *res = calloc(1, sizeof *res);
    segtex_image img = {0};
    if (!res || segtex_image_load(image, 3, &img) || segtex_threadpool_create((int)threads, &pool))
        goto done;
    segtex_model_options mo = {(segtex_backend)be, pool};
    segtex_face_tracker_options to = {0};
    to.max_faces = (int)max_faces;
    if (segtex_face_models_load(dir, (segtex_detector_kind)dk, strcmp(landmarker, "plain") != 0, &mo, &fm))
        goto done;
    to.fallback_detector = fm.fallback;
    if (segtex_face_tracker_create(fm.detector, fm.landmarker, &to, &tr) || segtex_face_tracker_process(tr, &img, 0.0, res))
        goto done;
    if (json) {
        if (segtex_face_result_to_json(stdout, img.width, img.height, res) || fputc('\n', stdout) == EOF || fflush(stdout)) {
            fputs("segtex: face: cannot write the JSON to stdout\n", stderr);
            goto done;
        }
    } else {
        printf("%s: %dx%d, %d face%s\n", image, img.width, img.height, res->count, res->count == 1 ? "" : "s");
        for (int f = 0; f < res->count; f++)
            printf("  face %d: score %.3f, box x %.0f y %.0f w %.0f h %.0f px, presence %.3f, %d landmarks\n", f,
                   res->detection[f].score, res->detection[f].box[0] * img.width, res->detection[f].box[1] * img.height,
                   res->detection[f].box[2] * img.width, res->detection[f].box[3] * img.height, res->faces[f].presence,
                   res->faces[f].count);
    }
    rc = out ? draw(&img, res, out, pool) : 0;
done:
    segtex_face_tracker_destroy(tr);
    segtex_face_models_free(&fm);
    segtex_threadpool_destroy(pool);
    segtex_image_free(&img);
    free(res);
    return rc;
}
