/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hist.c - log-linear histogram: block 0 holds 0..1023, block 1 1024..2047
 * (both exact), block b >= 2 holds [2^(b+9), 2^(b+10)) in 1024 buckets of
 * width 2^(b-1).
 */
#include "hist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SUB 1024

struct hist_block {
    uint64_t count[SUB];
    uint64_t id[SUB];               /* first chain id seen in the bucket */
};

static inline unsigned msb(uint64_t v)
{
    return 63u - (unsigned)__builtin_clzll(v);
}

static void locate(uint64_t v, unsigned *block, unsigned *sub)
{
    if (v < 2 * SUB) {
        *block = (unsigned)(v / SUB);
        *sub = (unsigned)(v % SUB);
        return;
    }
    unsigned e = msb(v) - 10;       /* v >> e is in [1024, 2047] */
    *block = e + 1;
    *sub = (unsigned)((v >> e) - SUB);
}

/* The smallest value of bucket (block, sub) and its width. */
static uint64_t bucket_low(unsigned block, unsigned sub, uint64_t *width)
{
    if (block < 2) {
        *width = 1;
        return (uint64_t)block * SUB + sub;
    }
    unsigned e = block - 1;
    *width = 1ull << e;
    return ((uint64_t)SUB + sub) << e;
}

void hist_init(struct hist *h)
{
    memset(h, 0, sizeof(*h));
}

void hist_free(struct hist *h)
{
    for (unsigned b = 0; b < HIST_BLOCKS; b++)
        free(h->block[b]);
    hist_init(h);
}

int hist_add(struct hist *h, uint64_t v, uint64_t id)
{
    unsigned b, s;

    locate(v, &b, &s);
    if (!h->block[b] && !(h->block[b] = calloc(1, sizeof(struct hist_block))))
        return -1;
    if (!h->block[b]->count[s]++)
        h->block[b]->id[s] = id;
    if (!h->count || v > h->max) {
        h->max = v;
        h->max_id = id;
    }
    if (!h->count || v < h->min)
        h->min = v;
    h->count++;
    h->sum += v;
    return 0;
}

uint64_t hist_quantile(const struct hist *h, double q, uint64_t *exemplar)
{
    uint64_t want, seen = 0;

    if (!h->count) {
        if (exemplar)
            *exemplar = 0;
        return 0;
    }
    if (q >= 1.0) {
        if (exemplar)
            *exemplar = h->max_id;
        return h->max;
    }
    want = (uint64_t)(q * (double)h->count + 0.999999);
    if (want == 0)
        want = 1;
    for (unsigned b = 0; b < HIST_BLOCKS; b++) {
        if (!h->block[b])
            continue;
        for (unsigned s = 0; s < SUB; s++) {
            seen += h->block[b]->count[s];
            if (seen >= want) {
                uint64_t width, low = bucket_low(b, s, &width);
                if (exemplar)
                    *exemplar = h->block[b]->id[s];
                /* the middle of the bucket, never past the maximum */
                low += width / 2;
                return low > h->max ? h->max : low;
            }
        }
    }
    if (exemplar)
        *exemplar = h->max_id;
    return h->max;
}

void hist_log2(const struct hist *h, uint64_t out[64])
{
    memset(out, 0, 64 * sizeof(out[0]));
    for (unsigned b = 0; b < HIST_BLOCKS; b++) {
        if (!h->block[b])
            continue;
        for (unsigned s = 0; s < SUB; s++) {
            uint64_t width, low;
            if (!h->block[b]->count[s])
                continue;
            low = bucket_low(b, s, &width);
            out[low ? msb(low) : 0] += h->block[b]->count[s];
        }
    }
}

void hist_mann_whitney(const struct hist *a, const struct hist *b, struct hist_mwu *out)
{
    double na = (double)a->count, nb = (double)b->count, n = na + nb;
    double rank = 0, ra = 0, ties = 0, mean, var;

    out->u = out->z = 0;
    out->p = NAN;
    if (a->count < HIST_MWU_MIN || b->count < HIST_MWU_MIN)
        return;
    /* both share one bucket layout: walk it in value order, ranking */
    for (unsigned blk = 0; blk < HIST_BLOCKS; blk++) {
        if (!a->block[blk] && !b->block[blk])
            continue;
        for (unsigned s = 0; s < SUB; s++) {
            double ca = a->block[blk] ? (double)a->block[blk]->count[s] : 0;
            double cb = b->block[blk] ? (double)b->block[blk]->count[s] : 0;
            double t = ca + cb;

            if (!t)
                continue;
            ra += ca * (rank + (t + 1) / 2);  /* the tied values share the mean rank */
            ties += t * t * t - t;
            rank += t;
        }
    }
    out->u = ra - na * (na + 1) / 2;
    mean = na * nb / 2;
    var = na * nb / 12 * ((n + 1) - ties / (n * (n - 1)));
    if (var <= 0)
        return;
    out->z = (fabs(out->u - mean) - 0.5) / sqrt(var);
    if (out->z < 0)
        out->z = 0;
    if (out->u < mean)
        out->z = -out->z;
    out->p = erfc(fabs(out->z) / sqrt(2.0));
}
