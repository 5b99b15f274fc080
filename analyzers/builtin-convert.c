/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * builtin-convert.c - `hvpath convert`: the chains of a trace as a timeline
 * for another tool: --to perfetto (Perfetto's protobuf, ui.perfetto.dev) or
 * --to chrome-json (the Trace Event Format, for small traces).  convert.h
 * says what the timeline holds; a sink per format writes it.
 *
 * The output is written to a temporary file beside OUT and renamed into
 * place only when the whole trace has been read: a failure leaves no OUT.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builtin.h"
#include "chains.h"
#include "convert.h"
#include "options.h"

enum { TO_PERFETTO, TO_CHROME_JSON, TO_COUNT };

/* The sink of each --to, where this build has it. */
static const struct format {
    struct convert_sink *(*open)(FILE *out);
    int (*end)(struct convert_sink *s);
} formats[TO_COUNT] = {
#ifdef HVPATH_HAVE_PERFETTO
    [TO_PERFETTO] = { convert_perfetto_sink, convert_perfetto_end },
#endif
    [TO_CHROME_JSON] = { convert_chrome_sink, convert_chrome_end },
};

struct convert_args {
    struct chains_options opt;
    const char *out;
    int to;
};

static const struct argp_option convert_options[] = {
    { "to", 't', "perfetto|chrome-json", 0,
      "the format: perfetto (Perfetto's protobuf trace, TrackEvent, for "
      "ui.perfetto.dev) or chrome-json (the Trace Event Format JSON of "
      "chrome://tracing, which Perfetto also imports: for small traces)", 0 },
    { "output", 'o', "OUT", 0, "the file to write (- for standard output)", 0 },
    { 0 },
};

static error_t convert_parse(int key, char *arg, struct argp_state *st)
{
    static const char *const formats[] = { "perfetto", "chrome-json", NULL };
    struct convert_args *a = st->input;

    switch (key) {
    case ARGP_KEY_INIT:
        st->child_inputs[0] = &a->opt;
        return 0;
    case 't':
        a->to = hv_opt_choice(st, "--to", arg, formats);
        return 0;
    case 'o':
        if (!*arg)
            argp_error(st, "-o takes the file to write");
        a->out = arg;
        return 0;
    case ARGP_KEY_ARG:
        hv_opt_one_file(st, key, arg, &a->opt.path);
        return 0;
    case ARGP_KEY_END:
        hv_opt_one_file(st, key, arg, &a->opt.path);
        if (a->to < 0)
            argp_error(st, "--to is required (perfetto or chrome-json)");
        if (!a->out)
            argp_error(st, "-o OUT is required");
        return 0;
    default:
        return ARGP_ERR_UNKNOWN;
    }
}

static const struct argp convert_argp = {
    convert_options, convert_parse, "FILE",
    "Write the chains of the xentrace file FILE as a timeline: a track per "
    "pCPU holding every stage as an instant, each chain one flow from its "
    "source to its last stage, and a track per guest vCPU holding a slice per "
    "chain.  Open a perfetto file in ui.perfetto.dev.  Times are ns since the "
    "trace's first record.  docs/report.md describes the chain model."
    "\v"
    "EXAMPLES:\n"
    "  hvpath convert --to perfetto host.xt -o host.pftrace\n"
    "  hvpath convert --to chrome-json host.xt -o host.json\n"
    "  hvpath convert --to perfetto --include-tracer host.xt -o - | wc -c\n",
    chains_argp_children, NULL, NULL,
};

/* out, or a temporary file beside it (its name in tmp) to rename later. */
static FILE *open_output(const char *out, char *tmp, size_t len)
{
    int fd;

    if (!strcmp(out, "-")) {
        tmp[0] = 0;
        return stdout;
    }
    if ((size_t)snprintf(tmp, len, "%s.XXXXXX", out) >= len) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    fd = mkstemp(tmp);
    if (fd < 0)
        return NULL;
    if (fchmod(fd, 0644)) {
        close(fd);
        unlink(tmp);
        return NULL;
    }
    return fdopen(fd, "wb");
}

/* Write the chains of ch to out in format to: 0, or -1 (message in err). */
static int write_chains(struct chains *ch, int to, FILE *out, const char *outname, char *err,
                        size_t errlen)
{
    struct convert_sink *sink = formats[to].open(out);
    struct convert_counts n;
    int rc, end;
    off_t bytes;

    if (!sink) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    rc = convert_chains(ch, sink, &n, err, errlen);
    end = formats[to].end(sink);
    if (rc == -2 || (!rc && end)) {
        snprintf(err, errlen, "writing %s: %s", outname, strerror(errno ? errno : EIO));
        return -1;
    }
    if (rc)
        return -1;
    bytes = ftello(out);
    fprintf(stderr, "hvpath convert: %" PRIu64 " chains (%" PRIu64 " on vCPU tracks, %" PRIu64
            " flows), %" PRIu64 " events", n.chains, n.sliced, n.flows, n.events);
    if (bytes > 0)
        fprintf(stderr, ", %lld bytes (%.0f per chain)", (long long)bytes,
                n.chains ? (double)bytes / (double)n.chains : 0.0);
    fprintf(stderr, " -> %s\n", outname);
    return 0;
}

int cmd_convert(int argc, char **argv)
{
    struct convert_args a = { .to = -1 };
    char err[700], tmp[4200];
    struct chains ch;
    FILE *out;
    int rc;

    hv_argp_parse(&convert_argp, argc, argv, &a);
    if (!formats[a.to].open) {      /* only perfetto can be left out */
        fprintf(stderr, "hvpath convert: this hvpath was built without protobuf-c, so it "
                "cannot write perfetto (apt-get install libprotobuf-c-dev "
                "protobuf-c-compiler, then rebuild)\n");
        return HV_EXIT_DATA;
    }
    if (chains_open(&ch, &a.opt, err, sizeof(err))) {
        fprintf(stderr, "hvpath convert: %s\n", err);
        return HV_EXIT_DATA;
    }
    hv_print_read_warnings("convert", &ch.stats.xt);
    out = open_output(a.out, tmp, sizeof(tmp));
    if (!out) {
        fprintf(stderr, "hvpath convert: %s: %s\n", a.out, strerror(errno));
        chains_close(&ch);
        return HV_EXIT_DATA;
    }
    rc = write_chains(&ch, a.to, out, a.out, err, sizeof(err));
    chains_close(&ch);
    if (out == stdout) {
        if ((fflush(stdout) || ferror(stdout)) && !rc) {
            snprintf(err, sizeof(err), "writing the output: %s", strerror(errno));
            rc = -1;
        }
    } else {
        if ((fflush(out) || fsync(fileno(out))) && !rc) {
            snprintf(err, sizeof(err), "writing %s: %s", a.out, strerror(errno));
            rc = -1;
        }
        if (fclose(out) && !rc) {
            snprintf(err, sizeof(err), "writing %s: %s", a.out, strerror(errno));
            rc = -1;
        }
        if (!rc && rename(tmp, a.out)) {
            snprintf(err, sizeof(err), "%s: %s", a.out, strerror(errno));
            rc = -1;
        }
        if (rc)
            unlink(tmp);
    }
    if (rc) {
        fprintf(stderr, "hvpath convert: %s%s\n", err,
                out == stdout ? " (the output written so far is not the whole trace)" :
                " (nothing written)");
        return HV_EXIT_DATA;
    }
    return 0;
}
