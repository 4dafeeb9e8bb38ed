// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-host-page-util"

#include "config.h"

#include "test-host-page-util.h"
#include "test-widget-util.h"

static gboolean
row_titled (GtkWidget    *widget,
            gconstpointer title)
{
  return g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

const char *
test_row_value (GtkWidget  *root,
                const char *title)
{
  GtkWidget *row = test_find_widget (root, ADW_TYPE_ACTION_ROW, row_titled, title);

  if (row == NULL)
    g_error ("No row titled “%s”", title);
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

static gboolean
is_label_with_text (GtkWidget    *widget,
                    gconstpointer text)
{
  return gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

GtkWidget *
test_find_label (GtkWidget  *root,
                 const char *text)
{
  return test_find_widget (root, GTK_TYPE_LABEL, is_label_with_text, text);
}

gboolean
test_label_shown (gpointer data)
{
  TestLabelWait *wait = data;

  return test_find_label (wait->root, wait->text) != NULL;
}

gboolean
test_label_gone (gpointer data)
{
  return !test_label_shown (data);
}

static gboolean
is_mapped (GtkWidget    *widget,
           gconstpointer data)
{
  return gtk_widget_get_mapped (widget);
}

gboolean
test_overview_shown (gpointer window)
{
  return test_find_widget (window, ADW_TYPE_PREFERENCES_PAGE, is_mapped, NULL) != NULL;
}

static gboolean
is_button_with_action (GtkWidget    *widget,
                       gconstpointer action)
{
  return g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0;
}

GtkWidget *
test_action_button (GtkWidget  *root,
                    const char *action)
{
  GtkWidget *button = test_find_widget (root, GTK_TYPE_BUTTON, is_button_with_action, action);

  if (button == NULL)
    g_error ("No button for %s", action);
  return button;
}

gboolean
test_action_sensitive (GtkWidget  *root,
                       const char *action)
{
  return gtk_widget_is_sensitive (test_action_button (root, action));
}

void
test_click_action (GtkWidget  *root,
                   const char *action)
{
  GtkWidget *button = test_action_button (root, action);

  if (!gtk_widget_is_sensitive (button))
    g_error ("The button for %s is insensitive", action);
  g_signal_emit_by_name (button, "clicked");
}

AdwMessageDialog *
test_find_message (const char *heading)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data) &&
        g_strcmp0 (adw_message_dialog_get_heading (l->data), heading) == 0)
      return l->data;
  return NULL;
}

gboolean
test_message_shown (gpointer heading)
{
  return test_find_message (heading) != NULL;
}

gboolean
test_message_gone (gpointer heading)
{
  return test_find_message (heading) == NULL;
}

static gboolean
is_button_labelled (GtkWidget    *widget,
                    gconstpointer label)
{
  return g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

void
test_click_response (AdwMessageDialog *dialog,
                     const char       *label)
{
  GtkWidget *button = test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, is_button_labelled,
                                        label);

  if (button == NULL || !gtk_widget_is_sensitive (button))
    g_error ("“%s” has no sensitive button %s", adw_message_dialog_get_heading (dialog), label);
  g_signal_emit_by_name (button, "clicked");
}
