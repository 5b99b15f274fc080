/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * builtin.h - the hvpath subcommands, one builtin-<cmd>.c each (perf style).
 *
 * Each takes the arguments after the command name (argv[0] is the command)
 * and returns the process exit status: 0 success, 1 the input could not be
 * read or trusted, 2 wrong usage.
 */
#ifndef HVPATH_BUILTIN_H
#define HVPATH_BUILTIN_H

#define HV_EXIT_DATA 1
#define HV_EXIT_USAGE 2

#ifndef HVPATH_VERSION
#define HVPATH_VERSION "0.1"
#endif

int cmd_dump(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_lab(int argc, char **argv);
int cmd_script(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_diff(int argc, char **argv);

#endif /* HVPATH_BUILTIN_H */
