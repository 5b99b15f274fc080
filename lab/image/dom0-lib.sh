# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh disable=SC2034  # (GUEST_* are read by the scripts that source this)
# dom0-lib.sh — shell helpers for the lab's dom0 (busybox sh), sourced by /init
# and by the scenario scripts.  Installed as /opt/hvpath/lib.sh by mkimage.sh.
#
# Expects OUT (the results directory, archived at the end of the run).

OUT=${OUT:-/tmp/out}

step() { echo "hvpath-lab: step $*"; }     # progress marker, printed by the host
note() { echo "hvpath-lab: $*"; }
kv()   { echo "$1=$2" >>"$OUT/lab.env"; }  # a fact for manifest.json
uptime_s() { cut -d' ' -f1 /proc/uptime; }

# xenstored + xen-init-dom0 + xenconsoled, once per boot.
start_toolstack() {
    [ -e /run/hvpath-toolstack ] && return 0
    step toolstack
    mkdir -p /run/xen /run/xenstored /var/lib/xen /var/lib/xenstored /var/log/xen/console
    xenstored --pid-file=/run/xenstored.pid || return 1
    xen-init-dom0 >"$OUT/xen-init-dom0.log" 2>&1 || return 1
    xenconsoled --pid-file=/run/xenconsoled.pid --log=guest \
        --log-dir=/var/log/xen/console || return 1
    touch /run/hvpath-toolstack
    if xl info >"$OUT/xl-info.txt" 2>&1; then
        kv xen_version_xl "$(sed -n 's/^xen_version *: *//p' "$OUT/xl-info.txt")"
    fi
    return 0
}

# start_guest pv|pvh [WAIT-SECS]: create domain hvpath-TYPE from
# /etc/xen/hvpath-TYPE.cfg and wait until its init reports "hvpath-guest: up"
# on its console.  Sets GUEST_DOMID, GUEST_BOOT_SECS and GUEST_ATTEMPTS.
#
# A guest that dies while booting (under QEMU TCG the PVH kernel now and then
# triple-faults in its first instructions; on_reboot is destroy) is said at
# once, not waited for, and created once more; the manifest records the
# attempts (guests[].boot_attempts).
start_guest() {
    start_toolstack || return 1
    step "guest-start $1"
    log=/var/log/xen/console/guest-hvpath-$1.log
    GUEST_ATTEMPTS=0
    while [ $GUEST_ATTEMPTS -lt 2 ]; do
        GUEST_ATTEMPTS=$((GUEST_ATTEMPTS + 1))
        t0=$(uptime_s)
        [ -e "$log" ] && mv "$log" "$OUT/guest-hvpath-$1.attempt$GUEST_ATTEMPTS.log"
        # the guest's init learns the scenario and N from its command line
        xl create "/etc/xen/hvpath-$1.cfg" \
            "extra=\"console=hvc0 hvpath.scenario=${SCEN:-none} hvpath.n=${N:-1000}\"" \
            >>"$OUT/xl.log" 2>&1 || { note "xl create failed:"; cat "$OUT/xl.log"; return 1; }
        GUEST_DOMID=$(xl domid "hvpath-$1")
        i=0
        until grep -q 'hvpath-guest: up' "$log" 2>/dev/null; do
            i=$((i + 1))
            if ! xl domid "hvpath-$1" >/dev/null 2>&1; then
                note "guest hvpath-$1 (domid $GUEST_DOMID) died while booting, attempt $GUEST_ATTEMPTS (Xen's console says why)"
                i=-1
                break
            fi
            if [ $i -gt "${2:-300}" ]; then
                note "guest hvpath-$1 did not come up within ${2:-300} s"
                return 1
            fi
            sleep 1
        done
        [ "$i" -ge 0 ] && break
    done
    [ "$i" -ge 0 ] || return 1
    GUEST_BOOT_SECS=$(awk -v a="$t0" -v b="$(uptime_s)" 'BEGIN { printf "%.2f", b - a }')
    step "guest-up $1 domid $GUEST_DOMID after ${GUEST_BOOT_SECS}s (attempt $GUEST_ATTEMPTS)"
}

# stop_guest TYPE: clean shutdown (xl shutdown -w), destroy if that takes too
# long.  Sets GUEST_STOP to "shutdown" or "destroyed".
stop_guest() {
    GUEST_STOP=shutdown
    if ! timeout 60 xl shutdown -w "hvpath-$1" >>"$OUT/xl.log" 2>&1; then
        GUEST_STOP=destroyed
        xl destroy "hvpath-$1" >>"$OUT/xl.log" 2>&1
    fi
}

# Destroy whatever hvpath guest is still running.
stop_all_guests() {
    [ -e /run/hvpath-toolstack ] || return 0
    for d in hvpath-pvh hvpath-pv; do
        xl domid $d >/dev/null 2>&1 && xl destroy $d >>"$OUT/xl.log" 2>&1
    done
    return 0
}

# Copy the guests' console logs and the domain list into OUT.
save_guest_logs() {
    [ -e /run/hvpath-toolstack ] || return 0
    xl list >"$OUT/xl-list.txt" 2>&1
    for f in /var/log/xen/console/*.log; do
        [ -e "$f" ] && cp "$f" "$OUT/"
    done
    return 0
}
