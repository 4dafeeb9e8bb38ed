// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-wizard-util"

#include "config.h"

#include "hangar-wizard-util.h"

void
hangar_field_set_message (GtkWidget              *row,
                          GtkLabel               *label,
                          HangarFieldMessageKind  kind,
                          const char             *message)
{
  GtkWidget *message_row;
  gboolean error = message != NULL && kind == HANGAR_FIELD_ERROR;

  g_return_if_fail (GTK_IS_WIDGET (row));
  g_return_if_fail (GTK_IS_LABEL (label));

  message_row = gtk_widget_get_ancestor (GTK_WIDGET (label), GTK_TYPE_LIST_BOX_ROW);
  gtk_label_set_label (label, message != NULL ? message : "");
  gtk_widget_set_visible (message_row != NULL ? message_row : GTK_WIDGET (label),
                          message != NULL);

  /* One style at a time on the label: red, amber or dim. */
  gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (label), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (label), "dim-label");
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (label),
                              kind == HANGAR_FIELD_ERROR ? "error"
                              : kind == HANGAR_FIELD_WARNING ? "warning" : "dim-label");

  if (error)
    {
      gtk_widget_add_css_class (row, "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID,
                                   GTK_ACCESSIBLE_INVALID_TRUE, -1);
    }
  else
    {
      gtk_widget_remove_css_class (row, "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID);
    }
  /* A screen reader reads the message with the field. */
  if (message != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                    message, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

guint64
hangar_size_unit_bytes (guint unit)
{
  static const guint64 units[] = { G_GUINT64_CONSTANT (1) << 20, G_GUINT64_CONSTANT (1) << 30,
                                   G_GUINT64_CONSTANT (1) << 40 };

  return units[unit < G_N_ELEMENTS (units) ? unit : HANGAR_SIZE_UNIT_GIB];
}
