/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stitch_vcpu.c - what the stitcher knows per vCPU (its open delivery,
 * where it runs, when it last ran, the epoch its delivery state last
 * changed in), found through a hash map, and the list of open deliveries.
 *
 * States are kept for every vCPU seen, up to MAX_VSTATES; past that the
 * states of vCPUs with no open delivery are dropped.  A dropped state only
 * makes the stitcher more careful: a vCPU it knows nothing about may have
 * had its delivery hidden by a gap (epoch 0) and may have run.
 */
#include "stitch_int.h"

#include <stdlib.h>
#include <string.h>

#include "vec.h"

static inline uint32_t vkey(int32_t dom, int32_t vcpu)
{
    return (uint32_t)dom << 16 | ((uint32_t)vcpu & 0xffff);
}

struct vstate *st_vcpu_find(const struct stitcher *s, int32_t dom, int32_t vcpu)
{
    uint32_t i;

    if (!u32map_get(&s->vmap, vkey(dom, vcpu), &i))
        return NULL;
    return &s->vs[i];
}

struct delivery *st_find_open(const struct stitcher *s, int32_t dom, int32_t vcpu)
{
    struct vstate *v = st_vcpu_find(s, dom, vcpu);

    return v ? v->open : NULL;
}

/* Keep only the states with an open delivery (rebuilding the map). */
static int compact(struct stitcher *s)
{
    size_t n = 0;

    u32map_clear(&s->vmap);
    for (size_t i = 0; i < s->nvs; i++) {
        if (!s->vs[i].open)
            continue;
        s->vs[n] = s->vs[i];
        s->vs[n].open->vidx = (uint32_t)n;
        if (u32map_put(&s->vmap, s->vs[n].key, (uint32_t)n))
            return -1;
        n++;
    }
    s->nvs = n;
    return 0;
}

struct vstate *st_vcpu(struct stitcher *s, int32_t dom, int32_t vcpu)
{
    struct vstate *v = st_vcpu_find(s, dom, vcpu), *n;

    if (v)
        return v;
    if (s->nvs >= MAX_VSTATES && compact(s)) {
        s->oom = 1;
        return NULL;
    }
    n = hv_grow(s->vs, &s->vs_cap, s->nvs + 1, sizeof(*s->vs));
    if (!n) {
        s->oom = 1;
        return NULL;
    }
    s->vs = n;
    if (u32map_put(&s->vmap, vkey(dom, vcpu), (uint32_t)s->nvs)) {
        s->oom = 1;
        return NULL;
    }
    v = &s->vs[s->nvs++];
    memset(v, 0, sizeof(*v));
    v->key = vkey(dom, vcpu);
    v->dom = dom;
    v->vcpu = vcpu;
    v->cpu = v->last_cpu = NO_CPU;
    v->runstate = RS_UNKNOWN;
    return v;
}

void st_open_link(struct stitcher *s, struct delivery *d)
{
    d->prev = NULL;
    d->next = s->open_head;
    if (s->open_head)
        s->open_head->prev = d;
    s->open_head = d;
    s->nopen++;
}

void st_open_unlink(struct stitcher *s, struct delivery *d)
{
    if (d->prev)
        d->prev->next = d->next;
    else if (s->open_head == d)
        s->open_head = d->next;
    if (d->next)
        d->next->prev = d->prev;
    d->prev = d->next = NULL;
    s->nopen--;
}

int st_guest_ran_since(const struct stitcher *s, const struct vstate *v,
                       const struct delivery *d)
{
    /*
     * What shows a guest running is the scheduler's records, or an HVM
     * guest's VM entries.  Where the event mask left those out, a vCPU the
     * kick found blocked can be switched in and take its events in its
     * handler with no record at all: it may have run.
     */
    if (!s->sched_traced && !(v->hvm && s->cnt.vmentries))
        return 1;
    return d->was_running || v->cpu != NO_CPU || v->ran_tsc >= d->open_tsc;
}

void st_vcpu_free(struct stitcher *s)
{
    free(s->vs);
    u32map_free(&s->vmap);
    s->vs = NULL;
    s->nvs = s->vs_cap = 0;
}
