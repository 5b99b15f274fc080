#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# test_failfast.sh HVPATH [HVPATH...] - big inputs are judged at the speed
# they deserve:
#
#   * a 16 GiB file that is not a trace is rejected at byte 0 at once by every
#     command form (dump, stats, script, report; each output format; strict
#     and --tolerant), with dump's message, exit 1 and no output.  Before,
#     stats/script/report read half the file looking for a place to split it.
#   * a file whose start is sound but which turns to zeros after it fails
#     promptly in strict mode, at the first bad header.
#   * --tolerant over a real trace followed by a 4 GiB zero tail skips exactly
#     the tail, quickly, and yields the trace's own records.
#
# The inputs are sparse files built here (no disk used for the holes), in
# tmpfs where there is one: a hole there reads as the shared zero page, so
# the times measure hvpath, not the kernel filling a page cache.  The time
# bounds are far above what a fail-fast run takes (milliseconds) and far
# below reading the file through; speed targets are bench/'s business.
set -u
data=$(cd "$(dirname "$0")" && pwd)/data
trace=$data/pingpong-small.xt
pass=0 fail=0

ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    tmp=$(mktemp -d /dev/shm/hvpath-failfast.XXXXXX)
    warm=0
else
    tmp=$(mktemp -d)
    warm=1                          # a disk file's holes cost a first read
fi
trap 'rm -rf "$tmp"' EXIT

GiB=$((1 << 30))
tail_bytes=$((4 * GiB))
trace_bytes=$(stat -c %s "$trace")
first_win=$(python3 -c 'import struct,sys; print(12 + struct.unpack_from("<III", open(sys.argv[1], "rb").read(12))[2])' "$trace")

nontrace=$tmp/not-a-trace.xt        # 16 GiB of zeros
truncate -s $((16 * GiB)) "$nontrace"
head=$tmp/head-then-zeros.xt        # the trace's first window, then zeros to 4 GiB
head -c "$first_win" "$trace" >"$head"
truncate -s $((4 * GiB)) "$head"
zerotail=$tmp/trace-then-zeros.xt   # the whole trace, then a 4 GiB zero tail
cp "$trace" "$zerotail"
truncate -s $((trace_bytes + tail_bytes)) "$zerotail"
if [ "$warm" = 1 ]; then
    cat "$head" "$zerotail" >/dev/null
fi

# run SECONDS DESC CMD...: run CMD (stdout, stderr in $tmp), fail if it takes
# longer than SECONDS; $rc is its exit status, $took its wall time
run() {
    local limit=$1 desc=$2 t0 t1; shift 2
    t0=$EPOCHREALTIME
    "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    t1=$EPOCHREALTIME
    took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    if awk -v t="$took" -v l="$limit" 'BEGIN { exit !(t < l) }'; then ok
    else bad "$desc: took ${took}s, bound ${limit}s"; fi
}

# check_reject SECONDS BIN CMD FILE OFFSET WHAT: exit 1, no output, the error
# names FILE at OFFSET with WHAT, within SECONDS
check_reject() {
    local limit=$1 bin=$2 cmd=$3 file=$4 at=$5 what=$6 name
    name=$(set -- $cmd; echo "$1")
    # shellcheck disable=SC2086
    run "$limit" "$(basename "$bin") $cmd $(basename "$file")" "$bin" $cmd "$file"
    [ "$rc" = 1 ] && ok || bad "$cmd $(basename "$file"): exit $rc, want 1 ($(head -c 300 "$tmp/err"))"
    [ ! -s "$tmp/out" ] && ok || bad "$cmd $(basename "$file"): printed output"
    grep -qxF "hvpath $name: $file: byte $at: $what" "$tmp/err" && ok ||
        bad "$cmd $(basename "$file"): error is not 'hvpath $name: $file: byte $at: $what': $(head -c 300 "$tmp/err")"
}

