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
 * Does a plausible window header sit at off?  Used to resynchronise after
 * damage in tolerant mode.
 */
static int header_plausible(struct xt_reader *r, struct scanner *s,
                            uint64_t off)
{
    const uint8_t *h;
    uint32_t cpu, len;

    if (off + HDR_BYTES > r->cnt.file_bytes ||
        !(h = xt_chunk_get(r, s->ch, off, HDR_BYTES)))
        return 0;
    cpu = le32(h + 4);
    len = le32(h + 8);
    return le32(h) == XT_CPU_CHANGE_HEADER && cpu < XT_MAX_CPUS &&
           len % 4 == 0 && off + HDR_BYTES + len <= r->cnt.file_bytes;
}

/* Skip damaged bytes from s->pos to the next plausible header (or EOF). */
static void resync(struct xt_reader *r, struct scanner *s, int count)
{
    uint64_t from = s->pos, off = s->pos + 4;

    while (off + HDR_BYTES <= r->cnt.file_bytes && !header_plausible(r, s, off))
        off += 4;
    if (off + HDR_BYTES > r->cnt.file_bytes)
        off = r->cnt.file_bytes;
    if (count) {
        r->cnt.skipped_bytes += off - from;
        r->cnt.skipped_windows++;
    }
    s->pos = off;
}

/* Next window in file order (xt_int.h). */
int xt_scan_next(struct xt_reader *r, struct scanner *s, struct window *w,
                     int count)
{
    const uint8_t *h;
    uint64_t size = r->cnt.file_bytes;

    for (;;) {
        uint32_t word, cpu, len;
        uint64_t off = s->pos;

        if (off >= size || (r->opt.to && off >= r->opt.to)) {
            r->cnt.end_offset = off;
            return 0;
        }
        if (size - off < HDR_BYTES) {
            if (!r->opt.tolerant)
                return xt_fail(r, off, "truncated window header (%llu bytes left, "
                            "need 12)", (unsigned long long)(size - off));
            resync(r, s, count);
            continue;
        }
        if (!(h = xt_chunk_get(r, s->ch, off, HDR_BYTES)))
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
            resync(r, s, count);
            continue;
        }
        if (cpu >= XT_MAX_CPUS || len % 4 != 0 || off + HDR_BYTES + len > size) {
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
            resync(r, s, count);
            continue;
        }

        s->pos = off + HDR_BYTES + len;
        if (count) {
            r->cnt.windows++;
            if (cpu + 1 > r->cnt.ncpus)
                r->cnt.ncpus = cpu + 1;
        }
        w->off = off + HDR_BYTES;
        w->len = len;
        w->cpu = (uint16_t)cpu;
        return 1;
    }
}

int xt_find_window(const char *path, uint64_t near, uint64_t *at, char *err,
                   size_t errlen)
{
    struct xt_options opt = { .order = XT_ORDER_FILE };
    struct xt_reader *r;
    int found = 0;

    if (xt_open(path, &opt, &r, err, errlen))
        return -1;
    for (uint64_t off = near & ~3ull; !found && off + HDR_BYTES <= r->cnt.file_bytes;
         off += 4) {
        struct scanner s = { off, &r->file_cur.ch };
        uint64_t pos = off;
        int hop;

        for (hop = 0; hop < 16 && pos < r->cnt.file_bytes; hop++) {
            const uint8_t *h;
            if (!header_plausible(r, &s, pos) ||
                !(h = xt_chunk_get(r, s.ch, pos, HDR_BYTES)))
                break;
            pos += HDR_BYTES + le32(h + 8);
        }
        if (hop == 16 || pos == r->cnt.file_bytes) {
            *at = off;
            found = 1;
        }
    }
    xt_close(r);
    return found;
}

