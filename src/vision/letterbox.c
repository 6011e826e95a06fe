/*
 * A frame's black bars (letterbox_find): a film's letterbox, a 4:3 picture's
 * pillarbox in a 16:9 frame. The selfie models see a bar under a chin or over
 * a head as part of the person (the film stills' bars, a caption on them, were
 * painted hair and clothes: 11 % of earring's pixels).
 *
 * Each edge is walked inward a line at a time, LETTERBOX_SAMPLES pixels of
 * a line read evenly across it, as luma:
 *   - the edge's line sets the bar's level: dark (mean <= BAR_MAX) and flat
 *     (PURE of its samples within NEAR of the mean), or there is no bar;
 *   - more lines at that level, PURE of them, make the bar's flat part; it
 *     must be a few lines deep (MIN_LINES, or a hundredth of the frame);
 *   - then lines with CAPTION of their samples at the level: white text on
 *     the bar (a subtitle, a panel's label) is still the bar;
 *   - the picture's first line must then stand out: CONTENT of it brighter
 *     than the level by EDGE. A dark scene fading into black (a night sky, a
 *     dark room's corner) does not, and is no bar.
 * A bar deeper than a quarter of the frame is no bar (a fade to black).
 */
#include "vision/letterbox.h"

#include <stdint.h>
#include <stdlib.h>

#define BAR_MAX 40     /* a bar's level at most (limited-range black is 16) */
#define NEAR 6         /* a sample at the bar's level: within this many levels of it */
#define PURE 0.98f     /* the bar's flat lines: this share of samples at its level */
#define CAPTION 0.75f  /* a caption's lines on the bar: this share at its level */
#define EDGE 16        /* the picture's first line: brighter than the bar by this much */
#define CONTENT 0.3f   /* ... in this share of its samples */
#define MIN_LINES 2    /* the flat part's depth at least (or a hundredth of the frame) */
#define MAX_SHARE 4    /* a bar at most 1 / MAX_SHARE of the frame */

typedef struct line_reader {
    const segtex_image *img;
    int vertical; /* 0: rows (top and bottom bars), 1: columns (left and right) */
    int n;        /* samples per line */
} line_reader;

/* Luma of sample `i` of line `k` (a row or a column). */
static int luma(const line_reader *r, int k, int i)
{
    const segtex_image *img = r->img;
    const int len = r->vertical ? img->height : img->width;
    const int along = r->n > 1 ? (int)((long)i * (len - 1) / (r->n - 1)) : 0;
    const int x = r->vertical ? k : along, y = r->vertical ? along : k;
    const uint8_t *p = img->data + (ptrdiff_t)y * img->stride + (ptrdiff_t)x * img->channels;
    return (77 * p[0] + 150 * p[1] + 29 * p[2]) >> 8;
}

/* Share of line k's samples within NEAR of `level`, and of those brighter than it by EDGE. */
static void line_shares(const line_reader *r, int k, int level, float *at, float *above)
{
    int n_at = 0, n_above = 0;
    for (int i = 0; i < r->n; i++) {
        const int y = luma(r, k, i);
        n_at += abs(y - level) <= NEAR;
        n_above += y > level + EDGE;
    }
    *at = (float)n_at / (float)r->n, *above = (float)n_above / (float)r->n;
}

/* How many lines deep the bar at one edge is (0: none). `lines`: the frame's lines across; `dir`: +1 from line 0,
 * -1 from the last. */
static int bar_depth(const line_reader *r, int lines, int dir)
{
    const int first = dir > 0 ? 0 : lines - 1, most = lines / MAX_SHARE;
    long sum = 0;
    for (int i = 0; i < r->n; i++)
        sum += luma(r, first, i);
    const int level = (int)(sum / r->n);
    if (level > BAR_MAX || most < 1)
        return 0;
    float at, above;
    int k = 0;
    for (; k < most; k++) {
        line_shares(r, first + dir * k, level, &at, &above);
        if (at < PURE)
            break;
    }
    const int min_lines = lines / 100 > MIN_LINES ? lines / 100 : MIN_LINES;
    if (k < min_lines)
        return 0;
    for (; k < most; k++) {
        line_shares(r, first + dir * k, level, &at, &above);
        if (at < CAPTION)
            break;
    }
    if (k >= most)
        return 0;
    line_shares(r, first + dir * k, level, &at, &above);
    return above >= CONTENT ? k : 0;
}

int letterbox_find(const segtex_image *img, int rect[4])
{
    rect[0] = rect[1] = 0;
    rect[2] = img ? img->width : 0, rect[3] = img ? img->height : 0;
    if (!img || !img->data || img->width < 1 || img->height < 1 || (img->channels != 3 && img->channels != 4))
        return 0;
    int found = 0;
    for (int vertical = 0; vertical < 2; vertical++) {
        const int len = vertical ? img->height : img->width, lines = vertical ? img->width : img->height;
        const line_reader r = {img, vertical, len < LETTERBOX_SAMPLES ? len : LETTERBOX_SAMPLES};
        const int lo = bar_depth(&r, lines, 1), hi = bar_depth(&r, lines, -1);
        found += (lo > 0) + (hi > 0);
        rect[vertical ? 0 : 1] = lo, rect[vertical ? 2 : 3] = lines - hi;
    }
    return found;
}
