/*
 * segtex vision: image preprocessing for models, the face detector
 * (BlazeFace), the 478-point face landmarker and its tracker, and the
 * segmenters (person, MediaPipe's six-class model, the composite).
 */
#ifndef SEGTEX_VISION_H
#define SEGTEX_VISION_H

#include "segtex/core.h"
#include "segtex/nn.h"
#include "segtex/types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum segtex_fit {
    SEGTEX_FIT_STRETCH = 0,   /* scale x and y independently to fill the tensor */
    SEGTEX_FIT_LETTERBOX = 1, /* keep the aspect ratio, centre, zero border (value `lo`... see below) */
} segtex_fit;

/*
 * Where the image landed inside the tensor (for undoing a letterbox):
 * tensor pixel (x, y) = image pixel ((x - offset_x) / scale_x, ...).
 */
typedef struct segtex_fit_info {
    float scale_x, scale_y;
    float offset_x, offset_y;
} segtex_fit_info;

/*
 * Resample `img` (RGB or RGBA; alpha ignored) bilinearly (pixel centres
 * aligned, as OpenCV's INTER_LINEAR) into a float tensor [height][width][3]
 * with values mapped from [0,255] to [lo,hi]. With LETTERBOX the border is
 * zero in the output range's terms: the value 0.0 (as MediaPipe pads).
 * No allocation. `info` may be NULL.
 */
segtex_status segtex_image_to_tensor(const segtex_image *img, float *dst, int width, int height,
                                     segtex_fit fit, float lo, float hi, segtex_fit_info *info);

/* ---- face detection (BlazeFace) ----------------------------------------- */


typedef struct segtex_face_detector segtex_face_detector;

/*
 * Load a BlazeFace model: face_detection_short_range (128x128 input, 896
 * anchors, default min score 0.5) or face_detection_full_range (192x192,
 * 2304 anchors, default min score 0.6). Anchors and all scratch are
 * allocated here. `options` may be NULL (default backend, calling thread).
 * On failure logs, returns an error and sets *out to NULL.
 */
segtex_status segtex_face_detector_create(const char *model_path, const segtex_model_options *options,
                                          segtex_face_detector **out);
void segtex_face_detector_destroy(segtex_face_detector *detector);

/*
 * Detect faces in `img` (RGB or RGBA): letterbox to the model input in
 * [-1,1], decode the anchors, sigmoid(clip(score, +-100)), weighted
 * non-maximum suppression at IoU 0.3, undo the letterbox. `min_score` <= 0
 * uses the model's default. Writes at most `max_faces` detections, best
 * first, and returns how many (>= 0), or a negative segtex_status. Never
 * allocates.
 */
int segtex_face_detector_detect(segtex_face_detector *detector, const segtex_image *img, float min_score,
                                segtex_face_detection *out, int max_faces);

/*
 * The same within `roi` of `img` (MediaPipe's FaceDetectionShortRangeByRoi):
 * the rotated square resampled onto the model's input (border replicated),
 * the detections projected back to the image, normalized; each box is the
 * upright box around its rotated corners. Returns as above; an image
 * without pixels or a ROI not finite and positive in size is
 * SEGTEX_ERROR_INVALID_ARGUMENT. Never allocates.
 */
int segtex_face_detector_detect_roi(segtex_face_detector *detector, const segtex_image *img, const segtex_roi *roi,
                                    float min_score, segtex_face_detection *out, int max_faces);

/* ---- face landmarks ---------------------------------------------------------- */


/*
 * The landmark models' input (MediaPipe's ImageToTensor on a rotated rect):
 * `roi` of `img` (RGB or RGBA) resampled bilinearly into a size x size x 3
 * float tensor in [0,1], pixel centres aligned, the border replicated. Used
 * by the face, pose and hand landmarkers. No allocation.
 */
void segtex_roi_to_tensor(const segtex_image *img, const segtex_roi *roi, float *dst, int size);
/* A point (u, v) of the crop, normalized to [0,1], to image pixel coordinates. */
void segtex_roi_to_image(const segtex_roi *roi, float u, float v, float *x, float *y);

/* ROI of a detection: rotation from the eyes, the box's longer side x 1.5. */
segtex_roi segtex_roi_from_detection(const segtex_face_detection *det, int width, int height);

/*
 * ROI of a detection from its keypoints (MediaPipe Holistic's
 * FaceDetectionFrontDetectionsToRoi): the box of its six keypoints, moved up
 * a tenth of its height along the face, its longer side x 2, upright from
 * the right eye to the left.
 */
