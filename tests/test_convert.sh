#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# test_convert.sh HVPATH PROTO DATADIR - `hvpath convert --to perfetto` on
# the real PVH ping-pong trace (tests/data), checked against the chains
# `hvpath script` prints for the same trace:
#   decodes    protoc decodes the file against the shipped schema
#              (analyzers/perfetto/perfetto_trace.proto) with no unknown field
#   stages     every stage of every chain is one instant on its pCPU's track,
#              at its time, named by its stage, in the chain's order
#   flows      each chain of two or more stages is one flow: flow_ids on all
#              its stages but the last, terminating_flow_ids on the last;
#              one-stage chains have none
#   slices     every chain with a vCPU has one slice on a lane of that vCPU,
#              from its first stage to its last; on every lane the slices
#              follow each other without overlap (so they nest)
#   tracks     every event's track is declared before it, pCPU tracks under
#              "Xen hypervisor", lanes under their "dom D" and named "vCPU V"
# the same for --to chrome-json (Trace Event Format: a stage an "X" event,
# its chain's flow "s", "t"..., "f" bound to it, a process per dom);
# and the failures: a file that is not a trace, a truncated trace, wrong
# arguments: an error naming the cause, exit 1 (2 for usage), and no OUT.
set -u
hvpath=$1 proto=$2 data=$3
command -v protoc >/dev/null ||
    { echo "SKIPPED: no protoc to decode the output (apt-get install protobuf-compiler)"; exit 77; }
if "$hvpath" convert --to perfetto /dev/null -o /dev/null 2>&1 | grep -q "built without protobuf-c"; then
    echo "SKIPPED: hvpath was built without protobuf-c"; exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
trace=$data/pingpong-domu-small.xt

"$hvpath" convert --to perfetto "$trace" -o "$tmp/t.pftrace" 2>"$tmp/err" && ok ||
    bad "convert exit $(cat "$tmp/err")"
cat "$tmp/err"
"$hvpath" script --format jsonl "$trace" >"$tmp/chains.jsonl" && ok || bad "script exit"
protoc --decode=perfetto.protos.Trace -I "$(dirname "$proto")" "$(basename "$proto")" \
    <"$tmp/t.pftrace" >"$tmp/t.txt" && ok || bad "protoc cannot decode the output"
"$hvpath" convert --to perfetto "$trace" -o - 2>/dev/null | cmp -s - "$tmp/t.pftrace" && ok ||
    bad "-o - writes other bytes than -o FILE"

python3 - "$tmp/t.txt" "$tmp/chains.jsonl" <<'PY' && ok || bad "the Perfetto trace does not hold the chains"
import collections, json, re, sys

def parse(path):
    """protoc's text format, into nested dicts of lists."""
    root, stack = {}, []
    cur = root
    for line in open(path):
        line = line.strip()
        if not line:
            continue
        if line.endswith("{"):
            node = {}
            cur.setdefault(line[:-1].strip(), []).append(node)
            stack.append(cur)
            cur = node
        elif line == "}":
            cur = stack.pop()
        else:
            m = re.match(r'^([A-Za-z_0-9]+): (.*)$', line)
            assert m, "unknown line: " + line       # an unknown field prints as a number
            v = m.group(2)
            if v.startswith('"'):       # C escapes, as protoc writes them
                v = v[1:-1].encode().decode("unicode_escape")
            elif re.match(r'^-?\d+$', v):
                v = int(v)
            cur.setdefault(m.group(1), []).append(v)
    return root

pk = parse(sys.argv[1])["packet"]
chains = [json.loads(l) for l in open(sys.argv[2])]
fails = []
def check(what, good):
    if not good:
        fails.append(what)

tracks, events = {}, []
for p in pk:
    check("every packet on sequence 1", p.get("trusted_packet_sequence_id") == [1])
    if "track_descriptor" in p:
        t = p["track_descriptor"][0]
        tracks[t["uuid"][0]] = (t.get("name", [""])[0], t.get("parent_uuid", [0])[0])
    else:
        e = p["track_event"][0]
        check("an event's track is declared before it", e["track_uuid"][0] in tracks)
        events.append((p["timestamp"][0], e))
check("the first packet clears the incremental state", pk[0].get("sequence_flags") == [1])

def ann(e):
    return {a["name"][0]: (a.get("uint_value") or a.get("string_value") or [None])[0]
            for a in e.get("debug_annotations", [])}

