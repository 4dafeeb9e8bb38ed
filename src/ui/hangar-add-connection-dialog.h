// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hangar-connection.h"
#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_ADD_CONNECTION_DIALOG (hangar_add_connection_dialog_get_type ())
G_DECLARE_FINAL_TYPE (HangarAddConnectionDialog, hangar_add_connection_dialog, HANGAR,
                      ADD_CONNECTION_DIALOG, AdwWindow)

/* Adds what the user chooses to the application's session (the "session" property). */
HangarAddConnectionDialog *hangar_add_connection_dialog_new (HangarSession *session);
/* The same form filled in from @connection (one of @session's): saving a changed URI
 * replaces the connection, the old one closes. */
HangarAddConnectionDialog *hangar_add_connection_dialog_new_for_connection (HangarSession    *session,
                                                                            HangarConnection *connection);

/* NULL when @uri can be opened; otherwise a sentence saying what to fix. */
char *hangar_add_connection_dialog_check_uri (const char *uri);

G_END_DECLS
