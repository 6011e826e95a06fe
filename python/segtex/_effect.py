"""segtex.Effect and the still-image helpers (see the package docstring)."""
import ctypes
import os
import random
import time

import numpy as np

from . import _lib
from ._lib import Error

#: Render modes, in the library's order (segtex_render_mode).
MODES = ("mask", "overlay", "cutout")
#: Paint kinds, in the library's order (segtex_paint_kind): a texture or colour, the frame
#: recoloured, the frame blurred, a picture.
PAINT_KINDS = ("fill", "tint", "blur", "image")
#: What a category's texture moves with, in the library's order (segtex_anchor).
ANCHORS = ("screen", "face", "torso", "mesh")
#: Category names, in id order (segtex_category_name).
CATEGORIES = tuple(_lib.segtex_category_name(i).decode() for i in range(_lib.CATEGORY_COUNT))
#: The 33 pose landmarks, MediaPipe's order and names (left: the subject's left).
POSE_LANDMARKS = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye", "right_eye_outer",
    "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder", "right_shoulder", "left_elbow",
    "right_elbow", "left_wrist", "right_wrist", "left_pinky", "right_pinky", "left_index", "right_index",
    "left_thumb", "right_thumb", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
    "left_heel", "right_heel", "left_foot_index", "right_foot_index")


def _enum(parse, value, what, choices):
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    v = parse(str(value).encode()) if value is not None else -1
    if v < 0:
        raise Error("%s must be %s, got %r" % (what, ", ".join(choices), value), -1)
    return v


def _mode_id(mode):
    if isinstance(mode, int) and not isinstance(mode, bool):
        if not 0 <= mode < len(MODES):
            raise Error("mode must be one of %s or 0..%d, got %r" % (", ".join(MODES), len(MODES) - 1, mode), -1)
        return mode
    return _enum(_lib.segtex_render_mode_parse, mode, "mode", MODES)


def _category_id(category):
    if isinstance(category, (int, np.integer)) and not isinstance(category, bool):
        if not 0 <= int(category) < _lib.CATEGORY_COUNT:
            raise Error("category must be 0..5 or a name (%s), got %r" % (", ".join(CATEGORIES), category), -1)
        return int(category)
    return _enum(_lib.segtex_category_parse, category, "category", CATEGORIES)


def _anchor_id(anchor):
    if isinstance(anchor, (int, np.integer)) and not isinstance(anchor, bool):
        if not 0 <= int(anchor) < len(ANCHORS):
            raise Error("anchor must be one of %s or 0..%d, got %r" % (", ".join(ANCHORS), len(ANCHORS) - 1, anchor),
                        -1)
        return int(anchor)
    return _enum(_lib.segtex_anchor_parse, anchor, "anchor", ANCHORS)


def _body_options(pose, hands, hand_model, skeleton, palm_every):
    """(pose, pose_full, hands, hands_full, palm_every) of segtex_effect_options, checked."""
    if pose is None:  # as `segtex run --skeleton`: a skeleton turns the lite pose on unless pose says otherwise
        pose = "lite" if skeleton else "off"
    elif pose is True:
        pose = "lite"
    elif pose is False:
        pose = "off"
    if pose not in ("off", "lite", "full"):
        raise Error("pose must be off, lite or full (or False/True), got %r" % (pose,), -1)
    if not isinstance(hands, (int, np.integer)) or isinstance(hands, bool) or not 0 <= int(hands) <= _lib.MAX_HANDS:
        raise Error("hands must be 0..%d (hands to track), got %r" % (_lib.MAX_HANDS, hands), -1)
    if hand_model not in ("lite", "full"):
        raise Error("hand_model must be lite or full, got %r" % (hand_model,), -1)
    if palm_every is not None and (not isinstance(palm_every, (int, np.integer)) or isinstance(palm_every, bool)
                                   or not 1 <= int(palm_every) <= 1000):
        raise Error("palm_every must be 1..1000 (frames between palm searches), got %r" % (palm_every,), -1)
    return pose != "off", pose == "full", int(hands), hand_model == "full", palm_every


def models_dir(models=None):
    """The models folder the library picks: `models`, $SEGTEX_ASSETS, $XDG_DATA_HOME/segtex,
    <prefix>/share/segtex/models, ./assets (include/segtex/assets.h)."""
    buf = ctypes.create_string_buffer(4096)
    _lib.check(_lib.segtex_models_dir_find(os.fsencode(models) if models is not None else None, buf, len(buf)),
               "models folder")
    return os.fsdecode(buf.value)


