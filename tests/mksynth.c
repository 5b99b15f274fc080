/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mksynth PATH N LOSS_PCT SEED - write a synthetic hot-path trace with N
 * known events (tests/synth.c) for the CLI tests, and print its truth as
 * counts: "chains N complete N coalesced N masked N dropped N affected N".
 */
#include <stdio.h>
#include <stdlib.h>

#include "synth.h"

int main(int argc, char **argv)
{
    struct synth t;
    unsigned out[CHAIN_OUTCOME_COUNT] = { 0 }, affected = 0;

    if (argc != 5) {
        fprintf(stderr, "usage: mksynth PATH N LOSS_PCT SEED\n");
        return 2;
    }
    if (synth_write(argv[1], (unsigned)atoi(argv[2]), (unsigned)atoi(argv[3]),
                    (unsigned)atoi(argv[4]), &t)) {
        perror(argv[1]);
        return 1;
    }
    for (unsigned i = 0; i < t.nchains; i++) {
        out[t.chains[i].c.outcome]++;
        affected += t.chains[i].affected;
    }
    printf("chains %u complete %u coalesced %u masked %u dropped %u affected %u\n",
           t.nchains, out[CHAIN_COMPLETE], out[CHAIN_COALESCED], out[CHAIN_MASKED],
           out[CHAIN_DROPPED], affected);
    synth_free(&t);
    return 0;
}
