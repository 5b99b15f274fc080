/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stitch.h - turn a TSC-ordered record stream into per-event chains.
 *
 * A chain is the story of one event-channel notification inside Xen:
 *
 *   source        irq + pirq_send | evtchn_send | virq_send | bind
 *   set_pending   the port op (2-level or FIFO) on the receiving port
 *   mark_pending  vcpu_mark_events_pending (or coalesced into an upcall
 *                 already pending)
 *   delivery      kick / hvm_assert (+ tasklet) / sched_wake + sched_switch
 *                 when the vCPU was not running / inject + vmentry (HVM) or
 *                 pv_bounce (PV)
 *   eoi           HVM: the guest's vLAPIC EOI of the injected vector, where
 *                 the hypervisor sees it (the chain waits for it until the
 *                 vCPU's next delivery opens)
 *
 * Source to mark_pending run on one pCPU in one call chain, so they are
 * joined per pCPU, checked by (dom, port).  From mark_pending on, the key is
 * (dom, vcpu): one open delivery per vCPU, which every chain coalesced into
 * it shares (fan-in, N:1).  A TRC_LOST_RECORDS anywhere ends every open
 * chain as incomplete: nothing is ever joined across a gap.
 *
 * Memory is bounded by the number of open chains, not by the trace.
 *
 * The model (sources, outcomes, stages, which record joins how) is the table
 * decoder/stages.def; the state machine is split along its seams:
 * stitch.c (setup, dispatch, the ready queue), stitch_source.c (source to
 * mark_pending, per pCPU), stitch_delivery.c (deliveries per vCPU),
 * stitch_gap.c (lost records and the quarantine).
 */
#ifndef HVPATH_STITCH_H
#define HVPATH_STITCH_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

#define CHAIN_MAX_STAGES 16

/* Sources, outcomes and stages, in report order (decoder/stages.def). */
enum chain_source {
#define HV_SOURCE(id, name, what) CHAIN_SRC_##id,
#include "stages.def"
    CHAIN_SRC_COUNT
};

enum chain_outcome {
#define HV_OUTCOME(id, name, what) CHAIN_##id,
#include "stages.def"
    CHAIN_OUTCOME_COUNT
};

enum chain_reason {
#define HV_REASON(id, name, what) REASON_##id,
#include "stages.def"
    REASON_COUNT
};

enum chain_via {
#define HV_VIA(id, name, what) VIA_##id,
#include "stages.def"
    VIA_COUNT
};

enum chain_stage_kind {
#define HV_STAGE(id, name, join, what) STAGE_##id,
#include "stages.def"
    STAGE_KIND_COUNT
};

/* How a stage finds its chain (the JOIN column of decoder/stages.def). */
enum chain_join {
    JOIN_SOURCE, JOIN_PCPU, JOIN_DELIVERY, JOIN_ENTRY, JOIN_EOI, JOIN_COUNT
};

struct chain_stage {
    uint64_t tsc;
    uint16_t cpu;
    uint8_t kind;                   /* enum chain_stage_kind */
};

struct chain {
    uint64_t id;                    /* 1, 2, ... in order of the chain's first record */
    uint64_t delivery;              /* id of the delivery it ended in (0: none) */
    uint64_t end_tsc;               /* when its outcome was decided (its last
                                       stage, or later: the record that closed it) */
    uint8_t source;                 /* enum chain_source */
    uint8_t outcome;                /* enum chain_outcome */
    uint8_t tracer;                 /* xentrace's own VIRQ_TBUF wake-up */
    uint8_t stock;                  /* built from stock records only */
    uint8_t suspect;                /* began right after a gap: maybe truncated */
    uint8_t reason;                 /* incomplete: enum chain_reason */
    uint8_t via;                    /* coalesced: enum chain_via */
    uint8_t fragile;                /* records were lost on its vCPU's pCPU while
                                       its delivery waited: a gap reported later
                                       can still cut it */
    int32_t dom, port, vcpu;        /* -1 where unknown */
    uint32_t virq, pirq;
    uint8_t nstages;
    struct chain_stage stages[CHAIN_MAX_STAGES];
};

struct stitch_counters {
    uint64_t chains[CHAIN_OUTCOME_COUNT];
    uint64_t reasons[REASON_COUNT]; /* incomplete chains by reason */
    uint64_t vias[VIA_COUNT];       /* coalesced chains by how they were delivered */
    uint64_t deliveries;            /* deliveries completed */
    uint64_t gaps;                  /* TRC_LOST_RECORDS seen */
    uint64_t unattached;            /* hot-path records no open chain wanted */
    /*
     * INTR_ASSIST is written at every VM entry, not once per event: the
     * first window and injection of each delivery, and the repeats.
     */
    uint64_t windows;               /* deliveries that waited for a window */
    uint64_t window_repeats;        /* INTR_ASSIST windows after a delivery's first */
    uint64_t injections;            /* deliveries injected (or RVI) at VM entry */
    uint64_t reinjections;          /* INTR_ASSIST injections after a delivery's first */
    uint64_t posted_by_cpu;         /* deliveries the CPU completed (posted, NOTIFY) */
    uint64_t silent_pcpus;          /* times a silent pCPU stopped holding chains back */
    /*
     * TRC_SCHED_SWITCH records read.  Where the trace's event mask left
     * TRC_SCHED out there are none: a kicked vCPU that was not running
     * gets no wake or switch stage, and a missing switch is not taken for
     * silent loss.
     */
    uint64_t sched_switches;
    /*
     * TRC_HVM_VMENTRY records read.  While there are none an HVM delivery
     * is delivered at its injection (the last stage before VM entry).
     */
    uint64_t vmentries;
};

/* A chain counts as suspected silent loss if incomplete for one of these. */
int chain_reason_is_silent_loss(unsigned reason);

struct stitch_options {
    int stock;                      /* no hv-probes records: build delivery-only
                                       chains from TRC_HVM_INJ_VIRQ + VMENTRY */
    /*
     * Memory bounds (0: the defaults below).  A finished chain waits until
     * every pCPU's stream is past its last stage, because a pCPU reports
     * lost records only when it writes again; a pCPU that has written
     * nothing for silent_cycles of TSC stops holding chains back, and past
     * max_held waiting chains the oldest is released as incomplete.  A
     * delivery keeps at most max_riders coalesced chains; more are released
     * as incomplete.
     */
    uint64_t silent_cycles;         /* default: none (a pCPU never goes silent) */
    uint32_t max_held;              /* default STITCH_MAX_HELD */
    uint32_t max_riders;            /* default STITCH_MAX_RIDERS */
};

#define STITCH_MAX_HELD 65536
#define STITCH_MAX_RIDERS 4096

struct stitcher;

struct stitcher *stitch_new(const struct stitch_options *opt);
void stitch_free(struct stitcher *s);

/* Feed the next record (TSC order).  0, or -1 out of memory. */
int stitch_feed(struct stitcher *s, const struct hv_rec *r);

/* End of the trace: every open chain becomes incomplete. */
int stitch_finish(struct stitcher *s);

/*
 * Next finished chain into *out: 1, or 0 if none is ready.  A chain is
 * ready once every pCPU's stream has passed its last stage (a gap could
 * still turn it incomplete before that); after stitch_finish, all are.
 */
int stitch_pop(struct stitcher *s, struct chain *out);

const struct stitch_counters *stitch_counters(const struct stitcher *s);

/* Names ("?" out of range) and one-line descriptions (NULL out of range). */
const char *chain_source_name(unsigned source);
const char *chain_outcome_name(unsigned outcome);
const char *chain_stage_name(unsigned kind);
const char *chain_reason_name(unsigned reason);
const char *chain_via_name(unsigned via);
const char *chain_source_what(unsigned source);
const char *chain_outcome_what(unsigned outcome);
const char *chain_reason_what(unsigned reason);
const char *chain_via_what(unsigned via);
const char *chain_stage_what(unsigned kind);
enum chain_join chain_stage_join(unsigned kind);
const char *chain_join_name(enum chain_join join);

/*
 * The records the stitcher reads, in the order of decoder/stages.def: the
 * i-th one's event name and the stage it makes (STAGE_KIND_COUNT: none);
 * 0 past the end.
 */
int chain_record_at(unsigned i, const char **event, unsigned *stage);

/* Parse a name back (for --source filters): the enum value or -1. */
int chain_source_parse(const char *name);

#endif /* HVPATH_STITCH_H */
