/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xt_reader.h - read the files xentrace (Xen 4.17) writes.
 *
 * A xentrace file is a sequence of windows, one per read of a pCPU's trace
 * buffer:
 *
 *   [TRC_TRACE_CPU_CHANGE header: 0x2001f003, u32 cpu, u32 window_bytes]
 *   [window_bytes of that pCPU's raw t_rec records]
 *
 * Order holds within one pCPU only.  The reader yields records either in the
 * order they sit in the file, or merged across pCPUs into one global TSC
 * order (a k-way merge over per-pCPU cursors, so memory does not grow with
 * the file).  Records without a TSC inherit the previous TSC of their pCPU.
 *
 * Every structural error names the file and the byte offset.  With
 * tolerant set, a damaged window is skipped and counted instead.
 *
 * In TSC order xt_open checks every window header (not the records) before
 * the first record is yielded.  In file order there is no such first pass:
 * headers are checked as the reader reaches them, so a consumer that must
 * not emit a prefix of a damaged file reads it through once first.  Either
 * way xt_open checks the header at byte 0 before anything else is read, so
 * a file that is not a trace fails there, at once, in every mode.
 *
 * Resynchronising after damage (tolerant) looks for the next plausible
 * header by scanning for its first word, at read speed.
 */
#ifndef HVPATH_XT_READER_H
#define HVPATH_XT_READER_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

#define XT_MAX_CPUS 4096            /* larger cpu numbers mean a corrupt header */
/* what xentrace writes before each window: TRC_TRACE_CPU_CHANGE, 2 words, no TSC */
#define XT_CPU_CHANGE_HEADER (HV_TRC_TRACE_CPU_CHANGE | 2u << 28)

enum xt_order {
    XT_ORDER_TSC,                   /* merged across pCPUs by TSC */
    XT_ORDER_FILE,                  /* as stored: window after window */
};

struct xt_options {
    enum xt_order order;
    int tolerant;                   /* skip damaged windows instead of failing */
    uint64_t from, to;              /* file order only: read the windows whose
                                       headers lie in [from, to) (to 0: to the
                                       end); from must be a window header */
};

struct xt_counters {
    uint64_t file_bytes;
    uint64_t windows;               /* TRC_TRACE_CPU_CHANGE headers read (file
                                       order: so far) */
    uint64_t records;               /* records yielded so far */
    uint64_t tsc_backwards;         /* records whose TSC is below their pCPU's previous one */
    uint64_t first_backwards_offset;
    uint64_t skipped_bytes;         /* tolerant: bytes of damaged data skipped */
    uint64_t skipped_windows;       /* tolerant: windows (or garbage runs) skipped */
    unsigned ncpus;                 /* highest pCPU number seen + 1 */
    uint64_t end_offset;            /* file order: where reading stopped (the
                                       first header at or past `to`) */
};

struct xt_reader;

/*
 * Open path (in TSC order, checking every window header).  On failure
 * returns -1 with a message in err.
 */
int xt_open(const char *path, const struct xt_options *opt,
            struct xt_reader **out, char *err, size_t errlen);

/* The same on an open descriptor; name is used in messages.  fd is not closed. */
int xt_open_fd(int fd, const char *name, const struct xt_options *opt,
               struct xt_reader **out, char *err, size_t errlen);

/* Next record: 1 with *rec filled, 0 at the end, -1 on error (xt_error). */
int xt_next(struct xt_reader *r, struct hv_rec *rec);

/*
 * Up to max records into recs[]: how many (0 at the end), or -1 on error.
 * The same records as that many xt_next calls, for consumers that go
 * through every record (one call per batch instead of per record).
 */
int xt_next_batch(struct xt_reader *r, struct hv_rec *recs, int max);

/*
 * File order: the first and last TSC the reader saw on pCPU cpu, and the
 * offset of the first; 0 if that pCPU had no TSC in the range read.  Lets a
 * caller that split a file in ranges check TSC order across the cut.
 */
int xt_cpu_tsc_edges(const struct xt_reader *r, unsigned cpu, uint64_t *first,
                     uint64_t *first_offset, uint64_t *last);

/*
 * A window header at or after byte near of path, found by pattern and
 * confirmed by the chain of the 16 headers after it (or all up to the end
 * of the file): 1 with *at set, 0 if none, -1 on error.  A caller splitting
 * the file there must still check that reading from the start stops exactly
 * at *at (end_offset): payload bytes can look like a header chain.
 */
int xt_find_window(const char *path, uint64_t near, uint64_t *at, char *err,
                   size_t errlen);

/*
 * The same, but only a header that starts below to (0: the end of the file),
 * so a caller that needs one near an offset does not read on through a long
 * damaged stretch.  Both fail (-1) on a file whose first header is unsound.
 */
int xt_find_window_in(const char *path, uint64_t from, uint64_t to, uint64_t *at,
                      char *err, size_t errlen);

/* Message of the last error ("FILE: byte N: what"). */
const char *xt_error(const struct xt_reader *r);

const struct xt_counters *xt_counters(const struct xt_reader *r);

void xt_close(struct xt_reader *r);

#endif /* HVPATH_XT_READER_H */
