/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * event_values.h - field values as C constants, from the two .def files:
 * HVP_<GROUP>_<NAME> for the hv-probes' values (the same names the Xen patch
 * compiles from hvpath_events.def: HVP_SP_UPCALL, HVP_EVTCHN_IPI, ...) and
 * HV_<GROUP>_<NAME> for Xen's own ABI values (HV_VIRQ_TBUF, ...).
 */
#ifndef HVPATH_EVENT_VALUES_H
#define HVPATH_EVENT_VALUES_H

enum {
#define HVP_VALUE(group, name, value, meaning) HVP_##group##_##name = (value),
#define HVP_FLAG(group, name, bit, meaning) HVP_##group##_##name = (bit),
#include "hvpath_events.def"
#define HV_STOCK_VALUE(group, name, value, meaning) HV_##group##_##name = (value),
#include "stock_events.def"
};

#endif /* HVPATH_EVENT_VALUES_H */
