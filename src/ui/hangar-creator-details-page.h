// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hangar-creator-page.h"

G_BEGIN_DECLS

/* The New VM window's name, network and firmware, and the "customize before install"
 * switch. The name defaults to the OS's short id made unique on the host ("debian11",
 * "debian11-2"); the network to "default" when it exists and runs; UEFI, Secure Boot and
 * the TPM are offered only as the host's domain capabilities allow (HangarHostCaps),
 * UEFI preselected for an OS that needs it, the TPM for one that wants it. */
#define HANGAR_TYPE_CREATOR_DETAILS_PAGE (hangar_creator_details_page_get_type ())
G_DECLARE_FINAL_TYPE (HangarCreatorDetailsPage, hangar_creator_details_page, HANGAR,
                      CREATOR_DETAILS_PAGE, HangarCreatorPage)

GtkWidget *hangar_creator_details_page_new (HangarCreatorState *state);

G_END_DECLS
