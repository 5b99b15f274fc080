/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stitch_gap.c - lost records.  Nothing is ever joined across a gap.
 *
 * A TRC_LOST_RECORDS on pCPU p says records of p were lost from first_tsc
 * until it was written.  It cuts (incomplete, REASON_GAP) what could have
 * had a stage on p in that interval, and only that:
 *   - the chain under construction on p, p's pending IRQ_GUEST, the
 *     injection p made for a VM entry, the kick p owes a mark_pending;
 *   - the open deliveries whose next stage could come on p: those opened on
 *     p that have not been kicked yet, and those whose vCPU runs on p, or
 *     may (not known where);
 *   - finished chains still held back (the quarantine) with a stage on p
 *     in the interval.
 * Chains whose stages are all on other pCPUs go on: a long chain is no
 * likelier to be cut than a short one unless it waits on p.  A new epoch
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
        st_close_delivery(s, d, d->delivered, reason);
    }
}

/* Could open delivery d have had a stage on pCPU cpu just now? */
static int waits_on(const struct stitcher *s, const struct delivery *d, int32_t cpu)
{
    const struct vstate *v = &s->vs[d->vidx];

    if (!d->left_open)
        return d->open_cpu == cpu;
    if (d->target_cpu != NO_CPU)
        return d->target_cpu == cpu;
    return v->cpu == cpu || v->cpu == NO_CPU;   /* not running: any pCPU */
}

/*
 * Could chain c have lost a stage on cpu in [from, to]?  If one of its
 * stages is there and it was alive then; a chain a running handler consumed
 * is an inference from the records not seen, so any gap while it was alive.
 */
static int has_stage_on(const struct chain *c, int32_t cpu, uint64_t from, uint64_t to)
{
    if (!c->nstages || c->stages[0].tsc > to || c->end_tsc < from)
        return 0;
    if (c->via == VIA_HANDLER)
        return 1;
    for (unsigned i = 0; i < c->nstages; i++)
        if (c->stages[i].cpu == cpu)
            return 1;
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
    pc->after_gap = 1;
    if (pc->cur)
        st_cut(s, pc->cur, REASON_GAP);
    pc->cur = NULL;
    pc->cur_waits_mark = 0;
    pc->irq_valid = 0;
    if (pc->inj_valid && (d = st_find_open(s, pc->inj_dom, pc->inj_vcpu)))
        st_close_delivery(s, d, 0, REASON_GAP);
    pc->inj_valid = 0;
    if (pc->expect_kick && (d = st_find_open(s, pc->expect_dom, pc->expect_vcpu)))
        st_close_delivery(s, d, 0, REASON_GAP);
    pc->expect_kick = 0;
    for (d = s->open_head; d; d = next) {
        next = d->next;
        if (waits_on(s, d, cpu))
            st_close_delivery(s, d, 0, REASON_GAP);
    }
    /*
     * Finished chains held back: newest first, in the order their outcomes
     * were decided, so once one was decided before the gap began, the older
     * ones were too.
     */
    for (size_t i = s->nready; i-- > 0;) {
        struct chain *c = s->ready[s->ready_head + i];
        if (c->outcome == CHAIN_INCOMPLETE)
            continue;
        if (has_stage_on(c, cpu, from, r->tsc)) {
            c->outcome = CHAIN_INCOMPLETE;
            c->reason = REASON_GAP;
        } else if (c->end_tsc < from) {
            break;                      /* older ones ended earlier still */
        }
    }
}
