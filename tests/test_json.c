/*
 * segtex/json.h: the writers (`segtex face --json` text, the per-frame JSON
 * lines) byte for byte, their round trip through the reader, write errors,
 * and the reader's bounds that the jansson port added or must keep.
 */
#include "harness.h"
#include "segtex/json.h"

#include <stdlib.h>
#include <string.h>

static segtex_face_result result;

/* A face with easy numbers: integral values must stay "1", not "1.0". */
static void make_result(int landmarks)
{
    memset(&result, 0, sizeof result);
    result.count = 1;
    segtex_face_detection *d = &result.detection[0];
    d->score = 1.0f;
    d->box[0] = 0.25f, d->box[1] = 0.125f, d->box[2] = 0.5f, d->box[3] = 1.0f / 3.0f;
    for (int k = 0; k < SEGTEX_KEYPOINT_COUNT; k++)
        d->keypoints[k][0] = 0.1f * (float)k, d->keypoints[k][1] = 0.5f;
    segtex_face_landmarks *l = &result.faces[0];
    l->presence = 0.99f;
    l->count = landmarks;
    for (int i = 0; i < landmarks; i++)
        l->xyz[i][0] = (float)i / 1000.0f, l->xyz[i][1] = 0.5f, l->xyz[i][2] = -1e-3f;
}

