/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stitch_int.h - what the parts of the stitcher share; not an interface
 * (stitch.h is).  The parts:
 *
 *   stitch.c           setup, the record dispatch table, chains, the ready
 *                      queue and its quarantine, stitch_pop
 *   stitch_source.c    per pCPU: source, set_pending, mark_pending
 *   stitch_delivery.c  per vCPU: the open delivery and its stages
 *   stitch_vcpu.c      the per-vCPU state (a hash map) and the open list
 *   stitch_gap.c       lost records: what a gap on a pCPU cuts
 *
 * Work per record is O(1) expected: vCPU states are found through a hash
 * map, the open deliveries are a list, per-pCPU work covers only the pCPUs
 * that wrote (active[]).
 */
#ifndef HVPATH_STITCH_INT_H
#define HVPATH_STITCH_INT_H

#include <stdint.h>

#include "stitch.h"
#include "u32map.h"
#include "xt_reader.h"

#define NO_STAGE STAGE_KIND_COUNT   /* HV_ON of a record that makes no stage */
#define NO_CPU (-1)
#define RS_UNKNOWN 0xff

/* What a record's fields say, by role (the "roles" of its HV_ON entry). */
struct roles {
    int32_t dom, vcpu, port;        /* 0 where the record has no such field */
    uint32_t code;                  /* outcome, type, branch, coalesced, was_running */
    uint64_t arg;                   /* pirq, virq, vector, first_tsc, target_pcpu */
    uint8_t arg_present;            /* the record is long enough for arg */
};

struct stitcher;
typedef void stitch_handler(struct stitcher *s, const struct hv_rec *r,
                            const struct roles *v, uint8_t stage);

#define HV_ON(record, handler, stage, roles) stitch_handler handler;
#include "stages.def"

struct delivery {
    uint64_t id;
    struct delivery *prev, *next;   /* the open list */
    uint32_t vidx;                  /* its vCPU's state */
    int32_t dom, vcpu;
    uint64_t open_tsc;              /* the mark_pending (or first record) that opened it */
    int32_t open_cpu;               /* where it opened: its kick comes there */
    int32_t target_cpu;             /* where its vCPU runs, NO_CPU unknown */
    uint8_t delivered;              /* HVM: injected and entered; waits for the EOI */
    uint8_t after_gap;              /* opened with no event, just after a gap */
    uint8_t kicked, woken, hvm;     /* kick / sched_wake seen; an HVM_ASSERT seen */
    uint8_t was_running;            /* its kick found the vCPU running */
    uint8_t left_open;              /* the opening pCPU's part is done (kick, assert) */
    uint8_t switched;               /* its vCPU was switched in while it was open */
    uint8_t rs_at_open;             /* its vCPU's runstate when it opened */
    uint8_t rs_woken;               /* a runstate blocked -> runnable since */
    uint8_t preempted;              /* its running vCPU was descheduled since */
    uint8_t gap_before_kick;        /* lost records on the opening pCPU before the kick */
    uint8_t deferred;               /* HVM: its assert went to the tasklet ... */
    uint8_t tasklet_ran;            /* ... which ran; an hvm_assert must follow */
    uint32_t lost_before_kick;      /* ... how many */
    uint8_t target_gap;             /* lost records on its vCPU's pCPU while it waited */
    uint8_t big_gap;                /* a gap of two or more records while it waited */
    uint8_t windowed, injected;     /* first intr_window / inject seen */
    uint8_t posted;                 /* its posted interrupt seen (VMX) */
    uint64_t left_tsc;              /* HVM: when a stage on its vCPU's side first came */
    uint8_t suspect;                /* enum chain_reason: silent loss found */
    uint32_t vector;                /* the vector injected for it */
    uint32_t want_vector;           /* the vector hvm_assert raised (0 unknown) */
    uint8_t nstages;
    struct chain_stage stages[CHAIN_MAX_STAGES];
    struct chain **chains;
    size_t nchains, cap;
};

/* Per vCPU (dom, vcpu), found through stitcher.vmap. */
struct vstate {
    uint32_t key;
    int32_t dom, vcpu;
    struct delivery *open;          /* its open delivery, or NULL */
    uint64_t epoch;                 /* the epoch its delivery state last changed in */
    uint64_t last_delivered;        /* id of its last delivered delivery */
    uint32_t last_vector;           /* the vector that delivery was delivered with */
    uint64_t ran_tsc;               /* last time it was seen running guest code */
    int32_t cpu;                    /* pCPU it runs on now, NO_CPU none */
    int32_t last_cpu;               /* pCPU it last ran on, NO_CPU unknown */
    uint8_t runstate;               /* RUNSTATE_* from the runstate records, RS_UNKNOWN */
    uint8_t sched_known;            /* a SCHED_SWITCH has named it */
    uint8_t hvm;                    /* an HVM (or PVH) vCPU: hvm_assert seen */
};

/* Per pCPU. */
struct pcpu {
    uint8_t active;                 /* has written: in stitcher.active[] */
    uint8_t after_gap;              /* lost records here, no source record since */
    struct chain *cur;              /* between source and mark_pending */
    uint8_t cur_waits_mark;         /* set_pending done, mark_pending next */
    uint8_t irq_valid;              /* an IRQ_GUEST just before */
    uint64_t irq_tsc;
    /* an injection made here that the next VM entry completes */
    uint8_t inj_valid;
    int32_t inj_dom, inj_vcpu;
    uint32_t inj_vector;
    /* an uncoalesced mark_pending here whose kick (or hvm_assert) is next */
    uint64_t expect_kick;           /* the delivery's id, 0 none */
    int32_t expect_dom, expect_vcpu;
    uint8_t kick_expected;          /* the record being handled is that kick */
    int32_t run_dom, run_vcpu;      /* from TRC_SCHED_SWITCH */
    uint64_t last_tsc;              /* how far its stream has come */
};

