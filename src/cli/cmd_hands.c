/* `segtex hands IMAGE`: palm detection and 21 hand landmarks per hand on a still image. */
#include "commands.h"
#include "opts.h"
#include "segtex/io.h"
#include "segtex/json.h"
#include "segtex/pipeline.h"
#include "segtex/vision.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char hands_usage[] =
    "usage: segtex hands IMAGE [--json] [--out IMG.png] [--max-hands N] [--model lite|full]\n"
    "                          [--models DIR] [--backend B] [--threads N]\n"
    "\n"
    "Finds hands (MediaPipe's palm detector) and their 21 landmarks each.\n"
    "--json       print {\"width\":W,\"height\":H,\"hands\":[{\"handedness\":\"Left\"|\"Right\",\"score\":S,\n"
    "             \"landmarks\":[[x,y,z],...21],\"world\":[[x,y,z],...21]}]} with landmarks normalized by\n"
    "             the image size (z in the scale of x) and world points in metres, like MediaPipe;\n"
    "             handedness as MediaPipe labels the same image (its model assumes a mirrored,\n"
    "             selfie image: on an unmirrored photo \"Left\" is the subject's right hand)\n"
    "--out FILE   draw the landmarks and their connections on the image, as PNG\n"
    "--max-hands  at most N hands (1..2, default 2)\n"
    "--model      full (default, MediaPipe's default complexity) or lite: palm_detection_* and\n"
    "             hand_landmark_* models\n"
    "--models DIR where the .tflite files are (default: $SEGTEX_ASSETS, else ./assets)\n";

/* MediaPipe's HAND_CONNECTIONS. */
static const unsigned char connections[][2] = {
    {0, 1},   {1, 2},   {2, 3},   {3, 4},   {0, 5},   {5, 6},   {6, 7},   {7, 8},   {5, 9},   {9, 10},  {10, 11},
    {11, 12}, {9, 13},  {13, 14}, {14, 15}, {15, 16}, {13, 17}, {0, 17},  {17, 18}, {18, 19}, {19, 20},
};

/* Blend `rgb` into a disc of radius r at (x, y), with anti-aliased edges. */
static void disc(segtex_image *img, float x, float y, float r, const unsigned char rgb[3])
{
    int x0 = (int)floorf(x - r - 1), x1 = (int)ceilf(x + r + 1), y0 = (int)floorf(y - r - 1), y1 = (int)ceilf(y + r + 1);
    for (int j = y0 < 0 ? 0 : y0; j <= y1 && j < img->height; j++)
        for (int i = x0 < 0 ? 0 : x0; i <= x1 && i < img->width; i++) {
            float d = hypotf((float)i + 0.5f - x, (float)j + 0.5f - y);
            float a = fminf(1.0f, fmaxf(0.0f, r + 0.5f - d));
            if (a <= 0)
                continue;
            unsigned char *p = img->data + (ptrdiff_t)j * img->stride + i * img->channels;
            for (int k = 0; k < 3; k++)
                p[k] = (unsigned char)lrintf((float)p[k] + a * ((float)rgb[k] - (float)p[k]));
        }
}

static void draw(segtex_image *img, const segtex_hand_result *r)
{
    const float W = (float)img->width, H = (float)img->height;
    const float lw = fmaxf(1.0f, W / 400.0f);
    static const unsigned char line[3] = {255, 255, 255}, left[3] = {255, 48, 48}, right[3] = {48, 200, 255};
    for (int h = 0; h < r->count; h++) {
        const segtex_hand_landmarks *l = &r->hands[h];
        for (size_t c = 0; c < sizeof connections / sizeof connections[0]; c++) {
            float ax = l->xyz[connections[c][0]][0] * W, ay = l->xyz[connections[c][0]][1] * H;
            float bx = l->xyz[connections[c][1]][0] * W, by = l->xyz[connections[c][1]][1] * H;
            int steps = (int)ceilf(hypotf(bx - ax, by - ay) * 2) + 1;
            if (steps > 100000)
                continue;
            for (int s = 0; s <= steps; s++) {
                float t = (float)s / (float)steps;
                disc(img, ax + t * (bx - ax), ay + t * (by - ay), lw / 2, line);
            }
        }
        for (int p = 0; p < SEGTEX_HAND_POINTS; p++)
            disc(img, l->xyz[p][0] * W, l->xyz[p][1] * H, lw * 1.5f, l->right ? right : left);
    }
}

