#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of the lab's dom0 (busybox sh).  mkimage.sh installs this file as /init.
#
# It is driven by hvpath.* words on the dom0 kernel command line (boot.sh):
#   hvpath.mode=run|shell    run a scenario and power off, or give a shell
#   hvpath.scenario=NAME     /opt/hvpath/scenarios/NAME.sh
#   hvpath.guest=none|pv|pvh start this domU before tracing, destroy it after
#   hvpath.n=N               passed to the scenario as $N
#   hvpath.events=MASK       xentrace -e MASK
#   hvpath.tbuf=PAGES        xentrace -S PAGES (per-CPU trace buffer)
#   hvpath.stimeout=SECS     the scenario is killed after this long
#   hvpath.same_vcpu=1       event workloads: a port notifies its sender's vCPU ($SAME_VCPU)
#
# Results go to /tmp/out, which is written as a tar archive onto /dev/vda at
# the end (the host unpacks it).  /tmp/out/lab.env holds key=value facts the
# host turns into manifest.json.  Lines "hvpath-lab: step NAME" on the console
# are progress markers the host prints as they appear.

export PATH=/usr/lib/xen-4.17/bin:/opt/hvpath/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=${TERM:-linux}
OUT=/tmp/out
MODULES="xen-privcmd xenfs xen-evtchn xen-gntdev xen-gntalloc virtio_ring virtio \
virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk"

. /opt/hvpath/lib.sh    # step, note, kv, start_toolstack, start_guest, ... (dom0-lib.sh)

# ---- basic mounts -----------------------------------------------------------
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mkdir -p "$OUT" /root
: >"$OUT/lab.env"
kv dom0_init_uptime "$(uptime_s)"

# ---- parameters -------------------------------------------------------------
MODE=run SCEN=idle GUEST=none N=1000 EVENTS=0x0ffff000 TBUF=256 STIMEOUT=600 SAME_VCPU=0
for w in $(cat /proc/cmdline); do
    case $w in
    hvpath.mode=*)     MODE=${w#*=} ;;
    hvpath.scenario=*) SCEN=${w#*=} ;;
    hvpath.guest=*)    GUEST=${w#*=} ;;
    hvpath.n=*)        N=${w#*=} ;;
    hvpath.events=*)   EVENTS=${w#*=} ;;
    hvpath.tbuf=*)     TBUF=${w#*=} ;;
    hvpath.stimeout=*) STIMEOUT=${w#*=} ;;
    hvpath.same_vcpu=*) SAME_VCPU=${w#*=} ;;
    esac
done
note "mode=$MODE scenario=$SCEN guest=$GUEST n=$N events=$EVENTS tbuf=$TBUF"

# ---- end of run: archive /tmp/out onto /dev/vda and power off ---------------
finish() {
    kv status "$1"
    kv dom0_end_uptime "$(uptime_s)"
    dmesg >"$OUT/dom0-dmesg.txt" 2>&1
    step collecting
    if [ -b /dev/vda ]; then
        tar -cf /dev/vda -C "$OUT" . && sync
    else
        note "ERROR: no /dev/vda, results cannot leave the VM"
    fi
    note "done: $1"
    poweroff -f
    sleep 30
}
fail() { note "ERROR: $*"; finish "failed: $*"; }

# ---- modules and xenfs ------------------------------------------------------
step modules
for m in $MODULES; do
    insmod "/lib/hvpath-modules/$m.ko" || note "insmod $m failed"
done
mount -t xenfs xenfs /proc/xen || note "mounting xenfs failed"
i=0
while [ ! -b /dev/vda ] || [ ! -c /dev/xen/evtchn ]; do
    i=$((i + 1)); [ $i -gt 100 ] && break
    sleep 0.1
done
[ -c /dev/xen/evtchn ] || note "no /dev/xen/evtchn"

# ---- facts for the manifest -------------------------------------------------
kv vcpus "$(grep -c '^processor' /proc/cpuinfo)"
kv dom0_kernel "$(uname -r)"
if [ -r /sys/hypervisor/version/major ]; then
    kv xen_version "$(cat /sys/hypervisor/version/major).$(cat /sys/hypervisor/version/minor)$(cat /sys/hypervisor/version/extra)"
fi
[ -r /sys/hypervisor/properties/changeset ] && kv xen_changeset "$(cat /sys/hypervisor/properties/changeset)"
kv dom0_mem_kb "$(sed -n 's/^MemTotal: *\([0-9]*\).*/\1/p' /proc/meminfo)"

case $GUEST in none|pv|pvh) ;; *) fail "unknown guest type '$GUEST'" ;; esac
export OUT N GUEST SCEN SAME_VCPU
export HVPATH_SCENARIO_JSON=$OUT/scenario.json

