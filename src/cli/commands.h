/* Subcommands of the `segtex` command. Each returns the process exit code. */
#ifndef SEGTEX_CLI_COMMANDS_H
#define SEGTEX_CLI_COMMANDS_H

int cmd_model(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_bench(int argc, char **argv);

#endif
