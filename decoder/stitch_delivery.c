/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stitch_delivery.c - the second half of a chain, per vCPU.  A new upcall
 * (mark_pending, not coalesced) opens the vCPU's delivery; every chain that
 * coalesces into it while it is open rides along (fan-in, N:1).  Its stages
 * (kick, hvm_assert, the scheduler's wake and switch, injection, VM entry or
 * the PV bounce, the EOI) are the delivery's, and each chain gets them
 * appended from where it joined when the delivery closes.
 */
#include "stitch_int.h"

#include <stdlib.h>

#include "event_values.h"
#include "vec.h"

struct delivery *st_find_open(struct stitcher *s, int32_t dom, int32_t vcpu,
                              size_t *index)
{
    for (size_t i = 0; i < s->nopen; i++) {
        if (s->open[i]->dom == dom && s->open[i]->vcpu == vcpu) {
            if (index)
                *index = i;
            return s->open[i];
        }
    }
    return NULL;
}

struct delivery *st_open_delivery(struct stitcher *s, int32_t dom, int32_t vcpu)
{
    struct delivery *d = calloc(1, sizeof(*d));
    struct delivery **n = d ? hv_grow(s->open, &s->open_cap, s->nopen + 1,
                                      sizeof(*s->open))
                            : NULL;

    if (!n) {
        free(d);
        s->oom = 1;
        return NULL;
    }
    s->open = n;
    d->id = s->next_delivery_id++;
    d->dom = dom;
    d->vcpu = vcpu;
    s->open[s->nopen++] = d;
    st_set_known(s, dom, vcpu);
    return d;
}

void st_delivery_free(struct delivery *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nchains; i++)
        free(d->chains[i]);
    free(d->chains);
    free(d);
}

int st_attach(struct stitcher *s, struct delivery *d, struct chain *c)
{
    struct chain **n = hv_grow(d->chains, &d->cap, d->nchains + 1,
                               sizeof(*d->chains));

    if (!n) {
        s->oom = 1;
        free(c);
        return -1;
    }
    d->chains = n;
    d->chains[d->nchains++] = c;
    return 0;
}

/* Close delivery d: its chains finish with its stages appended. */
void st_close_delivery(struct stitcher *s, struct delivery *d, int delivered)
{
    size_t i;

    if (st_find_open(s, d->dom, d->vcpu, &i) == d)
        s->open[i] = s->open[--s->nopen];
    for (unsigned p = 0; p < s->ncpus; p++)
        if (s->pcpu[p].entry == d)
            s->pcpu[p].entry = NULL;
    if (delivered) {
        s->cnt.deliveries++;
        st_set_known(s, d->dom, d->vcpu);
    }

    if (!d->nchains && delivered) {
        /*
         * A delivery no traced event explains (e.g. an unmask): an orphan.
         * Just after a gap, the event that opened it is probably among the
         * lost records: incomplete.
         */
        struct chain *c = st_chain_new(s, CHAIN_SRC_UNKNOWN);
        if (c) {
            c->dom = d->dom;
            c->vcpu = d->vcpu;
            if (st_attach(s, d, c) == 0 && !d->after_gap)
                c->outcome = CHAIN_ORPHAN;
        }
        if (d->after_gap)
            delivered = 0;
    }
    for (i = 0; i < d->nchains; i++) {
        struct chain *c = d->chains[i];
        uint8_t outcome;

        /* the shared stages from where this chain joined on */
        uint64_t from = c->nstages ? c->stages[c->nstages - 1].tsc : 0;
        for (unsigned k = 0; k < d->nstages; k++)
            if (d->stages[k].tsc >= from && c->nstages < CHAIN_MAX_STAGES)
                c->stages[c->nstages++] = d->stages[k];
        c->delivery = d->id;
        if (!delivered)
            outcome = CHAIN_INCOMPLETE;
        else if (c->outcome == CHAIN_ORPHAN)
            outcome = CHAIN_ORPHAN;
        else
            outcome = i == 0 && !c->outcome ? CHAIN_COMPLETE : CHAIN_COALESCED;
        st_finish(s, c, outcome);
    }
    d->nchains = 0;
    st_delivery_free(d);
}

/* A chain joins the open delivery of its vCPU, or ends coalesced. */
void st_coalesce(struct stitcher *s, struct chain *c)
{
    struct delivery *d = st_find_open(s, c->dom, c->vcpu, NULL);

    if (!d) {
        /* the upcall it rode on may be one a gap hid */
        st_finish(s, c, st_known_epoch(s, c->dom, c->vcpu) < s->epoch
                            ? CHAIN_INCOMPLETE : CHAIN_COALESCED);
        return;
    }
    c->outcome = CHAIN_COALESCED;   /* marks it as a rider, not the opener */
    st_attach(s, d, c);
}