def load_image(path):
    """Decode a PNG or JPEG file into a new (H, W, 3) uint8 RGB array (segtex_image_load)."""
    img = _lib.Image()
    _lib.check(_lib.segtex_image_load(os.fsencode(path), 3, ctypes.byref(img)), "image %r" % path)
    try:
        buf = (ctypes.c_uint8 * (img.stride * img.height)).from_address(img.data)
        rows = np.frombuffer(buf, np.uint8).reshape(img.height, img.stride)
        return rows[:, :img.width * 3].reshape(img.height, img.width, 3).copy()
    finally:
        _lib.segtex_image_free(ctypes.byref(img))


def _rgb_view(a, what):
    """(pointer, stride) of an (H, W, 3) uint8 array whose pixels are 3 packed bytes, or None."""
    if type(a) is not np.ndarray or a.dtype != np.uint8 or a.ndim != 3 or a.shape[2] != 3:
        raise Error("%s must be a (H, W, 3) uint8 RGB numpy array, got %s" % (
            what, "%s %s" % (getattr(a, "shape", None), getattr(a, "dtype", type(a).__name__))), -1)
    s = a.strides
    if s[2] != 1 or s[1] != 3 or s[0] < 3 * a.shape[1]:
        return None
    return a.ctypes.data, s[0]


class Face:
    """One face of a frame.

    `box` (4,) float32: xmin, ymin, width, height; `keypoints` (6, 2) float32: right eye,
    left eye, nose tip, mouth, right ear, left ear (x, y); `landmarks` (478, 3) float32 (468 with
    the plain landmarker): x, y, z. All normalized by the image width and height, like MediaPipe
    (z in the scale of x). `score` is the detection score (0 on a frame where the face was
    tracked, not detected), `presence` the landmarker's.

    From `Effect.faces` the arrays are zero-copy views of the effect's result, valid until the
    next `Effect.process` (or `close`); `.copy()` what you keep. `segtex.face()` returns copies.
    """
    __slots__ = ("box", "keypoints", "landmarks", "score", "presence")

    def __init__(self, box, keypoints, landmarks, score, presence):
        self.box, self.keypoints, self.landmarks = box, keypoints, landmarks
        self.score, self.presence = score, presence

    def copy(self):
        return Face(self.box.copy(), self.keypoints.copy(), self.landmarks.copy(), self.score, self.presence)

    def __repr__(self):
        return "Face(score=%.3f, presence=%.3f, box=%s, %d landmarks)" % (
            self.score, self.presence, np.array2string(self.box, precision=3), len(self.landmarks))


class Pose:
    """The pose of a frame (MediaPipe's pose solution finds at most one person).

    `landmarks` (33, 5) float32: x, y, z, visibility, presence per landmark in `POSE_LANDMARKS`
    order, x and y normalized by the image width and height (z in the scale of x);
    `world` (33, 3) float32: x, y, z in metres, origin between the hips; `score` the pose
    presence; `detection_score` the detector's score on a frame where it ran, else 0;
    `mask` (256, 256) float32 person probability in the ROI's own square (None when the
    model gave none) and `roi` (centre x, centre y, side, rotation) in pixels, where the
    landmark model looked.

    From `Effect.pose` the arrays are zero-copy views of the effect's result, valid until the
    next `Effect.process` (or `close`); `.copy()` what you keep.
    """
    __slots__ = ("landmarks", "world", "mask", "roi", "score", "detection_score")

    def __init__(self, landmarks, world, mask, roi, score, detection_score):
        self.landmarks, self.world, self.mask, self.roi = landmarks, world, mask, roi
        self.score, self.detection_score = score, detection_score

    def copy(self):
        return Pose(self.landmarks.copy(), self.world.copy(), None if self.mask is None else self.mask.copy(),
                    self.roi, self.score, self.detection_score)

    def __getitem__(self, key):
        """The landmark called `key` (see `POSE_LANDMARKS`), or number `key`: its row of `landmarks`."""
        if isinstance(key, str):
            if key not in POSE_LANDMARKS:
                raise KeyError("no pose landmark called %r (see segtex.POSE_LANDMARKS)" % key)
            key = POSE_LANDMARKS.index(key)
        return self.landmarks[key]

    def __repr__(self):
        return "Pose(score=%.3f, nose at %.3f,%.3f)" % (self.score, self.landmarks[0, 0], self.landmarks[0, 1])


