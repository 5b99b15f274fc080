#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# setup.sh - install what hvpath needs on Debian bookworm (as root, or via
# sudo), then configure and build it into build/.  Idempotent: packages
# already present are not fetched again.
#
#   scripts/setup.sh            install + build
#   HVPATH_NO_INSTALL=1 ...     build only (you installed the packages)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

# Build and test tools, Xen headers (libxen-dev), xenalyze (xen-utils-common),
# what building the patched hypervisor needs (bison, flex, patch, dpkg-dev),
# the lab's QEMU and the pieces of its dom0 image.  The hypervisor, kernel and
# Xen tools that run inside the lab are fetched by the lab itself with
# `apt-get download` (never installed on this machine).  protobuf-c writes
# Perfetto traces (hvpath convert); protoc decodes them in the tests;
# libbabeltrace2 builds the babeltrace2 plugin, babeltrace2 runs it.
packages=(build-essential cmake clang libclang-rt-14-dev python3 cpio
          libxen-dev xen-utils-common qemu-system-x86 busybox-static
          dpkg-dev gzip xz-utils time bison flex patch
          libprotobuf-c-dev protobuf-c-compiler protobuf-compiler
          libbabeltrace2-dev babeltrace2)

need_install() {
    local p
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || return 0
    done
    return 1
}

if [ -z "${HVPATH_NO_INSTALL:-}" ] && need_install; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "setup: installing Debian packages: ${packages[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

echo "setup: building hvpath in $top/build" >&2
CC=${CC:-clang} cmake -S "$top" -B "$top/build" -DHVPATH_WERROR=ON >/dev/null
cmake --build "$top/build" -j"$(nproc)" >/dev/null
echo "setup: done: $top/build/hvpath" >&2
