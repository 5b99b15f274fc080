/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stitch_int.h - what the parts of the stitcher share; not an interface
 * (stitch.h is).  The parts:
 *
 *   stitch.c           setup, the record dispatch table, chains and the
 *                      ready queue, stitch_pop
 *   stitch_source.c    per pCPU: source, set_pending, mark_pending
 *   stitch_delivery.c  per vCPU: the open delivery and its stages
 *   stitch_gap.c       lost records: cutting open chains, the quarantine,
 *                      which vCPUs a gap may have hidden
 */
#ifndef HVPATH_STITCH_INT_H
#define HVPATH_STITCH_INT_H

#include <stdint.h>

#include "stitch.h"

#define NO_STAGE STAGE_KIND_COUNT   /* HV_ON of a record that makes no stage */

/* What a record's fields say, by role (the "roles" of its HV_ON entry). */
struct roles {
    int32_t dom, vcpu, port;        /* 0 where the record has no such field */
    uint32_t code;                  /* outcome, type, branch, coalesced */
    uint64_t arg;                   /* pirq, virq, vector, first_tsc */
    uint8_t arg_present;            /* the record is long enough for arg */
};

struct stitcher;
typedef void stitch_handler(struct stitcher *s, const struct hv_rec *r,
                            const struct roles *v, uint8_t stage);

#define HV_ON(record, handler, stage, roles) stitch_handler handler;
#include "stages.def"

struct delivery {
    uint64_t id;
    uint8_t delivered;              /* HVM: injected and entered; waits for the EOI */
    uint32_t vector;                /* the vector injected for it */
    uint8_t after_gap;              /* opened with no event, just after a gap */
    int32_t dom, vcpu;
    uint8_t nstages;
    struct chain_stage stages[CHAIN_MAX_STAGES];
    struct chain **chains;
    size_t nchains, cap;
};

/* Per pCPU. */
struct pcpu {
    uint8_t after_gap;              /* lost records here, no source record since */
    struct chain *cur;              /* between source and mark_pending */
    uint8_t cur_waits_mark;         /* set_pending done, mark_pending next */
    uint8_t irq_valid;              /* an IRQ_GUEST just before */
    uint64_t irq_tsc;
    struct delivery *entry;         /* injected here, VMENTRY completes it */
    int32_t run_dom, run_vcpu;      /* from TRC_SCHED_SWITCH (stock mode) */
};

/* One HV_ON entry of decoder/stages.def, resolved against the event table. */
struct role_field {
    uint8_t word;                   /* payload word, ROLE_UNMAPPED: none */
    uint8_t wide;                   /* a two-word (:q) field */
};

#define ROLE_UNMAPPED 0xff          /* never below a record's nextra */

enum { ROLE_DOM, ROLE_VCPU, ROLE_PORT, ROLE_CODE, ROLE_ARG, ROLE_COUNT };

struct on_entry {
    uint32_t event;
    stitch_handler *fn;
    uint8_t stage;
    struct role_field role[ROLE_COUNT];
};

#define NSTOCK_ON 8                 /* HV_ON entries outside TRC_HVPATH, at most */

struct stitcher {
    struct stitch_options opt;
    struct stitch_counters cnt;

    /* dispatch: TRC_HVPATH | n through hvp_on[n] (index + 1), others by scan */
    struct on_entry *on;
    uint8_t hvp_on[0x1000];
    uint32_t stock_ev[NSTOCK_ON];   /* ... and their HV_ON entries */
    struct on_entry *stock_on[NSTOCK_ON];
    unsigned nstock_on;

    struct pcpu *pcpu;              /* XT_MAX_CPUS */
    struct delivery **open;         /* open deliveries (few: one per busy vCPU) */
    size_t nopen, open_cap;

    struct chain **ready;           /* finished, in order */
    size_t ready_head, nready, ready_cap;

    /*
     * Gaps.  epoch counts TRC_LOST_RECORDS; known[] remembers, per vCPU, the
     * epoch in which its delivery state was last seen to change, so an
     * event that finds no open delivery knows whether a gap may have hidden
     * one.  last_tsc[] is how far each pCPU's stream has come: a finished
     * chain stays in quarantine until every pCPU is past its last stage,
     * because a gap on pCPU p is reported only when p writes again (its
     * TRC_LOST_RECORDS carries the TSC the loss began at).
     */
    uint64_t epoch;
    struct { uint32_t key; uint64_t epoch; } *known;
    size_t nknown, known_cap;
    uint64_t *last_tsc;
    unsigned ncpus;
    int finishing;

    uint64_t next_chain_id, next_delivery_id;
    struct chain **spare;           /* freed chains, reused (one per event otherwise) */
    size_t nspare, spare_cap;
    int oom;
};

/* stitch.c: chains */
struct chain *st_chain_new(struct stitcher *s, uint8_t source);
void st_finish(struct stitcher *s, struct chain *c, uint8_t outcome);

/* Append stage kind at r's TSC and pCPU to st[] (n of them so far). */
static inline void st_add_stage(struct chain_stage *st, uint8_t *n,
                                const struct hv_rec *r, uint8_t kind)
{
    if (*n >= CHAIN_MAX_STAGES)
        return;                     /* more stages than any real path has */
    st[*n].tsc = r->tsc;
    st[*n].cpu = r->cpu;
    st[*n].kind = kind;
    (*n)++;
}

/* stitch_delivery.c */
struct delivery *st_find_open(struct stitcher *s, int32_t dom, int32_t vcpu,
                              size_t *index);
struct delivery *st_open_delivery(struct stitcher *s, int32_t dom, int32_t vcpu);
int st_attach(struct stitcher *s, struct delivery *d, struct chain *c);
void st_close_delivery(struct stitcher *s, struct delivery *d, int delivered);
void st_coalesce(struct stitcher *s, struct chain *c);
void st_delivery_free(struct delivery *d);

/* stitch_gap.c */
uint64_t st_known_epoch(struct stitcher *s, int32_t dom, int32_t vcpu);
void st_set_known(struct stitcher *s, int32_t dom, int32_t vcpu);
void st_cut_all(struct stitcher *s);

/*
 * Must finished chain c still wait?  Until every pCPU's stream is past its
 * last stage: a gap on a pCPU is reported only when that pCPU writes again
 * (its TRC_LOST_RECORDS carries the TSC the loss began at).
 */
static inline int st_quarantined(const struct stitcher *s, const struct chain *c)
{
    uint64_t end;

    if (s->finishing || !c->nstages)
        return 0;
    end = c->stages[c->nstages - 1].tsc;
    for (unsigned p = 0; p < s->ncpus; p++)
        if (s->last_tsc[p] && s->last_tsc[p] <= end)
            return 1;
    return 0;
}

#endif /* HVPATH_STITCH_INT_H */
