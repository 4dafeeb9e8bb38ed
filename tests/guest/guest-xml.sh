#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Print the libvirt domain XML of the tiny test guest.
#   tests/guest/guest-xml.sh NAME [vnc|spice|none] [SERIAL_LOG_FILE] [normal|busy]
# The 4th argument (else $HANGAR_TEST_GUEST_VARIANT, else "normal") picks the initramfs:
# normal = initrd.img; busy = initrd-busy.img, whose tty1 prints text without pause
# (bench/console/). Pass "" as SERIAL_LOG_FILE to pick a variant without a log.
# The guest files come from $HANGAR_TEST_GUEST_DIR (default /var/cache/hangar-test-guest);
# build them with tests/guest/build-guest.sh.
set -euo pipefail

name=${1:?usage: guest-xml.sh NAME [vnc|spice|none] [SERIAL_LOG_FILE] [normal|busy]}
graphics_type=${2:-vnc}
serial_log=${3:-}
variant=${4:-${HANGAR_TEST_GUEST_VARIANT:-normal}}
dir=${HANGAR_TEST_GUEST_DIR:-/var/cache/hangar-test-guest}
here=$(dirname "$(readlink -f "$0")")

case $variant in
  normal) initrd='initrd.img' ;;
  busy) initrd='initrd-busy.img' ;;
  *) echo "guest-xml.sh: variant must be normal or busy" >&2; exit 1 ;;
esac

for f in vmlinuz "$initrd" cmdline; do
  [[ -r $dir/$f ]] || { echo "guest-xml.sh: $dir/$f missing; run tests/guest/build-guest.sh" >&2; exit 1; }
done

case $graphics_type in
  vnc|spice)
    graphics="<graphics type='$graphics_type' autoport='yes' listen='127.0.0.1'><listen type='address' address='127.0.0.1'/></graphics>" ;;
  none) graphics="" ;;
  *) echo "guest-xml.sh: graphics must be vnc, spice or none" >&2; exit 1 ;;
esac
log=""
[[ -n $serial_log ]] && log="<log file='$serial_log' append='off'/>"

NAME=$name KERNEL=$dir/vmlinuz INITRD=$dir/$initrd CMDLINE=$(cat "$dir/cmdline") \
GRAPHICS=$graphics SERIAL_LOG=$log python3 - "$here/guest.xml.in" <<'PY'
import os, sys
from xml.sax.saxutils import escape
text = open(sys.argv[1]).read()
for key in ("NAME", "KERNEL", "INITRD", "CMDLINE"):
    text = text.replace("@%s@" % key, escape(os.environ[key], {"'": "&apos;"}))
for key in ("GRAPHICS", "SERIAL_LOG"):
    text = text.replace("@%s@" % key, os.environ[key])
sys.stdout.write(text)
PY