class Hand:
    """One hand of a frame (MediaPipe Hands).

    `handedness` "Left" or "Right" exactly as MediaPipe (and `segtex hands --json`) labels the
    image: its model assumes a mirrored, selfie image, so on an unmirrored photo "Left" is the
    subject's right hand; `score` that label's score (0.5..1); `presence` the hand flag;
    `landmarks` (21, 3) float32: x, y, z (0 wrist, 1-4 thumb, 5-8 index, 9-12 middle, 13-16
    ring, 17-20 little finger) normalized like the face's; `world` (21, 3) float32 in metres.

    From `Effect.hands` the arrays are zero-copy views, valid until the next `Effect.process`;
    `.copy()` what you keep.
    """
    __slots__ = ("handedness", "score", "presence", "landmarks", "world")

    def __init__(self, handedness, score, presence, landmarks, world):
        self.handedness, self.score, self.presence = handedness, score, presence
        self.landmarks, self.world = landmarks, world

    def copy(self):
        return Hand(self.handedness, self.score, self.presence, self.landmarks.copy(), self.world.copy())

    def __repr__(self):
        return "Hand(%s, score=%.3f, wrist at %.3f,%.3f)" % (self.handedness, self.score, self.landmarks[0, 0],
                                                             self.landmarks[0, 1])


