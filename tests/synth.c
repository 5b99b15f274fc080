/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * synth.c - synthetic hot-path traces with known chains.
 *
 * Payloads are built by field name through schema.h, so the generator
 * follows hvpath_events.def like everything else.
 */
#include "synth.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_values.h"
#include "record.h"
#include "schema.h"
#include "xtgen.h"

#define NCPU 2
#define RECV_CPU 1                  /* the receiving vCPUs run here */
#define SEND_CPU 0

struct srec {
    struct hv_rec r;
    int chain;                      /* truth index, -1 none */
};

struct gen {
    struct srec *recs[NCPU];
    size_t n[NCPU], cap[NCPU];
    struct synth *truth;
    unsigned chains_cap;
    uint32_t rng;
    const struct synth_params *p;
    unsigned drop_seen;             /* records of p->drop_event so far */
    int last_kept;                  /* the last emit() was written */
};

static uint32_t rnd(struct gen *g)
{
    g->rng ^= g->rng << 13;
    g->rng ^= g->rng >> 17;
    g->rng ^= g->rng << 5;
    return g->rng;
}

/* Append a record: emit(g, chain, cpu, tsc, "TRC_...", "field", v, ..., NULL). */
static void emit(struct gen *g, int chain, unsigned cpu, uint64_t tsc,
                 const char *event, ...)
{
    const struct hv_event_info *e = hv_event_by_name(event);
    struct srec *s;
    const char *field;
    va_list ap;

    if (!e) {
        fprintf(stderr, "synth: no event %s\n", event);
        exit(99);
    }
    /* Xen writes only what its event mask lets through */
    g->last_kept = !g->p->mask || hv_event_in_mask(g->p->mask, e->id);
    /* every other drop_event lost with no TRC_LOST_RECORDS (silent loss) */
    if (g->last_kept && g->p->drop_event && e->id == g->p->drop_event &&
        g->drop_seen++ % 2 == 0) {
        g->last_kept = 0;
        if (chain >= 0)
            g->truth->chains[chain].affected = 1;
        g->truth->silent++;
    }
    if (!g->last_kept)
        return;
    if (g->n[cpu] == g->cap[cpu]) {
        g->cap[cpu] = g->cap[cpu] ? 2 * g->cap[cpu] : 1024;
        g->recs[cpu] = realloc(g->recs[cpu], g->cap[cpu] * sizeof(struct srec));
        if (!g->recs[cpu])
            exit(99);
    }
    s = &g->recs[cpu][g->n[cpu]++];
    memset(s, 0, sizeof(*s));
    s->chain = chain;
    s->r.event = e->id;
    s->r.tsc = tsc;
    s->r.cpu = (uint16_t)cpu;
    s->r.nextra = e->nwords;
    va_start(ap, event);
    while ((field = va_arg(ap, const char *))) {
        uint32_t v = va_arg(ap, uint32_t);
        int w = hv_field_word(event, field);
        if (w < 0) {
            fprintf(stderr, "synth: %s has no field %s\n", event, field);
            exit(99);
        }
        s->r.extra[w] = v;
    }
    va_end(ap);
}

static int new_chain(struct gen *g, uint8_t source, uint8_t outcome, int dom,
                     int port, int vcpu)
{
    struct synth *t = g->truth;
    struct chain *c;

    if (t->nchains == g->chains_cap) {
        g->chains_cap = g->chains_cap ? 2 * g->chains_cap : 256;
        t->chains = realloc(t->chains, g->chains_cap * sizeof(*t->chains));
        if (!t->chains)
            exit(99);
    }
    memset(&t->chains[t->nchains], 0, sizeof(t->chains[0]));
    c = &t->chains[t->nchains].c;
    c->source = source;
    c->outcome = outcome;
    c->dom = dom;
    c->port = port;
    c->vcpu = vcpu;
    return (int)t->nchains++;
}

/* The stage the last emit() made, if it was written. */
static void stage(struct gen *g, int chain, unsigned cpu, uint64_t tsc, uint8_t kind)
{
    struct chain *c = &g->truth->chains[chain].c;

    if (!g->last_kept)
        return;
    c->stages[c->nstages].tsc = tsc;
    c->stages[c->nstages].cpu = (uint16_t)cpu;
    c->stages[c->nstages].kind = kind;
    c->nstages++;
}

