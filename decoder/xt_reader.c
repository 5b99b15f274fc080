/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xt_reader.c - xentrace file reader: per-pCPU cursors and the k-way TSC
 * merge.
 *
 * Three pieces:
 *
 *   scanner   walks the TRC_TRACE_CPU_CHANGE headers in file order, jumping
 *             over window bodies.  xt_open runs it once over the whole file
 *             to validate the structure and learn the set of pCPUs before
 *             any record is yielded; later it runs lazily to feed cursors,
 *             up to the end of the last window that first pass found.
 *   cursor    decodes the t_rec records of one pCPU's windows through a
 *             bounded read buffer (pread; no mmap, so the resident set does
 *             not grow with the file).
 *   merge     a binary min-heap of cursors keyed by (TSC, cpu).  A cursor
 *             whose next window is not known yet pulls headers from the
 *             shared scanner, which queues the windows of other pCPUs it
 *             passes on their cursors.
 *
 * In file order a single cursor walks every window in turn.  The scanner
 * and the chunks it reads through are in xt_scan.c.
 */
#define _GNU_SOURCE
#include "xt_int.h"
#include "vec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- cursor ----------------------------------------------------------- */

static int cursor_init(struct cursor *c, uint16_t cpu, size_t cap)
{
    memset(c, 0, sizeof(*c));
    c->cpu = cpu;
    return xt_chunk_init(&c->ch, cap);
}

static void cursor_free(struct cursor *c)
{
    free(c->ch.buf);
    free(c->q);
}

static int queue_push(struct cursor *c, const struct window *w)
{
    struct window *nq;

    if (c->q_head + c->q_len == c->q_cap && c->q_head) {
        memmove(c->q, c->q + c->q_head, c->q_len * sizeof(*c->q));
        c->q_head = 0;
    }
    nq = hv_grow(c->q, &c->q_cap, c->q_head + c->q_len + 1, sizeof(*c->q));
    if (!nq)
        return -1;
    c->q = nq;
    c->q[c->q_head + c->q_len++] = *w;
    return 0;
}

static void cursor_enter(struct cursor *c, const struct window *w)
{
    c->pos = w->off;
    c->win_end = w->off + w->len;
}

/*
 * Move cursor c (TSC order) to its next window, running the shared scanner
 * forward if its queue is empty.  1 = entered a window, 0 = no more, -1 error.
 */
static int cursor_next_window(struct xt_reader *r, struct cursor *c)
{
    struct window w;
    int rc;

    while (!c->q_len) {
        rc = xt_scan_next(r, &r->scan, &w, 0);
        if (rc <= 0)
            return rc;
        if (w.cpu == c->cpu) {
            cursor_enter(c, &w);
            return 1;
        }
        /* every cpu with a window got a cursor in xt_open */
        if (queue_push(r->cursors[w.cpu], &w))
            return xt_fail(r, w.off, "out of memory");
    }
    w = c->q[c->q_head++];
    if (--c->q_len == 0)
        c->q_head = 0;
    cursor_enter(c, &w);
    return 1;
}

/* Size in bytes of the t_rec whose header word is h. */
static inline unsigned rec_bytes(uint32_t h)
{
    return 4 + 8 * (h >> 31) + 4 * ((h >> 28) & 7);
}

/*
 * Decode the t_rec at p (file offset pos), known to lie whole inside its
 * window and the buffer, into rec; the pCPU's TSC state is *have_tsc /
 * *last_tsc.  Returns its size.
 */
static inline unsigned decode_at(struct xt_reader *r, const uint8_t *p, uint64_t pos,
                                 uint16_t cpu, uint8_t *have_tsc, uint64_t *last_tsc,
                                 struct hv_rec *rec)
{
    uint32_t h = le32(p);

    rec->offset = pos;
    rec->event = h & 0x0fffffff;
    rec->cpu = cpu;
    rec->nextra = (uint8_t)((h >> 28) & 7);
    rec->flags = 0;
    p += 4;
    if (h >> 31) {
        uint64_t tsc = (uint64_t)le32(p) | ((uint64_t)le32(p + 4) << 32);
        /* *last_tsc is 0 until the pCPU's first TSC: no test of *have_tsc */
        if (tsc < *last_tsc) {
            if (!r->cnt.tsc_backwards)
                r->cnt.first_backwards_offset = pos;
            r->cnt.tsc_backwards++;
        }
        *last_tsc = tsc;
        *have_tsc = 1;
        rec->tsc = tsc;
        p += 8;
    } else {
        rec->tsc = *last_tsc;
        rec->flags = *have_tsc ? HV_REC_TSC_INHERITED
                               : HV_REC_TSC_INHERITED | HV_REC_TSC_NONE;
    }
    /*
     * A fixed-size copy compiles to two vector moves where 4 * n would call
     * memcpy; words past n are whatever follows in the buffer (or its slack)
     * and never read.
     */
    memcpy(rec->extra, p, sizeof(rec->extra));
    return rec_bytes(h);
}