class Effect:
    """The segtex effect: a frame goes in, the frame painted with its six categories comes out.

    Effect(models=None, mode="overlay", seed=None, landmarks=False, live=False, detector="auto",
           segmenter="auto", max_faces=1, smooth=True, threads=0, textures=None, backend="auto",
           pose=None, hands=0, hand_model="full", skeleton=False, palm_every=None)

    models     folder of the .tflite files (None: the library's search order, see `models_dir`)
    mode       "mask", "overlay" or "cutout" (also picks which categories are painted)
    seed       None: the default paints; an int: paints drawn from it (as `randomize`)
    landmarks  draw the 478 face landmarks
    live       False: every frame is processed in order, deterministic (video files);
               True: inference runs on the effect's own threads, newest frame wins, and
               `process` returns at once with the newest results (cameras)
    detector   "auto", "short" or "full";  segmenter  "auto", "person", "multiclass", "composite"
    max_faces  1..8;  smooth  False: every frame is a still (no tracking, no smoothing)
    threads    the effect's pool (0: the library's choice);  textures  a folder of PNG/JPEG textures
    backend    "auto", "ref" or "xnnpack"
    pose       "off" (False), "lite" (True) or "full": track MediaPipe's pose (33 landmarks, `pose`);
               None (default): "lite" when `skeleton` is on, else "off"
    hands      0..2: hands to track (MediaPipe Hands, `hands`);  hand_model  "full" (default) or "lite"
    skeleton   draw the pose's and hands' connections and joints
    palm_every with hands: look for a missing hand on every Nth frame, 1..1000 (None: the library's 4)

    Loading the models takes a moment; create one Effect and push every frame through it.
    Not for concurrent use from several threads at once. Raises `segtex.Error` with the
    library's message when a model, a folder or an option is wrong.
    """

    def __init__(self, models=None, mode="overlay", seed=None, landmarks=False, live=False, detector="auto",
                 segmenter="auto", max_faces=1, smooth=True, threads=0, textures=None, backend="auto",
                 pose=None, hands=0, hand_model="full", skeleton=False, palm_every=None):
        self._e = None
        self._pictures = {}  # image= path -> picture index in this effect
        body = _body_options(pose, hands, hand_model, skeleton, palm_every)  # before the models are looked for
        o = _lib.segtex_effect_options_default()
        keep = [os.fsencode(models_dir(models))]
        o.models_dir = keep[0]
        o.backend = _enum(_lib.segtex_backend_parse, backend, "backend", ("auto", "ref", "xnnpack"))
        o.segmenter = _enum(_lib.segtex_segmenter_kind_parse, segmenter, "segmenter",
                            ("auto", "person", "multiclass", "composite"))
        o.detector = _enum(_lib.segtex_detector_kind_parse, detector, "detector", ("auto", "short", "full"))
        o.max_faces = int(max_faces)
        o.smooth = 1 if smooth else 0
        o.live = 1 if live else 0
        o.threads = int(threads)
        if textures is not None:
            keep.append(os.fsencode(textures))
            o.textures_dir = keep[-1]
        o.mode = _mode_id(mode)
        o.landmarks = 1 if landmarks else 0
        if seed is not None:
            o.has_seed, o.seed = 1, int(seed) & 0xFFFFFFFFFFFFFFFF
        o.pose, o.pose_full, o.hands, o.hands_full = (int(v) for v in body[:4])
        if body[4] is not None:
            o.palm_every = int(body[4])
        o.skeleton = 1 if skeleton else 0
        handle = ctypes.c_void_p()
        _lib.clear_error()
        _lib.check(_lib.segtex_effect_create(ctypes.byref(o), ctypes.byref(handle)), "effect")
        self._e = handle.value
        self.live = bool(live)
        # Everything the hot path touches is made once: the two image views, the result and their pointers.
        self._in, self._outv, self._res = _lib.Image(0, 0, 0, 3, 0), _lib.Image(0, 0, 0, 3, 0), _lib.EffectResult()
        self._in_p, self._out_p, self._res_p = ctypes.byref(self._in), ctypes.byref(self._outv), ctypes.byref(self._res)
        self._process = _lib.segtex_effect_process
        self._out = None       # the output array this effect owns (re-made on a size change)
        self._scratch = None   # input copy for frames whose pixels are not 3 packed bytes
        self._frames = 0
        self._t0 = time.monotonic()
        self._views = None     # {name: view} of the last result, made on first access
        self._cache = {}       # result slot -> its NumPy views

    # ---- lifetime ----------------------------------------------------------------

    def close(self):
        """Stop the threads and free the models and buffers. Views handed out before are invalid
        from now on; using the effect raises `segtex.Error`. Calling it twice is fine."""
        e, self._e = self._e, None
        self._views = None
        self._cache = {}
        if e:
            _lib.segtex_effect_destroy(e)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass

    def _handle(self):
        if not self._e:
            raise Error("effect: closed", -1)
        return self._e

    # ---- frames --------------------------------------------------------------------

    def process(self, frame, pts=None, out=None):
        """Paint one (H, W, 3) uint8 RGB frame and return the painted frame.

        `frame` may have any row stride (a crop or a row slice of a larger array is used in
        place); frames whose pixels are not 3 packed bytes (e.g. a channel-reversed view
        frame[..., ::-1]) are copied into a buffer the effect keeps. `pts`: the frame's time in
        seconds, increasing (it drives the smoothing filters); None counts frames at 30 per
        second offline, and takes the clock when live. `out`: an (H, W, 3) uint8 array to paint
        into (it may be `frame` itself); None paints into an array the effect owns and reuses
        while the size stays the same, so copy it to keep it past the next call.

        The results of this frame (`faces`, `pose`, `hands`, `categories`, `probabilities`) are
        zero-copy views, valid until the next `process`.
        """
        e = self._e
        if not e:
            raise Error("effect: closed", -1)
        view = _rgb_view(frame, "frame")
        h, w = frame.shape[0], frame.shape[1]
        if view is None:
            s = self._scratch
            if s is None or s.shape != frame.shape:
                s = self._scratch = np.empty(frame.shape, np.uint8)
            np.copyto(s, frame)
            view = s.ctypes.data, s.strides[0]
        if out is None:
            out = self._out
            if out is None or out.shape[0] != h or out.shape[1] != w:
                out = self._out = np.empty((h, w, 3), np.uint8)
            ov = out.ctypes.data, 3 * w
        else:
            ov = _rgb_view(out, "out")
            if ov is None or out.shape != frame.shape or not out.flags.writeable:
                raise Error("out must be a writeable (%d, %d, 3) uint8 array with 3-byte pixels" % (h, w), -1)
        i, o = self._in, self._outv
        i.data, i.width, i.height, i.stride = view[0], w, h, view[1]
        o.data, o.width, o.height, o.stride = ov[0], w, h, ov[1]
        if pts is None:
            pts = time.monotonic() - self._t0 if self.live else self._frames / 30.0
        st = self._process(e, self._in_p, pts, self._out_p, self._res_p)
        self._views = None
        if st < 0:
            raise _lib.take_error(st, "effect: process")
        self._frames += 1
        return out

    __call__ = process

    # ---- results of the last frame ------------------------------------------------------

    def _result_views(self):
        self._handle()
        v = self._views
        if v is not None:
            return v
        if not self._frames:
            raise Error("effect: no frame processed yet", -1)
        r = self._res
        v = {"faces": [], "categories": None, "probabilities": None}
        # The result's buffers are a few fixed slots: their NumPy views are made once per slot.
        cache = self._cache
        if len(cache) > 64:
            cache.clear()
        if r.faces:
            addr = ctypes.addressof(r.faces.contents)
            slot = cache.get(addr)
            if slot is None:
                fr = r.faces.contents
                slot = cache[addr] = (fr, [(np.ctypeslib.as_array(fr.detection[k].box),
                                            np.ctypeslib.as_array(fr.detection[k].keypoints),
                                            np.ctypeslib.as_array(fr.faces[k].xyz))
                                           for k in range(_lib.MAX_FACES)])
            fr, arrays = slot
            for k in range(fr.count):
                d, lm = fr.detection[k], fr.faces[k]
                box, kp, xyz = arrays[k]
                v["faces"].append(Face(box, kp, xyz[:lm.count], float(d.score), float(lm.presence)))
        if r.seg:
            s = r.seg.contents
            key = (ctypes.addressof(s), ctypes.cast(s.category, ctypes.c_void_p).value,
                   ctypes.cast(s.prob, ctypes.c_void_p).value, s.width, s.height)
            views = cache.get(key)
            if views is None:
                views = cache[key] = (
                    np.ctypeslib.as_array(s.category, shape=(s.height, s.width)),
                    np.ctypeslib.as_array(s.prob, shape=(s.height, s.width, _lib.CATEGORY_COUNT)), s)
            v["categories"], v["probabilities"], v["seg"] = views
        self._views = v
        return v

    def _pose_view(self):
        v = self._result_views()
        if "pose" not in v:  # made on first access: a frame whose pose nobody reads costs nothing
            r, pose = self._res, None
            if r.pose and r.pose.contents.count > 0:
                pr = r.pose.contents
                addr = ctypes.addressof(pr)
                arrays = self._cache.get(addr)
                if arrays is None:
                    mask = np.ctypeslib.as_array(pr.mask).reshape(_lib.POSE_MASK_SIZE, _lib.POSE_MASK_SIZE)
                    arrays = self._cache[addr] = (pr, np.ctypeslib.as_array(pr.landmarks),
                                                  np.ctypeslib.as_array(pr.world), mask)
                pr, lm, world, mask = arrays
                roi = pr.roi
                pose = Pose(lm, world, mask if pr.mask_size == _lib.POSE_MASK_SIZE else None,
                            (roi.cx, roi.cy, roi.size, roi.rotation), float(pr.score), float(pr.detection_score))
            v["pose"] = pose
        return v["pose"]

    def _hands_view(self):
        v = self._result_views()
        if "hands" not in v:
            r, hands = self._res, []
            if r.hands:
                hr = r.hands.contents
                addr = ctypes.addressof(hr)
                arrays = self._cache.get(addr)
                if arrays is None:
                    arrays = self._cache[addr] = (hr, [(np.ctypeslib.as_array(hr.hands[k].xyz),
                                                        np.ctypeslib.as_array(hr.hands[k].world))
                                                       for k in range(_lib.MAX_HANDS)])
                hr, views = arrays
                for k in range(min(hr.count, _lib.MAX_HANDS)):
                    h = hr.hands[k]
                    hands.append(Hand("Right" if h.right else "Left", float(h.handedness_score), float(h.presence),
                                      views[k][0], views[k][1]))
            v["hands"] = hands
        return v["hands"]

    @property
    def faces(self):
        """The faces of the last frame: a list of `Face` whose arrays are zero-copy views,
        valid until the next `process`. Live: the newest faces found (see `result`)."""
        return self._result_views()["faces"]

    @property
    def pose(self):
        """The pose of the last frame: a `Pose` whose arrays are zero-copy views, valid until the
        next `process`; None when pose is off, not found, or (live) none yet."""
        return self._pose_view()

    @property
    def hands(self):
        """The hands of the last frame: a list of `Hand` (at most `hands`) whose arrays are
        zero-copy views, valid until the next `process`; empty when hands are off or none found."""
        return self._hands_view()

    @property
    def categories(self):
        """(h, w) uint8 category ids 0..5 of the last frame at model resolution (e.g. 256x256):
        a zero-copy view, valid until the next `process`. None while a live effect has no
        segmentation yet. `categories_at` gives them at the image's size."""
        return self._result_views()["categories"]

    @property
    def probabilities(self):
        """(h, w, 6) float32 per-category probabilities of the last frame at model resolution:
        a zero-copy view, valid until the next `process`; None while a live effect has none yet."""
        return self._result_views()["probabilities"]

    def categories_at(self, width, height, frame=None):
        """The last frame's categories at `width` x `height` (a new uint8 array): the six
        probabilities interpolated bilinearly per pixel, then the most likely one
        (segtex_seg_result_sample). With `frame`, the RGB frame processed last (as it was before
        it was painted) at that size, the composite segmenter's borders are then snapped to its
        edges (`snap_categories`): `segtex segment --categories`' map."""
        p = self.probabilities
        if p is None:
            return None
        c = upsample_categories(p, width, height)
        if frame is not None and self.segmenter == "composite":
            c = snap_categories(c, frame, p.shape[1], p.shape[0])
        return c

    @property
    def result(self):
        """Frame numbers and timings of the last frame: a dict of index, pts, faces_index,
        seg_index, pose_index and hands_index (live: the frames the results came from; -1 none
        yet or off), face_ms, seg_ms, pose_ms, hands_ms, render_ms."""
        self._handle()
        r = self._res
        return {k: getattr(r, k) for k in ("index", "pts", "faces_index", "seg_index", "pose_index", "hands_index",
                                           "face_ms", "seg_ms", "pose_ms", "hands_ms", "render_ms")}

    # ---- settings (any thread) ------------------------------------------------------

    @property
    def mode(self):
        """The render mode's name; set a name or an id. Setting it resets which categories are painted."""
        return MODES[_lib.segtex_effect_get_mode(self._handle())]

    @mode.setter
    def mode(self, mode):
        _lib.segtex_effect_set_mode(self._handle(), _mode_id(mode))

    def next_mode(self):
        """Switch to the next mode (mask, overlay, cutout, mask, ...) and return its name."""
        self.mode = (MODES.index(self.mode) + 1) % len(MODES)
        return self.mode

    @property
    def landmarks(self):
        """True while the face landmarks are drawn; settable."""
        return bool(_lib.segtex_effect_get_landmarks(self._handle()))

    @landmarks.setter
    def landmarks(self, on):
        _lib.segtex_effect_set_landmarks(self._handle(), 1 if on else 0)

    def randomize(self, seed=None):
        """New paints for every category from `seed` (None: a random one). Returns the seed."""
        if seed is None:
            seed = random.getrandbits(64)
        _lib.clear_error()
        _lib.check(_lib.segtex_effect_randomize(self._handle(), int(seed) & 0xFFFFFFFFFFFFFFFF), "effect: randomize")
        return seed

    def get_paint(self, category):
        """The paint of `category` (a name such as "hair" or an id 0..5) as a dict."""
        p = _lib.segtex_effect_get_paint(self._handle(), _category_id(category))
        name = _lib.segtex_effect_texture_name(self._e, p.texture) if p.texture >= 0 else None
        kind = PAINT_KINDS[p.kind] if 0 <= p.kind < len(PAINT_KINDS) else p.kind
        return {"enabled": bool(p.enabled), "texture": name.decode() if name else None, "texture_index": p.texture,
                "color": tuple(p.color), "color2": tuple(p.color2), "scale": p.scale, "opacity": p.opacity,
                "offset": (p.offset_x, p.offset_y), "kind": kind, "strength": p.strength, "radius": p.radius,
                "picture": p.picture, "anchor": ANCHORS[p.anchor] if 0 <= p.anchor < len(ANCHORS) else p.anchor}

    def set_paint(self, category, color=None, texture=None, scale=None, opacity=None, offset=None, enabled=None,
                  color2=None, tint=None, strength=None, blur=None, image=None, anchor=None):
        """Change how `category` (a name such as "face-skin" or an id 0..5) is painted; None keeps a value.

        color    (r, g, b) or "#rrggbb": the solid colour, or a built-in texture's ink
        texture  a texture name (built-in such as "checker", a file of `textures`), an index, the
                 path of a PNG/JPEG file (loaded once), or "solid" / -1 for the plain colour
        scale    0.25..8;  opacity  0..1 (overlay mode);  offset  (x, y) texture origin in pixels
        enabled  False: the category is not painted;  color2  a built-in texture's paper colour
        The paints computed from the frame or a picture (as `segtex run --paint`), at most one of:
        tint     (r, g, b) or "#rrggbb": the frame recoloured, its luminance kept (hair colour);
                 strength 0..1 (None keeps the paint's, 1 by default)
        blur     an int radius 1..64: the frame blurred (background blur, with mode "cutout")
        image    the path of a PNG/JPEG picture (loaded once), scaled to cover the frame
        Each of those, and texture or color alone, sets the paint's kind (a texture or color
        paint is a fill again) and paints the category unless enabled=False.
        anchor   what a texture moves with: "screen", "face", "torso" or "mesh" (see set_anchor)
        Applied from the next frame; the old paint stays when a value is rejected (Error).
        """
        e, c = self._handle(), _category_id(category)
        given = [k for k, v in (("texture", texture), ("tint", tint), ("blur", blur), ("image", image))
                 if v is not None]
        if len(given) > 1:
            raise Error("paint of %s: at most one of texture, tint, blur and image, got %s"
                        % (CATEGORIES[c], ", ".join(given)), -1)
        p = _lib.segtex_effect_get_paint(e, c)
        if tint is not None:
            p.kind, p.color[:] = _lib_kind("tint"), _rgb(tint)
        elif blur is not None:
            if not isinstance(blur, (int, np.integer)) or isinstance(blur, bool):
                raise Error("paint of %s: blur must be an int radius 1..64, got %r" % (CATEGORIES[c], blur), -1)
            p.kind, p.radius = _lib_kind("blur"), int(blur)
        elif image is not None:
            p.kind, p.picture = _lib_kind("image"), self._picture_index(image)
        elif texture is not None or color is not None:
            p.kind = _lib_kind("fill")
        if given and enabled is None:
            p.enabled = 1
        if strength is not None:
            p.strength = float(strength)
        if anchor is not None:
            p.anchor = _anchor_id(anchor)
        if color is not None:
            p.color[:] = _rgb(color)
        if color2 is not None:
            p.color2[:] = _rgb(color2)
        if texture is not None:
            p.texture = self._texture_index(texture)
        if scale is not None:
            p.scale = float(scale)
        if opacity is not None:
            p.opacity = float(opacity)
        if offset is not None:
            p.offset_x, p.offset_y = (int(v) for v in offset)
        if enabled is not None:
            p.enabled = 1 if enabled else 0
        _lib.clear_error()
        _lib.check(_lib.segtex_effect_set_paint(e, c, ctypes.byref(p)), "effect: paint of %s" % CATEGORIES[c])

    def set_anchor(self, category, anchor):
        """What `category`'s texture moves with: "screen" (tiled on the frame), "face" (position, roll
        and scale of the face), "torso" (shoulders and hips; the face without a pose) or "mesh" (the
        face mesh's UV map, face skin only). Only texture paints use it."""
        self.set_paint(category, anchor=anchor)

    def _picture_index(self, path):
        key = os.path.abspath(os.fsdecode(path))
        pictures = self._pictures
        if key not in pictures:
            if not os.path.isfile(key):
                raise Error("image %r: no such file" % (path,), -1)
            _lib.clear_error()
            pictures[key] = _lib.check(_lib.segtex_effect_add_picture(self._handle(), os.fsencode(key)),
                                       "image %r" % (path,))
        return pictures[key]

    def _texture_index(self, texture):
        if isinstance(texture, (int, np.integer)) and not isinstance(texture, bool):
            return int(texture)
        if texture == "solid":
            return -1
        i = _lib.segtex_effect_find_texture(self._e, str(texture).encode())
        if i >= 0:
            return i
        if os.path.isfile(texture):
            return self.add_texture(texture)
        raise Error("effect: no texture called %r (textures: %s)" % (texture, ", ".join(self.textures)), -1)

    def add_texture(self, path):
        """Load a PNG/JPEG file as one more texture and return its index."""
        _lib.clear_error()
        return _lib.check(_lib.segtex_effect_add_texture(self._handle(), os.fsencode(path)), "texture %r" % path)

    def find_texture(self, name):
        """Index of the texture called `name`, or None."""
        i = _lib.segtex_effect_find_texture(self._handle(), str(name).encode())
        return i if i >= 0 else None

    @property
    def textures(self):
        """Names of the textures, by index (built-ins first)."""
        e, names, i = self._handle(), [], 0
        while True:
            n = _lib.segtex_effect_texture_name(e, i)
            if not n:
                return names
            names.append(n.decode())
            i += 1

    @property
    def segmenter(self):
        """The segmenter in use: "person", "multiclass" or "composite"."""
        return _lib.segtex_segmenter_kind_name(_lib.segtex_effect_segmenter(self._handle())).decode()

    @property
    def backend(self):
        """The inference backend in use: "ref" or "xnnpack"."""
        return _lib.segtex_backend_name(_lib.segtex_effect_backend(self._handle())).decode()

    @property
    def stats(self):
        """Counters and stage times (segtex_effect_get_stats) as a dict; stages are dicts of
        count, p50_ms, p95_ms over the last 256 frames."""
        s = _lib.EffectStats()
        _lib.segtex_effect_get_stats(self._handle(), ctypes.byref(s))
        d = {}
        for name, _ in _lib.EffectStats._fields_:
            v = getattr(s, name)
            d[name] = {"count": v.count, "p50_ms": v.p50_ms, "p95_ms": v.p95_ms} if isinstance(v, _lib.StageStats) else v
        return d


