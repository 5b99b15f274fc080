#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# manifest.sh — assemble manifest.json for one lab run (plain bash, no jq).
#
# Usage: manifest.sh OUTDIR HOST-ENV < RESOLVED-PACKAGES  > manifest.json
#   OUTDIR/lab.env        key=value facts written by dom0's /init
#   HOST-ENV              key=value facts from lab.sh (these win)
#   OUTDIR/scenario.json  the scenario's own result: a flat JSON object with
#                         one "key": value per line (pingpong.c, diskread.c, ...);
#                         its keys are merged in at top level
#   stdin                 "PKG VERSION ROLE" lines (resolve.sh)
#
# Fields: "scenario", "guest", "xen" (version string), "vcpus" (dom0 vCPUs),
# the scenario's ("sent", "received", "senders", "receivers", ... for event
# workloads), then the rest (times, trace size, packages, xentrace messages).
set -euo pipefail

outdir=${1:?usage: manifest.sh OUTDIR HOST-ENV}
hostenv=${2:?}

declare -A kv=()
read_env() {
    local line
    [[ -r $1 ]] || return 0
    while IFS= read -r line || [[ -n $line ]]; do
        [[ $line == *=* ]] || continue
        kv[${line%%=*}]=${line#*=}
    done <"$1"
}
read_env "$outdir/lab.env"
read_env "$hostenv"

# JSON value: numbers, true/false/null as they are; anything else a string.
jstr() {
    local s=$1
    s=${s//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\t'/\\t}; s=${s//$'\r'/}; s=${s//$'\n'/\\n}
    printf '"%s"' "$s"
}
jval() {
    if [[ $1 =~ ^-?[0-9]+(\.[0-9]+)?$ && ! $1 =~ ^-?0[0-9] ]] || [[ $1 == true || $1 == false || $1 == null ]]; then
        printf '%s' "$1"
    else
        jstr "$1"
    fi
}

lines=()            # '"key": value' entries, in order
declare -A have=()
add_raw() { [[ -n ${have[$1]:-} ]] && return 0; have[$1]=1; lines+=("$(jstr "$1"): $2"); }
add() { add_raw "$1" "$(jval "$2")"; }
add_kv() { [[ -n ${kv[$2]+x} ]] && add "$1" "${kv[$2]}"; return 0; }

# ---- the fields everyone looks for first --------------------------------------------
add scenario "${kv[scenario]:-unknown}"
add guest "${kv[guest]:-none}"
# facts Xen printed on the serial console
console_grep() { [[ -r $outdir/console.log ]] && tr -d '\r' <"$outdir/console.log" | sed -n "$1" | head -n1; return 0; }
banner=$(console_grep 's/^(XEN) \(Xen version .*\)$/\1/p')
cpu_mhz=$(console_grep 's/^(XEN) Detected \([0-9.]*\) MHz processor.*$/\1/p')
sched=$(console_grep 's/^(XEN) Using scheduler: .*(\(.*\))$/\1/p')
xenver=${kv[xen_version_xl]:-${kv[xen_version]:-}}
[[ -n $xenver ]] || xenver=$(sed -n 's/^Xen version \([^ ]*\).*$/\1/p' <<<"$banner")
add xen "${xenver:-unknown}"
add_kv vcpus vcpus

# ---- the scenario's own fields (event counts and ports first) -------------------------
declare -A scen=(); scen_order=()
if [[ -r $outdir/scenario.json ]]; then
    while IFS= read -r line; do
        line=${line%,}
        [[ $line =~ ^[[:space:]]*\"([^\"]+)\":[[:space:]]*(.*)$ ]] || continue
        scen[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
        scen_order+=("${BASH_REMATCH[1]}")
    done <"$outdir/scenario.json"
fi
for k in sent received senders receivers "${scen_order[@]}"; do
    [[ -n ${scen[$k]+x} ]] && add_raw "$k" "${scen[$k]}"
done

# ---- the run ------------------------------------------------------------------------
add_kv status status
add_kv n n
add_kv events events
add_kv tbuf_pages tbuf_pages
add_kv icount_shift icount_shift
add_kv qemu_cpu qemu_cpu
add_kv xen_binary xen_binary
add_kv xen_sha256 xen_sha256
add_kv xen_version_sysfs xen_version
add_kv xen_changeset xen_changeset
[[ -n $banner ]] && add xen_banner "$banner"
[[ -n $sched ]] && add xen_scheduler "$sched"
# the TSC rate Xen measured: trace timestamps are TSC cycles (xenalyze --cpu-hz)
[[ -n $cpu_mhz ]] && add cpu_mhz "$cpu_mhz"
add_kv dom0_kernel dom0_kernel
add_kv dom0_mem_kb dom0_mem_kb

# guests started before tracing (guest_TYPE_domid facts)
g=""
for t in pvh pv; do
    if [[ -n ${kv[guest_${t}_domid]:-} ]]; then
        g+="${g:+, }{\"name\": \"hvpath-$t\", \"type\": \"$t\", \"domid\": ${kv[guest_${t}_domid]}, \"boot_seconds\": $(jval "${kv[guest_${t}_boot_seconds]:-null}"), \"boot_attempts\": $(jval "${kv[guest_${t}_boot_attempts]:-null}")}"
    fi
done
add_raw guests "[$g]"

# trace
if [[ -s $outdir/host.xt ]]; then
    add trace_file host.xt
    add trace_bytes "$(stat -c %s "$outdir/host.xt")"
fi
add_kv trace_start_dom0_uptime trace_start_uptime
add_kv trace_end_dom0_uptime trace_end_uptime
if [[ -n ${kv[trace_start_uptime]:-} && -n ${kv[trace_end_uptime]:-} ]]; then
    add trace_seconds_emulated "$(awk -v a="${kv[trace_start_uptime]}" -v b="${kv[trace_end_uptime]}" 'BEGIN { printf "%.2f", b - a }')"
fi
add_kv trace_start_dom0_date trace_start_date
add_kv xentrace_rc xentrace_rc
if [[ -s $outdir/xentrace.log ]]; then
    # xentrace prints little; anything it says (e.g. about lost records) is kept
    add xentrace_messages "$(head -c 4000 "$outdir/xentrace.log")"
    add xentrace_lost_mentions "$(grep -ci lost "$outdir/xentrace.log" || true)"
fi
add_kv scenario_rc scenario_rc

# timing (host wall clock; dom0 uptimes are emulated time)
add_kv host_start host_start
add_kv host_end host_end
add_kv prepare_seconds prepare_seconds
add_kv vm_seconds vm_seconds
add_kv wall_seconds wall_seconds
add_kv dom0_init_uptime dom0_init_uptime
add_kv dom0_end_uptime dom0_end_uptime
add_kv qemu_rc qemu_rc
add_kv image_key image_key

# packages the lab was built from
p=""
while read -r pkg ver _; do
    [[ -n $pkg ]] && p+="${p:+, }$(jstr "$pkg"): $(jstr "$ver")"
done
add_raw packages "{$p}"

# files in the output directory
f=""
for x in "$outdir"/*; do
    [[ -f $x ]] && f+="${f:+, }$(jstr "${x##*/}")"
done
add_raw files "[$f]"

# ---- print --------------------------------------------------------------------------
echo "{"
for ((i = 0; i < ${#lines[@]}; i++)); do
    ((i + 1 < ${#lines[@]})) && echo "  ${lines[i]}," || echo "  ${lines[i]}"
done
echo "}"
