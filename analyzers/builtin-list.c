/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * builtin-list.c - `hvpath list`: the events hvpath knows (perf list style),
 * with their fields, where the hv-probes records fire and what their values
 * mean, or the chain model (sources, outcomes, stages, the records each
 * stage comes from).  Everything printed comes from the tables
 * (stock_events.def, hvpath_events.def, stages.def); docs/records.md and
 * the model tables of docs/report.md are its markdown output.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "builtin.h"
#include "json.h"
#include "options.h"
#include "record.h"
#include "schema.h"
#include "stitch.h"

enum { FMT_TEXT, FMT_JSON, FMT_MARKDOWN, FMT_XEN_H, FMT_XENTRACE };

struct list_args {
    int format, probes, stock, stages;
    const char *glob;
};

static const char *const type_names[] = { "u32", "x32", "x64", "lo16", "hi16" };

static int is_probe(const struct hv_event_info *e)
{
    return (e->id & 0xfffff000u) == HV_TRC_HVPATH;
}

static int selected(const struct list_args *a, const struct hv_event_info *e)
{
    if (a->probes && !a->stock && !is_probe(e))
        return 0;
    if (a->stock && !a->probes && is_probe(e))
        return 0;
    return !a->glob || !fnmatch(a->glob, e->name, FNM_CASEFOLD);
}

static void field_list(const struct hv_event_info *e, char *buf, size_t len)
{
    size_t n = 0;

    buf[0] = 0;
    for (unsigned i = 0; i < e->nfields && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? " " : "", e->fields[i].name);
}

/* ---- events ------------------------------------------------------------ */

static void text_values(const struct hv_field *f)
{
    size_t n;
    const struct hv_value_info *v = hv_value_group_values((size_t)f->group, &n);

    for (size_t i = 0; i < n; i++)
        printf(v[i].flag ? "        %s bit %#x %s: %s\n" : "        %s %u %s: %s\n",
               f->name, v[i].value, v[i].name, v[i].meaning);
}

static void text_event(const struct hv_event_info *e)
{
    char fields[200];

    field_list(e, fields, sizeof(fields));
    printf("  %-40s 0x%08x  %s\n", e->name, e->id, fields);
    if (e->where)
        printf("        where: %s\n", e->where);
    if (e->what)
        printf("        what:  %s\n", e->what);
    for (unsigned i = 0; i < e->nfields; i++)
        if (e->fields[i].group >= 0)
            text_values(&e->fields[i]);
}

static void json_event(struct json *j, const struct hv_event_info *e)
{
    char id[16];

    json_begin_object(j);
    json_kv_str(j, "name", e->name);
    snprintf(id, sizeof(id), "0x%08x", e->id);
    json_kv_str(j, "id", id);
    json_kv_bool(j, "probe", is_probe(e));
    if (e->where)
        json_kv_str(j, "where", e->where);
    if (e->what)
        json_kv_str(j, "what", e->what);
    json_key(j, "fields");
    json_begin_array(j);
    for (unsigned i = 0; i < e->nfields; i++) {
        const struct hv_field *f = &e->fields[i];
        json_begin_object(j);
        json_kv_str(j, "name", f->name);
        json_kv_u64(j, "word", f->word);
        json_kv_str(j, "type", type_names[f->type]);
        if (f->group >= 0) {
            size_t n;
            const struct hv_value_info *v = hv_value_group_values((size_t)f->group, &n);
            json_kv_str(j, "values", hv_value_group((size_t)f->group));
            json_kv_bool(j, "flags", n && v[0].flag);
            json_key(j, "named");
            json_begin_array(j);
            for (size_t k = 0; k < n; k++) {
                json_begin_object(j);
                json_kv_str(j, "name", v[k].name);
                json_kv_u64(j, "value", v[k].value);
                json_kv_str(j, "meaning", v[k].meaning);
                json_end_object(j);
            }
            json_end_array(j);
        }
        json_end_object(j);
    }
    json_end_array(j);
    json_end_object(j);
}

static void md_event(const struct hv_event_info *e)
{
    printf("\n### %s (`0x%08x`)\n\n", e->name, e->id);
    if (e->what)
        printf("%c%s.\n\n", toupper((unsigned char)e->what[0]), e->what + 1);
    if (e->where)
        printf("Written in: %s.\n\n", e->where);
    if (!e->nfields) {
        printf("No payload.\n");
        return;
    }
    printf("| word | field | type | values |\n|---|---|---|---|\n");
    for (unsigned i = 0; i < e->nfields; i++) {
        const struct hv_field *f = &e->fields[i];
        printf("| %u | `%s` | %s | %s |\n", f->word, f->name, type_names[f->type],
               f->group >= 0 ? hv_value_group((size_t)f->group) : "");
    }
}