def _lib_kind(name):
    return PAINT_KINDS.index(name)


def _rgb(color):
    if isinstance(color, str):
        c = color.lstrip("#")
        if len(c) != 6 or any(ch not in "0123456789abcdefABCDEF" for ch in c):
            raise Error("colour must be (r, g, b) or '#rrggbb', got %r" % color, -1)
        return [int(c[k:k + 2], 16) for k in (0, 2, 4)]
    c = [int(v) for v in color]
    if len(c) != 3 or not all(0 <= v <= 255 for v in c):
        raise Error("colour must be three values 0..255, got %r" % (color,), -1)
    return c


def upsample_categories(probabilities, width, height):
    """Categories at `width` x `height` (a new uint8 array) from (h, w, 6) probabilities: the six
    values interpolated bilinearly per pixel (pixel centres aligned, edges clamped), then the most
    likely one. The library's segtex_seg_result_upsample, as `segtex segment --categories`."""
    p = np.ascontiguousarray(probabilities, dtype=np.float32)
    if p.ndim != 3 or p.shape[2] != _lib.CATEGORY_COUNT:
        raise Error("probabilities must be (h, w, 6), got %s" % (p.shape,), -1)
    width, height = int(width), int(height)
    if not (0 < width <= 16384 and 0 < height <= 16384):
        raise Error("categories size must be 1..16384 per side, got %dx%d" % (width, height), -1)
    h, w = p.shape[0], p.shape[1]
    r = _lib.SegResult(w, h, p.ctypes.data_as(ctypes.POINTER(ctypes.c_float)), None, w * h)
    out = np.empty((height, width), np.uint8)
    view = _lib.Image(out.ctypes.data, width, height, 1, width)
    _lib.segtex_seg_result_upsample(ctypes.byref(r), ctypes.byref(view), None, None)
    return out


