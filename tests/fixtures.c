/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fixtures.c - the quirks of the xentrace format, each in a tiny file.
 * Offsets in the comments are byte offsets in the built file.
 */
#include "fixtures.h"

#include <string.h>

#define WAKE   0x00028004u          /* TRC_SCHED_WAKE: dom, vcpu */
#define SWITCH 0x0002800au
#define INJ    0x00082004u          /* TRC_HVM_INJ_VIRQ: no TSC in Xen 4.17 */
#define LOST   0x0001f001u
#define WRAP   0x0001f002u
#define HANDLED 0x00802008u

/* Two pCPUs, windows alternating; merged order interleaves them. */
static void interleave(struct xtg *g)
{
    xtg_begin_window(g, 0);
    xtg_rec3(g, WAKE, 100, 2, 0, 0, 0);
    xtg_rec3(g, SWITCH, 300, 3, 0, 1, 7);
    xtg_end_window(g);
    xtg_begin_window(g, 1);
    xtg_rec3(g, WAKE, 200, 2, 1, 0, 0);
    xtg_rec3(g, WAKE, 400, 2, 1, 1, 0);
    xtg_end_window(g);
    xtg_begin_window(g, 0);
    xtg_rec3(g, HANDLED, 500, 3, 4, 0x1234, 0x5678);
    xtg_end_window(g);
    xtg_begin_window(g, 1);
    xtg_rec3(g, WAKE, 450, 2, 2, 0, 0);
    xtg_end_window(g);
}

/* A pCPU first seen late in the file, with the earliest TSCs. */
static void late_cpu(struct xtg *g)
{
    for (int i = 0; i < 3; i++) {
        xtg_begin_window(g, 0);
        xtg_rec3(g, WAKE, 1000 + 10 * (uint64_t)i, 2, 0, 0, 0);
        xtg_end_window(g);
    }
    xtg_begin_window(g, 3);
    xtg_rec3(g, WAKE, 5, 2, 3, 0, 0);
    xtg_rec3(g, WAKE, 1015, 2, 3, 1, 0);
    xtg_end_window(g);
}

/* Xen ran out of buffer: TRC_LOST_RECORDS {lost, did|vid<<16, first_tsc}. */
static void lost(struct xtg *g)
{
    uint32_t ed[4] = { 5, 0 | 1u << 16, 15, 0 };

    xtg_begin_window(g, 0);
    xtg_rec3(g, WAKE, 10, 2, 0, 0, 0);
    xtg_rec(g, LOST, 20, 4, ed);
    xtg_rec3(g, WAKE, 30, 2, 0, 1, 0);
    xtg_end_window(g);
    xtg_begin_window(g, 1);
    ed[0] = 7;
    xtg_rec(g, LOST, 25, 4, ed);
    xtg_end_window(g);
}

/* Padding Xen writes at the end of its ring: garbage words, maybe a TSC. */
static void wrap(struct xtg *g)
{
    uint32_t junk[7] = { 0xdeadbeef, 0xdeadbeef, 0xdeadbeef, 0xdeadbeef,
                         0xdeadbeef, 0xdeadbeef, 0xdeadbeef };

    xtg_begin_window(g, 0);
    xtg_rec3(g, WAKE, 100, 2, 0, 0, 0);
    xtg_rec(g, WRAP, 110, 5, junk);
    xtg_rec3(g, WAKE, 120, 2, 0, 1, 0);
    xtg_rec(g, WRAP, XTG_NO_TSC, 7, junk);
    xtg_rec3(g, WAKE, 130, 2, 0, 2, 0);
    xtg_end_window(g);
}

/* Records without TSC inherit the previous one of their pCPU. */
static void notsc(struct xtg *g)
{
    xtg_begin_window(g, 0);
    xtg_rec3(g, INJ, XTG_NO_TSC, 2, 0xf3, 0, 0);   /* before any TSC */
    xtg_rec3(g, WAKE, 100, 2, 1, 0, 0);
    xtg_rec3(g, INJ, XTG_NO_TSC, 2, 0xf3, 0, 0);   /* inherits 100 */
    xtg_end_window(g);
    xtg_begin_window(g, 1);
    xtg_rec3(g, WAKE, 50, 2, 1, 0, 0);
    xtg_rec3(g, WAKE, 150, 2, 1, 0, 0);
    xtg_end_window(g);
}

/* TSC going backwards within one pCPU. */
static void backwards(struct xtg *g)
{
    xtg_begin_window(g, 0);
    xtg_rec3(g, WAKE, 100, 2, 0, 0, 0);
    xtg_rec3(g, WAKE, 50, 2, 0, 1, 0);            /* offset 12 + 20 = 32 */
    xtg_end_window(g);
}

/* TSC going backwards from one window of a pCPU to its next (a split
 * reader must stitch the cut: the second window's record is at 52). */
