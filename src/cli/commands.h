/* Subcommands of the `segtex` command. Each returns the process exit code. */
#ifndef SEGTEX_CLI_COMMANDS_H
#define SEGTEX_CLI_COMMANDS_H

#include "segtex/io.h"
#include "segtex/pipeline.h"
#include "segtex/render.h"
#include "segtex/vision.h"

int cmd_model(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_face(int argc, char **argv);
int cmd_segment(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_soak(int argc, char **argv);

/* Folder of the .tflite files: `dir` when given, else $SEGTEX_ASSETS, else "assets". */
const char *cli_models_dir(const char *dir);

/*
 * Load face_detection_<detector>_range.tflite ("auto" loads the short range)
 * and the landmarker ("attention" or "plain") from `dir`. -1 on failure (logged).
 */
int cli_load_face_models(const char *dir, const char *detector, const char *landmarker,
                         const segtex_model_options *mo, segtex_face_detector **det, segtex_face_landmarker **lm);

/* 1 when `detector` is "auto", "short" or "full"; else prints "segtex: CMD: --detector must be ..." and returns 0. */
int cli_detector_valid(const char *cmd, const char *detector);

/*
 * For --detector auto, the full-range detector that backs up the short one
 * (segtex_face_tracker_options.fallback_detector); *full stays NULL for
 * "short" and "full", and (with one warning line) when its model is absent.
 * -1 when the model exists but cannot be loaded (logged).
 */
int cli_load_fallback_detector(const char *dir, const char *detector, const segtex_model_options *mo,
                               segtex_face_detector **full);

/*
 * Paint `img` with `seg` in the default colours (NULL: nothing painted),
 * draw `views` (landmarks, boxes) on top and save it as a PNG. 0 or 1 (logged).
 */
int cli_save_painted(const segtex_image *img, const segtex_seg_result *seg, const segtex_landmarks *views, int n,
                     const char *path, segtex_threadpool *pool);

#endif
