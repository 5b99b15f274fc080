#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# bench/decode/run.sh [-i REAL.xt] [-s "1024 4096"] - decoder speed and peak
# RSS: `hvpath stats` against xenalyze --summary on the same replicated real
# trace, same run (docs/benchmarks.md).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
input=$top/tests/data/pingpong-small.xt sizes="1024 4096"
while getopts "i:s:" o; do
    case $o in i) input=$OPTARG ;; s) sizes=$OPTARG ;; *) exit 2 ;; esac
done
exec "$top/bench/vs_xenalyze.sh" -i "$input" -s "$sizes" \
    -o "${HVPATH_BUILD:-$top/build}/bench-decode.json" -- stats --json
