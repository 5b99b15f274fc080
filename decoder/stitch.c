/*
 * stitch.c - the chain state machine.
 *
 * Per pCPU: the chain under construction between its source record and
 * mark_pending (they run back to back in one call chain on that pCPU).
 * Per vCPU: the open delivery, with the chains it will deliver.  Finished
 * chains wait in a queue for stitch_pop.
 */
#include "stitch.h"

#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "xt_reader.h"

#define VIRQ_TBUF 4                 /* xen/xen.h: xentrace's own wake-up */

/* set_pending outcome bits (hvpath_events.def) */
#define SP_NEW 1
#define SP_MASKED 2
#define SP_UPCALL 4
#define SP_LOST 16                  /* FIFO: retries exhausted, event lost */
#define SP_NOT_QUEUED 32            /* FIFO: no event word / control block */

/* INTR_ASSIST outcome */
#define IA_INJECTED 1
#define IA_RVI 2
#define IA_WINDOW 3

/* What a record is to the stitcher. */
enum handler {
    H_NONE,
    H_IRQ_GUEST, H_PIRQ_SEND, H_EVTCHN_SEND, H_BIND, H_VIRQ_SEND,
    H_SET_PENDING, H_MARK_PENDING, H_KICK, H_HVM_ASSERT, H_TASKLET,
    H_INTR_ASSIST, H_PV_BOUNCE, H_EOI,
    H_SCHED_WAKE, H_SCHED_SWITCH, H_INJ_VIRQ, H_VMENTRY, H_LOST,
};

/* Payload words the stitcher reads, resolved by name from the .def files. */
struct words {
    int irq;
    int pirq_dom, pirq_pirq, pirq_port, pirq_outcome;
    int send_sdom, send_sport, send_rdom, send_rport, send_type;
    int bind_dom, bind_port;
    int virq_dom, virq_vcpu, virq_virq, virq_port, virq_outcome;
    int sp_dom, sp_port, sp_vcpu, sp_outcome;          /* same in 2L and FIFO */
    int mark_dom, mark_vcpu, mark_coalesced;
    int kick_dom, kick_vcpu;
    int assert_dom, assert_vcpu;
    int tasklet_dom, tasklet_vcpu;
    int ia_dom, ia_vcpu, ia_vector, ia_outcome;
    int eoi_dom, eoi_vcpu, eoi_vector;
    int bounce_dom, bounce_vcpu;
    int wake_dom, wake_vcpu, switch_dom, switch_vcpu;
};

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

struct stitcher {
    struct stitch_options opt;
    struct stitch_counters cnt;
    struct words w;
    uint8_t hvp_handler[0x1000];    /* TRC_HVPATH | n -> enum handler */
    uint32_t ev_wake, ev_switch, ev_inj_virq, ev_vmentry;

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
    int w_lost_first;

    uint64_t next_chain_id, next_delivery_id;
    struct chain **spare;           /* freed chains, reused (one per event otherwise) */
    size_t nspare, spare_cap;
    int oom;
};

/* ---- names ------------------------------------------------------------ */

static const char *const source_names[CHAIN_SRC_COUNT] = {
    "unknown", "pirq", "interdomain", "ipi", "virq", "bind",
};
static const char *const outcome_names[CHAIN_OUTCOME_COUNT] = {
    "complete", "coalesced", "masked", "dropped", "incomplete", "orphan",
};
static const char *const stage_names[STAGE_KIND_COUNT] = {
    "irq", "pirq_send", "evtchn_send", "virq_send", "bind", "set_pending",
    "mark_pending", "kick", "hvm_assert", "assert_tasklet", "sched_wake",
    "sched_switch", "intr_window", "inject", "inj_virq", "vmentry", "pv_bounce",
    "eoi",
};

const char *chain_source_name(unsigned s)
{
    return s < CHAIN_SRC_COUNT ? source_names[s] : "?";
}

const char *chain_outcome_name(unsigned o)
{
    return o < CHAIN_OUTCOME_COUNT ? outcome_names[o] : "?";
}

const char *chain_stage_name(unsigned k)
{
    return k < STAGE_KIND_COUNT ? stage_names[k] : "?";
}

int chain_source_parse(const char *name)
{
    for (int i = 0; i < CHAIN_SRC_COUNT; i++)
        if (!strcmp(name, source_names[i]))
            return i;
    return -1;
}

