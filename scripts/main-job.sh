#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# main-job.sh - what a new user runs first: install and build, build Xen 4.17
# with the hv-probes series, boot it in the QEMU lab with a PVH guest, trace
# an event-channel ping-pong in dom0 with the records the chains use
# (--events hot), print the per-stage report of the event hot path, and
# write the chains as a Perfetto timeline.
#
#   scripts/main-job.sh [OUTDIR]       (default: out/pingpong)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/out/pingpong}
"$top/scripts/setup.sh"
hvpath=$top/build/hvpath
"$hvpath" lab run --xen patched --scenario pingpong --guest pvh -n 1000 --events hot -o "$out"
echo
echo "== hvpath report $out/host.xt"
"$hvpath" report "$out/host.xt"
echo
"$hvpath" convert --to perfetto "$out/host.xt" -o "$out/host.pftrace"
echo "== the chains as a timeline: open $out/host.pftrace in https://ui.perfetto.dev"
