/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * builtin-script.c - `hvpath script`: every event chain, stage by stage
 * (perf script style), or one JSON object per chain.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "chains.h"
#include "json.h"
#include "options.h"

struct filter {
    int64_t id, dom, port, vcpu;
    int source;
    uint64_t min_ns;
};

static int wanted(struct chains *ch, const struct filter *f, const struct chain *c)
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
    if (f->min_ns && chains_total_ns(ch, c) < f->min_ns)
        return 0;
    return 1;
}

static void print_text(struct chains *ch, const struct chain *c)
{
    uint64_t total = chains_total_ns(ch, c);

    printf("chain %" PRIu64 " %s %s", c->id, chain_source_name(c->source),
           chain_outcome_name(c->outcome));
    if (c->outcome == CHAIN_INCOMPLETE)
        printf(" (%s)", chain_reason_name(c->reason));
    else if (c->outcome == CHAIN_COALESCED)
        printf(" (via %s)", chain_via_name(c->via));
    printf(" dom %d port %d vcpu %d", c->dom, c->port, c->vcpu);
    if (c->delivery)
        printf(" delivery %" PRIu64, c->delivery);
    if (c->tracer)
        printf(" (xentrace)");
    printf("  total %.3f us\n", (double)total / 1e3);
    for (unsigned i = 0; i < c->nstages; i++) {
        const struct chain_stage *st = &c->stages[i];
        uint64_t ns = chains_stage_ns(ch, st);
        double delta = (double)chains_delta_ns(ch, c, i) / 1e3;
        printf("    [%03u] %6" PRIu64 ".%09" PRIu64 "  %-15s %+12.3f us\n", st->cpu,
               ns / 1000000000u, ns % 1000000000u, chain_stage_name(st->kind), delta);
    }
    putchar('\n');
}

static void print_jsonl(struct chains *ch, const struct chain *c)
{
    struct json j;

    json_init(&j, stdout);
    json_begin_object(&j);
    json_kv_u64(&j, "id", c->id);
    json_kv_str(&j, "source", chain_source_name(c->source));
    json_kv_i64(&j, "dom", c->dom);
    json_kv_i64(&j, "port", c->port);
    json_kv_i64(&j, "vcpu", c->vcpu);
    json_kv_str(&j, "outcome", chain_outcome_name(c->outcome));
    json_key(&j, "reason");
    if (c->outcome == CHAIN_INCOMPLETE)
        json_string(&j, chain_reason_name(c->reason));
    else
        json_null(&j);
    json_key(&j, "via");
    if (c->outcome == CHAIN_COALESCED)
        json_string(&j, chain_via_name(c->via));
    else
        json_null(&j);
    json_kv_u64(&j, "delivery", c->delivery);
    json_kv_bool(&j, "tracer", c->tracer);
    json_key(&j, "stages");
    json_begin_array(&j);
    for (unsigned i = 0; i < c->nstages; i++) {
        json_begin_object(&j);
        json_kv_str(&j, "name", chain_stage_name(c->stages[i].kind));
        json_kv_u64(&j, "tsc", c->stages[i].tsc);
        json_kv_u64(&j, "ns", chains_stage_ns(ch, &c->stages[i]));
        json_kv_u64(&j, "cpu", c->stages[i].cpu);
        json_end_object(&j);
    }
    json_end_array(&j);
    json_kv_u64(&j, "total_ns", chains_total_ns(ch, c));
    json_end_object(&j);
    json_newline(&j);
}

struct script_args {
    struct chains_options opt;
    struct filter f;
    int jsonl;
};

static const char *const source_choices[] = {
#define HV_SOURCE(id, name, what) name,
#include "stages.def"
    NULL,
};

/* the same names in --help, from the same table */
#define HV_SOURCE(id, name, what) " " name
static const char source_help[] = "only chains from this source:"
#include "stages.def"
    ;

/* long options only: keys outside the character range (0x200 on: chains.c) */
enum { OPT_FORMAT = 0x100, OPT_ID, OPT_DOM, OPT_PORT, OPT_VCPU, OPT_SOURCE, OPT_MIN_LATENCY };

