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

/* ---- pose (MediaPipe BlazePose) ------------------------------------------------ */

/* The 33 pose landmarks, MediaPipe's order; left = the subject's left (image right, unmirrored). */
#define SEGTEX_POSE_POINTS 33
enum {
    SEGTEX_POSE_NOSE = 0, SEGTEX_POSE_LEFT_EYE_INNER, SEGTEX_POSE_LEFT_EYE, SEGTEX_POSE_LEFT_EYE_OUTER,
    SEGTEX_POSE_RIGHT_EYE_INNER, SEGTEX_POSE_RIGHT_EYE, SEGTEX_POSE_RIGHT_EYE_OUTER, SEGTEX_POSE_LEFT_EAR,
    SEGTEX_POSE_RIGHT_EAR, SEGTEX_POSE_MOUTH_LEFT, SEGTEX_POSE_MOUTH_RIGHT, SEGTEX_POSE_LEFT_SHOULDER,
    SEGTEX_POSE_RIGHT_SHOULDER, SEGTEX_POSE_LEFT_ELBOW, SEGTEX_POSE_RIGHT_ELBOW, SEGTEX_POSE_LEFT_WRIST,
    SEGTEX_POSE_RIGHT_WRIST, SEGTEX_POSE_LEFT_PINKY, SEGTEX_POSE_RIGHT_PINKY, SEGTEX_POSE_LEFT_INDEX,
    SEGTEX_POSE_RIGHT_INDEX, SEGTEX_POSE_LEFT_THUMB, SEGTEX_POSE_RIGHT_THUMB, SEGTEX_POSE_LEFT_HIP,
    SEGTEX_POSE_RIGHT_HIP, SEGTEX_POSE_LEFT_KNEE, SEGTEX_POSE_RIGHT_KNEE, SEGTEX_POSE_LEFT_ANKLE,
    SEGTEX_POSE_RIGHT_ANKLE, SEGTEX_POSE_LEFT_HEEL, SEGTEX_POSE_RIGHT_HEEL, SEGTEX_POSE_LEFT_FOOT_INDEX,
    SEGTEX_POSE_RIGHT_FOOT_INDEX
};

/*
 * The skeleton MediaPipe draws (POSE_CONNECTIONS): connection `index`
 * (0..SEGTEX_POSE_CONNECTION_COUNT-1) joins landmarks *a and *b. Returns 0,
 * or -1 (a, b untouched) for an index out of range.
 */
#define SEGTEX_POSE_CONNECTION_COUNT 35

/* A pose landmark is seen (in the frame and not hidden) from this visibility up, as MediaPipe's drawing utils. */
#define SEGTEX_POSE_SEEN 0.5f
int segtex_pose_connection(int index, int *a, int *b);

/* Index of the same landmark on the other side of the body (0 <-> 0, 11 <-> 12, ...). */
int segtex_pose_mirror_index(int index);

/* Keypoints of a BlazePose detection, as MediaPipe orders them. */
enum {
    SEGTEX_POSE_KP_HIP_CENTER = 0,      /* mid-hip centre */
    SEGTEX_POSE_KP_FULL_BODY = 1,       /* encodes the full-body size and rotation */
    SEGTEX_POSE_KP_SHOULDER_CENTER = 2, /* mid-shoulder centre */
    SEGTEX_POSE_KP_UPPER_BODY = 3,      /* encodes the upper-body size and rotation */
    SEGTEX_POSE_KP_COUNT = 4
};

/* A BlazePose detection, normalized by the image size; `box` is the face's box (MediaPipe's). */
typedef struct segtex_pose_detection {
    float score;
    float box[4]; /* xmin, ymin, width, height */
    float keypoints[SEGTEX_POSE_KP_COUNT][2];
} segtex_pose_detection;

/* Side of the pose model's segmentation (in ROI space). */
#define SEGTEX_POSE_MASK_SIZE 256

/*
 * People whose poses one image can carry (segtex_pose_finder; MediaPipe's
 * pose solution itself finds one).
 */
#define SEGTEX_MAX_POSES 4

/*
 * One pose of a frame (MediaPipe's pose solution finds at most one;
 * segtex_pose_finder finds up to SEGTEX_MAX_POSES, one result each).
 * Landmarks are normalized like the face's (x * width, y * height are
 * continuous pixel coordinates; z in the scale of x); visibility and
 * presence are probabilities. World landmarks are in metres, origin between
 * the hips, rotated by the ROI like MediaPipe's. The segmentation is the
 * model's, in the ROI's own square: mask[v * 256 + u] covers the ROI point
 * ((u + 0.5) / 256, (v + 0.5) / 256); sample it in frame coordinates with
 * segtex_pose_result_mask_at / segtex_pose_result_mask_to_image.
 * About 270 KB: allocate it once (heap), never on a small stack.
 */
typedef struct segtex_pose_result {
    int count;      /* 0 or 1 */
    int detected;   /* 1 when the detector ran on this frame */
    float score;    /* the pose presence (the landmark model's pose flag, a probability) */
    float detection_score; /* the detector's score when it ran and found this pose, else 0 */
    float landmarks[SEGTEX_POSE_POINTS][5]; /* x, y, z, visibility, presence */
    float world[SEGTEX_POSE_POINTS][3];     /* x, y, z in metres */
    float auxiliary[2][5];                  /* landmarks 33 and 34: the next frame's ROI (hip centre, scale point) */
    segtex_roi roi;                         /* where the landmark model looked, in pixels */
    int mask_size;                          /* SEGTEX_POSE_MASK_SIZE when mask holds a segmentation, else 0 */
    float mask[SEGTEX_POSE_MASK_SIZE * SEGTEX_POSE_MASK_SIZE]; /* person probability, ROI space */
} segtex_pose_result;

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

/*
 * What segtex knows of the people in one frame, by pointer: the segmenter's
 * composite and the renderer read it. Any part may be NULL (not looked for).
 * `pose` points to `pose_count` results (each with its own count 0 or 1);
 * pose_count 0 with a non-NULL `pose` means one, so `{faces, pose, hands}`
 * keeps meaning a single pose. The composite uses every pose; the renderer's
 * skeleton, the anchors and the JSON lines of the live pipeline use
 * pose[0] (the live pipeline tracks one pose).
 */
typedef struct segtex_people {
    const segtex_face_result *faces;
    const segtex_pose_result *pose;
    const segtex_hand_result *hands;
    int pose_count;
} segtex_people;

/* How many results `people->pose` holds (0 when people or pose is NULL). */
static inline int segtex_people_pose_count(const segtex_people *people)
{
    if (!people || !people->pose)
        return 0;
    return people->pose_count > 0 ? people->pose_count : 1;
}

#ifdef __cplusplus
}
#endif
#endif