segtex_roi segtex_roi_from_detection_keypoints(const segtex_face_detection *det, int width, int height);

/* ROI for the next frame from landmarks: rotation from points 33 and 263, their bounding box x 1.5. */
segtex_roi segtex_roi_from_landmarks(const segtex_face_landmarks *lm, int width, int height);

/*
 * The face ROI of a pose (after MediaPipe Holistic's
 * face_landmarks_from_pose_to_recrop_roi): the box of the pose's face points
 * (nose, eyes, ears, mouth: 0..10), its longer side x 2.5 (Holistic's
 * region is x 3, for its face detector: segtex_face_tracker_add_from_poses
 * makes it so; x 2.5 is the landmarker's when that detector finds nothing),
 * upright from the
 * right eye to the left. In pixels of a width x height image. Returns 1, or
 * 0 (and leaves *out) when the pose does not see the nose (visibility under
 * 0.5) or the points coincide.
 */
int segtex_face_roi_from_pose(const segtex_pose_result *pose, int width, int height, segtex_roi *out);

typedef struct segtex_face_landmarker segtex_face_landmarker;

/*
 * Load face_landmark_with_attention.tflite (478 points) or face_landmark.tflite
 * (468). All buffers are allocated here. On failure *out is NULL.
 */
segtex_status segtex_face_landmarker_create(const char *model_path, const segtex_model_options *options,
                                            segtex_face_landmarker **out);
void segtex_face_landmarker_destroy(segtex_face_landmarker *landmarker);

/*
 * Warp `roi` of `img` to the model input (bilinear, border replicated,
 * [0,1]), run the model, merge the refined lips/eyes/irises into the mesh
 * (attention model) and map every point back to the image. Never allocates.
 */
segtex_status segtex_face_landmarker_process(segtex_face_landmarker *landmarker, const segtex_image *img,
                                             const segtex_roi *roi, segtex_face_landmarks *out);

/* ---- face tracking --------------------------------------------------------- */


typedef struct segtex_face_tracker_options {
    int max_faces;        /* 1..SEGTEX_MAX_FACES (0: 1) */
    int video;            /* 1: track between frames and smooth; 0: every frame is a still image */
    float min_presence;   /* keep faces whose presence is at least this (0: 0.5) */
    float min_score;      /* detector threshold (0: the model's default) */
    /* One-Euro smoothing (video only); 0 gives MediaPipe's 0.05, 80, 1.0 */
    float min_cutoff, beta, derivate_cutoff;
    /*
     * Optional second detector (NULL: none), typically face_detection_full_range
     * for faces far from the camera. Borrowed like the first one. It runs on
     * the same frame, after the first, only when the first returns no
     * detection at all; so it costs nothing while a face is tracked, nor on
     * frames where the first detector finds a face.
     */
    segtex_face_detector *fallback_detector;
} segtex_face_tracker_options;

typedef struct segtex_face_tracker segtex_face_tracker;

/* Borrows the detectors and the landmarker: they must outlive the tracker. */
segtex_status segtex_face_tracker_create(segtex_face_detector *detector, segtex_face_landmarker *landmarker,
                                         const segtex_face_tracker_options *options, segtex_face_tracker **out);
void segtex_face_tracker_destroy(segtex_face_tracker *tracker);

/*
 * Find the faces of one frame. Video mode: while the previous frame's faces
 * have presence >= min_presence the detector is skipped and their ROIs come
 * from their landmarks; it runs again when a face is lost (or fewer than
 * max_faces are tracked). `timestamp_s` must increase in video mode. Never
 * allocates.
 */
segtex_status segtex_face_tracker_process(segtex_face_tracker *tracker, const segtex_image *img,
                                          double timestamp_s, segtex_face_result *out);

/*
 * Stills: the faces the detector missed (small, turned, blurred), looked for
 * where each pose has its face, as MediaPipe Holistic does. For each pose
 * that sees its nose with no face of `out` there, the tracker's detector
 * looks within segtex_face_roi_from_pose's region made 3 times the face
 * points' box (Holistic's), and the landmarker runs on
 * segtex_roi_from_detection_keypoints of the detection nearest the nose
 * (within its own box's size; Holistic takes the best-scoring one), the
 * region resampled with its border replicated (Holistic pads with black);
 * with no such detection, or one whose keypoints coincide, on the pose's
 * region, then once more on the ROI from its own landmarks. The face is
 * added (detection score 0: not the detector's own find) when its presence
 * is at least the tracker's min_presence, profiles too, up to
 * SEGTEX_MAX_FACES. The tracker's state is not touched. Never allocates.
 */