/* Run a writer into a string (freed by the caller). */
#define CAPTURE(text, call)                                                                        \
    do {                                                                                           \
        size_t len_;                                                                               \
        FILE *f_ = open_memstream(&(text), &len_);                                                 \
        CHECK(f_ && (call) == SEGTEX_OK, "write %s", #call);                                       \
        if (f_)                                                                                    \
            fclose(f_);                                                                            \
    } while (0)

static void face_json_text_is_exact(void)
{
    make_result(2);
    char *s = NULL;
    CAPTURE(s, segtex_face_result_to_json(f_, 512, 384, &result));
    const char *want = "{\"width\":512,\"height\":384,\"faces\":[{\"score\":1,\"box\":{\"xmin\":0.25,\"ymin\":0.125,"
                       "\"width\":0.5,\"height\":0.333333},\"keypoints\":[[0,0.5],[0.1,0.5],[0.2,0.5],[0.3,0.5],"
                       "[0.4,0.5],[0.5,0.5]],\"presence\":0.99,\"landmarks\":[[0,0.5,-0.001],[0.001,0.5,-0.001]]}]}";
    CHECK(s && !strcmp(s, want), "face JSON:\n got  %s\n want %s", s ? s : "(null)", want);
    free(s);
    s = NULL;
    CAPTURE(s, segtex_face_result_to_json(f_, 64, 48, NULL));
    CHECK(s && !strcmp(s, "{\"width\":64,\"height\":48,\"faces\":[]}"), "no faces: %s", s ? s : "(null)");
    free(s);
}

static void round_trip(void)
{
    make_result(SEGTEX_FACE_POINTS);
    char *s = NULL;
    CAPTURE(s, segtex_face_result_to_json(f_, 640, 480, &result));
    static segtex_faces back;
    CHECK(s && segtex_faces_parse_json(s, strlen(s), "rt", &back) == SEGTEX_OK, "reads back");
    CHECK(back.width == 640 && back.height == 480 && back.result.count == 1 && back.result.faces[0].count == 478,
          "%dx%d, %d faces, %d landmarks", back.width, back.height, back.result.count, back.result.faces[0].count);
    float err = 0;
    for (int i = 0; i < 478; i++)
        for (int k = 0; k < 3; k++)
            err = fmaxf(err, fabsf(back.result.faces[0].xyz[i][k] - result.faces[0].xyz[i][k]));
    CHECK(err < 1e-6f, "landmarks differ by %g after a round trip", err);
    CHECK((back.result.detection[0].box[2] > 0) && back.result.detection[0].box[2] == 0.5f && back.result.detection[0].score == 1.0f, "box and score");
    free(s);
}

static void jsonl_line(void)
{
    make_result(2);
    const float shares[SEGTEX_CATEGORY_COUNT] = {0.5f, 0.25f, 0, 0.125f, 0.125f, 0};
    static segtex_pose_result pose;
    static segtex_hand_result hands;
    pose.count = 1;
    pose.score = 0.75f;
    for (int i = 0; i < SEGTEX_POSE_POINTS; i++)
        pose.landmarks[i][0] = i / 64.0f, pose.landmarks[i][3] = 0.5f, pose.world[i][2] = -i / 8.0f;
    hands.count = 1;
    hands.hands[0].right = 1;
    hands.hands[0].handedness_score = 0.875f;
    for (int i = 0; i < SEGTEX_HAND_POINTS; i++)
        hands.hands[0].xyz[i][1] = i / 32.0f;
    segtex_people people = {&result, &pose, &hands, 1};
    char *line = NULL, *faces = NULL, *poses = NULL, *hand_json = NULL;
    CAPTURE(line, segtex_jsonl_frame_write(f_, 7, 0.233333333, 640, 480, &people, shares));
    CAPTURE(faces, segtex_face_result_to_json(f_, 640, 480, &result));
    CAPTURE(poses, segtex_pose_result_to_json(f_, 640, 480, &pose));
    CAPTURE(hand_json, segtex_hand_result_to_json(f_, 640, 480, &hands));
    /* The faces, poses and hands arrays are exactly the ones `segtex face/pose/hands --json` print. */
    const char *arr = faces ? strstr(faces, "\"faces\":[") : NULL;
    const char *parr = poses ? strstr(poses, "\"poses\":[") : NULL;
    const char *harr = hand_json ? strstr(hand_json, "\"hands\":[") : NULL;
    static char want[32768];
    snprintf(want, sizeof want, "{\"frame\":7,\"pts\":0.233333333,\"width\":640,\"height\":480,%.*s,%.*s,%.*s,"
                                "\"shares\":[0.5,0.25,0,0.125,0.125,0]}\n",
             arr ? (int)(strlen(arr) - 1) : 0, arr ? arr : "", parr ? (int)(strlen(parr) - 1) : 0, parr ? parr : "",
             harr ? (int)(strlen(harr) - 1) : 0, harr ? harr : "");
    CHECK(line && !strcmp(line, want), "JSON line:\n got  %s\n want %s", line ? line : "(null)", want);
    CHECK(line && strstr(line, "\"handedness\":\"Right\",\"score\":0.875") && strstr(line, "{\"score\":0.75,"),
          "the line holds the pose and the hand");
    free(poses);
    free(hand_json);
    /* A line is also a landmarks file: the reader skips frame, pts and shares. */
    static segtex_faces back;
    CHECK(line && segtex_faces_parse_json(line, strlen(line), "line", &back) == SEGTEX_OK && back.result.count == 1 &&
              back.result.faces[0].count == 2,
          "the line reads back");
    free(line);
    free(faces);
    line = NULL;
    CAPTURE(line, segtex_jsonl_frame_write(f_, 12345678901LL, NAN, 2, 2, NULL, NULL));
    CHECK(line && !strcmp(line, "{\"frame\":12345678901,\"pts\":null,\"width\":2,\"height\":2,\"faces\":[],"
                                "\"poses\":[],\"hands\":[],\"shares\":[0,0,0,0,0,0]}\n"),
          "no faces, no shares, NaN pts: %s", line ? line : "(null)");
    free(line);
}

static void writers_allocate_nothing_and_report_errors(void)
{
    make_result(SEGTEX_FACE_POINTS);
    const float shares[SEGTEX_CATEGORY_COUNT] = {1, 0, 0, 0, 0, 0};
    FILE *f = fopen("/dev/null", "w");
    CHECK(f != NULL, "/dev/null");
    if (f) {
        segtex_jsonl_frame_write(f, 0, 0, 8, 8, &(segtex_people){&result, NULL, NULL, 0}, shares); /* stdio's buffer, once */
        uint64_t before = test_process_allocs();
        for (int i = 1; i <= 20; i++)
            CHECK(segtex_jsonl_frame_write(f, i, i / 30.0, 8, 8, &(segtex_people){&result, NULL, NULL, 0}, shares) == SEGTEX_OK, "frame %d", i);
        CHECK(test_process_allocs() == before, "%llu allocations in 20 frames",
              (unsigned long long)(test_process_allocs() - before));
        fclose(f);
    }
    f = fopen("/dev/full", "w");
    if (f) {
        setvbuf(f, NULL, _IONBF, 0);
        CHECK(segtex_jsonl_frame_write(f, 0, 0, 8, 8, &(segtex_people){&result, NULL, NULL, 0}, shares) == SEGTEX_ERROR_IO, "full device: IO error");
        CHECK(segtex_face_result_to_json(f, 8, 8, &result) == SEGTEX_ERROR_IO, "full device: IO error");
        fclose(f);
    }
    CHECK(segtex_face_result_to_json(NULL, 8, 8, &result) == SEGTEX_ERROR_INVALID_ARGUMENT, "NULL stream");
}

static char log_text[1024];
static void capture_log(void *user, segtex_log_level level, const char *msg)
{
    (void)user, (void)level;
    snprintf(log_text, sizeof log_text, "%s", msg);
}

static void reader_bounds(void)
{
    static segtex_faces faces;
    segtex_set_log(capture_log, NULL, SEGTEX_LOG_ERROR);
    /* 32 levels deep is fine (the top object is one), 33 is not: the 33rd opens at byte 16 + 31. */
    char deep[256];
    for (int levels = 32; levels <= 33; levels++) {
        int n = snprintf(deep, sizeof deep, "{\"faces\":[],\"x\":");
        for (int i = 0; i < levels - 1; i++)
            deep[n++] = '[';
        for (int i = 0; i < levels - 1; i++)
            deep[n++] = ']';
        deep[n++] = '}';
        segtex_status st = segtex_faces_parse_json(deep, (size_t)n, "d", &faces);
        if (levels == 32)
            CHECK(st == SEGTEX_OK, "32 levels accepted: %s", log_text);
        else
            CHECK(st == SEGTEX_ERROR_MALFORMED && strstr(log_text, "byte 47: nested deeper than 32 levels"),
                  "33 levels rejected at byte 47: %s", log_text);
    }
    /* Brackets inside strings do not count. */
    const char *str = "{\"faces\":[],\"s\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\"[[[\"}";
    CHECK(segtex_faces_parse_json(str, strlen(str), "s", &faces) == SEGTEX_OK, "brackets in strings: %s", log_text);
    /* More than 2^20 values: rejected before jansson builds the tree. */
    size_t big = 2 * (1u << 20) + 64;
    char *many = malloc(big + 32);
    if (many) {
        size_t p = (size_t)sprintf(many, "{\"faces\":[],\"x\":[");
        while (p < big)
            many[p++] = '0', many[p++] = ',';
        strcpy(many + p, "0]}");
        CHECK(segtex_faces_parse_json(many, strlen(many), "many", &faces) == SEGTEX_ERROR_MALFORMED &&
                  strstr(log_text, "more than 1048576 values"),
              "2^20 values: %s", log_text);
        free(many);
    }
    /* Syntax errors carry jansson's byte offset (just past the offending token). */
    const char *trail = "{\"faces\":[]} x";
    CHECK(segtex_faces_parse_json(trail, strlen(trail), "t.json", &faces) == SEGTEX_ERROR_MALFORMED &&
              strstr(log_text, "landmarks 't.json': byte 14"),
          "trailing data: %s", log_text);
    /* Invalid UTF-8 is not JSON; an escaped NUL inside a string value is (not in a key: jansson). */
    const char *latin1 = "{\"faces\":[],\"name\":\"caf\xe9\"}";
    CHECK(segtex_faces_parse_json(latin1, strlen(latin1), "u", &faces) == SEGTEX_ERROR_MALFORMED, "invalid UTF-8");
    const char *nul = "{\"faces\":[],\"n\":\"a\\u0000b\"}";
    CHECK(segtex_faces_parse_json(nul, strlen(nul), "z", &faces) == SEGTEX_OK, "\\u0000: %s", log_text);
    /* Integral reals are integers; huge integers are range errors, not parse errors. */
    const char *w = "{\"width\":640.0,\"height\":480,\"faces\":[]}";
    CHECK(segtex_faces_parse_json(w, strlen(w), "w", &faces) == SEGTEX_OK && faces.width == 640, "640.0");
    const char *hugeint = "{\"faces\":[],\"x\":123456789012345678901234567890}";
    CHECK(segtex_faces_parse_json(hugeint, strlen(hugeint), "h", &faces) == SEGTEX_ERROR_MALFORMED &&
              strstr(log_text, "at x: number out of range"),
          "huge integer: %s", log_text);
    /* The short box names. */
    const char *xywh = "{\"faces\":[{\"box\":{\"x\":0.1,\"y\":0.2,\"w\":0.3,\"h\":0.4}}]}";
    CHECK(segtex_faces_parse_json(xywh, strlen(xywh), "b", &faces) == SEGTEX_OK && (faces.result.detection[0].box[2] > 0) &&
              faces.result.detection[0].box[3] == 0.4f,
          "x, y, w, h box");
    segtex_set_log(NULL, NULL, SEGTEX_LOG_WARNING);
}

/* Writes pose or hand JSON into `buf`: `n` points of `k` numbers (i / 100 each), `extra` spliced in. */
static void points(char *buf, size_t size, const char *head, int n, int k, const char *tail)
{
    size_t p = (size_t)snprintf(buf, size, "%s", head);
    for (int i = 0; i < n && p < size; i++) {
        p += (size_t)snprintf(buf + p, size - p, "%s[", i ? "," : "");
        for (int j = 0; j < k && p < size; j++)
            p += (size_t)snprintf(buf + p, size - p, "%s%g", j ? "," : "", i / 100.0 + j);
        p += (size_t)snprintf(buf + p, size - p, "]");
    }
    snprintf(buf + p, size - p, "%s", tail);
}

/* The pose and hand readers: what the writers print reads back; each rule rejects with the path named. */
static void pose_and_hands_readers(void)
{
    static segtex_pose_result pose, back;
    static segtex_hand_result hands, hback;
    static char buf[65536];
    pose.count = 1;
    pose.score = 0.5f;
    for (int i = 0; i < SEGTEX_POSE_POINTS; i++)
        for (int k = 0; k < 5; k++)
            pose.landmarks[i][k] = (float)(i * 5 + k) / 32.0f; /* exact in "%.6g" */
    for (int i = 0; i < SEGTEX_POSE_POINTS; i++)
        pose.world[i][0] = -i / 64.0f;
    hands.count = 2;
    hands.hands[1].right = 1;
    hands.hands[0].handedness_score = 0.75f;
    for (int i = 0; i < SEGTEX_HAND_POINTS; i++)
        hands.hands[1].xyz[i][1] = i / 32.0f, hands.hands[0].world[i][2] = i / 16.0f;
    char *text = NULL;
    CAPTURE(text, segtex_pose_result_to_json(f_, 640, 480, &pose));
    CHECK(text && segtex_pose_parse_json(text, strlen(text), "p", &back) == SEGTEX_OK && back.count == 1 &&
              !memcmp(back.landmarks, pose.landmarks, sizeof pose.landmarks) &&
              !memcmp(back.world, pose.world, sizeof pose.world) && back.score == 0.5f,
          "pose round trip");
    free(text);
    text = NULL;
    CAPTURE(text, segtex_hand_result_to_json(f_, 640, 480, &hands));
    CHECK(text && segtex_hands_parse_json(text, strlen(text), "h", &hback) == SEGTEX_OK && hback.count == 2 &&
              hback.hands[1].right == 1 && hback.hands[0].right == 0 && hback.hands[0].handedness_score == 0.75f &&
              !memcmp(hback.hands[1].xyz, hands.hands[1].xyz, sizeof hands.hands[1].xyz) &&
              !memcmp(hback.hands[0].world, hands.hands[0].world, sizeof hands.hands[0].world),
          "hands round trip");
    free(text);
    /* A .jsonl line holds faces, poses and hands: both readers take it. */
    text = NULL;
    segtex_people people = {NULL, &pose, &hands, 1};
    CAPTURE(text, segtex_jsonl_frame_write(f_, 3, 0.1, 640, 480, &people, NULL));
    CHECK(text && segtex_pose_parse_json(text, strlen(text), "l", &back) == SEGTEX_OK && back.count == 1 &&
              segtex_hands_parse_json(text, strlen(text), "l", &hback) == SEGTEX_OK && hback.count == 2,
          "a .jsonl line reads as a pose and as hands");
    free(text);
    /* Short points: [x, y] (z 0, seen) and [x, y, z]. */
    points(buf, sizeof buf, "{\"poses\":[{\"landmarks\":[", 33, 2, "]}]}");
    CHECK(segtex_pose_parse_json(buf, strlen(buf), "s", &back) == SEGTEX_OK && back.landmarks[5][2] == 0 &&
              back.landmarks[5][3] == 1 && back.landmarks[5][4] == 1 && back.landmarks[5][1] == 1.05f,
          "pose points of 2 numbers");
    /* Two poses (segtex pose on two people): both checked, the first kept. */
    {
        char two[8192];
        points(buf, sizeof buf, "{\"poses\":[{\"landmarks\":[", 33, 2, "]}");
        int len = snprintf(two, sizeof two, "%s,", buf);
        points(buf, sizeof buf, "{\"landmarks\":[", 33, 3, "],\"score\":0.25}]}");
        snprintf(two + len, sizeof two - (size_t)len, "%s", buf);
        CHECK(segtex_pose_parse_json(two, strlen(two), "two", &back) == SEGTEX_OK && back.count == 1 &&
                  back.landmarks[5][2] == 0 && back.score == 0,
              "two poses: the first kept");
    }
    segtex_set_log(capture_log, NULL, SEGTEX_LOG_ERROR);
    static const struct {
        const char *head;
        int n, k;
        const char *tail, *want;
        int hands;
    } bad[] = {
        {"{\"faces\":[]", 0, 0, "}", "no \"poses\" array", 0},
        {"{\"poses\":{}", 0, 0, "}", "\"poses\" must be an array", 0},
        {"{\"poses\":[{},{},{},{},{}]", 0, 0, "}", "more than 4 poses", 0},
        {"{\"poses\":[{\"landmarks\":[", 33, 3, "]},{}]}", "at poses[1]: a pose needs \"landmarks\"", 0},
        {"{\"poses\":[7]", 0, 0, "}", "at poses[0]: a pose must be an object", 0},
        {"{\"poses\":[{\"score\":1}]", 0, 0, "}", "a pose needs \"landmarks\"", 0},
        {"{\"poses\":[{\"landmarks\":[", 32, 5, "]}]}", "poses[0].landmarks: expected exactly 33 points, got 32", 0},
        {"{\"poses\":[{\"landmarks\":[", 33, 6, "]}]}", "poses[0].landmarks[0]: a point must be an array of 2 to 5", 0},
        {"{\"poses\":[{\"landmarks\":[", 33, 1, "]}]}", "a point must be an array of 2 to 5", 0},
        {"{\"poses\":[{\"landmarks\":[", 33, 3, "],\"world\":[[0,0,0]]}]}", "poses[0].world: expected exactly 33", 0},
        {"{\"poses\":[{\"landmarks\":[", 33, 3, "],\"score\":\"high\"}]}", "poses[0].score: expected a number", 0},
        {"{\"poses\":[{\"landmarks\":[", 33, 3, "],\"x\":1e9}]}", "number out of range", 0},
        {"{\"faces\":[]", 0, 0, "}", "no \"hands\" array", 1},
        {"{\"hands\":[{},{},{}]", 0, 0, "}", "more than 2 hands", 1},
        {"{\"hands\":[{\"landmarks\":[", 20, 3, "]}]}", "hands[0].landmarks: expected exactly 21 points, got 20", 1},
        {"{\"hands\":[{\"landmarks\":[", 21, 4, "]}]}", "a point must be an array of 2 to 3", 1},
        {"{\"hands\":[{\"landmarks\":[", 21, 3, "],\"handedness\":\"left\"}]}", "must be \"Left\" or \"Right\"", 1},
        {"{\"hands\":[{\"landmarks\":[", 21, 3, "],\"world\":[", NULL, 1},
        {"{\"hands\":[\"x\"]", 0, 0, "}", "a hand must be an object", 1},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        points(buf, sizeof buf, bad[i].head, bad[i].n, bad[i].k, bad[i].tail);
        log_text[0] = 0;
        segtex_status st = bad[i].hands ? segtex_hands_parse_json(buf, strlen(buf), "b", &hback)
                                        : segtex_pose_parse_json(buf, strlen(buf), "b", &back);
        CHECK(st == SEGTEX_ERROR_MALFORMED && (!bad[i].want || strstr(log_text, bad[i].want)) &&
                  (bad[i].hands ? hback.count == 0 : back.count == 0),
              "rule %zu (%s): status %d, log '%s'", i, bad[i].want ? bad[i].want : "syntax", (int)st, log_text);
    }
    CHECK(segtex_pose_load_json("/nonexistent/p.json", &back) == SEGTEX_ERROR_IO &&
              strstr(log_text, "cannot open the file"),
          "missing file: %s", log_text);
    segtex_set_log(NULL, NULL, SEGTEX_LOG_WARNING);
}

int main(void)
{
    RUN(face_json_text_is_exact);
    RUN(round_trip);
    RUN(jsonl_line);
    RUN(writers_allocate_nothing_and_report_errors);
    RUN(reader_bounds);
    RUN(pose_and_hands_readers);
    return test_summary();
}
