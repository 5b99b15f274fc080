/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xtgen.h - build xentrace files byte by byte, for fixtures with known
 * content (test helper, not part of libhvpath).
 */
#ifndef HVPATH_XTGEN_H
#define HVPATH_XTGEN_H

#include <stddef.h>
#include <stdint.h>

struct xtg {
    uint8_t *buf;
    size_t len, cap;
    size_t win_hdr;                 /* offset of the open window's header */
    int in_window;
};

#define XTG_NO_TSC UINT64_MAX

void xtg_init(struct xtg *g);
void xtg_free(struct xtg *g);

/* Open a window of pCPU cpu; its byte count is filled in by xtg_end_window. */
void xtg_begin_window(struct xtg *g, unsigned cpu);
void xtg_end_window(struct xtg *g);

/* Append a t_rec; tsc == XTG_NO_TSC writes one without the cycles flag. */
void xtg_rec(struct xtg *g, uint32_t event, uint64_t tsc, unsigned n,
             const uint32_t *words);

/* Shorthand for up to three words. */
void xtg_rec3(struct xtg *g, uint32_t event, uint64_t tsc, unsigned n,
              uint32_t a, uint32_t b, uint32_t c);

void xtg_raw(struct xtg *g, const void *p, size_t n);
void xtg_u32(struct xtg *g, uint32_t v);

/* Write the bytes to path (created or truncated); 0 or -1. */
int xtg_write(const struct xtg *g, const char *path);

#endif /* HVPATH_XTGEN_H */
