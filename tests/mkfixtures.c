/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mkfixtures DIR - write every fixture as DIR/<name>.xt (for the CLI tests
 * and the fuzzer's seed corpus).
 */
#include <stdio.h>

#include "fixtures.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: mkfixtures DIR\n");
        return 2;
    }
    for (unsigned i = 0; i < nfixtures; i++) {
        struct xtg g;
        char path[4096];

        xtg_init(&g);
        fixtures[i].build(&g);
        snprintf(path, sizeof(path), "%s/%s.xt", argv[1], fixtures[i].name);
        if (xtg_write(&g, path)) {
            perror(path);
            return 1;
        }
        xtg_free(&g);
    }
    return 0;
}
