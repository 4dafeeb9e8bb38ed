#!/usr/bin/env bash
# Startup / idle benchmark of Hangar's manager window with many guests.
#
# Run from the repository root after `meson compile -C _build`:
#     bench/run-startup.sh
# It takes about 3.5 minutes and prints a markdown report (also saved under
# bench/_results/). See bench/README.md for what it measures.
#
# Knobs (environment variables, all optional):
#   HANGAR_BIN     binary to run (default: _build/src/hangar)
#   SCHEMA_DIR     GSETTINGS_SCHEMA_DIR (default: _build/data)
#   BENCH_SIZES    guest counts (default: "100 1000 5000")
#   BENCH_RUNNING  fraction of guests running (default: 0.1)
#   BENCH_T1       first sample, whole seconds after launch (default: 30)
#   BENCH_T2       second sample, whole seconds after launch (default: 60)
#   BENCH_A11Y     1 to leave GTK accessibility on (default: off, GTK_A11Y=none)
#   BENCH_SHOT     0 to skip the screenshot taken after the last sample
#   BENCH_GSK_RENDERER  GSK_RENDERER for the run (default: cairo; "gl" or
#                  "ngl" measure GTK's GL renderer, which under Xvfb is Mesa's
#                  llvmpipe on the CPU; "default" leaves GSK_RENDERER unset)
set -u -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root" || exit 1
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

HANGAR_BIN=${HANGAR_BIN:-_build/src/hangar}
SCHEMA_DIR=${SCHEMA_DIR:-_build/data}
BENCH_SIZES=${BENCH_SIZES:-"100 1000 5000"}
BENCH_RUNNING=${BENCH_RUNNING:-0.1}
BENCH_T1=${BENCH_T1:-30}
BENCH_T2=${BENCH_T2:-60}
BENCH_A11Y=${BENCH_A11Y:-0}
BENCH_SHOT=${BENCH_SHOT:-1}
BENCH_GSK_RENDERER=${BENCH_GSK_RENDERER:-cairo}

