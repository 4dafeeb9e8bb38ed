// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* PC XT (scan code set 1) codes as SPICE's inputs channel takes them:
 * a plain make code below 0x80, or 0x100 | code for a key sent with
 * the 0xe0 prefix. 0 means "no such key". */

guint    hangar_keymap_evdev_to_xt   (guint evdev_code);
guint    hangar_keymap_keycode_to_xt (guint gdk_hardware_keycode);
guint    hangar_keymap_xt_to_qnum    (guint xt);
gboolean hangar_keymap_is_modifier   (guint xt);

G_END_DECLS
