/* Subcommands of the `segtex` command. Each returns the process exit code. */
#ifndef SEGTEX_CLI_COMMANDS_H
#define SEGTEX_CLI_COMMANDS_H

int cmd_model(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_face(int argc, char **argv);
int cmd_segment(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_soak(int argc, char **argv);

/* Folder of the .tflite files: `dir` when given, else $SEGTEX_ASSETS, else "assets". */
const char *cli_models_dir(const char *dir);

#endif
