/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * builtin-stats.c - `hvpath stats`: what a xentrace file holds, in one pass.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "json.h"
#include "options.h"
#include "schema.h"
#include "trace_stats.h"

static void print_json(const char *path, const struct trace_stats *st)
{
    const struct xt_counters *x = &st->xt;
    struct json j;
    char id[16];

    json_init(&j, stdout);
    json_begin_object(&j);
    json_kv_str(&j, "file", path);
    json_kv_u64(&j, "bytes", x->file_bytes);
    json_kv_u64(&j, "windows", x->windows);
    json_kv_u64(&j, "records", x->records);
    json_kv_u64(&j, "lost", st->lost);
    json_kv_u64(&j, "lost_events", st->lost_events);
    json_key(&j, "tsc_first");
    if (st->have_tsc)
        json_u64(&j, st->tsc_first);
    else
        json_null(&j);
    json_key(&j, "tsc_last");
    if (st->have_tsc)
        json_u64(&j, st->tsc_last);
    else
        json_null(&j);
    json_kv_u64(&j, "tsc_backwards", x->tsc_backwards);
    json_kv_u64(&j, "skipped_bytes", x->skipped_bytes);
    json_kv_u64(&j, "skipped_windows", x->skipped_windows);
    json_key(&j, "cpus");
    json_begin_object(&j);
    for (unsigned cpu = 0; cpu < x->ncpus; cpu++) {
        char key[12];
        if (!st->per_cpu[cpu])
            continue;
        snprintf(key, sizeof(key), "%u", cpu);
        json_kv_u64(&j, key, st->per_cpu[cpu]);
    }
    json_end_object(&j);
    json_key(&j, "events");
    json_begin_object(&j);
    for (size_t i = 0; i < st->nevents; i++) {
        snprintf(id, sizeof(id), "0x%08x", st->events[i].event);
        json_kv_u64(&j, id, st->events[i].count);
    }
    json_end_object(&j);
    json_end_object(&j);
    json_newline(&j);
}

static int by_count_desc(const void *a, const void *b)
{
    const struct trace_event_count *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return (x->event > y->event) - (x->event < y->event);
}

static void print_text(const char *path, struct trace_stats *st)
{
    const struct xt_counters *x = &st->xt;

    printf("file           %s\n", path);
    printf("bytes          %" PRIu64 "\n", x->file_bytes);
    printf("windows        %" PRIu64 "\n", x->windows);
    printf("records        %" PRIu64 "\n", x->records);
    printf("lost records   %" PRIu64 " (in %" PRIu64 " TRC_LOST_RECORDS)\n",
           st->lost, st->lost_events);
    if (st->have_tsc)
        printf("tsc            %" PRIu64 " .. %" PRIu64 " (span %" PRIu64 " cycles)\n",
               st->tsc_first, st->tsc_last, st->tsc_last - st->tsc_first);
    if (x->tsc_backwards)
        printf("tsc backwards  %" PRIu64 " records (first at byte %" PRIu64 ")\n",
               x->tsc_backwards, x->first_backwards_offset);
    if (x->skipped_bytes)
        printf("SKIPPED        %" PRIu64 " damaged bytes in %" PRIu64
               " windows or runs (--tolerant): counts are not the whole trace\n",
               x->skipped_bytes, x->skipped_windows);

    printf("\n%6s %12s\n", "pcpu", "records");
    for (unsigned cpu = 0; cpu < x->ncpus; cpu++)
        if (st->per_cpu[cpu])
            printf("%6u %12" PRIu64 "\n", cpu, st->per_cpu[cpu]);

    qsort(st->events, st->nevents, sizeof(*st->events), by_count_desc);
    printf("\n%12s %7s  %-10s  %s\n", "records", "%", "event", "name");
    for (size_t i = 0; i < st->nevents; i++) {
        const struct hv_event_info *ev = hv_event_lookup(st->events[i].event);
        printf("%12" PRIu64 " %6.2f%%  0x%08x  %s\n", st->events[i].count,
               x->records ? 100.0 * (double)st->events[i].count / (double)x->records
                          : 0.0,
               st->events[i].event, ev ? ev->name : "?");
    }
}

struct stats_args {
    int json, tolerant;
    const char *file;
};

/* long options only: keys outside the character range */
enum { OPT_JSON = 0x100, OPT_TOLERANT };

static const struct argp_option stats_options[] = {
    { "json", OPT_JSON, NULL, 0,
      "one JSON object: file, bytes, windows, records, lost, lost_events, "
      "tsc_first, tsc_last, tsc_backwards, skipped_bytes, skipped_windows, "
      "cpus {cpu: records}, events {\"0x...\": records}", 0 },
    { "tolerant", OPT_TOLERANT, NULL, 0,
      "skip damaged windows instead of failing; the skipped bytes are reported", 0 },
    { 0 },
};

static error_t stats_parse(int key, char *arg, struct argp_state *st)
{
    struct stats_args *a = st->input;

    switch (key) {
    case OPT_JSON:
        a->json = 1;
        return 0;
    case OPT_TOLERANT:
        a->tolerant = 1;
        return 0;
    case ARGP_KEY_ARG:
    case ARGP_KEY_END:
        hv_opt_one_file(st, key, arg, &a->file);
        return 0;
    default:
        return ARGP_ERR_UNKNOWN;
    }
}

static const struct argp stats_argp = {
    stats_options, stats_parse, "FILE",
    "Count the records of the xentrace file FILE: per event id, per pCPU, "
    "records lost by Xen (TRC_LOST_RECORDS), windows, TSC span."
    "\v"
    "EXAMPLES:\n"
    "  hvpath stats host.xt\n"
    "  hvpath stats --json host.xt | jq .lost\n",
    NULL, NULL, NULL,
};

int cmd_stats(int argc, char **argv)
{
    struct stats_args a = { 0 };
    struct trace_stats st;
    char err[600];

    hv_argp_parse(&stats_argp, argc, argv, &a);
    if (trace_stats_compute(a.file, a.tolerant, 0, &st, err, sizeof(err))) {
        fprintf(stderr, "hvpath stats: %s\n", err);
        return HV_EXIT_DATA;
    }
    if (a.json)
        print_json(a.file, &st);
    else
        print_text(a.file, &st);
    trace_stats_free(&st);
    if (fflush(stdout) || ferror(stdout)) {
        perror("hvpath stats: writing output");
        return HV_EXIT_DATA;
    }
    return 0;
}
