/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * trace_stats.c - counting pass; event ids go through a small open-addressing
 * table (a trace holds tens to hundreds of distinct ids).
 */
#include "trace_stats.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vec.h"

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

/*
 * One range of the file, counted by one thread.  Nothing counted depends on
 * order, so two ranges add up; only the TSC-backwards check needs the cut
 * stitched (each pCPU's last TSC before it against its first after it).
 */
struct part {
    const char *path;
    struct xt_options opt;
    struct xt_reader *r;            /* kept open for xt_cpu_tsc_edges */
    struct xt_counters xt;          /* the reader's, then the sum of the parts */
    struct counter_map map;
    struct slot direct[DIRECT];     /* direct-mapped counters, then the map */
    struct hv_rec batch[BATCH];
    uint64_t per_cpu[XT_MAX_CPUS];
    uint32_t keep;                  /* the event id whose records are kept */
    struct hv_rec *kept;
    size_t nkept, kept_cap;
    uint64_t lost, lost_events, tsc_first, tsc_last;
    int have_tsc;
    int rc;
    atomic_int stop;                /* set by the other thread: give up, the
                                       result will not be used */
    char err[600];
};

static int keep_rec(struct part *p, const struct hv_rec *rec)
{
    struct hv_rec *n = hv_grow(p->kept, &p->kept_cap, p->nkept + 1, sizeof(*p->kept));

    if (!n)
        return -1;
    p->kept = n;
    p->kept[p->nkept++] = *rec;
    return 0;
}

static void *count_part(void *arg)
{
    struct part *p = arg;
    struct slot *last = NULL;
    uint32_t last_event = 0;
    int rc;

    p->rc = -1;
    p->tsc_first = UINT64_MAX;
    if (xt_open(p->path, &p->opt, &p->r, p->err, sizeof(p->err)))
        return NULL;
    if (map_grow(&p->map))
        goto oom;
    while ((rc = xt_next_batch(p->r, p->batch, BATCH)) > 0) {
        if (atomic_load_explicit(&p->stop, memory_order_relaxed)) {
            snprintf(p->err, sizeof(p->err), "%s: abandoned", p->path);
            return NULL;
        }
        for (int i = 0; i < rc; i++) {
            const struct hv_rec *rec = &p->batch[i];
            struct slot *d = &p->direct[(rec->event ^ rec->event >> 12) & (DIRECT - 1)];

            /* most ids live in the direct-mapped table; collisions go to the map */
            if (d->key == rec->event + 1) {
                d->count++;
            } else if (!d->key) {
                d->key = rec->event + 1;
                d->count = 1;
            } else {
                if (!last || rec->event != last_event) {
                    /* the map may move when it grows: look the slot up again */
                    last = map_slot(&p->map, rec->event);
                    if (!last)
                        goto oom;
                    last_event = rec->event;
                }
                last->count++;
            }
            p->per_cpu[rec->cpu]++;
            if (!(rec->flags & HV_REC_TSC_INHERITED)) {
                /* tsc_first starts at UINT64_MAX, tsc_last at 0 */
                if (rec->tsc < p->tsc_first)
                    p->tsc_first = rec->tsc;
                if (rec->tsc > p->tsc_last)
                    p->tsc_last = rec->tsc;
            }
            if (rec->event == HV_TRC_LOST_RECORDS && rec->nextra >= 1) {
                p->lost += rec->extra[0];
                p->lost_events++;
            }
            if (p->keep && rec->event == p->keep && keep_rec(p, rec))
                goto oom;
        }
    }
    if (rc < 0) {
        snprintf(p->err, sizeof(p->err), "%s", xt_error(p->r));
        return NULL;
    }
    p->have_tsc = p->tsc_first != UINT64_MAX;
    p->xt = *xt_counters(p->r);
    for (size_t i = 0; i < DIRECT; i++) {
        struct slot *m;
        if (!p->direct[i].key)
            continue;
        if (!(m = map_slot(&p->map, p->direct[i].key - 1)))
            goto oom;
        m->count += p->direct[i].count;
    }
    p->rc = 0;
    return NULL;

oom:
    snprintf(p->err, sizeof(p->err), "%s: out of memory", p->path);
    return NULL;
}

static struct part *part_new(const char *path, int tolerant, uint32_t keep,
                             uint64_t from, uint64_t to)
{
    struct part *p = calloc(1, sizeof(*p));

    if (p) {
        p->path = path;
        p->keep = keep;
        p->opt.order = XT_ORDER_FILE;
        p->opt.tolerant = tolerant;
        p->opt.from = from;
        p->opt.to = to;
    }
    return p;
}

static void part_free(struct part *p)
{
    if (!p)
        return;
    if (p->r)
        xt_close(p->r);
    free(p->map.s);
    free(p->kept);
    free(p);
}

