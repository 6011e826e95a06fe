/*
 * libFuzzer target: the GStreamer element's `paint` and `anchor` strings
 * (gst/paint_spec.c). The input's first byte picks the parser; the rest is
 * the string. Every input must parse into entries that keep the header's
 * promises, or be rejected with a sentence, never crash. (Applying is not
 * fuzzed: it would load whatever file an image= entry names.)
 */
#include "paint_spec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char text[PAINT_SPEC_MAX_LENGTH + 64];
    static paint_spec spec;
    if (size < 1 || size - 1 >= sizeof text)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = 0;
    char why[256];
    why[0] = 0;
    int rc = data[0] & 1 ? anchor_spec_parse(text, &spec, why, sizeof why) : paint_spec_parse(text, &spec, why, sizeof why);
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
        if (memchr(e->name, 0, sizeof e->name) == NULL)
            abort();
        if (e->kind == PAINT_TINT && !(e->strength >= 0 && e->strength <= 1))
            abort();
        if (e->kind == PAINT_BLUR && (e->radius < 1 || e->radius > SEGTEX_BLUR_RADIUS_MAX))
            abort();
        if (e->kind == PAINT_ANCHOR && (e->anchor < 0 || e->anchor >= SEGTEX_ANCHOR_COUNT))
            abort();
        if ((e->kind == PAINT_ANCHOR) != ((data[0] & 1) != 0))
            abort();
    }
    return 0;
}
