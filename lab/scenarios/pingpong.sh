#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Scenario "pingpong" (runs in the lab's dom0, under xentrace):
# N event-channel notifications bounced between two dom0 threads on two vCPUs
# over a dom0->dom0 interdomain channel.  See pingpong.c.
# Env from /init: N, OUT, HVPATH_SCENARIO_JSON.
same=""
[ "${SAME_VCPU:-0}" = 1 ] && same=-s
exec pingpong -n "${N:-1000}" $same -o "$HVPATH_SCENARIO_JSON"
