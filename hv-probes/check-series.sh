#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# check-series.sh — is the hv-probes series (patches/, and each port under
# ports/) self-contained and in step with the one table?  Fast (no Xen source
# needed); a ctest test runs it.
#
#   hv-probes/check-series.sh HVPATH
#
# HVPATH is the hvpath binary (for `hvpath list --format xen-h|xentrace`).
# Checks, each failing with the patch and what differs:
#   1. series lists every NNNN-*.patch of patches/, in order, and nothing else;
#   2. every patch is a git format-patch mail with a subject, a body and a
#      Signed-off-by (what `git am` needs);
#   3. the series adds xen/include/public/hvpath_events.def, equal to
#      hv-probes/hvpath_events.def byte for byte;
#   4. the TRC_HW_HVPATH_<NAME> defines it adds to public/trace.h are
#      `hvpath list --format xen-h`, and the tools/xentrace/formats lines it
#      adds are `hvpath list --format xentrace`;
#   5. added C lines (xen/ and tools/) keep Xen's style basics: no tab, no
#      trailing blank, at most 80 columns.
# Building each step on its own is build-xen.sh --each-patch (minutes).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
hvpath=${1:?usage: check-series.sh HVPATH}
fail=0
bad() { printf 'check-series: %s\n' "$*" >&2; fail=1; }

# Lines a patch adds to one file ("+" lines of that file's diff, '+' removed).
added() {  # added PATCH PATH
    awk -v want="$2" '
        /^diff --git / { on = ($3 == "a/" want) ; next }
        on && /^\+\+\+ / { next }
        on && /^\+/ { print substr($0, 2) }' "$1"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$hvpath" list --format xen-h >"$tmp/h.want"
"$hvpath" list --format xentrace >"$tmp/f.want"

# One series: patches/ (Xen 4.17.5) or a port under ports/.
check_series() {  # check_series DIR
    local pd=$1 name=${1#"$here"/} def_found=0 p f
    local -a listed present
    # 1. the series file against the directory
    mapfile -t listed < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$pd/series")
    mapfile -t present < <(cd "$pd" && ls [0-9][0-9][0-9][0-9]-*.patch)
    if [[ "${listed[*]}" != "${present[*]}" ]]; then
        bad "$name/series does not list exactly the patches of $name/, in order"
    fi
    : >"$tmp/h"; : >"$tmp/f"
    for p in "${present[@]}"; do
        f=$pd/$p
        # 2. a mail git am can apply
        head -n 1 "$f" | grep -q '^From 0\{40\} ' || bad "$name/$p: not a git format-patch mail (From line)"
        grep -q '^Subject: \[PATCH' "$f" || bad "$name/$p: no Subject"
        grep -q '^Signed-off-by: ' "$f" || bad "$name/$p: no Signed-off-by"
        # 3. the table travels with the series
        if grep -q '^diff --git a/xen/include/public/hvpath_events.def ' "$f"; then
            def_found=1
            if ! cmp -s <(added "$f" xen/include/public/hvpath_events.def) "$here/hvpath_events.def"; then
                bad "$name/$p: its public/hvpath_events.def is not hv-probes/hvpath_events.def"
                diff <(added "$f" xen/include/public/hvpath_events.def) "$here/hvpath_events.def" | head -n 10 >&2 || true
            fi
        fi
        added "$f" xen/include/public/trace.h | grep '^#define TRC_HW_HVPATH_' >>"$tmp/h" || true
        added "$f" tools/xentrace/formats | grep '^0x00808' >>"$tmp/f" || true
        # 5. style of added C
        awk -v p="$name/$p" '
            /^diff --git / { c = ($3 ~ /\.(c|h)$/); next }
            /^\+\+\+ / { next }
            c && /^\+/ {
                l = substr($0, 2)
                if (l ~ /\t/) printf "check-series: %s: tab in: %s\n", p, l
                if (l ~ /[ \t]$/) printf "check-series: %s: trailing blank in: %s\n", p, l
                if (length(l) > 80) printf "check-series: %s: over 80 columns: %s\n", p, l
            }' "$f" | { if grep .; then exit 1; fi; } >&2 || fail=1
    done
    ((def_found)) || bad "$name: no patch adds xen/include/public/hvpath_events.def"
    # 4. the generated text
    if ! cmp -s "$tmp/h" "$tmp/h.want"; then
        bad "$name: public/trace.h ids differ from 'hvpath list --format xen-h' (< patch, > table):"
        diff "$tmp/h" "$tmp/h.want" | head -n 10 >&2 || true
    fi
    if ! cmp -s "$tmp/f" "$tmp/f.want"; then
        bad "$name: tools/xentrace/formats lines differ from 'hvpath list --format xentrace' (< patch, > table):"
        diff "$tmp/f" "$tmp/f.want" | head -n 10 >&2 || true
    fi
    nseries=$((nseries + 1)) npatches=$((npatches + ${#present[@]}))
}

nseries=0 npatches=0
check_series "$here/patches"
for d in "$here"/ports/*/; do
    [[ -d $d ]] && check_series "${d%/}"
done

if ((fail)); then
    echo "check-series: FAILED" >&2
    exit 1
fi
echo "check-series: $nseries series ($npatches patches): table, ids and formats in step"
