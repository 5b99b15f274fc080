/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * chains.c - trace + clock + stitcher, for the chain commands.
 */
#include "chains.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "options.h"
#include "record.h"
#include "xt_reader.h"

int chains_open(struct chains *ch, const struct chains_options *opt, char *err,
                size_t errlen)
{
    struct xt_options xo = { .order = XT_ORDER_TSC, .tolerant = opt->tolerant };
    struct stitch_options so = { 0 };
    struct stat sb;

    memset(ch, 0, sizeof(*ch));
    ch->opt = *opt;
    /* a run's directory (hvpath lab run -o DIR): its host trace */
    if (opt->path && !stat(opt->path, &sb) && S_ISDIR(sb.st_mode)) {
        if ((size_t)snprintf(ch->pathbuf, sizeof(ch->pathbuf), "%s/host.xt", opt->path) >=
            sizeof(ch->pathbuf)) {
            snprintf(err, errlen, "%s: path too long", opt->path);
            return -1;
        }
        ch->opt.path = ch->pathbuf;
    }
    opt = &ch->opt;
    /* the counting pass keeps the clock records: no pass of their own */
    if (trace_stats_compute(opt->path, opt->tolerant, opt->cpu_hz > 0 ? 0 : hv_clock_event(),
                            &ch->stats, err, errlen))
        return -1;
    for (size_t i = 0; i < ch->stats.nevents; i++)
        if ((ch->stats.events[i].event & 0xfffff000u) == HV_TRC_HVPATH)
            ch->probes = 1;
    ch->tsc0 = ch->stats.tsc_first;

    hv_clock_init(&ch->clock, opt->cpu_hz);
    if (ch->clock.source == HV_CLOCK_NONE) {
        for (size_t i = 0; i < ch->stats.nkept; i++)
            if (hv_clock_observe(&ch->clock, &ch->stats.kept[i])) {
                snprintf(err, errlen, "%s: out of memory reading clock records", opt->path);
                goto fail;
            }
        if (ch->clock.source == HV_CLOCK_NONE) {
            snprintf(err, errlen, "%s: no clock records in the trace (a stock "
                     "hypervisor writes none): give the TSC frequency with "
                     "--cpu-hz", opt->path);
            goto fail;
        }
    }

    so.stock = !ch->probes;
    /* a pCPU silent this long stops holding finished chains back (stitch.h) */
    so.silent_cycles = hv_clock_cycles(&ch->clock, CHAINS_SILENT_NS);
    ch->stitcher = stitch_new(&so);
    if (!ch->stitcher) {
        snprintf(err, errlen, "out of memory, or the event tables lack a field "
                 "the stitcher needs");
        goto fail;
    }
    if (xt_open(opt->path, &xo, &ch->reader, err, errlen))
        goto fail;
    return 0;

fail:
    chains_close(ch);
    return -1;
}

int chains_next(struct chains *ch, struct chain *c, char *err, size_t errlen)
{
    for (;;) {
        struct hv_rec rec;
        int rc;

        while (stitch_pop(ch->stitcher, c)) {
            if (c->tracer && !ch->opt.include_tracer) {
                ch->tracer_skipped++;
                continue;
            }
            return 1;
        }
        if (ch->finished)
            return 0;
        rc = xt_next(ch->reader, &rec);
        if (rc < 0) {
            snprintf(err, errlen, "%s", xt_error(ch->reader));
            return -1;
        }
        if (rc == 0) {
            ch->finished = 1;
            rc = stitch_finish(ch->stitcher);
        } else {
            rc = stitch_feed(ch->stitcher, &rec);
        }
        if (rc < 0) {
            snprintf(err, errlen, "%s: out of memory stitching chains", ch->opt.path);
            return -1;
        }
    }
}

/* ns in the cycles from `from` to st, at st's pCPU scale (0 if before) */
static uint64_t since(struct chains *ch, const struct chain_stage *st, uint64_t from)
{
    return st->tsc > from ? hv_clock_cpu_ns(&ch->clock, st->cpu, st->tsc, st->tsc - from) : 0;
}

uint64_t chains_stage_ns(struct chains *ch, const struct chain_stage *st)
{
    return since(ch, st, ch->tsc0);
}

uint64_t chains_delta_ns(struct chains *ch, const struct chain *c, unsigned i)
{
    return i && i < c->nstages ? since(ch, &c->stages[i], c->stages[i - 1].tsc) : 0;
}

uint64_t chains_total_ns(struct chains *ch, const struct chain *c)
{
    return c->nstages >= 2 ? since(ch, &c->stages[c->nstages - 1], c->stages[0].tsc) : 0;
}

void chains_close(struct chains *ch)
{
    if (ch->reader)
        xt_close(ch->reader);
    stitch_free(ch->stitcher);
    trace_stats_free(&ch->stats);
    hv_clock_free(&ch->clock);
    ch->reader = NULL;
    ch->stitcher = NULL;
}

/* long options only: keys outside the character range */
enum { OPT_INCLUDE_TRACER = 0x200, OPT_CPU_HZ, OPT_TOLERANT };

static const struct argp_option chain_options[] = {
    { NULL, 0, NULL, 0, "Reading the trace:", 8 },
    { "include-tracer", OPT_INCLUDE_TRACER, NULL, 0,
      "keep xentrace's own wake-ups (VIRQ_TBUF chains)", 8 },
    { "cpu-hz", OPT_CPU_HZ, "HZ", 0,
      "TSC frequency, for traces without the probes' clock records (a stock "
      "hypervisor writes none)", 8 },
    { "tolerant", OPT_TOLERANT, NULL, 0, "skip damaged windows instead of failing", 8 },
    { 0 },
};

static error_t chain_parse(int key, char *arg, struct argp_state *st)
{
    struct chains_options *opt = st->input;

    switch (key) {
    case OPT_INCLUDE_TRACER:
        opt->include_tracer = 1;
        return 0;
    case OPT_CPU_HZ:
        opt->cpu_hz = hv_opt_double(st, "--cpu-hz", arg, 1e3, 1e12);
        return 0;
    case OPT_TOLERANT:
        opt->tolerant = 1;
        return 0;
    default:
        return ARGP_ERR_UNKNOWN;
    }
}

const struct argp chains_argp = {
    chain_options, chain_parse, NULL, NULL, NULL, NULL, NULL,
};

const struct argp_child chains_argp_children[] = {
    { &chains_argp, 0, NULL, 0 },
    { 0 },
};

void hv_print_read_warnings(const char *cmd, const struct xt_counters *x)
{
    if (x->tsc_backwards)
        fprintf(stderr, "hvpath %s: warning: %llu records have a TSC below "
                "the previous one of their pCPU (first at byte %llu)\n", cmd,
                (unsigned long long)x->tsc_backwards,
                (unsigned long long)x->first_backwards_offset);
    if (x->skipped_bytes)
        fprintf(stderr, "hvpath %s: --tolerant: skipped %llu damaged bytes "
                "(%llu windows or runs); the output is NOT the whole trace\n", cmd,
                (unsigned long long)x->skipped_bytes,
                (unsigned long long)x->skipped_windows);
}
