/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * u32map.c - 32-bit key to 32-bit value map (u32map.h).
 */
#include "u32map.h"

#include <stdlib.h>
#include <string.h>

static inline size_t hash32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

int u32map_get(const struct u32map *m, uint32_t key, uint32_t *val)
{
    if (!m->cap)
        return 0;
    for (size_t i = hash32(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (!m->s[i].val1)
            return 0;
        if (m->s[i].key == key) {
            *val = m->s[i].val1 - 1;
            return 1;
        }
    }
}

static void insert(struct u32map_slot *s, size_t cap, uint32_t key, uint32_t val1)
{
    size_t i = hash32(key) & (cap - 1);

    while (s[i].val1 && s[i].key != key)
        i = (i + 1) & (cap - 1);
    s[i].key = key;
    s[i].val1 = val1;
}

int u32map_put(struct u32map *m, uint32_t key, uint32_t val)
{
    uint32_t old;

    if (u32map_get(m, key, &old)) {
        insert(m->s, m->cap, key, val + 1);
        return 0;
    }
    if (2 * (m->len + 1) > m->cap) {
        size_t ncap = m->cap ? 2 * m->cap : 64;
        struct u32map_slot *ns = calloc(ncap, sizeof(*ns));
        if (!ns)
            return -1;
        for (size_t i = 0; i < m->cap; i++)
            if (m->s[i].val1)
                insert(ns, ncap, m->s[i].key, m->s[i].val1);
        free(m->s);
        m->s = ns;
        m->cap = ncap;
    }
    insert(m->s, m->cap, key, val + 1);
    m->len++;
    return 0;
}

void u32map_clear(struct u32map *m)
{
    if (m->s)
        memset(m->s, 0, m->cap * sizeof(*m->s));
    m->len = 0;
}

void u32map_free(struct u32map *m)
{
    free(m->s);
    memset(m, 0, sizeof(*m));
}
