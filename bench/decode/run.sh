#!/usr/bin/env bash
# bench/decode/run.sh - decoder speed and memory against xenalyze, same run.
#
#   bench/decode/run.sh [-i REAL.xt] [-s "1024 4096"] [-o results.json]
#
# Builds large traces (sizes in MiB) from a real lab trace with xt_replicate
# (every copy's TSCs shifted by the trace span, so the file reads as one long
# trace), warms the page cache, then times on each file:
#   hvpath stats --json FILE
#   xenalyze --svm-mode --tolerance=6 --summary FILE   (its closest full pass)
# and prints records/s, MB/s, peak RSS and the speed ratio.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${HVPATH_BUILD:-$top/build}
input=$top/tests/data/pingpong-small.xt
sizes="1024 4096"
results=$build/bench-decode.json
while getopts "i:s:o:" o; do
    case $o in
    i) input=$OPTARG ;;
    s) sizes=$OPTARG ;;
    o) results=$OPTARG ;;
    *) echo "usage: $0 [-i REAL.xt] [-s \"MiB ...\"] [-o results.json]" >&2; exit 2 ;;
    esac
done
command -v xenalyze >/dev/null || { echo "xenalyze not found (xen-utils-common)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/hvpath-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "[]" >"$results"
printf '%-6s %-9s %8s %14s %10s %10s\n' MiB tool wall_s records/s MB/s peak_MiB
for mib in $sizes; do
    f=$work/big-$mib.xt
    "$build/xt_replicate" "$input" "$f" "$mib" >/dev/null
    cat "$f" >/dev/null                         # page cache: measure the decoder, not the disk
    records=$("$build/hvpath" stats --json "$f" | python3 -c 'import json,sys; print(json.load(sys.stdin)["records"])')
    bytes=$(stat -c %s "$f")
    h=$(python3 "$top/bench/measure.py" "$build/hvpath" stats --json "$f")
    x=$(python3 "$top/bench/measure.py" xenalyze --svm-mode --tolerance=6 --summary "$f")
    python3 - "$results" "$mib" "$bytes" "$records" "$h" "$x" <<'PY'
import json, sys
path, mib, nbytes, records = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
h, x = json.loads(sys.argv[5]), json.loads(sys.argv[6])
rows = json.load(open(path))
for tool, m in (("hvpath", h), ("xenalyze", x)):
    print("%-6d %-9s %8.3f %14.0f %10.0f %10.1f%s" % (
        mib, tool, m["wall_s"], records / m["wall_s"], nbytes / 1e6 / m["wall_s"],
        m["maxrss_kb"] / 1024, "" if m["exit"] == 0 else "  (exit %d)" % m["exit"]))
ratio = x["wall_s"] / h["wall_s"]
print("%-6d ratio     hvpath stats is %.1fx faster than xenalyze --summary" % (mib, ratio))
rows.append({"mib": mib, "bytes": nbytes, "records": records, "hvpath": h,
             "xenalyze": x, "speed_ratio": round(ratio, 2)})
json.dump(rows, open(path, "w"), indent=1)
PY
    rm -f "$f"
done
echo "results: $results"