static const struct argp_option script_options[] = {
    { "format", OPT_FORMAT, "text|jsonl", 0,
      "jsonl: id, source, dom, port, vcpu, outcome, delivery, tracer, stages "
      "[{name, tsc, ns, cpu}], total_ns", 0 },
    { NULL, 0, NULL, 0, "Which chains:", 2 },
    { "id", OPT_ID, "N", 0, "only chain N (the exemplar ids hvpath report prints)", 2 },
    { "dom", OPT_DOM, "D", 0, "only chains to domain D", 2 },
    { "port", OPT_PORT, "P", 0, "only chains on port P", 2 },
    { "vcpu", OPT_VCPU, "V", 0, "only chains to vCPU V", 2 },
    { "source", OPT_SOURCE, "NAME", 0, source_help, 2 },
    { "min-latency", OPT_MIN_LATENCY, "T", 0,
      "only chains taking at least T end to end (e.g. 20us, 1.5ms)", 2 },
    { 0 },
};

static error_t script_parse(int key, char *arg, struct argp_state *st)
{
    static const char *const formats[] = { "text", "jsonl", NULL };
    struct script_args *a = st->input;

    switch (key) {
    case ARGP_KEY_INIT:
        st->child_inputs[0] = &a->opt;
        return 0;
    case OPT_FORMAT:
        a->jsonl = hv_opt_choice(st, "--format", arg, formats);
        return 0;
    case OPT_ID:
        a->f.id = (int64_t)hv_opt_u64(st, "--id", arg, INT64_MAX);
        return 0;
    case OPT_DOM:
        a->f.dom = (int64_t)hv_opt_u64(st, "--dom", arg, INT32_MAX);
        return 0;
    case OPT_PORT:
        a->f.port = (int64_t)hv_opt_u64(st, "--port", arg, INT32_MAX);
        return 0;
    case OPT_VCPU:
        a->f.vcpu = (int64_t)hv_opt_u64(st, "--vcpu", arg, INT32_MAX);
        return 0;
    case OPT_SOURCE:
        a->f.source = hv_opt_choice(st, "--source", arg, source_choices);
        return 0;
    case OPT_MIN_LATENCY:
        a->f.min_ns = hv_opt_duration_ns(st, "--min-latency", arg,
                                         UINT64_C(1000000000000000));
        return 0;
    case ARGP_KEY_ARG:
    case ARGP_KEY_END:
        hv_opt_one_file(st, key, arg, &a->opt.path);
        return 0;
    default:
        return ARGP_ERR_UNKNOWN;
    }
}

static const struct argp script_argp = {
    script_options, script_parse, "FILE",
    "Print the chain of every event in the xentrace file FILE: its source "
    "record (--source lists the kinds), set_pending, mark_pending and the "
    "delivery, each stage with its pCPU, time since the trace start and the "
    "time since the stage before.  docs/report.md describes the chain model."
    "\v"
    "EXAMPLES:\n"
    "  hvpath script host.xt | less\n"
    "  hvpath script --id 1542 host.xt                   one chain, e.g. a report's exemplar\n"
    "  hvpath script --source interdomain --min-latency 20us host.xt\n"
    "  hvpath script --format jsonl --dom 1 host.xt | jq .total_ns\n"
    "  hvpath script --cpu-hz 2.4e9 stock.xt              a trace without clock records\n",
    chains_argp_children, NULL, NULL,
};

int cmd_script(int argc, char **argv)
{
    struct script_args a = { .f = { -1, -1, -1, -1, -1, 0 } };
    struct chains ch;
    struct chain c;
    char err[700];
    int rc;

    hv_argp_parse(&script_argp, argc, argv, &a);
    if (chains_open(&ch, &a.opt, err, sizeof(err))) {
        fprintf(stderr, "hvpath script: %s\n", err);
        return HV_EXIT_DATA;
    }
    hv_print_read_warnings("script", &ch.stats.xt);
    while ((rc = chains_next(&ch, &c, err, sizeof(err))) > 0) {
        if (!wanted(&ch, &a.f, &c))
            continue;
        if (a.jsonl)
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
