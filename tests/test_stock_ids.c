/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_stock_ids.c - decoder/stock_events.def against Xen's own public
 * header (<xen/trace.h> from libxen-dev): every id must match the macro of
 * the same name, and the field specs must parse to what the ids can carry.
 */
#include <stdint.h>
#include <string.h>
#include <xen/trace.h>  /* needs stdint.h first */

#include "check.h"
#include "record.h"
#include "schema.h"

int main(void)
{
    unsigned n = 0;

#define HV_STOCK(sym, id, spec)                                               \
    do {                                                                      \
        if ((uint32_t)(id) != (uint32_t)(sym))                                \
            fprintf(stderr, "%s: table says 0x%08x, xen/trace.h 0x%08x\n",    \
                    #sym, (unsigned)(id), (unsigned)(sym));                   \
        CHECK_EQ((uint32_t)(id), (uint32_t)(sym));                            \
        n++;                                                                  \
    } while (0);
#define HV_STOCK64(sym, id, spec) HV_STOCK(sym | TRC_64_FLAG, id, spec)
#include "stock_events.def"
#undef HV_STOCK
#undef HV_STOCK64

    /* the rest of the table is the hv-probes' own (test_probe_schema) */
    unsigned nprobes = 0;
    for (size_t i = 0; i < hv_event_count(); i++)
        nprobes += (hv_event_at(i)->id & 0xfffff000u) == HV_TRC_HVPATH;
    CHECK_EQ(n + nprobes, hv_event_count());
    CHECK_EQ(HV_TRC_LOST_RECORDS, TRC_LOST_RECORDS);
    CHECK_EQ(HV_TRC_TRACE_WRAP_BUFFER, TRC_TRACE_WRAP_BUFFER);
    CHECK_EQ(HV_TRC_TRACE_CPU_CHANGE, TRC_TRACE_CPU_CHANGE);
    CHECK_EQ(HV_REC_MAX_EXTRA, TRACE_EXTRA_MAX);

    /* ids are unique, sorted, and no spec covers more than 7 words */
    for (size_t i = 0; i < hv_event_count(); i++) {
        const struct hv_event_info *e = hv_event_at(i);
        CHECK(e->nwords <= HV_REC_MAX_EXTRA);
        if (i)
            CHECK(hv_event_at(i - 1)->id < e->id);
        CHECK(hv_event_lookup(e->id) == e);
        CHECK(hv_event_by_name(e->name) == e);
    }

    /* spec parsing, on known layouts */
    const struct hv_event_info *lost = hv_event_lookup(TRC_LOST_RECORDS);
    CHECK(lost && lost->nfields == 4 && lost->nwords == 4);
    if (lost) {
        struct hv_rec r = { .nextra = 4, .extra = { 9, 3 | 1u << 16, 0x10, 0x2 } };
        CHECK_EQ(hv_field_value(&lost->fields[0], &r, NULL), 9);
        CHECK(!strcmp(lost->fields[1].name, "did"));
        CHECK_EQ(hv_field_value(&lost->fields[1], &r, NULL), 3);
        CHECK_EQ(hv_field_value(&lost->fields[2], &r, NULL), 1);
        CHECK_EQ(hv_field_value(&lost->fields[3], &r, NULL), 0x200000010ull);
        r.nextra = 3;
        int present = 1;
        hv_field_value(&lost->fields[3], &r, &present);
        CHECK(!present);
    }
    const struct hv_event_info *vmexit = hv_event_lookup(TRC_HVM_VMEXIT64);
    CHECK(vmexit && vmexit->nwords == 3 && vmexit->fields[1].type == HV_FIELD_X64);
    CHECK(hv_event_lookup(0x00808fff) == NULL);
    return check_done();
}
