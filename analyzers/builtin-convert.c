/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * builtin-convert.c - `hvpath convert --to perfetto`: the chains of a trace
 * as a Perfetto trace, for ui.perfetto.dev.
 *
 * The timeline it draws:
 *   Xen hypervisor / pCPU N   every stage of every chain, an instant on the
 *                             pCPU that wrote its record; a chain's stages
 *                             are one flow (flow_ids), ending at its last
 *                             stage (terminating_flow_ids), so the UI draws
 *                             the arrows from the source to the delivery
 *   dom D / vCPU V            a slice per chain to that vCPU, from its first
 *                             stage to its last, named by source and port
 * Chains to one vCPU overlap without nesting (a send before the previous
 * delivery ended), and a track's slices must nest, so a vCPU gets as many
 * lanes as its chains need at once; the lanes share the vCPU's name and
 * the UI shows them as one row.  Chains without a vCPU (masked, dropped)
 * are on the pCPU tracks only.
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
#include "options.h"
#include "u32map.h"
#include "vec.h"
#include "xt_reader.h"
#ifdef HVPATH_HAVE_PERFETTO
#include "perfetto_writer.h"
#endif

enum { TO_PERFETTO, TO_COUNT };

struct convert_args {
    struct chains_options opt;
    const char *out;
    int to;
};

#ifdef HVPATH_HAVE_PERFETTO
/* Track uuids: one space per kind of track, none of them 0. */
#define UUID_XEN       1u
#define UUID_CPU(c)    (0x100000u + (uint64_t)(c))
#define UUID_DOM(d)    (0x200000u + (uint64_t)(d))
#define UUID_LANE(d, v, l) \
    ((UINT64_C(1) << 62) | (uint64_t)(d) << 40 | (uint64_t)(v) << 20 | (uint64_t)(l))
#define MAX_DOM  0xffff                 /* ids the uuids have room for */
#define MAX_VCPU 0xfffff
#define MAX_LANE 0xfffff

/* A vCPU's lanes: the end of the last slice on each. */
struct lanes {
    int32_t dom, vcpu;
    uint64_t *end;
    size_t n, cap;
};

struct conv {
    struct chains *ch;
    struct pf_writer *w;
    uint8_t cpu_seen[XT_MAX_CPUS];
    uint8_t dom_seen[MAX_DOM + 1];
    struct u32map vmap;             /* dom << 16 | vcpu -> index in v[] */
    struct lanes *v;
    size_t nv, vcap;
    uint64_t chains, events, flows, sliced;
};

static int cpu_track(struct conv *cv, unsigned cpu)
{
    char name[32];

    if (cv->cpu_seen[cpu])
        return 0;
    cv->cpu_seen[cpu] = 1;
    snprintf(name, sizeof(name), "pCPU %u", cpu);
    return pf_track(cv->w, UUID_CPU(cpu), UUID_XEN, name,
                    "hot-path stages of every chain, on the pCPU that wrote them", (int32_t)cpu);
}

/*
 * The lane of (dom, vcpu) free from start on, declared if new; its uuid in
 * *uuid.  -1 out of memory or lanes; 1 if the vCPU has no uuid room.
 */
static int lane_for(struct conv *cv, int32_t dom, int32_t vcpu, uint64_t start,
                    uint64_t end, uint64_t *uuid)
{
    uint32_t key = (uint32_t)dom << 16 | (uint32_t)vcpu, idx;
    struct lanes *l;
    char name[48];
    size_t i;

    if (dom < 0 || dom > MAX_DOM || vcpu < 0 || vcpu > 0xffff)
        return 1;
    if (!u32map_get(&cv->vmap, key, &idx)) {
        struct lanes *n = hv_grow(cv->v, &cv->vcap, cv->nv + 1, sizeof(*cv->v));
        if (!n)
            return -1;
        cv->v = n;
        idx = (uint32_t)cv->nv;
        if (u32map_put(&cv->vmap, key, idx))
            return -1;
        memset(&cv->v[cv->nv], 0, sizeof(cv->v[0]));
        cv->v[cv->nv].dom = dom;
        cv->v[cv->nv].vcpu = vcpu;
        cv->nv++;
    }
    if (!cv->dom_seen[dom]) {
        cv->dom_seen[dom] = 1;
        snprintf(name, sizeof(name), "dom %d%s", dom, dom ? "" : " (dom0)");
        if (pf_track(cv->w, UUID_DOM(dom), 0, name,
                     "the chains to each of the domain's vCPUs", 1 + dom))
            return -1;
    }
    l = &cv->v[idx];
    for (i = 0; i < l->n; i++)
        if (l->end[i] < start)
            break;
    if (i == l->n) {
        uint64_t *n = hv_grow(l->end, &l->cap, l->n + 1, sizeof(*l->end));
        if (!n || l->n > MAX_LANE)
            return -1;
        l->end = n;
        l->n++;
        snprintf(name, sizeof(name), "vCPU %d", vcpu);
        if (pf_track(cv->w, UUID_LANE(dom, vcpu, i), UUID_DOM(dom), name,
                     "one slice per chain to this vCPU, first stage to last", vcpu))
            return -1;
    }
    l->end[i] = end;
    *uuid = UUID_LANE(dom, vcpu, i);
    return 0;
}

