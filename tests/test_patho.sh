#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# test_patho.sh HVPATH MKPATHO - valid traces that made the stitcher blow
# up (tests/mkpatho.c), each with the bound it must now keep.  Peak RSS
# comes from GNU time; wall-time bounds are ten times and more above what
# linear work takes here, far below what the quadratic work took
# (docs/report.md, "Limits"; the before/after table is in the closing note
# of the reliability issue).
set -u
hvpath=$1 mkpatho=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hvpath-patho.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
[ -x /usr/bin/time ] || { echo "SKIPPED: needs GNU time (apt-get install time)"; exit 77; }

# run KIND N MAX_MB MAX_S [REPORT-OPTION...]: report --json on the trace
# (with the options: results under KIND-sorted), bounded
run() {
    local kind=$1 n=$2 mb=$3 s=$4 tag=$1
    shift 4
    [ $# -gt 0 ] && tag=$kind-sorted
    [ -s "$tmp/$kind.xt" ] || "$mkpatho" "$kind" "$n" "$tmp/$kind.xt" >/dev/null ||
        { bad "mkpatho $kind"; return; }
    /usr/bin/time -o "$tmp/time" -f "%e %M" timeout 300 "$hvpath" report --json "$@" \
        "$tmp/$kind.xt" >"$tmp/$tag.json" 2>"$tmp/$tag.err"
    local rc=$? secs kb
    read -r secs kb <"$tmp/time"
    [ $rc = 0 ] && ok || bad "$tag: report exit $rc ($(tail -c 300 "$tmp/$tag.err"))"
    echo "$tag N=$n: ${secs} s, peak RSS $((kb / 1024)) MiB"
    [ "$kb" -le $((mb * 1024)) ] && ok || bad "$tag: peak RSS $((kb / 1024)) MiB > $mb MiB"
    awk -v t="$secs" -v m="$s" 'BEGIN { exit !(t <= m) }' && ok || bad "$tag: $secs s > $s s"
    [ ! -s "$tmp/$tag.err" ] && ok || bad "$tag: warnings on a valid trace: $(cat "$tmp/$tag.err")"
}
check() {  # check KIND PYTHON-EXPR-ON-d
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); c=d['chains']; r=d['incomplete_by']; assert $2, (c, {k: v for k, v in r.items() if v})" \
        "$tmp/$1.json" && ok || bad "$1: $2"
}

# an idle pCPU: finished chains must not wait for it (was 69 MiB, 200k held)
run silent 200000 20 20
check silent "c['complete'] == 200000 and c['incomplete'] == 0"
# ... with lost records: a gap must not rescan every held chain (was 35 MiB,
# and quadratic time)
run silent-lost 400000 20 20
check silent-lost "c['complete'] == 400000 and c['incomplete'] == 0"
# 160,000 distinct vCPUs with a delivery open each: hash map, not a scan
# (was 110 s); each stays open, then the trace ends
run vcpus 160000 400 20
check vcpus "c['incomplete'] == 160000 and r['end_of_trace'] == 160000"
# ... reported per vCPU: a group per vCPU, found by hash, with no histograms
# for chains that delivered nothing (was 145 s and 1.7 GB)
run vcpus 160000 400 20 --sort dom,vcpu
check vcpus-sorted "len(d['groups']) == 160000"
# a pCPU numbered 4095: per-record work must not be per possible pCPU
run cpu4095 100000 20 20
check cpu4095 "c['complete'] == 100000"
# a million riders on a delivery that never completes (was 331 MiB)
run riders 1000000 64 30
check riders "c['incomplete'] == 1000001 and r['too_many_riders'] == 1000000 - 4095 and r['end_of_trace'] == 4096"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
