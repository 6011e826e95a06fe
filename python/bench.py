#!/usr/bin/env python3
"""Per-frame overhead of the Python binding over the C call, at 720p.

    python3 python/bench.py [--frames 200] [--size 1280x720] [--threads 0] [--live]

One effect, one frame (the portrait in a 1280x720 frame), three measurements:

  overhead   per frame, `effect.process(frame)` wall time minus the time spent inside the
             ctypes call to segtex_effect_process it makes (timed around that call), i.e.
             everything Python adds: argument checks, the image views, the output array,
             the status check. Exact per frame, not a difference of two noisy medians.
  C call     the segtex_effect_process call alone, through ctypes with prepared arguments
             (the floor any binding pays) vs effect.process, alternating per frame: the
             difference of their medians says the same thing, with the inference's noise.
  warm       the wrapper with the C call replaced by a no-op, 20000 calls in a row: its cost
             with hot caches (the first number also has the cache misses after a 20 ms call).
  views      reading effect.faces, .categories and .probabilities after a frame (NumPy views
             made on first access).

Prints medians (and p95) in milliseconds. Never fails on time: the target is < 0.2 ms.
"""
import argparse
import ctypes
import os
import platform
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import segtex  # noqa: E402
from segtex import _lib  # noqa: E402


def frame_of(size, portrait):
    w, h = size
    f = np.zeros((h, w, 3), np.uint8)
    f[:] = (40, 90, 160)
    side = min(w, h)
    idx = (np.arange(side) * portrait.shape[0] // side)
    p = portrait[idx][:, idx]
    x = (w - side) // 2
    f[(h - side) // 2:(h - side) // 2 + side, x:x + side] = p
    return f


def ms(xs):
    xs = sorted(xs)
    return "median %.4f ms, p95 %.4f ms" % (statistics.median(xs) * 1e3, xs[int(0.95 * (len(xs) - 1))] * 1e3)


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=200)
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--live", action="store_true", help="push live (the call returns without waiting for inference)")
    ap.add_argument("--models")
    a = ap.parse_args()
    size = tuple(int(v) for v in a.size.lower().split("x"))
    portrait = segtex.load_image(os.path.join(segtex.models_dir(a.models), "astronaut.png"))
    frame = frame_of(size, portrait)
    perf = time.perf_counter
    with segtex.Effect(models=a.models, threads=a.threads, live=a.live) as fx:
        for _ in range(20):
            fx.process(frame)

        # 1. The exact per-frame overhead: time around the inner ctypes call.
        real = fx._process
        inner = []

        def timed(*args):
            t = perf()
            r = real(*args)
            inner.append(perf() - t)
            return r

        fx._process = timed
        outer = []
        for _ in range(a.frames):
            t = perf()
            fx.process(frame)
            outer.append(perf() - t)
        fx._process = real
        overhead = [o - i for o, i in zip(outer, inner)]

        # 2. The bare ctypes call with prepared arguments vs effect.process, alternating.
        i, o = _lib.Image(frame.ctypes.data, size[0], size[1], 3, frame.strides[0]), _lib.Image()
        out = np.empty_like(frame)
        o.data, o.width, o.height, o.channels, o.stride = out.ctypes.data, size[0], size[1], 3, 3 * size[0]
        res = _lib.EffectResult()
        args = (fx._e, ctypes.byref(i), 0.0, ctypes.byref(o), ctypes.byref(res))
        raw, py = [], []
        for k in range(a.frames):
            t = perf()
            real(args[0], args[1], (1000 + 2 * k) / 30.0, args[3], args[4])
            raw.append(perf() - t)
            t = perf()
            fx.process(frame, (1001 + 2 * k) / 30.0)  # the same time line: the smoothing filters see no jump
            py.append(perf() - t)

        # 3. The result views.
        views = []
        for k in range(min(a.frames, 100)):
            fx.process(frame, (2000 + k) / 30.0)
            t = perf()
            fx.faces, fx.categories, fx.probabilities
            views.append(perf() - t)

        # 4. The wrapper alone, warm: the C call replaced by a no-op.
        fx._process = lambda *args: 0
        t = perf()
        for _ in range(20000):
            fx.process(frame)
        warm = (perf() - t) / 20000
        fx._process = real

        # The floor: a trivial C call through ctypes.
        get_mode, e = _lib.segtex_effect_get_mode, fx._e
        t = perf()
        for _ in range(100000):
            get_mode(e)
        floor = (perf() - t) / 100000
        stats, backend = fx.stats, fx.backend

    print("segtex Python binding overhead, %dx%d, %s, %d frames, threads %d, %s" % (
        size[0], size[1], "push live" if a.live else "push offline", a.frames, a.threads, backend))
    print("machine: %s, %d CPUs, Python %s, NumPy %s" % (cpu_name(), os.cpu_count(), platform.python_version(),
                                                        np.__version__))
    print("per frame in C (segtex_effect_process): %s" % ms(inner))
    print("Python overhead of effect.process:      %s" % ms(overhead))
    print("bare ctypes call, alternating:          %s" % ms(raw))
    print("effect.process, alternating:            %s" % ms(py))
    print("  difference of medians:                %.4f ms" % ((statistics.median(py) - statistics.median(raw)) * 1e3))
    print("faces + categories + probabilities:     %s" % ms(views))
    print("the wrapper alone, warm (C call no-op):  %.4f ms" % (warm * 1e3))
    print("a trivial ctypes call (the floor):       %.4f ms" % (floor * 1e3))
    print("library stages (p50): face %.2f ms, seg %.2f ms, render %.2f ms" % (
        stats["face"]["p50_ms"], stats["seg"]["p50_ms"], stats["render"]["p50_ms"]))


if __name__ == "__main__":
    main()
