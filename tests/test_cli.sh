#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# test_cli.sh HVPATH MKFIXTURES - the CLI contract of `hvpath dump` and
# `hvpath stats` on the hand-built fixtures: exit codes, errors that name the
# file and the byte offset, no output on a damaged file, JSON that parses,
# dump and stats agreeing on every sound file.
set -u
hvpath=$1
mkfixtures=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
expect_rc() { # expect_rc WANT DESC CMD...
    local want=$1 desc=$2; shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
    if [ "$rc" = "$want" ]; then ok; else bad "$desc: exit $rc, want $want ($(head -c 300 "$tmp/err"))"; fi
}

"$mkfixtures" "$tmp" || { echo "mkfixtures failed"; exit 1; }

# usage
expect_rc 0 "--help" "$hvpath" --help
grep -q "dump" "$tmp/out" && ok || bad "--help lists dump"
expect_rc 2 "unknown command" "$hvpath" frobnicate
expect_rc 2 "no command" "$hvpath"
expect_rc 0 "dump --help" "$hvpath" dump --help
expect_rc 0 "help stats" "$hvpath" help stats
grep -q -- "--json" "$tmp/out" && ok || bad "help stats shows --json"
expect_rc 2 "dump without file" "$hvpath" dump
expect_rc 2 "dump two files" "$hvpath" dump "$tmp/lost.xt" "$tmp/lost.xt"
expect_rc 2 "dump bad format" "$hvpath" dump --format xml "$tmp/lost.xt"
expect_rc 2 "stats bad option" "$hvpath" stats --frob "$tmp/lost.xt"
expect_rc 1 "missing file" "$hvpath" stats "$tmp/nope.xt"
grep -q "nope.xt: No such file" "$tmp/err" && ok || bad "missing file named: $(cat "$tmp/err")"
expect_rc 1 "directory" "$hvpath" dump "$tmp"

# damaged files: exit 1, file and byte offset named, nothing on stdout
declare -A offset=([not-xentrace]=0 [trunc-header]=32 [past-eof]=32
                   [rec-overrun]=32 [garbage-mid]=32 [bad-cpu]=0)
for name in "${!offset[@]}"; do
    f="$tmp/$name.xt"
    for cmd in dump stats "stats --json" "dump --format jsonl"; do
        # shellcheck disable=SC2086
        expect_rc 1 "$cmd $name" "$hvpath" $cmd "$f"
        grep -q "$f: byte ${offset[$name]}:" "$tmp/err" && ok ||
            bad "$cmd $name: error lacks '$f: byte ${offset[$name]}:': $(cat "$tmp/err")"
        [ ! -s "$tmp/out" ] && ok || bad "$cmd $name printed output for a damaged file"
    done
done
expect_rc 1 "empty file" "$hvpath" stats "$tmp/empty.xt"
grep -q "empty.xt: empty file" "$tmp/err" && ok || bad "empty file message: $(cat "$tmp/err")"

# sound files: jsonl parses, dump and stats agree, events counted per id
for name in interleave late-cpu lost wrap notsc backwards unknown backwards-cut fake-header; do
    f="$tmp/$name.xt"
    expect_rc 0 "dump jsonl $name" "$hvpath" dump --format jsonl "$f"
    cp "$tmp/out" "$tmp/dump.jsonl"
    expect_rc 0 "stats json $name" "$hvpath" stats --json "$f"
    cp "$tmp/out" "$tmp/stats.json"
    if python3 - "$tmp/dump.jsonl" "$tmp/stats.json" <<'PY'
import json, sys, collections
recs = [json.loads(l) for l in open(sys.argv[1])]
st = json.load(open(sys.argv[2]))
assert len(recs) == st["records"], (len(recs), st["records"])
for r in recs:
    for k, t in (("cpu", int), ("tsc", int), ("event", str), ("extra", list), ("tsc_inherited", bool)):
        assert isinstance(r[k], t), (k, r)
    assert r["name"] is None or isinstance(r["name"], str)
    assert r["event"].startswith("0x") and len(r["event"]) == 10
c = collections.Counter(r["event"] for r in recs)
assert dict(c) == st["events"], (dict(c), st["events"])
cpus = collections.Counter(str(r["cpu"]) for r in recs)
assert dict(cpus) == st["cpus"], (cpus, st["cpus"])
# merged order: TSC never decreases across pCPUs unless a pCPU went backwards
if st["tsc_backwards"] == 0:
    tscs = [r["tsc"] for r in recs]
    assert tscs == sorted(tscs), tscs
PY
    then ok; else bad "dump/stats disagree on $name"; fi
done

