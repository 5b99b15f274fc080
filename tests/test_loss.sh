#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# test_loss.sh HVPATH XTDAMAGE CHAIN_DIFF TRACE - the stitcher on damaged
# copies of a real patched lab trace (tests/xtdamage.c: 10% of the records
# dropped at random, seeds 1-3), compared with the undamaged trace's chains
# (tests/chain_diff.py):
#   with TRC_LOST_RECORDS markers, as Xen writes them: no record joined to
#   the wrong chain, at most 1% of the complete chains differ from the
#   undamaged ones, and none is blamed on silent loss
#   without markers (silent loss): the broken invariants are found (the
#   report counts suspected silent loss), and fewer chains come out complete
# The figures of every run are printed (docs/report.md, "Lost records").
set -u
hvpath=$1 xtdamage=$2 chain_diff=$3 trace=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

"$hvpath" script --format jsonl --include-tracer "$trace" >"$tmp/orig.jsonl" || exit 1
for seed in 1 2 3; do
    for mode in markers silent; do
        flag=; [ $mode = markers ] && flag=--markers
        "$xtdamage" "$trace" "$tmp/d.xt" 10 $seed $flag >/dev/null || exit 1
        "$hvpath" script --format jsonl --include-tracer "$tmp/d.xt" >"$tmp/d.jsonl" || exit 1
        res=$(python3 "$chain_diff" "$tmp/orig.jsonl" "$tmp/d.jsonl") || exit 1
        echo "10% loss, seed $seed, $mode: $res"
        if [ $mode = markers ]; then
            python3 -c '
import json, sys
r = json.loads(sys.argv[1])
assert r["wrong_records"] == 0, r
assert r["differing_pct"] <= 1.0, r
assert r["suspected_silent_loss"] <= 1, r' "$res" && ok || bad "seed $seed with markers"
        else
            python3 -c '
import json, sys
r = json.loads(sys.argv[1])
assert r["suspected_silent_loss"] > 0, r
assert r["complete"] < r["complete_orig"], r' "$res" && ok || bad "seed $seed silent"
            "$hvpath" report "$tmp/d.xt" | grep -q "^# suspected silent loss: [1-9]" && ok ||
                bad "seed $seed: the report's header does not count suspected silent loss"
        fi
    done
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
