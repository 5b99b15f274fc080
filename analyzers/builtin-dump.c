/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * builtin-dump.c - `hvpath dump`: every record of a xentrace file, one per
 * line, in global TSC order.
 *
 * The whole file is checked (a file-order pass over every record) before the
 * first line is printed, so a damaged trace yields an error and no output
 * rather than a prefix that looks complete.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "chains.h"
#include "options.h"
#include "record_fmt.h"
#include "xt_reader.h"

struct dump_args {
    struct xt_options xo;
    int jsonl;
    const char *file;
};

/* long options only: keys outside the character range */
enum { OPT_FORMAT = 0x100, OPT_FILE_ORDER, OPT_TOLERANT };

static const struct argp_option dump_options[] = {
    { "format", OPT_FORMAT, "text|jsonl", 0,
      "text: 'cpu tsc name fields' (a '*' after the TSC marks a record without "
      "one, which inherits the previous TSC of its pCPU); jsonl: one JSON object "
      "per record (cpu, tsc, tsc_inherited, offset, event, name, extra, fields)", 0 },
    { "file-order", OPT_FILE_ORDER, NULL, 0, "records as stored, window after window (no merge)", 0 },
    { "tolerant", OPT_TOLERANT, NULL, 0,
      "skip damaged windows (reported on stderr) instead of failing", 0 },
    { 0 },
};

static error_t dump_parse(int key, char *arg, struct argp_state *st)
{
    static const char *const formats[] = { "text", "jsonl", NULL };
    struct dump_args *a = st->input;

    switch (key) {
    case OPT_FORMAT:
        a->jsonl = hv_opt_choice(st, "--format", arg, formats);
        return 0;
    case OPT_FILE_ORDER:
        a->xo.order = XT_ORDER_FILE;
        return 0;
    case OPT_TOLERANT:
        a->xo.tolerant = 1;
        return 0;
    case ARGP_KEY_ARG:
    case ARGP_KEY_END:
        hv_opt_one_file(st, key, arg, &a->file);
        return 0;
    default:
        return ARGP_ERR_UNKNOWN;
    }
}

static const struct argp dump_argp = {
    dump_options, dump_parse, "FILE",
    "Print every record of the xentrace file FILE, merged across pCPUs into one "
    "TSC order.  The whole file is checked before the first line is printed: a "
    "damaged trace gives an error and no output."
    "\v"
    "EXAMPLES:\n"
    "  hvpath dump host.xt | less\n"
    "  hvpath dump --format jsonl host.xt | jq 'select(.name == \"TRC_HW_HVPATH_EVTCHN_SEND\")'\n"
    "  hvpath dump --file-order --tolerant damaged.xt\n",
    NULL, NULL, NULL,
};

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
    struct dump_args a = { .xo = { .order = XT_ORDER_TSC } };
    struct xt_counters checked;
    struct xt_reader *r;
    struct hv_rec rec;
    char err[600];
    int rc;

    hv_argp_parse(&dump_argp, argc, argv, &a);
    if (check_file(a.file, &a.xo, &checked))
        return HV_EXIT_DATA;
    if (xt_open(a.file, &a.xo, &r, err, sizeof(err))) {
        fprintf(stderr, "hvpath dump: %s\n", err);
        return HV_EXIT_DATA;
    }
    while ((rc = xt_next(r, &rec)) > 0) {
        if (a.jsonl)
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
    hv_print_read_warnings("dump", &checked);
    return 0;
}
