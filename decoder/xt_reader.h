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
 * not emit a prefix of a damaged file reads it through once first.
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

/* Message of the last error ("FILE: byte N: what"). */
const char *xt_error(const struct xt_reader *r);

const struct xt_counters *xt_counters(const struct xt_reader *r);

void xt_close(struct xt_reader *r);

#endif /* HVPATH_XT_READER_H */
