"""The body in segtex.Effect: pose, hands and the skeleton, against the portrait and the segtex command.

The hand checks that need a hand run on assets/hand.jpg (scripts/fetch-assets.sh --hand-sample) and
skip without it; the portrait has no hand in view.
"""
import ctypes
import json
import os
import subprocess
import time

import numpy as np
import pytest

import segtex

# The command prints 6 significant digits.
CLI_TOL = dict(rtol=1e-5, atol=2e-6)


@pytest.fixture(scope="module")
def body(assets):
    with segtex.Effect(smooth=False, pose="lite", hands=2, threads=1) as fx:
        yield fx


def _cli_json(segtex_bin, assets, *args):
    return json.loads(subprocess.run([segtex_bin] + list(args) + ["--json", "--models", assets], check=True,
                                     capture_output=True, text=True).stdout)


def test_pose_on_the_portrait(body, portrait):
    body.process(portrait)
    p = body.pose
    assert isinstance(p, segtex.Pose), "one pose in the portrait"
    assert p.landmarks.shape == (33, 5) and p.landmarks.dtype == np.float32
    assert p.world.shape == (33, 3) and p.world.dtype == np.float32
    assert p.score > 0.5 and len(segtex.POSE_LANDMARKS) == 33
    nose, ls, rs = p["nose"], p["left_shoulder"], p["right_shoulder"]
    assert nose[1] < ls[1] and nose[1] < rs[1], "the nose is above both shoulders (y grows downwards)"
    assert rs[0] < nose[0] < ls[0], "unmirrored photo: the subject's right shoulder is on the image's left"
    assert nose[3] > 0.5, "the nose is visible"
    assert p[0] is not None and np.array_equal(p[0], nose)
    with pytest.raises(KeyError, match="POSE_LANDMARKS"):
        p["tail"]
    assert p.mask is not None and p.mask.shape == (256, 256) and 0 <= p.mask.min() and p.mask.max() <= 1
    assert p.mask.max() > 0.5, "the pose model's mask finds the person"
    r = body.result
    assert r["pose_index"] == r["index"] and r["hands_index"] == r["index"] and r["pose_ms"] > 0


def test_pose_views_are_zero_copy(body, portrait):
    body.process(portrait)
    pr = body._res.pose.contents
    p = body.pose
    assert p.landmarks.ctypes.data == ctypes.addressof(pr.landmarks) and not p.landmarks.flags.owndata
    assert p.world.ctypes.data == ctypes.addressof(pr.world)
    assert body.pose is p, "the same object until the next process"
    kept = p.copy()
    assert kept.landmarks.flags.owndata and np.array_equal(kept.landmarks, p.landmarks)


def test_pose_matches_segtex_pose_json(body, portrait, portrait_path, segtex_bin, assets):
    cli = _cli_json(segtex_bin, assets, "pose", portrait_path)
    assert len(cli["poses"]) == 1
    body.process(portrait)
    p, c = body.pose, cli["poses"][0]
    assert np.allclose(p.landmarks, np.array(c["landmarks"], np.float32), **CLI_TOL)
    assert np.allclose(p.world, np.array(c["world"], np.float32), **CLI_TOL)
    assert abs(p.score - c["score"]) < 1e-5


def test_no_hand_in_the_portrait(body, portrait):
    body.process(portrait)
    assert body.hands == [] and body.result["hands_index"] == body.result["index"]


def test_body_off_by_default(still_plain, portrait):
    still_plain.process(portrait)
    assert still_plain.pose is None and still_plain.hands == []
    r = still_plain.result
    assert r["pose_index"] == -1 and r["hands_index"] == -1


@pytest.fixture(scope="module")
def still_plain(assets):
    with segtex.Effect(smooth=False, threads=1) as fx:
        yield fx


def test_hands_match_segtex_hands_json(assets, segtex_bin):
    path = os.path.join(assets, "hand.jpg")
    if not os.path.isfile(path):
        pytest.skip("hand.jpg absent (scripts/fetch-assets.sh --hand-sample)")
    cli = _cli_json(segtex_bin, assets, "hands", path)["hands"]
    assert len(cli) >= 1, "the sample shows a hand"
    with segtex.Effect(smooth=False, hands=2, threads=1) as fx:  # hand_model full: the command's default
        fx.process(segtex.load_image(path))
        hands = fx.hands
        assert len(hands) == len(cli)
        for h, c in zip(hands, cli):
            assert isinstance(h, segtex.Hand) and h.handedness in ("Left", "Right")
            assert h.handedness == c["handedness"], "labelled as `segtex hands --json` labels it"
            assert abs(h.score - c["score"]) < 1e-5 and 0.5 <= h.score <= 1
            assert h.landmarks.shape == (21, 3) and h.landmarks.dtype == np.float32 and h.world.shape == (21, 3)
            assert np.allclose(h.landmarks, np.array(c["landmarks"], np.float32), **CLI_TOL)
            assert np.allclose(h.world, np.array(c["world"], np.float32), **CLI_TOL)
        assert hands[0].landmarks.ctypes.data == ctypes.addressof(fx._res.hands.contents.hands[0].xyz)
        assert fx.pose is None, "pose off"


