/*
 * builtin-report.c - `hvpath report`: per-stage latency tables of the event
 * hot path, perf report --stdio style, grouped by source / dom / port / vcpu.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "chains.h"
#include "hist.h"
#include "record_fmt.h"

static const char report_usage[] =
    "usage: hvpath report [options] FILE\n"
    "\n"
    "Latency of every stage of the event hot path in the xentrace file FILE:\n"
    "count, p50, p90, p99, p99.9 and max, each with an exemplar chain id\n"
    "(`hvpath script --id N FILE` prints it).  Latencies are over delivered\n"
    "chains (complete and coalesced, ending in a delivery); every outcome is\n"
    "counted.\n"
    "\n"
    "  --sort KEYS         group by any of source,dom,port,vcpu (default source)\n"
    "  --hist              a log2 histogram of the end-to-end latency per group\n"
    "  --json              the same numbers as one JSON object (docs/report.md)\n"
    CHAINS_OPTIONS_HELP;

enum { KEY_SOURCE, KEY_DOM, KEY_PORT, KEY_VCPU, NKEYS };
static const char *const key_names[NKEYS] = { "source", "dom", "port", "vcpu" };

#define E2E STAGE_KIND_COUNT        /* hist index of the end-to-end latency */

struct group {
    int64_t key[NKEYS];             /* INT64_MIN: not grouped by this key */
    uint64_t chains, outcomes[CHAIN_OUTCOME_COUNT];
    struct hist h[STAGE_KIND_COUNT + 1];
};

struct report {
    int use[NKEYS];
    struct group *g;
    size_t ng, cap;
};

static const double quantiles[] = { 0.50, 0.90, 0.99, 0.999, 1.0 };
static const char *const qnames[] = { "p50", "p90", "p99", "p99.9", "max" };
#define NQ 5

static struct group *group_of(struct report *rp, const struct chain *c)
{
    int64_t key[NKEYS] = { c->source, c->dom, c->port, c->vcpu };

    for (int k = 0; k < NKEYS; k++)
        if (!rp->use[k])
            key[k] = INT64_MIN;
    for (size_t i = 0; i < rp->ng; i++)
        if (!memcmp(rp->g[i].key, key, sizeof(key)))
            return &rp->g[i];
    if (rp->ng == rp->cap) {
        size_t ncap = rp->cap ? 2 * rp->cap : 16;
        struct group *n = realloc(rp->g, ncap * sizeof(*n));
        if (!n)
            return NULL;
        rp->g = n;
        rp->cap = ncap;
    }
    struct group *g = &rp->g[rp->ng++];
    memset(g, 0, sizeof(*g));
    memcpy(g->key, key, sizeof(key));
    for (int i = 0; i <= STAGE_KIND_COUNT; i++)
        hist_init(&g->h[i]);
    return g;
}

static int account(struct report *rp, const struct chain *c)
{
    struct group *g = group_of(rp, c);

    if (!g)
        return -1;
    g->chains++;
    g->outcomes[c->outcome]++;
    /* latency only of what was delivered: a chain that ended in a delivery */
    if ((c->outcome != CHAIN_COMPLETE && c->outcome != CHAIN_COALESCED) || !c->delivery)
        return 0;
    if (hist_add(&g->h[E2E], chain_cycles(c), c->id))
        return -1;
    for (unsigned i = 1; i < c->nstages; i++) {
        uint64_t a = c->stages[i - 1].tsc, b = c->stages[i].tsc;
        if (hist_add(&g->h[c->stages[i].kind], b > a ? b - a : 0, c->id))
            return -1;
    }
    return 0;
}

static int by_chains_desc(const void *a, const void *b)
{
    const struct group *x = a, *y = b;
    return (x->chains < y->chains) - (x->chains > y->chains);
}

static void group_label(const struct report *rp, const struct group *g, char *buf,
                        size_t len)
{
    size_t n = 0;

    buf[0] = 0;
    for (int k = 0; k < NKEYS; k++) {
        if (!rp->use[k])
            continue;
        if (k == KEY_SOURCE)
            n += (size_t)snprintf(buf + n, len - n, "%s%s=%s", n ? " " : "",
                                  key_names[k], chain_source_name((unsigned)g->key[k]));
        else
            n += (size_t)snprintf(buf + n, len - n, "%s%s=%" PRId64, n ? " " : "",
                                  key_names[k], g->key[k]);
        if (n >= len)
            break;
    }
}

static const char *stage_label(int i)
{
    return i == E2E ? "end-to-end" : chain_stage_name((unsigned)i);
}