/* Source, set_pending, mark_pending on the sending pCPU (PV, dom 1 vCPU 0). */
static int pv_open(struct gen *g, uint64_t t, int sport, int rport, uint8_t src)
{
    int c = new_chain(g, src, CHAIN_COMPLETE, 1, rport, 0);

    if (src == CHAIN_SRC_BIND) {
        emit(g, c, SEND_CPU, t, "TRC_HW_HVPATH_BIND_PENDING", "ldom", 1u, "lport",
             (uint32_t)rport, "rdom", 0u, "rport", (uint32_t)sport, NULL);
        stage(g, c, SEND_CPU, t, STAGE_BIND);
    } else {
        emit(g, c, SEND_CPU, t, "TRC_HW_HVPATH_EVTCHN_SEND", "sdom", 0u, "sport",
             (uint32_t)sport, "rdom", 1u, "rport", (uint32_t)rport, "type", 1u, NULL);
        stage(g, c, SEND_CPU, t, STAGE_EVTCHN_SEND);
    }
    emit(g, c, SEND_CPU, t + 100, "TRC_HW_HVPATH_SET_PENDING_FIFO", "dom", 1u, "port",
         (uint32_t)rport, "vcpu", 0u, "outcome", 1u | 4u, NULL);
    stage(g, c, SEND_CPU, t + 100, STAGE_SET_PENDING);
    emit(g, c, SEND_CPU, t + 200, "TRC_HW_HVPATH_MARK_PENDING", "dom", 1u, "vcpu", 0u,
         "coalesced", 0u, NULL);
    stage(g, c, SEND_CPU, t + 200, STAGE_MARK_PENDING);
    return c;
}

/* An HVM vCPU's upcall through its per-vCPU upcall vector 0xf3 (dom vCPU 0). */
static int hvm_open(struct gen *g, uint64_t t, int dom, int rport)
{
    int c = new_chain(g, CHAIN_SRC_INTERDOMAIN, CHAIN_COMPLETE, dom, rport, 0);

    emit(g, c, SEND_CPU, t, "TRC_HW_HVPATH_EVTCHN_SEND", "sdom", 0u, "sport", 16u,
         "rdom", (uint32_t)dom, "rport", (uint32_t)rport, "type", 1u, NULL);
    stage(g, c, SEND_CPU, t, STAGE_EVTCHN_SEND);
    emit(g, c, SEND_CPU, t + 100, "TRC_HW_HVPATH_SET_PENDING_2L", "dom", (uint32_t)dom,
         "port", (uint32_t)rport, "vcpu", 0u, "outcome", 1u | 4u, NULL);
    stage(g, c, SEND_CPU, t + 100, STAGE_SET_PENDING);
    emit(g, c, SEND_CPU, t + 200, "TRC_HW_HVPATH_MARK_PENDING", "dom", (uint32_t)dom,
         "vcpu", 0u, "coalesced", 0u, NULL);
    stage(g, c, SEND_CPU, t + 200, STAGE_MARK_PENDING);
    emit(g, c, SEND_CPU, t + 300, "TRC_HW_HVPATH_HVM_ASSERT", "dom", (uint32_t)dom,
         "vcpu", 0u, "branch", (uint32_t)HVP_ASSERT_UPCALL_VEC, "vector", 0xf3u, NULL);
    stage(g, c, SEND_CPU, t + 300, STAGE_HVM_ASSERT);
    return c;
}

static void kick(struct gen *g, int c, uint64_t t, uint32_t running)
{
    emit(g, c, SEND_CPU, t, "TRC_HW_HVPATH_VCPU_KICK", "dom", 1u, "vcpu", 0u,
         "was_running", running, "target_pcpu", running ? (uint32_t)RECV_CPU : ~0u, NULL);
    stage(g, c, SEND_CPU, t, STAGE_KICK);
}

/* A new upcall for dom 1 vCPU 0 at t, and its kick of the running vCPU. */
static void mark_kick(struct gen *g, int c, uint64_t t)
{
    emit(g, c, SEND_CPU, t, "TRC_HW_HVPATH_MARK_PENDING", "dom", 1u, "vcpu", 0u,
         "coalesced", 0u, NULL);
    stage(g, c, SEND_CPU, t, STAGE_MARK_PENDING);
    kick(g, c, t + 100, 1);
}

