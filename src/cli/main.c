/* The `segtex` command: a dispatcher of subcommands, like git. */
#include "commands.h"
#include "segtex/core.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"model", cmd_model, "inspect, run, compare and benchmark a .tflite model"},
    {"face", cmd_face, "detect faces and their 478 landmarks in an image"},
    {"pose", cmd_pose, "detect a person's pose: 33 landmarks and its mask in an image"},
    {"hands", cmd_hands, "detect hands and their 21 landmarks each in an image"},
    {"segment", cmd_segment, "split an image into the six categories"},
    {"run", cmd_run, "the live effect: camera or video in, window, file or virtual camera out"},
    {"soak", cmd_soak, "run the pipeline for many frames and report memory and allocations"},
    {"render", cmd_render, "paint a still from an image, a category map and landmarks"},
    {"bench", cmd_bench, "benchmarks: the whole engine (pipeline), the renderer alone (render)"},
    {"fetch-models", cmd_fetch_models, "download and verify the models (default ~/.local/share/segtex)"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: segtex <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'segtex <command> --help' describes each command.\n");
}

int main(int argc, char **argv)
{
    segtex_set_log(segtex_log_stderr, NULL, SEGTEX_LOG_WARNING);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "segtex: unknown command '%s' (see 'segtex --help')\n", argv[1]);
    return 2;
}