/* ---- setup ------------------------------------------------------------ */

static int word(const char *event, const char *field, int *ok)
{
    int w = hv_field_word(event, field);
    if (w < 0)
        *ok = 0;
    return w;
}

static int resolve_words(struct words *w)
{
    int ok = 1;

#define W(dst, ev, f) (w->dst = word("TRC_HVPATH_" ev, f, &ok))
    W(irq, "IRQ_GUEST", "irq");
    W(pirq_dom, "PIRQ_SEND", "dom");
    W(pirq_pirq, "PIRQ_SEND", "pirq");
    W(pirq_port, "PIRQ_SEND", "port");
    W(pirq_outcome, "PIRQ_SEND", "outcome");
    W(send_sdom, "EVTCHN_SEND", "sdom");
    W(send_sport, "EVTCHN_SEND", "sport");
    W(send_rdom, "EVTCHN_SEND", "rdom");
    W(send_rport, "EVTCHN_SEND", "rport");
    W(send_type, "EVTCHN_SEND", "type");
    W(bind_dom, "BIND_PENDING", "ldom");
    W(bind_port, "BIND_PENDING", "lport");
    W(virq_dom, "VIRQ_SEND", "dom");
    W(virq_vcpu, "VIRQ_SEND", "vcpu");
    W(virq_virq, "VIRQ_SEND", "virq");
    W(virq_port, "VIRQ_SEND", "port");
    W(virq_outcome, "VIRQ_SEND", "outcome");
    W(sp_dom, "SET_PENDING_2L", "dom");
    W(sp_port, "SET_PENDING_2L", "port");
    W(sp_vcpu, "SET_PENDING_2L", "vcpu");
    W(sp_outcome, "SET_PENDING_2L", "outcome");
    W(mark_dom, "MARK_PENDING", "dom");
    W(mark_vcpu, "MARK_PENDING", "vcpu");
    W(mark_coalesced, "MARK_PENDING", "coalesced");
    W(kick_dom, "VCPU_KICK", "dom");
    W(kick_vcpu, "VCPU_KICK", "vcpu");
    W(assert_dom, "HVM_ASSERT", "dom");
    W(assert_vcpu, "HVM_ASSERT", "vcpu");
    W(tasklet_dom, "HVM_ASSERT_TASKLET", "dom");
    W(tasklet_vcpu, "HVM_ASSERT_TASKLET", "vcpu");
    W(ia_dom, "INTR_ASSIST", "dom");
    W(ia_vcpu, "INTR_ASSIST", "vcpu");
    W(ia_outcome, "INTR_ASSIST", "outcome");
    W(ia_vector, "INTR_ASSIST", "vector");
    W(eoi_dom, "VLAPIC_EOI", "dom");
    W(eoi_vcpu, "VLAPIC_EOI", "vcpu");
    W(eoi_vector, "VLAPIC_EOI", "vector");
    W(bounce_dom, "PV_BOUNCE", "dom");
    W(bounce_vcpu, "PV_BOUNCE", "vcpu");
#undef W
    w->wake_dom = word("TRC_SCHED_WAKE", "dom", &ok);
    w->wake_vcpu = word("TRC_SCHED_WAKE", "vcpu", &ok);
    w->switch_dom = word("TRC_SCHED_SWITCH", "next_dom", &ok);
    w->switch_vcpu = word("TRC_SCHED_SWITCH", "next_vcpu", &ok);
    /* FIFO must lay out its fields like 2L: one handler serves both */
    ok &= hv_field_word("TRC_HVPATH_SET_PENDING_FIFO", "dom") == w->sp_dom &&
          hv_field_word("TRC_HVPATH_SET_PENDING_FIFO", "port") == w->sp_port &&
          hv_field_word("TRC_HVPATH_SET_PENDING_FIFO", "vcpu") == w->sp_vcpu &&
          hv_field_word("TRC_HVPATH_SET_PENDING_FIFO", "outcome") == w->sp_outcome;
    return ok ? 0 : -1;
}

static uint32_t id_of(const char *name)
{
    const struct hv_event_info *e = hv_event_by_name(name);
    return e ? e->id : 0xffffffffu;
}

static void map_handler(struct stitcher *s, const char *name, enum handler h)
{
    uint32_t id = id_of(name);
    if ((id & 0xfffff000u) == HV_TRC_HVPATH)
        s->hvp_handler[id & 0xfff] = (uint8_t)h;
}

