"""ctypes binding of libsegtex: library lookup, the C structs, the prototypes and the log hook.

Private to the package. Every Structure below mirrors a struct of
include/segtex/*.h field by field; python/tests/test_layout.py compares
their sizes and offsets with the C compiler's (python/tests/layout.c).
"""
import ctypes
import ctypes.util
import logging
import glob
import os
import threading

_here = os.path.dirname(os.path.abspath(__file__))

#: Where the package looked for libsegtex.so, in order (filled by _load).
searched = []


def _candidates():
    env = os.environ.get("SEGTEX_LIBRARY")
    if env:
        # Taken as given: a wrong value is an error, not a reason to fall back silently.
        yield env
        return
    # Run from the source tree: python/segtex/ -> build/libsegtex.so
    yield os.path.normpath(os.path.join(_here, "..", "..", "build", "libsegtex.so"))
    # Installed by `cmake --install` or the .deb: <prefix>/lib/python3/dist-packages/segtex/ beside
    # <prefix>/lib/libsegtex.so.0 or <prefix>/lib/<multiarch>/libsegtex.so.0.
    lib = os.path.normpath(os.path.join(_here, "..", "..", ".."))
    yield os.path.join(lib, "libsegtex.so.0")
    for multiarch in sorted(glob.glob(os.path.join(lib, "*-linux-gnu*", "libsegtex.so.0"))):
        yield multiarch
    found = ctypes.util.find_library("segtex")
    if found:
        yield found
    yield "libsegtex.so.0"


def _load():
    errors = []
    for path in _candidates():
        if os.sep in path and not os.path.exists(path):
            if "SEGTEX_LIBRARY" in os.environ:
                errors.append("%s: no such file" % path)
            searched.append(path)
            continue
        searched.append(path)
        try:
            return ctypes.CDLL(path), path
        except OSError as exc:
            errors.append(str(exc))
    raise ImportError("segtex: cannot load libsegtex.so (set SEGTEX_LIBRARY to its path); tried: "
                      + "; ".join(searched) + ("; " + "; ".join(errors) if errors else ""))


lib, path = _load()

# ---- C types (include/segtex/*.h) ------------------------------------------------

c_int, c_float, c_double, c_int64, c_uint64, c_uint8 = (ctypes.c_int, ctypes.c_float, ctypes.c_double,
                                                        ctypes.c_int64, ctypes.c_uint64, ctypes.c_uint8)

CATEGORY_COUNT = 6
KEYPOINT_COUNT = 6
FACE_POINTS = 478
MAX_FACES = 8
POSE_POINTS = 33
POSE_MASK_SIZE = 256
MAX_HANDS = 2
HAND_POINTS = 21
PALM_KEYPOINTS = 7


class Image(ctypes.Structure):
    """segtex_image (core.h). `data` is a void pointer here so a NumPy address can be assigned as an int."""
    _fields_ = [("data", ctypes.c_void_p), ("width", c_int), ("height", c_int), ("channels", c_int),
                ("stride", ctypes.c_ssize_t)]


class EffectOptions(ctypes.Structure):
    """segtex_effect_options (effect.h); the enums are C ints."""
    _fields_ = [("models_dir", ctypes.c_char_p), ("backend", c_int), ("segmenter", c_int), ("faces", c_int),
                ("max_faces", c_int), ("detector", c_int), ("smooth", c_int), ("live", c_int),
                ("threads", c_int), ("textures_dir", ctypes.c_char_p), ("mode", c_int), ("landmarks", c_int),
                ("has_seed", c_int), ("seed", c_uint64), ("pose", c_int), ("pose_full", c_int), ("hands", c_int),
                ("hands_full", c_int), ("skeleton", c_int), ("palm_every", c_int), ("edges", c_int)]


class FaceDetection(ctypes.Structure):
    """segtex_face_detection (vision.h)."""
    _fields_ = [("score", c_float), ("box", c_float * 4), ("keypoints", (c_float * 2) * KEYPOINT_COUNT)]


