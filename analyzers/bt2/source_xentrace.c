/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * source_xentrace.c - the babeltrace2 plugin `hvpath`, its source component
 * class `source.hvpath.xentrace`: a xentrace file as babeltrace2 events, so
 * that babeltrace2 prints it and sink.ctf.fs writes it as CTF 1.8 for Trace
 * Compass.
 *
 *   babeltrace2 --plugin-path=DIR -c source.hvpath.xentrace \
 *       --params='inputs=["host.xt"]'
 *
 * What it makes (babeltrace2's trace IR):
 *   - one trace, one stream class, one stream per pCPU (named "pCPU N"), in
 *     one output port: the records come merged in TSC order, as hvpath
 *     reads them;
 *   - an event class per entry of hvpath's one table (decoder/schema.h):
 *     Xen's stock records and the hv-probes records, named as Xen names
 *     them, a payload member per field (unsigned integers; hex ones
 *     displayed in hex; fields carried in the id, like a runstate change's
 *     old and new state, taken from it; a field the record is too short
 *     for reads 0, as Xen writes some records shorter); records the table does not know
 *     are `hvpath_unknown` with their id and payload words;
 *   - a clock class "tsc" counting TSC cycles, its frequency from the
 *     probes' clock records (Xen's tsc_to_system scale of the first one),
 *     or the cpu-hz parameter for a trace without them.  One clock for all
 *     pCPUs: the per-pCPU scales hvpath applies (a few hundred ppm apart in
 *     the lab) are not represented.
 *
 * Parameters: inputs (an array of exactly one path), cpu-hz (a number,
 * for traces without clock records), tolerant (bool: skip damaged windows,
 * as --tolerant does), chains (bool: instead of the records, the stitched
 * chains, as `hvpath script` makes them: an event `hvpath_chain_stage` per
 * stage, on its pCPU's stream at its TSC, carrying the chain's id, source,
 * dom, port, vcpu, outcome, reason or via and delivery, so that Trace
 * Compass can filter a chain by id).  A file that is not a trace fails the component's
 * initialization, naming the file and byte; a damaged record fails the
 * iteration the same way.  Every record is one event: the counts equal
 * `hvpath stats`.
 */
#define _GNU_SOURCE
#include <babeltrace2/babeltrace.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chains.h"
#include "clock.h"
#include "schema.h"
#include "trace_stats.h"
#include "xt_reader.h"

#define HERE "source_xentrace.c"

/* chains=true: a stage of a chain, to be emitted in TSC order */
struct stage_ref {
    uint64_t tsc;
    uint32_t chain, stage;          /* index in xt_source.chains, in its stages */
};

struct xt_source {
    char *path;
    int tolerant, chains_mode;
    double cpu_hz;
    bt_event_class *stage_ec;       /* chains=true: hvpath_chain_stage */
    uint64_t hz;
    bt_trace *trace;
    bt_stream **streams;            /* per pCPU, NULL for a pCPU with no records */
    unsigned ncpus;
    bt_event_class **ec;            /* per entry of the table, in its order */
    bt_event_class *unknown;
    size_t nev;
};

struct xt_iter {
    struct xt_source *src;
    struct xt_reader *r;            /* records; or, chains=true: */
    struct chains ch;               /*   the stitched trace, its clock, */
    int ch_open;
    struct chain *chains;           /*   every chain of it */
    struct stage_ref *stages;       /*   and their stages, by TSC */
    size_t nchains, nstages, next_stage;
    enum { IT_BEGIN, IT_EVENTS, IT_END, IT_DONE } state;
    unsigned next_cpu;              /* BEGIN/END: the next stream to open/close */
    uint64_t last_ts;               /* clock snapshots never go back */
};

/* Append a cause, printf style, to the thread's error, from the component. */
static void source_error(bt_self_component_source *self, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    bt_current_thread_error_append_cause_from_component(
        bt_self_component_source_as_self_component(self), HERE, __LINE__, "%s", msg);
}

/* ---- the metadata ------------------------------------------------------ */

