/*
 * segtex types: the vocabulary every layer shares. Vision writes these,
 * render, the effect, the JSON writers and the bindings read them; nothing
 * converts one into another.
 */
#ifndef SEGTEX_TYPES_H
#define SEGTEX_TYPES_H

#include "segtex/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the six categories (MediaPipe's selfie_multiclass order) ------------------ */

typedef enum segtex_category {
    SEGTEX_CATEGORY_BACKGROUND = 0,
    SEGTEX_CATEGORY_HAIR = 1,
    SEGTEX_CATEGORY_BODY_SKIN = 2,
    SEGTEX_CATEGORY_FACE_SKIN = 3,
    SEGTEX_CATEGORY_CLOTHES = 4,
    SEGTEX_CATEGORY_OTHERS = 5,
    SEGTEX_CATEGORY_COUNT = 6,
} segtex_category;

/* "background", "hair", "body-skin", "face-skin", "clothes", "others"; NULL when out of range. */
const char *segtex_category_name(int category);
/* Category id of a name above (also accepts "0".."5" and '_' for '-'), or -1. */
int segtex_category_parse(const char *name);

/* ---- faces ---------------------------------------------------------------------- */

/* Faces per frame, at most (tracked, drawn, read from one landmarks file). */
#define SEGTEX_MAX_FACES 8

/* Keypoints of a detection, as MediaPipe orders them (right = the subject's right, image left). */
enum {
    SEGTEX_KEYPOINT_RIGHT_EYE = 0, SEGTEX_KEYPOINT_LEFT_EYE, SEGTEX_KEYPOINT_NOSE_TIP,
    SEGTEX_KEYPOINT_MOUTH, SEGTEX_KEYPOINT_RIGHT_EAR, SEGTEX_KEYPOINT_LEFT_EAR, SEGTEX_KEYPOINT_COUNT
};

/* Coordinates normalized by the image width and height, like MediaPipe's. */
typedef struct segtex_face_detection {
    float score;
    float box[4]; /* xmin, ymin, width, height */
    float keypoints[SEGTEX_KEYPOINT_COUNT][2];
} segtex_face_detection;

#define SEGTEX_FACE_MESH_POINTS 468
#define SEGTEX_FACE_POINTS 478 /* mesh + 2 x 5 iris points (the attention model) */

/* A rotated square region of the image, in pixels. */
typedef struct segtex_roi {
    float cx, cy;   /* centre */
    float size;     /* side */
    float rotation; /* radians, counter-clockwise in image coordinates (y down), as MediaPipe */
} segtex_roi;

typedef struct segtex_face_landmarks {
    float presence; /* sigmoid of the face flag */
    int count;      /* 478 (attention model) or 468 */
    float xyz[SEGTEX_FACE_POINTS][3]; /* normalized by image width/height; z in the scale of x */
    segtex_roi roi; /* where the model looked */
} segtex_face_landmarks;


/*
 * The faces of one frame: written by the face tracker, read by the segmenter,
 * the renderer (landmarks, boxes), the JSON writers and the bindings.
 * Coordinates are normalized like MediaPipe's: x * image width and y *
 * image height are continuous pixel coordinates where pixel (i, j) covers
 * [i, i+1) x [j, j+1), so the centre of pixel i is x = (i + 0.5) / width.
 */
typedef struct segtex_face_result {
    int count;
    int detected; /* 1 when the detector ran on this frame */
    segtex_face_detection detection[SEGTEX_MAX_FACES]; /* score 0 for tracked faces; a zero box: none */
    segtex_face_landmarks faces[SEGTEX_MAX_FACES];
} segtex_face_result;

/* ---- segmentation ---------------------------------------------------------------- */

/*
 * A segmentation at model resolution: per-pixel probabilities of the six
 * categories, interleaved (prob[(y * width + x) * 6 + c]), and their argmax
 * (category[y * width + x]). Buffers hold up to `capacity` pixels; the
 * segmenter sets width and height on every process.
 */
/*
 * Read by the renderer: each pixel's six values should sum to 1 (they are
 * clamped to [0,1] and renormalized, NaN and values under 2^-16 count as 0;
 * a pixel whose sum is 0 counts as background). With `prob` NULL the
 * `category` ids (above 5: background) are one-hot probabilities, so a hard
 * map still gets smooth (bilinear) edges; both NULL: all background.
 */
typedef struct segtex_seg_result {
    int width, height;
    float *prob;
    uint8_t *category;
    int capacity;
} segtex_seg_result;

/* ---- hands ------------------------------------------------------------------------ */

/* Hands per frame, at most (MediaPipe Hands' usual num_hands is 2). */
#define SEGTEX_MAX_HANDS 2
#define SEGTEX_HAND_POINTS 21
#define SEGTEX_PALM_KEYPOINTS 7 /* of a palm detection: 0 wrist, 2 middle-finger base (MediaPipe's order) */

/* A palm detection; coordinates normalized by the image width and height, like segtex_face_detection. */
typedef struct segtex_palm_detection {
    float score;
    float box[4]; /* xmin, ymin, width, height */
    float keypoints[SEGTEX_PALM_KEYPOINTS][2];
} segtex_palm_detection;

/*
 * One hand. Landmarks in MediaPipe's order (0 wrist, 1-4 thumb, 5-8 index,
 * 9-12 middle, 13-16 ring, 17-20 little finger), normalized like the face's:
 * x by the image width, y by its height, z (depth relative to the wrist,
 * smaller is nearer the camera) in the scale of x. `world` is in metres,
 * origin near the hand's centre, rotated back into the image's axes.
 * Handedness is labelled exactly as MediaPipe labels the same image: its
 * model assumes a mirrored (selfie) image, so on an unmirrored photo the
 * label "Left" (right = 0) is the subject's right hand.
 */
typedef struct segtex_hand_landmarks {
    float presence;         /* hand flag (the model's sigmoid) */
    int right;              /* 1: MediaPipe's label "Right", 0: "Left" */
    float handedness_score; /* the score of that label, in [0.5, 1] */
    float xyz[SEGTEX_HAND_POINTS][3];
    float world[SEGTEX_HAND_POINTS][3];
    segtex_roi roi; /* where the model looked */
} segtex_hand_landmarks;

/* The hands of one frame, written by the hand tracker. */
typedef struct segtex_hand_result {
    int count;
    int detected; /* 1 when the palm detector ran on this frame */
    segtex_palm_detection palm[SEGTEX_MAX_HANDS]; /* score 0 for hands followed from the previous frame */
    segtex_hand_landmarks hands[SEGTEX_MAX_HANDS];
} segtex_hand_result;

#ifdef __cplusplus
}
#endif
#endif
