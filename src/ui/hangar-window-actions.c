// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-window"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "hangar-add-connection-dialog.h"
#include "hangar-connection.h"
#include "hangar-delete-guest-dialog.h"
#include "hangar-guest.h"
#include "hangar-session.h"
#include "hangar-window-private.h"

/* The main window's actions (win.*): guest lifecycle on the selection, open, delete,
 * new guest, add connection, search; their shortcuts; and _hangar_window_actions_update (), which
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
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-domain",
                                 _hangar_window_can_make_domain (self));
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
on_deleted_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(HangarWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  /* The message names the guest and each volume that is left. */
  if (!hangar_guest_delete_with_storage_finish (HANGAR_GUEST (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    hangar_window_show_error (self, _("Delete Failed"), error->message);
}

/* Several guests with their disks: all their disks are read before any guest goes, so
 * a volume two of them share counts as shared whatever the timing, and is kept; the
 * volumes each alone uses (deleted by default for one guest) go with it. */
typedef struct {
  HangarWindow *self;
  GPtrArray *guests;
  GPtrArray *paths;   /* per guest: a GStrv, or NULL when its disks could not be read */
  guint pending;
} SeveralDelete;

static void
several_delete_free (SeveralDelete *several)
{
  g_object_unref (several->self);
  g_ptr_array_unref (several->guests);
  g_ptr_array_unref (several->paths);
  g_free (several);
}

static void
on_several_listed_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  SeveralDelete *several = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) disks = hangar_guest_list_disks_finish (HANGAR_GUEST (object), result,
                                                               &error);
  guint index = 0;

  g_ptr_array_find (several->guests, object, &index);
  if (disks != NULL)
    {
      g_autoptr(GStrvBuilder) paths = g_strv_builder_new ();

      for (guint i = 0; i < disks->len; i++)
        {
          HangarGuestDisk *disk = disks->pdata[i];

          if (disk->delete_by_default)
            g_strv_builder_add (paths, disk->path);
        }
      several->paths->pdata[index] = g_strv_builder_end (paths);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    /* That guest stays rather than go with a guess at which disks are its own. */
    hangar_window_show_error (several->self, _("Delete Failed"), error->message);

  if (--several->pending > 0)
    return;
  for (guint i = 0; i < several->guests->len; i++)
    if (several->paths->pdata[i] != NULL)
      hangar_guest_delete_with_storage_async (several->guests->pdata[i],
                                              several->paths->pdata[i],
                                              several->self->cancellable, on_deleted_cb,
                                              g_object_ref (several->self));
  several_delete_free (several);
}

static void
delete_several_with_disks (HangarWindow *self,
                           GPtrArray    *guests)
{
  SeveralDelete *several = g_new0 (SeveralDelete, 1);

  several->self = g_object_ref (self);
  several->guests = g_ptr_array_ref (guests);
  several->paths = g_ptr_array_new_full (guests->len, (GDestroyNotify)g_strfreev);
  g_ptr_array_set_size (several->paths, guests->len);
  several->pending = guests->len;
  for (guint i = 0; i < guests->len; i++)
    hangar_guest_list_disks_async (guests->pdata[i], self->cancellable, on_several_listed_cb,
                                   several);
}

static void
on_delete_response_cb (HangarDeleteGuestDialog *dialog,
                       const char              *response,
                       HangarWindow            *self)
{
  GPtrArray *guests = hangar_delete_guest_dialog_get_guests (dialog);

  if (!g_str_equal (response, "delete"))
    return;

  if (guests->len == 1)
    {
      g_auto(GStrv) paths = hangar_delete_guest_dialog_dup_checked_paths (dialog);

      hangar_guest_delete_with_storage_async (g_ptr_array_index (guests, 0),
                                              (const char *const *)paths, self->cancellable,
                                              on_deleted_cb, g_object_ref (self));
      return;
    }
  if (hangar_delete_guest_dialog_get_delete_disks (dialog))
    {
      delete_several_with_disks (self, guests);
      return;
    }
  for (guint i = 0; i < guests->len; i++)
    hangar_guest_delete_with_storage_async (g_ptr_array_index (guests, i), NULL,
                                            self->cancellable, on_deleted_cb,
                                            g_object_ref (self));
}

/* Delete asks first (HangarDeleteGuestDialog: what happens, which disks go); the
 * guests are those selected when it asked, whatever the selection is by the answer. */
static void
delete_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  g_autoptr(GPtrArray) guests = _hangar_window_get_selected_guests (self);
  HangarDeleteGuestDialog *dialog;

  if (guests->len == 0)
    return;

  dialog = hangar_delete_guest_dialog_new (GTK_WINDOW (self), guests);
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

/* The hosts a new guest can go to: the one chosen in the sidebar, or under All Hosts
 * every connected one. Empty while none is connected. */
static GPtrArray *
new_domain_hosts (HangarWindow *self)
{
  GListModel *connections = hangar_session_get_connections (self->session);
  GPtrArray *hosts = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (connections); i++)
    {
      g_autoptr(HangarConnection) connection = g_list_model_get_item (connections, i);

      if ((self->selected_connection == NULL || connection == self->selected_connection) &&
          hangar_connection_get_state (connection) == HANGAR_CONNECTION_STATE_CONNECTED)
        g_ptr_array_add (hosts, g_steal_pointer (&connection));
    }
  return hosts;
}

