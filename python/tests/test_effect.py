"""segtex.Effect, segtex.face and segtex.segment against the portrait and the segtex command."""
import json
import os
import subprocess
import time

import numpy as np
import pytest

import segtex


def _rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.fixture(scope="module")
def still(assets):
    with segtex.Effect(smooth=False, threads=1) as fx:
        yield fx


def test_process_portrait_shapes_and_dtypes(still, portrait):
    out = still.process(portrait)
    assert out.shape == portrait.shape and out.dtype == np.uint8
    assert (out != portrait).any(axis=2).mean() > 0.3, "overlay mode paints the person"
    assert len(still.faces) == 1
    f = still.faces[0]
    assert f.landmarks.shape == (478, 3) and f.landmarks.dtype == np.float32
    assert f.box.shape == (4,) and f.keypoints.shape == (6, 2) and f.score > 0.5 and f.presence > 0.5
    cat, prob = still.categories, still.probabilities
    assert cat.shape == (256, 256) and cat.dtype == np.uint8 and cat.max() < 6
    assert prob.shape == (256, 256, 6) and prob.dtype == np.float32
    assert np.allclose(prob.sum(axis=2), 1, atol=1e-3)
    assert (np.argmax(prob, axis=2) == cat).mean() > 0.999
    assert set(np.unique(cat)) >= {0, 1, 3, 4}, "background, hair, face skin and clothes in the portrait"


def test_views_are_zero_copy_and_reused(still, portrait):
    import ctypes
    out1 = still.process(portrait)
    out2 = still.process(portrait)
    assert out2 is out1, "the effect's own output is reused while the size stays the same"
    r = still._res  # the segtex_effect_result of the last call
    seg, faces = r.seg.contents, r.faces.contents
    assert still.categories.ctypes.data == ctypes.addressof(seg.category.contents)
    assert still.probabilities.ctypes.data == ctypes.addressof(seg.prob.contents)
    assert still.faces[0].landmarks.ctypes.data == ctypes.addressof(faces.faces[0].xyz)
    assert not still.categories.flags.owndata and not still.faces[0].landmarks.flags.owndata


def test_out_argument_and_in_place(still, portrait):
    ref = still.process(portrait).copy()
    out = np.zeros_like(portrait)
    assert still.process(portrait, out=out) is out
    assert np.array_equal(out, ref), "a still effect is deterministic"
    frame = portrait.copy()
    assert still.process(frame, out=frame) is frame
    assert np.array_equal(frame, ref)


def test_strided_and_reversed_frames(still, portrait):
    ref = still.process(portrait).copy()
    big = np.zeros((600, 700, 3), np.uint8)
    big[40:552, 90:602] = portrait
    view = big[40:552, 90:602]  # rows 2100 bytes apart: used in place through the stride
    assert not view.flags.c_contiguous
    assert np.array_equal(still.process(view), ref)
    bgr = np.ascontiguousarray(portrait[:, :, ::-1])
    assert np.array_equal(still.process(bgr[:, :, ::-1]), ref), "a channel-reversed view is copied, same pixels"
    odd = np.ascontiguousarray(portrait[:301, :257])
    assert still.process(odd).shape == (301, 257, 3), "a new size re-allocates the output"


def test_face_matches_segtex_face_json(portrait_path, segtex_bin, assets):
    cli = json.loads(subprocess.run([segtex_bin, "face", portrait_path, "--json", "--models", assets],
                                    check=True, capture_output=True, text=True).stdout)
    faces = segtex.face(portrait_path)
    assert len(faces) == len(cli["faces"]) == 1
    f, c = faces[0], cli["faces"][0]
    assert f.landmarks.shape == (478, 3) and len(c["landmarks"]) == 478
    # The command prints 6 significant digits.
    assert np.allclose(f.landmarks, np.array(c["landmarks"], np.float32), rtol=1e-5, atol=2e-6)
    assert np.allclose(f.keypoints, np.array(c["keypoints"], np.float32), rtol=1e-5, atol=2e-6)
    b = c["box"]
    assert np.allclose(f.box, [b["xmin"], b["ymin"], b["width"], b["height"]], rtol=1e-5, atol=2e-6)
    assert abs(f.score - c["score"]) < 1e-5


