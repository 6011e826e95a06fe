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
int cmd_pose(int argc, char **argv);
int cmd_hands(int argc, char **argv);
int cmd_segment(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_soak(int argc, char **argv);
int cmd_fetch_models(int argc, char **argv);

/* Folder of the .tflite files: `dir` when given, else the search order of segtex/assets.h. */
const char *cli_models_dir(const char *dir);

/*
 * Paint `img` with `seg` in the default colours (NULL: nothing painted),
 * draw `views` (landmarks, boxes) on top and save it as a PNG. 0 or 1 (logged).
 */
int cli_save_painted(const segtex_image *img, const segtex_seg_result *seg, const segtex_face_result *faces,
                     const segtex_face_result *more, const char *path, segtex_threadpool *pool);

/*
 * Every pose of the still image `img`, at most `max` (segtex_pose_finder_find
 * with `faces`): with `seg` (a composite segmenter, reset afterwards) the
 * person mask of a pass without poses gives the finder its components.
 * Returns how many poses, or -1 (logged).
 */
int cli_find_poses(segtex_segmenter *seg, segtex_pose_finder *finder, const segtex_image *img,
                   const segtex_face_result *faces, const segtex_hand_result *hands, segtex_pose_result *poses, int max);

#endif
