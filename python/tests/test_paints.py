"""The paints computed from the frame or a picture (tint, blur, image) and anchors, through segtex.Effect."""
import numpy as np
import pytest

import segtex


def _luma(a):
    a = a.astype(np.int32)
    return (77 * a[..., 0] + 150 * a[..., 1] + 29 * a[..., 2] + 128) >> 8


def _inside(mask, margin=4):
    """Pixels of `mask` whose (2 margin + 1)^2 neighbourhood is all in it: away from the soft borders."""
    m = mask.copy()
    for _ in range(margin):
        m[1:, :] &= m[:-1, :].copy()
        m[:-1, :] &= m[1:, :].copy()
        m[:, 1:] &= m[:, :-1].copy()
        m[:, :-1] &= m[:, 1:].copy()
    return m


@pytest.fixture(scope="module")
def cutout(assets):
    with segtex.Effect(mode="cutout", smooth=False, threads=1) as fx:
        yield fx


def _only(fx, category, **paint):
    for c in segtex.CATEGORIES:
        fx.set_paint(c, enabled=False)
    fx.set_paint(category, **paint)


def test_blur_changes_the_background_but_not_the_face(cutout, portrait):
    h, w = portrait.shape[:2]
    _only(cutout, "background", blur=12)
    assert cutout.get_paint("background")["kind"] == "blur" and cutout.get_paint("background")["radius"] == 12
    out = cutout.process(portrait).copy()
    cats = cutout.categories_at(w, h)
    face = _inside(cats == segtex.CATEGORIES.index("face-skin"))
    back = _inside(cats == 0)
    assert face.sum() > 1000 and back.sum() > 1000, "the portrait has a face and a background"
    assert np.array_equal(out[face], portrait[face]), "the face is the photo"
    diff = np.abs(out[back].astype(int) - portrait[back].astype(int)).max(axis=1)
    assert (diff > 0).mean() > 0.5, "most of the background changed"
    # Blurred, not replaced: its mean colour stays within a few levels, its detail drops.
    assert np.abs(out[back].mean(axis=0) - portrait[back].mean(axis=0)).max() < 4
    grad = lambda a: np.abs(np.diff(_luma(a), axis=1))[back[:, 1:]].mean()  # noqa: E731
    assert grad(out) < 0.7 * grad(portrait), "the background lost detail"
    bricks = None
    _only(cutout, "background", texture="bricks")
    assert cutout.get_paint("background")["kind"] == "fill"
    bricks = cutout.process(portrait).copy()
    assert not np.array_equal(bricks[back], out[back]), "blur differs from bricks"


def test_tint_keeps_luminance(cutout, portrait):
    h, w = portrait.shape[:2]
    _only(cutout, "hair", tint="#b03060", strength=1.0)
    p = cutout.get_paint("hair")
    assert p["kind"] == "tint" and p["color"] == (0xb0, 0x30, 0x60) and p["enabled"]
    out = cutout.process(portrait).copy()
    hair = _inside(cutout.categories_at(w, h) == segtex.CATEGORIES.index("hair"))
    assert hair.sum() > 500, "the portrait has hair"
    assert np.abs(_luma(out[hair]) - _luma(portrait[hair])).max() <= 2, "luminance kept within 2 levels"
    assert (out[hair] != portrait[hair]).any(axis=1).mean() > 0.5, "the hair was recoloured"
    # Half strength: half way in colour, the luminance still kept.
    cutout.set_paint("hair", tint=(0xb0, 0x30, 0x60), strength=0.5)
    half = cutout.process(portrait).copy()
    assert abs(cutout.get_paint("hair")["strength"] - 0.5) < 1e-6
    assert np.abs(_luma(half[hair]) - _luma(portrait[hair])).max() <= 2
    d_full = np.abs(out[hair].astype(int) - portrait[hair]).sum()
    d_half = np.abs(half[hair].astype(int) - portrait[hair]).sum()
    assert 0.3 * d_full < d_half < 0.7 * d_full


def test_image_covers_the_background(cutout, portrait, portrait_path, tmp_path):
    h, w = portrait.shape[:2]
    _only(cutout, "background", image=portrait_path)
    assert cutout.get_paint("background")["kind"] == "image"
    index = cutout.get_paint("background")["picture"]
    out = cutout.process(portrait).copy()
    # The picture is the portrait itself at the frame's size: covering is the identity here.
    back = _inside(cutout.categories_at(w, h) == 0)
    assert np.abs(out[back].astype(int) - portrait[back]).max() <= 2
    cutout.set_paint("background", image=portrait_path)
    assert cutout.get_paint("background")["picture"] == index, "the same file is loaded once"


def test_anchors(cutout):
    cutout.set_anchor("hair", "face")
    assert cutout.get_paint("hair")["anchor"] == "face"
    cutout.set_paint("clothes", texture="checker", anchor="screen")
    assert cutout.get_paint("clothes")["anchor"] == "screen" and cutout.get_paint("clothes")["kind"] == "fill"
    cutout.set_anchor(2, 2)
    assert cutout.get_paint("body-skin")["anchor"] == "torso"
    assert segtex.ANCHORS == ("screen", "face", "torso", "mesh")


@pytest.mark.parametrize("paint, words", [
    (dict(tint="#b0306"), "#rrggbb"),
    (dict(tint="#b0306z"), "#rrggbb"),
    (dict(tint="#b03060", strength=1.5), "strength"),
    (dict(blur=0), "radius"),
    (dict(blur=65), "radius"),
    (dict(blur=3.5), "blur must be an int"),
    (dict(blur="12"), "blur must be an int"),
    (dict(image="/nonexistent/beach.jpg"), "beach.jpg"),
    (dict(blur=12, tint="#b03060"), "at most one"),
    (dict(texture="checker", image="x.png"), "at most one"),
    (dict(anchor="nose"), "anchor must be"),
    (dict(anchor=4), "anchor must be"),
])
def test_bad_paints_raise_and_keep_the_old_paint(cutout, paint, words):
    cutout.set_paint("background", texture="bricks", enabled=True)
    before = cutout.get_paint("background")
    with pytest.raises(segtex.Error, match=words.replace("#", "\\#").replace(".", "\\.")):
        cutout.set_paint("background", **paint)
    assert cutout.get_paint("background") == before


def test_a_file_that_is_not_a_picture_raises(cutout, tmp_path):
    bad = tmp_path / "beach.jpg"
    bad.write_bytes(b"not a jpeg")
    with pytest.raises(segtex.Error, match="beach.jpg"):
        cutout.set_paint("background", image=str(bad))
