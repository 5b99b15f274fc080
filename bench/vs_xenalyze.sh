#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# vs_xenalyze.sh - time an hvpath command against xenalyze on the same large
# trace, in the same run.  The engine of bench/decode and bench/stitch.
#
#   bench/vs_xenalyze.sh -i REAL.xt -s "MiB ..." -o results.json -- HVPATH-ARGS...
#
# For each size: replicate the real trace to that size (xt_replicate: TSCs
# shifted per copy, a TRC_LOST_RECORDS per pCPU at each copy boundary), warm
# the page cache, then time `hvpath HVPATH-ARGS FILE` and
# `xenalyze --svm-mode --tolerance=6 --summary FILE` (xenalyze's closest full
# pass), printing records/s, MB/s, peak RSS and the ratio.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${HVPATH_BUILD:-$top/build}
input="" sizes="1024 4096" results=""
while getopts "i:s:o:" o; do
    case $o in
    i) input=$OPTARG ;;
    s) sizes=$OPTARG ;;
    o) results=$OPTARG ;;
    *) exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ "${1:-}" = "--" ] && shift
[ -n "$input" ] && [ -n "$results" ] && [ $# -gt 0 ] ||
    { echo "usage: $0 -i REAL.xt [-s \"MiB ...\"] -o results.json -- HVPATH-ARGS..." >&2; exit 2; }
command -v xenalyze >/dev/null || { echo "xenalyze not found (xen-utils-common)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/hvpath-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "[]" >"$results"
echo "hvpath $* vs xenalyze --svm-mode --tolerance=6 --summary, input $input"
printf '%-6s %-9s %8s %14s %10s %10s\n' MiB tool wall_s records/s MB/s peak_MiB
for mib in $sizes; do
    f=$work/big-$mib.xt
    "$build/xt_replicate" "$input" "$f" "$mib" >/dev/null
    cat "$f" >/dev/null                         # page cache: time the readers, not the disk
    records=$("$build/hvpath" stats --json "$f" | python3 -c 'import json,sys; print(json.load(sys.stdin)["records"])')
    bytes=$(stat -c %s "$f")
    h=$(python3 "$top/bench/measure.py" "$build/hvpath" "$@" "$f")
    x=$(python3 "$top/bench/measure.py" xenalyze --svm-mode --tolerance=6 --summary "$f")
    python3 - "$results" "$mib" "$bytes" "$records" "$h" "$x" <<'PY'
import json, sys
path, mib, nbytes, records = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
h, x = json.loads(sys.argv[5]), json.loads(sys.argv[6])
rows = json.load(open(path))
for tool, m in (("hvpath", h), ("xenalyze", x)):
    wall = max(m["wall_s"], 1e-3)
    print("%-6d %-9s %8.3f %14.0f %10.0f %10.1f%s" % (
        mib, tool, m["wall_s"], records / wall, nbytes / 1e6 / wall,
        m["maxrss_kb"] / 1024, "" if m["exit"] == 0 else "  (exit %d)" % m["exit"]))
ratio = x["wall_s"] / max(h["wall_s"], 1e-3)
print("%-6d ratio     hvpath is %.1fx faster than xenalyze" % (mib, ratio))
rows.append({"mib": mib, "bytes": nbytes, "records": records, "hvpath": h,
             "xenalyze": x, "speed_ratio": round(ratio, 2)})
json.dump(rows, open(path, "w"), indent=1)
PY
    rm -f "$f"
done
echo "results: $results"
