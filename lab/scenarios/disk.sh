#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Scenario "disk": read the virtio disk raw with O_DIRECT for a few seconds, so
# that every read completes with a physical interrupt Xen sends through do_IRQ
# to dom0 (TRC_HW_IRQ_HANDLED records).  /dev/vda is also where the lab tars
# its outputs at the end; reading it is harmless.  See diskread.c.
exec diskread -d /dev/vda -s "${DISK_SECONDS:-3}" -b 4096 -o "$HVPATH_SCENARIO_JSON"
