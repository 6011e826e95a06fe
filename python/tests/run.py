"""Run the Python binding's tests (the CTest test `python_segtex`).

Exits 77 (CTest's skip) under the sanitizer builds, whose libsegtex.so a plain
python3 cannot load, and when python3-numpy or python3-pytest is missing.
"""
import os
import sys

if os.environ.get("SEGTEX_SANITIZED"):
    print("python_segtex: skipped under a sanitizer build (plain python3 cannot load an ASan/TSan libsegtex.so)")
    sys.exit(77)
try:
    import numpy  # noqa: F401
    import pytest
except ImportError as exc:
    print("python_segtex: skipped: %s (scripts/install-deps.sh installs python3-numpy and python3-pytest)" % exc)
    sys.exit(77)

here = os.path.dirname(os.path.abspath(__file__))
sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", here] + sys.argv[1:]))
