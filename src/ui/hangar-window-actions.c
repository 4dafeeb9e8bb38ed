// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-window"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-add-connection-dialog.h"
#include "hangar-guest.h"
#include "hangar-window-private.h"

/* The main window's actions (win.*): guest lifecycle on the selection, open, delete,
 * add connection, search; their shortcuts; and _hangar_window_actions_update (), which
 * enables each for what is selected. */

static const struct {
  const char *name;
  HangarGuestAction action;
} guest_actions[] = {
  { "win.run-guest", HANGAR_GUEST_ACTION_RUN },
  { "win.pause-guest", HANGAR_GUEST_ACTION_PAUSE },
  { "win.resume-guest", HANGAR_GUEST_ACTION_RESUME },
  { "win.shutdown-guest", HANGAR_GUEST_ACTION_SHUTDOWN },
  { "win.reboot-guest", HANGAR_GUEST_ACTION_REBOOT },
  { "win.force-off-guest", HANGAR_GUEST_ACTION_FORCE_OFF },
  { "win.delete-guest", HANGAR_GUEST_ACTION_DELETE },
};

/* Selected guests, in view order. */
GPtrArray *
_hangar_window_get_selected_guests (HangarWindow *self)
{
  g_autoptr(GtkBitset) bitset =
    gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  GPtrArray *guests = g_ptr_array_new_with_free_func (g_object_unref);
  GtkBitsetIter iter;
  guint position;

  if (gtk_bitset_iter_init_first (&iter, bitset, &position))
    do
      g_ptr_array_add (guests, g_list_model_get_item (G_LIST_MODEL (self->selection), position));
    while (gtk_bitset_iter_next (&iter, &position));

  return guests;
}

/* Enables each action when at least one selected guest can take it. */
void
_hangar_window_actions_update (HangarWindow *self)
{
  g_autoptr(GPtrArray) guests = _hangar_window_get_selected_guests (self);

  for (guint i = 0; i < G_N_ELEMENTS (guest_actions); i++)
    {
      gboolean enabled = FALSE;

      for (guint j = 0; j < guests->len && !enabled; j++)
        enabled = hangar_guest_can_do (g_ptr_array_index (guests, j), guest_actions[i].action);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), guest_actions[i].name, enabled);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-guest", guests->len > 0);
  /* The power menu's entries are all guest actions: a selection enables some. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->power_button), guests->len > 0);
}

/* A message over the window, with a Close button. */
void
hangar_window_show_error (HangarWindow *self,
                          const char   *heading,
                          const char   *body)
{
  AdwMessageDialog *dialog;

  g_return_if_fail (HANGAR_IS_WINDOW (self));

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_action_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(HangarWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!hangar_guest_run_action_finish (HANGAR_GUEST (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      hangar_window_show_error (self, _("Action Failed"), error->message);
    }
  /* Success shows through libvirt's event, which changes the row's state. */
}

/* Runs @action on each selected guest that can take it: with a mixed selection, Run
 * starts the stopped ones and leaves the running ones be. */
static void
guest_action_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  g_autoptr(GPtrArray) guests = _hangar_window_get_selected_guests (self);
  HangarGuestAction action = HANGAR_GUEST_ACTION_RUN;

  for (guint i = 0; i < G_N_ELEMENTS (guest_actions); i++)
    if (g_str_equal (guest_actions[i].name, action_name))
      action = guest_actions[i].action;

  for (guint i = 0; i < guests->len; i++)
    {
      HangarGuest *guest = g_ptr_array_index (guests, i);

      if (hangar_guest_can_do (guest, action))
        hangar_guest_run_action_async (guest, action, self->cancellable, on_action_done_cb,
                                       g_object_ref (self));
    }
}

static void
on_delete_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       HangarWindow     *self)
{
  GPtrArray *guests = g_object_get_data (G_OBJECT (dialog), "guests");

  if (!g_str_equal (response, "delete"))
    return;

  for (guint i = 0; i < guests->len; i++)
    hangar_guest_run_action_async (g_ptr_array_index (guests, i), HANGAR_GUEST_ACTION_DELETE,
                                   self->cancellable, on_action_done_cb, g_object_ref (self));
}

/* Delete asks first, naming the guest (or how many) and what happens to running ones;
 * the guests are those selected when it asked, whatever the selection is by the
 * answer. */
static void
delete_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  GPtrArray *guests = _hangar_window_get_selected_guests (self);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  if (guests->len == 0)
    {
      g_ptr_array_unref (guests);
      return;
    }

  if (guests->len == 1)
    {
      HangarGuest *guest = g_ptr_array_index (guests, 0);

      heading = g_strdup_printf (_("Delete “%s”?"), hangar_guest_get_name (guest));
      body = g_strdup_printf (hangar_guest_is_active (guest)
                                ? _("The guest is running: it will be forced off and its "
                                    "definition removed from %s. Its disk images are kept.")
                                : _("Its definition will be removed from %s. Its disk images "
                                    "are kept."),
                              hangar_guest_get_host_name (guest));
    }
  else
    {
      heading = g_strdup_printf (ngettext ("Delete %u Guest?", "Delete %u Guests?", guests->len),
                                 guests->len);
      body = g_strdup (_("Running guests will be forced off and their definitions removed. "
                         "Their disk images are kept."));
    }

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "guests", guests, (GDestroyNotify)g_ptr_array_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
open_guest_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  g_autoptr(GPtrArray) guests = _hangar_window_get_selected_guests (self);

  for (guint i = 0; i < guests->len; i++)
    g_signal_emit_by_name (self, "open-guest", g_ptr_array_index (guests, i));
}

static void
add_connection_activated (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  HangarAddConnectionDialog *dialog = hangar_add_connection_dialog_new (self->session);

  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
search_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  HangarWindow *self = HANGAR_WINDOW (widget);

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
_hangar_window_class_actions_init (GtkWidgetClass *widget_class)
{
  for (guint i = 0; i < G_N_ELEMENTS (guest_actions); i++)
    if (guest_actions[i].action != HANGAR_GUEST_ACTION_DELETE)
      gtk_widget_class_install_action (widget_class, guest_actions[i].name, NULL,
                                       guest_action_activated);
  gtk_widget_class_install_action (widget_class, "win.delete-guest", NULL, delete_activated);
  gtk_widget_class_install_action (widget_class, "win.open-guest", NULL, open_guest_activated);
  gtk_widget_class_install_action (widget_class, "win.add-connection", NULL,
                                   add_connection_activated);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_activated);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.add-connection", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "win.delete-guest", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK,
                                       "win.open-guest", NULL);
}
