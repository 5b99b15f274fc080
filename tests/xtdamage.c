/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xtdamage.c - damaged copies of a real trace, for the loss-robustness tests.
 *
 *   xtdamage IN OUT PERCENT SEED [--markers]
 *
 * Reads IN in file order and writes OUT with PERCENT % of its records
 * dropped at random (each independently, xorshift seeded by SEED).  Records
 * the trace needs to be read at all are kept: lost-records and wrap records
 * and the probes' clock records.  With --markers each run of dropped records
 * on a pCPU is replaced by a TRC_LOST_RECORDS, as Xen writes one when a full
 * buffer has room again: its count, first_tsc the TSC of the first record
 * lost, its own TSC that of the next record kept.  Without, the loss is
 * silent.  Consecutive records of one pCPU go into one window.
 *
 * Prints "records R dropped D markers M" on stdout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "schema.h"
#include "xt_reader.h"
#include "xtgen.h"

static uint32_t rng;

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

struct out {
    struct xtg g;
    int cpu;                        /* pCPU of the open window, -1 none */
    /* the run of dropped records pending on each pCPU */
    uint32_t *run;
    uint64_t *run_first, *last_tsc;
    uint64_t markers;
};

static void window_for(struct out *o, unsigned cpu)
{
    if (o->cpu == (int)cpu)
        return;
    if (o->cpu >= 0)
        xtg_end_window(&o->g);
    xtg_begin_window(&o->g, cpu);
    o->cpu = (int)cpu;
}

/* The marker of cpu's pending run, stamped tsc. */
static void flush_run(struct out *o, unsigned cpu, uint64_t tsc)
{
    uint32_t w[4];

    if (!o->run[cpu])
        return;
    window_for(o, cpu);
    w[0] = o->run[cpu];
    w[1] = 0x7fffu;                 /* did 32767 (idle), vid 0: as Xen writes */
    w[2] = (uint32_t)o->run_first[cpu];
    w[3] = (uint32_t)(o->run_first[cpu] >> 32);
    xtg_rec(&o->g, HV_TRC_LOST_RECORDS, tsc, 4, w);
    o->run[cpu] = 0;
    o->markers++;
}

int main(int argc, char **argv)
{
    struct xt_options xo = { .order = XT_ORDER_FILE };
    const struct hv_event_info *clk1 = hv_event_by_name("TRC_HW_HVPATH_CLOCK_PCPU");
    const struct hv_event_info *clk2 = hv_event_by_name("TRC_HW_HVPATH_CLOCK_VCPU");
    struct out o = { .cpu = -1 };
    struct xt_reader *r;
    struct hv_rec rec;
    char err[600];
    unsigned pct;
    int markers, rc;
    uint64_t records = 0, dropped = 0;

    if (argc < 5 || argc > 6 || (argc == 6 && strcmp(argv[5], "--markers"))) {
        fprintf(stderr, "usage: xtdamage IN OUT PERCENT SEED [--markers]\n");
        return 2;
    }
    pct = (unsigned)atoi(argv[3]);
    rng = (uint32_t)strtoul(argv[4], NULL, 0) * 2654435761u + 1;
    markers = argc == 6;
    o.run = calloc(XT_MAX_CPUS, sizeof(*o.run));
    o.run_first = calloc(XT_MAX_CPUS, sizeof(*o.run_first));
    o.last_tsc = calloc(XT_MAX_CPUS, sizeof(*o.last_tsc));
    if (!o.run || !o.run_first || !o.last_tsc || pct > 100)
        return 2;
    if (xt_open(argv[1], &xo, &r, err, sizeof(err))) {
        fprintf(stderr, "xtdamage: %s\n", err);
        return 1;
    }
    xtg_init(&o.g);
    while ((rc = xt_next(r, &rec)) > 0) {
        int has_tsc = !(rec.flags & HV_REC_TSC_INHERITED);
        int keep = rec.event == HV_TRC_LOST_RECORDS || rec.event == HV_TRC_TRACE_WRAP_BUFFER ||
                   (clk1 && rec.event == clk1->id) || (clk2 && rec.event == clk2->id) ||
                   rnd() % 10000 >= pct * 100;

        records++;
        if (!keep) {
            if (!o.run[rec.cpu]++)
                o.run_first[rec.cpu] = has_tsc ? rec.tsc : o.last_tsc[rec.cpu];
            if (has_tsc)
                o.last_tsc[rec.cpu] = rec.tsc;
            dropped++;
            continue;
        }
        if (markers)
            flush_run(&o, rec.cpu, has_tsc ? rec.tsc : o.last_tsc[rec.cpu]);
        o.run[rec.cpu] = 0;
        window_for(&o, rec.cpu);
        xtg_rec(&o.g, rec.event, has_tsc ? rec.tsc : XTG_NO_TSC, rec.nextra, rec.extra);
        if (has_tsc)
            o.last_tsc[rec.cpu] = rec.tsc;
    }
    if (rc < 0) {
        fprintf(stderr, "xtdamage: %s\n", xt_error(r));
        return 1;
    }
    for (unsigned cpu = 0; markers && cpu < XT_MAX_CPUS; cpu++)
        flush_run(&o, cpu, o.last_tsc[cpu]);
    if (o.cpu >= 0)
        xtg_end_window(&o.g);
    if (xtg_write(&o.g, argv[2])) {
        perror("xtdamage: write");
        return 1;
    }
    printf("records %llu dropped %llu markers %llu\n", (unsigned long long)records,
           (unsigned long long)dropped, (unsigned long long)o.markers);
    xt_close(r);
    xtg_free(&o.g);
    free(o.run);
    free(o.run_first);
    free(o.last_tsc);
    return 0;
}
