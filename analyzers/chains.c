/*
 * chains.c - trace + clock + stitcher, for the chain commands.
 */
#include "chains.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "xt_reader.h"

int chains_open(struct chains *ch, const struct chains_options *opt, char *err,
                size_t errlen)
{
    struct xt_options xo = { .order = XT_ORDER_TSC, .tolerant = opt->tolerant };
    struct stitch_options so = { 0 };
    char msg[600];
    int rc;

    memset(ch, 0, sizeof(*ch));
    ch->opt = *opt;
    if (trace_stats_compute(opt->path, opt->tolerant, &ch->stats, err, errlen))
        return -1;
    for (size_t i = 0; i < ch->stats.nevents; i++)
        if ((ch->stats.events[i].event & 0xfffff000u) == HV_TRC_HVPATH)
            ch->probes = 1;
    ch->tsc0 = ch->stats.tsc_first;

    hv_clock_init(&ch->clock, opt->cpu_hz);
    if (ch->clock.source == HV_CLOCK_NONE) {
        rc = hv_clock_from_file(&ch->clock, opt->path, msg, sizeof(msg));
        if (rc < 0) {
            snprintf(err, errlen, "%s", msg);
            goto fail;
        }
        if (rc == 0) {
            snprintf(err, errlen, "%s: no clock records in the trace (a stock "
                     "hypervisor writes none): give the TSC frequency with "
                     "--cpu-hz", opt->path);
            goto fail;
        }
    }

    so.stock = !ch->probes;
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

uint64_t chains_ns(const struct chains *ch, uint64_t tsc)
{
    return tsc > ch->tsc0 ? hv_clock_ns(&ch->clock, tsc - ch->tsc0) : 0;
}

uint64_t chain_cycles(const struct chain *c)
{
    if (c->nstages < 2 || c->stages[c->nstages - 1].tsc < c->stages[0].tsc)
        return 0;
    return c->stages[c->nstages - 1].tsc - c->stages[0].tsc;
}

void chains_close(struct chains *ch)
{
    if (ch->reader)
        xt_close(ch->reader);
    stitch_free(ch->stitcher);
    trace_stats_free(&ch->stats);
    ch->reader = NULL;
    ch->stitcher = NULL;
}

int parse_duration_ns(const char *s, uint64_t *ns)
{
    char *end;
    double v = strtod(s, &end), mul = 1;

    if (end == s || v < 0)
        return -1;
    if (!strcmp(end, "") || !strcmp(end, "ns"))
        mul = 1;
    else if (!strcmp(end, "us"))
        mul = 1e3;
    else if (!strcmp(end, "ms"))
        mul = 1e6;
    else if (!strcmp(end, "s"))
        mul = 1e9;
    else
        return -1;
    *ns = (uint64_t)(v * mul + 0.5);
    return 0;
}

int chains_option(int o, const char *arg, struct chains_options *opt, const char *cmd)
{
    switch (o) {
    case 'T':
        opt->include_tracer = 1;
        return 1;
    case 'H':
        opt->cpu_hz = strtod(arg, NULL);
        if (opt->cpu_hz <= 0) {
            fprintf(stderr, "hvpath %s: --cpu-hz takes a frequency in Hz, not '%s'\n",
                    cmd, arg);
            return -1;
        }
        return 1;
    case 't':
        opt->tolerant = 1;
        return 1;
    default:
        return 0;
    }
}
