#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Storage benchmark: a pool of many volumes listed through Hangar's core, beside
# `virsh vol-list` as the floor. Two pools per size N: a libvirt test-driver file
# (gen-pool-xml.py) and a real dir pool of N small files on qemu:///system
# (make-pool-dir.py). Each measured BENCH_RUNS times with hangar-bench-storage
# (bench-storage.c); the report gives medians.
#
# Run from anywhere, as root (it defines, starts and removes a dir pool on
# qemu:///system and starts libvirtd the way build-aux/test does if it is not running),
# after `meson compile -C _build`:
#     bench/storage/run.sh
# About 7 minutes with the defaults (each run idles BENCH_IDLE seconds after listing).
# When other people run the end-to-end tests on this machine, hold their lock:
#     flock -o /tmp/hangar-e2e.lock bench/storage/run.sh
# (one of those tests restarts libvirtd). Prints a markdown report, also saved as
# bench/_results/storage-STAMP.md. See bench/README.md ("Storage").
#
# Knobs (environment variables, all optional):
#   BENCH_BIN      the program (default: $HANGAR_BUILDDIR/bench/storage/hangar-bench-storage,
#                  HANGAR_BUILDDIR defaulting to _build)
#   BENCH_SIZES    volume counts (default "50 5000")
#   BENCH_RUNS     runs per measurement (default 3)
#   BENCH_IDLE     seconds of idle measured after each listing (default 30)
#   BENCH_BACKENDS "test system" (default both)
set -u -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 1

# shellcheck source=build-aux/deps.sh
source "$root/build-aux/deps.sh"

