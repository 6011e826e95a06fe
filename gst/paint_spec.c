#include "paint_spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The "CAT" of "CAT=..." (`len` characters at s) into e->categories; the '=' or NULL after one sentence. */
static const char *parse_category(const char *s, size_t len, paint_entry *e, char *why, size_t why_size)
{
    const char *eq = memchr(s, '=', len);
    if (!eq) {
        snprintf(why, why_size, "'%.*s' is not CAT=SPEC", (int)(len < 80 ? len : 80), s);
        return NULL;
    }
    size_t nlen = (size_t)(eq - s);
    char cat[32];
    if (nlen == 0 || nlen >= sizeof cat) {
        snprintf(why, why_size, "'%.*s': the category name is empty or too long", (int)(len < 80 ? len : 80), s);
        return NULL;
    }
    memcpy(cat, s, nlen);
    cat[nlen] = 0;
    if (!strcmp(cat, "all")) {
        e->categories = (1u << SEGTEX_CATEGORY_COUNT) - 1;
    } else {
        int c = segtex_category_parse(cat);
        if (c < 0) {
            snprintf(why, why_size,
                     "unknown category '%s' (background, hair, body-skin, face-skin, clothes, others, 0..5 or all)",
                     cat);
            return NULL;
        }
        e->categories = 1u << c;
    }
    return eq;
}

/* One "CAT=SPEC" of `len` characters at `s` (not NUL-terminated). */
static int parse_entry(const char *s, size_t len, paint_entry *e, char *why, size_t why_size)
{
    const char *eq = parse_category(s, len, e, why, why_size);
    if (!eq)
        return -1;
    int clen = (int)(eq - s);
    const char *v = eq + 1;
    size_t vlen = len - (size_t)clen - 1;
    char spec_why[256];
    if (segtex_paint_spec_parse(v, vlen, &e->paint, spec_why, sizeof spec_why)) {
        snprintf(why, why_size, "%.*s: %s", clen, s, spec_why);
        return -1;
    }
    if (e->paint.kind == SEGTEX_PAINT_SPEC_TEXTURE && e->paint.is_file) {
        snprintf(why, why_size,
                 "%.*s: '%.80s' is a texture file; the element takes texture names (put the file in the `textures` "
                 "folder and give its name without the extension)",
                 clen, s, e->paint.name);
        return -1;
    }
    return 0;
}

/* One "CAT=ANCHOR" of `len` characters at `s`. */
static int parse_anchor_entry(const char *s, size_t len, paint_entry *e, char *why, size_t why_size)
{
    const char *eq = parse_category(s, len, e, why, why_size);
    if (!eq)
        return -1;
    size_t vlen = len - (size_t)(eq - s) - 1;
    char name[16];
    int a = -1;
    if (vlen < sizeof name) {
        memcpy(name, eq + 1, vlen);
        name[vlen] = 0;
        a = segtex_anchor_parse(name);
    }
    if (a < 0) {
        snprintf(why, why_size, "%.*s: '%.*s' is not screen, face, torso or mesh", (int)(eq - s), s,
                 (int)(vlen < 80 ? vlen : 80), eq + 1);
        return -1;
    }
    e->is_anchor = 1;
    e->anchor = a;
    return 0;
}

typedef int (*entry_parser)(const char *s, size_t len, paint_entry *e, char *why, size_t why_size);

/* Entries separated by any of `seps`, blanks around them trimmed, empty ones skipped. */
static int parse_list(const char *text, const char *seps, entry_parser parse, paint_spec *out, char *why,
                      size_t why_size)
{
    memset(out, 0, sizeof *out);
    if (!text)
        return 0;
    size_t len = strnlen(text, PAINT_SPEC_MAX_LENGTH + 1);
    if (len > PAINT_SPEC_MAX_LENGTH) {
        snprintf(why, why_size, "longer than %d characters", PAINT_SPEC_MAX_LENGTH);
        return -1;
    }
    paint_spec spec;
    memset(&spec, 0, sizeof spec);
    const char *s = text, *end = text + len;
    while (s < end) {
        const char *sep = s;
        while (sep < end && !strchr(seps, *sep))
            sep++;
        size_t n = (size_t)(sep - s);
        while (n > 0 && (*s == ' ' || *s == '\t'))
            s++, n--;
        while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        if (n > 0) { /* empty entries (";;", a trailing ';') are skipped */
            if (spec.count == PAINT_SPEC_MAX_ENTRIES) {
                snprintf(why, why_size, "more than %d entries", PAINT_SPEC_MAX_ENTRIES);
                return -1;
            }
            if (parse(s, n, &spec.entries[spec.count], why, why_size))
                return -1;
            spec.count++;
        }
        if (sep == end)
            break;
        s = sep + 1;
    }
    *out = spec;
    return 0;
}

int paint_spec_parse(const char *text, paint_spec *out, char *why, size_t why_size)
{
    return parse_list(text, ";", parse_entry, out, why, why_size);
}

int anchor_spec_parse(const char *text, paint_spec *out, char *why, size_t why_size)
{
    return parse_list(text, ",;", parse_anchor_entry, out, why, why_size);
}

/* The picture of `path` in fx: from pics, or loaded (and remembered when there is room). -1 when it fails. */
static int picture_index(segtex_effect *fx, paint_pictures *pics, const char *path)
{
    if (pics && pics->fx != fx)
        memset(pics, 0, sizeof *pics), pics->fx = fx;
    for (int i = 0; pics && i < pics->count; i++)
        if (!strcmp(pics->path[i], path))
            return pics->index[i];
    int idx = segtex_effect_add_picture(fx, path);
    if (idx >= 0 && pics && pics->count < PAINT_SPEC_MAX_ENTRIES) {
        snprintf(pics->path[pics->count], sizeof pics->path[0], "%s", path);
        pics->index[pics->count++] = idx;
    }
    return idx;
}

int paint_spec_apply(const paint_spec *spec, segtex_effect *fx, paint_pictures *pics, char *why, size_t why_size)
{
    for (int i = 0; i < spec->count; i++) {
        const paint_entry *e = &spec->entries[i];
        const segtex_paint_spec *ps = &e->paint;
        int texture = -1, picture = -1;
        if (!e->is_anchor && ps->kind == SEGTEX_PAINT_SPEC_TEXTURE &&
            (texture = segtex_effect_find_texture(fx, ps->name)) < 0) {
            snprintf(why, why_size, "unknown texture '%s' (see 'segtex render --list-textures', or set textures)",
                     ps->name);
            return -1;
        }
        if (!e->is_anchor && ps->kind == SEGTEX_PAINT_SPEC_IMAGE && (picture = picture_index(fx, pics, ps->name)) < 0) {
            snprintf(why, why_size, "image '%s' does not load as a PNG or JPEG picture (%s)", ps->name,
                     segtex_status_string((segtex_status)picture));
            return -1;
        }
        for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
            if (!(e->categories & (1u << c)))
                continue;
            segtex_paint p = segtex_effect_get_paint(fx, c);
            if (e->is_anchor)
                p.anchor = (segtex_anchor)e->anchor;
            else
                segtex_paint_spec_apply(ps, texture, picture, &p); /* as `segtex run --paint` */
            segtex_status st = segtex_effect_set_paint(fx, c, &p);
            if (st) {
                snprintf(why, why_size, "%s: the effect refused the paint (%s)", segtex_category_name(c),
                         segtex_status_string(st));
                return -1;
            }
        }
    }
    return 0;
}
