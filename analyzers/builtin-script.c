/*
 * builtin-script.c - `hvpath script`: every event chain, stage by stage
 * (perf script style), or one JSON object per chain.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "chains.h"
#include "record_fmt.h"

static const char script_usage[] =
    "usage: hvpath script [options] FILE\n"
    "\n"
    "Print the chain of every event in the xentrace file FILE: source\n"
    "(pirq, interdomain, ipi, virq, bind), set_pending, mark_pending and the\n"
    "delivery, each stage with its pCPU, time since the trace start and the\n"
    "time since the stage before.\n"
    "\n"
    "  --format text|jsonl   jsonl: id, source, dom, port, vcpu, outcome,\n"
    "                        delivery, stages [{name, tsc, ns, cpu}], total_ns\n"
    "  --id N                only chain N (the exemplar ids hvpath report prints)\n"
    "  --dom D, --port P, --vcpu V, --source NAME   only matching chains\n"
    "  --min-latency T       only chains taking at least T end to end (e.g. 20us)\n"
    CHAINS_OPTIONS_HELP;

struct filter {
    int64_t id, dom, port, vcpu;
    int source;
    uint64_t min_ns;
};

static int wanted(const struct chains *ch, const struct filter *f, const struct chain *c)
{
    if (f->id >= 0 && (uint64_t)f->id != c->id)
        return 0;
    if (f->dom >= 0 && f->dom != c->dom)
        return 0;
    if (f->port >= 0 && f->port != c->port)
        return 0;
    if (f->vcpu >= 0 && f->vcpu != c->vcpu)
        return 0;
    if (f->source >= 0 && f->source != c->source)
        return 0;
    if (f->min_ns && hv_clock_ns(&ch->clock, chain_cycles(c)) < f->min_ns)
        return 0;
    return 1;
}

static void print_text(const struct chains *ch, const struct chain *c)
{
    uint64_t total = hv_clock_ns(&ch->clock, chain_cycles(c));

    printf("chain %" PRIu64 " %s %s dom %d port %d vcpu %d", c->id,
           chain_source_name(c->source), chain_outcome_name(c->outcome), c->dom,
           c->port, c->vcpu);
    if (c->delivery)
        printf(" delivery %" PRIu64, c->delivery);
    if (c->tracer)
        printf(" (xentrace)");
    printf("  total %.3f us\n", (double)total / 1e3);
    for (unsigned i = 0; i < c->nstages; i++) {
        const struct chain_stage *st = &c->stages[i];
        uint64_t ns = chains_ns(ch, st->tsc);
        double delta = i ? (double)hv_clock_ns(&ch->clock, st->tsc - c->stages[i - 1].tsc) / 1e3
                         : 0.0;
        printf("    [%03u] %6" PRIu64 ".%09" PRIu64 "  %-15s %+12.3f us\n", st->cpu,
               ns / 1000000000u, ns % 1000000000u, chain_stage_name(st->kind), delta);
    }
    putchar('\n');
}

static void print_jsonl(const struct chains *ch, const struct chain *c)
{
    printf("{\"id\":%" PRIu64 ",\"source\":\"%s\",\"dom\":%d,\"port\":%d,\"vcpu\":%d,"
           "\"outcome\":\"%s\",\"delivery\":%" PRIu64 ",\"tracer\":%s,\"stages\":[",
           c->id, chain_source_name(c->source), c->dom, c->port, c->vcpu,
           chain_outcome_name(c->outcome), c->delivery, c->tracer ? "true" : "false");
    for (unsigned i = 0; i < c->nstages; i++)
        printf("%s{\"name\":\"%s\",\"tsc\":%" PRIu64 ",\"ns\":%" PRIu64 ",\"cpu\":%u}",
               i ? "," : "", chain_stage_name(c->stages[i].kind), c->stages[i].tsc,
               chains_ns(ch, c->stages[i].tsc), c->stages[i].cpu);
    printf("],\"total_ns\":%" PRIu64 "}\n", hv_clock_ns(&ch->clock, chain_cycles(c)));
}

static int parse_int(const char *opt, const char *s, int64_t *out)
{
    char *end;
    long long v = strtoll(s, &end, 0);

    if (end == s || *end || v < 0) {
        fprintf(stderr, "hvpath script: %s takes a non-negative number, not '%s'\n",
                opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

int cmd_script(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "format", required_argument, NULL, 'f' },
        { "id", required_argument, NULL, 'i' },
        { "dom", required_argument, NULL, 'd' },
        { "port", required_argument, NULL, 'p' },
        { "vcpu", required_argument, NULL, 'v' },
        { "source", required_argument, NULL, 's' },
        { "min-latency", required_argument, NULL, 'm' },
        CHAINS_LONGOPTS,
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct filter f = { -1, -1, -1, -1, -1, 0 };
    struct chains_options opt = { 0 };
    struct chains ch;
    struct chain c;
    char err[700];
    int jsonl = 0, o, rc;

    optind = 1;
    while ((o = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (o) {
        case 'f':
            if (!strcmp(optarg, "jsonl"))
                jsonl = 1;
            else if (strcmp(optarg, "text")) {
                fprintf(stderr, "hvpath script: unknown format '%s' (text or jsonl)\n",
                        optarg);
                return HV_EXIT_USAGE;
            }
            break;
        case 'i':
            if (parse_int("--id", optarg, &f.id))
                return HV_EXIT_USAGE;
            break;
        case 'd':
            if (parse_int("--dom", optarg, &f.dom))
                return HV_EXIT_USAGE;
            break;
        case 'p':
            if (parse_int("--port", optarg, &f.port))
                return HV_EXIT_USAGE;
            break;
        case 'v':
            if (parse_int("--vcpu", optarg, &f.vcpu))
                return HV_EXIT_USAGE;
            break;
        case 's':
            f.source = chain_source_parse(optarg);
            if (f.source < 0) {
                fprintf(stderr, "hvpath script: unknown source '%s' (pirq, "
                        "interdomain, ipi, virq, bind, unknown)\n", optarg);
                return HV_EXIT_USAGE;
            }
            break;
        case 'm':
            if (parse_duration_ns(optarg, &f.min_ns)) {
                fprintf(stderr, "hvpath script: --min-latency takes a duration "
                        "like 20us, not '%s'\n", optarg);
                return HV_EXIT_USAGE;
            }
            break;
        case 'h':
            fputs(script_usage, stdout);
            return 0;
        default:
            switch (chains_option(o, optarg, &opt, "script")) {
            case 1:
                break;
            case 0:
                fputs(script_usage, stderr);
                /* fall through */
            default:
                return HV_EXIT_USAGE;
            }
        }
    }
    if (optind != argc - 1) {
        fputs(script_usage, stderr);
        return HV_EXIT_USAGE;
    }
    opt.path = argv[optind];
    if (chains_open(&ch, &opt, err, sizeof(err))) {
        fprintf(stderr, "hvpath script: %s\n", err);
        return HV_EXIT_DATA;
    }
    while ((rc = chains_next(&ch, &c, err, sizeof(err))) > 0) {
        if (!wanted(&ch, &f, &c))
            continue;
        if (jsonl)
            print_jsonl(&ch, &c);
        else
            print_text(&ch, &c);
    }
    if (rc < 0)
        fprintf(stderr, "hvpath script: %s\n", err);
    chains_close(&ch);
    if (fflush(stdout) || ferror(stdout)) {
        perror("hvpath script: writing output");
        return HV_EXIT_DATA;
    }
    return rc < 0 ? HV_EXIT_DATA : 0;
}
