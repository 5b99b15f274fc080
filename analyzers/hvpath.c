/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvpath.c - the command dispatcher: `hvpath <command> [args]`, git/perf style.
 * Each command parses its own arguments (options.h) and prints its own help.
 */
#include <stdio.h>
#include <string.h>

#include "builtin.h"

struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    { "dump",  cmd_dump,  "Print every record of a xentrace file in TSC order" },
    { "stats", cmd_stats, "Count records, events, pCPUs and lost records of a trace" },
    { "report", cmd_report, "Per-stage latency of the event hot path (p50..max, exemplars)" },
    { "script", cmd_script, "Every event chain, stage by stage, or as JSON lines" },
    { "diff",  cmd_diff,  "Two traces' per-stage latencies side by side, and the change" },
    { "convert", cmd_convert, "The chains of a trace as a Perfetto trace (ui.perfetto.dev)" },
    { "list",  cmd_list,  "The events hvpath knows, their fields and values; the chain model" },
    { "lab",   cmd_lab,   "Boot Xen 4.17 under QEMU, run a scenario, collect the trace" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
    fprintf(out, "usage: hvpath [--version] [--help] <command> [<args>]\n\n"
                 "Commands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "   %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nSee 'hvpath <command> --help' for the options of a command.\n");
}

int main(int argc, char **argv)
{
    const char *cmd;

    if (argc < 2) {
        usage(stderr);
        return HV_EXIT_USAGE;
    }
    cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("hvpath %s\n", HVPATH_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "help")) {
        if (argc > 2) {
            /* `hvpath help dump` is `hvpath dump --help` */
            char help[] = "--help";
            char *sub[] = { argv[2], help, NULL };
            for (size_t i = 0; i < NCOMMANDS; i++)
                if (!strcmp(argv[2], commands[i].name))
                    return commands[i].fn(2, sub);
            fprintf(stderr, "hvpath: '%s' is not an hvpath command\n", argv[2]);
            return HV_EXIT_USAGE;
        }
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(cmd, commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "hvpath: '%s' is not an hvpath command. See 'hvpath --help'.\n",
            cmd);
    return HV_EXIT_USAGE;
}
