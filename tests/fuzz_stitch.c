/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_stitch.c - libFuzzer target for the stitcher and the chain commands.
 *
 * The first byte picks how the rest is read:
 *   even  records, fed straight to the stitcher: each 12 bytes pick one of
 *         the events it reads (or another), a pCPU among 0, 1, 2 and 4095, a
 *         TSC step (now and then backwards) and payload words drawn from
 *         small sets of doms, vCPUs, ports and outcomes, so that chains meet;
 *         with tight memory bounds, so those paths run too.  Every chain it
 *         gives must be well formed, and every chain it opened must come out;
 *   odd   a xentrace file, run through `hvpath report` (text and JSON, every
 *         --sort key, --hist), `hvpath script` (text and JSON lines) and
 *         `hvpath convert` (perfetto, chrome-json), as
 *         the CLI runs them, --tolerant and strict.
 * Any crash, sanitizer report or broken invariant is a bug.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "builtin.h"
#include "schema.h"
#include "stitch.h"

#define NEVENTS 24

static uint32_t events[NEVENTS];
static unsigned nevents;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *ev;
    unsigned stage;

    (void)argc;
    (void)argv;
    /* the records the stitcher reads, and two it does not */
    for (unsigned i = 0; chain_record_at(i, &ev, &stage) && nevents < NEVENTS - 2; i++)
        events[nevents++] = hv_event_by_name(ev)->id;
    events[nevents++] = hv_event_by_name("TRC_HW_HVPATH_PIRQ_EOI")->id;
    events[nevents++] = 0x00021011;     /* a runstate change the family decodes */
    /* the reports go nowhere; their errors too, with -close_fd_mask=2 */
    if (!freopen("/dev/null", "w", stdout))
        abort();
    return 0;
}

static void check_chain(const struct chain *c)
{
    if (c->outcome >= CHAIN_OUTCOME_COUNT || c->source >= CHAIN_SRC_COUNT ||
        c->nstages > CHAIN_MAX_STAGES)
        abort();
    if (c->outcome == CHAIN_INCOMPLETE && (c->reason == REASON_NONE || c->reason >= REASON_COUNT))
        abort();
    if (c->outcome != CHAIN_INCOMPLETE && c->reason != REASON_NONE)
        abort();
    if (c->outcome == CHAIN_COALESCED && c->via >= VIA_COUNT)
        abort();
    for (unsigned i = 0; i < c->nstages; i++)
        if (c->stages[i].kind >= STAGE_KIND_COUNT)
            abort();
}

static void records(const uint8_t *p, size_t n)
{
    static const uint16_t cpus[4] = { 0, 1, 2, 4095 };
    struct stitch_options so = { .silent_cycles = 5000, .max_held = 64, .max_riders = 8 };
    struct stitcher *s = stitch_new(&so);
    const struct stitch_counters *cnt;
    struct chain c;
    uint64_t tsc = 1000000, popped = 0, total = 0;

    if (!s)
        abort();
    for (; n >= 12; p += 12, n -= 12) {
        struct hv_rec r;
        int16_t step;

        memset(&r, 0, sizeof(r));
        r.event = events[p[0] % nevents];
        r.cpu = cpus[p[1] & 3];
        memcpy(&step, p + 2, 2);
        tsc += step > -200 ? (uint64_t)(step + 200) : (uint64_t)0 - 5;  /* now and then back */
        r.tsc = tsc;
        r.flags = p[1] & 0x80 ? HV_REC_TSC_INHERITED : 0;
        r.nextra = (uint8_t)(p[1] >> 4 & 7);
        /* small values, so that doms, vCPUs, ports and outcomes meet */
        for (unsigned w = 0; w < HV_REC_MAX_EXTRA; w++)
            r.extra[w] = p[4 + w] & 0x0f;
        r.extra[0] = p[4] & 3;                  /* dom (or the first word) */
        if (stitch_feed(s, &r))
            abort();
        while (stitch_pop(s, &c)) {
            check_chain(&c);
            popped++;
        }
    }
    if (stitch_finish(s))
        abort();
    while (stitch_pop(s, &c)) {
        check_chain(&c);
        popped++;
    }
    /* every chain it counted came out, and it says how each ended */
    cnt = stitch_counters(s);
    for (unsigned o = 0; o < CHAIN_OUTCOME_COUNT; o++)
        total += cnt->chains[o];
    if (total != popped)
        abort();
    stitch_free(s);
}

/* cmd(args...) with the file as the last argument */
static void run(int (*cmd)(int, char **), const char *path, const char *const *args)
{
    char *argv[16];
    int argc = 0;

    for (; *args && argc < 14; args++)
        argv[argc++] = (char *)*args;
    argv[argc++] = (char *)path;
    argv[argc] = NULL;
    cmd(argc, argv);
}

static void file(const uint8_t *p, size_t n)
{
    static const char *const report_text[] = { "report", "--tolerant", "--cpu-hz", "1e9",
                                               "--hist", "--sort", "source,dom,port,vcpu", NULL };
    static const char *const report_json[] = { "report", "--json", "--include-tracer", NULL };
    static const char *const report_strict[] = { "report", "--cpu-hz", "2.4e9", "--json", NULL };
    static const char *const script_text[] = { "script", "--tolerant", "--cpu-hz", "1e9", NULL };
    static const char *const script_jsonl[] = { "script", "--format", "jsonl", "--tolerant",
                                                "--min-latency", "1ns", NULL };
    static const char *const convert_pf[] = { "convert", "--to", "perfetto", "--tolerant",
                                              "--cpu-hz", "1e9", "-o", "-", NULL };
    static const char *const convert_js[] = { "convert", "--to", "chrome-json", "-o", "-",
                                              NULL };
    char path[64];
    int fd = memfd_create("fuzz-trace", 0);

    if (fd < 0)
        abort();
    if (n && write(fd, p, n) != (ssize_t)n)
        abort();
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    run(cmd_report, path, report_text);
    run(cmd_report, path, report_json);
    run(cmd_report, path, report_strict);
    run(cmd_script, path, script_text);
    run(cmd_script, path, script_jsonl);
    run(cmd_convert, path, convert_pf);
    run(cmd_convert, path, convert_js);
    close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size)
        return 0;
    if (data[0] & 1)
        file(data + 1, size - 1);
    else
        records(data + 1, size - 1);
    return 0;
}
