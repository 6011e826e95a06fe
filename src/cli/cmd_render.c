/* `segtex render`: paint a still image from a category map and landmarks, without models. */
#include "commands.h"
#include "settings.h"
#include "segtex/io.h"
#include "segtex/json.h"
#include "segtex/render.h"
#include "segtex/assets.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char render_intro[] =
    "usage: segtex render --image IMG --categories MAP.png --out OUT.png [options]\n"
    "\n"
    "Paints the categories of MAP.png over IMG and writes OUT.png, without models. MAP.png is a\n"
    "greyscale PNG of category ids 0..5 (0 background, 1 hair, 2 body-skin, 3 face-skin, 4 clothes,\n"
    "5 others), at the image size or smaller: a smaller map is taken as model resolution and\n"
    "upsampled bilinearly with soft edges, as the live renderer does. The per-category options are\n"
    "applied in the order given, after the mode's defaults and --seed; a texture file that cannot be\n"
    "read is skipped with a warning and a built-in texture fills in. Exit code 1 for a file that\n"
    "cannot be read or written, 2 for a bad command line.\n"
    "\n"
    "example: segtex render --image portrait.png --categories map.png --landmarks face.json \\\n"
    "             --mode overlay --paint hair=waves --scale hair=2 --contours --out out.png\n"
    "         segtex pose portrait.png --json >pose.json\n"
    "         segtex render --image portrait.png --categories map.png --pose pose.json --skeleton \\\n"
    "             --out skeleton.png\n"
    "virtual background: --mode cutout --paint background=blur=12 (or background=image=beach.jpg);\n"
    "hair colour: --paint hair=tint=#b03060:0.8; textures follow the face with --anchor hair=face.\n";

