/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * record_fmt.c - text and JSON renderings of a record.
 */
#include "record_fmt.h"

#include <inttypes.h>

#include "json.h"
#include "schema.h"

static int field_is_hex(const struct hv_field *f)
{
    return f->type == HV_FIELD_X32 || f->type == HV_FIELD_X64;
}

void fmt_rec_text(FILE *out, const struct hv_rec *r)
{
    const struct hv_event_info *ev = hv_event_lookup(r->event);
    unsigned covered = 0;

    fprintf(out, "%3u %20" PRIu64 "%c ", r->cpu, r->tsc,
            (r->flags & HV_REC_TSC_INHERITED) ? '*' : ' ');
    if (ev) {
        fprintf(out, "%-30s", ev->name);
        for (unsigned i = 0; i < ev->nfields; i++) {
            const struct hv_field *f = &ev->fields[i];
            char name[96];
            int present;
            uint64_t v = hv_field_value(f, r, &present);
            if (!present)
                continue;
            if (field_is_hex(f))
                fprintf(out, " %s=%#" PRIx64, f->name, v);
            else
                fprintf(out, " %s=%" PRIu64, f->name, v);
            if (hv_field_value_name(f, v, name, sizeof(name)))
                fprintf(out, "(%s)", name);
        }
        covered = ev->nwords;
    } else {
        fprintf(out, "0x%08x%-20s", r->event, "");
    }
    /* words no field describes, raw */
    for (unsigned i = covered; i < r->nextra; i++)
        fprintf(out, " w%u=%#x", i, r->extra[i]);
    fputc('\n', out);
}

void fmt_rec_jsonl(FILE *out, const struct hv_rec *r)
{
    const struct hv_event_info *ev = hv_event_lookup(r->event);
    char id[16];
    struct json j;

    json_init(&j, out);
    json_begin_object(&j);
    json_kv_u64(&j, "cpu", r->cpu);
    json_kv_u64(&j, "tsc", r->tsc);
    json_kv_bool(&j, "tsc_inherited", r->flags & HV_REC_TSC_INHERITED);
    json_kv_u64(&j, "offset", r->offset);
    snprintf(id, sizeof(id), "0x%08x", r->event);
    json_kv_str(&j, "event", id);
    json_key(&j, "name");
    if (ev)
        json_string(&j, ev->name);
    else
        json_null(&j);
    json_key(&j, "extra");
    json_begin_array(&j);
    for (unsigned i = 0; i < r->nextra; i++)
        json_u64(&j, r->extra[i]);
    json_end_array(&j);
    json_key(&j, "fields");
    json_begin_object(&j);
    for (unsigned i = 0; ev && i < ev->nfields; i++) {
        int present;
        uint64_t v = hv_field_value(&ev->fields[i], r, &present);
        if (present)
            json_kv_u64(&j, ev->fields[i].name, v);
    }
    json_end_object(&j);
    json_end_object(&j);
    json_newline(&j);
}
