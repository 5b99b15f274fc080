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

/*
 * A new source record on pCPU p: whatever was under construction there is
 * cut.  The chain's (dom, port) are the record's.
 */
static struct chain *start(struct stitcher *s, const struct hv_rec *r,
                           const struct roles *v, uint8_t source, uint8_t stage)
{
    struct pcpu *pc = &s->pcpu[r->cpu];
    struct chain *c;

    if (pc->cur)
        st_cut(s, pc->cur, REASON_CUT);
    pc->cur = NULL;
    pc->cur_waits_mark = 0;
    c = st_chain_new(s, source);
    if (!c)
        return NULL;
    c->dom = v->dom;
    c->port = v->port;
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
    struct chain *c = start(s, r, v, CHAIN_SRC_PIRQ, stage);

    if (!c)
        return;
    c->pirq = (uint32_t)v->arg;
    if (v->code != HVP_SEND_SENT)   /* trylock failed or no port: lost in Xen */
        end_now(s, r, c, CHAIN_DROPPED);
}

void on_evtchn_send(struct stitcher *s, const struct hv_rec *r,
                    const struct roles *v, uint8_t stage)
{
    struct chain *c = start(s, r, v, v->code == HVP_EVTCHN_IPI ? CHAIN_SRC_IPI
                                                            : CHAIN_SRC_INTERDOMAIN,
                            stage);

    if (!c)
        return;
    if (v->code == HVP_EVTCHN_XEN_CONSUMER)  /* no guest delivery */
        end_now(s, r, c, CHAIN_COMPLETE);
}

void on_bind(struct stitcher *s, const struct hv_rec *r, const struct roles *v,
             uint8_t stage)
{
    struct chain *c = start(s, r, v, CHAIN_SRC_BIND, stage);

    if (!c)
        return;
}

void on_virq_send(struct stitcher *s, const struct hv_rec *r,
                  const struct roles *v, uint8_t stage)
{
    struct chain *c = start(s, r, v, CHAIN_SRC_VIRQ, stage);

    if (!c)
        return;
    c->virq = (uint32_t)v->arg;
    c->tracer = c->virq == HV_VIRQ_TBUF;
    if (v->code != HVP_SEND_SENT)
        end_now(s, r, c, CHAIN_DROPPED);
}

/*
 * An unmask through Xen.  Only a pending port carries an event on: 2-level
 * with UPCALL, its MARK_PENDING is next; 2-level without, it rides on the
 * upcall pending already; FIFO, its SET_PENDING_FIFO is next.
 */
void on_unmask(struct stitcher *s, const struct hv_rec *r, const struct roles *v,
               uint8_t stage)
{
    struct pcpu *pc = &s->pcpu[r->cpu];
    struct chain *c;

    if (!(v->code & HVP_SP_NEW))
        return;                     /* nothing pending: no event */
    c = start(s, r, v, CHAIN_SRC_UNMASK, stage);
    if (!c)
        return;
    c->vcpu = v->vcpu;
    if (v->arg == HVP_ABI_FIFO)
        return;
    if (v->code & HVP_SP_UPCALL) {
        pc->cur_waits_mark = 1;
        return;
    }
    pc->cur = NULL;
    st_coalesce(s, c);
}

/* map_vcpu_info(): its MARK_PENDING is next. */
void on_vcpu_info(struct stitcher *s, const struct hv_rec *r,
                  const struct roles *v, uint8_t stage)
{
    struct chain *c = start(s, r, v, CHAIN_SRC_VCPU_INFO, stage);

    if (!c)
        return;
    c->port = -1;                   /* every port of the vCPU */
    c->vcpu = v->vcpu;
    s->pcpu[r->cpu].cur_waits_mark = 1;
}

void on_set_pending(struct stitcher *s, const struct hv_rec *r,
                    const struct roles *v, uint8_t stage)
{
    struct pcpu *pc = &s->pcpu[r->cpu];
    uint32_t outcome = v->code;
    struct chain *c = pc->cur;

    /* the source just before on this pCPU must name this very port */
    if (c && (pc->cur_waits_mark || c->dom != v->dom || c->port != v->port)) {
        st_cut(s, c, REASON_CUT);
        c = NULL;
    }
    if (!c) {
        /*
         * No source record: a FIFO unmask of a pending port traced by a
         * series older than EVTCHN_UNMASK (set_pending from the unmask path
         * is not "newly pending": it upcalls, or finds the port linked
         * already, as when Linux rebinds an IRQ's vCPU), or a source Xen
         * does not trace.  Just after a gap, its source may be lost.
         */
        c = st_chain_new(s, outcome & HVP_SP_NEW ? CHAIN_SRC_UNKNOWN : CHAIN_SRC_UNMASK);
        if (!c)
            return;
        c->dom = v->dom;
        c->port = v->port;
        if (pc->after_gap) {
            pc->cur = NULL;
            st_add_stage(c->stages, &c->nstages, r, stage);
            st_cut(s, c, REASON_AFTER_GAP);
            return;
        }
    }
    pc->cur = NULL;
    c->vcpu = v->vcpu;
    st_add_stage(c->stages, &c->nstages, r, stage);

    if (outcome & (HVP_SP_LOST | HVP_SP_NOT_QUEUED | HVP_SP_DROPPED)) {
        st_finish(s, c, CHAIN_DROPPED);
    } else if (outcome & HVP_SP_MASKED) {
        st_finish(s, c, CHAIN_MASKED);
    } else if (outcome & HVP_SP_UPCALL) {
        pc->cur = c;                    /* vcpu_mark_events_pending is next */
        pc->cur_waits_mark = 1;
    } else if (!(outcome & HVP_SP_NEW)) {
        c->via = VIA_PENDING;           /* the port was pending already */
        st_finish(s, c, CHAIN_COALESCED);
    } else {
        st_coalesce(s, c);              /* an upcall is pending already */
    }
}

void on_mark_pending(struct stitcher *s, const struct hv_rec *r,
                     const struct roles *v, uint8_t stage)
{
    struct pcpu *pc = &s->pcpu[r->cpu];
    struct chain *c = pc->cur;
    struct vstate *vs;
    struct delivery *d;

    if (c && !(pc->cur_waits_mark && c->dom == v->dom && c->vcpu == v->vcpu)) {
        st_cut(s, c, REASON_CUT);
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
    /*
     * A new upcall: evtchn_upcall_pending was clear.  The vCPU's delivery
     * still open is done: delivered and waiting for its EOI; or, since only
     * the guest clears the bit, consumed by its running upcall handler, if
     * the guest can have run since it opened; if not, a record was lost.
     */
    vs = st_vcpu_find(s, v->dom, v->vcpu);
    d = vs ? vs->open : NULL;
    if (d && st_delivered(s, d))
        st_close_delivery(s, d, 1, REASON_NONE);
    else if (d && st_guest_ran_since(s, vs, d))
        st_close_consumed(s, d);
    else if (d)
        st_close_delivery(s, d, 0, REASON_STALE);
    d = st_open_delivery(s, r, v->dom, v->vcpu);
    if (!d) {
        free(c);
        return;
    }
    d->after_gap = !c && pc->after_gap;
    if (!c)
        st_add_stage(d->stages, &d->nstages, r, stage);
    else
        st_attach(s, d, c);
    /* its kick (PV) or hvm_assert (HVM) is the next record here */
    pc->expect_kick = d->id;
    pc->expect_dom = v->dom;
    pc->expect_vcpu = v->vcpu;
}
