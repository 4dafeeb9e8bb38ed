#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Build Hangar's tiny end-to-end test guest from Debian 12 packages:
#   vmlinuz     the kernel of linux-image-cloud-amd64 (extracted, never installed)
#   initrd.img  a busybox-static initramfs whose /init starts a shell on tty1 (the
#               VGA text console) and one on ttyS0 (serial), and prints
#               HANGAR-GUEST-READY on ttyS0 when the serial shell is up; busybox's
#               acpid powers it off on the ACPI power button (libvirt's shutdown and
#               reboot), saying HANGAR-GUEST-POWER-BUTTON on ttyS0 first
#   initrd-busy.img the same, except that tty1 gets no shell but a loop printing
#               text without pause (for bench/console/); ttyS0 is unchanged
#   cmdline     the kernel command line to boot it with:
#                 console=tty1 console=ttyS0 quiet
#               (kernel messages on both; /dev/console = ttyS0, the last one)
#   stamp       "hangar-test-guest <version> <kernel package>"; when it matches,
#               nothing is rebuilt
# and a framebuffer variant for a virtio-gpu display (<video><model type='virtio'/>),
# whose screen size a console can change (tests/e2e/test-e2e-resize.c):
#   vmlinuz-fb  the kernel of linux-image-amd64 (the cloud kernel has no DRM drivers)
#   initrd-fb.img the same initramfs with that kernel's modules, whose /init also loads
#               virtio-gpu and starts hangar-mode (tests/guest/hangar-mode.c, built here
#               with gcc -static), which sets the mode the host asks for and prints
#               "HANGAR-MODE <width>x<height>" on ttyS0; and loads psmouse (the cloud
#               kernel has no PS/2 mouse driver) and starts hangar-input-log for it,
#               which copies its raw events to ttyS0 (the relative pointer test, with
#               no tablet); and loads
#               virtio_console and starts hangar-agent (tests/guest/hangar-agent.c), a
#               small SPICE guest agent that reports monitor configurations and
#               clipboard text on ttyS0 (tests/e2e/test-e2e-spice-agent.c)
#   stamp-fb    "hangar-test-guest-fb <version> <kernel package>", as stamp
#
# Usage: tests/guest/build-guest.sh [CACHE_DIR]
#   CACHE_DIR defaults to $HANGAR_TEST_GUEST_DIR, else /var/cache/hangar-test-guest
#   (root) or ${XDG_CACHE_HOME:-~/.cache}/hangar-test-guest (others).
# Needs: apt (apt-get download), dpkg-deb, busybox-static, cpio, gzip, python3, and for
# the framebuffer variant gcc, libc6-dev, libdrm-dev and libspice-protocol-dev (their
# headers only).
# Directories are 0755 and files 0644 so the qemu user (libvirt-qemu) can read them.
set -euo pipefail

GUEST_VERSION=5
KERNEL_META=linux-image-cloud-amd64
FB_VERSION=5
FB_KERNEL_META=linux-image-amd64
CMDLINE="console=tty1 console=ttyS0 quiet"

if [[ $(id -u) -eq 0 ]]; then
  default_dir=/var/cache/hangar-test-guest
else
  default_dir="${XDG_CACHE_HOME:-$HOME/.cache}/hangar-test-guest"
fi
dir="${1:-${HANGAR_TEST_GUEST_DIR:-$default_dir}}"
here=$(dirname "$(readlink -f "$0")")

log() { echo "build-guest: $*" >&2; }

# keep_main=1: vmlinuz and initrd.img are current and stay untouched (no download of
# their kernel); then need_busy=1 only when the guest predates initrd-busy.img, which is
# added. build_fb=1: the framebuffer variant is missing or out of date (it has a stamp of
# its own, so that either is rebuilt alone).
keep_main=0
need_busy=1
build_fb=1
if [[ -f $dir/stamp-fb && -f $dir/vmlinuz-fb && -f $dir/initrd-fb.img ]] &&
   [[ $(cut -d' ' -f1-2 "$dir/stamp-fb") == "hangar-test-guest-fb $FB_VERSION" ]]; then
  build_fb=0
fi
if [[ -f $dir/stamp && -f $dir/vmlinuz && -f $dir/initrd.img ]] &&
   [[ $(cut -d' ' -f1-2 "$dir/stamp") == "hangar-test-guest $GUEST_VERSION" ]]; then
  [[ -f $dir/initrd-busy.img ]] && need_busy=0
  [[ $need_busy == 0 && $build_fb == 0 ]] && exit 0
  keep_main=1
fi