static bt_field_class *uint_field_class(bt_trace_class *tc, int hex)
{
    bt_field_class *fc = bt_field_class_integer_unsigned_create(tc);

    if (fc && hex)
        bt_field_class_integer_set_preferred_display_base(
            fc, BT_FIELD_CLASS_INTEGER_PREFERRED_DISPLAY_BASE_HEXADECIMAL);
    return fc;
}

static int add_member(bt_trace_class *tc, bt_field_class *st, const char *name, int hex)
{
    bt_field_class *fc = uint_field_class(tc, hex);
    int rc = -1;

    if (fc && bt_field_class_structure_append_member(st, name, fc) ==
                  BT_FIELD_CLASS_STRUCTURE_APPEND_MEMBER_STATUS_OK)
        rc = 0;
    bt_field_class_put_ref(fc);
    return rc;
}

/* ec with payload (put here), or NULL (ec put too) if bad or that fails. */
static bt_event_class *finish_event_class(bt_event_class *ec, bt_field_class *payload, int bad)
{
    if (!bad)
        bad = bt_event_class_set_payload_field_class(ec, payload) !=
              BT_EVENT_CLASS_SET_FIELD_CLASS_STATUS_OK;
    bt_field_class_put_ref(payload);
    if (bad) {
        bt_event_class_put_ref(ec);
        return NULL;
    }
    return ec;
}

/* An event class named name with the fields of e (NULL: the unknown one). */
static bt_event_class *make_event_class(bt_stream_class *sc, const char *name,
                                        const struct hv_event_info *e)
{
    bt_trace_class *tc = bt_stream_class_borrow_trace_class(sc);
    bt_event_class *ec = bt_event_class_create(sc);
    bt_field_class *payload = bt_field_class_structure_create(tc);
    int bad = !ec || !payload || bt_event_class_set_name(ec, name);

    if (!bad && e) {
        for (unsigned i = 0; i < e->nfields && !bad; i++) {
            const struct hv_field *f = &e->fields[i];
            bad = add_member(tc, payload, f->name,
                             f->type == HV_FIELD_X32 || f->type == HV_FIELD_X64);
        }
    } else if (!bad) {
        char w[8];

        bad = add_member(tc, payload, "id", 1) || add_member(tc, payload, "nwords", 0);
        for (unsigned i = 0; i < HV_REC_MAX_EXTRA && !bad; i++) {
            snprintf(w, sizeof(w), "w%u", i);
            bad = add_member(tc, payload, w, 1);
        }
    }
    return finish_event_class(ec, payload, bad);
}

/* hvpath_chain_stage: one stage of a stitched chain. */
static bt_event_class *make_stage_class(bt_stream_class *sc)
{
    static const char *const strs[] = { "stage", "source", "outcome", "reason_or_via" };
    static const char *const ints[] = { "dom", "port", "vcpu" };
    static const char *const uints[] = { "chain", "index", "stages", "delivery",
                                         "since_previous_ns" };
    bt_trace_class *tc = bt_stream_class_borrow_trace_class(sc);
    bt_event_class *ec = bt_event_class_create(sc);
    bt_field_class *payload = bt_field_class_structure_create(tc);
    int bad = !ec || !payload || bt_event_class_set_name(ec, "hvpath_chain_stage");

    for (unsigned i = 0; i < 5 && !bad; i++)
        bad = add_member(tc, payload, uints[i], 0);
    for (unsigned i = 0; i < 4 && !bad; i++) {
        bt_field_class *fc = bt_field_class_string_create(tc);
        bad = !fc || bt_field_class_structure_append_member(payload, strs[i], fc);
        bt_field_class_put_ref(fc);
    }
    for (unsigned i = 0; i < 3 && !bad; i++) {
        bt_field_class *fc = bt_field_class_integer_signed_create(tc);
        bad = !fc || bt_field_class_structure_append_member(payload, ints[i], fc);
        bt_field_class_put_ref(fc);
    }
    return finish_event_class(ec, payload, bad);
}

