// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-widget-util"

#include "config.h"

#include "test-widget-util.h"

GtkWidget *
test_find_widget (GtkWidget      *root,
                  GType           type,
                  TestWidgetMatch match,
                  gconstpointer   data)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) && (match == NULL || match (root, data)))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = test_find_widget (child, type, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}
