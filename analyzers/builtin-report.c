/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * builtin-report.c - `hvpath report`: per-stage latency tables of the event
 * hot path, perf report --stdio style, grouped by source / dom / port / vcpu.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "chains.h"
#include "groups.h"
#include "hist.h"
#include "json.h"
#include "options.h"

static void print_log2(const struct hist *h)
{
    uint64_t b[64], most = 0;
    int lo = 64, hi = -1;

    hist_log2(h, b);
    for (int k = 0; k < 64; k++) {
        if (!b[k])
            continue;
        lo = k < lo ? k : lo;
        hi = k;
        most = b[k] > most ? b[k] : most;
    }
    printf("    end-to-end latency (ns), log2 buckets:\n");
    for (int k = lo; k <= hi; k++) {
        uint64_t from = 1ull << k;
        uint64_t to = k < 63 ? 1ull << (k + 1) : UINT64_MAX;
        int bar = most ? (int)(b[k] * 40 / most) : 0;
        printf("    [%9" PRIu64 ", %9" PRIu64 ") %9" PRIu64 " |%-40.*s|\n", from, to, b[k],
               bar, "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@");
    }
}

/* "name N, name N" of the non-zero counts in n[0..count), or "none". */
static void counts_line(char *buf, size_t len, const uint64_t *n, unsigned from,
                        unsigned count, const char *(*name)(unsigned))
{
    size_t k = 0;

    buf[0] = 0;
    for (unsigned i = from; i < count && k < len; i++)
        if (n[i])
            k += (size_t)snprintf(buf + k, len - k, "%s%s %" PRIu64, k ? ", " : "",
                                  name(i), n[i]);
    if (!k)
        snprintf(buf, len, "none");
}

static uint64_t silent_loss(const struct stitch_counters *sc)
{
    uint64_t n = 0;

    for (unsigned i = 0; i < REASON_COUNT; i++)
        if (chain_reason_is_silent_loss(i))
            n += sc->reasons[i];
    return n;
}

