#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# bench/probes/run.sh [-n ROUND_TRIP_NOTIFICATIONS] [-k SHIFT] [-r REPEATS]
#
# What the hv-probes cost, measured in the lab under QEMU's -icount (guest
# time advances 2^SHIFT ns per executed instruction, so time is an
# instruction count).  pingpong (dom0 to itself, N notifications) runs on:
#
#   stock   --events off          tracing never enabled (tb_init_done == 0)
#   patched --events off          the same with the probes compiled in
#   stock   --events 0x0080f000   tracing on, TRC_HW only (stock: TRC_HW_IRQ)
#   patched --events 0x0080f000   ... plus every hvpath record
#
# and reports the mean round trip in instructions for each, the tracing-off
# delta (patched - stock, off) and, tracing on, the extra instructions per
# hvpath record ((patched - stock) / hvpath records per round trip).
# -icount is not repeatable run to run with 2 vCPUs (docs/lab.md): each
# configuration runs REPEATS times and the spread is printed with the mean.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
hvpath=${HVPATH_BUILD:-$top/build}/hvpath
n=2000 shift_=3 repeats=2
while getopts "n:k:r:" o; do
    case $o in n) n=$OPTARG ;; k) shift_=$OPTARG ;; r) repeats=$OPTARG ;; *) exit 2 ;; esac
done
work=$(mktemp -d "${TMPDIR:-/tmp}/hvpath-probes.XXXXXX")
trap 'rm -rf "$work"' EXIT
results=${HVPATH_BUILD:-$top/build}/bench-probes.json

for xen in stock patched; do
    for ev in off 0x0080f000; do
        for i in $(seq "$repeats"); do
            d=$work/$xen-$ev-$i
            "$hvpath" lab run --xen "$xen" --events "$ev" --icount "$shift_" \
                --scenario pingpong -n "$n" -o "$d" >"$work/log" 2>&1 ||
                { tail -20 "$work/log"; exit 1; }
            if [ -s "$d/host.xt" ]; then
                "$hvpath" stats --json "$d/host.xt" >"$d/stats.json"
            fi
        done
    done
done

python3 - "$work" "$shift_" "$repeats" "$results" <<'PY'
import json, os, statistics, sys
work, shift, repeats, results = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
ns_per_insn = 2 ** shift
rows = {}
for xen in ("stock", "patched"):
    for ev in ("off", "0x0080f000"):
        rtts, recs = [], []
        for i in range(1, repeats + 1):
            d = "%s/%s-%s-%d" % (work, xen, ev, i)
            m = json.load(open(d + "/manifest.json"))
            rtts.append(m["rtt_ns_mean"] / ns_per_insn)
            if os.path.exists(d + "/stats.json"):
                st = json.load(open(d + "/stats.json"))
                hvp = sum(c for e, c in st["events"].items() if e.startswith("0x00808"))
                recs.append(hvp / m["round_trips"])
        rows[(xen, ev)] = (statistics.mean(rtts), min(rtts), max(rtts),
                           statistics.mean(recs) if recs else 0.0)
print("mean pingpong round trip in instructions (-icount shift %d, %d runs each):" % (shift, repeats))
for (xen, ev), (mean, lo, hi, rec) in rows.items():
    print("  %-8s --events %-11s %10.0f  (%.0f .. %.0f)  hvpath records/round trip %.1f"
          % (xen, ev, mean, lo, hi, rec))
off = rows[("patched", "off")][0] - rows[("stock", "off")][0]
on = rows[("patched", "0x0080f000")][0] - rows[("stock", "0x0080f000")][0]
per = on / rows[("patched", "0x0080f000")][3] if rows[("patched", "0x0080f000")][3] else 0
print("tracing off: patched - stock = %+.0f instructions per round trip" % off)
print("tracing on:  patched - stock = %+.0f instructions per round trip, %.0f per hvpath record" % (on, per))
json.dump({"shift": shift, "repeats": repeats,
           "rows": {"%s %s" % k: {"mean_insn": v[0], "min": v[1], "max": v[2], "hvpath_records_per_rt": v[3]}
                    for k, v in rows.items()},
           "off_delta_insn_per_rt": off, "on_delta_insn_per_rt": on, "insn_per_record": per},
          open(results, "w"), indent=1)
print("results:", results)
PY
