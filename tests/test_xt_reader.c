/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_xt_reader.c - the xentrace reader on hand-built fixtures: merge order,
 * TSC inheritance, lost records, wrap padding, late pCPUs, and every kind of
 * damage, strict and --tolerant.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "fixtures.h"
#include "trace_stats.h"
#include "xt_reader.h"

static char dir[] = "/tmp/hvpath-test-XXXXXX";

static const char *fixture_path(const char *name)
{
    static char path[256];
    const struct fixture *f = fixture_find(name);
    struct xtg g;

    xtg_init(&g);
    f->build(&g);
    snprintf(path, sizeof(path), "%s/%s.xt", dir, name);
    if (xtg_write(&g, path)) {
        perror(path);
        exit(99);
    }
    xtg_free(&g);
    return path;
}

/* Read a whole fixture; returns the record count or -1 (message in err). */
static int read_all(const char *name, enum xt_order order, int tolerant,
                    struct hv_rec *recs, int max, struct xt_counters *cnt,
                    char *err, size_t errlen)
{
    struct xt_options opt = { .order = order, .tolerant = tolerant };
    struct xt_reader *r;
    struct hv_rec rec;
    int n = 0, rc;

    if (xt_open(fixture_path(name), &opt, &r, err, errlen))
        return -1;
    while ((rc = xt_next(r, &rec)) > 0) {
        if (n < max)
            recs[n] = rec;
        n++;
    }
    if (rc < 0)
        snprintf(err, errlen, "%s", xt_error(r));
    if (cnt)
        *cnt = *xt_counters(r);
    xt_close(r);
    return rc < 0 ? -1 : n;
}

static void test_interleave(void)
{
    struct hv_rec r[16];
    struct xt_counters c;
    char err[512];
    static const uint64_t tsc[] = { 100, 200, 300, 400, 450, 500 };
    static const uint16_t cpu[] = { 0, 1, 0, 1, 1, 0 };
    int n = read_all("interleave", XT_ORDER_TSC, 0, r, 16, &c, err, sizeof(err));

    CHECK_EQ(n, 6);
    for (int i = 0; i < 6 && i < n; i++) {
        CHECK_EQ(r[i].tsc, tsc[i]);
        CHECK_EQ(r[i].cpu, cpu[i]);
        CHECK_EQ(r[i].flags, 0);
    }
    CHECK_EQ(c.windows, 4);
    CHECK_EQ(c.ncpus, 2);
    /* fields survive: the TRC_HW_IRQ_HANDLED at tsc 500 */
    CHECK_EQ(r[5].event, 0x00802008);
    CHECK_EQ(r[5].nextra, 3);
    CHECK_EQ(r[5].extra[1], 0x1234);
    /* its header sits after 2 windows: 12+20+24 + 12+20+20 + 12 = 120 */
    CHECK_EQ(r[5].offset, 120);

    /* file order keeps the stored order */
    n = read_all("interleave", XT_ORDER_FILE, 0, r, 16, NULL, err, sizeof(err));
    CHECK_EQ(n, 6);
    CHECK_EQ(r[0].tsc, 100);
    CHECK_EQ(r[1].tsc, 300);
    CHECK_EQ(r[2].tsc, 200);
    CHECK_EQ(r[5].tsc, 450);
}

static void test_late_cpu(void)
{
    struct hv_rec r[8];
    char err[512];
    int n = read_all("late-cpu", XT_ORDER_TSC, 0, r, 8, NULL, err, sizeof(err));

    CHECK_EQ(n, 5);
    CHECK_EQ(r[0].tsc, 5);
    CHECK_EQ(r[0].cpu, 3);
    CHECK_EQ(r[1].tsc, 1000);
    CHECK_EQ(r[3].tsc, 1015);
    CHECK_EQ(r[3].cpu, 3);
    CHECK_EQ(r[4].tsc, 1020);
}

static void test_lost(void)
{
    struct trace_stats st;
    char err[512];

    CHECK(trace_stats_compute(fixture_path("lost"), 0, 0, &st, err, sizeof(err)) == 0);
    CHECK_EQ(st.lost, 12);
    CHECK_EQ(st.lost_events, 2);
    CHECK_EQ(st.xt.records, 4);
    CHECK_EQ(st.tsc_first, 10);
    CHECK_EQ(st.tsc_last, 30);
    CHECK_EQ(st.per_cpu[0], 3);
    CHECK_EQ(st.per_cpu[1], 1);
    CHECK_EQ(st.nevents, 2);
    CHECK_EQ(st.events[0].event, 0x0001f001);
    CHECK_EQ(st.events[0].count, 2);
    trace_stats_free(&st);
}

static void test_wrap(void)
{
    struct hv_rec r[8];
    char err[512];
    int n = read_all("wrap", XT_ORDER_TSC, 0, r, 8, NULL, err, sizeof(err));

    /* padding records are records; what follows them decodes intact */
    CHECK_EQ(n, 5);
    CHECK_EQ(r[1].event, 0x0001f002);
    CHECK_EQ(r[1].nextra, 5);
    CHECK_EQ(r[3].event, 0x0001f002);
    CHECK_EQ(r[3].flags, HV_REC_TSC_INHERITED);
    CHECK_EQ(r[3].tsc, 120);
    CHECK_EQ(r[4].tsc, 130);
    CHECK_EQ(r[4].extra[1], 2);
}

