#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of the lab's domU (PVH or PV), busybox sh; built into the guest initrd
# by mkimage.sh.  It mounts the basics, loads the evtchn driver, starts the
# guest half of a scenario if there is one (hvpath.scenario=... on the guest's
# kernel command line, set by dom0's start_guest), says "hvpath-guest: up" on
# hvc0 (dom0 waits for that line in the guest's console log), then hands over
# to busybox init so that `xl shutdown` (the kernel runs /sbin/poweroff) works
# and `xl console` gets a shell.
export PATH=/opt/hvpath/bin:/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
insmod /lib/hvpath-modules/xen-evtchn.ko 2>/dev/null

SCEN="" N=1000
for w in $(cat /proc/cmdline); do
    case $w in
    hvpath.scenario=*) SCEN=${w#*=} ;;
    hvpath.n=*)        N=${w#*=} ;;
    esac
done

case $SCEN in
pingpong-domu)
    # the responder half of dom0 <-> domU ping-pong: it prints its port on the
    # console (dom0 reads it from the console log), answers every ping, then
    # prints "pingpong: responder done: received X sent Y"
    i=0
    while [ ! -c /dev/xen/evtchn ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    pingpong -r -n "$N" >/dev/console 2>&1 &
    ;;
esac

echo "hvpath-guest: up, kernel $(uname -r), $(grep -c '^processor' /proc/cpuinfo) vcpu(s), uptime $(cut -d' ' -f1 /proc/uptime)s"
grep -i -E 'xen|hyp' /proc/interrupts | head -n 8
exec /sbin/init
