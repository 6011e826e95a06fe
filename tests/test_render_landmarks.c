/* Landmark drawing (dots at the right pixels, contours, box) and the landmarks JSON reader. */
#include "harness.h"
#include "segtex/json.h"
#include "segtex/render.h"

#include <stdlib.h>
#include <string.h>

/* One face of `count` points (clamped by the renderer) with a box (NULL: none), in static storage. */
static const segtex_face_result *one_face(const float (*xyz)[3], int count, const float *box)
{
    static segtex_face_result r[4];
    static int next;
    segtex_face_result *f = &r[next++ % 4];
    memset(f, 0, sizeof *f);
    f->count = 1;
    f->faces[0].count = count;
    memcpy(f->faces[0].xyz, xyz, sizeof f->faces[0].xyz);
    if (box)
        memcpy(f->detection[0].box, box, sizeof f->detection[0].box);
    return f;
}

static char log_text[4096];
static void capture_log(void *user, segtex_log_level level, const char *message)
{
    (void)user;
    (void)level;
    snprintf(log_text, sizeof log_text, "%s", message);
}

static float pts[SEGTEX_FACE_POINTS][3];

/* Render black (mask mode, nothing painted) W x H with the given style and points; returns the image. */
static segtex_image draw(int w, int h, segtex_landmark_style style, const segtex_face_result *lm)
{
    segtex_texture_set *set = NULL;
    segtex_texture_set_create(NULL, &set);
    for (int c = 0; c < SEGTEX_CATEGORY_COUNT; c++) {
        segtex_paint p = segtex_paint_default(c);
        p.enabled = 0;
        segtex_texture_set_set_paint(set, c, &p);
    }
    segtex_renderer *r = NULL;
    segtex_renderer_create(set, &r);
    segtex_render_config cfg = {SEGTEX_RENDER_MASK, w, h, 1, 1, style};
    CHECK(segtex_renderer_configure(r, &cfg) == SEGTEX_OK, "configure");
    uint8_t cat = 0;
    segtex_seg_result seg = {1, 1, NULL, &cat, 0};
    segtex_image out = {calloc((size_t)w * h * 3, 1), w, h, 3, (ptrdiff_t)w * 3};
    CHECK(segtex_renderer_render(r, NULL, &seg, &(segtex_people){lm, NULL, NULL, 0}, &out, NULL) == SEGTEX_OK, "render");
    segtex_renderer_destroy(r);
    segtex_texture_set_destroy(set);
    return out;
}

static int green(const segtex_image *im, int x, int y) { return im->data[(y * im->width + x) * 3 + 1]; }

static void hide_all(void)
{
    for (int i = 0; i < SEGTEX_FACE_POINTS; i++)
        pts[i][0] = pts[i][1] = -1.0f;
}

static void test_dot_lands_on_the_right_pixels(void)
{
    hide_all();
    /* Centre of pixel (4, 6) of a 9 x 11 image. */
    pts[0][0] = 4.5f / 9;
    pts[0][1] = 6.5f / 11;
    const segtex_face_result *lm = one_face((const float(*)[3])pts, SEGTEX_FACE_POINTS, NULL);
    segtex_landmark_style st = segtex_landmark_style_default();
    st.dot_radius = 1.0f;
    segtex_image im = draw(9, 11, st, lm);
    CHECK(green(&im, 4, 6) == 255 && im.data[(6 * 9 + 4) * 3] == 0, "centre pixel is the dot colour");
    /* Edge neighbours at distance 1: coverage 0.5; diagonals at sqrt 2: 0.086. */
    /* (normalized coordinates carry float rounding: +-1 level) */
    CHECK(abs(green(&im, 3, 6) - 128) <= 1 && abs(green(&im, 5, 6) - 128) <= 1 && abs(green(&im, 4, 5) - 128) <= 1 &&
              abs(green(&im, 4, 7) - 128) <= 1,
          "edge neighbours half covered: %d %d %d %d", green(&im, 3, 6), green(&im, 5, 6), green(&im, 4, 5),
          green(&im, 4, 7));
    CHECK(abs(green(&im, 3, 5) - 22) <= 1 && abs(green(&im, 5, 7) - 22) <= 1, "diagonals lightly covered: %d", green(&im, 3, 5));
    int lit = 0;
    for (int i = 0; i < 9 * 11; i++)
        lit += im.data[i * 3 + 1] != 0;
    CHECK(lit == 9, "%d pixels lit, want 9", lit);
    free(im.data);

    /* Between two pixels: symmetric. */
    pts[0][0] = 4.0f / 9;
    im = draw(9, 11, st, one_face((const float(*)[3])pts, SEGTEX_FACE_POINTS, NULL));
    CHECK(green(&im, 3, 6) == green(&im, 4, 6) && green(&im, 3, 6) > 0 && green(&im, 5, 6) == green(&im, 2, 6),
          "a dot on a pixel border lights both sides equally");
    free(im.data);

    /* Dots off dots: nothing drawn. */
    st.dots = 0;
    pts[0][0] = 4.5f / 9;
    im = draw(9, 11, st, one_face((const float(*)[3])pts, SEGTEX_FACE_POINTS, NULL));
    int any = 0;
    for (int i = 0; i < 9 * 11 * 3; i++)
        any |= im.data[i];
    CHECK(!any, "dots disabled: nothing drawn");
    free(im.data);
}

