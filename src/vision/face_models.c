/* Loading the face models from a folder, for the effect and for every command (see vision.h). */
#include "core/log.h"
#include "segtex/vision.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

const char *segtex_detector_kind_name(segtex_detector_kind kind)
{
    switch (kind) {
    case SEGTEX_DETECTOR_AUTO: return "auto";
    case SEGTEX_DETECTOR_SHORT: return "short";
    case SEGTEX_DETECTOR_FULL: return "full";
    }
    return NULL;
}

int segtex_detector_kind_parse(const char *name)
{
    for (int k = 0; k <= SEGTEX_DETECTOR_FULL; k++)
        if (name && !strcmp(name, segtex_detector_kind_name((segtex_detector_kind)k)))
            return k;
    return -1;
}

void segtex_face_models_free(segtex_face_models *m)
{
    if (!m)
        return;
    segtex_face_landmarker_destroy(m->landmarker);
    segtex_face_detector_destroy(m->detector);
    segtex_face_detector_destroy(m->fallback);
    memset(m, 0, sizeof *m);
}

segtex_status segtex_face_models_load(const char *dir, segtex_detector_kind kind, int attention,
                                      const segtex_model_options *mo, segtex_face_models *out)
{
    memset(out, 0, sizeof *out);
    char path[4096];
    segtex_status st;
    snprintf(path, sizeof path, "%s/face_detection_%s_range.tflite", dir,
             kind == SEGTEX_DETECTOR_FULL ? "full" : "short");
    if ((st = segtex_face_detector_create(path, mo, &out->detector)))
        goto fail;
    snprintf(path, sizeof path, "%s/%s.tflite", dir, attention ? "face_landmark_with_attention" : "face_landmark");
    if ((st = segtex_face_landmarker_create(path, mo, &out->landmarker)))
        goto fail;
    if (kind == SEGTEX_DETECTOR_AUTO) {
        snprintf(path, sizeof path, "%s/face_detection_full_range.tflite", dir);
        if (access(path, F_OK)) /* optional: short range alone still works */
            LOG_WARNING("'%s' is absent: faces far from the camera will not be found", path);
        else if ((st = segtex_face_detector_create(path, mo, &out->fallback)))
            goto fail;
    }
    return SEGTEX_OK;
fail:
    segtex_face_models_free(out);
    return st;
}