static int emit_chain(struct conv *cv, const struct chain *c)
{
    uint64_t fid = c->id + 1, start, total, lane;
    char title[64];
    int rc;

    if (!c->nstages)
        return 0;
    for (unsigned i = 0; i < c->nstages; i++) {
        const struct chain_stage *st = &c->stages[i];
        int last = i + 1 == c->nstages, flow = c->nstages > 1;
        struct pf_arg args[] = {
            { .name = "chain", .u = c->id },
            { .name = "since_previous_ns", .u = chains_delta_ns(cv->ch, c, i) },
        };
        struct pf_event e = {
            .ts = chains_stage_ns(cv->ch, st), .track = UUID_CPU(st->cpu),
            .type = PF_INSTANT, .name = chain_stage_name(st->kind),
            .args = args, .nargs = 2,
            .flows = &fid, .nflows = flow && !last,
            .ends = &fid, .nends = flow && last,
        };

        if (cpu_track(cv, st->cpu) || pf_emit(cv->w, &e))
            return -1;
        cv->events++;
    }
    cv->flows += c->nstages > 1;

    start = chains_stage_ns(cv->ch, &c->stages[0]);
    total = chains_total_ns(cv->ch, c);
    rc = lane_for(cv, c->dom, c->vcpu, start, start + total, &lane);
    if (rc)
        return rc > 0 ? 0 : -1;
    snprintf(title, sizeof(title), "%s d%d:%d", chain_source_name(c->source), c->dom, c->port);
    {
        const char *how = c->outcome == CHAIN_INCOMPLETE ? chain_reason_name(c->reason) :
                          c->outcome == CHAIN_COALESCED ? chain_via_name(c->via) : "";
        struct pf_arg args[] = {
            { .name = "chain", .u = c->id },
            { .name = "outcome", .s = chain_outcome_name(c->outcome) },
            { .name = "reason_or_via", .s = how },
            { .name = "delivery", .u = c->delivery },
            { .name = "stages", .u = c->nstages },
            { .name = "total_ns", .u = total },
        };
        struct pf_event b = { .ts = start, .track = lane, .type = PF_SLICE_BEGIN,
                              .name = title, .args = args, .nargs = 6 };
        struct pf_event e = { .ts = start + total, .track = lane, .type = PF_SLICE_END };

        if (pf_emit(cv->w, &b) || pf_emit(cv->w, &e))
            return -1;
    }
    cv->events += 2;
    cv->sliced++;
    return 0;
}

static int to_perfetto(struct chains *ch, FILE *out, const char *outname, char *err,
                       size_t errlen)
{
    struct conv *cv = calloc(1, sizeof(*cv));
    struct chain c;
    int rc = -1, n;

    if (!cv || !(cv->w = pf_open(out))) {
        snprintf(err, errlen, "out of memory");
        free(cv);
        return -1;
    }
    cv->ch = ch;
    if (pf_track(cv->w, UUID_XEN, 0, "Xen hypervisor",
                 "the hv-probes records of every pCPU", 0))
        goto write_failed;
    while ((n = chains_next(ch, &c, err, errlen)) > 0) {
        cv->chains++;
        if (emit_chain(cv, &c))
            goto write_failed;
    }
    if (n < 0)
        goto done;
    fprintf(stderr, "hvpath convert: %" PRIu64 " chains (%" PRIu64 " on vCPU tracks, %"
            PRIu64 " flows), %" PRIu64 " events, %" PRIu64 " bytes (%.0f per chain) -> %s\n",
            cv->chains, cv->sliced, cv->flows, cv->events, pf_bytes(cv->w),
            cv->chains ? (double)pf_bytes(cv->w) / (double)cv->chains : 0.0, outname);
    rc = 0;
    goto done;
write_failed:
    snprintf(err, errlen, "writing %s: %s", outname, strerror(errno ? errno : EIO));
done:
    if (pf_close(cv->w) && !rc) {
        snprintf(err, errlen, "writing %s: %s", outname, strerror(errno ? errno : EIO));
        rc = -1;
    }
    for (size_t i = 0; i < cv->nv; i++)
        free(cv->v[i].end);
    free(cv->v);
    u32map_free(&cv->vmap);
    free(cv);
    return rc;
}
#endif /* HVPATH_HAVE_PERFETTO */