busybox=/bin/busybox
if [[ ! -x $busybox ]] || ! "$busybox" --list 2>/dev/null | grep -qx setsid ||
   ldd "$busybox" >/dev/null 2>&1; then
  log "$busybox is missing or not statically linked; install busybox-static"
  exit 1
fi

umask 022
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"

# --- kernel: resolve the metapackage to the versioned image and extract it -----
resolve_kernel() {
  apt-cache depends "$1" 2>/dev/null |
    awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}
# fetch_kernel METAPACKAGE NAME: prints the versioned package and extracts it into
# $work/NAME.
fetch_kernel() {
  local meta=$1 pkg
  pkg=$(resolve_kernel "$meta" || true)
  if [[ -z $pkg && $(id -u) -eq 0 ]]; then
    log "apt lists do not know $meta; running apt-get update"
    apt-get update </dev/null >&2
    pkg=$(resolve_kernel "$meta" || true)
  fi
  if [[ -z $pkg ]]; then
    log "cannot resolve $meta to a kernel package (apt-get update needed?)"
    exit 1
  fi
  log "kernel package: $pkg"
  # This runs inside $(…), where bash ignores set -e: every step says when it failed.
  mkdir "$work/dl-$2" || return 1
  # apt drops privileges to _apt for downloads; let it write there.
  if id _apt >/dev/null 2>&1 && [[ $(id -u) -eq 0 ]]; then
    chown _apt "$work/dl-$2" || return 1
  fi
  (cd "$work/dl-$2" && apt-get download "$pkg" </dev/null >&2) ||
    { log "could not download $pkg (network, or apt-get update needed?)"; return 1; }
  dpkg-deb -x "$(ls "$work/dl-$2"/*.deb)" "$work/$2" ||
    { log "could not unpack $pkg"; return 1; }
  echo "$pkg"
}
if [[ $keep_main == 0 ]]; then
  kpkg=$(fetch_kernel "$KERNEL_META" kernel)
  vmlinuz=$(ls "$work"/kernel/boot/vmlinuz-*)
fi
if [[ $build_fb == 1 ]]; then
  fb_kpkg=$(fetch_kernel "$FB_KERNEL_META" kernel-fb)
  fb_vmlinuz=$(ls "$work"/kernel-fb/boot/vmlinuz-*)
fi

# add_module KERNEL_DIR ROOT LIST NAME: copies NAME.ko from the kernel unpacked in
# KERNEL_DIR, its dependencies first (from the "depends=" of its .modinfo), into
# ROOT/lib/modules with the module's own name (virtio_gpu, not virtio-gpu), and appends
# them to the array named LIST in load order.
add_module() {
  local kernel_dir=$1 target=$2 m=${4//-/_} ko dep
  local -n loaded=$3
  [[ " ${loaded[*]} " == *" $m "* ]] && return 0
  ko=$(find "$kernel_dir/lib/modules" \( -name "$m.ko" -o -name "${m//_/-}.ko" \) |
         head -n1)
  if [[ -z $ko ]]; then
    log "module $m.ko not found in the kernel package in $kernel_dir"
    exit 1
  fi
  for dep in $(tr '\0' '\n' <"$ko" | sed -n 's/^depends=//p' | head -n1 | tr , ' '); do
    add_module "$kernel_dir" "$target" "$3" "$dep"
  done
  mkdir -p "$target/lib/modules"
  cp "$ko" "$target/lib/modules/$m.ko"
  loaded+=("$m")
}

# --- initramfs --------------------------------------------------------------------
root="$work/root"
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,root,usr/bin,usr/sbin,lib/modules}
cp "$busybox" "$root/bin/busybox"
# The few modules the pointer test needs (virtio tablet, evdev) and the ACPI power
# button's (button, for acpid); the rest is built in. /init loads those
# /etc/hangar-modules names, in order.
main_modules=()
if [[ $keep_main == 0 ]]; then
  for m in virtio_pci virtio_input evdev button; do
    add_module "$work/kernel" "$root" main_modules "$m"
  done
fi
printf '%s\n' "${main_modules[@]}" > "$root/etc/hangar-modules"
for applet in $("$busybox" --list); do
  [[ $applet == busybox ]] && continue
  ln -sf busybox "$root/bin/$applet"
done

cat > "$root/init" <<'INIT'
#!/bin/sh
# Hangar test guest: PID 1. Shells on tty1 and ttyS0, respawned when they exit.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root TERM=linux
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
hostname hangar-guest
[ -c /dev/ttyS0 ] || mknod /dev/ttyS0 c 4 64
[ -c /dev/tty1 ] || mknod /dev/tty1 c 4 1
dmesg -n 1
# Modules in dependency order; a module that is built in or absent is no error.
for m in $(cat /etc/hangar-modules); do
  [ -f /lib/modules/$m.ko ] && insmod /lib/modules/$m.ko 2>/dev/null
