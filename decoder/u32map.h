/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * u32map.h - a map from 32-bit keys to 32-bit values (open addressing,
 * linear probing, at most half full), for the per-key state arrays of the
 * decoder: the caller keeps its values in an array and maps keys to indexes.
 * Every operation is O(1) expected, whatever the keys.
 */
#ifndef HVPATH_U32MAP_H
#define HVPATH_U32MAP_H

#include <stddef.h>
#include <stdint.h>

struct u32map {
    struct u32map_slot { uint32_t key, val1; } *s;    /* val1 = value + 1; 0: empty */
    size_t cap, len;                                   /* cap: a power of two */
};

/* 1 with *val set if key is there, else 0. */
int u32map_get(const struct u32map *m, uint32_t key, uint32_t *val);

/* Set key to val (val < UINT32_MAX): 0, or -1 out of memory (map unchanged). */
int u32map_put(struct u32map *m, uint32_t key, uint32_t val);

void u32map_clear(struct u32map *m);    /* empty, keeping its memory */
void u32map_free(struct u32map *m);

#endif /* HVPATH_U32MAP_H */
