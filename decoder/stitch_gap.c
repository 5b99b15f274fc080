/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stitch_gap.c - lost records.  Nothing is ever joined across a gap.
 *
 * A TRC_LOST_RECORDS on pCPU p says records of p were lost from first_tsc
 * until it was written.  It cuts (incomplete, REASON_GAP) what could have
 * had a stage on p in that interval, and only that:
 *   - the chain under construction on p, p's pending IRQ_GUEST, the
 *     injection p made for a VM entry, the kick p owes a mark_pending;
 *   - the open deliveries that could have lost a stage on p without a later
 *     record showing it (waits_on), and the delivery of a set_pending on p
 *     that waited for its mark_pending;
 *   - finished chains still held back that could have (could_hide).
 * A chain already cut for a broken invariant (suspected silent loss) that
 * was alive when these records were lost is cut for the loss instead.
 * What a lost record would show anyway is not cut: a PV delivery waiting
 * for its bounce on a busy pCPU goes on, so long chains are no likelier to
 * be cut than short ones.  A new epoch
 * starts, so a later event that finds no open delivery for a vCPU knows a
 * gap may have hidden it.
 */
#include "stitch_int.h"

/* Everything open ends here (the end of the trace, a stock reset). */
void st_cut_all(struct stitcher *s, uint8_t reason)
{
    for (unsigned i = 0; i < s->nactive; i++) {
        struct pcpu *pc = &s->pcpu[s->active[i]];
        if (pc->cur)
            st_cut(s, pc->cur, reason);
        pc->cur = NULL;
        pc->cur_waits_mark = 0;
        pc->irq_valid = 0;
        pc->inj_valid = 0;
        pc->expect_kick = 0;
    }
    while (s->open_head) {
        struct delivery *d = s->open_head;
        st_close_delivery(s, d, st_delivered(s, d), reason);
    }
}

/*
 * Could a stage of open delivery d have been lost on pCPU cpu, without a
 * later record showing it?  (On its opening pCPU before the kick the wake
 * or the kick itself may be lost: the kick and the vCPU's runstate tell,
 * see on_kick.)  On an HVM vCPU's pCPU: the first window, the injection and
 * its VM entry, the EOI.  A PV delivery waiting on its vCPU's pCPU needs
 * only the bounce (and the switch-in, when its kick found it not running),
 * and their loss shows: it is not cut.
 */
static int waits_on(const struct stitcher *s, const struct delivery *d, int32_t cpu)
{
    const struct vstate *v = &s->vs[d->vidx];

    if (!d->hvm)
        return 0;                   /* PV: on_lost notes a gap before the kick, the kick decides */
    if (d->target_cpu != NO_CPU)
        return d->target_cpu == cpu;
    if (v->cpu != NO_CPU)
        return v->cpu == cpu;
    return v->last_cpu == NO_CPU || v->last_cpu == cpu;
}

/*
 * Could finished chain c have lost a stage on cpu in [from, to], with the
 * stages it has still looking whole?  If the gap falls between two of its
 * stages where an optional one can be: on an HVM vCPU's pCPU (window,
 * injection, entry, the EOI after the entry).  (Between mark_pending and
 * the kick the delivery was still open when the gap was reported, and the
 * kick decided.)  A chain a running handler consumed is an inference from the
 * records not seen: any gap while it was alive.
 */
