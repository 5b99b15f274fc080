/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vec.h - the one way hvpath grows an array.
 *
 *     struct chain **n = hv_grow(s->ready, &s->ready_cap, s->nready + 1,
 *                                sizeof(*s->ready));
 *     if (!n)
 *         return -1;          (s->ready and s->ready_cap are untouched)
 *     s->ready = n;
 *
 * The array and its capacity change together or not at all, so a failed
 * allocation never loses what the array held.
 */
#ifndef HVPATH_VEC_H
#define HVPATH_VEC_H

#include <stddef.h>

/*
 * Room for at least need elements of size bytes: arr itself if it already
 * has it, else a larger copy (capacity doubled, at least 16; *cap updated)
 * that replaces arr, which must then not be used.  NULL, with arr and *cap
 * left as they were, if the memory cannot be had.
 */
void *hv_grow(void *arr, size_t *cap, size_t need, size_t size);

#endif /* HVPATH_VEC_H */
