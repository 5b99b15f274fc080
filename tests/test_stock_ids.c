/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_stock_ids.c - decoder/stock_events.def against Xen's own public
 * headers (libxen-dev): every id must match the macro of the same name
 * (<xen/trace.h>), every value its RUNSTATE_* (<xen/vcpu.h>) or VIRQ_*
 * (<xen/xen.h>) macro, every field spec must parse to exactly the fields it
 * names, and a family must take in the ids it stands for and no others.
 */
#include <stdint.h>
#include <string.h>
#include <xen/trace.h>  /* needs stdint.h first */
#include <xen/xen.h>    /* VIRQ_* */
#include <xen/vcpu.h>   /* RUNSTATE_* */

#include "check.h"
#include "record.h"
#include "schema.h"
#include "stitch.h"

static unsigned nentries;

/* The field names a spec lists, in order: "a b/c d@4:4=G" gives a, b, c, d. */
static unsigned spec_names(const char *spec, char names[][32], unsigned max)
{
    unsigned n = 0;

    for (const char *p = spec; *p;) {
        size_t len;

        while (*p == ' ' || *p == '/')
            p++;
        len = strcspn(p, ":@=/ ");
        if (!len)
            break;
        if (n < max) {
            size_t k = len < 31 ? len : 31;
            memcpy(names[n], p, k);
            names[n][k] = 0;
        }
        n++;
        p += len;
        p += strcspn(p, "/ ");  /* the rest of this part: ":x", "@S:W", "=GROUP" */
    }
    return n;
}

/*
 * One table entry: its id is Xen's, lookup finds it under its name, and its
 * spec became exactly the fields it names (none dropped past HV_FIELD_MAX,
 * none cut to fit a name, every "=GROUP" resolved, every id field inside the
 * bits a family leaves open).
 */
static void check_entry(const char *name, uint32_t xen_id, uint32_t id,
                        const char *spec, uint32_t mask)
{
    const struct hv_event_info *e = hv_event_lookup(id);
    char names[16][32];
    unsigned n = spec_names(spec, names, 16), groups = 0;

    nentries++;
    if (id != xen_id)
        fprintf(stderr, "%s: table says 0x%08x, Xen's headers 0x%08x\n", name,
                (unsigned)id, (unsigned)xen_id);
    CHECK_EQ(id, xen_id);
    CHECK(id < 1u << 28);
    CHECK(e && e->id == id && e->mask == mask && !strcmp(e->name, name));
    if (!e)
        return;
    if (e->nfields != n)
        fprintf(stderr, "%s: spec \"%s\" names %u fields, parsed %u\n", name, spec,
                n, e->nfields);
    CHECK_EQ(e->nfields, n);
    CHECK(e->nwords <= HV_REC_MAX_EXTRA);
    for (const char *p = spec; *p; p++)
        groups += *p == '=';
    for (unsigned i = 0; i < e->nfields && i < n; i++) {
        const struct hv_field *f = &e->fields[i];
        if (strcmp(f->name, names[i]))
            fprintf(stderr, "%s: field %u is \"%s\", spec says \"%s\"\n", name, i,
                    f->name, names[i]);
        CHECK(!strcmp(f->name, names[i]));
        groups -= f->group >= 0;
        if (f->word == HV_FIELD_IN_ID) {
            uint32_t bits = ((1u << f->id_width) - 1) << f->id_shift;
            CHECK(f->id_width > 0 && f->id_shift + f->id_width <= 28);
            CHECK(mask && (bits & mask) == 0);
        } else {
            CHECK(f->word < e->nwords);
        }
    }
    CHECK_EQ(groups, 0);
}