BENCH_BIN=${BENCH_BIN:-${HANGAR_BUILDDIR:-_build}/bench/storage/hangar-bench-storage}
BENCH_SIZES=${BENCH_SIZES:-"50 5000"}
BENCH_RUNS=${BENCH_RUNS:-3}
BENCH_IDLE=${BENCH_IDLE:-30}
BENCH_BACKENDS=${BENCH_BACKENDS:-"test system"}
case $BENCH_BIN in /*) ;; *) BENCH_BIN=$root/$BENCH_BIN ;; esac
SYSTEM_URI=qemu:///system

stamp=$(date +%Y%m%d-%H%M%S)
data_dir=$root/bench/_data
res_dir=$root/bench/_results
report=$res_dir/storage-$stamp.md
log_file=$res_dir/storage-$stamp.log
mkdir -p "$data_dir" "$res_dir"

log() { printf '[bench-storage] %s\n' "$*" >&2; }

# ---------------------------------------------------------------- cleanup
# Pools this script defined on qemu:///system and their directories.
sys_pools=()
sys_dirs=()
# shellcheck disable=SC2317 # runs from the EXIT trap
cleanup() {
    local p d
    for p in "${sys_pools[@]}"; do
        virsh -q -c "$SYSTEM_URI" pool-destroy "$p" >/dev/null 2>&1
        virsh -q -c "$SYSTEM_URI" pool-undefine "$p" >/dev/null 2>&1
    done
    for d in "${sys_dirs[@]}"; do rm -rf -- "$d"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ ! -x $BENCH_BIN ]]; then
    log "$BENCH_BIN is missing: build first (meson compile -C _build)"
    exit 1
fi

# ---------------------------------------------------------------- helpers
# median V1 V2 ...: the middle value (the mean of the two middle ones for an even count).
median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
        END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2];
              else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# field KEY LINE: the value of KEY=VALUE in LINE.
field() {
    tr ' ' '\n' <<<"$2" | awk -F= -v k="$1" '$1 == k { print $2 }'
}

# floor_ms URI POOL [--details]: wall time of one `virsh vol-list`, in ms.
floor_ms() {
    local t0 t1
    t0=$EPOCHREALTIME
    virsh -q -c "$1" vol-list "$2" ${3:+"$3"} >/dev/null || return 1
    t1=$EPOCHREALTIME
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f\n", (b - a) * 1000 }'
}

# ---------------------------------------------------------------- the pools
# prepare BACKEND N: sets uri and pool for it.
prepare() {
    local backend=$1 n=$2 dir tpl
    case $backend in
    test)
        python3 "$here/gen-pool-xml.py" "$n" "$data_dir/storage-pool-$n.xml" || return 1
        uri="test://$data_dir/storage-pool-$n.xml"
        pool=bench
        ;;
    system)
        pool=hangar-bench-storage-$n
        dir=/var/tmp/hangar-bench-storage-$n
        virsh -q -c "$SYSTEM_URI" pool-destroy "$pool" >/dev/null 2>&1
        virsh -q -c "$SYSTEM_URI" pool-undefine "$pool" >/dev/null 2>&1
        rm -rf -- "$dir"
        sys_pools+=("$pool")
        sys_dirs+=("$dir")
        tpl=$(mktemp --suffix=.qcow2)
        qemu-img create -q -f qcow2 "$tpl" 1G || return 1
        python3 "$here/make-pool-dir.py" "$dir" "$n" "$tpl" || return 1
        rm -f -- "$tpl"
        virsh -q -c "$SYSTEM_URI" pool-define-as "$pool" dir --target "$dir" >/dev/null &&
            virsh -q -c "$SYSTEM_URI" pool-start "$pool" >/dev/null || return 1
        uri=$SYSTEM_URI
        ;;
    esac
}

# forget BACKEND N: removes the real pool of prepare (nothing for the test driver).
forget() {
    [[ $1 == system ]] || return 0
    virsh -q -c "$SYSTEM_URI" pool-destroy "hangar-bench-storage-$2" >/dev/null 2>&1
    virsh -q -c "$SYSTEM_URI" pool-undefine "hangar-bench-storage-$2" >/dev/null 2>&1
    rm -rf -- "/var/tmp/hangar-bench-storage-$2"
}

# ---------------------------------------------------------------- the machine
machine() {
    local cpu kvm ram
    cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
    ram=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
    if [[ -c /dev/kvm ]] && timeout 60 virsh -c "$SYSTEM_URI" domcapabilities --virttype kvm \
        >/dev/null 2>&1; then
        kvm="KVM available (/dev/kvm, libvirt offers it)"
    elif [[ -c /dev/kvm ]]; then
        kvm="/dev/kvm present, libvirt does not offer KVM"
    else
        kvm="no KVM"
    fi
    # shellcheck disable=SC2016 # the backquotes are markdown
    printf '%s × %s (`nproc` = %s), %s RAM, %s; kernel %s, Debian %s, libvirt %s, QEMU %s\n' \
        "$(nproc)" "$cpu" "$(nproc)" "$ram" "$kvm" "$(uname -r)" \
        "$(cat /etc/debian_version 2>/dev/null || echo '?')" \
        "$(virsh --version 2>/dev/null || echo '?')" \
        "$(qemu-img --version 2>/dev/null | awk 'NR == 1 { print $3 }')"
}

# ---------------------------------------------------------------- the runs
if [[ $BENCH_BACKENDS == *system* ]]; then
    hangar_fix_kvm_device
    hangar_ensure_libvirtd
    if ! timeout 10 virsh -c "$SYSTEM_URI" uri >/dev/null 2>&1; then
        log "$SYSTEM_URI does not answer: cannot measure the real dir pool"
        exit 1
    fi
fi

rows=()
status=0
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
for backend in $BENCH_BACKENDS; do
    for n in $BENCH_SIZES; do
        uri='' pool=''
        log "$backend, $n volumes: preparing"
        if ! prepare "$backend" "$n"; then
            log "$backend, $n volumes: could not prepare the pool"
            status=1
            continue
        fi
        floors=() floors_d=() stalls=() requests=() answers=() rss=() idle=() calls=()
        for run in $(seq "$BENCH_RUNS"); do
            floors+=("$(floor_ms "$uri" "$pool")")
            floors_d+=("$(floor_ms "$uri" "$pool" --details)")
            log "$backend, $n volumes: run $run of $BENCH_RUNS (idle ${BENCH_IDLE} s)"
            if ! line=$("$BENCH_BIN" "$uri" "$pool" "$n" "$BENCH_IDLE" 2>>"$log_file"); then
                log "$backend, $n volumes: run $run failed (see $log_file)"
                status=1
                continue
            fi
            printf '%s %s run %s: %s\n' "$backend" "$n" "$run" "$line" >>"$log_file"
            stalls+=("$(field stall_ms "$line")")
            requests+=("$(field request_ms "$line")")
            answers+=("$(field answer_ms "$line")")
            rss+=("$(awk -v k="$(field rss_kb "$line")" 'BEGIN { printf "%.1f", k / 1024 }')")
            idle+=("$(field idle_cpu_pct "$line")")
            calls+=("$(field calls "$line")")
        done
        forget "$backend" "$n"
        label=$([[ $backend == test ]] && echo "test driver" || echo "dir pool, qemu:///system")
        rows+=("| $label | $n | $(median "${floors[@]}") ms | $(median "${floors_d[@]}") ms |\
 $(median "${stalls[@]}") ms | $(median "${answers[@]}") ms | $(median "${requests[@]}") ms |\
 $(median "${rss[@]}") MB | $(median "${idle[@]}") % | $(median "${calls[@]}") |")
        log "${rows[-1]}"
    done
done

{
    printf '## Storage benchmark, %s\n\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
    printf 'Machine: %s\n\n' "$(machine)"
    printf 'Commit %s; medians of %s runs; idle CPU over %s s after listing. Load average\n' \
        "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')" "$BENCH_RUNS" "$BENCH_IDLE"
    printf '(1, 5, 15 min) %s at the start, %s at the end (other work on the machine).\n\n' \
        "$load_start" "$(cut -d' ' -f1-3 /proc/loadavg)"
    # shellcheck disable=SC2016 # the backquotes are markdown
    printf '| pool | volumes | `virsh vol-list` | `vol-list --details` | main-loop stall | libvirt answer → model | asked → model | RSS growth | idle CPU (one core) | libvirt calls |\n'
    printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
    printf '%s\n' "${rows[@]}"
} | tee "$report"
log "report saved as $report (per-run lines in $log_file)"
exit "$status"
