/*
 * record_fmt.c - text and JSON renderings of a record.
 */
#include "record_fmt.h"

#include <inttypes.h>

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
            int present;
            uint64_t v = hv_field_value(f, r, &present);
            if (!present)
                continue;
            if (field_is_hex(f))
                fprintf(out, " %s=%#" PRIx64, f->name, v);
            else
                fprintf(out, " %s=%" PRIu64, f->name, v);
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

void fmt_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

void fmt_rec_jsonl(FILE *out, const struct hv_rec *r)
{
    const struct hv_event_info *ev = hv_event_lookup(r->event);

    fprintf(out, "{\"cpu\":%u,\"tsc\":%" PRIu64 ",\"tsc_inherited\":%s,"
            "\"offset\":%" PRIu64 ",\"event\":\"0x%08x\",\"name\":",
            r->cpu, r->tsc, (r->flags & HV_REC_TSC_INHERITED) ? "true" : "false",
            r->offset, r->event);
    if (ev)
        fmt_json_string(out, ev->name);
    else
        fputs("null", out);
    fputs(",\"extra\":[", out);
    for (unsigned i = 0; i < r->nextra; i++)
        fprintf(out, "%s%u", i ? "," : "", r->extra[i]);
    fputs("],\"fields\":{", out);
    if (ev) {
        int first = 1;
        for (unsigned i = 0; i < ev->nfields; i++) {
            int present;
            uint64_t v = hv_field_value(&ev->fields[i], r, &present);
            if (!present)
                continue;
            fprintf(out, "%s\"%s\":%" PRIu64, first ? "" : ",",
                    ev->fields[i].name, v);
            first = 0;
        }
    }
    fputs("}}\n", out);
}
