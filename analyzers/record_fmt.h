/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * record_fmt.h - how one record is printed: the text line of `hvpath dump`
 * and its JSON-lines object.  Field names, layouts and value names come from
 * schema.h.
 */
#ifndef HVPATH_RECORD_FMT_H
#define HVPATH_RECORD_FMT_H

#include <stdio.h>

#include "record.h"

/*
 * "  1       123456789012  TRC_HW_HVPATH_EVTCHN_SEND  sdom=0 ... type=1(INTERDOMAIN)"
 * ('*' after an inherited TSC; a field with named values shows the name in
 * parentheses; words no field describes print raw as wN=0x...)
 */
void fmt_rec_text(FILE *out, const struct hv_rec *r);

/*
 * {"cpu":1,"tsc":123,"tsc_inherited":false,"offset":44,"event":"0x00028004",
 *  "name":"TRC_SCHED_WAKE","extra":[0,1],"fields":{"dom":0,"vcpu":1}}
 * "name" is null and "fields" empty for events hvpath does not know.
 */
void fmt_rec_jsonl(FILE *out, const struct hv_rec *r);

#endif /* HVPATH_RECORD_FMT_H */
