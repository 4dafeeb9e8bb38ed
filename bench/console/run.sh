#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Console benchmark: Hangar's console against remote-viewer (virt-viewer: the GTK 3
# gtk-vnc and spice-gtk widgets) on the same busy guest, VNC then SPICE.
#
# Run from anywhere, as root (it starts libvirtd if needed and creates transient
# qemu:///system guests), after `meson compile -C _build`:
#     bench/console/run.sh
# About 4.5 minutes. Prints a markdown report, also saved as
# bench/_results/console-STAMP.md, with logs and screenshots in bench/_results/console-STAMP/.
# See bench/README.md ("Console") for what it measures.
#
# Knobs (environment variables, all optional):
#   HANGAR_BIN          Hangar binary (default: _build/src/hangar; copied before use so
#                       a rebuild during the run cannot change it)
#   HANGAR_REF_BIN      another Hangar binary (copied too), measured as the client
#                       "hangar-ref" with GSK_RENDERER=$BENCH_GSK_RENDERER: a before/after
#                       comparison on the same guest in the same run
#   SCHEMA_DIR          GSETTINGS_SCHEMA_DIR (default: _build/data)
#   BENCH_PROTOCOLS     default "vnc spice"
#   BENCH_CLIENTS       default "hangar remote-viewer hangar-default floor", measured in
#                       this order: hangar = Hangar with GSK_RENDERER=$BENCH_GSK_RENDERER
#                       (the comparison), hangar-ref (see HANGAR_REF_BIN), remote-viewer
#                       (over TCP to the console's port), virt-viewer = `virt-viewer
#                       --attach` (the same GTK 3 widgets on a socket from libvirt,
#                       virDomainOpenGraphicsFD), hangar-default = Hangar with GTK's
#                       default renderer (GL, on Mesa llvmpipe under Xvfb), for reference;
#                       floor = bench/console/floor.c: gvnc / spice-client-glib receiving
#                       the same updates in a GTK 4 main loop and drawing nothing, i.e. what
#                       the protocol library alone costs a GTK 4 client
#   BENCH_WARMUP        seconds between the window appearing and the measurement (5)
#   BENCH_SECONDS       measured seconds per client (20)
#   BENCH_WIN           window size of both clients, WxH (default 900x680: Hangar's
#                       default console window size)
#   BENCH_GSK_RENDERER  GSK_RENDERER of the "hangar" client (default cairo: software
#                       drawing, like GTK 3's; "default" leaves it unset)
#   BENCH_GAP_MS        damage events further apart than this start a new frame (4)
#   BENCH_SHOT          0: no screenshots
#   BENCH_PERF          1: record the Hangar clients and remote-viewer with `perf record
#                       --call-graph dwarf` over the measured seconds, into
#                       bench/_results/console-STAMP/PROTO-CLIENT.perf.data (perf's own
#                       work then counts in "other"); BENCH_PERF_FREQ samples a second
#                       (250). bench/console/perf-split.py splits a recording by what
#                       the client was doing
#   HANGAR_TEST_GUEST_DIR  the tiny guest (default /var/cache/hangar-test-guest)
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
BENCH_PROTOCOLS=${BENCH_PROTOCOLS:-"vnc spice"}
BENCH_CLIENTS=${BENCH_CLIENTS:-"hangar remote-viewer hangar-default floor"}
BENCH_WARMUP=${BENCH_WARMUP:-5}
BENCH_SECONDS=${BENCH_SECONDS:-20}
BENCH_WIN=${BENCH_WIN:-900x680}
BENCH_GSK_RENDERER=${BENCH_GSK_RENDERER:-cairo}
BENCH_GAP_MS=${BENCH_GAP_MS:-4}
BENCH_SHOT=${BENCH_SHOT:-1}
BENCH_PERF=${BENCH_PERF:-0}
BENCH_PERF_FREQ=${BENCH_PERF_FREQ:-250}
if [[ -z ${HANGAR_TEST_GUEST_DIR:-} ]]; then
    if [[ $(id -u) -eq 0 ]]; then
        HANGAR_TEST_GUEST_DIR=/var/cache/hangar-test-guest
    else
        HANGAR_TEST_GUEST_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/hangar-test-guest"
    fi
