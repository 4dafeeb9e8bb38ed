// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-connection-row"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "hangar-connection-row.h"
#include "hangar-spinner.h"

/* A host in the sidebar: its name, its state or why it failed, and Retry. */
struct _HangarConnectionRow
{
  GtkListBoxRow parent_instance;

  HangarConnection *connection;

  GtkImage *icon;
  GtkLabel *title;
  GtkLabel *subtitle;
  GtkSpinner *spinner;
  GtkButton *retry_button;
};

G_DEFINE_FINAL_TYPE (HangarConnectionRow, hangar_connection_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  SIGNAL_RETRY,
  SIGNAL_REMOVE,
  SIGNAL_DETAILS,
  SIGNAL_EDIT,
  N_SIGNALS
};

/* retry, remove (once confirmed), details and edit go to the window, which asks the session: a row knows its
 * connection, not the list it is in. */
static guint signals[N_SIGNALS];

/* Follows the connection: the subtitle says its state, and why when it failed (the
 * whole message in the tooltip, as the label keeps three lines); a spinner while
 * connecting; Retry when it is not open; the menu offers what applies. */
static void
update (HangarConnectionRow *self)
{
  HangarConnectionState state = hangar_connection_get_state (self->connection);
  const char *error = hangar_connection_get_error_message (self->connection);
  g_autofree char *subtitle = NULL;
  gboolean failed = state == HANGAR_CONNECTION_STATE_FAILED ||
                    state == HANGAR_CONNECTION_STATE_NEEDS_CREDENTIALS;

  if (failed && error != NULL)
    subtitle = g_strdup_printf ("%s — %s", hangar_connection_get_state_label (self->connection),
                                error);
  else
    subtitle = g_strdup (hangar_connection_get_state_label (self->connection));

  gtk_label_set_label (self->subtitle, subtitle);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->subtitle), failed ? error : NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), state == HANGAR_CONNECTION_STATE_CONNECTING);
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button), failed ||
                          state == HANGAR_CONNECTION_STATE_DISCONNECTED);
  if (failed)
    gtk_widget_add_css_class (GTK_WIDGET (self->subtitle), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->subtitle), "error");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.connect",
                                 state != HANGAR_CONNECTION_STATE_CONNECTED &&
                                 state != HANGAR_CONNECTION_STATE_CONNECTING);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.disconnect",
                                 state != HANGAR_CONNECTION_STATE_DISCONNECTED);
}

static void
connect_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  g_signal_emit (widget, signals[SIGNAL_RETRY], 0);
}

static void
disconnect_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  hangar_connection_close (HANGAR_CONNECTION_ROW (widget)->connection);
}

static void
on_remove_response_cb (HangarConnectionRow *self)
{
  g_signal_emit (self, signals[SIGNAL_REMOVE], 0);
}

/* Removing forgets the host: asked first. */
static void
remove_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  HangarConnectionRow *self = HANGAR_CONNECTION_ROW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       NULL, NULL));
  adw_message_dialog_format_heading (dialog, _("Remove “%s”?"),
                                     hangar_connection_get_title (self->connection));
  adw_message_dialog_format_body (dialog,
                                  _("Hangar closes the connection to %s and no longer lists "
                                    "it. The host and its guests stay as they are; add the "
                                    "connection again to see them."),
                                  hangar_connection_get_uri (self->connection));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "remove", _("_Remove"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response::remove", G_CALLBACK (on_remove_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
edit_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  g_signal_emit (widget, signals[SIGNAL_EDIT], 0);
}

static void
details_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  g_signal_emit (widget, signals[SIGNAL_DETAILS], 0);
}

static void
hangar_connection_row_dispose (GObject *object)
{
  HangarConnectionRow *self = (HangarConnectionRow *)object;

  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);
  g_clear_object (&self->connection);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_CONNECTION_ROW);

  G_OBJECT_CLASS (hangar_connection_row_parent_class)->dispose (object);
}

static void
hangar_connection_row_class_init (HangarConnectionRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_connection_row_dispose;

  signals[SIGNAL_RETRY] = g_signal_new ("retry", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_REMOVE] = g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_DETAILS] = g_signal_new ("details", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
  signals[SIGNAL_EDIT] = g_signal_new ("edit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-connection-row.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarConnectionRow, icon);
  gtk_widget_class_bind_template_child (widget_class, HangarConnectionRow, title);
  gtk_widget_class_bind_template_child (widget_class, HangarConnectionRow, subtitle);
  gtk_widget_class_bind_template_child (widget_class, HangarConnectionRow, spinner);
  gtk_widget_class_bind_template_child (widget_class, HangarConnectionRow, retry_button);

  gtk_widget_class_install_action (widget_class, "row.connect", NULL, connect_activated);
  gtk_widget_class_install_action (widget_class, "row.disconnect", NULL, disconnect_activated);
  gtk_widget_class_install_action (widget_class, "row.remove", NULL, remove_activated);
  gtk_widget_class_install_action (widget_class, "row.details", NULL, details_activated);
  gtk_widget_class_install_action (widget_class, "row.edit", NULL, edit_activated);
}

static void
hangar_connection_row_init (HangarConnectionRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  hangar_spinner_spin_while_mapped (self->spinner);
}

GtkWidget *
hangar_connection_row_new (HangarConnection *connection)
{
  HangarConnectionRow *self;
  const char *uri;

  g_return_val_if_fail (HANGAR_IS_CONNECTION (connection), NULL);

  /* The connection is fixed for the row's life (the sidebar makes a row per
   * connection), so no property: the window creates rows from the session's list. */
  self = g_object_new (HANGAR_TYPE_CONNECTION_ROW, NULL);
  self->connection = g_object_ref (connection);

  uri = hangar_connection_get_uri (connection);
  gtk_label_set_label (self->title, hangar_connection_get_title (connection));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->title), uri);
  /* Remote hosts (a host name in the URI) get a server icon. */
  if (strstr (uri, "://") != NULL && strstr (uri, ":///") == NULL)
    gtk_image_set_from_icon_name (self->icon, "network-server-symbolic");

  g_signal_connect_swapped (connection, "notify::state", G_CALLBACK (update), self);
  g_signal_connect_swapped (connection, "notify::error-message", G_CALLBACK (update), self);
  g_signal_connect_swapped (connection, "notify::state-label", G_CALLBACK (update), self);
  update (self);
  return GTK_WIDGET (self);
}

HangarConnection *
hangar_connection_row_get_connection (HangarConnectionRow *self)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION_ROW (self), NULL);
  return self->connection;
}
