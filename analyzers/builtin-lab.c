/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * builtin-lab.c - `hvpath lab`: the emulated Xen lab.
 *
 * The lab is a shell engine (lab/lab.sh: fetch Debian's Xen, kernel and
 * tools, build a dom0 image, boot QEMU, run a scenario under xentrace,
 * collect the files).  This builtin owns its options: it checks them, finds
 * the engine and the in-lab programs next to this executable, and hands
 * over through the environment (lab.sh documents the variables).
 *
 * Where the lab is: $HVPATH_LIBEXEC if set, else the first of
 *   <dir of this executable>/libexec/hvpath       (the build tree)
 *   <dir of this executable>/../libexec/hvpath    (an installed prefix)
 * that holds lab/lab.sh; lab-bin/ beside it holds the in-lab programs.
 * Nothing about the build machine is compiled in.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtin.h"
#include "options.h"
#include "record.h"

static const char *const actions[] = { "run", "shell", "prepare", NULL };
static const char *const guests[] = { "none", "pv", "pvh", NULL };

struct lab_args {
    int action;
    const char *scenario, *xen, *guest, *events, *out;
    char icount[8], tbuf[16], n[24], timeout[16], mask[16];
    int same_vcpu;
};

/*
 * The scenarios lab/scenarios/ holds; a test keeps this list and the
 * directory equal.
 */
#define LAB_SCENARIOS "pingpong, pingpong-domu, idle, disk, guest-boot"

/* long options only: keys outside the character range */
enum { OPT_SCENARIO = 0x100, OPT_XEN, OPT_GUEST, OPT_ICOUNT, OPT_TIMEOUT, OPT_EVENTS, OPT_TBUF,
       OPT_SAME_VCPU };

static const struct argp_option lab_options[] = {
    { NULL, 0, NULL, 0, "What to run (run):", 0 },
    { "scenario", OPT_SCENARIO, "NAME", 0,
      "the scenario run in dom0 under xentrace: " LAB_SCENARIOS, 0 },
    { NULL, 'n', "N", 0,
      "passed to the scenario; for pingpong*, the notifications in both "
      "directions (1000: 500 round trips; default 1000)", 0 },
    { "same-vcpu", OPT_SAME_VCPU, NULL, 0,
      "pingpong: each port notifies its sender's own vCPU (default: the receiver's, "
      "so every notification crosses vCPUs)", 0 },
    { "output", 'o', "DIR", 0,
      "where the results go (host.xt, manifest.json, console.log, ...): new, "
      "empty, or from an earlier lab run", 0 },
    { NULL, 0, NULL, 0, "The machine (run, shell):", 0 },
    { "xen", OPT_XEN, "stock|patched|PATH", 0,
      "Debian's hypervisor (default), the hv-probes series built on Debian's "
      "source (hv-probes/build-xen.sh, cached), or your own xen or xen.gz", 0 },
    { "guest", OPT_GUEST, "none|pv|pvh", 0,
      "start a domU (Debian kernel, busybox initrd, 256 MB, 1 vCPU) before "
      "tracing (default: none, pvh for pingpong-domu and guest-boot)", 0 },
    { "icount", OPT_ICOUNT, "SHIFT", 0,
      "QEMU -icount shift=SHIFT: guest time advances 2^SHIFT ns per "
      "instruction, so times are instruction counts", 0 },
    { "timeout", OPT_TIMEOUT, "SECS", 0,
      "limit for the VM (default 900 for run, 14400 for shell)", 0 },
    { NULL, 0, NULL, 0, "Tracing (run):", 0 },
    { "events", OPT_EVENTS, "MASK", 0,
      "xentrace -e: a number (default 0x0ffff000, everything), all, gen, "
      "sched, dom0op, hvm; hot (the hvpath records and the scheduler and VM-entry "
      "records the chains use, 0x008a9000), hvpath (the hvpath records alone, "
      "0x00808000: no wake or switch stages, no PVH VM entry); or off (no "
      "xentrace at all)", 0 },
    { "tbuf", OPT_TBUF, "PAGES", 0, "xentrace -S: trace buffer pages per pCPU (default 256)", 0 },
    { 0 },
};

