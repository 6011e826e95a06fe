/* `segtex render`: paint a still image from a category map and landmarks, without models. */
#include "commands.h"
#include "opts.h"
#include "segtex/io.h"
#include "segtex/pipeline.h"
#include "segtex/json.h"
#include "segtex/render.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char render_usage[] =
    "usage: segtex render --image IMG --categories MAP.png --out OUT.png [options]\n"
    "\n"
    "Paints the categories of MAP.png over IMG and writes OUT.png. MAP.png is a greyscale PNG of\n"
    "category ids 0..5 (0 background, 1 hair, 2 body-skin, 3 face-skin, 4 clothes, 5 others), at\n"
    "the image size or smaller: a smaller map is taken as model resolution and upsampled bilinearly\n"
    "with soft edges, as the live renderer does (a map larger than the image is an error).\n"
    "\n"
    "  --mode mask|overlay|cutout  mask: painted categories on black; overlay (default): painted\n"
    "                              categories blended over the image with their opacity; cutout:\n"
    "                              the image as filmed, painted categories replaced\n"
    "  --landmarks FILE.json       draw the faces of FILE.json (the output of `segtex face`)\n"
    "  --textures DIR              load DIR/*.png, *.jpg, *.jpeg besides the built-in textures\n"
    "  --list-textures             print the texture names and exit\n"
    "  --seed N                    pick textures, colours and scales for every category from N\n"
    "  --paint CAT=SPEC            SPEC: #rrggbb (a colour), a texture name, a PNG/JPEG file, or none\n"
    "  --colors CAT=#ink[,#paper]  colours of a built-in texture\n"
    "  --scale CAT=S               texture scale, 0.25..8\n"
    "  --opacity CAT=O             0..1 (overlay mode)\n"
    "  --offset CAT=X,Y            texture origin in pixels\n"
    "  --no-dots                   do not draw landmark dots\n"
    "  --dot-radius R              dot radius in pixels, 0.5..32 (default 1.5)\n"
    "  --dot-color #rrggbb         (default #00ff00)\n"
    "  --contours                  draw face oval, eyes, brows, lips and irises\n"
    "  --line-width W              contour and box width in pixels, 0.5..32 (default 1.5)\n"
    "  --line-color #rrggbb        (default #ffffff)\n"
    "  --box                       draw the face box\n"
    "  --box-color #rrggbb         (default #ffff00)\n"
    "  --threads N                 row bands on N threads (default 1; 0 = one per CPU)\n"
    "\n"
    "CAT is a category name, an id 0..5, or 'all'. Defaults: mask paints every category with a\n"
    "distinct colour; overlay paints the person (1..5); cutout paints the background with 'bricks'.\n"
    "A texture file that cannot be read is skipped with a warning and a built-in texture fills in.\n"
    "\n"
    "example: segtex render --image portrait.png --categories map.png --landmarks face.json \\\n"
    "             --mode overlay --paint hair=waves --scale hair=2 --contours --out out.png\n";

/* One line on stderr naming the problem; returns the exit code 2. */
__attribute__((format(printf, 1, 2))) static int err(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("segtex: render: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 2;
}

static int parse_color(const char *s, uint8_t rgb[3])
{
    if (!s || s[0] != '#' || strlen(s) < 7)
        return 0;
    for (int i = 0; i < 6; i++)
        if (!strchr("0123456789abcdefABCDEF", s[1 + i]))
            return 0;
    unsigned v = (unsigned)strtoul(s + 1, NULL, 16);
    if (strlen(s) != 7)
        return 0;
    rgb[0] = (uint8_t)(v >> 16);
    rgb[1] = (uint8_t)(v >> 8);
    rgb[2] = (uint8_t)v;
    return 1;
}

/* Split "CAT=VALUE" into a category mask and the value. */
static int split_cat(const char *arg, const char *opt, unsigned *mask, const char **value)
{
    const char *eq = strchr(arg, '=');
    if (!eq) {
        fprintf(stderr, "segtex: render: %s needs CAT=VALUE, got '%s'\n", opt, arg);
        return 0;
    }
    char name[32];
    snprintf(name, sizeof name, "%.*s", (int)(eq - arg < 31 ? eq - arg : 31), arg);
    if (!strcmp(name, "all")) {
        *mask = (1u << SEGTEX_CATEGORY_COUNT) - 1;
    } else {
        int c = segtex_category_parse(name);
        if (c < 0) {
            fprintf(stderr,
                    "segtex: render: %s: unknown category '%s' (background, hair, body-skin, face-skin, clothes, "
                    "others, 0..5 or all)\n",
                    opt, name);
            return 0;
        }
        *mask = 1u << c;
    }
    *value = eq + 1;
    return 1;
}

static int parse_number(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= lo && v <= hi))
        return 0;
    *out = v;
    return 1;
}