# ---- shell mode -------------------------------------------------------------
if [ "$MODE" = shell ]; then
    mkdir -p "$OUT"
    start_toolstack || note "toolstack failed to start"
    if [ "$GUEST" != none ]; then
        start_guest "$GUEST" || note "guest failed to start"
    fi
    cat <<EOF

hvpath lab dom0 shell.  PATH has the Xen tools (xl, xentrace, ...).
  xentrace -D -e all -S 256 /tmp/t.xt &   ... kill -INT %1
  /opt/hvpath/scenarios/*.sh (run with: OUT=/tmp/out N=1000 sh ...)
  guests: xl create /etc/xen/hvpath-pvh.cfg ; xl console hvpath-pvh (Ctrl-] leaves)
  leave with 'exit' (powers off); QEMU: Ctrl-A X
EOF
    setsid cttyhack sh -l
    poweroff -f
    sleep 30
fi

# ---- run mode ---------------------------------------------------------------
[ -r "/opt/hvpath/scenarios/$SCEN.sh" ] || fail "no scenario '$SCEN'"

# The toolstack is started before tracing whenever a guest is involved; the
# guest itself too, except for guest-boot, whose subject is the guest's start.
if [ "$GUEST" != none ] || [ "$SCEN" = guest-boot ]; then
    start_toolstack || fail "the toolstack did not start"
fi
if [ "$GUEST" != none ] && [ "$SCEN" != guest-boot ]; then
    start_guest "$GUEST" || fail "guest $GUEST did not start"
    kv "guest_${GUEST}_domid" "$GUEST_DOMID"
    kv "guest_${GUEST}_boot_seconds" "$GUEST_BOOT_SECS"
    kv "guest_${GUEST}_boot_attempts" "$GUEST_ATTEMPTS"
fi
# Let the boot settle (console, udev-less device setup) before tracing.
sleep 1

cp /proc/interrupts "$OUT/interrupts-before.txt"
XT=""
if [ "$EVENTS" = off ]; then
    # tracing never enabled: tb_init_done stays 0 (for measuring probe cost)
    step "no tracing (--events off)"
else
    step tracing
    xentrace -D -e "$EVENTS" -S "$TBUF" "$OUT/host.xt" >"$OUT/xentrace.log" 2>&1 &
    XT=$!
    sleep 1          # xentrace maps the buffers and enables tracing
    kill -0 $XT 2>/dev/null || fail "xentrace exited at once: $(cat "$OUT/xentrace.log")"
fi
kv trace_start_uptime "$(uptime_s)"
kv trace_start_date "$(date -u +%Y-%m-%dT%H:%M:%SZ)"

step "scenario $SCEN"
# output to the console as it comes and to scenario.log; the status via a file
{ timeout "$STIMEOUT" sh "/opt/hvpath/scenarios/$SCEN.sh" 2>&1; echo $? >/tmp/scenario.rc; } \
    | tee "$OUT/scenario.log"
SRC=$(cat /tmp/scenario.rc)
kv scenario_rc $SRC

kv trace_end_uptime "$(uptime_s)"
if [ -n "$XT" ]; then
    kill -INT $XT
    wait $XT
    kv xentrace_rc $?
fi
step "trace-stopped"
cp /proc/interrupts "$OUT/interrupts-after.txt"

save_guest_logs
stop_all_guests
if [ $SRC = 0 ]; then
    finish ok
else
    finish "failed: scenario $SCEN exited with $SRC"
fi