static int valid_events(const char *e)
{
    static const char *const names[] = { "all", "off", "gen", "sched", "dom0op",
                                         "hvm", "hot", "hvpath", NULL };
    char *end;

    for (int i = 0; names[i]; i++)
        if (!strcmp(e, names[i]))
            return 1;
    errno = 0;
    unsigned long long v = strtoull(e, &end, 0);
    return *e && *e != '-' && !*end && errno != ERANGE && v <= 0x0fffffffu;
}

static void copy_num(struct argp_state *st, const char *opt, const char *arg,
                     uint64_t min, uint64_t max, char *dst, size_t len)
{
    uint64_t v = hv_opt_u64(st, opt, arg, max);

    if (v < min)
        argp_error(st, "%s takes a whole number from %llu to %llu, not '%s'", opt,
                   (unsigned long long)min, (unsigned long long)max, arg);
    snprintf(dst, len, "%llu", (unsigned long long)v);
}

static error_t lab_parse(int key, char *arg, struct argp_state *st)
{
    struct lab_args *a = st->input;

    switch (key) {
    case OPT_SCENARIO:
        if (!*arg || strchr(arg, '/') || arg[0] == '.')
            argp_error(st, "--scenario takes a scenario name (" LAB_SCENARIOS
                       "), not '%s'", arg);
        a->scenario = arg;
        return 0;
    case 'n':
        copy_num(st, "-n", arg, 1, 100000000, a->n, sizeof(a->n));
        return 0;
    case 'o':
        a->out = arg;
        return 0;
    case OPT_SAME_VCPU:
        a->same_vcpu = 1;
        return 0;
    case OPT_XEN:
        if (!*arg)
            argp_error(st, "--xen takes stock, patched or the path of a xen binary");
        a->xen = arg;
        return 0;
    case OPT_GUEST:
        a->guest = guests[hv_opt_choice(st, "--guest", arg, guests)];
        return 0;
    case OPT_ICOUNT:
        copy_num(st, "--icount", arg, 0, 10, a->icount, sizeof(a->icount));
        return 0;
    case OPT_TIMEOUT:
        copy_num(st, "--timeout", arg, 1, 86400, a->timeout, sizeof(a->timeout));
        return 0;
    case OPT_EVENTS:
        if (!valid_events(arg))
            argp_error(st, "--events takes a number (e.g. 0x0ffff000), all, gen, "
                       "sched, dom0op, hvm, hot, hvpath or off, not '%s'", arg);
        /* xentrace knows the others by name */
        if (!strcmp(arg, "all"))
            arg = "0x0ffff000";
        else if (!strcmp(arg, "hot") || !strcmp(arg, "hvpath")) {
            snprintf(a->mask, sizeof(a->mask), "0x%08x",
                     strcmp(arg, "hot") ? HV_TRC_HVPATH : HV_EVENTS_HOT);
            arg = a->mask;
        }
        a->events = arg;
        return 0;
    case OPT_TBUF:
        copy_num(st, "--tbuf", arg, 1, 1u << 20, a->tbuf, sizeof(a->tbuf));
        return 0;
    case ARGP_KEY_ARG:
        if (st->arg_num > 0)
            argp_error(st, "one action only (run, shell or prepare)");
        a->action = hv_opt_choice(st, "the action", arg, actions);
        return 0;
    case ARGP_KEY_END:
        if (a->action < 0)
            argp_error(st, "no action given (run, shell or prepare)");
        if (a->action == 0 && (!a->scenario || !a->out))
            argp_error(st, "run needs --scenario NAME and -o DIR");
        return 0;
    default:
        return ARGP_ERR_UNKNOWN;
    }
}

