/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_hist.c - the latency histogram of hvpath report: percentiles within
 * 0.1% of the true value, the exact maximum with its chain, exemplars from
 * the right bucket, the extremes of uint64_t, empty histograms, log2 counts;
 * the Mann-Whitney U of hvpath diff against pair counting on exact values.
 */
#include <math.h>
#include <stdio.h>
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

/*
 * The same test the slow way, on exact values (all below 2048: one value a
 * bucket): U by counting pairs, the tie correction from the value counts.
 */
static void mwu_brute(const uint64_t *a, size_t na, const uint64_t *b, size_t nb,
                      double *u, double *p)
{
    static unsigned cnt[2048];
    double n = (double)(na + nb), ties = 0, mean, var, z;

    *u = 0;
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++)
            *u += a[i] > b[j] ? 1 : a[i] == b[j] ? 0.5 : 0;
    for (unsigned v = 0; v < 2048; v++)
        cnt[v] = 0;
    for (size_t i = 0; i < na; i++)
        cnt[a[i]]++;
    for (size_t j = 0; j < nb; j++)
        cnt[b[j]]++;
    for (unsigned v = 0; v < 2048; v++)
        ties += (double)cnt[v] * cnt[v] * cnt[v] - cnt[v];
    mean = (double)na * (double)nb / 2;
    var = (double)na * (double)nb / 12 * ((n + 1) - ties / (n * (n - 1)));
    z = fabs(*u - mean) - 0.5;
    z = z < 0 ? 0 : z / sqrt(var);
    *p = erfc(z / sqrt(2.0));
}

static void check_mwu(uint64_t shift, unsigned seed)
{
    static uint64_t a[300], b[400];
    struct hist ha, hb;
    struct hist_mwu m;
    double u, p;
    uint32_t r = seed;

    hist_init(&ha);
    hist_init(&hb);
    for (size_t i = 0; i < 300; i++) {
        r = r * 1103515245u + 12345u;
        a[i] = 500 + (r >> 16) % 200;           /* ties: 200 values for 300 */
        CHECK(hist_add(&ha, a[i], i) == 0);
    }
    for (size_t i = 0; i < 400; i++) {
        r = r * 1103515245u + 12345u;
        b[i] = 500 + shift + (r >> 16) % 200;
        CHECK(hist_add(&hb, b[i], i) == 0);
    }
    hist_mann_whitney(&ha, &hb, &m);
    mwu_brute(a, 300, b, 400, &u, &p);
    if (fabs(m.u - u) > 1e-6 || fabs(m.p - p) > 1e-9)
        fprintf(stderr, "mwu shift %llu: u %f p %g, want u %f p %g\n",
                (unsigned long long)shift, m.u, m.p, u, p);
    CHECK(fabs(m.u - u) < 1e-6);
    CHECK(fabs(m.p - p) < 1e-9);
    if (shift >= 40)
        CHECK(m.p < 1e-6 && m.z < 0);           /* a tends to be smaller */
    hist_free(&ha);
    hist_free(&hb);
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

    /* Mann-Whitney U: the same as pair counting, shifted or not */
    check_mwu(0, 1);
    check_mwu(3, 2);
    check_mwu(40, 3);
    {
        struct hist x, y;
        struct hist_mwu m;

        hist_init(&x);
        hist_init(&y);
        for (unsigned i = 0; i < 5; i++)
            CHECK(hist_add(&x, i, i) == 0 && hist_add(&y, i, i) == 0);
        hist_mann_whitney(&x, &y, &m);
        CHECK(isnan(m.p));                      /* too few */
        for (unsigned i = 0; i < 20; i++)
            CHECK(hist_add(&x, 7, i) == 0 && hist_add(&y, 7, i) == 0);
        hist_mann_whitney(&x, &y, &m);
        CHECK(m.p > 0.5);                       /* the same on both sides */
        hist_free(&x);
        hist_free(&y);
    }
    return check_done();
}
