/*
 * schema.h - names and payload layouts of trace events.
 *
 * The table is built from stock_events.def (Xen's own events) and, once the
 * hv-probes series lands, from the probes' .def; nothing else in hvpath
 * spells an event name or a payload offset.
 */
#ifndef HVPATH_SCHEMA_H
#define HVPATH_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

#define HV_FIELD_MAX 8

enum hv_field_type {
    HV_FIELD_U32,       /* one word, decimal */
    HV_FIELD_X32,       /* one word, hex */
    HV_FIELD_X64,       /* two words, low first, hex */
    HV_FIELD_LO16,      /* low half of a word, decimal */
    HV_FIELD_HI16,      /* high half of a word, decimal */
};

struct hv_field {
    char name[24];
    uint8_t type;       /* enum hv_field_type */
    uint8_t word;       /* index of the (first) payload word */
};

struct hv_event_info {
    uint32_t id;
    const char *name;
    uint8_t nfields;
    uint8_t nwords;     /* payload words the fields cover */
    struct hv_field fields[HV_FIELD_MAX];
};

/* The event with this 28-bit id, or NULL if hvpath does not know it. */
const struct hv_event_info *hv_event_lookup(uint32_t id);

/* The event with this name (e.g. "TRC_SCHED_WAKE"), or NULL. */
const struct hv_event_info *hv_event_by_name(const char *name);

/* Number of known events, and the i-th in id order (for listings and tests). */
size_t hv_event_count(void);
const struct hv_event_info *hv_event_at(size_t i);

/*
 * Payload word index of field `field` of event `event` (e.g.
 * "TRC_HVPATH_EVTCHN_SEND", "rport"), or -1 if either is unknown.  Consumers
 * resolve the words they read once, so the .def stays the only place that
 * says where a field sits.
 */
int hv_field_word(const char *event, const char *field);

/*
 * Value of field f of record r (0 if the record is too short for it; then
 * *present is set to 0).  present may be NULL.
 */
uint64_t hv_field_value(const struct hv_field *f, const struct hv_rec *r,
                        int *present);

#endif /* HVPATH_SCHEMA_H */
