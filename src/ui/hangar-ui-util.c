// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-ui-util"

#include "config.h"

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
