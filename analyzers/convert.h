/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * convert.h - the chains of a trace as a timeline another tool draws: the
 * tracks, the stages and the flows that join them, the slices; written by
 * a sink, one per output format (convert_perfetto.c, convert_chrome.c).
 *
 * The timeline:
 *   Xen hypervisor / pCPU N   every stage of every chain, an instant on the
 *                             pCPU that wrote its record; a chain's stages
 *                             are one flow, from its first stage to its last
 *   dom D / vCPU V            a slice per chain to that vCPU, from its first
 *                             stage to its last, named by source and port
 * Chains to one vCPU overlap without nesting (a send before the previous
 * delivery ended), and a track's slices must nest, so a vCPU gets as many
 * lanes as its chains need at once; the lanes share the vCPU's name, and
 * the viewers show them as one row.  Chains without a vCPU (masked,
 * dropped) are on the pCPU tracks only.
 */
#ifndef HVPATH_CONVERT_H
#define HVPATH_CONVERT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "chains.h"

enum convert_track_kind { TRACK_XEN, TRACK_CPU, TRACK_DOM, TRACK_LANE };

struct convert_track {
    enum convert_track_kind kind;
    uint32_t cpu;                   /* TRACK_CPU */
    int32_t dom, vcpu;              /* TRACK_DOM (dom), TRACK_LANE */
    uint32_t lane;                  /* TRACK_LANE: 0 .. CONVERT_MAX_LANE */
};

#define CONVERT_MAX_DOM  0xffff     /* ids the sinks' track ids have room for */
#define CONVERT_MAX_VCPU 0xffff
#define CONVERT_MAX_LANE 0xfff

/* Where a stage sits in its chain's flow. */
enum convert_flow { FLOW_NONE, FLOW_BEGIN, FLOW_STEP, FLOW_END };

struct convert_stage {
    uint64_t ts;                    /* ns since the trace's first record */
    const struct convert_track *track;
    const char *name;               /* the stage */
    uint64_t chain, since_ns;       /* its chain's id; time since the stage before */
    uint64_t flow;                  /* the flow's id: chain id + 1 */
    enum convert_flow pos;
};

struct convert_slice {
    uint64_t ts, dur;
    const struct convert_track *track;
    const char *title;              /* "SOURCE dD:PORT" */
    const struct chain *c;
    const char *outcome, *how;      /* its outcome; reason or via, or "" */
};

struct convert_sink {
    void *ctx;
    /* a track, declared once before its first event; rank orders siblings */
    int (*track)(void *ctx, const struct convert_track *t, const char *name,
                 const char *what, int32_t rank);
    int (*stage)(void *ctx, const struct convert_stage *st);
    int (*slice)(void *ctx, const struct convert_slice *sl);
};

struct convert_counts {
    uint64_t chains, sliced, flows, events;
};

/*
 * Every chain of ch into sink.  -1 on a reading error (message in err), -2
 * when the sink fails (err: the cause, strerror of its errno).
 */
int convert_chains(struct chains *ch, const struct convert_sink *sink,
                   struct convert_counts *n, char *err, size_t errlen);

/* The sinks: NULL out of memory.  Each writes to out; *_end finishes it. */
struct convert_sink *convert_perfetto_sink(FILE *out);
int convert_perfetto_end(struct convert_sink *s);        /* and frees: -1 if writing failed */
struct convert_sink *convert_chrome_sink(FILE *out);
int convert_chrome_end(struct convert_sink *s);

#endif /* HVPATH_CONVERT_H */
