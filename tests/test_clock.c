/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_clock.c - TSC to ns per pCPU: each pCPU converts at its own scale,
 * a pCPU's later point replaces its earlier one from its stamp on, a pCPU
 * with no point uses the first record's scale, --cpu-hz is the same
 * everywhere, and the disagreement figures say what they say.
 */
#include <string.h>

#include "check.h"
#include "clock.h"
#include "schema.h"

/* A CLOCK_PCPU record of cpu: stamp_tsc, and the scale mul/shift. */
static struct hv_rec clock_rec(unsigned cpu, uint64_t stamp, uint32_t mul, int32_t shift)
{
    const struct hv_event_info *e = hv_event_by_name("TRC_HW_HVPATH_CLOCK_PCPU");
    struct hv_rec r;

    memset(&r, 0, sizeof(r));
    r.event = e->id;
    r.cpu = (uint16_t)cpu;
    r.tsc = stamp;
    r.nextra = e->nwords;
    r.extra[hv_field_word(e->name, "stamp_tsc")] = (uint32_t)stamp;
    r.extra[hv_field_word(e->name, "stamp_tsc") + 1] = (uint32_t)(stamp >> 32);
    r.extra[hv_field_word(e->name, "mul")] = mul;
    r.extra[hv_field_word(e->name, "shift")] = (uint32_t)shift;
    return r;
}

int main(void)
{
    struct hv_clock c;
    struct hv_rec r;
    unsigned a, b;
    double drift, ppm;

    hv_clock_init(&c, 0);
    CHECK(c.source == HV_CLOCK_NONE);
    CHECK_EQ(hv_clock_cpu_ns(&c, 0, 100, 100), 0);

    /* pCPU 0: 0.5 ns per cycle (mul 2^31, shift 0); pCPU 1: 1 ns (2^31, 1) */
    r = clock_rec(0, 1000, 1u << 31, 0);
    CHECK(hv_clock_observe(&c, &r) == 0);
    r = clock_rec(1, 1000, 1u << 31, 1);
    CHECK(hv_clock_observe(&c, &r) == 0);
    CHECK(c.source == HV_CLOCK_RECORDS);
    CHECK_EQ(hv_clock_cpu_ns(&c, 0, 5000, 1000), 500);
    CHECK_EQ(hv_clock_cpu_ns(&c, 1, 5000, 1000), 1000);
    /* before a pCPU's first point: that first point */
    CHECK_EQ(hv_clock_cpu_ns(&c, 1, 10, 1000), 1000);
    /* a pCPU with none: the first record's scale (pCPU 0's) */
    CHECK_EQ(hv_clock_cpu_ns(&c, 7, 5000, 1000), 500);
    CHECK_EQ(hv_clock_ns(&c, 1000), 500);

    /* pCPU 0 recalibrates at 10000: 0.75 ns per cycle from then on */
    r = clock_rec(0, 10000, 3u << 30, 0);
    CHECK(hv_clock_observe(&c, &r) == 0);
    CHECK_EQ(hv_clock_cpu_ns(&c, 0, 9999, 1000), 500);
    CHECK_EQ(hv_clock_cpu_ns(&c, 0, 10000, 1000), 750);
    CHECK_EQ(hv_clock_cpu_ns(&c, 0, 20000, 1000), 750);
    CHECK_EQ(hv_clock_cpu_ns(&c, 0, 5000, 1000), 500);     /* and back */
    /* the same point again is not a new one */
    CHECK(hv_clock_observe(&c, &r) == 0);
    CHECK_EQ(c.points, 3);

    /* between pCPUs: means 0.625 and 1 -> 600000 ppm; pCPU 0 over time: 500000 */
    ppm = hv_clock_disagreement_ppm(&c, &a, &b, &drift);
    CHECK(ppm > 599999 && ppm < 600001);
    CHECK_EQ(a, 0);
    CHECK_EQ(b, 1);
    CHECK(drift > 499999 && drift < 500001);
    hv_clock_free(&c);

    /* --cpu-hz: the same for every pCPU, and clock records do not override it */
    hv_clock_init(&c, 2e9);
    r = clock_rec(0, 1000, 1u << 31, 1);
    CHECK(hv_clock_observe(&c, &r) == 0);
    CHECK(c.source == HV_CLOCK_CPU_HZ);
    CHECK_EQ(hv_clock_cpu_ns(&c, 0, 5000, 2000), 1000);
    CHECK_EQ(hv_clock_cpu_ns(&c, 3, 5000, 2000), 1000);
    CHECK_EQ(hv_clock_cycles(&c, 1000), 2000);
    hv_clock_free(&c);

    /* a span no 64-bit ns count holds (a damaged trace's) saturates, at any
     * scale: found by fuzz_stitch */
    hv_clock_init(&c, 1e8);
    CHECK_EQ(hv_clock_ns(&c, UINT64_MAX), UINT64_MAX);
    CHECK(hv_clock_cycles(&c, UINT64_MAX) / 1000 == UINT64_MAX / 10 / 1000);
    hv_clock_free(&c);
    hv_clock_init(&c, 0);
    r = clock_rec(0, 1000, UINT32_MAX, 31);
    CHECK(hv_clock_observe(&c, &r) == 0);
    CHECK_EQ(hv_clock_cpu_ns(&c, 0, 5000, UINT64_MAX), UINT64_MAX);
    CHECK_EQ(hv_clock_cpu_ns(&c, 0, 5000, 2), UINT32_MAX);    /* 2 << 31 * mul >> 32 */
    hv_clock_free(&c);
    return check_done();
}
