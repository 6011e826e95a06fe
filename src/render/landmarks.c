/*
 * Landmark drawing: anti-aliased dots, contour lines, the face box and the
 * pose and hand skeletons,
 * clipped to a band of rows so that row bands can draw in parallel. The
 * coverage of a pixel is computed from its centre's distance to the shape,
 * clamp(half_width + 0.5 - distance, 0, 1), the same in every band.
 */
#include "render/render.h"

#include <math.h>
#include <string.h>

/* MediaPipe face mesh connections (face_mesh_connections.py), as index pairs. */
static const uint16_t contour_pairs[][2] = {
    /* face oval */
    {10, 338}, {338, 297}, {297, 332}, {332, 284}, {284, 251}, {251, 389}, {389, 356}, {356, 454},
    {454, 323}, {323, 361}, {361, 288}, {288, 397}, {397, 365}, {365, 379}, {379, 378}, {378, 400},
    {400, 377}, {377, 152}, {152, 148}, {148, 176}, {176, 149}, {149, 150}, {150, 136}, {136, 172},
    {172, 58}, {58, 132}, {132, 93}, {93, 234}, {234, 127}, {127, 162}, {162, 21}, {21, 54},
    {54, 103}, {103, 67}, {67, 109}, {109, 10},
    /* lips */
    {61, 146}, {146, 91}, {91, 181}, {181, 84}, {84, 17}, {17, 314}, {314, 405}, {405, 321},
    {321, 375}, {375, 291}, {61, 185}, {185, 40}, {40, 39}, {39, 37}, {37, 0}, {0, 267},
    {267, 269}, {269, 270}, {270, 409}, {409, 291}, {78, 95}, {95, 88}, {88, 178}, {178, 87},
    {87, 14}, {14, 317}, {317, 402}, {402, 318}, {318, 324}, {324, 308}, {78, 191}, {191, 80},
    {80, 81}, {81, 82}, {82, 13}, {13, 312}, {312, 311}, {311, 310}, {310, 415}, {415, 308},
    /* left eye */
    {263, 249}, {249, 390}, {390, 373}, {373, 374}, {374, 380}, {380, 381}, {381, 382}, {382, 362},
    {263, 466}, {466, 388}, {388, 387}, {387, 386}, {386, 385}, {385, 384}, {384, 398}, {398, 362},
    /* left eyebrow */
    {276, 283}, {283, 282}, {282, 295}, {295, 285}, {300, 293}, {293, 334}, {334, 296}, {296, 336},
    /* right eye */
    {33, 7}, {7, 163}, {163, 144}, {144, 145}, {145, 153}, {153, 154}, {154, 155}, {155, 133},
    {33, 246}, {246, 161}, {161, 160}, {160, 159}, {159, 158}, {158, 157}, {157, 173}, {173, 133},
    /* right eyebrow */
    {46, 53}, {53, 52}, {52, 65}, {65, 55}, {70, 63}, {63, 105}, {105, 66}, {66, 107},
    /* irises */
    {474, 475}, {475, 476}, {476, 477}, {477, 474}, {469, 470}, {470, 471}, {471, 472}, {472, 469},
};

/* MediaPipe's pose connections (33 BlazePose landmarks). */
static const uint8_t pose_pairs[][2] = {
    {0, 1}, {1, 2}, {2, 3}, {3, 7}, {0, 4}, {4, 5}, {5, 6}, {6, 8}, {9, 10},
    {11, 12}, {11, 13}, {13, 15}, {15, 17}, {15, 19}, {15, 21}, {17, 19},
    {12, 14}, {14, 16}, {16, 18}, {16, 20}, {16, 22}, {18, 20},
    {11, 23}, {12, 24}, {23, 24}, {23, 25}, {24, 26}, {25, 27}, {26, 28},
    {27, 29}, {28, 30}, {29, 31}, {30, 32}, {27, 31}, {28, 32},
};

/* MediaPipe's hand connections (21 landmarks). */
static const uint8_t hand_pairs[][2] = {
    {0, 1}, {1, 2}, {2, 3}, {3, 4}, {0, 5}, {5, 6}, {6, 7}, {7, 8}, {5, 9}, {9, 10}, {10, 11},
    {11, 12}, {9, 13}, {13, 14}, {14, 15}, {15, 16}, {13, 17}, {0, 17}, {17, 18}, {18, 19}, {19, 20},
};

/* A pose landmark is drawn when it is likely visible and present, as MediaPipe's drawing utility does. */
#define POSE_MIN_VISIBILITY 0.5f

static const uint8_t joint_left[3] = {255, 138, 0}, joint_right[3] = {0, 217, 231};

/* Points beyond this distance outside the image are not drawn (and keep float math in range). */
#define FAR 1.0e5f

static float sane(float v, float size)
{
    float p = v * size;
    return p == p && p > -FAR && p < FAR ? p : -FAR;
}

