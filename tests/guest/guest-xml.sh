#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Print the libvirt domain XML of the tiny test guest.
#   tests/guest/guest-xml.sh NAME [vnc|spice|none] [SERIAL_LOG_FILE] [normal|busy|fb]
# The 4th argument (else $HANGAR_TEST_GUEST_VARIANT, else "normal") picks the initramfs:
# normal = initrd.img; busy = initrd-busy.img, whose tty1 prints text without pause
# (bench/console/); fb = vmlinuz-fb + initrd-fb.img on a virtio-gpu display whose mode
# follows the size a console asks for. Pass "" as SERIAL_LOG_FILE to pick a variant
# without a log.
# The guest files come from $HANGAR_TEST_GUEST_DIR (default /var/cache/hangar-test-guest);
# build them with tests/guest/build-guest.sh. $HANGAR_TEST_VIRT_TYPE (kvm or qemu, default
# qemu: TCG) is the domain type; build-aux/test sets it from what libvirt offers.
set -euo pipefail

name=${1:?usage: guest-xml.sh NAME [vnc|spice|none] [SERIAL_LOG_FILE] [normal|busy|fb]}
graphics_type=${2:-vnc}
serial_log=${3:-}
variant=${4:-${HANGAR_TEST_GUEST_VARIANT:-normal}}
dir=${HANGAR_TEST_GUEST_DIR:-/var/cache/hangar-test-guest}
here=$(dirname "$(readlink -f "$0")")

kernel=vmlinuz
video=""
case $variant in
  normal) initrd='initrd.img' ;;
  busy) initrd='initrd-busy.img' ;;
  fb)
    kernel=vmlinuz-fb initrd=initrd-fb.img
    video="<model type='virtio' heads='1' primary='yes'/>" ;;
  *) echo "guest-xml.sh: variant must be normal, busy or fb" >&2; exit 1 ;;
esac

for f in "$kernel" "$initrd" cmdline; do
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

NAME=$name KERNEL=$dir/$kernel INITRD=$dir/$initrd CMDLINE=$(cat "$dir/cmdline") \
VIRT_TYPE=${HANGAR_TEST_VIRT_TYPE:-qemu} \
GRAPHICS=$graphics SERIAL_LOG=$log VIDEO=$video python3 - "$here/guest.xml.in" <<'PY'
import os, sys
from xml.sax.saxutils import escape
text = open(sys.argv[1]).read()
for key in ("VIRT_TYPE", "NAME", "KERNEL", "INITRD", "CMDLINE"):
    text = text.replace("@%s@" % key, escape(os.environ[key], {"'": "&apos;"}))
for key in ("GRAPHICS", "SERIAL_LOG"):
    text = text.replace("@%s@" % key, os.environ[key])
if os.environ["VIDEO"]:
    vga = "<model type='vga' vram='16384' heads='1' primary='yes'/>"
    assert text.count(vga) == 1, "guest-xml.sh: no VGA model in guest.xml.in"
    text = text.replace(vga, os.environ["VIDEO"])
sys.stdout.write(text)
PY