inst = collections.defaultdict(list)
slices = collections.defaultdict(list)
for ts, e in events:
    a = ann(e)
    if e["type"][0] == "TYPE_INSTANT":
        inst[a["chain"]].append((ts, e))
    else:
        slices[e["track_uuid"][0]].append((ts, e["type"][0], a.get("chain")))

nslices = 0
for c in chains:
    got = inst.get(c["id"], [])
    check("chain %d: %d instants for %d stages" % (c["id"], len(got), len(c["stages"])),
          len(got) == len(c["stages"]))
    for (ts, e), st in zip(got, c["stages"]):
        name, parent = tracks[e["track_uuid"][0]]
        check("chain %d: %s at %d on pCPU %d" % (c["id"], st["name"], st["ns"], st["cpu"]),
              e["name"][0] == st["name"] and ts == st["ns"] and name == "pCPU %d" % st["cpu"]
              and tracks[parent][0] == "Xen hypervisor")
    fid = c["id"] + 1
    n = len(c["stages"])
    flows = [e.get("flow_ids", []) for _, e in got]
    ends = [e.get("terminating_flow_ids", []) for _, e in got]
    if n > 1:
        check("chain %d: one flow through its stages" % c["id"],
              flows == [[fid]] * (n - 1) + [[]] and ends == [[]] * (n - 1) + [[fid]])
    else:
        check("chain %d: one stage, no flow" % c["id"], flows == [[]] and ends == [[]])
    nslices += c["dom"] >= 0 and c["vcpu"] >= 0

total = 0
by_chain = {c["id"]: c for c in chains}
for uuid, ev in slices.items():
    name, parent = tracks[uuid]
    dom = tracks[parent][0]
    # in file order each begin is followed by its end; then by time
    pairs = [(ev[i], ev[i + 1] if i + 1 < len(ev) else (None, None, None))
             for i in range(0, len(ev), 2)]
    for b, e in pairs:
        check("lane %s/%s: begin then end" % (dom, name),
              b[1] == "TYPE_SLICE_BEGIN" and e[1] == "TYPE_SLICE_END" and e[0] >= b[0])
    last_end = -1
    for b, e in sorted(pairs, key=lambda p: p[0][0]):
        check("lane %s/%s: no overlap at %d" % (dom, name, b[0]), b[0] > last_end)
        last_end = e[0]
        c = by_chain.get(b[2])
        check("slice of chain %s on its vCPU's lane" % b[2],
              c is not None and name == "vCPU %d" % c["vcpu"] and dom.startswith("dom %d" % c["dom"])
              and b[0] == c["stages"][0]["ns"] and e[0] - b[0] == c["total_ns"])
        total += 1
check("%d slices for %d chains with a vCPU" % (total, nslices), total == nslices)
check("lanes and pCPUs: %s" % sorted(set(n for n, _ in tracks.values())),
      {"pCPU 0", "pCPU 1", "vCPU 0", "dom 0 (dom0)", "dom 1"} <= set(n for n, _ in tracks.values()))
check("chains with flows: %d" % len(chains), sum(len(c["stages"]) > 1 for c in chains) > 1000)
for f in fails[:10]:
    print("  " + f)
print("perfetto: %d packets, %d chains, %d slices; %d checks failed" %
      (len(pk), len(chains), total, len(fails)))
sys.exit(1 if fails else 0)
PY

# chrome-json: the same timeline in the Trace Event Format
"$hvpath" convert --to chrome-json "$trace" -o "$tmp/t.json" 2>"$tmp/err" && ok ||
    bad "convert --to chrome-json exit $(cat "$tmp/err")"
python3 - "$tmp/t.json" "$tmp/chains.jsonl" <<'PY' && ok || bad "the chrome JSON does not hold the chains"
import collections, json, sys
d = json.load(open(sys.argv[1]))
chains = [json.loads(l) for l in open(sys.argv[2])]
fails = []
def check(what, good):
    if not good:
        fails.append(what)
check("displayTimeUnit ns", d.get("displayTimeUnit") == "ns")
ev = d["traceEvents"]
names = {}
for e in ev:
    check("ph %s known" % e.get("ph"), e.get("ph") in ("M", "X", "s", "t", "f"))
    check("pid, tid, name in %s" % e, all(k in e for k in ("pid", "tid", "name")))
    if e["ph"] == "M" and e["name"] in ("process_name", "thread_name"):
        names[(e["pid"], e["tid"] if e["name"] == "thread_name" else None)] = e["args"]["name"]
    if e["ph"] != "M":
        check("ts, cat in %s" % e, "ts" in e and "cat" in e)
