/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xt_scan.c - reading a xentrace file: bounded pread chunks, the window
 * headers (TRC_TRACE_CPU_CHANGE) walked in file order with every structural
 * check, resynchronisation after damage, and finding a header near an offset
 * (where stats cuts a big file in two).
 */
#define _GNU_SOURCE
#include "xt_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int xt_fail(struct xt_reader *r, uint64_t off, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(r->err, sizeof(r->err), "%s: byte %llu: ", r->name,
                     (unsigned long long)off);

    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof(r->err))
        vsnprintf(r->err + n, sizeof(r->err) - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

/* pread exactly len bytes at off; -1 on error or short read. */
static int read_at(struct xt_reader *r, void *dst, size_t len, uint64_t off)
{
    uint8_t *p = dst;

    while (len) {
        ssize_t n = pread(r->fd, p, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return xt_fail(r, off, "read failed: %s", strerror(errno));
        if (n == 0)
            return xt_fail(r, off, "unexpected end of file");
        p += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

int xt_chunk_init(struct chunk *ch, size_t cap)
{
    memset(ch, 0, sizeof(*ch));
    ch->cap = cap;
    /* slack: payloads are copied as a fixed 28 bytes, see cursor_decode */
    ch->buf = malloc(cap + REC_MAX_BYTES);
    return ch->buf ? 0 : -1;
}

/* Refill ch from off (up to cap bytes); NULL on error. */
const uint8_t *xt_chunk_fill(struct xt_reader *r, struct chunk *ch,
                                 uint64_t off)
{
    uint64_t rest = r->cnt.file_bytes - off;
    size_t want = rest < ch->cap ? (size_t)rest : ch->cap;

    if (read_at(r, ch->buf, want, off))
        return NULL;
    ch->off = off;
    ch->len = want;
    return ch->buf;
}

/* ---- scanner ---------------------------------------------------------- */

/*
 * Index of the first of the n words at p (4 bytes apart) that is the
 * window header word, or n.  Sixteen words are compared per step with no
 * branch between them, which the compiler turns into vector compares: over
 * damage (often zeros) this runs at memory speed, where testing every offset
 * for a whole plausible header ran at a fraction of it.
 */
static size_t scan_words(const uint8_t *p, size_t n)
{
    size_t i = 0;

    for (; i + 16 <= n; i += 16) {
        uint32_t w[16];
        unsigned hit = 0;

        memcpy(w, p + 4 * i, sizeof(w));
        for (int k = 0; k < 16; k++)
            hit |= w[k] == XT_CPU_CHANGE_HEADER;
        if (hit)
            break;
    }
    for (; i < n; i++)
        if (le32(p + 4 * i) == XT_CPU_CHANGE_HEADER)
            return i;
    return n;
}

/*
 * The first of off, off + 4, ... below end whose word is the header word,
 * read through ch: 1 with *hit set, 0 if none, -1 on error.  end + 11 must
 * not pass the end of the file (a candidate has room for a whole header).
 */
static int find_word(struct xt_reader *r, struct chunk *ch, uint64_t off,
                     uint64_t end, uint64_t *hit)
{
    while (off < end) {
        const uint8_t *p = xt_chunk_get(r, ch, off, 4);
        uint64_t in_chunk, left;
        size_t n, i;

        if (!p)
            return -1;
        /* candidates whose word lies whole in the chunk, and below end */
        in_chunk = (ch->off + ch->len - off - 4) / 4 + 1;
        left = (end - off + 3) / 4;
        n = (size_t)(in_chunk < left ? in_chunk : left);
        i = scan_words(p, n);
        if (i < n) {
            *hit = off + 4 * (uint64_t)i;
            return 1;
        }
        off += 4 * (uint64_t)n;
    }
    return 0;
}

/* Can a header naming cpu and len at off start a window of the file? */
static int window_fits(uint32_t cpu, uint32_t len, uint64_t off, uint64_t size)
{
    return cpu < XT_MAX_CPUS && len % 4 == 0 && off + HDR_BYTES + len <= size;
}

/*
 * Does a plausible window header sit at off?  1 yes, 0 no, -1 on a read
 * error.  Used to resynchronise after damage in tolerant mode, and to find
 * a window near an offset.
 */
static int header_plausible(struct xt_reader *r, struct chunk *ch, uint64_t off)
{
    const uint8_t *h;
    uint32_t cpu, len;

    if (off + HDR_BYTES > r->cnt.file_bytes)
        return 0;
    if (!(h = xt_chunk_get(r, ch, off, HDR_BYTES)))
        return -1;
    cpu = le32(h + 4);
    len = le32(h + 8);
    return le32(h) == XT_CPU_CHANGE_HEADER && window_fits(cpu, len, off, r->cnt.file_bytes);
}

/*
 * Skip damaged bytes from s->pos to the next plausible header (or EOF): the
 * first of s->pos + 4, s->pos + 8, ... that holds one.  Only offsets holding
 * the header word are tested for the rest.  0, or -1 on a read error.
 */
static int resync(struct xt_reader *r, struct scanner *s, int count)
{
    uint64_t size = r->cnt.file_bytes, from = s->pos, off = s->pos + 4;

    for (;;) {
        int rc;

        if (off + HDR_BYTES > size) {
            off = size;
            break;
        }
        rc = find_word(r, s->ch, off, size - HDR_BYTES + 1, &off);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            off = size;
            break;
        }
        rc = header_plausible(r, s->ch, off);
        if (rc < 0)
            return -1;
        if (rc)
            break;
        off += 4;
    }
    if (count) {
        r->cnt.skipped_bytes += off - from;
        r->cnt.skipped_windows++;
    }
    s->pos = off;
    return 0;
}

/*
 * Every structural check of the header at off: 1 with *w filled if it is
 * sound; if not, -1 with the message in r->err, or 0 in tolerant mode (the
 * caller resynchronises).  A first word that is not a header at byte 0 fails
 * in either mode: the file is not a trace.
 */
static int header_at(struct xt_reader *r, struct chunk *ch, uint64_t off,
                     struct window *w)
{
    const uint8_t *h;
    uint64_t size = r->cnt.file_bytes;
    uint32_t word, cpu, len;

    if (size - off < HDR_BYTES) {
        if (!r->opt.tolerant)
            return xt_fail(r, off, "truncated window header (%llu bytes left, "
                        "need 12)", (unsigned long long)(size - off));
        return 0;
    }
    if (!(h = xt_chunk_get(r, ch, off, HDR_BYTES)))
        return -1;
    word = le32(h);
    cpu = le32(h + 4);
    len = le32(h + 8);

    if (word != XT_CPU_CHANGE_HEADER) {
        if (off == 0)
            return xt_fail(r, 0, "not a xentrace file: expected a "
                        "TRC_TRACE_CPU_CHANGE header (0x%08x), found 0x%08x",
                        XT_CPU_CHANGE_HEADER, word);
        if (!r->opt.tolerant)
            return xt_fail(r, off, "expected a TRC_TRACE_CPU_CHANGE window "
                        "header (0x%08x), found 0x%08x", XT_CPU_CHANGE_HEADER,
                        word);
        return 0;
    }
    if (!window_fits(cpu, len, off, size)) {
        if (!r->opt.tolerant) {
            if (cpu >= XT_MAX_CPUS)
                return xt_fail(r, off, "window header names cpu %u (max %u)",
                            cpu, XT_MAX_CPUS - 1);
            if (len % 4 != 0)
                return xt_fail(r, off, "window of cpu %u has %u bytes, not a "
                            "multiple of 4", cpu, len);
            return xt_fail(r, off, "window of cpu %u (%u bytes) runs past the "
                        "end of the file (%llu bytes)", cpu, len,
                        (unsigned long long)size);
        }
        return 0;
    }
    w->off = off + HDR_BYTES;
    w->len = len;
    w->cpu = (uint16_t)cpu;
    return 1;
}

/* The first header, before anything else is read (xt_int.h). */
int xt_scan_first(struct xt_reader *r, struct scanner *s)
{
    struct window w;

    return header_at(r, s->ch, 0, &w) < 0 ? -1 : 0;
}

/* Next window in file order (xt_int.h). */
int xt_scan_next(struct xt_reader *r, struct scanner *s, struct window *w,
                     int count)
{
    uint64_t size = r->cnt.file_bytes;

    for (;;) {
        uint64_t off = s->pos;
        int rc;

        if (off >= size || (r->opt.to && off >= r->opt.to)) {
            r->cnt.end_offset = off;
            return 0;
        }
        /* TSC order: the first pass found only damage from here on */
        if (r->windows_end && off >= r->windows_end)
            return 0;
        rc = header_at(r, s->ch, off, w);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            if (resync(r, s, count))
                return -1;
            continue;
        }
        s->pos = off + HDR_BYTES + w->len;
        if (count) {
            r->cnt.windows++;
            if (w->cpu + 1u > r->cnt.ncpus)
                r->cnt.ncpus = w->cpu + 1u;
        }
        return 1;
    }
}

int xt_find_window_in(const char *path, uint64_t from, uint64_t to, uint64_t *at,
                      char *err, size_t errlen)
{
    struct xt_options opt = { .order = XT_ORDER_FILE };
    struct xt_reader *r;
    struct chunk hops;              /* the chain's headers: the scan keeps its chunk */
    uint64_t size, end, off = from & ~3ull;
    int found = 0;

    if (xt_open(path, &opt, &r, err, errlen))
        return -1;
    if (xt_chunk_init(&hops, SCAN_BUF)) {
        snprintf(err, errlen, "%s: out of memory", path);
        xt_close(r);
        return -1;
    }
    size = r->cnt.file_bytes;
    end = size >= HDR_BYTES ? size - HDR_BYTES + 1 : 0;   /* room for a header */
    if (to && to < end)
        end = to;
    while (!found && off < end) {
        uint64_t pos;
        int hop, rc = find_word(r, &r->file_cur.ch, off, end, &off);

        if (rc <= 0) {
            found = rc;
            break;
        }
        for (pos = off, hop = 0; hop < 16 && pos < size; hop++) {
            rc = header_plausible(r, &hops, pos);
            if (rc <= 0)
                break;
            pos += HDR_BYTES + le32(hops.buf + (pos - hops.off) + 8);
        }
        if (rc < 0) {
            found = -1;
            break;
        }
        if (hop == 16 || pos == size) {
            *at = off;
            found = 1;
        }
        off += 4;
    }
    if (found < 0)
        snprintf(err, errlen, "%s", xt_error(r));
    free(hops.buf);
    xt_close(r);
    return found;
}

int xt_find_window(const char *path, uint64_t near, uint64_t *at, char *err,
                   size_t errlen)
{
    return xt_find_window_in(path, near, 0, at, err, errlen);
}
