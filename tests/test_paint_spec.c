/*
 * segtex_paint_spec_parse (segtex/render.h): what each form of SPEC gives,
 * one rejection per rule with the words a user reads, no byte read past the
 * length, *out untouched on failure; segtex_paint_spec_apply.
 */
#include "harness.h"
#include "segtex/render.h"

#include <stdlib.h>
#include <string.h>

static segtex_paint_spec spec;
static char why[512];

/* Parse the whole of `text` from a heap copy of exactly its length (no NUL after it: ASan sees an overread). */
static segtex_status parse_n(const char *text, size_t n)
{
    char *copy = malloc(n ? n : 1);
    if (!copy)
        return SEGTEX_ERROR_OUT_OF_MEMORY;
    memcpy(copy, text, n);
    why[0] = 0;
    segtex_status st = segtex_paint_spec_parse(copy, n, &spec, why, sizeof why);
    free(copy);
    return st;
}

static segtex_status parse(const char *text) { return parse_n(text, strlen(text)); }

static void accepts_every_form(void)
{
    CHECK(parse("#ff8000") == SEGTEX_OK && spec.kind == SEGTEX_PAINT_SPEC_COLOR && spec.rgb[0] == 0xff &&
              spec.rgb[1] == 0x80 && spec.rgb[2] == 0 && spec.name[0] == 0,
          "#ff8000: %s", why);
    CHECK(parse("#AbCdEf") == SEGTEX_OK && spec.rgb[0] == 0xab && spec.rgb[1] == 0xcd && spec.rgb[2] == 0xef,
          "#AbCdEf: %s", why);
    CHECK(parse("none") == SEGTEX_OK && spec.kind == SEGTEX_PAINT_SPEC_NONE, "none: %s", why);
    CHECK(parse("checker") == SEGTEX_OK && spec.kind == SEGTEX_PAINT_SPEC_TEXTURE && !spec.is_file &&
              !strcmp(spec.name, "checker"),
          "checker: %s", why);
    CHECK(parse("my-tex_2.v1") == SEGTEX_OK && spec.kind == SEGTEX_PAINT_SPEC_TEXTURE && !spec.is_file,
          "a name with - _ .: %s", why);
    CHECK(parse("None") == SEGTEX_OK && spec.kind == SEGTEX_PAINT_SPEC_TEXTURE, "None is a name, not none: %s", why);
    CHECK(parse("dir/wood") == SEGTEX_OK && spec.kind == SEGTEX_PAINT_SPEC_TEXTURE && spec.is_file &&
              !strcmp(spec.name, "dir/wood"),
          "a path is a file: %s", why);
    CHECK(parse("wood.JPEG") == SEGTEX_OK && spec.is_file, "a .JPEG suffix is a file: %s", why);
    CHECK(parse("my wood.png") == SEGTEX_OK && spec.is_file && !strcmp(spec.name, "my wood.png"),
          "a file name may have blanks: %s", why);
    CHECK(parse("tint=#b03060") == SEGTEX_OK && spec.kind == SEGTEX_PAINT_SPEC_TINT && spec.rgb[0] == 0xb0 &&
              spec.strength == 1.0f,
          "tint without S is strength 1: %s", why);
    CHECK(parse("tint=#b03060:0.8") == SEGTEX_OK && spec.strength == 0.8f, "tint :0.8: %s", why);
    CHECK(parse("tint=#b03060:.5") == SEGTEX_OK && spec.strength == 0.5f, "tint :.5: %s", why);
    CHECK(parse("tint=#b03060:0") == SEGTEX_OK && spec.strength == 0.0f, "tint :0: %s", why);
    CHECK(parse("tint=#b03060:1.") == SEGTEX_OK && spec.strength == 1.0f, "tint :1.: %s", why);
    CHECK(parse("tint=#b03060:0.30000000000000") == SEGTEX_OK && spec.strength == 0.3f, "16 characters: %s", why);
    CHECK(parse("blur=1") == SEGTEX_OK && spec.kind == SEGTEX_PAINT_SPEC_BLUR && spec.radius == 1, "blur=1: %s", why);
    CHECK(parse("blur=064") == SEGTEX_OK && spec.radius == SEGTEX_BLUR_RADIUS_MAX, "blur=064: %s", why);
    CHECK(parse("image=beach.jpg") == SEGTEX_OK && spec.kind == SEGTEX_PAINT_SPEC_IMAGE &&
              !strcmp(spec.name, "beach.jpg"),
          "image=: %s", why);
    char path[SEGTEX_PAINT_SPEC_MAX_PATH + 8] = "image=";
    memset(path + 6, 'p', SEGTEX_PAINT_SPEC_MAX_PATH);
    CHECK(parse_n(path, 6 + SEGTEX_PAINT_SPEC_MAX_PATH) == SEGTEX_OK &&
              strlen(spec.name) == SEGTEX_PAINT_SPEC_MAX_PATH,
          "image= of the longest file: %s", why);
    char name[SEGTEX_PAINT_SPEC_MAX_NAME + 1];
    memset(name, 'n', sizeof name);
    CHECK(parse_n(name, SEGTEX_PAINT_SPEC_MAX_NAME) == SEGTEX_OK && strlen(spec.name) == SEGTEX_PAINT_SPEC_MAX_NAME,
          "the longest name: %s", why);
    /* A slice of a longer string: only `length` bytes count. */
    CHECK(segtex_paint_spec_parse("blur=12;hair=none", 7, &spec, why, sizeof why) == SEGTEX_OK && spec.radius == 12,
          "a slice: %s", why);
    CHECK(segtex_paint_spec_parse("none", 4, &spec, NULL, 0) == SEGTEX_OK, "no why buffer");
}

