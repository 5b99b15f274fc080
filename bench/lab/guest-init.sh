#!/bin/sh
# /init of the lab's domU (PVH or PV), busybox sh; built into the guest initrd
# by mkimage.sh.  It mounts the basics, says "hvpath-guest: up" on hvc0 (dom0
# waits for that line in the guest's console log), then hands over to busybox
# init so that `xl shutdown` (which makes the kernel run /sbin/poweroff) works
# and `xl console` gets a shell.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "hvpath-guest: up, kernel $(uname -r), $(grep -c '^processor' /proc/cpuinfo) vcpu(s), uptime $(cut -d' ' -f1 /proc/uptime)s"
grep -i -E 'xen|hyp' /proc/interrupts | head -n 8
exec /sbin/init
