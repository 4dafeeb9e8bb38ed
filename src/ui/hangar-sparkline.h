// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "hangar-guest.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_SPARKLINE (hangar_sparkline_get_type ())
G_DECLARE_FINAL_TYPE (HangarSparkline, hangar_sparkline, HANGAR, SPARKLINE, GtkWidget)

HangarGuest *hangar_sparkline_get_guest (HangarSparkline *self);
void         hangar_sparkline_set_guest (HangarSparkline *self,
                                         HangarGuest     *guest);

G_END_DECLS
