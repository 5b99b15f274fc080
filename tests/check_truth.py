#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""check_truth.py HVPATH TRACE... - the chains of lab traces against the
workload's own figures: the manifest the lab writes beside each trace
(X.manifest.json for X.xt, else manifest.json in the trace's folder).

For a trace of the patched hypervisor (it has the probes' records):
  counts     on every receiving port, chains of source interdomain begun
             inside the workload (complete + coalesced) == what the workload
             received there; never more, whatever was lost
  lossless   with 0 lost records: 0 incomplete and 0 orphan chains in the
             whole trace (the guest's timer VIRQ and dom0's own events too),
             but for at most two still on their way when tracing stopped
  coalesced  every coalesced chain says how it was delivered (via) and, unless
             its port was pending already, the delivery that served it, a
             delivery of the trace
  sources    with 0 lost records, every chain has a source (none unknown)
  vcpu       where the lab bound a port's IRQ to a vCPU (notify_vcpu), every
             chain on that port goes to that vCPU; a cross-vCPU run
             (port_vcpu "cross") has its two directions on different vCPUs
  guest      with a guest in the run, the guest's chains end in the VM-entry
             injection or in its running handler (PVH), not in a PV bounce
  injection  INTR_ASSIST is written at every VM entry: rebuilt from the records
             alone (per vCPU, between one new upcall and the next, the first
             injection of the upcall's vector and the first window are the
             delivery's, later ones repeats), the report's first injections
             and windows equal it and the repeats are counted apart
A stock trace has no chains to count: it is passed over with a note (exit 77
when every trace given is stock).
"""
import collections
import json
import os
import subprocess
import sys


def run_json(*args, lines=False):
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return [json.loads(l) for l in out.splitlines()] if lines else json.loads(out)


def receivers(m):
    """{(dom, port): (received, notify_vcpu or None)} from the manifest"""
    got = {}
    for d in m.get("directions", []):
        to = d["to"]
        got[(to["dom"], to["port"])] = (d["received"], d.get("notify_vcpu"))
    if not got:     # pingpong-domu: dom0 <-> the guest, one port each side
        for r in m.get("receivers", []):
            n = m["dom0_received"] if r["dom"] == 0 else m["guest_received"]
            vcpu = m.get("dom0_port_notify_vcpu") if r["dom"] == 0 else None
            got[(r["dom"], r["port"])] = (n, vcpu)
    return got


def check(hvpath, trace, manifest_path):
    m = json.load(open(manifest_path))
    if m.get("xen_binary") == "stock":
        print("%s: a stock hypervisor's trace (no probe records): no chains to count" % trace)
        return None
    rep = run_json(hvpath, "report", "--json", trace)
    if not rep["probes"]:
        print("FAIL %s: the manifest names a patched hypervisor, the trace has no probe records"
              % trace)
        return 1
    chains = run_json(hvpath, "script", "--format", "jsonl", trace, lines=True)
    t0, t1 = m["workload_tsc_start"], m["workload_tsc_end"]
    checks = []

    def ok(name, good, detail):
        checks.append((name, good, detail))

    for (dom, port), (received, vcpu) in sorted(receivers(m).items()):
        mine = [c for c in chains if c["source"] == "interdomain" and c["dom"] == dom
                and c["port"] == port and t0 <= c["stages"][0]["tsc"] <= t1]
        out = collections.Counter(c["outcome"] for c in mine)
        delivered = out["complete"] + out["coalesced"]
        if rep["lost"] == 0:
            ok("counts d%d:%d" % (dom, port), delivered == received,
               "%d complete + %d coalesced = %d, the workload received %d"
               % (out["complete"], out["coalesced"], delivered, received))
        else:
            ok("counts d%d:%d" % (dom, port), delivered <= received,
               "%d delivered of %d received (%d lost records)"
               % (delivered, received, rep["lost"]))
        if vcpu is not None:
            wrong = [c["id"] for c in mine if c["vcpu"] != vcpu]
            ok("vcpu d%d:%d" % (dom, port), not wrong,
               "all %d to vCPU %d (the IRQ's binding); wrong: %s" % (len(mine), vcpu, wrong[:5]))

    if m.get("port_vcpu") == "cross":
        vcpus = {d.get("notify_vcpu") for d in m.get("directions", [])}
        ok("cross-vCPU", len(vcpus) == 2, "the two directions notify vCPUs %s" % sorted(vcpus, key=str))

    if rep["lost"] == 0:
        # a chain still on its way when tracing stopped is cut by the end
        n = rep["chains"]
        bad = [c["id"] for c in chains if c["outcome"] == "incomplete"
               and c["reason"] != "end_of_trace"]
        end = n["incomplete"] - len(bad)
        ok("lossless", not bad and n["orphan"] == 0 and end <= 2,
           "0 lost records: %d incomplete (e.g. %s) besides %d cut by the end of the "
           "trace, %d orphan, of %d chains" % (len(bad), bad[:5], end, n["orphan"],
                                              sum(n.values())))

    # a port pending already has no delivery of its own (via pending); the
    # others ride on, or were consumed by, a delivery that is in the trace
    deliveries = {c["delivery"] for c in chains if c["outcome"] == "complete"}
    coal = [c for c in chains if c["outcome"] == "coalesced"]
    unnamed = [c["id"] for c in coal if c["via"] is None or
               (c["via"] != "pending" and c["delivery"] not in deliveries)]
    ok("coalesced", not unnamed,
       "%d coalesced, each saying how it was delivered and by which delivery; wrong: %s"
       % (len(coal), unnamed[:5]))
    unknown = [c["id"] for c in chains if c["source"] == "unknown"]
    ok("sources", not unknown or rep["lost"] > 0,
       "every chain has a source (0 lost records); unknown: %s" % unknown[:5])

    guests = {g["domid"] for g in m.get("guests", []) if "domid" in g} or (
        {m["peer_domid"]} if "peer_domid" in m else set())
    for dom in sorted(guests):
        theirs = [c for c in chains if c["dom"] == dom and c["outcome"] == "complete"]
        ends = collections.Counter(c["stages"][-1]["name"] for c in theirs)
        ok("guest d%d" % dom, theirs and "pv_bounce" not in ends,
           "%d complete chains to the guest end in %s" % (len(theirs), dict(ends)))

    if rep["lost"] == 0 and any(g for g in guests):
        want = injections(hvpath, trace)
        got = rep["vmentry"]
        ok("injection", want == (got["injected"], got["reinjections"], got["windows"],
                                 got["window_repeats"]),
           "from the records: %d first injections, %d repeats, %d first windows, %d repeats;"
           " report: %d, %d, %d, %d" % (want + (got["injected"], got["reinjections"],
                                                got["windows"], got["window_repeats"])))

    failed = 0
    for name, good, detail in checks:
        print("%s %-14s %s" % ("ok  " if good else "FAIL", name, detail))
        failed += not good
    return failed


def injections(hvpath, trace):
    """(first injections, repeats, first windows, repeats) rebuilt from the
    records.  Per vCPU, a new upcall (MARK_PENDING coalesced 0) raises one
    vector (its HVM_ASSERT's).  Until the upcall is delivered - the first VM
    entry on a pCPU after an INTR_ASSIST injected that vector there, made
    before or after the upcall opened - the first injection and the first
    window of the vector are the upcall's; once delivered, every injection
    or window of the vector it was delivered with is a repeat (the vector
    raised again, or still blocked), until the next new upcall."""
    out = subprocess.run([hvpath, "dump", "--format", "jsonl", trace], check=True,
                         capture_output=True, text=True).stdout
    up = {}                         # (dom, vcpu) -> its open upcall
    last = {}                       # (dom, vcpu) -> vector of its last delivered one
    entering = {}                   # pCPU -> ((dom, vcpu), vector) injected, not entered
    n = [0, 0, 0, 0]
    for line in out.splitlines():
        r = json.loads(line)
        name, f, cpu = r["name"], r["fields"], r["cpu"]
        key = (f.get("dom"), f.get("vcpu"))
        if name == "TRC_HW_HVPATH_MARK_PENDING" and f["coalesced"] == 0:
            up[key] = {"vec": None, "inj": False, "win": False, "done": False}
        elif name == "TRC_HW_HVPATH_HVM_ASSERT" and key in up and f["vector"]:
            up[key]["vec"] = up[key]["vec"] or f["vector"]
        elif name == "TRC_HW_HVPATH_INTR_ASSIST":
            u, window = up.get(key), f["outcome"] == 3
            if u is None or u["done"]:
                if last.get(key) == f["vector"]:
                    n[3 if window else 1] += 1
                if not window:
                    entering[cpu] = (key, f["vector"])
                continue
            if u["vec"] is not None and f["vector"] != u["vec"]:
                continue            # another interrupt of the vCPU's
            if window:
                n[3 if u["win"] else 2] += 1
                u["win"] = True
            else:
                n[1 if u["inj"] else 0] += 1
                u["inj"] = True
                entering[cpu] = (key, f["vector"])
        elif name == "TRC_HVM_VMENTRY" and cpu in entering:
            k, vec = entering.pop(cpu)
            if k in up and not up[k]["done"]:
                up[k]["done"] = True
                last[k] = vec
    return tuple(n)


def manifest_of(trace):
    beside = trace[:-3] + ".manifest.json" if trace.endswith(".xt") else None
    if beside and os.path.exists(beside):
        return beside
    return os.path.join(os.path.dirname(trace) or ".", "manifest.json")


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    checked = failed = 0
    for trace in sys.argv[2:]:
        f = check(sys.argv[1], trace, manifest_of(trace))
        if f is None:
            continue
        checked += 1
        failed += f
        print("%s: %s" % (trace, "FAILED" if f else "the chains agree with the workload"))
    if not checked:
        print("SKIPPED: no trace of the patched hypervisor among", sys.argv[2:])
        sys.exit(77)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
