#!/usr/bin/env python3
"""Per-category IoU of a predicted category map against hand labels (both 8-bit grey PNGs of ids 0..5, same size).

usage: iou.py PREDICTED.png LABELS.png [NAME]
Prints one line per category present in either map, then `mIoU4 X` (the mean over hair, body skin,
face skin and clothes present in the labels) and `person X` (IoU of ids 1..5 against 1..5).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import segpng  # noqa: E402

NAMES = ['background', 'hair', 'body-skin', 'face-skin', 'clothes', 'others']


def scores(pred, lab):
    inter, union = [0] * 6, [0] * 6
    inter_p = union_p = 0
    present = [0] * 6
    for rp, rl in zip(pred, lab):
        for p, l in zip(rp, rl):
            p = p if p < 6 else 0
            present[l] += 1
            if p == l:
                inter[p] += 1
                union[p] += 1
            else:
                union[p] += 1
                union[l] += 1
            if p or l:
                union_p += 1
                inter_p += 1 if (p and l) else 0
    iou = [inter[c] / union[c] if union[c] else None for c in range(6)]
    four = [iou[c] for c in (1, 2, 3, 4) if present[c]]
    return iou, sum(four) / len(four), inter_p / union_p if union_p else 1.0


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    wp, hp, cp, pred = segpng.read(sys.argv[1])
    wl, hl, cl, lab = segpng.read(sys.argv[2])
    if (wp, hp, cp) != (wl, hl, cl) or cp != 1:
        sys.exit('iou: %s is %dx%dx%d, the labels %dx%dx%d' % (sys.argv[1], wp, hp, cp, wl, hl, cl))
    iou, m4, person = scores(pred, lab)
    name = sys.argv[3] if len(sys.argv) > 3 else os.path.basename(sys.argv[2])
    print('%s: ' % name + ' '.join('%s %.3f' % (NAMES[c], iou[c]) for c in range(6) if iou[c] is not None) +
          ' | mIoU4 %.3f person %.3f' % (m4, person))
    print('mIoU4 %.4f' % m4)
    for c in range(6):
        if iou[c] is not None:
            print('%s %.4f' % (NAMES[c], iou[c]))
    print('person %.4f' % person)


if __name__ == '__main__':
    main()