class Roi(ctypes.Structure):
    """segtex_roi (vision.h)."""
    _fields_ = [("cx", c_float), ("cy", c_float), ("size", c_float), ("rotation", c_float)]


class FaceLandmarks(ctypes.Structure):
    """segtex_face_landmarks (vision.h)."""
    _fields_ = [("presence", c_float), ("count", c_int), ("xyz", (c_float * 3) * FACE_POINTS), ("roi", Roi)]


class FaceResult(ctypes.Structure):
    """segtex_face_result (vision.h)."""
    _fields_ = [("count", c_int), ("detected", c_int), ("detection", FaceDetection * MAX_FACES),
                ("faces", FaceLandmarks * MAX_FACES)]


class PoseResult(ctypes.Structure):
    """segtex_pose_result (types.h)."""
    _fields_ = [("count", c_int), ("detected", c_int), ("score", c_float), ("detection_score", c_float),
                ("landmarks", (c_float * 5) * POSE_POINTS), ("world", (c_float * 3) * POSE_POINTS),
                ("auxiliary", (c_float * 5) * 2), ("roi", Roi), ("mask_size", c_int),
                ("mask", c_float * (POSE_MASK_SIZE * POSE_MASK_SIZE))]


class PalmDetection(ctypes.Structure):
    """segtex_palm_detection (types.h)."""
    _fields_ = [("score", c_float), ("box", c_float * 4), ("keypoints", (c_float * 2) * PALM_KEYPOINTS)]


class HandLandmarks(ctypes.Structure):
    """segtex_hand_landmarks (types.h)."""
    _fields_ = [("presence", c_float), ("right", c_int), ("handedness_score", c_float),
                ("xyz", (c_float * 3) * HAND_POINTS), ("world", (c_float * 3) * HAND_POINTS), ("roi", Roi)]


class HandResult(ctypes.Structure):
    """segtex_hand_result (types.h)."""
    _fields_ = [("count", c_int), ("detected", c_int), ("palm", PalmDetection * MAX_HANDS),
                ("hands", HandLandmarks * MAX_HANDS)]


class SegResult(ctypes.Structure):
    """segtex_seg_result (vision.h)."""
    _fields_ = [("width", c_int), ("height", c_int), ("prob", ctypes.POINTER(c_float)),
                ("category", ctypes.POINTER(c_uint8)), ("capacity", c_int)]


class EffectResult(ctypes.Structure):
    """segtex_effect_result (effect.h)."""
    _fields_ = [("index", c_int64), ("pts", c_double), ("faces", ctypes.POINTER(FaceResult)),
                ("faces_index", c_int64), ("seg", ctypes.POINTER(SegResult)), ("seg_index", c_int64),
                ("face_ms", c_double), ("seg_ms", c_double), ("render_ms", c_double),
                ("pose", ctypes.POINTER(PoseResult)), ("pose_index", c_int64), ("hands", ctypes.POINTER(HandResult)),
                ("hands_index", c_int64), ("pose_ms", c_double), ("hands_ms", c_double)]


class Paint(ctypes.Structure):
    """segtex_paint (render.h)."""
    _fields_ = [("enabled", c_int), ("texture", c_int), ("color", c_uint8 * 3), ("color2", c_uint8 * 3),
                ("scale", c_float), ("opacity", c_float), ("offset_x", c_int), ("offset_y", c_int),
                ("kind", c_int), ("strength", c_float), ("radius", c_int), ("picture", c_int), ("anchor", c_int)]


class StageStats(ctypes.Structure):
    """segtex_stage_stats (core.h)."""
    _fields_ = [("count", c_int64), ("p50_ms", c_double), ("p95_ms", c_double)]


