// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "hangar-display.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_USB_POPOVER (hangar_usb_popover_get_type ())
G_DECLARE_FINAL_TYPE (HangarUsbPopover, hangar_usb_popover, HANGAR, USB_POPOVER, GtkPopover)

/* The console whose USB redirection the popover offers (SPICE; any other shows nothing).
 * NULL forgets it. */
void hangar_usb_popover_set_display (HangarUsbPopover *self,
                                     HangarDisplay    *display);

G_END_DECLS