struct stitcher *stitch_new(const struct stitch_options *opt)
{
    struct stitcher *s = calloc(1, sizeof(*s));

    if (!s)
        return NULL;
    s->opt = *opt;
    s->pcpu = calloc(XT_MAX_CPUS, sizeof(*s->pcpu));
    s->last_tsc = calloc(XT_MAX_CPUS, sizeof(*s->last_tsc));
    s->w_lost_first = hv_field_word("TRC_LOST_RECORDS", "first_tsc");
    if (!s->pcpu || !s->last_tsc || resolve_words(&s->w)) {
        stitch_free(s);
        return NULL;
    }
    map_handler(s, "TRC_HVPATH_IRQ_GUEST", H_IRQ_GUEST);
    map_handler(s, "TRC_HVPATH_PIRQ_SEND", H_PIRQ_SEND);
    map_handler(s, "TRC_HVPATH_EVTCHN_SEND", H_EVTCHN_SEND);
    map_handler(s, "TRC_HVPATH_BIND_PENDING", H_BIND);
    map_handler(s, "TRC_HVPATH_VIRQ_SEND", H_VIRQ_SEND);
    map_handler(s, "TRC_HVPATH_SET_PENDING_2L", H_SET_PENDING);
    map_handler(s, "TRC_HVPATH_SET_PENDING_FIFO", H_SET_PENDING);
    map_handler(s, "TRC_HVPATH_MARK_PENDING", H_MARK_PENDING);
    map_handler(s, "TRC_HVPATH_VCPU_KICK", H_KICK);
    map_handler(s, "TRC_HVPATH_HVM_ASSERT", H_HVM_ASSERT);
    map_handler(s, "TRC_HVPATH_HVM_ASSERT_TASKLET", H_TASKLET);
    map_handler(s, "TRC_HVPATH_INTR_ASSIST", H_INTR_ASSIST);
    map_handler(s, "TRC_HVPATH_PV_BOUNCE", H_PV_BOUNCE);
    map_handler(s, "TRC_HVPATH_VLAPIC_EOI", H_EOI);
    s->ev_wake = id_of("TRC_SCHED_WAKE");
    s->ev_switch = id_of("TRC_SCHED_SWITCH");
    s->ev_inj_virq = id_of("TRC_HVM_INJ_VIRQ");
    s->ev_vmentry = id_of("TRC_HVM_VMENTRY");
    for (unsigned p = 0; p < XT_MAX_CPUS; p++)
        s->pcpu[p].run_dom = s->pcpu[p].run_vcpu = -1;
    s->next_chain_id = s->next_delivery_id = 1;
    return s;
}

static void delivery_free(struct delivery *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nchains; i++)
        free(d->chains[i]);
    free(d->chains);
    free(d);
}

void stitch_free(struct stitcher *s)
{
    if (!s)
        return;
    if (s->pcpu)
        for (unsigned p = 0; p < XT_MAX_CPUS; p++)
            free(s->pcpu[p].cur);
    for (size_t i = 0; i < s->nopen; i++)
        delivery_free(s->open[i]);
    for (size_t i = 0; i < s->nready; i++)
        free(s->ready[s->ready_head + i]);
    for (size_t i = 0; i < s->nspare; i++)
        free(s->spare[i]);
    free(s->spare);
    free(s->open);
    free(s->known);
    free(s->last_tsc);
    free(s->ready);
    free(s->pcpu);
    free(s);
}

/* ---- chains ----------------------------------------------------------- */

static struct chain *chain_new(struct stitcher *s, uint8_t source)
{
    struct chain *c;

    if (s->nspare) {
        c = s->spare[--s->nspare];
        memset(c, 0, sizeof(*c));
    } else if (!(c = calloc(1, sizeof(*c)))) {
        s->oom = 1;
        return NULL;
    }
    c->id = s->next_chain_id++;
    c->source = source;
    c->dom = c->port = c->vcpu = -1;
    c->stock = (uint8_t)s->opt.stock;
    return c;
}

static void add_stage(struct chain_stage *st, uint8_t *n, const struct hv_rec *r,
                      uint8_t kind)
{
    if (*n >= CHAIN_MAX_STAGES)
        return;                     /* more stages than any real path has */
    st[*n].tsc = r->tsc;
    st[*n].cpu = r->cpu;
    st[*n].kind = kind;
    (*n)++;
}

