// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-credentials-util"

#include "config.h"

#include "test-core-util.h"
#include "test-credentials-util.h"
#include "test-util.h"
#include "test-widget-util.h"

static HangarCredentialsDialog *
current_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (HANGAR_IS_CREDENTIALS_DIALOG (window) && gtk_widget_get_mapped (GTK_WIDGET (window)) &&
          hangar_credentials_is_pending (
            hangar_credentials_dialog_get_question (HANGAR_CREDENTIALS_DIALOG (window))))
        return HANGAR_CREDENTIALS_DIALOG (window);
    }
  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return current_dialog () != NULL;
}

static gboolean
no_dialog (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (HANGAR_IS_CREDENTIALS_DIALOG (window))
        return FALSE;
    }
  return TRUE;
}

HangarCredentialsDialog *
test_credentials_wait_dialog (guint attempt,
                              guint timeout_ms)
{
  HangarCredentialsDialog *dialog;

  if (!test_wait_for (dialog_shown, NULL, timeout_ms))
    g_error ("No credentials dialog was shown within %u ms", timeout_ms);
  dialog = current_dialog ();
  g_assert_cmpuint (hangar_credentials_get_attempt (hangar_credentials_dialog_get_question (dialog)),
                    ==, attempt);
  return dialog;
}

void
test_credentials_wait_no_dialog (void)
{
  if (!test_wait_for (no_dialog, NULL, 10000))
    g_error ("The credentials dialog stayed");
}

GtkWidget *
test_credentials_dialog_part (HangarCredentialsDialog *dialog,
                              GType                    type)
{
  GtkWidget *widget = test_find_widget (GTK_WIDGET (dialog), type, NULL, NULL);

  if (widget == NULL)
    g_error ("The credentials dialog has no %s", g_type_name (type));
  return widget;
}

void
test_credentials_answer (HangarCredentialsDialog *dialog,
                         const char              *user,
                         const char              *password)
{
  GtkWidget *user_row = test_credentials_dialog_part (dialog, ADW_TYPE_ENTRY_ROW);
  GtkWidget *password_row = test_credentials_dialog_part (dialog, ADW_TYPE_PASSWORD_ENTRY_ROW);

  g_assert_true (gtk_widget_get_visible (user_row));
  g_assert_true (gtk_widget_get_visible (password_row));
  gtk_editable_set_text (GTK_EDITABLE (user_row), user);
  gtk_editable_set_text (GTK_EDITABLE (password_row), password);
  test_click_button (GTK_WIDGET (dialog), "C_onnect");
}

void
test_credentials_wait_state (HangarConnection     *connection,
                             HangarConnectionState state,
                             guint                 timeout_ms)
{
  if (!test_wait_for (test_connection_is_settled, connection, timeout_ms))
    g_error ("The host did not settle within %u ms", timeout_ms);
  if (hangar_connection_get_state (connection) != state)
    g_error ("The host is %s (%s), not in state %d",
             hangar_connection_get_state_label (connection),
             hangar_connection_get_error_message (connection), state);
}
