// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hangar-types.h"
#include "hangar-display.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_GUEST_WINDOW (hangar_guest_window_get_type ())
G_DECLARE_FINAL_TYPE (HangarGuestWindow, hangar_guest_window, HANGAR, GUEST_WINDOW,
                      AdwApplicationWindow)

HangarGuestWindow *hangar_guest_window_new       (GtkApplication    *application,
                                                  HangarSession     *session,
                                                  HangarGuest       *guest);
HangarGuest       *hangar_guest_window_get_guest (HangarGuestWindow *self);
/* The graphical console, or NULL until known (or when the guest has none). */
HangarDisplay     *hangar_guest_window_get_display (HangarGuestWindow *self);

G_END_DECLS
