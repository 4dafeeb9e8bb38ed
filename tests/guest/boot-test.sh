#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Boot the tiny test guest once with libvirt, check that HANGAR-GUEST-READY appears on
# its serial port and that the serial shell answers, print the boot time, clean up.
#   tests/guest/boot-test.sh [vnc|spice|none]
# Env: HANGAR_TEST_LIBVIRT_URI (default qemu:///system), HANGAR_TEST_GUEST_DIR.
# Needs root for qemu:///system (it writes to the guest's serial pty).
set -euo pipefail

uri=${HANGAR_TEST_LIBVIRT_URI:-qemu:///system}
graphics=${1:-vnc}
here=$(dirname "$(readlink -f "$0")")
name="hangar-boot-test-$$"
logdir=/var/log/libvirt/qemu
[[ -d $logdir ]] || logdir=$(mktemp -d)
serial_log="$logdir/$name-serial.log"

virsh() { command virsh -q -c "$uri" "$@" </dev/null; }
cleanup() {
  virsh destroy "$name" >/dev/null 2>&1 || true
  rm -f "$serial_log"
}
trap cleanup EXIT

now() { date +%s.%N; }
wait_for() {  # wait_for PATTERN SECONDS
  local deadline
  deadline=$(echo "$(now) + $2" | bc 2>/dev/null || python3 -c "import time;print(time.time()+$2)")
  until grep -qa -- "$1" "$serial_log" 2>/dev/null; do
    if python3 -c "import sys,time; sys.exit(0 if time.time() > $deadline else 1)"; then
      return 1
    fi
    sleep 0.05
  done
}

"$here/guest-xml.sh" "$name" "$graphics" "$serial_log" > "/tmp/$name.xml"
t0=$(now)
virsh create "/tmp/$name.xml" >/dev/null
rm -f "/tmp/$name.xml"
t_started=$(now)

if ! wait_for HANGAR-GUEST-READY 120; then
  echo "boot-test: no HANGAR-GUEST-READY within 120 s; serial log:" >&2
  cat -v "$serial_log" >&2 || true
  exit 1
fi
t_ready=$(now)

pty=$(virsh dumpxml "$name" | sed -n "s/.*<source path='\([^']*\)'.*/\1/p" | head -n1)
[[ -c $pty ]] || { echo "boot-test: no serial pty ($pty)" >&2; exit 1; }
# QEMU reads the pty only while its slave side is open (it polls for that once a
# second): hold it open, give QEMU time to notice, then type.
exec 3<>"$pty"
sleep 1.5
# shellcheck disable=SC2016 # expanded by the guest's shell
printf 'echo hangar-answer-$((6*7)) $(uname -r)\r' >&3
if ! wait_for hangar-answer-42 30; then
  echo "boot-test: the ttyS0 shell did not answer; serial log:" >&2
  cat -v "$serial_log" >&2
  exit 1
fi
t_answer=$(now)
exec 3<&-

python3 - "$t0" "$t_started" "$t_ready" "$t_answer" <<'PY'
import sys
t0, started, ready, answer = map(float, sys.argv[1:])
print("boot-test: virsh create %.2f s, HANGAR-GUEST-READY %.2f s after create, "
      "shell answered %.2f s later" % (started - t0, ready - t0, answer - ready))
PY
grep -a 'hangar-answer-42' "$serial_log" | tr -d '\r' | sed 's/^/boot-test: guest says: /'
