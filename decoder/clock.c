/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * clock.c - TSC to ns, the way Xen's scale_delta() does it, per pCPU.
 */
#include "clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "vec.h"

static uint32_t clock_event;
static int w_stime, w_stamp, w_mul, w_shift;

static void resolve(void)
{
    const struct hv_event_info *e;

    if (clock_event)
        return;
    e = hv_event_by_name("TRC_HW_HVPATH_CLOCK_PCPU");
    clock_event = e ? e->id : 0xffffffffu;  /* never matches without one */
    w_stime = hv_field_word("TRC_HW_HVPATH_CLOCK_PCPU", "stime");
    w_stamp = hv_field_word("TRC_HW_HVPATH_CLOCK_PCPU", "stamp_tsc");
    w_mul = hv_field_word("TRC_HW_HVPATH_CLOCK_PCPU", "mul");
    w_shift = hv_field_word("TRC_HW_HVPATH_CLOCK_PCPU", "shift");
}

void hv_clock_init(struct hv_clock *c, double cpu_hz)
{
    memset(c, 0, sizeof(*c));
    c->source = cpu_hz > 0 ? HV_CLOCK_CPU_HZ : HV_CLOCK_NONE;
    c->cpu_hz = cpu_hz;
}

/* delta cycles in ns at (mul, shift); a span too long for 64 bits of ns
 * (only a damaged trace has one) saturates instead of wrapping */
static inline uint64_t scale(uint64_t delta, uint32_t mul, int32_t shift)
{
    unsigned __int128 t = delta;

    if (shift < 0)
        t >>= -shift;
    else
        t <<= shift;
    t = t * mul >> 32;
    return t > UINT64_MAX ? UINT64_MAX : (uint64_t)t;
}

static inline uint64_t saturate(double v)
{
    return v >= 18446744073709551615.0 ? UINT64_MAX : (uint64_t)v;
}

static inline uint64_t word2(const struct hv_rec *r, int w)
{
    return (uint64_t)r->extra[w] | (uint64_t)r->extra[w + 1] << 32;
}

int hv_clock_observe(struct hv_clock *c, const struct hv_rec *r)
{
    struct hv_clock_point pt, *np;
    struct hv_clock_cpu *cc;

    resolve();
    if (r->event != clock_event || c->source == HV_CLOCK_CPU_HZ || w_mul < 0 ||
        w_shift < 0 || w_stime < 0 || w_stamp < 0 || r->nextra <= (unsigned)w_shift)
        return 0;
    pt.mul = r->extra[w_mul];
    pt.shift = (int32_t)r->extra[w_shift];
    pt.stime = word2(r, w_stime);
    pt.stamp_tsc = word2(r, w_stamp);
    if (!pt.mul || pt.shift <= -32 || pt.shift >= 32)
        return 0;
    if (c->source == HV_CLOCK_NONE) {
        c->source = HV_CLOCK_RECORDS;
        c->mul = pt.mul;
        c->shift = pt.shift;
    }
    if (r->cpu >= c->ncpus) {
        unsigned n = r->cpu + 1u;
        struct hv_clock_cpu *nc = realloc(c->cpus, n * sizeof(*nc));
        if (!nc)
            return -1;
        memset(nc + c->ncpus, 0, (n - c->ncpus) * sizeof(*nc));
        c->cpus = nc;
        c->ncpus = n;
    }
    cc = &c->cpus[r->cpu];
    /* a pCPU's points come in time order; the same point again adds nothing */
    if (cc->n && cc->p[cc->n - 1].stamp_tsc == pt.stamp_tsc &&
        cc->p[cc->n - 1].mul == pt.mul && cc->p[cc->n - 1].shift == pt.shift)
        return 0;
    np = hv_grow(cc->p, &cc->cap, cc->n + 1, sizeof(*cc->p));
    if (!np)
        return -1;
    cc->p = np;
    /* keep them sorted should a record come out of order */
    size_t i = cc->n++;
    while (i && cc->p[i - 1].stamp_tsc > pt.stamp_tsc) {
        cc->p[i] = cc->p[i - 1];
        i--;
    }
    cc->p[i] = pt;
    c->points++;
    return 0;
}

uint32_t hv_clock_event(void)
{
    resolve();
    return clock_event;
}