def snap_categories(categories, image, model_width, model_height):
    """The composite segmenter's category borders snapped to `image`'s edges (a new uint8 array):
    `categories` (h, w) ids at the image's size, e.g. `upsample_categories`'s; `image` the (h, w, 3)
    uint8 RGB frame they were found on; the model's size (the probabilities' w, h). Each pixel
    within 2 model pixels of another category takes what its neighbours that look like it vote
    for; background votes too, so the person's outline moves as well. The library's segtex_snap_categories, as
    `segtex segment --categories` for the composite segmenter."""
    c = np.ascontiguousarray(categories, dtype=np.uint8).copy()
    if c.ndim != 2:
        raise Error("categories must be (h, w), got %s" % (c.shape,), -1)
    view = _rgb_view(image, "image")
    if view is None:
        image = np.ascontiguousarray(image)
        view = image.ctypes.data, image.strides[0]
    h, w = c.shape
    if image.shape[:2] != (h, w):
        raise Error("image is %dx%d, categories %dx%d: they must have one size" % (
            image.shape[1], image.shape[0], w, h), -1)
    snap = ctypes.c_void_p()
    _lib.check(_lib.segtex_snap_create(w, h, ctypes.byref(snap)), "snap")
    try:
        frame = _lib.Image(view[0], w, h, 3, view[1])
        cv = _lib.Image(c.ctypes.data, w, h, 1, w)
        _lib.check(_lib.segtex_snap_categories(snap, ctypes.byref(frame), int(model_width), int(model_height),
                                               ctypes.byref(cv), None), "snap")
    finally:
        _lib.segtex_snap_destroy(snap)
    return c


