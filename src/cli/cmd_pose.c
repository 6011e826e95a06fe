/* `segtex pose IMAGE`: the BlazePose detector, 33 landmarks and the pose segmentation on a still image. */
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
#include <unistd.h>

static const char pose_usage[] =
    "usage: segtex pose IMAGE [--json] [--out IMG.png] [--mask OUT.png] [--model lite|full] [--max-poses N]\n"
    "                         [--models DIR] [--backend B] [--threads N]\n"
    "\n"
    "Finds people (MediaPipe BlazePose: detector, then 33 landmarks on the rotated crop), one pose each.\n"
    "MediaPipe's pose finds one person; segtex also runs the landmarker on an upright region derived\n"
    "from each face and each large person-mask component that no pose holds (a person seen from\n"
    "behind, cut off by the frame): see segtex_pose_finder in segtex/vision.h.\n"
    "--json       print {\"width\":W,\"height\":H,\"poses\":[{\"score\":S,\"landmarks\":[[x,y,z,visibility,presence],\n"
    "             ...33],\"world\":[[x,y,z],...33]}]}: landmarks normalized by the image size (z in the scale\n"
    "             of x), world points in metres from the hips' centre, like MediaPipe; score is the pose flag;\n"
    "             one object per person, the detector's first\n"
    "--out FILE   draw the 33 points and the skeleton on the image, as PNG\n"
    "--mask FILE  the pose segmentation x 255 as an 8-bit grey PNG at the image's size (every pose's, by maximum)\n"
    "--max-poses N  at most N people, 1..4 (default 4); 1: the detector's best only, as MediaPipe (no face\n"
    "             detector and no person mask run)\n"
    "--model      lite (default) or full: pose_landmark_lite or pose_landmark_full\n"
    "--models DIR where the .tflite files are (default: $SEGTEX_ASSETS, else ./assets)\n";

static void put(segtex_image *img, int x, int y, const uint8_t c[3], float a)
{
    if (x < 0 || y < 0 || x >= img->width || y >= img->height)
        return;
    uint8_t *p = img->data + (ptrdiff_t)y * img->stride + (ptrdiff_t)x * img->channels;
    for (int k = 0; k < 3; k++)
        p[k] = (uint8_t)lrintf((float)p[k] + ((float)c[k] - (float)p[k]) * a);
}

/* A filled disc of radius r at (cx, cy) pixels, edge anti-aliased over one pixel. */
static void disc(segtex_image *img, float cx, float cy, float r, const uint8_t c[3])
{
    for (int y = (int)floorf(cy - r - 1); y <= (int)ceilf(cy + r + 1); y++)
        for (int x = (int)floorf(cx - r - 1); x <= (int)ceilf(cx + r + 1); x++) {
            float d = hypotf((float)x + 0.5f - cx, (float)y + 0.5f - cy);
            float a = fminf(fmaxf(r + 0.5f - d, 0.0f), 1.0f);
            if (a > 0)
                put(img, x, y, c, a);
        }
}

/* A segment of width 2r: discs along it, one per pixel of length. */
static void line(segtex_image *img, float x0, float y0, float x1, float y1, float r, const uint8_t c[3])
{
    float len = hypotf(x1 - x0, y1 - y0);
    int n = (int)ceilf(len) + 1;
    for (int i = 0; i <= n; i++) {
        float t = (float)i / (float)n;
        disc(img, x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, r, c);
    }
}

