/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stitch_gap.c - lost records.  Nothing is ever joined across a gap: a
 * TRC_LOST_RECORDS ends every open chain as incomplete, taints the finished
 * chains still in quarantine that were alive while records were lost, and
 * opens a new epoch, so that a later event which finds no open delivery
 * knows whether a gap may have hidden one.
 */
#include "stitch_int.h"

#include "vec.h"

static inline uint32_t vkey(int32_t dom, int32_t vcpu)
{
    return (uint32_t)dom << 16 | ((uint32_t)vcpu & 0xffff);
}

/* The epoch in which this vCPU's delivery state last changed (0: never). */
uint64_t st_known_epoch(struct stitcher *s, int32_t dom, int32_t vcpu)
{
    for (size_t i = 0; i < s->nknown; i++)
        if (s->known[i].key == vkey(dom, vcpu))
            return s->known[i].epoch;
    return 0;
}

void st_set_known(struct stitcher *s, int32_t dom, int32_t vcpu)
{
    void *n;

    for (size_t i = 0; i < s->nknown; i++) {
        if (s->known[i].key == vkey(dom, vcpu)) {
            s->known[i].epoch = s->epoch;
            return;
        }
    }
    n = hv_grow(s->known, &s->known_cap, s->nknown + 1, sizeof(*s->known));
    if (!n) {
        s->oom = 1;
        return;
    }
    s->known = n;
    s->known[s->nknown].key = vkey(dom, vcpu);
    s->known[s->nknown++].epoch = s->epoch;
}

/* Everything open ends here (lost records, end of trace). */
void st_cut_all(struct stitcher *s)
{
    for (unsigned p = 0; p < s->ncpus; p++) {
        struct pcpu *pc = &s->pcpu[p];
        if (pc->cur)
            st_finish(s, pc->cur, CHAIN_INCOMPLETE);
        pc->cur = NULL;
        pc->cur_waits_mark = 0;
        pc->irq_valid = 0;
        pc->entry = NULL;
    }
    while (s->nopen) {
        struct delivery *d = s->open[s->nopen - 1];
        st_close_delivery(s, d, d->delivered);
    }
}

/*
 * A gap on r's pCPU from first_tsc to r's TSC: chains in quarantine that
 * were alive in that interval may have lost a record.
 */
static void gap_taints(struct stitcher *s, const struct hv_rec *r, uint64_t from)
{
    for (size_t i = 0; i < s->nready; i++) {
        struct chain *c = s->ready[s->ready_head + i];
        if (c->nstages && c->stages[0].tsc <= r->tsc &&
            c->stages[c->nstages - 1].tsc >= from)
            c->outcome = CHAIN_INCOMPLETE;
    }
}

void on_lost(struct stitcher *s, const struct hv_rec *r, const struct roles *v,
             uint8_t stage)
{
    (void)stage;
    s->cnt.gaps++;
    s->epoch++;
    st_cut_all(s);
    s->pcpu[r->cpu].after_gap = 1;
    gap_taints(s, r, v->arg_present ? v->arg : r->tsc);
}
