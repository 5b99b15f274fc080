/*
 * trace_stats.c - counting pass; event ids go through a small open-addressing
 * table (a trace holds tens to hundreds of distinct ids).
 */
#include "trace_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 512                   /* records decoded per reader call */
#define DIRECT 4096                 /* direct-mapped event counters */

struct slot {
    uint32_t key;                   /* event + 1; 0 = empty (event ids are 28 bits) */
    uint64_t count;
};

struct counter_map {
    struct slot *s;
    size_t cap, len;                /* cap is a power of two */
};

static inline size_t hash32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    return x;
}

static int map_grow(struct counter_map *m)
{
    size_t ncap = m->cap ? 2 * m->cap : 256;
    struct slot *ns = calloc(ncap, sizeof(*ns));

    if (!ns)
        return -1;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->s[i].key)
            continue;
        size_t j = hash32(m->s[i].key) & (ncap - 1);
        while (ns[j].key)
            j = (j + 1) & (ncap - 1);
        ns[j] = m->s[i];
    }
    free(m->s);
    m->s = ns;
    m->cap = ncap;
    return 0;
}

static struct slot *map_slot(struct counter_map *m, uint32_t event)
{
    uint32_t key = event + 1;
    size_t i = hash32(key) & (m->cap - 1);

    while (m->s[i].key != key) {
        if (!m->s[i].key) {
            /* a new id: keep the table at most half full */
            if (2 * (m->len + 1) > m->cap) {
                if (map_grow(m))
                    return NULL;
                return map_slot(m, event);
            }
            m->s[i].key = key;
            m->len++;
            break;
        }
        i = (i + 1) & (m->cap - 1);
    }
    return &m->s[i];
}

static int cmp_event(const void *a, const void *b)
{
    const struct trace_event_count *x = a, *y = b;
    return (x->event > y->event) - (x->event < y->event);
}

int trace_stats_compute(const char *path, int tolerant, struct trace_stats *st,
                        char *err, size_t errlen)
{
    struct xt_options opt = { XT_ORDER_FILE, tolerant };
    struct counter_map map = { 0 };
    struct xt_reader *r;
    static __thread struct hv_rec batch[BATCH];
    static __thread struct slot direct[DIRECT];
    struct slot *last = NULL;
    uint32_t last_event = 0;
    int rc;

    memset(st, 0, sizeof(*st));
    memset(direct, 0, sizeof(direct));
    if (xt_open(path, &opt, &r, err, errlen))
        return -1;
    st->per_cpu = calloc(XT_MAX_CPUS, sizeof(*st->per_cpu));
    if (!st->per_cpu || map_grow(&map))
        goto oom;

    while ((rc = xt_next_batch(r, batch, BATCH)) > 0) {
        for (int i = 0; i < rc; i++) {
            const struct hv_rec *rec = &batch[i];

            struct slot *d = &direct[(rec->event ^ rec->event >> 12) & (DIRECT - 1)];

            /* most ids live in the direct-mapped table; collisions go to the map */
            if (d->key == rec->event + 1) {
                d->count++;
            } else if (!d->key) {
                d->key = rec->event + 1;
                d->count = 1;
            } else {
                if (!last || rec->event != last_event) {
                    /* the map may move when it grows: look the slot up again */
                    last = map_slot(&map, rec->event);
                    if (!last)
                        goto oom;
                    last_event = rec->event;
                }
                last->count++;
            }
            st->per_cpu[rec->cpu]++;
            if (!(rec->flags & HV_REC_TSC_INHERITED)) {
                if (!st->have_tsc || rec->tsc < st->tsc_first)
                    st->tsc_first = rec->tsc;
                if (!st->have_tsc || rec->tsc > st->tsc_last)
                    st->tsc_last = rec->tsc;
                st->have_tsc = 1;
            }
            if (rec->event == HV_TRC_LOST_RECORDS && rec->nextra >= 1) {
                st->lost += rec->extra[0];
                st->lost_events++;
            }
        }
    }
    if (rc < 0) {
        snprintf(err, errlen, "%s", xt_error(r));
        goto fail;
    }

    for (size_t i = 0; i < DIRECT; i++) {
        struct slot *m;
        if (!direct[i].key)
            continue;
        if (!(m = map_slot(&map, direct[i].key - 1)))
            goto oom;
        m->count += direct[i].count;
    }
    st->xt = *xt_counters(r);
    st->events = malloc((map.len ? map.len : 1) * sizeof(*st->events));
    if (!st->events)
        goto oom;
    for (size_t i = 0; i < map.cap; i++) {
        if (map.s[i].key) {
            st->events[st->nevents].event = map.s[i].key - 1;
            st->events[st->nevents++].count = map.s[i].count;
        }
    }
    qsort(st->events, st->nevents, sizeof(*st->events), cmp_event);
    free(map.s);
    xt_close(r);
    return 0;

oom:
    snprintf(err, errlen, "%s: out of memory", path);
fail:
    free(map.s);
    xt_close(r);
    trace_stats_free(st);
    return -1;
}

void trace_stats_free(struct trace_stats *st)
{
    free(st->per_cpu);
    free(st->events);
    st->per_cpu = NULL;
    st->events = NULL;
}
