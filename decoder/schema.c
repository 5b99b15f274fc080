/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * schema.c - the event table, parsed once from the X-macro .def files.
 */
#include "schema.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct def_entry {
    uint32_t id, mask;
    const char *name;
    const char *spec;
    const char *where, *what;
};

/* HV_STOCK_SCHED, _GPL and _NESTED fall back to HV_STOCK (stock_events.def) */
static const struct def_entry defs[] = {
#define HV_STOCK(sym, id, spec) { (id), 0, #sym, (spec), NULL, NULL },
#define HV_STOCK64(sym, id, spec) { (id), 0, #sym "64", (spec), NULL, NULL },
#define HV_STOCK_FAMILY(sym, base, mask, spec) \
    { (base), (mask), #sym, (spec), NULL, NULL },
#include "stock_events.def"
#define HVP_EVENT(sym, num, nwords, spec, where, what) \
    { HV_TRC_HVPATH | (num), 0, "TRC_HW_HVPATH_" #sym, (spec), (where), (what) },
#include "hvpath_events.def"
};

#define NDEFS (sizeof(defs) / sizeof(defs[0]))

static const struct hv_value_info values[] = {
#define HV_STOCK_VALUE(group, name, value, meaning) \
    { #group, #name, (meaning), (value), 0, 0 },
#include "stock_events.def"
#define HVP_VALUE(group, name, value, meaning) \
    { #group, #name, (meaning), (value), 0, 1 },
#define HVP_FLAG(group, name, bit, meaning) \
    { #group, #name, (meaning), (bit), 1, 1 },
#include "hvpath_events.def"
};

#define NVALUES (sizeof(values) / sizeof(values[0]))

/* A group is a run of values with the same group name. */
struct group {
    const char *name;
    size_t first, n;
};

static struct hv_event_info table[NDEFS];
static const struct hv_event_info *families[NDEFS];  /* in id order */
static size_t nfamilies;
static struct group groups[NVALUES];
static size_t ngroups;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void build_groups(void)
{
    for (size_t i = 0; i < NVALUES; i++) {
        if (ngroups && !strcmp(groups[ngroups - 1].name, values[i].group)) {
            groups[ngroups - 1].n++;
            continue;
        }
        groups[ngroups].name = values[i].group;
        groups[ngroups].first = i;
        groups[ngroups].n = 1;
        ngroups++;
    }
}

static int16_t group_index(const char *name, size_t len)
{
    for (size_t g = 0; g < ngroups; g++)
        if (strlen(groups[g].name) == len && !memcmp(groups[g].name, name, len))
            return (int16_t)g;
    return -1;
}

static void copy_name(char dst[24], const char *src, size_t len)
{
    memcpy(dst, src, len < 23 ? len : 23);
}

/* Parse one "fields" spec (see stock_events.def) into info. */
static void parse_spec(struct hv_event_info *info, const char *spec)
{
    const char *p = spec;
    unsigned word = 0;

    while (*p && info->nfields < HV_FIELD_MAX) {
        const char *tok, *end, *colon, *slash, *eq;

        while (*p == ' ')
            p++;
        if (!*p)
            break;
        tok = p;
        while (*p && *p != ' ')
            p++;
        end = p;
        eq = memchr(tok, '=', (size_t)(end - tok));
        colon = memchr(tok, ':', (size_t)((eq ? eq : end) - tok));
        slash = memchr(tok, '/', (size_t)((eq ? eq : end) - tok));

        if (slash) {
            /* "lo/hi": two halves of one word */
            struct hv_field *lo = &info->fields[info->nfields++];
            copy_name(lo->name, tok, (size_t)(slash - tok));
            lo->type = HV_FIELD_LO16;
            lo->word = (uint8_t)word;
            lo->group = -1;
            if (info->nfields < HV_FIELD_MAX) {
                struct hv_field *hi = &info->fields[info->nfields++];
                copy_name(hi->name, slash + 1, (size_t)((eq ? eq : end) - slash - 1));
                hi->type = HV_FIELD_HI16;
                hi->word = (uint8_t)word;
                hi->group = -1;
            }
            word++;
            continue;
        }

        const char *at = memchr(tok, '@', (size_t)((eq ? eq : end) - tok));
        if (at) {
            /* "name@S:W[:x]": bits S..S+W-1 of the event id, no payload word */
            struct hv_field *f = &info->fields[info->nfields++];
            char *q;
            unsigned long shift = strtoul(at + 1, &q, 10), width = 0;
            if (*q == ':')
                width = strtoul(q + 1, &q, 10);
            if (!width || shift + width > 28) {
                /* malformed: a field that is never present */
                shift = 0;
                width = 0;
            }
            copy_name(f->name, tok, (size_t)(at - tok));
            f->type = q[0] == ':' && q[1] == 'x' ? HV_FIELD_X32 : HV_FIELD_U32;
            f->word = HV_FIELD_IN_ID;
            f->id_shift = (uint8_t)shift;
            f->id_width = (uint8_t)width;
            f->group = eq ? group_index(eq + 1, (size_t)(end - eq - 1)) : -1;
            continue;
        }

        struct hv_field *f = &info->fields[info->nfields++];
        copy_name(f->name, tok, (size_t)((colon ? colon : eq ? eq : end) - tok));
        f->word = (uint8_t)word;
        f->type = HV_FIELD_U32;
        f->group = eq ? group_index(eq + 1, (size_t)(end - eq - 1)) : -1;
        if (colon && colon[1] == 'x')
            f->type = HV_FIELD_X32;
        else if (colon && colon[1] == 'q')
            f->type = HV_FIELD_X64;
        word += f->type == HV_FIELD_X64 ? 2 : 1;
    }
    info->nwords = (uint8_t)word;
}

static int cmp_id(const void *a, const void *b)
{
    const struct hv_event_info *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static void build_table(void)
{
    build_groups();
    for (size_t i = 0; i < NDEFS; i++) {
        table[i].id = defs[i].id;
        table[i].mask = defs[i].mask;
        table[i].name = defs[i].name;
        table[i].where = defs[i].where;
        table[i].what = defs[i].what;
        parse_spec(&table[i], defs[i].spec);
    }
    qsort(table, NDEFS, sizeof(table[0]), cmp_id);
    for (size_t i = 0; i < NDEFS; i++)
        if (table[i].mask)
            families[nfamilies++] = &table[i];
}

const struct hv_event_info *hv_event_lookup(uint32_t id)
{
    size_t lo = 0, hi = NDEFS;

    pthread_once(&table_once, build_table);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (table[mid].id == id)
            return &table[mid];
        if (table[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = 0; i < nfamilies; i++)
        if ((id & families[i]->mask) == families[i]->id)
            return families[i];
    return NULL;
}

const struct hv_event_info *hv_event_by_name(const char *name)
{
    pthread_once(&table_once, build_table);
    for (size_t i = 0; i < NDEFS; i++)
        if (strcmp(table[i].name, name) == 0)
            return &table[i];
    return NULL;
}

size_t hv_event_count(void)
{
    return NDEFS;
}

const struct hv_event_info *hv_event_at(size_t i)
{
    pthread_once(&table_once, build_table);
    return i < NDEFS ? &table[i] : NULL;
}

const struct hv_field *hv_event_field(const struct hv_event_info *e,
                                      const char *name)
{
    for (unsigned i = 0; e && i < e->nfields; i++)
        if (!strcmp(e->fields[i].name, name))
            return &e->fields[i];
    return NULL;
}

uint64_t hv_field_value(const struct hv_field *f, const struct hv_rec *r,
                        int *present)
{
    unsigned need = f->word + (f->type == HV_FIELD_X64 ? 2u : 1u);
    uint32_t w;

    if (f->word == HV_FIELD_IN_ID) {
        if (present)
            *present = f->id_width > 0;
        if (!f->id_width)
            return 0;
        return (r->event >> f->id_shift) & ((1u << f->id_width) - 1);
    }
    if (present)
        *present = need <= r->nextra;
    if (need > r->nextra)
        return 0;
    w = r->extra[f->word];
    switch (f->type) {
    case HV_FIELD_X64:
        return (uint64_t)w | ((uint64_t)r->extra[f->word + 1] << 32);
    case HV_FIELD_LO16:
        return w & 0xffff;
    case HV_FIELD_HI16:
        return w >> 16;
    default:
        return w;
    }
}

int hv_field_word(const char *event, const char *field)
{
    const struct hv_field *f = hv_event_field(hv_event_by_name(event), field);

    return f && f->word != HV_FIELD_IN_ID ? f->word : -1;
}

size_t hv_value_group_count(void)
{
    pthread_once(&table_once, build_table);
    return ngroups;
}

const char *hv_value_group(size_t i)
{
    pthread_once(&table_once, build_table);
    return i < ngroups ? groups[i].name : NULL;
}

const struct hv_value_info *hv_value_group_values(size_t i, size_t *n)
{
    pthread_once(&table_once, build_table);
    if (i >= ngroups) {
        *n = 0;
        return NULL;
    }
    *n = groups[i].n;
    return &values[groups[i].first];
}

int hv_field_value_name(const struct hv_field *f, uint64_t v, char *buf,
                        size_t len)
{
    const struct hv_value_info *vals;
    size_t n, used = 0;
    uint64_t named = 0;

    buf[0] = 0;
    if (f->group < 0 || !len)
        return 0;
    vals = hv_value_group_values((size_t)f->group, &n);
    if (n && !vals[0].flag) {
        for (size_t i = 0; i < n; i++)
            if (vals[i].value == v) {
                snprintf(buf, len, "%s", vals[i].name);
                return 1;
            }
        return 0;
    }
    for (size_t i = 0; i < n && used < len; i++) {
        if (!(v & vals[i].value))
            continue;
        int k = snprintf(buf + used, len - used, "%s%s", used ? "|" : "",
                         vals[i].name);
        if (k < 0 || (size_t)k >= len - used) {
            buf[0] = 0;
            return 0;
        }
        used += (size_t)k;
        named |= vals[i].value;
    }
    if (named != v || !v) {
        buf[0] = 0;
        return 0;
    }
    return 1;
}