done

# respawn TTY [MARKER]: a login shell with job control (controlling tty via setsid -c)
respawn() {
  while :; do
    if [ -n "$2" ]; then
      setsid -c sh -c 'stty sane; echo; echo "$0"; exec sh -l' "$2" <>"$1" >&0 2>&0
    else
      setsid -c sh -l <>"$1" >&0 2>&0
    fi
    sleep 1
  done
}
# The power button (libvirt's shutdown and reboot press it): /etc/acpi/PWRF/00000080.
# acpid writes its pid file once it listens; waiting for it before the shells start
# means that HANGAR-GUEST-READY says the button works too.
acpid -l /tmp/acpid.log -p /tmp/acpid.pid
for i in $(seq 50); do [ -e /tmp/acpid.pid ] && break; sleep 0.1; done

respawn /dev/tty1 &
respawn /dev/ttyS0 HANGAR-GUEST-READY &

# PID 1 must reap orphans forever.
while :; do wait; sleep 1; done
INIT
chmod 0755 "$root/init"

# hangar-input-log PATTERN: the events of the input device whose name matches the shell
# pattern PATTERN, raw, on ttyS0 — one line per event: "sec usec type+code*65536 value"
# as od prints them (4-byte integers, 24-byte events). A device can appear a little after
# its driver loads (psmouse probes in the background): it looks for 10 s.
cat > "$root/bin/hangar-input-log" <<'INPUT'
#!/bin/sh
for i in $(seq 50); do
  for e in /sys/class/input/event*; do
    case "$(cat "$e/device/name" 2>/dev/null)" in
      $1) exec od -A n -t d4 -w24 -v "/dev/input/${e##*/}" >/dev/ttyS0 ;;
    esac
  done
  sleep 0.2
done
echo "hangar-input-log: no input device named $1" >/dev/ttyS0
INPUT
chmod 0755 "$root/bin/hangar-input-log"

# What acpid runs on the power button. Not busybox's poweroff, which signals an init
# this /init is not: -f powers off at once (nothing to sync in an initramfs).
mkdir -p "$root/etc/acpi/PWRF"
cat > "$root/etc/acpi/PWRF/00000080" <<'POWER'
#!/bin/sh
echo HANGAR-GUEST-POWER-BUTTON >/dev/ttyS0
poweroff -f
POWER
chmod 0755 "$root/etc/acpi/PWRF/00000080"

cat > "$root/etc/profile" <<'PROFILE'
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root TERM=linux
PS1='hangar-guest:$(tty) # '
cd /root
PROFILE
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
echo 'root:x:0:' > "$root/etc/group"
echo hangar-guest > "$root/etc/hostname"

# The archive: /dev/console (needs mknod, so written by python as a tiny newc
# archive) followed by the tree (the kernel unpacks concatenated archives).
python3 - "$work/dev.cpio" <<'PY'
import sys
def entry(name, mode, rdevmajor=0, rdevminor=0, data=b""):
    name_b = name.encode() + b"\0"
    hdr = "070701" + "".join("%08X" % v for v in (
        0, mode, 0, 0, 1, 0, len(data), 0, 0, rdevmajor, rdevminor, len(name_b), 0))
    out = hdr.encode() + name_b
    out += b"\0" * (-len(out) % 4)
    out += data + b"\0" * (-len(data) % 4)
    return out
blob = entry("dev", 0o040755) + entry("dev/console", 0o020600, 5, 1) + entry("TRAILER!!!", 0)
blob += b"\0" * (-len(blob) % 512)
open(sys.argv[1], "wb").write(blob)
PY
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
   cpio --quiet -o -H newc -R 0:0 > "$work/root.cpio")
cat "$work/dev.cpio" "$work/root.cpio" | gzip -9n > "$work/initrd.img"
# The framebuffer variant starts from this tree (see below).
cp -a "$root" "$work/root-fb"

# replace_tty1_line INIT TEXT: TEXT takes the place of the line that starts tty1's shell.
replace_tty1_line() {
  python3 - "$1" "$2" <<'PY'
import sys
path, line = sys.argv[1], sys.argv[2]
text = open(path).read()
old = "respawn /dev/tty1 &\n"
assert text.count(old) == 1, "build-guest.sh: tty1 line not found in /init"
open(path, "w").write(text.replace(old, line + "\n"))
PY
}