static void backwards_cut(struct xtg *g)
{
    xtg_begin_window(g, 0);
    xtg_rec3(g, WAKE, 100, 2, 0, 0, 0);
    xtg_rec3(g, WAKE, 200, 2, 0, 1, 0);
    xtg_end_window(g);
    xtg_begin_window(g, 0);
    xtg_rec3(g, WAKE, 150, 2, 0, 2, 0);
    xtg_end_window(g);
}

/* A payload that looks like a window header running exactly to the end of
 * the file (at 56): a reader that splits the file there must notice. */
static void fake_header(struct xtg *g)
{
    uint32_t w[7] = { 0x2001f003u, 1, 16, 0, 0, 0, 0 };

    xtg_begin_window(g, 0);
    xtg_rec3(g, WAKE, 100, 2, 0, 0, 0);
    xtg_end_window(g);
    xtg_begin_window(g, 0);
    xtg_rec(g, 0x0ffff001u, 200, 7, w);
    xtg_end_window(g);
}

/* Ids hvpath does not know decode as raw words. */
static void unknown(struct xtg *g)
{
    uint32_t w[7] = { 1, 2, 3, 4, 5, 6, 7 };

    xtg_begin_window(g, 0);
    xtg_rec(g, 0x00808fffu, 100, 7, w);
    xtg_rec(g, 0x0ffffffeu, XTG_NO_TSC, 0, w);
    xtg_end_window(g);
}

/* ---- damaged files ---- */

static void not_xentrace(struct xtg *g)
{
    static const char text[] = "this is not a trace, it is text\n";
    xtg_raw(g, text, sizeof(text) - 1);
}

static void empty_file(struct xtg *g)
{
    (void)g;
}

/* A window header cut after 8 bytes (at offset 32). */
static void trunc_header(struct xtg *g)
{
    xtg_begin_window(g, 0);
    xtg_rec3(g, WAKE, 100, 2, 0, 0, 0);
    xtg_end_window(g);
    xtg_u32(g, 0x0001f003u | 2u << 28);
    xtg_u32(g, 1);
}

/* The second window (header at 32) claims more bytes than the file has. */
static void past_eof(struct xtg *g)
{
    xtg_begin_window(g, 0);
    xtg_rec3(g, WAKE, 100, 2, 0, 0, 0);
    xtg_end_window(g);
    xtg_begin_window(g, 1);
    xtg_rec3(g, WAKE, 200, 2, 1, 0, 0);
    xtg_end_window(g);
    memcpy(g->buf + 32 + 8, &(uint32_t){ 4096 }, 4);
}

/* A record (at 32) whose header claims more words than its window holds. */
static void rec_overrun(struct xtg *g)
{
    xtg_begin_window(g, 0);
    xtg_rec3(g, WAKE, 100, 2, 0, 0, 0);
    xtg_u32(g, WAKE | 1u << 31 | 3u << 28);         /* needs 24 bytes */
    xtg_u32(g, 200);
    xtg_end_window(g);
}

/* Garbage between two sound windows (at 32, 40 bytes). */
static void garbage_mid(struct xtg *g)
{
    xtg_begin_window(g, 0);
    xtg_rec3(g, WAKE, 100, 2, 0, 0, 0);
    xtg_end_window(g);
    for (int i = 0; i < 10; i++)
        xtg_u32(g, 0x41414141);
    xtg_begin_window(g, 1);
    xtg_rec3(g, WAKE, 200, 2, 1, 0, 0);
    xtg_end_window(g);
}

/* A header naming an impossible cpu (at 0). */
static void bad_cpu(struct xtg *g)
{
    xtg_begin_window(g, 99999);
    xtg_rec3(g, WAKE, 100, 2, 0, 0, 0);
    xtg_end_window(g);
}

const struct fixture fixtures[] = {
    { "interleave", interleave, 0, 0 },
    { "late-cpu", late_cpu, 0, 0 },
    { "lost", lost, 0, 0 },
    { "wrap", wrap, 0, 0 },
    { "notsc", notsc, 0, 0 },
    { "backwards", backwards, 0, 0 },
    { "unknown", unknown, 0, 0 },
    { "backwards-cut", backwards_cut, 0, 0 },
    { "fake-header", fake_header, 0, 0 },
    { "not-xentrace", not_xentrace, 1, 0 },
    { "empty", empty_file, 1, 0 },
    { "trunc-header", trunc_header, 1, 32 },
    { "past-eof", past_eof, 1, 32 },
    { "rec-overrun", rec_overrun, 1, 32 },
    { "garbage-mid", garbage_mid, 1, 32 },
    { "bad-cpu", bad_cpu, 1, 0 },
};

const unsigned nfixtures = sizeof(fixtures) / sizeof(fixtures[0]);

const struct fixture *fixture_find(const char *name)
{
    for (unsigned i = 0; i < nfixtures; i++)
        if (!strcmp(fixtures[i].name, name))
            return &fixtures[i];
    return NULL;
}
