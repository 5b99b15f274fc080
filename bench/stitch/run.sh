#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# bench/stitch/run.sh -i PATCHED.xt [-s "1024 4096"] - stitcher throughput
# and peak RSS: `hvpath report` (read, merge across pCPUs, stitch, histogram)
# against xenalyze --summary on the same replicated lab trace, same run.
# Give a trace from the patched hypervisor (hvpath lab run --xen patched);
# a stock trace has no clock records, so --cpu-hz is passed as well.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
input="" sizes="1024 4096"
while getopts "i:s:" o; do
    case $o in i) input=$OPTARG ;; s) sizes=$OPTARG ;; *) exit 2 ;; esac
done
[ -n "$input" ] || { echo "usage: $0 -i LAB-TRACE.xt [-s \"MiB ...\"]" >&2; exit 2; }
exec "$top/bench/vs_xenalyze.sh" -i "$input" -s "$sizes" \
    -o "${HVPATH_BUILD:-$top/build}/bench-stitch.json" -- report --json --cpu-hz 1e9
