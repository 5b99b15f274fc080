/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options.h - how every hvpath command parses its arguments.
 *
 * Each builtin has one argp option table (glibc's argp, as libbpf-tools use
 * it): the table is the parser and the --help text, and the doc string after
 * '\v' is the EXAMPLES section.  --help, --usage and --version exit 0; a bad
 * option or value prints "hvpath CMD: why" and exits 2 (HV_EXIT_USAGE).
 *
 * Values are parsed strictly: the whole string, finite, in range.  A parser
 * that fails calls argp_error(), which exits 2.
 */
#ifndef HVPATH_OPTIONS_H
#define HVPATH_OPTIONS_H

#include <argp.h>
#include <stdint.h>

/*
 * Parse argv (argv[0] is the command name, as cmd_*() get it) with argp:
 * messages say "hvpath CMD".  Returns what argp_parse returns (0), or exits.
 */
int hv_argp_parse(const struct argp *argp, int argc, char **argv, void *input);

/* An unsigned integer (decimal or 0x hex) in [0, max]. */
uint64_t hv_opt_u64(struct argp_state *st, const char *opt, const char *arg,
                    uint64_t max);

/* A finite number in [min, max] ("2.4e9", "1000"). */
double hv_opt_double(struct argp_state *st, const char *opt, const char *arg,
                     double min, double max);

/* A duration: "12us", "3ms", "250ns", "1.5s" or plain ns, at most max_ns. */
uint64_t hv_opt_duration_ns(struct argp_state *st, const char *opt,
                            const char *arg, uint64_t max_ns);

/* Index of arg in the NULL-terminated choices. */
int hv_opt_choice(struct argp_state *st, const char *opt, const char *arg,
                  const char *const *choices);

/* The one positional FILE argument every trace command takes. */
void hv_opt_one_file(struct argp_state *st, int key, const char *arg,
                     const char **file);

/*
 * Parse "12us" etc. without argp (for callers that validate themselves):
 * 0, or -1 if not a duration of at most max_ns.
 */
int hv_parse_duration_ns(const char *s, uint64_t max_ns, uint64_t *ns);

#endif /* HVPATH_OPTIONS_H */
