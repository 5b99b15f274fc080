/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * clock.h - TSC cycles to nanoseconds.
 *
 * From the hv-probes' TRC_HVPATH_CLOCK_PCPU records (the mul/shift Xen's
 * own NOW() uses: ns = ((delta << shift) * mul) >> 32, shift may be
 * negative), or from a frequency the user gives (--cpu-hz).  Stock traces
 * carry no clock information.
 */
#ifndef HVPATH_CLOCK_H
#define HVPATH_CLOCK_H

#include <stdint.h>

#include "record.h"

enum hv_clock_source {
    HV_CLOCK_NONE,
    HV_CLOCK_RECORDS,               /* TRC_HVPATH_CLOCK_PCPU */
    HV_CLOCK_CPU_HZ,                /* --cpu-hz */
};

struct hv_clock {
    enum hv_clock_source source;
    uint32_t mul;
    int32_t shift;
    double cpu_hz;
};

/* A clock from a user-given frequency (cpu_hz > 0), else none yet. */
void hv_clock_init(struct hv_clock *c, double cpu_hz);

/* Take the scale from r if it is a clock record (and no --cpu-hz was given). */
void hv_clock_observe(struct hv_clock *c, const struct hv_rec *r);

/*
 * Find the first clock record of the xentrace file path (file order) and
 * take its scale: 1 found, 0 none, -1 unreadable (message in err).
 */
int hv_clock_from_file(struct hv_clock *c, const char *path, char *err,
                       unsigned errlen);

/* Nanoseconds in delta TSC cycles (0 while the source is NONE). */
uint64_t hv_clock_ns(const struct hv_clock *c, uint64_t delta);

/* TSC cycles in ns nanoseconds, the inverse of hv_clock_ns (0 while NONE). */
uint64_t hv_clock_cycles(const struct hv_clock *c, uint64_t ns);

/* "clock records (mul 0x..., shift N)" / "--cpu-hz 2.4e9" / "none". */
const char *hv_clock_describe(const struct hv_clock *c, char *buf, unsigned len);

#endif /* HVPATH_CLOCK_H */
