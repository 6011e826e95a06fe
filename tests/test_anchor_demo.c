/*
 * Textures anchored to the face move with the face on the demo clip, whose
 * pan, zoom and rock are known exactly (segtex_demo_map): a point of the
 * face (the still portrait's nose tip and forehead, carried through the
 * clip's motion) keeps its texture coordinate: the texture slips under it
 * by at most 2 px of the frame over the clip (issue 15's bound), while a
 * screen-anchored texture lets the same point wander across it. (Measured
 * 1.3-1.5 px; the tracked nose tip alone is up to 2.95 px from the clip's
 * truth, and an anchor made from it slipped 2.1-2.25 px: the face anchor
 * averages eight rigid landmarks.)
 * The face tracker runs in video mode on every frame, as in `segtex run`.
 */
#include "harness.h"
#include "render/anchor.h"
#include "segtex/io.h"
#include "segtex/vision.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define W 640
#define H 480
#define FRAMES 90

static void tex_of(const anchor_xf *xf, double px, double py, double *u, double *v)
{
    double dx = px - xf->ox, dy = py - xf->oy;
    *u = xf->m[0] * dx + xf->m[1] * dy + xf->tx;
    *v = xf->m[2] * dx + xf->m[3] * dy + xf->ty;
}

static void test_face_anchor_follows_the_clip(void)
{
    static char portrait_path[4096];
    const char *a = test_asset("astronaut.png"); /* test_asset's buffer is reused: copy */
    snprintf(portrait_path, sizeof portrait_path, "%s", a ? a : "");
    const char *model = test_asset("face_detection_short_range.tflite");
    if (!a || !model) {
        CHECK(0, "the portrait and the face models ($SEGTEX_ASSETS)");
        return;
    }
    static char dir[4096];
    snprintf(dir, sizeof dir, "%s", model);
    *strrchr(dir, '/') = 0;
    segtex_model_options mo = {SEGTEX_BACKEND_AUTO, NULL};
    segtex_face_models fm;
    memset(&fm, 0, sizeof fm);
    segtex_face_tracker *still_t = NULL, *t = NULL;
    segtex_face_tracker_options to = {0};
    to.video = 1;
    segtex_demo *demo = NULL;
    segtex_image portrait = {0}, frame = {0};
    static segtex_face_result still, faces;
    if (segtex_face_models_load(dir, SEGTEX_DETECTOR_SHORT, 1, &mo, &fm) ||
        segtex_face_tracker_create(fm.detector, fm.landmarker, NULL, &still_t) ||
        segtex_face_tracker_create(fm.detector, fm.landmarker, &to, &t) ||
        segtex_image_load(portrait_path, 3, &portrait) || segtex_demo_create(portrait_path, W, H, FRAMES, 30, &demo) ||
        segtex_image_alloc(&frame, W, H, 3) || segtex_face_tracker_process(still_t, &portrait, 0, &still) ||
        still.count != 1) {
        CHECK(0, "models, portrait, demo or the still face");
        goto done;
    }
    /* The points, in the portrait's pixels: the nose tip (1, the anchor's origin) and the forehead (10). */
    static const int points[2] = {1, 10};
    double pp[2][2];
    for (int k = 0; k < 2; k++)
        pp[k][0] = still.faces[0].xyz[points[k]][0] * portrait.width,
        pp[k][1] = still.faces[0].xyz[points[k]][1] * portrait.height;
    anchor_state st;
    memset(&st, 0, sizeof st);
    double first[2][2][2] = {{{0}}}, worst[2] = {0, 0}, worst_px[2] = {0, 0}, screen_move = 0, lm_err = 0;
    int measured = 0;
    for (int f = 0; f < FRAMES; f++) {
        double pts;
        segtex_demo_read(demo, &frame, &pts);
        if (segtex_face_tracker_process(t, &frame, pts, &faces))
            break;
        segtex_people people = {&faces, NULL, NULL, 0};
        anchor_update(&st, &people, W, H);
        anchor_xf xf;
        if (!anchor_resolve(&st, SEGTEX_ANCHOR_FACE, &xf))
            continue;
        {
            double x, y; /* the tracked nose tip against where the clip put the portrait's */
            segtex_demo_map(demo, f, pp[0][0], pp[0][1], &x, &y);
            lm_err = fmax(lm_err, hypot(faces.faces[0].xyz[1][0] * W - x, faces.faces[0].xyz[1][1] * H - y));
        }
        for (int k = 0; k < 2; k++) {
            double x, y, u, v;
            segtex_demo_map(demo, f, pp[k][0], pp[k][1], &x, &y);
            tex_of(&xf, x, y, &u, &v);
            if (!measured) {
                first[k][0][0] = u, first[k][0][1] = v;
                first[k][1][0] = x, first[k][1][1] = y; /* screen anchor: the tile is fixed to the frame */
            } else {
                /* Texels per frame pixel: the transform's scale (a similarity). */
                double scale = sqrt(fabs((double)xf.m[0] * xf.m[3] - (double)xf.m[1] * xf.m[2]));
                double d = hypot(u - first[k][0][0], v - first[k][0][1]);
                worst[k] = fmax(worst[k], d);
                worst_px[k] = fmax(worst_px[k], scale > 0 ? d / scale : 1e9);
                if (k == 0)
                    screen_move = fmax(screen_move, hypot(x - first[0][1][0], y - first[0][1][1]));
            }
        }
        measured++;
    }
    printf("  demo %dx%d, %d frames with a face: the texture slips under the nose tip by %.2f px (%.2f texels), "
           "the forehead %.2f px (%.2f texels); screen-anchored, the nose tip crosses %.1f px of the texture; the tracked "
           "nose tip is up to %.2f px from the true one\n",
           W, H, measured, worst_px[0], worst[0], worst_px[1], worst[1], screen_move, lm_err);
    CHECK(measured == FRAMES, "a face on %d of %d frames", measured, FRAMES);
    CHECK(worst_px[0] <= 2.0 && worst_px[1] <= 2.0, "face-anchored texture stays on the face: slips %.2f / %.2f px",
          worst_px[0], worst_px[1]);
    CHECK(screen_move > 10.0, "the clip moves the face %.1f px: a screen-anchored texture does not follow",
          screen_move);
done:
    segtex_demo_destroy(demo);
    segtex_image_free(&portrait);
    segtex_image_free(&frame);
    segtex_face_tracker_destroy(still_t);
    segtex_face_tracker_destroy(t);
    segtex_face_models_free(&fm);
}

int main(void)
{
    RUN(test_face_anchor_follows_the_clip);
    return test_summary();
}
