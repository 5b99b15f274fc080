/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * perfetto_writer.c - Perfetto TrackEvent packets through protobuf-c.
 *
 * Every packet carries the same trusted_packet_sequence_id (one writer, one
 * sequence); the first also says the sequence's incremental state is clear,
 * as Perfetto's importer expects of a sequence's first packet.  Nothing is
 * interned, so no packet depends on another.
 */
#include "perfetto_writer.h"

#include <errno.h>
#include <stdlib.h>

#include "perfetto_trace.pb-c.h"

#define PF_SEQUENCE_ID 1
#define PF_MAX_ARGS 16

struct pf_writer {
    FILE *out;
    uint64_t bytes, packets;
    uint8_t *buf;
    size_t cap;
    int failed;
};

struct pf_writer *pf_open(FILE *out)
{
    struct pf_writer *w = calloc(1, sizeof(*w));

    if (w)
        w->out = out;
    return w;
}

/* Trace.packet (field 1, length-delimited): the tag, the length, the bytes. */
static int put_packet(struct pf_writer *w, Perfetto__Protos__TracePacket *p)
{
    uint8_t head[11];
    size_t len, n = 0;

    p->has_trusted_packet_sequence_id = 1;
    p->trusted_packet_sequence_id = PF_SEQUENCE_ID;
    if (!w->packets) {
        p->has_sequence_flags = 1;
        p->sequence_flags =
            PERFETTO__PROTOS__TRACE_PACKET__SEQUENCE_FLAGS__SEQ_INCREMENTAL_STATE_CLEARED;
    }
    len = perfetto__protos__trace_packet__get_packed_size(p);
    if (len > w->cap) {
        uint8_t *b = realloc(w->buf, len);
        if (!b) {
            w->failed = 1;
            errno = ENOMEM;
            return -1;
        }
        w->buf = b;
        w->cap = len;
    }
    perfetto__protos__trace_packet__pack(p, w->buf);
    head[n++] = 1 << 3 | 2;
    for (uint64_t v = len; ; v >>= 7) {
        head[n++] = (uint8_t)(v & 0x7f) | (v > 0x7f ? 0x80 : 0);
        if (v <= 0x7f)
            break;
    }
    if (fwrite(head, 1, n, w->out) != n || fwrite(w->buf, 1, len, w->out) != len) {
        w->failed = 1;
        return -1;
    }
    w->bytes += n + len;
    w->packets++;
    return 0;
}

int pf_track(struct pf_writer *w, uint64_t uuid, uint64_t parent, const char *name,
             const char *description, int32_t rank)
{
    Perfetto__Protos__TracePacket p = PERFETTO__PROTOS__TRACE_PACKET__INIT;
    Perfetto__Protos__TrackDescriptor t = PERFETTO__PROTOS__TRACK_DESCRIPTOR__INIT;

    t.has_uuid = 1;
    t.uuid = uuid;
    if (parent) {
        t.has_parent_uuid = 1;
        t.parent_uuid = parent;
    }
    t.name = (char *)name;
    t.description = (char *)description;
    t.has_sibling_order_rank = 1;
    t.sibling_order_rank = rank;
    t.has_child_ordering = 1;
    t.child_ordering = PERFETTO__PROTOS__TRACK_DESCRIPTOR__CHILD_TRACKS_ORDERING__EXPLICIT;
    p.data_case = PERFETTO__PROTOS__TRACE_PACKET__DATA_TRACK_DESCRIPTOR;
    p.track_descriptor = &t;
    return put_packet(w, &p);
}

int pf_emit(struct pf_writer *w, const struct pf_event *e)
{
    Perfetto__Protos__TracePacket p = PERFETTO__PROTOS__TRACE_PACKET__INIT;
    Perfetto__Protos__TrackEvent ev = PERFETTO__PROTOS__TRACK_EVENT__INIT;
    Perfetto__Protos__DebugAnnotation ann[PF_MAX_ARGS], *annp[PF_MAX_ARGS];
    size_t nargs = e->nargs < PF_MAX_ARGS ? e->nargs : PF_MAX_ARGS;

    for (size_t i = 0; i < nargs; i++) {
        Perfetto__Protos__DebugAnnotation a = PERFETTO__PROTOS__DEBUG_ANNOTATION__INIT;

        a.name = (char *)e->args[i].name;
        if (e->args[i].s) {
            a.value_case = PERFETTO__PROTOS__DEBUG_ANNOTATION__VALUE_STRING_VALUE;
            a.string_value = (char *)e->args[i].s;
        } else {
            a.value_case = PERFETTO__PROTOS__DEBUG_ANNOTATION__VALUE_UINT_VALUE;
            a.uint_value = e->args[i].u;
        }
        ann[i] = a;
        annp[i] = &ann[i];
    }
    ev.has_type = 1;
    ev.type = (Perfetto__Protos__TrackEvent__Type)e->type;
    ev.has_track_uuid = 1;
    ev.track_uuid = e->track;
    ev.name = (char *)e->name;
    ev.n_debug_annotations = nargs;
    ev.debug_annotations = nargs ? annp : NULL;
    ev.n_flow_ids = e->nflows;
    ev.flow_ids = (uint64_t *)e->flows;
    ev.n_terminating_flow_ids = e->nends;
    ev.terminating_flow_ids = (uint64_t *)e->ends;
    p.has_timestamp = 1;
    p.timestamp = e->ts;
    p.data_case = PERFETTO__PROTOS__TRACE_PACKET__DATA_TRACK_EVENT;
    p.track_event = &ev;
    return put_packet(w, &p);
}

uint64_t pf_bytes(const struct pf_writer *w)
{
    return w->bytes;
}

int pf_close(struct pf_writer *w)
{
    int failed = w->failed;

    free(w->buf);
    free(w);
    return failed ? -1 : 0;
}
