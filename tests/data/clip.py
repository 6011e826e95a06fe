#!/usr/bin/env python3
"""clip.py: a still clip, and the flicker of its category maps (the README's flicker numbers).
  clip.py noise IN.png DIR N [AMP]   write DIR/00001.png .. DIR/N.png: IN.png with sensor noise of +-AMP levels
                                     (default 3; a fixed pseudo-random sequence, another per frame)
  clip.py flicker DIR FIRST LAST     the share of pixels whose category changes from each map DIR/%05d.png to the
                                     next, FIRST to LAST: prints "flicker MEAN% median MEDIAN% max MAX% (K frames)"
Run the clip through `segtex run -i DIR/%05d.png -o categories:MAPS/%05d.png` between the two
(scripts/still-clip.sh does all three)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import segpng  # noqa: E402


def noise(src, out_dir, n, amp):
    w, h, c, rows = segpng.read(src)
    os.makedirs(out_dir, exist_ok=True)
    seed = 54321
    for f in range(1, n + 1):
        out = []
        for r in rows:
            o = bytearray(len(r))
            for i, v in enumerate(r):
                seed = (seed * 1103515245 + 12345) & 0x7fffffff
                o[i] = max(0, min(255, v + (seed >> 16) % (2 * amp + 1) - amp))
            out.append(bytes(o))
        segpng.write(os.path.join(out_dir, '%05d.png' % f), w, h, c, out)


def flicker(maps, first, last):
    prev, shares = None, []
    for f in range(first, last + 1):
        w, h, c, rows = segpng.read(os.path.join(maps, '%05d.png' % f))
        ids = [bytes(r[0:w * c:c]) for r in rows]
        if prev is not None:
            if len(prev) != len(ids) or len(prev[0]) != len(ids[0]):
                sys.exit('clip.py: map %05d.png is %dx%d, the one before another size' % (f, w, h))
            changed = sum(sum(1 for a, b in zip(p, q) if a != b) for p, q in zip(prev, ids))
            shares.append(100.0 * changed / (w * h))
        prev = ids
    if not shares:
        sys.exit('clip.py: flicker needs two maps at least (%d to %d)' % (first, last))
    s = sorted(shares)
    print('flicker %.3f%% median %.3f%% max %.3f%% (%d frames)' %
          (sum(s) / len(s), s[len(s) // 2], s[-1], len(s) + 1))


def main():
    a = sys.argv
    if len(a) in (5, 6) and a[1] == 'noise':
        noise(a[2], a[3], int(a[4]), int(a[5]) if len(a) == 6 else 3)
    elif len(a) == 5 and a[1] == 'flicker':
        flicker(a[2], int(a[3]), int(a[4]))
    else:
        sys.exit('usage: clip.py noise IN.png DIR N [AMP] | clip.py flicker DIR FIRST LAST')


if __name__ == '__main__':
    main()
