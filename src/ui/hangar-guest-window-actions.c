// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-guest-window"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-connection.h"
#include "hangar-guest-window-private.h"

/* The guest's power actions, each the core action of the same name. */
static const struct {
  const char *name;
  HangarGuestAction action;
} guest_actions[] = {
  { "guest.run", HANGAR_GUEST_ACTION_RUN },
  { "guest.pause", HANGAR_GUEST_ACTION_PAUSE },
  { "guest.resume", HANGAR_GUEST_ACTION_RESUME },
  { "guest.shutdown", HANGAR_GUEST_ACTION_SHUTDOWN },
  { "guest.reboot", HANGAR_GUEST_ACTION_REBOOT },
  { "guest.force-off", HANGAR_GUEST_ACTION_FORCE_OFF },
};

/* XT scancodes of the "Send Key" combinations. */
#define SC_CTRL      0x1d
#define SC_ALT       0x38
#define SC_DELETE    0x153
#define SC_BACKSPACE 0x0e
#define SC_PRINT     0x54
#define SC_F1        0x3b
#define SC_F11       0x57
#define SC_F12       0x58

/* What the guest's state and the console's allow, after either changed. */
/* The guest's host dropped and waits for its next attempt to reconnect. */
static gboolean
host_dropped (HangarGuestWindow *self)
{
  HangarConnection *host = hangar_guest_get_connection (self->guest);

  return host != NULL && hangar_guest_get_state (self->guest) == HANGAR_GUEST_STATE_UNKNOWN &&
         hangar_connection_get_state (host) == HANGAR_CONNECTION_STATE_FAILED;
}

void
_hangar_guest_window_actions_update (HangarGuestWindow *self)
{
  gboolean connected = self->display != NULL &&
                       hangar_display_get_state (self->display) == HANGAR_DISPLAY_STATE_CONNECTED;

  for (guint i = 0; i < G_N_ELEMENTS (guest_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), guest_actions[i].name,
                                   hangar_guest_can_do (self->guest, guest_actions[i].action));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "console.send-keys", connected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "console.screenshot", connected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "console.reconnect",
                                 host_dropped (self) ||
                                 (self->display != NULL && hangar_guest_is_active (self->guest)));
}

/* A failed action is told in a dialog: the guest's state shows nothing happened. */
static void
on_guest_action_done_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(HangarGuestWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;

  if (hangar_guest_run_action_finish (HANGAR_GUEST (object), result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Action Failed"),
                                                       error->message));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
guest_action_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  HangarGuestWindow *self = HANGAR_GUEST_WINDOW (widget);

  for (guint i = 0; i < G_N_ELEMENTS (guest_actions); i++)
    if (g_str_equal (guest_actions[i].name, action_name))
      hangar_guest_run_action_async (self->guest, guest_actions[i].action, self->cancellable,
                                     on_guest_action_done_cb, g_object_ref (self));
}

/* console.send-keys("ctrl-alt-del" | "ctrl-alt-backspace" | "print" | "ctrl-alt-fN"). */
static void
send_keys_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  HangarGuestWindow *self = HANGAR_GUEST_WINDOW (widget);
  const char *combo = g_variant_get_string (param, NULL);
  guint keys[3] = { SC_CTRL, SC_ALT, 0 };
  guint n = 3;

  if (self->display == NULL)
    return;

  if (g_str_equal (combo, "ctrl-alt-del"))
    keys[2] = SC_DELETE;
  else if (g_str_equal (combo, "ctrl-alt-backspace"))
    keys[2] = SC_BACKSPACE;
  else if (g_str_equal (combo, "print"))
    keys[0] = SC_PRINT, n = 1;
  else if (g_str_has_prefix (combo, "ctrl-alt-f"))
    {
      guint f = (guint)g_ascii_strtoull (combo + strlen ("ctrl-alt-f"), NULL, 10);

      /* F1–F10 are consecutive codes; F11 and F12 came later and sit elsewhere. */
      if (f >= 1 && f <= 10)
        keys[2] = SC_F1 + f - 1;
      else if (f == 11)
        keys[2] = SC_F11;
      else if (f == 12)
        keys[2] = SC_F12;
      else
        return;
    }
  else
    return;

  hangar_display_send_keys (self->display, keys, n);
}