def test_skeleton_changes_pixels(assets, portrait):
    with segtex.Effect(smooth=False, pose="lite", threads=1) as fx:
        plain = fx.process(portrait).copy()
        nose = fx.pose["nose"].copy()  # a view dies with the effect
    with segtex.Effect(smooth=False, skeleton=True, threads=1) as fx:  # pose None: a skeleton turns lite on
        drawn = fx.process(portrait).copy()
        assert fx.pose is not None
    changed = (drawn != plain).any(axis=2)
    assert changed.sum() > 500, "the skeleton is drawn (%d pixels changed)" % changed.sum()
    ys, xs = np.nonzero(changed)
    h, w = portrait.shape[:2]
    # The skeleton starts at the face: some drawn pixels lie within a tenth of the image of the nose.
    near = np.hypot(xs - nose[0] * w, ys - nose[1] * h) < 0.1 * w
    assert near.any(), "the skeleton passes near the nose"


def test_body_arguments_are_checked(assets):
    bad = [
        (dict(pose="medium"), "pose must be off, lite or full"),
        (dict(pose=1), "pose must be off, lite or full"),
        (dict(hands=3), r"hands must be 0\.\.2"),
        (dict(hands=-1), r"hands must be 0\.\.2"),
        (dict(hands="2"), r"hands must be 0\.\.2"),
        (dict(hands=True), r"hands must be 0\.\.2"),
        (dict(hands=1.5), r"hands must be 0\.\.2"),
        (dict(hand_model="heavy"), "hand_model must be lite or full"),
        (dict(palm_every=0), r"palm_every must be 1\.\.1000"),
        (dict(palm_every=1001), r"palm_every must be 1\.\.1000"),
    ]
    for kwargs, message in bad:
        with pytest.raises(segtex.Error, match=message) as e:
            segtex.Effect(**kwargs)
        assert repr(list(kwargs.values())[0]) in str(e.value), "the message names the value: %s" % e.value
        assert e.value.status == -1
    # The checks run before any model is loaded: a wrong option fails the same in a folder without models.
    with pytest.raises(segtex.Error, match="hands must be"):
        segtex.Effect(models="/nonexistent", hands=3)


def test_pose_full_and_lite_hands_load(assets, portrait):
    with segtex.Effect(smooth=False, pose="full", hands=1, hand_model="lite", palm_every=1, threads=1) as fx:
        fx.process(portrait)
        assert fx.pose is not None and fx.pose.score > 0.5 and fx.hands == []


def test_video_tracks_the_pose_and_counts_it(assets, portrait):
    with segtex.Effect(pose=True, hands=1, hand_model="lite", threads=1) as fx:
        for i in range(4):
            fx.process(portrait)
            assert fx.result["pose_index"] == i and fx.pose is not None
        s = fx.stats
    assert s["pose"]["count"] == 4 and s["hands"]["count"] == 4
    assert s["pose_detections"] == 1, "tracked after the first frame: the detector ran once"
    assert 1 <= s["palm_detections"] <= 4
    assert s["dropped_pose"] == 0 and s["dropped_hands"] == 0


def test_push_live_publishes_a_pose(assets, portrait):
    with segtex.Effect(live=True, pose="lite") as fx:
        for i in range(1000):
            fx.process(portrait)
            if fx.pose is not None:
                break
            time.sleep(0.01)
        assert fx.pose is not None and fx.result["pose_index"] >= 0, "the pose worker publishes while frames are pushed"


def test_reading_the_body_every_frame_keeps_rss_flat(assets, portrait):
    """Reading pose and hands makes no per-frame garbage that stays (views are made once per result slot)."""
    def rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    frame = np.ascontiguousarray(portrait[::2, ::2])
    with segtex.Effect(pose="lite", hands=1, hand_model="lite", threads=1) as fx:
        for i in range(30):  # warm-up: buffers, allocator arenas
            fx.process(frame)
            fx.pose.landmarks, fx.hands, fx.result
        before = rss()
        for i in range(150):
            fx.process(frame)
            fx.pose.landmarks, fx.pose.world, fx.hands, fx.result
        grown = rss() - before
        assert len(fx._cache) <= 8, "a few result slots, each viewed once"
    assert grown < 1 << 20, "RSS grew by %d bytes over 150 frames" % grown
