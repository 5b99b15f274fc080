/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stitch.c - the stitcher's frame: the model's names, the dispatch table
 * built from decoder/stages.def, chains, the ready queue and its quarantine.
 *
 * Per pCPU: the chain under construction between its source record and
 * mark_pending (stitch_source.c).  Per vCPU: the open delivery, with the
 * chains it will deliver (stitch_delivery.c).  Finished chains wait in a
 * queue for stitch_pop, until no gap can still cut them (stitch_gap.c).
 */
#include "stitch_int.h"

#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "vec.h"
#include "xt_reader.h"

/* ---- the model's names ------------------------------------------------ */

static const char *const source_names[] = {
#define HV_SOURCE(id, name, what) name,
#include "stages.def"
};
static const char *const source_whats[] = {
#define HV_SOURCE(id, name, what) what,
#include "stages.def"
};
static const char *const outcome_names[] = {
#define HV_OUTCOME(id, name, what) name,
#include "stages.def"
};
static const char *const outcome_whats[] = {
#define HV_OUTCOME(id, name, what) what,
#include "stages.def"
};
static const char *const reason_names[] = {
#define HV_REASON(id, name, what) name,
#include "stages.def"
};
static const char *const reason_whats[] = {
#define HV_REASON(id, name, what) what,
#include "stages.def"
};
static const char *const via_names[] = {
#define HV_VIA(id, name, what) name,
#include "stages.def"
};
static const char *const via_whats[] = {
#define HV_VIA(id, name, what) what,
#include "stages.def"
};
static const struct {
    const char *name, *what;
    enum chain_join join;
} stages[] = {
#define HV_STAGE(id, name, join, what) { name, what, JOIN_##join },
#include "stages.def"
};
static const char *const join_names[JOIN_COUNT] = {
    "SOURCE", "PCPU", "DELIVERY", "ENTRY", "EOI",
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
    return k < STAGE_KIND_COUNT ? stages[k].name : "?";
}

const char *chain_reason_name(unsigned r)
{
    return r < REASON_COUNT ? reason_names[r] : "?";
}

const char *chain_via_name(unsigned v)
{
    return v < VIA_COUNT ? via_names[v] : "?";
}

const char *chain_reason_what(unsigned r)
{
    return r < REASON_COUNT ? reason_whats[r] : NULL;
}

const char *chain_via_what(unsigned v)
{
    return v < VIA_COUNT ? via_whats[v] : NULL;
}

int chain_reason_is_silent_loss(unsigned r)
{
    return r == REASON_NO_KICK ||
           r == REASON_NO_PREDECESSOR || r == REASON_STALE;
}

const char *chain_source_what(unsigned s)
{
    return s < CHAIN_SRC_COUNT ? source_whats[s] : NULL;
}

const char *chain_outcome_what(unsigned o)
{
    return o < CHAIN_OUTCOME_COUNT ? outcome_whats[o] : NULL;
}

const char *chain_stage_what(unsigned k)
{
    return k < STAGE_KIND_COUNT ? stages[k].what : NULL;
}

enum chain_join chain_stage_join(unsigned k)
{
    return k < STAGE_KIND_COUNT ? stages[k].join : JOIN_COUNT;
}

const char *chain_join_name(enum chain_join j)
{
    return j < JOIN_COUNT ? join_names[j] : "?";
}

int chain_source_parse(const char *name)
{
    for (int i = 0; i < CHAIN_SRC_COUNT; i++)
        if (!strcmp(name, source_names[i]))
            return i;
    return -1;
}

/* ---- the dispatch table ----------------------------------------------- */

