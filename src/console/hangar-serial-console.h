// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>
#include <vte/vte.h>

#include "hangar-guest.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_SERIAL_CONSOLE (hangar_serial_console_get_type ())
G_DECLARE_FINAL_TYPE (HangarSerialConsole, hangar_serial_console, HANGAR, SERIAL_CONSOLE, GtkWidget)

GtkWidget   *hangar_serial_console_new           (void);
HangarGuest *hangar_serial_console_get_guest     (HangarSerialConsole *self);
void         hangar_serial_console_set_guest     (HangarSerialConsole *self,
                                                  HangarGuest         *guest);
gboolean     hangar_serial_console_get_connected (HangarSerialConsole *self);
void         hangar_serial_console_reconnect     (HangarSerialConsole *self);
VteTerminal *hangar_serial_console_get_terminal  (HangarSerialConsole *self);

G_END_DECLS
