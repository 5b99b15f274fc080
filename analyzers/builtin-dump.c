/*
 * builtin-dump.c - `hvpath dump`: every record of a xentrace file, one per
 * line, in global TSC order.
 *
 * The whole file is checked (a file-order pass over every record) before the
 * first line is printed, so a damaged trace yields an error and no output
 * rather than a prefix that looks complete.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "record_fmt.h"
#include "xt_reader.h"

static const char dump_usage[] =
    "usage: hvpath dump [--format text|jsonl] [--file-order] [--tolerant] FILE\n"
    "\n"
    "Print every record of the xentrace file FILE, merged across pCPUs into\n"
    "one TSC order.\n"
    "\n"
    "  --format text|jsonl  text: 'cpu tsc name fields' (a '*' after the TSC\n"
    "                       marks a record without one, which inherits the\n"
    "                       previous TSC of its pCPU); jsonl: one JSON object\n"
    "                       per record (cpu, tsc, tsc_inherited, offset, event,\n"
    "                       name, extra, fields)\n"
    "  --file-order         records as stored, window after window (no merge)\n"
    "  --tolerant           skip damaged windows (reported on stderr) instead\n"
    "                       of failing\n";

/* Read every record once without printing; 0 if the file is sound. */
static int check_file(const char *path, const struct xt_options *base,
                      struct xt_counters *out)
{
    struct xt_options opt = *base;
    struct xt_reader *r;
    struct hv_rec rec;
    char err[600];
    int rc;

    opt.order = XT_ORDER_FILE;
    if (xt_open(path, &opt, &r, err, sizeof(err))) {
        fprintf(stderr, "hvpath dump: %s\n", err);
        return -1;
    }
    while ((rc = xt_next(r, &rec)) > 0)
        ;
    if (rc < 0)
        fprintf(stderr, "hvpath dump: %s\n", xt_error(r));
    *out = *xt_counters(r);
    xt_close(r);
    return rc;
}

int cmd_dump(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "format", required_argument, NULL, 'f' },
        { "file-order", no_argument, NULL, 'o' },
        { "tolerant", no_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct xt_options opt = { .order = XT_ORDER_TSC };
    struct xt_counters checked;
    struct xt_reader *r;
    struct hv_rec rec;
    char err[600];
    int jsonl = 0, c, rc;

    optind = 1;
    while ((c = getopt_long(argc, argv, "f:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (!strcmp(optarg, "jsonl"))
                jsonl = 1;
            else if (strcmp(optarg, "text")) {
                fprintf(stderr, "hvpath dump: unknown format '%s' (text or jsonl)\n",
                        optarg);
                return HV_EXIT_USAGE;
            }
            break;
        case 'o':
            opt.order = XT_ORDER_FILE;
            break;
        case 't':
            opt.tolerant = 1;
            break;
        case 'h':
            fputs(dump_usage, stdout);
            return 0;
        default:
            fputs(dump_usage, stderr);
            return HV_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        fputs(dump_usage, stderr);
        return HV_EXIT_USAGE;
    }

    if (check_file(argv[optind], &opt, &checked))
        return HV_EXIT_DATA;
    if (xt_open(argv[optind], &opt, &r, err, sizeof(err))) {
        fprintf(stderr, "hvpath dump: %s\n", err);
        return HV_EXIT_DATA;
    }
    while ((rc = xt_next(r, &rec)) > 0) {
        if (jsonl)
            fmt_rec_jsonl(stdout, &rec);
        else
            fmt_rec_text(stdout, &rec);
    }
    if (rc < 0)
        fprintf(stderr, "hvpath dump: %s\n", xt_error(r));
    xt_close(r);
    if (fflush(stdout) || ferror(stdout)) {
        perror("hvpath dump: writing output");
        return HV_EXIT_DATA;
    }
    if (rc < 0)
        return HV_EXIT_DATA;
    if (checked.tsc_backwards)
        fprintf(stderr, "hvpath dump: warning: %llu records have a TSC below "
                "the previous one of their pCPU (first at byte %llu)\n",
                (unsigned long long)checked.tsc_backwards,
                (unsigned long long)checked.first_backwards_offset);
    if (checked.skipped_bytes)
        fprintf(stderr, "hvpath dump: --tolerant: skipped %llu damaged bytes "
                "(%llu windows or runs); the output is NOT the whole trace\n",
                (unsigned long long)checked.skipped_bytes,
                (unsigned long long)checked.skipped_windows);
    return 0;
}
