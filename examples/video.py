#!/usr/bin/env python3
"""A video file through the segtex effect into another file.

    python3 examples/video.py IN.mp4 OUT.mp4 [--mode mask|overlay|cutout] [--seed N] [--landmarks]

Offline: every frame in order, deterministic. Needs Debian's python3-opencv and python3-numpy.
(`segtex run IN.mp4 --out OUT.mp4` does the same in C with FFmpeg; this shows the Python way.)
"""
import argparse
import os
import sys
import time

import cv2

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import segtex  # noqa: E402

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("input")
ap.add_argument("output")
ap.add_argument("--mode", default="overlay", choices=segtex.MODES)
ap.add_argument("--seed", type=int)
ap.add_argument("--landmarks", action="store_true")
ap.add_argument("--models", help="folder of the .tflite files")
a = ap.parse_args()

src = cv2.VideoCapture(a.input)
if not src.isOpened():
    sys.exit("video: cannot open %s" % a.input)
fps = src.get(cv2.CAP_PROP_FPS) or 30.0
size = int(src.get(cv2.CAP_PROP_FRAME_WIDTH)), int(src.get(cv2.CAP_PROP_FRAME_HEIGHT))
dst = cv2.VideoWriter(a.output, cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
if not dst.isOpened():
    sys.exit("video: cannot write %s" % a.output)
n, t0, rgb = 0, time.perf_counter(), None
with segtex.Effect(models=a.models, mode=a.mode, seed=a.seed, landmarks=a.landmarks) as fx:
    while True:
        ok, bgr = src.read()
        if not ok:
            break
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB, dst=rgb)
        painted = fx.process(rgb, pts=n / fps)
        dst.write(cv2.cvtColor(painted, cv2.COLOR_RGB2BGR, dst=bgr))
        n += 1
    stats = fx.stats
dst.release()
dt = time.perf_counter() - t0
print("video: %d frames in %.1f s (%.1f fps), render p50 %.2f ms" % (n, dt, n / dt if dt else 0,
                                                                  stats["render"]["p50_ms"]))
