/* Helpers shared by the subcommands (public headers only, like any client). */
#include "commands.h"
#include "segtex/assets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cli_models_dir(const char *dir)
{
    static char found[4096]; /* the command asks once, from its main thread */
    return segtex_models_dir_find(dir, found, sizeof found) == SEGTEX_OK ? found : dir ? dir : "assets";
}

int cli_save_painted(const segtex_image *img, const segtex_seg_result *seg, const segtex_face_result *faces,
                     const segtex_face_result *more, const char *path, segtex_threadpool *pool)
{
    segtex_texture_set *set = NULL;
    segtex_renderer *rd = NULL;
    segtex_image out = {0};
    int rc = 1;
    if (segtex_texture_set_create(NULL, &set) || segtex_renderer_create(set, &rd) ||
        segtex_image_alloc(&out, img->width, img->height, 3))
        goto done;
    segtex_render_config cfg = {SEGTEX_RENDER_OVERLAY, img->width, img->height, seg ? seg->width : 1,
                                seg ? seg->height : 1, segtex_landmark_style_default()};
    if (!seg) { /* no segmentation: all background, painted with nothing */
        for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
            segtex_paint p = segtex_paint_default(c);
            p.enabled = 0;
            segtex_texture_set_set_paint(set, c, &p);
        }
    }
    cfg.landmarks.box = 1;
    cfg.landmarks.dot_radius = img->width >= 1000 ? 2.0f : 1.2f;
    if (segtex_renderer_configure(rd, &cfg) || segtex_renderer_render(rd, img, seg, &(segtex_people){faces, NULL, NULL, 0}, &out, pool) ||
        (more && segtex_renderer_render(rd, &out, seg, &(segtex_people){more, NULL, NULL, 0}, &out, pool))) {
        fprintf(stderr, "segtex: drawing '%s' failed\n", path);
        goto done;
    }
    rc = segtex_image_save_png(path, &out) ? 1 : 0;
done:
    segtex_image_free(&out);
    segtex_renderer_destroy(rd);
    segtex_texture_set_destroy(set);
    return rc;
}

int cli_find_poses(segtex_segmenter *seg, segtex_pose_finder *finder, const segtex_image *img,
                   const segtex_face_result *faces, const segtex_hand_result *hands, segtex_pose_result *poses, int max)
{
    segtex_seg_result res = {0};
    uint8_t *person = NULL;
    int n = -1;
    if (seg) { /* the person mask: one pass without poses, forgotten afterwards (a still image) */
        person = malloc((size_t)img->width * (size_t)img->height);
        if (!person || segtex_seg_result_alloc(&res, segtex_segmenter_max_pixels(seg)) ||
            segtex_segmenter_process(seg, img, &(segtex_people){faces, NULL, hands, 0}, &res))
            goto done;
        segtex_image view = {person, img->width, img->height, 1, img->width};
        segtex_seg_result_upsample(&res, NULL, &view, NULL);
        segtex_segmenter_reset(seg);
    }
    segtex_image view = {person, img->width, img->height, 1, img->width};
    n = segtex_pose_finder_find(finder, img, faces, person ? &view : NULL, poses, max);
done:
    if (n < 0)
        fputs("segtex: cannot find the poses\n", stderr);
    segtex_seg_result_free(&res);
    free(person);
    return n < 0 ? -1 : n;
}
