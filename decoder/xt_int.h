/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xt_int.h - what the xentrace reader's two parts share; not an interface
 * (xt_reader.h is).  xt_scan.c reads the file through chunks and walks the
 * window headers; xt_reader.c decodes records per pCPU and merges them.
 */
#ifndef HVPATH_XT_INT_H
#define HVPATH_XT_INT_H

#include <stdint.h>
#include <string.h>

#include "xt_reader.h"

#define REC_MAX_BYTES (4 + 8 + 4 * HV_REC_MAX_EXTRA)  /* largest t_rec: 36 */
#define HDR_BYTES 12                                  /* window header */
#define CURSOR_BUF (256u << 10)                       /* per-pCPU read buffer */
#define FILE_ORDER_BUF (1u << 20)
#define SCAN_BUF (64u << 10)                          /* header scanner */

/*
 * A window onto the file: up to cap bytes read with one pread.  Reads run
 * past the end of the window asked for (up to cap), because xentrace's
 * windows are often a few KiB and one syscall per window costs more than
 * decoding it.
 */
struct chunk {
    uint8_t *buf;                   /* cap + REC_MAX_BYTES bytes (copy slack) */
    size_t cap;
    uint64_t off;                   /* file offset of buf[0] */
    size_t len;                     /* valid bytes */
};

struct window {
    uint64_t off;                   /* first byte of the window's records */
    uint32_t len;
    uint16_t cpu;
};

struct scanner {
    uint64_t pos;                   /* offset of the next header */
    struct chunk *ch;               /* where headers are read through */
};

struct cursor {
    uint16_t cpu;
    uint8_t have_tsc;
    uint8_t done;                   /* no more records on this pCPU */
    uint64_t last_tsc;

    struct chunk ch;

    uint64_t pos;                   /* next record */
    uint64_t win_end;               /* end of the current window */

    struct window *q;               /* windows found by the scanner, not yet read */
    size_t q_head, q_len, q_cap;

    struct hv_rec next;             /* merge: the record this cursor offers */
};

struct xt_reader {
    int fd;
    int own_fd;
    char *name;
    struct xt_options opt;
    struct xt_counters cnt;
    char err[512];

    struct scanner scan;            /* feeds cursors in either mode */
    struct chunk scan_ch;           /* TSC order: the scanner's own buffer */
    uint64_t windows_end;           /* TSC order: the end of the last window
                                       the first pass found (0 before it);
                                       only damage follows, so the merge's
                                       scanner stops there */

    /* file order: one cursor, per-pCPU TSC state kept separately */
    struct cursor file_cur;
    uint64_t *cpu_tsc;
    uint8_t *cpu_have_tsc;
    uint64_t *cpu_first_tsc, *cpu_first_off;

    /* TSC order */
    struct cursor **cursors;        /* indexed by cpu; NULL if the cpu has none */
    struct cursor **heap;
    size_t heap_len;
    int started;
};

/* "FILE: byte N: what" into r->err; returns -1. */
int xt_fail(struct xt_reader *r, uint64_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static inline uint32_t le32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);               /* x86 only: host order is little endian */
    return v;
}

int xt_chunk_init(struct chunk *ch, size_t cap);
const uint8_t *xt_chunk_fill(struct xt_reader *r, struct chunk *ch, uint64_t off);

/*
 * Pointer to the need bytes at off (the caller checked they are inside the
 * file), reading through ch if they are not there yet.  NULL on error.
 */
static inline const uint8_t *xt_chunk_get(struct xt_reader *r, struct chunk *ch,
                                       uint64_t off, size_t need)
{
    if (__builtin_expect(off >= ch->off && off + need <= ch->off + ch->len, 1))
        return ch->buf + (off - ch->off);
    return xt_chunk_fill(r, ch, off);
}

/*
 * Next window in file order: 1 with *w filled, 0 at the end, -1 on error.
 * count: add headers and skipped bytes to the counters (the first pass only).
 */
int xt_scan_next(struct xt_reader *r, struct scanner *s, struct window *w,
                 int count);

/*
 * Check the header at byte 0 through s's chunk, consuming nothing: -1 (the
 * message in r->err) where xt_scan_next would fail there, else 0 (damage
 * that tolerant mode skips is left to it).  So a file that is not a trace is
 * rejected on open, before anything else reads it.
 */
int xt_scan_first(struct xt_reader *r, struct scanner *s);

#endif /* HVPATH_XT_INT_H */
