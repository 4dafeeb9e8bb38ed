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