segtex_status segtex_face_tracker_add_from_poses(segtex_face_tracker *tracker, const segtex_image *img,
                                                 const segtex_pose_result *poses, int npose, segtex_face_result *out);

/* Forget the tracked faces (e.g. after a seek or a size change). */
void segtex_face_tracker_reset(segtex_face_tracker *tracker);

/* ---- the face models of a folder ------------------------------------------------ */

typedef enum segtex_detector_kind {
    SEGTEX_DETECTOR_AUTO = 0,  /* short range; when it finds nothing on a frame, full range on the same frame */
    SEGTEX_DETECTOR_SHORT = 1, /* face_detection_short_range (MediaPipe's default: faces within ~2 m) */
    SEGTEX_DETECTOR_FULL = 2,  /* face_detection_full_range (faces small in the frame) */
} segtex_detector_kind;

/* "auto", "short", "full"; parse returns -1 for anything else. */
const char *segtex_detector_kind_name(segtex_detector_kind kind);
int segtex_detector_kind_parse(const char *name);

/* The detector(s) and the landmarker a face tracker borrows; owned by this struct. */
typedef struct segtex_face_models {
    segtex_face_detector *detector;
    segtex_face_detector *fallback; /* AUTO: full range (NULL when its file is absent: a warning says so) */
    segtex_face_landmarker *landmarker;
} segtex_face_models;

/*
 * Load face_detection_{short,full}_range.tflite and
 * face_landmark_with_attention.tflite (`attention`) or face_landmark.tflite
 * from `dir`. On failure logs the file and the problem, leaves `out` zeroed.
 */
segtex_status segtex_face_models_load(const char *dir, segtex_detector_kind kind, int attention,
                                      const segtex_model_options *mo, segtex_face_models *out);
/* Destroy what was loaded and zero `models`. NULL is fine. */
void segtex_face_models_free(segtex_face_models *models);

/* ---- segmentation ------------------------------------------------------------ */


typedef enum segtex_segmenter_kind {
    SEGTEX_SEGMENTER_AUTO = 0,       /* multiclass when its model is present, else composite */
    SEGTEX_SEGMENTER_PERSON = 1,     /* selfie model only: background and person (reported as clothes) */
    SEGTEX_SEGMENTER_MULTICLASS = 2, /* selfie_multiclass_256x256: MediaPipe's six categories */
    SEGTEX_SEGMENTER_COMPOSITE = 3,  /* person probability + face landmarks + skin colour */
} segtex_segmenter_kind;

/* "auto", "person", "multiclass", "composite"; parse returns -1 for anything else. */
const char *segtex_segmenter_kind_name(segtex_segmenter_kind kind);
int segtex_segmenter_kind_parse(const char *name);


/* Allocate buffers for `pixels` pixels (use segtex_segmenter_max_pixels). On failure `r` is zeroed. */
segtex_status segtex_seg_result_alloc(segtex_seg_result *r, int pixels);
void segtex_seg_result_free(segtex_seg_result *r);

/*
 * Sample at normalized (u, v) in [0,1] (pixel centres at (x+0.5)/width):
 * bilinear on the probabilities, then argmax. `prob` (may be NULL) gets the
 * six interpolated values. Returns the category. No allocation.
 */
int segtex_seg_result_sample(const segtex_seg_result *r, float u, float v, float prob[SEGTEX_CATEGORY_COUNT]);

/*
 * At an image's size (`categories` and/or `person`: 1-channel views of the
 * same size, either may be NULL): each pixel's category (bilinear on the six
 * probabilities, then argmax, as MediaPipe's category mask) and the person
 * probability (1 - background) x 255. `shares` (may be NULL) gets each
 * category's fraction of the pixels. No allocation.
 */
void segtex_seg_result_upsample(const segtex_seg_result *r, segtex_image *categories, segtex_image *person,
                                double shares[SEGTEX_CATEGORY_COUNT]);

/*
 * Category borders snapped to the image's edges, for a category map at the
 * image's size (segtex_seg_result_upsample's) from a result at model
 * resolution `model_width` x `model_height`: each pixel within 2 model
 * pixels of another category takes the category its neighbours within 6
 * model pixels vote for (up to 81 of them, each weighted by nearness and by
 * how like the pixel's colour theirs is; the pixel's colour is the mean of
 * its 3 x 3 neighbours like it, so that one pixel's sensor noise does not
 * tip it across an edge). Background votes as a category: the
 * person's edge moves onto the photo's edge too, so the map's background
 * differs from the person mask upsampled by a few pixels along the edge; ids
 * over 5 neither vote nor change. `frame`: the image, RGB (3 or
 * 4 channels), the map's size; `shares` (may be NULL) gets each category's
 * fraction of the pixels after. The composite segmenter's maps (`segtex
 * segment --categories`, `run -o categories:`) go through it; the multiclass
 * model's are left as the model has them. No allocation; a snapper is used by
 * one thread at a time.
 */
