#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# mkimage.sh — assemble the lab's boot files from unpacked Debian packages.
#
# Usage: mkimage.sh OUTDIR PKGLIST BINDIR
#   PKGLIST  lines "PKG VERSION UNPACKED-DIR ROLE" (resolve.sh + fetch.sh)
#   BINDIR   the project's in-lab binaries (all executables are copied)
#
# Writes into OUTDIR:
#   xen            the hypervisor (gunzipped /boot/xen-4.17-amd64.gz), ELF for -kernel
#   vmlinuz        the dom0 kernel
#   dom0.cpio.gz   the dom0 initramfs:
#                    /init                        lab/image/init.sh
#                    /bin/busybox + applet links  busybox-static
#                    /lib/hvpath-modules/*.ko     xen + virtio modules of the kernel
#                    /usr/lib/xen-4.17/bin/*      xen-utils-4.17 (xentrace, xl, ...)
#                    /etc/xen                     xen-utils-common (not its /usr/sbin wrappers!)
#                    /lib, /usr/lib, /lib64       the shared libraries the ELF files need
#                                                 (resolved with the packaged ld.so), + libgcc_s.so.1
#                    /opt/hvpath/bin/*            $BINDIR
#                    /opt/hvpath/scenarios/*.sh   lab/scenarios/*.sh
#                    /opt/hvpath/lib.sh           lab/image/dom0-lib.sh
#                    /guest/{vmlinuz,initrd.cpio.gz}, /etc/xen/hvpath-{pvh,pv}.cfg
#                    (the guest initrd: busybox, lab/image/guest-init.sh, xen-evtchn.ko
#                    and the static executables of $BINDIR)
#   versions.txt   the package list this was built from
# Work happens in OUTDIR.tmp, renamed to OUTDIR at the end (so OUTDIR is complete or absent).
set -euo pipefail

