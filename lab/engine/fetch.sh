#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# fetch.sh — download Debian packages with apt and unpack them into the lab cache.
#
# Usage: fetch.sh LABCACHE PKG=VERSION...      (versions as printed by resolve.sh)
#
# Missing .debs are downloaded with one `apt-get download` call into
# LABCACHE/debs and each is unpacked once with `dpkg -x` into
# LABCACHE/x/PKG_VERSION.  Nothing is installed on the host.
# Prints "PKG VERSION UNPACKED-DIR" per package on stdout; progress on stderr.
set -euo pipefail

cache=${1:?usage: fetch.sh LABCACHE PKG=VERSION...}; shift
mkdir -p "$cache/debs" "$cache/x"
log() { printf 'hvpath-lab: %s\n' "$*" >&2; }

safe() { local v=${1//:/%3a}; printf '%s' "$v"; }   # apt writes epochs as %3a in file names
debfile() { printf '%s/debs/%s_%s.deb' "$cache" "$1" "$(safe "$2")"; }

# 1. download what is missing, in one apt-get call
missing=()
for spec in "$@"; do
    pkg=${spec%%=*} ver=${spec#*=}
    [[ -s $(debfile "$pkg" "$ver") ]] || missing+=("$spec")
done
if ((${#missing[@]})); then
    log "downloading ${#missing[@]} package(s) with apt-get download: ${missing[*]%%=*}"
    tmp=$(mktemp -d "$cache/debs/.dl.XXXXXX")
    if ! (cd "$tmp" && timeout 1800 apt-get download -q -o APT::Sandbox::User=root \
              "${missing[@]}" >/dev/null); then
        rm -rf "$tmp"; log "ERROR: apt-get download failed"; exit 1
    fi
    for spec in "${missing[@]}"; do
        pkg=${spec%%=*} ver=${spec#*=}
        f=( "$tmp/${pkg}_$(safe "$ver")_"*.deb )
        [[ -s ${f[0]} ]] || { rm -rf "$tmp"; log "ERROR: apt-get download gave no $pkg=$ver"; exit 1; }
        mv "${f[0]}" "$(debfile "$pkg" "$ver")"
    done
    rm -rf "$tmp"
fi

# 2. unpack each once
for spec in "$@"; do
    pkg=${spec%%=*} ver=${spec#*=}
    dir="$cache/x/${pkg}_$(safe "$ver")"
    if [[ ! -e $dir/.unpacked ]]; then
        rm -rf "$dir"; mkdir -p "$dir"
        timeout 600 dpkg -x "$(debfile "$pkg" "$ver")" "$dir"
        touch "$dir/.unpacked"
    fi
    printf '%s %s %s\n' "$pkg" "$ver" "$dir"
done