# stats split in two threads at a window near the middle (forced here; big
# files only otherwise) must count exactly what one pass counts
for f in "$tmp"/interleave.xt "$tmp"/late-cpu.xt "$tmp"/lost.xt "$tmp"/backwards-cut.xt \
         "$tmp"/fake-header.xt "$tmp"/notsc.xt "$(dirname "$0")"/data/*.xt; do
    one=$(HVPATH_STATS_SPLIT_MIN=999999999999 "$hvpath" stats --json "$f")
    two=$(HVPATH_STATS_SPLIT_MIN=0 "$hvpath" stats --json "$f")
    [ "$one" = "$two" ] && ok || bad "split stats differ on $f: $one vs $two"
done
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["tsc_backwards"]==1 and d["records"]==3, d' \
    "$(HVPATH_STATS_SPLIT_MIN=0 "$hvpath" stats --json "$tmp/backwards-cut.xt")" && ok || bad "backwards across the cut"
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["records"]==2 and d["windows"]==2, d' \
    "$(HVPATH_STATS_SPLIT_MIN=0 "$hvpath" stats --json "$tmp/fake-header.xt")" && ok || bad "fake header at the cut"

# text dump: names, fields, inherited marker
"$hvpath" dump "$tmp/notsc.xt" >"$tmp/out" 2>&1
grep -q "TRC_HVM_INJ_VIRQ *vector=0xf3 fake=0" "$tmp/out" && ok || bad "text dump fields: $(cat "$tmp/out")"
grep -q "100\* TRC_HVM_INJ_VIRQ" "$tmp/out" && ok || bad "inherited TSC marker: $(cat "$tmp/out")"
"$hvpath" dump "$tmp/unknown.xt" >"$tmp/out" 2>&1
grep -q "0x00808fff.* w0=0x1 .* w6=0x7" "$tmp/out" && ok || bad "unknown ids raw: $(cat "$tmp/out")"
"$hvpath" stats "$tmp/lost.xt" >"$tmp/out" 2>&1
grep -q "lost records   12 (in 2 TRC_LOST_RECORDS)" "$tmp/out" && ok || bad "stats lost: $(cat "$tmp/out")"
expect_rc 0 "backwards warns" "$hvpath" dump "$tmp/backwards.xt"
grep -q "TSC below the previous one.*byte 32" "$tmp/err" && ok || bad "backwards warning: $(cat "$tmp/err")"

# --tolerant: skips, says so, exits 0
expect_rc 0 "stats --tolerant garbage" "$hvpath" stats --json --tolerant "$tmp/garbage-mid.xt"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["skipped_bytes"]==40 and d["records"]==2, d' "$tmp/out" && ok || bad "tolerant stats counts"
expect_rc 0 "dump --tolerant garbage" "$hvpath" dump --tolerant "$tmp/garbage-mid.xt"
grep -q "skipped 40 damaged bytes.*NOT the whole trace" "$tmp/err" && ok || bad "tolerant dump says so: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/out")" = 2 ] && ok || bad "tolerant dump records"

# script and report say when the reading was not clean: --tolerant output is
# marked partial (report --json, report's header, stderr of both), TSC going
# backwards is warned about
expect_rc 0 "report --tolerant json" "$hvpath" report --tolerant --cpu-hz 2e9 --json "$tmp/garbage-mid.xt"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["partial"] is True and d["skipped_bytes"]==40 and d["skipped_windows"]==1, d' "$tmp/out" && ok || bad "report --json not marked partial: $(head -c 300 "$tmp/out")"
grep -q "NOT the whole trace" "$tmp/err" && ok || bad "report --tolerant says nothing on stderr"
expect_rc 0 "report --tolerant text" "$hvpath" report --tolerant --cpu-hz 2e9 "$tmp/garbage-mid.xt"
grep -q "^# SKIPPED 40 damaged bytes.*PARTIAL" "$tmp/out" && ok || bad "report header not marked partial"
for fmt in text jsonl; do
    expect_rc 0 "script --tolerant $fmt" "$hvpath" script --tolerant --cpu-hz 2e9 --format $fmt "$tmp/garbage-mid.xt"
    grep -q "skipped 40 damaged bytes.*NOT the whole trace" "$tmp/err" && ok || bad "script $fmt --tolerant not marked partial: $(cat "$tmp/err")"
done
expect_rc 0 "report sound json" "$hvpath" report --cpu-hz 2e9 --json "$tmp/lost.xt"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["partial"] is False and d["skipped_bytes"]==0, d' "$tmp/out" && ok || bad "sound trace marked partial"
for cmd in script report; do
    expect_rc 0 "$cmd backwards" "$hvpath" $cmd --cpu-hz 2e9 "$tmp/backwards.xt"
    grep -q "TSC below the previous one.*byte 32" "$tmp/err" && ok || bad "$cmd says nothing of TSC going backwards: $(cat "$tmp/err")"
done
"$hvpath" report --cpu-hz 2e9 "$tmp/backwards.xt" 2>/dev/null | grep -q "^# TSC went backwards 1 times" && ok || bad "report header lacks TSC backwards"
"$hvpath" report --cpu-hz 2e9 --json "$tmp/backwards.xt" 2>/dev/null | python3 -c 'import json,sys; assert json.load(sys.stdin)["tsc_backwards"]==1' && ok || bad "report --json lacks tsc_backwards"

# option values are checked whole: finite, in range, the whole string
for v in nan inf -inf 1e-9 1e9xyz 0 "" 1e300; do
    expect_rc 2 "--cpu-hz '$v'" "$hvpath" report --cpu-hz "$v" "$tmp/lost.xt"
done
for v in nan 1e300s -1us 5parsecs ""; do
    expect_rc 2 "--min-latency '$v'" "$hvpath" script --cpu-hz 2e9 --min-latency "$v" "$tmp/lost.xt"
done
for v in 99999999999999999999 -1 1x ""; do
    expect_rc 2 "--id '$v'" "$hvpath" script --cpu-hz 2e9 --id "$v" "$tmp/lost.xt"
done
expect_rc 2 "--dom past 2^31" "$hvpath" script --cpu-hz 2e9 --dom 4294967296 "$tmp/lost.xt"
expect_rc 0 "--cpu-hz 2.4e9 takes" "$hvpath" report --cpu-hz 2.4e9 "$tmp/lost.xt"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