out=${1:?usage: mkimage.sh OUTDIR PKGLIST BINDIR}
pkglist=${2:?}
bindir=${3:?}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
scendir=$(cd "$here/../scenarios" && pwd)
log() { printf 'hvpath-lab: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

dir_of() { awk -v r="$1" '$4 == r { print $3 }' "$pkglist"; }
xendir=$(dir_of xen); kdir=$(dir_of kernel); bbdir=$(dir_of busybox)
mapfile -t tooldirs < <(dir_of tools)
mapfile -t libdirs < <(dir_of lib)
[[ -n $xendir && -n $kdir && -n $bbdir && ${#tooldirs[@]} -gt 0 ]] || die "package list incomplete: $pkglist"

tmp="$out.tmp"
rm -rf "$tmp"; mkdir -p "$tmp"
root="$tmp/root"; sysroot="$tmp/sysroot"; groot="$tmp/guest"
mkdir -p "$root" "$sysroot" "$groot"

# ---- hypervisor and kernel ---------------------------------------------------
gzip -dc "$xendir"/boot/xen-4.17-amd64.gz >"$tmp/xen"
vmlinuz=$(ls "$kdir"/boot/vmlinuz-*)
kver=${vmlinuz##*/vmlinuz-}
cp "$vmlinuz" "$tmp/vmlinuz"
moddir="$kdir/lib/modules/$kver"

# ---- a busybox root (used for dom0 and for the guest) -------------------------
# busybox_root DIR: busybox plus a link for every applet, and the usual dirs.
busybox_root() {
    local r=$1 a
    mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,root,etc,var/lib,var/log,lib}
    ln -sfn ../run "$r/var/run"
    cp "$bbdir/bin/busybox" "$r/bin/busybox"
    # the static busybox runs on the build machine too: ask it for its applets
    while read -r a; do
        [[ $a == bin/busybox ]] && continue
        [[ -e $r/$a ]] || ln -s /bin/busybox "$r/$a"
    done < <("$r/bin/busybox" --list-full)
}

busybox_root "$root"
busybox_root "$groot"

# ---- dom0: modules -----------------------------------------------------------
mkdir -p "$root/lib/hvpath-modules"
for m in xen-privcmd xenfs xen-evtchn xen-gntdev xen-gntalloc virtio_ring virtio \
         virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk; do
    f=$(find "$moddir/kernel" -name "$m.ko" -o -name "$m.ko.xz" | head -n1)
    [[ -n $f ]] || die "module $m not found in $moddir"
    case $f in
    *.xz) xz -dc "$f" >"$root/lib/hvpath-modules/$m.ko" ;;
    *)    cp "$f" "$root/lib/hvpath-modules/$m.ko" ;;
    esac
done

# ---- dom0: Xen tools and /etc/xen ----------------------------------------------
mkdir -p "$root/usr/lib/xen-4.17" "$root/etc/xen"
for d in "${tooldirs[@]}"; do
    [[ -d $d/usr/lib/xen-4.17/bin ]] && cp -a "$d/usr/lib/xen-4.17/bin" "$root/usr/lib/xen-4.17/"
    [[ -d $d/etc/xen ]] && cp -a "$d/etc/xen/." "$root/etc/xen/"
done
[[ -x $root/usr/lib/xen-4.17/bin/xentrace ]] || die "no xentrace in xen-utils"
# Deliberately NOT copied: /usr/sbin/xen* of xen-utils-common (wrapper-script
# symlinks; copied over the real tools, xentrace calls itself forever).

# ---- dom0: the project's binaries and scripts ------------------------------------
mkdir -p "$root/opt/hvpath/bin" "$root/opt/hvpath/scenarios"
for f in "$bindir"/*; do
    [[ -f $f && -x $f ]] && cp "$f" "$root/opt/hvpath/bin/"
done
cp "$scendir"/*.sh "$root/opt/hvpath/scenarios/"
cp "$here/dom0-lib.sh" "$root/opt/hvpath/lib.sh"
cp "$here/init.sh" "$root/init"
chmod 755 "$root/init"

# ---- dom0: shared libraries ---------------------------------------------------
# All library packages unpacked into one sysroot; the packaged ld.so lists what
# each ELF file needs; those files (symlinks resolved) are copied to the same
# paths in the image.
for d in "${libdirs[@]}"; do cp -a "$d/." "$sysroot/"; done
rm -f "$sysroot/.unpacked"
ldso="$sysroot/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
[[ -x $ldso ]] || die "no ld-linux-x86-64.so.2 in libc6"
libpath="$sysroot/lib/x86_64-linux-gnu:$sysroot/usr/lib/x86_64-linux-gnu"
copy_lib() {   # copy_lib SYSROOT-PATH
    local rel=${1#"$sysroot"}
    [[ -e $root$rel ]] && return 0
    mkdir -p "$root$(dirname "$rel")"
    cp -L "$1" "$root$rel"
}
is_elf() { [[ $(od -An -c -N4 "$1" 2>/dev/null | tr -d ' ') == '177ELF' ]]; }
# has_interp FILE: true if the ELF64 file has a PT_INTERP program header, i.e.
# is dynamically linked (the packaged ld.so crashes on static files).
has_interp() {
    local f=$1 phoff phentsize phnum i type
    phoff=$(od -An -t u8 -j 32 -N 8 "$f" | tr -d ' ')
    phentsize=$(od -An -t u2 -j 54 -N 2 "$f" | tr -d ' ')
    phnum=$(od -An -t u2 -j 56 -N 2 "$f" | tr -d ' ')
    for ((i = 0; i < phnum; i++)); do
        type=$(od -An -t u4 -j $((phoff + i * phentsize)) -N 4 "$f" | tr -d ' ')
        [[ $type == 3 ]] && return 0
    done
    return 1
}
missing=0
while IFS= read -r -d '' f; do
    is_elf "$f" && has_interp "$f" || continue
    out_list=$("$ldso" --library-path "$libpath" --list "$f" 2>&1) || true
    if grep -q 'not found' <<<"$out_list"; then
        log "missing libraries for ${f#"$root"}:"; grep 'not found' <<<"$out_list" >&2
        missing=1
    fi
    while read -r lib; do
        [[ $lib == "$sysroot"/* ]] && copy_lib "$lib"
    done < <(sed -n 's/^.*=> \(\/[^ ]*\) (0x.*$/\1/p' <<<"$out_list")
done < <(find "$root/usr/lib/xen-4.17/bin" "$root/opt/hvpath/bin" -type f -print0)
((missing == 0)) || die "shared libraries missing from the package set"
copy_lib "$ldso"
copy_lib "$sysroot/lib/x86_64-linux-gnu/libgcc_s.so.1"   # xl needs it for pthread_cancel
mkdir -p "$root/lib64"
ln -sfn /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$root/lib64/ld-linux-x86-64.so.2"

# ---- the guest: same kernel, busybox initrd --------------------------------------
# It gets the evtchn module and the project's static binaries (pingpong -r).
cp "$here/guest-init.sh" "$groot/init"
chmod 755 "$groot/init"
mkdir -p "$groot/lib/hvpath-modules" "$groot/opt/hvpath/bin"
cp "$root/lib/hvpath-modules/xen-evtchn.ko" "$groot/lib/hvpath-modules/"
for f in "$root"/opt/hvpath/bin/*; do
    [[ -f $f ]] && is_elf "$f" && ! has_interp "$f" && cp "$f" "$groot/opt/hvpath/bin/"
done
cat >"$groot/etc/inittab" <<'EOF'
hvc0::respawn:-/bin/sh
::shutdown:/bin/echo hvpath-guest: shutting down
EOF
mkdir -p "$root/guest"
cp "$tmp/vmlinuz" "$root/guest/vmlinuz"
(cd "$groot" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -6) \
    >"$root/guest/initrd.cpio.gz"
for t in pvh pv; do
    cat >"$root/etc/xen/hvpath-$t.cfg" <<EOF
# hvpath lab guest ($t): the dom0 kernel with a busybox initrd, no disk, no network.
name = "hvpath-$t"
type = "$t"
kernel = "/guest/vmlinuz"
ramdisk = "/guest/initrd.cpio.gz"
extra = "console=hvc0"
memory = 256
vcpus = 1
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
EOF
done

# ---- pack ----------------------------------------------------------------------
mkdir -p "$root/etc/hvpath"
cut -d' ' -f1,2,4 "$pkglist" >"$root/etc/hvpath/versions.txt"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -6) \
    >"$tmp/dom0.cpio.gz"
cp "$root/etc/hvpath/versions.txt" "$tmp/versions.txt"
echo "$kver" >"$tmp/kernel-release"
rm -rf "$root" "$sysroot" "$groot"
rm -rf "$out"
mv "$tmp" "$out"
log "image ready: $(du -sh "$out/dom0.cpio.gz" | cut -f1) initramfs in $out"