static const struct argp lab_argp = {
    lab_options, lab_parse, "run|shell|prepare",
    "Boot Debian's Xen 4.17 and a Linux 6.1 dom0 under QEMU (software "
    "emulation: no KVM or VT-x needed), run a scenario in dom0 with xentrace "
    "around it and bring the trace back.  run: one scenario, results in DIR; "
    "shell: an interactive dom0 on this terminal (Ctrl-A X quits); prepare: "
    "download and build the image only.  Times measured in the lab are "
    "emulated.  Packages are fetched with apt-get download and cached under "
    "~/.cache/hvpath (HVPATH_CACHE).  docs/lab.md has the details."
    "\v"
    "EXAMPLES:\n"
    "  hvpath lab run --scenario pingpong -n 1000 -o out/pp\n"
    "  hvpath lab run --xen patched --scenario pingpong-domu --guest pvh -o out/domu\n"
    "  hvpath lab run --xen patched --events off --icount 3 --scenario pingpong -o out/cost\n"
    "  hvpath lab run --xen patched --events hot --scenario pingpong -o out/hot\n"
    "  hvpath lab shell --guest pvh\n"
    "  hvpath lab prepare\n",
    NULL, NULL, NULL,
};

/* dir/libexec/hvpath or dir/../libexec/hvpath holding lab/lab.sh, into buf. */
static int find_libexec(char *buf, size_t len)
{
    static const char *const rel[] = { "libexec/hvpath", "../libexec/hvpath" };
    const char *env = getenv("HVPATH_LIBEXEC");
    char exe[PATH_MAX], probe[PATH_MAX + 64], *slash;
    ssize_t n;

    if (env && *env) {
        snprintf(buf, len, "%s", env);
        return 0;
    }
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return -1;
    exe[n] = 0;
    slash = strrchr(exe, '/');
    if (!slash)
        return -1;
    *slash = 0;
    for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
        snprintf(probe, sizeof(probe), "%s/%s/lab/lab.sh", exe, rel[i]);
        if (!access(probe, X_OK)) {
            snprintf(buf, len, "%s/%s", exe, rel[i]);
            return 0;
        }
    }
    return -1;
}

static int set(const char *name, const char *value)
{
    if (setenv(name, value ? value : "", 1)) {
        perror("hvpath lab: setenv");
        return -1;
    }
    return 0;
}

int cmd_lab(int argc, char **argv)
{
    struct lab_args a = { .action = -1 };
    char libexec[PATH_MAX], script[PATH_MAX + 16], bindir[PATH_MAX + 16];

    hv_argp_parse(&lab_argp, argc, argv, &a);
    if (find_libexec(libexec, sizeof(libexec))) {
        fprintf(stderr, "hvpath lab: the lab is not installed beside this hvpath "
                "(no libexec/hvpath/lab/lab.sh next to it or in ../); set "
                "HVPATH_LIBEXEC to the directory holding lab/\n");
        return HV_EXIT_DATA;
    }
    snprintf(script, sizeof(script), "%s/lab/lab.sh", libexec);
    snprintf(bindir, sizeof(bindir), "%s/lab-bin", libexec);
    if (access(script, X_OK)) {
        fprintf(stderr, "hvpath lab: cannot run the lab engine %s: %s\n", script,
                strerror(errno));
        return HV_EXIT_DATA;
    }
    /* the in-lab programs built with this hvpath, unless the caller chose */
    if (!getenv("HVPATH_BINDIR") && !access(bindir, R_OK) && set("HVPATH_BINDIR", bindir))
        return HV_EXIT_DATA;
    if (set("HVPATH_LAB_CMD", actions[a.action]) ||
        set("HVPATH_LAB_SCENARIO", a.scenario) || set("HVPATH_LAB_XEN", a.xen) ||
        set("HVPATH_LAB_GUEST", a.guest) || set("HVPATH_LAB_ICOUNT", a.icount) ||
        set("HVPATH_LAB_EVENTS", a.events) || set("HVPATH_LAB_TBUF", a.tbuf) ||
        set("HVPATH_LAB_N", a.n) || set("HVPATH_LAB_TIMEOUT", a.timeout) ||
        set("HVPATH_LAB_OUT", a.out) || set("HVPATH_LAB_SAME_VCPU", a.same_vcpu ? "1" : "0"))
        return HV_EXIT_DATA;
    execl(script, script, (char *)NULL);
    fprintf(stderr, "hvpath lab: exec %s: %s\n", script, strerror(errno));
    return HV_EXIT_DATA;
}
