/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stitch_delivery.c - the second half of a chain, per vCPU.  A new upcall
 * (mark_pending, not coalesced) opens the vCPU's delivery; every chain that
 * coalesces into it while it is open rides along (fan-in, N:1).  Its stages
 * (kick, hvm_assert, the scheduler's wake and switch, the first interrupt
 * window, the injection and the VM entry after it, or the PV bounce, then
 * the EOI) are the delivery's, and each chain gets them appended from where
 * it joined when the delivery closes.
 *
 * How a delivery ends:
 *   - delivered: the PV bounce, or for HVM the VM entry after an injection
 *     (then it waits for the guest's EOI of the vector until the vCPU's
 *     next upcall);
 *   - consumed: the vCPU's next upcall opens while it is still open, so the
 *     guest cleared evtchn_upcall_pending: its upcall handler, already
 *     running, took the events (coalesced, VIA_HANDLER) if the guest can
 *     have run since; if it cannot, a record was lost (REASON_STALE);
 *   - cut: lost records, the end of the trace, a memory bound.
 *
 * Silent loss shows as a broken sequence: a second kick in a PV delivery, a
 * PV bounce without a kick, a VM entry without an injection; such a
 * delivery's chains end incomplete with the reason.
 */
#include "stitch_int.h"

#include <stdlib.h>

#include "event_values.h"
#include "vec.h"

struct delivery *st_open_delivery(struct stitcher *s, const struct hv_rec *r,
                                  int32_t dom, int32_t vcpu)
{
    struct vstate *v = st_vcpu(s, dom, vcpu);
    struct delivery *d = v ? calloc(1, sizeof(*d)) : NULL;

    if (!d) {
        s->oom = 1;
        return NULL;
    }
    d->id = s->next_delivery_id++;
    d->dom = dom;
    d->vcpu = vcpu;
    d->vidx = (uint32_t)(v - s->vs);
    d->open_tsc = r->tsc;
    d->open_cpu = r->cpu;
    d->target_cpu = NO_CPU;
    d->rs_at_open = v->runstate;
    v->open = d;
    v->epoch = s->epoch;
    st_open_link(s, d);
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
    struct chain **n;

    if (d->nchains >= s->opt.max_riders) {
        st_cut(s, c, REASON_RIDERS);
        return -1;
    }
    n = hv_grow(d->chains, &d->cap, d->nchains + 1, sizeof(*d->chains));
    if (!n) {
        s->oom = 1;
        free(c);
        return -1;
    }
    d->chains = n;
    d->chains[d->nchains++] = c;
    return 0;
}

/*
 * d leaves the open list and its vCPU; the caller finishes its chains.  Only
 * a delivery seen to its end tells what the vCPU's state is now: a cut one
 * (a gap, say) leaves its epoch as it was.
 */
static void unlink_delivery(struct stitcher *s, struct delivery *d, int known)
{
    struct vstate *v = &s->vs[d->vidx];

    st_open_unlink(s, d);
    if (v->open == d)
        v->open = NULL;
    if (known)
        v->epoch = s->epoch;
}

/* c gets d's stages from where it joined d on (its last stage's TSC). */
static void append_stages(struct chain *c, const struct delivery *d)
{
    uint64_t from = c->nstages ? c->stages[c->nstages - 1].tsc : 0;

    for (unsigned k = 0; k < d->nstages; k++)
        if (d->stages[k].tsc >= from && c->nstages < CHAIN_MAX_STAGES)
            c->stages[c->nstages++] = d->stages[k];
}

