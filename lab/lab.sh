#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# lab.sh - the engine behind `hvpath lab`: the emulated Xen lab.
#
# Boots Debian's Xen 4.17 + Linux 6.1 dom0 under QEMU (TCG, no KVM needed),
# runs a scenario inside dom0 with xentrace around it and brings the trace back.
#
# `hvpath lab` (analyzers/builtin-lab.c) owns the options, their help and
# their checks; it hands the values over in the environment and runs this:
#   HVPATH_LAB_CMD       run | shell | prepare
#   HVPATH_LAB_SCENARIO  scenarios/NAME.sh (run)
#   HVPATH_LAB_XEN       stock | patched | PATH of a xen binary
#   HVPATH_LAB_GUEST     none | pv | pvh, or empty: the scenario's default
#   HVPATH_LAB_ICOUNT    QEMU -icount shift, or empty
#   HVPATH_LAB_EVENTS    xentrace -e mask, or off (no xentrace at all)
#   HVPATH_LAB_TBUF      xentrace -S pages
#   HVPATH_LAB_N         passed to the scenario
#   HVPATH_LAB_TIMEOUT   seconds, or empty: 900 for run, 14400 for shell
#   HVPATH_LAB_OUT       the output directory (run)
#   HVPATH_LAB_SAME_VCPU 1: event workloads bind a port to its sender's vCPU
#   HVPATH_BINDIR        the project's in-lab binaries (pingpong, ...);
#                        unset: scenarios/ is built here with cmake
#   HVPATH_CACHE         cache root (default ~/.cache/hvpath); the lab uses
#                        $HVPATH_CACHE/lab
#
# Results in the output directory: host.xt (xentrace file), manifest.json,
# console.log (serial console: Xen + dom0), scenario.json/.log, guest console
# logs, dom0 dmesg, /proc/interrupts before/after, xentrace.log, lab.env (raw
# facts from dom0).
#
# The steps, one script each: engine/resolve.sh (which packages/versions),
# engine/fetch.sh (apt-get download + dpkg -x), image/mkimage.sh (initramfs
# with image/init.sh as dom0's /init), engine/boot.sh (QEMU),
# engine/manifest.sh (manifest.json).  Scenarios are scenarios/NAME.sh.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
scendir="$here/scenarios"
hvprobes="$here/../hv-probes"
cache="${HVPATH_CACHE:-$HOME/.cache/hvpath}/lab"

log() { printf 'hvpath-lab: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---- configuration (checked by hvpath lab) --------------------------------------
[[ -n ${HVPATH_LAB_CMD:-} ]] || { echo "lab.sh is run by 'hvpath lab' (see hvpath lab --help)" >&2; exit 2; }
cmd=$HVPATH_LAB_CMD
scenario=${HVPATH_LAB_SCENARIO:-} xen=${HVPATH_LAB_XEN:-stock} guest=${HVPATH_LAB_GUEST:-}
icount=${HVPATH_LAB_ICOUNT:-} events=${HVPATH_LAB_EVENTS:-0x0ffff000} tbuf=${HVPATH_LAB_TBUF:-256}
n=${HVPATH_LAB_N:-1000} timeout_s=${HVPATH_LAB_TIMEOUT:-} outdir=${HVPATH_LAB_OUT:-}
same_vcpu=${HVPATH_LAB_SAME_VCPU:-0}
if [[ $cmd == run ]]; then
    [[ -r $scendir/$scenario.sh ]] || die "no scenario '$scenario' (no $scendir/$scenario.sh)"
    [[ -n $outdir ]] || die "run needs an output directory"
    timeout_s=${timeout_s:-900}
    # guest-boot is about starting a PVH guest (plus a PV one with --guest pv),
    # pingpong-domu about dom0 <-> domU: both want a guest
    if [[ -z $guest ]]; then
        case $scenario in guest-boot|pingpong-domu) guest=pvh ;; *) guest=none ;; esac
    fi
else
    timeout_s=${timeout_s:-14400}
fi
guest=${guest:-none}
# the output directory: new, empty, or one a previous run wrote (emptied at boot time)
if [[ $cmd == run && -e $outdir ]]; then
    [[ -d $outdir ]] || die "-o $outdir is not a directory"
    [[ -e $outdir/.hvpath-lab || -z $(ls -A "$outdir") ]] \
        || die "-o $outdir is not empty (and not from a previous lab run)"
fi
# A guest (PVH needs HAP) wants SVM + nested paging from QEMU.
cpu=qemu64
[[ $guest != none ]] && cpu=qemu64,+svm,+npt

host_start=$(date -u +%Y-%m-%dT%H:%M:%SZ)
t0=$SECONDS