/*
 * Decode the record at c->pos into rec.  *have_tsc / *last_tsc are the TSC
 * state of the record's pCPU.  Returns 1, 0 when the window is used up, or
 * -1 on error.  In tolerant mode a record running past its window skips the
 * rest of the window.
 */
static inline int cursor_decode(struct xt_reader *r, struct cursor *c, uint16_t cpu,
                                uint8_t *have_tsc, uint64_t *last_tsc,
                                struct hv_rec *rec)
{
    uint64_t left;
    const uint8_t *p;
    uint32_t h = 0;
    unsigned size = 0;

    if (c->pos >= c->win_end)
        return 0;
    left = c->win_end - c->pos;
    p = xt_chunk_get(r, &c->ch, c->pos, left < REC_MAX_BYTES ? (size_t)left
                                                          : REC_MAX_BYTES);
    if (!p)
        return -1;
    if (left < 4)
        goto overrun;
    h = le32(p);
    size = rec_bytes(h);
    if (size > left)
        goto overrun;
    c->pos += decode_at(r, p, c->pos, cpu, have_tsc, last_tsc, rec);
    r->cnt.records++;
    return 1;

overrun:
    if (!r->opt.tolerant) {
        if (left < 4)
            return xt_fail(r, c->pos, "record of cpu %u cut off: %llu bytes left "
                        "in its window", cpu, (unsigned long long)left);
        return xt_fail(r, c->pos, "record of cpu %u (header 0x%08x, %u bytes) runs "
                    "past the end of its window (%llu bytes left)", cpu, h, size,
                    (unsigned long long)left);
    }
    r->cnt.skipped_bytes += left;
    r->cnt.skipped_windows++;
    c->pos = c->win_end;
    return 0;
}

/* The error for a file in which tolerant reading found nothing intact. */
static const char *no_window(struct xt_reader *r)
{
    snprintf(r->err, sizeof(r->err), "%s: no intact window in %llu bytes",
             r->name, (unsigned long long)r->cnt.file_bytes);
    return r->err;
}

/* ---- file order ------------------------------------------------------- */

static inline int next_file_order(struct xt_reader *r, struct hv_rec *rec)
{
    struct cursor *c = &r->file_cur;

    for (;;) {
        struct window w;
        uint16_t cpu = c->cpu;
        uint8_t had = r->cpu_have_tsc[cpu];
        int rc = cursor_decode(r, c, cpu, &r->cpu_have_tsc[cpu],
                               &r->cpu_tsc[cpu], rec);
        if (rc > 0 && !had && r->cpu_have_tsc[cpu]) {
            r->cpu_first_tsc[cpu] = rec->tsc;
            r->cpu_first_off[cpu] = rec->offset;
        }
        if (rc)
            return rc;
        /* the only pass over the headers: it counts them */
        rc = xt_scan_next(r, &r->scan, &w, 1);
        if (rc == 0 && !r->cnt.windows && !r->opt.from) {
            no_window(r);
            return -1;
        }
        if (rc <= 0)
            return rc;
        c->cpu = w.cpu;
        cursor_enter(c, &w);
    }
}

/* ---- TSC order -------------------------------------------------------- */

static inline int before(const struct cursor *a, const struct cursor *b)
{
    if (a->next.tsc != b->next.tsc)
        return a->next.tsc < b->next.tsc;
    return a->cpu < b->cpu;
}

static void heap_down(struct cursor **h, size_t len, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < len && before(h[l], h[m]))
            m = l;
        if (l + 1 < len && before(h[l + 1], h[m]))
            m = l + 1;
        if (m == i)
            return;
        struct cursor *t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

/* Load c->next with the cursor's next record: 1, 0 (pCPU exhausted), -1. */
static int cursor_advance(struct xt_reader *r, struct cursor *c)
{
    for (;;) {
        int rc = cursor_decode(r, c, c->cpu, &c->have_tsc, &c->last_tsc,
                               &c->next);
        if (rc)
            return rc;
        rc = cursor_next_window(r, c);
        if (rc <= 0)
            return rc;
    }
}

