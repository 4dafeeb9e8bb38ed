// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gdk/gdk.h>
#include <spice-client.h>

#include "hangar-guest.h"

G_BEGIN_DECLS

/* A guest's SPICE session and its channels, without drawing (see the .c file); the
 * console widget, HangarSpiceDisplay, sits on top. */
#define HANGAR_TYPE_SPICE_SESSION (hangar_spice_session_get_type ())
G_DECLARE_FINAL_TYPE (HangarSpiceSession, hangar_spice_session, HANGAR, SPICE_SESSION, GObject)

HangarSpiceSession    *hangar_spice_session_new            (void);
/* Reaches @guest's SPICE console through libvirt; "started", then "ready" or "ended". */
void                   hangar_spice_session_open           (HangarSpiceSession *self,
                                                            HangarGuest        *guest);
/* Connects straight to a SPICE server at @host on @port and/or @tls_port (-1: none). */
void                   hangar_spice_session_open_host      (HangarSpiceSession *self,
                                                            const char         *host,
                                                            int                 port,
                                                            int                 tls_port);
/* Lets go of the session and its channels now, without a word. */
void                   hangar_spice_session_close          (HangarSpiceSession *self);
/* The same from an idle: safe inside the session's own signals. */
void                   hangar_spice_session_close_soon     (HangarSpiceSession *self);
/* Connects again with @password, to the guest last opened. */
void                   hangar_spice_session_set_password   (HangarSpiceSession *self,
                                                            const char         *password);
/* Whether the session was opened on a guest (which a password reconnects to). */
gboolean               hangar_spice_session_has_guest      (HangarSpiceSession *self);
/* The clipboard shared with the guest's agent, and whether it is shared (default TRUE). */
void                   hangar_spice_session_set_clipboard  (HangarSpiceSession *self,
                                                            GdkClipboard       *clipboard);
void                   hangar_spice_session_set_share_clipboard (HangarSpiceSession *self,
                                                                 gboolean            share);

/* Input: XT scancodes (E0 keys as 0x100 | code); guest pixels and HANGAR_DISPLAY_BUTTON_*
 * masks; a wheel step up (-1) or down (1). */
void                   hangar_spice_session_send_key       (HangarSpiceSession *self,
                                                            guint               scancode,
                                                            gboolean            pressed);
void                   hangar_spice_session_send_pointer   (HangarSpiceSession *self,
                                                            int                 x,
                                                            int                 y,
                                                            guint               button_mask);
void                   hangar_spice_session_send_scroll    (HangarSpiceSession *self,
                                                            int                 dy);
void                   hangar_spice_session_sync_locks     (HangarSpiceSession *self,
                                                            gboolean            caps_lock,
                                                            gboolean            num_lock);
/* Asks the guest's agent for this monitor size (kept until an agent runs). */
void                   hangar_spice_session_request_size   (HangarSpiceSession *self,
                                                            int                 width,
                                                            int                 height);

/* "usb-manager": the session's USB device manager once the guest shows USB redirection
 * channels; NULL before, without them, or when the host cannot share devices — then
 * get_usb_error() says why. */
SpiceUsbDeviceManager *hangar_spice_session_get_usb_manager (HangarSpiceSession *self);
const char            *hangar_spice_session_get_usb_error   (HangarSpiceSession *self);

G_END_DECLS
