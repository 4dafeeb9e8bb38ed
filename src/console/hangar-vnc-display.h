// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hangar-display.h"
#include "hangar-guest.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_VNC_DISPLAY (hangar_vnc_display_get_type ())
G_DECLARE_FINAL_TYPE (HangarVncDisplay, hangar_vnc_display, HANGAR, VNC_DISPLAY, HangarDisplay)

GtkWidget *hangar_vnc_display_new   (void);
/* Reaches the guest's console through libvirt and connects; progress shows in the
 * display's state. */
void       hangar_vnc_display_open  (HangarVncDisplay *self,
                                     HangarGuest      *guest);
/* Connects to a socket already open to a VNC server; takes ownership of @fd. */
void       hangar_vnc_display_open_fd (HangarVncDisplay *self,
                                       int               fd);
/* The same, for a server whose TLS certificate must name @tls_host (NULL: localhost). */
void       hangar_vnc_display_open_fd_with_host (HangarVncDisplay *self,
                                                 int               fd,
                                                 const char       *tls_host);
void       hangar_vnc_display_close (HangarVncDisplay *self);

G_END_DECLS