static int has_stage(const struct delivery *d, uint8_t kind)
{
    for (unsigned i = 0; i < d->nstages; i++)
        if (d->stages[i].kind == kind)
            return 1;
    return 0;
}

/* A delivery stage for (dom, vcpu); returns the open delivery or NULL. */
static struct delivery *delivery_stage(struct stitcher *s, const struct hv_rec *r,
                                       int32_t dom, int32_t vcpu, uint8_t kind)
{
    struct delivery *d = st_find_open(s, dom, vcpu, NULL);

    if (!d || d->delivered) {
        s->cnt.unattached++;
        return NULL;
    }
    st_add_stage(d->stages, &d->nstages, r, kind);
    return d;
}

/* JOIN DELIVERY, nothing more: kick, hvm_assert, assert_tasklet. */
void on_delivery_stage(struct stitcher *s, const struct hv_rec *r,
                       const struct roles *v, uint8_t stage)
{
    delivery_stage(s, r, v->dom, v->vcpu, stage);
}

void on_intr_assist(struct stitcher *s, const struct hv_rec *r,
                    const struct roles *v, uint8_t stage)
{
    int window = v->code == HVP_INTR_WINDOW;
    struct delivery *d = delivery_stage(s, r, v->dom, v->vcpu,
                                        window ? STAGE_INTR_WINDOW : stage);

    if (d && !window) {
        s->pcpu[r->cpu].entry = d;  /* the VM entry on this pCPU completes it */
        d->vector = (uint32_t)v->arg;
    }
}

void on_pv_bounce(struct stitcher *s, const struct hv_rec *r,
                  const struct roles *v, uint8_t stage)
{
    struct delivery *d = delivery_stage(s, r, v->dom, v->vcpu, stage);

    if (d)
        st_close_delivery(s, d, 1);
}

void on_vmentry(struct stitcher *s, const struct hv_rec *r, const struct roles *v,
                uint8_t stage)
{
    struct pcpu *pc = &s->pcpu[r->cpu];
    struct delivery *d = pc->entry;

    (void)v;
    if (!d)
        return;
    st_add_stage(d->stages, &d->nstages, r, stage);
    pc->entry = NULL;
    if (d->vector) {
        d->delivered = 1;           /* its EOI may follow */
        st_set_known(s, d->dom, d->vcpu);
    } else {
        st_close_delivery(s, d, 1);
    }
}

void on_eoi(struct stitcher *s, const struct hv_rec *r, const struct roles *v,
            uint8_t stage)
{
    struct delivery *d = st_find_open(s, v->dom, v->vcpu, NULL);

    if (d && d->delivered && d->vector == (uint32_t)v->arg) {
        st_add_stage(d->stages, &d->nstages, r, stage);
        st_close_delivery(s, d, 1);
    }
}

void on_stock_inj_virq(struct stitcher *s, const struct hv_rec *r,
                       const struct roles *v, uint8_t stage)
{
    struct pcpu *pc = &s->pcpu[r->cpu];
    struct delivery *d;
    struct chain *c;

    (void)v;
    /*
     * With the probes, INTR_ASSIST times the injection; the stock record
     * carries no TSC of its own (it inherits an earlier one), so it would
     * only put a wrong time in the chain.
     */
    if (!s->opt.stock)
        return;
    /* stock Xen: the injection and the VM entry after it are all there is */
    d = st_find_open(s, pc->run_dom, pc->run_vcpu, NULL);
    if (d)
        st_close_delivery(s, d, 0);
    d = st_open_delivery(s, pc->run_dom, pc->run_vcpu);
    if (!d)
        return;
    c = st_chain_new(s, CHAIN_SRC_UNKNOWN);
    if (!c)
        return;
    c->dom = pc->run_dom;
    c->vcpu = pc->run_vcpu;
    st_add_stage(d->stages, &d->nstages, r, stage);
    if (st_attach(s, d, c) == 0)
        pc->entry = d;
}

void on_sched_wake(struct stitcher *s, const struct hv_rec *r,
                   const struct roles *v, uint8_t stage)
{
    struct delivery *d = st_find_open(s, v->dom, v->vcpu, NULL);

    if (d)
        st_add_stage(d->stages, &d->nstages, r, stage);
}

void on_sched_switch(struct stitcher *s, const struct hv_rec *r,
                     const struct roles *v, uint8_t stage)
{
    struct pcpu *pc = &s->pcpu[r->cpu];
    struct delivery *d;

    pc->run_dom = v->dom;
    pc->run_vcpu = v->vcpu;
    d = st_find_open(s, pc->run_dom, pc->run_vcpu, NULL);
    if (d && has_stage(d, STAGE_SCHED_WAKE) && !has_stage(d, stage))
        st_add_stage(d->stages, &d->nstages, r, stage);
}