/* TSC frequency from Xen's scale: ns = cycles * mul * 2^shift / 2^32. */
static uint64_t scale_hz(uint32_t mul, int32_t shift)
{
    double ns_per_cycle = (double)mul * ldexp(1.0, shift) / 4294967296.0;

    return ns_per_cycle > 0 ? (uint64_t)llround(1e9 / ns_per_cycle) : 0;
}

static int make_metadata(bt_self_component_source *self, struct xt_source *s,
                         const struct trace_stats *st)
{
    bt_self_component *comp = bt_self_component_source_as_self_component(self);
    bt_trace_class *tc = bt_trace_class_create(comp);
    bt_stream_class *sc = tc ? bt_stream_class_create(tc) : NULL;
    bt_clock_class *cc = bt_clock_class_create(comp);
    int rc = -1;

    if (!sc || !cc)
        goto out;
    bt_clock_class_set_frequency(cc, s->hz);
    bt_clock_class_set_origin_is_unix_epoch(cc, BT_FALSE);
    if (bt_clock_class_set_name(cc, "tsc") ||
        bt_clock_class_set_description(cc, "TSC cycles of the pCPUs that wrote the records") ||
        bt_stream_class_set_default_clock_class(sc, cc) ||
        bt_stream_class_set_name(sc, "xentrace"))
        goto out;
    bt_stream_class_set_assigns_automatic_stream_id(sc, BT_FALSE);
    s->nev = hv_event_count();
    s->ec = calloc(s->nev, sizeof(*s->ec));
    if (!s->ec)
        goto out;
    for (size_t i = 0; i < s->nev; i++)
        if (!(s->ec[i] = make_event_class(sc, hv_event_at(i)->name, hv_event_at(i))))
            goto out;
    if (!(s->unknown = make_event_class(sc, "hvpath_unknown", NULL)) ||
        (s->chains_mode && !(s->stage_ec = make_stage_class(sc))))
        goto out;
    /* the name sink.ctf.fs gives the trace's directory: the file's own */
    if (!(s->trace = bt_trace_create(tc)) ||
        bt_trace_set_name(s->trace, strrchr(s->path, '/') ? strrchr(s->path, '/') + 1 : s->path))
        goto out;
    s->ncpus = st->xt.ncpus;
    s->streams = calloc(s->ncpus ? s->ncpus : 1, sizeof(*s->streams));
    if (!s->streams)
        goto out;
    for (unsigned c = 0; c < s->ncpus; c++) {
        char name[32];

        if (!st->per_cpu[c])
            continue;
        snprintf(name, sizeof(name), "pCPU %u", c);
        if (!(s->streams[c] = bt_stream_create_with_id(sc, s->trace, c)) ||
            bt_stream_set_name(s->streams[c], name))
            goto out;
    }
    rc = 0;
out:
    bt_clock_class_put_ref(cc);
    bt_stream_class_put_ref(sc);
    bt_trace_class_put_ref(tc);
    return rc;
}

/* ---- the component ----------------------------------------------------- */

static void source_free(struct xt_source *s)
{
    if (!s)
        return;
    for (size_t i = 0; s->ec && i < s->nev; i++)
        bt_event_class_put_ref(s->ec[i]);
    free(s->ec);
    bt_event_class_put_ref(s->unknown);
    bt_event_class_put_ref(s->stage_ec);
    for (unsigned c = 0; s->streams && c < s->ncpus; c++)
        bt_stream_put_ref(s->streams[c]);
    free(s->streams);
    bt_trace_put_ref(s->trace);
    free(s->path);
    free(s);
}

/* The parameters into s: 0, or -1 with the cause appended. */
static int read_params(bt_self_component_source *self, const bt_value *params,
                       struct xt_source *s, double *cpu_hz)
{
    const bt_value *in = bt_value_map_borrow_entry_value_const(params, "inputs");
    const bt_value *hz = bt_value_map_borrow_entry_value_const(params, "cpu-hz");
    const bt_value *tol = bt_value_map_borrow_entry_value_const(params, "tolerant");
    const bt_value *chn = bt_value_map_borrow_entry_value_const(params, "chains");
    const bt_value *p;

