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
bt -c source.hvpath.xentrace --params="inputs=[\"$trace\"]" \
    -c sink.text.details --params="$details" >"$tmp/bt.txt" 2>"$tmp/err" && ok ||
    bad "babeltrace2 with the plugin: $(tail -3 "$tmp/err")"
rm -rf "$tmp/ctf"
bt -c source.hvpath.xentrace --params="inputs=[\"$trace\"]" -o ctf -w "$tmp/ctf" \
    >/dev/null 2>"$tmp/err" && ok || bad "babeltrace2 -o ctf: $(tail -3 "$tmp/err")"
[ -f "$tmp/ctf/pingpong-domu-small.xt/metadata" ] && ok || bad "no CTF metadata: $(find "$tmp/ctf")"
babeltrace2 -c sink.text.details --params="$details" "$tmp/ctf" >"$tmp/ctf.txt" 2>"$tmp/err" && ok ||
    bad "babeltrace2 reading the CTF back: $(tail -3 "$tmp/err")"
bt -c source.hvpath.xentrace --params="inputs=[\"$trace\"]" -c sink.text.details \
    --params='with-data=false' >"$tmp/meta.txt" 2>/dev/null && ok || bad "metadata"

python3 - "$tmp" <<'PY' && ok || bad "the babeltrace2 events are not the records"
import json, re, sys
t = sys.argv[1]
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
        m = re.match(r"^    ([A-Za-z_0-9]+): (\S+)$", line)
        if m and out and out[-1] is cur:
            v = m.group(2)
            v = v.replace(",", "").replace(":", "")
            cur["fields"][m.group(1)] = int(v, 16) if v.startswith("0x") else int(v)
            continue
        if not line:
            cur = None
    return out
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
for what, path in (("plugin", t + "/bt.txt"), ("CTF read back", t + "/ctf.txt")):
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