typedef struct segtex_snap segtex_snap;
segtex_status segtex_snap_create(int max_width, int max_height, segtex_snap **out);
void segtex_snap_destroy(segtex_snap *snap);
segtex_status segtex_snap_categories(segtex_snap *snap, const segtex_image *frame, int model_width, int model_height,
                                     segtex_image *categories, double shares[SEGTEX_CATEGORY_COUNT]);

typedef struct segtex_segmenter_options {
    segtex_segmenter_kind kind;
    const char *models_dir;          /* folder of the .tflite files (required) */
    segtex_model_options model;      /* backend and pool for the models */
    int temporal;                    /* 1: blend with the previous result (video) */
} segtex_segmenter_options;

typedef struct segtex_segmenter segtex_segmenter;

/*
 * Load what `kind` needs: selfie_segmentation.tflite and
 * selfie_segmentation_landscape.tflite (person, composite), or
 * selfie_multiclass_256x256.tflite (multiclass; AUTO falls back to
 * composite when it is absent, and says so at INFO level). On failure logs
 * the missing or bad file and sets *out to NULL.
 */
segtex_status segtex_segmenter_create(const segtex_segmenter_options *options, segtex_segmenter **out);
void segtex_segmenter_destroy(segtex_segmenter *seg);

/* The kind in use (never AUTO). */
segtex_segmenter_kind segtex_segmenter_kind_in_use(const segtex_segmenter *seg);

/* Largest result the segmenter can produce, in pixels (for segtex_seg_result_alloc). */
int segtex_segmenter_max_pixels(const segtex_segmenter *seg);

/*
 * Segment `img` (RGB/RGBA). The square or the landscape selfie model is
 * chosen by the image's aspect ratio (landscape from 4:3 up; when the
 * landscape one is nearly empty the square one runs too: the person
 * segmenter takes the one finding more, on the landscape grid, and the
 * composite fuses). `people`
 * (may be NULL: nobody's landmarks known) feeds the composite segmenter. With
 * `temporal`, the previous result is blended in where the new one is
 * uncertain (reset on a size change or segtex_segmenter_reset). Writes
 * `out` (capacity >= segtex_segmenter_max_pixels). Never allocates.
 */
segtex_status segtex_segmenter_process(segtex_segmenter *seg, const segtex_image *img,
                                       const segtex_people *people, segtex_seg_result *out);

void segtex_segmenter_reset(segtex_segmenter *seg);

/*
 * The two halves of segtex_segmenter_process, for pipelines that run the
 * model in parallel with the face landmarker: infer runs the model on `img`
 * and keeps its output inside the segmenter; finish turns it into the six
 * categories of `out` (with the people's landmarks, for the composite). Call
 * them in that order on the same image. Never allocate.
 */
segtex_status segtex_segmenter_infer(segtex_segmenter *seg, const segtex_image *img);
segtex_status segtex_segmenter_finish(segtex_segmenter *seg, const segtex_image *img,
                                      const segtex_people *people, segtex_seg_result *out);

/* ---- pose (MediaPipe BlazePose: detector, landmarks, tracking) ------------------ */

typedef struct segtex_pose_detector segtex_pose_detector;

/*
 * Load pose_detection.tflite (224x224 input, 2254 anchors: MediaPipe's SSD
 * options, 5 layers, strides 8,16,32,32,32). Anchors and scratch are
 * allocated here. `options` may be NULL. On failure logs, returns an error
 * and sets *out to NULL.
 */
segtex_status segtex_pose_detector_create(const char *model_path, const segtex_model_options *options,
                                          segtex_pose_detector **out);
void segtex_pose_detector_destroy(segtex_pose_detector *detector);

/*
 * Detect poses in `img` (RGB/RGBA): letterbox to 224x224 in [-1,1] (zero
 * border), decode box and 4 keypoints per anchor, sigmoid(clip(score,
 * +-100)), weighted non-maximum suppression at IoU 0.3, undo the letterbox.
 * `min_score` <= 0 uses 0.5 (MediaPipe's min_detection_confidence). Writes at
 * most `max_poses`, best first; returns how many (>= 0) or a negative
 * segtex_status. Never allocates.
 */
