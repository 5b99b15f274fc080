#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""chain_diff.py ORIG.jsonl DAMAGED.jsonl - how a damaged trace's chains
compare with the undamaged trace's (both `hvpath script --format jsonl
--include-tracer`).

A chain is known by its first stage (name, pCPU, TSC): the source record.
For every chain the damaged trace calls complete:
  differs       no undamaged chain starts at that record, or the stages
                (name, pCPU, TSC, in order) are not the same
  wrong record  a stage that is not in the undamaged chain with the same
                source: a record joined to the wrong chain
and the end-to-end p50/p99 of complete chains in both traces.

Prints one JSON object: complete, differing, wrong_records, incomplete,
suspected_silent_loss, and the percentiles (ns).
"""
import json
import sys

SILENT = {"no_kick", "no_predecessor", "stale"}


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


def key(stage):
    return (stage["name"], stage["cpu"], stage["tsc"])


def pct(values, q):
    if not values:
        return 0
    values = sorted(values)
    i = max(0, min(len(values) - 1, int(q * len(values) + 0.999999) - 1))
    return values[i]


def main():
    orig, dmg = load(sys.argv[1]), load(sys.argv[2])
    by_source = {key(c["stages"][0]): c for c in orig if c["stages"]}
    complete = [c for c in dmg if c["outcome"] == "complete" and c["stages"]]
    differing = wrong = 0
    for c in complete:
        o = by_source.get(key(c["stages"][0]))
        mine = [key(s) for s in c["stages"]]
        if o is None or [key(s) for s in o["stages"]] != mine:
            differing += 1
        theirs = set(key(s) for s in o["stages"]) if o else set()
        wrong += sum(1 for k in mine if k not in theirs)
    e2e_orig = [c["total_ns"] for c in orig if c["outcome"] == "complete"]
    e2e_dmg = [c["total_ns"] for c in complete]
    out = {
        "complete_orig": len(e2e_orig),
        "complete": len(complete),
        "differing": differing,
        "differing_pct": round(100.0 * differing / len(complete), 3) if complete else 0.0,
        "wrong_records": wrong,
        "incomplete": sum(1 for c in dmg if c["outcome"] == "incomplete"),
        "suspected_silent_loss": sum(1 for c in dmg if c.get("reason") in SILENT),
        "p50_orig": pct(e2e_orig, 0.5), "p50": pct(e2e_dmg, 0.5),
        "p99_orig": pct(e2e_orig, 0.99), "p99": pct(e2e_dmg, 0.99),
    }
    out["p99_change_pct"] = round(100.0 * (out["p99"] - out["p99_orig"]) / out["p99_orig"], 2) \
        if out["p99_orig"] else 0.0
    print(json.dumps(out))


if __name__ == "__main__":
    main()
