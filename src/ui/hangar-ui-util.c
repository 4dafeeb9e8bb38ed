// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-ui-util"

#include "config.h"

#include <adwaita.h>

#include "hangar-ui-util.h"

void
hangar_name_page_scroller (GtkWidget  *page,
                           const char *name)
{
  g_return_if_fail (GTK_IS_WIDGET (page));

  for (GtkWidget *child = gtk_widget_get_first_child (page); child;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_SCROLLED_WINDOW (child))
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      name, -1);
}

static void
name_list_views (GtkWidget  *widget,
                 const char *name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      name, -1);
    else if (!GTK_IS_POPOVER (child))
      name_list_views (child, name);
}

void
hangar_name_combo_row_parts (GtkWidget *combo_row)
{
  AdwPreferencesRow *row;
  g_autoptr(GString) name = g_string_new (NULL);

  g_return_if_fail (ADW_IS_COMBO_ROW (combo_row));

  row = ADW_PREFERENCES_ROW (combo_row);
  /* The name is the title as shown, without its mnemonic's underscore. */
  for (const char *c = adw_preferences_row_get_title (row); *c != '\0'; c++)
    if (*c != '_' || !adw_preferences_row_get_use_underline (row))
      g_string_append_c (name, *c);
  name_list_views (combo_row, name->str);
}
