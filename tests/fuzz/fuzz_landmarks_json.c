/*
 * libFuzzer target: the landmarks JSON readers (faces, pose, hands: jansson
 * plus segtex's bounds) must never read out of bounds, crash or leak.
 */
#include "segtex/json.h"
#include "segtex/render.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static segtex_faces faces;
    if (segtex_faces_parse_json((const char *)data, size, "fuzz", &faces) == SEGTEX_OK) {
        /* What the renderer relies on after a successful parse. */
        if (faces.result.count < 0 || faces.result.count > SEGTEX_MAX_FACES)
            __builtin_trap();
        for (int f = 0; f < faces.result.count; f++) {
            const segtex_face_landmarks *face = &faces.result.faces[f];
            if (face->count < 0 || face->count > SEGTEX_FACE_POINTS)
                __builtin_trap();
            for (int i = 0; i < face->count; i++)
                for (int k = 0; k < 3; k++)
                    if (!isfinite(face->xyz[i][k]))
                        __builtin_trap();
        }
    }
    static segtex_pose_result pose;
    if (segtex_pose_parse_json((const char *)data, size, "fuzz", &pose) == SEGTEX_OK) {
        if (pose.count < 0 || pose.count > 1)
            __builtin_trap();
        for (int i = 0; i < SEGTEX_POSE_POINTS; i++)
            for (int k = 0; k < 5; k++)
                if (!isfinite(pose.landmarks[i][k]))
                    __builtin_trap();
    }
    static segtex_hand_result hands;
    if (segtex_hands_parse_json((const char *)data, size, "fuzz", &hands) == SEGTEX_OK) {
        if (hands.count < 0 || hands.count > SEGTEX_MAX_HANDS)
            __builtin_trap();
        for (int h = 0; h < hands.count; h++)
            for (int i = 0; i < SEGTEX_HAND_POINTS; i++)
                for (int k = 0; k < 3; k++)
                    if (!isfinite(hands.hands[h].xyz[i][k]) || !isfinite(hands.hands[h].world[i][k]))
                        __builtin_trap();
    }
    return 0;
}
