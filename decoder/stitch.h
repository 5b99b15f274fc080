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
 */
#ifndef HVPATH_STITCH_H
#define HVPATH_STITCH_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

#define CHAIN_MAX_STAGES 16

enum chain_source {
    CHAIN_SRC_UNKNOWN,
    CHAIN_SRC_PIRQ,
    CHAIN_SRC_INTERDOMAIN,
    CHAIN_SRC_IPI,
    CHAIN_SRC_VIRQ,
    CHAIN_SRC_BIND,                 /* Xen's own set_pending on a fresh binding */
    CHAIN_SRC_COUNT
};

enum chain_outcome {
    CHAIN_COMPLETE,                 /* delivered, this chain opened the delivery */
    CHAIN_COALESCED,                /* rode on a delivery (or pending bit) already open */
    CHAIN_MASKED,                   /* port masked: delivered at unmask, not traced */
    CHAIN_DROPPED,                  /* lost inside Xen (trylock failure, no port) */
    CHAIN_INCOMPLETE,               /* cut by lost records or the end of the trace */
    CHAIN_ORPHAN,                   /* a delivery no traced event explains */
    CHAIN_OUTCOME_COUNT
};

enum chain_stage_kind {
    STAGE_IRQ,
    STAGE_PIRQ_SEND,
    STAGE_EVTCHN_SEND,
    STAGE_VIRQ_SEND,
    STAGE_BIND,
    STAGE_SET_PENDING,
    STAGE_MARK_PENDING,
    STAGE_KICK,
    STAGE_HVM_ASSERT,
    STAGE_ASSERT_TASKLET,
    STAGE_SCHED_WAKE,
    STAGE_SCHED_SWITCH,
    STAGE_INTR_WINDOW,
    STAGE_INJECT,
    STAGE_INJ_VIRQ,                 /* stock TRC_HVM_INJ_VIRQ (no TSC of its own) */
    STAGE_VMENTRY,
    STAGE_PV_BOUNCE,
    STAGE_EOI,                      /* the guest's vLAPIC EOI of the injected vector */
    STAGE_KIND_COUNT
};

struct chain_stage {
    uint64_t tsc;
    uint16_t cpu;
    uint8_t kind;                   /* enum chain_stage_kind */
};

struct chain {
    uint64_t id;                    /* 1, 2, ... in order of the chain's first record */
    uint64_t delivery;              /* id of the delivery it ended in (0: none) */
    uint8_t source;                 /* enum chain_source */
    uint8_t outcome;                /* enum chain_outcome */
    uint8_t tracer;                 /* xentrace's own VIRQ_TBUF wake-up */
    uint8_t stock;                  /* built from stock records only */
    uint8_t suspect;                /* began right after a gap: maybe truncated */
    int32_t dom, port, vcpu;        /* -1 where unknown */
    uint32_t virq, pirq;
    uint8_t nstages;
    struct chain_stage stages[CHAIN_MAX_STAGES];
};

struct stitch_counters {
    uint64_t chains[CHAIN_OUTCOME_COUNT];
    uint64_t deliveries;            /* deliveries completed */
    uint64_t gaps;                  /* TRC_LOST_RECORDS seen */
    uint64_t unattached;            /* hot-path records no open chain wanted */
};

struct stitch_options {
    int stock;                      /* no hv-probes records: build delivery-only
                                       chains from TRC_HVM_INJ_VIRQ + VMENTRY */
};

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

const char *chain_source_name(unsigned source);
const char *chain_outcome_name(unsigned outcome);
const char *chain_stage_name(unsigned kind);

/* Parse a name back (for --source filters): the enum value or -1. */
int chain_source_parse(const char *name);

#endif /* HVPATH_STITCH_H */
