# SPDX-License-Identifier: GPL-3.0-or-later
# Shared pieces of the benchmark scripts (sourced, not run). The caller defines
# pids_to_kill=() and kills what is left in it on exit.

# bench_stop_pid PID: TERM, wait up to 3 s, then KILL; reap it and forget it.
bench_stop_pid() {
    local p=$1 q keep=()
    [ -n "$p" ] || return 0
    if kill -0 "$p" 2>/dev/null; then
        kill "$p" 2>/dev/null
        for _ in $(seq 30); do
            kill -0 "$p" 2>/dev/null || break
            sleep 0.1
        done
        kill -0 "$p" 2>/dev/null && kill -9 "$p" 2>/dev/null
    fi
    wait "$p" 2>/dev/null
    for q in "${pids_to_kill[@]}"; do [ "$q" = "$p" ] || keep+=("$q"); done
    pids_to_kill=("${keep[@]}")
    return 0
}

# bench_start_xvfb FIRST_DISPLAY SCREEN LOG: an Xvfb (no window manager) on the first
# free display from FIRST_DISPLAY, screen WxHxD; sets xvfb_pid and display (":N").
bench_start_xvfb() {
    local d
    for d in $(seq "$1" $(($1 + 60))); do
        [ -e "/tmp/.X$d-lock" ] || [ -e "/tmp/.X11-unix/X$d" ] || break
    done
    Xvfb ":$d" -screen 0 "$2" -nolisten tcp -noreset >"$3" 2>&1 &
    xvfb_pid=$!
    pids_to_kill+=("$xvfb_pid")
    display=":$d"
    for _ in $(seq 100); do
        [ -S "/tmp/.X11-unix/X$d" ] && return 0
        kill -0 "$xvfb_pid" 2>/dev/null || break
        sleep 0.1
    done
    printf 'Xvfb on %s did not start (see %s)\n' "$display" "$3" >&2
    return 1
}

# bench_start_dbus DIR: a session dbus-daemon; sets dbus_pid and exports
# DBUS_SESSION_BUS_ADDRESS (its address file goes in DIR).
bench_start_dbus() {
    local f=$1/dbus-address
    : >"$f"
    dbus-daemon --session --nofork --nopidfile --print-address=3 3>"$f" \
        >/dev/null 2>&1 &
    dbus_pid=$!
    pids_to_kill+=("$dbus_pid")
    for _ in $(seq 100); do
        [ -s "$f" ] && break
        sleep 0.05
    done
    [ -s "$f" ] || { echo "dbus-daemon did not start" >&2; return 1; }
    export DBUS_SESSION_BUS_ADDRESS
    DBUS_SESSION_BUS_ADDRESS=$(head -1 "$f")
}

# bench_find_window PID NAME TIMEOUT STRICT -> the visible top-level of PID on $display
# whose title contains NAME (any, for an empty NAME); unless STRICT is 1, after half the
# TIMEOUT (seconds) the largest visible one.
bench_find_window() {
    local pid=$1 name=$2 timeout=$3 strict=$4 t w n best best_area a wh
    for t in $(seq $(( timeout * 5 ))); do
        kill -0 "$pid" 2>/dev/null || return 1
        best=""; best_area=0
        for w in $(DISPLAY=$display xdotool search --all --onlyvisible --pid "$pid" 2>/dev/null); do
            n=$(DISPLAY=$display xdotool getwindowname "$w" 2>/dev/null)
            if [[ $n == *"$name"* ]]; then echo "$w"; return 0; fi
            wh=$(DISPLAY=$display xdotool getwindowgeometry "$w" 2>/dev/null |
                 awk '/Geometry:/ { split($2, g, "x"); print g[1] * g[2] }')
            a=${wh:-0}
            (( a > best_area )) && { best=$w; best_area=$a; }
        done
        if [ "$strict" = 0 ] && [ -n "$best" ] && (( t > timeout * 5 / 2 )); then
            echo "$best"; return 0
        fi
        sleep 0.2
    done
    return 1
}

# bench_stop_started_daemons: libvirtd and virtlogd, if hangar_ensure_libvirtd
# (build-aux/deps.sh) started them.
bench_stop_started_daemons() {
    local p
    if [[ ${HANGAR_STARTED_LIBVIRTD:-0} == 1 && -f /run/libvirtd.pid ]]; then
        p=$(cat /run/libvirtd.pid 2>/dev/null)
        [ -n "$p" ] && kill "$p" 2>/dev/null
    fi
    if [[ ${HANGAR_STARTED_VIRTLOGD:-0} == 1 && -f /run/virtlogd.pid ]]; then
        p=$(cat /run/virtlogd.pid 2>/dev/null)
        [ -n "$p" ] && kill "$p" 2>/dev/null
    fi
    return 0
}
