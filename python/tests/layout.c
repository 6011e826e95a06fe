/*
 * Prints the size and every field offset of the structs the Python binding
 * mirrors, one "struct.field offset" line each ("struct sizeof size" for the
 * size), for python/tests/test_layout.py to compare with its ctypes
 * Structures.
 */
#include "segtex/effect.h"

#include <stddef.h>
#include <stdio.h>

#define SIZE(T) printf(#T " sizeof %zu\n", sizeof(T))
#define OFF(T, f) printf(#T " " #f " %zu\n", offsetof(T, f))

int main(void)
{
    SIZE(segtex_image);
    OFF(segtex_image, data); OFF(segtex_image, width); OFF(segtex_image, height);
    OFF(segtex_image, channels); OFF(segtex_image, stride);

    SIZE(segtex_effect_options);
    OFF(segtex_effect_options, models_dir); OFF(segtex_effect_options, backend);
    OFF(segtex_effect_options, segmenter); OFF(segtex_effect_options, faces);
    OFF(segtex_effect_options, max_faces); OFF(segtex_effect_options, detector);
    OFF(segtex_effect_options, smooth); OFF(segtex_effect_options, live);
    OFF(segtex_effect_options, threads); OFF(segtex_effect_options, textures_dir);
    OFF(segtex_effect_options, mode); OFF(segtex_effect_options, landmarks);
    OFF(segtex_effect_options, has_seed); OFF(segtex_effect_options, seed);
    OFF(segtex_effect_options, pose); OFF(segtex_effect_options, pose_full); OFF(segtex_effect_options, hands);
    OFF(segtex_effect_options, hands_full); OFF(segtex_effect_options, skeleton);
    OFF(segtex_effect_options, palm_every); OFF(segtex_effect_options, edges);

    SIZE(segtex_pose_result);
    OFF(segtex_pose_result, count); OFF(segtex_pose_result, detected); OFF(segtex_pose_result, score);
    OFF(segtex_pose_result, detection_score); OFF(segtex_pose_result, landmarks); OFF(segtex_pose_result, world);
    OFF(segtex_pose_result, auxiliary); OFF(segtex_pose_result, roi); OFF(segtex_pose_result, mask_size);
    OFF(segtex_pose_result, mask);

    SIZE(segtex_palm_detection);
    OFF(segtex_palm_detection, score); OFF(segtex_palm_detection, box); OFF(segtex_palm_detection, keypoints);

    SIZE(segtex_hand_landmarks);
    OFF(segtex_hand_landmarks, presence); OFF(segtex_hand_landmarks, right);
    OFF(segtex_hand_landmarks, handedness_score); OFF(segtex_hand_landmarks, xyz); OFF(segtex_hand_landmarks, world);
    OFF(segtex_hand_landmarks, roi);

    SIZE(segtex_hand_result);
    OFF(segtex_hand_result, count); OFF(segtex_hand_result, detected); OFF(segtex_hand_result, palm);
    OFF(segtex_hand_result, hands);

    SIZE(segtex_face_detection);
    OFF(segtex_face_detection, score); OFF(segtex_face_detection, box); OFF(segtex_face_detection, keypoints);

    SIZE(segtex_roi);
    OFF(segtex_roi, cx); OFF(segtex_roi, cy); OFF(segtex_roi, size); OFF(segtex_roi, rotation);

    SIZE(segtex_face_landmarks);
    OFF(segtex_face_landmarks, presence); OFF(segtex_face_landmarks, count);
    OFF(segtex_face_landmarks, xyz); OFF(segtex_face_landmarks, roi);

    SIZE(segtex_face_result);
    OFF(segtex_face_result, count); OFF(segtex_face_result, detected);
    OFF(segtex_face_result, detection); OFF(segtex_face_result, faces);

    SIZE(segtex_seg_result);
    OFF(segtex_seg_result, width); OFF(segtex_seg_result, height); OFF(segtex_seg_result, prob);
    OFF(segtex_seg_result, category); OFF(segtex_seg_result, capacity);

    SIZE(segtex_effect_result);
    OFF(segtex_effect_result, index); OFF(segtex_effect_result, pts); OFF(segtex_effect_result, faces);
    OFF(segtex_effect_result, faces_index); OFF(segtex_effect_result, seg); OFF(segtex_effect_result, seg_index);
    OFF(segtex_effect_result, face_ms); OFF(segtex_effect_result, seg_ms); OFF(segtex_effect_result, render_ms);
    OFF(segtex_effect_result, pose); OFF(segtex_effect_result, pose_index); OFF(segtex_effect_result, hands);
    OFF(segtex_effect_result, hands_index); OFF(segtex_effect_result, pose_ms); OFF(segtex_effect_result, hands_ms);

    SIZE(segtex_paint);
    OFF(segtex_paint, enabled); OFF(segtex_paint, texture); OFF(segtex_paint, color); OFF(segtex_paint, color2);
    OFF(segtex_paint, scale); OFF(segtex_paint, opacity); OFF(segtex_paint, offset_x); OFF(segtex_paint, offset_y);
    OFF(segtex_paint, kind); OFF(segtex_paint, strength); OFF(segtex_paint, radius); OFF(segtex_paint, picture);
    OFF(segtex_paint, anchor);

    SIZE(segtex_stage_stats);
    OFF(segtex_stage_stats, count); OFF(segtex_stage_stats, p50_ms); OFF(segtex_stage_stats, p95_ms);

    SIZE(segtex_effect_stats);
    OFF(segtex_effect_stats, frames); OFF(segtex_effect_stats, frames_in);
    OFF(segtex_effect_stats, dropped_source); OFF(segtex_effect_stats, dropped_face);
    OFF(segtex_effect_stats, dropped_seg); OFF(segtex_effect_stats, dropped_output);
    OFF(segtex_effect_stats, configures); OFF(segtex_effect_stats, resizes);
    OFF(segtex_effect_stats, source); OFF(segtex_effect_stats, face); OFF(segtex_effect_stats, seg);
    OFF(segtex_effect_stats, render); OFF(segtex_effect_stats, latency);
    OFF(segtex_effect_stats, dropped_pose); OFF(segtex_effect_stats, dropped_hands); OFF(segtex_effect_stats, pose);
    OFF(segtex_effect_stats, hands); OFF(segtex_effect_stats, pose_detections);
    OFF(segtex_effect_stats, palm_detections);

    /* The enums the options carry are C ints. */
    printf("enum sizeof %zu\n", sizeof(segtex_render_mode));
    return 0;
}