/* The value groups the selected events' fields use, in table order. */
static void md_groups(const struct list_args *a)
{
    printf("\n## Field values\n\nC names are `HVP_<GROUP>_<NAME>` (hv-probes) or "
           "`HV_<GROUP>_<NAME>` (Xen's own), the same in the Xen patch and the "
           "decoder.\n");
    for (size_t g = 0; g < hv_value_group_count(); g++) {
        size_t n;
        const struct hv_value_info *v = hv_value_group_values(g, &n);
        int used = 0;

        for (size_t i = 0; i < hv_event_count() && !used; i++) {
            const struct hv_event_info *e = hv_event_at(i);
            for (unsigned f = 0; selected(a, e) && f < e->nfields; f++)
                used |= e->fields[f].group == (int16_t)g;
        }
        if (!n || !used)
            continue;
        printf("\n### %s (%s%s)\n\n| %s | name | meaning |\n|---|---|---|\n",
               hv_value_group(g), v[0].flag ? "bits" : "values",
               v[0].probe ? "" : ", Xen's own", v[0].flag ? "bit" : "value");
        for (size_t i = 0; i < n; i++) {
            if (v[i].flag)
                printf("| 0x%02x | `%s` | %s |\n", v[i].value, v[i].name, v[i].meaning);
            else
                printf("| %u | `%s` | %s |\n", v[i].value, v[i].name, v[i].meaning);
        }
    }
}

static void md_events(const struct list_args *a)
{
    printf("# hv-probes records\n\n"
           "<!-- generated: hvpath list --probes --format markdown, from "
           "hv-probes/hvpath_events.def; tests/test_docs.py keeps them equal -->\n\n"
           "Every hv-probes record is in TRC_HW subclass 0x8 (id `TRC_HW_HVPATH "
           "| number` = `0x00808000 | number`, its name as the series' "
           "`public/trace.h` defines it; selected by `xentrace -e 0x00808000` "
           "or any mask with it) and carries the TSC of the pCPU that wrote it.  "
           "Payload words are 32-bit; an `x64` field is two words, low first.  "
           "The series carries this table as `public/hvpath_events.def`, names "
           "the records in `tools/xentrace/formats` and decodes them in "
           "xenalyze's `--dump-all` (stock xenalyze skips them silently).  "
           "`docs/hv-probes.md` explains the patch series.\n\n## Records\n\n"
           "| record | id | fields |\n|---|---|---|\n");
    for (size_t i = 0; i < hv_event_count(); i++) {
        const struct hv_event_info *e = hv_event_at(i);
        char fields[200];
        if (!selected(a, e))
            continue;
        field_list(e, fields, sizeof(fields));
        char anchor[64];
        size_t k;
        for (k = 0; e->name[k] && k + 1 < sizeof(anchor); k++)
            anchor[k] = (char)tolower((unsigned char)e->name[k]);
        anchor[k] = 0;
        printf("| [`%s`](#%s-0x%08x) | `0x%08x` | %s |\n", e->name, anchor, e->id,
               e->id, fields);
    }
    for (size_t i = 0; i < hv_event_count(); i++)
        if (selected(a, hv_event_at(i)))
            md_event(hv_event_at(i));
    md_groups(a);
}

/* ---- the hv-probes series' generated text ------------------------------- */

/*
 * --format xen-h: the id defines of the series' public/trace.h, in the
 * TRC_HW_IRQ_* style.  Xen checks them against its copy of the table at
 * build time; hv-probes/check-series.sh checks the patch holds this text.
 */
static void xen_h_events(const struct list_args *a)
{
    for (size_t i = 0; i < hv_event_count(); i++) {
        const struct hv_event_info *e = hv_event_at(i);
        if (!is_probe(e) || !selected(a, e))
            continue;
        printf("#define %-32s (TRC_HW_HVPATH + 0x%03x)\n", e->name, e->id & 0xfffu);
    }
}

/*
 * --format xentrace: lines for tools/xentrace/formats (xentrace_format's
 * table): "0xID  CPU%(cpu)d  %(tsc)d (+%(reltsc)8d)  name [ field = %(N)d, ... ]"
 * with the record's own field names; an x64 field prints high word first.
 */
