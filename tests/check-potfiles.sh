#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks po/POTFILES.in against the tree: every file with translatable strings must be
# listed, and every listed file must exist.
#
# Usage: check-potfiles.sh SOURCE_ROOT

set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 SOURCE_ROOT" >&2
  exit 2
fi

cd "$1"
potfiles=po/POTFILES.in
if [[ ! -f $potfiles ]]; then
  echo "$potfiles: not found" >&2
  exit 1
fi

# Listed files: POTFILES.in without comments, blank lines and surrounding spaces.
listed=$(sed -e 's/#.*//' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' "$potfiles" \
  | grep -v '^$' | LC_ALL=C sort -u || true)

# Files that need translating. In C, a gettext macro or call must not be the tail of
# a longer name (FOO_( is not _( ). In GtkBuilder files, translatable="yes".
c_markers='(^|[^A-Za-z0-9_])(_|N_|C_|NC_|Q_|g_dgettext|g_dngettext|g_dpgettext2|ngettext)[[:space:]]*\('
ui_markers='translatable[[:space:]]*=[[:space:]]*["'\'']yes["'\'']'
needed=$(
  {
    for dir in src ui; do
      [[ -d $dir ]] || continue
      grep -rlIE --exclude-dir=.git -e "$c_markers" -e "$ui_markers" "$dir" || true
    done
    # The data files are translated through their ITS rules, whatever they contain.
    for f in data/*.desktop.in data/*.metainfo.xml.in data/*.gschema.xml; do
      [[ -f $f ]] && echo "$f"
    done
  } | LC_ALL=C sort -u
)

status=0

missing=$(LC_ALL=C comm -23 <(printf '%s\n' "$needed" | grep -v '^$' || true) \
  <(printf '%s\n' "$listed" | grep -v '^$' || true))
if [[ -n $missing ]]; then
  echo "Files with translatable strings missing from $potfiles:" >&2
  sed 's/^/  /' <<< "$missing" >&2
  status=1
fi

absent=''
while IFS= read -r f; do
  [[ -z $f ]] && continue
  [[ -f $f ]] || absent+="$f"$'\n'
done <<< "$listed"
if [[ -n $absent ]]; then
  echo "Files listed in $potfiles that do not exist:" >&2
  printf '%s' "$absent" | sed 's/^/  /' >&2
  status=1
fi

if [[ $status -eq 0 ]]; then
  echo "$potfiles is up to date ($(printf '%s\n' "$listed" | grep -c .) files)"
fi
exit $status
