/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * convert.c - walk the chains of a trace into a sink (convert.h): declare
 * each track once, before its first event; put each chain's stages on
 * their pCPUs as one flow; give each chain to a vCPU a lane free at its
 * start.
 */
#include "convert.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "u32map.h"
#include "vec.h"
#include "xt_reader.h"

/* A vCPU's lanes: the end of the last slice on each. */
struct lanes {
    uint64_t *end;
    size_t n, cap;
};

struct walk {
    struct chains *ch;
    const struct convert_sink *sink;
    struct convert_counts *n;
    uint8_t cpu_seen[XT_MAX_CPUS];
    uint8_t dom_seen[CONVERT_MAX_DOM + 1];
    struct u32map vmap;             /* dom << 16 | vcpu -> index in v[] */
    struct lanes *v;
    size_t nv, vcap;
};

static int cpu_track(struct walk *w, unsigned cpu, struct convert_track *t)
{
    char name[32];

    *t = (struct convert_track){ .kind = TRACK_CPU, .cpu = cpu };
    if (w->cpu_seen[cpu])
        return 0;
    w->cpu_seen[cpu] = 1;
    snprintf(name, sizeof(name), "pCPU %u", cpu);
    return w->sink->track(w->sink->ctx, t, name,
                          "hot-path stages of every chain, on the pCPU that wrote them",
                          (int32_t)cpu);
}

/*
 * The lane of (dom, vcpu) free from start on, declared if new, in *t.
 * -1 out of memory or lanes (errno set); 1 if the vCPU is out of range.
 */
static int lane_for(struct walk *w, int32_t dom, int32_t vcpu, uint64_t start, uint64_t end,
                    struct convert_track *t)
{
    uint32_t key = (uint32_t)dom << 16 | (uint32_t)vcpu, idx;
    struct lanes *l;
    char name[48];
    size_t i;

    if (dom < 0 || dom > CONVERT_MAX_DOM || vcpu < 0 || vcpu > CONVERT_MAX_VCPU)
        return 1;
    if (!u32map_get(&w->vmap, key, &idx)) {
        struct lanes *n = hv_grow(w->v, &w->vcap, w->nv + 1, sizeof(*w->v));
        if (!n)
            return -1;
        w->v = n;
        idx = (uint32_t)w->nv;
        if (u32map_put(&w->vmap, key, idx))
            return -1;
        memset(&w->v[w->nv++], 0, sizeof(w->v[0]));
    }
    if (!w->dom_seen[dom]) {
        struct convert_track d = { .kind = TRACK_DOM, .dom = dom };

        w->dom_seen[dom] = 1;
        snprintf(name, sizeof(name), "dom %d%s", dom, dom ? "" : " (dom0)");
        if (w->sink->track(w->sink->ctx, &d, name, "the chains to each of its vCPUs", 1 + dom))
            return -1;
    }
    l = &w->v[idx];
    for (i = 0; i < l->n; i++)
        if (l->end[i] < start)
            break;
    *t = (struct convert_track){ .kind = TRACK_LANE, .dom = dom, .vcpu = vcpu,
                                 .lane = (uint32_t)i };
    if (i == l->n) {
        uint64_t *n;

        if (l->n > CONVERT_MAX_LANE) {
            errno = EOVERFLOW;
            return -1;
        }
        if (!(n = hv_grow(l->end, &l->cap, l->n + 1, sizeof(*l->end))))
            return -1;
        l->end = n;
        l->n++;
        snprintf(name, sizeof(name), "vCPU %d", vcpu);
        if (w->sink->track(w->sink->ctx, t, name,
                           "one slice per chain to this vCPU, first stage to last", vcpu))
            return -1;
    }
    l->end[i] = end;
    return 0;
}

static int walk_chain(struct walk *w, const struct chain *c)
{
    struct convert_track t;
    uint64_t start, total;
    char title[64];
    int rc;

    if (!c->nstages)
        return 0;
    for (unsigned i = 0; i < c->nstages; i++) {
        const struct chain_stage *st = &c->stages[i];
        struct convert_stage s = {
            .ts = chains_stage_ns(w->ch, st), .track = &t,
            .name = chain_stage_name(st->kind), .chain = c->id,
            .since_ns = chains_delta_ns(w->ch, c, i), .flow = c->id + 1,
            .pos = c->nstages < 2 ? FLOW_NONE : !i ? FLOW_BEGIN :
                   i + 1 < c->nstages ? FLOW_STEP : FLOW_END,
        };

        if (cpu_track(w, st->cpu, &t) || w->sink->stage(w->sink->ctx, &s))
            return -1;
        w->n->events++;
    }
    w->n->flows += c->nstages > 1;

    start = chains_stage_ns(w->ch, &c->stages[0]);
    total = chains_total_ns(w->ch, c);
    rc = lane_for(w, c->dom, c->vcpu, start, start + total, &t);
    if (rc)
        return rc > 0 ? 0 : -1;
    snprintf(title, sizeof(title), "%s d%d:%d", chain_source_name(c->source), c->dom, c->port);
    struct convert_slice sl = {
        .ts = start, .dur = total, .track = &t, .title = title, .c = c,
        .outcome = chain_outcome_name(c->outcome),
        .how = c->outcome == CHAIN_INCOMPLETE ? chain_reason_name(c->reason) :
               c->outcome == CHAIN_COALESCED ? chain_via_name(c->via) : "",
    };
    if (w->sink->slice(w->sink->ctx, &sl))
        return -1;
    w->n->events += 2;
    w->n->sliced++;
    return 0;
}

int convert_chains(struct chains *ch, const struct convert_sink *sink,
                   struct convert_counts *n, char *err, size_t errlen)
{
    struct walk *w = calloc(1, sizeof(*w));
    struct convert_track xen = { .kind = TRACK_XEN };
    struct chain c;
    int rc = -1, got;

    memset(n, 0, sizeof(*n));
    if (!w) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    w->ch = ch;
    w->sink = sink;
    w->n = n;
    if (sink->track(sink->ctx, &xen, "Xen hypervisor", "the hv-probes records of every pCPU", 0))
        goto sink_failed;
    while ((got = chains_next(ch, &c, err, errlen)) > 0) {
        n->chains++;
        if (walk_chain(w, &c))
            goto sink_failed;
    }
    rc = got < 0 ? -1 : 0;
    goto done;
sink_failed:
    snprintf(err, errlen, "%s", strerror(errno ? errno : EIO));
    rc = -2;
done:
    for (size_t i = 0; i < w->nv; i++)
        free(w->v[i].end);
    free(w->v);
    u32map_free(&w->vmap);
    free(w);
    return rc;
}