static void xentrace_events(const struct list_args *a)
{
    for (size_t i = 0; i < hv_event_count(); i++) {
        const struct hv_event_info *e = hv_event_at(i);
        char name[64];
        size_t k;

        if (!is_probe(e) || !selected(a, e))
            continue;
        for (k = 0; e->name[k + 7] && k + 1 < sizeof(name); k++)   /* after "TRC_HW_" */
            name[k] = (char)tolower((unsigned char)e->name[k + 7]);
        name[k] = 0;
        printf("0x%08x  CPU%%(cpu)d  %%(tsc)d (+%%(reltsc)8d)  %s [", e->id, name);
        for (unsigned f = 0; f < e->nfields; f++) {
            const struct hv_field *fl = &e->fields[f];
            unsigned w = fl->word + 1u;     /* xentrace_format counts from 1 */

            printf("%s %s = ", f ? "," : "", fl->name);
            if (fl->type == HV_FIELD_X64)
                printf("0x%%(%u)08x%%(%u)08x", w + 1, w);
            else if (fl->type == HV_FIELD_X32)
                printf("0x%%(%u)x", w);
            else
                printf("%%(%u)d", w);
        }
        printf(" ]\n");
    }
}

/* ---- the chain model ----------------------------------------------------- */

static void stage_records(unsigned k, char *buf, size_t len)
{
    const char *ev;
    unsigned stage;
    size_t n = 0;

    buf[0] = 0;
    for (unsigned i = 0; chain_record_at(i, &ev, &stage) && n < len; i++)
        if (stage == k)
            n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "", ev);
}

/* The model's named values besides the stages: one row each in every format. */
static const struct model_table {
    const char *json_key, *md_head, *text_head;
    int text_width;
    unsigned from, count;           /* reasons start at 1: 0 is "not incomplete" */
    const char *(*name)(unsigned), *(*what)(unsigned);
    int (*silent)(unsigned);        /* reasons: counted as suspected silent loss */
} model_tables[] = {
    { "sources", "source", "Sources:", 12, 0, CHAIN_SRC_COUNT,
      chain_source_name, chain_source_what, NULL },
    { "outcomes", "outcome", "Outcomes:", 12, 0, CHAIN_OUTCOME_COUNT,
      chain_outcome_name, chain_outcome_what, NULL },
    { "reasons", "incomplete: reason", "Why a chain is incomplete:", 16, 1, REASON_COUNT,
      chain_reason_name, chain_reason_what, chain_reason_is_silent_loss },
    { "vias", "coalesced: via", "How a coalesced chain was delivered:", 16, 0, VIA_COUNT,
      chain_via_name, chain_via_what, NULL },
};
#define NMODEL (sizeof(model_tables) / sizeof(model_tables[0]))

static void list_stages(const struct list_args *a)
{
    char recs[200];

    if (a->format == FMT_JSON) {
        struct json j;
        json_init(&j, stdout);
        json_begin_object(&j);
        for (size_t t = 0; t < NMODEL; t++) {
            const struct model_table *m = &model_tables[t];
            json_key(&j, m->json_key);
            json_begin_array(&j);
            for (unsigned i = m->from; i < m->count; i++) {
                json_begin_object(&j);
                json_kv_str(&j, "name", m->name(i));
                json_kv_str(&j, "what", m->what(i));
                if (m->silent)
                    json_kv_bool(&j, "silent_loss", m->silent(i));
                json_end_object(&j);
            }
            json_end_array(&j);
        }
        json_key(&j, "stages");
        json_begin_array(&j);
        for (unsigned k = 0; k < STAGE_KIND_COUNT; k++) {
            json_begin_object(&j);
            json_kv_str(&j, "name", chain_stage_name(k));
            json_kv_str(&j, "join", chain_join_name(chain_stage_join(k)));
            stage_records(k, recs, sizeof(recs));
            json_kv_str(&j, "records", recs);
            json_kv_str(&j, "what", chain_stage_what(k));
            json_end_object(&j);
        }
        json_end_array(&j);
        json_end_object(&j);
        json_newline(&j);
        return;
    }
    if (a->format == FMT_MARKDOWN) {
        printf("<!-- generated: hvpath list --stages --format markdown, from "
               "decoder/stages.def -->\n\n| stage | joins by | from | what |\n"
               "|---|---|---|---|\n");
        for (unsigned k = 0; k < STAGE_KIND_COUNT; k++) {
            stage_records(k, recs, sizeof(recs));
            printf("| `%s` | %s | %s | %s |\n", chain_stage_name(k),
                   chain_join_name(chain_stage_join(k)), recs, chain_stage_what(k));
        }
        for (size_t t = 0; t < NMODEL; t++) {
            const struct model_table *m = &model_tables[t];
            printf("\n| %s | what |\n|---|---|\n", m->md_head);
            for (unsigned i = m->from; i < m->count; i++)
                printf("| `%s` | %s%s |\n", m->name(i), m->what(i),
                       m->silent && m->silent(i) ? " (counted as suspected silent loss)" : "");
        }
        printf("<!-- end generated -->\n");
        return;
    }
    printf("Stages (in report order; JOIN: how a stage finds its chain):\n");
    for (unsigned k = 0; k < STAGE_KIND_COUNT; k++) {
        stage_records(k, recs, sizeof(recs));
        printf("  %-15s %-9s %s\n  %15s %-9s from %s\n", chain_stage_name(k),
               chain_join_name(chain_stage_join(k)), chain_stage_what(k), "", "",
               *recs ? recs : "(derived)");
    }
    for (size_t t = 0; t < NMODEL; t++) {
        const struct model_table *m = &model_tables[t];
        printf("\n%s\n", m->text_head);
        for (unsigned i = m->from; i < m->count; i++)
            printf("  %-*s %s\n", m->text_width, m->name(i), m->what(i));
    }
}