fi
export HANGAR_TEST_GUEST_DIR
case $HANGAR_BIN in /*) ;; *) HANGAR_BIN=$root/$HANGAR_BIN ;; esac
case $SCHEMA_DIR in /*) ;; *) SCHEMA_DIR=$root/$SCHEMA_DIR ;; esac
win_w=${BENCH_WIN%x*}
win_h=${BENCH_WIN#*x}
URI=qemu:///system

stamp=$(date +%Y%m%d-%H%M%S)
res_dir=$root/bench/_results/console-$stamp
report=$root/bench/_results/console-$stamp.md
mkdir -p "$res_dir"
clk_tck=$(getconf CLK_TCK)

log() { printf '[bench-console] %s\n' "$*" >&2; }

# ---------------------------------------------------------------- cleanup
pids_to_kill=()
domains=()
run_tmp=""
# shellcheck disable=SC2317 # runs from the EXIT trap
cleanup() {
    local p d
    for p in "${pids_to_kill[@]}"; do
        [ -n "$p" ] && kill -0 "$p" 2>/dev/null && kill "$p" 2>/dev/null
    done
    sleep 0.3
    for p in "${pids_to_kill[@]}"; do
        [ -n "$p" ] && kill -0 "$p" 2>/dev/null && kill -9 "$p" 2>/dev/null
    done
    pids_to_kill=()
    for d in "${domains[@]}"; do
        virsh -c "$URI" destroy "$d" >/dev/null 2>&1
    done
    domains=()
    [ -n "$run_tmp" ] && rm -rf "$run_tmp"
    bench_stop_started_daemons
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- /proc
# descendants PID -> PID and all its live descendants, one per line
descendants() {
    local p=$1 c
    echo "$p"
    for c in $(pgrep -P "$p" 2>/dev/null); do
        descendants "$c"
    done
}
# tree_ticks PID -> utime+stime of PID's threads and live descendants, plus the
# children it has already reaped (cutime+cstime), in clock ticks
tree_ticks() {
    local total=0 p s first=1 st
    for p in $(descendants "$1"); do
        s=$(cat "/proc/$p/stat" 2>/dev/null) || continue
        s=${s##*) }
        read -r -a st <<<"$s"
        # after "pid (comm) ": st[0] = state (field 3), utime = field 14 -> st[11]
        total=$(( total + st[11] + st[12] ))
        if [ $first = 1 ]; then total=$(( total + st[13] + st[14] )); first=0; fi
    done
    echo "$total"
}
# busy_ticks -> clock ticks all CPUs spent busy (not idle or iowait) since boot
busy_ticks() {
    awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}
pct() {  # ticks seconds -> % of one core
    awk -v t="$1" -v s="$2" -v h="$clk_tck" 'BEGIN { printf "%.1f", 100 * t / h / s }'
}

# ---------------------------------------------------------------- machine
machine_info() {
    local cpu mem gtk3 gtk4 vnc spice virt qemu rv commit
    cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
    mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
    gtk4=$(pkg-config --modversion gtk4 2>/dev/null || echo '?')
    gtk3=$(dpkg-query -W -f='${Version}' libgtk-3-0 2>/dev/null || echo '?')
    vnc=$(dpkg-query -W -f='${Version}' libgvnc-1.0-0 2>/dev/null || echo '?')
    spice=$(dpkg-query -W -f='${Version}' libspice-client-glib-2.0-8 2>/dev/null || echo '?')
    virt=$(pkg-config --modversion libvirt 2>/dev/null || echo '?')
    qemu=$(dpkg-query -W -f='${Version}' qemu-system-x86 2>/dev/null || echo '?')
    rv=$(dpkg-query -W -f='${Version}' virt-viewer 2>/dev/null || echo '?')
    commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo 'none')
    if [ -n "$(git -C "$root" status --porcelain 2>/dev/null | head -1)" ]; then
        commit="$commit (work tree has changes)"
    fi
    cat <<EOF
## Machine

| | |
|---|---|
| CPU | $cpu, $(nproc) cores online |
| RAM | $mem |
| Kernel / Debian | $(uname -r) / $(cat /etc/debian_version 2>/dev/null) |
| GTK 4 (Hangar) / GTK 3 (remote-viewer) | $gtk4 / $gtk3 |
| gtk-vnc / spice-gtk / virt-viewer | $vnc / $spice / $rv |
| libvirt / QEMU | $virt / $qemu (TCG, no KVM) |
| X server | Xvfb ${win_w}x${win_h} windows on a 1280x800x24 screen, no window manager |
| Hangar commit | $commit |
| Hangar binary | ${HANGAR_BIN#"$root"/}, built $bin_built |
| Reference binary (hangar-ref) | ${HANGAR_REF_BIN:-none} |
| Date | $(date -u '+%Y-%m-%d %H:%M UTC'), load average at start $(cut -d' ' -f1-3 /proc/loadavg) |
| Settings | warm-up ${BENCH_WARMUP} s, measured ${BENCH_SECONDS} s per client, Hangar GSK_RENDERER=$BENCH_GSK_RENDERER, frame gap ${BENCH_GAP_MS} ms |
| Other guests running | $(virsh -c "$URI" list --name 2>/dev/null | grep -c .) |
EOF
}

# ---------------------------------------------------------------- one client
# measure CLIENT PROTO DOMAIN PORT QEMU_PID -> sets m_cpu m_fps m_mpix m_req m_xvfb
# m_qemu m_other m_status
measure() {
    local client=$1 proto=$2 dom=$3 port=$4 qpid=$5
    local tag=$proto-$client out err pid wid strict=0 cmd=() envs=()
    m_cpu=""; m_fps=""; m_mpix=""; m_req=""; m_xvfb=""; m_qemu=""; m_other=""; m_status=ok
    out=$res_dir/$tag.stdout; err=$res_dir/$tag.stderr

    mkdir -p "$run_tmp/$tag"/{runtime,config,data,cache}
    chmod 700 "$run_tmp/$tag/runtime"
    envs=(DISPLAY="$display" GDK_BACKEND=x11 GSETTINGS_BACKEND=memory
          XDG_RUNTIME_DIR="$run_tmp/$tag/runtime" XDG_CONFIG_HOME="$run_tmp/$tag/config"
          XDG_DATA_HOME="$run_tmp/$tag/data" XDG_CACHE_HOME="$run_tmp/$tag/cache"
          GTK_A11Y=none NO_AT_BRIDGE=1)
    case $client in
        hangar|hangar-default|hangar-ref)
            strict=1
            envs+=(GSETTINGS_SCHEMA_DIR="$SCHEMA_DIR")
            if [ "$client" != hangar-default ] && [ "$BENCH_GSK_RENDERER" != default ]; then
                envs+=(GSK_RENDERER="$BENCH_GSK_RENDERER")
            fi
            cmd=("$bin" --connect "$URI" --show-domain-console "$dom")
            [ "$client" = hangar-ref ] && cmd[0]=$bin_ref ;;
        remote-viewer)
            cmd=(remote-viewer "$proto://127.0.0.1:$port") ;;
        virt-viewer)
            cmd=(virt-viewer --attach --connect "$URI" "$dom") ;;
        floor)
            strict=1
            cmd=("$floor" "$proto" 127.0.0.1 "$port" "$dom") ;;
        *) m_status="unknown client"; return ;;
    esac
    log "$proto: starting $client"
    env "${envs[@]}" "${cmd[@]}" >"$out" 2>"$err" </dev/null &
    pid=$!
    pids_to_kill+=("$pid")

    if ! wid=$(bench_find_window "$pid" "$dom" 30 "$strict"); then
        m_status="no console window within 30 s"
        kill -0 "$pid" 2>/dev/null || m_status="exited (see ${err#"$root"/})"
        bench_stop_pid "$pid"
        return
    fi
    DISPLAY=$display xdotool windowsize "$wid" "$win_w" "$win_h" 2>/dev/null
    sleep "$BENCH_WARMUP"
    kill -0 "$pid" 2>/dev/null || { m_status="exited during warm-up"; bench_stop_pid "$pid"; return; }

    local c0 x0 q0 b0 t0 c1 x1 q1 b1 t1 dmg secs perf_pid=""
    if [ "$BENCH_PERF" = 1 ] && [[ $client == hangar* || $client == *-viewer ]]; then
        perf record --call-graph dwarf -F "$BENCH_PERF_FREQ" -o "$res_dir/$tag.perf.data" -p "$pid" \
            >"$res_dir/$tag.perf.log" 2>&1 &
        perf_pid=$!
    fi
    c0=$(tree_ticks "$pid"); x0=$(tree_ticks "$xvfb_pid"); q0=$(tree_ticks "$qpid")
    b0=$(busy_ticks)
    t0=$EPOCHREALTIME
    dmg=$("$xdamage" -d "$display" -g "$BENCH_GAP_MS" "$wid" "$BENCH_SECONDS" 2>>"$err")
    c1=$(tree_ticks "$pid"); x1=$(tree_ticks "$xvfb_pid"); q1=$(tree_ticks "$qpid")
    b1=$(busy_ticks)
    t1=$EPOCHREALTIME
    if [ -n "$perf_pid" ]; then
        kill -INT "$perf_pid" 2>/dev/null
        wait "$perf_pid" 2>/dev/null
    fi
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    if ! kill -0 "$pid" 2>/dev/null; then
        m_status="exited during the measurement"
    fi
    m_cpu=$(pct $(( c1 - c0 )) "$secs")
    m_xvfb=$(pct $(( x1 - x0 )) "$secs")
    m_qemu=$(pct $(( q1 - q0 )) "$secs")
    # everything else the machine did meanwhile (other guests, builds, ...)
    m_other=$(pct $(( (b1 - b0) - (c1 - c0) - (x1 - x0) - (q1 - q0) )) "$secs")
    m_fps=$(sed -n 's/.* fps=\([0-9.]*\).*/\1/p' <<<"$dmg")
    m_mpix=$(sed -n 's/.* mpix_per_frame=\([0-9.]*\).*/\1/p' <<<"$dmg")
    m_req=$(awk '{ for (i = 1; i <= NF; i++) { split($i, a, "="); v[a[1]] = a[2] }
                   if (v["seconds"] > 0) printf "%.1f", v["requests"] / v["seconds"] }' <<<"$dmg")
    [ -n "$m_fps" ] || m_status="xdamage-count failed (see ${err#"$root"/})"
    echo "$dmg" >"$res_dir/$tag.xdamage"
    if [ "$BENCH_SHOT" = 1 ] && command -v import >/dev/null; then
        import -display "$display" -window root "$res_dir/$tag.png" >/dev/null 2>&1 || true
    fi
    bench_stop_pid "$pid"
    if [ "$client" = floor ]; then
        # It draws nothing, so XDamage cannot tell whether it received anything: it
        # counts the updates itself and prints them when stopped.
        local n
        n=$(sed -n 's/^updates=\([0-9]*\)$/\1/p' "$out")
        [ "${n:-0}" -gt 0 ] || m_status="floor received no updates (see ${err#"$root"/})"
        [ "$m_status" = ok ] && m_status="ok, $n updates received"
    fi
    log "$proto: $client cpu=${m_cpu}% fps=${m_fps} Mpix/frame=${m_mpix} Xvfb=${m_xvfb}% qemu=${m_qemu}% other=${m_other}% ($m_status)"
    sleep 1
}

