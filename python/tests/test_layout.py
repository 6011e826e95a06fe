"""The ctypes Structures have the C structs' sizes and field offsets (the classic ctypes bug)."""
import ctypes
import subprocess

from segtex import _lib


def test_structs_match_the_c_headers(layout_bin):
    c = {}
    for line in subprocess.run([layout_bin], check=True, capture_output=True, text=True).stdout.splitlines():
        struct, field, value = line.split()
        c.setdefault(struct, {})[field] = int(value)
    assert c.pop("enum")["sizeof"] == ctypes.sizeof(ctypes.c_int)
    assert set(c) == set(_lib.STRUCTS), "layout.c and _lib.STRUCTS name different structs"
    for name, cls in _lib.STRUCTS.items():
        py = {f: getattr(cls, f).offset for f, _ in cls._fields_}
        py["sizeof"] = ctypes.sizeof(cls)
        assert py == c[name], name