    if (!in || !bt_value_is_array(in) || bt_value_array_get_length(in) != 1 ||
        !bt_value_is_string(p = bt_value_array_borrow_element_by_index_const(in, 0))) {
        source_error(self, "the inputs parameter must be an array of one trace's path "
                     "(inputs=[\"host.xt\"])");
        return -1;
    }
    if (!(s->path = strdup(bt_value_string_get(p))))
        return -1;
    *cpu_hz = 0;
    if (hz) {
        if (bt_value_is_real(hz))
            *cpu_hz = bt_value_real_get(hz);
        else if (bt_value_is_unsigned_integer(hz))
            *cpu_hz = (double)bt_value_integer_unsigned_get(hz);
        else if (bt_value_is_signed_integer(hz))
            *cpu_hz = (double)bt_value_integer_signed_get(hz);
        if (!(*cpu_hz >= 1e3 && *cpu_hz <= 1e12)) {
            source_error(self, "cpu-hz must be a frequency in Hz (e.g. 2.4e9)");
            return -1;
        }
    }
    if (tol) {
        if (!bt_value_is_bool(tol)) {
            source_error(self, "tolerant must be true or false");
            return -1;
        }
        s->tolerant = bt_value_bool_get(tol);
    }
    if (chn) {
        if (!bt_value_is_bool(chn)) {
            source_error(self, "chains must be true or false");
            return -1;
        }
        s->chains_mode = bt_value_bool_get(chn);
    }
    return 0;
}

static bt_component_class_initialize_method_status
source_init(bt_self_component_source *self, bt_self_component_source_configuration *config,
            const bt_value *params, void *data)
{
    struct xt_source *s = calloc(1, sizeof(*s));
    struct trace_stats st;
    struct hv_clock clk;
    char err[700];
    double cpu_hz;

    (void)config;
    (void)data;
    if (!s)
        return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_MEMORY_ERROR;
    if (read_params(self, params, s, &cpu_hz))
        goto fail;
    /* read once: reject a non-trace now, find the pCPUs and the clock */
    if (trace_stats_compute(s->path, s->tolerant, hv_clock_event(), &st, err, sizeof(err))) {
        source_error(self, "%s", err);
        goto fail;
    }
    hv_clock_init(&clk, 0);
    for (size_t i = 0; i < st.nkept; i++)
        if (hv_clock_observe(&clk, &st.kept[i])) {
            source_error(self, "%s: out of memory reading clock records", s->path);
            hv_clock_free(&clk);
            trace_stats_free(&st);
            goto fail;
        }
    s->hz = clk.source == HV_CLOCK_RECORDS ? scale_hz(clk.mul, clk.shift) : 0;
    if (cpu_hz > 0 && !s->hz)
        s->hz = (uint64_t)llround(cpu_hz);
    s->cpu_hz = clk.source == HV_CLOCK_RECORDS ? 0 : cpu_hz;
    hv_clock_free(&clk);
    if (!s->hz) {
        source_error(self, "%s: no clock records in the trace (a stock hypervisor writes "
                     "none): give the TSC frequency with cpu-hz=HZ", s->path);
        trace_stats_free(&st);
        goto fail;
    }
    if (make_metadata(self, s, &st)) {
        source_error(self, "%s: cannot make the trace's metadata", s->path);
        trace_stats_free(&st);
        goto fail;
    }
    trace_stats_free(&st);
    if (bt_self_component_source_add_output_port(self, "out", NULL, NULL) !=
        BT_SELF_COMPONENT_ADD_PORT_STATUS_OK)
        goto fail;
    bt_self_component_set_data(bt_self_component_source_as_self_component(self), s);
    return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_OK;
fail:
    source_free(s);
    return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_ERROR;
}

static void source_finalize(bt_self_component_source *self)
{
    source_free(bt_self_component_get_data(bt_self_component_source_as_self_component(self)));
}

/* ---- the message iterator ---------------------------------------------- */