static void bounce(struct gen *g, int c, uint64_t t)
{
    emit(g, c, RECV_CPU, t, "TRC_HW_HVPATH_PV_BOUNCE", "dom", 1u, "vcpu", 0u, NULL);
    stage(g, c, RECV_CPU, t, STAGE_PV_BOUNCE);
}

static void one_event(struct gen *g, unsigned kind, uint64_t t)
{
    int c, b;

    switch (kind) {
    case 0: /* PV interdomain, delivered */
        c = pv_open(g, t, 10, 20, CHAIN_SRC_INTERDOMAIN);
        kick(g, c, t + 300, 1);
        bounce(g, c, t + 2000 + rnd(g) % 3000);
        break;
    case 1: /* fan-in: B rides on A's upcall */
        c = pv_open(g, t, 10, 20, CHAIN_SRC_INTERDOMAIN);
        kick(g, c, t + 300, 1);
        b = new_chain(g, CHAIN_SRC_INTERDOMAIN, CHAIN_COALESCED, 1, 21, 0);
        emit(g, b, SEND_CPU, t + 1000, "TRC_HW_HVPATH_EVTCHN_SEND", "sdom", 0u, "sport", 11u,
             "rdom", 1u, "rport", 21u, "type", 1u, NULL);
        stage(g, b, SEND_CPU, t + 1000, STAGE_EVTCHN_SEND);
        emit(g, b, SEND_CPU, t + 1100, "TRC_HW_HVPATH_SET_PENDING_FIFO", "dom", 1u, "port", 21u,
             "vcpu", 0u, "outcome", 1u, NULL);
        stage(g, b, SEND_CPU, t + 1100, STAGE_SET_PENDING);
        emit(g, c, RECV_CPU, t + 8000, "TRC_HW_HVPATH_PV_BOUNCE", "dom", 1u, "vcpu", 0u, NULL);
        stage(g, c, RECV_CPU, t + 8000, STAGE_PV_BOUNCE);
        stage(g, b, RECV_CPU, t + 8000, STAGE_PV_BOUNCE);
        break;
    case 2: /* masked port */
        c = new_chain(g, CHAIN_SRC_INTERDOMAIN, CHAIN_MASKED, 1, 22, 0);
        emit(g, c, SEND_CPU, t, "TRC_HW_HVPATH_EVTCHN_SEND", "sdom", 0u, "sport", 12u,
             "rdom", 1u, "rport", 22u, "type", 1u, NULL);
        stage(g, c, SEND_CPU, t, STAGE_EVTCHN_SEND);
        emit(g, c, SEND_CPU, t + 100, "TRC_HW_HVPATH_SET_PENDING_FIFO", "dom", 1u, "port", 22u,
             "vcpu", 0u, "outcome", 1u | 2u, NULL);
        stage(g, c, SEND_CPU, t + 100, STAGE_SET_PENDING);
        break;
    case 3: /* physical IRQ whose event Xen drops (trylock failure) */
        c = new_chain(g, CHAIN_SRC_PIRQ, CHAIN_DROPPED, 1, 23, -1);
        emit(g, c, SEND_CPU, t, "TRC_HW_HVPATH_IRQ_GUEST", "irq", 30u, "vector", 0x40u, NULL);
        stage(g, c, SEND_CPU, t, STAGE_IRQ);
        emit(g, c, SEND_CPU, t + 150, "TRC_HW_HVPATH_PIRQ_SEND", "dom", 1u, "pirq", 30u,
             "port", 23u, "outcome", 1u, NULL);
        stage(g, c, SEND_CPU, t + 150, STAGE_PIRQ_SEND);
        break;
    case 4: /* HVM guest (dom 2): callback vector injected at VM entry */
        c = new_chain(g, CHAIN_SRC_INTERDOMAIN, CHAIN_COMPLETE, 2, 24, 0);
        emit(g, c, SEND_CPU, t, "TRC_HW_HVPATH_EVTCHN_SEND", "sdom", 0u, "sport", 13u,
             "rdom", 2u, "rport", 24u, "type", 1u, NULL);
        stage(g, c, SEND_CPU, t, STAGE_EVTCHN_SEND);
        emit(g, c, SEND_CPU, t + 100, "TRC_HW_HVPATH_SET_PENDING_2L", "dom", 2u, "port", 24u,
             "vcpu", 0u, "outcome", 1u | 4u, NULL);
        stage(g, c, SEND_CPU, t + 100, STAGE_SET_PENDING);
        emit(g, c, SEND_CPU, t + 200, "TRC_HW_HVPATH_MARK_PENDING", "dom", 2u, "vcpu", 0u,
             "coalesced", 0u, NULL);
        stage(g, c, SEND_CPU, t + 200, STAGE_MARK_PENDING);
        emit(g, c, SEND_CPU, t + 300, "TRC_HW_HVPATH_HVM_ASSERT", "dom", 2u, "vcpu", 0u,
             "branch", 3u, "vector", 0xf3u, NULL);
        stage(g, c, SEND_CPU, t + 300, STAGE_HVM_ASSERT);
        emit(g, c, RECV_CPU, t + 1500, "TRC_HW_HVPATH_INTR_ASSIST", "dom", 2u, "vcpu", 0u,
             "vector", 0xf3u, "source", 1u, "outcome", 1u, "vendor", 2u, NULL);
        stage(g, c, RECV_CPU, t + 1500, STAGE_INJECT);
        emit(g, c, RECV_CPU, t + 1600 + rnd(g) % 500, "TRC_HVM_VMENTRY", NULL);
        stage(g, c, RECV_CPU, g->recs[RECV_CPU][g->n[RECV_CPU] - 1].r.tsc, STAGE_VMENTRY);
        break;
    case 5: /* Xen's own set_pending on a fresh interdomain binding */
        c = pv_open(g, t, 14, 25, CHAIN_SRC_BIND);
        kick(g, c, t + 300, 1);
        bounce(g, c, t + 2500);
        break;
    case 6: /* the vCPU was blocked: woken, scheduled, then delivered */
        c = pv_open(g, t, 15, 26, CHAIN_SRC_INTERDOMAIN);
        /* vcpu_kick(): vcpu_unblock()'s TRC_SCHED_WAKE comes before VCPU_KICK */
        emit(g, c, SEND_CPU, t + 250, "TRC_SCHED_WAKE", "dom", 1u, "vcpu", 0u, NULL);
        stage(g, c, SEND_CPU, t + 250, STAGE_SCHED_WAKE);
        kick(g, c, t + 300, 0);
        emit(g, c, RECV_CPU, t + 3000, "TRC_SCHED_SWITCH", "prev_dom", 32767u,
             "prev_vcpu", 1u, "next_dom", 1u, "next_vcpu", 0u, NULL);
        stage(g, c, RECV_CPU, t + 3000, STAGE_SCHED_SWITCH);
        bounce(g, c, t + 3100);
        break;
    case 7: /* FIFO unmask of a pending port: evtchn_fifo_unmask() sets it
               pending again, with no source record; it upcalls, or finds
               the port linked already (Linux rebinding an IRQ's vCPU) */
        c = new_chain(g, CHAIN_SRC_UNMASK, CHAIN_COMPLETE, 1, 27, 0);
        emit(g, c, SEND_CPU, t, "TRC_HW_HVPATH_SET_PENDING_FIFO", "dom", 1u, "port", 27u,
             "vcpu", 0u, "outcome", 4u, NULL);
        stage(g, c, SEND_CPU, t, STAGE_SET_PENDING);
        mark_kick(g, c, t + 100);
        b = new_chain(g, CHAIN_SRC_UNMASK, CHAIN_COALESCED, 1, 28, 0);
        emit(g, b, SEND_CPU, t + 1000, "TRC_HW_HVPATH_SET_PENDING_FIFO", "dom", 1u, "port", 28u,
             "vcpu", 0u, "outcome", 8u, NULL);
        stage(g, b, SEND_CPU, t + 1000, STAGE_SET_PENDING);
        bounce(g, c, t + 2400);
        break;
    case 8: /* VMX posted interrupt (dom 3): the notification IPI reaches the
               running vCPU, the CPU delivers it with no VM exit */
        c = hvm_open(g, t, 3, 29);
        emit(g, c, SEND_CPU, t + 400, "TRC_HW_HVPATH_HVM_POSTED", "dom", 3u, "vcpu", 0u,
             "vector", 0xf3u, "outcome", (uint32_t)HVP_PI_NOTIFY, "target_pcpu",
             (uint32_t)RECV_CPU, NULL);
        stage(g, c, SEND_CPU, t + 400, STAGE_POSTED);
        break;
    case 9: /* posted to a vCPU not running (dom 4): the PIR is synced at its
               next VM entry (RVI), recorded again at the entry after (a
               repeat: counted, not a stage) */
        c = hvm_open(g, t, 4, 33);
        emit(g, c, SEND_CPU, t + 400, "TRC_HW_HVPATH_HVM_POSTED", "dom", 4u, "vcpu", 0u,
             "vector", 0xf3u, "outcome", (uint32_t)HVP_PI_NOT_RUNNING, "target_pcpu",
             ~0u, NULL);
        stage(g, c, SEND_CPU, t + 400, STAGE_POSTED);
        emit(g, c, RECV_CPU, t + 1500, "TRC_HW_HVPATH_INTR_ASSIST", "dom", 4u, "vcpu", 0u,
             "vector", 0xf3u, "source", 2u, "outcome", (uint32_t)HVP_INTR_RVI, "vendor",
             (uint32_t)HVP_VENDOR_VMX, NULL);
        stage(g, c, RECV_CPU, t + 1500, STAGE_INJECT);
        emit(g, c, RECV_CPU, t + 1600, "TRC_HVM_VMENTRY", NULL);
        stage(g, c, RECV_CPU, t + 1600, STAGE_VMENTRY);
        emit(g, -1, RECV_CPU, t + 2500, "TRC_HW_HVPATH_INTR_ASSIST", "dom", 4u, "vcpu", 0u,
             "vector", 0xf3u, "source", 2u, "outcome", (uint32_t)HVP_INTR_RVI, "vendor",
             (uint32_t)HVP_VENDOR_VMX, NULL);
        emit(g, -1, RECV_CPU, t + 2600, "TRC_HVM_VMENTRY", NULL);
        break;
    case 10: /* 2-level unmask through Xen of a pending port: the selector
                newly set, an upcall; a second port unmasked rides on it */
        c = new_chain(g, CHAIN_SRC_UNMASK, CHAIN_COMPLETE, 1, 30, 0);
        emit(g, c, SEND_CPU, t, "TRC_HW_HVPATH_EVTCHN_UNMASK", "dom", 1u, "port", 30u,
             "vcpu", 0u, "outcome", (uint32_t)(HVP_SP_NEW | HVP_SP_UPCALL), "abi",
             (uint32_t)HVP_ABI_2L, NULL);
        stage(g, c, SEND_CPU, t, STAGE_UNMASK);
        mark_kick(g, c, t + 100);
        b = new_chain(g, CHAIN_SRC_UNMASK, CHAIN_COALESCED, 1, 32, 0);
        emit(g, b, SEND_CPU, t + 1000, "TRC_HW_HVPATH_EVTCHN_UNMASK", "dom", 1u, "port", 32u,
             "vcpu", 0u, "outcome", (uint32_t)HVP_SP_NEW, "abi", (uint32_t)HVP_ABI_2L, NULL);
        stage(g, b, SEND_CPU, t + 1000, STAGE_UNMASK);
        /* and one with nothing pending: no event, no chain */
        emit(g, -1, SEND_CPU, t + 1200, "TRC_HW_HVPATH_EVTCHN_UNMASK", "dom", 1u, "port", 34u,
             "vcpu", 0u, "outcome", 0u, "abi", (uint32_t)HVP_ABI_2L, NULL);
        bounce(g, c, t + 2400);
        stage(g, b, RECV_CPU, t + 2400, STAGE_PV_BOUNCE);
        break;
    case 11: /* FIFO unmask through Xen of a pending port: its set_pending
                (not newly pending) follows */
        c = new_chain(g, CHAIN_SRC_UNMASK, CHAIN_COMPLETE, 1, 31, 0);
        emit(g, c, SEND_CPU, t, "TRC_HW_HVPATH_EVTCHN_UNMASK", "dom", 1u, "port", 31u,
             "vcpu", 0u, "outcome", (uint32_t)HVP_SP_NEW, "abi", (uint32_t)HVP_ABI_FIFO, NULL);
        stage(g, c, SEND_CPU, t, STAGE_UNMASK);
        emit(g, c, SEND_CPU, t + 50, "TRC_HW_HVPATH_SET_PENDING_FIFO", "dom", 1u, "port", 31u,
             "vcpu", 0u, "outcome", (uint32_t)HVP_SP_UPCALL, NULL);
        stage(g, c, SEND_CPU, t + 50, STAGE_SET_PENDING);
        mark_kick(g, c, t + 100);
        bounce(g, c, t + 2400);
        break;
    case 12: /* a vcpu_info registered: Xen marks events pending itself */
        c = new_chain(g, CHAIN_SRC_VCPU_INFO, CHAIN_COMPLETE, 1, -1, 0);
        emit(g, c, SEND_CPU, t, "TRC_HW_HVPATH_VCPU_INFO_MAP", "dom", 1u, "vcpu", 0u, NULL);
        stage(g, c, SEND_CPU, t, STAGE_VCPU_INFO);
        mark_kick(g, c, t + 100);
        bounce(g, c, t + 2400);
        break;
    }
}

