#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# How often each SPICE client's main thread goes to sleep and who wakes it, on the busy
# guest (issue 12): counts, not CPU %, so a loaded machine does not blur them.
#     flock -o /tmp/hangar-e2e.lock bench/console/wakeups.sh [CLIENT...]
# As root, after `meson compile -C _build`. CLIENTs (default "hangar virt-viewer
# remote-viewer"): hangar (its console through libvirt's socket, virDomainOpenGraphicsFD),
# virt-viewer (`virt-viewer --attach`: spice-gtk on the same kind of socket from libvirt),
# remote-viewer (spice-gtk over TCP to 127.0.0.1). Each alone in Xvfb, window 900x680,
# BENCH_WARMUP (5) s, then over BENCH_SECONDS (10) s: the main thread's voluntary and
# involuntary context switches (/proc), its poll and eventfd-write system calls
# (perf stat), frames drawn (xdamage-count); then over 4 s who woke it
# (perf record -e sched:sched_wakeup, by the waker's name: "SPICE" is QEMU's SPICE
# worker writing the display channel, "Xvfb" an X reply or event, anything else a timer
# or interrupt landing on whatever ran then). Prints one line per client; files in
# bench/_results/wakeups-STAMP/.
set -u -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 1
# shellcheck source=build-aux/deps.sh
source "$root/build-aux/deps.sh"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

HANGAR_BIN=${HANGAR_BIN:-_build/src/hangar}
SCHEMA_DIR=${SCHEMA_DIR:-_build/data}
BENCH_WARMUP=${BENCH_WARMUP:-5}
BENCH_SECONDS=${BENCH_SECONDS:-10}
case $HANGAR_BIN in /*) ;; *) HANGAR_BIN=$root/$HANGAR_BIN ;; esac
case $SCHEMA_DIR in /*) ;; *) SCHEMA_DIR=$root/$SCHEMA_DIR ;; esac
clients=${*:-hangar virt-viewer remote-viewer}
URI=qemu:///system
out=$root/bench/_results/wakeups-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"

[[ $(id -u) -eq 0 ]] || { echo "run as root" >&2; exit 1; }
hangar_ensure_packages xvfb dbus xdotool virt-viewer gcc libx11-dev libxdamage-dev linux-perf

pids_to_kill=()
dom=""
run_tmp=""
# shellcheck disable=SC2317 # runs from the EXIT trap
cleanup() {
    local p
    for p in "${pids_to_kill[@]}"; do kill "$p" 2>/dev/null; done
    [ -n "$dom" ] && virsh -c "$URI" destroy "$dom" >/dev/null 2>&1
    [ -n "$run_tmp" ] && rm -rf "$run_tmp"
    bench_stop_started_daemons
}
trap cleanup EXIT
trap 'exit 130' INT TERM

hangar_ensure_libvirtd
timeout 5 virsh -c "$URI" uri >/dev/null 2>&1 || { echo "$URI does not answer" >&2; exit 1; }
tests/guest/build-guest.sh "${HANGAR_TEST_GUEST_DIR:-/var/cache/hangar-test-guest}" || exit 1
run_tmp=$(mktemp -d /tmp/hangar-wakeups.XXXXXX)
chmod 0755 "$run_tmp"
gcc -O2 -Wall -o "$run_tmp/xdamage-count" "$here/xdamage-count.c" -lXdamage -lX11 || exit 1
cp "$HANGAR_BIN" "$run_tmp/hangar" || exit 1

dom=hangar-bench-wakeups-$$
tests/guest/guest-xml.sh "$dom" spice "$run_tmp/serial.log" busy >"$run_tmp/dom.xml" || exit 1
virsh -c "$URI" create "$run_tmp/dom.xml" >/dev/null || exit 1
for _ in $(seq 120); do grep -q HANGAR-GUEST-READY "$run_tmp/serial.log" 2>/dev/null && break; sleep 0.5; done
port=$(virsh -c "$URI" dumpxml "$dom" | sed -n "s/.*<graphics type='spice' port='\([0-9]*\)'.*/\1/p" | head -1)
[ -n "$port" ] || { echo "guest has no SPICE port" >&2; exit 1; }
bench_start_xvfb 87 1280x800x24 "$out/xvfb.log" || exit 1
bench_start_dbus "$run_tmp" || exit 1
sleep 2   # let the busy loop fill the screen

switches() {  # PID -> "voluntary involuntary" of its main thread
    awk '/^voluntary_ctxt/ { v = $2 } /^nonvoluntary_ctxt/ { n = $2 } END { print v, n }' \
        "/proc/$1/task/$1/status"
}

for client in $clients; do
    envs=(DISPLAY="$display" GDK_BACKEND=x11 GSETTINGS_BACKEND=memory GTK_A11Y=none
          NO_AT_BRIDGE=1 XDG_RUNTIME_DIR="$run_tmp" GSETTINGS_SCHEMA_DIR="$SCHEMA_DIR")
    title=""
    case $client in
        hangar) envs+=(GSK_RENDERER=cairo)
                cmd=("$run_tmp/hangar" --connect "$URI" --show-domain-console "$dom"); title=$dom ;;
        virt-viewer) cmd=(virt-viewer --attach -c "$URI" "$dom") ;;
        remote-viewer) cmd=(remote-viewer "spice://127.0.0.1:$port") ;;
        *) echo "unknown client $client" >&2; continue ;;
    esac
    env "${envs[@]}" "${cmd[@]}" >"$out/$client.stdout" 2>"$out/$client.stderr" </dev/null &
    pid=$!
    pids_to_kill+=("$pid")
    if ! wid=$(bench_find_window "$pid" "$title" 30 1); then
        echo "$client: no window" >&2; bench_stop_pid "$pid"; continue
    fi
    DISPLAY=$display xdotool windowsize "$wid" 900 680
    sleep "$BENCH_WARMUP"
    "$run_tmp/xdamage-count" -d "$display" -g 4 "$wid" "$BENCH_SECONDS" >"$out/$client.xdamage" 2>&1 &
    xd=$!
    read -r v0 n0 < <(switches "$pid")
    perf stat -t "$pid" -o "$out/$client.perfstat" \
        -e syscalls:sys_enter_poll,syscalls:sys_enter_write,syscalls:sys_enter_read \
        -- sleep "$BENCH_SECONDS" 2>/dev/null
    read -r v1 n1 < <(switches "$pid")
    wait "$xd"
    perf record -q -o "$out/$client.wakeups.data" -e sched:sched_wakeup --filter "pid == $pid" \
        -a -- sleep 4 >/dev/null 2>&1
    bench_stop_pid "$pid"
    awk -v c="$client" -v s="$BENCH_SECONDS" -v v=$((v1 - v0)) -v n=$((n1 - n0)) \
        -v fps="$(sed -n 's/.* fps=\([0-9.]*\).*/\1/p' "$out/$client.xdamage")" '
        /sys_enter_poll/ { p = $1 } /sys_enter_write/ { w = $1 }
        END { printf "%-14s frames/s %5.1f  sleeps/s %5.0f  preempted/s %4.0f  polls/s %5.0f  writes/s %5.0f  woken by (/s):",
                     c, fps, v / s, n / s, p / s, w / s }' "$out/$client.perfstat"
    perf script -i "$out/$client.wakeups.data" -F comm 2>/dev/null |
        awk '{ k = ($1 == "SPICE" || $1 == "Xvfb") ? $1 : "timer/irq/other"; c[k]++ }
             END { for (k in c) printf " %s %.0f", k, c[k] / 4; print "" }'
    sleep 1
done | tee "$out/summary.txt"
