/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * convert_chrome.c - the Chrome JSON sink of convert.h: the Trace Event
 * Format (chrome://tracing, and Perfetto's JSON importer), for small
 * traces.  Times are us with three decimals (exact ns).  A process per
 * group of tracks (pid 1 the hypervisor, pid 2 + D dom D), a thread per
 * track (the pCPU; a vCPU's lane is tid V << 12 | lane), named with
 * metadata events.  A stage is a complete event ("X") of 1 ns, so that the
 * flow events of its chain ("s" on its first stage, "t" between, "f" with
 * "bp":"e" on its last; id the chain id + 1) have a slice to bind to.
 */
#include "convert.h"

#include <stdlib.h>

#include "json.h"

#define PID_XEN 1
#define PID_DOM(d) (2 + (int64_t)(d))

struct chrome {
    struct json j;
};

static void ids(const struct convert_track *t, int64_t *pid, int64_t *tid)
{
    switch (t->kind) {
    case TRACK_CPU:
        *pid = PID_XEN, *tid = t->cpu;
        break;
    case TRACK_DOM:
        *pid = PID_DOM(t->dom), *tid = 0;
        break;
    case TRACK_LANE:
        *pid = PID_DOM(t->dom), *tid = (int64_t)t->vcpu << 12 | t->lane;
        break;
    default:
        *pid = PID_XEN, *tid = 0;
    }
}

static void meta(struct json *j, int64_t pid, int64_t tid, const char *what,
                 const char *key, const char *s, int64_t n)
{
    json_begin_object(j);
    json_kv_str(j, "ph", "M");
    json_kv_i64(j, "pid", pid);
    json_kv_i64(j, "tid", tid);
    json_kv_str(j, "name", what);
    json_key(j, "args");
    json_begin_object(j);
    if (s)
        json_kv_str(j, key, s);
    else
        json_kv_i64(j, key, n);
    json_end_object(j);
    json_end_object(j);
}

static int check(struct chrome *c)
{
    return ferror(c->j.out) ? -1 : 0;
}

static int track(void *ctx, const struct convert_track *t, const char *name, const char *what,
                 int32_t rank)
{
    struct chrome *c = ctx;
    int64_t pid, tid;

    (void)what;
    ids(t, &pid, &tid);
    if (t->kind == TRACK_XEN || t->kind == TRACK_DOM) {
        meta(&c->j, pid, tid, "process_name", "name", name, 0);
        meta(&c->j, pid, tid, "process_sort_index", "sort_index", NULL, rank);
    } else {
        meta(&c->j, pid, tid, "thread_name", "name", name, 0);
        meta(&c->j, pid, tid, "thread_sort_index", "sort_index", NULL, rank);
    }
    return check(c);
}

static void event_head(struct json *j, const char *ph, const struct convert_track *t,
                       uint64_t ts, const char *name, const char *cat)
{
    int64_t pid, tid;

    ids(t, &pid, &tid);
    json_begin_object(j);
    json_kv_str(j, "ph", ph);
    json_kv_i64(j, "pid", pid);
    json_kv_i64(j, "tid", tid);
    json_key(j, "ts");
    json_milli(j, ts);
    json_kv_str(j, "name", name);
    json_kv_str(j, "cat", cat);
}

static int stage(void *ctx, const struct convert_stage *st)
{
    static const char *const ph[] = { NULL, "s", "t", "f" };
    struct chrome *c = ctx;

    event_head(&c->j, "X", st->track, st->ts, st->name, "hvpath");
    json_key(&c->j, "dur");
    json_milli(&c->j, 1);
    json_key(&c->j, "args");
    json_begin_object(&c->j);
    json_kv_u64(&c->j, "chain", st->chain);
    json_kv_u64(&c->j, "since_previous_ns", st->since_ns);
    json_end_object(&c->j);
    json_end_object(&c->j);
    if (st->pos != FLOW_NONE) {
        event_head(&c->j, ph[st->pos], st->track, st->ts, "chain", "hvpath.chain");
        json_kv_u64(&c->j, "id", st->flow);
        if (st->pos == FLOW_END)
            json_kv_str(&c->j, "bp", "e");
        json_end_object(&c->j);
    }
    return check(c);
}

static int slice(void *ctx, const struct convert_slice *sl)
{
    struct chrome *c = ctx;

    event_head(&c->j, "X", sl->track, sl->ts, sl->title, "hvpath");
    json_key(&c->j, "dur");
    json_milli(&c->j, sl->dur);
    json_key(&c->j, "args");
    json_begin_object(&c->j);
    json_kv_u64(&c->j, "chain", sl->c->id);
    json_kv_str(&c->j, "outcome", sl->outcome);
    json_kv_str(&c->j, "reason_or_via", sl->how);
    json_kv_u64(&c->j, "delivery", sl->c->delivery);
    json_kv_u64(&c->j, "stages", sl->c->nstages);
    json_kv_u64(&c->j, "total_ns", sl->dur);
    json_end_object(&c->j);
    json_end_object(&c->j);
    return check(c);
}

struct convert_sink *convert_chrome_sink(FILE *out)
{
    struct convert_sink *s = calloc(1, sizeof(*s));
    struct chrome *c = calloc(1, sizeof(*c));

    if (!s || !c) {
        free(s);
        free(c);
        return NULL;
    }
    json_init(&c->j, out);
    json_begin_object(&c->j);
    json_kv_str(&c->j, "displayTimeUnit", "ns");
    json_key(&c->j, "traceEvents");
    json_begin_array(&c->j);
    s->ctx = c;
    s->track = track;
    s->stage = stage;
    s->slice = slice;
    return s;
}

int convert_chrome_end(struct convert_sink *s)
{
    struct chrome *c = s->ctx;
    int rc;

    json_end_array(&c->j);
    json_end_object(&c->j);
    json_newline(&c->j);
    rc = check(c);
    free(c);
    free(s);
    return rc;
}