static int by_tsc(const void *a, const void *b)
{
    const struct stage_ref *x = a, *y = b;

    if (x->tsc != y->tsc)
        return x->tsc < y->tsc ? -1 : 1;
    return x->chain != y->chain ? (x->chain < y->chain ? -1 : 1) :
           (x->stage > y->stage) - (x->stage < y->stage);
}

/*
 * chains=true: stitch the whole trace as `hvpath script` does (chains.h),
 * keep every chain, and order their stages by TSC, since chains come out
 * of the stitcher as they end, not as they begin.  Memory: the chains
 * (sizeof(struct chain) each) and 16 bytes per stage.
 */
static int collect_chains(struct xt_iter *it, char *err, size_t errlen)
{
    struct chains_options opt = { .path = it->src->path, .cpu_hz = it->src->cpu_hz,
                                  .tolerant = it->src->tolerant };
    size_t cap = 0, scap = 0;
    struct chain c;
    int rc;

    if (chains_open(&it->ch, &opt, err, errlen))
        return -1;
    it->ch_open = 1;
    while ((rc = chains_next(&it->ch, &c, err, errlen)) > 0) {
        if (it->nchains == cap || it->nstages + c.nstages > scap) {
            struct chain *nc = it->nchains < cap ? it->chains :
                realloc(it->chains, (cap = cap ? 2 * cap : 1024) * sizeof(*nc));
            struct stage_ref *ns;

            if (nc)
                it->chains = nc;
            while (scap < it->nstages + c.nstages)
                scap = scap ? 2 * scap : 8192;
            ns = realloc(it->stages, scap * sizeof(*ns));
            if (!nc || !ns) {
                if (ns)
                    it->stages = ns;
                snprintf(err, errlen, "%s: out of memory keeping the chains", opt.path);
                rc = -1;
                break;
            }
            it->stages = ns;
        }
        for (unsigned k = 0; k < c.nstages; k++)
            it->stages[it->nstages++] = (struct stage_ref){
                .tsc = c.stages[k].tsc, .chain = (uint32_t)it->nchains, .stage = k };
        it->chains[it->nchains++] = c;
    }
    if (rc == 0 && it->nstages)
        qsort(it->stages, it->nstages, sizeof(*it->stages), by_tsc);
    return rc;
}

static bt_message_iterator_class_initialize_method_status
iter_init(bt_self_message_iterator *self, bt_self_message_iterator_configuration *config,
          bt_self_component_port_output *port)
{
    struct xt_iter *it = calloc(1, sizeof(*it));
    struct xt_options opt = { .order = XT_ORDER_TSC };
    char err[700];

    (void)config;
    (void)port;
    if (!it)
        return BT_MESSAGE_ITERATOR_CLASS_INITIALIZE_METHOD_STATUS_MEMORY_ERROR;
    it->src = bt_self_component_get_data(bt_self_message_iterator_borrow_component(self));
    opt.tolerant = it->src->tolerant;
    if (it->src->chains_mode ? collect_chains(it, err, sizeof(err)) :
        xt_open(it->src->path, &opt, &it->r, err, sizeof(err))) {
        bt_current_thread_error_append_cause_from_message_iterator(self, HERE, __LINE__,
                                                                   "%s", err);
        if (it->ch_open)
            chains_close(&it->ch);
        free(it->chains);
        free(it->stages);
        free(it);
        return BT_MESSAGE_ITERATOR_CLASS_INITIALIZE_METHOD_STATUS_ERROR;
    }
    bt_self_message_iterator_set_data(self, it);
    return BT_MESSAGE_ITERATOR_CLASS_INITIALIZE_METHOD_STATUS_OK;
}

static void iter_finalize(bt_self_message_iterator *self)
{
    struct xt_iter *it = bt_self_message_iterator_get_data(self);

    if (it->r)
        xt_close(it->r);
    if (it->ch_open)
        chains_close(&it->ch);
    free(it->chains);
    free(it->stages);
    free(it);
}