int segtex_pose_detector_detect(segtex_pose_detector *detector, const segtex_image *img, float min_score,
                                segtex_pose_detection *out, int max_poses);

/*
 * MediaPipe's pose ROI from two points normalized by the image size (the
 * hip centre and the full-body scale point: detection keypoints 0 and 1, or
 * auxiliary landmarks 33 and 34): centre at the first, side 2 x their
 * distance x 1.25, rotated so that the second lies straight above the first
 * (target angle 90 degrees). Pixels.
 */
segtex_roi segtex_pose_roi_from_points(float cx, float cy, float sx, float sy, int width, int height);
segtex_roi segtex_pose_roi_from_detection(const segtex_pose_detection *det, int width, int height);

typedef struct segtex_pose_landmarker segtex_pose_landmarker;

/* Load pose_landmark_lite.tflite or pose_landmark_full.tflite (256x256 input). On failure *out is NULL. */
segtex_status segtex_pose_landmarker_create(const char *model_path, const segtex_model_options *options,
                                            segtex_pose_landmarker **out);
void segtex_pose_landmarker_destroy(segtex_pose_landmarker *landmarker);

/*
 * Warp `roi` of `img` to 256x256 in [0,1] (bilinear, border replicated),
 * run the model, refine the 39 points from the heatmap (kernel 7, min
 * confidence 0.5), sigmoid the visibility and presence logits, map the
 * points back to the image and rotate the world points by the ROI. Writes
 * every field of `out` except `detected` and `detection_score` (left
 * untouched); count is 1 when the pose flag is >= `min_presence` (<= 0:
 * 0.5), else 0 (the other fields are still written). Never allocates.
 */
segtex_status segtex_pose_landmarker_process(segtex_pose_landmarker *landmarker, const segtex_image *img,
                                             const segtex_roi *roi, float min_presence, segtex_pose_result *out);

/*
 * The segmentation of `r` at normalized frame coordinates (u, v) of a
 * `width` x `height` frame (pixel centres at (x + 0.5) / width): bilinear in
 * ROI space, 0 outside the ROI (as MediaPipe warps it back with a zero
 * border) or when the result has no pose or no mask.
 */
float segtex_pose_result_mask_at(const segtex_pose_result *r, float u, float v, int width, int height);

/* Write the segmentation x 255 into every pixel of `grey` (1 channel, the frame's size). No allocation. */
segtex_status segtex_pose_result_mask_to_image(const segtex_pose_result *r, segtex_image *grey);

typedef struct segtex_pose_tracker_options {
    int video;          /* 1: track between frames and smooth; 0: every frame is a still image */
    float min_presence; /* pose flag needed to keep (and to track) a pose (0: 0.5) */
    float min_score;    /* detector threshold (0: 0.5) */
    /* One-Euro smoothing of the 33 landmarks (video only); 0 gives MediaPipe's 0.1, 40, 1.0 */
    float min_cutoff, beta, derivate_cutoff;
} segtex_pose_tracker_options;

typedef struct segtex_pose_tracker segtex_pose_tracker;

/* Borrows the detector and the landmarker: they must outlive the tracker. All state is allocated here. */
segtex_status segtex_pose_tracker_create(segtex_pose_detector *detector, segtex_pose_landmarker *landmarker,
                                         const segtex_pose_tracker_options *options, segtex_pose_tracker **out);
void segtex_pose_tracker_destroy(segtex_pose_tracker *tracker);

/*
 * Find the pose of one frame. Video mode: while the previous frame's pose
 * flag is >= min_presence the detector is skipped and the ROI comes from the
 * previous (smoothed) auxiliary landmarks 33 and 34; when the pose is lost
 * the detector runs on the same frame. Landmarks are smoothed as MediaPipe's
 * pose_landmark_filtering (One-Euro 0.1/40/1 scaled by the pose's size,
 * visibility low-pass alpha 0.1, auxiliary points 0.01/1/1, world points
 * 0.1/40/1 unscaled), and the segmentation is blended with the previous
 * frame's where uncertain (MediaPipe's SegmentationSmoothing, ratio 0.7).
 * `timestamp_s` must increase in video mode. Writes
 * `out` (count 0: no pose). Never allocates.
 */
segtex_status segtex_pose_tracker_process(segtex_pose_tracker *tracker, const segtex_image *img,
                                          double timestamp_s, segtex_pose_result *out);

/* Forget the tracked pose (after a seek or a size change). */
void segtex_pose_tracker_reset(segtex_pose_tracker *tracker);