/* Hand a finished chain to the ready queue. */
static void finish(struct stitcher *s, struct chain *c, uint8_t outcome)
{
    if (!c)
        return;
    c->outcome = outcome;
    if (s->ready_head + s->nready == s->ready_cap) {
        if (s->ready_head) {
            memmove(s->ready, s->ready + s->ready_head, s->nready * sizeof(*s->ready));
            s->ready_head = 0;
        } else {
            size_t ncap = s->ready_cap ? 2 * s->ready_cap : 64;
            struct chain **n = realloc(s->ready, ncap * sizeof(*n));
            if (!n) {
                s->oom = 1;
                free(c);
                return;
            }
            s->ready = n;
            s->ready_cap = ncap;
        }
    }
    s->ready[s->ready_head + s->nready++] = c;
}

static inline uint32_t vkey(int32_t dom, int32_t vcpu)
{
    return (uint32_t)dom << 16 | ((uint32_t)vcpu & 0xffff);
}

/* The epoch in which this vCPU's delivery state last changed (0: never). */
static uint64_t known_epoch(struct stitcher *s, int32_t dom, int32_t vcpu)
{
    for (size_t i = 0; i < s->nknown; i++)
        if (s->known[i].key == vkey(dom, vcpu))
            return s->known[i].epoch;
    return 0;
}

static void set_known(struct stitcher *s, int32_t dom, int32_t vcpu)
{
    for (size_t i = 0; i < s->nknown; i++) {
        if (s->known[i].key == vkey(dom, vcpu)) {
            s->known[i].epoch = s->epoch;
            return;
        }
    }
    if (s->nknown == s->known_cap) {
        size_t ncap = s->known_cap ? 2 * s->known_cap : 16;
        void *n = realloc(s->known, ncap * sizeof(*s->known));
        if (!n) {
            s->oom = 1;
            return;
        }
        s->known = n;
        s->known_cap = ncap;
    }
    s->known[s->nknown].key = vkey(dom, vcpu);
    s->known[s->nknown++].epoch = s->epoch;
}

/* ---- deliveries ------------------------------------------------------- */

static struct delivery *find_open(struct stitcher *s, int32_t dom, int32_t vcpu,
                                  size_t *index)
{
    for (size_t i = 0; i < s->nopen; i++) {
        if (s->open[i]->dom == dom && s->open[i]->vcpu == vcpu) {
            if (index)
                *index = i;
            return s->open[i];
        }
    }
    return NULL;
}

static struct delivery *open_delivery(struct stitcher *s, int32_t dom, int32_t vcpu)
{
    struct delivery *d = calloc(1, sizeof(*d));

    if (!d || (s->nopen == s->open_cap &&
               !(s->open = realloc(s->open, (s->open_cap = s->open_cap ? 2 * s->open_cap : 16)
                                             * sizeof(*s->open))))) {
        free(d);
        s->oom = 1;
        return NULL;
    }
    d->id = s->next_delivery_id++;
    d->dom = dom;
    d->vcpu = vcpu;
    s->open[s->nopen++] = d;
    set_known(s, dom, vcpu);
    return d;
}

static int attach(struct stitcher *s, struct delivery *d, struct chain *c)
{
    if (d->nchains == d->cap) {
        size_t ncap = d->cap ? 2 * d->cap : 4;
        struct chain **n = realloc(d->chains, ncap * sizeof(*n));
        if (!n) {
            s->oom = 1;
            free(c);
            return -1;
        }
        d->chains = n;
        d->cap = ncap;
    }
    d->chains[d->nchains++] = c;
    return 0;
}