gboolean
_hangar_window_can_make_domain (HangarWindow *self)
{
  g_autoptr(GPtrArray) hosts = new_domain_hosts (self);

  return hosts->len > 0;
}

static void
on_host_chosen_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   HangarWindow     *self)
{
  GPtrArray *hosts = g_object_get_data (G_OBJECT (dialog), "hosts");
  guint index;

  if (!g_str_has_prefix (response, "host-"))
    return;
  index = (guint)g_ascii_strtoull (response + strlen ("host-"), NULL, 10);
  if (index < hosts->len)
    g_signal_emit_by_name (self, "new-domain", g_ptr_array_index (hosts, index));
}

/* Several hosts under All Hosts: which one is the user's to say, not a guess. */
static void
ask_host (HangarWindow *self,
          GPtrArray    *hosts)
{
  AdwMessageDialog *dialog =
    ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("New Virtual Machine"),
                                                _("Which host should the new virtual machine "
                                                  "run on?")));

  adw_message_dialog_add_response (dialog, "cancel", _("_Cancel"));
  for (guint i = 0; i < hosts->len; i++)
    {
      g_autofree char *id = g_strdup_printf ("host-%u", i);
      g_auto(GStrv) parts = g_strsplit (hangar_connection_get_title (hosts->pdata[i]), "_", -1);
      /* Response labels take a mnemonic: a host's own underscores are doubled. */
      g_autofree char *label = g_strjoinv ("__", parts);

      adw_message_dialog_add_response (dialog, id, label);
    }
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "hosts", g_ptr_array_ref (hosts),
                          (GDestroyNotify)g_ptr_array_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_host_chosen_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
new_domain_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  g_autoptr(GPtrArray) hosts = new_domain_hosts (self);

  if (hosts->len == 1)
    g_signal_emit_by_name (self, "new-domain", g_ptr_array_index (hosts, 0));
  else if (hosts->len > 1)
    ask_host (self, hosts);
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
  gtk_widget_class_install_action (widget_class, "win.new-domain", NULL, new_domain_activated);
  gtk_widget_class_install_action (widget_class, "win.add-connection", NULL,
                                   add_connection_activated);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_activated);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search",
                                       NULL);
  /* As in virt-manager and Boxes, Ctrl+N makes a guest. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.new-domain", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.add-connection", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "win.delete-guest", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK,
                                       "win.open-guest", NULL);
}
