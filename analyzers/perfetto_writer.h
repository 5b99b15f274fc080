/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * perfetto_writer.h - write a Perfetto trace (TrackEvent), packet by packet.
 *
 * The schema is analyzers/perfetto/perfetto_trace.proto, a subset of
 * Perfetto's own; the messages are packed with protobuf-c.  A trace file is
 * the fields of one Trace message, so each packet goes out as it is made:
 * memory stays flat however long the trace.  Tracks are declared once, by
 * uuid, before their first event; timestamps are ns and need not come in
 * order (Perfetto sorts them on import).
 */
#ifndef HVPATH_PERFETTO_WRITER_H
#define HVPATH_PERFETTO_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct pf_writer;

enum pf_type { PF_SLICE_BEGIN = 1, PF_SLICE_END = 2, PF_INSTANT = 3 };

/* A named argument of an event (a DebugAnnotation): s if set, else u. */
struct pf_arg {
    const char *name;
    const char *s;
    uint64_t u;
};

/* One event on track: its flows go on (flows) or end here (ends). */
struct pf_event {
    uint64_t ts, track;
    enum pf_type type;
    const char *name;               /* NULL on a SLICE_END */
    const struct pf_arg *args;
    size_t nargs;
    const uint64_t *flows, *ends;
    size_t nflows, nends;
};

/* Write to out (not closed by pf_close); NULL out of memory. */
struct pf_writer *pf_open(FILE *out);

/*
 * A track: parent 0 for a top-level one; rank orders siblings.  Tracks
 * with the same parent and name are shown merged, as one row.
 */
int pf_track(struct pf_writer *w, uint64_t uuid, uint64_t parent, const char *name,
             const char *description, int32_t rank);

int pf_emit(struct pf_writer *w, const struct pf_event *e);

/* Bytes written so far. */
uint64_t pf_bytes(const struct pf_writer *w);

/* Free w; -1 if any write failed (errno set). */
int pf_close(struct pf_writer *w);

#endif /* HVPATH_PERFETTO_WRITER_H */
