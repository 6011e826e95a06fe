/*
 * segtex assets: where the model files (.tflite) are found.
 *
 * One search order for every client (the segtex command, bindings, apps):
 *
 *   1. the folder the caller names (the command's --models DIR),
 *   2. $SEGTEX_ASSETS,
 *   3. $XDG_DATA_HOME/segtex (default ~/.local/share/segtex), where
 *      `segtex fetch-models` puts them,
 *   4. <prefix>/share/segtex/models, <prefix> being where libsegtex is
 *      installed (found at run time from the library's own file, so a moved
 *      or extracted tree works; else the prefix configured at build time),
 *   5. ./assets (the source tree's folder, where scripts/fetch-assets.sh
 *      puts them).
 *
 * 1 and 2 are taken as given, whether or not they exist, so that a wrong
 * value is reported by the load that follows instead of silently skipped.
 * 3 and 4 count only when they hold at least one .tflite file. 5 is the last
 * resort and is returned even when it does not exist.
 */
#ifndef SEGTEX_ASSETS_H
#define SEGTEX_ASSETS_H

#include "segtex/core.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Write the models folder (search order above) to `out`, a buffer of `size`
 * bytes, NUL-terminated, without a trailing slash. `explicit_dir` may be
 * NULL. Logs the folders searched at debug level, and a warning naming them
 * when none holds a model. Allocates nothing; reads the environment (do not
 * change it from another thread meanwhile).
 * Returns SEGTEX_OK, or SEGTEX_ERROR_INVALID_ARGUMENT when `out` is NULL,
 * `size` is 0 or the folder does not fit (then `out` holds "" when size > 0).
 */
segtex_status segtex_models_dir_find(const char *explicit_dir, char *out, size_t size);

/*
 * Write the per-user models folder (step 3 above: $XDG_DATA_HOME/segtex, or
 * $HOME/.local/share/segtex) to `out`, whether or not it exists. Allocates
 * nothing. Returns SEGTEX_OK, or SEGTEX_ERROR_INVALID_ARGUMENT when `out` is
 * NULL, `size` is 0, the path does not fit or neither variable is set (then
 * `out` holds "" when size > 0).
 */
segtex_status segtex_models_dir_user(char *out, size_t size);

#ifdef __cplusplus
}
#endif
#endif
