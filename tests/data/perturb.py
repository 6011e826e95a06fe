#!/usr/bin/env python3
"""perturb.py: how much the categories' scores move when a labelled photo is seen a little otherwise.

  perturb.py make IN OUT     for each IN/NAME.png + NAME.labels.png, writes OUT/NAME~KIND.png + NAME~KIND.labels.png
                             for every KIND below (the labels moved as the photo is)
  perturb.py tall IN OUT     writes OUT/NAME~tall.png + labels: each case cut to a 9:16 window around its person
                             (a phone held upright; photos already that narrow left out), and prints NAME x0 width
  perturb.py roll IN OUT     writes OUT/NAME~rA.png + labels for A in 0, -15, 15, -30, 30: each case turned A degrees
                             (counter-clockwise; a head tilted) and cut to the middle window a 30-degree turn leaves
                             whole (73 % of a square photo's side), the same for every A: ~r0 is that close-up
                             framing unturned; prints NAME width height (`table` reads ~orig cases, not these)
  perturb.py table SCORES    reads scripts/score-labels.sh's output on OUT and prints, per photo, its mIoU4 as is
                             and each kind's change from it, the mean change per kind, and the mean over every case

KIND: orig (as is), bright (x 1.25 + 10, clipped: an overexposed webcam), dim (x 0.7), cl / cr / ct / cb (12 % of
the columns or rows cut at the left, right, top or bottom: another framing), flip (mirrored), jpg (JPEG at quality
60), s0.7 / s1.4 (scaled by 0.7 with area means, by 1.4 bilinear; the labels by nearest neighbour).
Needs python3-opencv (scripts/install-deps.sh)."""
import collections
import os
import re
import sys

KINDS = ('orig', 'bright', 'dim', 'cl', 'cr', 'ct', 'cb', 'flip', 'jpg', 's0.7', 's1.4')


def variants(im, lab):
    import cv2
    import numpy as np
    h, w = lab.shape[:2]
    c, r = int(0.12 * w), int(0.12 * h)
    out = {'orig': (im, lab),
           'bright': (np.clip(im * 1.25 + 10, 0, 255).astype(np.uint8), lab),
           'dim': (np.clip(im * 0.7, 0, 255).astype(np.uint8), lab),
           'cl': (im[:, c:], lab[:, c:]), 'cr': (im[:, :w - c], lab[:, :w - c]),
           'ct': (im[r:], lab[r:]), 'cb': (im[:h - r], lab[:h - r]),
           'flip': (im[:, ::-1], lab[:, ::-1])}
    ok, jpg = cv2.imencode('.jpg', im, [cv2.IMWRITE_JPEG_QUALITY, 60])
    out['jpg'] = (cv2.imdecode(jpg, cv2.IMREAD_COLOR) if ok else None, lab)
    for s in (0.7, 1.4):
        size = (int(w * s), int(h * s))
        out['s%.1f' % s] = (cv2.resize(im, size, interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR),
                            cv2.resize(lab, size, interpolation=cv2.INTER_NEAREST))
    return out


def make(src, dst):
    import cv2
    import numpy as np
    if not os.path.isdir(src):
        sys.exit('perturb.py: %s is not a folder' % src)
    if os.path.realpath(src) == os.path.realpath(dst):
        sys.exit('perturb.py: OUT must be another folder than IN (%s)' % src)
    os.makedirs(dst, exist_ok=True)
    names = sorted(f[:-len('.labels.png')] for f in os.listdir(src) if f.endswith('.labels.png'))
    if not names:
        sys.exit('perturb.py: no NAME.labels.png in %s' % src)
    n = 0
    for name in names:
        im = cv2.imread(os.path.join(src, name + '.png'), cv2.IMREAD_COLOR)
        lab = cv2.imread(os.path.join(src, name + '.labels.png'), cv2.IMREAD_UNCHANGED)
        if im is None or lab is None or lab.ndim != 2 or im.shape[:2] != lab.shape:
            sys.exit('perturb.py: %s: no photo, or labels not an 8-bit grey map of its size' % name)
        for kind, (a, b) in variants(im, lab).items():
            base = os.path.join(dst, '%s~%s' % (name, kind))
            if a is None or not cv2.imwrite(base + '.png', np.ascontiguousarray(a)) or \
                    not cv2.imwrite(base + '.labels.png', np.ascontiguousarray(b)):
                sys.exit('perturb.py: cannot write %s.png' % base)
            n += 1
    print('perturb.py: %d cases (%d photos x %d kinds) in %s' % (n, len(names), len(KINDS), dst))


def labelled(src, dst):
    """The checks tall and roll share: IN a folder holding at least one case, OUT another one (made if missing);
    then each case of IN as (NAME, photo, labels), its labels an 8-bit grey map of the photo's size (a bad case stops
    the run there, the cases before it written)."""
    import cv2
    import numpy as np
    if not os.path.isdir(src):
        sys.exit('perturb.py: %s is not a folder' % src)
    if os.path.realpath(src) == os.path.realpath(dst):
        sys.exit('perturb.py: OUT must be another folder than IN (%s)' % src)
    if os.path.exists(dst) and not os.path.isdir(dst):
        sys.exit('perturb.py: %s exists and is not a folder' % dst)
    names = sorted(f[:-len('.labels.png')] for f in os.listdir(src) if f.endswith('.labels.png'))
    if not names:
        sys.exit('perturb.py: no NAME.labels.png in %s' % src)
    os.makedirs(dst, exist_ok=True)
    for name in names:
        im = cv2.imread(os.path.join(src, name + '.png'), cv2.IMREAD_COLOR)
        lab = cv2.imread(os.path.join(src, name + '.labels.png'), cv2.IMREAD_UNCHANGED)
        if im is None or lab is None or lab.ndim != 2 or lab.dtype != np.uint8 or im.shape[:2] != lab.shape:
            sys.exit('perturb.py: %s: no photo, or labels not an 8-bit grey map of its size' % name)
        yield name, im, lab


