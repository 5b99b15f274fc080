/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vec.c - growing arrays (vec.h).
 */
#include "vec.h"

#include <stdint.h>
#include <stdlib.h>

void *hv_grow(void *arr, size_t *cap, size_t need, size_t size)
{
    size_t ncap = *cap ? *cap : 16;
    void *n;

    if (need <= *cap)
        return arr;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return NULL;
        ncap *= 2;
    }
    if (size && ncap > SIZE_MAX / size)
        return NULL;
    n = realloc(arr, ncap * size);
    if (!n)
        return NULL;
    *cap = ncap;
    return n;
}
