/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * schema.h - names, payload layouts and field values of trace events.
 *
 * The table is built from decoder/stock_events.def (Xen's own events and ABI
 * values) and hv-probes/hvpath_events.def (the hv-probes records, with where
 * in Xen each one fires); nothing else in hvpath spells an event name, a
 * payload offset or what a field's value means.
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

/* One named value a field can take ("=GROUP" in a fields spec). */
struct hv_value_info {
    const char *group;  /* "SP", "EVTCHN", "VIRQ", ... */
    const char *name;   /* "UPCALL"; its C constant is HVP_SP_UPCALL (probe
                           values) or HV_VIRQ_TBUF (Xen's) */
    const char *meaning;
    uint32_t value;
    uint8_t flag;       /* a bit of a bit set, not one value of an enumeration */
    uint8_t probe;      /* defined by hvpath_events.def */
};

/* hv_field.word of a field whose value is in the event id, not the payload */
#define HV_FIELD_IN_ID 0xff

struct hv_field {
    char name[24];
    uint8_t type;       /* enum hv_field_type (U32 or X32 for id bits) */
    uint8_t word;       /* index of the (first) payload word, or
                           HV_FIELD_IN_ID ("name@S:W" in a family's spec) */
    int16_t group;      /* index of its value group (hv_value_group), -1 none */
    uint8_t id_shift;   /* HV_FIELD_IN_ID: the value is bits */
    uint8_t id_width;   /*   id_shift..id_shift+id_width-1 of the event id */
};

struct hv_event_info {
    uint32_t id;        /* a family: its base id */
    uint32_t mask;      /* a family (HV_STOCK_FAMILY): every id with
                           (id & mask) == this id; 0 for one exact id */
    const char *name;
    const char *where;  /* hv-probes records: where in Xen it is written */
    const char *what;   /* hv-probes records: what it means */
    uint8_t nfields;
    uint8_t nwords;     /* payload words the fields cover */
    struct hv_field fields[HV_FIELD_MAX];
};

/*
 * The event with this 28-bit id, or NULL if hvpath does not know it: the
 * entry with exactly this id if there is one, else the first family (in id
 * order) the id belongs to.
 */
const struct hv_event_info *hv_event_lookup(uint32_t id);

/* The event with this name (e.g. "TRC_SCHED_WAKE"), or NULL. */
const struct hv_event_info *hv_event_by_name(const char *name);

/* Number of known events, and the i-th in id order (for listings and tests). */
size_t hv_event_count(void);
const struct hv_event_info *hv_event_at(size_t i);

/* Field `name` of event e, or NULL. */
const struct hv_field *hv_event_field(const struct hv_event_info *e,
                                      const char *name);

/*
 * Payload word index of field `field` of event `event` (e.g.
 * "TRC_HW_HVPATH_EVTCHN_SEND", "rport"), or -1 if either is unknown or the
 * field's value is in the event id (HV_FIELD_IN_ID).
 */
int hv_field_word(const char *event, const char *field);

/*
 * Value of field f of record r (0 if the record is too short for it; then
 * *present is set to 0).  A field in the id (HV_FIELD_IN_ID) is taken from
 * r->event and always present.  present may be NULL.
 */
uint64_t hv_field_value(const struct hv_field *f, const struct hv_rec *r,
                        int *present);

/*
 * Value groups, in the order the .def files define them: how many, the
 * name of the i-th, and its values (*n of them).
 */
size_t hv_value_group_count(void);
const char *hv_value_group(size_t i);
const struct hv_value_info *hv_value_group_values(size_t i, size_t *n);

/*
 * v as field f names it into buf: "INTERDOMAIN", or the set bits of a flag
 * field joined by '|' ("NEW|UPCALL").  Returns 1 if every part of v has a
 * name, 0 (buf "") if f has no values or v is not fully named.
 */
int hv_field_value_name(const struct hv_field *f, uint64_t v, char *buf,
                        size_t len);

#endif /* HVPATH_SCHEMA_H */
