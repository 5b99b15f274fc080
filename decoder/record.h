/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * record.h - one decoded trace record, the unit every hvpath reader yields.
 *
 * A record is what Xen's t_rec carries (event id, optional TSC, up to seven
 * 32-bit payload words) plus what the reader learned from its position in the
 * file: the physical CPU whose buffer it came from and its byte offset.
 */
#ifndef HVPATH_RECORD_H
#define HVPATH_RECORD_H

#include <stdint.h>

#define HV_REC_MAX_EXTRA 7          /* TRACE_EXTRA_MAX in xen/trace.h */

/* The TRC_GEN records the readers themselves interpret (xen/trace.h). */
#define HV_TRC_LOST_RECORDS      0x0001f001u
#define HV_TRC_TRACE_WRAP_BUFFER 0x0001f002u
#define HV_TRC_TRACE_CPU_CHANGE  0x0001f003u

/*
 * The hv-probes records (hv-probes/hvpath_events.def): TRC_HW subclass 0x8,
 * unused by Xen, and skipped silently by stock xenalyze.
 */
#define HV_TRC_HVPATH            0x00808000u

/*
 * Event masks (xentrace -e).  Xen writes a record when the mask shares a
 * class bit and a subclass bit with its id (__trace_var(); the probes'
 * trace_event_on() in hv-probes patch 15), so a mask is the cross product
 * of its classes and subclasses; TRC_LOST_RECORDS is written regardless.
 *
 * HV_EVENTS_HOT is the smallest mask that holds every record the stitcher
 * reads (decoder/stages.def) on a patched hypervisor: the hvpath records,
 * the scheduler's (TRC_SCHED_MIN: runstate changes; TRC_SCHED_VERBOSE:
 * wake, switch) and the HVM VM entry (TRC_HVM_ENTRYEXIT).  The cross
 * product also lets in TRC_HW_PM and all of those subclasses' other
 * records, which is where its cost is (docs/hv-probes.md).
 */
#define HV_EVENTS_HOT            0x008a9000u
#define HV_TRC_SCHED_VERBOSE     0x00028000u    /* wake, switch: TRC_SCHED_VERBOSE */

static inline int hv_event_in_mask(uint32_t mask, uint32_t event)
{
    uint32_t m = mask & event;

    return (m >> 16) && ((m >> 12) & 0xf);
}

/* hv_rec.flags */
#define HV_REC_TSC_INHERITED 0x01   /* no TSC in the record: previous one of this pCPU */
#define HV_REC_TSC_NONE      0x02   /* no TSC seen yet on this pCPU: tsc is 0 */

struct hv_rec {
    uint64_t tsc;                   /* raw TSC of the pCPU that wrote it */
    uint64_t offset;                /* byte offset of the t_rec header in the file */
    uint32_t event;                 /* 28-bit event id (TRC_HD_TO_EVENT) */
    uint16_t cpu;                   /* pCPU of the buffer the record came from */
    uint8_t nextra;                 /* number of valid words in extra[] */
    uint8_t flags;                  /* HV_REC_* */
    uint32_t extra[HV_REC_MAX_EXTRA];
};

#endif /* HVPATH_RECORD_H */
