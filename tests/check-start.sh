#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Hangar starts as the README says, with no GTK or GLib warning:
#   check-start.sh uninstalled BUILD_DIR
#     _build/src/hangar, with no GSETTINGS_SCHEMA_DIR: it finds the schema compiled
#     in the build tree.
#   check-start.sh installed SOURCE_ROOT
#     configures a build of its own with a temporary prefix, `meson install`s it, checks
#     the binary, schema, desktop file, metainfo and icons are there, and starts the
#     installed binary.
# Either way Hangar opens libvirt's test driver and must show its guest list (the
# "list-shown" mark of --debug) within 60 s. Needs DISPLAY (Xvfb) and a D-Bus session.

set -euo pipefail

mode=${1:?usage: check-start.sh uninstalled BUILD_DIR | installed SOURCE_ROOT}
dir=${2:?usage: check-start.sh uninstalled BUILD_DIR | installed SOURCE_ROOT}
: "${DISPLAY:?check-start.sh needs DISPLAY (Xvfb)}"

tmp=$(mktemp -d)
pid=""
cleanup() {
  if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
  echo "check-start: $*" >&2
  exit 1
}

case $mode in
  uninstalled)
    binary=$dir/src/hangar
    ;;
  installed)
    prefix=$tmp/prefix
    meson setup "$tmp/build" "$dir" --prefix "$prefix" -Dtests=false >"$tmp/setup.log" 2>&1 ||
      { cat "$tmp/setup.log" >&2; fail "meson setup failed"; }
    meson install -C "$tmp/build" >"$tmp/install.log" 2>&1 ||
      { cat "$tmp/install.log" >&2; fail "meson install failed"; }
    for f in bin/hangar \
             share/glib-2.0/schemas/io.github.hangarvm.Hangar.gschema.xml \
             share/glib-2.0/schemas/gschemas.compiled \
             share/applications/io.github.hangarvm.Hangar.desktop \
             share/metainfo/io.github.hangarvm.Hangar.metainfo.xml \
             share/icons/hicolor/scalable/apps/io.github.hangarvm.Hangar.svg \
             share/icons/hicolor/symbolic/apps/io.github.hangarvm.Hangar-symbolic.svg; do
      [[ -e $prefix/$f ]] || fail "meson install did not install $f"
      echo "ok: installed $f"
    done
    binary=$prefix/bin/hangar
    ;;
  *) fail "mode must be uninstalled or installed" ;;
esac

# As a user runs it: no schema directory given, a fresh settings store.
env -u GSETTINGS_SCHEMA_DIR GSETTINGS_BACKEND=memory G_DEBUG=fatal-warnings \
  XDG_CONFIG_HOME="$tmp/config" XDG_RUNTIME_DIR="$tmp" \
  "$binary" --debug --connect test:///default >"$tmp/out.log" 2>&1 &
pid=$!
for _ in $(seq 600); do
  grep -q "HANGAR-TRACE [0-9.]* list-shown" "$tmp/out.log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/out.log" >&2; pid=""; fail "$binary exited before showing its window"; }
  sleep 0.1
done
grep -q "HANGAR-TRACE [0-9.]* list-shown" "$tmp/out.log" ||
  { cat "$tmp/out.log" >&2; fail "$binary showed no guest list within 60 s"; }
if grep -E "(Gtk|GLib|GLib-GObject|GLib-GIO|Adwaita|Gdk|Gsk|Pango)-(WARNING|CRITICAL)" "$tmp/out.log"; then
  fail "$binary printed warnings"
fi
echo "ok: $binary started and showed the test driver's guests"