/* Close delivery d: its chains finish with its stages appended. */
static void close_delivery(struct stitcher *s, struct delivery *d, int delivered)
{
    size_t i;

    if (find_open(s, d->dom, d->vcpu, &i) == d)
        s->open[i] = s->open[--s->nopen];
    for (unsigned p = 0; p < s->ncpus; p++)
        if (s->pcpu[p].entry == d)
            s->pcpu[p].entry = NULL;
    if (delivered) {
        s->cnt.deliveries++;
        set_known(s, d->dom, d->vcpu);
    }

    if (!d->nchains && delivered) {
        /*
         * A delivery no traced event explains (e.g. an unmask): an orphan.
         * Just after a gap, the event that opened it is probably among the
         * lost records: incomplete.
         */
        struct chain *c = chain_new(s, CHAIN_SRC_UNKNOWN);
        if (c) {
            c->dom = d->dom;
            c->vcpu = d->vcpu;
            if (attach(s, d, c) == 0 && !d->after_gap)
                c->outcome = CHAIN_ORPHAN;
        }
        if (d->after_gap)
            delivered = 0;
    }
    for (i = 0; i < d->nchains; i++) {
        struct chain *c = d->chains[i];
        uint8_t outcome;

        /* the shared stages from where this chain joined on */
        uint64_t from = c->nstages ? c->stages[c->nstages - 1].tsc : 0;
        for (unsigned k = 0; k < d->nstages; k++)
            if (d->stages[k].tsc >= from && c->nstages < CHAIN_MAX_STAGES)
                c->stages[c->nstages++] = d->stages[k];
        c->delivery = d->id;
        if (!delivered)
            outcome = CHAIN_INCOMPLETE;
        else if (c->outcome == CHAIN_ORPHAN)
            outcome = CHAIN_ORPHAN;
        else
            outcome = i == 0 && !c->outcome ? CHAIN_COMPLETE : CHAIN_COALESCED;
        finish(s, c, outcome);
    }
    d->nchains = 0;
    delivery_free(d);
}

/* A chain joins the open delivery of its vCPU, or ends coalesced. */
static void coalesce(struct stitcher *s, struct chain *c)
{
    struct delivery *d = find_open(s, c->dom, c->vcpu, NULL);

    if (!d) {
        /* the upcall it rode on may be one a gap hid */
        finish(s, c, known_epoch(s, c->dom, c->vcpu) < s->epoch ? CHAIN_INCOMPLETE
                                                               : CHAIN_COALESCED);
        return;
    }
    c->outcome = CHAIN_COALESCED;   /* marks it as a rider, not the opener */
    attach(s, d, c);
}

/* Everything open ends here (lost records, end of trace). */
static void cut_all(struct stitcher *s)
{
    for (unsigned p = 0; p < s->ncpus; p++) {
        struct pcpu *pc = &s->pcpu[p];
        if (pc->cur)
            finish(s, pc->cur, CHAIN_INCOMPLETE);
        pc->cur = NULL;
        pc->cur_waits_mark = 0;
        pc->irq_valid = 0;
        pc->entry = NULL;
    }
    while (s->nopen) {
        struct delivery *d = s->open[s->nopen - 1];
        close_delivery(s, d, d->delivered);
    }
}

/* ---- records ---------------------------------------------------------- */

static inline uint32_t W(const struct hv_rec *r, int w)
{
    return w >= 0 && (unsigned)w < r->nextra ? r->extra[w] : 0;
}

/* A new source record on pCPU p: whatever was under construction there is cut. */
static struct chain *start(struct stitcher *s, const struct hv_rec *r,
                           uint8_t source, uint8_t stage)
{
    struct pcpu *pc = &s->pcpu[r->cpu];
    struct chain *c;

    if (pc->cur)
        finish(s, pc->cur, CHAIN_INCOMPLETE);
    pc->cur = NULL;
    pc->cur_waits_mark = 0;
    c = chain_new(s, source);
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
    add_stage(c->stages, &c->nstages, r, stage);
    pc->cur = c;
    return c;
}

static void on_set_pending(struct stitcher *s, const struct hv_rec *r)
{
    struct pcpu *pc = &s->pcpu[r->cpu];
    int32_t dom = (int32_t)W(r, s->w.sp_dom), port = (int32_t)W(r, s->w.sp_port);
    uint32_t outcome = W(r, s->w.sp_outcome);
    struct chain *c = pc->cur;

    /* the source just before on this pCPU must name this very port */
    if (c && (pc->cur_waits_mark || c->dom != dom || c->port != port)) {
        finish(s, c, CHAIN_INCOMPLETE);
        c = NULL;
    }
    if (!c) {
        c = chain_new(s, CHAIN_SRC_UNKNOWN);
        if (!c)
            return;
        c->dom = dom;
        c->port = port;
        if (pc->after_gap) {
            /* its source record may be among the lost ones */
            pc->cur = NULL;
            add_stage(c->stages, &c->nstages, r, STAGE_SET_PENDING);
            finish(s, c, CHAIN_INCOMPLETE);
            return;
        }
    }
    pc->cur = NULL;
    c->vcpu = (int32_t)W(r, s->w.sp_vcpu);
    add_stage(c->stages, &c->nstages, r, STAGE_SET_PENDING);

    if (outcome & (SP_LOST | SP_NOT_QUEUED)) {
        finish(s, c, CHAIN_DROPPED);
    } else if (outcome & SP_MASKED) {
        finish(s, c, CHAIN_MASKED);
    } else if (!(outcome & SP_NEW)) {
        finish(s, c, CHAIN_COALESCED);  /* the port was pending already */
    } else if (!(outcome & SP_UPCALL)) {
        coalesce(s, c);                 /* an upcall is pending already */
    } else {
        pc->cur = c;
        pc->cur_waits_mark = 1;
    }
}