/* `text` is refused, with a sentence holding `words`, and the previous result untouched. */
static void rejects_n(const char *text, size_t n, const char *words, const char *rule)
{
    memset(&spec, 0x5a, sizeof spec);
    segtex_paint_spec before = spec;
    segtex_status st = parse_n(text, n);
    CHECK(st == SEGTEX_ERROR_MALFORMED, "%s: status %d", rule, (int)st);
    CHECK(strstr(why, words) != NULL, "%s: why is '%s', without '%s'", rule, why, words);
    CHECK(!strchr(why, '\n') && why[0] == '\'', "%s: one sentence quoting the spec: '%s'", rule, why);
    CHECK(!memcmp(&spec, &before, sizeof spec), "%s: *out changed", rule);
}

static void rejects(const char *text, const char *words, const char *rule)
{
    rejects_n(text, strlen(text), words, rule);
}

static void rejects_one_per_rule(void)
{
    rejects("", "is empty", "length 0");
    CHECK(segtex_paint_spec_parse(NULL, 0, &spec, why, sizeof why) == SEGTEX_ERROR_MALFORMED &&
              strstr(why, "is empty"),
          "NULL text: %s", why);
    rejects("#12345g", "'g' is not a hex digit", "colour: bad hex");
    rejects("#12345", "5 characters after '#', not 6", "colour: too short");
    rejects("#1234567", "7 characters after '#', not 6", "colour: too long");
    rejects("tint=", "the colour is missing", "tint: no colour");
    rejects("tint=b03060", "does not start with '#'", "tint: no '#'");
    rejects("tint=#b0306z", "'z' is not a hex digit", "tint: bad hex");
    rejects("tint=#b0306", "S from 0 to 1 (5 characters after '#', not 6)", "tint: short colour");
    rejects("tint=#b03060:", "S is empty", "tint: S empty");
    rejects("tint=#b03060:1.5", "S 1.5 is above 1", "tint: S above 1");
    rejects("tint=#b03060:1.00000000000001", "above 1", "tint: S just above 1");
    rejects("tint=#b03060:-0", "S '-0' is not a decimal number", "tint: S signed");
    rejects("tint=#b03060:5e-1", "is not a decimal number", "tint: S with an exponent");
    rejects("tint=#b03060: 0.5", "is not a decimal number", "tint: S with a blank");
    rejects("tint=#b03060:0,5", "is not a decimal number", "tint: S with a decimal comma");
    rejects("tint=#b03060:0.5.", "is not a decimal number", "tint: S with two dots");
    rejects("tint=#b03060:.", "has no digit", "tint: S a dot");
    rejects("tint=#b03060:0.5:1", "is not a decimal number", "tint: a second colon");
    rejects("tint=#b03060:0.500000000000000", "more than 16 characters", "tint: S too long");
    rejects("blur=", "R is empty", "blur: R empty");
    rejects("blur=0", "0 is below 1", "blur: R 0");
    rejects("blur=65", "65 is above 64", "blur: R 65");
    rejects("blur=3.5", "'.' is not a digit", "blur: R not an integer");
    rejects("blur=-1", "'-' is not a digit", "blur: R signed");
    rejects("blur=12 ", "' ' is not a digit", "blur: trailing blank");
    rejects("blur=0012", "more than 3 digits", "blur: R of 4 digits");
    rejects("image=", "needs a PNG or JPEG file (1..255 bytes)", "image: empty");
    char path[SEGTEX_PAINT_SPEC_MAX_PATH + 8] = "image=";
    memset(path + 6, 'p', SEGTEX_PAINT_SPEC_MAX_PATH + 1);
    rejects_n(path, 6 + SEGTEX_PAINT_SPEC_MAX_PATH + 1, "of 256 bytes, more than 255", "image: too long");
    rejects_n("image=a\nb.png", 13, "control character (byte 0x0a at byte 1)", "image: a control character");
    rejects_n("dir/a\0b", 7, "control character (byte 0x00", "texture file: a NUL inside");
    char file[SEGTEX_PAINT_SPEC_MAX_PATH + 2];
    memset(file, 'f', sizeof file);
    file[0] = '/';
    rejects_n(file, sizeof file, "a texture file of 257 bytes, more than 255", "texture file: too long");
    rejects("my tex", "' ' cannot be in a texture name", "name: a blank");
    rejects("tint:#b03060", "':' cannot be in a texture name", "name: a mistyped tint");
    rejects_n("a\x01z", 3, "byte 0x01 cannot be in a texture name", "name: a control character");
    char name[SEGTEX_PAINT_SPEC_MAX_NAME + 1];
    memset(name, 'n', sizeof name);
    rejects_n(name, sizeof name, "64 characters, more than 63", "name: too long");
    rejects("none ", "' ' cannot be in a texture name", "none: trailing garbage");
    rejects("#ff0000;", "7 characters after '#', not 6", "colour: trailing garbage");
    rejects("#ff0000 ", "7 characters after '#', not 6", "colour: a trailing blank");
    CHECK(segtex_paint_spec_parse("none", 4, NULL, why, sizeof why) == SEGTEX_ERROR_INVALID_ARGUMENT,
          "out NULL is an invalid argument");
}