void landmarks_prepare(landmark_frame *lf, const segtex_people *people, const segtex_landmark_style *style,
                       int width, int height)
{
    const segtex_face_result *faces = people && (style->dots || style->contours || style->box) ? people->faces : NULL;
    const segtex_pose_result *pose = people && style->skeleton ? people->pose : NULL;
    const segtex_hand_result *hands = people && style->skeleton ? people->hands : NULL;
    lf->pose = pose && pose->count == 1;
    for (int i = 0; lf->pose && i < SEGTEX_POSE_POINTS; i++) {
        const float *l = pose->landmarks[i];
        int seen = l[3] >= POSE_MIN_VISIBILITY && l[4] >= POSE_MIN_VISIBILITY;
        lf->pose_xy[i][0] = seen ? sane(l[0], (float)width) : -FAR;
        lf->pose_xy[i][1] = seen ? sane(l[1], (float)height) : -FAR;
    }
    int hand_count = hands ? hands->count : 0;
    lf->hand_count = hand_count < 0 ? 0 : hand_count > SEGTEX_MAX_HANDS ? SEGTEX_MAX_HANDS : hand_count;
    for (int h = 0; h < lf->hand_count; h++)
        for (int i = 0; i < SEGTEX_HAND_POINTS; i++) {
            lf->hand_xy[h][i][0] = sane(hands->hands[h].xyz[i][0], (float)width);
            lf->hand_xy[h][i][1] = sane(hands->hands[h].xyz[i][1], (float)height);
        }
    int face_count = faces ? faces->count : 0;
    lf->face_count = face_count < 0 ? 0 : face_count > SEGTEX_MAX_FACES ? SEGTEX_MAX_FACES : face_count;
    for (int f = 0; f < lf->face_count; f++) {
        const segtex_face_landmarks *lm = &faces->faces[f];
        const float *box = faces->detection[f].box;
        int n = lm->count;
        n = n < 0 ? 0 : n > SEGTEX_FACE_POINTS ? SEGTEX_FACE_POINTS : n;
        lf->counts[f] = n;
        for (int i = 0; i < n; i++) {
            lf->xy[f][i][0] = sane(lm->xyz[i][0], (float)width);
            lf->xy[f][i][1] = sane(lm->xyz[i][1], (float)height);
        }
        lf->has_box[f] = box[0] != 0 || box[1] != 0 || box[2] != 0 || box[3] != 0;
        if (lf->has_box[f]) {
            lf->box[f][0] = sane(box[0], (float)width);
            lf->box[f][1] = sane(box[1], (float)height);
            lf->box[f][2] = sane(box[0] + box[2], (float)width);
            lf->box[f][3] = sane(box[1] + box[3], (float)height);
        }
    }
}

static inline void blend(uint8_t *px, const uint8_t color[3], float coverage)
{
    uint32_t a = (uint32_t)(coverage * 255.0f + 0.5f);
    if (!a)
        return;
    for (int k = 0; k < 3; k++)
        px[k] = (uint8_t)div255(color[k] * a + px[k] * (255 - a));
}

/* Clip [lo, hi] (pixel coordinates) to the pixel indices [0, n) and to [band0, band1) when given. */
static int clip_range(float lo, float hi, int n, int *a, int *b)
{
    if (hi < 0 || lo >= (float)n)
        return 0;
    *a = lo < 0 ? 0 : (int)lo;
    *b = hi >= (float)n ? n - 1 : (int)hi;
    return *a <= *b;
}

static void draw_dot(segtex_image *out, int row0, int row1, float cx, float cy, float radius,
                     const uint8_t color[3])
{
    float reach = radius + 0.5f;
    int x0, x1, y0, y1;
    if (!clip_range(cx - reach, cx + reach, out->width, &x0, &x1) ||
        !clip_range(cy - reach, cy + reach, out->height, &y0, &y1))
        return;
    if (y0 < row0)
        y0 = row0;
    if (y1 >= row1)
        y1 = row1 - 1;
    for (int y = y0; y <= y1; y++) {
        uint8_t *row = out->data + (ptrdiff_t)y * out->stride;
        float dy = (float)y + 0.5f - cy;
        for (int x = x0; x <= x1; x++) {
            float dx = (float)x + 0.5f - cx;
            float c = reach - sqrtf(dx * dx + dy * dy);
            if (c > 0)
                blend(row + (size_t)x * 3, color, c > 1 ? 1 : c);
        }
    }
}

