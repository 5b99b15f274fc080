/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * trace_stats.h - one pass over a xentrace file that counts what is in it:
 * records per event id and per pCPU, lost records, TSC span.  Order does not
 * matter for any of these, so the pass reads the file in file order (no
 * merge).  It is `hvpath stats` and the header of every report.
 */
#ifndef HVPATH_TRACE_STATS_H
#define HVPATH_TRACE_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "xt_reader.h"

struct trace_event_count {
    uint32_t event;
    uint64_t count;
};

struct trace_stats {
    struct xt_counters xt;          /* bytes, windows, records, skips, ncpus */
    uint64_t lost;                  /* sum of the counts in TRC_LOST_RECORDS */
    uint64_t lost_events;           /* number of TRC_LOST_RECORDS records */
    uint64_t tsc_first, tsc_last;   /* min and max TSC carried by a record */
    int have_tsc;
    uint64_t *per_cpu;              /* records per pCPU, xt.ncpus entries */
    struct trace_event_count *events; /* nevents entries, sorted by event id */
    size_t nevents;
    struct hv_rec *kept;            /* the records of the id asked for, file order */
    size_t nkept;
};

/*
 * 0, or -1 with a message in err (nothing in *st needs freeing then).  The
 * records of event id keep (0: none) are kept whole in st->kept, for a
 * caller that wants a few rare ones (the clock records) without reading the
 * file once more.
 */
int trace_stats_compute(const char *path, int tolerant, uint32_t keep,
                        struct trace_stats *st, char *err, size_t errlen);

void trace_stats_free(struct trace_stats *st);

#endif /* HVPATH_TRACE_STATS_H */