static const struct argp_option convert_options[] = {
    { "to", 't', "perfetto", 0,
      "the format to write: perfetto (Perfetto's protobuf trace, TrackEvent, "
      "for ui.perfetto.dev)", 0 },
    { "output", 'o', "OUT", 0, "the file to write (- for standard output)", 0 },
    { 0 },
};

static error_t convert_parse(int key, char *arg, struct argp_state *st)
{
    static const char *const formats[] = { "perfetto", NULL };
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
            argp_error(st, "--to is required (perfetto)");
        if (!a->out)
            argp_error(st, "-o OUT is required");
        return 0;
    default:
        return ARGP_ERR_UNKNOWN;
    }
}

static const struct argp convert_argp = {
    convert_options, convert_parse, "FILE",
    "Write the chains of the xentrace file FILE in another tool's format.  "
    "perfetto: a track per pCPU holding every stage as an instant, each "
    "chain one flow from its source to its last stage, and a track per guest "
    "vCPU holding a slice per chain; open it in ui.perfetto.dev.  "
    "Times are ns since the trace's first record.  docs/report.md describes "
    "the chain model."
    "\v"
    "EXAMPLES:\n"
    "  hvpath convert --to perfetto host.xt -o host.pftrace\n"
    "  hvpath convert --to perfetto --include-tracer host.xt -o - | wc -c\n",
    chains_argp_children, NULL, NULL,
};

#ifdef HVPATH_HAVE_PERFETTO
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
#endif

#ifdef HVPATH_HAVE_PERFETTO
static int convert(const struct convert_args *a)
{
    char err[700], tmp[4200];
    struct chains ch;
    FILE *out;
    int rc = -1;

    if (chains_open(&ch, &a->opt, err, sizeof(err))) {
        fprintf(stderr, "hvpath convert: %s\n", err);
        return HV_EXIT_DATA;
    }
    hv_print_read_warnings("convert", &ch.stats.xt);
    out = open_output(a->out, tmp, sizeof(tmp));
    if (!out) {
        fprintf(stderr, "hvpath convert: %s: %s\n", a->out, strerror(errno));
        chains_close(&ch);
        return HV_EXIT_DATA;
    }
    if (a->to == TO_PERFETTO)
        rc = to_perfetto(&ch, out, a->out, err, sizeof(err));
    chains_close(&ch);
    if (out == stdout) {
        if ((fflush(stdout) || ferror(stdout)) && !rc) {
            snprintf(err, sizeof(err), "writing the output: %s", strerror(errno));
            rc = -1;
        }
    } else {
        if ((fflush(out) || fsync(fileno(out))) && !rc) {
            snprintf(err, sizeof(err), "writing %s: %s", a->out, strerror(errno));
            rc = -1;
        }
        if (fclose(out) && !rc) {
            snprintf(err, sizeof(err), "writing %s: %s", a->out, strerror(errno));
            rc = -1;
        }
        if (!rc && rename(tmp, a->out)) {
            snprintf(err, sizeof(err), "%s: %s", a->out, strerror(errno));
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
#endif

int cmd_convert(int argc, char **argv)
{
    struct convert_args a = { .to = -1 };

    hv_argp_parse(&convert_argp, argc, argv, &a);
#ifdef HVPATH_HAVE_PERFETTO
    return convert(&a);
#else
    fprintf(stderr, "hvpath convert: this hvpath was built without protobuf-c, so it "
            "cannot write perfetto (apt-get install libprotobuf-c-dev protobuf-c-compiler, "
            "then rebuild)\n");
    return HV_EXIT_DATA;
#endif
}
