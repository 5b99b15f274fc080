#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# build-xen.sh — build Debian's Xen 4.17 hypervisor with the hv-probes patch series.
#
#   hv-probes/build-xen.sh [--force] [--keep-tree]
#   hv-probes/build-xen.sh --each-patch [--source DIR] [--series DIR]
#
# --each-patch checks that the series is bisectable instead of building it
# once: the source goes into a git tree, the unpatched hypervisor is built,
# then each patch is applied with `git am` and the hypervisor rebuilt (make,
# -Werror), and a patch to xenalyze is compiled with gcc -Wall -Werror.  It
# prints one line per patch and stores nothing.  --source DIR takes the tree
# from DIR (e.g. an upstream RELEASE-4.17.5 checkout) instead of apt;
# --series DIR takes the patches and series file from DIR (a port, e.g.
# hv-probes/ports/4.22 with --source a RELEASE-4.22.0 checkout).
# About 15 minutes on 2 cores.
#
# Prints the path of the built ELF (xen/xen, bootable with QEMU -kernel) on
# stdout; progress goes to stderr.  Next to it: xen-syms (for objdump/addr2line),
# config (the .config built with), build.log, inputs.txt (what the key hashes).
#
# Steps:
#   1. make sure apt has a deb-src entry for the main archive: if `apt-cache
#      showsrc xen` finds nothing, the deb stanzas of the machine's own apt
#      configuration (security suites left out: that archive serves no sources)
#      are copied as deb-src into /etc/apt/sources.list.d/hvpath-deb-src.sources
#      (or .list), then `apt-get update`;
#   2. resolve the versions: source package `xen` (highest in apt; override with
#      HVPATH_XEN_SRC_VERSION) and the binary xen-hypervisor-4.17-amd64 whose
#      boot/xen-4.17-amd64.config is Debian's build configuration;
#   3. key = sha256 of (source version, config, patches in series order,
#      hvpath_events.def, this script); if ${HVPATH_CACHE:-~/.cache/hvpath}/
#      xen-patched/<key>/xen exists, print it and stop (nothing downloaded);
#   4. otherwise: apt-get source, apply patches/series with patch -p1 (patch 1
#      adds hvpath_events.def as xen/include/public/; it must equal this
#      directory's), .config = Debian's config with CONFIG_TRACEBUFFER=y,
#      make -C xen olddefconfig && make -C xen -jN (Xen builds with -Werror),
#      and store the result under the key.
#
# Environment:
#   HVPATH_CACHE            cache root (default ~/.cache/hvpath)
#   HVPATH_XEN_SRC_VERSION  source package version to build (default: newest in apt)
#   HVPATH_JOBS             make -j (default: nproc)
#
# Needs root (or password-less sudo) only for the apt steps: adding the deb-src
# entry and installing missing build tools (bison flex python3 gcc make patch
# dpkg-dev).  ~6 minutes on 2 cores for a clean build.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
patchdir="$here/patches"
deffile="$here/hvpath_events.def"
cache="${HVPATH_CACHE:-$HOME/.cache/hvpath}/xen-patched"
binpkg=xen-hypervisor-4.17-amd64
cfgpath=boot/xen-4.17-amd64.config
jobs=${HVPATH_JOBS:-$(nproc)}
force=0 keep_tree=0 each_patch=0 source_dir=

log() { printf 'build-xen: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

while (($#)); do
    case $1 in
    --force) force=1; shift ;;
    --keep-tree) keep_tree=1; shift ;;
    --each-patch) each_patch=1; shift ;;
    --source) [[ -n ${2:-} ]] || die "--source needs a directory"; source_dir=$2; shift 2 ;;
    --series) [[ -d ${2:-} ]] || die "--series needs a directory"; patchdir=$(cd "$2" && pwd); shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
    *) die "unknown argument '$1' (--help)" ;;
    esac
done

[[ -r $deffile ]] || die "no $deffile"
[[ -r $patchdir/series ]] || die "no $patchdir/series"

as_root() {
    if ((EUID == 0)); then "$@"
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo -n "$@"
    else die "needs root for: $*"
    fi
}

