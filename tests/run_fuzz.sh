#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# run_fuzz.sh FUZZER MKFIXTURES DATADIR SECONDS - seed a corpus with every
# fixture and the small real traces (cut to 64 KiB), then fuzz for SECONDS.
# Crashes are kept in $HVPATH_FUZZ_ARTIFACTS (default: a temp dir, printed).
set -eu
fuzzer=$1 mkfixtures=$2 data=$3 secs=$4
work=$(mktemp -d)
trap 'rm -rf "$work/corpus"' EXIT
mkdir -p "$work/corpus" "${HVPATH_FUZZ_ARTIFACTS:=$work/artifacts}"
"$mkfixtures" "$work/corpus"
for f in "$data"/*.xt; do
    [ -e "$f" ] && head -c 65536 "$f" >"$work/corpus/real-$(basename "$f")"
done
"$fuzzer" -max_total_time="$secs" -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$HVPATH_FUZZ_ARTIFACTS/" "$work/corpus" 2>&1 | tail -n 15
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || echo "fuzzer failed (exit $rc); reproducers in $HVPATH_FUZZ_ARTIFACTS"
exit "$rc"