/* Detector runs since create (for schedulers and tests). */
long segtex_pose_tracker_detections(const segtex_pose_tracker *tracker);

/*
 * Several people's poses in one still image. MediaPipe's pose solution finds
 * one person; the finder keeps up to SEGTEX_MAX_POSES and looks for people
 * the detector misses (a person seen from the side or from behind, cut off
 * by the frame) from two other clues:
 *
 *   1. the detector's detections (score >= min_score, non-maximum
 *      suppression at IoU 0.3), each through the landmarker on MediaPipe's
 *      ROI, as segtex_pose_tracker does for the first;
 *   2. each face of `faces` whose centre no pose's nose is near (within one
 *      face height): the landmarker on an upright ROI of side 11 face
 *      heights centred 3.6 face heights below the face centre (on the
 *      portrait and on messi5 this ROI gives the detector's pose within a
 *      few pixels);
 *   3. each connected component of the person mask `person` (p >= 0.5 on a
 *      128 x 128 grid) covering at least min_area of the image that no pose
 *      touches (nose, shoulders or hips on it): an upright ROI on its
 *      bounding box, side 1.25 x its longer side and centred on it, or,
 *      when the component reaches the frame's bottom (a body cut off), side
 *      1.4 x its longer side with its top on the component's top; a pose
 *      whose seen landmarks span under half the component's longer side,
 *      or whose ears moved 1.5 x or more apart when the region last
 *      doubled (a small person read into a close-up's head), is tried
 *      again on a region twice as large from the same top, three tries at
 *      most, the first that fits kept, else the fullest;
 *   4. the detector's weaker detections (from 0.6 x min_score up to
 *      min_score, found by a second detector pass so that the first pass's
 *      regions stay MediaPipe's) where no pose is yet: a person the selfie
 *      models only half see, so that no mask component gives them away
 *      (basketball1 mirrored: the man from behind scores 0.47).
 *
 * A pose is kept when its pose flag is >= min_presence, it is not the same
 * person as a pose already kept (noses or shoulder centres closer than half
 * the larger torso, shoulder centre to hip centre), for 2 and 3, its
 * nose is near that face or its nose or shoulder centre lies on that
 * component, and for 4 the box of its visible landmarks and every kept
 * pose's overlap by at most 0.3 of the smaller. min_score 1 turns the
 * detector off (both passes). Measured on tests/data's labelled photos (README: "Composite
 * segmenter"): the detector finds only the left player of basketball1 at
 * MediaPipe's 0.5 (the right one, from behind, scores 0.42, and the ROI of
 * that detection gives a body half his size); the component ROI gives his
 * shoulders, arm and hand. The portrait and messi5 keep exactly one pose.
 */
typedef struct segtex_pose_finder_options {
    float min_score;    /* detector threshold (0: 0.5, MediaPipe's min_detection_confidence) */
    float min_presence; /* pose flag needed to keep a pose (0: 0.5) */
    float min_area;     /* share of the image a mask component needs to get a pose of its own (0: 0.03) */
} segtex_pose_finder_options;

typedef struct segtex_pose_finder segtex_pose_finder;

/*
 * Borrows the detector and the landmarker (they must outlive the finder);
 * the component grid and its scratch are allocated here. `options` may be
 * NULL. Values out of range (negative, NaN, min_score or min_presence > 1,
 * min_area > 1) are SEGTEX_ERROR_INVALID_ARGUMENT with one ERROR line. On
 * failure *out is NULL.
 */
segtex_status segtex_pose_finder_create(segtex_pose_detector *detector, segtex_pose_landmarker *landmarker,
                                        const segtex_pose_finder_options *options, segtex_pose_finder **out);
/* NULL is fine. */
void segtex_pose_finder_destroy(segtex_pose_finder *finder);

/*
 * Find up to `max_poses` (1..SEGTEX_MAX_POSES) poses in `img` (RGB/RGBA),
 * detector's first, then from faces, then from mask components, then from
 * the detector's weaker detections. `faces`
 * and `person` may be NULL (that clue is not used). `person`: a 1-channel
 * person probability x 255 of any size (sampled in normalized
 * coordinates), e.g. segtex_seg_result_upsample's. Writes out[0..n-1]
 * (each count 1, detected 1, detection_score the detector's score or 0
 * for poses found from a face or a component); the results past n, up to
 * max_poses, are overwritten and left with count 0. Returns n >= 0, or a negative segtex_status (bad argument:
 * one ERROR line; a model failure). Never allocates; not thread-safe on
 * one finder (it drives the borrowed models).
 */
