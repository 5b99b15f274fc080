#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Scenario "idle": nothing but a few seconds of sleep under xentrace, to see
# the background (timer VIRQs, scheduler, xentrace's own VIRQ_TBUF wake-ups).
secs=${IDLE_SECONDS:-3}
sleep "$secs"
printf '{\n  "workload": "idle",\n  "idle_seconds": %s\n}\n' "$secs" >"$HVPATH_SCENARIO_JSON"