/* The skeleton (MediaPipe's POSE_CONNECTIONS) and the points with visibility >= 0.5 (as MediaPipe draws them). */
static int draw(const segtex_image *src, const segtex_pose_result *poses, int count, const char *path)
{
    segtex_image img = {0};
    if (segtex_image_alloc(&img, src->width, src->height, 3))
        return 1;
    for (int y = 0; y < src->height; y++)
        for (int x = 0; x < src->width; x++)
            memcpy(img.data + (ptrdiff_t)y * img.stride + x * 3,
                   src->data + (ptrdiff_t)y * src->stride + (ptrdiff_t)x * src->channels, 3);
    float w = (float)img.width, h = (float)img.height, rad = fmaxf(1.5f, fmaxf(w, h) / 300.0f);
    static const uint8_t bone[3] = {224, 224, 224}, left[3] = {255, 138, 0}, right[3] = {0, 217, 231};
    for (int p = 0; p < count; p++) {
        const segtex_pose_result *r = &poses[p];
        if (!r->count)
            continue;
        for (int c = 0; c < SEGTEX_POSE_CONNECTION_COUNT; c++) {
            int i, j;
            segtex_pose_connection(c, &i, &j);
            const float *a = r->landmarks[i], *b = r->landmarks[j];
            if (a[3] >= 0.5f && b[3] >= 0.5f)
                line(&img, a[0] * w, a[1] * h, b[0] * w, b[1] * h, rad * 0.6f, bone);
        }
        for (int i = 0; i < SEGTEX_POSE_POINTS; i++)
            if (r->landmarks[i][3] >= 0.5f) /* left (odd from 11; 1-3, 7, 9) orange, right cyan */
                disc(&img, r->landmarks[i][0] * w, r->landmarks[i][1] * h, rad * 1.5f,
                     segtex_pose_mirror_index(i) > i ? left : i == 0 ? bone : right);
    }
    int rc = segtex_image_save_png(path, &img) ? 1 : 0;
    segtex_image_free(&img);
    return rc;
}

/* Every pose's segmentation x 255, by maximum. */
static int save_mask(const segtex_pose_result *poses, int count, int width, int height, const char *path)
{
    segtex_image grey = {0}, one = {0};
    int rc = 1;
    if (segtex_image_alloc(&grey, width, height, 1) || segtex_image_alloc(&one, width, height, 1))
        goto done;
    for (int y = 0; y < height; y++)
        memset(grey.data + (ptrdiff_t)y * grey.stride, 0, (size_t)width);
    for (int p = 0; p < count; p++) {
        if (segtex_pose_result_mask_to_image(&poses[p], &one))
            goto done;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) {
                uint8_t *g = grey.data + (ptrdiff_t)y * grey.stride + x, v = one.data[(ptrdiff_t)y * one.stride + x];
                *g = v > *g ? v : *g;
            }
    }
    rc = segtex_image_save_png(path, &grey) ? 1 : 0;
done:
    segtex_image_free(&grey);
    segtex_image_free(&one);
    return rc;
}

/* Is `name` a readable file in the models folder `dir`? */
static int has_model(const char *dir, const char *name)
{
    char path[4096];
    return snprintf(path, sizeof path, "%s/%s", dir, name) < (int)sizeof path && access(path, R_OK) == 0;
}

