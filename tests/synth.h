/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * synth.h - synthetic hot-path traces with known chains (test helper).
 *
 * Generates the records the hv-probes series emits for a mix of events
 * (PV and HVM deliveries, coalesced fan-in, masked ports, dropped pIRQs,
 * fresh bindings, blocked vCPUs) on two pCPUs, optionally drops random runs
 * of records (replaced by TRC_LOST_RECORDS, as Xen does), writes the
 * xentrace file, and keeps the truth: every chain with its stages.
 */
#ifndef HVPATH_SYNTH_H
#define HVPATH_SYNTH_H

#include <stdint.h>

#include "stitch.h"

struct synth_chain {
    struct chain c;                 /* id unused; the expected chain */
    int affected;                   /* one of its records was dropped */
};

struct synth {
    struct synth_chain *chains;
    unsigned nchains;
    uint64_t records, dropped;      /* written; lost, with TRC_LOST_RECORDS */
    uint64_t silent;                /* lost with no marker (drop_event) */
};

struct synth_params {
    unsigned n;                     /* events */
    unsigned loss_pct;              /* records lost in runs, marked as Xen marks them */
    unsigned seed;
    uint32_t mask;                  /* the event mask Xen traced with (0: all) */
    uint32_t drop_event;            /* lose every other record of this id silently */
};

/*
 * Write a trace of n events to path with loss_pct percent of records
 * dropped (in runs), seeded by seed.  0 or -1.
 */
int synth_write(const char *path, unsigned n, unsigned loss_pct, unsigned seed,
                struct synth *truth);

/* The same, with the event mask and silent loss of p. */
int synth_write_params(const char *path, const struct synth_params *p,
                       struct synth *truth);

void synth_free(struct synth *truth);

#endif /* HVPATH_SYNTH_H */