def test_categories_match_segtex_segment(portrait, portrait_path, segtex_bin, assets, tmp_path):
    png = str(tmp_path / "cat.png")
    subprocess.run([segtex_bin, "segment", portrait_path, "--categories", png, "--models", assets],
                   check=True, capture_output=True)
    cli = segtex.load_image(png)[:, :, 0]  # grey 0..5, loaded as RGB
    seg = segtex.segment(portrait)
    assert seg.categories.shape == (256, 256) and seg.segmenter in ("composite", "multiclass")
    mine = seg.at_size()
    assert mine.shape == cli.shape == portrait.shape[:2]
    assert np.array_equal(mine, cli), "%d pixels differ" % (mine != cli).sum()
    with segtex.Effect(smooth=False, pose="lite", hands=2) as fx:  # what `segtex segment` reads
        fx.process(portrait)
        plain = fx.categories_at(portrait.shape[1], portrait.shape[0])
        assert np.array_equal(fx.categories_at(portrait.shape[1], portrait.shape[0], portrait), cli)
    # The composite's borders are snapped to the photo's edges: a few thousand pixels, the person's outline among
    # them (a pixel or two along it, not the person mask redrawn)
    if seg.segmenter == "composite":
        assert 0 < (plain != cli).sum() < 0.05 * cli.size
        outline = ((plain == 0) != (cli == 0)).sum()
        assert 0 < outline < 0.01 * cli.size, "%d pixels moved between background and person" % outline


def test_upsample_matches_the_library_sample(still, portrait):
    """The NumPy upsampling equals segtex_seg_result_sample on odd sizes too."""
    import ctypes
    from segtex import _lib
    still.process(portrait)
    seg = still._result_views()["seg"]
    w, h = 37, 23
    mine = segtex.upsample_categories(still.probabilities, w, h)
    for y in range(h):
        for x in range(w):
            assert mine[y, x] == _lib.segtex_seg_result_sample(ctypes.byref(seg), np.float32(x + 0.5) / np.float32(w),
                                                               np.float32(y + 0.5) / np.float32(h), None), (x, y)


def test_snap_categories(portrait):
    """snap_categories moves a border and the person's edge a model pixel off onto the photo's edges, and checks sizes."""
    img = np.zeros((64, 96, 3), np.uint8)
    img[:, :48] = (200, 150, 120)  # skin left of column 48
    img[:, 48:] = (30, 40, 90)  # a shirt from it
    img[:16] = (60, 110, 70)  # a green wall above the person
    cat = np.full((64, 96), 3, np.uint8)
    cat[:, 50:] = 4  # the map's border 2 pixels off (a 48 x 32 model: 2 pixels a model pixel)
    cat[:16] = 0
    out = segtex.snap_categories(cat, img, 48, 32)
    assert (out[16:, :48] == 3).all() and (out[16:, 48:] == 4).all() and (out[:16] == 0).all()
    assert (cat[16:, 48:50] == 3).all()  # the input is not changed
    cat[16:, 48:] = 4
    cat[16:18] = 0  # the person's edge 2 pixels off the wall's
    out = segtex.snap_categories(cat, img, 48, 32)
    assert (out[16:, :48] == 3).all() and (out[16:, 48:] == 4).all() and (out[:16] == 0).all()
    with pytest.raises(segtex.Error, match="one size"):
        segtex.snap_categories(cat[:, :40], img, 48, 32)
    with pytest.raises(segtex.Error, match="snap"):
        segtex.snap_categories(cat, img, 0, 32)


