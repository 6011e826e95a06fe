/*
 * The text of one paint (segtex_paint_spec_parse), the one grammar behind
 * `--paint`, the config file's `paint` and the GStreamer element's `paint`.
 *
 * What must stay true: every read is of a byte below `length` (the text is
 * a slice of a longer string, or of fuzzer input, with no NUL after it);
 * every value is bounded before it is converted (S by its 16 characters, R
 * by its 3 digits, names and files by their maxima), so no conversion can
 * overflow; numbers are read here, not by strtod, so a locale's decimal
 * comma cannot change what "0.5" means inside a GStreamer application.
 */
#include "segtex/render.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define STRENGTH_MAX_CHARS 16
#define RADIUS_MAX_DIGITS 3
#define QUOTE_MAX 80 /* bytes of the spec quoted in a message */

/* Everything a SPEC may be, for the messages that cannot tell which one was meant. */
#define GRAMMAR "#rrggbb, none, tint=#rrggbb[:S], blur=R, image=FILE, a texture name or a PNG/JPEG texture file"
#define NAME_RULE "1..63 of A-Z a-z 0-9 - _ ."
_Static_assert(SEGTEX_PAINT_SPEC_MAX_NAME == 63, "NAME_RULE states the longest name");
#define TINT_RULE "is not tint=#rrggbb or tint=#rrggbb:S with S from 0 to 1"
#define BLUR_RULE "is not blur=R with R an integer from 1 to"

/* The parse in progress: the whole spec (for quoting) and where the sentence goes. */
typedef struct parse {
    const char *text;
    size_t length;
    char *why;
    size_t why_size;
} parse;

/* `n` bytes at `s` as printable ASCII ('?' for the rest) into out (QUOTE_MAX + 4 bytes), "..." when cut. */
static void quote(const char *s, size_t n, char out[QUOTE_MAX + 4])
{
    size_t k = 0;
    for (; k < n && k < QUOTE_MAX; k++)
        out[k] = s[k] >= 0x20 && s[k] < 0x7f ? s[k] : '?';
    if (n > QUOTE_MAX)
        memcpy(out + k, "...", 3), k += 3;
    out[k] = 0;
}

/* One byte for a message: "'g'", or "byte 0x0a" when it is not printable. */
static void show_byte(char c, char out[16])
{
    unsigned char u = (unsigned char)c;
    if (u >= 0x20 && u < 0x7f)
        snprintf(out, 16, "'%c'", c);
    else
        snprintf(out, 16, "byte 0x%02x", u);
}

