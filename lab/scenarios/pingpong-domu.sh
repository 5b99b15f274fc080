#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Scenario "pingpong-domu": N event-channel notifications between dom0 and the
# domU (--guest pvh or pv; lab.sh picks pvh if none is given).  The guest's
# init runs the responder (`pingpong -r`, started because the guest's command
# line says hvpath.scenario=pingpong-domu) and prints its port on its console;
# here dom0 binds to that port and sends the pings (`pingpong -R DOMID:PORT`).
# With a PVH guest every ping reaches the guest as the callback vector 0xf3
# injected at VM entry.  Env from /init: N, OUT, GUEST, HVPATH_SCENARIO_JSON.
. /opt/hvpath/lib.sh
N=${N:-1000}
if [ "$GUEST" = none ]; then
    echo "pingpong-domu needs a guest (--guest pvh or pv)"
    exit 2
fi
log=/var/log/xen/console/guest-hvpath-$GUEST.log
domid=$(xl domid "hvpath-$GUEST") || exit 1

# the responder's port, from the guest's console log
port="" i=0
while [ -z "$port" ] && [ $i -lt 60 ]; do
    port=$(sed -n 's/^.*pingpong: responder port \([0-9][0-9]*\).*$/\1/p' "$log" | tail -n1)
    [ -n "$port" ] || sleep 1
    i=$((i + 1))
done
[ -n "$port" ] || { echo "no responder port in $log"; exit 1; }

pingpong -R "$domid:$port" -n "$N" -o /tmp/pingpong-dom0.json
rc=$?

# the responder's counts, from its last line
done_line="" i=0
while [ -z "$done_line" ] && [ $i -lt 30 ]; do
    done_line=$(grep 'pingpong: responder done' "$log" | tail -n1)
    [ -n "$done_line" ] || sleep 1
    i=$((i + 1))
done
echo "guest: ${done_line:-no final line from the responder}"
g_recv=$(echo "$done_line" | sed -n 's/^.*received \([0-9]*\) sent \([0-9]*\).*$/\1/p')
g_sent=$(echo "$done_line" | sed -n 's/^.*received \([0-9]*\) sent \([0-9]*\).*$/\2/p')
d_sent=$(sed -n 's/^ *"dom0_sent": \([0-9]*\).*$/\1/p' /tmp/pingpong-dom0.json)
d_recv=$(sed -n 's/^ *"dom0_received": \([0-9]*\).*$/\1/p' /tmp/pingpong-dom0.json)
if [ -n "$g_recv" ] && [ -n "$d_sent" ]; then
    sent=$((d_sent + g_sent)) received=$((d_recv + g_recv))
else
    sent=null received=null rc=1
fi
echo "pingpong-domu: sent $sent received $received (dom0 -> d$domid: $d_sent/$g_recv, d$domid -> dom0: $g_sent/$d_recv)"
[ "$sent" = "$received" ] && [ "$sent" = "$N" ] || rc=1

# dom0's JSON (one key per line) + the totals over both directions
{
    sed '$d' /tmp/pingpong-dom0.json | sed '$s/$/,/'
    printf '  "sent": %s,\n  "received": %s,\n' "$sent" "$received"
    printf '  "guest_received": %s,\n  "guest_sent": %s,\n' "${g_recv:-null}" "${g_sent:-null}"
    printf '  "peer_domid": %s,\n  "ok": %s\n}\n' "$domid" "$([ $rc = 0 ] && echo true || echo false)"
} >"$HVPATH_SCENARIO_JSON"
exit $rc
