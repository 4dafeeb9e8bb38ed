// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hangar-creator-page.h"

G_BEGIN_DECLS

/* The New VM window's Operating System page: what detection found (the state's match),
 * and a searchable list of the catalog's OSes (end-of-life ones on request) or Generic /
 * Unknown to choose from; the choice goes to hangar_creator_state_set_os. Complete once
 * an OS or Generic is chosen. */
#define HANGAR_TYPE_CREATOR_OS_PAGE (hangar_creator_os_page_get_type ())
G_DECLARE_FINAL_TYPE (HangarCreatorOsPage, hangar_creator_os_page, HANGAR, CREATOR_OS_PAGE,
                      HangarCreatorPage)

GtkWidget *hangar_creator_os_page_new (HangarCreatorState *state);

G_END_DECLS
