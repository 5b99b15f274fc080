/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mkpatho.c - valid traces that once made the stitcher blow up, for the
 * reliability tests (tests/test_patho.sh).  Built at test time, small.
 *
 *   mkpatho KIND N OUT
 *
 *   silent      N PV deliveries on pCPU 0, 10 us apart (the clock records
 *               say 1 ns per cycle), each complete; pCPU 1 writes one
 *               record at the start and then nothing (an idle pCPU): held
 *               chains must not pile up
 *   silent-lost the same with a TRC_LOST_RECORDS on pCPU 0 every 64
 *               deliveries: a gap must not rescan every held chain
 *   vcpus       N deliveries to N distinct (dom, vcpu), none completing:
 *               finding a vCPU's delivery must not scan them all
 *   cpu4095     N complete deliveries on pCPU 0, one record on pCPU 4095:
 *               per-record work must not be per possible pCPU
 *   riders      one delivery that never completes and N events coalescing
 *               into it: riders must be bounded
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "schema.h"
#include "xtgen.h"

#define WINDOW 256                  /* records per window */

struct gen {
    struct xtg g[2];                /* pCPU 0 and the other pCPU, built apart */
    unsigned other;                 /* the other pCPU's number */
    unsigned n[2];
};

/* rec(g, which, tsc, "TRC_...", "field", value, ..., NULL) */
static void rec(struct gen *g, int which, uint64_t tsc, const char *event, ...)
{
    const struct hv_event_info *e = hv_event_by_name(event);
    uint32_t w[HV_REC_MAX_EXTRA] = { 0 };
    const char *field;
    va_list ap;

    if (!e) {
        fprintf(stderr, "mkpatho: no event %s\n", event);
        exit(2);
    }
    va_start(ap, event);
    while ((field = va_arg(ap, const char *))) {
        int k = hv_field_word(event, field);
        uint32_t v = va_arg(ap, uint32_t);
        if (k < 0) {
            fprintf(stderr, "mkpatho: %s has no %s\n", event, field);
            exit(2);
        }
        w[k] = v;
    }
    va_end(ap);
    if (g->n[which] % WINDOW == 0) {
        if (g->n[which])
            xtg_end_window(&g->g[which]);
        xtg_begin_window(&g->g[which], which ? g->other : 0);
    }
    xtg_rec(&g->g[which], e->id, tsc, e->nwords, w);
    g->n[which]++;
}

static void clock_rec(struct gen *g, int which, uint64_t tsc)
{
    /* 1 ns per cycle: mul 2^31, shift 1 */
    rec(g, which, tsc, "TRC_HW_HVPATH_CLOCK_PCPU", "mul", 1u << 31, "shift", 1u,
        "stamp_tsc", (uint32_t)tsc, NULL);
}

/* one PV delivery on pCPU 0 to (dom, vcpu) at t; completed if bounce */
static void delivery(struct gen *g, uint64_t t, uint32_t dom, uint32_t vcpu, int bounce)
{
    rec(g, 0, t, "TRC_HW_HVPATH_EVTCHN_SEND", "sdom", 0u, "sport", 5u, "rdom", dom,
        "rport", 7u, "type", 1u, NULL);
    rec(g, 0, t + 10, "TRC_HW_HVPATH_SET_PENDING_FIFO", "dom", dom, "port", 7u,
        "vcpu", vcpu, "outcome", 5u, NULL);
    rec(g, 0, t + 20, "TRC_HW_HVPATH_MARK_PENDING", "dom", dom, "vcpu", vcpu,
        "coalesced", 0u, NULL);
    rec(g, 0, t + 30, "TRC_HW_HVPATH_VCPU_KICK", "dom", dom, "vcpu", vcpu,
        "was_running", 1u, "target_pcpu", ~0u, NULL);
    if (bounce)
        rec(g, 0, t + 60, "TRC_HW_HVPATH_PV_BOUNCE", "dom", dom, "vcpu", vcpu, NULL);
}

int main(int argc, char **argv)
{
    struct gen g;
    struct xtg out;
    unsigned long n;
    const char *kind;
    uint64_t t = 1000;

    if (argc != 4) {
        fprintf(stderr, "usage: mkpatho silent|silent-lost|vcpus|cpu4095|riders N OUT\n");
        return 2;
    }
    kind = argv[1];
    n = strtoul(argv[2], NULL, 0);
    memset(&g, 0, sizeof(g));
    xtg_init(&g.g[0]);
    xtg_init(&g.g[1]);
    g.other = strcmp(kind, "cpu4095") ? 1 : 4095;
    clock_rec(&g, 0, t);
    clock_rec(&g, 1, t);            /* the other pCPU: this, then silence */
    t += 100;
    if (!strcmp(kind, "silent") || !strcmp(kind, "silent-lost") || !strcmp(kind, "cpu4095")) {
        for (unsigned long i = 0; i < n; i++, t += 10000) {   /* 10 us apart */
            delivery(&g, t, 1, 0, 1);
            if (!strcmp(kind, "silent-lost") && i % 64 == 63) {
                t += 100;
                rec(&g, 0, t, "TRC_LOST_RECORDS", "lost", 3u, "first_tsc", (uint32_t)(t - 50), NULL);
            }
        }
    } else if (!strcmp(kind, "vcpus")) {
        for (unsigned long i = 0; i < n; i++, t += 100)
            delivery(&g, t, 1 + (uint32_t)(i / 1000), (uint32_t)(i % 1000), 0);
    } else if (!strcmp(kind, "riders")) {
        delivery(&g, t, 1, 0, 0);
        t += 100;
        for (unsigned long i = 0; i < n; i++) {
            t += 20;
            rec(&g, 0, t, "TRC_HW_HVPATH_EVTCHN_SEND", "sdom", 0u, "sport", 5u, "rdom", 1u,
                "rport", 8u, "type", 1u, NULL);
            rec(&g, 0, t + 10, "TRC_HW_HVPATH_SET_PENDING_FIFO", "dom", 1u, "port", 8u,
                "vcpu", 0u, "outcome", 1u, NULL);
        }
    } else {
        fprintf(stderr, "mkpatho: unknown kind '%s'\n", kind);
        return 2;
    }
    clock_rec(&g, 0, t + 100);
    for (int i = 0; i < 2; i++)
        if (g.n[i])
            xtg_end_window(&g.g[i]);
    /* the other pCPU's window first: it is silent from then on */
    xtg_init(&out);
    xtg_raw(&out, g.g[1].buf, g.g[1].len);
    xtg_raw(&out, g.g[0].buf, g.g[0].len);
    if (xtg_write(&out, argv[3])) {
        perror("mkpatho");
        return 1;
    }
    printf("%s: %u records on pCPU 0, %u on pCPU %u\n", argv[3], g.n[0], g.n[1], g.other);
    return 0;
}