/* Close delivery d: its chains finish with its stages appended. */
void st_close_delivery(struct stitcher *s, struct delivery *d, int delivered,
                       uint8_t reason)
{
    unlink_delivery(s, d, delivered && !d->suspect);
    if (d->suspect) {
        delivered = 0;
        reason = d->suspect;
    }
    if (delivered) {
        s->cnt.deliveries++;
        s->vs[d->vidx].last_delivered = d->id;
    }
    if (!d->nchains && (delivered || d->suspect)) {
        /*
         * A delivery no traced event explains (e.g. a 2-level unmask): an
         * orphan.  Just after a gap, the event that opened it is probably
         * among the lost records: incomplete.
         */
        struct chain *c = st_chain_new(s, CHAIN_SRC_UNKNOWN);
        if (c) {
            c->dom = d->dom;
            c->vcpu = d->vcpu;
            if (st_attach(s, d, c) == 0 && !d->after_gap)
                c->outcome = CHAIN_ORPHAN;
        }
        if (d->after_gap) {
            delivered = 0;
            reason = REASON_AFTER_GAP;
        }
    }
    for (size_t i = 0; i < d->nchains; i++) {
        struct chain *c = d->chains[i];

        append_stages(c, d);
        c->delivery = d->id;
        c->fragile = d->target_gap;
        if (!delivered) {
            st_cut(s, c, reason);
        } else if (c->outcome == CHAIN_ORPHAN) {
            st_finish(s, c, CHAIN_ORPHAN);
        } else if (i == 0 && !c->outcome) {
            st_finish(s, c, CHAIN_COMPLETE);
        } else {
            c->via = VIA_DELIVERY;
            st_finish(s, c, CHAIN_COALESCED);
        }
    }
    d->nchains = 0;
    st_delivery_free(d);
}

void st_close_consumed(struct stitcher *s, struct delivery *d)
{
    uint64_t handler = s->vs[d->vidx].last_delivered;

    if (d->suspect || d->target_gap) {
        /* or its bounce is among the records lost on its vCPU's pCPU */
        st_close_delivery(s, d, 0, d->suspect ? d->suspect : REASON_GAP);
        return;
    }
    unlink_delivery(s, d, 1);
    for (size_t i = 0; i < d->nchains; i++) {
        struct chain *c = d->chains[i];

        if (c->outcome == CHAIN_ORPHAN) {       /* nothing it explains */
            st_cut(s, c, REASON_STALE);
            continue;
        }
        append_stages(c, d);
        c->delivery = handler ? handler : d->id;
        c->via = VIA_HANDLER;
        st_finish(s, c, CHAIN_COALESCED);
    }
    d->nchains = 0;
    st_delivery_free(d);
}

