#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# run_fuzz.sh FUZZER MKFIXTURES DATADIR SECONDS [MKSYNTH] - seed a corpus with
# every fixture and the small real traces (cut to 64 KiB), then fuzz for
# SECONDS.  With MKSYNTH the fuzzer is fuzz_stitch, whose first byte picks the
# mode: the files get a leading 0x01 (whole traces through report and script),
# a small synthetic trace joins them, and random record streams (leading 0x00)
# seed the stitcher mode.
# Crashes are kept in $HVPATH_FUZZ_ARTIFACTS (default: a temp dir, printed).
set -eu
fuzzer=$1 mkfixtures=$2 data=$3 secs=$4 mksynth=${5:-}
extra=()
work=$(mktemp -d)
trap 'rm -rf "$work/corpus" "$work/files"' EXIT
mkdir -p "$work/corpus" "$work/files" "${HVPATH_FUZZ_ARTIFACTS:=$work/artifacts}"
"$mkfixtures" "$work/files"
for f in "$data"/*.xt; do
    [ -e "$f" ] && head -c 65536 "$f" >"$work/files/real-$(basename "$f")"
done
if [ -z "$mksynth" ]; then
    mv "$work/files"/* "$work/corpus/"
else
    "$mksynth" "$work/synth.xt" 40 0 1 >/dev/null
    head -c 65536 "$work/synth.xt" >"$work/files/synth.xt"
    for f in "$work/files"/*; do
        { printf '\001'; cat "$f"; } >"$work/corpus/file-$(basename "$f")"
    done
    extra=(-close_fd_mask=2)      # the commands' own error messages
    for i in 1 2 3 4 5 6 7 8; do
        { printf '\000'; head -c 1200 /dev/urandom; } >"$work/corpus/records-$i"
    done
fi
"$fuzzer" -max_total_time="$secs" -max_len=65536 -print_final_stats=1 "${extra[@]}" \
    -artifact_prefix="$HVPATH_FUZZ_ARTIFACTS/" "$work/corpus" 2>&1 | tail -n 15
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || echo "fuzzer failed (exit $rc); reproducers in $HVPATH_FUZZ_ARTIFACTS"
exit "$rc"
