/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * groups.h - chains grouped by source / dom / port / vcpu, with a latency
 * histogram per stage of each group: what `hvpath report` prints and
 * `hvpath diff` compares.
 */
#ifndef HVPATH_GROUPS_H
#define HVPATH_GROUPS_H

#include <argp.h>
#include <stddef.h>
#include <stdint.h>

#include "chains.h"
#include "hist.h"
#include "json.h"
#include "u32map.h"

enum { KEY_SOURCE, KEY_DOM, KEY_PORT, KEY_VCPU, NKEYS };
extern const char *const group_key_names[NKEYS];

#define GROUP_E2E STAGE_KIND_COUNT  /* hist index of the end-to-end latency */

/* The percentiles every table shows, and their names. */
#define GROUP_NQ 5
extern const double group_quantiles[GROUP_NQ];
extern const char *const group_qnames[GROUP_NQ];

struct group {
    int64_t key[NKEYS];             /* INT64_MIN: not grouped by this key */
    uint32_t next;                  /* index + 1 of the next group of the same hash */
    uint64_t chains, outcomes[CHAIN_OUTCOME_COUNT];
    struct hist *h;                 /* [GROUP_E2E + 1], from its first delivered chain */
};

struct groups {
    int use[NKEYS];                 /* the keys grouped by */
    struct group *g;
    size_t ng, cap;
    struct u32map by_hash;          /* key hash -> index of its latest group */
    uint64_t tot[CHAIN_OUTCOME_COUNT];  /* every chain, by outcome */
};

/*
 * Read every chain of ch into gs (its use[] set), then sort the groups,
 * most chains first.  -1 on a reading error or out of memory (message in
 * err).
 */
int groups_collect(struct chains *ch, struct groups *gs, char *err, size_t errlen);

/* The group with key (as groups store it: INT64_MIN where not used), or NULL. */
const struct group *groups_find(const struct groups *gs, const int64_t key[NKEYS]);

/* "source=interdomain dom=1" */
void groups_label(const struct groups *gs, const struct group *g, char *buf, size_t len);

/* "end-to-end" or the stage's name */
const char *groups_stage_label(int stage);

/* "source,dom" into use[]: 0, or -1 for an unknown key. */
int groups_parse_sort(const char *arg, int use[NKEYS]);

/* The --sort option of every grouped command, and its argp handling. */
#define GROUPS_SORT_OPTION(key)                                                   \
    { "sort", (key), "KEYS", 0,                                                   \
      "group by any of source,dom,port,vcpu, comma separated (default source)", 0 }
void groups_opt_sort(struct argp_state *st, const char *arg, int use[NKEYS]);

/* "key": {the keys grouped by} of g, as report --json writes it. */
void groups_json_key(struct json *j, const struct groups *gs, const struct group *g);

void groups_free(struct groups *gs);

#endif /* HVPATH_GROUPS_H */
