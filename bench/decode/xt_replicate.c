/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xt_replicate - make a large realistic xentrace file from a real one.
 *
 *   xt_replicate IN OUT MIB
 *
 * Writes copies of IN's records until OUT holds at least MIB MiB; copy k has
 * every TSC (and the first_tsc of TRC_LOST_RECORDS) shifted by k times the
 * trace's span plus a gap, so the result reads like one long trace rather
 * than a discontinuity per copy (xenalyze stops at those).  Records are read
 * with libhvpath in file order and written back bit for bit, one window per
 * run of same-pCPU records.
 *
 * Each copy after the first opens every pCPU with a TRC_LOST_RECORDS record
 * (1 lost): the scheduler state at the end of one copy does not match the
 * start of the next, and a lost-records gap is how Xen itself says "state
 * unknown from here"; xenalyze resets its vCPU state there instead of
 * stopping.  So the big file also exercises the lost-record path.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_stats.h"
#include "xt_reader.h"

#define WIN_MAX (256u << 10)

struct out {
    FILE *f;
    uint8_t *win;
    size_t len;
    int cpu;
    uint64_t bytes;
};

static void flush_window(struct out *o)
{
    uint32_t hdr[3] = { XT_CPU_CHANGE_HEADER, (uint32_t)o->cpu, (uint32_t)o->len };

    if (!o->len)
        return;
    if (fwrite(hdr, 4, 3, o->f) != 3 || fwrite(o->win, 1, o->len, o->f) != o->len) {
        perror("xt_replicate: write");
        exit(1);
    }
    o->bytes += 12 + o->len;
    o->len = 0;
}

static void put_record(struct out *o, const struct hv_rec *r, uint64_t shift);

/* The gap record at the start of a copy, on r's pCPU, just before r. */
static void put_gap(struct out *o, const struct hv_rec *r, uint64_t shift)
{
    struct hv_rec gap = { 0 };
    uint64_t tsc = r->tsc + shift;

    gap.event = HV_TRC_LOST_RECORDS;
    gap.cpu = r->cpu;
    gap.nextra = 4;
    gap.tsc = tsc;
    gap.extra[0] = 1;                       /* lost */
    gap.extra[1] = 0x7fff | (uint32_t)r->cpu << 16; /* idle domain, vcpu = pcpu */
    gap.extra[2] = (uint32_t)tsc;           /* first_tsc */
    gap.extra[3] = (uint32_t)(tsc >> 32);
    put_record(o, &gap, 0);
}

static void put_record(struct out *o, const struct hv_rec *r, uint64_t shift)
{
    uint32_t w[1 + 2 + HV_REC_MAX_EXTRA];
    unsigned n = 0;
    int cyc = !(r->flags & HV_REC_TSC_INHERITED);

    if (r->cpu != o->cpu || o->len + sizeof(w) > WIN_MAX) {
        flush_window(o);
        o->cpu = r->cpu;
    }
    w[n++] = r->event | (uint32_t)r->nextra << 28 | (uint32_t)cyc << 31;
    if (cyc) {
        uint64_t tsc = r->tsc + shift;
        w[n++] = (uint32_t)tsc;
        w[n++] = (uint32_t)(tsc >> 32);
    }
    memcpy(w + n, r->extra, 4 * r->nextra);
    if (r->event == HV_TRC_LOST_RECORDS && r->nextra >= 4) {
        uint64_t first = ((uint64_t)r->extra[3] << 32 | r->extra[2]) + shift;
        w[n + 2] = (uint32_t)first;
        w[n + 3] = (uint32_t)(first >> 32);
    }
    n += r->nextra;
    memcpy(o->win + o->len, w, 4 * n);
    o->len += 4 * n;
}

int main(int argc, char **argv)
{
    struct xt_options opt = { .order = XT_ORDER_FILE };
    struct trace_stats st;
    struct out o = { 0 };
    static uint8_t opened[XT_MAX_CPUS];     /* pCPUs seen in this copy */
    uint64_t want, delta;
    char err[600];

    if (argc != 4) {
        fprintf(stderr, "usage: xt_replicate IN OUT MIB\n");
        return 2;
    }
    want = strtoull(argv[3], NULL, 10) << 20;
    if (trace_stats_compute(argv[1], 0, 0, &st, err, sizeof(err))) {
        fprintf(stderr, "xt_replicate: %s\n", err);
        return 1;
    }
    delta = st.tsc_last - st.tsc_first + 1000000;
    trace_stats_free(&st);

    o.f = fopen(argv[2], "wb");
    o.win = malloc(WIN_MAX);
    o.cpu = -1;
    if (!o.f || !o.win) {
        perror(argv[2]);
        return 1;
    }
    for (uint64_t k = 0; o.bytes < want; k++) {
        struct xt_reader *r;
        struct hv_rec rec;
        int rc;

        if (xt_open(argv[1], &opt, &r, err, sizeof(err))) {
            fprintf(stderr, "xt_replicate: %s\n", err);
            return 1;
        }
        memset(opened, 0, sizeof(opened));
        while ((rc = xt_next(r, &rec)) > 0) {
            if (k && !opened[rec.cpu]) {
                put_gap(&o, &rec, k * delta);
                opened[rec.cpu] = 1;
            }
            put_record(&o, &rec, k * delta);
        }
        if (rc < 0) {
            fprintf(stderr, "xt_replicate: %s\n", xt_error(r));
            return 1;
        }
        xt_close(r);
        flush_window(&o);
    }
    if (fclose(o.f)) {
        perror(argv[2]);
        return 1;
    }
    free(o.win);
    printf("%s: %" PRIu64 " bytes\n", argv[2], o.bytes);
    return 0;
}
