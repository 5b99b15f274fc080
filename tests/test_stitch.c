/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_stitch.c - the stitcher against synthetic traces whose chains are
 * known.  Without loss every chain must come out exactly (source, keys,
 * outcome, every stage's kind, pCPU and TSC).  With 10% of records lost
 * (in runs, marked by TRC_LOST_RECORDS) there must be no false join: every
 * chain the stitcher calls complete, coalesced, masked, dropped or orphan is
 * exactly one of the true chains no record of which was lost; chains that
 * lost a record are never among them.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "record.h"
#include "stitch.h"
#include "synth.h"
#include "xt_reader.h"

#define HV_TEST_SCHED_SWITCH 0x0002800au    /* TRC_SCHED_SWITCH */

static int same_chain(const struct chain *a, const struct chain *b)
{
    if (a->source != b->source || a->outcome != b->outcome || a->dom != b->dom ||
        a->port != b->port || a->nstages != b->nstages)
        return 0;
    if (a->outcome != CHAIN_DROPPED && a->vcpu != b->vcpu)
        return 0;
    for (unsigned i = 0; i < a->nstages; i++)
        if (a->stages[i].tsc != b->stages[i].tsc || a->stages[i].cpu != b->stages[i].cpu ||
            a->stages[i].kind != b->stages[i].kind)
            return 0;
    return 1;
}

/* The truth chain starting at the same stage as c, or NULL. */
static struct synth_chain *find_truth(struct synth *t, const struct chain *c)
{
    for (unsigned i = 0; i < t->nchains; i++) {
        const struct chain *e = &t->chains[i].c;
        if (e->nstages && c->nstages && e->stages[0].tsc == c->stages[0].tsc &&
            e->stages[0].cpu == c->stages[0].cpu && e->stages[0].kind == c->stages[0].kind)
            return &t->chains[i];
    }
    return NULL;
}

static void print_chain(const char *what, const struct chain *c)
{
    fprintf(stderr, "%s: %s %s dom %d port %d vcpu %d:", what,
            chain_source_name(c->source), chain_outcome_name(c->outcome), c->dom, c->port,
            c->vcpu);
    for (unsigned i = 0; i < c->nstages; i++)
        fprintf(stderr, " %s@%u:%llu", chain_stage_name(c->stages[i].kind),
                c->stages[i].cpu, (unsigned long long)c->stages[i].tsc);
    fputc('\n', stderr);
}

/* Stitch path; check against the truth.  Returns chains seen. */
static unsigned run(const char *path, struct synth *t, int lossy, unsigned *false_joins,
                    unsigned *exact, unsigned *incomplete, unsigned *silent)
{
    struct xt_options opt = { .order = XT_ORDER_TSC };
    struct stitch_options sopt = { 0 };
    struct stitcher *s = stitch_new(&sopt);
    struct xt_reader *r;
    struct hv_rec rec;
    struct chain c;
    char err[600];
    unsigned seen = 0;
    int rc, done = 0;

    CHECK(s != NULL);
    if (!s || xt_open(path, &opt, &r, err, sizeof(err))) {
        fprintf(stderr, "%s\n", err);
        exit(99);
    }
    *false_joins = *exact = *incomplete = *silent = 0;
    while (!done) {
        rc = xt_next(r, &rec);
        CHECK(rc >= 0);
        if (rc > 0)
            CHECK(stitch_feed(s, &rec) == 0);
        else {
            CHECK(stitch_finish(s) == 0);
            done = 1;
        }
        while (stitch_pop(s, &c)) {
            struct synth_chain *e;
            seen++;
            if (c.outcome == CHAIN_INCOMPLETE) {
                (*incomplete)++;
                *silent += chain_reason_is_silent_loss(c.reason);
                continue;
            }
            e = find_truth(t, &c);
            if (e && !e->affected && same_chain(&c, &e->c)) {
                (*exact)++;
                continue;
            }
            (*false_joins)++;
            if (*false_joins <= 5) {
                print_chain(lossy ? "false join" : "mismatch", &c);
                if (e)
                    print_chain(e->affected ? "  truth (affected)" : "  truth", &e->c);
            }
        }
    }
    xt_close(r);
    stitch_free(s);
    return seen;
}

int main(void)
{
    char path[] = "/tmp/hvpath-stitch-XXXXXX";
    int fd = mkstemp(path);
    struct synth t;
    unsigned fj, exact, inc, seen, silent;

    if (fd < 0)
        return 99;
    close(fd);

    /* no loss: every chain, exactly */
    CHECK(synth_write(path, 7000, 0, 1, &t) == 0);
    seen = run(path, &t, 0, &fj, &exact, &inc, &silent);
    printf("no loss: %u true chains, %u stitched, %u exact, %u incomplete, %u wrong\n",
           t.nchains, seen, exact, inc, fj);
    CHECK_EQ(seen, t.nchains);
    CHECK_EQ(exact, t.nchains);
    CHECK_EQ(fj, 0);
    CHECK_EQ(inc, 0);
    synth_free(&t);

    /*
     * 10% loss, three seeds, every loss marked as Xen marks it: no false
     * joins, every affected chain cut, and cut for the loss: none counted
     * as suspected silent loss
     */
    for (unsigned seed = 1; seed <= 3; seed++) {
        unsigned affected = 0;

        CHECK(synth_write(path, 7000, 10, seed, &t) == 0);
        seen = run(path, &t, 1, &fj, &exact, &inc, &silent);
        for (unsigned i = 0; i < t.nchains; i++)
            affected += t.chains[i].affected;
        printf("loss seed %u: %llu of %llu records lost (%.1f%%), %u true chains "
               "(%u affected), %u stitched: %u exact, %u incomplete (%u as silent loss), "
               "%u false joins\n",
               seed, (unsigned long long)t.dropped,
               (unsigned long long)(t.dropped + t.records),
               100.0 * (double)t.dropped / (double)(t.dropped + t.records), t.nchains,
               affected, seen, exact, inc, silent, fj);
        CHECK(t.dropped * 100 >= 9 * (t.dropped + t.records));  /* ~10% lost */
        CHECK(t.dropped * 100 <= 12 * (t.dropped + t.records));
        CHECK_EQ(fj, 0);
        CHECK_EQ(silent, 0);
        CHECK(exact + affected <= t.nchains);
        CHECK(exact > t.nchains / 3);                            /* most survive */
        synth_free(&t);
    }
    /*
     * Traced with the hvpath records alone (the cheapest mask): no wake,
     * switch or VM entry in the trace.  Every chain still exactly, less
     * those stages: a blocked vCPU's bounce with no switch-in before it,
     * an HVM delivery ending at its injection, are not taken for loss.
     */
    struct synth_params hv = { .n = 7000, .seed = 4, .mask = HV_TRC_HVPATH };
    CHECK(synth_write_params(path, &hv, &t) == 0);
    seen = run(path, &t, 0, &fj, &exact, &inc, &silent);
    printf("hvpath records only: %u true chains, %u stitched, %u exact, %u incomplete, "
           "%u wrong\n", t.nchains, seen, exact, inc, fj);
    CHECK_EQ(seen, t.nchains);
    CHECK_EQ(exact, t.nchains);
    CHECK_EQ(inc, 0);
    synth_free(&t);

    /*
     * But where the scheduler is traced, a switch-in lost with no marker
     * breaks its chain: every other TRC_SCHED_SWITCH dropped silently, each
     * of those chains is incomplete as suspected silent loss, none joined.
     */
    struct synth_params sw = { .n = 7000, .seed = 5, .drop_event = HV_TEST_SCHED_SWITCH };
    CHECK(synth_write_params(path, &sw, &t) == 0);
    seen = run(path, &t, 1, &fj, &exact, &inc, &silent);
    unsigned affected = 0;
    for (unsigned i = 0; i < t.nchains; i++)
        affected += t.chains[i].affected;
    printf("switch-ins lost silently: %llu of them, %u true chains (%u affected), %u "
           "stitched: %u exact, %u incomplete (%u as silent loss), %u false joins\n",
           (unsigned long long)t.silent, t.nchains, affected, seen, exact, inc, silent, fj);
    CHECK(t.silent > 100);
    CHECK_EQ(affected, t.silent);
    CHECK_EQ(fj, 0);
    CHECK_EQ(exact, t.nchains - affected);
    CHECK_EQ(silent, affected);
    synth_free(&t);

    if (getenv("HVPATH_KEEP_SYNTH"))
        printf("kept %s\n", path);     /* the last lossy trace, for hvpath dump */
    else
        unlink(path);
    return check_done();
}
