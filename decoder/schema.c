/*
 * schema.c - the event table, parsed once from the X-macro .def files.
 */
#include "schema.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct def_entry {
    uint32_t id;
    const char *name;
    const char *spec;
};

static const struct def_entry defs[] = {
#define HV_STOCK(sym, id, spec) { (id), #sym, (spec) },
#define HV_STOCK64(sym, id, spec) { (id), #sym "64", (spec) },
#include "stock_events.def"
#undef HV_STOCK
#undef HV_STOCK64
#define HVP_EVENT(sym, num, nwords, spec) \
    { HV_TRC_HVPATH | (num), "TRC_HVPATH_" #sym, (spec) },
#include "hvpath_events.def"
#undef HVP_EVENT
};

#define NDEFS (sizeof(defs) / sizeof(defs[0]))

static struct hv_event_info table[NDEFS];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

/* Parse one "fields" spec (see stock_events.def) into info. */
static void parse_spec(struct hv_event_info *info, const char *spec)
{
    const char *p = spec;
    unsigned word = 0;

    while (*p && info->nfields < HV_FIELD_MAX) {
        const char *tok, *end, *colon, *slash;
        size_t len;

        while (*p == ' ')
            p++;
        if (!*p)
            break;
        tok = p;
        while (*p && *p != ' ')
            p++;
        end = p;
        colon = memchr(tok, ':', (size_t)(end - tok));
        slash = memchr(tok, '/', (size_t)(end - tok));

        if (slash) {
            /* "lo/hi": two halves of one word */
            struct hv_field *lo = &info->fields[info->nfields++];
            len = (size_t)(slash - tok);
            memcpy(lo->name, tok, len < 23 ? len : 23);
            lo->type = HV_FIELD_LO16;
            lo->word = (uint8_t)word;
            if (info->nfields < HV_FIELD_MAX) {
                struct hv_field *hi = &info->fields[info->nfields++];
                len = (size_t)(end - slash - 1);
                memcpy(hi->name, slash + 1, len < 23 ? len : 23);
                hi->type = HV_FIELD_HI16;
                hi->word = (uint8_t)word;
            }
            word++;
            continue;
        }

        struct hv_field *f = &info->fields[info->nfields++];
        len = (size_t)((colon ? colon : end) - tok);
        memcpy(f->name, tok, len < 23 ? len : 23);
        f->word = (uint8_t)word;
        f->type = HV_FIELD_U32;
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
    for (size_t i = 0; i < NDEFS; i++) {
        table[i].id = defs[i].id;
        table[i].name = defs[i].name;
        parse_spec(&table[i], defs[i].spec);
    }
    qsort(table, NDEFS, sizeof(table[0]), cmp_id);
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

uint64_t hv_field_value(const struct hv_field *f, const struct hv_rec *r,
                        int *present)
{
    unsigned need = f->word + (f->type == HV_FIELD_X64 ? 2u : 1u);
    uint32_t w;

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
    const struct hv_event_info *e = hv_event_by_name(event);

    if (!e)
        return -1;
    for (unsigned i = 0; i < e->nfields; i++)
        if (!strcmp(e->fields[i].name, field))
            return e->fields[i].word;
    return -1;
}
