#!/usr/bin/env python3
"""Rasterize hand-drawn label polygons into a category map (8-bit grey PNG of ids 0..5).

usage: labels.py POLYGONS.txt OUT.png [PHOTO.png OVERLAY.png]

POLYGONS.txt: `size W H`, then one polygon per line: a category name (background, hair, body-skin,
face-skin, clothes, others) and its vertices as x,y pixel coordinates; `#` starts a comment. Polygons
are painted in file order, later over earlier, pixel (i, j) taking the polygon containing its centre
(i + 0.5, j + 0.5). With PHOTO and OVERLAY, also writes the labels tinted over the photo to check them.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import segpng  # noqa: E402

NAMES = ['background', 'hair', 'body-skin', 'face-skin', 'clothes', 'others']
TINT = [(0, 0, 0), (255, 200, 0), (255, 80, 80), (80, 200, 255), (80, 255, 80), (200, 80, 255)]


def parse(path):
    size, polys = None, []
    for n, line in enumerate(open(path), 1):
        line = line.split('#')[0].split()
        if not line:
            continue
        if line[0] == 'size':
            size = int(line[1]), int(line[2])
            continue
        if line[0] not in NAMES:
            sys.exit('%s:%d: unknown category %r' % (path, n, line[0]))
        pts = [tuple(float(v) for v in p.split(',')) for p in line[1:]]
        if len(pts) < 3:
            sys.exit('%s:%d: a polygon needs 3 points' % (path, n))
        polys.append((NAMES.index(line[0]), pts))
    if not size:
        sys.exit('%s: no size line' % path)
    return size, polys


def fill(rows, w, h, cat, pts):
    ys = [p[1] for p in pts]
    for j in range(max(0, int(min(ys))), min(h, int(max(ys)) + 2)):
        yc = j + 0.5
        xs = []
        for i in range(len(pts)):
            (x0, y0), (x1, y1) = pts[i - 1], pts[i]
            if (y0 > yc) != (y1 > yc):
                xs.append(x0 + (yc - y0) * (x1 - x0) / (y1 - y0))
        xs.sort()
        for a, b in zip(xs[0::2], xs[1::2]):
            for i in range(max(0, int(a + 0.5)), min(w, int(b + 0.5))):  # centres in [a, b)
                rows[j][i] = cat


def main():
    if len(sys.argv) not in (3, 5):
        sys.exit(__doc__)
    (w, h), polys = parse(sys.argv[1])
    rows = [bytearray(w) for _ in range(h)]
    for cat, pts in polys:
        fill(rows, w, h, cat, pts)
    segpng.write(sys.argv[2], w, h, 1, rows)
    if len(sys.argv) == 5:
        pw, ph, pc, photo = segpng.read(sys.argv[3])
        if (pw, ph) != (w, h):
            sys.exit('labels: the photo is %dx%d, the labels %dx%d' % (pw, ph, w, h))
        out = []
        for j in range(h):
            r = bytearray(w * 3)
            for i in range(w):
                c = rows[j][i]
                for k in range(3):
                    v = photo[j][i * pc + (k if pc >= 3 else 0)]
                    r[i * 3 + k] = v if c == 0 else (v + TINT[c][k]) // 2
            out.append(r)
        segpng.write(sys.argv[4], w, h, 3, out)


if __name__ == '__main__':
    main()