static void print_log2(const struct chains *ch, const struct hist *h)
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
    printf("    end-to-end latency (ns), log2 buckets of TSC cycles:\n");
    for (int k = lo; k <= hi; k++) {
        uint64_t from = hv_clock_ns(&ch->clock, 1ull << k);
        uint64_t to = hv_clock_ns(&ch->clock, k < 63 ? 1ull << (k + 1) : UINT64_MAX);
        int bar = most ? (int)(b[k] * 40 / most) : 0;
        printf("    [%9" PRIu64 ", %9" PRIu64 ") %9" PRIu64 " |%-40.*s|\n", from, to, b[k],
               bar, "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@");
    }
}

static void print_header(const struct chains *ch, const uint64_t *tot, FILE *out)
{
    const struct trace_stats *st = &ch->stats;
    char clk[160];
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
    fprintf(out, "# clock: %s\n", hv_clock_describe(&ch->clock, clk, sizeof(clk)));
    if (!ch->probes)
        fprintf(out, "# stock hypervisor: no hv-probes records; chains hold only the "
                "injection (TRC_HVM_INJ_VIRQ) and VM entry, with unknown source\n");
    if (ch->tracer_skipped)
        fprintf(out, "# %" PRIu64 " xentrace wake-up chains (VIRQ_TBUF) left out "
                "(--include-tracer keeps them)\n", ch->tracer_skipped);
    if (st->xt.skipped_bytes)
        fprintf(out, "# SKIPPED %" PRIu64 " damaged bytes (--tolerant): not the whole trace\n",
                st->xt.skipped_bytes);
}

static void print_text(const struct chains *ch, struct report *rp, const uint64_t *tot,
                       int log2)
{
    print_header(ch, tot, stdout);
    for (size_t i = 0; i < rp->ng; i++) {
        struct group *g = &rp->g[i];
        char label[200];

        group_label(rp, g, label, sizeof(label));
        printf("\n# %s: %" PRIu64 " chains (%" PRIu64 " complete, %" PRIu64 " coalesced, %"
               PRIu64 " masked, %" PRIu64 " dropped, %" PRIu64 " incomplete, %" PRIu64
               " orphan)\n", label, g->chains, g->outcomes[0], g->outcomes[1],
               g->outcomes[2], g->outcomes[3], g->outcomes[4], g->outcomes[5]);
        if (!g->h[E2E].count)
            continue;
        printf("#   %-16s %9s", "stage (us)", "count");
        for (int q = 0; q < NQ; q++)
            printf(" %18s", qnames[q]);
        printf("\n");
        for (int s = E2E; s >= 0; s--) {
            const struct hist *h = &g->h[s];
            if (!h->count)
                continue;
            printf("    %-16s %9" PRIu64, stage_label(s), h->count);
            for (int q = 0; q < NQ; q++) {
                uint64_t id, v = hist_quantile(h, quantiles[q], &id);
                char cell[40];
                snprintf(cell, sizeof(cell), "%.3f #%" PRIu64,
                         (double)hv_clock_ns(&ch->clock, v) / 1e3, id);
                printf(" %18s", cell);
            }
            printf("\n");
        }
        if (log2)
            print_log2(ch, &g->h[E2E]);
    }
    printf("\n# a stage's time is from the stage before it in the chain; #N is an "
           "exemplar: hvpath script --id N %s\n", ch->opt.path);
}

