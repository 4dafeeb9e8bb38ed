// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* libadwaita's AdwStatusPage and AdwPreferencesPage scroll their content in a focusable
 * GtkScrolledWindow of their own, which a screen reader would announce without a name:
 * gives it @name (the page's title, say). */
void hangar_name_page_scroller (GtkWidget  *page,
                                const char *name);

G_END_DECLS
