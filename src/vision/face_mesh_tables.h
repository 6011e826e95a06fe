/*
 * Index tables for the 478-point face mesh produced by MediaPipe's
 * face_landmark_with_attention.tflite (468 mesh points + 10 iris points).
 * The numbers are facts taken from MediaPipe's public graph and connection
 * definitions; the layout and names here are segtex's own.
 *
 * Model outputs and how they refine the 478 landmarks
 * ----------------------------------------------------
 * The model's outputs are, in order (tensor index: name, shape):
 *   0 output_mesh_identity [1,1,1,1404]  468 points x,y,z -> landmarks 0..467 (identity), z copied
 *   1 output_lips          [1,1,1,160]    80 points x,y   -> segtex_mesh_lips_map,      z untouched
 *   2 output_left_eye      [1,1,1,142]    71 points x,y   -> segtex_mesh_left_eye_map,  z untouched
 *   3 output_right_eye     [1,1,1,142]    71 points x,y   -> segtex_mesh_right_eye_map, z untouched
 *   4 output_left_iris     [1,1,1,10]      5 points x,y   -> segtex_mesh_left_iris_map  (468..472),
 *                                                            z = mean z of segtex_mesh_left_iris_z_avg
 *   5 output_right_iris    [1,1,1,10]      5 points x,y   -> segtex_mesh_right_iris_map (473..477),
 *                                                            z = mean z of segtex_mesh_right_iris_z_avg
 *   6 conv_faceflag        [1,1,1,1]     face presence logit (sigmoid -> score)
 * Refinements are applied in that order (mesh first): refined point i of a
 * tensor overwrites x,y of landmark map[i]. All coordinates are in pixels of
 * the 192x192 model input. MediaPipe's graph feeds the tensors to the
 * refinement in exactly this output order, and the names agree with it.
 *
 * Left / right: two conventions, be careful
 * -----------------------------------------
 * The MODEL's "left" (output_left_eye, output_left_iris, and so the maps
 * segtex_mesh_left_eye_map / segtex_mesh_left_iris_map below) is the eye on
 * the IMAGE's left for an upright, non-mirrored face, i.e. the SUBJECT's
 * RIGHT eye (landmarks 33, 133, 159, 145, ...; irises 468..472).
 * Checked by running the model on assets/astronaut.png (face crop, face flag
 * logit +23.6): output_left_eye point 0 falls on landmark 33 at x ~ 63 of 192,
 * landmark 263 lies at x ~ 131.
 *
 * The CONTOUR polygons below use the SUBJECT's point of view, like MediaPipe's
 * published connection lists (FACEMESH_LEFT_EYE = landmarks 263..362 etc.):
 *   segtex_mesh_left_eye  / _left_brow  / _left_iris  = subject's left  = image right
 *   segtex_mesh_right_eye / _right_brow / _right_iris = subject's right = image left
 * Hence segtex_mesh_left_eye_map refines segtex_mesh_right_eye's landmarks,
 * and segtex_mesh_left_iris_map (468..472) holds segtex_mesh_right_iris's.
 *
 * Polygons
 * --------
 * Every polygon is an ordered closed loop (the last index connects back to the
 * first; the first index is not repeated). Consecutive indices are exactly the
 * edges of MediaPipe's corresponding connection list, each used once; the
 * eyebrows are two open chains in MediaPipe's list and are closed here with
 * the two mesh edges at their ends (right brow: 55-107 and 70-46; left brow:
 * 285-336 and 300-276), giving a closed brow outline. All polygons wind the
 * same way: positive shoelace area in image coordinates (x right, y down),
 * i.e. clockwise on screen, for an upright non-mirrored face (a mirrored
 * image reverses them all). Point-in-polygon tests should not depend on it.
 */
#ifndef SEGTEX_VISION_FACE_MESH_TABLES_H
#define SEGTEX_VISION_FACE_MESH_TABLES_H
#include <stdint.h>

#define SEGTEX_MESH_LANDMARK_COUNT 478 /* after refinement */
#define SEGTEX_MESH_MESH_COUNT 468     /* output_mesh_identity: landmarks 0..467 */
#define SEGTEX_MESH_LIPS_COUNT 80
#define SEGTEX_MESH_EYE_COUNT 71
#define SEGTEX_MESH_IRIS_COUNT 5
#define SEGTEX_MESH_IRIS_Z_AVG_COUNT 16

/* Refinement maps: refined point i of the tensor overwrites landmark map[i]. */
extern const uint16_t segtex_mesh_lips_map[SEGTEX_MESH_LIPS_COUNT];      /* output_lips */
extern const uint16_t segtex_mesh_left_eye_map[SEGTEX_MESH_EYE_COUNT];   /* output_left_eye */
extern const uint16_t segtex_mesh_right_eye_map[SEGTEX_MESH_EYE_COUNT];  /* output_right_eye */
/* output_left_iris -> 468..472, output_right_iris -> 473..477; point 0 is the
 * iris centre, then four points around the iris rim. */
extern const uint16_t segtex_mesh_left_iris_map[SEGTEX_MESH_IRIS_COUNT];
extern const uint16_t segtex_mesh_right_iris_map[SEGTEX_MESH_IRIS_COUNT];
/* z of every refined iris point = mean z of these landmarks (the eyelid contour
 * of the same eye, read after the eye refinement, which leaves z alone). */
extern const uint16_t segtex_mesh_left_iris_z_avg[SEGTEX_MESH_IRIS_Z_AVG_COUNT];
extern const int segtex_mesh_left_iris_z_avg_count;
extern const uint16_t segtex_mesh_right_iris_z_avg[SEGTEX_MESH_IRIS_Z_AVG_COUNT];
extern const int segtex_mesh_right_iris_z_avg_count;

/* Iris centres (subject's sides, see above). */
#define SEGTEX_MESH_RIGHT_IRIS_CENTER 468
#define SEGTEX_MESH_LEFT_IRIS_CENTER 473

/* Closed polygons (subject's sides). */
#define SEGTEX_MESH_FACE_OVAL_COUNT 36
#define SEGTEX_MESH_LIPS_OUTER_COUNT 20
#define SEGTEX_MESH_LIPS_INNER_COUNT 20
#define SEGTEX_MESH_EYE_CONTOUR_COUNT 16
#define SEGTEX_MESH_BROW_COUNT 10
#define SEGTEX_MESH_IRIS_CONTOUR_COUNT 4

extern const uint16_t segtex_mesh_face_oval[SEGTEX_MESH_FACE_OVAL_COUNT];
extern const uint16_t segtex_mesh_lips_outer[SEGTEX_MESH_LIPS_OUTER_COUNT];
extern const uint16_t segtex_mesh_lips_inner[SEGTEX_MESH_LIPS_INNER_COUNT];
extern const uint16_t segtex_mesh_left_eye[SEGTEX_MESH_EYE_CONTOUR_COUNT];   /* 263..362 */
extern const uint16_t segtex_mesh_right_eye[SEGTEX_MESH_EYE_CONTOUR_COUNT];  /* 33..133 */
extern const uint16_t segtex_mesh_left_brow[SEGTEX_MESH_BROW_COUNT];
extern const uint16_t segtex_mesh_right_brow[SEGTEX_MESH_BROW_COUNT];
extern const uint16_t segtex_mesh_left_iris[SEGTEX_MESH_IRIS_CONTOUR_COUNT];  /* 474..477 */
extern const uint16_t segtex_mesh_right_iris[SEGTEX_MESH_IRIS_CONTOUR_COUNT]; /* 469..472 */
#endif
