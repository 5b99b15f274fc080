/*
 * test_probe_schema.c - hv-probes/hvpath_events.def as the decoder reads
 * it: every id in TRC_HW subclass 0x8, unique, named, and each "fields"
 * spec covering exactly the nwords the Xen side is built against.
 */
#include <string.h>

#include "check.h"
#include "record.h"
#include "schema.h"

int main(void)
{
    unsigned n = 0;

#define HVP_EVENT(sym, num, nw, spec)                                    \
    do {                                                                      \
        const struct hv_event_info *e = hv_event_lookup(HV_TRC_HVPATH | (num)); \
        CHECK(e != NULL);                                                     \
        if (e) {                                                              \
            CHECK(!strcmp(e->name, "TRC_HVPATH_" #sym));                     \
            if (e->nwords != (nw))                                        \
                fprintf(stderr, "%s: fields cover %u words, nwords says %u\n", \
                        #sym, e->nwords, (unsigned)(nw));                \
            CHECK_EQ(e->nwords, (nw));                                    \
        }                                                                     \
        CHECK((nw) <= HV_REC_MAX_EXTRA);                                  \
        CHECK((num) > 0 && (num) < 0x1000);                                   \
        n++;                                                                  \
    } while (0);
#include "hvpath_events.def"
#undef HVP_EVENT

    CHECK(n >= 17);
    /* the class/subclass stock xenalyze ignores: TRC_HW, subclass 0x8 */
    CHECK_EQ(HV_TRC_HVPATH >> 16, 0x0080);
    CHECK_EQ((HV_TRC_HVPATH >> 12) & 0xf, 0x8);
    return check_done();
}
