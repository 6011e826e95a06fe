"""segtex: real-time person segmentation, six categories painted with colours and textures.

A pure ctypes binding of libsegtex (no compiled extension); NumPy arrays in and out.

    import segtex
    with segtex.Effect(mode="overlay", seed=7) as fx:
        for frame in frames:                 # (H, W, 3) uint8 RGB
            painted = fx.process(frame)      # the effect's own array, reused: copy to keep
            fx.faces[0].landmarks            # (478, 3) float32 view, valid until the next process
            fx.categories                    # (256, 256) uint8 view
        fx.set_paint("background", blur=12)  # also tint="#b03060", strength=0.8; image="beach.jpg"
        fx.set_anchor("hair", "face")        # textures move with: screen, face, torso or mesh
    with segtex.Effect(pose="lite", hands=2, skeleton=True) as fx:
        fx.process(frame); fx.pose.landmarks # (33, 5) view: x, y, z, visibility, presence (None: no pose)
        [h.handedness for h in fx.hands]     # "Left" / "Right", as MediaPipe labels them

    segtex.face("portrait.png")              # stills: a list of Face
    segtex.segment("portrait.png").at_size() # categories at the image's size

The library is looked up in $SEGTEX_LIBRARY, then the source tree's build/libsegtex.so, then the
system (libsegtex.so.0). Errors raise segtex.Error carrying the library's one-line message; other
messages go to the standard logging module's "segtex" logger.
"""
from ._lib import Error, path as library_path
from ._effect import (ANCHORS, CATEGORIES, MODES, PAINT_KINDS, POSE_LANDMARKS, Effect, Face, Hand, Pose, Segmentation,
                      face, load_image, models_dir, segment, snap_categories, upsample_categories)

__all__ = ["ANCHORS", "CATEGORIES", "MODES", "PAINT_KINDS", "POSE_LANDMARKS", "Effect", "Error", "Face", "Hand", "Pose",
           "Segmentation", "face", "library_path", "load_image", "models_dir", "segment", "snap_categories",
           "upsample_categories"]
