/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fixtures.h - hand-built xentrace files, one per quirk of the format.
 * Used by the unit tests, written to disk by mkfixtures for the CLI tests
 * and as the fuzzer's seed corpus.
 */
#ifndef HVPATH_FIXTURES_H
#define HVPATH_FIXTURES_H

#include <stdint.h>

#include "xtgen.h"

struct fixture {
    const char *name;
    void (*build)(struct xtg *g);
    int bad;                        /* the strict reader must reject it */
    uint64_t bad_offset;            /* byte the error must name */
};

extern const struct fixture fixtures[];
extern const unsigned nfixtures;

const struct fixture *fixture_find(const char *name);

#endif /* HVPATH_FIXTURES_H */