static void
show_screenshot_error (HangarGuestWindow *self,
                       const char        *message)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("Could Not Save Screenshot"), message));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_screenshot_written_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(HangarGuestWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_screenshot_error (self, error->message);
}

static void
on_screenshot_response_cb (GtkNativeDialog   *dialog,
                           int                response,
                           HangarGuestWindow *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GBytes) png = NULL;

  if (response == GTK_RESPONSE_ACCEPT && self->display != NULL)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      texture = hangar_display_get_screenshot (self->display);
      if (texture == NULL)
        show_screenshot_error (self, _("There is no guest screen to save yet."));
      else
        {
          /* Encoding is quick; the write (perhaps to a portal or network mount) is not. */
          png = gdk_texture_save_to_png_bytes (texture);
          g_file_replace_contents_bytes_async (file, png, NULL, FALSE,
                                               G_FILE_CREATE_REPLACE_DESTINATION,
                                               self->cancellable, on_screenshot_written_cb,
                                               g_object_ref (self));
        }
    }
  g_clear_object (&self->file_chooser);
}

/* Asks where to save the guest's screen, named after the guest and the time. */
static void
screenshot_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  HangarGuestWindow *self = HANGAR_GUEST_WINDOW (widget);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%d %H-%M-%S");
  g_autofree char *name = g_strdup_printf ("%s %s.png", hangar_guest_get_name (self->guest),
                                           stamp);

  /* One question at a time. */
  if (self->file_chooser != NULL)
    return;
  self->file_chooser = gtk_file_chooser_native_new (_("Save Screenshot"), GTK_WINDOW (self),
                                                    GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                                                    _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->file_chooser), name);
  g_signal_connect (self->file_chooser, "response", G_CALLBACK (on_screenshot_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->file_chooser));
}

/* console.fullscreen (F11) toggles; the window follows in on_fullscreened_cb. */
static void
fullscreen_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  GtkWindow *window = GTK_WINDOW (widget);

  if (gtk_window_is_fullscreen (window))
    gtk_window_unfullscreen (window);
  else
    gtk_window_fullscreen (window);
}

/* console.reconnect: the Reconnect button of a console that dropped or was cancelled. */
static void
reconnect_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  HangarGuestWindow *self = HANGAR_GUEST_WINDOW (widget);

  /* A host that dropped is tried now; the console comes back with it. */
  if (host_dropped (self))
    hangar_connection_open_async (hangar_guest_get_connection (self->guest), NULL, NULL, NULL);
  else
    _hangar_guest_window_open_display (self);
}

/* Called from class_init after the properties: console.scaling is the window's
 * "scaling-mode" property as a radio action. */
void
_hangar_guest_window_class_actions_init (GtkWidgetClass *widget_class)
{
  for (guint i = 0; i < G_N_ELEMENTS (guest_actions); i++)
    gtk_widget_class_install_action (widget_class, guest_actions[i].name, NULL,
                                     guest_action_activated);
  gtk_widget_class_install_action (widget_class, "console.send-keys", "s", send_keys_activated);
  gtk_widget_class_install_property_action (widget_class, "console.scaling", "scaling-mode");
  gtk_widget_class_install_action (widget_class, "console.screenshot", NULL,
                                   screenshot_activated);
  gtk_widget_class_install_action (widget_class, "console.fullscreen", NULL,
                                   fullscreen_activated);
  gtk_widget_class_install_action (widget_class, "console.reconnect", NULL, reconnect_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F11, 0, "console.fullscreen", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
}
