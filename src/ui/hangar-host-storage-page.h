// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hangar-types.h"

G_BEGIN_DECLS

/* The Storage tab of a host's page: the host's pools (start, stop, refresh, delete,
 * autostart) and the chosen pool's volumes (resize, delete). */
#define HANGAR_TYPE_HOST_STORAGE_PAGE (hangar_host_storage_page_get_type ())
G_DECLARE_FINAL_TYPE (HangarHostStoragePage, hangar_host_storage_page, HANGAR,
                      HOST_STORAGE_PAGE, AdwBin)

GtkWidget        *hangar_host_storage_page_new            (HangarConnection      *connection);
HangarConnection *hangar_host_storage_page_get_connection (HangarHostStoragePage *self);
/* Set once (the host window's template binds it). */
void              hangar_host_storage_page_set_connection (HangarHostStoragePage *self,
                                                           HangarConnection      *connection);
HangarPool       *hangar_host_storage_page_get_selected_pool   (HangarHostStoragePage *self);
HangarVolume     *hangar_host_storage_page_get_selected_volume (HangarHostStoragePage *self);
void              hangar_host_storage_page_select_pool    (HangarHostStoragePage *self,
                                                           HangarPool            *pool);
void              hangar_host_storage_page_select_volume  (HangarHostStoragePage *self,
                                                           HangarVolume          *volume);

G_END_DECLS
