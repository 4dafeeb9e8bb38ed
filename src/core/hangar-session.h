// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "hangar-connection.h"
#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_SESSION (hangar_session_get_type ())
G_DECLARE_FINAL_TYPE (HangarSession, hangar_session, HANGAR, SESSION, GObject)

HangarSession    *hangar_session_new               (GSettings        *settings);
GSettings        *hangar_session_get_settings      (HangarSession    *self);
GListModel       *hangar_session_get_connections   (HangarSession    *self);
void              hangar_session_restore           (HangarSession    *self);
HangarConnection *hangar_session_add_connection    (HangarSession    *self,
                                                    const char       *uri,
                                                    gboolean          remember,
                                                    gboolean          autoconnect);
void              hangar_session_remove_connection (HangarSession    *self,
                                                    HangarConnection *connection);
HangarConnection *hangar_session_replace_connection (HangarSession   *self,
                                                     HangarConnection *connection,
                                                     const char      *uri,
                                                     gboolean         autoconnect);
gboolean          hangar_session_get_autoconnect   (HangarSession    *self,
                                                    HangarConnection *connection);
void              hangar_session_open_connection   (HangarSession    *self,
                                                    HangarConnection *connection);
HangarConnection *hangar_session_lookup            (HangarSession    *self,
                                                    const char       *uri);
gboolean          hangar_session_is_remembered     (HangarSession    *self,
                                                    HangarConnection *connection);
HangarGuest      *hangar_session_find_guest        (HangarSession    *self,
                                                    const char       *name);
gboolean          hangar_session_is_opening        (HangarSession    *self);
void              hangar_session_close             (HangarSession    *self);

G_END_DECLS
