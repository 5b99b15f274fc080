#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# test_diff.sh HVPATH MKSYNTH DATADIR - `hvpath diff` against `hvpath report`:
#   same       a trace against itself: every count and percentile equal on
#              both sides, every delta 0
#   report     the real PVH trace against a synthetic one (groups in one
#              only, stages in one only): each side's numbers are exactly
#              what `hvpath report --json` prints for that trace, and each
#              delta is (new - old) / old of them
#   p          Mann-Whitney U per stage: against itself p = 1 and nothing
#              significant; otherwise U in [0, n_old * n_new], p in [0, 1],
#              marked significant exactly below 0.01, none under 8 a side
#   text       the table names both files, each group and "only in" ones;
#              a run's directory stands for its host.xt
#   failures   one trace or three: exit 2; a NEW that is not a trace: exit
#              1, its name, nothing on stdout
set -u
hvpath=$1 mksynth=$2 data=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
real=$data/pingpong-domu-small.xt
"$mksynth" "$tmp/s.xt" 700 0 7 >/dev/null || bad "mksynth"

for sort in source source,dom,port,vcpu; do
    "$hvpath" diff --json --sort $sort "$real" "$real" >"$tmp/same.json" && ok || bad "diff same exit"
    "$hvpath" diff --json --sort $sort "$real" "$tmp/s.xt" >"$tmp/d.json" && ok || bad "diff exit"
    "$hvpath" report --json --sort $sort "$real" >"$tmp/ra.json" && ok || bad "report a"
    "$hvpath" report --json --sort $sort "$tmp/s.xt" >"$tmp/rb.json" && ok || bad "report b"
    python3 - "$tmp" <<'PY' && ok || bad "diff --sort $sort disagrees with report"
import json, sys
t = sys.argv[1]
same, d = json.load(open(t + "/same.json")), json.load(open(t + "/d.json"))
ra, rb = json.load(open(t + "/ra.json")), json.load(open(t + "/rb.json"))
qs = ["p50", "p90", "p99", "p99.9", "max"]
fails = []
for g in same["groups"]:
    if g["chains"][0] != g["chains"][1]:
        fails.append("same: chains %s" % g["chains"])
    for s in g["stages"]:
        # a trace against itself: U at its mean, p 1, nothing significant
        if s["significant"] or (s["p_value"] is not None and s["p_value"] < 0.99) or \
           (s["p_value"] is None and s["count"][0] >= 8):
            fails.append("same: %s %s p %s" % (g["key"], s["name"], s["p_value"]))
        for q in qs:
            if s[q + "_ns"][0] != s[q + "_ns"][1] or s[q + "_delta_pct"] not in (0, None):
                fails.append("same: %s %s %s %s" % (g["key"], s["name"], q, s))
def key(k):
    return json.dumps(k, sort_keys=True)
rep = [{key(g["key"]): g for g in r["groups"]} for r in (ra, rb)]
seen = [set(), set()]
for g in d["groups"]:
    k = key(g["key"])
    for side in (0, 1):
        rg = rep[side].get(k)
        if rg is None:
            if g["chains"][side] is not None:
                fails.append("%s: side %d has no such group" % (k, side))
            continue
        seen[side].add(k)
        if g["chains"][side] != rg["chains"]:
            fails.append("%s: chains %s vs report %d" % (k, g["chains"], rg["chains"]))
        rs = {s["name"]: s for s in rg["stages"]}
        for s in g["stages"]:
            r = rs.get(s["name"])
            if r is None:
                if s["count"][side] is not None:
                    fails.append("%s %s: side %d has no such stage" % (k, s["name"], side))
                continue
            if s["count"][side] != r["count"]:
                fails.append("%s %s: count %s vs %d" % (k, s["name"], s["count"], r["count"]))
            for q in qs:
                if s[q + "_ns"][side] != r[q + "_ns"]:
                    fails.append("%s %s %s: %s vs %d" % (k, s["name"], q, s[q + "_ns"], r[q + "_ns"]))
        if len([s for s in g["stages"] if s["count"][side] is not None]) != len(rg["stages"]):
            fails.append("%s: side %d stages differ from the report's" % (k, side))
    for s in g["stages"]:
        o, n = s["p50_ns"]
        want = None if o in (None, 0) or n is None else round((n - o) * 100.0 / o, 2)
        got = s["p50_delta_pct"]
        if (want is None) != (got is None) or (want is not None and abs(got - want) > 0.006):
            fails.append("%s %s: delta %s, want %s" % (k, s["name"], got, want))
    for s in g["stages"]:
        both = None not in s["count"]
        if both and min(s["count"]) >= 8:
            if not (0 <= s["p_value"] <= 1) or s["significant"] != (s["p_value"] < 0.01) or \
               not (0 <= s["mann_whitney_u"] <= s["count"][0] * s["count"][1]):
                fails.append("%s %s: U %s p %s" % (k, s["name"], s["mann_whitney_u"], s["p_value"]))
        elif s["p_value"] is not None or s["significant"]:
            fails.append("%s %s: a p-value without two sides of 8" % (k, s["name"]))
for side in (0, 1):
    if seen[side] != set(rep[side]):
        fails.append("side %d: groups %s, report %s" % (side, sorted(seen[side]), sorted(rep[side])))
if not any(None in g["chains"] for g in d["groups"]):
    fails.append("no group found in one trace only: the test does not test that")
for f in fails[:10]:
    print("  " + f)
sys.exit(1 if fails else 0)
PY
done

"$hvpath" diff "$real" "$tmp/s.xt" >"$tmp/d.txt" && ok || bad "diff text exit"
grep -q "^# hvpath diff: $real (old) -> $tmp/s.xt (new)" "$tmp/d.txt" && ok || bad "text: no file names"
grep -q "^# source=interdomain: " "$tmp/d.txt" && grep -q "(only in old)" "$tmp/d.txt" && ok ||
    bad "text: groups"
grep -q "^    end-to-end " "$tmp/d.txt" && ok || bad "text: no end-to-end row"
grep -q "^# p: Mann-Whitney U" "$tmp/d.txt" && ok || bad "text: no word on p"
# a run's directory is its host.xt
mkdir -p "$tmp/run" && cp "$real" "$tmp/run/host.xt"
"$hvpath" diff --json "$real" "$tmp/run" >"$tmp/dir.json" && ok || bad "diff with a run directory"
grep -q '"new":"'"$tmp"'/run/host.xt"' "$tmp/dir.json" && ok || bad "a run directory: not its host.xt"

"$hvpath" diff "$real" 2>/dev/null; [ $? = 2 ] && ok || bad "one trace: not exit 2"
"$hvpath" diff "$real" "$real" "$real" 2>/dev/null; [ $? = 2 ] && ok || bad "three traces: not exit 2"
printf 'no trace\n' >"$tmp/junk.xt"
"$hvpath" diff "$real" "$tmp/junk.xt" >"$tmp/out" 2>"$tmp/err"
[ $? = 1 ] && grep -q "junk.xt" "$tmp/err" && [ ! -s "$tmp/out" ] && ok ||
    bad "a NEW that is no trace: $(cat "$tmp/err")"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