static int merge_start(struct xt_reader *r)
{
    r->started = 1;
    r->scan.pos = 0;
    for (unsigned cpu = 0; cpu < r->cnt.ncpus; cpu++) {
        struct cursor *c = r->cursors[cpu];
        int rc;

        if (!c)
            continue;
        rc = cursor_advance(r, c);
        if (rc < 0)
            return -1;
        if (rc > 0)
            r->heap[r->heap_len++] = c;
    }
    for (size_t i = r->heap_len / 2; i-- > 0;)
        heap_down(r->heap, r->heap_len, i);
    return 0;
}

static int next_tsc_order(struct xt_reader *r, struct hv_rec *rec)
{
    struct cursor *c;
    int rc;

    if (!r->started && merge_start(r))
        return -1;
    if (!r->heap_len)
        return 0;
    c = r->heap[0];
    *rec = c->next;
    rc = cursor_advance(r, c);
    if (rc < 0)
        return -1;
    if (rc == 0)
        r->heap[0] = r->heap[--r->heap_len];
    heap_down(r->heap, r->heap_len, 0);
    return 1;
}

/* ---- open / close ----------------------------------------------------- */

/* First pass over the headers: validate, count windows, find the pCPUs. */
static int prescan(struct xt_reader *r, uint8_t *seen)
{
    struct scanner s = { 0, &r->scan_ch };
    struct window w;
    uint64_t end = 0;
    int rc;

    while ((rc = xt_scan_next(r, &s, &w, 1)) > 0) {
        seen[w.cpu] = 1;
        end = s.pos;
    }
    r->windows_end = end;           /* only now: it would stop this pass */
    return rc;
}

int xt_open_fd(int fd, const char *name, const struct xt_options *opt,
               struct xt_reader **out, char *err, size_t errlen)
{
    struct xt_reader *r = calloc(1, sizeof(*r));
    uint8_t *seen = NULL;
    struct stat st;

    *out = NULL;
    if (!r || !(r->name = strdup(name))) {
        free(r);
        snprintf(err, errlen, "%s: out of memory", name);
        return -1;
    }
    r->fd = fd;
    r->opt = *opt;

    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", name);
        goto fail;
    }
    r->cnt.file_bytes = (uint64_t)st.st_size;
    if (r->cnt.file_bytes == 0) {
        snprintf(err, errlen, "%s: empty file, not a xentrace trace", name);
        goto fail;
    }
    (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);

    if (opt->order == XT_ORDER_FILE) {
        /*
         * No first pass: headers are checked as the reader reaches them,
         * and pCPU state is indexed directly by cpu number.
         */
        r->cpu_tsc = calloc(XT_MAX_CPUS, sizeof(*r->cpu_tsc));
        r->cpu_have_tsc = calloc(XT_MAX_CPUS, 1);
        r->cpu_first_tsc = calloc(XT_MAX_CPUS, sizeof(*r->cpu_first_tsc));
        r->cpu_first_off = calloc(XT_MAX_CPUS, sizeof(*r->cpu_first_off));
        if (!r->cpu_tsc || !r->cpu_have_tsc || !r->cpu_first_tsc ||
            !r->cpu_first_off || cursor_init(&r->file_cur, 0, FILE_ORDER_BUF))
            goto oom;
        if (opt->from > r->cnt.file_bytes) {
            snprintf(err, errlen, "%s: start offset %llu is past the end", name,
                     (unsigned long long)opt->from);
            goto fail;
        }
        r->scan.pos = opt->from;
        /* headers and bodies through one buffer: one read serves both */
        r->scan.ch = &r->file_cur.ch;
        /* not a trace: say so now, not after a caller has read elsewhere */
        if (opt->from == 0 && xt_scan_first(r, &r->scan)) {
            snprintf(err, errlen, "%s", r->err);
            goto fail;
        }
        *out = r;
        return 0;
    }

    seen = calloc(XT_MAX_CPUS, 1);
    if (!seen || xt_chunk_init(&r->scan_ch, SCAN_BUF))
        goto oom;
    if (prescan(r, seen)) {
        snprintf(err, errlen, "%s", r->err);
        goto fail;
    }
    if (!r->cnt.windows) {
        snprintf(err, errlen, "%s", no_window(r));
        goto fail;
    }
    r->cursors = calloc(r->cnt.ncpus, sizeof(*r->cursors));
    r->heap = calloc(r->cnt.ncpus, sizeof(*r->heap));
    if (!r->cursors || !r->heap)
        goto oom;
    r->scan.ch = &r->scan_ch;
    for (unsigned cpu = 0; cpu < r->cnt.ncpus; cpu++) {
        if (!seen[cpu])
            continue;
        r->cursors[cpu] = malloc(sizeof(struct cursor));
        if (!r->cursors[cpu] ||
            cursor_init(r->cursors[cpu], (uint16_t)cpu, CURSOR_BUF))
            goto oom;
    }
    free(seen);
    *out = r;
    return 0;

