#include "paint_spec.h"

#include <stdio.h>
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

/* One "CAT=SPEC" of `len` characters at `s` (not NUL-terminated). */
static int parse_entry(const char *s, size_t len, paint_entry *e, char *why, size_t why_size)
{
    const char *eq = memchr(s, '=', len);
    if (!eq) {
        snprintf(why, why_size, "'%.*s' is not CAT=SPEC", (int)len, s);
        return -1;
    }
    size_t nlen = (size_t)(eq - s), vlen = len - nlen - 1;
    char cat[32];
    if (nlen == 0 || nlen >= sizeof cat) {
        snprintf(why, why_size, "'%.*s': the category name is empty or too long", (int)len, s);
        return -1;
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
            return -1;
        }
        e->categories = 1u << c;
    }
    const char *v = eq + 1;
    if (vlen == 4 && !memcmp(v, "none", 4)) {
        e->kind = PAINT_NONE;
    } else if (vlen > 0 && v[0] == '#') {
        int d[6];
        int ok = vlen == 7;
        for (int k = 0; ok && k < 6; k++)
            ok = (d[k] = hex_digit(v[1 + k])) >= 0;
        if (!ok) {
            snprintf(why, why_size, "%s: '%.*s' is not a #rrggbb colour", cat, (int)vlen, v);
            return -1;
        }
        e->kind = PAINT_COLOR;
        for (int k = 0; k < 3; k++)
            e->rgb[k] = (uint8_t)(d[2 * k] * 16 + d[2 * k + 1]);
    } else {
        int ok = vlen > 0 && vlen <= PAINT_SPEC_MAX_NAME;
        for (size_t k = 0; ok && k < vlen; k++)
            ok = name_char(v[k]);
        if (!ok) {
            snprintf(why, why_size,
                     "%s: '%.*s' is not #rrggbb, none or a texture name (1..%d of A-Z a-z 0-9 - _ .)", cat,
                     (int)(vlen < 80 ? vlen : 80), v, PAINT_SPEC_MAX_NAME);
            return -1;
        }
        e->kind = PAINT_TEXTURE;
        memcpy(e->texture, v, vlen);
        e->texture[vlen] = 0;
    }
    return 0;
}

int paint_spec_parse(const char *text, paint_spec *out, char *why, size_t why_size)
{
    memset(out, 0, sizeof *out);
    if (!text)
        return 0;
    size_t len = strnlen(text, PAINT_SPEC_MAX_LENGTH + 1);
    if (len > PAINT_SPEC_MAX_LENGTH) {
        snprintf(why, why_size, "longer than %d characters", PAINT_SPEC_MAX_LENGTH);
        return -1;
    }
    paint_spec spec = {0};
    const char *s = text, *end = text + len;
    while (s < end) {
        const char *semi = memchr(s, ';', (size_t)(end - s));
        size_t n = semi ? (size_t)(semi - s) : (size_t)(end - s);
        while (n > 0 && (*s == ' ' || *s == '\t'))
            s++, n--;
        while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        if (n > 0) { /* empty entries (";;", a trailing ';') are skipped */
            if (spec.count == PAINT_SPEC_MAX_ENTRIES) {
                snprintf(why, why_size, "more than %d entries", PAINT_SPEC_MAX_ENTRIES);
                return -1;
            }
            if (parse_entry(s, n, &spec.entries[spec.count], why, why_size))
                return -1;
            spec.count++;
        }
        if (!semi)
            break;
        s = semi + 1;
    }
    *out = spec;
    return 0;
}

int paint_spec_apply(const paint_spec *spec, segtex_effect *fx, char *why, size_t why_size)
{
    for (int i = 0; i < spec->count; i++) {
        const paint_entry *e = &spec->entries[i];
        int texture = -1;
        if (e->kind == PAINT_TEXTURE && (texture = segtex_effect_find_texture(fx, e->texture)) < 0) {
            snprintf(why, why_size, "unknown texture '%s' (see 'segtex render --list-textures', or set textures)",
                     e->texture);
            return -1;
        }
        for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
            if (!(e->categories & (1u << c)))
                continue;
            segtex_paint p = segtex_effect_get_paint(fx, c);
            p.enabled = e->kind != PAINT_NONE;
            if (e->kind == PAINT_COLOR) {
                p.texture = -1;
                memcpy(p.color, e->rgb, 3);
            } else if (e->kind == PAINT_TEXTURE) {
                p.texture = texture;
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