def _still(image, **options):
    if isinstance(image, (str, bytes, os.PathLike)):
        image = load_image(image)
    effect = Effect(smooth=False, **options)
    return effect, image


def face(image, models=None, max_faces=1, detector="auto", backend="auto"):
    """The faces of a still image (an (H, W, 3) uint8 RGB array or a PNG/JPEG path): a list of
    `Face` with their own arrays (copies). Loads the models on each call; for many images make one
    `Effect(smooth=False)` and read `effect.faces` after each `process`."""
    effect, image = _still(image, models=models, max_faces=max_faces, detector=detector, backend=backend)
    with effect:
        effect.process(image, 0.0)
        return [f.copy() for f in effect.faces]


class Segmentation:
    """The segmentation of a still image.

    `categories` (h, w) uint8 ids 0..5 and `probabilities` (h, w, 6) float32 at model
    resolution (copies); `segmenter` the segmenter used; `width`, `height` the image's size;
    `faces` the faces the composite segmenter used. `at_size()` gives the categories at the
    image's size, as `segtex segment --categories` (the composite's borders snapped to the
    image's edges), or at another size (upsampled only).
    """

    def __init__(self, categories, probabilities, segmenter, width, height, faces, image=None):
        self.categories, self.probabilities, self.segmenter = categories, probabilities, segmenter
        self.width, self.height, self.faces = width, height, faces
        self._image = image

    def at_size(self, width=None, height=None):
        width, height = width or self.width, height or self.height
        c = upsample_categories(self.probabilities, width, height)
        if self.segmenter == "composite" and self._image is not None and (width, height) == (self.width, self.height):
            c = snap_categories(c, self._image, self.probabilities.shape[1], self.probabilities.shape[0])
        return c

    def shares(self):
        """Share of each category's pixels at the image's size, by name."""
        n = np.bincount(self.at_size().ravel(), minlength=len(CATEGORIES)) / float(self.width * self.height)
        return dict(zip(CATEGORIES, n.tolist()))

    def __repr__(self):
        return "Segmentation(%s, %dx%d at model resolution, image %dx%d)" % (
            self.segmenter, self.categories.shape[1], self.categories.shape[0], self.width, self.height)


def segment(image, models=None, segmenter="auto", detector="auto", backend="auto"):
    """The six-category segmentation of a still image (an (H, W, 3) uint8 RGB array or a PNG/JPEG
    path) as a `Segmentation`. Loads the models on each call."""
    # As `segtex segment`: the composite reads the pose (lite) and up to two hands (full).
    effect, image = _still(image, models=models, segmenter=segmenter, detector=detector, backend=backend,
                           pose="lite", hands=2, hand_model="full")
    with effect:
        effect.process(image, 0.0)
        return Segmentation(effect.categories.copy(), effect.probabilities.copy(), effect.segmenter,
                            image.shape[1], image.shape[0], [f.copy() for f in effect.faces], image)
