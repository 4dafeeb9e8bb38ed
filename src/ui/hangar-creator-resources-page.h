// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hangar-creator-page.h"

G_BEGIN_DECLS

/* The New VM window's memory and CPUs. Defaults from the OS (re-applied when the OS
 * changes, to fields the user has not touched); bounded by the host: a warning above
 * its free memory, an error above its total, vCPUs at most the host's CPUs. */
#define HANGAR_TYPE_CREATOR_RESOURCES_PAGE (hangar_creator_resources_page_get_type ())
G_DECLARE_FINAL_TYPE (HangarCreatorResourcesPage, hangar_creator_resources_page, HANGAR,
                      CREATOR_RESOURCES_PAGE, HangarCreatorPage)

GtkWidget *hangar_creator_resources_page_new (HangarCreatorState *state);

G_END_DECLS
