/* libFuzzer target: the landmarks JSON reader (jansson plus segtex's bounds) must never read out of bounds, crash or leak. */
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
        if (faces.count < 0 || faces.count > SEGTEX_MAX_FACES)
            __builtin_trap();
        for (int f = 0; f < faces.count; f++) {
            const segtex_face *face = &faces.faces[f];
            if (face->landmark_count < 0 || face->landmark_count > SEGTEX_FACE_LANDMARK_COUNT)
                __builtin_trap();
            for (int i = 0; i < face->landmark_count; i++)
                for (int k = 0; k < 3; k++)
                    if (!isfinite(face->landmarks[i][k]))
                        __builtin_trap();
        }
    }
    return 0;
}
