#!/usr/bin/env bash
# main-job.sh - what a new user runs first: install and build, boot the real
# Xen 4.17 in the QEMU lab with a PVH guest, trace an event-channel
# ping-pong in dom0, and print what the trace holds.
#
#   scripts/main-job.sh [OUTDIR]       (default: out/pingpong)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/out/pingpong}
"$top/scripts/setup.sh"
hvpath=$top/build/hvpath
"$hvpath" lab run --scenario pingpong --guest pvh -n 1000 -o "$out"
echo
echo "== hvpath stats $out/host.xt"
"$hvpath" stats "$out/host.xt"
