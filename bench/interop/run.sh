#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# bench/interop/run.sh [-i REAL.xt] [-s MIB (256)] - the interop paths against their
# peer, on the same events in the same run (docs/benchmarks.md):
#   - `hvpath stats` reading the xentrace file, against babeltrace2 reading
#     the same records as CTF (written by the plugin's source through
#     sink.ctf.fs) into sink.utils.counter: both rates and the ratio;
#   - babeltrace2 reading the xentrace file through source.hvpath.xentrace
#     into the counter (the plugin's own rate);
#   - `hvpath convert --to perfetto` and `--to chrome-json`: chains/s.
# The input, a patched trace, is replicated to MIB (xt_replicate) and read
# from the page cache.  Results in build/bench-interop.json.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${HVPATH_BUILD:-$top/build}
input=$top/tests/data/pingpong-domu-small.xt mib=256
while getopts "i:s:" o; do
    case $o in i) input=$OPTARG ;; s) mib=$OPTARG ;; *) exit 2 ;; esac
done
plugins=$build/bt2-plugins
command -v babeltrace2 >/dev/null || { echo "babeltrace2 not found (apt-get install babeltrace2)" >&2; exit 1; }
[ -f "$plugins/babeltrace-plugin-hvpath.so" ] || { echo "no $plugins/babeltrace-plugin-hvpath.so (libbabeltrace2-dev)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/hvpath-bench-interop.XXXXXX")
trap 'rm -rf "$work"' EXIT
m() { python3 "$top/bench/measure.py" "$@"; }

f=$work/big.xt
"$build/xt_replicate" "$input" "$f" "$mib" >/dev/null
records=$("$build/hvpath" stats --json "$f" | python3 -c 'import json,sys; print(json.load(sys.stdin)["records"])')
chains=$("$build/hvpath" report --json "$f" | python3 -c 'import json,sys; print(sum(json.load(sys.stdin)["chains"].values()))')
src="inputs=[\"$f\"]"
w=$(m babeltrace2 --plugin-path="$plugins" -c source.hvpath.xentrace --params="$src" -o ctf -w "$work/ctf")
cat "$f" >/dev/null
find "$work/ctf" -type f -exec cat {} + >/dev/null
counted=$(babeltrace2 "$work/ctf" -c sink.utils.counter --params='step=+0' 2>/dev/null |
          awk '/ Event messages/ { gsub(",", "", $1); n = $1 } END { print n }')
h=$(m "$build/hvpath" stats --json "$f")
c=$(m babeltrace2 "$work/ctf" -c sink.utils.counter)
p=$(m babeltrace2 --plugin-path="$plugins" -c source.hvpath.xentrace --params="$src" -c sink.utils.counter)
pf=$(m "$build/hvpath" convert --to perfetto "$f" -o "$work/t.pftrace")
cj=$(m "$build/hvpath" convert --to chrome-json "$f" -o "$work/t.json")
python3 - "$build/bench-interop.json" "$mib" "$records" "$chains" "$counted" "$h" "$c" "$p" "$w" "$pf" "$cj" <<'PY'
import json, sys
out, mib, records, chains, counted = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
h, c, p, w, pf, cj = (json.loads(a) for a in sys.argv[6:12])
print("%d MiB replicated trace: %d records, %d chains; babeltrace2's counter counts %s events in the CTF"
      % (mib, records, chains, counted or "?"))
print("%-44s %8s %14s %10s" % ("", "wall_s", "rate", "peak_MiB"))
def row(name, m, n, unit):
    wall = max(m["wall_s"], 1e-3)
    print("%-44s %8.2f %10.0f %s %10.1f%s" % (name, m["wall_s"], n / wall, unit,
          m["maxrss_kb"] / 1024, "" if m["exit"] == 0 else "  (exit %d)" % m["exit"]))
row("hvpath stats (xentrace)", h, records, "rec/s")
row("babeltrace2 CTF -> sink.utils.counter", c, records, "rec/s")
row("babeltrace2 source.hvpath.xentrace -> counter", p, records, "rec/s")
row("babeltrace2 source.hvpath.xentrace -> CTF", w, records, "rec/s")
row("hvpath convert --to perfetto", pf, chains, "ch/s ")
row("hvpath convert --to chrome-json", cj, chains, "ch/s ")
ratio = c["wall_s"] / max(h["wall_s"], 1e-3)
print("ratio: hvpath stats reads the records %.1fx as fast as babeltrace2 reads them as CTF" % ratio)
json.dump({"mib": mib, "records": records, "chains": chains, "ctf_events": counted,
           "hvpath_stats": h, "babeltrace2_ctf_counter": c, "babeltrace2_plugin_counter": p,
           "babeltrace2_plugin_to_ctf": w, "convert_perfetto": pf, "convert_chrome_json": cj,
           "stats_vs_ctf_ratio": round(ratio, 2)}, open(out, "w"), indent=1)
print("results: " + out)
PY
