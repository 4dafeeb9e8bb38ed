// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "hangar-connection.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_CONNECTION_ROW (hangar_connection_row_get_type ())
G_DECLARE_FINAL_TYPE (HangarConnectionRow, hangar_connection_row, HANGAR, CONNECTION_ROW,
                      GtkListBoxRow)

GtkWidget        *hangar_connection_row_new            (HangarConnection    *connection);
HangarConnection *hangar_connection_row_get_connection (HangarConnectionRow *self);

G_END_DECLS
