/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_hist.c - the latency histogram of hvpath report: percentiles within
 * 0.1% of the true value, the exact maximum with its chain, exemplars from
 * the right bucket, the extremes of uint64_t, empty histograms, log2 counts.
 */
#include <stdlib.h>

#include "check.h"
#include "hist.h"

/* The true q-quantile of 1..n (the smallest v with at least q*n values <= v). */
static uint64_t true_quantile(uint64_t n, double q)
{
    uint64_t want = (uint64_t)(q * (double)n + 0.999999);
    return want ? want : 1;
}

static int within(uint64_t got, uint64_t want, double rel)
{
    double d = (double)got - (double)want;
    return (d < 0 ? -d : d) <= rel * (double)want + 1;
}

int main(void)
{
    static const double qs[] = { 0.5, 0.9, 0.99, 0.999 };
    struct hist h;
    uint64_t id, log2[64], sum = 0;

    /* empty */
    hist_init(&h);
    CHECK_EQ(hist_quantile(&h, 0.5, &id), 0);
    CHECK_EQ(id, 0);
    hist_free(&h);

    /* 1..n in a shuffled order, chain id = value */
    for (uint64_t n = 1; n <= 2000000; n *= 40) {
        uint64_t *v = malloc(n * sizeof(*v));
        hist_init(&h);
        for (uint64_t i = 0; i < n; i++)
            v[i] = i + 1;
        for (uint64_t i = n; i > 1; i--) {
            uint64_t j = (uint64_t)rand() % i, t = v[i - 1];
            v[i - 1] = v[j];
            v[j] = t;
        }
        for (uint64_t i = 0; i < n; i++)
            CHECK(hist_add(&h, v[i] * 1000, v[i]) == 0);
        CHECK_EQ(h.count, n);
        for (unsigned k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
            uint64_t want = true_quantile(n, qs[k]) * 1000;
            uint64_t got = hist_quantile(&h, qs[k], &id);
            if (!within(got, want, 0.001))
                fprintf(stderr, "n %llu q %g: %llu, want %llu\n", (unsigned long long)n,
                        qs[k], (unsigned long long)got, (unsigned long long)want);
            CHECK(within(got, want, 0.001));
            /* the exemplar's own value lies in the same bucket */
            CHECK(id >= 1 && id <= n && within(id * 1000, got, 0.001));
        }
        CHECK_EQ(hist_quantile(&h, 1.0, &id), n * 1000);
        CHECK_EQ(id, n);
        hist_log2(&h, log2);
        sum = 0;
        for (int k = 0; k < 64; k++)
            sum += log2[k];
        CHECK_EQ(sum, n);
        hist_free(&h);
        free(v);
    }

    /* small values are exact; the extremes of uint64_t fit */
    hist_init(&h);
    for (uint64_t i = 0; i < 2048; i++)
        CHECK(hist_add(&h, i, i + 1) == 0);
    CHECK_EQ(hist_quantile(&h, 0.5, &id), 1023);
    CHECK_EQ(id, 1024);
    CHECK(hist_add(&h, UINT64_MAX, 7) == 0);
    CHECK_EQ(hist_quantile(&h, 1.0, &id), UINT64_MAX);
    CHECK_EQ(id, 7);
    CHECK(hist_quantile(&h, 0.9999, &id) <= UINT64_MAX);
    hist_log2(&h, log2);
    CHECK_EQ(log2[63], 1);
    CHECK_EQ(log2[0], 2);           /* 0 and 1 */
    hist_free(&h);
    return check_done();
}
