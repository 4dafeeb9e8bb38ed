# shellcheck shell=bash disable=SC2034
# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by build-aux/run and build-aux/test (bash). Not executable on its own.
#
# Debian 12 (bookworm) packages Hangar needs, and helpers to install them, build,
# and bring up libvirtd.

# Build + runtime. ovmf (UEFI firmware and its descriptors in /usr/share/qemu/firmware)
# and swtpm + swtpm-tools (the emulated TPM 2.0) are for libvirtd on the host: without
# them its domain capabilities offer no UEFI and no TPM, and New Virtual Machine none.
HANGAR_PACKAGES=(
  meson ninja-build pkg-config gcc
  libgtk-4-dev libadwaita-1-dev
  libvirt-dev libvirt-glib-1.0-dev
  libgvnc-1.0-dev libspice-client-glib-2.0-dev
  libosinfo-1.0-dev osinfo-db libacl1-dev libvte-2.91-gtk4-dev libgtksourceview-5-dev libsecret-1-dev
  gettext appstream desktop-file-utils libglib2.0-bin libxml2-dev procps
  libvirt-daemon-system libvirt-clients qemu-system-x86 qemu-utils
  dnsmasq-base iptables
  adwaita-icon-theme fonts-cantarell
  xorriso
  ovmf swtpm swtpm-tools
)

# Additionally for the tests (Xvfb, D-Bus, the tiny guest, sshd for remote hosts;
# libx11-dev and libxdamage-dev for test-display, which reads what reaches the X server;
# libc6-dev, libdrm-dev's and libspice-protocol-dev's headers for the guest's
# tests/guest/hangar-mode.c and hangar-agent.c; lvm2, parted and e2fsprogs for
# e2e-storage's logical, disk and fs pools on loop devices; libvirt-daemon-driver-lxc for
# e2e-lxc-stats, whose containers' driver lacks the bulk statistics call; TigerVNC's Xvnc,
# xclip and libxfixes-dev for test-vnc-clipboard, a VNC server that sends plain cut text
# and the selections on both X displays watched and set; xorriso, which New Virtual
# Machine runs to make unattended-install and cloud-init discs, is a runtime package).
HANGAR_TEST_PACKAGES=(
  xvfb xauth dbus dbus-x11 xdotool imagemagick
  openssh-server openssh-client iproute2 gnome-keyring
  busybox-static cpio python3 virt-viewer
  openssl sasl2-bin
  libc6-dev libdrm-dev libspice-protocol-dev
  libx11-dev libxdamage-dev
  tigervnc-standalone-server xclip libxfixes-dev
  lvm2 parted e2fsprogs
  libvirt-daemon-driver-lxc
)

# Source tree root (this file lives in <root>/build-aux/).
HANGAR_SRCDIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HANGAR_BUILDDIR="${HANGAR_BUILDDIR:-$HANGAR_SRCDIR/_build}"

hangar_log() {
  echo "hangar: $*" >&2
}

# hangar_ensure_packages PKG...
# Installs whichever of PKG are missing (as root), or tells the user how (not root).
# Does nothing at all, quickly, when everything is already installed.
hangar_ensure_packages() {
  local -A installed=()
  local line pkg
  local -a missing=()

  while read -r line; do
    [[ -n $line ]] && installed["$line"]=1
  done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "$@" 2>/dev/null |
             awk '$2 == "installed" { print $1 }')

  for pkg in "$@"; do
    [[ -n ${installed[$pkg]:-} ]] || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0

  if [[ $(id -u) -ne 0 ]]; then
    echo "Hangar needs these packages; run as root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi

  hangar_log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update </dev/null
  apt-get install -y --no-install-recommends "${missing[@]}" </dev/null
}

# hangar_build: configure once, then compile.
hangar_build() {
  if [[ ! -f $HANGAR_BUILDDIR/meson-private/coredata.dat ]]; then
    meson setup "$HANGAR_BUILDDIR" "$HANGAR_SRCDIR" </dev/null
  fi
  meson compile -C "$HANGAR_BUILDDIR" </dev/null
}

# Running uninstalled: the data/ helper compiles the GSettings schema into _build/data.
hangar_export_uninstalled_env() {
  export GSETTINGS_SCHEMA_DIR="$HANGAR_BUILDDIR/data"
}

# Whether a live (not zombie) process called $1 runs as root: the system's daemons. A
# user's session libvirtd/virtlogd (qemu:///session) has the same name and does not
# serve the system sockets.
hangar_is_running() {
  pgrep -x -U 0 -r D,R,S,I "$1" >/dev/null 2>&1
}

hangar_have_systemd() {
  [[ -d /run/systemd/system ]]
}

# Wait up to $2 seconds (default 10) for socket $1 to exist.
hangar_wait_for_socket() {
  local sock=$1 tries=$(( ${2:-10} * 10 ))
  while ((tries-- > 0)); do
    [[ -S $sock ]] && return 0
    sleep 0.1
  done
  return 1
}

# hangar_daemon CMD...: start a daemon that keeps none of this shell's open files
# beyond stdin/out/err (a lock a caller holds, a test runner's pipe): a daemon that
# outlives the script must not hold them for ever.
hangar_daemon() {
  (
    local fd
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      ((fd > 2)) && eval "exec $fd>&-" 2>/dev/null
    done
    exec "$@"
  )
}