static void on_mark_pending(struct stitcher *s, const struct hv_rec *r)
{
    struct pcpu *pc = &s->pcpu[r->cpu];
    int32_t dom = (int32_t)W(r, s->w.mark_dom), vcpu = (int32_t)W(r, s->w.mark_vcpu);
    struct chain *c = pc->cur;
    struct delivery *d;

    if (c && !(pc->cur_waits_mark && c->dom == dom && c->vcpu == vcpu)) {
        finish(s, c, CHAIN_INCOMPLETE);
        c = NULL;
    }
    pc->cur = NULL;
    pc->cur_waits_mark = 0;
    if (c)
        add_stage(c->stages, &c->nstages, r, STAGE_MARK_PENDING);

    if (W(r, s->w.mark_coalesced)) {
        if (c)
            coalesce(s, c);
        return;
    }
    /* a new upcall: a new delivery (a stale one for this vCPU is cut; one
       that was delivered and awaited its EOI is done) */
    d = find_open(s, dom, vcpu, NULL);
    if (d)
        close_delivery(s, d, d->delivered);
    d = open_delivery(s, dom, vcpu);
    if (!d) {
        free(c);
        return;
    }
    d->after_gap = !c && pc->after_gap;
    if (!c)
        add_stage(d->stages, &d->nstages, r, STAGE_MARK_PENDING);
    else
        attach(s, d, c);
}

static int has_stage(const struct delivery *d, uint8_t kind)
{
    for (unsigned i = 0; i < d->nstages; i++)
        if (d->stages[i].kind == kind)
            return 1;
    return 0;
}

/* A delivery stage for (dom, vcpu); returns the open delivery or NULL. */
static struct delivery *delivery_stage(struct stitcher *s, const struct hv_rec *r,
                                       int32_t dom, int32_t vcpu, uint8_t kind)
{
    struct delivery *d = find_open(s, dom, vcpu, NULL);

    if (!d || d->delivered) {
        s->cnt.unattached++;
        return NULL;
    }
    add_stage(d->stages, &d->nstages, r, kind);
    return d;
}

static void on_stock_inj_virq(struct stitcher *s, const struct hv_rec *r)
{
    struct pcpu *pc = &s->pcpu[r->cpu];
    struct delivery *d;

    /*
     * With the probes, INTR_ASSIST times the injection; the stock record
     * carries no TSC of its own (it inherits an earlier one), so it would
     * only put a wrong time in the chain.
     */
    if (!s->opt.stock)
        return;
    /* stock Xen: the injection and the VM entry after it are all there is */
    d = find_open(s, pc->run_dom, pc->run_vcpu, NULL);
    if (d)
        close_delivery(s, d, 0);
    d = open_delivery(s, pc->run_dom, pc->run_vcpu);
    if (!d)
        return;
    struct chain *c = chain_new(s, CHAIN_SRC_UNKNOWN);
    if (!c)
        return;
    c->dom = pc->run_dom;
    c->vcpu = pc->run_vcpu;
    add_stage(d->stages, &d->nstages, r, STAGE_INJ_VIRQ);
    if (attach(s, d, c) == 0)
        pc->entry = d;
}

/*
 * A gap on r's pCPU from first_tsc to r's TSC: chains in quarantine that
 * were alive in that interval may have lost a record.
 */
