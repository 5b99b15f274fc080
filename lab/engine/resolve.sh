#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# resolve.sh — decide which Debian packages (and versions) make up the lab.
#
# Usage: resolve.sh LABCACHE
# Prints "PKG VERSION ROLE" lines, ROLE one of: xen kernel busybox tools lib.
#   - the hypervisor:   xen-hypervisor-4.17-amd64
#   - the kernel:       linux-image-<ABI>-amd64, the ABI read at run time from
#                       what linux-image-amd64 depends on (never hard-coded)
#   - busybox-static
#   - xen-utils-4.17 (xentrace, xl, xenstored, ...) and xen-utils-common (/etc/xen)
#   - the shared libraries those tools need: the lib* dependencies of
#     xen-utils-4.17, closed over their own lib* dependencies, plus libgcc-s1
#     (xl aborts without libgcc_s.so.1).
# The answer is cached in LABCACHE/resolve/ keyed by the apt package lists, so
# a cached run does not pay for the apt-cache queries.
set -euo pipefail

cache=${1:?usage: resolve.sh LABCACHE}
mkdir -p "$cache/resolve"
log() { printf 'hvpath-lab: %s\n' "$*" >&2; }

# Key: the apt lists (name, size, mtime) + this script.
lists_key() {
    { stat -c '%n %s %Y' /var/lib/apt/lists/*Packages* 2>/dev/null || true
      sha256sum "$0"; } | sha256sum | cut -c1-16
}

# Package names a set of packages Depends/Pre-Depends on.
depends_of() {
    apt-cache depends "$@" 2>/dev/null | sed -n 's/^ *\(Pre\)\{0,1\}Depends: //p' \
        | grep -v '^<' | sort -u
}

# "PKG VERSION" for the candidates of a set of packages.
candidates() {
    apt-cache policy "$@" 2>/dev/null | awk '
        /^[^ ].*:$/ { pkg = substr($0, 1, length($0) - 1) }
        /^ +Candidate:/ { if ($2 != "(none)") print pkg, $2 }'
}

resolve() {
    local abi kernel
    abi=$(apt-cache depends linux-image-amd64 2>/dev/null \
          | sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n1)
    [[ -n $abi ]] || { log "ERROR: cannot resolve the kernel from 'apt-cache depends linux-image-amd64'"; return 1; }
    kernel=$abi

    # Library closure, one apt-cache call per level.
    local -A seen=()
    local level=() next=() libs=() p
    # shellcheck disable=SC2207  # package names have no spaces
    level=( $(depends_of xen-utils-4.17 | grep -E '^(lib|zlib)') libgcc-s1 )
    while ((${#level[@]})); do
        next=()
        for p in "${level[@]}"; do
            [[ -n ${seen[$p]:-} ]] && continue
            seen[$p]=1; libs+=("$p"); next+=("$p")
        done
        ((${#next[@]})) || break
        # shellcheck disable=SC2207
        level=( $(depends_of "${next[@]}" | grep -E '^(lib|zlib)') )
    done

    local -A role=([xen-hypervisor-4.17-amd64]=xen [$kernel]=kernel [busybox-static]=busybox
                   [xen-utils-4.17]=tools [xen-utils-common]=tools)
    for p in "${libs[@]}"; do role[$p]=lib; done
    local out n=0
    out=$(candidates "${!role[@]}")
    while read -r p v; do
        printf '%s %s %s\n' "$p" "$v" "${role[$p]}"; n=$((n + 1))
    done <<<"$out" | sort -k3,3 -k1,1
    # every package must have a candidate
    [[ $(wc -l <<<"$out") == "${#role[@]}" ]] || { log "ERROR: apt has no candidate for some of: ${!role[*]}"; return 1; }
}

key=$(lists_key)
file="$cache/resolve/$key.txt"
if [[ ! -s $file ]]; then
    pol=$(apt-cache policy linux-image-amd64 2>/dev/null || true)
    if [[ $pol != *"Candidate: "[0-9]* ]]; then
        if [[ $(id -u) == 0 ]]; then
            log "no apt package lists: running apt-get update"
            timeout 600 apt-get update -qq >&2
            key=$(lists_key); file="$cache/resolve/$key.txt"
        fi
    fi
fi
if [[ ! -s $file ]]; then
    log "resolving package versions with apt-cache"
    resolve >"$file.tmp"
    mv "$file.tmp" "$file"
fi
cat "$file"
