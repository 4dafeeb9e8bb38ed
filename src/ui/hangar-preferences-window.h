// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define HANGAR_TYPE_PREFERENCES_WINDOW (hangar_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (HangarPreferencesWindow, hangar_preferences_window, HANGAR,
                      PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget *hangar_preferences_window_new (GSettings *settings);

G_END_DECLS
