"""examples/video.py and examples/webcam.py on a short clip (skipped without Debian's python3-opencv)."""
import os
import subprocess
import sys

import pytest

cv2 = pytest.importorskip("cv2")
HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.normpath(os.path.join(HERE, "..", "..", "examples"))


@pytest.fixture(scope="module")
def clip(segtex_bin, assets, tmp_path_factory):
    path = str(tmp_path_factory.mktemp("clip") / "demo.mp4")
    subprocess.run([segtex_bin, "run", "--frames", "12", "--size", "320x240", "-o", path, "--models", assets],
                   check=True, capture_output=True)
    return path


def _frames(path):
    cap, n = cv2.VideoCapture(path), 0
    while cap.read()[0]:
        n += 1
    return n, int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))


def test_video_example_writes_every_frame(clip, tmp_path):
    out = str(tmp_path / "out.mp4")
    r = subprocess.run([sys.executable, os.path.join(EXAMPLES, "video.py"), clip, out, "--mode", "mask",
                        "--seed", "3", "--landmarks"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "12 frames" in r.stdout
    assert _frames(out) == (12, 320, 240)


def test_webcam_example_runs_on_a_file(clip):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")  # no display needed
    r = subprocess.run([sys.executable, os.path.join(EXAMPLES, "webcam.py"), clip], env=env, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr
