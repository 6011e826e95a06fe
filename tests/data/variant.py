#!/usr/bin/env python3
"""variant.py KIND IN.png OUT.png [LABELS.png OUT_LABELS.png]: a photo as another camera would see it, and its
category labels moved the same way, for the composite's checks (tests/cli_composite.sh) and the README's hard
case (scripts/hard-case.sh). KIND:
  grey    luma only (BT.601 weights in 8-bit fixed point) in three equal channels: an IR or night webcam;
          the labels are unchanged
  mirror  flipped left to right (a selfie view)
  small   half the size (2x2 means; labels: the top-left pixel of each 2x2), at the bottom centre of a
          640x480 frame of grey 90: a person farther away, on the landscape (4:3) model's path
  dark    every channel x 0.35 plus sensor noise of +-2 levels (a fixed pseudo-random sequence): a room at
          night, the camera's exposure short of it; the labels are unchanged
  haze    every channel halved and raised by 100 (washed out: glare, fog, contrast turned down); the
          labels are unchanged
  chest   the top five sixths of the rows: framed at the chest (a webcam's close-up), most of the torso below the
          frame
  quad    the top of the photo's middle (its middle half across, its top half down: a portrait's head) four
          times, 2x2, the photo's size: four faces with no shoulders under them (as a video call's grid)"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import segpng  # noqa: E402


def grey(w, h, c, rows):
    out = []
    for r in rows:
        o = bytearray()
        for x in range(w):
            y = (77 * r[x * c] + 150 * r[x * c + 1] + 29 * r[x * c + 2] + 128) >> 8
            o += bytes((y, y, y))
        out.append(bytes(o))
    return w, h, 3, out


def mirror(w, h, c, rows):
    return w, h, c, [b''.join(bytes(r[x * c:(x + 1) * c]) for x in range(w - 1, -1, -1)) for r in rows]


def small(w, h, c, rows, fill, mean):
    fw, fh = 640, 480
    sw, sh = w // 2, h // 2
    if sw > fw or sh > fh:
        sys.exit('variant.py: %dx%d is too large for small (at most 1280x960)' % (w, h))
    ox, oy = (fw - sw) // 2, fh - sh
    out = [bytearray([fill] * fw * c) for _ in range(fh)]
    for y in range(sh):
        a, b, o = rows[2 * y], rows[2 * y + 1], out[oy + y]
        for x in range(sw):
            for k in range(c):
                if mean:
                    v = (a[2 * x * c + k] + a[(2 * x + 1) * c + k] + b[2 * x * c + k] + b[(2 * x + 1) * c + k] + 2) // 4
                else:
                    v = a[2 * x * c + k]
                o[(ox + x) * c + k] = v
    return fw, fh, c, [bytes(r) for r in out]


def dark(w, h, c, rows):
    seed, out = 12345, []
    for r in rows:
        o = bytearray(len(r))
        for i, v in enumerate(r):
            seed = (seed * 1103515245 + 12345) & 0x7fffffff
            o[i] = max(0, min(255, (v * 35 + 50) // 100 + (seed >> 16) % 5 - 2))
        out.append(bytes(o))
    return w, h, c, out


def quad(w, h, c, rows):
    x0, tw, th = w // 4, w // 2, h // 2
    tile = [bytes(r[x0 * c:(x0 + tw) * c]) for r in rows[:th]]
    out = [t + t for t in tile] * 2
    return 2 * tw, 2 * th, c, out


def chest(w, h, c, rows):
    return w, h * 5 // 6, c, rows[:h * 5 // 6]


def haze(w, h, c, rows):
    return w, h, c, [bytes((v + 1) // 2 + 100 for v in r) for r in rows]


PHOTO = {'grey': grey, 'mirror': mirror, 'dark': dark, 'haze': haze, 'quad': quad, 'chest': chest}  # small takes its fill and mode too


def main():
    if len(sys.argv) not in (4, 6) or sys.argv[1] not in ('small', *PHOTO):
        sys.exit('usage: variant.py grey|mirror|small|dark|haze|quad|chest IN.png OUT.png [LABELS.png OUT_LABELS.png]')
    kind = sys.argv[1]
    w, h, c, rows = segpng.read(sys.argv[2])
    if kind == 'grey' and c < 3:
        sys.exit('variant.py: %s has %d channels, expected RGB' % (sys.argv[2], c))
    img = small(w, h, c, rows, 90, True) if kind == 'small' else PHOTO[kind](w, h, c, rows)
    segpng.write(sys.argv[3], *img)
    if len(sys.argv) == 6:
        lw, lh, lc, lab = segpng.read(sys.argv[4])
        if (lw, lh) != (w, h):
            sys.exit('variant.py: the labels are %dx%d, the photo %dx%d' % (lw, lh, w, h))
        lab = [bytes(r[0:lw * lc:lc]) for r in lab]  # ids: the first channel
        out = (small(lw, lh, 1, lab, 0, False) if kind == 'small' else mirror(lw, lh, 1, lab) if kind == 'mirror' else
               quad(lw, lh, 1, lab) if kind == 'quad' else chest(lw, lh, 1, lab) if kind == 'chest' else
               (lw, lh, 1, lab))  # the other kinds move no pixel
        segpng.write(sys.argv[5], *out)


if __name__ == '__main__':
    main()