sha() { sha256sum "$@" | cut -d' ' -f1; }

# ---- 1. a deb-src entry for the main archive -----------------------------------------
have_sources() { apt-cache showsrc xen 2>/dev/null | awk '/^Version:/ { f = 1 } END { exit !f }'; }

add_deb_src() {
    local d=/etc/apt/sources.list.d tmp
    tmp=$(mktemp)
    # deb822 files: every stanza with "Types: deb" whose Suites are not *-security
    local f
    for f in "$d"/*.sources; do
        [[ -r $f && $f != "$d/hvpath-deb-src.sources" ]] || continue
        awk 'BEGIN { RS = ""; ORS = "\n\n" }
             /(^|\n)Types:[ \t]*([^\n]*[ \t])?deb([ \t]|\n|$)/ {
                 if ($0 ~ /\nSuites:[^\n]*-security/) next
                 sub(/Types:[^\n]*/, "Types: deb-src"); print
             }' "$f" >>"$tmp"
    done
    if [[ -s $tmp ]]; then
        as_root install -m 0644 "$tmp" "$d/hvpath-deb-src.sources"
        log "added $d/hvpath-deb-src.sources (deb-src, derived from the deb entries)"
    else
        # one-line format: sources.list and *.list
        for f in /etc/apt/sources.list "$d"/*.list; do
            [[ -r $f && $f != "$d/hvpath-deb-src.list" ]] || continue
            awk '$1 == "deb" { for (i = 3; i <= NF; i++) if ($i ~ /-security/) next
                               $1 = "deb-src"; print }' "$f" >>"$tmp"
        done
        [[ -s $tmp ]] || { rm -f "$tmp"; die "no deb entry in the apt configuration to derive deb-src from"; }
        as_root install -m 0644 "$tmp" "$d/hvpath-deb-src.list"
        log "added $d/hvpath-deb-src.list (deb-src, derived from the deb entries)"
    fi
    rm -f "$tmp"
    log "apt-get update"
    as_root apt-get update -qq >&2 || die "apt-get update failed"
}

if ! have_sources; then
    add_deb_src
    have_sources || die "apt-cache showsrc xen still finds nothing"
fi

# ---- 2. versions ----------------------------------------------------------------------
newest() {  # newest of the versions on stdin, by dpkg ordering
    local best="" v
    while read -r v; do
        [[ -z $best ]] && { best=$v; continue; }
        dpkg --compare-versions "$v" gt "$best" && best=$v
    done
    printf '%s\n' "$best"
}
srcver=${HVPATH_XEN_SRC_VERSION:-$(apt-cache showsrc --only-source xen | awk '/^Version:/ { print $2 }' | newest)}
[[ -n $srcver ]] || die "cannot resolve the xen source version"
binver=$(apt-cache policy "$binpkg" | awk '/Candidate:/ { print $2 }')
[[ -n $binver && $binver != "(none)" ]] || die "no candidate for $binpkg"

# Debian's config, from the binary package (downloaded once per version)
mkdir -p "$cache/debs"
safever=${binver//:/%3a}
debcfg="$cache/debs/${binpkg}_${safever}.config"
if [[ ! -s $debcfg ]]; then
    log "fetching $binpkg $binver for its config"
    tmp=$(mktemp -d "$cache/debs/.dl.XXXXXX")
    (cd "$tmp" && apt-get download -q "$binpkg=$binver" >&2) || { rm -rf "$tmp"; die "apt-get download $binpkg failed"; }
    dpkg-deb -x "$tmp"/*.deb "$tmp/x"
    [[ -s $tmp/x/$cfgpath ]] || { rm -rf "$tmp"; die "$binpkg has no $cfgpath"; }
    cp "$tmp/x/$cfgpath" "$debcfg.tmp" && mv "$debcfg.tmp" "$debcfg"
    rm -rf "$tmp"
fi

# The config we build with: Debian's, trace buffers forced on.
config=$(sed '/^CONFIG_TRACEBUFFER=/d; /^# CONFIG_TRACEBUFFER is not set/d' "$debcfg"; echo CONFIG_TRACEBUFFER=y)

# ---- 3. the key -------------------------------------------------------------------------
mapfile -t patches < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$patchdir/series" | awk '{ print $1 }')
((${#patches[@]})) || die "series lists no patches"
for p in "${patches[@]}"; do
    [[ -r $patchdir/$p ]] || die "series names $p, which is missing"
done
inputs=$({
    echo "hvpath xen-patched build v1"
    echo "source xen $srcver"
    echo "config $binpkg $binver $(printf '%s\n' "$config" | sha256sum | cut -d' ' -f1)"
    for p in "${patches[@]}"; do
        echo "patch $p $(sha "$patchdir/$p")"
    done
    echo "def hvpath_events.def $(sha "$deffile")"
    echo "script build-xen.sh $(sha "${BASH_SOURCE[0]}")"
})
key=$(printf '%s\n' "$inputs" | sha256sum | cut -c1-16)
out="$cache/$key"

if ((!force && !each_patch)) && [[ -s $out/xen ]]; then
    log "cached: $out (source $srcver, ${#patches[@]} patches)"
    printf '%s\n' "$out/xen"
    exit 0
fi

# One build per key at a time.
exec 9>"$cache/.lock-$key"
flock 9
if ((!force && !each_patch)) && [[ -s $out/xen ]]; then
    log "built meanwhile by another run: $out"
    printf '%s\n' "$out/xen"
    exit 0
fi

# ---- 4. build -------------------------------------------------------------------------
need=()
for t in bison:bison flex:flex python3:python3 gcc:gcc make:make patch:patch dpkg-source:dpkg-dev; do
    command -v "${t%%:*}" >/dev/null || need+=("${t#*:}")
done
if ((${#need[@]})); then
    log "installing ${need[*]}"
    as_root apt-get install -y -qq --no-install-recommends "${need[@]}" >&2 || die "apt-get install ${need[*]} failed"
fi

srccache="$cache/src/xen_${srcver//:/%3a}"
if [[ ! -s $srccache/.complete ]]; then
    log "apt-get source xen=$srcver (download only)"
    rm -rf "$srccache"; mkdir -p "$srccache"
    (cd "$srccache" && apt-get source --download-only -q "xen=$srcver" >&2) || die "apt-get source failed"
    touch "$srccache/.complete"
fi
dsc=$(ls "$srccache"/*.dsc)

# ---- --each-patch: every step of the series builds on its own -----------------------
each_patch_run() {
    local work src n=0 p t0 nwarn
    command -v git >/dev/null || as_root apt-get install -y -qq --no-install-recommends git >&2
    work=$(mktemp -d "$cache/.each-$key.XXXXXX")
    # shellcheck disable=SC2064 # the path now: $work is local
    trap "rm -rf '$work'" EXIT
    src=$work/src
    if [[ -n $source_dir ]]; then
        log "copying $source_dir"
        if git -C "$source_dir" rev-parse --git-dir >/dev/null 2>&1; then
            mkdir -p "$src" && git -C "$source_dir" archive HEAD | tar -x -C "$src"
        else
            cp -a "$source_dir" "$src"
        fi
    else
        dpkg-source --no-check -x "$dsc" "$src" >"$work/unpack.log" 2>&1 \
            || { cat "$work/unpack.log" >&2; die "dpkg-source -x failed"; }
    fi
    (cd "$src" && git init -q && git add -A && git -c user.name=hvpath -c user.email=hvpath@invalid \
        commit -qm base) || die "git init of the source failed"
    printf '%s\n' "$config" >"$src/xen/.config"
    t0=$SECONDS
    { make -C "$src/xen" olddefconfig && make -C "$src/xen" -j"$jobs"; } >"$work/base.log" 2>&1 \
        || { tail -n 30 "$work/base.log" >&2; die "the unpatched source does not build"; }
    printf 'base       built in %3d s (%s)\n' $((SECONDS - t0)) "${source_dir:-xen $srcver}"
    for p in "${patches[@]}"; do
        n=$((n + 1))
        (cd "$src" && git -c user.name=hvpath -c user.email=hvpath@invalid am -q "$patchdir/$p") \
            >"$work/am.log" 2>&1 || { cat "$work/am.log" >&2; die "$p: git am failed"; }
        t0=$SECONDS
        make -C "$src/xen" -j"$jobs" >"$work/$n.log" 2>&1 \
            || { grep -B2 -A8 'error' "$work/$n.log" | head -n 40 >&2; die "$p: the hypervisor does not build"; }
        nwarn=$(grep -c 'warning:' "$work/$n.log" || true)
        if grep -q '^diff --git a/tools/xentrace/xenalyze.c ' "$patchdir/$p"; then
            # xenalyze alone, against the tree's public headers as <xen/...>
            mkdir -p "$work/inc" && ln -sfn "$src/xen/include/public" "$work/inc/xen"
            gcc -O2 -Wall -Werror -Wno-unused-but-set-variable -Wno-unused-variable \
                -Wno-unused-function -I"$work/inc" -I"$src/tools/include" -I"$src/tools/xentrace" \
                -o "$work/xenalyze" "$src/tools/xentrace/xenalyze.c" "$src/tools/xentrace/mread.c" \
                >"$work/xa.log" 2>&1 || { head -n 40 "$work/xa.log" >&2; die "$p: xenalyze does not build"; }
            printf '%-10s git am ok, hypervisor built in %3d s (%s warnings), xenalyze built\n' \
                "$(printf '%04d' $n)" $((SECONDS - t0)) "$nwarn"
        else
            printf '%-10s git am ok, hypervisor built in %3d s (%s warnings)\n' \
                "$(printf '%04d' $n)" $((SECONDS - t0)) "$nwarn"
        fi
    done
    echo "each of the ${#patches[@]} patches applies with git am and builds"
}
if ((each_patch)); then
    each_patch_run
    exit 0
fi

work=$(mktemp -d "$cache/.build-$key.XXXXXX")
trap 'rm -rf "$work"' EXIT
log "unpacking into $work/src"
dpkg-source --no-check -x "$dsc" "$work/src" >"$work/unpack.log" 2>&1 || { cat "$work/unpack.log" >&2; die "dpkg-source -x failed"; }

for p in "${patches[@]}"; do
    log "applying $p"
    patch -d "$work/src" -p1 --batch --forward --no-backup-if-mismatch -s <"$patchdir/$p" >&2 \
        || die "$p does not apply to xen $srcver"
done
cmp -s "$deffile" "$work/src/xen/include/public/hvpath_events.def" \
    || die "patch 1's public/hvpath_events.def is not $deffile (hv-probes/check-series.sh)"
printf '%s\n' "$config" >"$work/src/xen/.config"

buildlog="$work/build.log"
log "make -C xen olddefconfig && make -C xen -j$jobs (log: $buildlog)"
start=$SECONDS
if ! { make -C "$work/src/xen" olddefconfig && make -C "$work/src/xen" -j"$jobs"; } >"$buildlog" 2>&1; then
    tail -n 40 "$buildlog" >&2
    trap - EXIT
    die "build failed; tree and log kept in $work"
fi
grep -qx 'CONFIG_TRACEBUFFER=y' "$work/src/xen/.config" || die "CONFIG_TRACEBUFFER is not set after olddefconfig"
nwarn=$(grep -c 'warning:' "$buildlog" || true)
log "built in $((SECONDS - start)) s, $nwarn 'warning:' lines in the log"

rm -rf "$out.tmp"; mkdir -p "$out.tmp"
cp "$work/src/xen/xen" "$work/src/xen/xen-syms" "$out.tmp/"
cp "$work/src/xen/.config" "$out.tmp/config"
cp "$buildlog" "$out.tmp/build.log"
printf '%s\n' "$inputs" >"$out.tmp/inputs.txt"
if ((keep_tree)); then mv "$work/src" "$out.tmp/tree"; fi
rm -rf "$out"
mv "$out.tmp" "$out"
log "stored $out"
printf '%s\n' "$out/xen"
