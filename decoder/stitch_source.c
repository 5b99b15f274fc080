/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stitch_source.c - the first half of a chain, per pCPU: the source record
 * (pirq_send, evtchn_send, virq_send, bind), the port's set_pending and
 * vcpu_mark_events_pending.  They run back to back in one call chain on one
 * pCPU, so the chain under construction is the pCPU's, checked by (dom,
 * port) and then (dom, vcpu); mark_pending hands it to its vCPU's delivery.
 */
#include "stitch_int.h"

#include <stdlib.h>

#include "event_values.h"

/* A new source record on pCPU p: whatever was under construction there is cut. */
static struct chain *start(struct stitcher *s, const struct hv_rec *r,
                           uint8_t source, uint8_t stage)
{
    struct pcpu *pc = &s->pcpu[r->cpu];
    struct chain *c;

    if (pc->cur)
        st_finish(s, pc->cur, CHAIN_INCOMPLETE);
    pc->cur = NULL;
    pc->cur_waits_mark = 0;
    c = st_chain_new(s, source);
    if (!c)
        return NULL;
    if (pc->irq_valid && source == CHAIN_SRC_PIRQ) {
        c->stages[0].tsc = pc->irq_tsc;
        c->stages[0].cpu = r->cpu;
        c->stages[0].kind = STAGE_IRQ;
        c->nstages = 1;
    }
    /* a pIRQ's physical IRQ record may be among the lost ones */
    c->suspect = pc->after_gap && source == CHAIN_SRC_PIRQ && !pc->irq_valid;
    pc->irq_valid = 0;
    pc->after_gap = 0;
    st_add_stage(c->stages, &c->nstages, r, stage);
    pc->cur = c;
    return c;
}

/* A source that ends its chain at once (dropped in Xen, a Xen consumer). */
static void end_now(struct stitcher *s, const struct hv_rec *r, struct chain *c,
                    uint8_t outcome)
{
    s->pcpu[r->cpu].cur = NULL;
    st_finish(s, c, outcome);
}

void on_irq_guest(struct stitcher *s, const struct hv_rec *r,
                  const struct roles *v, uint8_t stage)
{
    struct pcpu *pc = &s->pcpu[r->cpu];

    (void)v;
    (void)stage;
    pc->irq_valid = 1;
    pc->irq_tsc = r->tsc;
}

void on_pirq_send(struct stitcher *s, const struct hv_rec *r,
                  const struct roles *v, uint8_t stage)
{
    struct chain *c = start(s, r, CHAIN_SRC_PIRQ, stage);

    if (!c)
        return;
    c->dom = v->dom;
    c->port = v->port;
    c->pirq = (uint32_t)v->arg;
    if (v->code != HVP_SEND_SENT)   /* trylock failed or no port: lost in Xen */
        end_now(s, r, c, CHAIN_DROPPED);
}

void on_evtchn_send(struct stitcher *s, const struct hv_rec *r,
                    const struct roles *v, uint8_t stage)
{
    struct chain *c = start(s, r, v->code == HVP_EVTCHN_IPI ? CHAIN_SRC_IPI
                                                            : CHAIN_SRC_INTERDOMAIN,
                            stage);

    if (!c)
        return;
    c->dom = v->dom;
    c->port = v->port;
    if (v->code == HVP_EVTCHN_XEN_CONSUMER)  /* no guest delivery */
        end_now(s, r, c, CHAIN_COMPLETE);
}

void on_bind(struct stitcher *s, const struct hv_rec *r, const struct roles *v,
             uint8_t stage)
{
    struct chain *c = start(s, r, CHAIN_SRC_BIND, stage);

    if (!c)
        return;
    c->dom = v->dom;
    c->port = v->port;
}

void on_virq_send(struct stitcher *s, const struct hv_rec *r,
                  const struct roles *v, uint8_t stage)
{
    struct chain *c = start(s, r, CHAIN_SRC_VIRQ, stage);

    if (!c)
        return;
    c->dom = v->dom;
    c->port = v->port;
    c->virq = (uint32_t)v->arg;
    c->tracer = c->virq == HV_VIRQ_TBUF;
    if (v->code != HVP_SEND_SENT)
        end_now(s, r, c, CHAIN_DROPPED);
}

void on_set_pending(struct stitcher *s, const struct hv_rec *r,
                    const struct roles *v, uint8_t stage)
{
    struct pcpu *pc = &s->pcpu[r->cpu];
    uint32_t outcome = v->code;
    struct chain *c = pc->cur;

    /* the source just before on this pCPU must name this very port */
    if (c && (pc->cur_waits_mark || c->dom != v->dom || c->port != v->port)) {
        st_finish(s, c, CHAIN_INCOMPLETE);
        c = NULL;
    }
    if (!c) {
        c = st_chain_new(s, CHAIN_SRC_UNKNOWN);
        if (!c)
            return;
        c->dom = v->dom;
        c->port = v->port;
        if (pc->after_gap) {
            /* its source record may be among the lost ones */
            pc->cur = NULL;
            st_add_stage(c->stages, &c->nstages, r, stage);
            st_finish(s, c, CHAIN_INCOMPLETE);
            return;
        }
    }
    pc->cur = NULL;
    c->vcpu = v->vcpu;
    st_add_stage(c->stages, &c->nstages, r, stage);

    if (outcome & (HVP_SP_LOST | HVP_SP_NOT_QUEUED)) {
        st_finish(s, c, CHAIN_DROPPED);
    } else if (outcome & HVP_SP_MASKED) {
        st_finish(s, c, CHAIN_MASKED);
    } else if (!(outcome & HVP_SP_NEW)) {
        st_finish(s, c, CHAIN_COALESCED);  /* the port was pending already */
    } else if (!(outcome & HVP_SP_UPCALL)) {
        st_coalesce(s, c);                 /* an upcall is pending already */
    } else {
        pc->cur = c;
        pc->cur_waits_mark = 1;
    }
}

void on_mark_pending(struct stitcher *s, const struct hv_rec *r,
                     const struct roles *v, uint8_t stage)
{
    struct pcpu *pc = &s->pcpu[r->cpu];
    struct chain *c = pc->cur;
    struct delivery *d;

    if (c && !(pc->cur_waits_mark && c->dom == v->dom && c->vcpu == v->vcpu)) {
        st_finish(s, c, CHAIN_INCOMPLETE);
        c = NULL;
    }
    pc->cur = NULL;
    pc->cur_waits_mark = 0;
    if (c)
        st_add_stage(c->stages, &c->nstages, r, stage);

    if (v->code) {                  /* coalesced: an upcall was pending */
        if (c)
            st_coalesce(s, c);
        return;
    }
    /* a new upcall: a new delivery (a stale one for this vCPU is cut; one
       that was delivered and awaited its EOI is done) */
    d = st_find_open(s, v->dom, v->vcpu, NULL);
    if (d)
        st_close_delivery(s, d, d->delivered);
    d = st_open_delivery(s, v->dom, v->vcpu);
    if (!d) {
        free(c);
        return;
    }
    d->after_gap = !c && pc->after_gap;
    if (!c)
        st_add_stage(d->stages, &d->nstages, r, stage);
    else
        st_attach(s, d, c);
}