# --- the busy variant: tty1 runs /bin/hangar-busy instead of a shell -------------------
cat > "$root/bin/hangar-busy" <<'BUSY'
#!/bin/sh
# Hangar busy test guest: print text on stdout (tty1) without pause, forever.
# Shell builtins only (no fork per line); every line differs and fits in 80 columns.
i=0
while :; do
  i=$((i + 1))
  echo "hangar-busy $i: the quick brown fox jumps over the lazy dog $i"
done
BUSY
chmod 0755 "$root/bin/hangar-busy"
replace_tty1_line "$root/init" \
  'while :; do setsid /bin/hangar-busy <>/dev/tty1 >&0 2>&0; sleep 1; done &'
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
   cpio --quiet -o -H newc -R 0:0 > "$work/root-busy.cpio")
cat "$work/dev.cpio" "$work/root-busy.cpio" | gzip -9n > "$work/initrd-busy.img"

# --- the framebuffer variant: the standard kernel's modules, virtio-gpu, hangar-mode ---
if [[ $build_fb == 1 ]]; then
  root_fb="$work/root-fb"
  fb_modules=()
  rm -f "$root_fb"/lib/modules/*.ko
  for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci \
           virtio_input evdev psmouse virtio_gpu virtio_console; do
    add_module "$work/kernel-fb" "$root_fb" fb_modules "$m"
  done
  gcc -static -Os -s -Wall -I/usr/include/libdrm -o "$root_fb/bin/hangar-mode" \
    "$here/hangar-mode.c"
  gcc -static -Os -s -Wall -I/usr/include/spice-1 -o "$root_fb/bin/hangar-agent" \
    "$here/hangar-agent.c"
  # /init loads the modules it knows (all but the DRM and PS/2 mouse ones) before this
  # runs.
  cat > "$root_fb/bin/hangar-fb-start" <<FB
#!/bin/sh
# Hangar framebuffer test guest: virtio-gpu with the DRM modules it needs and the PS/2
# mouse driver, then the program that sets the screen mode the host asks for
# (tests/guest/hangar-mode.c), the mouse's event logger and the SPICE agent
# (tests/guest/hangar-agent.c; it waits for its virtio port, which only guests with a
# spicevmc channel have).
for m in ${fb_modules[*]}; do
  [ -d /sys/module/\$m ] || insmod /lib/modules/\$m.ko || echo "hangar-fb-start: no \$m"
done
setsid hangar-mode &
setsid hangar-input-log '*PS/2*' &
setsid hangar-agent &
FB
  chmod 0755 "$root_fb/bin/hangar-fb-start"
  replace_tty1_line "$root_fb/init" $'/bin/hangar-fb-start\nrespawn /dev/tty1 &'
  (cd "$root_fb" && find . -mindepth 1 | LC_ALL=C sort |
     cpio --quiet -o -H newc -R 0:0 > "$work/root-fb.cpio")
  cat "$work/dev.cpio" "$work/root-fb.cpio" | gzip -9n > "$work/initrd-fb.img"
fi

# --- install into the cache dir -------------------------------------------------------
mkdir -p "$dir"
chmod 0755 "$dir"
if [[ $build_fb == 1 ]]; then
  install -m 0644 "$fb_vmlinuz" "$dir/vmlinuz-fb.new"
  install -m 0644 "$work/initrd-fb.img" "$dir/initrd-fb.img.new"
  mv -f "$dir/vmlinuz-fb.new" "$dir/vmlinuz-fb"
  mv -f "$dir/initrd-fb.img.new" "$dir/initrd-fb.img"
  echo "hangar-test-guest-fb $FB_VERSION $fb_kpkg" > "$dir/stamp-fb"
  chmod 0644 "$dir/stamp-fb"
  log "built the framebuffer variant in $dir ($fb_kpkg)"
fi
if [[ $need_busy == 1 ]]; then
  install -m 0644 "$work/initrd-busy.img" "$dir/initrd-busy.img.new"
  mv -f "$dir/initrd-busy.img.new" "$dir/initrd-busy.img"
fi
if [[ $keep_main == 1 ]]; then
  [[ $need_busy == 1 ]] && log "added initrd-busy.img in $dir"
  exit 0
fi
install -m 0644 "$vmlinuz" "$dir/vmlinuz.new"
install -m 0644 "$work/initrd.img" "$dir/initrd.img.new"
mv -f "$dir/vmlinuz.new" "$dir/vmlinuz"
mv -f "$dir/initrd.img.new" "$dir/initrd.img"
echo "$CMDLINE" > "$dir/cmdline"
chmod 0644 "$dir/cmdline"
echo "hangar-test-guest $GUEST_VERSION $kpkg" > "$dir/stamp"
chmod 0644 "$dir/stamp"
# Every parent must be searchable by libvirt-qemu.
log "built in $dir ($kpkg)"
