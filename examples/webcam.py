#!/usr/bin/env python3
"""The original program's job: camera in, segtex effect, window out.

    python3 examples/webcam.py [CAMERA|VIDEO]     keys: r randomize, m next mode, l landmarks, q quit

Needs Debian's python3-opencv and python3-numpy; run from the source tree after a build, or with
libsegtex installed (SEGTEX_LIBRARY may name the .so, SEGTEX_ASSETS the models folder).
"""
import os
import sys

import cv2

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import segtex  # noqa: E402

arg = sys.argv[1] if len(sys.argv) > 1 else "0"
cam = cv2.VideoCapture(int(arg) if arg.isdigit() else arg)  # a camera index, or a file to try it on
if not cam.isOpened():
    sys.exit("webcam: cannot open the camera")
with segtex.Effect(live=True, seed=1) as fx:  # live: inference on its own threads, newest frame wins
    rgb = None
    while True:
        ok, bgr = cam.read()
        if not ok:
            break
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB, dst=rgb)   # one buffer, reused
        painted = fx.process(rgb)                              # the effect's own array, reused
        cv2.imshow("segtex", cv2.cvtColor(painted, cv2.COLOR_RGB2BGR, dst=bgr))
        key = cv2.waitKey(1) & 0xFF
        if key == ord("r"):
            fx.randomize()
        elif key == ord("m"):
            print("mode:", fx.next_mode())
        elif key == ord("l"):
            fx.landmarks = not fx.landmarks
        elif key in (ord("q"), 27):
            break
cam.release()
cv2.destroyAllWindows()
