/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * chains.h - what `hvpath script` and `hvpath report` share: open a trace,
 * count it, find its clock, and stream its chains out of the stitcher.
 */
#ifndef HVPATH_CHAINS_H
#define HVPATH_CHAINS_H

#include <argp.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "stitch.h"
#include "trace_stats.h"

/*
 * A pCPU that writes nothing for this long (TSC time) no longer holds
 * finished chains back: they are released without waiting for a loss it
 * might still report.  docs/report.md, "Limits".
 */
#define CHAINS_SILENT_NS 10000000u     /* 10 ms */

struct chains_options {
    const char *path;
    double cpu_hz;                  /* --cpu-hz, 0 if not given */
    int include_tracer;             /* keep xentrace's own VIRQ_TBUF chains */
    int tolerant;
};

struct chains {
    struct chains_options opt;
    struct trace_stats stats;       /* the whole file, counted first */
    struct hv_clock clock;
    int probes;                     /* the trace has hv-probes records */
    uint64_t tsc0;                  /* time origin: the first TSC */
    uint64_t tracer_skipped;
    struct xt_reader *reader;
    struct stitcher *stitcher;
    int finished;
    char pathbuf[4096];             /* DIR/host.xt when the path was a run's directory */
};

/*
 * Open and prepare.  A directory is a run's (hvpath lab run -o DIR): its
 * DIR/host.xt is read, and ch->opt.path names it.  Fails (message in err) on
 * an unreadable trace, or when no clock can be trusted: no clock records and
 * no --cpu-hz.  ch must not move while open.
 */
int chains_open(struct chains *ch, const struct chains_options *opt, char *err,
                size_t errlen);

/* Next chain: 1, 0 at the end, -1 on error (message in err). */
int chains_next(struct chains *ch, struct chain *c, char *err, size_t errlen);

/*
 * Times in ns, each at the scale of the pCPU where it ends (clock.h): of
 * stage st since the trace start; of stage i of c since stage i - 1 (0 for
 * the first, or a stage that comes before the one before it); of c from its
 * first stage to its last.
 */
uint64_t chains_stage_ns(struct chains *ch, const struct chain_stage *st);
uint64_t chains_delta_ns(struct chains *ch, const struct chain *c, unsigned i);
uint64_t chains_total_ns(struct chains *ch, const struct chain *c);

void chains_close(struct chains *ch);

/*
 * What every command that reads a trace says on stderr when the reading was
 * not clean: records whose TSC went below their pCPU's previous one, and
 * damaged bytes --tolerant skipped (then the output is not the whole trace).
 */
void hv_print_read_warnings(const char *cmd, const struct xt_counters *x);

/*
 * The options every chain command takes (--include-tracer, --cpu-hz,
 * --tolerant): an argp child parser, its input a struct chains_options.
 * A command names chains_argp_children as its argp children and hands the
 * parser &opt in ARGP_KEY_INIT (state->child_inputs[0] = &opt).
 */
extern const struct argp chains_argp;
extern const struct argp_child chains_argp_children[];

#endif /* HVPATH_CHAINS_H */
