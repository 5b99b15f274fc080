/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options.c - argp plumbing and strict value parsers (options.h).
 */
#define _GNU_SOURCE
#include "options.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"

const char *argp_program_version = "hvpath " HVPATH_VERSION;

int hv_argp_parse(const struct argp *argp, int argc, char **argv, void *input)
{
    char name[64];
    char **av;
    int rc;

    /* argp names the program after argv[0]: make it "hvpath CMD" */
    snprintf(name, sizeof(name), "hvpath %s", argc > 0 ? argv[0] : "?");
    av = calloc((size_t)argc + 1, sizeof(*av));
    if (!av) {
        perror("hvpath");
        exit(HV_EXIT_DATA);
    }
    for (int i = 1; i < argc; i++)
        av[i] = argv[i];
    av[0] = name;
    argp_err_exit_status = HV_EXIT_USAGE;
    rc = argp_parse(argp, argc, av, 0, NULL, input);
    free(av);
    return rc;
}

uint64_t hv_opt_u64(struct argp_state *st, const char *opt, const char *arg,
                    uint64_t max)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(arg, &end, 0);
    if (!*arg || *end || arg[0] == '-' || errno == ERANGE || v > max)
        argp_error(st, "%s takes a whole number from 0 to %llu, not '%s'", opt,
                   (unsigned long long)max, arg);
    return v;
}

double hv_opt_double(struct argp_state *st, const char *opt, const char *arg,
                     double min, double max)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(arg, &end);
    if (!*arg || *end || errno == ERANGE || !isfinite(v) || v < min || v > max)
        argp_error(st, "%s takes a number from %g to %g, not '%s'", opt, min, max,
                   arg);
    return v;
}

int hv_parse_duration_ns(const char *s, uint64_t max_ns, uint64_t *ns)
{
    static const struct { const char *unit; double mul; } units[] = {
        { "", 1 }, { "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
    };
    char *end;
    double v, t;

    errno = 0;
    v = strtod(s, &end);
    if (end == s || errno == ERANGE || !isfinite(v) || v < 0)
        return -1;
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcmp(end, units[i].unit))
            continue;
        t = v * units[i].mul;
        if (!(t <= (double)max_ns))
            return -1;
        *ns = (uint64_t)(t + 0.5);
        return 0;
    }
    return -1;
}

uint64_t hv_opt_duration_ns(struct argp_state *st, const char *opt,
                            const char *arg, uint64_t max_ns)
{
    uint64_t ns = 0;

    if (hv_parse_duration_ns(arg, max_ns, &ns))
        argp_error(st, "%s takes a duration like 20us, 3ms or 1.5s (at most %gs), "
                   "not '%s'", opt, (double)max_ns / 1e9, arg);
    return ns;
}

int hv_opt_choice(struct argp_state *st, const char *opt, const char *arg,
                  const char *const *choices)
{
    char list[200];
    size_t n = 0;

    for (int i = 0; choices[i]; i++)
        if (!strcmp(arg, choices[i]))
            return i;
    list[0] = 0;
    for (int i = 0; choices[i] && n < sizeof(list); i++)
        n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", i ? ", " : "",
                              choices[i]);
    argp_error(st, "%s takes one of %s, not '%s'", opt, list, arg);
    return -1;
}

void hv_opt_one_file(struct argp_state *st, int key, const char *arg,
                     const char **file)
{
    if (key == ARGP_KEY_ARG) {
        if (*file)
            argp_error(st, "one FILE only ('%s' and '%s')", *file, arg);
        *file = arg;
    } else if (key == ARGP_KEY_END && !*file) {
        argp_error(st, "no FILE given");
    }
}
