/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * groups.c - chains into groups by key, a latency histogram per stage.
 */
#define _GNU_SOURCE
#include "groups.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vec.h"

const char *const group_key_names[NKEYS] = { "source", "dom", "port", "vcpu" };
const double group_quantiles[GROUP_NQ] = { 0.50, 0.90, 0.99, 0.999, 1.0 };
const char *const group_qnames[GROUP_NQ] = { "p50", "p90", "p99", "p99.9", "max" };

/* FNV-1a over the key: groups are found in O(1) however many there are */
static uint32_t key_hash(const int64_t *key)
{
    const unsigned char *p = (const unsigned char *)key;
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < NKEYS * sizeof(*key); i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

const struct group *groups_find(const struct groups *gs, const int64_t key[NKEYS])
{
    uint32_t head;

    if (!u32map_get(&gs->by_hash, key_hash(key), &head))
        return NULL;
    for (uint32_t i = head + 1; i; i = gs->g[i - 1].next)
        if (!memcmp(gs->g[i - 1].key, key, NKEYS * sizeof(*key)))
            return &gs->g[i - 1];
    return NULL;
}

static struct group *group_of(struct groups *gs, const struct chain *c)
{
    int64_t key[NKEYS] = { c->source, c->dom, c->port, c->vcpu };
    const struct group *old;
    uint32_t h, head = 0;
    int found;

    for (int k = 0; k < NKEYS; k++)
        if (!gs->use[k])
            key[k] = INT64_MIN;
    if ((old = groups_find(gs, key)))
        return &gs->g[old - gs->g];
    /* a new group: it heads its hash's chain */
    h = key_hash(key);
    found = u32map_get(&gs->by_hash, h, &head);
    if (gs->ng >= UINT32_MAX - 1)
        return NULL;
    struct group *n = hv_grow(gs->g, &gs->cap, gs->ng + 1, sizeof(*gs->g));
    if (!n)
        return NULL;
    gs->g = n;
    if (u32map_put(&gs->by_hash, h, (uint32_t)gs->ng))
        return NULL;
    struct group *g = &gs->g[gs->ng++];
    memset(g, 0, sizeof(*g));
    memcpy(g->key, key, sizeof(key));
    g->next = found ? head + 1 : 0;
    return g;
}

static int account(struct chains *ch, struct groups *gs, const struct chain *c)
{
    struct group *g = group_of(gs, c);

    if (!g)
        return -1;
    g->chains++;
    g->outcomes[c->outcome]++;
    /*
     * Latency only of what was delivered: a chain that ended in a delivery
     * whose end is traced (not one a running handler consumed).
     */
    if ((c->outcome != CHAIN_COMPLETE && c->outcome != CHAIN_COALESCED) || !c->delivery ||
        c->via == VIA_HANDLER)
        return 0;
    if (!g->h) {
        /* a group of undelivered chains (every vCPU of a big host) needs none */
        if (!(g->h = malloc((GROUP_E2E + 1) * sizeof(*g->h))))
            return -1;
        for (int i = 0; i <= GROUP_E2E; i++)
            hist_init(&g->h[i]);
    }
    if (hist_add(&g->h[GROUP_E2E], chains_total_ns(ch, c), c->id))
        return -1;
    for (unsigned i = 1; i < c->nstages; i++)
        if (hist_add(&g->h[c->stages[i].kind], chains_delta_ns(ch, c, i), c->id))
            return -1;
    return 0;
}

static int by_chains_desc(const void *a, const void *b)
{
    const struct group *x = a, *y = b;
    return (x->chains < y->chains) - (x->chains > y->chains);
}

/* The hash chains hold indexes: rebuilt after the groups are sorted. */
static int reindex(struct groups *gs)
{
    u32map_clear(&gs->by_hash);
    for (size_t i = 0; i < gs->ng; i++) {
        uint32_t h = key_hash(gs->g[i].key), head;
        int found = u32map_get(&gs->by_hash, h, &head);

        gs->g[i].next = found ? head + 1 : 0;
        if (u32map_put(&gs->by_hash, h, (uint32_t)i))
            return -1;
    }
    return 0;
}

int groups_collect(struct chains *ch, struct groups *gs, char *err, size_t errlen)
{
    struct chain c;
    int rc;

    while ((rc = chains_next(ch, &c, err, errlen)) > 0) {
        gs->tot[c.outcome]++;
        if (account(ch, gs, &c)) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }
    if (rc < 0)
        return -1;
    if (gs->ng)
        qsort(gs->g, gs->ng, sizeof(*gs->g), by_chains_desc);
    if (reindex(gs)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

void groups_label(const struct groups *gs, const struct group *g, char *buf, size_t len)
{
    size_t n = 0;

    buf[0] = 0;
    for (int k = 0; k < NKEYS; k++) {
        if (!gs->use[k])
            continue;
        if (k == KEY_SOURCE)
            n += (size_t)snprintf(buf + n, len - n, "%s%s=%s", n ? " " : "",
                                  group_key_names[k], chain_source_name((unsigned)g->key[k]));
        else
            n += (size_t)snprintf(buf + n, len - n, "%s%s=%" PRId64, n ? " " : "",
                                  group_key_names[k], g->key[k]);
        if (n >= len)
            break;
    }
}

const char *groups_stage_label(int stage)
{
    return stage == GROUP_E2E ? "end-to-end" : chain_stage_name((unsigned)stage);
}

int groups_parse_sort(const char *arg, int use[NKEYS])
{
    char buf[128], *save = NULL;

    memset(use, 0, NKEYS * sizeof(int));
    snprintf(buf, sizeof(buf), "%s", arg);
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int k;
        for (k = 0; k < NKEYS && strcmp(t, group_key_names[k]); k++)
            ;
        if (k == NKEYS)
            return -1;
        use[k] = 1;
    }
    return 0;
}

void groups_opt_sort(struct argp_state *st, const char *arg, int use[NKEYS])
{
    if (groups_parse_sort(arg, use))
        argp_error(st, "--sort takes source,dom,port,vcpu (comma separated), not '%s'", arg);
}

void groups_json_key(struct json *j, const struct groups *gs, const struct group *g)
{
    json_key(j, "key");
    json_begin_object(j);
    for (int k = 0; k < NKEYS; k++) {
        if (!gs->use[k])
            continue;
        if (k == KEY_SOURCE)
            json_kv_str(j, "source", chain_source_name((unsigned)g->key[k]));
        else
            json_kv_i64(j, group_key_names[k], g->key[k]);
    }
    json_end_object(j);
}

void groups_free(struct groups *gs)
{
    for (size_t i = 0; i < gs->ng; i++) {
        for (int s = 0; gs->g[i].h && s <= GROUP_E2E; s++)
            hist_free(&gs->g[i].h[s]);
        free(gs->g[i].h);
    }
    free(gs->g);
    u32map_free(&gs->by_hash);
    gs->g = NULL;
    gs->ng = gs->cap = 0;
}