/* Add part b (the range after a's) into a. */
static int part_add(struct part *a, struct part *b)
{
    struct xt_counters *x = &a->xt;
    const struct xt_counters *y = &b->xt;
    uint64_t cut_backwards = 0, cut_first = UINT64_MAX;

    for (unsigned cpu = 0; cpu < XT_MAX_CPUS; cpu++) {
        uint64_t af, ao, al, bf, bo, bl;
        a->per_cpu[cpu] += b->per_cpu[cpu];
        if (xt_cpu_tsc_edges(a->r, cpu, &af, &ao, &al) &&
            xt_cpu_tsc_edges(b->r, cpu, &bf, &bo, &bl) && bf < al) {
            cut_backwards++;
            cut_first = bo < cut_first ? bo : cut_first;
        }
    }
    for (size_t i = 0; i < b->map.cap; i++) {
        struct slot *m;
        if (!b->map.s[i].key)
            continue;
        if (!(m = map_slot(&a->map, b->map.s[i].key - 1)))
            return -1;
        m->count += b->map.s[i].count;
    }
    if (b->have_tsc) {
        if (!a->have_tsc || b->tsc_first < a->tsc_first)
            a->tsc_first = b->tsc_first;
        if (!a->have_tsc || b->tsc_last > a->tsc_last)
            a->tsc_last = b->tsc_last;
        a->have_tsc = 1;
    }
    for (size_t i = 0; i < b->nkept; i++)
        if (keep_rec(a, &b->kept[i]))
            return -1;
    a->lost += b->lost;
    a->lost_events += b->lost_events;
    if (!x->tsc_backwards && (cut_backwards || y->tsc_backwards))
        x->first_backwards_offset = cut_backwards ? cut_first : y->first_backwards_offset;
    x->tsc_backwards += cut_backwards + y->tsc_backwards;
    x->windows += y->windows;
    x->records += y->records;
    x->skipped_bytes += y->skipped_bytes;
    x->skipped_windows += y->skipped_windows;
    x->ncpus = y->ncpus > x->ncpus ? y->ncpus : x->ncpus;
    x->end_offset = y->end_offset;
    return 0;
}

#define SPLIT_MIN (64u << 20)       /* smaller files are not worth a thread */
#define CUT_SPAN (64u << 20)        /* where a cut is looked for after the
                                       middle: windows are far smaller */

int trace_stats_compute(const char *path, int tolerant, uint32_t keep,
                        struct trace_stats *st, char *err, size_t errlen)
{
    struct part *a = NULL, *b = NULL;
    uint64_t mid = 0, split_min = SPLIT_MIN;
    const char *knob = getenv("HVPATH_STATS_SPLIT_MIN");   /* tests force splits */
    pthread_t tid;
    struct stat sb;

    memset(st, 0, sizeof(*st));
    /*
     * Two threads, each half the file, when it is big, there are two CPUs,
     * and a window header is found in the CUT_SPAN bytes after the middle.
     * (Tolerant reading resynchronises after damage; it stays in one piece.)
     * Looking for the cut opens the file first, which checks the header at
     * byte 0: a file that is not a trace fails there at once, is not split,
     * and the first part below gives the error on open.  Nor is a damaged
     * stretch after the middle read on through: past CUT_SPAN, one piece.
     */
    if (knob)
        split_min = strtoull(knob, NULL, 0);
    if (!tolerant && !stat(path, &sb) && (uint64_t)sb.st_size >= split_min &&
        sysconf(_SC_NPROCESSORS_ONLN) > 1 &&
        xt_find_window_in(path, (uint64_t)sb.st_size / 2,
                          (uint64_t)sb.st_size / 2 + CUT_SPAN, &mid, err,
                          errlen) != 1)
        mid = 0;

    a = part_new(path, tolerant, keep, 0, mid);
    if (!a)
        goto oom;
    if (mid) {
        b = part_new(path, tolerant, keep, mid, 0);
        if (!b || pthread_create(&tid, NULL, count_part, b)) {
            part_free(b);
            b = NULL;
            a->opt.to = 0;          /* no second thread: one piece */
        }
    }
    count_part(a);
    if (b) {
        /* the second part is of no use if the first failed or ran past the cut */
        if (a->rc || a->xt.end_offset != mid)
            atomic_store_explicit(&b->stop, 1, memory_order_relaxed);
        pthread_join(tid, NULL);
    }
    if (a->rc) {
        snprintf(err, errlen, "%s", a->err);
        goto fail;
    }
    if (b && a->xt.end_offset != mid) {
        /* payload that looked like headers: the first half ran past the cut */
        uint64_t end = a->xt.end_offset;
        part_free(b);
        b = part_new(path, tolerant, keep, end, 0);
        if (!b)
            goto oom;
        count_part(b);
    }
    if (b && b->rc) {
        snprintf(err, errlen, "%s", b->err);
        goto fail;
    }
    if (b && part_add(a, b))
        goto oom;
    if (!a->xt.windows) {
        snprintf(err, errlen, "%s: no intact window", path);
        goto fail;
    }

    st->xt = a->xt;
    st->lost = a->lost;
    st->lost_events = a->lost_events;
    st->tsc_first = a->tsc_first;
    st->tsc_last = a->tsc_last;
    st->have_tsc = a->have_tsc;
    st->per_cpu = malloc(sizeof(a->per_cpu));
    st->events = malloc((a->map.len ? a->map.len : 1) * sizeof(*st->events));
    if (!st->per_cpu || !st->events)
        goto oom;
    memcpy(st->per_cpu, a->per_cpu, sizeof(a->per_cpu));
    for (size_t i = 0; i < a->map.cap; i++) {
        if (a->map.s[i].key) {
            st->events[st->nevents].event = a->map.s[i].key - 1;
            st->events[st->nevents++].count = a->map.s[i].count;
        }
    }
    qsort(st->events, st->nevents, sizeof(*st->events), cmp_event);
    st->kept = a->kept;
    st->nkept = a->nkept;
    a->kept = NULL;
    part_free(a);
    part_free(b);
    return 0;

oom:
    snprintf(err, errlen, "%s: out of memory", path);
fail:
    part_free(a);
    part_free(b);
    trace_stats_free(st);
    return -1;
}

void trace_stats_free(struct trace_stats *st)
{
    free(st->per_cpu);
    free(st->events);
    free(st->kept);
    st->per_cpu = NULL;
    st->events = NULL;
    st->kept = NULL;
    st->nkept = 0;
}
