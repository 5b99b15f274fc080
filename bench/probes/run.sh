#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# bench/probes/run.sh [-n ROUND_TRIP_NOTIFICATIONS] [-k SHIFT] [-r REPEATS] [-q] [-R ROWS]
#
# What the hv-probes cost, measured in the lab under QEMU's -icount (guest
# time advances 2^SHIFT ns per executed instruction, so time is an
# instruction count).  pingpong (dom0 to itself, N notifications) runs on:
#
#   stock   --events off          tracing never enabled (tb_init_done == 0)
#   patched --events off          the same with the probes compiled in
#   patched --events 0x00808000   the hvpath records only, xentrace running
#   stock   --events 0x0080f000   tracing on, TRC_HW only (stock: TRC_HW_IRQ)
#   patched --events 0x0080f000   ... plus every hvpath record
#
# -q runs only the two rows of the contract (patched off, patched hvpath).
# -R "XEN:EVENTS ..." runs the rows given instead (XEN stock or patched,
# EVENTS off or a mask that selects some record: the lab fails a run whose
# trace is empty), e.g. -R "stock:0x0080f000 patched:0x0080f000".  The
# overhead line needs the rows patched:off and patched:0x00808000.
# The last line is the observer effect: what turning the hvpath records on
# adds to a round trip (records written, xentrace's wake-ups and its own
# work in dom0), against tracing off on the same hypervisor:
#
#   overhead: X% of the round trip, Y instructions per record, Z records per round trip
#
# -icount is not repeatable run to run with 2 vCPUs (docs/lab.md): each
# configuration runs REPEATS times and the spread (min .. max) is printed
# with the mean.  HVPATH_PROBES_XEN=PATH measures that hypervisor as
# "patched" (default: the one hv-probes/build-xen.sh builds).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
hvpath=${HVPATH_BUILD:-$top/build}/hvpath
patched=${HVPATH_PROBES_XEN:-patched}
n=2000 shift_=3 repeats=2 quick=0
rows="stock:off patched:off patched:0x00808000 stock:0x0080f000 patched:0x0080f000"
while getopts "n:k:r:qR:" o; do
    case $o in n) n=$OPTARG ;; k) shift_=$OPTARG ;; r) repeats=$OPTARG ;; q) quick=1 ;;
               R) rows=$OPTARG ;; *) exit 2 ;; esac
done
((quick)) && rows="patched:off patched:0x00808000"
work=$(mktemp -d "${TMPDIR:-/tmp}/hvpath-probes.XXXXXX")
trap 'rm -rf "$work"' EXIT
results=${HVPATH_BUILD:-$top/build}/bench-probes.json

# Repeats interleaved (row 1, row 2, ..., row 1, row 2, ...) so that a
# drift of the machine during the run touches every row alike.
for i in $(seq "$repeats"); do
    for row in $rows; do
        xen=${row%%:*} ev=${row#*:}
        d=$work/$xen-$ev-$i
        x=$xen; [[ $xen == patched ]] && x=$patched
        "$hvpath" lab run --xen "$x" --events "$ev" --icount "$shift_" \
            --scenario pingpong -n "$n" -o "$d" >"$work/log" 2>&1 ||
            { tail -20 "$work/log"; exit 1; }
        if [ -s "$d/host.xt" ]; then
            "$hvpath" stats --json "$d/host.xt" >"$d/stats.json"
        fi
    done
done

python3 - "$work" "$shift_" "$repeats" "$results" "$rows" <<'PY'
import json, os, statistics, sys
work, shift, repeats, results = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
order = [tuple(r.split(":")) for r in sys.argv[5].split()]
ns_per_insn = 2 ** shift
rows = {}
for xen, ev in order:
    rtts, recs, lost = [], [], 0
    for i in range(1, repeats + 1):
        d = "%s/%s-%s-%d" % (work, xen, ev, i)
        m = json.load(open(d + "/manifest.json"))
        rtts.append(m["rtt_ns_mean"] / ns_per_insn)
        if os.path.exists(d + "/stats.json"):
            st = json.load(open(d + "/stats.json"))
            hvp = sum(c for e, c in st["events"].items() if e.startswith("0x00808"))
            recs.append(hvp / m["round_trips"])
            lost += st.get("lost", 0)
    rows[(xen, ev)] = {"mean_insn": statistics.mean(rtts), "min": min(rtts), "max": max(rtts),
                       "hvpath_records_per_rt": statistics.mean(recs) if recs else 0.0,
                       "lost_records": lost}
print("mean pingpong round trip in instructions (-icount shift %d, %d runs each):" % (shift, repeats))
for (xen, ev), r in rows.items():
    print("  %-8s --events %-11s %10.0f  (%.0f .. %.0f)  hvpath records/round trip %.1f%s"
          % (xen, ev, r["mean_insn"], r["min"], r["max"], r["hvpath_records_per_rt"],
             "  (%d records lost)" % r["lost_records"] if r["lost_records"] else ""))
out = {"shift": shift, "repeats": repeats,
       "rows": {"%s %s" % k: v for k, v in rows.items()}}
def delta(a, b):
    return rows[a]["mean_insn"] - rows[b]["mean_insn"] if a in rows and b in rows else None
off = delta(("patched", "off"), ("stock", "off"))
if off is not None:
    print("tracing off: patched - stock = %+.0f instructions per round trip" % off)
    out["off_delta_insn_per_rt"] = off
hw = delta(("patched", "0x0080f000"), ("stock", "0x0080f000"))
if hw is not None:
    n = rows[("patched", "0x0080f000")]["hvpath_records_per_rt"]
    print("TRC_HW on:   patched - stock = %+.0f instructions per round trip, %.0f per hvpath record"
          % (hw, hw / n if n else 0))
    out["hw_delta_insn_per_rt"] = hw
for k, r in rows.items():
    d = delta(k, ("patched", "off"))
    if d is not None and k[0] == "patched" and k[1] not in ("off", "0x00808000"):
        print("patched --events %s: %+.0f instructions per round trip against tracing off"
              % (k[1], d))
if ("patched", "off") not in rows or ("patched", "0x00808000") not in rows:
    json.dump(out, open(results, "w"), indent=1)
    print("results:", results)
    sys.exit(0)
base, on = rows[("patched", "off")], rows[("patched", "0x00808000")]
add = on["mean_insn"] - base["mean_insn"]
# The spread of the difference: the widest and narrowest gap the runs allow.
lo, hi = on["min"] - base["max"], on["max"] - base["min"]
recs = on["hvpath_records_per_rt"]
pct = 100.0 * add / base["mean_insn"]
out.update({"overhead_pct": pct, "overhead_insn_per_rt": add, "overhead_insn_range": [lo, hi],
            "insn_per_record": add / recs if recs else 0.0, "records_per_rt": recs})
json.dump(out, open(results, "w"), indent=1)
print("hvpath records on: %+.0f instructions per round trip (runs allow %+.0f .. %+.0f)" % (add, lo, hi))
print("results:", results)
print("overhead: %.1f%% of the round trip, %.0f instructions per record, %.1f records per round trip"
      % (pct, add / recs if recs else 0.0, recs))
PY
