#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# test_build.sh MODE SRCDIR BUILDDIR CC - builds a user gets.
#
#   install      `cmake --install` of BUILDDIR under a fresh prefix gives an
#                hvpath that runs from there, finds its own lab (lab/lab.sh,
#                hv-probes/, the in-lab programs) under PREFIX/libexec/hvpath,
#                and carries no path of this machine in its strings
#                (.rodata): nothing baked in at build time.
#   without-xen  a fresh configure that cannot find the Xen headers (as on a
#                machine without libxen-dev) still builds hvpath, which reads
#                a real trace; `hvpath lab run` then fails with a clear error,
#                and the lab tests are registered as skipped, saying why;
#                without protobuf-c there too, `hvpath convert` says so.
set -u
mode=$1 src=$2 build=$3 cc=$4
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hvpath-build-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
trace=$src/tests/data/pingpong-small.xt

case $mode in
install)
    cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/log" 2>&1 && ok || { bad "cmake --install: $(tail -5 "$tmp/log")"; }
    hv=$tmp/prefix/bin/hvpath
    [ -x "$hv" ] && ok || bad "no $hv"
    "$hv" stats "$trace" >/dev/null && ok || bad "installed hvpath stats"
    "$hv" lab --help >/dev/null && ok || bad "installed hvpath lab --help"
    for f in lab/lab.sh lab/engine/boot.sh lab/image/init.sh lab/scenarios/pingpong.sh \
             hv-probes/build-xen.sh hv-probes/hvpath_events.def hv-probes/patches/series; do
        [ -e "$tmp/prefix/libexec/hvpath/$f" ] && ok || bad "not installed: libexec/hvpath/$f"
    done
    if [ -d "$build/libexec/hvpath/lab-bin" ]; then
        [ -x "$tmp/prefix/libexec/hvpath/lab-bin/pingpong" ] && ok || bad "in-lab programs not installed"
    fi
    # the engine it would run is the installed one: prove it by its refusal
    # to run without hvpath lab's environment, reached through the install
    out=$(HVPATH_LAB_CMD= "$tmp/prefix/libexec/hvpath/lab/lab.sh" 2>&1); rc=$?
    [ $rc = 2 ] && grep -q "hvpath lab" <<<"$out" && ok || bad "installed lab.sh: rc $rc $out"
    # a moved prefix still works: nothing points back at where it was built
    mv "$tmp/prefix" "$tmp/moved"
    "$tmp/moved/bin/hvpath" lab run --scenario idle -o "$tmp/o" --timeout 1 2>"$tmp/err" >/dev/null
    grep -q "cannot run the lab engine\|not installed beside" "$tmp/err" && bad "moved prefix lost its lab: $(cat "$tmp/err")" || ok
    for bin in "$build/hvpath" "$tmp/moved/bin/hvpath"; do
        if objcopy -O binary --only-section=.rodata "$bin" "$tmp/rodata" 2>/dev/null; then
            if grep -aqF -e "$src" -e "$build" "$tmp/rodata"; then
                bad "$bin holds a path of this machine: $(strings "$tmp/rodata" | grep -F -e "$src" -e "$build" | head -3)"
            else
                ok
            fi
        else
            bad "objcopy .rodata of $bin"
        fi
    done
    ;;
without-xen)
    # find_path/find_library skip these directories: no Xen headers, no libxenevtchn
    ignore="/usr/include;/usr/include/xen;/usr/lib/x86_64-linux-gnu;/usr/local/include"
    if ! CC=$cc cmake -S "$src" -B "$tmp/b" -DCMAKE_IGNORE_PATH="$ignore" \
            -DHVPATH_SANITIZERS=OFF -DHVPATH_WERROR=ON >"$tmp/cfg" 2>&1; then
        bad "configure without the Xen headers: $(tail -5 "$tmp/cfg")"
    else
        ok
        grep -q "lab's programs are not built (no Xen headers" "$tmp/cfg" && ok || bad "configure does not say the lab is left out"
        if cmake --build "$tmp/b" -j2 --target hvpath test_xt_reader test_stitch >"$tmp/bld" 2>&1; then ok; else bad "build: $(tail -5 "$tmp/bld")"; fi
        "$tmp/b/hvpath" stats "$trace" >/dev/null && ok || bad "hvpath stats without the Xen headers"
        "$tmp/b/hvpath" report --cpu-hz 2.4e9 "$trace" >/dev/null && ok || bad "hvpath report without the Xen headers"
        "$tmp/b/tests/test_stitch" >/dev/null && ok || bad "test_stitch without the Xen headers"
        # nor protobuf-c there: convert says what to install
        grep -q "no protobuf-c" "$tmp/cfg" && ok || bad "configure does not say convert is left out"
        "$tmp/b/hvpath" convert --to perfetto "$trace" -o "$tmp/x.pf" 2>"$tmp/conv"
        [ $? = 1 ] && grep -q "built without protobuf-c" "$tmp/conv" && [ ! -e "$tmp/x.pf" ] && ok ||
            bad "convert without protobuf-c: $(cat "$tmp/conv")"
        [ ! -e "$tmp/b/libexec/hvpath/lab-bin/pingpong" ] && ok || bad "lab programs built without the headers?"
        (cd "$tmp/b" && ctest -N -R lab_ >/dev/null) && ok || bad "lab tests not registered"
        (cd "$tmp/b" && ctest -R lab_pingpong_stock 2>&1) >"$tmp/ct"
        grep -q "Skipped\|Not Run" "$tmp/ct" && ok || bad "lab test not reported as skipped: $(cat "$tmp/ct")"
        grep -q "stock_ids.*Skipped\|Not Run" <(cd "$tmp/b" && ctest -R test_stock_ids 2>&1) && ok || bad "test_stock_ids not skipped"
    fi
    # and no decoder or analyzer source includes a Xen header
    hits=$(grep -rln '#include <xen/' "$src/decoder" "$src/analyzers" 2>/dev/null)
    [ -z "$hits" ] && ok || bad "Xen headers included by: $hits"
    ;;
*)
    echo "usage: $0 install|without-xen SRC BUILD CC"; exit 2 ;;
esac
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