int cmd_hands(int argc, char **argv)
{
    const char *image = NULL, *out = NULL, *models = NULL, *backend = "auto", *model = "full";
    long max_hands = SEGTEX_MAX_HANDS, threads = 0;
    int json = 0;
    cli_opts o;
    cli_opts_init(&o, argc - 1, argv + 1, "hands");
    while (cli_opts_next(&o)) {
        if (cli_opt_is(&o, "--help") || cli_opt_is(&o, "-h")) {
            fputs(hands_usage, stdout);
            return 0;
        } else if (cli_opt_is(&o, "--json")) {
            json = 1;
        } else if (cli_opt_is(&o, "--out")) {
            out = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--models")) {
            models = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--backend")) {
            backend = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--model")) {
            model = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--max-hands")) {
            cli_opt_long(&o, 1, SEGTEX_MAX_HANDS, &max_hands);
        } else if (cli_opt_is(&o, "--threads")) {
            cli_opt_long(&o, 1, SEGTEX_THREADPOOL_MAX_THREADS, &threads);
        } else if (cli_opt_positional(&o) && !image) {
            image = o.arg;
        } else if (cli_opt_positional(&o)) {
            fprintf(stderr, "segtex: hands: unexpected argument '%s'\n", o.arg);
            return 2;
        } else {
            cli_opt_unknown(&o);
        }
    }
    if (o.failed)
        return 2;
    if (!image) {
        fputs("segtex: hands: missing IMAGE (see --help)\n", stderr);
        return 2;
    }
    int be = segtex_backend_parse(backend);
    if (be < 0 || !segtex_backend_available((segtex_backend)be)) {
        fprintf(stderr, "segtex: hands: unknown or unavailable backend '%s'\n", backend);
        return 2;
    }
    if (strcmp(model, "full") && strcmp(model, "lite")) {
        fprintf(stderr, "segtex: hands: --model must be lite or full, got '%s'\n", model);
        return 2;
    }
    const char *dir = cli_models_dir(models);

    int rc = 1;
    segtex_threadpool *pool = NULL;
    segtex_hand_models hm = {0};
    segtex_hand_tracker *tr = NULL;
    segtex_hand_result res;
    segtex_image img = {0};
    if (segtex_image_load(image, 3, &img) || segtex_threadpool_create((int)threads, &pool))
        goto done;
    segtex_model_options mo = {(segtex_backend)be, pool};
    segtex_hand_tracker_options to = {0};
    to.max_hands = (int)max_hands;
    if (segtex_hand_models_load(dir, !strcmp(model, "full"), &mo, &hm) ||
        segtex_hand_tracker_create(hm.detector, hm.landmarker, &to, &tr) ||
        segtex_hand_tracker_process(tr, &img, 0.0, &res))
        goto done;
    if (json) {
        if (segtex_hand_result_to_json(stdout, img.width, img.height, &res) || fputc('\n', stdout) == EOF ||
            fflush(stdout)) {
            fputs("segtex: hands: cannot write the JSON to stdout\n", stderr);
            goto done;
        }
    } else {
        printf("%s: %dx%d, %d hand%s\n", image, img.width, img.height, res.count, res.count == 1 ? "" : "s");
        for (int h = 0; h < res.count; h++) {
            const segtex_hand_landmarks *l = &res.hands[h];
            printf("  hand %d: %s %.3f, palm score %.3f, presence %.3f, wrist x %.0f y %.0f px\n", h,
                   l->right ? "Right" : "Left", l->handedness_score, res.palm[h].score, l->presence,
                   l->xyz[0][0] * img.width, l->xyz[0][1] * img.height);
        }
    }
    rc = 0;
    if (out) {
        draw(&img, &res);
        rc = segtex_image_save_png(out, &img) ? 1 : 0;
    }
done:
    segtex_hand_tracker_destroy(tr);
    segtex_hand_models_free(&hm);
    segtex_threadpool_destroy(pool);
    segtex_image_free(&img);
    return rc;
}
