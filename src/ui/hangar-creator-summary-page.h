// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hangar-creator-page.h"

G_BEGIN_DECLS

/* The New VM window's last page: what will be made (host, name, OS, source, memory,
 * CPUs, disk, network, firmware, unattended install), read from the spec each time it
 * is shown, and above it how the last Create ended when no other page took the error.
 * Complete once the host's part of the spec is filled. */
#define HANGAR_TYPE_CREATOR_SUMMARY_PAGE (hangar_creator_summary_page_get_type ())
G_DECLARE_FINAL_TYPE (HangarCreatorSummaryPage, hangar_creator_summary_page, HANGAR,
                      CREATOR_SUMMARY_PAGE, HangarCreatorPage)

GtkWidget *hangar_creator_summary_page_new         (HangarCreatorState       *state);
/* Shows @message above the summary (NULL hides it); an error gets the error style. */
void       hangar_creator_summary_page_set_message (HangarCreatorSummaryPage *self,
                                                    const char               *message,
                                                    gboolean                  is_error);

G_END_DECLS
