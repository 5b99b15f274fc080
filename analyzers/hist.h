/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hist.h - latency histograms with bounded relative error (HDR style).
 *
 * Values below 2048 are kept exactly; above, each power of two is split in
 * 1024 linear buckets, so a reported percentile is within 0.1% of the true
 * value.  Buckets are allocated a power of two at a time, only where values
 * fall.  Each bucket remembers the first chain id that landed in it: the
 * exemplar a report prints next to a percentile.
 */
#ifndef HVPATH_HIST_H
#define HVPATH_HIST_H

#include <stdint.h>

#define HIST_BLOCKS 56              /* covers every uint64_t value */

struct hist {
    uint64_t count, sum, max, max_id, min;
    struct hist_block *block[HIST_BLOCKS];
};

void hist_init(struct hist *h);
void hist_free(struct hist *h);

/* Add value v (from chain id); -1 if out of memory. */
int hist_add(struct hist *h, uint64_t v, uint64_t id);

/*
 * The value at quantile q (0 < q <= 1: the smallest bucket value with at
 * least q of all values at or below it) and an exemplar chain id from that
 * bucket.  q == 1 gives the exact maximum.
 */
uint64_t hist_quantile(const struct hist *h, double q, uint64_t *exemplar);

/* Counts per power of two: out[k] = values in [2^k, 2^(k+1)) (k=0 also holds 0). */
void hist_log2(const struct hist *h, uint64_t out[64]);

/*
 * Mann-Whitney U test of a against b, from their buckets: values in one
 * bucket (within 0.1%) count as ties, with the usual tie correction, and
 * the p-value (two-sided) is the normal approximation with continuity
 * correction.  u is a's statistic: a.count * b.count / 2 when neither
 * tends to be larger; p is NAN when either has fewer than
 * HIST_MWU_MIN values (too few for the approximation) or all are tied.
 */
#define HIST_MWU_MIN 8

struct hist_mwu {
    double u, z, p;
};

void hist_mann_whitney(const struct hist *a, const struct hist *b, struct hist_mwu *out);

#endif /* HVPATH_HIST_H */