static int cmp_tsc(const void *a, const void *b)
{
    const struct srec *x = a, *y = b;
    return (x->r.tsc > y->r.tsc) - (x->r.tsc < y->r.tsc);
}

static void put(struct xtg *x, const struct hv_rec *r)
{
    xtg_rec(x, r->event, r->tsc, r->nextra, r->extra);
}

int synth_write(const char *path, unsigned n, unsigned loss_pct, unsigned seed,
                struct synth *truth)
{
    struct synth_params p = { .n = n, .loss_pct = loss_pct, .seed = seed };

    return synth_write_params(path, &p, truth);
}

int synth_write_params(const char *path, const struct synth_params *p,
                       struct synth *truth)
{
    unsigned n = p->n, loss_pct = p->loss_pct;
    struct gen g = { .truth = truth, .rng = p->seed * 2654435761u + 1, .p = p };
    struct xtg x;
    uint64_t t = 1000000;
    size_t pos[NCPU] = { 0 };
    int rc;

    memset(truth, 0, sizeof(*truth));
    /* each pCPU's clock first, as the probes write it: a 2 GHz TSC */
    for (unsigned cpu = 0; cpu < NCPU; cpu++)
        emit(&g, -1, cpu, t - 1000, "TRC_HW_HVPATH_CLOCK_PCPU", "mul", 1u << 31,
             "shift", 0u, NULL);
    for (unsigned i = 0; i < n; i++) {
        one_event(&g, i % 13, t);
        t += 20000 + rnd(&g) % 5000;
    }
    for (unsigned cpu = 0; cpu < NCPU; cpu++)
        qsort(g.recs[cpu], g.n[cpu], sizeof(struct srec), cmp_tsc);

