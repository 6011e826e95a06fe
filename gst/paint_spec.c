#include "paint_spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.';
}

/* "#rrggbb" of exactly `len` characters into rgb; 0 or -1. */
static int parse_rgb(const char *v, size_t len, uint8_t rgb[3])
{
    int d[6];
    if (len != 7 || v[0] != '#')
        return -1;
    for (int k = 0; k < 6; k++)
        if ((d[k] = hex_digit(v[1 + k])) < 0)
            return -1;
    for (int k = 0; k < 3; k++)
        rgb[k] = (uint8_t)(d[2 * k] * 16 + d[2 * k + 1]);
    return 0;
}

/* A whole decimal number lo..hi of `len` characters (digits, one '.'): 0 or -1. */
static int parse_number(const char *v, size_t len, double lo, double hi, double *out)
{
    char buf[32];
    int digits = 0, dots = 0;
    if (len == 0 || len >= sizeof buf)
        return -1;
    for (size_t k = 0; k < len; k++) {
        if (v[k] == '.')
            dots++;
        else if (v[k] >= '0' && v[k] <= '9')
            digits++;
        else
            return -1;
    }
    if (!digits || dots > 1)
        return -1;
    memcpy(buf, v, len);
    buf[len] = 0;
    double d = strtod(buf, NULL);
    if (!(d >= lo && d <= hi))
        return -1;
    *out = d;
    return 0;
}

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

/* tint=#rrggbb[:S], blur=R or image=FILE: `v` (vlen characters) starts with one of the three. */
static int parse_frame_paint(const char *cat, const char *v, size_t vlen, paint_entry *e, char *why, size_t why_size)
{
    int shown = (int)(vlen < 80 ? vlen : 80);
    if (vlen >= 5 && !memcmp(v, "tint=", 5)) {
        const char *arg = v + 5, *colon = memchr(arg, ':', vlen - 5);
        size_t clen = colon ? (size_t)(colon - arg) : vlen - 5;
        double d = 1.0;
        if (parse_rgb(arg, clen, e->rgb) || (colon && parse_number(colon + 1, vlen - 5 - clen - 1, 0, 1, &d))) {
            snprintf(why, why_size, "%s: '%.*s' is not tint=#rrggbb or tint=#rrggbb:S with S from 0 to 1", cat,
                     shown, v);
            return -1;
        }
        e->kind = PAINT_TINT;
        e->strength = (float)d;
        return 0;
    }
    if (vlen >= 5 && !memcmp(v, "blur=", 5)) {
        double d;
        size_t n = vlen - 5;
        int digits = n > 0 && n <= 3;
        for (size_t k = 0; digits && k < n; k++)
            digits = v[5 + k] >= '0' && v[5 + k] <= '9';
        if (!digits || parse_number(v + 5, n, 1, SEGTEX_BLUR_RADIUS_MAX, &d)) {
            snprintf(why, why_size, "%s: '%.*s' is not blur=R with R an integer from 1 to %d", cat, shown, v,
                     SEGTEX_BLUR_RADIUS_MAX);
            return -1;
        }
        e->kind = PAINT_BLUR;
        e->radius = (int)d;
        return 0;
    }
    /* image=FILE */
    size_t n = vlen - 6;
    if (n == 0 || n > PAINT_SPEC_MAX_PATH) {
        snprintf(why, why_size, "%s: 'image=' needs a PNG or JPEG file (1..%d characters)", cat, PAINT_SPEC_MAX_PATH);
        return -1;
    }
    e->kind = PAINT_IMAGE;
    memcpy(e->name, v + 6, n);
    e->name[n] = 0;
    return 0;
}

/* One "CAT=SPEC" of `len` characters at `s` (not NUL-terminated). */
static int parse_entry(const char *s, size_t len, paint_entry *e, char *why, size_t why_size)
{
    const char *eq = parse_category(s, len, e, why, why_size);
    if (!eq)
        return -1;
    size_t vlen = len - (size_t)(eq - s) - 1;
    char cat[32];
    snprintf(cat, sizeof cat, "%.*s", (int)(eq - s), s);
    const char *v = eq + 1;
    if ((vlen >= 5 && (!memcmp(v, "tint=", 5) || !memcmp(v, "blur=", 5))) || (vlen >= 6 && !memcmp(v, "image=", 6)))
        return parse_frame_paint(cat, v, vlen, e, why, why_size);
    if (vlen == 4 && !memcmp(v, "none", 4)) {
        e->kind = PAINT_NONE;
    } else if (vlen > 0 && v[0] == '#') {
        if (parse_rgb(v, vlen, e->rgb)) {
            snprintf(why, why_size, "%s: '%.*s' is not a #rrggbb colour", cat, (int)(vlen < 80 ? vlen : 80), v);
            return -1;
        }
        e->kind = PAINT_COLOR;
    } else {
        int ok = vlen > 0 && vlen <= PAINT_SPEC_MAX_NAME;
        for (size_t k = 0; ok && k < vlen; k++)
            ok = name_char(v[k]);
        if (!ok) {
            snprintf(why, why_size,
                     "%s: '%.*s' is not #rrggbb, none, tint=#rrggbb[:S], blur=R, image=FILE or a texture name "
                     "(1..%d of A-Z a-z 0-9 - _ .)",
                     cat, (int)(vlen < 80 ? vlen : 80), v, PAINT_SPEC_MAX_NAME);
            return -1;
        }
        e->kind = PAINT_TEXTURE;
        memcpy(e->name, v, vlen);
        e->name[vlen] = 0;
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
    e->kind = PAINT_ANCHOR;
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
        int texture = -1, picture = -1;
        if (e->kind == PAINT_TEXTURE && (texture = segtex_effect_find_texture(fx, e->name)) < 0) {
            snprintf(why, why_size, "unknown texture '%s' (see 'segtex render --list-textures', or set textures)",
                     e->name);
            return -1;
        }
        if (e->kind == PAINT_IMAGE && (picture = picture_index(fx, pics, e->name)) < 0) {
            snprintf(why, why_size, "image '%s' does not load as a PNG or JPEG picture (%s)", e->name,
                     segtex_status_string((segtex_status)picture));
            return -1;
        }
        for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
            if (!(e->categories & (1u << c)))
                continue;
            segtex_paint p = segtex_effect_get_paint(fx, c);
            if (e->kind == PAINT_ANCHOR) {
                p.anchor = (segtex_anchor)e->anchor;
            } else {
                /* As `segtex run --paint`: a paint is enabled and of kind FILL unless it says otherwise. */
                p.enabled = e->kind != PAINT_NONE;
                p.kind = SEGTEX_PAINT_FILL;
            }
            if (e->kind == PAINT_COLOR) {
                p.texture = -1;
                memcpy(p.color, e->rgb, 3);
            } else if (e->kind == PAINT_TEXTURE) {
                p.texture = texture;
            } else if (e->kind == PAINT_TINT) {
                p.kind = SEGTEX_PAINT_TINT;
                memcpy(p.color, e->rgb, 3);
                p.strength = e->strength;
            } else if (e->kind == PAINT_BLUR) {
                p.kind = SEGTEX_PAINT_BLUR;
                p.radius = e->radius;
            } else if (e->kind == PAINT_IMAGE) {
                p.kind = SEGTEX_PAINT_IMAGE;
                p.picture = picture;
            }
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