/* A chain joins the open delivery of its vCPU, or ends coalesced. */
void st_coalesce(struct stitcher *s, struct chain *c)
{
    struct vstate *v = st_vcpu_find(s, c->dom, c->vcpu);
    struct delivery *d = v ? v->open : NULL;

    if (!d) {
        /* the upcall it rode on may be one a gap hid */
        if ((v ? v->epoch : 0) < s->epoch) {
            st_cut(s, c, REASON_GAP);
        } else {
            c->via = VIA_HANDLER;   /* an upcall pending, no delivery open */
            c->delivery = v ? v->last_delivered : 0;
            st_finish(s, c, CHAIN_COALESCED);
        }
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

/* The open, undelivered delivery of (dom, vcpu), or NULL (counted). */
static struct delivery *open_for(struct stitcher *s, int32_t dom, int32_t vcpu)
{
    struct delivery *d = st_find_open(s, dom, vcpu);

    if (!d || d->delivered) {
        s->cnt.unattached++;
        return NULL;
    }
    return d;
}

/*
 * A stage recorded on the vCPU's side: it runs there.  An HVM delivery gets
 * no kick when its vector was pending in the IRR already, so it may come
 * here unkicked: then lost records on its opening pCPU could have held the
 * kick (or the assert's tasklet).
 */
static void on_target(struct delivery *d, const struct hv_rec *r)
{
    d->target_cpu = r->cpu;
    if (!d->left_open && d->gap_before_kick)
        d->suspect = REASON_GAP;
    if (!d->left_open)
        d->left_tsc = r->tsc;
    d->left_open = 1;
}

/* JOIN DELIVERY, nothing more: assert_tasklet. */
void on_delivery_stage(struct stitcher *s, const struct hv_rec *r,
                       const struct roles *v, uint8_t stage)
{
    struct delivery *d = open_for(s, v->dom, v->vcpu);

    if (d)
        st_add_stage(d->stages, &d->nstages, r, stage);
}

void on_hvm_assert(struct stitcher *s, const struct hv_rec *r,
                   const struct roles *v, uint8_t stage)
{
    struct vstate *vs = st_vcpu_find(s, v->dom, v->vcpu);
    struct delivery *d = open_for(s, v->dom, v->vcpu);

    if (vs)
        vs->hvm = 1;
    if (!d)
        return;
    if (d->deferred && !d->tasklet_ran)
        d->suspect = REASON_NO_PREDECESSOR;     /* the tasklet's record is lost */
    d->hvm = 1;
    d->deferred = v->code == HVP_ASSERT_TASKLET;
    d->tasklet_ran = 0;
    if (v->code == HVP_ASSERT_UPCALL_VEC || v->code == HVP_ASSERT_CALLBACK_VEC)
        d->want_vector = (uint32_t)v->arg;
    st_add_stage(d->stages, &d->nstages, r, stage);
}

/* The deferred assertion's tasklet: an hvm_assert that deferred comes first. */
void on_assert_tasklet(struct stitcher *s, const struct hv_rec *r,
                       const struct roles *v, uint8_t stage)
{
    struct delivery *d = open_for(s, v->dom, v->vcpu);

    if (!d)
        return;
    if (!d->deferred)
        d->suspect = REASON_NO_PREDECESSOR;
    d->tasklet_ran = 1;
    st_add_stage(d->stages, &d->nstages, r, stage);
}

/*
 * A kick or a wake of (dom, vcpu) right after a set_pending of that vCPU
 * that waited for its mark_pending: the mark was lost.  The chain and the
 * vCPU's open delivery end incomplete; 1 if so.
 */
static int mark_lost(struct stitcher *s, struct pcpu *pc, const struct roles *v,
                     struct delivery *d)
{
    if (!pc->cur || !pc->cur_waits_mark || pc->cur->dom != v->dom ||
        pc->cur->vcpu != v->vcpu)
        return 0;
    st_cut(s, pc->cur, REASON_NO_PREDECESSOR);
    pc->cur = NULL;
    pc->cur_waits_mark = 0;
    if (d && !d->delivered)
        d->suspect = REASON_NO_PREDECESSOR;
    return 1;
}

/*
 * A kick belongs to a delivery only where its mark_pending made it: PV, the
 * next hot-path record after the mark on its pCPU; HVM, the first on the
 * pCPU that asserted.  Xen kicks vCPUs for other reasons too (an NMI
 * through VCPUOP_send_nmi, vMCE, a domctl; for HVM the vLAPIC timer and the
 * vPIC): those are not stages.  A kick right after a set_pending that waited
 * for its mark_pending means that mark was lost.
 */
void on_kick(struct stitcher *s, const struct hv_rec *r, const struct roles *v,
             uint8_t stage)
{
    struct pcpu *pc = &s->pcpu[r->cpu];
    struct vstate *vs = st_vcpu_find(s, v->dom, v->vcpu);
    struct delivery *d = vs ? vs->open : NULL;
    int32_t target = v->arg == 0xffffffffu ? r->cpu : (int32_t)v->arg;
    int expected = pc->kick_expected;

    pc->kick_expected = 0;
    if (vs)                         /* Xen says whether it runs, and where */
        vs->cpu = v->code ? target : NO_CPU;
    if (mark_lost(s, pc, v, d))
        return;
    if (d && !d->delivered && !d->kicked && expected && vs->hvm && !d->hvm)
        d->suspect = REASON_NO_PREDECESSOR;     /* an HVM vCPU's hvm_assert is lost */
    if (!d || d->delivered || d->kicked ||
        !(expected || (d->hvm && r->cpu == d->open_cpu))) {
        s->cnt.unattached++;        /* not this delivery's */
        return;
    }
    if (d->deferred)                /* the tasklet, or its hvm_assert, is lost */
        d->suspect = REASON_NO_PREDECESSOR;
    d->kicked = d->left_open = 1;
    d->was_running = v->code != 0;
    if (v->code)                    /* where the VCPU_KICK softirq goes */
        d->target_cpu = target;
    /*
     * Enough records lost here since the mark to hide this delivery's kick
     * and a later event's set_pending and mark_pending: this kick (and a
     * wake before it) may be that event's.
     */
    if (d->lost_before_kick >= 3)
        d->suspect = REASON_GAP;
    /*
     * vcpu_unblock() writes TRC_SCHED_WAKE before the kick exactly when the
     * vCPU was blocked.  If it was (its runstate said so, or went blocked ->
     * runnable since) and no wake came, the wake was lost; if lost records
     * fell here and its runstate is not known, it may have been.
     */
    if (!d->woken && !d->was_running &&
        (d->rs_at_open == HV_RUNSTATE_blocked || d->rs_woken))
        d->suspect = d->gap_before_kick ? REASON_GAP : REASON_NO_PREDECESSOR;
    else if (!d->woken && !d->was_running && d->gap_before_kick &&
             d->rs_at_open == RS_UNKNOWN)
        d->suspect = REASON_GAP;
    st_add_stage(d->stages, &d->nstages, r, stage);
}

/*
 * VMX posted interrupt for the vector the vCPU's hvm_assert raised.  On
 * NOTIFY the CPU delivers it to the running guest with no VM exit: the
 * delivery is done here.  The other outcomes go on to a kick and, at the
 * next VM entry, the PIR synced to RVI (an INTR_ASSIST).
 */
void on_posted(struct stitcher *s, const struct hv_rec *r, const struct roles *v,
               uint8_t stage)
{
    struct delivery *d = open_for(s, v->dom, v->vcpu);
    uint32_t vector = (uint32_t)v->arg;

    if (!d || d->posted || d->delivered ||
        (d->want_vector && vector != d->want_vector)) {
        s->cnt.unattached++;        /* another vector, or not this delivery's */
        return;
    }
    d->posted = 1;
    /*
     * As for a kick: enough records lost here since the mark to hide this
     * delivery's posting and a later event's set_pending, mark_pending and
     * hvm_assert, and this may be that event's.
     */
    if (d->lost_before_kick >= 3)
        d->suspect = REASON_GAP;
    if (v->code != HVP_PI_EOI_EXITMAP && v->code != HVP_PI_ON_OR_SN)
        d->left_open = 1;           /* no kick follows */
    st_add_stage(d->stages, &d->nstages, r, stage);
    if (v->code == HVP_PI_NOTIFY) {
        struct vstate *vs = st_vcpu_find(s, v->dom, v->vcpu);

        d->vector = vector;
        d->delivered = 1;           /* by the CPU; an EOI may follow */
        if (vs)
            vs->last_vector = vector;
        s->cnt.posted_by_cpu++;
    }
}

void on_intr_assist(struct stitcher *s, const struct hv_rec *r,
                    const struct roles *v, uint8_t stage)
{
    struct pcpu *pc = &s->pcpu[r->cpu];
    struct delivery *d = open_for(s, v->dom, v->vcpu);
    uint32_t vector = (uint32_t)v->arg;
    int window = v->code == HVP_INTR_WINDOW;

    /*
     * Once the vCPU's delivery is done (entered, or closed by its EOI), an
     * injection or a window of the vector it was delivered with is a repeat:
     * the vector raised again (the IRR set again while in service, the
     * callback vector while evtchn_upcall_pending stays set) or still
     * blocked.  A re-injection still delivers a delivery that opens before
     * its VM entry.
     */
    if (!d || d->delivered) {
        struct vstate *vs = st_vcpu_find(s, v->dom, v->vcpu);

        if (vs && vs->last_vector && vs->last_vector == vector) {
            if (window)
                s->cnt.window_repeats++;
            else
                s->cnt.reinjections++;
        } else if (d) {
            s->cnt.unattached++;
        }
        if (!window) {
            pc->inj_valid = 1;
            pc->inj_dom = v->dom;
            pc->inj_vcpu = v->vcpu;
            pc->inj_vector = vector;
        }
        return;
    }
    if (d->want_vector && vector != d->want_vector) {
        s->cnt.unattached++;        /* another interrupt of the vCPU's */
        return;
    }
    on_target(d, r);
    if (window) {
        if (d->windowed) {
            s->cnt.window_repeats++;
            return;
        }
        s->cnt.windows++;
        d->windowed = 1;
        st_add_stage(d->stages, &d->nstages, r, STAGE_INTR_WINDOW);
        return;
    }
    /* injected (or RVI): the next VM entry on this pCPU completes it */
    pc->inj_valid = 1;
    pc->inj_dom = v->dom;
    pc->inj_vcpu = v->vcpu;
    pc->inj_vector = vector;
    if (d->injected) {
        s->cnt.reinjections++;
        return;
    }
    s->cnt.injections++;
    d->injected = 1;
    d->vector = vector;             /* for its EOI, see st_delivered() */
    st_add_stage(d->stages, &d->nstages, r, stage);
}

void on_vmentry(struct stitcher *s, const struct hv_rec *r, const struct roles *v,
                uint8_t stage)
{
    struct pcpu *pc = &s->pcpu[r->cpu];
    struct vstate *vs = st_vcpu_find(s, pc->run_dom, pc->run_vcpu);
    struct delivery *d;

    (void)v;
    s->cnt.vmentries++;
    if (vs && !pc->inj_valid)
        vs->ran_tsc = r->tsc;       /* the guest runs */
    if (!pc->inj_valid)
        return;
    pc->inj_valid = 0;
    vs = st_vcpu_find(s, pc->inj_dom, pc->inj_vcpu);
    if (!vs)
        return;
    vs->ran_tsc = r->tsc;
    d = vs->open;
    if (!d || d->delivered)
        return;
    /*
     * The vector injected here delivers the vCPU's open delivery, also one
     * that opened after the injection was made (its upcall rides on it).
     */
    on_target(d, r);
    st_add_stage(d->stages, &d->nstages, r, stage);
    d->vector = pc->inj_vector;
    d->delivered = 1;               /* its EOI may follow */
    vs->last_delivered = d->id;
    vs->last_vector = d->vector;
    vs->epoch = s->epoch;
}

/* Does a pCPU hold a set_pending for (dom, vcpu) still waiting for its mark? */
static int mark_in_flight(const struct stitcher *s, int32_t dom, int32_t vcpu)
{
    for (unsigned i = 0; i < s->nactive; i++) {
        const struct pcpu *pc = &s->pcpu[s->active[i]];
        if (pc->cur && pc->cur_waits_mark && pc->cur->dom == dom && pc->cur->vcpu == vcpu)
            return 1;
    }
    return 0;
}

void on_pv_bounce(struct stitcher *s, const struct hv_rec *r,
                  const struct roles *v, uint8_t stage)
{
    struct vstate *vs = st_vcpu_find(s, v->dom, v->vcpu);
    struct delivery *d = open_for(s, v->dom, v->vcpu);

    if (vs)
        vs->ran_tsc = r->tsc;
    if (!d)
        return;
    /*
     * A vCPU the kick found not running is switched in before it can
     * bounce.  (A running one may bounce before its kick is even written:
     * it sees upcall_pending on any return to guest; a lost kick shows on
     * the mark's pCPU instead, see check_kick.)  Only where switches are
     * traced at all: an event mask without TRC_SCHED writes none.  (Until
     * the first record of their subclass, a wake say, that is not known,
     * and a switch lost before it goes unnoticed.)
     */
    if (!d->hvm && d->nchains && !d->after_gap && d->kicked && !d->was_running &&
        !d->switched && s->sched_traced)
        d->suspect = REASON_NO_PREDECESSOR;
    if (!d->kicked && d->gap_before_kick)
        d->suspect = REASON_GAP;    /* its kick may be among lost records */
    if (d->target_gap && mark_in_flight(s, v->dom, v->vcpu))
        d->suspect = REASON_GAP;    /* its own bounce may be lost, this the next one's */
    on_target(d, r);
    st_add_stage(d->stages, &d->nstages, r, stage);
    st_close_delivery(s, d, 1, REASON_NONE);
}

void on_eoi(struct stitcher *s, const struct hv_rec *r, const struct roles *v,
            uint8_t stage)
{
    struct delivery *d = st_find_open(s, v->dom, v->vcpu);

    if (d && st_delivered(s, d) && d->vector == (uint32_t)v->arg) {
        st_add_stage(d->stages, &d->nstages, r, stage);
        st_close_delivery(s, d, 1, REASON_NONE);
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
    d = st_find_open(s, pc->run_dom, pc->run_vcpu);
    if (d)
        st_close_delivery(s, d, 0, REASON_CUT);
    d = st_open_delivery(s, r, pc->run_dom, pc->run_vcpu);
    if (!d)
        return;
    c = st_chain_new(s, CHAIN_SRC_UNKNOWN);
    if (!c)
        return;
    c->dom = pc->run_dom;
    c->vcpu = pc->run_vcpu;
    st_add_stage(d->stages, &d->nstages, r, stage);
    if (st_attach(s, d, c) == 0) {
        pc->inj_valid = 1;
        pc->inj_dom = pc->run_dom;
        pc->inj_vcpu = pc->run_vcpu;
        pc->inj_vector = 0;
    }
}

void on_sched_wake(struct stitcher *s, const struct hv_rec *r,
                   const struct roles *v, uint8_t stage)
{
    struct pcpu *pc = &s->pcpu[r->cpu];
    struct delivery *d = st_find_open(s, v->dom, v->vcpu);

    if (mark_lost(s, pc, v, d))
        return;
    /*
     * vcpu_kick()'s wake, before its kick; others (timers, pollers, NMIs,
     * a later event's) are not this delivery's.
     */
    if (!d || d->woken || d->delivered || d->kicked)
        return;
    d->woken = 1;
    st_add_stage(d->stages, &d->nstages, r, stage);
}

void on_sched_switch(struct stitcher *s, const struct hv_rec *r,
                     const struct roles *v, uint8_t stage)
{
    struct pcpu *pc = &s->pcpu[r->cpu];
    struct vstate *prev = st_vcpu_find(s, pc->run_dom, pc->run_vcpu);
    struct vstate *next;
    struct delivery *d;

    s->cnt.sched_switches++;
    if (prev && prev->cpu == r->cpu) {
        prev->cpu = NO_CPU;
        prev->ran_tsc = r->tsc;
    }
    pc->run_dom = v->dom;
    pc->run_vcpu = v->vcpu;
    next = st_vcpu(s, v->dom, v->vcpu);
    if (!next)
        return;
    next->cpu = next->last_cpu = r->cpu;
    next->ran_tsc = r->tsc;
    next->sched_known = 1;
    d = next->open;
    if (d && !d->delivered) {
        d->target_cpu = r->cpu;
        d->switched = 1;
    }
    /* the vCPU was not running (woken, or runnable): its switch-in is a stage */
    if (d && !d->delivered && !has_stage(d, stage) &&
        (d->woken || (d->kicked && !d->was_running)))
        st_add_stage(d->stages, &d->nstages, r, stage);
}

/*
 * The runstate records: where and whether a vCPU runs, whether it was
 * blocked (so a wake is owed), and, for a delivery whose vCPU was running
 * when kicked but was descheduled before it could take the upcall, the time
 * it then waited runnable (the runnable stage).
 */
void on_runstate(struct stitcher *s, const struct hv_rec *r,
                 const struct roles *v, uint8_t stage)
{
    struct vstate *vs = st_vcpu(s, v->dom, v->vcpu);
    struct delivery *d;
    uint32_t old = (uint32_t)v->arg, new = v->code;

    if (!vs)
        return;
    vs->runstate = (uint8_t)new;
    vs->sched_known = 1;
    if (new == HV_RUNSTATE_running) {
        vs->cpu = vs->last_cpu = r->cpu;
        vs->ran_tsc = r->tsc;
    } else if (old == HV_RUNSTATE_running) {
        if (vs->cpu == r->cpu)
            vs->cpu = NO_CPU;
        vs->ran_tsc = r->tsc;
    }
    d = vs->open;
    if (!d || d->delivered)
        return;
    if (old == HV_RUNSTATE_blocked && new == HV_RUNSTATE_runnable)
        d->rs_woken = 1;
    if (old == HV_RUNSTATE_running && new == HV_RUNSTATE_runnable && d->kicked &&
        d->was_running)
        d->preempted = 1;
    if (new == HV_RUNSTATE_running && old == HV_RUNSTATE_runnable && d->preempted &&
        !has_stage(d, stage)) {
        d->target_cpu = r->cpu;
        st_add_stage(d->stages, &d->nstages, r, stage);
    }
}
