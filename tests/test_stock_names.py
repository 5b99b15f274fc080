#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""test_stock_names.py HVPATH TRACE... - every record of a real trace has a
name: `hvpath dump --format jsonl` must print no record with "name": null.
Fails listing each unnamed event id with its count, so a record Xen writes
that decoder/stock_events.def lacks shows up here.  Also checks that
runstate changes (a family: the states are in the id) print their vcpu, dom
and named old and new states in the text dump."""
import collections
import json
import re
import subprocess
import sys

RUNSTATE = re.compile(r"\sTRC_SCHED_RUNSTATE_CHANGE\s+vcpu=\d+ dom=\d+ "
                      r"old=\d+\((running|runnable|blocked|offline)\) "
                      r"new=\d+\((running|runnable|blocked|offline)\)$")


def main():
    hvpath, traces = sys.argv[1], sys.argv[2:]
    if not traces:
        print("usage: test_stock_names.py HVPATH TRACE...", file=sys.stderr)
        return 2
    failures = 0
    for path in traces:
        dump = subprocess.run([hvpath, "dump", "--format", "jsonl", path],
                              capture_output=True, text=True, check=True).stdout.splitlines()
        unnamed = collections.Counter()
        misread = []
        runstate = 0
        for line in dump:
            r = json.loads(line)
            if r["name"] is None:
                unnamed[r["event"]] += 1
            elif r["name"] == "TRC_SCHED_RUNSTATE_CHANGE":
                runstate += 1
                ev = int(r["event"], 16)
                want = {"vcpu": r["extra"][0] & 0xffff, "dom": r["extra"][0] >> 16,
                        "old": (ev >> 8) & 0xf, "new": (ev >> 4) & 0xf}
                if r["fields"] != want:
                    misread.append("byte %d: %s fields %s, want %s"
                                   % (r["offset"], r["event"], r["fields"], want))
        problems = ["unnamed %s: %d records" % (ev, n) for ev, n in sorted(unnamed.items())]
        problems += misread[:5]
        if misread:
            problems.append("%d runstate records misread" % len(misread))
        if runstate:
            text = subprocess.run([hvpath, "dump", path], capture_output=True, text=True,
                                  check=True).stdout.splitlines()
            shown = [l for l in text if "TRC_SCHED_RUNSTATE_CHANGE" in l]
            bad = [l for l in shown if not RUNSTATE.search(l)]
            if len(shown) != runstate or bad:
                problems.append("text dump: %d of %d runstate lines read wrong, e.g. %r"
                                % (len(bad) + abs(len(shown) - runstate), runstate,
                                   bad[0] if bad else ""))
        print("%s: %s: %d records, %d unnamed, %d runstate changes" % (
            "FAIL" if problems else "ok", path, len(dump), sum(unnamed.values()), runstate))
        for p in problems:
            print("   " + p)
        failures += bool(problems)
    print("%d passed, %d failed" % (len(traces) - failures, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