int cmd_pose(int argc, char **argv)
{
    const char *image = NULL, *out = NULL, *mask = NULL, *models = NULL, *backend = "auto", *model = "lite";
    long threads = 0, max_poses = SEGTEX_MAX_POSES;
    int json = 0;
    cli_opts o;
    cli_opts_init(&o, argc - 1, argv + 1, "pose");
    while (cli_opts_next(&o)) {
        if (cli_opt_is(&o, "--help") || cli_opt_is(&o, "-h")) {
            fputs(pose_usage, stdout);
            return 0;
        } else if (cli_opt_is(&o, "--json")) {
            json = 1;
        } else if (cli_opt_is(&o, "--out")) {
            out = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--mask")) {
            mask = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--models")) {
            models = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--backend")) {
            backend = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--model")) {
            model = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--max-poses")) {
            cli_opt_long(&o, 1, SEGTEX_MAX_POSES, &max_poses);
        } else if (cli_opt_is(&o, "--threads")) {
            cli_opt_long(&o, 1, SEGTEX_THREADPOOL_MAX_THREADS, &threads);
        } else if (cli_opt_positional(&o) && !image) {
            image = o.arg;
        } else if (cli_opt_positional(&o)) {
            fprintf(stderr, "segtex: pose: unexpected argument '%s'\n", o.arg);
            return 2;
        } else {
            cli_opt_unknown(&o);
        }
    }
    if (o.failed)
        return 2;
    if (!image) {
        fputs("segtex: pose: missing IMAGE (see --help)\n", stderr);
        return 2;
    }
    int be = segtex_backend_parse(backend);
    if (be < 0 || !segtex_backend_available((segtex_backend)be)) {
        fprintf(stderr, "segtex: pose: unknown or unavailable backend '%s'\n", backend);
        return 2;
    }
    if (strcmp(model, "lite") && strcmp(model, "full")) {
        fprintf(stderr, "segtex: pose: --model must be lite or full, got '%s'\n", model);
        return 2;
    }
    const char *dir = cli_models_dir(models);

    int rc = 1;
    segtex_threadpool *pool = NULL;
    segtex_pose_models pm = {0};
    segtex_pose_finder *pf = NULL;
    segtex_face_models fm = {0};
    segtex_face_tracker *ft = NULL;
    segtex_segmenter *seg = NULL;
    segtex_face_result *faces = calloc(1, sizeof *faces);
    segtex_pose_result *res = calloc(SEGTEX_MAX_POSES, sizeof *res);
    segtex_image img = {0};
    int n = 0;
    if (!res || !faces || segtex_image_load(image, 3, &img) || segtex_threadpool_create((int)threads, &pool))
        goto done;
    segtex_model_options mo = {(segtex_backend)be, pool};
    if (segtex_pose_models_load(dir, !strcmp(model, "full"), &mo, &pm) ||
        segtex_pose_finder_create(pm.detector, pm.landmarker, NULL, &pf))
        goto done;
    if (max_poses > 1) {
        /* The other clues, each optional (a folder may hold the pose models only): faces, and the person
         * mask (the composite's, without poses). */
        segtex_face_tracker_options to = {0};
        segtex_segmenter_options so = {SEGTEX_SEGMENTER_COMPOSITE, dir, mo, 0};
        if (!has_model(dir, "face_detection_short_range.tflite") || !has_model(dir, "face_landmark_with_attention.tflite")) {
            fputs("segtex: pose: warning: no face models: people are not looked for from their faces\n", stderr);
        } else {
            if (segtex_face_models_load(dir, SEGTEX_DETECTOR_AUTO, 1, &mo, &fm))
                goto done;
            to.fallback_detector = fm.fallback;
            if (segtex_face_tracker_create(fm.detector, fm.landmarker, &to, &ft) ||
                segtex_face_tracker_process(ft, &img, 0, faces))
                goto done;
        }
        if (!has_model(dir, "selfie_segmentation.tflite"))
            fputs("segtex: pose: warning: no person segmenter: people are not looked for in the person mask\n", stderr);
        else if (segtex_segmenter_create(&so, &seg))
            goto done;
    }
    if ((n = cli_find_poses(seg, pf, &img, faces, NULL, res, (int)max_poses)) < 0)
        goto done;
    if (json) {
        if (segtex_pose_results_to_json(stdout, img.width, img.height, res, n) || fputc('\n', stdout) == EOF ||
            fflush(stdout)) {
            fputs("segtex: pose: cannot write the JSON to stdout\n", stderr);
            goto done;
        }
    } else {
        printf("%s: %dx%d, %d pose%s\n", image, img.width, img.height, n, n == 1 ? "" : "s");
        for (int i = 0; i < n; i++) {
            if (res[i].detection_score > 0)
                printf("  pose: detector score %.3f, ", res[i].detection_score);
            else
                printf("  pose: from a face or the person mask, ");
            printf("presence %.3f, ROI centre %.0f,%.0f px, side %.0f px, rotation %.1f deg\n", res[i].score,
                   res[i].roi.cx, res[i].roi.cy, res[i].roi.size, res[i].roi.rotation * 180.0 / 3.14159265358979);
        }
    }
    rc = 0;
    if (out && draw(&img, res, n, out))
        rc = 1;
    if (mask && save_mask(res, n, img.width, img.height, mask))
        rc = 1;
done:
    segtex_pose_finder_destroy(pf);
    segtex_segmenter_destroy(seg);
    segtex_face_tracker_destroy(ft);
    segtex_face_models_free(&fm);
    segtex_pose_models_free(&pm);
    segtex_threadpool_destroy(pool);
    segtex_image_free(&img);
    free(res);
    free(faces);
    return rc;
}