# ---------------------------------------------------------------- main
if [[ $(id -u) -ne 0 ]]; then
    log "run as root: it starts libvirtd if needed and creates qemu:///system guests"
    exit 1
fi
hangar_ensure_packages xvfb dbus xdotool imagemagick virt-viewer gcc libc6-dev \
    libx11-dev libxdamage-dev busybox-static cpio python3 libvirt-clients \
    libvirt-daemon-system qemu-system-x86 pkg-config libgtk-4-dev libgvnc-1.0-dev \
    libspice-client-glib-2.0-dev
if [ "$BENCH_PERF" = 1 ]; then hangar_ensure_packages linux-perf; fi
hangar_ensure_libvirtd
if ! timeout 5 virsh -c "$URI" uri >/dev/null 2>&1; then
    log "$URI does not answer"
    exit 1
fi
tests/guest/build-guest.sh "$HANGAR_TEST_GUEST_DIR" || { log "building the test guest failed"; exit 1; }

run_tmp=$(mktemp -d /tmp/hangar-bench-console.XXXXXX)
chmod 0755 "$run_tmp"
xdamage=$run_tmp/xdamage-count
gcc -O2 -Wall -o "$xdamage" "$here/xdamage-count.c" -lXdamage -lX11 ||
    { log "cannot build xdamage-count"; exit 1; }