class EffectStats(ctypes.Structure):
    """segtex_effect_stats (effect.h)."""
    _fields_ = [("frames", c_int64), ("frames_in", c_int64), ("dropped_source", c_int64),
                ("dropped_face", c_int64), ("dropped_seg", c_int64), ("dropped_output", c_int64),
                ("configures", c_int), ("resizes", c_int), ("source", StageStats), ("face", StageStats),
                ("seg", StageStats), ("render", StageStats), ("latency", StageStats), ("dropped_pose", c_int64),
                ("dropped_hands", c_int64), ("pose", StageStats), ("hands", StageStats),
                ("pose_detections", c_int64), ("palm_detections", c_int64)]


#: Python mirror -> C type name, for the layout test.
STRUCTS = {
    "segtex_image": Image, "segtex_effect_options": EffectOptions, "segtex_face_detection": FaceDetection,
    "segtex_roi": Roi, "segtex_face_landmarks": FaceLandmarks, "segtex_face_result": FaceResult,
    "segtex_seg_result": SegResult, "segtex_effect_result": EffectResult, "segtex_paint": Paint,
    "segtex_stage_stats": StageStats, "segtex_effect_stats": EffectStats, "segtex_pose_result": PoseResult,
    "segtex_palm_detection": PalmDetection, "segtex_hand_landmarks": HandLandmarks, "segtex_hand_result": HandResult,
}

# ---- prototypes ----------------------------------------------------------------------

LOG_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, c_int, ctypes.c_char_p)
_p = ctypes.c_void_p


def _proto(name, restype, *argtypes):
    fn = getattr(lib, name)
    fn.restype = restype
    fn.argtypes = list(argtypes)
    return fn


segtex_status_string = _proto("segtex_status_string", ctypes.c_char_p, c_int)
segtex_set_log = _proto("segtex_set_log", None, LOG_FN, _p, c_int)
segtex_models_dir_find = _proto("segtex_models_dir_find", c_int, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t)
segtex_image_load = _proto("segtex_image_load", c_int, ctypes.c_char_p, c_int, ctypes.POINTER(Image))
segtex_image_free = _proto("segtex_image_free", None, ctypes.POINTER(Image))
segtex_render_mode_name = _proto("segtex_render_mode_name", ctypes.c_char_p, c_int)
segtex_render_mode_parse = _proto("segtex_render_mode_parse", c_int, ctypes.c_char_p)
segtex_backend_parse = _proto("segtex_backend_parse", c_int, ctypes.c_char_p)
segtex_backend_name = _proto("segtex_backend_name", ctypes.c_char_p, c_int)
segtex_backend_available = _proto("segtex_backend_available", c_int, c_int)
segtex_detector_kind_parse = _proto("segtex_detector_kind_parse", c_int, ctypes.c_char_p)
segtex_segmenter_kind_parse = _proto("segtex_segmenter_kind_parse", c_int, ctypes.c_char_p)
segtex_segmenter_kind_name = _proto("segtex_segmenter_kind_name", ctypes.c_char_p, c_int)
segtex_category_name = _proto("segtex_category_name", ctypes.c_char_p, c_int)
segtex_category_parse = _proto("segtex_category_parse", c_int, ctypes.c_char_p)
segtex_seg_result_sample = _proto("segtex_seg_result_sample", c_int, ctypes.POINTER(SegResult), c_float, c_float,
                                  ctypes.POINTER(c_float))

segtex_seg_result_upsample = _proto("segtex_seg_result_upsample", None, ctypes.POINTER(SegResult),
                                    ctypes.POINTER(Image), ctypes.POINTER(Image), ctypes.POINTER(c_double))

segtex_snap_create = _proto("segtex_snap_create", c_int, c_int, c_int, ctypes.POINTER(_p))
segtex_snap_destroy = _proto("segtex_snap_destroy", None, _p)
segtex_snap_categories = _proto("segtex_snap_categories", c_int, _p, ctypes.POINTER(Image), c_int, c_int,
                                ctypes.POINTER(Image), ctypes.POINTER(c_double))

