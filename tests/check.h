/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check.h - the few assertion macros the C unit tests use.  Every CHECK
 * counts; check_done() prints "N passed, N failed" and gives the exit code.
 */
#ifndef HVPATH_CHECK_H
#define HVPATH_CHECK_H

#include <inttypes.h>
#include <stdio.h>

static unsigned check_passed, check_failed;

#define CHECK(cond)                                                           \
    do {                                                                      \
        if (cond) {                                                           \
            check_passed++;                                                   \
        } else {                                                              \
            check_failed++;                                                   \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__,  \
                    #cond);                                                   \
        }                                                                     \
    } while (0)

#define CHECK_EQ(a, b)                                                        \
    do {                                                                      \
        uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                      \
        if (a_ == b_) {                                                       \
            check_passed++;                                                   \
        } else {                                                              \
            check_failed++;                                                   \
            fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %s (%" PRIu64      \
                    " != %" PRIu64 ")\n", __FILE__, __LINE__, #a, #b, a_, b_); \
        }                                                                     \
    } while (0)

static inline int check_done(void)
{
    printf("%u passed, %u failed\n", check_passed, check_failed);
    return check_failed ? 1 : 0;
}

#endif /* HVPATH_CHECK_H */
