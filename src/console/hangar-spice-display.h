// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hangar-display.h"
#include "hangar-guest.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_SPICE_DISPLAY (hangar_spice_display_get_type ())
G_DECLARE_FINAL_TYPE (HangarSpiceDisplay, hangar_spice_display, HANGAR, SPICE_DISPLAY,
                      HangarDisplay)

GtkWidget *hangar_spice_display_new   (void);
/* Connects to @guest's SPICE console; progress and failures arrive as the display's
 * state and status message. */
void       hangar_spice_display_open  (HangarSpiceDisplay *self,
                                       HangarGuest        *guest);
void       hangar_spice_display_close (HangarSpiceDisplay *self);

G_END_DECLS