segtex_effect_options_default = _proto("segtex_effect_options_default", EffectOptions)
segtex_effect_create = _proto("segtex_effect_create", c_int, ctypes.POINTER(EffectOptions), ctypes.POINTER(_p))
segtex_effect_destroy = _proto("segtex_effect_destroy", None, _p)
segtex_effect_process = _proto("segtex_effect_process", c_int, _p, ctypes.POINTER(Image), c_double,
                               ctypes.POINTER(Image), ctypes.POINTER(EffectResult))
segtex_effect_set_mode = _proto("segtex_effect_set_mode", None, _p, c_int)
segtex_effect_get_mode = _proto("segtex_effect_get_mode", c_int, _p)
segtex_effect_set_landmarks = _proto("segtex_effect_set_landmarks", None, _p, c_int)
segtex_effect_get_landmarks = _proto("segtex_effect_get_landmarks", c_int, _p)
segtex_effect_set_paint = _proto("segtex_effect_set_paint", c_int, _p, c_int, ctypes.POINTER(Paint))
segtex_effect_get_paint = _proto("segtex_effect_get_paint", Paint, _p, c_int)
segtex_effect_randomize = _proto("segtex_effect_randomize", c_int, _p, c_uint64)
segtex_effect_add_texture = _proto("segtex_effect_add_texture", c_int, _p, ctypes.c_char_p)
segtex_effect_find_texture = _proto("segtex_effect_find_texture", c_int, _p, ctypes.c_char_p)
segtex_effect_add_picture = _proto("segtex_effect_add_picture", c_int, _p, ctypes.c_char_p)
segtex_anchor_name = _proto("segtex_anchor_name", ctypes.c_char_p, c_int)
segtex_anchor_parse = _proto("segtex_anchor_parse", c_int, ctypes.c_char_p)
segtex_effect_texture_name = _proto("segtex_effect_texture_name", ctypes.c_char_p, _p, c_int)
segtex_effect_segmenter = _proto("segtex_effect_segmenter", c_int, _p)
segtex_effect_backend = _proto("segtex_effect_backend", c_int, _p)
segtex_effect_get_stats = _proto("segtex_effect_get_stats", None, _p, ctypes.POINTER(EffectStats))

# ---- errors and the log hook ---------------------------------------------------------

LOG_ERROR, LOG_WARNING, LOG_INFO, LOG_DEBUG = 0, 1, 2, 3

logger = logging.getLogger("segtex")
# A library does not print on its own: the application configures logging to see warnings.
logger.addHandler(logging.NullHandler())
_levels = {LOG_ERROR: logging.ERROR, LOG_WARNING: logging.WARNING, LOG_INFO: logging.INFO,
           LOG_DEBUG: logging.DEBUG}
_last = threading.local()


class Error(Exception):
    """A libsegtex call failed. str(error) is the library's one-line message; `status` its segtex_status."""

    def __init__(self, message, status=-1):
        super().__init__(message)
        self.message = message
        self.status = status


def _on_log(user, level, message):
    # Called from whichever thread logged (ctypes takes the GIL); never raise into C.
    try:
        text = message.decode("utf-8", "replace")
        if level == LOG_ERROR:
            _last.message = text
        logger.log(_levels.get(level, logging.DEBUG), "%s", text)
    except Exception:  # pragma: no cover
        pass


# The library keeps the function pointer: this module keeps the ctypes object alive for good.
_log_callback = LOG_FN(_on_log)
segtex_set_log(_log_callback, None, LOG_INFO)


def take_error(status, what):
    """The Error for a failed call: the last ERROR line this thread logged (consumed), else the status name."""
    msg = getattr(_last, "message", None)
    _last.message = None
    if not msg:
        name = segtex_status_string(status).decode()
        msg = "%s: %s" % (what, name)
    return Error(msg, status)


def check(status, what):
    if status < 0:
        raise take_error(status, what)
    return status


def clear_error():
    _last.message = None