oom:
    snprintf(err, errlen, "%s: out of memory", name);
fail:
    free(seen);
    xt_close(r);
    return -1;
}

int xt_open(const char *path, const struct xt_options *opt,
            struct xt_reader **out, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int rc;

    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        *out = NULL;
        return -1;
    }
    rc = xt_open_fd(fd, path, opt, out, err, errlen);
    if (rc) {
        close(fd);
        return rc;
    }
    (*out)->own_fd = 1;
    return 0;
}

int xt_next(struct xt_reader *r, struct hv_rec *rec)
{
    if (r->opt.order == XT_ORDER_FILE)
        return next_file_order(r, rec);
    return next_tsc_order(r, rec);
}

int xt_next_batch(struct xt_reader *r, struct hv_rec *recs, int max)
{
    int n = 0, rc = 1;

    if (r->opt.order == XT_ORDER_FILE)
        while (n < max) {
            struct cursor *c = &r->file_cur;
            uint64_t end = c->ch.off + c->ch.len;

            /*
             * Fast path: while a largest possible record fits both in the
             * window and in the buffer, no record can be cut off, so decode
             * straight from the buffer without the per-record checks.
             */
            if (end > c->win_end)
                end = c->win_end;
            if (c->pos >= c->ch.off && c->pos + REC_MAX_BYTES <= end) {
                uint16_t cpu = c->cpu;
                uint8_t had = r->cpu_have_tsc[cpu];
                uint64_t pos = c->pos, lim = end - REC_MAX_BYTES;
                int first = n;

                while (n < max && pos <= lim) {
                    pos += decode_at(r, c->ch.buf + (pos - c->ch.off), pos, cpu,
                                     &r->cpu_have_tsc[cpu], &r->cpu_tsc[cpu], &recs[n]);
                    n++;
                }
                if (!had && r->cpu_have_tsc[cpu])
                    for (int i = first; i < n; i++)
                        if (!(recs[i].flags & HV_REC_TSC_INHERITED)) {
                            r->cpu_first_tsc[cpu] = recs[i].tsc;
                            r->cpu_first_off[cpu] = recs[i].offset;
                            break;
                        }
                r->cnt.records += (uint64_t)(n - first);
                c->pos = pos;
                continue;
            }
            if ((rc = next_file_order(r, &recs[n])) <= 0)
                break;
            n++;
        }
    else
        while (n < max && (rc = next_tsc_order(r, &recs[n])) > 0)
            n++;
    return rc < 0 ? -1 : n;
}

int xt_cpu_tsc_edges(const struct xt_reader *r, unsigned cpu, uint64_t *first,
                     uint64_t *first_offset, uint64_t *last)
{
    if (!r->cpu_have_tsc || cpu >= XT_MAX_CPUS || !r->cpu_have_tsc[cpu])
        return 0;
    *first = r->cpu_first_tsc[cpu];
    *first_offset = r->cpu_first_off[cpu];
    *last = r->cpu_tsc[cpu];
    return 1;
}

const char *xt_error(const struct xt_reader *r)
{
    return r->err;
}

const struct xt_counters *xt_counters(const struct xt_reader *r)
{
    return &r->cnt;
}

void xt_close(struct xt_reader *r)
{
    if (!r)
        return;
    if (r->cursors) {
        for (unsigned cpu = 0; cpu < r->cnt.ncpus; cpu++) {
            if (r->cursors[cpu]) {
                cursor_free(r->cursors[cpu]);
                free(r->cursors[cpu]);
            }
        }
    }
    cursor_free(&r->file_cur);
    free(r->scan_ch.buf);
    free(r->cursors);
    free(r->heap);
    free(r->cpu_tsc);
    free(r->cpu_have_tsc);
    free(r->cpu_first_tsc);
    free(r->cpu_first_off);
    if (r->own_fd)
        close(r->fd);
    free(r->name);
    free(r);
}