/*
 * An event of class ec on pCPU cpu's stream at tsc (never before the last
 * one: the iterator's clock snapshots must not go back), its payload in *p.
 */
static bt_message *new_event(bt_self_message_iterator *self, struct xt_iter *it,
                             bt_event_class *ec, unsigned cpu, uint64_t tsc, bt_field **p)
{
    bt_stream *stream = cpu < it->src->ncpus ? it->src->streams[cpu] : NULL;
    bt_message *m;

    if (!stream)
        return NULL;
    if (tsc > it->last_ts)
        it->last_ts = tsc;
    m = bt_message_event_create_with_default_clock_snapshot(self, ec, stream, it->last_ts);
    if (m)
        *p = bt_event_borrow_payload_field(bt_message_event_borrow_event(m));
    return m;
}

/* The event of record r, its fields filled. */
static bt_message *event_of(bt_self_message_iterator *self, struct xt_iter *it,
                            const struct hv_rec *r)
{
    struct xt_source *s = it->src;
    const struct hv_event_info *e = hv_event_lookup(r->event);
    size_t idx = e ? (size_t)(e - hv_event_at(0)) : 0;
    bt_event_class *ec = e && idx < s->nev ? s->ec[idx] : s->unknown;
    bt_field *payload;
    bt_message *m = new_event(self, it, ec, r->cpu, r->tsc, &payload);

    if (!m)
        return NULL;
    if (ec != s->unknown) {
        for (unsigned i = 0; i < e->nfields; i++)
            bt_field_integer_unsigned_set_value(
                bt_field_structure_borrow_member_field_by_index(payload, i),
                hv_field_value(&e->fields[i], r, NULL));
    } else {
        bt_field_integer_unsigned_set_value(
            bt_field_structure_borrow_member_field_by_index(payload, 0), r->event);
        bt_field_integer_unsigned_set_value(
            bt_field_structure_borrow_member_field_by_index(payload, 1), r->nextra);
        for (unsigned i = 0; i < HV_REC_MAX_EXTRA; i++)
            bt_field_integer_unsigned_set_value(
                bt_field_structure_borrow_member_field_by_index(payload, 2 + i),
                i < r->nextra ? r->extra[i] : 0);
    }
    return m;
}

static void set_str(bt_field *payload, unsigned i, const char *v)
{
    bt_field_string_set_value(bt_field_structure_borrow_member_field_by_index(payload, i), v);
}

static void set_uint(bt_field *payload, unsigned i, uint64_t v)
{
    bt_field_integer_unsigned_set_value(
        bt_field_structure_borrow_member_field_by_index(payload, i), v);
}

static void set_int(bt_field *payload, unsigned i, int64_t v)
{
    bt_field_integer_signed_set_value(
        bt_field_structure_borrow_member_field_by_index(payload, i), v);
}

/* chains=true: the event of the next stage (members as make_stage_class). */
static bt_message *stage_event(bt_self_message_iterator *self, struct xt_iter *it,
                               const struct stage_ref *sr)
{
    const struct chain *c = &it->chains[sr->chain];
    const struct chain_stage *st = &c->stages[sr->stage];
    bt_field *p;
    bt_message *m = new_event(self, it, it->src->stage_ec, st->cpu, st->tsc, &p);

    if (!m)
        return NULL;
    set_uint(p, 0, c->id);
    set_uint(p, 1, sr->stage);
    set_uint(p, 2, c->nstages);
    set_uint(p, 3, c->delivery);
    set_uint(p, 4, chains_delta_ns(&it->ch, c, sr->stage));
    set_str(p, 5, chain_stage_name(st->kind));
    set_str(p, 6, chain_source_name(c->source));
    set_str(p, 7, chain_outcome_name(c->outcome));
    set_str(p, 8, c->outcome == CHAIN_INCOMPLETE ? chain_reason_name(c->reason) :
                  c->outcome == CHAIN_COALESCED ? chain_via_name(c->via) : "");
    set_int(p, 9, c->dom);
    set_int(p, 10, c->port);
    set_int(p, 11, c->vcpu);
    return m;
}

