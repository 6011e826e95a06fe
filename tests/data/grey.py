#!/usr/bin/env python3
"""grey.py IN.png OUT.png: IN as an IR or night webcam would see it, luma only (BT.601 weights in 8-bit fixed
point), written as RGB with three equal channels. The composite's greyscale checks (tests/cli_composite.sh)
and the README's hard case (scripts/hard-case.sh) use it."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import segpng  # noqa: E402


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: grey.py IN.png OUT.png')
    w, h, c, rows = segpng.read(sys.argv[1])
    if c < 3:
        sys.exit('grey.py: %s has %d channels, expected RGB' % (sys.argv[1], c))
    grey = []
    for r in rows:
        o = bytearray()
        for x in range(w):
            y = (77 * r[x * c] + 150 * r[x * c + 1] + 29 * r[x * c + 2] + 128) >> 8
            o += bytes((y, y, y))
        grey.append(o)
    segpng.write(sys.argv[2], w, h, 3, grey)


if __name__ == '__main__':
    main()
