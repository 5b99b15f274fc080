/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * clock.c - TSC to ns, the way Xen's scale_delta() does it.
 */
#include "clock.h"

#include <stdio.h>

#include "schema.h"
#include "xt_reader.h"

static uint32_t clock_event;
static int w_mul, w_shift;

static void resolve(void)
{
    const struct hv_event_info *e;

    if (clock_event)
        return;
    e = hv_event_by_name("TRC_HVPATH_CLOCK_PCPU");
    clock_event = e ? e->id : 0xffffffffu;  /* never matches without one */
    w_mul = hv_field_word("TRC_HVPATH_CLOCK_PCPU", "mul");
    w_shift = hv_field_word("TRC_HVPATH_CLOCK_PCPU", "shift");
}

void hv_clock_init(struct hv_clock *c, double cpu_hz)
{
    c->source = cpu_hz > 0 ? HV_CLOCK_CPU_HZ : HV_CLOCK_NONE;
    c->cpu_hz = cpu_hz;
    c->mul = 0;
    c->shift = 0;
}

void hv_clock_observe(struct hv_clock *c, const struct hv_rec *r)
{
    resolve();
    if (r->event != clock_event || c->source == HV_CLOCK_CPU_HZ ||
        w_mul < 0 || w_shift < 0 || r->nextra <= (unsigned)w_shift)
        return;
    c->mul = r->extra[w_mul];
    c->shift = (int32_t)r->extra[w_shift];
    if (c->mul && c->shift > -32 && c->shift < 32)
        c->source = HV_CLOCK_RECORDS;
}

int hv_clock_from_file(struct hv_clock *c, const char *path, char *err,
                       unsigned errlen)
{
    struct xt_options opt = { .order = XT_ORDER_FILE, .tolerant = 1 };
    struct xt_reader *r;
    struct hv_rec rec;
    int rc;

    if (xt_open(path, &opt, &r, err, errlen))
        return -1;
    while ((rc = xt_next(r, &rec)) > 0) {
        hv_clock_observe(c, &rec);
        if (c->source != HV_CLOCK_NONE)
            break;
    }
    if (rc < 0)
        snprintf(err, errlen, "%s", xt_error(r));
    xt_close(r);
    if (rc < 0)
        return -1;
    return c->source != HV_CLOCK_NONE;
}

uint64_t hv_clock_ns(const struct hv_clock *c, uint64_t delta)
{
    switch (c->source) {
    case HV_CLOCK_RECORDS:
        if (c->shift < 0)
            delta >>= -c->shift;
        else
            delta <<= c->shift;
        return (uint64_t)(((unsigned __int128)delta * c->mul) >> 32);
    case HV_CLOCK_CPU_HZ:
        return (uint64_t)((double)delta * 1e9 / c->cpu_hz + 0.5);
    default:
        return 0;
    }
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
        return (uint64_t)((double)ns * c->cpu_hz / 1e9 + 0.5);
    default:
        return 0;
    }
}

const char *hv_clock_describe(const struct hv_clock *c, char *buf, unsigned len)
{
    switch (c->source) {
    case HV_CLOCK_RECORDS:
        snprintf(buf, len, "Xen clock records (tsc_to_system mul %#x, shift %d)",
                 c->mul, c->shift);
        break;
    case HV_CLOCK_CPU_HZ:
        snprintf(buf, len, "--cpu-hz %.6g", c->cpu_hz);
        break;
    default:
        snprintf(buf, len, "none");
    }
    return buf;
}
