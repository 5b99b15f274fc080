#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Scenario "guest-boot": start a PVH domU (and a PV one too with --guest pv),
# let it run a few seconds, shut it down cleanly.  The toolstack is already up
# (started by /init before tracing).  Guests: /etc/xen/hvpath-{pvh,pv}.cfg, the
# Debian kernel with a busybox initrd (lab/image/guest-init.sh).
. /opt/hvpath/lib.sh
types=pvh
[ "$GUEST" = pv ] && types="pvh pv"
run_secs=${GUEST_RUN_SECONDS:-3}
json=""
rc=0
for t in $types; do
    if start_guest "$t" 300; then
        sleep "$run_secs"
        stop_guest "$t"
        note "guest hvpath-$t: domid $GUEST_DOMID, up after ${GUEST_BOOT_SECS}s, $GUEST_STOP"
        entry="{\"name\": \"hvpath-$t\", \"type\": \"$t\", \"domid\": $GUEST_DOMID, \"boot_seconds\": $GUEST_BOOT_SECS, \"stop\": \"$GUEST_STOP\"}"
    else
        rc=1
        entry="{\"name\": \"hvpath-$t\", \"type\": \"$t\", \"domid\": ${GUEST_DOMID:-null}, \"boot_seconds\": null, \"stop\": \"failed\"}"
        stop_all_guests
    fi
    json=${json:+$json, }$entry
done
printf '{\n  "workload": "guest-boot",\n  "guest_run_seconds": %s,\n  "guests_booted": [%s]\n}\n' \
    "$run_secs" "$json" >"$HVPATH_SCENARIO_JSON"
exit $rc