def test_errors_raise_with_the_library_message(assets, portrait):
    with pytest.raises(segtex.Error) as e:
        segtex.Effect(models="/nonexistent")
    assert "/nonexistent/" in str(e.value) and "cannot open" in str(e.value)
    assert e.value.status == -3  # SEGTEX_ERROR_IO
    with pytest.raises(segtex.Error, match="mode must be"):
        segtex.Effect(mode="sepia")
    with pytest.raises(segtex.Error, match="textures"):
        segtex.Effect(textures="/nonexistent-textures")
    fx = segtex.Effect(smooth=False, threads=1)
    with pytest.raises(segtex.Error, match="uint8"):
        fx.process(portrait.astype(np.float32))
    with pytest.raises(segtex.Error, match="no frame"):
        fx.categories
    with pytest.raises(segtex.Error) as e:
        fx.set_paint("hair", scale=100)
    assert "scale" in str(e.value) and e.value.status == -1
    with pytest.raises(segtex.Error, match="category"):
        fx.set_paint("nose", color=(1, 2, 3))
    with pytest.raises(segtex.Error, match="out must be"):
        fx.process(portrait, out=np.zeros((10, 10, 3), np.uint8))
    with pytest.raises(segtex.Error):
        segtex.load_image("/nonexistent.png")
    fx.close()
    fx.close()
    for call in (lambda: fx.process(portrait), lambda: fx.faces, lambda: fx.mode, lambda: fx.stats):
        with pytest.raises(segtex.Error, match="closed"):
            call()


def test_settings(still, portrait):
    still.mode = "mask"
    assert still.mode == "mask"
    assert still.next_mode() == "overlay" and still.mode == "overlay"
    base = still.process(portrait).copy()
    still.landmarks = True
    assert still.landmarks
    drawn = still.process(portrait).copy()
    assert (drawn != base).any(axis=2).sum() > 100, "landmarks are drawn"
    still.landmarks = False
    still.randomize(7)
    a = still.process(portrait).copy()
    still.randomize(8)
    assert not np.array_equal(still.process(portrait), a)
    still.randomize(7)
    assert np.array_equal(still.process(portrait), a), "the same seed gives the same pixels"
    still.set_paint("hair", color="#ff0000", texture="solid", opacity=1.0)
    p = still.get_paint(1)
    assert p["color"] == (255, 0, 0) and p["texture"] is None and abs(p["opacity"] - 1) < 1e-6
    still.set_paint(1, texture="checker", scale=2)
    assert still.get_paint("hair")["texture"] == "checker"
    still.set_paint("hair", enabled=False)
    assert not still.get_paint("hair")["enabled"]
    assert "checker" in still.textures and still.find_texture("checker") == 0 and still.find_texture("x") is None
    still.mode = "overlay"
    still.set_paint("hair", enabled=True)


def test_stats(still, portrait):
    still.process(portrait)
    s = still.stats
    assert s["frames"] >= 1 and s["frames_in"] >= s["frames"] and s["configures"] >= 1
    assert s["render"]["count"] >= 1 and s["render"]["p50_ms"] > 0
    assert set(s) >= {"frames", "dropped_face", "source", "face", "seg", "render", "latency"}


def test_video_smoothing_and_pts(assets, portrait):
    with segtex.Effect(threads=1) as fx:
        for i in range(3):
            fx.process(portrait)
            assert fx.result["index"] == i and abs(fx.result["pts"] - i / 30.0) < 1e-9
        assert len(fx.faces) == 1


def test_push_live_returns_frames(assets, portrait):
    with segtex.Effect(live=True) as fx:
        got_seg = got_face = False
        for i in range(200):
            out = fx.process(portrait)
            assert out.shape == portrait.shape and out.dtype == np.uint8
            got_seg = got_seg or fx.categories is not None
            got_face = got_face or len(fx.faces) == 1
            if got_seg and got_face and i >= 30:
                break
            time.sleep(0.01)
        assert got_seg and got_face, "the workers publish results while frames are pushed"
        s = fx.stats
        assert s["frames"] == i + 1 and s["frames_in"] == i + 1
        assert fx.result["seg_index"] >= 0


def test_1000_frames_grow_rss_by_less_than_1mb(assets, portrait):
    frame = np.ascontiguousarray(portrait[::2, ::2])  # 256x256: the models' cost, a quarter of the render
    with segtex.Effect(threads=1) as fx:
        for i in range(50):  # warm-up: buffers, allocator arenas
            fx.process(frame)
            fx.faces, fx.categories, fx.probabilities
        before = _rss_bytes()
        for i in range(1000):
            fx.process(frame)
            fx.faces, fx.categories, fx.probabilities
        grown = _rss_bytes() - before
    assert grown < 1 << 20, "RSS grew by %d bytes over 1000 frames" % grown
