/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_xt_reader.c - libFuzzer target for the xentrace reader: the input is
 * a file, read both in file order and merged, strict and tolerant.  Any
 * crash, sanitizer report, or a strict pass that succeeds where the tolerant
 * one reports damage is a bug.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "trace_stats.h"
#include "xt_reader.h"

static int run(int fd, enum xt_order order, int tolerant,
               struct xt_counters *cnt, uint64_t *nrec)
{
    struct xt_options opt = { .order = order, .tolerant = tolerant };
    struct xt_reader *r;
    struct hv_rec rec;
    char err[600];
    int rc;

    *nrec = 0;
    if (xt_open_fd(fd, "fuzz-input", &opt, &r, err, sizeof(err)))
        return -1;
    while ((rc = xt_next(r, &rec)) > 0) {
        if (rec.nextra > HV_REC_MAX_EXTRA || rec.event > 0x0fffffff)
            abort();
        (*nrec)++;
    }
    *cnt = *xt_counters(r);
    xt_close(r);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    struct xt_counters c[4];
    uint64_t n[4];
    int rc[4];

    if (fd < 0 && (fd = memfd_create("fuzz-input", 0)) < 0)
        abort();
    if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();

    rc[0] = run(fd, XT_ORDER_FILE, 0, &c[0], &n[0]);
    rc[1] = run(fd, XT_ORDER_TSC, 0, &c[1], &n[1]);
    rc[2] = run(fd, XT_ORDER_FILE, 1, &c[2], &n[2]);
    rc[3] = run(fd, XT_ORDER_TSC, 1, &c[3], &n[3]);

    /* both orders see the same records and the same verdict */
    if (rc[0] != rc[1] || rc[2] != rc[3])
        abort();
    if (rc[0] == 0 && n[0] != n[1])
        abort();
    if (rc[2] == 0 && (n[2] != n[3] || c[2].skipped_bytes != c[3].skipped_bytes))
        abort();
    /* a file the strict reader accepts has nothing for the tolerant one to skip */
    if (rc[0] == 0 && (rc[2] != 0 || c[2].skipped_bytes || n[2] != n[0]))
        abort();

    /* stats split in two ranges (forced) counts what one pass counts */
    {
        struct trace_stats one, two;
        char path[64], err[600];
        int r1, r2;

        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        setenv("HVPATH_STATS_SPLIT_MIN", "999999999999", 1);
        r1 = trace_stats_compute(path, 0, 0, &one, err, sizeof(err));
        setenv("HVPATH_STATS_SPLIT_MIN", "0", 1);
        r2 = trace_stats_compute(path, 0, 0, &two, err, sizeof(err));
        if (r1 != r2 || (r1 == 0) != (rc[0] == 0))
            abort();
        if (r1 == 0) {
            if (one.xt.records != two.xt.records || one.xt.windows != two.xt.windows ||
                one.xt.tsc_backwards != two.xt.tsc_backwards || one.lost != two.lost ||
                one.nevents != two.nevents || one.xt.records != n[0] ||
                memcmp(one.events, two.events, one.nevents * sizeof(*one.events)))
                abort();
            trace_stats_free(&one);
            trace_stats_free(&two);
        }
    }
    return 0;
}
