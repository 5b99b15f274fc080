/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xtgen.c - xentrace file builder for tests.
 */
#include "xtgen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void xtg_init(struct xtg *g)
{
    memset(g, 0, sizeof(*g));
}

void xtg_free(struct xtg *g)
{
    free(g->buf);
    xtg_init(g);
}

void xtg_raw(struct xtg *g, const void *p, size_t n)
{
    if (g->len + n > g->cap) {
        size_t ncap = g->cap ? g->cap : 4096;
        while (ncap < g->len + n)
            ncap *= 2;
        g->buf = realloc(g->buf, ncap);
        if (!g->buf) {
            perror("xtgen");
            exit(99);
        }
        g->cap = ncap;
    }
    memcpy(g->buf + g->len, p, n);
    g->len += n;
}

void xtg_u32(struct xtg *g, uint32_t v)
{
    xtg_raw(g, &v, 4);
}

void xtg_begin_window(struct xtg *g, unsigned cpu)
{
    g->win_hdr = g->len;
    g->in_window = 1;
    xtg_u32(g, 0x0001f003u | 2u << 28);
    xtg_u32(g, cpu);
    xtg_u32(g, 0);
}

void xtg_end_window(struct xtg *g)
{
    uint32_t n = (uint32_t)(g->len - g->win_hdr - 12);
    memcpy(g->buf + g->win_hdr + 8, &n, 4);
    g->in_window = 0;
}

void xtg_rec(struct xtg *g, uint32_t event, uint64_t tsc, unsigned n,
             const uint32_t *words)
{
    uint32_t h = (event & 0x0fffffff) | (n & 7) << 28;

    if (tsc != XTG_NO_TSC)
        h |= 1u << 31;
    xtg_u32(g, h);
    if (tsc != XTG_NO_TSC) {
        xtg_u32(g, (uint32_t)tsc);
        xtg_u32(g, (uint32_t)(tsc >> 32));
    }
    xtg_raw(g, words, 4 * (size_t)n);
}

void xtg_rec3(struct xtg *g, uint32_t event, uint64_t tsc, unsigned n,
              uint32_t a, uint32_t b, uint32_t c)
{
    uint32_t w[3] = { a, b, c };
    xtg_rec(g, event, tsc, n > 3 ? 3 : n, w);
}

int xtg_write(const struct xtg *g, const char *path)
{
    FILE *f = fopen(path, "wb");
    int rc = 0;

    if (!f)
        return -1;
    if (g->len && fwrite(g->buf, 1, g->len, f) != g->len)
        rc = -1;
    if (fclose(f))
        rc = -1;
    return rc;
}