uint64_t hv_clock_ns(const struct hv_clock *c, uint64_t delta)
{
    switch (c->source) {
    case HV_CLOCK_RECORDS:
        return scale(delta, c->mul, c->shift);
    case HV_CLOCK_CPU_HZ:
        return saturate((double)delta * 1e9 / c->cpu_hz + 0.5);
    default:
        return 0;
    }
}

uint64_t hv_clock_cpu_ns(struct hv_clock *c, unsigned cpu, uint64_t at, uint64_t delta)
{
    struct hv_clock_cpu *cc;
    size_t i;

    if (c->source != HV_CLOCK_RECORDS || cpu >= c->ncpus || !c->cpus[cpu].n)
        return hv_clock_ns(c, delta);
    cc = &c->cpus[cpu];
    /* the latest point at or before at, starting from the last one used */
    i = cc->hint < cc->n ? cc->hint : 0;
    while (i + 1 < cc->n && cc->p[i + 1].stamp_tsc <= at)
        i++;
    while (i > 0 && cc->p[i].stamp_tsc > at)
        i--;
    cc->hint = i;
    return scale(delta, cc->p[i].mul, cc->p[i].shift);
}

uint64_t hv_clock_cycles(const struct hv_clock *c, uint64_t ns)
{
    unsigned __int128 t;

    switch (c->source) {
    case HV_CLOCK_RECORDS:
        t = ((unsigned __int128)ns << 32) / c->mul;
        if (c->shift < 0)
            t <<= -c->shift;
        else
            t >>= c->shift;
        return t > UINT64_MAX ? UINT64_MAX : (uint64_t)t;
    case HV_CLOCK_CPU_HZ:
        return saturate((double)ns * c->cpu_hz / 1e9 + 0.5);
    default:
        return 0;
    }
}

/* ns per 2^32 cycles at (mul, shift): comparable across points */
static double per_cycle(const struct hv_clock_point *p)
{
    return (double)p->mul * (p->shift < 0 ? 1.0 / (double)(1ull << -p->shift)
                                          : (double)(1ull << p->shift));
}

double hv_clock_disagreement_ppm(const struct hv_clock *c, unsigned *cpu_a,
                                 unsigned *cpu_b, double *drift)
{
    double lo = 0, hi = 0;
    int any = 0;

    *cpu_a = *cpu_b = 0;
    *drift = 0;
    for (unsigned cpu = 0; c->source == HV_CLOCK_RECORDS && cpu < c->ncpus; cpu++) {
        const struct hv_clock_cpu *cc = &c->cpus[cpu];
        double sum = 0, mn = 0, mx = 0, mean;

        if (!cc->n)
            continue;
        for (size_t i = 0; i < cc->n; i++) {
            double v = per_cycle(&cc->p[i]);
            sum += v;
            mn = !i || v < mn ? v : mn;
            mx = !i || v > mx ? v : mx;
        }
        if (mn > 0 && (mx - mn) / mn * 1e6 > *drift)
            *drift = (mx - mn) / mn * 1e6;
        mean = sum / (double)cc->n;
        if (!any || mean < lo) {
            lo = mean;
            *cpu_a = cpu;
        }
        if (!any || mean > hi) {
            hi = mean;
            *cpu_b = cpu;
        }
        any = 1;
    }
    return any && lo > 0 ? (hi - lo) / lo * 1e6 : 0.0;
}

const char *hv_clock_describe(const struct hv_clock *c, char *buf, unsigned len)
{
    unsigned a, b;
    double ppm, drift;

    switch (c->source) {
    case HV_CLOCK_RECORDS:
        ppm = hv_clock_disagreement_ppm(c, &a, &b, &drift);
        snprintf(buf, len, "Xen clock records (tsc_to_system mul %#x, shift %d; %llu "
                 "points on %u pCPUs, each pCPU at its own scale; between pCPUs the "
                 "scales differ by %.1f ppm (pCPU %u vs %u), one pCPU's over time by up "
                 "to %.1f ppm)", c->mul, c->shift, (unsigned long long)c->points,
                 c->ncpus, ppm, a, b, drift);
        break;
    case HV_CLOCK_CPU_HZ:
        snprintf(buf, len, "--cpu-hz %.6g", c->cpu_hz);
        break;
    default:
        snprintf(buf, len, "none");
    }
    return buf;
}

void hv_clock_free(struct hv_clock *c)
{
    for (unsigned i = 0; i < c->ncpus; i++)
        free(c->cpus[i].p);
    free(c->cpus);
    c->cpus = NULL;
    c->ncpus = 0;
}