int segtex_pose_finder_find(segtex_pose_finder *finder, const segtex_image *img, const segtex_face_result *faces,
                            const segtex_image *person, segtex_pose_result *out, int max_poses);

/* The pose models of a folder: pose_detection.tflite and pose_landmark_{lite,full}.tflite. */
typedef struct segtex_pose_models {
    segtex_pose_detector *detector;
    segtex_pose_landmarker *landmarker;
} segtex_pose_models;

/* `full` 0: pose_landmark_lite (the default), 1: pose_landmark_full. On failure logs and leaves `out` zeroed. */
segtex_status segtex_pose_models_load(const char *dir, int full, const segtex_model_options *mo,
                                      segtex_pose_models *out);
/* Destroy what was loaded and zero `models`. NULL is fine. */
void segtex_pose_models_free(segtex_pose_models *models);

/* ---- hands (MediaPipe Hands: palm detection, hand landmarks, tracking) -------------- */

typedef struct segtex_palm_detector segtex_palm_detector;

/*
 * Load palm_detection_full.tflite or palm_detection_lite.tflite (input
 * [1,192,192,3] in [0,1], outputs [1,2016,18] boxes and [1,2016,1] scores).
 * The 2016 SSD anchors and all scratch are allocated here. `options` may
 * be NULL. On failure logs, returns an error and sets *out to NULL.
 */
segtex_status segtex_palm_detector_create(const char *model_path, const segtex_model_options *options,
                                          segtex_palm_detector **out);
void segtex_palm_detector_destroy(segtex_palm_detector *detector);

/*
 * Detect palms in `img` (RGB or RGBA), as MediaPipe's palm_detection graph:
 * letterbox to 192x192 in [0,1] (zero border), decode 4+7x2 values per
 * anchor (scaled by 192), sigmoid(clip(score, +-100)) >= min_score
 * (<= 0: 0.5), weighted non-maximum suppression at IoU 0.3, undo the
 * letterbox. Writes at most `max_palms` detections, best first, and returns
 * how many (>= 0), or a negative segtex_status. Never allocates.
 */
int segtex_palm_detector_detect(segtex_palm_detector *detector, const segtex_image *img, float min_score,
                                segtex_palm_detection *out, int max_palms);

/*
 * The hand ROI of a palm (MediaPipe's palm_detection_detection_to_roi):
 * rotation that turns the wrist (keypoint 0) -> middle-finger base
 * (keypoint 2) vector upright, shift by -0.5 of the box height along the
 * hand, the box's longer side x 2.6. In pixels of a width x height image.
 */
segtex_roi segtex_hand_roi_from_palm(const segtex_palm_detection *palm, int width, int height);

/*
 * The ROI for the next frame from a hand's landmarks (MediaPipe's
 * hand_landmark_landmarks_to_roi): the wrist and the MCP/PIP joints
 * (0,1,2,3,5,6,9,10,13,14,17,18), rotation from the wrist to the mean of
 * points 5, 9 and 13 (as MediaPipe weights them), their bounding box in that
 * rotated frame, shifted by -0.1 of its height, the longer side x 2.
 */
segtex_roi segtex_hand_roi_from_landmarks(const segtex_hand_landmarks *hand, int width, int height);

/*
 * The hand ROI of one of a pose's hands (MediaPipe Holistic's
 * hand_landmarks_from_pose_to_recrop_roi): `side` 0 the left (wrist 15,
 * pinky 17, index 19), 1 the right. Centre at the middle finger's knuckle,
 * estimated as (2 index + pinky) / 3; upright from the wrist to it; side
 * twice their distance, shifted 0.1 of that on towards the fingertips,
 * x 2.7. In pixels of a width x height image. Returns 1, or 0 (and leaves
 * *out) when the pose does not see that wrist (visibility under 0.5) or
 * its points coincide.
 */
int segtex_hand_roi_from_pose(const segtex_pose_result *pose, int side, int width, int height, segtex_roi *out);

typedef struct segtex_hand_landmarker segtex_hand_landmarker;

/*
 * Load hand_landmark_full.tflite or hand_landmark_lite.tflite (input
 * [1,224,224,3] in [0,1]; outputs 63 landmarks, presence, handedness, 63
 * world values). On failure logs and sets *out to NULL.
 */
segtex_status segtex_hand_landmarker_create(const char *model_path, const segtex_model_options *options,
                                            segtex_hand_landmarker **out);
void segtex_hand_landmarker_destroy(segtex_hand_landmarker *landmarker);

