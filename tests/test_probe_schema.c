/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_probe_schema.c - hv-probes/hvpath_events.def as the decoder reads
 * it: every id in TRC_HW subclass 0x8, unique, named, documented, each
 * "fields" spec covering exactly the nwords the Xen side is built against,
 * every "=GROUP" naming a group the table defines, values unique in their
 * group and flags single bits; and the stitcher's table (decoder/stages.def)
 * naming only records and fields that exist.
 */
#include <string.h>

#include "check.h"
#include "event_values.h"
#include "record.h"
#include "schema.h"
#include "stitch.h"

/* Every field whose spec has "=GROUP" resolved to a group. */
static void check_groups(const struct hv_event_info *e, const char *spec)
{
    unsigned n = 0;

    for (const char *p = spec; *p; p++)
        n += *p == '=';
    for (unsigned i = 0; i < e->nfields; i++)
        n -= e->fields[i].group >= 0;
    if (n)
        fprintf(stderr, "%s: a field names a value group that does not exist\n",
                e->name);
    CHECK_EQ(n, 0);
}

int main(void)
{
    unsigned n = 0;

#define HVP_EVENT(sym, num, nw, spec, where_, what_)                         \
    do {                                                                      \
        const struct hv_event_info *e = hv_event_lookup(HV_TRC_HVPATH | (num)); \
        CHECK(e != NULL);                                                     \
        if (e) {                                                              \
            CHECK(!strcmp(e->name, "TRC_HW_HVPATH_" #sym));                      \
            if (e->nwords != (nw))                                            \
                fprintf(stderr, "%s: fields cover %u words, nwords says %u\n", \
                        #sym, e->nwords, (unsigned)(nw));                     \
            CHECK_EQ(e->nwords, (nw));                                        \
            check_groups(e, spec);                                            \
            CHECK(e->where && strlen(e->where) > 10);                         \
            CHECK(e->what && strlen(e->what) > 10);                           \
        }                                                                     \
        CHECK((nw) <= HV_REC_MAX_EXTRA);                                      \
        CHECK((num) > 0 && (num) < 0x1000);                                   \
        n++;                                                                  \
    } while (0);
#include "hvpath_events.def"

    CHECK(n >= 17);
    /* the class/subclass stock xenalyze ignores: TRC_HW, subclass 0x8 */
    CHECK_EQ(HV_TRC_HVPATH >> 16, 0x0080);
    CHECK_EQ((HV_TRC_HVPATH >> 12) & 0xf, 0x8);

    /* value groups: names unique within a group, values too; flags are bits */
    for (size_t g = 0; g < hv_value_group_count(); g++) {
        size_t nv;
        const struct hv_value_info *v = hv_value_group_values(g, &nv);
        for (size_t i = 0; i < nv; i++) {
            CHECK(v[i].meaning && *v[i].meaning);
            CHECK_EQ(v[i].flag, v[0].flag);
            if (v[i].flag)
                CHECK(v[i].value && !(v[i].value & (v[i].value - 1)));
            for (size_t j = i + 1; j < nv; j++) {
                CHECK(strcmp(v[i].name, v[j].name));
                CHECK(v[i].value != v[j].value);
            }
        }
        /* a group is defined in one place: no second run of the same name */
        for (size_t h = g + 1; h < hv_value_group_count(); h++)
            CHECK(strcmp(hv_value_group(g), hv_value_group(h)));
    }

    /* symbolic names of values, as dump prints them */
    {
        const struct hv_event_info *e = hv_event_by_name("TRC_HW_HVPATH_SET_PENDING_FIFO");
        const struct hv_field *f = hv_event_field(e, "outcome");
        char buf[64];
        CHECK(f != NULL);
        if (f) {
            CHECK(hv_field_value_name(f, HVP_SP_NEW | HVP_SP_UPCALL, buf, sizeof(buf)));
            CHECK(!strcmp(buf, "NEW|UPCALL"));
            CHECK(!hv_field_value_name(f, 0x80, buf, sizeof(buf)));
            CHECK(!strcmp(buf, ""));
        }
        f = hv_event_field(hv_event_by_name("TRC_HW_HVPATH_VIRQ_SEND"), "virq");
        CHECK(f && hv_field_value_name(f, HV_VIRQ_TBUF, buf, sizeof(buf)) &&
              !strcmp(buf, "TBUF"));
    }

    /* the stitcher's table: it resolves (stitch_new fails otherwise), and
       every record it names exists */
    {
        struct stitch_options so = { 0 };
        struct stitcher *s = stitch_new(&so);
        const char *ev;
        unsigned stage, i;
        CHECK(s != NULL);
        stitch_free(s);
        for (i = 0; chain_record_at(i, &ev, &stage); i++) {
            CHECK(hv_event_by_name(ev) != NULL);
            CHECK(stage <= STAGE_KIND_COUNT);
        }
        CHECK(i >= 19);
        for (unsigned k = 0; k < STAGE_KIND_COUNT; k++)
            CHECK(chain_stage_join(k) < JOIN_COUNT && chain_stage_what(k));
    }
    return check_done();
}
