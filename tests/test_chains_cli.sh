#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# test_chains_cli.sh HVPATH MKSYNTH DATADIR - `hvpath script` and `hvpath
# report` on synthetic traces with known chains, and on a real stock trace.
set -u
hvpath=$1 mksynth=$2 data=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# the truth: counts per outcome, from the generator
read -r _ total _ complete _ coalesced _ masked _ dropped _ _ < <("$mksynth" "$tmp/s.xt" 700 0 7)

"$hvpath" report --json "$tmp/s.xt" >"$tmp/r.json" && ok || bad "report --json exit"
python3 - "$tmp/r.json" "$total" "$complete" "$coalesced" "$masked" "$dropped" <<'PY' && ok || bad "report counts != truth"
import json, sys
r = json.load(open(sys.argv[1]))
total, complete, coalesced, masked, dropped = map(int, sys.argv[2:])
c = r["chains"]
assert (c["complete"], c["coalesced"], c["masked"], c["dropped"]) == (complete, coalesced, masked, dropped), c
assert c["incomplete"] == 0 and c["orphan"] == 0, c
assert sum(c.values()) == total
assert r["probes"] is True and r["clock"].startswith("Xen clock records")
inter = [g for g in r["groups"] if g["key"] == {"source": "interdomain"}][0]
e2e = inter["stages"][0]
assert e2e["name"] == "end_to_end" and e2e["count"] == inter["outcomes"]["complete"] + inter["outcomes"]["coalesced"]
assert e2e["p50_ns"] <= e2e["p90_ns"] <= e2e["p99_ns"] <= e2e["p99.9_ns"] <= e2e["max_ns"]
# set_pending is 100 cycles after the source at 2 GHz: 50 ns, within 0.1%
sp = [s for s in inter["stages"] if s["name"] == "set_pending"][0]
assert abs(sp["p50_ns"] - 50) <= 0.05 + 1, sp
PY

"$hvpath" script --format jsonl "$tmp/s.xt" >"$tmp/s.jsonl" && ok || bad "script jsonl exit"
python3 - "$tmp/s.jsonl" "$total" "$tmp/r.json" <<'PY' && ok || bad "script jsonl content"
import json, sys
chains = [json.loads(l) for l in open(sys.argv[1])]
assert len(chains) == int(sys.argv[2]), len(chains)
for c in chains:
    assert c["source"] in ("pirq", "interdomain", "ipi", "virq", "bind", "unmask", "vcpu_info", "unknown")
    assert c["outcome"] in ("complete", "coalesced", "masked", "dropped", "incomplete", "orphan")
    ts = [s["tsc"] for s in c["stages"]]
    assert ts == sorted(ts), c
    assert c["total_ns"] == c["stages"][-1]["ns"] - c["stages"][0]["ns"] or abs(c["total_ns"] - (c["stages"][-1]["ns"] - c["stages"][0]["ns"])) <= 1
# the report's exemplar for the interdomain max is that chain, with that latency
r = json.load(open(sys.argv[3]))
inter = [g for g in r["groups"] if g["key"] == {"source": "interdomain"}][0]["stages"][0]
ex = [c for c in chains if c["id"] == inter["max_id"]][0]
assert ex["total_ns"] == inter["max_ns"], (ex, inter)
PY
id=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["groups"][0]["stages"][0]["p99_id"])' "$tmp/r.json")
n=$("$hvpath" script --id "$id" --format jsonl "$tmp/s.xt" | wc -l)
[ "$n" = 1 ] && ok || bad "script --id $id printed $n chains"
"$hvpath" script --source pirq --format jsonl "$tmp/s.xt" | python3 -c '
import json, sys
cs = [json.loads(l) for l in sys.stdin]
assert cs and all(c["source"] == "pirq" and c["outcome"] == "dropped" for c in cs)' && ok || bad "--source pirq"
"$hvpath" script --min-latency 3us --format jsonl "$tmp/s.xt" | python3 -c '
import json, sys
cs = [json.loads(l) for l in sys.stdin]
assert cs and all(c["total_ns"] >= 3000 for c in cs)' && ok || bad "--min-latency"
"$hvpath" report --hist --sort source,dom "$tmp/s.xt" >"$tmp/out" && grep -q "source=interdomain dom=1" "$tmp/out" && grep -q "|@" "$tmp/out" && ok || bad "report --hist --sort"
"$hvpath" report --sort frob "$tmp/s.xt" >/dev/null 2>&1; [ $? = 2 ] && ok || bad "--sort frob is a usage error"

# 10% loss: nothing false, gaps reported
read -r _ total _ _ _ _ _ _ _ _ _ affected < <("$mksynth" "$tmp/l.xt" 700 10 3)
"$hvpath" report --json "$tmp/l.xt" | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert r["lost"] > 0 and r["chains"]["incomplete"] > 0, r["chains"]' && ok || bad "lossy report"

# a stock trace has no clock records: refuse without --cpu-hz, work with it
real=$data/pingpong-small.xt
"$hvpath" report "$real" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "cpu-hz" "$tmp/err" && [ ! -s "$tmp/out" ] && ok || bad "stock trace without --cpu-hz: rc $rc $(cat "$tmp/err")"
"$hvpath" report --cpu-hz 2.4e9 "$real" >"$tmp/out" 2>"$tmp/err" && grep -q "stock hypervisor" "$tmp/out" && ok || bad "stock report: $(cat "$tmp/err")"
"$hvpath" script "$tmp/nope.xt" 2>"$tmp/err"; [ $? = 1 ] && grep -q "nope.xt" "$tmp/err" && ok || bad "missing file"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