static void draw_segment(segtex_image *out, int row0, int row1, float ax, float ay, float bx, float by, float width,
                         const uint8_t color[3])
{
    float reach = width * 0.5f + 0.5f;
    int x0, x1, y0, y1;
    if (!clip_range(fminf(ax, bx) - reach, fmaxf(ax, bx) + reach, out->width, &x0, &x1) ||
        !clip_range(fminf(ay, by) - reach, fmaxf(ay, by) + reach, out->height, &y0, &y1))
        return;
    if (y0 < row0)
        y0 = row0;
    if (y1 >= row1)
        y1 = row1 - 1;
    float vx = bx - ax, vy = by - ay, len2 = vx * vx + vy * vy;
    for (int y = y0; y <= y1; y++) {
        uint8_t *row = out->data + (ptrdiff_t)y * out->stride;
        float py = (float)y + 0.5f - ay;
        for (int x = x0; x <= x1; x++) {
            float px = (float)x + 0.5f - ax;
            float t = len2 > 0 ? (px * vx + py * vy) / len2 : 0;
            t = t < 0 ? 0 : t > 1 ? 1 : t;
            float dx = px - t * vx, dy = py - t * vy;
            float c = reach - sqrtf(dx * dx + dy * dy);
            if (c > 0)
                blend(row + (size_t)x * 3, color, c > 1 ? 1 : c);
        }
    }
}

static int drawable(const float p[2]) { return p[0] > -FAR && p[1] > -FAR; }

/* Connections, then joints, of one skeleton of `n` points. */
static void draw_skeleton(segtex_image *out, int row0, int row1, const float (*xy)[2], int n,
                          const uint8_t (*pairs)[2], size_t pair_count, const segtex_landmark_style *style,
                          const uint8_t *(*joint_color)(int point))
{
    for (size_t i = 0; i < pair_count; i++) {
        const float *a = xy[pairs[i][0]], *b = xy[pairs[i][1]];
        if (drawable(a) && drawable(b))
            draw_segment(out, row0, row1, a[0], a[1], b[0], b[1], style->skeleton_width, style->skeleton_color);
    }
    float radius = style->skeleton_width * 0.75f, reach = radius + 0.5f;
    for (int i = 0; i < n; i++)
        if (drawable(xy[i]) && xy[i][1] + reach >= (float)row0 && xy[i][1] - reach < (float)row1)
            draw_dot(out, row0, row1, xy[i][0], xy[i][1], radius, joint_color(i));
}

/* Pose: odd points are on the subject's left (MediaPipe's numbering); the nose (0) takes the left's colour. */
static const uint8_t *pose_joint_color(int i) { return i == 0 || i % 2 ? joint_left : joint_right; }
static const uint8_t *hand_joint_color(int i) { (void)i; return joint_left; }

void landmarks_draw_rows(const landmark_frame *lf, const segtex_landmark_style *style, segtex_image *out, int row0,
                         int row1)
{
    if (lf->pose)
        draw_skeleton(out, row0, row1, (const float (*)[2])lf->pose_xy, SEGTEX_POSE_POINTS, pose_pairs,
                      sizeof pose_pairs / sizeof pose_pairs[0], style, pose_joint_color);
    for (int h = 0; h < lf->hand_count; h++)
        draw_skeleton(out, row0, row1, (const float (*)[2])lf->hand_xy[h], SEGTEX_HAND_POINTS, hand_pairs,
                      sizeof hand_pairs / sizeof hand_pairs[0], style, hand_joint_color);
    for (int f = 0; f < lf->face_count; f++) {
        const float(*xy)[2] = lf->xy[f];
        int n = lf->counts[f];
        if (style->box && lf->has_box[f]) {
            const float *b = lf->box[f];
            draw_segment(out, row0, row1, b[0], b[1], b[2], b[1], style->line_width, style->box_color);
            draw_segment(out, row0, row1, b[2], b[1], b[2], b[3], style->line_width, style->box_color);
            draw_segment(out, row0, row1, b[2], b[3], b[0], b[3], style->line_width, style->box_color);
            draw_segment(out, row0, row1, b[0], b[3], b[0], b[1], style->line_width, style->box_color);
        }
        if (style->contours) {
            for (size_t i = 0; i < sizeof contour_pairs / sizeof contour_pairs[0]; i++) {
                int a = contour_pairs[i][0], b = contour_pairs[i][1];
                if (a < n && b < n && xy[a][0] > -FAR && xy[b][0] > -FAR && xy[a][1] > -FAR && xy[b][1] > -FAR)
                    draw_segment(out, row0, row1, xy[a][0], xy[a][1], xy[b][0], xy[b][1], style->line_width,
                                 style->line_color);
            }
        }
        if (style->dots) {
            float reach = style->dot_radius + 0.5f;
            for (int i = 0; i < n; i++) {
                float cy = xy[i][1];
                /* Cheap reject before the call: most dots are outside a band. */
                if (cy + reach < (float)row0 || cy - reach >= (float)row1 || xy[i][0] <= -FAR)
                    continue;
                draw_dot(out, row0, row1, xy[i][0], cy, style->dot_radius, style->dot_color);
            }
        }
    }
}
