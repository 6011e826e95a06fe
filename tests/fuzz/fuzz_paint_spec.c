/*
 * libFuzzer target: the paint grammar. The input's first byte picks the
 * parser: 0 the GStreamer element's `paint` list and 1 its `anchor` list
 * (gst/paint_spec.c, on top of the library's parser), 2 one SPEC through
 * segtex_paint_spec_parse itself, given the rest of the input as a slice with
 * no NUL after it (so ASan sees any read past the length). Every input must
 * parse into a result that keeps the headers' promises, or be rejected with a
 * sentence, never crash. (Applying is not fuzzed: it would load whatever file
 * an image= entry names.)
 */
#include "paint_spec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The promises of a parsed segtex_paint_spec (segtex/render.h). */
static void check_spec(const segtex_paint_spec *p)
{
    if ((unsigned)p->kind >= SEGTEX_PAINT_SPEC_KIND_COUNT)
        abort();
    size_t n = strnlen(p->name, sizeof p->name);
    if (n == sizeof p->name)
        abort(); /* not NUL-terminated */
    int named = p->kind == SEGTEX_PAINT_SPEC_TEXTURE || p->kind == SEGTEX_PAINT_SPEC_IMAGE;
    if (named != (n > 0))
        abort();
    if (p->is_file && p->kind != SEGTEX_PAINT_SPEC_TEXTURE)
        abort();
    if (p->kind == SEGTEX_PAINT_SPEC_TEXTURE && !p->is_file && n > SEGTEX_PAINT_SPEC_MAX_NAME)
        abort();
    for (size_t k = 0; k < n; k++)
        if ((unsigned char)p->name[k] < 0x20 || p->name[k] == 0x7f)
            abort();
    if (p->kind == SEGTEX_PAINT_SPEC_TINT && !(p->strength >= 0 && p->strength <= 1))
        abort();
    if (p->kind == SEGTEX_PAINT_SPEC_BLUR && (p->radius < 1 || p->radius > SEGTEX_BLUR_RADIUS_MAX))
        abort();
}

static int one_spec(const uint8_t *data, size_t size)
{
    static segtex_paint_spec out;
    char why[256];
    why[0] = 0;
    memset(&out, 0xa5, sizeof out);
    segtex_paint_spec before = out;
    if (segtex_paint_spec_parse((const char *)data, size, &out, why, sizeof why)) {
        if (!why[0] || memchr(why, '\n', strlen(why)) || memcmp(&out, &before, sizeof out))
            abort(); /* a rejection is one sentence and leaves *out alone */
        return 0;
    }
    check_spec(&out);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char text[PAINT_SPEC_MAX_LENGTH + 64];
    static paint_spec spec;
    if (size < 1)
        return 0;
    int which = data[0] % 3;
    if (which == 2)
        return one_spec(data + 1, size - 1);
    if (size - 1 >= sizeof text)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = 0;
    char why[PAINT_SPEC_WHY_SIZE];
    why[0] = 0;
    int rc = which ? anchor_spec_parse(text, &spec, why, sizeof why) : paint_spec_parse(text, &spec, why, sizeof why);
    if (rc) {
        if (!why[0] || spec.count != 0)
            abort(); /* a rejection says why and leaves no entries */
        return 0;
    }
    if (spec.count < 0 || spec.count > PAINT_SPEC_MAX_ENTRIES)
        abort();
    for (int i = 0; i < spec.count; i++) {
        const paint_entry *e = &spec.entries[i];
        if (!e->categories || e->categories >= 1u << SEGTEX_CATEGORY_COUNT)
            abort();
        if (e->is_anchor != (which == 1))
            abort();
        if (e->is_anchor && (e->anchor < 0 || e->anchor >= SEGTEX_ANCHOR_COUNT))
            abort();
        if (!e->is_anchor) {
            check_spec(&e->paint);
            if (e->paint.is_file)
                abort(); /* the element takes texture names only */
        }
    }
    return 0;
}