/* "'SPEC' " followed by the formatted rest, into why; returns SEGTEX_ERROR_MALFORMED. */
__attribute__((format(printf, 2, 3))) static segtex_status fail(const parse *p, const char *fmt, ...)
{
    if (p->why && p->why_size) {
        char q[QUOTE_MAX + 4];
        quote(p->text, p->length, q);
        int n = snprintf(p->why, p->why_size, "'%s' ", q);
        if (n >= 0 && (size_t)n < p->why_size) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(p->why + n, p->why_size - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return SEGTEX_ERROR_MALFORMED;
}

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

static int has_prefix(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && !memcmp(s, prefix, k);
}

/* Whether the n bytes at s end with `suffix` (lower case), in any case. */
static int has_suffix_nocase(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    if (n < k)
        return 0;
    for (size_t i = 0; i < k; i++) {
        char c = s[n - k + i];
        if ((c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c) != suffix[i])
            return 0;
    }
    return 1;
}

/*
 * "#rrggbb" of exactly n bytes into rgb. 0, or -1 with a clause saying what
 * is wrong ("'g' is not a hex digit") in problem (64 bytes).
 */
static int parse_rgb(const char *s, size_t n, uint8_t rgb[3], char problem[64])
{
    if (n == 0) {
        snprintf(problem, 64, "the colour is missing");
        return -1;
    }
    if (s[0] != '#') {
        snprintf(problem, 64, "the colour does not start with '#'");
        return -1;
    }
    if (n != 7) {
        snprintf(problem, 64, "%zu characters after '#', not 6", n - 1);
        return -1;
    }
    int d[6];
    for (int k = 0; k < 6; k++) {
        if ((d[k] = hex_digit(s[1 + k])) < 0) {
            char b[16];
            show_byte(s[1 + k], b);
            snprintf(problem, 64, "%s is not a hex digit", b);
            return -1;
        }
    }
    for (int k = 0; k < 3; k++)
        rgb[k] = (uint8_t)(d[2 * k] * 16 + d[2 * k + 1]);
    return 0;
}

/* tint=#rrggbb[:S]: the n bytes at s start with "tint=". */
static segtex_status parse_tint(const parse *p, const char *s, size_t n, segtex_paint_spec *out)
{
    const char *arg = s + 5;
    size_t alen = n - 5;
    const char *colon = memchr(arg, ':', alen);
    size_t clen = colon ? (size_t)(colon - arg) : alen;
    char problem[64];
    if (parse_rgb(arg, clen, out->rgb, problem))
        return fail(p, TINT_RULE " (%s)", problem);
    out->kind = SEGTEX_PAINT_SPEC_TINT;
    out->strength = 1.0f;
    if (!colon)
        return SEGTEX_OK;
    const char *v = colon + 1;
    size_t vlen = alen - clen - 1;
    if (vlen == 0)
        return fail(p, TINT_RULE " (S is empty)");
    if (vlen > STRENGTH_MAX_CHARS)
        return fail(p, TINT_RULE " (S has more than %d characters)", STRENGTH_MAX_CHARS);
    /* Digits with at most one '.': m / 10^frac, with m < 10^16 (no overflow) and 10^frac <= 10^15 (exact). */
    uint64_t m = 0;
    int digits = 0, dots = 0, frac = 0;
    for (size_t k = 0; k < vlen; k++) {
        if (v[k] == '.' && !dots) {
            dots = 1;
        } else if (v[k] >= '0' && v[k] <= '9') {
            m = m * 10 + (uint64_t)(v[k] - '0');
            digits++;
            frac += dots;
        } else {
            char q[QUOTE_MAX + 4];
            quote(v, vlen, q);
            return fail(p, TINT_RULE " (S '%s' is not a decimal number)", q);
        }
    }
    if (!digits)
        return fail(p, TINT_RULE " (S '%.*s' has no digit)", (int)vlen, v);
    double scale = 1.0;
    for (int k = 0; k < frac; k++)
        scale *= 10.0;
    double d = (double)m / scale;
    if (d > 1.0)
        return fail(p, TINT_RULE " (S %.*s is above 1)", (int)vlen, v);
    out->strength = (float)d;
    return SEGTEX_OK;
}

/* blur=R: the n bytes at s start with "blur=". */
static segtex_status parse_blur(const parse *p, const char *s, size_t n, segtex_paint_spec *out)
{
    const char *v = s + 5;
    size_t vlen = n - 5;
    if (vlen == 0)
        return fail(p, BLUR_RULE " %d (R is empty)", SEGTEX_BLUR_RADIUS_MAX);
    for (size_t k = 0; k < vlen; k++) {
        if (v[k] < '0' || v[k] > '9') {
            char b[16];
            show_byte(v[k], b);
            return fail(p, BLUR_RULE " %d (%s is not a digit)", SEGTEX_BLUR_RADIUS_MAX, b);
        }
    }
    if (vlen > RADIUS_MAX_DIGITS)
        return fail(p, BLUR_RULE " %d (R has more than %d digits)", SEGTEX_BLUR_RADIUS_MAX, RADIUS_MAX_DIGITS);
    int r = 0;
    for (size_t k = 0; k < vlen; k++)
        r = r * 10 + (v[k] - '0');
    if (r < 1)
        return fail(p, BLUR_RULE " %d (%d is below 1)", SEGTEX_BLUR_RADIUS_MAX, r);
    if (r > SEGTEX_BLUR_RADIUS_MAX)
        return fail(p, BLUR_RULE " %d (%d is above %d)", SEGTEX_BLUR_RADIUS_MAX, r, SEGTEX_BLUR_RADIUS_MAX);
    out->kind = SEGTEX_PAINT_SPEC_BLUR;
    out->radius = r;
    return SEGTEX_OK;
}

/* A file name of n bytes at s into out->name; `what` names it for the messages. */
static segtex_status take_file(const parse *p, const char *s, size_t n, const char *what, segtex_paint_spec *out)
{
    if (n > SEGTEX_PAINT_SPEC_MAX_PATH)
        return fail(p, "names %s of %zu bytes, more than %d", what, n, SEGTEX_PAINT_SPEC_MAX_PATH);
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)s[k];
        if (c < 0x20 || c == 0x7f) {
            char b[16];
            show_byte(s[k], b);
            return fail(p, "names %s with a control character (%s at byte %zu)", what, b, k);
        }
    }
    memcpy(out->name, s, n);
    out->name[n] = 0;
    return SEGTEX_OK;
}

