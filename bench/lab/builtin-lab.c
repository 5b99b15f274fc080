/*
 * builtin-lab.c - `hvpath lab`: the emulated Xen lab.
 *
 * The lab itself is a shell engine (bench/lab/lab.sh: fetch Debian's Xen,
 * kernel and tools, build a dom0 image, boot QEMU, run a scenario under
 * xentrace, collect the files).  This builtin finds that engine and the
 * in-lab programs built with hvpath, and hands over.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtin.h"

#ifndef HVPATH_LAB_SCRIPT
#define HVPATH_LAB_SCRIPT "bench/lab/lab.sh"
#endif
#ifndef HVPATH_LAB_BINDIR
#define HVPATH_LAB_BINDIR "."
#endif

int cmd_lab(int argc, char **argv)
{
    const char *script = getenv("HVPATH_LAB_SCRIPT");
    char **args;

    if (!script)
        script = HVPATH_LAB_SCRIPT;
    /* the in-lab programs (scenarios) built next to this hvpath */
    if (setenv("HVPATH_BINDIR", getenv("HVPATH_BINDIR") ? getenv("HVPATH_BINDIR")
                                                         : HVPATH_LAB_BINDIR, 1)) {
        perror("hvpath lab: setenv");
        return HV_EXIT_DATA;
    }
    if (access(script, X_OK)) {
        fprintf(stderr, "hvpath lab: cannot run the lab engine %s: %s "
                "(set HVPATH_LAB_SCRIPT)\n", script, strerror(errno));
        return HV_EXIT_DATA;
    }
    args = calloc((size_t)argc + 2, sizeof(*args));
    if (!args) {
        perror("hvpath lab");
        return HV_EXIT_DATA;
    }
    args[0] = (char *)script;
    for (int i = 1; i < argc; i++)
        args[i] = argv[i];
    if (argc < 2) {
        static char help[] = "--help";
        args[1] = help;
    }
    execv(script, args);
    fprintf(stderr, "hvpath lab: exec %s: %s\n", script, strerror(errno));
    free(args);
    return HV_EXIT_DATA;
}