static const struct {
    const char *record;
    stitch_handler *fn;
    uint8_t stage;
    const char *roles;
} on_table[] = {
#define HV_ON(record, handler, stage, roles) \
    { #record, handler, STAGE_##stage, roles },
#define STAGE_NO_STAGE NO_STAGE
#include "stages.def"
#undef STAGE_NO_STAGE
};

#define NON (sizeof(on_table) / sizeof(on_table[0]))

int chain_record_at(unsigned i, const char **event, unsigned *stage)
{
    if (i >= NON)
        return 0;
    *event = on_table[i].record;
    *stage = on_table[i].stage;
    return 1;
}

static const char *const role_names[ROLE_COUNT] = {
    "dom", "vcpu", "port", "code", "arg",
};

/* "dom port=rport code=type": which field of e plays which role.  -1 if bad. */
static int resolve_roles(const struct hv_event_info *e, const char *spec,
                         struct role_field role[ROLE_COUNT])
{
    const char *p = spec;

    for (int k = 0; k < ROLE_COUNT; k++)
        role[k].word = ROLE_UNMAPPED;
    while (*p) {
        char tok[48], *eq;
        const char *field;
        const struct hv_field *f;
        size_t len = strcspn(p, " ");
        int k;

        if (!len) {
            p++;
            continue;
        }
        if (len >= sizeof(tok))
            return -1;
        memcpy(tok, p, len);
        tok[len] = 0;
        p += len;
        eq = strchr(tok, '=');
        if (eq)
            *eq = 0;
        field = eq ? eq + 1 : tok;
        for (k = 0; k < ROLE_COUNT && strcmp(tok, role_names[k]); k++)
            ;
        f = hv_event_field(e, field);
        if (k == ROLE_COUNT || !f)
            return -1;
        if (f->word == HV_FIELD_IN_ID) {
            role[k].kind = RF_ID;
            role[k].shift = f->id_shift;
            role[k].width = f->id_width;
            role[k].word = 0;
            continue;
        }
        if (f->word >= HV_REC_MAX_EXTRA)
            return -1;
        role[k].word = f->word;
        role[k].kind = f->type == HV_FIELD_X64 ? RF_WIDE : f->type == HV_FIELD_LO16
                           ? RF_LO16 : f->type == HV_FIELD_HI16 ? RF_HI16 : RF_WORD;
    }
    return 0;
}

/* Resolve on_table against the event table into s; -1 on a bad entry. */
static int build_dispatch(struct stitcher *s)
{
    s->on = calloc(NON, sizeof(*s->on));
    if (!s->on)
        return -1;
    for (size_t i = 0; i < NON; i++) {
        const struct hv_event_info *e = hv_event_by_name(on_table[i].record);
        struct on_entry *o = &s->on[i];

        if (!e || resolve_roles(e, on_table[i].roles, o->role))
            return -1;
        o->event = e->id;
        o->mask = e->mask ? e->mask : 0xffffffffu;
        o->fn = on_table[i].fn;
        o->stage = on_table[i].stage;
        if ((e->id & 0xfffff000u) == HV_TRC_HVPATH)
            s->hvp_on[e->id & 0xfff] = (uint8_t)(i + 1);
        else if (s->nstock_on < NSTOCK_ON) {
            s->stock_ev[s->nstock_on] = e->id;
            s->stock_mask[s->nstock_on] = o->mask;
            s->stock_on[s->nstock_on++] = o;
        } else
            return -1;
    }
    return 0;
}

/* The value of role field f in r (0 where r is too short for it). */
static inline uint64_t role_value(const struct hv_rec *r, struct role_field f, uint8_t *present)
{
    uint32_t w;

    if (f.kind == RF_ID) {
        *present = 1;
        return (r->event >> f.shift) & ((1u << f.width) - 1);
    }
    *present = (unsigned)f.word + (f.kind == RF_WIDE) < r->nextra;
    if (!*present)
        return 0;
    w = r->extra[f.word];
    switch (f.kind) {
    case RF_WIDE:
        return w | (uint64_t)r->extra[f.word + 1] << 32;
    case RF_LO16:
        return w & 0xffff;
    case RF_HI16:
        return w >> 16;
    default:
        return w;
    }
}

static inline void read_roles(const struct on_entry *o, const struct hv_rec *r,
                              struct roles *v)
{
    uint8_t p;

    v->dom = (int32_t)role_value(r, o->role[ROLE_DOM], &p);
    v->vcpu = (int32_t)role_value(r, o->role[ROLE_VCPU], &p);
    v->port = (int32_t)role_value(r, o->role[ROLE_PORT], &p);
    v->code = (uint32_t)role_value(r, o->role[ROLE_CODE], &p);
    v->arg = role_value(r, o->role[ROLE_ARG], &v->arg_present);
}

/* ---- setup ------------------------------------------------------------ */

struct stitcher *stitch_new(const struct stitch_options *opt)
{
    struct stitcher *s = calloc(1, sizeof(*s));

    if (!s)
        return NULL;
    s->opt = *opt;
    if (!s->opt.max_held)
        s->opt.max_held = STITCH_MAX_HELD;
    if (!s->opt.max_riders)
        s->opt.max_riders = STITCH_MAX_RIDERS;
    s->pcpu = calloc(XT_MAX_CPUS, sizeof(*s->pcpu));
    s->active = calloc(XT_MAX_CPUS, sizeof(*s->active));
    if (!s->pcpu || !s->active || build_dispatch(s)) {
        stitch_free(s);
        return NULL;
    }
    for (unsigned p = 0; p < XT_MAX_CPUS; p++)
        s->pcpu[p].run_dom = s->pcpu[p].run_vcpu = -1;
    s->next_chain_id = s->next_delivery_id = 1;
    s->wm_cpu = NO_CPU;
    s->wm_stale = 1;
    return s;
}

void stitch_free(struct stitcher *s)
{
    if (!s)
        return;
    for (unsigned i = 0; s->pcpu && i < s->nactive; i++)
        free(s->pcpu[s->active[i]].cur);
    while (s->open_head) {
        struct delivery *d = s->open_head;
        st_open_unlink(s, d);
        st_delivery_free(d);
    }
    for (size_t i = 0; i < s->nready; i++)
        free(s->ready[s->ready_head + i]);
    for (size_t i = 0; i < s->nspare; i++)
        free(s->spare[i]);
    st_vcpu_free(s);
    free(s->spare);
    free(s->ready);
    free(s->active);
    free(s->pcpu);
    free(s->on);
    free(s);
}

/* ---- chains ----------------------------------------------------------- */

struct chain *st_chain_new(struct stitcher *s, uint8_t source)
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

/*
 * A path that breaks an invariant while records were reported lost (a
 * TRC_LOST_RECORDS after its first stage) is explained by that loss: it is
 * not suspected silent loss.
 */
uint8_t st_explained(const struct stitcher *s, const struct chain *c, uint8_t reason)
{
    if (chain_reason_is_silent_loss(reason) && c->nstages &&
        s->last_gap_tsc >= c->stages[0].tsc)
        return REASON_GAP;
    return reason;
}

void st_cut(struct stitcher *s, struct chain *c, uint8_t reason)
{
    if (c && !c->reason)
        c->reason = st_explained(s, c, reason);
    st_finish(s, c, CHAIN_INCOMPLETE);
}

/* Hand a finished chain to the ready queue. */
void st_finish(struct stitcher *s, struct chain *c, uint8_t outcome)
{
    if (!c)
        return;
    c->outcome = outcome;
    c->end_tsc = c->nstages && c->stages[c->nstages - 1].tsc > s->now
                     ? c->stages[c->nstages - 1].tsc : s->now;
    if (s->ready_head + s->nready == s->ready_cap && s->ready_head) {
        memmove(s->ready, s->ready + s->ready_head, s->nready * sizeof(*s->ready));
        s->ready_head = 0;
    }
    struct chain **n = hv_grow(s->ready, &s->ready_cap, s->ready_head + s->nready + 1,
                               sizeof(*s->ready));
    if (!n) {
        s->oom = 1;
        free(c);
        return;
    }
    s->ready = n;
    s->ready[s->ready_head + s->nready++] = c;
}

/* ---- the stream ------------------------------------------------------- */

/* A pCPU writes for the first time: it takes part in the quarantine. */
static void activate(struct stitcher *s, struct pcpu *pc, uint16_t cpu)
{
    pc->active = 1;
    s->active[s->nactive++] = cpu;
    s->wm_stale = 1;
}

/*
 * The lowest point the streams of the pCPUs that are not silent have
 * reached (UINT64_MAX: none holds chains back).  A pCPU is silent once it
 * has written nothing for opt.silent_cycles while others went on.
 */
static uint64_t watermark(struct stitcher *s)
{
    uint64_t wm = UINT64_MAX;
    int32_t wcpu = NO_CPU;

    if (!s->wm_stale && s->opt.silent_cycles && s->wm != UINT64_MAX &&
        s->wm + s->opt.silent_cycles < s->now)
        s->wm_stale = 1;                /* its holder just went silent */
    if (!s->wm_stale)
        return s->wm;
    for (unsigned i = 0; i < s->nactive; i++) {
        const struct pcpu *pc = &s->pcpu[s->active[i]];
        if (!pc->last_tsc)
            continue;
        if (s->opt.silent_cycles && pc->last_tsc + s->opt.silent_cycles < s->now) {
            if (s->active[i] == s->wm_cpu)
                s->cnt.silent_pcpus++;
            continue;
        }
        if (pc->last_tsc < wm) {
            wm = pc->last_tsc;
            wcpu = s->active[i];
        }
    }
    s->wm = wm;
    s->wm_cpu = wcpu;
    s->wm_stale = 0;
    return wm;
}

/*
 * An uncoalesced mark_pending's kick (PV) or hvm_assert (HVM) is the next
 * hot-path record on its pCPU, in the same call chain: any other means the
 * kick was lost.
 */
static void check_kick(struct stitcher *s, struct pcpu *pc, const struct on_entry *o,
                       const struct roles *v)
{
    struct delivery *d;

    if (o && o->fn == on_lost)
        return;                         /* the gap handles it */
    if (o && (o->stage == STAGE_KICK || o->stage == STAGE_HVM_ASSERT) &&
        v->dom == pc->expect_dom && v->vcpu == pc->expect_vcpu) {
        pc->kick_expected = o->stage == STAGE_KICK;
        pc->expect_kick = 0;
        return;
    }
    d = st_find_open(s, pc->expect_dom, pc->expect_vcpu);
    if (d && d->id == pc->expect_kick && !d->suspect)
        d->suspect = REASON_NO_KICK;
    pc->expect_kick = 0;
}

int stitch_feed(struct stitcher *s, const struct hv_rec *r)
{
    struct pcpu *pc = &s->pcpu[r->cpu];
    const struct on_entry *o = NULL;
    int hvp = (r->event & 0xfffff000u) == HV_TRC_HVPATH;
    struct roles v;

    if (!pc->active)
        activate(s, pc, r->cpu);
    if (!(r->flags & HV_REC_TSC_NONE)) {
        pc->last_tsc = r->tsc;
        if (r->tsc > s->now)
            s->now = r->tsc;
        if (r->cpu == s->wm_cpu || r->tsc < s->wm)
            s->wm_stale = 1;            /* the lowest stream moved (or went back) */
    }
    if (hvp) {
        uint8_t i = s->hvp_on[r->event & 0xfff];
        if (i)
            o = &s->on[i - 1];
    } else {
        /*
         * A record of TRC_SCHED_VERBOSE's class and subclass: the event
         * mask has them, so TRC_SCHED_SWITCH is traced too.
         */
        if (hv_event_in_mask(HV_TRC_SCHED_VERBOSE, r->event))
            s->sched_traced = 1;
        for (unsigned i = 0; i < s->nstock_on; i++)
            if ((r->event & s->stock_mask[i]) == s->stock_ev[i]) {
                o = s->stock_on[i];
                break;
            }
    }
    if (o)
        read_roles(o, r, &v);
    if (hvp && pc->expect_kick)
        check_kick(s, pc, o, &v);
    if (!o)
        return 0;
    o->fn(s, r, &v, o->stage);
    return s->oom ? -1 : 0;
}

int stitch_finish(struct stitcher *s)
{
    st_cut_all(s, REASON_END);
    s->finishing = 1;
    return s->oom ? -1 : 0;
}

int stitch_pop(struct stitcher *s, struct chain *out)
{
    struct chain *c, **n;

    if (!s->nready)
        return 0;
    c = s->ready[s->ready_head];
    if (!s->finishing && watermark(s) <= c->end_tsc) {
        /* still in quarantine, unless too many wait */
        if (s->nready <= s->opt.max_held)
            return 0;
        if (c->outcome != CHAIN_INCOMPLETE) {
            c->outcome = CHAIN_INCOMPLETE;
            c->reason = REASON_QUARANTINE;
        }
    }
    if (c->suspect && c->outcome != CHAIN_INCOMPLETE) {
        c->outcome = CHAIN_INCOMPLETE;
        c->reason = REASON_AFTER_GAP;
    }
    if (c->outcome != CHAIN_INCOMPLETE)
        c->reason = REASON_NONE;
    else if (!c->reason)
        c->reason = REASON_END;
    s->cnt.chains[c->outcome]++;
    if (c->outcome == CHAIN_INCOMPLETE)
        s->cnt.reasons[c->reason]++;
    if (c->outcome == CHAIN_COALESCED)
        s->cnt.vias[c->via]++;
    s->ready_head++;
    if (--s->nready == 0)
        s->ready_head = 0;
    *out = *c;
    n = hv_grow(s->spare, &s->spare_cap, s->nspare + 1, sizeof(*s->spare));
    if (!n) {
        free(c);
        return 1;
    }
    s->spare = n;
    s->spare[s->nspare++] = c;
    return 1;
}

const struct stitch_counters *stitch_counters(const struct stitcher *s)
{
    return &s->cnt;
}
