/*
 * builtin-stats.c - `hvpath stats`: what a xentrace file holds, in one pass.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "record_fmt.h"
#include "schema.h"
#include "trace_stats.h"

static const char stats_usage[] =
    "usage: hvpath stats [--json] [--tolerant] FILE\n"
    "\n"
    "Count the records of the xentrace file FILE: per event id, per pCPU,\n"
    "records lost by Xen (TRC_LOST_RECORDS), windows, TSC span.\n"
    "\n"
    "  --json      one JSON object: file, bytes, windows, records, lost,\n"
    "              lost_events, tsc_first, tsc_last, tsc_backwards,\n"
    "              skipped_bytes, skipped_windows, cpus {cpu: records},\n"
    "              events {\"0x...\": records}\n"
    "  --tolerant  skip damaged windows instead of failing; the skipped bytes\n"
    "              are reported\n";

static void print_json(const char *path, const struct trace_stats *st)
{
    const struct xt_counters *x = &st->xt;
    int first = 1;

    fputs("{\"file\":", stdout);
    fmt_json_string(stdout, path);
    printf(",\"bytes\":%" PRIu64 ",\"windows\":%" PRIu64 ",\"records\":%" PRIu64
           ",\"lost\":%" PRIu64 ",\"lost_events\":%" PRIu64,
           x->file_bytes, x->windows, x->records, st->lost, st->lost_events);
    if (st->have_tsc)
        printf(",\"tsc_first\":%" PRIu64 ",\"tsc_last\":%" PRIu64,
               st->tsc_first, st->tsc_last);
    else
        fputs(",\"tsc_first\":null,\"tsc_last\":null", stdout);
    printf(",\"tsc_backwards\":%" PRIu64 ",\"skipped_bytes\":%" PRIu64
           ",\"skipped_windows\":%" PRIu64 ",\"cpus\":{",
           x->tsc_backwards, x->skipped_bytes, x->skipped_windows);
    for (unsigned cpu = 0; cpu < x->ncpus; cpu++) {
        if (!st->per_cpu[cpu])
            continue;
        printf("%s\"%u\":%" PRIu64, first ? "" : ",", cpu, st->per_cpu[cpu]);
        first = 0;
    }
    fputs("},\"events\":{", stdout);
    for (size_t i = 0; i < st->nevents; i++)
        printf("%s\"0x%08x\":%" PRIu64, i ? "," : "", st->events[i].event,
               st->events[i].count);
    fputs("}}\n", stdout);
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

int cmd_stats(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "json", no_argument, NULL, 'j' },
        { "tolerant", no_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct trace_stats st;
    char err[600];
    int json = 0, tolerant = 0, c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'j':
            json = 1;
            break;
        case 't':
            tolerant = 1;
            break;
        case 'h':
            fputs(stats_usage, stdout);
            return 0;
        default:
            fputs(stats_usage, stderr);
            return HV_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        fputs(stats_usage, stderr);
        return HV_EXIT_USAGE;
    }
    if (trace_stats_compute(argv[optind], tolerant, &st, err, sizeof(err))) {
        fprintf(stderr, "hvpath stats: %s\n", err);
        return HV_EXIT_DATA;
    }
    if (json)
        print_json(argv[optind], &st);
    else
        print_text(argv[optind], &st);
    trace_stats_free(&st);
    if (fflush(stdout) || ferror(stdout)) {
        perror("hvpath stats: writing output");
        return HV_EXIT_DATA;
    }
    return 0;
}
