#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# boot.sh — boot Xen + dom0 in QEMU (TCG) the way the lab notes say works.
#
# Usage: boot.sh run|shell --xen FILE --image DIR [--cpu MODEL] [--icount SHIFT]
#                [--timeout SECS] [--console FILE] [--disk FILE] [--dom0-args "..."]
#
#   run    serial console to --console FILE; no input; "hvpath-lab: step X"
#          lines from dom0 are echoed to stderr as progress; the VM powers itself
#          off at the end.  Exit: QEMU's status, 124 on timeout.
# HVPATH_QEMU_ARGS (environment): extra QEMU arguments, split on spaces.
#   shell  serial console on this terminal (Ctrl-A X quits QEMU).
#
# Everything runs under `timeout`; QEMU is killed if this script exits early.
set -euo pipefail

mode=${1:?usage: boot.sh run|shell ...}; shift
xen="" image="" cpu=qemu64 icount="" secs=600 console="" disk="" dom0args=""
while (($#)); do
    case $1 in
    --xen) xen=$2; shift 2 ;;
    --image) image=$2; shift 2 ;;
    --cpu) cpu=$2; shift 2 ;;
    --icount) icount=$2; shift 2 ;;
    --timeout) secs=$2; shift 2 ;;
    --console) console=$2; shift 2 ;;
    --disk) disk=$2; shift 2 ;;
    --dom0-args) dom0args=$2; shift 2 ;;
    *) echo "boot.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
log() { printf 'hvpath-lab: %s\n' "$*" >&2; }
[[ -r $xen && -r $image/vmlinuz && -r $image/dom0.cpio.gz ]] || { log "ERROR: boot.sh: missing xen or image files"; exit 2; }
# QEMU's multiboot module list is comma separated: paths must not contain commas.
[[ $image$dom0args != *,* ]] || { log "ERROR: boot.sh: commas in '$image' or dom0 arguments"; exit 2; }

# Xen's command line; dom0's command line goes with the kernel module.
xen_args="console=com1 com1=115200 dom0_mem=1024M,max:1024M loglvl=all guest_loglvl=all"
dom0_line="$image/vmlinuz console=hvc0 earlyprintk=xen $dom0args"

qemu=(qemu-system-x86_64 -machine q35 -cpu "$cpu" -m 2048 -smp 2 -no-reboot
      -kernel "$xen" -append "$xen_args"
      -initrd "$dom0_line,$image/dom0.cpio.gz")
[[ -n $disk ]] && qemu+=(-drive "file=$disk,format=raw,if=virtio")
[[ -n $icount ]] && qemu+=(-icount "shift=$icount")
# extra QEMU arguments for experiments, e.g. HVPATH_QEMU_ARGS="-accel tcg,thread=single"
# shellcheck disable=SC2206  # split on spaces on purpose
[[ -n ${HVPATH_QEMU_ARGS:-} ]] && qemu+=(${HVPATH_QEMU_ARGS})

if [[ $mode == shell ]]; then
    log "booting (interactive; Ctrl-A X quits QEMU)"
    exec timeout --foreground --kill-after=10 "$secs" "${qemu[@]}" -nographic
fi

[[ -n $console ]] || { log "ERROR: boot.sh run needs --console FILE"; exit 2; }
: >"$console"
qemu+=(-display none -monitor none -serial "file:$console")

start=$SECONDS
timeout --kill-after=10 "$secs" "${qemu[@]}" </dev/null >"$console.qemu" 2>&1 &
qpid=$!
# If we are interrupted, take QEMU down with us (timeout passes TERM on to it).
trap 'kill -TERM $qpid 2>/dev/null; wait $qpid 2>/dev/null; exit 130' INT TERM HUP
trap 'kill -TERM $qpid 2>/dev/null || true' EXIT

# Echo the progress markers dom0 prints while QEMU runs.
seen=0
while kill -0 $qpid 2>/dev/null; do
    sleep 1
    mapfile -t steps < <(tr -d '\r' <"$console" | sed -n 's/^.*hvpath-lab: step //p')
    while ((seen < ${#steps[@]})); do
        log "[$((SECONDS - start))s] ${steps[seen]}"
        seen=$((seen + 1))
    done
done
rc=0
wait $qpid || rc=$?
trap - EXIT
if [[ -s $console.qemu ]]; then
    cat "$console.qemu" >&2
fi
rm -f "$console.qemu"
((rc != 124)) || log "ERROR: timed out after ${secs}s"
exit $rc
