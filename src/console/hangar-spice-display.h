// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <spice-client.h>

#include "hangar-display.h"
#include "hangar-guest.h"

G_BEGIN_DECLS

/* The SPICE console widget, on a HangarSpiceSession (the session and its channels). */
#define HANGAR_TYPE_SPICE_DISPLAY (hangar_spice_display_get_type ())
G_DECLARE_FINAL_TYPE (HangarSpiceDisplay, hangar_spice_display, HANGAR, SPICE_DISPLAY,
                      HangarDisplay)

GtkWidget *hangar_spice_display_new   (void);
/* Connects to @guest's SPICE console; progress and failures arrive as the display's
 * state and status message. */
void       hangar_spice_display_open  (HangarSpiceDisplay *self,
                                       HangarGuest        *guest);
/* Connects straight to a SPICE server at @host on @port and/or @tls_port (-1: none);
 * over TLS the server's certificate must be issued for @host (see README). */
void       hangar_spice_display_open_host (HangarSpiceDisplay *self,
                                           const char         *host,
                                           int                 port,
                                           int                 tls_port);
void       hangar_spice_display_close (HangarSpiceDisplay *self);
/* The session's USB device manager ("usb-manager"), once the guest shows USB redirection
 * channels; NULL before, without them, or when the host cannot share devices — then
 * get_usb_error() says why. Valid until the next notify::usb-manager. */
SpiceUsbDeviceManager *hangar_spice_display_get_usb_manager (HangarSpiceDisplay *self);
const char            *hangar_spice_display_get_usb_error   (HangarSpiceDisplay *self);

G_END_DECLS