static void test_contours_and_box(void)
{
    /* Every point at (2.5, 5.5) but 338: the only visible connections are 10 -> 338 and 338 -> 297,
     * a horizontal line on row 5 from x = 2.5 to 12.5. */
    for (int i = 0; i < SEGTEX_FACE_POINTS; i++)
        pts[i][0] = 2.5f / 16, pts[i][1] = 5.5f / 11;
    pts[338][0] = 12.5f / 16, pts[338][1] = 5.5f / 11;
    const segtex_face_result *lm = one_face((const float(*)[3])pts, SEGTEX_FACE_POINTS, (const float[4]){2.5f / 16, 1.5f / 11, 10.0f / 16, 8.0f / 11});
    segtex_landmark_style st = segtex_landmark_style_default();
    st.dots = 0;
    st.contours = 1;
    st.line_width = 1.0f;
    st.line_color[0] = st.line_color[1] = st.line_color[2] = 255;
    segtex_image im = draw(16, 11, st, lm);
    int on_line = 1;
    for (int x = 3; x <= 12; x++)
        on_line &= im.data[(5 * 16 + x) * 3] == 255;
    CHECK(on_line, "contour 10-338 drawn along row 5");
    CHECK(im.data[(3 * 16 + 7) * 3] == 0 && im.data[(8 * 16 + 7) * 3] == 0, "rows 3 and 8 untouched");
    CHECK(im.data[(5 * 16 + 15) * 3] == 0, "nothing beyond the segment end");
    free(im.data);

    st.contours = 0;
    st.box = 1;
    im = draw(16, 11, st, lm);
    /* Box spans x 2.5..12.5, y 1.5..9.5: its top edge is row 1, the inside stays black. */
    CHECK(im.data[(1 * 16 + 7) * 3] == 255 && im.data[(1 * 16 + 7) * 3 + 2] == 0, "box top edge is yellow");
    CHECK(im.data[(5 * 16 + 2) * 3] == 255, "box left edge");
    CHECK(im.data[(5 * 16 + 7) * 3] == 0, "inside the box untouched");
    free(im.data);
}

static void test_bad_points_are_clipped(void)
{
    for (int i = 0; i < SEGTEX_FACE_POINTS; i++) {
        pts[i][0] = i % 3 == 0 ? NAN : i % 3 == 1 ? 1e30f : -5.0f + i * 0.03f;
        pts[i][1] = i % 5 == 0 ? INFINITY : 0.5f;
    }
    const segtex_face_result *lm = one_face((const float(*)[3])pts, SEGTEX_FACE_POINTS + 100, (const float[4]){NAN, 0, 1e30f, 1});
    segtex_landmark_style st = segtex_landmark_style_default();
    st.contours = st.box = 1;
    segtex_image im = draw(33, 17, st, lm);
    CHECK(im.data != NULL, "NaN, huge and off-image points render without harm");
    free(im.data);
}

/* ------------------------------------------------------------------ */