static int name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.';
}

segtex_status segtex_paint_spec_parse(const char *text, size_t length, segtex_paint_spec *out, char *why,
                                      size_t why_size)
{
    if (!text)
        length = 0;
    parse p = {text ? text : "", length, why, why_size};
    if (why && why_size)
        why[0] = 0;
    if (!out) {
        if (why && why_size)
            snprintf(why, why_size, "no place for the parsed paint (out is NULL)");
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    }
    const char *s = p.text;
    size_t n = length;
    segtex_paint_spec r;
    memset(&r, 0, sizeof r);
    segtex_status st = SEGTEX_OK;
    char problem[64];
    if (n == 0) {
        st = fail(&p, "is empty: a paint is " GRAMMAR);
    } else if (has_prefix(s, n, "tint=")) {
        st = parse_tint(&p, s, n, &r);
    } else if (has_prefix(s, n, "blur=")) {
        st = parse_blur(&p, s, n, &r);
    } else if (has_prefix(s, n, "image=")) {
        if (n == 6)
            st = fail(&p, "needs a PNG or JPEG file (1..%d bytes)", SEGTEX_PAINT_SPEC_MAX_PATH);
        else if ((st = take_file(&p, s + 6, n - 6, "a PNG or JPEG file", &r)) == SEGTEX_OK)
            r.kind = SEGTEX_PAINT_SPEC_IMAGE;
    } else if (n == 4 && !memcmp(s, "none", 4)) {
        r.kind = SEGTEX_PAINT_SPEC_NONE;
    } else if (s[0] == '#') {
        if (parse_rgb(s, n, r.rgb, problem))
            st = fail(&p, "is not a #rrggbb colour (%s)", problem);
        else
            r.kind = SEGTEX_PAINT_SPEC_COLOR;
    } else if (memchr(s, '/', n) || has_suffix_nocase(s, n, ".png") || has_suffix_nocase(s, n, ".jpg") ||
               has_suffix_nocase(s, n, ".jpeg")) {
        if ((st = take_file(&p, s, n, "a texture file", &r)) == SEGTEX_OK)
            r.kind = SEGTEX_PAINT_SPEC_TEXTURE, r.is_file = 1;
    } else {
        for (size_t k = 0; k < n && st == SEGTEX_OK; k++) {
            if (!name_char(s[k])) {
                char b[16];
                show_byte(s[k], b);
                st = fail(&p, "is not " GRAMMAR " (%s cannot be in a texture name: " NAME_RULE ")", b);
            }
        }
        if (st == SEGTEX_OK && n > SEGTEX_PAINT_SPEC_MAX_NAME)
            st = fail(&p, "is not a texture name: %zu characters, more than %d (a name is " NAME_RULE ")", n,
                      SEGTEX_PAINT_SPEC_MAX_NAME);
        if (st == SEGTEX_OK) {
            memcpy(r.name, s, n);
            r.name[n] = 0;
            r.kind = SEGTEX_PAINT_SPEC_TEXTURE;
        }
    }
    if (st == SEGTEX_OK)
        *out = r;
    return st;
}

void segtex_paint_spec_apply(const segtex_paint_spec *spec, int texture, int picture, segtex_paint *paint)
{
    paint->enabled = spec->kind != SEGTEX_PAINT_SPEC_NONE;
    paint->kind = SEGTEX_PAINT_FILL;
    switch (spec->kind) {
    case SEGTEX_PAINT_SPEC_COLOR:
        paint->texture = -1;
        memcpy(paint->color, spec->rgb, 3);
        break;
    case SEGTEX_PAINT_SPEC_TEXTURE:
        paint->texture = texture;
        break;
    case SEGTEX_PAINT_SPEC_TINT:
        paint->kind = SEGTEX_PAINT_TINT;
        memcpy(paint->color, spec->rgb, 3);
        paint->strength = spec->strength;
        break;
    case SEGTEX_PAINT_SPEC_BLUR:
        paint->kind = SEGTEX_PAINT_BLUR;
        paint->radius = spec->radius;
        break;
    case SEGTEX_PAINT_SPEC_IMAGE:
        paint->kind = SEGTEX_PAINT_IMAGE;
        paint->picture = picture;
        break;
    default:
        break;
    }
}