case $HANGAR_BIN in /*) ;; *) HANGAR_BIN=$root/$HANGAR_BIN ;; esac
case $SCHEMA_DIR in /*) ;; *) SCHEMA_DIR=$root/$SCHEMA_DIR ;; esac

data_dir=$here/_data
stamp=$(date +%Y%m%d-%H%M%S)
res_dir=$here/_results/$stamp
mkdir -p "$data_dir" "$res_dir"
report=$here/_results/startup-$stamp.md

clk_tck=$(getconf CLK_TCK)

log() { printf '[bench] %s\n' "$*" >&2; }
now() { date +%s.%N; }
# microseconds -> seconds (times come from bash 5's $EPOCHREALTIME)

us_to_s() { printf '%d.%06d\n' $(( $1 / 1000000 )) $(( $1 % 1000000 )); }
# fsub A B -> A-B
fsub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }

# ---------------------------------------------------------------- cleanup
pids_to_kill=()
tmp_dirs=()
# shellcheck disable=SC2317 # runs from the EXIT trap
cleanup() {
    local p
    for p in "${pids_to_kill[@]}"; do
        [ -n "$p" ] && kill -0 "$p" 2>/dev/null && kill "$p" 2>/dev/null
    done
    sleep 0.2
    for p in "${pids_to_kill[@]}"; do
        [ -n "$p" ] && kill -0 "$p" 2>/dev/null && kill -9 "$p" 2>/dev/null
    done
    pids_to_kill=()
    local d
    for d in "${tmp_dirs[@]}"; do rm -rf "$d"; done
    tmp_dirs=()
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

# ---------------------------------------------------------------- /proc
# utime+stime of PID (all threads) in seconds, or empty if gone.
cpu_seconds() {
    local s
    s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
    s=${s##*) }          # drop "pid (comm) ", comm may hold spaces
    awk -v t="$clk_tck" '{ printf "%.2f", ($12 + $13) / t }' <<<"$s"
}
# status_kb PID FIELD -> value in kB
status_kb() {
    awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null
}

# ---------------------------------------------------------------- machine
machine_info() {
    local cpu mem deb gtk adw virt glib mesa commit
    cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
    mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
    deb=$(cat /etc/debian_version 2>/dev/null || echo '?')
    gtk=$(pkg-config --modversion gtk4 2>/dev/null ||
          dpkg-query -W -f='${Version}' libgtk-4-1 2>/dev/null || echo '?')
    adw=$(pkg-config --modversion libadwaita-1 2>/dev/null ||
          dpkg-query -W -f='${Version}' libadwaita-1-0 2>/dev/null || echo '?')
    virt=$(pkg-config --modversion libvirt 2>/dev/null ||
           dpkg-query -W -f='${Version}' libvirt0 2>/dev/null || echo '?')
    glib=$(pkg-config --modversion glib-2.0 2>/dev/null || echo '?')
    mesa=$(dpkg-query -W -f='${Version}' libgl1-mesa-dri 2>/dev/null || echo '?')
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
| Kernel | $(uname -r) |
| Debian | $deb |
| GTK / libadwaita / GLib | $gtk / $adw / $glib |
| libvirt | $virt |
| Mesa | $mesa (Xvfb 1920x1080x24, no window manager) |
| Hangar commit | $commit |
| Hangar binary | ${HANGAR_BIN#"$root"/}, built $( [ -e "$HANGAR_BIN" ] && date -u -r "$HANGAR_BIN" '+%Y-%m-%d %H:%M:%S UTC' || echo '(missing)') |
| Date | $(date -u '+%Y-%m-%d %H:%M UTC'), load average at start $(cut -d' ' -f1-3 /proc/loadavg) |
| Settings | running fraction $BENCH_RUNNING, samples at ${BENCH_T1} s and ${BENCH_T2} s, GSK_RENDERER=$BENCH_GSK_RENDERER, GTK accessibility $( [ "$BENCH_A11Y" = 1 ] && echo on || echo 'off (GTK_A11Y=none)') |
EOF
}

# ---------------------------------------------------------------- floor
# Median of 3 wall times of `virsh -c URI uri` (libvirt parses the whole
# test-driver file when it opens the connection, in-process).
floor_time() {
    local uri=$1 i t0 t1 times=()
    for _ in 1 2 3; do
        t0=$(now)
        virsh -c "$uri" uri >/dev/null 2>&1 || { echo "error"; return; }
        t1=$(now)
        times+=("$(fsub "$t1" "$t0")")
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n 2p
}

# trace_value FILE EVENT -> seconds field of the first such line
trace_value() {
    awk -v e="$2" '$1 == "HANGAR-TRACE" && $3 == e { print $2; exit }' "$1"
}
trace_detail() {
    awk -v e="$2" '$1 == "HANGAR-TRACE" && $3 == e { print $4; exit }' "$1"
}

# ---------------------------------------------------------------- one run
# run_one N XML -> sets r_* results
run_one() {
    local n=$1 xml=$2 uri="test://$2"
    r_launch=""; r_conn=""; r_list=""; r_rows=""; r_cpu1=""; r_idle="";
    r_hwm=""; r_rss=""; r_threads=""; r_status="ok"; r_seen=""
    r_connlist=""; xvfb_pid=""; dbus_pid=""

    run_tmp=$(mktemp -d /tmp/hangar-bench.XXXXXX)
    tmp_dirs+=("$run_tmp")
    mkdir -p "$run_tmp/runtime" "$run_tmp/config" "$run_tmp/data" \
             "$run_tmp/cache"
    chmod 700 "$run_tmp/runtime"

    if ! bench_start_xvfb 77 1920x1080x24 "$res_dir/xvfb-$n.log" ||
       ! bench_start_dbus "$run_tmp"; then
        r_status="Xvfb or dbus-daemon failed to start"
        bench_stop_pid "$dbus_pid"; bench_stop_pid "$xvfb_pid"; pids_to_kill=()
        return
    fi

    local err=$res_dir/hangar-$n.stderr out=$res_dir/hangar-$n.stdout
    local extra_env=()
    [ "$BENCH_A11Y" = 1 ] || extra_env+=(GTK_A11Y=none)
    [ "$BENCH_GSK_RENDERER" = default ] ||
        extra_env+=(GSK_RENDERER="$BENCH_GSK_RENDERER")

    log "N=$n: launching on $display"
    local bin_mtime
    bin_mtime=$(stat -c %Y "$HANGAR_BIN" 2>/dev/null || echo none)
    local t0 pid
    t0=${EPOCHREALTIME//[!0-9]/}
    env DISPLAY="$display" GDK_BACKEND=x11 \
        GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$SCHEMA_DIR" \
        XDG_RUNTIME_DIR="$run_tmp/runtime" XDG_CONFIG_HOME="$run_tmp/config" \
        XDG_DATA_HOME="$run_tmp/data" XDG_CACHE_HOME="$run_tmp/cache" \
        "${extra_env[@]}" \
        "$HANGAR_BIN" --debug --connect "$uri" >"$out" 2>"$err" </dev/null &
    pid=$!
    pids_to_kill+=("$pid")

    # Until T1: watch for list-shown (a wall-clock check of the trace), with
    # few forks so the watcher does not compete with Hangar for the CPU.
    local t1_at=$(( t0 + BENCH_T1 * 1000000 )) t2_at=$(( t0 + BENCH_T2 * 1000000 ))
    local t
    while :; do
        t=${EPOCHREALTIME//[!0-9]/}
        (( t >= t1_at )) && break
        if ! kill -0 "$pid" 2>/dev/null; then
            r_status="exited before ${BENCH_T1} s"
            break
        fi
        if [ -z "$r_seen" ] && grep -q '^HANGAR-TRACE [0-9.]* list-shown' "$err"; then
            r_seen=$(us_to_s $(( t - t0 )))
        fi
        if [ -n "$r_seen" ]; then
            sleep "$(us_to_s $(( t1_at - t )))"
        else
            sleep 0.1
        fi
    done
    if [ "$r_status" = ok ]; then
        r_cpu1=$(cpu_seconds "$pid")
        t=${EPOCHREALTIME//[!0-9]/}
        (( t < t2_at )) && sleep "$(us_to_s $(( t2_at - t )))"
        if kill -0 "$pid" 2>/dev/null; then
            local cpu2
            cpu2=$(cpu_seconds "$pid")
            r_idle=$(awk -v a="$cpu2" -v b="$r_cpu1" -v d="$BENCH_T2" -v s="$BENCH_T1" \
                     'BEGIN { printf "%.1f", 100 * (a - b) / (d - s) }')
            r_hwm=$(status_kb "$pid" VmHWM)
            r_rss=$(status_kb "$pid" VmRSS)
            r_threads=$(awk '$1 == "Threads:" { print $2 }' "/proc/$pid/status")
            if [ "$BENCH_SHOT" = 1 ] && command -v import >/dev/null; then
                import -display "$display" -window root \
                    "$res_dir/hangar-$n.png" >/dev/null 2>&1 || true
            fi
        else
            r_status="exited before ${BENCH_T2} s"
        fi
    fi

    if [ "$(stat -c %Y "$HANGAR_BIN" 2>/dev/null || echo none)" != "$bin_mtime" ]; then
        r_status="$r_status; binary rebuilt during the run: numbers unreliable"
    fi
    bench_stop_pid "$pid"
    bench_stop_pid "$dbus_pid"
    bench_stop_pid "$xvfb_pid"
    pids_to_kill=()

    r_conn=$(trace_value "$err" connection-opened)
    r_list=$(trace_value "$err" list-shown)
    r_rows=$(trace_detail "$err" list-shown)
    r_launch=$r_list
    if [ "$r_status" = ok ] && [ -z "$r_list" ]; then
        r_status="no list-shown trace"
    fi
    details+=("### N=$n" "" '```')
    details+=("$(grep '^HANGAR-TRACE' "$err" | head -20)")
    if [[ $r_status != ok* ]]; then
        details+=("--- last lines of stderr:" "$(grep -v '^HANGAR-TRACE' "$err" | tail -8)")
    fi
    details+=('```' "")
    if [ -n "$r_conn" ] && [ -n "$r_list" ]; then
        r_connlist=$(fsub "$r_list" "$r_conn")
    fi
    log "N=$n: status=$r_status list-shown=${r_list:--} (seen ${r_seen:--}) conn->list=${r_connlist:--} cpu30=${r_cpu1:--} idle=${r_idle:--}% hwm=${r_hwm:--}kB"
}

# ---------------------------------------------------------------- main
dash() { [ -n "$1" ] && printf '%s' "$1" || printf '—'; }

have_bin=1
if [ ! -x "$HANGAR_BIN" ]; then
    have_bin=0
    log "$HANGAR_BIN not found: run 'meson compile -C _build' first."
    log "Measuring only the virsh floor."
fi
for tool in Xvfb dbus-daemon virsh python3; do
    command -v "$tool" >/dev/null || { log "missing tool: $tool"; exit 1; }
done

machine_md=$(machine_info)

declare -A floor n_running
for n in $BENCH_SIZES; do
    xml=$data_dir/guests-$n.xml
    python3 "$here/gen-test-xml.py" "$n" "$xml" --running "$BENCH_RUNNING" \
        2>/dev/null || { log "generator failed for N=$n"; exit 1; }
    n_running[$n]=$(grep -c '^  <domain ' "$xml")
    n_running[$n]=$(( n_running[$n] - $(grep -c '<test:runstate>5<' "$xml") ))
    floor[$n]=$(floor_time "test://$xml")
    log "N=$n: virsh uri floor ${floor[$n]} s"
done

rows=()
details=()
for n in $BENCH_SIZES; do
    xml=$data_dir/guests-$n.xml
    if [ $have_bin = 1 ]; then
        run_one "$n" "$xml"
        hwm_mb=""; [ -n "$r_hwm" ] && hwm_mb=$(awk -v k="$r_hwm" 'BEGIN { printf "%.0f", k / 1024 }')
        rss_mb=""; [ -n "$r_rss" ] && rss_mb=$(awk -v k="$r_rss" 'BEGIN { printf "%.0f", k / 1024 }')
        rows+=("| $n | ${n_running[$n]} | ${floor[$n]} | $(dash "$r_launch") | $(dash "$r_connlist") | $(dash "$r_rows") | $(dash "$r_cpu1") | $(dash "$r_idle") | $(dash "$hwm_mb") | $(dash "$rss_mb") | $(dash "$r_threads") | $r_status |")
        eval "res_list_$n=\$r_connlist res_idle_$n=\$r_idle res_hwm_$n=\$hwm_mb"
    else
        rows+=("| $n | ${n_running[$n]} | ${floor[$n]} | — | — | — | — | — | — | — | — | binary missing |")
    fi
done

{
    echo "# Hangar startup benchmark ($stamp)"
    echo
    printf '%s\n' "$machine_md"
    echo
    echo "## Results"
    echo
    echo "Times are seconds. *launch→list* is the \`list-shown\` trace time (seconds since"
    echo "process start); *conn→list* is \`list-shown\` minus \`connection-opened\`. CPU is"
    echo "utime+stime of all threads. *idle CPU* is CPU used in seconds ${BENCH_T1}–${BENCH_T2} after launch,"
    echo "as % of one core. *peak RSS* is VmHWM at ${BENCH_T2} s. The floor is the median wall time of"
    echo "\`virsh -c test:///… uri\` (libvirt parsing the test file in-process)."
    echo
    echo "| N guests | running | \`virsh uri\` floor | launch→list | conn→list | rows | CPU-s first ${BENCH_T1} s | idle CPU % core | peak RSS MB | RSS MB at ${BENCH_T2} s | threads | status |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    printf '%s\n' "${rows[@]}"
    if [ $have_bin = 1 ] && [[ " $BENCH_SIZES " == *" 5000 "* ]]; then
        echo
        echo "## Targets at N=5,000"
        echo
        chk() { # value op limit
            [ -z "$1" ] && { echo "not measured"; return; }
            awk -v v="$1" -v l="$3" -v o="$2" 'BEGIN { ok = (o == "<") ? v < l : v <= l; print ok ? "**pass**" : "**FAIL**" }'
        }
        echo "| target | measured | |"
        echo "|---|---:|---|"
        echo "| list within 0.5 s of connection open | $(dash "$res_list_5000") s | $(chk "$res_list_5000" '<=' 0.5) |"
        echo "| idle CPU under 2 % of a core | $(dash "$res_idle_5000") % | $(chk "$res_idle_5000" '<' 2) |"
        echo "| peak RSS under 150 MB | $(dash "$res_hwm_5000") MB | $(chk "$res_hwm_5000" '<' 150) |"
    fi
    if [ ${#details[@]} -gt 0 ]; then
        echo
        echo "## Trace lines"
        echo
        printf '%s\n' "${details[@]}"
    fi
    echo "Logs and screenshots: \`${res_dir#"$root"/}/\`"
} | tee "$report"

log "report saved to ${report#"$root"/}"
[ $have_bin = 1 ] || exit 1
exit 0