def tall(src, dst):
    """Each case cut to a 9:16 window (a phone held upright) around its labelled person's middle column, its full
    height kept; a photo already that narrow (9:16 or under, within 10 %) is left out. Prints NAME x0 width."""
    import cv2
    import numpy as np
    n = 0
    for name, im, lab in labelled(src, dst):
        h, w = lab.shape
        tw = h * 9 // 16
        xs = np.nonzero(lab > 0)[1]
        if tw < 1 or tw >= 0.9 * w or not len(xs):  # too small to cut, already that narrow, or nobody labelled
            continue
        x0 = min(max(int(np.median(xs)) - tw // 2, 0), w - tw)
        base = os.path.join(dst, '%s~tall' % name)
        if not cv2.imwrite(base + '.png', np.ascontiguousarray(im[:, x0:x0 + tw])) or \
                not cv2.imwrite(base + '.labels.png', np.ascontiguousarray(lab[:, x0:x0 + tw])):
            sys.exit('perturb.py: cannot write %s.png' % base)
        print('%s %d %d' % (name, x0, tw))
        n += 1
    print('perturb.py: %d tall cases in %s' % (n, dst))


ROLLS = (0, -15, 15, -30, 30)


def roll(src, dst):
    """Each case turned by each of ROLLS (degrees, counter-clockwise) about its middle, then cut to the middle window
    of the photo's own shape that a 30-degree turn leaves inside the photo: every angle's case has the same window,
    so NAME~r0 (that window unturned) is the close-up framing the others are measured against. Prints NAME w h."""
    import cv2
    import math
    import numpy as np
    c, s = math.cos(math.radians(30)), math.sin(math.radians(30))
    n = 0
    for name, im, lab in labelled(src, dst):
        h, w = lab.shape
        k = min(w / (w * c + h * s), h / (w * s + h * c))  # the window turned back fits in the photo
        cw, ch = int(w * k), int(h * k)
        if cw < 8 or ch < 8:
            print('perturb.py: %s left out: %d x %d is too small to turn and cut' % (name, w, h), file=sys.stderr)
            continue
        x0, y0 = (w - cw) // 2, (h - ch) // 2
        for a in ROLLS:
            # about the photo's middle in pixel coordinates; the window's edge pixels sample the photo's last row
            # or column, never the black beyond it
            m = cv2.getRotationMatrix2D(((w - 1) / 2.0, (h - 1) / 2.0), a, 1.0)
            ri = cv2.warpAffine(im, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE) if a else im
            rl = cv2.warpAffine(lab, m, (w, h), flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_REPLICATE) if a else lab
            base = os.path.join(dst, '%s~r%d' % (name, a))
            if not cv2.imwrite(base + '.png', np.ascontiguousarray(ri[y0:y0 + ch, x0:x0 + cw])) or \
                    not cv2.imwrite(base + '.labels.png', np.ascontiguousarray(rl[y0:y0 + ch, x0:x0 + cw])):
                sys.exit('perturb.py: cannot write %s.png' % base)
            n += 1
        print('%s %d %d' % (name, cw, ch))
    print('perturb.py: %d turned cases in %s' % (n, dst))


def table(path):
    score = collections.defaultdict(dict)
    with open(path) as f:
        for line in f:
            m = re.match(r'(\S+)~(\S+): .*\| mIoU4 ([0-9.]+)', line)
            if m:
                score[m.group(1)][m.group(2)] = float(m.group(3))
    names = sorted(n for n in score if 'orig' in score[n])
    if not names:
        sys.exit('perturb.py: no NAME~orig line in %s' % path)
    kinds = [k for k in KINDS[1:] if any(k in score[n] for n in names)]
    print('%-22s %6s ' % ('photo', 'as is') + ' '.join('%6s' % k for k in kinds))
    for n in names:
        o = score[n]['orig']
        print('%-22s %6.3f ' % (n, o) + ' '.join(
            '%+6.3f' % (score[n][k] - o) if k in score[n] else '%6s' % '-' for k in kinds))
    mean = [sum(score[n][k] - score[n]['orig'] for n in names if k in score[n]) /
            max(1, sum(k in score[n] for n in names)) for k in kinds]
    print('%-22s %6.3f ' % ('mean', sum(score[n]['orig'] for n in names) / len(names)) +
          ' '.join('%+6.3f' % d for d in mean))
    every = [v for n in names for v in score[n].values()]
    print('mean over every case %.4f (%d)' % (sum(every) / len(every), len(every)))


def main():
    if len(sys.argv) == 4 and sys.argv[1] == 'make':
        make(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == 'tall':
        tall(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == 'roll':
        roll(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == 'table':
        table(sys.argv[2])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