/* One line on stderr naming the problem; returns `code`. */
__attribute__((format(printf, 2, 3))) static int err(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("segtex: render: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return code;
}


/* The canonical face mesh for `mesh` anchors, from the models folder when there is one; else they draw as `face`. */
static void load_face_mesh(segtex_renderer *r, const char *models_dir)
{
    char dir[4096], path[4200];
    /* Quietly: this command needs no model, so no folder of models is no news (main's log level restored after). */
    segtex_set_log(segtex_log_stderr, NULL, SEGTEX_LOG_ERROR);
    segtex_status st = segtex_models_dir_find(models_dir, dir, sizeof dir);
    segtex_set_log(segtex_log_stderr, NULL, SEGTEX_LOG_WARNING);
    if (st != SEGTEX_OK)
        return;
    snprintf(path, sizeof path, "%s/%s", dir, SEGTEX_FACE_GEOMETRY_FILE);
    segtex_face_geometry *g = NULL;
    if (access(path, R_OK) == 0 && segtex_face_geometry_create(path, &g) == SEGTEX_OK)
        segtex_renderer_set_face_mesh(r, segtex_face_geometry_mesh(g));
    segtex_face_geometry_destroy(g);
}

static int load_category_map(const char *path, const segtex_image *img, segtex_image *map)
{
    if (segtex_image_load(path, 0, map) != SEGTEX_OK)
        return err(1, "cannot read category map '%s'", path), 0;
    if (map->channels != 1)
        return err(1, "category map '%s' has %d channels; expected a greyscale PNG of category ids 0..5", path,
                   map->channels),
               0;
    if (map->width > img->width || map->height > img->height)
        return err(1, "category map '%s' is %dx%d, larger than the image (%dx%d): give the image size or smaller", path,
                   map->width, map->height, img->width, img->height),
               0;
    for (int y = 0; y < map->height; y++)
        for (int x = 0; x < map->width; x++) {
            uint8_t v = map->data[(ptrdiff_t)y * map->stride + x];
            if (v >= SEGTEX_CATEGORY_COUNT)
                return err(1, "category map '%s': pixel (%d, %d) is %d; category ids are 0..5", path, x, y, v), 0;
        }
    return 1;
}

int cmd_render(int argc, char **argv)
{
    cli_settings *cs = calloc(1, sizeof *cs);
    if (!cs)
        return 1;
    int pr = cli_settings_parse(cs, CMD_RENDER, "render", argc, argv);
    if (pr) {
        if (pr > 0)
            cli_settings_help(CMD_RENDER, render_intro);
        free(cs);
        return pr > 0 ? 0 : 2;
    }
    const char *image = cs->image, *categories = cs->categories, *out_path = cs->out;
    const char *landmarks = cs->landmarks_file, *textures = cs->effect.textures_dir;
    int mode = cs->effect.mode;
    segtex_landmark_style style = cs->style;
    long threads = cs->has_threads ? cs->effect.threads : 1;

    segtex_set_log(segtex_log_stderr, NULL, SEGTEX_LOG_WARNING);
    segtex_texture_set *set = NULL;
    if (segtex_texture_set_create(textures, &set) != SEGTEX_OK) {
        free(cs);
        return err(1, "cannot create the texture set%s%s", textures ? " from " : "", textures ? textures : "");
    }
    if (cs->list_textures) {
        for (int i = 0; i < segtex_texture_set_count(set); i++)
            printf("%s%s\n", segtex_texture_set_name(set, i), i < SEGTEX_BUILTIN_TEXTURE_COUNT ? " (built-in)" : "");
        segtex_texture_set_destroy(set);
        free(cs);
        return 0;
    }
    int rc = 1;
    segtex_image img = {0}, map = {0}, out = {0};
    segtex_renderer *r = NULL;
    segtex_threadpool *pool = NULL;
    static segtex_faces faces;
    static segtex_pose_result pose;
    static segtex_hand_result hands;

    if (!image || !categories || !out_path) {
        rc = err(2, "--image, --categories and --out are required (see --help)");
        goto done;
    }
    const char *dot = strrchr(out_path, '.');
    if (!dot || strcasecmp(dot, ".png")) {
        rc = err(2, "--out '%s': the output is a PNG file, name it *.png", out_path);
        goto done;
    }
    if (segtex_image_load(image, 3, &img) != SEGTEX_OK) {
        err(1, "cannot read image '%s'", image);
        goto done;
    }
    if (!load_category_map(categories, &img, &map))
        goto done;
    if (landmarks) {
        if (segtex_faces_load_json(landmarks, &faces) != SEGTEX_OK) {
            err(1, "cannot use landmarks '%s'", landmarks);
            goto done;
        }
        if (faces.width && faces.height && (long)faces.width * img.height != (long)faces.height * img.width)
            fprintf(stderr, "segtex: render: warning: landmarks '%s' describe a %dx%d image, drawing on %dx%d\n",
                    landmarks, faces.width, faces.height, img.width, img.height);
    }

    if (cs->pose_file && segtex_pose_load_json(cs->pose_file, &pose) != SEGTEX_OK) {
        err(1, "cannot use the pose '%s'", cs->pose_file);
        goto done;
    }
    if (cs->hands_file && segtex_hands_load_json(cs->hands_file, &hands) != SEGTEX_OK) {
        err(1, "cannot use the hands '%s'", cs->hands_file);
        goto done;
    }
    if ((cs->pose_file || cs->hands_file) && !cs->effect.skeleton)
        fprintf(stderr, "segtex: render: warning: --pose and --hands are drawn with --skeleton only\n");
    style.skeleton = cs->effect.skeleton;

    /* Mode defaults, then --seed, then the per-category options in the order given. */
    segtex_texture_set_reset_paints(set, (segtex_render_mode)mode);
    if (cs->effect.has_seed)
        segtex_texture_set_randomize(set, cs->effect.seed);
    cli_paint_target pt = cli_texture_set_target(set);
    if (cli_apply_edits(cs, "render", &pt)) {
        rc = 2;
        goto done;
    }

    if (segtex_threadpool_create((int)threads, &pool) != SEGTEX_OK) {
        err(1, "cannot start %ld threads", threads);
        goto done;
    }
    if (segtex_renderer_create(set, &r) != SEGTEX_OK) {
        err(1, "cannot create the renderer");
        goto done;
    }
    load_face_mesh(r, NULL);
    segtex_render_config cfg = {(segtex_render_mode)mode, img.width, img.height, map.width, map.height, style};
    if (segtex_renderer_set_edges(r, cs->edges) != SEGTEX_OK || segtex_renderer_configure(r, &cfg) != SEGTEX_OK || segtex_image_alloc(&out, img.width, img.height, 3)) {
        err(1, "cannot configure the renderer for %dx%d", img.width, img.height);
        goto done;
    }
    /* The map's rows may be padded: hand the renderer a packed copy. */
    uint8_t *ids = malloc((size_t)map.width * map.height);
    if (!ids) {
        err(1, "out of memory");
        goto done;
    }
    for (int y = 0; y < map.height; y++)
        memcpy(ids + (size_t)y * map.width, map.data + (ptrdiff_t)y * map.stride, (size_t)map.width);
    segtex_seg_result seg = {map.width, map.height, NULL, ids, map.width * map.height};
    segtex_status st = segtex_renderer_render(r, &img, &seg,
                                                &(segtex_people){&faces.result, cs->pose_file ? &pose : NULL,
                                                                 cs->hands_file ? &hands : NULL, 1},
                                                &out, pool);
    free(ids);
    if (st != SEGTEX_OK) {
        err(1, "rendering failed: %s", segtex_status_string(st));
        goto done;
    }
    if (segtex_image_save_png(out_path, &out) != SEGTEX_OK) {
        err(1, "cannot write '%s'", out_path);
        goto done;
    }
    printf("wrote %s: %dx%d, mode %s, categories from %dx%d, %d face(s)\n", out_path, out.width, out.height,
           segtex_render_mode_name((segtex_render_mode)mode), map.width, map.height, faces.result.count);
    rc = 0;
done:
    segtex_renderer_destroy(r);
    segtex_threadpool_destroy(pool);
    segtex_texture_set_destroy(set);
    segtex_image_free(&img);
    segtex_image_free(&map);
    segtex_image_free(&out);
    free(cs);
    return rc;
}