/*
 * Warp `roi` of `img` to the model input (bilinear, border replicated,
 * [0,1]), run the model and map the 21 points back to the image (z /224
 * /0.4 x the ROI size, as MediaPipe's normalize_z), the world points rotated
 * by the ROI's rotation; handedness labelled as MediaPipe does (the model's
 * score s is "Left" with s, else "Right" with 1 - s). Never allocates.
 */
segtex_status segtex_hand_landmarker_process(segtex_hand_landmarker *landmarker, const segtex_image *img,
                                             const segtex_roi *roi, segtex_hand_landmarks *out);

typedef struct segtex_hand_tracker_options {
    int max_hands;      /* 1..SEGTEX_MAX_HANDS (0: 2, MediaPipe's usual) */
    int video;          /* 1: track between frames and smooth; 0: every frame is a still image */
    float min_presence; /* keep hands whose presence is at least this, 0.6 of it at a pose's wrist (0: 0.5); <= 1 */
    float min_score;    /* palm detector threshold (0: 0.5); <= 1 */
    /* One-Euro smoothing (video only); 0 gives 0.05, 80, 1.0 (as the face tracker) */
    float min_cutoff, beta, derivate_cutoff;
    /*
     * Video only: while fewer than max_hands are tracked, run the palm
     * detector on every Nth frame instead of every frame (0 or 1: every
     * frame, as MediaPipe does). The detector is the costliest hand model;
     * a hand that enters is found at most N-1 frames late. 0..1000.
     */
    int detect_every;
} segtex_hand_tracker_options;

typedef struct segtex_hand_tracker segtex_hand_tracker;

/* Borrows the detector and the landmarker: they must outlive the tracker. */
segtex_status segtex_hand_tracker_create(segtex_palm_detector *detector, segtex_hand_landmarker *landmarker,
                                         const segtex_hand_tracker_options *options, segtex_hand_tracker **out);
void segtex_hand_tracker_destroy(segtex_hand_tracker *tracker);

/*
 * Find the hands of one frame, as MediaPipe's hand_landmark_tracking graph:
 * hands tracked from the previous frame get their ROI from their landmarks;
 * the palm detector runs only while fewer than max_hands are tracked, and a
 * palm whose ROI overlaps a tracked hand's (IoU > 0.5) is dropped. Video
 * mode smooths the landmarks (One-Euro); `timestamp_s` must increase.
 * Never allocates.
 */
segtex_status segtex_hand_tracker_process(segtex_hand_tracker *tracker, const segtex_image *img,
                                          double timestamp_s, segtex_hand_result *out);

/*
 * Stills: the hands the palm detector missed (a small, blurred or side-on
 * hand), looked for where each pose has its wrists, as MediaPipe Holistic
 * does. For each wrist a pose sees with no hand of `out` at it, the
 * landmarker runs on segtex_hand_roi_from_pose, then once more on the ROI
 * from its own landmarks (Holistic refines the region with its re-crop
 * model instead); the hand is added to `out` (palm score 0) when its
 * presence is at least 0.6 of the tracker's min_presence (0.3 at the
 * default 0.5: the pose's wrist is the second witness; MediaPipe keeps
 * 0.5), up to SEGTEX_MAX_HANDS.
 * The tracker's state is not touched. Never allocates.
 */
segtex_status segtex_hand_tracker_add_from_poses(segtex_hand_tracker *tracker, const segtex_image *img,
                                                 const segtex_pose_result *poses, int npose, segtex_hand_result *out);

/* Forget the tracked hands. */
void segtex_hand_tracker_reset(segtex_hand_tracker *tracker);

/* Palm detections run so far (for tests and statistics). */
long segtex_hand_tracker_detections(const segtex_hand_tracker *tracker);

/* The palm detector and hand landmarker a hand tracker borrows; owned by this struct. */
typedef struct segtex_hand_models {
    segtex_palm_detector *detector;
    segtex_hand_landmarker *landmarker;
} segtex_hand_models;

/*
 * Load palm_detection_{full,lite}.tflite and hand_landmark_{full,lite}.tflite
 * from `dir` (`full` 1: MediaPipe's default complexity 1; 0: lite). On
 * failure logs the file and the problem, leaves `out` zeroed.
 */
segtex_status segtex_hand_models_load(const char *dir, int full, const segtex_model_options *mo,
                                      segtex_hand_models *out);
/* Destroy what was loaded and zero `models`. NULL is fine. */
void segtex_hand_models_free(segtex_hand_models *models);

#ifdef __cplusplus
}
#endif
#endif