    /* windows of up to 16 records, pCPUs taking turns, as xentrace writes them */
    xtg_init(&x);
    while (pos[0] < g.n[0] || pos[1] < g.n[1]) {
        for (unsigned cpu = 0; cpu < NCPU; cpu++) {
            size_t end = pos[cpu] + 16 < g.n[cpu] ? pos[cpu] + 16 : g.n[cpu];
            if (pos[cpu] == end)
                continue;
            xtg_begin_window(&x, cpu);
            while (pos[cpu] < end) {
                struct srec *s = &g.recs[cpu][pos[cpu]];
                unsigned run = 0;

                /* a run of 1..5 lost records, then Xen's TRC_LOST_RECORDS */
                if (loss_pct && rnd(&g) % 1000 < loss_pct * 4)
                    run = 1 + rnd(&g) % 5;
                if (run) {
                    uint64_t first = s->r.tsc;
                    unsigned k;
                    for (k = 0; k < run && pos[cpu] < end; k++, pos[cpu]++) {
                        s = &g.recs[cpu][pos[cpu]];
                        if (s->chain >= 0)
                            truth->chains[s->chain].affected = 1;
                        truth->dropped++;
                    }
                    /* Xen writes it when it has room again: after the
                       lost records, before the next one kept */
                    uint32_t ed[4] = { k, 0x7fff | cpu << 16, (uint32_t)first,
                                       (uint32_t)(first >> 32) };
                    xtg_rec(&x, HV_TRC_LOST_RECORDS, s->r.tsc + 1, 4, ed);
                    continue;
                }
                put(&x, &s->r);
                truth->records++;
                pos[cpu]++;
            }
            xtg_end_window(&x);
        }
    }
    rc = xtg_write(&x, path);
    xtg_free(&x);
    for (unsigned cpu = 0; cpu < NCPU; cpu++)
        free(g.recs[cpu]);
    return rc;
}

void synth_free(struct synth *truth)
{
    free(truth->chains);
    memset(truth, 0, sizeof(*truth));
}