/* One HV_ON entry of decoder/stages.def, resolved against the event table. */
struct role_field {
    uint8_t word;                   /* payload word, ROLE_UNMAPPED: none */
    uint8_t kind;                   /* RF_*: how the value sits there */
    uint8_t shift, width;           /* RF_ID: bits of the event id */
};

#define ROLE_UNMAPPED 0xff          /* never below a record's nextra */
enum { RF_WORD, RF_WIDE, RF_LO16, RF_HI16, RF_ID };

enum { ROLE_DOM, ROLE_VCPU, ROLE_PORT, ROLE_CODE, ROLE_ARG, ROLE_COUNT };

struct on_entry {
    uint32_t event, mask;           /* records with (id & mask) == event */
    stitch_handler *fn;
    uint8_t stage;
    struct role_field role[ROLE_COUNT];
};

#define NSTOCK_ON 12                /* HV_ON entries outside TRC_HVPATH, at most */
#define MAX_VSTATES (1u << 20)      /* vCPU states kept before idle ones are dropped */

struct stitcher {
    struct stitch_options opt;
    struct stitch_counters cnt;

    /* dispatch: TRC_HVPATH | n through hvp_on[n] (index + 1), others by scan */
    struct on_entry *on;
    uint8_t hvp_on[0x1000];
    uint32_t stock_ev[NSTOCK_ON];   /* ... (id & stock_mask) == stock_ev */
    uint32_t stock_mask[NSTOCK_ON];
    struct on_entry *stock_on[NSTOCK_ON];
    unsigned nstock_on;

    struct pcpu *pcpu;              /* XT_MAX_CPUS, indexed by pCPU */
    uint16_t *active;               /* the pCPUs that have written */
    unsigned nactive;

    struct vstate *vs;              /* per-vCPU states, through vmap */
    size_t nvs, vs_cap;
    struct u32map vmap;

    struct delivery *open_head;     /* the open deliveries */
    size_t nopen;

    struct chain **ready;           /* finished, in order (the quarantine) */
    size_t ready_head, nready, ready_cap;

    /*
     * The quarantine: a finished chain waits until every pCPU's stream is
     * past its last stage (a pCPU reports lost records only when it writes
     * again).  wm is the lowest last_tsc of the pCPUs that are not silent,
     * wm_cpu the pCPU holding it; recomputed when that pCPU moves on.
     */
    uint64_t wm, now;
    int32_t wm_cpu;
    uint8_t wm_stale;
    int finishing;

    uint8_t sched_traced;           /* a TRC_SCHED_VERBOSE record seen: switches are traced */
    uint64_t epoch;                 /* TRC_LOST_RECORDS seen so far */
    uint64_t last_gap_tsc;          /* TSC of the latest TRC_LOST_RECORDS (0: none) */
    uint64_t next_chain_id, next_delivery_id;
    struct chain **spare;           /* freed chains, reused (one per event otherwise) */
    size_t nspare, spare_cap;
    int oom;
};

/*
 * Is d delivered?  Where the trace has no VM entry at all (an event mask
 * without TRC_HVM), an HVM delivery's injection, written on the way into VM
 * entry, is the last stage there is: then the guest's EOI, its vCPU's next
 * upcall or the end of the trace finds it delivered.
 */
static inline int st_delivered(const struct stitcher *s, const struct delivery *d)
{
    return d->delivered || (d->injected && !s->cnt.vmentries);
}

/* stitch.c: chains */
struct chain *st_chain_new(struct stitcher *s, uint8_t source);
void st_finish(struct stitcher *s, struct chain *c, uint8_t outcome);
/* finish c as incomplete for reason (a reason it has already stays) */
void st_cut(struct stitcher *s, struct chain *c, uint8_t reason);
/* reason, or REASON_GAP where it is silent loss but a reported loss came after c began */
uint8_t st_explained(const struct stitcher *s, const struct chain *c, uint8_t reason);

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

/* stitch_vcpu.c */
struct vstate *st_vcpu(struct stitcher *s, int32_t dom, int32_t vcpu);   /* creates */
struct vstate *st_vcpu_find(const struct stitcher *s, int32_t dom, int32_t vcpu);
struct delivery *st_find_open(const struct stitcher *s, int32_t dom, int32_t vcpu);
void st_open_link(struct stitcher *s, struct delivery *d);
void st_open_unlink(struct stitcher *s, struct delivery *d);
/*
 * Did the guest run on d's vCPU since d opened (so it can have cleared its
 * evtchn_upcall_pending)?  Only on evidence: running at d's kick, running
 * now, or seen running since.
 */
int st_guest_ran_since(const struct stitcher *s, const struct vstate *v,
                       const struct delivery *d);
void st_vcpu_free(struct stitcher *s);

/* stitch_delivery.c */
struct delivery *st_open_delivery(struct stitcher *s, const struct hv_rec *r,
                                  int32_t dom, int32_t vcpu);
int st_attach(struct stitcher *s, struct delivery *d, struct chain *c);
/* close d: delivered, or its chains end incomplete for reason */
void st_close_delivery(struct stitcher *s, struct delivery *d, int delivered,
                       uint8_t reason);
/* the guest's running handler consumed d's events (see VIA_HANDLER) */
void st_close_consumed(struct stitcher *s, struct delivery *d);
void st_coalesce(struct stitcher *s, struct chain *c);
void st_delivery_free(struct delivery *d);

/* stitch_gap.c */
void st_cut_all(struct stitcher *s, uint8_t reason);

#endif /* HVPATH_STITCH_INT_H */
