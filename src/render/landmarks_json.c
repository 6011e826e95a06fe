/*
 * A small, bounds-checked reader for the landmarks JSON that `segtex face`
 * prints. It reads outside data: every read checks the end pointer, nesting
 * is bounded, numbers are parsed from a bounded copy, and nothing is
 * allocated. The first error is logged with its byte offset.
 */
#include "core/log.h"
#include "segtex/render.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 32
#define MAX_ABS 1.0e6

typedef struct parser {
    const char *begin, *p, *end;
    const char *name;
    int failed;
} parser;

static int fail(parser *ps, const char *what)
{
    if (!ps->failed)
        LOG_ERROR("landmarks '%s': byte %td: %s", ps->name, ps->p - ps->begin, what);
    ps->failed = 1;
    return 0;
}

static void skip_ws(parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static int peek(parser *ps)
{
    skip_ws(ps);
    return ps->p < ps->end ? (unsigned char)*ps->p : -1;
}

static int expect(parser *ps, char c)
{
    if (peek(ps) != (unsigned char)c) {
        char msg[48];
        snprintf(msg, sizeof msg, ps->p < ps->end ? "expected '%c'" : "expected '%c', found the end", c);
        return fail(ps, msg);
    }
    ps->p++;
    return 1;
}

static int is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

/* A string; its bytes (escapes kept verbatim, enough to compare ASCII keys) go to buf when given. */
static int parse_string(parser *ps, char *buf, size_t cap)
{
    if (!expect(ps, '"'))
        return 0;
    size_t n = 0;
    while (ps->p < ps->end && *ps->p != '"') {
        unsigned char c = (unsigned char)*ps->p;
        if (c < 0x20)
            return fail(ps, "control character in a string");
        if (c == '\\') {
            if (ps->end - ps->p < 2)
                break;
            char e = ps->p[1];
            if (e == 'u') {
                if (ps->end - ps->p < 6 || !is_hex(ps->p[2]) || !is_hex(ps->p[3]) || !is_hex(ps->p[4]) ||
                    !is_hex(ps->p[5]))
                    return fail(ps, "bad \\u escape");
                ps->p += 6;
            } else if (strchr("\"\\/bfnrt", e) && e) {
                ps->p += 2;
            } else {
                return fail(ps, "bad escape in a string");
            }
            if (buf && n + 1 < cap)
                buf[n++] = '?'; /* no key we look for contains an escape */
            continue;
        }
        if (buf && n + 1 < cap)
            buf[n++] = (char)c;
        ps->p++;
    }
    if (ps->p >= ps->end)
        return fail(ps, "unterminated string");
    ps->p++;
    if (buf)
        buf[n < cap ? n : cap - 1] = 0;
    return 1;
}

/* A JSON number, strictly by the grammar, read through a bounded copy. */
static int parse_number(parser *ps, double *out)
{
    skip_ws(ps);
    const char *s = ps->p, *q = s;
    if (q < ps->end && *q == '-')
        q++;
    if (q >= ps->end || !(*q >= '0' && *q <= '9'))
        return fail(ps, "expected a number");
    if (*q == '0')
        q++;
    else
        while (q < ps->end && *q >= '0' && *q <= '9')
            q++;
    if (q < ps->end && *q == '.') {
        q++;
        if (q >= ps->end || !(*q >= '0' && *q <= '9'))
            return fail(ps, "expected digits after '.'");
        while (q < ps->end && *q >= '0' && *q <= '9')
            q++;
    }
    if (q < ps->end && (*q == 'e' || *q == 'E')) {
        q++;
        if (q < ps->end && (*q == '+' || *q == '-'))
            q++;
        if (q >= ps->end || !(*q >= '0' && *q <= '9'))
            return fail(ps, "expected digits in an exponent");
        while (q < ps->end && *q >= '0' && *q <= '9')
            q++;
    }
    char tmp[64];
    if (q - s >= (ptrdiff_t)sizeof tmp)
        return fail(ps, "number too long");
    memcpy(tmp, s, (size_t)(q - s));
    tmp[q - s] = 0;
    double v = strtod(tmp, NULL);
    if (!isfinite(v) || fabs(v) > MAX_ABS)
        return fail(ps, "number out of range (|v| > 1e6)");
    ps->p = q;
    *out = v;
    return 1;
}

static int skip_value(parser *ps, int depth);

static int skip_container(parser *ps, int depth, char open, char close)
{
    if (depth >= MAX_DEPTH)
        return fail(ps, "nested deeper than 32 levels");
    if (!expect(ps, open))
        return 0;
    if (peek(ps) == (unsigned char)close) {
        ps->p++;
        return 1;
    }
    for (;;) {
        if (open == '{') {
            if (!parse_string(ps, NULL, 0) || !expect(ps, ':'))
                return 0;
        }
        if (!skip_value(ps, depth + 1))
            return 0;
        int c = peek(ps);
        if (c == ',') {
            ps->p++;
            continue;
        }
        if (c == (unsigned char)close) {
            ps->p++;
            return 1;
        }
        return fail(ps, open == '{' ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static int skip_literal(parser *ps, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n))
        return fail(ps, "unexpected character");
    ps->p += n;
    return 1;
}

static int skip_value(parser *ps, int depth)
{
    double v;
    switch (peek(ps)) {
    case '{': return skip_container(ps, depth, '{', '}');
    case '[': return skip_container(ps, depth, '[', ']');
    case '"': return parse_string(ps, NULL, 0);
    case 't': return skip_literal(ps, "true");
    case 'f': return skip_literal(ps, "false");
    case 'n': return skip_literal(ps, "null");
    case -1: return fail(ps, "unexpected end");
    default: return parse_number(ps, &v);
    }
}

/* Iterate an object: calls member(ps, key, ctx, depth) positioned at each value. */
typedef int (*member_fn)(parser *ps, const char *key, void *ctx, int depth);

static int parse_object(parser *ps, int depth, member_fn member, void *ctx)
{
    if (depth >= MAX_DEPTH)
        return fail(ps, "nested deeper than 32 levels");
    if (!expect(ps, '{'))
        return 0;
    if (peek(ps) == '}') {
        ps->p++;
        return 1;
    }
    for (;;) {
        char key[32];
        if (!parse_string(ps, key, sizeof key) || !expect(ps, ':'))
            return 0;
        if (!member(ps, key, ctx, depth + 1))
            return 0;
        int c = peek(ps);
        if (c == ',') {
            ps->p++;
            continue;
        }
        if (c == '}') {
            ps->p++;
            return 1;
        }
        return fail(ps, "expected ',' or '}'");
    }
}

/* Iterate an array: calls element(ps, index, ctx, depth) positioned at each element. */
typedef int (*element_fn)(parser *ps, int index, void *ctx, int depth);

static int parse_array(parser *ps, int depth, element_fn element, void *ctx)
{
    if (depth >= MAX_DEPTH)
        return fail(ps, "nested deeper than 32 levels");
    if (peek(ps) != '[')
        return fail(ps, "expected an array");
    ps->p++;
    if (peek(ps) == ']') {
        ps->p++;
        return 1;
    }
    for (int i = 0;; i++) {
        if (!element(ps, i, ctx, depth + 1))
            return 0;
        int c = peek(ps);
        if (c == ',') {
            ps->p++;
            continue;
        }
        if (c == ']') {
            ps->p++;
            return 1;
        }
        return fail(ps, "expected ',' or ']'");
    }
}

typedef struct box_ctx {
    float v[4];
    int seen;
} box_ctx;

static int box_member(parser *ps, const char *key, void *ctx, int depth)
{
    box_ctx *b = ctx;
    static const char *const names[2][4] = {{"xmin", "ymin", "width", "height"}, {"x", "y", "w", "h"}};
    for (int k = 0; k < 4; k++) {
        if (!strcmp(key, names[0][k]) || !strcmp(key, names[1][k])) {
            double v;
            if (!parse_number(ps, &v))
                return 0;
            b->v[k] = (float)v;
            b->seen |= 1 << k;
            return 1;
        }
    }
    return skip_value(ps, depth);
}

typedef struct point_ctx {
    float v[3];
    int n;
} point_ctx;

static int point_element(parser *ps, int index, void *ctx, int depth)
{
    (void)depth;
    point_ctx *pc = ctx;
    if (index >= 3)
        return fail(ps, "a landmark has more than 3 numbers");
    double v;
    if (!parse_number(ps, &v))
        return 0;
    pc->v[index] = (float)v;
    pc->n = index + 1;
    return 1;
}

static int landmark_element(parser *ps, int index, void *ctx, int depth)
{
    segtex_face *f = ctx;
    if (index >= SEGTEX_FACE_LANDMARK_COUNT)
        return fail(ps, "more than 478 landmarks");
    if (peek(ps) != '[')
        return fail(ps, "a landmark must be an array [x, y] or [x, y, z]");
    point_ctx pc = {{0, 0, 0}, 0};
    if (!parse_array(ps, depth, point_element, &pc))
        return 0;
    if (pc.n < 2)
        return fail(ps, "a landmark has fewer than 2 numbers");
    memcpy(f->landmarks[index], pc.v, sizeof pc.v);
    f->landmark_count = index + 1;
    return 1;
}

static int face_member(parser *ps, const char *key, void *ctx, int depth)
{
    segtex_face *f = ctx;
    double v;
    if (!strcmp(key, "score") || !strcmp(key, "presence")) {
        if (!parse_number(ps, &v))
            return 0;
        *(key[0] == 's' ? &f->score : &f->presence) = (float)v;
        return 1;
    }
    if (!strcmp(key, "box")) {
        if (peek(ps) != '{')
            return fail(ps, "\"box\" must be an object");
        box_ctx b = {{0}, 0};
        if (!parse_object(ps, depth, box_member, &b))
            return 0;
        if (b.seen != 15)
            return fail(ps, "\"box\" needs xmin, ymin, width and height");
        memcpy(f->box, b.v, sizeof b.v);
        f->has_box = 1;
        return 1;
    }
    if (!strcmp(key, "landmarks")) {
        f->landmark_count = 0;
        return parse_array(ps, depth, landmark_element, f);
    }
    return skip_value(ps, depth);
}

static int face_element(parser *ps, int index, void *ctx, int depth)
{
    segtex_faces *out = ctx;
    if (index >= SEGTEX_MAX_FACES)
        return fail(ps, "more than 8 faces");
    if (peek(ps) != '{')
        return fail(ps, "a face must be an object");
    segtex_face *f = &out->faces[index];
    memset(f, 0, sizeof *f);
    if (!parse_object(ps, depth, face_member, f))
        return 0;
    out->count = index + 1;
    return 1;
}

typedef struct top_ctx {
    segtex_faces *out;
    int have_faces;
} top_ctx;

static int top_member(parser *ps, const char *key, void *ctx, int depth)
{
    top_ctx *t = ctx;
    if (!strcmp(key, "width") || !strcmp(key, "height")) {
        double v;
        if (!parse_number(ps, &v))
            return 0;
        if (v != floor(v) || v < 1 || v > 65535)
            return fail(ps, "width and height must be integers in 1..65535");
        *(key[0] == 'w' ? &t->out->width : &t->out->height) = (int)v;
        return 1;
    }
    if (!strcmp(key, "faces")) {
        if (peek(ps) != '[')
            return fail(ps, "\"faces\" must be an array");
        t->have_faces = 1;
        t->out->count = 0;
        return parse_array(ps, depth, face_element, t->out);
    }
    return skip_value(ps, depth);
}

segtex_status segtex_faces_parse_json(const char *text, size_t size, const char *name, segtex_faces *out)
{
    if (!out)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    memset(out, 0, sizeof *out);
    if (!text && size)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    parser ps = {text, text, text + size, name ? name : "(memory)", 0};
    top_ctx t = {out, 0};
    int ok = 1;
    if (peek(&ps) != '{')
        ok = fail(&ps, "expected a JSON object");
    ok = ok && parse_object(&ps, 0, top_member, &t);
    if (ok && !t.have_faces)
        ok = fail(&ps, "no \"faces\" array");
    if (ok && peek(&ps) != -1)
        ok = fail(&ps, "unexpected data after the object");
    if (!ok) {
        memset(out, 0, sizeof *out);
        return SEGTEX_ERROR_MALFORMED;
    }
    return SEGTEX_OK;
}

segtex_status segtex_faces_load_json(const char *path, segtex_faces *out)
{
    if (!path || !out)
        return SEGTEX_ERROR_INVALID_ARGUMENT;
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) {
        LOG_ERROR("landmarks '%s': cannot open the file", path);
        return SEGTEX_ERROR_IO;
    }
    const size_t max = 16u << 20;
    char *buf = segtex_malloc(max + 1);
    if (!buf) {
        fclose(f);
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    }
    size_t n = fread(buf, 1, max + 1, f);
    int err = ferror(f);
    fclose(f);
    segtex_status st;
    if (err) {
        LOG_ERROR("landmarks '%s': read error", path);
        st = SEGTEX_ERROR_IO;
    } else if (n > max) {
        LOG_ERROR("landmarks '%s': larger than 16 MB", path);
        st = SEGTEX_ERROR_MALFORMED;
    } else {
        st = segtex_faces_parse_json(buf, n, path, out);
    }
    segtex_free(buf);
    return st;
}

segtex_landmarks segtex_faces_view(const segtex_faces *faces, int index)
{
    segtex_landmarks lm = {0};
    if (!faces || index < 0 || index >= faces->count)
        return lm;
    const segtex_face *f = &faces->faces[index];
    lm.count = f->landmark_count;
    lm.xyz = (const float(*)[3])f->landmarks;
    lm.has_box = f->has_box;
    memcpy(lm.box, f->box, sizeof lm.box);
    return lm;
}