stages = collections.defaultdict(list)
flows = collections.defaultdict(list)
lanes = collections.defaultdict(list)
for e in ev:
    if e["ph"] == "X" and e["cat"] == "hvpath" and e["pid"] == 1:
        stages[e["args"]["chain"]].append(e)
    elif e["ph"] == "X":
        lanes[(e["pid"], e["tid"])].append(e)
    elif e["ph"] in "stf":
        flows[e["id"]].append(e)
nslices = 0
for c in chains:
    got = stages.get(c["id"], [])
    check("chain %d: %d stage events for %d stages" % (c["id"], len(got), len(c["stages"])),
          len(got) == len(c["stages"]))
    for e, st in zip(got, c["stages"]):
        check("chain %d: %s at %d ns on pCPU %d" % (c["id"], st["name"], st["ns"], st["cpu"]),
              e["name"] == st["name"] and abs(e["ts"] * 1000 - st["ns"]) < 0.5 and
              names.get((1, e["tid"])) == "pCPU %d" % st["cpu"] and e["dur"] > 0)
    f = flows.get(c["id"] + 1, [])
    n = len(c["stages"])
    want = [] if n < 2 else ["s"] + ["t"] * (n - 2) + ["f"]
    check("chain %d: flow %s" % (c["id"], [x["ph"] for x in f]), [x["ph"] for x in f] == want)
    for x, e in zip(f, got):
        check("chain %d: flow event on its stage" % c["id"],
              (x["pid"], x["tid"], x["ts"]) == (e["pid"], e["tid"], e["ts"]) and
              (x["ph"] != "f" or x.get("bp") == "e"))
    nslices += c["dom"] >= 0 and c["vcpu"] >= 0
total = 0
for (pid, tid), xs in lanes.items():
    last = -1.0
    for x in sorted(xs, key=lambda x: x["ts"]):
        check("lane %d/%d: no overlap at %s" % (pid, tid, x["ts"]), x["ts"] > last)
        last = x["ts"] + x["dur"]
        check("lane %d/%d named" % (pid, tid),
              names.get((pid, tid), "").startswith("vCPU ") and names.get((pid, None), "").startswith("dom "))
        total += 1
check("%d slices for %d chains with a vCPU" % (total, nslices), total == nslices)
for f in fails[:10]:
    print("  " + f)
print("chrome-json: %d events, %d chains, %d slices; %d checks failed" %
      (len(ev), len(chains), total, len(fails)))
sys.exit(1 if fails else 0)
PY

# failures: nothing written, the cause named
printf 'not a trace at all\n' >"$tmp/junk.xt"
"$hvpath" convert --to perfetto "$tmp/junk.xt" -o "$tmp/junk.pf" 2>"$tmp/err"
[ $? = 1 ] && grep -q "junk.xt" "$tmp/err" && [ ! -e "$tmp/junk.pf" ] && ok ||
    bad "a non-trace: exit 1, its name, no output ($(cat "$tmp/err"))"
head -c 100000 "$trace" >"$tmp/cut.xt"
"$hvpath" convert --to perfetto "$tmp/cut.xt" -o "$tmp/cut.pf" 2>"$tmp/err"
[ $? = 1 ] && grep -q "cut.xt" "$tmp/err" && [ ! -e "$tmp/cut.pf" ] && ok ||
    bad "a truncated trace: exit 1, its name, no output ($(cat "$tmp/err"))"
ls "$tmp" | grep -q '\.pf\.' && bad "a temporary file was left behind: $(ls "$tmp")" || ok
"$hvpath" convert --to perfetto "$trace" 2>/dev/null; [ $? = 2 ] && ok || bad "no -o: not exit 2"
"$hvpath" convert --to svg "$trace" -o "$tmp/x" 2>/dev/null; [ $? = 2 ] && ok || bad "--to svg: not exit 2"
"$hvpath" convert "$trace" -o "$tmp/x" 2>/dev/null; [ $? = 2 ] && ok || bad "no --to: not exit 2"
"$hvpath" convert --to perfetto "$trace" -o /nonexistent/dir/x.pf 2>"$tmp/err"
[ $? = 1 ] && grep -q "/nonexistent/dir/x.pf" "$tmp/err" && ok || bad "unwritable OUT: $(cat "$tmp/err")"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