# Whether the running libvirtd's domain capabilities list what is installed: UEFI when
# firmware descriptors exist (ovmf), the TPM emulator when swtpm does. libvirtd keeps
# them for as long as it runs, so a daemon started before those packages offers
# neither. One call, answered from libvirtd's cache (no QEMU probe when it is warm).
hangar_domcaps_current() {
  local caps
  compgen -G '/usr/share/qemu/firmware/*.json' >/dev/null || command -v swtpm >/dev/null ||
    return 0
  caps=$(timeout 60 virsh -c qemu:///system domcapabilities --virttype qemu 2>/dev/null </dev/null) ||
    return 0
  if compgen -G '/usr/share/qemu/firmware/*.json' >/dev/null &&
     ! grep -q "<value>efi</value>" <<<"$caps"; then
    return 1
  fi
  if command -v swtpm >/dev/null && ! grep -q "<value>emulator</value>" <<<"$caps"; then
    return 1
  fi
  return 0
}

# hangar_ensure_libvirtd
# As root, if libvirtd is installed but not running, start virtlogd and libvirtd; restart
# one that runs with an outdated view of the host (/dev/kvm fixed, firmware or swtpm
# installed since it started).
# Sets HANGAR_STARTED_VIRTLOGD / HANGAR_STARTED_LIBVIRTD to 1 for what it started
# (so build-aux/test can stop only that). Never fails: the caller checks the URI.
HANGAR_STARTED_VIRTLOGD=0
HANGAR_STARTED_LIBVIRTD=0
hangar_ensure_libvirtd() {
  [[ $(id -u) -eq 0 ]] || return 0
  command -v libvirtd >/dev/null 2>&1 || [[ -x /usr/sbin/libvirtd ]] || return 0
  export PATH="$PATH:/usr/sbin:/sbin"

  local why=""
  ((HANGAR_FIXED_KVM)) && why="so that it sees /dev/kvm"
  [[ -z $why ]] && hangar_is_running libvirtd && ! hangar_domcaps_current &&
    why="so that it offers the UEFI firmware and TPM installed since it started"

  if hangar_have_systemd; then
    # Socket activation or a unit is in charge; let systemd start it.
    if [[ -n $why ]] && hangar_is_running libvirtd; then
      hangar_log "restarting libvirtd $why"
      systemctl restart libvirtd.service >/dev/null 2>&1 || true
    fi
    if ! hangar_is_running libvirtd; then
      systemctl start virtlogd.socket libvirtd.socket libvirtd.service >/dev/null 2>&1 || true
      hangar_wait_for_socket /run/libvirt/libvirt-sock 10 || true
    fi
    return 0
  fi

  # A libvirtd that was running before /dev/kvm was fixed keeps its "no KVM" answer
  # and re-probes QEMU on every define: restart it (a restarted daemon that was not
  # ours stays running afterwards).
  local restarted=0
  if [[ -n $why ]] && hangar_is_running libvirtd && [[ -f /run/libvirtd.pid ]]; then
    hangar_log "restarting libvirtd $why"
    kill "$(cat /run/libvirtd.pid)" 2>/dev/null || true
    for _ in $(seq 100); do hangar_is_running libvirtd || break; sleep 0.1; done
    restarted=1
  fi
  if ! hangar_is_running virtlogd; then
    mkdir -p /var/log/libvirt
    if hangar_daemon virtlogd -d </dev/null >/dev/null 2>>/var/log/libvirt/hangar-daemons.log; then
      HANGAR_STARTED_VIRTLOGD=1
    fi
  fi
  if ! hangar_is_running libvirtd; then
    mkdir -p /var/log/libvirt
    rm -f /run/libvirt/libvirt-sock
    if hangar_daemon libvirtd -d </dev/null >/dev/null 2>>/var/log/libvirt/hangar-daemons.log; then
      ((restarted)) || HANGAR_STARTED_LIBVIRTD=1
      hangar_wait_for_socket /run/libvirt/libvirt-sock 10 ||
        hangar_log "libvirtd started but /run/libvirt/libvirt-sock did not appear within 10 s"
    else
      hangar_log "could not start libvirtd"
    fi
  fi
}

# hangar_fix_kvm_device
# As root, when /dev/kvm exists but QEMU's users cannot open it (no udev rule ran, as on
# a fresh container or VM: crw------- root root), give it what udev's rule gives it:
# group kvm, mode 0660. Without it libvirtd's capability cache says "no KVM" while the
# device says otherwise, and libvirtd re-probes QEMU on every define (30-60 s each).
# Sets HANGAR_FIXED_KVM=1 when it changed the device.
HANGAR_FIXED_KVM=0
hangar_fix_kvm_device() {
  local mode group
  [[ $(id -u) -eq 0 && -c /dev/kvm ]] || return 0
  mode=$(stat -c %a /dev/kvm)
  group=$(stat -c %G /dev/kvm)
  [[ $group == kvm && $mode == 660 ]] && return 0
  getent group kvm >/dev/null || groupadd --system kvm
  chgrp kvm /dev/kvm && chmod 0660 /dev/kvm || return 0
  HANGAR_FIXED_KVM=1
  hangar_log "/dev/kvm was $group, mode $mode: made it group kvm, mode 0660, as udev's rule does"
}

# Print the libvirt URI to use: qemu:///system if it answers within 5 s, else session.
hangar_pick_uri() {
  if timeout 5 virsh -c qemu:///system uri >/dev/null 2>&1 </dev/null; then
    echo qemu:///system
  else
    echo qemu:///session
  fi
}
