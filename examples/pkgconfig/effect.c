/* Paint a photo with segtex: cc effect.c $(pkg-config --cflags --libs segtex) */
#include <segtex/effect.h>
#include <segtex/io.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 3)
        return fprintf(stderr, "usage: %s IN.png OUT.png\n", argv[0]), 2;
    segtex_set_log(segtex_log_stderr, NULL, SEGTEX_LOG_WARNING);
    segtex_effect_options o = segtex_effect_options_default();
    o.smooth = 0;                        /* a still: no tracking between frames */
    o.mode = SEGTEX_RENDER_OVERLAY;
    o.landmarks = 1;
    segtex_image in = {0}, out = {0};   /* out.data NULL: the effect's own frame */
    segtex_effect *fx = NULL;
    segtex_effect_result r;
    int rc = segtex_image_load(argv[1], 3, &in) || segtex_effect_create(&o, &fx) ||
             segtex_effect_process(fx, &in, 0.0, &out, &r) || segtex_image_save_png(argv[2], &out);
    if (!rc)
        printf("%s: %d face(s), %s segmenter, %.1f ms to render\n", argv[2], r.faces->count,
               segtex_segmenter_kind_name(segtex_effect_segmenter(fx)), r.render_ms);
    segtex_effect_destroy(fx);
    segtex_image_free(&in);
    return rc;
}