static char *face_json(int faces, int landmarks)
{
    size_t cap = 64 + (size_t)faces * (200 + (size_t)landmarks * 40);
    char *s = malloc(cap), *p = s;
    p += sprintf(p, "{\"width\":640,\"height\":480,\"faces\":[");
    for (int f = 0; f < faces; f++) {
        p += sprintf(p, "%s{\"score\":0.9%d,\"box\":{\"xmin\":0.25,\"ymin\":0.125,\"width\":0.5,\"height\":0.5},"
                        "\"keypoints\":[[0.1,0.2],[0.3,0.4]],\"presence\":0.99,\"extra\":{\"a\":[true,null,\"s\\\"\"]},"
                        "\"landmarks\":[",
                     f ? "," : "", f);
        for (int i = 0; i < landmarks; i++)
            p += sprintf(p, "%s[%g,%g,%g]", i ? "," : "", i / 1000.0, 0.5 + f * 0.01, -1e-3);
        p += sprintf(p, "]}");
    }
    sprintf(p, "]}\n");
    return s;
}

static void test_json_reads_faces(void)
{
    static segtex_faces faces;
    char *s = face_json(2, 478);
    CHECK(segtex_faces_parse_json(s, strlen(s), "t.json", &faces) == SEGTEX_OK, "parse");
    CHECK(faces.width == 640 && faces.height == 480 && faces.result.count == 2, "header %dx%d, %d faces", faces.width,
          faces.height, faces.result.count);
    CHECK(faces.result.faces[1].count == 478, "478 landmarks");
    CHECK_NEAR(faces.result.faces[1].xyz[477][0], 0.477, 1e-6);
    CHECK_NEAR(faces.result.faces[1].xyz[10][1], 0.51, 1e-6);
    CHECK_NEAR(faces.result.detection[0].score, 0.90, 1e-6);
    CHECK_NEAR(faces.result.faces[0].presence, 0.99, 1e-6);
    CHECK((faces.result.detection[0].box[2] > 0) && faces.result.detection[0].box[1] == 0.125f && faces.result.detection[0].box[2] == 0.5f, "box");
    segtex_image drawn = draw(64, 48, segtex_landmark_style_default(), &faces.result);
    int lit = 0;
    for (int i = 0; i < 64 * 48; i++)
        lit += drawn.data[i * 3 + 1] != 0;
    CHECK(lit > 0, "a parsed file is the renderer's input as it is (%d pixels lit)", lit);
    free(drawn.data);
    free(s);
    s = face_json(0, 0);
    CHECK(segtex_faces_parse_json(s, strlen(s), "t.json", &faces) == SEGTEX_OK && faces.result.count == 0, "no faces is fine");
    free(s);
    const char *two = "{\"faces\":[{\"landmarks\":[[0.5,0.25]]}]}";
    CHECK(segtex_faces_parse_json(two, strlen(two), "t", &faces) == SEGTEX_OK && faces.result.faces[0].count == 1 &&
              faces.result.faces[0].xyz[0][2] == 0,
          "2-number landmarks, no width/height");
}