static void print_header(const struct chains *ch, const uint64_t *tot, FILE *out)
{
    const struct trace_stats *st = &ch->stats;
    const struct stitch_counters *sc = stitch_counters(ch->stitcher);
    char clk[400], line[400];
    uint64_t span = st->tsc_last - st->tsc_first;

    fprintf(out, "# hvpath report of %s\n", ch->opt.path);
    fprintf(out, "# trace span: %.6f s (%" PRIu64 " cycles), %" PRIu64 " records, %" PRIu64
            " lost records in %" PRIu64 " gaps, %u pCPUs\n",
            (double)hv_clock_ns(&ch->clock, span) / 1e9, span, st->xt.records, st->lost,
            st->lost_events, st->xt.ncpus);
    fprintf(out, "# chains: %" PRIu64 " complete, %" PRIu64 " coalesced, %" PRIu64
            " masked, %" PRIu64 " dropped, %" PRIu64 " incomplete, %" PRIu64 " orphan\n",
            tot[CHAIN_COMPLETE], tot[CHAIN_COALESCED], tot[CHAIN_MASKED],
            tot[CHAIN_DROPPED], tot[CHAIN_INCOMPLETE], tot[CHAIN_ORPHAN]);
    counts_line(line, sizeof(line), sc->vias, 0, VIA_COUNT, chain_via_name);
    fprintf(out, "# coalesced by: %s (handler: consumed by the guest's running upcall "
            "handler, no end time)\n", line);
    counts_line(line, sizeof(line), sc->reasons, 1, REASON_COUNT, chain_reason_name);
    fprintf(out, "# incomplete by reason: %s\n", line);
    if (sc->injections || sc->reinjections || sc->windows || sc->window_repeats)
        fprintf(out, "# VM-entry injection: %" PRIu64 " deliveries injected, %" PRIu64
                " re-injections; %" PRIu64 " waited for a window, %" PRIu64 " repeated "
                "windows (INTR_ASSIST is per VM entry: repeats are not deliveries)\n",
                sc->injections, sc->reinjections, sc->windows, sc->window_repeats);
    if (sc->posted_by_cpu)
        fprintf(out, "# posted interrupts: %" PRIu64 " deliveries completed by the CPU "
                "(notification IPI to a running vCPU, no VM exit: the chain's last "
                "hypervisor stage is 'posted')\n", sc->posted_by_cpu);
    fprintf(out, "# suspected silent loss: %" PRIu64 " chains (incomplete because their "
            "records break the path's invariants)\n", silent_loss(sc));
    fprintf(out, "# clock: %s\n", hv_clock_describe(&ch->clock, clk, sizeof(clk)));
    if (ch->probes && !sc->sched_switches)
        fprintf(out, "# scheduler: no TRC_SCHED_SWITCH in the trace (its event mask left "
                "TRC_SCHED out): a kicked vCPU that was not running shows no wake or "
                "switch stage, its wait is in the next stage's time\n");
    if (ch->probes && sc->injections && !sc->vmentries)
        fprintf(out, "# VM entry: no TRC_HVM_VMENTRY in the trace (its event mask left "
                "TRC_HVM out): an HVM delivery is delivered at its injection, written on "
                "the way into VM entry; the guest's EOI still ends it\n");
    if (!ch->probes)
        fprintf(out, "# stock hypervisor: no hv-probes records; chains hold only the "
                "injection (TRC_HVM_INJ_VIRQ) and VM entry, with unknown source\n");
    /* what the measured loss tests say these numbers are worth (docs/report.md) */
    if (st->lost)
        fprintf(out, "# WARNING: records were lost: the chains that waited through a gap "
                "are incomplete, and those are the long ones, so the tail percentiles "
                "read low (at 10%% loss p99 read 16-50%% low in the lab)\n");
    if (silent_loss(sc))
        fprintf(out, "# WARNING: %" PRIu64 " chains show a loss no TRC_LOST_RECORDS "
                "reported (suspected silent loss): where there is such loss, some chains "
                "called complete may hold another event's records\n", silent_loss(sc));
    if (ch->tracer_skipped)
        fprintf(out, "# %" PRIu64 " xentrace wake-up chains (VIRQ_TBUF) left out "
                "(--include-tracer keeps them)\n", ch->tracer_skipped);
    if (st->xt.skipped_bytes)
        fprintf(out, "# SKIPPED %" PRIu64 " damaged bytes in %" PRIu64 " windows or runs "
                "(--tolerant): PARTIAL, not the whole trace\n", st->xt.skipped_bytes,
                st->xt.skipped_windows);
    if (st->xt.tsc_backwards)
        fprintf(out, "# TSC went backwards %" PRIu64 " times (first at byte %" PRIu64 "): "
                "times and order around them are not to be trusted\n",
                st->xt.tsc_backwards, st->xt.first_backwards_offset);
}

static void print_text(const struct chains *ch, struct groups *rp, const uint64_t *tot,
                       int log2)
{
    print_header(ch, tot, stdout);
    for (size_t i = 0; i < rp->ng; i++) {
        struct group *g = &rp->g[i];
        char label[200];

        groups_label(rp, g, label, sizeof(label));
        printf("\n# %s: %" PRIu64 " chains (%" PRIu64 " complete, %" PRIu64 " coalesced, %"
               PRIu64 " masked, %" PRIu64 " dropped, %" PRIu64 " incomplete, %" PRIu64
               " orphan)\n", label, g->chains, g->outcomes[0], g->outcomes[1],
               g->outcomes[2], g->outcomes[3], g->outcomes[4], g->outcomes[5]);
        if (!g->h)
            continue;
        printf("#   %-16s %9s", "stage (us)", "count");
        for (int q = 0; q < GROUP_NQ; q++)
            printf(" %18s", group_qnames[q]);
        printf("\n");
        for (int s = GROUP_E2E; s >= 0; s--) {
            const struct hist *h = &g->h[s];
            if (!h->count)
                continue;
            printf("    %-16s %9" PRIu64, groups_stage_label(s), h->count);
            for (int q = 0; q < GROUP_NQ; q++) {
                uint64_t id, v = hist_quantile(h, group_quantiles[q], &id);
                char cell[40];
                snprintf(cell, sizeof(cell), "%.3f #%" PRIu64, (double)v / 1e3, id);
                printf(" %18s", cell);
            }
            printf("\n");
        }
        if (log2)
            print_log2(&g->h[GROUP_E2E]);
    }
    printf("\n# a stage's time is from the stage before it in the chain; #N is an "
           "exemplar: hvpath script --id N %s\n", ch->opt.path);
}

