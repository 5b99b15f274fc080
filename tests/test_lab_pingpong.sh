#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# test_lab_pingpong.sh HVPATH [XEN [BUILD]] - boot the lab (stock Debian Xen
# 4.17, or the hypervisor XEN), run the event-channel ping-pong in dom0 with a
# PVH guest present, and check from the decoder's output what the manifest
# (the truth of what was sent) says must be in the trace.  With BUILD (a
# build tree), hvpath is first installed from it under a fresh prefix and
# the lab runs from there: an installed hvpath finds its own lab.
set -u
hvpath=$1 xen=${2:-stock} build=${3:-}
n=1000
command -v qemu-system-x86_64 >/dev/null ||
    { echo "SKIPPED: qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)"; exit 77; }
out=$(mktemp -d "${TMPDIR:-/tmp}/hvpath-lab-test.XXXXXX")
trap 'rm -rf "$out" "$out.prefix"' EXIT
if [ -n "$build" ]; then
    cmake --install "$build" --prefix "$out.prefix" >/dev/null || { echo "FAIL: cmake --install"; exit 1; }
    hvpath=$out.prefix/bin/hvpath
    echo "running the lab from an installed copy: $hvpath"
fi

start=$(date +%s)
if ! "$hvpath" lab run --scenario pingpong --guest pvh --xen "$xen" -n "$n" -o "$out"; then
    echo "FAIL: lab run failed"
    echo "0 passed, 1 failed"
    exit 1
fi
echo "lab run: $(( $(date +%s) - start )) s"

"$hvpath" stats --json "$out/host.xt" >"$out/stats.json" || { echo "FAIL: stats"; exit 1; }
"$hvpath" dump --format jsonl "$out/host.xt" | python3 -c '
import json, sys
manifest = json.load(open(sys.argv[1]))
stats = json.load(open(sys.argv[2]))
n = int(sys.argv[3])
EVTCHN_OP = 32                    # __HYPERVISOR_event_channel_op
hcalls = inj_f3 = 0
for line in sys.stdin:
    r = json.loads(line)
    if r["name"] == "TRC_PV_HYPERCALL_V2" and r["extra"] and (r["extra"][0] & 0xfffff) == EVTCHN_OP:
        hcalls += 1
    elif r["name"] == "TRC_HVM_INJ_VIRQ" and r["extra"] and r["extra"][0] == 0xf3:
        inj_f3 += 1
checks = [
    ("manifest sent == %d" % n, manifest.get("sent") == n),
    ("manifest received == %d (is %s)" % (n, manifest.get("received")), manifest.get("received") == n),
    ("event_channel_op hypercalls >= N (%d)" % hcalls, hcalls >= n),
    ("PVH guest callback vector 0xf3 injected (%d TRC_HVM_INJ_VIRQ)" % inj_f3, inj_f3 > 0),
    ("xentrace lost no records (lost %d)" % stats["lost"], stats["lost"] == 0),
    ("guest is pvh", manifest.get("guest") == "pvh"),
]
failed = 0
for what, good in checks:
    print(("ok:   " if good else "FAIL: ") + what)
    failed += not good
print("%d records, %d windows, %d pCPUs" % (stats["records"], stats["windows"], len(stats["cpus"])))
print("%d passed, %d failed" % (len(checks) - failed, failed))
sys.exit(1 if failed else 0)
' "$out/manifest.json" "$out/stats.json" "$n"
