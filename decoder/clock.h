/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * clock.h - TSC cycles to nanoseconds, per pCPU.
 *
 * From the hv-probes' TRC_HW_HVPATH_CLOCK_PCPU records: each pCPU's
 * calibration points (stime, stamp_tsc and the scale Xen's own NOW() uses
 * there: ns = ((delta << shift) * mul) >> 32, shift may be negative), as
 * Xen updates them once a second.  A duration that ends on pCPU p is
 * converted at p's scale in effect then (its latest point at or before;
 * its first, before that): every pCPU's own scale, and its updates, apply.
 * (Not its stime: an offset between two pCPUs' system times would turn a
 * cross-pCPU delta of a few cycles negative.)  Or from a frequency the user
 * gives (--cpu-hz), the same for every pCPU.  Stock traces carry no clock
 * information.
 */
#ifndef HVPATH_CLOCK_H
#define HVPATH_CLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

enum hv_clock_source {
    HV_CLOCK_NONE,
    HV_CLOCK_RECORDS,               /* TRC_HW_HVPATH_CLOCK_PCPU */
    HV_CLOCK_CPU_HZ,                /* --cpu-hz */
};

/* One calibration point of a pCPU (a CLOCK_PCPU record). */
struct hv_clock_point {
    uint64_t stamp_tsc, stime;
    uint32_t mul;
    int32_t shift;
};

struct hv_clock_cpu {
    struct hv_clock_point *p;       /* in stamp_tsc order */
    size_t n, cap;
    size_t hint;                    /* the last point used */
};

struct hv_clock {
    enum hv_clock_source source;
    uint32_t mul;                   /* the first record's scale, for durations */
    int32_t shift;                  /*   that belong to no pCPU (the span) */
    double cpu_hz;
    struct hv_clock_cpu *cpus;      /* RECORDS: per pCPU, ncpus of them */
    unsigned ncpus;
    uint64_t points;                /* CLOCK_PCPU records used */
};

/* A clock from a user-given frequency (cpu_hz > 0), else none yet. */
void hv_clock_init(struct hv_clock *c, double cpu_hz);

/*
 * Take r if it is a clock record (and no --cpu-hz was given): a point of
 * its pCPU.  0, or -1 out of memory.
 */
int hv_clock_observe(struct hv_clock *c, const struct hv_rec *r);

/* The event id of the records hv_clock_observe takes (the probes' CLOCK_PCPU). */
uint32_t hv_clock_event(void);

/* Nanoseconds in delta TSC cycles at the first record's scale (0 while NONE). */
uint64_t hv_clock_ns(const struct hv_clock *c, uint64_t delta);

/* TSC cycles in ns nanoseconds, the inverse of hv_clock_ns (0 while NONE). */
uint64_t hv_clock_cycles(const struct hv_clock *c, uint64_t ns);

/*
 * Nanoseconds in delta TSC cycles ending at TSC at on pCPU cpu: at that
 * pCPU's scale in effect then (a pCPU with no clock records: the first
 * record's); --cpu-hz: delta / hz.  Not const: it remembers where it looked.
 */
uint64_t hv_clock_cpu_ns(struct hv_clock *c, unsigned cpu, uint64_t at, uint64_t delta);

/*
 * How far the scales disagree, in parts per million: between pCPUs (each
 * pCPU's mean scale; *cpu_a the slowest, *cpu_b the fastest; 0 with one
 * pCPU), and over time (the largest spread of one pCPU's points, *drift).
 */
double hv_clock_disagreement_ppm(const struct hv_clock *c, unsigned *cpu_a,
                                 unsigned *cpu_b, double *drift);

/* "clock records (mul 0x..., shift N)" / "--cpu-hz 2.4e9" / "none". */
const char *hv_clock_describe(const struct hv_clock *c, char *buf, unsigned len);

void hv_clock_free(struct hv_clock *c);

#endif /* HVPATH_CLOCK_H */
