#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Build Hangar's tiny end-to-end test guest from Debian 12 packages:
#   vmlinuz     the kernel of linux-image-cloud-amd64 (extracted, never installed)
#   initrd.img  a busybox-static initramfs whose /init starts a shell on tty1 (the
#               VGA text console) and one on ttyS0 (serial), and prints
#               HANGAR-GUEST-READY on ttyS0 when the serial shell is up
#   initrd-busy.img the same, except that tty1 gets no shell but a loop printing
#               text without pause (for bench/console/); ttyS0 is unchanged
#   cmdline     the kernel command line to boot it with:
#                 console=tty1 console=ttyS0 quiet
#               (kernel messages on both; /dev/console = ttyS0, the last one)
#   stamp       "hangar-test-guest <version> <kernel package>"; when it matches,
#               nothing is rebuilt
#
# Usage: tests/guest/build-guest.sh [CACHE_DIR]
#   CACHE_DIR defaults to $HANGAR_TEST_GUEST_DIR, else /var/cache/hangar-test-guest
#   (root) or ${XDG_CACHE_HOME:-~/.cache}/hangar-test-guest (others).
# Needs: apt (apt-get download), dpkg-deb, busybox-static, cpio, gzip, python3.
# Directories are 0755 and files 0644 so the qemu user (libvirt-qemu) can read them.
set -euo pipefail

GUEST_VERSION=3
KERNEL_META=linux-image-cloud-amd64
CMDLINE="console=tty1 console=ttyS0 quiet"

if [[ $(id -u) -eq 0 ]]; then
  default_dir=/var/cache/hangar-test-guest
else
  default_dir="${XDG_CACHE_HOME:-$HOME/.cache}/hangar-test-guest"
fi
dir="${1:-${HANGAR_TEST_GUEST_DIR:-$default_dir}}"

log() { echo "build-guest: $*" >&2; }

# only_busy=1: the guest is current but predates initrd-busy.img; add just that
# (no kernel download, initrd.img and vmlinuz untouched).
only_busy=0
if [[ -f $dir/stamp && -f $dir/vmlinuz && -f $dir/initrd.img ]] &&
   [[ $(cut -d' ' -f1-2 "$dir/stamp") == "hangar-test-guest $GUEST_VERSION" ]]; then
  [[ -f $dir/initrd-busy.img ]] && exit 0
  only_busy=1
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
if [[ $only_busy == 0 ]]; then
resolve_kernel() {
  apt-cache depends "$KERNEL_META" 2>/dev/null |
    awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}
kpkg=$(resolve_kernel || true)
if [[ -z $kpkg && $(id -u) -eq 0 ]]; then
  log "apt lists do not know $KERNEL_META; running apt-get update"
  apt-get update </dev/null >&2
  kpkg=$(resolve_kernel || true)
fi
if [[ -z $kpkg ]]; then
  log "cannot resolve $KERNEL_META to a kernel package (apt-get update needed?)"
  exit 1
fi
log "kernel package: $kpkg"

mkdir "$work/dl"
# apt drops privileges to _apt for downloads; let it write there.
if id _apt >/dev/null 2>&1 && [[ $(id -u) -eq 0 ]]; then
  chown _apt "$work/dl"
fi
(cd "$work/dl" && apt-get download "$kpkg" </dev/null >&2)
deb=$(ls "$work"/dl/*.deb)
dpkg-deb -x "$deb" "$work/kernel"
vmlinuz=$(ls "$work"/kernel/boot/vmlinuz-*)
fi

# --- initramfs --------------------------------------------------------------------
root="$work/root"
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,root,usr/bin,usr/sbin}
cp "$busybox" "$root/bin/busybox"
# The few modules the pointer test needs (virtio tablet, evdev); the rest is built in.
mkdir -p "$root/lib/modules"
if [[ $only_busy == 0 ]]; then
  for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci \
           virtio_input evdev; do
    ko=$(find "$work/kernel/lib/modules" -name "$m.ko" | head -n1)
    if [[ -z $ko ]]; then
      log "module $m.ko not found in the kernel package"
      exit 1
    fi
    cp "$ko" "$root/lib/modules/"
  done
fi
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
for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci \
         virtio_input evdev; do
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
respawn /dev/tty1 &
respawn /dev/ttyS0 HANGAR-GUEST-READY &

# PID 1 must reap orphans forever.
while :; do wait; sleep 1; done
INIT
chmod 0755 "$root/init"

# hangar-pointer-log: the virtio tablet's events, raw, on ttyS0 — one line per event:
# "sec usec type+code*65536 value" as od prints them (4-byte integers, 24-byte events).
cat > "$root/bin/hangar-pointer-log" <<'PTR'
#!/bin/sh
for e in /sys/class/input/event*; do
  case "$(cat "$e/device/name" 2>/dev/null)" in
    *Tablet*) exec od -A n -t d4 -w24 -v "/dev/input/${e##*/}" >/dev/ttyS0 ;;
  esac
done
echo "hangar-pointer-log: no tablet" >/dev/ttyS0
PTR
chmod 0755 "$root/bin/hangar-pointer-log"

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
busy_line='while :; do setsid /bin/hangar-busy <>/dev/tty1 >&0 2>&0; sleep 1; done &'
python3 - "$root/init" "$busy_line" <<'PY'
import sys
path, line = sys.argv[1], sys.argv[2]
text = open(path).read()
old = "respawn /dev/tty1 &\n"
assert text.count(old) == 1, "build-guest.sh: tty1 line not found in /init"
open(path, "w").write(text.replace(old, line + "\n"))
PY
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
   cpio --quiet -o -H newc -R 0:0 > "$work/root-busy.cpio")
cat "$work/dev.cpio" "$work/root-busy.cpio" | gzip -9n > "$work/initrd-busy.img"

# --- install into the cache dir -------------------------------------------------------
mkdir -p "$dir"
chmod 0755 "$dir"
install -m 0644 "$work/initrd-busy.img" "$dir/initrd-busy.img.new"
mv -f "$dir/initrd-busy.img.new" "$dir/initrd-busy.img"
if [[ $only_busy == 1 ]]; then
  log "added initrd-busy.img in $dir"
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