static void json_outcomes(struct json *j, const char *key, const uint64_t *n)
{
    json_key(j, key);
    json_begin_object(j);
    for (int o = 0; o < CHAIN_OUTCOME_COUNT; o++)
        json_kv_u64(j, chain_outcome_name((unsigned)o), n[o]);
    json_end_object(j);
}

static void print_json(const struct chains *ch, struct groups *rp, const uint64_t *tot)
{
    const struct trace_stats *st = &ch->stats;
    char clk[400], key[24];
    struct json j;

    json_init(&j, stdout);
    json_begin_object(&j);
    json_kv_str(&j, "file", ch->opt.path);
    json_kv_bool(&j, "partial", st->xt.skipped_bytes != 0);
    json_kv_u64(&j, "skipped_bytes", st->xt.skipped_bytes);
    json_kv_u64(&j, "skipped_windows", st->xt.skipped_windows);
    json_kv_u64(&j, "tsc_backwards", st->xt.tsc_backwards);
    json_kv_u64(&j, "records", st->xt.records);
    json_kv_u64(&j, "lost", st->lost);
    json_kv_u64(&j, "span_ns", hv_clock_ns(&ch->clock, st->tsc_last - st->tsc_first));
    json_kv_bool(&j, "probes", ch->probes);
    json_kv_str(&j, "clock", hv_clock_describe(&ch->clock, clk, sizeof(clk)));
    json_kv_u64(&j, "tracer_excluded", ch->tracer_skipped);
    json_outcomes(&j, "chains", tot);
    {
        const struct stitch_counters *sc = stitch_counters(ch->stitcher);
        json_key(&j, "coalesced_by");
        json_begin_object(&j);
        for (unsigned i = 0; i < VIA_COUNT; i++)
            json_kv_u64(&j, chain_via_name(i), sc->vias[i]);
        json_end_object(&j);
        json_key(&j, "incomplete_by");
        json_begin_object(&j);
        for (unsigned i = 1; i < REASON_COUNT; i++)
            json_kv_u64(&j, chain_reason_name(i), sc->reasons[i]);
        json_end_object(&j);
        json_kv_u64(&j, "suspected_silent_loss", silent_loss(sc));
        json_kv_u64(&j, "deliveries", sc->deliveries);
        json_kv_u64(&j, "sched_switches", sc->sched_switches);
        json_key(&j, "vmentry");
        json_begin_object(&j);
        json_kv_u64(&j, "injected", sc->injections);
        json_kv_u64(&j, "reinjections", sc->reinjections);
        json_kv_u64(&j, "windows", sc->windows);
        json_kv_u64(&j, "window_repeats", sc->window_repeats);
        json_kv_u64(&j, "posted_by_cpu", sc->posted_by_cpu);
        json_kv_u64(&j, "entries", sc->vmentries);
        json_end_object(&j);
    }
    json_key(&j, "groups");
    json_begin_array(&j);
    for (size_t i = 0; i < rp->ng; i++) {
        struct group *g = &rp->g[i];

        json_begin_object(&j);
        groups_json_key(&j, rp, g);
        json_kv_u64(&j, "chains", g->chains);
        json_outcomes(&j, "outcomes", g->outcomes);
        json_key(&j, "stages");
        json_begin_array(&j);
        for (int s = GROUP_E2E; g->h && s >= 0; s--) {
            const struct hist *h = &g->h[s];
            if (!h->count)
                continue;
            json_begin_object(&j);
            json_kv_str(&j, "name", s == GROUP_E2E ? "end_to_end" : chain_stage_name((unsigned)s));
            json_kv_u64(&j, "count", h->count);
            for (int q = 0; q < GROUP_NQ; q++) {
                uint64_t id, v = hist_quantile(h, group_quantiles[q], &id);
                snprintf(key, sizeof(key), "%s_ns", group_qnames[q]);
                json_kv_u64(&j, key, v);
                snprintf(key, sizeof(key), "%s_id", group_qnames[q]);
                json_kv_u64(&j, key, id);
            }
            json_end_object(&j);
        }
        json_end_array(&j);
        json_end_object(&j);
    }
    json_end_array(&j);
    json_end_object(&j);
    json_newline(&j);
}