floor=$run_tmp/floor
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
gcc -O2 -Wall -I"$root/src/console" -o "$floor" "$here/floor.c" \
    $(pkg-config --cflags --libs gtk4 gvnc-1.0 spice-client-glib-2.0) ||
    { log "cannot build floor"; exit 1; }

# A private copy of the binary: a `meson compile` during the run cannot swap it.
have_hangar=1
bin=$run_tmp/hangar
bin_built="(missing)"
if [ -x "$HANGAR_BIN" ]; then
    m0=$(stat -c %Y "$HANGAR_BIN")
    cp "$HANGAR_BIN" "$bin"
    m1=$(stat -c %Y "$HANGAR_BIN")
    bin_built=$(date -u -d "@$m1" '+%Y-%m-%d %H:%M:%S UTC')
    if [ "$m0" != "$m1" ]; then
        log "$HANGAR_BIN changed while being copied; run again"
        exit 1
    fi
else
    have_hangar=0
    log "$HANGAR_BIN missing: measuring remote-viewer only"
fi
bin_ref=$run_tmp/hangar-ref
if [[ " $BENCH_CLIENTS " == *" hangar-ref "* ]]; then
    if [ -z "${HANGAR_REF_BIN:-}" ] || [ ! -x "$HANGAR_REF_BIN" ]; then
        log "the client hangar-ref needs HANGAR_REF_BIN, an executable Hangar"
        exit 1
    fi
    cp "$HANGAR_REF_BIN" "$bin_ref"