static int is_file_spec(const char *s)
{
    const char *dot = strrchr(s, '.');
    return strchr(s, '/') || (dot && (!strcmp(dot, ".png") || !strcmp(dot, ".jpg") || !strcmp(dot, ".jpeg") ||
                                      !strcmp(dot, ".PNG") || !strcmp(dot, ".JPG") || !strcmp(dot, ".JPEG")));
}

/* Per-category edits, applied in order after the mode defaults and --seed. */
typedef struct edit {
    const char *opt;
    const char *arg;
} edit;

static int apply_edit(segtex_texture_set *set, const edit *e)
{
    unsigned mask;
    const char *v;
    if (!split_cat(e->arg, e->opt, &mask, &v))
        return 0;
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        if (!(mask & (1u << c)))
            continue;
        segtex_paint p = segtex_texture_set_get_paint(set, c);
        if (!strcmp(e->opt, "--paint")) {
            p.enabled = 1;
            if (!strcmp(v, "none")) {
                p.enabled = 0;
            } else if (v[0] == '#') {
                if (!parse_color(v, p.color))
                    return err("--paint: '%s' is not a #rrggbb colour", v), 0;
                p.texture = -1;
            } else if (is_file_spec(v)) {
                int idx = segtex_texture_set_find(set, v);
                if (idx < 0 && segtex_texture_set_add_file(set, v, &idx) != SEGTEX_OK) {
                    /* The library warned, naming the file; a built-in fills in. */
                    idx = c % SEGTEX_BUILTIN_TEXTURE_COUNT;
                    fprintf(stderr, "segtex: render: warning: %s uses built-in texture '%s' instead\n",
                            segtex_category_name(c), segtex_texture_set_name(set, idx));
                }
                p.texture = idx;
            } else {
                int idx = segtex_texture_set_find(set, v);
                if (idx < 0)
                    return err("--paint: unknown texture '%s' (see --list-textures)", v), 0;
                p.texture = idx;
            }
        } else if (!strcmp(e->opt, "--colors")) {
            char ink[16] = {0};
            const char *comma = strchr(v, ',');
            snprintf(ink, sizeof ink, "%.*s", comma ? (int)(comma - v) : (int)strlen(v), v);
            if (!parse_color(ink, p.color) || (comma && !parse_color(comma + 1, p.color2)))
                return err("--colors: '%s' is not #ink or #ink,#paper", v), 0;
        } else if (!strcmp(e->opt, "--scale")) {
            double s;
            if (!parse_number(v, SEGTEX_TEXTURE_SCALE_MIN, SEGTEX_TEXTURE_SCALE_MAX, &s))
                return err("--scale: '%s' is not a number from 0.25 to 8", v), 0;
            p.scale = (float)s;
        } else if (!strcmp(e->opt, "--opacity")) {
            double o;
            if (!parse_number(v, 0, 1, &o))
                return err("--opacity: '%s' is not a number from 0 to 1", v), 0;
            p.opacity = (float)o;
        } else { /* --offset */
            int x, y;
            char tail;
            if (sscanf(v, "%d,%d%c", &x, &y, &tail) != 2)
                return err("--offset: '%s' is not X,Y", v), 0;
            p.offset_x = x;
            p.offset_y = y;
        }
        if (segtex_texture_set_set_paint(set, c, &p) != SEGTEX_OK)
            return err("%s %s: cannot apply", e->opt, e->arg), 0;
    }
    return 1;
}

static int load_category_map(const char *path, const segtex_image *img, segtex_image *map)
{
    if (segtex_image_load(path, 0, map) != SEGTEX_OK)
        return err("cannot read category map '%s'", path), 0;
    if (map->channels != 1)
        return err("category map '%s' has %d channels; expected a greyscale PNG of category ids 0..5", path,
                   map->channels),
               0;
    if (map->width > img->width || map->height > img->height)
        return err("category map '%s' is %dx%d, larger than the image (%dx%d): give the image size or smaller", path,
                   map->width, map->height, img->width, img->height),
               0;
    for (int y = 0; y < map->height; y++)
        for (int x = 0; x < map->width; x++) {
            uint8_t v = map->data[(ptrdiff_t)y * map->stride + x];
            if (v >= SEGTEX_CATEGORY_COUNT)
                return err("category map '%s': pixel (%d, %d) is %d; category ids are 0..5", path, x, y, v), 0;
        }
    return 1;
}

