"""Fixtures of the Python binding's tests.

Environment (CTest sets it; see tests/CMakeLists.txt): SEGTEX_LIBRARY (libsegtex.so),
SEGTEX_ASSETS (models and astronaut.png), SEGTEX_BIN (the segtex command), SEGTEX_LAYOUT
(python/tests/layout.c built). Run by hand from the source tree, the build/ folder is used.
"""
import os
import shutil
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(SOURCE, "python"))

import segtex  # noqa: E402


def _assets():
    return os.environ.get("SEGTEX_ASSETS") or os.path.join(SOURCE, "assets")


@pytest.fixture(scope="session")
def assets():
    d = _assets()
    if not os.path.isfile(os.path.join(d, "face_detection_short_range.tflite")):
        pytest.skip("no models in %s (scripts/fetch-assets.sh)" % d)
    return d


@pytest.fixture(scope="session")
def portrait_path(assets):
    return os.path.join(assets, "astronaut.png")


@pytest.fixture(scope="session")
def portrait(portrait_path):
    img = segtex.load_image(portrait_path)
    img.flags.writeable = False  # shared by the tests: nobody paints into it
    return img


@pytest.fixture(scope="session")
def segtex_bin():
    b = os.environ.get("SEGTEX_BIN") or os.path.join(SOURCE, "build", "segtex")
    if not os.access(b, os.X_OK):
        pytest.skip("no segtex command at %s" % b)
    return b


@pytest.fixture(scope="session")
def layout_bin(tmp_path_factory):
    b = os.environ.get("SEGTEX_LAYOUT")
    if b:
        return b
    cc = shutil.which("cc")
    if not cc:
        pytest.skip("no SEGTEX_LAYOUT and no C compiler")
    out = str(tmp_path_factory.mktemp("layout") / "layout")
    subprocess.run([cc, "-std=c11", "-I", os.path.join(SOURCE, "include"), os.path.join(HERE, "layout.c"), "-o", out],
                   check=True)
    return out
