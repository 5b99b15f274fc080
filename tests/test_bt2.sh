#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# test_bt2.sh PLUGINDIR HVPATH DATADIR - the babeltrace2 plugin, through the
# real babeltrace2 binary, on the repository's PVH trace:
#   records    `-c source.hvpath.xentrace` gives one event per record: the
#              same records as `hvpath dump` (each with its TSC as the clock
#              snapshot in cycles, its pCPU's stream, its name and every
#              field with the same value), so the counts equal hvpath stats
#   ctf        written with sink.ctf.fs (CTF 1.8, what Trace Compass opens),
#              the trace reads back with babeltrace2's own CTF source into
#              the same events; the clock's frequency is the probes' scale
#   chains     chains=true: an event per stage of every chain, the same
#              chains as `hvpath script` (TSC, pCPU, stage, order, source,
#              outcome, dom, port, vcpu), also through CTF and back
#   stock      a stock trace (no clock records) needs cpu-hz, and gets it
#   failures   a file that is not a trace, no inputs, a wrong cpu-hz: a
#              non-zero exit and an error naming the cause
set -u
plugins=$1 hvpath=$2 data=$3
command -v babeltrace2 >/dev/null ||
    { echo "SKIPPED: no babeltrace2 (apt-get install babeltrace2)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
bt() { babeltrace2 --plugin-path="$plugins" "$@"; }
trace=$data/pingpong-domu-small.xt
details='with-metadata=false,with-trace-name=false,with-stream-name=false'

"$hvpath" dump --format jsonl "$trace" >"$tmp/dump.jsonl" && ok || bad "hvpath dump"
# the plugin with PARAMS into NAME.txt, and as CTF (NAME-ctf/) read back into NAME-ctf.txt
through_bt2() {
    local params=$1 name=$2
    bt -c source.hvpath.xentrace --params="$params" -c sink.text.details --params="$details" \
        >"$tmp/$name.txt" 2>"$tmp/err" && ok || bad "$params: $(tail -3 "$tmp/err")"
    rm -rf "$tmp/$name-ctf"
    bt -c source.hvpath.xentrace --params="$params" -o ctf -w "$tmp/$name-ctf" \
        >/dev/null 2>"$tmp/err" && ok || bad "$params -o ctf: $(tail -3 "$tmp/err")"
    [ -f "$tmp/$name-ctf/pingpong-domu-small.xt/metadata" ] && ok ||
        bad "$params: no CTF metadata: $(find "$tmp/$name-ctf")"
    babeltrace2 -c sink.text.details --params="$details" "$tmp/$name-ctf" \
        >"$tmp/$name-ctf.txt" 2>"$tmp/err" && ok ||
        bad "$params: reading the CTF back: $(tail -3 "$tmp/err")"
}
through_bt2 "inputs=[\"$trace\"]" bt
bt -c source.hvpath.xentrace --params="inputs=[\"$trace\"]" -c sink.text.details \
    --params='with-data=false' >"$tmp/meta.txt" 2>/dev/null && ok || bad "metadata"

cat >"$tmp/parse.py" <<'PY'
import re
def events(path):
    """(cycles, stream, name, fields) of each event block of sink.text.details"""
    out, cur = [], None
    for line in open(path):
        line = line.rstrip("\n")
        m = re.match(r"^\[([\d,]+) cycles", line)
        if m:
            cur = {"cycles": int(m.group(1).replace(",", "")), "fields": {}}
            continue
        if cur is None:
            continue
        m = re.match(r"^\{.*Stream ID (\d+)\}", line)
        if m:
            cur["stream"] = int(m.group(1))
            continue
        m = re.match(r"^Event `([^`]+)`", line)
        if m:
            cur["name"] = m.group(1)
            out.append(cur)
            continue
        m = re.match(r"^    ([A-Za-z_0-9]+): ?(.*)$", line)
        if m and out and out[-1] is cur:
            v = m.group(2)
            n = v.replace(",", "").replace(":", "")
            if re.match(r"^0x[0-9a-f]+$", n):
                v = int(n, 16)
            elif re.match(r"^-?\d+$", n):
                v = int(n)
            cur["fields"][m.group(1)] = v
            continue
        if not line:
            cur = None
    return out
PY
python3 - "$tmp" <<'PY' && ok || bad "the babeltrace2 events are not the records"
import json, re, sys
t = sys.argv[1]
exec(open(t + "/parse.py").read())
def key(e):
    return (e["cycles"], e["stream"], e["name"], sorted(e["fields"].items()))
recs = [json.loads(l) for l in open(t + "/dump.jsonl")]
names = {}
for e in events(t + "/bt.txt"):
    names.setdefault(e["name"], sorted(e["fields"]))
def fields(r):
    # a field the record is too short for (dump leaves it out) reads 0
    f = dict((k, 0) for k in names.get(r["name"], []))
    f.update(r["fields"])
    return sorted(f.items())
want = sorted((r["tsc"], r["cpu"], r["name"], fields(r)) for r in recs)
short = sum(1 for r in recs if len(r["fields"]) < len(names.get(r["name"], [])))
fails = []
for what, path in (("plugin", t + "/bt.txt"), ("CTF read back", t + "/bt-ctf.txt")):
    got = sorted(key(e) for e in events(path))
    if len(got) != len(want):
        fails.append("%s: %d events, %d records" % (what, len(got), len(want)))
    bad = [(g, w) for g, w in zip(got, want) if g != w]
    if bad:
        fails.append("%s: %d events differ from their record, e.g. %s vs %s" %
                     (what, len(bad), bad[0][0], bad[0][1]))
    print("%s: %d events for %d records, %d differ" % (what, len(got), len(want), len(bad)))
meta = open(t + "/meta.txt").read()
m = re.search(r"Frequency \(Hz\): ([\d,]+)", meta)
hz = int(m.group(1).replace(",", "")) if m else 0
if not 1e9 < hz < 5e9:
    fails.append("clock frequency %d Hz" % hz)
if "Event class `TRC_HW_HVPATH_EVTCHN_SEND`" not in meta:
    fails.append("metadata lacks the hvpath event classes")
print("%d records shorter than their fields (those fields read 0)" % short)
for f in fails:
    print("  " + f)
sys.exit(1 if fails else 0)
PY

# chains=true: the chains of hvpath script, an event per stage
"$hvpath" script --format jsonl "$trace" >"$tmp/chains.jsonl" && ok || bad "hvpath script"
through_bt2 "inputs=[\"$trace\"],chains=true" ch
python3 - "$tmp" <<'PY' && ok || bad "the chain events are not hvpath script's chains"
import collections, json, sys
t = sys.argv[1]
exec(open(t + "/parse.py").read())
chains = [json.loads(l) for l in open(t + "/chains.jsonl")]
fails = []
for what, path in (("chains=true", t + "/ch.txt"), ("its CTF read back", t + "/ch-ctf.txt")):
    by = collections.defaultdict(list)
    evs = events(path)
    for e in evs:
        by[e["fields"]["chain"]].append(e)
    nst = sum(len(c["stages"]) for c in chains)
    if len(evs) != nst:
        fails.append("%s: %d events for %d stages" % (what, len(evs), nst))
    wrong = 0
    for c in chains:
        got = sorted(by.get(c["id"], []), key=lambda e: e["fields"]["index"])
        want = [(st["tsc"], st["cpu"], st["name"], i, c["source"], c["outcome"], c["dom"],
                 c["port"], c["vcpu"]) for i, st in enumerate(c["stages"])]
        have = [(e["cycles"], e["stream"], e["fields"]["stage"], e["fields"]["index"],
                 e["fields"]["source"], e["fields"]["outcome"], e["fields"]["dom"],
                 e["fields"]["port"], e["fields"]["vcpu"]) for e in got]
        if have != want:
            wrong += 1
            if wrong == 1:
                fails.append("%s: chain %d: %s vs %s" % (what, c["id"], have[:2], want[:2]))
    print("%s: %d events, %d chains, %d wrong" % (what, len(evs), len(chains), wrong))
    if wrong:
        fails.append("%s: %d chains wrong" % (what, wrong))
for f in fails:
    print("  " + f)
sys.exit(1 if fails else 0)
PY

# a stock trace: cpu-hz, or a clear refusal
stock=$data/pingpong-small.xt
bt -c source.hvpath.xentrace --params="inputs=[\"$stock\"]" >/dev/null 2>"$tmp/err"
[ $? != 0 ] && grep -q "cpu-hz" "$tmp/err" && ok || bad "stock without cpu-hz: $(tail -2 "$tmp/err")"
n=$(bt -c source.hvpath.xentrace --params="inputs=[\"$stock\"],cpu-hz=2.4e9" 2>/dev/null | wc -l)
want=$("$hvpath" stats --json "$stock" | python3 -c 'import json,sys; print(json.load(sys.stdin)["records"])')
[ "$n" = "$want" ] && ok || bad "stock with cpu-hz: $n events, $want records"

printf 'not a trace\n' >"$tmp/junk.xt"
bt -c source.hvpath.xentrace --params="inputs=[\"$tmp/junk.xt\"]" >"$tmp/out" 2>"$tmp/err"
[ $? != 0 ] && grep -q "junk.xt" "$tmp/err" && [ ! -s "$tmp/out" ] && ok ||
    bad "a non-trace: $(tail -3 "$tmp/err")"
bt -c source.hvpath.xentrace >/dev/null 2>"$tmp/err"
[ $? != 0 ] && grep -q "inputs" "$tmp/err" && ok || bad "no inputs: $(tail -2 "$tmp/err")"
bt -c source.hvpath.xentrace --params="inputs=[\"$trace\"],cpu-hz=\"fast\"" >/dev/null 2>"$tmp/err"
[ $? != 0 ] && grep -q "cpu-hz" "$tmp/err" && ok || bad "a wrong cpu-hz: $(tail -2 "$tmp/err")"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