static void print_json(const struct chains *ch, struct report *rp, const uint64_t *tot)
{
    const struct trace_stats *st = &ch->stats;
    char clk[160];

    fputs("{\"file\":", stdout);
    fmt_json_string(stdout, ch->opt.path);
    printf(",\"records\":%" PRIu64 ",\"lost\":%" PRIu64 ",\"span_ns\":%" PRIu64
           ",\"probes\":%s,\"clock\":", st->xt.records, st->lost,
           hv_clock_ns(&ch->clock, st->tsc_last - st->tsc_first),
           ch->probes ? "true" : "false");
    fmt_json_string(stdout, hv_clock_describe(&ch->clock, clk, sizeof(clk)));
    printf(",\"tracer_excluded\":%" PRIu64 ",\"chains\":{", ch->tracer_skipped);
    for (int o = 0; o < CHAIN_OUTCOME_COUNT; o++)
        printf("%s\"%s\":%" PRIu64, o ? "," : "", chain_outcome_name((unsigned)o), tot[o]);
    printf("},\"deliveries\":%" PRIu64 ",\"groups\":[",
           stitch_counters(ch->stitcher)->deliveries);
    for (size_t i = 0; i < rp->ng; i++) {
        struct group *g = &rp->g[i];
        int first = 1;

        printf("%s{\"key\":{", i ? "," : "");
        for (int k = 0; k < NKEYS; k++) {
            if (!rp->use[k])
                continue;
            if (k == KEY_SOURCE)
                printf("%s\"source\":\"%s\"", first ? "" : ",",
                       chain_source_name((unsigned)g->key[k]));
            else
                printf("%s\"%s\":%" PRId64, first ? "" : ",", key_names[k], g->key[k]);
            first = 0;
        }
        printf("},\"chains\":%" PRIu64 ",\"outcomes\":{", g->chains);
        for (int o = 0; o < CHAIN_OUTCOME_COUNT; o++)
            printf("%s\"%s\":%" PRIu64, o ? "," : "", chain_outcome_name((unsigned)o),
                   g->outcomes[o]);
        printf("},\"stages\":[");
        first = 1;
        for (int s = E2E; s >= 0; s--) {
            const struct hist *h = &g->h[s];
            if (!h->count)
                continue;
            printf("%s{\"name\":\"%s\",\"count\":%" PRIu64, first ? "" : ",",
                   s == E2E ? "end_to_end" : chain_stage_name((unsigned)s), h->count);
            for (int q = 0; q < NQ; q++) {
                uint64_t id, v = hist_quantile(h, quantiles[q], &id);
                printf(",\"%s_ns\":%" PRIu64 ",\"%s_id\":%" PRIu64, qnames[q],
                       hv_clock_ns(&ch->clock, v), qnames[q], id);
            }
            printf("}");
            first = 0;
        }
        printf("]}");
    }
    printf("]}\n");
}

static int parse_sort(const char *arg, int use[NKEYS])
{
    char buf[128], *save = NULL;

    memset(use, 0, NKEYS * sizeof(int));
    snprintf(buf, sizeof(buf), "%s", arg);
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int k;
        for (k = 0; k < NKEYS && strcmp(t, key_names[k]); k++)
            ;
        if (k == NKEYS)
            return -1;
        use[k] = 1;
    }
    return 0;
}

int cmd_report(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "sort", required_argument, NULL, 's' },
        { "hist", no_argument, NULL, 'g' },
        { "json", no_argument, NULL, 'j' },
        { "stdio", no_argument, NULL, 'S' },
        CHAINS_LONGOPTS,
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct chains_options opt = { 0 };
    struct report rp = { .use = { 1, 0, 0, 0 } };
    uint64_t tot[CHAIN_OUTCOME_COUNT] = { 0 };
    struct chains ch;
    struct chain c;
    char err[700];
    int json = 0, log2 = 0, o, rc;

    optind = 1;
    while ((o = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (o) {
        case 's':
            if (parse_sort(optarg, rp.use)) {
                fprintf(stderr, "hvpath report: --sort takes source,dom,port,vcpu "
                        "(comma separated), not '%s'\n", optarg);
                return HV_EXIT_USAGE;
            }
            break;
        case 'g':
            log2 = 1;
            break;
        case 'j':
            json = 1;
            break;
        case 'S':
            break;
        case 'h':
            fputs(report_usage, stdout);
            return 0;
        default:
            switch (chains_option(o, optarg, &opt, "report")) {
            case 1:
                break;
            case 0:
                fputs(report_usage, stderr);
                /* fall through */
            default:
                return HV_EXIT_USAGE;
            }
        }
    }
    if (optind != argc - 1) {
        fputs(report_usage, stderr);
        return HV_EXIT_USAGE;
    }
    opt.path = argv[optind];
    if (chains_open(&ch, &opt, err, sizeof(err))) {
        fprintf(stderr, "hvpath report: %s\n", err);
        return HV_EXIT_DATA;
    }
    while ((rc = chains_next(&ch, &c, err, sizeof(err))) > 0) {
        tot[c.outcome]++;
        if (account(&rp, &c)) {
            snprintf(err, sizeof(err), "out of memory");
            rc = -1;
            break;
        }
    }
    if (rc == 0) {
        qsort(rp.g, rp.ng, sizeof(*rp.g), by_chains_desc);
        if (json)
            print_json(&ch, &rp, tot);
        else
            print_text(&ch, &rp, tot, log2);
    } else {
        fprintf(stderr, "hvpath report: %s\n", err);
    }
    for (size_t i = 0; i < rp.ng; i++)
        for (int s = 0; s <= STAGE_KIND_COUNT; s++)
            hist_free(&rp.g[i].h[s]);
    free(rp.g);
    chains_close(&ch);
    if (fflush(stdout) || ferror(stdout)) {
        perror("hvpath report: writing output");
        return HV_EXIT_DATA;
    }
    return rc < 0 ? HV_EXIT_DATA : 0;
}