static void test_notsc(void)
{
    struct hv_rec r[8];
    char err[512];
    int n = read_all("notsc", XT_ORDER_TSC, 0, r, 8, NULL, err, sizeof(err));

    CHECK_EQ(n, 5);
    /* no TSC before it on cpu 0: tsc 0, sorted first, marked */
    CHECK_EQ(r[0].cpu, 0);
    CHECK_EQ(r[0].tsc, 0);
    CHECK_EQ(r[0].flags, HV_REC_TSC_INHERITED | HV_REC_TSC_NONE);
    CHECK_EQ(r[1].tsc, 50);
    CHECK_EQ(r[2].tsc, 100);
    CHECK_EQ(r[2].flags, 0);
    CHECK_EQ(r[3].tsc, 100);
    CHECK_EQ(r[3].cpu, 0);
    CHECK_EQ(r[3].flags, HV_REC_TSC_INHERITED);
    CHECK_EQ(r[3].extra[0], 0xf3);
    CHECK_EQ(r[4].tsc, 150);
}

static void test_backwards(void)
{
    struct xt_counters c;
    struct hv_rec r[4];
    char err[512];
    int n = read_all("backwards", XT_ORDER_TSC, 0, r, 4, &c, err, sizeof(err));

    CHECK_EQ(n, 2);
    CHECK_EQ(c.tsc_backwards, 1);
    CHECK_EQ(c.first_backwards_offset, 32);
    /* order within a pCPU is kept even so */
    CHECK_EQ(r[0].tsc, 100);
    CHECK_EQ(r[1].tsc, 50);
}

static void test_unknown(void)
{
    struct hv_rec r[4];
    char err[512];
    int n = read_all("unknown", XT_ORDER_TSC, 0, r, 4, NULL, err, sizeof(err));

    CHECK_EQ(n, 2);
    CHECK_EQ(r[0].event, 0x00808fff);
    CHECK_EQ(r[0].nextra, 7);
    CHECK_EQ(r[0].extra[6], 7);
    CHECK_EQ(r[1].event, 0x0ffffffe);
    CHECK_EQ(r[1].nextra, 0);
}

/* Every damaged fixture: strict fails naming file and offset. */
static void test_damage_strict(void)
{
    for (unsigned i = 0; i < nfixtures; i++) {
        const struct fixture *f = &fixtures[i];
        char err[512], want[64];
        struct hv_rec r[8];

        if (!f->bad)
            continue;
        for (int order = 0; order < 2; order++) {
            int n = read_all(f->name, (enum xt_order)order, 0, r, 8, NULL, err,
                             sizeof(err));
            CHECK_EQ(n, -1);
            CHECK(strstr(err, f->name) != NULL);
            if (strcmp(f->name, "empty")) {
                snprintf(want, sizeof(want), "byte %llu:",
                         (unsigned long long)f->bad_offset);
                if (!strstr(err, want))
                    fprintf(stderr, "%s: error lacks '%s': %s\n", f->name, want, err);
                CHECK(strstr(err, want) != NULL);
            }
        }
    }
}

static void test_damage_tolerant(void)
{
    struct xt_counters c;
    struct hv_rec r[8];
    char err[512];
    int n;

    n = read_all("garbage-mid", XT_ORDER_TSC, 1, r, 8, &c, err, sizeof(err));
    CHECK_EQ(n, 2);
    CHECK_EQ(c.skipped_bytes, 40);
    CHECK_EQ(c.skipped_windows, 1);
    CHECK_EQ(r[1].tsc, 200);

    n = read_all("rec-overrun", XT_ORDER_FILE, 1, r, 8, &c, err, sizeof(err));
    CHECK_EQ(n, 1);
    CHECK_EQ(c.skipped_bytes, 8);

    n = read_all("past-eof", XT_ORDER_TSC, 1, r, 8, &c, err, sizeof(err));
    CHECK_EQ(n, 1);
    CHECK(c.skipped_bytes > 0);

    n = read_all("trunc-header", XT_ORDER_TSC, 1, r, 8, &c, err, sizeof(err));
    CHECK_EQ(n, 1);
    CHECK_EQ(c.skipped_bytes, 8);

    /* nothing intact at all is still an error */
    n = read_all("not-xentrace", XT_ORDER_TSC, 1, r, 8, &c, err, sizeof(err));
    CHECK_EQ(n, -1);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 99;
    }
    test_interleave();
    test_late_cpu();
    test_lost();
    test_wrap();
    test_notsc();
    test_backwards();
    test_unknown();
    test_damage_strict();
    test_damage_tolerant();
    for (unsigned i = 0; i < nfixtures; i++) {
        char path[300];
        snprintf(path, sizeof(path), "%s/%s.xt", dir, fixtures[i].name);
        unlink(path);
    }
    rmdir(dir);
    return check_done();
}
