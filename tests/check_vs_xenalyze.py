#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""check_vs_xenalyze.py HVPATH TRACE... - every record of a real trace, as
hvpath reads it, against what Debian's xenalyze reads from the same bytes.

xenalyze --dump-raw-reads prints each raw record it reads: pCPU, file offset,
event, extra-word count, TSC ('-' when the record has none) and the words.
For every file offset the two readers must agree on all of these, both must
see the same set of offsets, hvpath's stats must count the same records and
windows, and hvpath's merged order must never go back in TSC."""
import json
import re
import subprocess
import sys

RAW = re.compile(r"^R p\s*(\d+) o([0-9a-f]+)\s+([0-9a-f]+) (\d)\s+(-|\d+) \[([0-9a-f ]*)\]")


def xenalyze_records(path):
    out = subprocess.run(["xenalyze", "--svm-mode", "--dump-raw-reads", path],
                         capture_output=True, text=True, check=True).stdout
    # xenalyze reads some window headers twice (once to find the pCPUs):
    # count each header offset once
    recs, windows = {}, set()
    for line in out.splitlines():
        m = RAW.match(line)
        if not m:
            continue
        cpu, off, ev, n, tsc, words = m.groups()
        ev = int(ev, 16)
        if ev == 0x1f003:
            windows.add(int(off, 16))
            continue
        recs[int(off, 16)] = (int(cpu), ev, int(n), None if tsc == "-" else int(tsc),
                              [int(w, 16) for w in words.split()])
    return recs, len(windows)


def main():
    hvpath, traces = sys.argv[1], sys.argv[2:]
    failures = 0
    for path in traces:
        xa, xa_windows = xenalyze_records(path)
        st = json.loads(subprocess.run([hvpath, "stats", "--json", path], capture_output=True,
                                       text=True, check=True).stdout)
        dump = subprocess.run([hvpath, "dump", "--format", "jsonl", path], capture_output=True,
                              text=True, check=True).stdout.splitlines()
        hv = {}
        last_tsc = -1
        backwards = 0
        for line in dump:
            r = json.loads(line)
            hv[r["offset"]] = (r["cpu"], int(r["event"], 16), len(r["extra"]),
                               None if r["tsc_inherited"] else r["tsc"], r["extra"])
            if r["tsc"] < last_tsc:
                backwards += 1
            last_tsc = r["tsc"]
        problems = []
        if set(hv) != set(xa):
            problems.append("offsets differ: %d only in hvpath, %d only in xenalyze"
                            % (len(set(hv) - set(xa)), len(set(xa) - set(hv))))
        mismatched = [o for o in set(hv) & set(xa) if hv[o] != xa[o]]
        for o in sorted(mismatched)[:5]:
            problems.append("byte %d: hvpath %s, xenalyze %s" % (o, hv[o], xa[o]))
        if mismatched:
            problems.append("%d records decode differently" % len(mismatched))
        if st["records"] != len(xa):
            problems.append("stats records %d, xenalyze %d" % (st["records"], len(xa)))
        if st["windows"] != xa_windows:
            problems.append("stats windows %d, xenalyze %d" % (st["windows"], xa_windows))
        if backwards and not st["tsc_backwards"]:
            problems.append("merged order goes back in TSC %d times" % backwards)
        status = "ok" if not problems else "FAIL"
        print("%s: %s: %d records, %d windows, %d pCPUs, lost %d" % (
            status, path, st["records"], st["windows"], len(st["cpus"]), st["lost"]))
        for p in problems:
            print("   " + p)
        failures += bool(problems)
    print("%d passed, %d failed" % (len(traces) - failures, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
