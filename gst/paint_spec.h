/*
 * The `paint` property of the segtex element: "CAT=SPEC[;CAT=SPEC...]".
 *
 * CAT is a category name ("background", "hair", "body-skin", "face-skin",
 * "clothes", "others", their ids 0..5, or "all"); SPEC is "#rrggbb" (a solid
 * colour), "none" (not painted) or the name of a texture of the effect
 * (built-in, or a file of the `textures` folder without its extension).
 * Entries apply left to right, so "all=none;hair=#ff0000" paints the hair only.
 *
 * Parsing is separate from applying: a string is checked once, when the
 * property is set (syntax, lengths, counts, categories, colours), and kept
 * parsed; texture names are resolved against an effect when applied.
 */
#ifndef GST_SEGTEX_PAINT_SPEC_H
#define GST_SEGTEX_PAINT_SPEC_H

#include "segtex/effect.h"

#include <stddef.h>
#include <stdint.h>

#define PAINT_SPEC_MAX_LENGTH 1024 /* characters of the whole property */
#define PAINT_SPEC_MAX_ENTRIES 16
#define PAINT_SPEC_MAX_NAME 63 /* characters of a texture name */

typedef enum paint_kind { PAINT_NONE, PAINT_COLOR, PAINT_TEXTURE } paint_kind;

typedef struct paint_entry {
    unsigned categories; /* bit c: category c */
    paint_kind kind;
    uint8_t rgb[3];
    char texture[PAINT_SPEC_MAX_NAME + 1];
} paint_entry;

typedef struct paint_spec {
    int count;
    paint_entry entries[PAINT_SPEC_MAX_ENTRIES];
} paint_spec;

/*
 * Parse `text` (NULL or "" give no entries). Returns 0, or -1 with a
 * sentence naming the bad part in `why` (`*out` then has no entries).
 * Allocates nothing.
 */
int paint_spec_parse(const char *text, paint_spec *out, char *why, size_t why_size);

/*
 * Apply every entry to `fx` through segtex_effect_set_paint. Returns 0, or
 * -1 with `why` set when a texture name is unknown or the effect refuses a
 * paint; entries before the failing one stay applied.
 */
int paint_spec_apply(const paint_spec *spec, segtex_effect *fx, char *why, size_t why_size);

#endif