int main(void)
{
    /*
     * Each macro checks its entry against the Xen macro it is built from.
     * HV_STOCK_SCHED: the TRC_CSCHED_*, TRC_CSCHED2_*, TRC_RTDS_* and
     * TRC_SNULL_* symbols are local #defines of credit.c, credit2.c, rt.c and
     * null.c (common/sched/), not in public/trace.h, so only the id's make-up
     * can be checked: TRC_SCHED_CLASS_EVT of the scheduler id (public) and the
     * event number the table copied from those defines, and that the name
     * has the scheduler's prefix.
     */
#define HV_STOCK(sym, id, spec) check_entry(#sym, (uint32_t)(sym), (id), (spec), 0);
#define HV_STOCK64(sym, id, spec)                                             \
    check_entry(#sym "64", (uint32_t)((sym) | TRC_64_FLAG), (id), (spec), 0);
#define HV_STOCK_SCHED(sym, sched, evt, id, spec)                             \
    check_entry(#sym, (uint32_t)TRC_SCHED_CLASS_EVT(sched, evt), (id), (spec), 0); \
    CHECK(!strncmp(#sym, "TRC_" #sched "_", strlen("TRC_" #sched "_")));      \
    CHECK((evt) > 0 && (evt) <= 0x1ff);
#define HV_STOCK_GPL(sym, gpl, id, spec)                                      \
    check_entry(#sym "_GPL" #gpl, (uint32_t)((sym) | ((gpl) - 2) << 8), (id), \
                (spec), 0);                                                   \
    CHECK((gpl) == 3 || (gpl) == 4);                                          \
    CHECK(hv_event_lookup(sym) && !strcmp(hv_event_lookup(sym)->name, #sym));
#define HV_STOCK_NESTED(sym, id, spec)                                        \
    check_entry(#sym "_NESTED", (uint32_t)((sym) | TRC_HVM_NESTEDFLAG), (id), \
                (spec), 0);                                                   \
    CHECK(hv_event_lookup(sym) && !strcmp(hv_event_lookup(sym)->name, #sym));
#define HV_STOCK_FAMILY(sym, base, mask, spec)                                \
    check_entry(#sym, (uint32_t)(sym), (base), (spec), (mask));               \
    CHECK((mask) != 0 && ((mask) & ~0x0fffffffu) == 0);                       \
    CHECK(((base) & ~(mask)) == 0);
#define HV_STOCK_VALUE(group, name, value, meaning)                           \
    if ((value) != (group##_##name))                                          \
        fprintf(stderr, "%s_%s: table says %u, Xen's headers %u\n", #group,   \
                #name, (unsigned)(value), (unsigned)(group##_##name));        \
    CHECK_EQ((value), (group##_##name));
#include "stock_events.def"

    /* the rest of the table is the hv-probes' own (test_probe_schema) */
    unsigned nprobes = 0;
    for (size_t i = 0; i < hv_event_count(); i++)
        nprobes += (hv_event_at(i)->id & 0xfffff000u) == HV_TRC_HVPATH;
    CHECK_EQ(nentries + nprobes, hv_event_count());
    CHECK_EQ(HV_TRC_LOST_RECORDS, TRC_LOST_RECORDS);
    CHECK_EQ(HV_TRC_TRACE_WRAP_BUFFER, TRC_TRACE_WRAP_BUFFER);
    CHECK_EQ(HV_TRC_TRACE_CPU_CHANGE, TRC_TRACE_CPU_CHANGE);
    CHECK_EQ(HV_TRC_SCHED_VERBOSE, TRC_SCHED_VERBOSE);
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

    /*
     * The runstate family: every id Xen writes (old != new, core.c
     * vcpu_runstate_change returns early on old == new) is
     * TRC_SCHED_RUNSTATE_CHANGE with old and new from the id, vcpu and dom
     * from the one payload word, and the state names of <xen/vcpu.h>.
     */
    static const char *const state[4] = {
        [RUNSTATE_running] = "running", [RUNSTATE_runnable] = "runnable",
        [RUNSTATE_blocked] = "blocked", [RUNSTATE_offline] = "offline",
    };
    const struct hv_event_info *rs = hv_event_by_name("TRC_SCHED_RUNSTATE_CHANGE");
    const struct hv_field *f_old = hv_event_field(rs, "old");
    const struct hv_field *f_new = hv_event_field(rs, "new");
    const struct hv_field *f_vcpu = hv_event_field(rs, "vcpu");
    const struct hv_field *f_dom = hv_event_field(rs, "dom");
    CHECK(rs && rs->id == TRC_SCHED_RUNSTATE_CHANGE && rs->mask && rs->nwords == 1);
    CHECK(f_old && f_new && f_vcpu && f_dom);
    CHECK_EQ(hv_field_word("TRC_SCHED_RUNSTATE_CHANGE", "dom"), 0);
    CHECK_EQ(hv_field_word("TRC_SCHED_RUNSTATE_CHANGE", "old"), -1);
    unsigned members = 0;
    for (unsigned o = 0; rs && f_old && f_new && f_vcpu && f_dom && o < 4; o++)
        for (unsigned nw = 0; nw < 4; nw++) {
            uint32_t id = TRC_SCHED_RUNSTATE_CHANGE | o << 8 | nw << 4;
            struct hv_rec r = { .event = id, .nextra = 1, .extra = { 3 | 32767u << 16 } };
            char buf[32];
            int present = 0;

            if (o == nw)
                continue;
            members++;
            CHECK(hv_event_lookup(id) == rs);
            CHECK_EQ(hv_field_value(f_old, &r, &present), o);
            CHECK(present);
            CHECK_EQ(hv_field_value(f_new, &r, &present), nw);
            CHECK(present);
            CHECK_EQ(hv_field_value(f_vcpu, &r, NULL), 3);
            CHECK_EQ(hv_field_value(f_dom, &r, NULL), 32767);
            CHECK(hv_field_value_name(f_old, o, buf, sizeof(buf)) && !strcmp(buf, state[o]));
            CHECK(hv_field_value_name(f_new, nw, buf, sizeof(buf)) && !strcmp(buf, state[nw]));
        }
    CHECK_EQ(members, 12);
    /* xenalyze's whole nibbles: states Xen cannot write still belong, unnamed */
    if (f_old) {
        char buf[32];
        struct hv_rec r = { .event = 0x00021f41, .nextra = 1 };
        CHECK(hv_event_lookup(0x00021f41) == rs);
        CHECK_EQ(hv_field_value(f_old, &r, NULL), 0xf);
        CHECK(!hv_field_value_name(f_old, 0xf, buf, sizeof(buf)));
    }
    /* exact ids first, and ids outside every family stay unknown */
    CHECK(hv_event_lookup(TRC_SCHED_CONTINUE_RUNNING) != rs);
    CHECK(!strcmp(hv_event_lookup(TRC_SCHED_CONTINUE_RUNNING)->name,
                  "TRC_SCHED_CONTINUE_RUNNING"));
    CHECK(hv_event_lookup(0x00021003) == NULL);
    CHECK(hv_event_lookup(0x00021110) == NULL);
    CHECK(hv_event_lookup(0x00031011) == NULL);
    CHECK(hv_event_lookup(0x00020011) == NULL);
    CHECK(hv_event_lookup(TRC_SCHED_CLASS | 0x11) == NULL);

    /* guest records: TRC_GUEST | the guest's 12-bit event */
    const struct hv_event_info *guest = hv_event_lookup(TRC_GUEST | 0x123);
    CHECK(guest && !strcmp(guest->name, "TRC_GUEST") && guest->nwords == 0);
    if (guest) {
        struct hv_rec r = { .event = TRC_GUEST | 0x123 };
        CHECK_EQ(hv_field_value(&guest->fields[0], &r, NULL), 0x123);
        CHECK_EQ(guest->fields[0].type, HV_FIELD_X32);
    }
    CHECK(hv_event_lookup(0x0800e123) == NULL);
    /*
     * HV_EVENTS_HOT is the hvpath records and Xen's own subclasses, and
     * every record the stitcher reads passes it, except TRC_LOST_RECORDS
     * (written whatever the mask) and TRC_HVM_INJ_VIRQ (read only from a
     * stock hypervisor, where the probes' INTR_ASSIST is missing)
     */
    CHECK_EQ(HV_EVENTS_HOT,
             HV_TRC_HVPATH | TRC_SCHED_MIN | TRC_SCHED_VERBOSE | TRC_HVM_ENTRYEXIT);
    const char *name;
    unsigned stage, nread = 0;
    for (unsigned i = 0; chain_record_at(i, &name, &stage); i++) {
        const struct hv_event_info *e = hv_event_by_name(name);
        int want = strcmp(name, "TRC_LOST_RECORDS") && strcmp(name, "TRC_HVM_INJ_VIRQ");

        CHECK(e != NULL);
        if (!e)
            continue;
        nread++;
        if (hv_event_in_mask(HV_EVENTS_HOT, e->id) != want)
            fprintf(stderr, "%s (0x%08x): %s the hot mask\n", name, e->id,
                    want ? "not in" : "in");
        CHECK_EQ(hv_event_in_mask(HV_EVENTS_HOT, e->id), want);
    }
    CHECK(nread > 20);
    /* the cross product, as Xen applies it */
    CHECK(hv_event_in_mask(HV_TRC_HVPATH, HV_TRC_HVPATH | 0x3));
    CHECK(!hv_event_in_mask(HV_TRC_HVPATH, TRC_SCHED_SWITCH));
    CHECK(!hv_event_in_mask(HV_TRC_HVPATH, TRC_HW_IRQ_BIND_VECTOR));
    CHECK(!hv_event_in_mask(HV_EVENTS_HOT, TRC_HW_IRQ_BIND_VECTOR));
    CHECK(hv_event_in_mask(HV_EVENTS_HOT, TRC_PM_IDLE_ENTRY));
    CHECK(hv_event_in_mask(TRC_ALL, TRC_SCHED_SWITCH));
    CHECK(!hv_event_in_mask(HV_EVENTS_HOT, TRC_HVM_INJ_VIRQ));
    return check_done();
}
