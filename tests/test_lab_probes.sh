#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# test_lab_probes.sh HVPATH - the patched hypervisor (hv-probes) in the lab:
# pingpong (N notifications) in dom0 with a PVH guest present.  Checks,
# against the manifest (the truth of what was sent):
#   records   every TRC_HVPATH record decodes by name; set_pending on each
#             receiving port at least as often as notifications arrived there;
#             evtchn_send, set_pending, mark_pending, vcpu_kick, pv_bounce and
#             the clock records all appear; the PVH guest shows hvm_assert and
#             the VM-entry injection; stock xenalyze still reads the trace
#   chains    the bind-time event is a separate bind chain; hvpath report
#             runs and prints its tables; tests/check_truth.py: the chains
#             begun in the workload on each receiving port, complete +
#             coalesced, == what arrived there, each on the vCPU its IRQ is
#             bound to (the two directions on different vCPUs), and with 0
#             lost records no chain incomplete, orphaned or without a source
# Then pingpong-domu (dom0 <-> the PVH guest, -n 300): check_truth.py again,
# now with the guest's chains ending in the VM-entry injection.
set -u
hvpath=$1
command -v qemu-system-x86_64 >/dev/null ||
    { echo "SKIPPED: qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)"; exit 77; }
n=1000
out=$(mktemp -d "${TMPDIR:-/tmp}/hvpath-lab-probes.XXXXXX")
trap 'rm -rf "$out"' EXIT

start=$(date +%s)
if ! "$hvpath" lab run --xen patched --scenario pingpong --guest pvh -n "$n" -o "$out"; then
    echo "FAIL: lab run with the patched hypervisor failed"
    echo "0 passed, 1 failed"
    exit 1
fi
echo "lab run (patched): $(( $(date +%s) - start )) s"

xenalyze --svm-mode --summary "$out/host.xt" >/dev/null 2>&1
xa=$?
"$hvpath" stats --json "$out/host.xt" >"$out/stats.json" || exit 1
"$hvpath" dump --format jsonl "$out/host.xt" >"$out/dump.jsonl" || exit 1
"$hvpath" script --format jsonl --include-tracer "$out/host.xt" >"$out/chains.jsonl" || exit 1
"$hvpath" report "$out/host.xt" >"$out/report.txt" || exit 1
cat "$out/report.txt"

python3 - "$out" "$n" "$xa" <<'PY'
import collections, json, sys
out, n, xa = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
manifest = json.load(open(out + "/manifest.json"))
stats = json.load(open(out + "/stats.json"))
recs = [json.loads(l) for l in open(out + "/dump.jsonl")]
chains = [json.loads(l) for l in open(out + "/chains.jsonl")]

names = collections.Counter(r["name"] for r in recs if r["event"].startswith("0x00808"))
unnamed = [r for r in recs if r["event"].startswith("0x00808") and r["name"] is None]
receivers = {(d["dom"], d["port"]) for d in manifest["receivers"]}
arrived = collections.Counter()
for d in manifest.get("directions", []):
    arrived[(d["to"]["dom"], d["to"]["port"])] += d["received"]
sp = collections.Counter((r["fields"]["dom"], r["fields"]["port"]) for r in recs
                         if r["name"] in ("TRC_HW_HVPATH_SET_PENDING_2L", "TRC_HW_HVPATH_SET_PENDING_FIFO"))
inter = [c for c in chains if c["source"] == "interdomain" and (c["dom"], c["port"]) in receivers]
binds = [c for c in chains if c["source"] == "bind" and (c["dom"], c["port"]) in receivers]

checks = [("manifest: received == sent == %d" % n, manifest["received"] == manifest["sent"] == n),
          ("every hv-probes record has a name (%d unnamed)" % len(unnamed), not unnamed),
          ("xentrace lost no records (lost %d)" % stats["lost"], stats["lost"] == 0),
          ("stock xenalyze reads the patched trace (exit %d)" % xa, xa == 0)]
for (dom, port), got in sorted(arrived.items()):
    checks.append(("set_pending on d%d port %d: %d >= %d arrived" % (dom, port, sp[(dom, port)], got),
                   sp[(dom, port)] >= got))
for probe in ("EVTCHN_SEND", "SET_PENDING_FIFO|SET_PENDING_2L", "MARK_PENDING", "VCPU_KICK",
              "PV_BOUNCE", "CLOCK_PCPU", "HVM_ASSERT", "INTR_ASSIST"):
    cnt = sum(names["TRC_HW_HVPATH_" + p] for p in probe.split("|"))
    checks.append(("probe %s appears (%d)" % (probe, cnt), cnt > 0))
checks.append(("the bind-time event is a bind chain (%d)" % len(binds), len(binds) >= 1))
failed = 0
for what, good in checks:
    print(("ok:   " if good else "FAIL: ") + what)
    failed += not good
print("outcomes of interdomain chains on the receiving ports:",
      dict(collections.Counter(c["outcome"] for c in inter)))
print("hv-probes records:", dict(names))
print("%d passed, %d failed" % (len(checks) - failed, failed))
sys.exit(1 if failed else 0)
PY
rc=$?
"$(dirname "$0")/check_truth.py" "$hvpath" "$out/host.xt" || rc=1

out2=$out/domu
start=$(date +%s)
if ! "$hvpath" lab run --xen patched --scenario pingpong-domu --guest pvh -n 300 -o "$out2"; then
    echo "FAIL: lab run pingpong-domu with the patched hypervisor failed"
    exit 1
fi
echo "lab run (patched, pingpong-domu): $(( $(date +%s) - start )) s"
"$hvpath" report "$out2/host.xt" | head -8
"$(dirname "$0")/check_truth.py" "$hvpath" "$out2/host.xt" || rc=1
exit $rc