static void test_json_rejects_each_rule(void)
{
    static const char *const bad[] = {
        "",                                              /* empty */
        "[]",                                            /* not an object */
        "{\"width\":640}",                               /* no faces */
        "{\"faces\":{}}",                                /* faces not an array */
        "{\"faces\":[1]}",                               /* face not an object */
        "{\"faces\":[{\"landmarks\":[1]}]}",             /* landmark not an array */
        "{\"faces\":[{\"landmarks\":[[1]]}]}",           /* one number */
        "{\"faces\":[{\"landmarks\":[[1,2,3,4]]}]}",     /* four numbers */
        "{\"faces\":[{\"landmarks\":[[1,\"2\"]]}]}",     /* a string */
        "{\"faces\":[{\"landmarks\":[[NaN,1]]}]}",       /* NaN */
        "{\"faces\":[{\"landmarks\":[[1e400,1]]}]}",     /* overflow */
        "{\"faces\":[{\"landmarks\":[[2e6,1]]}]}",       /* huge */
        "{\"faces\":[{\"landmarks\":[[01,1]]}]}",        /* leading zero */
        "{\"faces\":[{\"landmarks\":[[1.,1]]}]}",        /* bare dot */
        "{\"faces\":[{\"landmarks\":[[-,1]]}]}",         /* bare minus */
        "{\"width\":0,\"faces\":[]}",                    /* width 0 */
        "{\"width\":1.5,\"faces\":[]}",                  /* fractional width */
        "{\"height\":70000,\"faces\":[]}",               /* height too big */
        "{\"faces\":[]} x",                              /* trailing data */
        "{\"faces\":[]",                                 /* truncated */
        "{\"faces\":[{\"score\":0.5,}]}",                /* trailing comma */
        "{\"faces\":[{\"score\":\"high\"}]}",            /* score not a number */
        "{\"faces\":[{\"box\":[0,0,1,1]}]}",             /* box not an object */
        "{\"faces\":[{\"box\":{\"xmin\":0,\"ymin\":0,\"width\":1}}]}", /* box incomplete */
        "{\"a\":\"unterminated",                         /* unterminated string */
        "{\"a\":\"bad \\q escape\",\"faces\":[]}",       /* bad escape */
        "{\"a\":\"bad \\u12g4\",\"faces\":[]}",          /* bad \u */
        "{\"a\":\"ctrl \x01\",\"faces\":[]}",            /* control character */
        "{\"a\":tru,\"faces\":[]}",                      /* bad literal */
        "{\"faces\" [] }",                               /* missing colon */
        "{faces:[]}",                                    /* unquoted key */
    };
    static segtex_faces faces;
    segtex_set_log(capture_log, NULL, SEGTEX_LOG_ERROR);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        log_text[0] = 0;
        memset(&faces, 0x5a, sizeof faces);
        segtex_status st = segtex_faces_parse_json(bad[i], strlen(bad[i]), "bad.json", &faces);
        CHECK(st == SEGTEX_ERROR_MALFORMED, "rejects %s (got %d)", bad[i], st);
        /* Where: a byte offset for the syntax, the JSON path ("at faces[0].box") for the content. */
        CHECK(strstr(log_text, "bad.json") && (strstr(log_text, ": byte ") || strstr(log_text, ": at ")),
              "message names file and where: %s", log_text);
        CHECK(faces.result.count == 0 && faces.width == 0, "output zeroed on failure");
    }
    /* Limits: faces, landmarks, nesting. */
    char *s = face_json(SEGTEX_MAX_FACES + 1, 1);
    CHECK(segtex_faces_parse_json(s, strlen(s), "many.json", &faces) == SEGTEX_ERROR_MALFORMED, "9 faces rejected");
    CHECK(strstr(log_text, "more than 8 faces") != NULL, "says why: %s", log_text);
    free(s);
    s = face_json(1, SEGTEX_FACE_POINTS + 1);
    CHECK(segtex_faces_parse_json(s, strlen(s), "many.json", &faces) == SEGTEX_ERROR_MALFORMED, "479 landmarks rejected");
    CHECK(strstr(log_text, "more than 478 landmarks") != NULL, "says why: %s", log_text);
    free(s);
    char deep[200] = "{\"x\":";
    for (int i = 0; i < 40; i++)
        strcat(deep, "[");
    CHECK(segtex_faces_parse_json(deep, strlen(deep), "deep.json", &faces) == SEGTEX_ERROR_MALFORMED, "deep rejected");
    CHECK(strstr(log_text, "nested deeper") != NULL, "says why: %s", log_text);
    /* Not NUL-terminated: parsing stops at size. */
    const char *ok = "{\"faces\":[]}GARBAGE";
    CHECK(segtex_faces_parse_json(ok, 12, "n.json", &faces) == SEGTEX_OK, "reads only `size` bytes");
    CHECK(segtex_faces_load_json("/nonexistent/f.json", &faces) == SEGTEX_ERROR_IO, "missing file");
    CHECK(strstr(log_text, "/nonexistent/f.json") != NULL, "names the missing file");
    segtex_set_log(NULL, NULL, SEGTEX_LOG_WARNING);
}

int main(void)
{
    RUN(test_dot_lands_on_the_right_pixels);
    RUN(test_contours_and_box);
    RUN(test_bad_points_are_clipped);
    RUN(test_json_reads_faces);
    RUN(test_json_rejects_each_rule);
    return test_summary();
}