fi
# SPICE in Hangar: the binary has the HangarSpiceDisplay type.
hangar_spice=0
[ $have_hangar = 1 ] && grep -q HangarSpiceDisplay "$bin" && hangar_spice=1

machine_md=$(machine_info)
bench_start_xvfb 77 1280x800x24 "$res_dir/xvfb.log" || exit 1
bench_start_dbus "$run_tmp" || exit 1

rows=()
declare -A r_cpu r_fps r_mpix
for proto in $BENCH_PROTOCOLS; do
    dom=hangar-bench-console-$proto-$$
    slog=$run_tmp/$dom.serial.log
    if ! tests/guest/guest-xml.sh "$dom" "$proto" "$slog" busy >"$run_tmp/$dom.xml"; then
        rows+=("| $proto | — | — | — | — | — | — | — | — | — | guest XML failed |"); continue
    fi
    log "$proto: booting $dom"
    if ! virsh -c "$URI" create "$run_tmp/$dom.xml" >"$res_dir/$proto-virsh.log" 2>&1; then
        rows+=("| $proto | — | — | — | — | — | — | — | — | — | virsh create failed: $(tail -1 "$res_dir/$proto-virsh.log") |")
        continue
    fi
    domains+=("$dom")
    ready=0
    for _ in $(seq 120); do
        grep -q HANGAR-GUEST-READY "$slog" 2>/dev/null && { ready=1; break; }
        sleep 0.5
    done
    port=$(virsh -c "$URI" dumpxml "$dom" 2>/dev/null |
           sed -n "s/.*<graphics type='$proto' port='\([0-9]*\)'.*/\1/p" | head -1)
    qpid=$(cat "/run/libvirt/qemu/$dom.pid" 2>/dev/null)
    if [ $ready = 0 ] || [ -z "$port" ] || [ -z "$qpid" ]; then
        rows+=("| $proto | — | — | — | — | — | — | — | — | — | guest not ready (ready=$ready port=${port:-?}) |")
        virsh -c "$URI" destroy "$dom" >/dev/null 2>&1; domains=()
        continue
    fi
    log "$proto: $dom ready, port $port, qemu pid $qpid"
    sleep 2   # let the busy loop fill the screen
    for client in $BENCH_CLIENTS; do
        case $client in
            hangar) label="Hangar (GSK_RENDERER=$BENCH_GSK_RENDERER)" ;;
            hangar-default) label="Hangar (GTK default renderer)" ;;
            hangar-ref) label="Hangar reference binary (GSK_RENDERER=$BENCH_GSK_RENDERER)" ;;
            floor) label="library floor (no drawing)" ;;
            *) label=$client ;;
        esac
        if [[ $client == hangar* ]] && [ $have_hangar = 0 ]; then
            rows+=("| $proto | $label | — | — | — | — | — | — | — | — | binary missing |"); continue
        fi
        if [[ $client == hangar* ]] && [ "$proto" = spice ] && [ $hangar_spice = 0 ]; then
            log "spice: $label: not available yet (no HangarSpiceDisplay in the binary)"
            rows+=("| $proto | $label | — | — | — | — | — | — | — | — | not available yet (binary has no SPICE display) |")
            continue
        fi
        measure "$client" "$proto" "$dom" "$port" "$qpid"
        rows+=("| $proto | $label | ${m_cpu:-—} | ${m_fps:-—} | ${m_mpix:-—} | ${m_req:-—} | ${m_xvfb:-—} | ${m_qemu:-—} | ${m_other:-—} | $m_status |")
        if [[ $m_status == ok* ]]; then
            r_cpu[$proto-$client]=$m_cpu; r_fps[$proto-$client]=$m_fps; r_mpix[$proto-$client]=$m_mpix
        fi
    done
    virsh -c "$URI" destroy "$dom" >/dev/null 2>&1
    domains=()
