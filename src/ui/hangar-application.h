// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hangar-connection.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_APPLICATION (hangar_application_get_type ())
G_DECLARE_FINAL_TYPE (HangarApplication, hangar_application, HANGAR, APPLICATION, AdwApplication)

HangarApplication *hangar_application_new               (void);
GListModel        *hangar_application_get_connections   (HangarApplication *self);
GSettings         *hangar_application_get_settings      (HangarApplication *self);
HangarConnection  *hangar_application_add_connection    (HangarApplication *self,
                                                         const char        *uri,
                                                         gboolean           remember,
                                                         gboolean           autoconnect);
void               hangar_application_remove_connection (HangarApplication *self,
                                                         HangarConnection  *connection);
void               hangar_application_open_connection   (HangarApplication *self,
                                                         HangarConnection  *connection);
void               hangar_application_show_guest        (HangarApplication *self,
                                                         HangarGuest       *guest);
void               hangar_application_show_guest_named  (HangarApplication *self,
                                                         const char        *name);

G_END_DECLS
