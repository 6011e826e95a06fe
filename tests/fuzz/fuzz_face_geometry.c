/*
 * libFuzzer target: the canonical face mesh reader (src/vision/face_geometry.c)
 * and, for every mesh it accepts, the UV rasterizer (src/render/face_uv.c) on
 * the mesh's own vertices seen from the front, so arbitrary triangle lists
 * (repeated vertices, slivers, non-manifold edges) reach the rasterizer too.
 */
#include "render/face_uv.h"
#include "segtex/face_geometry.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int quiet;
    if (!quiet) {
        segtex_set_log(NULL, NULL, SEGTEX_LOG_ERROR);
        quiet = 1;
    }
    segtex_face_geometry *g = NULL;
    if (segtex_face_geometry_create_from_memory(data, size, "fuzz", &g) != SEGTEX_OK)
        return 0;
    const segtex_face_mesh *m = segtex_face_geometry_mesh(g);
    face_uv *uv = NULL;
    static face_uv_map map;
    if (!map.texels && face_uv_map_alloc(&map, 64 * 64))
        return 0;
    if (face_uv_create(m, &uv) == SEGTEX_OK) {
        static segtex_face_landmarks lm;
        lm.count = 468;
        /* x, y in [-1e4, 1e4] cm are mapped by a fixed scale: most land off the 64 x 64 frame, which
         * exercises the clipping; MediaPipe's mesh lands on it. */
        for (int i = 0; i < 468; i++) {
            lm.xyz[i][0] = 0.5f + m->xyz[i][0] / 40.0f;
            lm.xyz[i][1] = 0.5f - m->xyz[i][1] / 40.0f;
            lm.xyz[i][2] = -m->xyz[i][2] / 40.0f;
        }
        face_uv_rasterize(uv, &lm, 64, 64, &map);
        volatile float sink = 0;
        for (int y = map.y0; y < map.y0 + map.height; y++) {
            const face_uv_texel *row = face_uv_map_row(&map, y);
            for (int x = map.x0; x < map.x0 + map.width; x++)
                sink += face_uv_map_at(&map, row, x)->coverage;
        }
        (void)sink;
        face_uv_destroy(uv);
    }
    segtex_face_geometry_destroy(g);
    return 0;
}