static void gap_taints(struct stitcher *s, const struct hv_rec *r)
{
    uint64_t from = r->tsc;

    if (s->w_lost_first >= 0 && (unsigned)s->w_lost_first + 1 < r->nextra)
        from = (uint64_t)r->extra[s->w_lost_first] |
               (uint64_t)r->extra[s->w_lost_first + 1] << 32;
    for (size_t i = 0; i < s->nready; i++) {
        struct chain *c = s->ready[s->ready_head + i];
        if (c->nstages && c->stages[0].tsc <= r->tsc &&
            c->stages[c->nstages - 1].tsc >= from)
            c->outcome = CHAIN_INCOMPLETE;
    }
}

int stitch_feed(struct stitcher *s, const struct hv_rec *r)
{
    enum handler h = H_NONE;
    struct pcpu *pc = &s->pcpu[r->cpu];
    struct chain *c;
    struct delivery *d;

    if (r->cpu >= s->ncpus)
        s->ncpus = r->cpu + 1u;
    if (!(r->flags & HV_REC_TSC_NONE))
        s->last_tsc[r->cpu] = r->tsc;
    if ((r->event & 0xfffff000u) == HV_TRC_HVPATH)
        h = s->hvp_handler[r->event & 0xfff];
    else if (r->event == HV_TRC_LOST_RECORDS)
        h = H_LOST;
    else if (r->event == s->ev_vmentry)
        h = H_VMENTRY;
    else if (r->event == s->ev_inj_virq)
        h = H_INJ_VIRQ;
    else if (r->event == s->ev_wake)
        h = H_SCHED_WAKE;
    else if (r->event == s->ev_switch)
        h = H_SCHED_SWITCH;

    switch (h) {
    case H_NONE:
        return 0;
    case H_LOST:
        s->cnt.gaps++;
        s->epoch++;
        cut_all(s);
        pc->after_gap = 1;
        gap_taints(s, r);
        break;
    case H_IRQ_GUEST:
        pc->irq_valid = 1;
        pc->irq_tsc = r->tsc;
        break;
    case H_PIRQ_SEND: {
        uint32_t outcome = W(r, s->w.pirq_outcome);
        c = start(s, r, CHAIN_SRC_PIRQ, STAGE_PIRQ_SEND);
        if (!c)
            break;
        c->dom = (int32_t)W(r, s->w.pirq_dom);
        c->port = (int32_t)W(r, s->w.pirq_port);
        c->pirq = W(r, s->w.pirq_pirq);
        if (outcome) {              /* trylock failed or no port: lost in Xen */
            pc->cur = NULL;
            finish(s, c, CHAIN_DROPPED);
        }
        break;
    }
    case H_EVTCHN_SEND: {
        uint32_t type = W(r, s->w.send_type);
        c = start(s, r, type == 2 ? CHAIN_SRC_IPI : CHAIN_SRC_INTERDOMAIN,
                  STAGE_EVTCHN_SEND);
        if (!c)
            break;
        c->dom = (int32_t)W(r, s->w.send_rdom);
        c->port = (int32_t)W(r, s->w.send_rport);
        if (type == 3) {            /* a Xen-internal consumer: no guest delivery */
            pc->cur = NULL;
            finish(s, c, CHAIN_COMPLETE);
        }
        break;
    }
    case H_BIND:
        c = start(s, r, CHAIN_SRC_BIND, STAGE_BIND);
        if (c) {
            c->dom = (int32_t)W(r, s->w.bind_dom);
            c->port = (int32_t)W(r, s->w.bind_port);
        }
        break;
    case H_VIRQ_SEND:
        c = start(s, r, CHAIN_SRC_VIRQ, STAGE_VIRQ_SEND);
        if (!c)
            break;
        c->dom = (int32_t)W(r, s->w.virq_dom);
        c->port = (int32_t)W(r, s->w.virq_port);
        c->virq = W(r, s->w.virq_virq);
        c->tracer = c->virq == VIRQ_TBUF;
        if (W(r, s->w.virq_outcome)) {
            pc->cur = NULL;
            finish(s, c, CHAIN_DROPPED);
        }
        break;
    case H_SET_PENDING:
        on_set_pending(s, r);
        break;
    case H_MARK_PENDING:
        on_mark_pending(s, r);
        break;
    case H_KICK:
        delivery_stage(s, r, (int32_t)W(r, s->w.kick_dom),
                       (int32_t)W(r, s->w.kick_vcpu), STAGE_KICK);
        break;
    case H_HVM_ASSERT:
        delivery_stage(s, r, (int32_t)W(r, s->w.assert_dom),
                       (int32_t)W(r, s->w.assert_vcpu), STAGE_HVM_ASSERT);
        break;
    case H_TASKLET:
        delivery_stage(s, r, (int32_t)W(r, s->w.tasklet_dom),
                       (int32_t)W(r, s->w.tasklet_vcpu), STAGE_ASSERT_TASKLET);
        break;
    case H_INTR_ASSIST: {
        uint32_t outcome = W(r, s->w.ia_outcome);
        d = delivery_stage(s, r, (int32_t)W(r, s->w.ia_dom), (int32_t)W(r, s->w.ia_vcpu),
                           outcome == IA_WINDOW ? STAGE_INTR_WINDOW : STAGE_INJECT);
        if (d && outcome != IA_WINDOW) {
            pc->entry = d;
            d->vector = W(r, s->w.ia_vector);
        }
        break;
    }
    case H_PV_BOUNCE:
        d = delivery_stage(s, r, (int32_t)W(r, s->w.bounce_dom),
                           (int32_t)W(r, s->w.bounce_vcpu), STAGE_PV_BOUNCE);
        if (d)
            close_delivery(s, d, 1);
        break;
    case H_VMENTRY:
        if (pc->entry) {
            d = pc->entry;
            add_stage(d->stages, &d->nstages, r, STAGE_VMENTRY);
            pc->entry = NULL;
            if (d->vector) {
                d->delivered = 1;       /* its EOI may follow */
                set_known(s, d->dom, d->vcpu);
            } else {
                close_delivery(s, d, 1);
            }
        }
        break;
    case H_EOI:
        d = find_open(s, (int32_t)W(r, s->w.eoi_dom), (int32_t)W(r, s->w.eoi_vcpu), NULL);
        if (d && d->delivered && d->vector == W(r, s->w.eoi_vector)) {
            add_stage(d->stages, &d->nstages, r, STAGE_EOI);
            close_delivery(s, d, 1);
        }
        break;
    case H_INJ_VIRQ:
        on_stock_inj_virq(s, r);
        break;
    case H_SCHED_WAKE: {
        d = find_open(s, (int32_t)W(r, s->w.wake_dom), (int32_t)W(r, s->w.wake_vcpu), NULL);
        if (d)
            add_stage(d->stages, &d->nstages, r, STAGE_SCHED_WAKE);
        break;
    }
    case H_SCHED_SWITCH:
        pc->run_dom = (int32_t)W(r, s->w.switch_dom);
        pc->run_vcpu = (int32_t)W(r, s->w.switch_vcpu);
        d = find_open(s, pc->run_dom, pc->run_vcpu, NULL);
        if (d && has_stage(d, STAGE_SCHED_WAKE) && !has_stage(d, STAGE_SCHED_SWITCH))
            add_stage(d->stages, &d->nstages, r, STAGE_SCHED_SWITCH);
        break;
    }
    return s->oom ? -1 : 0;
}