/* ---- the command --------------------------------------------------------- */

/* long options only: keys outside the character range */
enum { OPT_PROBES = 0x100, OPT_STOCK, OPT_STAGES, OPT_FORMAT };

static const struct argp_option list_options[] = {
    { "probes", OPT_PROBES, NULL, 0, "only the hv-probes records (TRC_HW subclass 0x8)", 0 },
    { "stock", OPT_STOCK, NULL, 0, "only Xen's own records", 0 },
    { "stages", OPT_STAGES, NULL, 0,
      "the chain model instead: stages (how each joins its chain, which record "
      "it comes from), sources, outcomes", 0 },
    { "format", OPT_FORMAT, "text|json|markdown|xen-h|xentrace", 0,
      "markdown: the reference page (docs/records.md is --probes --format "
      "markdown); xen-h and xentrace: the hv-probes ids as the series' "
      "public/trace.h defines them, and its tools/xentrace/formats lines", 0 },
    { 0 },
};

static error_t list_parse(int key, char *arg, struct argp_state *st)
{
    static const char *const formats[] = { "text", "json", "markdown", "xen-h",
                                           "xentrace", NULL };
    struct list_args *a = st->input;

    switch (key) {
    case OPT_PROBES:
        a->probes = 1;
        return 0;
    case OPT_STOCK:
        a->stock = 1;
        return 0;
    case OPT_STAGES:
        a->stages = 1;
        return 0;
    case OPT_FORMAT:
        a->format = hv_opt_choice(st, "--format", arg, formats);
        return 0;
    case ARGP_KEY_ARG:
        if (a->glob)
            argp_error(st, "one PATTERN only");
        a->glob = arg;
        return 0;
    default:
        return ARGP_ERR_UNKNOWN;
    }
}

static const struct argp list_argp = {
    list_options, list_parse, "[PATTERN]",
    "List the trace events hvpath knows, with their fields, or the chain model. "
    "PATTERN (shell glob, any case) selects events by name.  For the hv-probes "
    "records, also where in Xen each fires and what each value means."
    "\v"
    "EXAMPLES:\n"
    "  hvpath list --probes\n"
    "  hvpath list '*SCHED*'\n"
    "  hvpath list --stages\n"
    "  hvpath list --format json TRC_HW_HVPATH_SET_PENDING_FIFO | jq '.[0].fields'\n"
    "  hvpath list --format xentrace >> tools/xentrace/formats\n",
    NULL, NULL, NULL,
};

int cmd_list(int argc, char **argv)
{
    struct list_args a = { 0 };
    struct json j;
    int any = 0;

    hv_argp_parse(&list_argp, argc, argv, &a);
    if (a.stages && (a.format == FMT_XEN_H || a.format == FMT_XENTRACE)) {
        fprintf(stderr, "hvpath list: --format xen-h and xentrace list records, not --stages\n");
        return HV_EXIT_USAGE;
    }
    if (a.stages) {
        list_stages(&a);
    } else if (a.format == FMT_XEN_H) {
        xen_h_events(&a);
    } else if (a.format == FMT_XENTRACE) {
        xentrace_events(&a);
    } else if (a.format == FMT_MARKDOWN) {
        md_events(&a);
    } else if (a.format == FMT_JSON) {
        json_init(&j, stdout);
        json_begin_array(&j);
        for (size_t i = 0; i < hv_event_count(); i++)
            if (selected(&a, hv_event_at(i)))
                json_event(&j, hv_event_at(i));
        json_end_array(&j);
        json_newline(&j);
    } else {
        for (size_t i = 0; i < hv_event_count(); i++) {
            if (!selected(&a, hv_event_at(i)))
                continue;
            if (!any)
                printf("%-42s %-10s  %s\n", "  event", "id", "fields");
            text_event(hv_event_at(i));
            any = 1;
        }
        if (!any && a.glob) {
            fprintf(stderr, "hvpath list: no event matches '%s'\n", a.glob);
            return HV_EXIT_DATA;
        }
    }
    if (fflush(stdout) || ferror(stdout)) {
        perror("hvpath list: writing output");
        return HV_EXIT_DATA;
    }
    return 0;
}
