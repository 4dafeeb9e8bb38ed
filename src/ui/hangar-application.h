// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hangar-connection.h"
#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_APPLICATION (hangar_application_get_type ())
G_DECLARE_FINAL_TYPE (HangarApplication, hangar_application, HANGAR, APPLICATION, AdwApplication)

HangarApplication *hangar_application_new               (void);
HangarSession     *hangar_application_get_session       (HangarApplication *self);
void               hangar_application_show_guest        (HangarApplication *self,
                                                         HangarGuest       *guest);
void               hangar_application_show_guest_named  (HangarApplication *self,
                                                         const char        *name);
void               hangar_application_show_host         (HangarApplication *self,
                                                         HangarConnection  *connection);
void               hangar_application_show_domain_creator (HangarApplication *self,
                                                           HangarConnection  *connection,
                                                           GtkWindow         *parent);

/* Transitional: the session's settings and add, for callers not moved to the session
 * yet (the guest window, tests). */
GSettings         *hangar_application_get_settings      (HangarApplication *self);
HangarConnection  *hangar_application_add_connection    (HangarApplication *self,
                                                         const char        *uri,
                                                         gboolean           remember,
                                                         gboolean           autoconnect);

G_END_DECLS
