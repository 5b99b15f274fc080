/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * builtin-diff.c - `hvpath diff`: two traces' reports side by side, perf
 * diff style: per group and stage, the count and each percentile in the
 * old and the new trace, and the change in percent.
 *
 * Both traces are read the same way (the same chain options, the same
 * --sort keys) through groups.h, so a number here is the number `hvpath
 * report` prints for that trace.  A group or stage found in one trace only
 * is shown with "-" for the other; a delta needs a non-zero old value.
 *
 * Whether a stage changed at all: a Mann-Whitney U test of its latencies
 * in OLD against NEW (hist.h), two-sided p.  Why that one: stage latencies
 * are heavy-tailed and far from normal (a t-test's assumption), the rank
 * test assumes no distribution, and it can be computed exactly from the
 * histograms report already keeps (values within 0.1% count as ties),
 * with no samples kept and no randomness (a bootstrap needs both).  It
 * asks whether one side tends to be slower, not whether a percentile
 * moved: a p99 can change while p stays high.  Rows with p < 0.01 are
 * marked; many rows mean some such marks by chance (1 in 100 rows that
 * did not change).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "chains.h"
#include "groups.h"
#include "json.h"
#include "options.h"

struct diff_args {
    struct chains_options opt;      /* the old trace's path; the rest for both */
    const char *newpath;
    int use[NKEYS];
    int json;
};

/* One trace, read into its groups. */
struct side {
    struct chains ch;
    struct groups gs;
    int open;
};

static int read_side(struct side *sd, const struct chains_options *opt, const int *use,
                     char *err, size_t errlen)
{
    memset(sd, 0, sizeof(*sd));
    memcpy(sd->gs.use, use, sizeof(sd->gs.use));
    if (chains_open(&sd->ch, opt, err, errlen))
        return -1;
    sd->open = 1;
    hv_print_read_warnings("diff", &sd->ch.stats.xt);
    return groups_collect(&sd->ch, &sd->gs, err, errlen);
}

static void free_side(struct side *sd)
{
    groups_free(&sd->gs);
    if (sd->open)
        chains_close(&sd->ch);
}

/* The groups of both, old's order first, then those only in new. */
struct pair {
    const struct group *o, *n;
};

static struct pair *pairs_of(const struct side *o, const struct side *n, size_t *np)
{
    struct pair *p = calloc(o->gs.ng + n->gs.ng + 1, sizeof(*p));
    size_t k = 0;

    if (!p)
        return NULL;
    for (size_t i = 0; i < o->gs.ng; i++) {
        p[k].o = &o->gs.g[i];
        p[k++].n = groups_find(&n->gs, o->gs.g[i].key);
    }
    for (size_t i = 0; i < n->gs.ng; i++)
        if (!groups_find(&o->gs, n->gs.g[i].key)) {
            p[k].o = NULL;
            p[k++].n = &n->gs.g[i];
        }
    *np = k;
    return p;
}

static const struct hist *stage_hist(const struct group *g, int s)
{
    return g && g->h && g->h[s].count ? &g->h[s] : NULL;
}

/* (new - old) / old in percent; NAN where there is no old value or no new. */
static double delta_pct(const struct hist *o, const struct hist *n, int q, uint64_t *ov,
                        uint64_t *nv)
{
    uint64_t id;

    *ov = o ? hist_quantile(o, group_quantiles[q], &id) : 0;
    *nv = n ? hist_quantile(n, group_quantiles[q], &id) : 0;
    if (!o || !n || !*ov)
        return NAN;
    return ((double)*nv - (double)*ov) * 100.0 / (double)*ov;
}

static void cell_us(char *buf, size_t len, const struct hist *h, uint64_t v)
{
    if (h)
        snprintf(buf, len, "%.3f", (double)v / 1e3);
    else
        snprintf(buf, len, "-");
}

#define SIGNIFICANT 0.01

/* The test of a row: p is NAN where a side is missing (or too small). */
static struct hist_mwu row_test(const struct hist *o, const struct hist *n)
{
    struct hist_mwu m = { .p = NAN };

    if (o && n)
        hist_mann_whitney(o, n, &m);
    return m;
}

static void print_p(const struct hist *o, const struct hist *n)
{
    struct hist_mwu m = row_test(o, n);
    char buf[24];

    if (isnan(m.p))
        snprintf(buf, sizeof(buf), "-");
    else
        snprintf(buf, sizeof(buf), "%.2g%s", m.p, m.p < SIGNIFICANT ? " *" : "  ");
    printf(" %9s", buf);
}

static void print_text(const struct side *o, const struct side *n, const struct pair *p,
                       size_t np)
{
    static const int shown[] = { 0, 2, 4 };     /* p50, p99, max */

    printf("# hvpath diff: %s (old) -> %s (new)\n", o->ch.opt.path, n->ch.opt.path);
    for (int s = 0; s < 2; s++) {
        const struct side *sd = s ? n : o;
        const uint64_t *t = sd->gs.tot;
        printf("# %s: %" PRIu64 " records, %" PRIu64 " lost; chains: %" PRIu64 " complete, %"
               PRIu64 " coalesced, %" PRIu64 " masked, %" PRIu64 " dropped, %" PRIu64
               " incomplete, %" PRIu64 " orphan\n", s ? "new" : "old", sd->ch.stats.xt.records,
               sd->ch.stats.lost, t[CHAIN_COMPLETE], t[CHAIN_COALESCED], t[CHAIN_MASKED],
               t[CHAIN_DROPPED], t[CHAIN_INCOMPLETE], t[CHAIN_ORPHAN]);
    }
    for (size_t i = 0; i < np; i++) {
        const struct group *g = p[i].o ? p[i].o : p[i].n;
        const struct groups *gs = p[i].o ? &o->gs : &n->gs;
        char label[200];

        groups_label(gs, g, label, sizeof(label));
        printf("\n# %s: ", label);
        if (p[i].o)
            printf("%" PRIu64, p[i].o->chains);
        else
            printf("-");
        printf(" -> ");
        if (p[i].n)
            printf("%" PRIu64, p[i].n->chains);
        else
            printf("-");
        printf(" chains%s\n", !p[i].o ? " (only in new)" : !p[i].n ? " (only in old)" : "");
        printf("#   %-16s %15s", "stage (us)", "count");
        for (size_t q = 0; q < sizeof(shown) / sizeof(shown[0]); q++)
            printf(" %10s %10s %8s", group_qnames[shown[q]], "->", "delta");
        printf(" %9s\n", "p");
        for (int s = GROUP_E2E; s >= 0; s--) {
            const struct hist *ho = stage_hist(p[i].o, s), *hn = stage_hist(p[i].n, s);
            char cnt[40], a[24], b[24], d[16];

            if (!ho && !hn)
                continue;
            snprintf(a, sizeof(a), ho ? "%" PRIu64 : "-", ho ? ho->count : 0);
            snprintf(b, sizeof(b), hn ? "%" PRIu64 : "-", hn ? hn->count : 0);
            snprintf(cnt, sizeof(cnt), "%s -> %s", a, b);
            printf("    %-16s %15s", groups_stage_label(s), cnt);
            for (size_t q = 0; q < sizeof(shown) / sizeof(shown[0]); q++) {
                uint64_t ov, nv;
                double pct = delta_pct(ho, hn, shown[q], &ov, &nv);

                cell_us(a, sizeof(a), ho, ov);
                cell_us(b, sizeof(b), hn, nv);
                if (isnan(pct))
                    snprintf(d, sizeof(d), "-");
                else
                    snprintf(d, sizeof(d), "%+.1f%%", pct);
                printf(" %10s %10s %8s", a, b, d);
            }
            print_p(ho, hn);
            printf("\n");
        }
    }
    printf("\n# us per stage (from the stage before it), old -> new; delta is (new - old) / old; "
           "- where a trace has none\n# p: Mann-Whitney U, two-sided, whether the stage tends "
           "to be slower or faster in new; * p < %.2f (- fewer than %d on a side)\n",
           SIGNIFICANT, HIST_MWU_MIN);
}

static void json_pct(struct json *j, const char *key, double pct)
{
    json_key(j, key);
    json_fixed2(j, pct);
}

/* "name": [old, new] with null for a side that has none */
static void json_pair_u64(struct json *j, const char *key, int ho, uint64_t o, int hn,
                          uint64_t n)
{
    json_key(j, key);
    json_begin_array(j);
    if (ho)
        json_u64(j, o);
    else
        json_null(j);
    if (hn)
        json_u64(j, n);
    else
        json_null(j);
    json_end_array(j);
}

static void print_json(const struct side *o, const struct side *n, const struct pair *p,
                       size_t np)
{
    struct json j;
    char key[32];

    json_init(&j, stdout);
    json_begin_object(&j);
    json_kv_str(&j, "old", o->ch.opt.path);
    json_kv_str(&j, "new", n->ch.opt.path);
    json_key(&j, "groups");
    json_begin_array(&j);
    for (size_t i = 0; i < np; i++) {
        const struct group *g = p[i].o ? p[i].o : p[i].n;

        json_begin_object(&j);
        groups_json_key(&j, p[i].o ? &o->gs : &n->gs, g);
        json_pair_u64(&j, "chains", !!p[i].o, p[i].o ? p[i].o->chains : 0, !!p[i].n,
                      p[i].n ? p[i].n->chains : 0);
        json_key(&j, "stages");
        json_begin_array(&j);
        for (int s = GROUP_E2E; s >= 0; s--) {
            const struct hist *ho = stage_hist(p[i].o, s), *hn = stage_hist(p[i].n, s);

            if (!ho && !hn)
                continue;
            json_begin_object(&j);
            json_kv_str(&j, "name", s == GROUP_E2E ? "end_to_end" : chain_stage_name((unsigned)s));
            json_pair_u64(&j, "count", !!ho, ho ? ho->count : 0, !!hn, hn ? hn->count : 0);
            struct hist_mwu m = row_test(ho, hn);

            json_key(&j, "mann_whitney_u");
            json_fixed2(&j, isnan(m.p) ? NAN : m.u);
            json_key(&j, "p_value");
            json_sig3(&j, m.p);
            json_kv_bool(&j, "significant", !isnan(m.p) && m.p < SIGNIFICANT);
            for (int q = 0; q < GROUP_NQ; q++) {
                uint64_t ov, nv;
                double pct = delta_pct(ho, hn, q, &ov, &nv);

                snprintf(key, sizeof(key), "%s_ns", group_qnames[q]);
                json_pair_u64(&j, key, !!ho, ov, !!hn, nv);
                snprintf(key, sizeof(key), "%s_delta_pct", group_qnames[q]);
                json_pct(&j, key, pct);
            }
            json_end_object(&j);
        }
        json_end_array(&j);
        json_end_object(&j);
    }
    json_end_array(&j);
    json_end_object(&j);
    json_newline(&j);
}

/* long options only: keys outside the character range (0x200 on: chains.c) */
enum { OPT_SORT = 0x100, OPT_JSON };

static const struct argp_option diff_options[] = {
    GROUPS_SORT_OPTION(OPT_SORT),
    { "json", OPT_JSON, NULL, 0,
      "the same as one JSON object: per group and stage [old, new] and the delta "
      "of each percentile (docs/report.md)", 0 },
    { 0 },
};

static error_t diff_parse(int key, char *arg, struct argp_state *st)
{
    struct diff_args *a = st->input;

    switch (key) {
    case ARGP_KEY_INIT:
        st->child_inputs[0] = &a->opt;
        return 0;
    case OPT_SORT:
        groups_opt_sort(st, arg, a->use);
        return 0;
    case OPT_JSON:
        a->json = 1;
        return 0;
    case ARGP_KEY_ARG:
        if (!a->opt.path)
            a->opt.path = arg;
        else if (!a->newpath)
            a->newpath = arg;
        else
            argp_error(st, "takes two traces, OLD and NEW, not '%s' as well", arg);
        return 0;
    case ARGP_KEY_END:
        if (!a->newpath)
            argp_error(st, "takes two traces: OLD NEW");
        return 0;
    default:
        return ARGP_ERR_UNKNOWN;
    }
}

static const struct argp diff_argp = {
    diff_options, diff_parse, "OLD NEW",
    "Compare the hot path of two xentrace files: for each group (--sort, as in "
    "hvpath report) and stage, the count and the p50, p99 and max latency in "
    "OLD and NEW and the change in percent (--json: every percentile), and a "
    "Mann-Whitney U test per row of whether the stage tends to be slower or "
    "faster (p; * below 0.01).  OLD and NEW are traces or run directories "
    "(DIR/host.xt).  Both are read with the same options; each number is the "
    "one hvpath report prints for that trace.  Exit status 0 whatever changed."
    "\v"
    "EXAMPLES:\n"
    "  hvpath diff before.xt after.xt\n"
    "  hvpath diff --sort source,dom,port before.xt after.xt\n"
    "  hvpath diff --json before.xt after.xt | jq '.groups[0].stages[0].p99_delta_pct'\n",
    chains_argp_children, NULL, NULL,
};

int cmd_diff(int argc, char **argv)
{
    struct diff_args a = { .use = { 1, 0, 0, 0 } };
    struct chains_options nopt;
    struct side o, n;
    struct pair *p = NULL;
    size_t np = 0;
    char err[700];
    int rc = HV_EXIT_DATA;

    hv_argp_parse(&diff_argp, argc, argv, &a);
    nopt = a.opt;
    nopt.path = a.newpath;
    memset(&n, 0, sizeof(n));
    if (read_side(&o, &a.opt, a.use, err, sizeof(err)) ||
        read_side(&n, &nopt, a.use, err, sizeof(err))) {
        fprintf(stderr, "hvpath diff: %s\n", err);
        goto out;
    }
    if (!(p = pairs_of(&o, &n, &np))) {
        fprintf(stderr, "hvpath diff: out of memory\n");
        goto out;
    }
    if (a.json)
        print_json(&o, &n, p, np);
    else
        print_text(&o, &n, p, np);
    rc = 0;
    if (fflush(stdout) || ferror(stdout)) {
        perror("hvpath diff: writing output");
        rc = HV_EXIT_DATA;
    }
out:
    free(p);
    free_side(&o);
    free_side(&n);
    return rc;
}
