/*
 * The `paint` property of the segtex element: "CAT=SPEC[;CAT=SPEC...]".
 *
 * CAT is a category name ("background", "hair", "body-skin", "face-skin",
 * "clothes", "others", their ids 0..5, or "all"); SPEC is what
 * segtex_paint_spec_parse (segtex/render.h) reads, the grammar of
 * `segtex run --paint`, except a texture file: the element takes textures by
 * name (built-in, or a file of the `textures` folder without its extension).
 * Entries apply left to right, so "all=none;hair=#ff0000" paints the hair only.
 *
 * Parsing is separate from applying: a string is checked once, when the
 * property is set (syntax, lengths, counts, categories, colours), and kept
 * parsed; texture names are resolved, and pictures loaded, against an
 * effect when applied.
 */
#ifndef GST_SEGTEX_PAINT_SPEC_H
#define GST_SEGTEX_PAINT_SPEC_H

#include "segtex/effect.h"
#include "segtex/render.h"

#include <stddef.h>
#include <stdint.h>

#define PAINT_SPEC_MAX_LENGTH 1024 /* characters of the whole property */
#define PAINT_SPEC_MAX_ENTRIES 16
#define PAINT_SPEC_WHY_SIZE 400 /* bytes that hold any sentence of the parsers */

typedef struct paint_entry {
    unsigned categories;     /* bit c: category c */
    int is_anchor;           /* 1: an entry of the `anchor` property, only the anchor changes */
    int anchor;              /* is_anchor: a segtex_anchor */
    segtex_paint_spec paint; /* otherwise: the paint (never a texture file) */
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

/* The same for the `anchor` property (entries with is_anchor set). */
int anchor_spec_parse(const char *text, paint_spec *out, char *why, size_t why_size);

/*
 * The pictures loaded into one effect, by file, so that applying the same
 * image= again (a mode or seed change) does not load it again. Zero it
 * for a new effect; it follows one effect at a time.
 */
typedef struct paint_pictures {
    const segtex_effect *fx; /* the effect the indices belong to; NULL: none */
    int count;
    int index[PAINT_SPEC_MAX_ENTRIES];
    char path[PAINT_SPEC_MAX_ENTRIES][SEGTEX_PAINT_SPEC_MAX_PATH + 1];
} paint_pictures;

/*
 * Apply every entry to `fx` through segtex_effect_set_paint, loading the
 * pictures of image= entries (segtex_effect_add_picture, allocates) unless
 * `pics` has them. Returns 0, or -1 with `why` set when a texture name is
 * unknown, a picture does not load or the effect refuses a paint; entries
 * before the failing one stay applied.
 */
int paint_spec_apply(const paint_spec *spec, segtex_effect *fx, paint_pictures *pics, char *why, size_t why_size);

#endif