static int could_hide(const struct chain *c, int32_t cpu, uint64_t from, uint64_t to,
                      uint32_t lost)
{
    int hvm = 0, kicked = 0;

    if (!c->nstages || c->stages[0].tsc > to || c->end_tsc < from)
        return 0;
    if (c->via == VIA_HANDLER)
        return 1;
    /*
     * Its bounce came after records were lost on its vCPU's pCPU: had its
     * own been lost, this gap could hide the next upcall's set_pending and
     * mark_pending, and the bounce be that one's.
     */
    if (c->fragile && lost >= 2)
        return 1;
    for (unsigned i = 0; i < c->nstages; i++) {
        hvm |= c->stages[i].kind == STAGE_HVM_ASSERT;
        kicked |= c->stages[i].kind == STAGE_KICK || c->stages[i].kind == STAGE_POSTED;
    }
    for (unsigned i = 0; i < c->nstages; i++) {
        const struct chain_stage *a = &c->stages[i];
        uint64_t next = i + 1 < c->nstages ? c->stages[i + 1].tsc : c->end_tsc;
        int32_t where = i + 1 < c->nstages ? c->stages[i + 1].cpu : a->cpu;

        if (a->tsc > to || next < from)
            continue;               /* the gap is not between a and the next */
        /* a PV chain with no kick: the kick may be among the lost records */
        if (!hvm && !kicked && a->cpu == cpu &&
            (a->kind == STAGE_MARK_PENDING || a->kind == STAGE_SCHED_WAKE))
            return 1;
        if (hvm && a->kind >= STAGE_HVM_ASSERT && where == cpu)
            return 1;
        /* an HVM chain with no kick or posted interrupt after its assert */
        if (hvm && !kicked && a->kind == STAGE_HVM_ASSERT && a->cpu == cpu)
            return 1;
    }
    return 0;
}

void on_lost(struct stitcher *s, const struct hv_rec *r, const struct roles *v,
             uint8_t stage)
{
    struct pcpu *pc = &s->pcpu[r->cpu];
    int32_t cpu = r->cpu;
    uint64_t from = v->arg_present && v->arg <= r->tsc ? v->arg : r->tsc;
    struct delivery *d, *next;

    (void)stage;
    s->cnt.gaps++;
    s->epoch++;
    if (r->tsc > s->last_gap_tsc)
        s->last_gap_tsc = r->tsc;
    pc->after_gap = 1;
    if (pc->cur && pc->cur_waits_mark &&
        (d = st_find_open(s, pc->cur->dom, pc->cur->vcpu)))
        st_close_delivery(s, d, 0, REASON_GAP);     /* its mark may be lost */
    if (pc->cur)
        st_cut(s, pc->cur, REASON_GAP);
    pc->cur = NULL;
    pc->cur_waits_mark = 0;
    pc->irq_valid = 0;
    if (pc->inj_valid && (d = st_find_open(s, pc->inj_dom, pc->inj_vcpu)))
        st_close_delivery(s, d, 0, REASON_GAP);
    pc->inj_valid = 0;
    for (d = s->open_head; d; d = next) {
        next = d->next;
        if (!d->left_open && d->open_cpu == cpu) {
            d->gap_before_kick = 1; /* the kick tells whether a wake is owed */
            d->lost_before_kick += v->code ? v->code : 1;
        } else if (waits_on(s, d, cpu)) {
            st_close_delivery(s, d, 0, REASON_GAP);
        } else if (d->hvm && d->open_cpu == cpu && !d->kicked && !d->posted &&
                   d->left_tsc >= from) {
            /*
             * Its injection came on the vCPU's side before this gap on the
             * opening pCPU was reported, and the gap began before it: the
             * kick or posted interrupt after its hvm_assert may be lost.
             */
            st_close_delivery(s, d, 0, REASON_GAP);
        } else if (!d->hvm && d->left_open) {
            /*
             * Its bounce may be lost in a gap on its vCPU's pCPU, and a gap
             * of two or more records (on any pCPU, before or after) can hide
             * the next upcall's set_pending and mark_pending (had only the
             * mark gone, its set_pending would show): then a later bounce
             * could be that one's.  Either alone leaves it whole.
             */
            if (d->target_cpu == cpu || d->target_cpu == NO_CPU)
                d->target_gap = 1;
            if (v->code >= 2)
                d->big_gap = 1;
            if (d->target_gap && d->big_gap)
                st_close_delivery(s, d, 0, REASON_GAP);
        }
    }
    /*
     * Finished chains held back: newest first, in the order their outcomes
     * were decided, so once one was decided before the gap began, the older
     * ones were too.
     */
    for (size_t i = s->nready; i-- > 0;) {
        struct chain *c = s->ready[s->ready_head + i];
        if (c->end_tsc < from)
            break;                      /* older ones ended earlier still */
        if (c->outcome == CHAIN_INCOMPLETE)
            c->reason = st_explained(s, c, c->reason);  /* this loss may explain it */
        else if (could_hide(c, cpu, from, r->tsc, v->code)) {
            c->outcome = CHAIN_INCOMPLETE;
            c->reason = REASON_GAP;
        }
    }
}
