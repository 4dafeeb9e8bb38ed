// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hangar-graphics.h"
#include "hangar-guest.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_GUEST_OVERVIEW (hangar_guest_overview_get_type ())
G_DECLARE_FINAL_TYPE (HangarGuestOverview, hangar_guest_overview, HANGAR, GUEST_OVERVIEW, AdwBin)

void         hangar_guest_overview_set_guest    (HangarGuestOverview      *self,
                                                 HangarGuest              *guest);
/* What only the guest's definition tells (graphics type, operating system), once read. */
void         hangar_guest_overview_set_consoles (HangarGuestOverview      *self,
                                                 const HangarGraphicsInfo *consoles);

/* How long a guest has run, for people: "2 hours, 5 minutes". */
char        *hangar_format_uptime               (gint64                    seconds);

G_END_DECLS
