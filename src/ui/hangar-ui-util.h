// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* libadwaita's AdwStatusPage and AdwPreferencesPage scroll their content in a focusable
 * GtkScrolledWindow of their own, which a screen reader would announce without a name:
 * gives it @name (the page's title, say). */
void hangar_name_page_scroller (GtkWidget  *page,
                                const char *name);

/* AdwComboRow (1.2) shows its choice in a GtkListView of its own, which a screen reader
 * would find without a name: it takes the row's title. */
void hangar_name_combo_row_parts (GtkWidget *combo_row);

G_END_DECLS