int stitch_finish(struct stitcher *s)
{
    cut_all(s);
    s->finishing = 1;
    return s->oom ? -1 : 0;
}

int stitch_pop(struct stitcher *s, struct chain *out)
{
    struct chain *c;

    if (!s->nready)
        return 0;
    c = s->ready[s->ready_head];
    if (!s->finishing && c->nstages) {
        /* out of quarantine once every pCPU is past its last stage */
        uint64_t end = c->stages[c->nstages - 1].tsc;
        for (unsigned p = 0; p < s->ncpus; p++)
            if (s->last_tsc[p] && s->last_tsc[p] <= end)
                return 0;
    }
    if (c->suspect && c->outcome != CHAIN_INCOMPLETE)
        c->outcome = CHAIN_INCOMPLETE;
    s->cnt.chains[c->outcome]++;
    s->ready_head++;
    if (--s->nready == 0)
        s->ready_head = 0;
    *out = *c;
    if (s->nspare == s->spare_cap) {
        size_t ncap = s->spare_cap ? 2 * s->spare_cap : 64;
        struct chain **n = realloc(s->spare, ncap * sizeof(*n));
        if (!n) {
            free(c);
            return 1;
        }
        s->spare = n;
        s->spare_cap = ncap;
    }
    s->spare[s->nspare++] = c;
    return 1;
}

const struct stitch_counters *stitch_counters(const struct stitcher *s)
{
    return &s->cnt;
}
