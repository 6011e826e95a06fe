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
    if (segtex_renderer_configure(rd, &cfg) || segtex_renderer_render(rd, img, seg, &(segtex_people){faces, NULL, NULL}, &out, pool) ||
        (more && segtex_renderer_render(rd, &out, seg, &(segtex_people){more, NULL, NULL}, &out, pool))) {
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