static bt_message_iterator_class_next_method_status
iter_next(bt_self_message_iterator *self, bt_message_array_const msgs, uint64_t capacity,
          uint64_t *count)
{
    struct xt_iter *it = bt_self_message_iterator_get_data(self);
    struct xt_source *s = it->src;
    uint64_t n = 0;

    while (n < capacity) {
        if (it->state == IT_BEGIN || it->state == IT_END) {
            bt_message *m;

            while (it->next_cpu < s->ncpus && !s->streams[it->next_cpu])
                it->next_cpu++;
            if (it->next_cpu == s->ncpus) {
                it->state = it->state == IT_BEGIN ? IT_EVENTS : IT_DONE;
                it->next_cpu = 0;
                continue;
            }
            m = it->state == IT_BEGIN ?
                bt_message_stream_beginning_create(self, s->streams[it->next_cpu]) :
                bt_message_stream_end_create(self, s->streams[it->next_cpu]);
            if (!m)
                goto memory;
            it->next_cpu++;
            msgs[n++] = m;
        } else if (it->state == IT_EVENTS && s->chains_mode) {
            bt_message *m;

            if (it->next_stage == it->nstages) {
                it->state = IT_END;
                continue;
            }
            if (!(m = stage_event(self, it, &it->stages[it->next_stage++])))
                goto memory;
            msgs[n++] = m;
        } else if (it->state == IT_EVENTS) {
            struct hv_rec r;
            bt_message *m;
            int rc = xt_next(it->r, &r);

            if (rc < 0) {
                bt_current_thread_error_append_cause_from_message_iterator(
                    self, HERE, __LINE__, "%s", xt_error(it->r));
                goto error;
            }
            if (!rc) {
                it->state = IT_END;
                continue;
            }
            if (!(m = event_of(self, it, &r)))
                goto memory;
            msgs[n++] = m;
        } else {
            break;
        }
    }
    *count = n;
    if (!n && it->state == IT_DONE)
        return BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_END;
    return BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_OK;
memory:
    bt_current_thread_error_append_cause_from_message_iterator(
        self, HERE, __LINE__, "%s: out of memory making an event", s->path);
error:
    for (uint64_t i = 0; i < n; i++)
        bt_message_put_ref(msgs[i]);
    return BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_ERROR;
}

/* ---- the plugin -------------------------------------------------------- */

BT_PLUGIN_MODULE();
BT_PLUGIN(hvpath);
BT_PLUGIN_DESCRIPTION("hvpath: the Xen hypervisor's event hot path (xentrace files)");
BT_PLUGIN_LICENSE("GPL-2.0-only");
BT_PLUGIN_SOURCE_COMPONENT_CLASS(xentrace, iter_next);
BT_PLUGIN_SOURCE_COMPONENT_CLASS_DESCRIPTION(
    xentrace, "Read a xentrace file: every record an event, a stream per pCPU");
BT_PLUGIN_SOURCE_COMPONENT_CLASS_HELP(
    xentrace, "Parameters: inputs=[\"FILE\"] (one xentrace file), cpu-hz=HZ (the TSC "
              "frequency, for a trace without the hv-probes' clock records), tolerant=true "
              "(skip damaged windows), chains=true (the stitched chains, an event per "
              "stage, instead of the records).  Event names and fields are hvpath's table "
              "(hvpath list).");
BT_PLUGIN_SOURCE_COMPONENT_CLASS_INITIALIZE_METHOD(xentrace, source_init);
BT_PLUGIN_SOURCE_COMPONENT_CLASS_FINALIZE_METHOD(xentrace, source_finalize);
BT_PLUGIN_SOURCE_COMPONENT_CLASS_MESSAGE_ITERATOR_CLASS_INITIALIZE_METHOD(xentrace, iter_init);
BT_PLUGIN_SOURCE_COMPONENT_CLASS_MESSAGE_ITERATOR_CLASS_FINALIZE_METHOD(xentrace,
                                                                        iter_finalize);
