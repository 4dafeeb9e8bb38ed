// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hangar-host-info.h"
#include "hangar-types.h"

G_BEGIN_DECLS

/* A host's own page: its overview and its storage, as virt-manager's Connection
 * Details. */
#define HANGAR_TYPE_HOST_WINDOW (hangar_host_window_get_type ())
G_DECLARE_FINAL_TYPE (HangarHostWindow, hangar_host_window, HANGAR, HOST_WINDOW, AdwWindow)

HangarHostWindow *hangar_host_window_new            (GtkApplication   *application,
                                                     HangarConnection *connection);
HangarConnection *hangar_host_window_get_connection (HangarHostWindow *self);
HangarHostInfo   *hangar_host_window_get_host_info  (HangarHostWindow *self);
/* Shows the page called "overview" or "storage". */
void              hangar_host_window_show_page      (HangarHostWindow *self,
                                                     const char       *name);
/* The page shown: "overview" or "storage". */
const char       *hangar_host_window_get_page       (HangarHostWindow *self);
/* Says @message (a sentence) in the window, as a toast. */
void              hangar_host_window_show_error     (HangarHostWindow *self,
                                                     const char       *message);

G_END_DECLS