# ---- host tools (installed with apt if missing) ------------------------------------
need_pkgs=()
command -v qemu-system-x86_64 >/dev/null || need_pkgs+=(qemu-system-x86)
command -v cpio >/dev/null || need_pkgs+=(cpio)
command -v apt-get >/dev/null && command -v dpkg >/dev/null || die "needs a Debian host (apt-get, dpkg)"
if ((${#need_pkgs[@]})); then
    (($(id -u) == 0)) || die "missing host packages: ${need_pkgs[*]} (install them as root)"
    log "installing host packages: ${need_pkgs[*]}"
    timeout 1800 apt-get install -y -q --no-install-recommends "${need_pkgs[@]}" >&2 \
        || { timeout 600 apt-get update -q >&2; timeout 1800 apt-get install -y -q --no-install-recommends "${need_pkgs[@]}" >&2; } \
        || die "apt-get install ${need_pkgs[*]} failed"
fi
mkdir -p "$cache"
# the cache root must not contain commas (QEMU's multiboot module list) or blanks
[[ $cache != *[,[:space:]]* ]] || die "HVPATH_CACHE must not contain commas or blanks"

# ---- the project's in-lab binaries ------------------------------------------------
bindir=${HVPATH_BINDIR:-}
if [[ -z $bindir ]]; then
    build="$cache/scenarios-build"
    log "HVPATH_BINDIR not set: building the scenarios in $build"
    if ! command -v cmake >/dev/null || ! command -v cc >/dev/null || [[ ! -e /usr/include/xen/sys/evtchn.h ]]; then
        (($(id -u) == 0)) || die "building the scenarios needs cmake, a C compiler and libxen-dev"
        log "installing build packages: cmake gcc libc6-dev libxen-dev"
        timeout 1800 apt-get install -y -q --no-install-recommends cmake gcc libc6-dev libxen-dev >&2 \
            || die "apt-get install of the build packages failed"
    fi
    timeout 600 cmake -S "$scendir" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DHVPATH_LAB_BINDIR="$build/lab-bin" >/dev/null || die "cmake configure failed"
    timeout 600 cmake --build "$build" >/dev/null || die "building the scenarios failed"
    bindir="$build/lab-bin"
fi
[[ -d $bindir ]] || die "HVPATH_BINDIR '$bindir' is not a directory"
bindir=$(cd "$bindir" && pwd)

# ---- packages -----------------------------------------------------------------------
log "resolving packages"
resolved=$(timeout 900 "$here/engine/resolve.sh" "$cache") || die "resolving packages failed"
# shellcheck disable=SC2046  # package=version words, no spaces
fetched=$(timeout 3600 "$here/engine/fetch.sh" "$cache" $(awk '{ print $1 "=" $2 }' <<<"$resolved")) \
    || die "downloading packages failed"
# PKG VERSION DIR ROLE
pkglist=$(join <(sort <<<"$fetched") <(awk '{ print $1, $3 }' <<<"$resolved" | sort))

# ---- the image (cached by package versions + binaries + lab scripts) -----------------
hash_inputs() {
    printf '%s\n' "$resolved"
    (cd "$bindir" && for f in *; do [[ -f $f && -x $f ]] && sha256sum "$f"; done) || true
    (cd "$here/image" && sha256sum mkimage.sh init.sh dom0-lib.sh guest-init.sh)
    (cd "$scendir" && sha256sum *.sh)
}
key=$(hash_inputs | sha256sum | cut -c1-16)
imgdir="$cache/images/$key"
if [[ ! -s $imgdir/dom0.cpio.gz ]]; then
    log "building image $key"
    mkdir -p "$cache/images"
    printf '%s\n' "$pkglist" >"$cache/images/.pkglist.$$"
    timeout 1200 "$here/image/mkimage.sh" "$imgdir" "$cache/images/.pkglist.$$" "$bindir" \
        || { rm -f "$cache/images/.pkglist.$$"; die "building the image failed"; }
    rm -f "$cache/images/.pkglist.$$"
    # keep the five most recently used images
    ls -1dt "$cache"/images/*/ 2>/dev/null | tail -n +6 | xargs -r rm -rf
else
    log "image $key cached"
fi
touch "$imgdir"
prepare_s=$((SECONDS - t0))
[[ $cmd == prepare ]] && { log "ready: $imgdir (${prepare_s}s)"; exit 0; }

# ---- scratch space; QEMU never outlives us (boot.sh runs it under timeout) -----------
run=$(mktemp -d "${TMPDIR:-/tmp}/hvpath-lab.XXXXXX")
trap 'rm -rf "$run"' EXIT
[[ $run != *[,[:space:]]* ]] || die "TMPDIR must not contain commas or blanks"

# the hypervisor
xen_file="$imgdir/xen"
if [[ $xen == patched ]]; then
    # the hv-probes series on Debian's source, built (or taken from its cache)
    log "building the patched hypervisor (hv-probes/build-xen.sh; ~6 min the first time)"
    xen=$("$hvprobes/build-xen.sh") || die "hv-probes/build-xen.sh failed"
fi
if [[ $xen != stock ]]; then
    [[ -r $xen ]] || die "--xen: cannot read '$xen'"
    if [[ $(od -An -tx1 -N2 "$xen" | tr -d ' ') == 1f8b ]]; then
        gzip -dc "$xen" >"$run/xen"
    else
        cp "$xen" "$run/xen"
    fi
    xen_file="$run/xen"
fi
xen_sha=$(sha256sum "$xen_file" | cut -c1-64)

# the disk the results come back on (sparse)
truncate -s 1G "$run/out.img"

dom0_args="hvpath.mode=$cmd hvpath.guest=$guest"
if [[ $cmd == shell ]]; then
    "$here/engine/boot.sh" shell --xen "$xen_file" --image "$imgdir" --cpu "$cpu" \
        ${icount:+--icount "$icount"} --timeout "$timeout_s" --disk "$run/out.img" \
        --dom0-args "$dom0_args"
    exit $?
fi

# ---- run --------------------------------------------------------------------------
[[ -e $outdir ]] && find "$outdir" -mindepth 1 -delete
mkdir -p "$outdir"
touch "$outdir/.hvpath-lab"
outdir=$(cd "$outdir" && pwd)

# the scenario gets the QEMU limit minus a margin for boot and collection
stimeout=$((timeout_s > 240 ? timeout_s - 120 : timeout_s / 2))
dom0_args+=" hvpath.scenario=$scenario hvpath.n=$n hvpath.events=$events hvpath.tbuf=$tbuf hvpath.stimeout=$stimeout hvpath.same_vcpu=$same_vcpu"

log "booting Xen + dom0 (QEMU TCG, cpu $cpu${icount:+, icount shift=$icount}, limit ${timeout_s}s)"
vm_t0=$SECONDS
rc=0
# boot.sh enforces the limit on QEMU; the outer timeout is a backstop.  It runs
# in the background so that a signal to us stops QEMU at once (timeout passes
# TERM on to boot.sh, which passes it on to QEMU's timeout).
timeout --kill-after=30 $((timeout_s + 60)) "$here/engine/boot.sh" run --xen "$xen_file" --image "$imgdir" \
    --cpu "$cpu" ${icount:+--icount "$icount"} --timeout "$timeout_s" \
    --console "$outdir/console.log" --disk "$run/out.img" --dom0-args "$dom0_args" &
bootpid=$!
trap 'log "interrupted: stopping QEMU"; kill -TERM $bootpid 2>/dev/null; wait $bootpid 2>/dev/null; rm -rf "$run"; exit 130' INT TERM HUP
wait $bootpid || rc=$?
trap - INT TERM HUP
vm_s=$((SECONDS - vm_t0))

log "collecting results"
mkdir -p "$run/out"
tar -xf "$run/out.img" -C "$run/out" 2>/dev/null || true
cp -a "$run/out/." "$outdir/" 2>/dev/null || true

# ---- manifest -----------------------------------------------------------------------
status=""
[[ -r $outdir/lab.env ]] && status=$(sed -n 's/^status=//p' "$outdir/lab.env" | tail -n1)
if [[ -z $status ]]; then
    if [[ $rc == 124 || $rc == 137 ]]; then
        status="failed: timed out after ${timeout_s}s (--timeout)"
    else
        status="failed: no results from the VM (QEMU exit $rc)"
    fi
fi
[[ $rc == 0 || $status != ok ]] || status="failed: QEMU exit $rc"
{
    echo "scenario=$scenario"
    echo "guest=$guest"
    echo "xen_binary=$xen"
    echo "xen_sha256=$xen_sha"
    echo "events=$events"
    echo "tbuf_pages=$tbuf"
    echo "n=$n"
    echo "same_vcpu=$same_vcpu"
    echo "icount_shift=${icount:-null}"
    echo "qemu_cpu=$cpu"
    echo "image_key=$key"
    echo "host_start=$host_start"
    echo "host_end=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "prepare_seconds=$prepare_s"
    echo "vm_seconds=$vm_s"
    echo "wall_seconds=$((SECONDS - t0))"
    echo "qemu_rc=$rc"
    echo "status=$status"
} >"$run/host.env"
"$here/engine/manifest.sh" "$outdir" "$run/host.env" <<<"$resolved" >"$outdir/manifest.json" \
    || log "WARNING: manifest.json could not be assembled"

if [[ $status != ok ]]; then
    log "FAILED: $status"
    log "last console lines ($outdir/console.log):"
    tail -n 30 "$outdir/console.log" 2>/dev/null | tr -d '\r' | sed 's/^/    /' >&2 || true
    exit 1
fi
if [[ $events == off ]]; then
    log "done in $((SECONDS - t0))s (prepare ${prepare_s}s, VM ${vm_s}s), no trace (--events off): $outdir/manifest.json"
    exit 0
fi
[[ -s $outdir/host.xt ]] || { log "FAILED: empty trace"; tail -n 30 "$outdir/console.log" | tr -d '\r' >&2; exit 1; }
log "done in $((SECONDS - t0))s (prepare ${prepare_s}s, VM ${vm_s}s): $outdir/host.xt $(stat -c %s "$outdir/host.xt") bytes"