forms=("dump" "dump --format jsonl" "dump --file-order"
       "stats" "stats --json"
       "script --cpu-hz 2.4e9" "script --format jsonl --cpu-hz 2.4e9"
       "report --cpu-hz 2.4e9" "report --json --cpu-hz 2.4e9")

check_binary() { # check_binary BIN FAST SLOW
    local bin=$1 fast=$2 slow=$3 f t want_nt want_zero

    # the message dump gives, shared by every command
    "$bin" dump "$nontrace" >/dev/null 2>"$tmp/err"
    want_nt=$(sed -n "s|^hvpath dump: $nontrace: byte 0: ||p" "$tmp/err")
    case $want_nt in
    "not a xentrace file: "*) ok ;;
    *) bad "dump's message on a non-trace: $(cat "$tmp/err")" ;;
    esac
    want_zero="expected a TRC_TRACE_CPU_CHANGE window header (0x2001f003), found 0x00000000"

    for f in "${forms[@]}"; do
        for t in "" " --tolerant"; do
            check_reject "$fast" "$bin" "$f$t" "$nontrace" 0 "$want_nt"
        done
        # strict: the first bad header, not after reading the rest
        check_reject "$fast" "$bin" "$f" "$head" "$first_win" "$want_zero"
        check_reject "$fast" "$bin" "$f" "$zerotail" "$trace_bytes" "$want_zero"
    done

    # --tolerant over the zero tail: the trace's records, the tail skipped
    "$bin" dump "$trace" >"$tmp/want" 2>/dev/null
    run "$slow" "$(basename "$bin") dump --tolerant over a 4 GiB zero tail" \
        "$bin" dump --tolerant "$zerotail"
    echo "   $(basename "$bin") dump --tolerant, 4 GiB zero tail: ${took}s"
    [ "$rc" = 0 ] && ok || bad "dump --tolerant zero tail: exit $rc ($(head -c 300 "$tmp/err"))"
    cmp -s "$tmp/out" "$tmp/want" && ok || bad "dump --tolerant zero tail: not the trace's records"
    grep -qxF "hvpath dump: --tolerant: skipped $tail_bytes damaged bytes (1 windows or runs); the output is NOT the whole trace" "$tmp/err" &&
        ok || bad "dump --tolerant zero tail: $(cat "$tmp/err")"

    "$bin" stats --json "$trace" >"$tmp/want" 2>/dev/null
    run "$slow" "$(basename "$bin") stats --json --tolerant over a 4 GiB zero tail" \
        "$bin" stats --json --tolerant "$zerotail"
    [ "$rc" = 0 ] && ok || bad "stats --tolerant zero tail: exit $rc ($(head -c 300 "$tmp/err"))"
    python3 - "$tmp/out" "$tmp/want" "$tail_bytes" <<'PY' && ok || bad "stats --tolerant zero tail counts"
import json, sys
got, want = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
tail = int(sys.argv[3])
assert got["skipped_bytes"] == tail and got["skipped_windows"] == 1, got
assert got["bytes"] == want["bytes"] + tail, (got["bytes"], want["bytes"])
for k in ("windows", "records", "lost", "tsc_first", "tsc_last", "tsc_backwards", "cpus", "events"):
    assert got[k] == want[k], (k, got[k], want[k])
PY
}

# bounds: fail-fast runs take milliseconds (ASan: tens of them), where
# reading half the file took 5 s (ASan 30 s).  dump reads the zero tail
# twice (its check pass, then the merge's first pass): 0.6 s release, 4.5 s
# ASan on a 2-core VM, where a resync testing every offset took 4-5 s (30 s).
# A sanitized binary (its version ends in -san) gets the ASan bounds.
for bin in "$@"; do
    case $("$bin" --version 2>/dev/null) in
    *-san*) check_binary "$bin" 2 15 ;;
    *) check_binary "$bin" 1 3 ;;
    esac
done

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