int cmd_render(int argc, char **argv)
{
    const char *image = NULL, *categories = NULL, *out_path = NULL, *landmarks = NULL, *textures = NULL;
    int mode = SEGTEX_RENDER_OVERLAY, list = 0, have_seed = 0;
    long threads = 1;
    unsigned long long seed = 0;
    segtex_landmark_style style = segtex_landmark_style_default();
    edit edits[256];
    int edit_count = 0;

    cli_opts o;
    cli_opts_init(&o, argc - 1, argv + 1, "render");
    while (cli_opts_next(&o)) {
        double d;
        const char *s;
        if (cli_opt_is(&o, "--help") || cli_opt_is(&o, "-h")) {
            fputs(render_usage, stdout);
            return 0;
        } else if (cli_opt_is(&o, "--image")) {
            image = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--categories")) {
            categories = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--out")) {
            out_path = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--landmarks")) {
            landmarks = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--textures")) {
            textures = cli_opt_str(&o);
        } else if (cli_opt_is(&o, "--list-textures")) {
            list = 1;
        } else if (cli_opt_is(&o, "--mode")) {
            if ((s = cli_opt_str(&o)) && (mode = segtex_render_mode_parse(s)) < 0)
                return err("--mode must be mask, overlay or cutout, got '%s'", s);
        } else if (cli_opt_is(&o, "--seed")) {
            if ((s = cli_opt_str(&o))) {
                char *end;
                errno = 0;
                seed = strtoull(s, &end, 10);
                if (errno || end == s || *end || s[0] == '-')
                    return err("--seed needs a non-negative integer, got '%s'", s);
                have_seed = 1;
            }
        } else if (cli_opt_is(&o, "--paint") || cli_opt_is(&o, "--colors") || cli_opt_is(&o, "--scale") ||
                   cli_opt_is(&o, "--opacity") || cli_opt_is(&o, "--offset")) {
            const char *name = o.arg;
            char opt[16];
            snprintf(opt, sizeof opt, "%.*s", (int)strcspn(name, "="), name);
            if ((s = cli_opt_str(&o))) {
                if (edit_count == (int)(sizeof edits / sizeof edits[0]))
                    return err("too many per-category options");
                edits[edit_count].opt = !strcmp(opt, "--paint")     ? "--paint"
                                        : !strcmp(opt, "--colors")  ? "--colors"
                                        : !strcmp(opt, "--scale")   ? "--scale"
                                        : !strcmp(opt, "--opacity") ? "--opacity"
                                                                    : "--offset";
                edits[edit_count++].arg = s;
            }
        } else if (cli_opt_is(&o, "--no-dots")) {
            style.dots = 0;
        } else if (cli_opt_is(&o, "--contours")) {
            style.contours = 1;
        } else if (cli_opt_is(&o, "--box")) {
            style.box = 1;
        } else if (cli_opt_is(&o, "--dot-radius")) {
            if (!cli_opt_double(&o, 0.5, 32, &d))
                style.dot_radius = (float)d;
        } else if (cli_opt_is(&o, "--line-width")) {
            if (!cli_opt_double(&o, 0.5, 32, &d))
                style.line_width = (float)d;
        } else if (cli_opt_is(&o, "--dot-color") || cli_opt_is(&o, "--line-color") || cli_opt_is(&o, "--box-color")) {
            const char *name = o.arg;
            uint8_t *dst = name[2] == 'd' ? style.dot_color : name[2] == 'l' ? style.line_color : style.box_color;
            if ((s = cli_opt_str(&o)) && !parse_color(s, dst))
                return err("%.*s needs a #rrggbb colour, got '%s'", (int)strcspn(name, "="), name, s);
        } else if (cli_opt_is(&o, "--threads")) {
            cli_opt_long(&o, 0, SEGTEX_THREADPOOL_MAX_THREADS, &threads);
        } else {
            cli_opt_unknown(&o);
        }
    }
    if (o.failed)
        return 2;

    segtex_set_log(segtex_log_stderr, NULL, SEGTEX_LOG_WARNING);
    segtex_texture_set *set = NULL;
    if (segtex_texture_set_create(textures, &set) != SEGTEX_OK)
        return err("cannot create the texture set%s%s", textures ? " from " : "", textures ? textures : "");
    if (list) {
        for (int i = 0; i < segtex_texture_set_count(set); i++)
            printf("%s%s\n", segtex_texture_set_name(set, i), i < SEGTEX_BUILTIN_TEXTURE_COUNT ? " (built-in)" : "");
        segtex_texture_set_destroy(set);
        return 0;
    }
    int rc = 2;
    segtex_image img = {0}, map = {0}, out = {0};
    segtex_renderer *r = NULL;
    segtex_threadpool *pool = NULL;
    static segtex_faces faces;
    segtex_landmarks views[SEGTEX_MAX_FACES];

    if (!image || !categories || !out_path) {
        err("--image, --categories and --out are required (see --help)");
        goto done;
    }
    if (segtex_image_load(image, 3, &img) != SEGTEX_OK) {
        err("cannot read image '%s'", image);
        goto done;
    }
    if (!load_category_map(categories, &img, &map))
        goto done;
    if (landmarks) {
        if (segtex_faces_load_json(landmarks, &faces) != SEGTEX_OK) {
            err("cannot use landmarks '%s'", landmarks);
            goto done;
        }
        if (faces.width && faces.height && (long)faces.width * img.height != (long)faces.height * img.width)
            fprintf(stderr, "segtex: render: warning: landmarks '%s' describe a %dx%d image, drawing on %dx%d\n",
                    landmarks, faces.width, faces.height, img.width, img.height);
    }

    /* Mode defaults, then --seed, then the per-category options in the order given. */
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        segtex_paint p = segtex_paint_default(c);
        if (mode == SEGTEX_RENDER_OVERLAY)
            p.enabled = c != SEGTEX_CATEGORY_BACKGROUND;
        if (mode == SEGTEX_RENDER_CUTOUT) {
            p.enabled = c == SEGTEX_CATEGORY_BACKGROUND;
            if (p.enabled)
                p.texture = segtex_texture_set_find(set, "bricks");
        }
        segtex_texture_set_set_paint(set, c, &p);
    }
    if (have_seed)
        segtex_texture_set_randomize(set, seed);
    for (int i = 0; i < edit_count; i++)
        if (!apply_edit(set, &edits[i]))
            goto done;

    if (segtex_threadpool_create((int)threads, &pool) != SEGTEX_OK) {
        err("cannot start %ld threads", threads);
        goto done;
    }
    if (segtex_renderer_create(set, &r) != SEGTEX_OK) {
        err("cannot create the renderer");
        goto done;
    }
    segtex_render_config cfg = {(segtex_render_mode)mode, img.width, img.height, map.width, map.height, style};
    if (segtex_renderer_configure(r, &cfg) != SEGTEX_OK || segtex_image_alloc(&out, img.width, img.height, 3)) {
        err("cannot configure the renderer for %dx%d", img.width, img.height);
        goto done;
    }
    /* The map's rows may be padded: hand the renderer a packed copy. */
    uint8_t *ids = malloc((size_t)map.width * map.height);
    if (!ids) {
        err("out of memory");
        goto done;
    }
    for (int y = 0; y < map.height; y++)
        memcpy(ids + (size_t)y * map.width, map.data + (ptrdiff_t)y * map.stride, (size_t)map.width);
    segtex_segmentation seg = {map.width, map.height, NULL, ids};
    for (int f = 0; f < faces.count; f++)
        views[f] = segtex_faces_view(&faces, f);
    segtex_status st = segtex_renderer_render(r, &img, &seg, views, faces.count, &out, pool);
    free(ids);
    if (st != SEGTEX_OK) {
        err("rendering failed: %s", segtex_status_string(st));
        goto done;
    }
    if (segtex_image_save_png(out_path, &out) != SEGTEX_OK) {
        err("cannot write '%s'", out_path);
        goto done;
    }
    printf("wrote %s: %dx%d, mode %s, categories from %dx%d, %d face(s)\n", out_path, out.width, out.height,
           segtex_render_mode_name((segtex_render_mode)mode), map.width, map.height, faces.count);
    rc = 0;
done:
    segtex_renderer_destroy(r);
    segtex_threadpool_destroy(pool);
    segtex_texture_set_destroy(set);
    segtex_image_free(&img);
    segtex_image_free(&map);
    segtex_image_free(&out);
    return rc;
}
