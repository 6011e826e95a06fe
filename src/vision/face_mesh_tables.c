#include "vision/face_mesh_tables.h"

/* Refinement maps, grouped by the ring of points they cover. */

const uint16_t segtex_mesh_lips_map[SEGTEX_MESH_LIPS_COUNT] = {
    /* outer lip line: lower (corner to corner), then upper without the corners */
    61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291,
    185, 40, 39, 37, 0, 267, 269, 270, 409,
    /* inner lip line */
    78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308,
    191, 80, 81, 82, 13, 312, 311, 310, 415,
    /* ring between outer line and skin */
    76, 77, 90, 180, 85, 16, 315, 404, 320, 307, 306,
    184, 74, 73, 72, 11, 302, 303, 304, 408,
    /* ring between outer and inner lines */
    62, 96, 89, 179, 86, 15, 316, 403, 319, 325, 292,
    183, 42, 41, 38, 12, 268, 271, 272, 407,
};

/* Model "left" eye = subject's right eye (image left). */
const uint16_t segtex_mesh_left_eye_map[SEGTEX_MESH_EYE_COUNT] = {
    33, 7, 163, 144, 145, 153, 154, 155, 133,   /* eyelid, lower */
    246, 161, 160, 159, 158, 157, 173,          /* eyelid, upper */
    130, 25, 110, 24, 23, 22, 26, 112, 243,     /* ring 2, lower */
    247, 30, 29, 27, 28, 56, 190,               /* ring 2, upper */
    226, 31, 228, 229, 230, 231, 232, 233, 244, /* ring 3, lower */
    113, 225, 224, 223, 222, 221, 189,          /* ring 3, upper */
    35, 124, 46, 53, 52, 65,                    /* ring 4, upper (lower edge of brow) */
    143, 111, 117, 118, 119, 120, 121, 128, 245, /* ring 5, lower */
    156, 70, 63, 105, 66, 107, 55, 193,         /* ring 5, upper (upper edge of brow) */
};

/* Model "right" eye = subject's left eye (image right). */
const uint16_t segtex_mesh_right_eye_map[SEGTEX_MESH_EYE_COUNT] = {
    263, 249, 390, 373, 374, 380, 381, 382, 362,
    466, 388, 387, 386, 385, 384, 398,
    359, 255, 339, 254, 253, 252, 256, 341, 463,
    467, 260, 259, 257, 258, 286, 414,
    446, 261, 448, 449, 450, 451, 452, 453, 464,
    342, 445, 444, 443, 442, 441, 413,
    265, 353, 276, 283, 282, 295,
    372, 340, 346, 347, 348, 349, 350, 357, 465,
    383, 300, 293, 334, 296, 336, 285, 417,
};

const uint16_t segtex_mesh_left_iris_map[SEGTEX_MESH_IRIS_COUNT] = {468, 469, 470, 471, 472};
const uint16_t segtex_mesh_right_iris_map[SEGTEX_MESH_IRIS_COUNT] = {473, 474, 475, 476, 477};

const uint16_t segtex_mesh_left_iris_z_avg[SEGTEX_MESH_IRIS_Z_AVG_COUNT] = {
    33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173,
};
const int segtex_mesh_left_iris_z_avg_count = SEGTEX_MESH_IRIS_Z_AVG_COUNT;

const uint16_t segtex_mesh_right_iris_z_avg[SEGTEX_MESH_IRIS_Z_AVG_COUNT] = {
    263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398,
};
const int segtex_mesh_right_iris_z_avg_count = SEGTEX_MESH_IRIS_Z_AVG_COUNT;

/* Closed polygons, all clockwise on screen for an upright, non-mirrored face. */

/* From the top of the forehead over the subject's left (image right) to the chin and back. */
const uint16_t segtex_mesh_face_oval[SEGTEX_MESH_FACE_OVAL_COUNT] = {
    10,  338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288,
    397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150, 136,
    172, 58,  132, 93,  234, 127, 162, 21,  54,  103, 67,  109,
};

/* From the image-left mouth corner (61 / 78) along the upper lip, back along the lower. */
const uint16_t segtex_mesh_lips_outer[SEGTEX_MESH_LIPS_OUTER_COUNT] = {
    61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17, 84, 181, 91, 146,
};
const uint16_t segtex_mesh_lips_inner[SEGTEX_MESH_LIPS_INNER_COUNT] = {
    78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 324, 318, 402, 317, 14, 87, 178, 88, 95,
};

/* Eyelid contours: from the outer corner (263) along the lower lid, back along the upper. */
const uint16_t segtex_mesh_left_eye[SEGTEX_MESH_EYE_CONTOUR_COUNT] = {
    263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466,
};
/* From the outer corner (33) along the upper lid, back along the lower. */
const uint16_t segtex_mesh_right_eye[SEGTEX_MESH_EYE_CONTOUR_COUNT] = {
    33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7,
};

/* Brows: lower edge outer -> inner, then upper edge inner -> outer. */
const uint16_t segtex_mesh_left_brow[SEGTEX_MESH_BROW_COUNT] = {
    276, 283, 282, 295, 285, 336, 296, 334, 293, 300,
};
/* Brows: upper edge outer -> inner, then lower edge inner -> outer. */
const uint16_t segtex_mesh_right_brow[SEGTEX_MESH_BROW_COUNT] = {
    46, 70, 63, 105, 66, 107, 55, 65, 52, 53,
};

const uint16_t segtex_mesh_left_iris[SEGTEX_MESH_IRIS_CONTOUR_COUNT] = {474, 477, 476, 475};
const uint16_t segtex_mesh_right_iris[SEGTEX_MESH_IRIS_CONTOUR_COUNT] = {469, 472, 471, 470};