struct report_args {
    struct chains_options opt;
    struct groups rp;
    int json, log2;
};

/* long options only: keys outside the character range (0x200 on: chains.c) */
enum { OPT_SORT = 0x100, OPT_HIST, OPT_JSON };

static const struct argp_option report_options[] = {
    GROUPS_SORT_OPTION(OPT_SORT),
    { "hist", OPT_HIST, NULL, 0, "a log2 histogram of the end-to-end latency per group", 0 },
    { "json", OPT_JSON, NULL, 0, "the same numbers as one JSON object (docs/report.md)", 0 },
    { 0 },
};

static error_t report_parse(int key, char *arg, struct argp_state *st)
{
    struct report_args *a = st->input;

    switch (key) {
    case ARGP_KEY_INIT:
        st->child_inputs[0] = &a->opt;
        return 0;
    case OPT_SORT:
        groups_opt_sort(st, arg, a->rp.use);
        return 0;
    case OPT_HIST:
        a->log2 = 1;
        return 0;
    case OPT_JSON:
        a->json = 1;
        return 0;
    case ARGP_KEY_ARG:
    case ARGP_KEY_END:
        hv_opt_one_file(st, key, arg, &a->opt.path);
        return 0;
    default:
        return ARGP_ERR_UNKNOWN;
    }
}

static const struct argp report_argp = {
    report_options, report_parse, "FILE",
    "Latency of every stage of the event hot path in the xentrace file FILE: "
    "count, p50, p90, p99, p99.9 and max, each with an exemplar chain id "
    "(`hvpath script --id N FILE` prints it).  Latencies are over delivered "
    "chains (complete and coalesced, ending in a delivery); every outcome is "
    "counted."
    "\v"
    "EXAMPLES:\n"
    "  hvpath report host.xt\n"
    "  hvpath report --sort source,dom,port --hist host.xt\n"
    "  hvpath report --json host.xt | jq '.groups[0].stages[0]'\n"
    "  hvpath report --cpu-hz 2.4e9 stock.xt             a trace without clock records\n",
    chains_argp_children, NULL, NULL,
};

int cmd_report(int argc, char **argv)
{
    struct report_args a = { .rp = { .use = { 1, 0, 0, 0 } } };
    struct groups *rp = &a.rp;
    struct chains ch;
    char err[700];
    int rc;

    hv_argp_parse(&report_argp, argc, argv, &a);
    if (chains_open(&ch, &a.opt, err, sizeof(err))) {
        fprintf(stderr, "hvpath report: %s\n", err);
        return HV_EXIT_DATA;
    }
    hv_print_read_warnings("report", &ch.stats.xt);
    rc = groups_collect(&ch, rp, err, sizeof(err));
    if (rc == 0) {
        if (a.json)
            print_json(&ch, rp, rp->tot);
        else
            print_text(&ch, rp, rp->tot, a.log2);
    } else {
        fprintf(stderr, "hvpath report: %s\n", err);
    }
    groups_free(rp);
    chains_close(&ch);
    if (fflush(stdout) || ferror(stdout)) {
        perror("hvpath report: writing output");
        return HV_EXIT_DATA;
    }
    return rc < 0 ? HV_EXIT_DATA : 0;
}