done

{
    echo "# Hangar console benchmark ($stamp)"
    echo
    printf '%s\n' "$machine_md"
    echo
    echo "## Results"
    echo
    echo "The tiny guest's busy variant (tty1 prints text without pause, VGA text mode"
    echo "720x400) shown by each client alone in a ${win_w}x${win_h} window, scaled to fit."
    echo "*CPU* is utime+stime of the client process (all threads and children) over"
    echo "${BENCH_SECONDS} s ÷ wall time, in % of one core. *frames/s* counts the client's"
    echo "drawing into its console window with XDamage (raw rectangles; a new frame when"
    echo "events are more than ${BENCH_GAP_MS} ms apart). *Mpix/frame* is the damaged area per frame;"
    echo "*requests/s* the drawing requests. *Xvfb* and *QEMU* are the CPU of the X server"
    echo "and of the guest's QEMU process over the same interval; *other* is the rest of the"
    echo "machine's busy time (/proc/stat) then, in % of one core: other guests, builds, …"
    echo
    echo "| protocol | client | CPU % of a core | frames/s | Mpix/frame | requests/s | Xvfb CPU % | QEMU CPU % | other % | status |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "## Hangar against remote-viewer (issue 12: CPU ≤ 1×, Mpix/frame ≤ 1×, frames/s ≥ 1×)"
    echo
    echo "| protocol | CPU ratio | Mpix/frame ratio | frames/s ratio | CPU target | Mpix target | frames target |"
    echo "|---|---:|---:|---:|---|---|---|"
    for proto in $BENCH_PROTOCOLS; do
        hc=${r_cpu[$proto-hangar]:-}; rc=${r_cpu[$proto-remote-viewer]:-}
        hf=${r_fps[$proto-hangar]:-}; rf=${r_fps[$proto-remote-viewer]:-}
        hm=${r_mpix[$proto-hangar]:-}; rm=${r_mpix[$proto-remote-viewer]:-}
        if [ -n "$hc" ] && [ -n "$rc" ] && [ -n "$hf" ] && [ -n "$rf" ] && [ -n "$hm" ] && [ -n "$rm" ]; then
            awk -v p="$proto" -v hc="$hc" -v rc="$rc" -v hf="$hf" -v rf="$rf" -v hm="$hm" -v rm="$rm" 'BEGIN {
                cr = rc > 0 ? hc / rc : 0; fr = rf > 0 ? hf / rf : 0; mr = rm > 0 ? hm / rm : 0
                printf "| %s | %.2f | %.2f | %.2f | %s | %s | %s |\n", p, cr, mr, fr,
                    (cr <= 1 ? "**pass**" : "**FAIL**"), (mr <= 1 ? "**pass**" : "**FAIL**"),
                    (fr >= 1 ? "**pass**" : "**FAIL**") }'
        else
            echo "| $proto | — | — | — | not measured | not measured | not measured |"
        fi
    done
    echo
    echo "## What the protocol library alone costs (floor ÷ remote-viewer)"
    echo
    echo "*floor* receives the same updates with the same library in a GTK 4 main loop and"
    echo "draws nothing: no client using that library can use less CPU on this load."
    echo
    echo "| protocol | floor CPU % | remote-viewer CPU % | floor ÷ remote-viewer | Hangar ÷ floor (stretch: ≤ 1.25) |"
    echo "|---|---:|---:|---:|---:|"
    for proto in $BENCH_PROTOCOLS; do
        fc=${r_cpu[$proto-floor]:-}; rc=${r_cpu[$proto-remote-viewer]:-}; hc=${r_cpu[$proto-hangar]:-}
        if [ -n "$fc" ] && [ -n "$rc" ]; then
            awk -v p="$proto" -v fc="$fc" -v rc="$rc" -v hc="$hc" 'BEGIN {
                printf "| %s | %s | %s | %.2f | %s |\n", p, fc, rc, (rc > 0 ? fc / rc : 0),
                    (hc != "" && fc > 0 ? sprintf ("%.2f", hc / fc) : "—") }'
        else
            echo "| $proto | ${fc:-—} | ${rc:-—} | — | — |"
        fi
    done
    echo
    echo "Logs, XDamage counts and screenshots: \`${res_dir#"$root"/}/\`"
} | tee "$report"
log "report saved to ${report#"$root"/}"
exit 0
