/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * convert_perfetto.c - the Perfetto sink of convert.h: TrackDescriptors and
 * TrackEvents through perfetto_writer.h.  A chain's flow is TrackEvent
 * flow_ids on every stage but its last, which ends it in
 * terminating_flow_ids; each track's uuid is made from its kind and ids.
 */
#include "convert.h"

#include <stdlib.h>

#include "perfetto_writer.h"

#define UUID_XEN       1u
#define UUID_CPU(c)    (0x100000u + (uint64_t)(c))
#define UUID_DOM(d)    (0x200000u + (uint64_t)(d))
#define UUID_LANE(d, v, l) \
    ((UINT64_C(1) << 62) | (uint64_t)(d) << 40 | (uint64_t)(v) << 20 | (uint64_t)(l))

static uint64_t uuid_of(const struct convert_track *t)
{
    switch (t->kind) {
    case TRACK_CPU:
        return UUID_CPU(t->cpu);
    case TRACK_DOM:
        return UUID_DOM(t->dom);
    case TRACK_LANE:
        return UUID_LANE(t->dom, t->vcpu, t->lane);
    default:
        return UUID_XEN;
    }
}

static uint64_t parent_of(const struct convert_track *t)
{
    switch (t->kind) {
    case TRACK_CPU:
        return UUID_XEN;
    case TRACK_LANE:
        return UUID_DOM(t->dom);
    default:
        return 0;
    }
}

static int track(void *ctx, const struct convert_track *t, const char *name, const char *what,
                 int32_t rank)
{
    return pf_track(ctx, uuid_of(t), parent_of(t), name, what, rank);
}

static int stage(void *ctx, const struct convert_stage *st)
{
    struct pf_arg args[] = {
        { .name = "chain", .u = st->chain },
        { .name = "since_previous_ns", .u = st->since_ns },
    };
    struct pf_event e = {
        .ts = st->ts, .track = uuid_of(st->track), .type = PF_INSTANT, .name = st->name,
        .args = args, .nargs = 2,
        .flows = &st->flow, .nflows = st->pos == FLOW_BEGIN || st->pos == FLOW_STEP,
        .ends = &st->flow, .nends = st->pos == FLOW_END,
    };

    return pf_emit(ctx, &e);
}

static int slice(void *ctx, const struct convert_slice *sl)
{
    struct pf_arg args[] = {
        { .name = "chain", .u = sl->c->id },
        { .name = "outcome", .s = sl->outcome },
        { .name = "reason_or_via", .s = sl->how },
        { .name = "delivery", .u = sl->c->delivery },
        { .name = "stages", .u = sl->c->nstages },
        { .name = "total_ns", .u = sl->dur },
    };
    uint64_t uuid = uuid_of(sl->track);
    struct pf_event b = { .ts = sl->ts, .track = uuid, .type = PF_SLICE_BEGIN,
                          .name = sl->title, .args = args, .nargs = 6 };
    struct pf_event e = { .ts = sl->ts + sl->dur, .track = uuid, .type = PF_SLICE_END };

    return pf_emit(ctx, &b) || pf_emit(ctx, &e) ? -1 : 0;
}

struct convert_sink *convert_perfetto_sink(FILE *out)
{
    struct convert_sink *s = calloc(1, sizeof(*s));

    if (!s || !(s->ctx = pf_open(out))) {
        free(s);
        return NULL;
    }
    s->track = track;
    s->stage = stage;
    s->slice = slice;
    return s;
}

int convert_perfetto_end(struct convert_sink *s)
{
    int rc = pf_close(s->ctx);

    free(s);
    return rc;
}