static void messages_are_bounded(void)
{
    /* A long spec is quoted by its first 80 bytes, unprintable ones as '?', and a small buffer cuts the sentence. */
    char text[300];
    memset(text, 'x', sizeof text);
    text[0] = '\t';
    memcpy(text + 1, "bad", 3);
    rejects_n(text, sizeof text, "'?badxx", "a long name with a tab");
    CHECK(strstr(why, "xxx...'") && strlen(why) < 300, "quoted by 80 bytes: %s", why);
    char small[12];
    memset(small, '#', sizeof small);
    CHECK(segtex_paint_spec_parse("blur=0", 6, &spec, small, sizeof small) == SEGTEX_ERROR_MALFORMED &&
              !strcmp(small, "'blur=0' is"),
          "cut to the buffer: '%.12s'", small);
}

static void apply_makes_the_paint(void)
{
    segtex_paint p = segtex_paint_default(1);
    p.scale = 2.0f, p.opacity = 0.25f, p.offset_x = 7, p.anchor = SEGTEX_ANCHOR_TORSO;
    CHECK(parse("none") == SEGTEX_OK, "none");
    segtex_paint_spec_apply(&spec, 5, 6, &p);
    CHECK(!p.enabled && p.kind == SEGTEX_PAINT_FILL, "none: disabled FILL");
    CHECK(parse("#102030") == SEGTEX_OK, "colour");
    segtex_paint_spec_apply(&spec, 5, 6, &p);
    CHECK(p.enabled && p.kind == SEGTEX_PAINT_FILL && p.texture == -1 && p.color[0] == 0x10 && p.color[2] == 0x30,
          "colour: enabled FILL, texture -1");
    CHECK(parse("waves") == SEGTEX_OK, "texture");
    segtex_paint_spec_apply(&spec, 5, 6, &p);
    CHECK(p.enabled && p.kind == SEGTEX_PAINT_FILL && p.texture == 5 && p.color[0] == 0x10,
          "texture: the given index, its colours kept");
    CHECK(parse("tint=#ff0000:0.25") == SEGTEX_OK, "tint");
    segtex_paint_spec_apply(&spec, 5, 6, &p);
    CHECK(p.enabled && p.kind == SEGTEX_PAINT_TINT && p.color[0] == 0xff && p.color[1] == 0 && p.strength == 0.25f,
          "tint");
    CHECK(parse("blur=9") == SEGTEX_OK, "blur");
    segtex_paint_spec_apply(&spec, 5, 6, &p);
    CHECK(p.kind == SEGTEX_PAINT_BLUR && p.radius == 9, "blur");
    CHECK(parse("image=a.png") == SEGTEX_OK, "image");
    segtex_paint_spec_apply(&spec, 5, 6, &p);
    CHECK(p.kind == SEGTEX_PAINT_IMAGE && p.picture == 6, "image: the given picture");
    CHECK(p.scale == 2.0f && p.opacity == 0.25f && p.offset_x == 7 && p.anchor == SEGTEX_ANCHOR_TORSO,
          "scale, opacity, offset and anchor stay");
}

int main(void)
{
    RUN(accepts_every_form);
    RUN(rejects_one_per_rule);
    RUN(messages_are_bounded);
    RUN(apply_makes_the_paint);
    return test_summary();
}
