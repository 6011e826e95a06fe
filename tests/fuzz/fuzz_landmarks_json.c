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
    return 0;
}
