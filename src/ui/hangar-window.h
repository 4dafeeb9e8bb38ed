// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_WINDOW (hangar_window_get_type ())
G_DECLARE_FINAL_TYPE (HangarWindow, hangar_window, HANGAR, WINDOW, AdwApplicationWindow)

HangarWindow *hangar_window_new               (GtkApplication    *application,
                                               HangarSession     *session);
void          hangar_window_select_connection (HangarWindow      *self,
                                               HangarConnection  *connection);
GListModel   *hangar_window_get_guest_model   (HangarWindow      *self);
void          hangar_window_show_error        (HangarWindow      *self,
                                               const char        *heading,
                                               const char        *body);

G_END_DECLS
