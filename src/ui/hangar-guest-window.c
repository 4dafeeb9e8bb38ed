// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-guest-window"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-graphics.h"
#include "hangar-guest-window.h"
#include "hangar-password-dialog.h"
#include "hangar-serial-console.h"
#include "hangar-spice-display.h"
#include "hangar-spinner.h"
#include "hangar-vnc-display.h"

/* One window per guest: its console (graphical or serial) and an overview. */
struct _HangarGuestWindow
{
  AdwApplicationWindow parent_instance;

  HangarApplication *application;
  HangarGuest *guest;
  GCancellable *cancellable;
  HangarGraphicsInfo *consoles;
  HangarDisplay *display;
  HangarSerialConsole *serial;
  GtkFileChooserNative *file_chooser;
  char *scaling_mode;
  SpiceUsbDeviceManager *usb_manager; /* the SPICE display's, while it has one */
  gboolean tried_saved_password;

  AdwHeaderBar *header_bar;
  GtkRevealer *fullscreen_revealer;
  AdwWindowTitle *fullscreen_title;
  AdwViewStack *view_stack;
  GtkBox *console_tools;
  GtkToggleButton *clipboard_button;
  GtkMenuButton *usb_button;
  GtkStack *usb_stack;
  GtkListBox *usb_list;
  AdwStatusPage *usb_status;
  GtkStack *console_stack;
  AdwStatusPage *status_page;
  GtkSpinner *status_spinner;
  GtkButton *status_run_button;
  GtkButton *status_reconnect_button;
  GtkScrolledWindow *display_scroller;
  GtkBox *serial_box;
  GtkActionBar *console_switch_bar;
  GtkToggleButton *serial_toggle;
  AdwActionRow *name_row;
  AdwActionRow *state_row;
  AdwActionRow *uptime_row;
  guint uptime_source;
  AdwActionRow *host_row;
  AdwActionRow *vcpus_row;
  AdwActionRow *memory_row;
  AdwActionRow *graphics_row;
  AdwActionRow *os_row;
  AdwActionRow *uuid_row;
};

G_DEFINE_FINAL_TYPE (HangarGuestWindow, hangar_guest_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SCALING_MODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const struct {
  const char *name;
  HangarGuestAction action;
} actions[] = {
  { "guest.run", HANGAR_GUEST_ACTION_RUN },
  { "guest.pause", HANGAR_GUEST_ACTION_PAUSE },
  { "guest.resume", HANGAR_GUEST_ACTION_RESUME },
  { "guest.shutdown", HANGAR_GUEST_ACTION_SHUTDOWN },
  { "guest.reboot", HANGAR_GUEST_ACTION_REBOOT },
  { "guest.force-off", HANGAR_GUEST_ACTION_FORCE_OFF },
};

/* XT scancodes of the "Send key" combinations. */
#define SC_CTRL      0x1d
#define SC_ALT       0x38
#define SC_DELETE    0x153
#define SC_BACKSPACE 0x0e
#define SC_PRINT     0x54

static void update_console_view (HangarGuestWindow *self);
static void update_usb (HangarGuestWindow *self);
static void open_display (HangarGuestWindow *self);
static void set_scaling_mode (HangarGuestWindow *self,
                              const char        *name);

static void
hangar_guest_window_actions_update (HangarGuestWindow *self)
{
  gboolean connected = self->display != NULL &&
                       hangar_display_get_state (self->display) == HANGAR_DISPLAY_STATE_CONNECTED;

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), actions[i].name,
                                   hangar_guest_can_do (self->guest, actions[i].action));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "console.send-keys", connected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "console.screenshot", connected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "console.reconnect",
                                 self->display != NULL &&
                                 hangar_guest_is_active (self->guest));
}

/* "http://debian.org/debian/12" → "Debian 12": the id's last parts, readable. */
static char *
os_name (const char *os_id)
{
  g_autoptr(GUri) uri = NULL;
  g_auto(GStrv) parts = NULL;
  GString *name;

  if (os_id == NULL)
    return g_strdup (_("Unknown"));
  uri = g_uri_parse (os_id, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_path (uri) == NULL)
    return g_strdup (os_id);
  parts = g_strsplit (g_uri_get_path (uri) + (g_uri_get_path (uri)[0] == '/'), "/", -1);
  name = g_string_new (NULL);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (*parts[i] == '\0')
        continue;
      if (name->len > 0)
        g_string_append_c (name, ' ');
      g_string_append_c (name, g_ascii_toupper (parts[i][0]));
      g_string_append (name, parts[i] + 1);
    }
  return g_string_free (name, FALSE);
}

/* "3 days, 4 hours", "2 hours, 5 minutes", "12 minutes": the two largest units. */
char *
hangar_format_uptime (gint64 seconds)
{
  gint64 days = seconds / 86400, hours = seconds / 3600 % 24, minutes = seconds / 60 % 60;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  if (seconds < 60)
    return g_strdup (_("Less than a minute"));
  if (days > 0)
    {
      first = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day", "%d days", days),
                               (int)days);
      second = hours > 0 ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour", "%d hours",
                                                         hours), (int)hours)
                         : NULL;
    }
  else if (hours > 0)
    {
      first = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour", "%d hours", hours),
                               (int)hours);
      second = minutes > 0 ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute",
                                                           "%d minutes", minutes), (int)minutes)
                           : NULL;
    }
  else
    first = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute", "%d minutes", minutes),
                             (int)minutes);

  if (second == NULL)
    return g_steal_pointer (&first);
  /* TRANSLATORS: an uptime of two units, e.g. "2 hours, 5 minutes". */
  return g_strdup_printf (_("%s, %s"), first, second);
}

static gboolean
on_uptime_tick_cb (gpointer user_data);

/* The uptime row, refreshed every half minute while the guest runs. */
static void
update_uptime (HangarGuestWindow *self)
{
  gint64 start = hangar_guest_get_start_time (self->guest);
  g_autofree char *text = NULL;
  gboolean active = hangar_guest_is_active (self->guest);

  if (!active)
    text = g_strdup (_("Not running"));
  else if (start == 0)
    text = g_strdup (_("Unknown"));
  else
    text = hangar_format_uptime (MAX (0, (g_get_real_time () - start) / G_USEC_PER_SEC));
  adw_action_row_set_subtitle (self->uptime_row, text);

  if (active && start != 0 && self->uptime_source == 0)
    self->uptime_source = g_timeout_add_seconds (30, on_uptime_tick_cb, self);
  else if (!(active && start != 0))
    g_clear_handle_id (&self->uptime_source, g_source_remove);
}

static gboolean
on_uptime_tick_cb (gpointer user_data)
{
  HangarGuestWindow *self = user_data;

  update_uptime (self);
  return G_SOURCE_CONTINUE;
}

static void
update_overview (HangarGuestWindow *self)
{
  g_autofree char *memory = g_format_size_full (hangar_guest_get_memory (self->guest) * 1024,
                                                G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *vcpus = g_strdup_printf ("%u", hangar_guest_get_vcpus (self->guest));
  const char *graphics = _("Unknown");

  if (self->consoles != NULL)
    graphics = self->consoles->type == NULL          ? _("None")
               : g_str_equal (self->consoles->type, "vnc") ? "VNC"
                                                           : "SPICE";

  gtk_window_set_title (GTK_WINDOW (self), hangar_guest_get_name (self->guest));
  adw_window_title_set_title (self->fullscreen_title, hangar_guest_get_name (self->guest));
  adw_action_row_set_subtitle (self->name_row, hangar_guest_get_name (self->guest));
  adw_action_row_set_subtitle (self->state_row, hangar_guest_get_state_label (self->guest));
  adw_action_row_set_subtitle (self->host_row, hangar_guest_get_host_name (self->guest));
  adw_action_row_set_subtitle (self->vcpus_row, vcpus);
  adw_action_row_set_subtitle (self->memory_row, memory);
  adw_action_row_set_subtitle (self->graphics_row, graphics);
  {
    g_autofree char *os = os_name (self->consoles ? self->consoles->os_id : NULL);

    adw_action_row_set_subtitle (self->os_row, os);
  }
  adw_action_row_set_subtitle (self->uuid_row, hangar_guest_get_uuid (self->guest));
  update_uptime (self);
}

static void
show_status (HangarGuestWindow *self,
             const char        *icon_name,
             const char        *title,
             const char        *description,
             gboolean           spinning,
             gboolean           can_run,
             gboolean           can_reconnect)
{
  adw_status_page_set_icon_name (self->status_page, spinning ? NULL : icon_name);
  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page, description);
  gtk_widget_set_visible (GTK_WIDGET (self->status_spinner), spinning);
  gtk_widget_set_visible (GTK_WIDGET (self->status_run_button), can_run);
  gtk_widget_set_visible (GTK_WIDGET (self->status_reconnect_button), can_reconnect);
  gtk_stack_set_visible_child_name (self->console_stack, "status");
}

/* Picks what the console page shows from the guest's and the display's states. */
static void
update_console_view (HangarGuestWindow *self)
{
  gboolean running = hangar_guest_is_active (self->guest);
  gboolean has_serial = self->consoles != NULL && self->consoles->has_serial;
  gboolean has_graphics = self->display != NULL;

  gtk_action_bar_set_revealed (self->console_switch_bar, has_serial && has_graphics);
  gtk_widget_set_visible (GTK_WIDGET (self->console_tools), has_graphics);
  hangar_guest_window_actions_update (self);

  if (self->consoles == NULL)
    {
      show_status (self, NULL, _("Looking for the Console…"), NULL, TRUE, FALSE, FALSE);
      return;
    }

  if (hangar_guest_get_state (self->guest) == HANGAR_GUEST_STATE_UNKNOWN)
    {
      /* Its host dropped the connection; the same window comes back to life with it. */
      show_status (self, "network-offline-symbolic", _("Host Not Connected"),
                   _("The console returns when Hangar is connected to this guest's host "
                     "again."), FALSE, FALSE, FALSE);
      return;
    }

  if (!running)
    {
      show_status (self, "media-playback-stop-symbolic", _("Guest Is Not Running"),
                   _("Run it to see its screen."), FALSE,
                   hangar_guest_can_do (self->guest, HANGAR_GUEST_ACTION_RUN), FALSE);
      return;
    }

  if (has_serial && (!has_graphics || gtk_toggle_button_get_active (self->serial_toggle)))
    {
      gtk_stack_set_visible_child_name (self->console_stack, "serial");
      /* The graphical tools do nothing for a text console. */
      gtk_widget_set_visible (GTK_WIDGET (self->console_tools), FALSE);
      if (self->serial != NULL)
        gtk_widget_grab_focus (GTK_WIDGET (hangar_serial_console_get_terminal (self->serial)));
      return;
    }

  if (!has_graphics)
    {
      show_status (self, "computer-fail-symbolic", _("No Console"),
                   _("This guest has neither a graphical nor a serial console."), FALSE,
                   FALSE, FALSE);
      return;
    }

  switch (hangar_display_get_state (self->display))
    {
    case HANGAR_DISPLAY_STATE_CONNECTED:
      gtk_stack_set_visible_child_name (self->console_stack, "display");
      break;
    case HANGAR_DISPLAY_STATE_CONNECTING:
      show_status (self, NULL, _("Connecting…"), NULL, TRUE, FALSE, FALSE);
      break;
    case HANGAR_DISPLAY_STATE_DISCONNECTED:
    default:
      show_status (self, "network-offline-symbolic", _("Disconnected"),
                   hangar_display_get_status_message (self->display), FALSE, FALSE, TRUE);
      break;
    }
}

static void
on_console_toggle_cb (HangarGuestWindow *self)
{
  update_console_view (self);
  if (self->display != NULL && !gtk_toggle_button_get_active (self->serial_toggle))
    gtk_widget_grab_focus (GTK_WIDGET (self->display));
}

static void
on_display_state_cb (HangarGuestWindow *self)
{
  update_console_view (self);
  update_usb (self);
  if (self->display != NULL &&
      hangar_display_get_state (self->display) == HANGAR_DISPLAY_STATE_CONNECTED &&
      gtk_widget_get_mapped (GTK_WIDGET (self->display)))
    gtk_widget_grab_focus (GTK_WIDGET (self->display));
}

static void
give_password (HangarGuestWindow *self,
               const char        *password)
{
  if (self->display != NULL)
    hangar_display_set_password (self->display, password);
}

static void
on_password_response_cb (HangarPasswordDialog *dialog,
                         const char           *response,
                         HangarGuestWindow    *self)
{
  const char *password = hangar_password_dialog_get_password (dialog);

  if (!g_str_equal (response, "connect"))
    {
      if (self->display != NULL && HANGAR_IS_VNC_DISPLAY (self->display))
        hangar_vnc_display_close (HANGAR_VNC_DISPLAY (self->display));
      return;
    }

  if (hangar_password_dialog_get_remember (dialog))
    hangar_console_password_store (hangar_guest_get_uuid (self->guest),
                                   hangar_guest_get_name (self->guest), password);
  give_password (self, password);
}

static void
ask_password (HangarGuestWindow *self,
              const char        *keyring_problem)
{
  HangarPasswordDialog *dialog = hangar_password_dialog_new (GTK_WINDOW (self),
                                                             hangar_guest_get_name (self->guest),
                                                             keyring_problem);

  g_signal_connect_object (dialog, "response", G_CALLBACK (on_password_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_password_lookup_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(HangarGuestWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = hangar_console_password_lookup_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    {
      /* No Secret Service on the session bus (no GNOME Keyring, KWallet…). */
      g_debug ("No keyring for console passwords: %s", error->message);
      ask_password (self, _("Hangar cannot remember it: no keyring service (such as GNOME "
                            "Keyring) answers on this desktop."));
      return;
    }
  /* A remembered password is tried once; if it is wrong the user is asked. */
  if (password != NULL && !self->tried_saved_password)
    {
      self->tried_saved_password = TRUE;
      give_password (self, password);
      return;
    }
  ask_password (self, NULL);
}

static void
on_password_needed_cb (HangarGuestWindow *self)
{
  hangar_console_password_lookup_async (hangar_guest_get_uuid (self->guest), self->cancellable,
                                        on_password_lookup_cb, g_object_ref (self));
}

static void
open_display (HangarGuestWindow *self)
{
  if (self->display == NULL || !hangar_guest_is_active (self->guest))
    return;
  if (HANGAR_IS_VNC_DISPLAY (self->display))
    hangar_vnc_display_open (HANGAR_VNC_DISPLAY (self->display), self->guest);
  else if (HANGAR_IS_SPICE_DISPLAY (self->display))
    hangar_spice_display_open (HANGAR_SPICE_DISPLAY (self->display), self->guest);
}

/* USB redirection (SPICE): a popover with a switch per host device, the list rebuilt
 * from the session's SpiceUsbDeviceManager whenever it changes. */

typedef struct
{
  HangarGuestWindow *self;
  GtkSwitch *toggle;
  gboolean share;
} UsbOperation;

static void
usb_device_free (gpointer device)
{
  g_boxed_free (SPICE_TYPE_USB_DEVICE, device);
}

static GtkWidget *
find_usb_row (HangarGuestWindow *self,
              SpiceUsbDevice    *device)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->usb_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (g_object_get_data (G_OBJECT (row), "device") == (gpointer)device)
      return row;
  return NULL;
}

/* Puts the switch back where the device is, without asking the manager again. */
static void
reset_usb_switch (HangarGuestWindow *self,
                  GtkSwitch         *toggle,
                  gboolean           shared,
                  const char        *error)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (toggle), ADW_TYPE_ACTION_ROW);
  gpointer handler = g_object_get_data (G_OBJECT (toggle), "state-set-handler");

  if (handler != NULL)
    g_signal_handler_block (toggle, GPOINTER_TO_SIZE (handler));
  gtk_switch_set_active (toggle, shared);
  gtk_switch_set_state (toggle, shared);
  if (handler != NULL)
    g_signal_handler_unblock (toggle, GPOINTER_TO_SIZE (handler));
  gtk_widget_set_sensitive (GTK_WIDGET (toggle), TRUE);
  if (row != NULL && error != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), error);
}

static void
on_usb_operation_done_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  UsbOperation *op = user_data;
  SpiceUsbDeviceManager *manager = SPICE_USB_DEVICE_MANAGER (source);
  g_autoptr(GError) error = NULL;
  gboolean done;

  if (op->share)
    done = spice_usb_device_manager_connect_device_finish (manager, result, &error);
  else
    done = spice_usb_device_manager_disconnect_device_finish (manager, result, &error);

  if (done)
    reset_usb_switch (op->self, op->toggle, op->share, NULL);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    reset_usb_switch (op->self, op->toggle, !op->share, NULL);
  else
    {
      g_autofree char *message =
        op->share ? g_strdup_printf (_("Could not share the device: %s"), error->message)
                  : g_strdup_printf (_("Could not take the device back: %s"), error->message);

      reset_usb_switch (op->self, op->toggle, !op->share, message);
    }

  g_object_unref (op->self);
  g_object_unref (op->toggle);
  g_free (op);
}

static gboolean
on_usb_switch_state_set_cb (GtkSwitch         *toggle,
                            gboolean           share,
                            HangarGuestWindow *self)
{
  SpiceUsbDevice *device = g_object_get_data (G_OBJECT (toggle), "device");
  UsbOperation *op;

  if (self->usb_manager == NULL || device == NULL)
    return TRUE;

  op = g_new0 (UsbOperation, 1);
  op->self = g_object_ref (self);
  op->toggle = g_object_ref (toggle);
  op->share = share;
  /* The switch moves now and settles (its "state") when the guest has the device. */
  gtk_widget_set_sensitive (GTK_WIDGET (toggle), FALSE);
  if (share)
    spice_usb_device_manager_connect_device_async (self->usb_manager, device, self->cancellable,
                                                   on_usb_operation_done_cb, op);
  else
    spice_usb_device_manager_disconnect_device_async (self->usb_manager, device,
                                                      self->cancellable,
                                                      on_usb_operation_done_cb, op);
  return TRUE;
}

static GtkWidget *
usb_row_new (HangarGuestWindow *self,
             SpiceUsbDevice    *device)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *description = spice_usb_device_get_description (device, NULL);
  gboolean shared = spice_usb_device_manager_is_device_connected (self->usb_manager, device);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();
  gulong handler;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), description);
  g_object_set_data_full (G_OBJECT (row), "device",
                          g_boxed_copy (SPICE_TYPE_USB_DEVICE, device), usb_device_free);

  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_switch_set_active (GTK_SWITCH (toggle), shared);
  gtk_switch_set_state (GTK_SWITCH (toggle), shared);
  gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  description, -1);
  g_object_set_data_full (G_OBJECT (toggle), "device",
                          g_boxed_copy (SPICE_TYPE_USB_DEVICE, device), usb_device_free);
  handler = g_signal_connect (toggle, "state-set", G_CALLBACK (on_usb_switch_state_set_cb),
                              self);
  g_object_set_data (G_OBJECT (toggle), "state-set-handler", GSIZE_TO_POINTER (handler));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);

  /* Say why a device cannot go, rather than let the switch fail. */
  if (!shared && !spice_usb_device_manager_can_redirect_device (self->usb_manager, device,
                                                                &error))
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), error->message);
      gtk_widget_set_sensitive (toggle, FALSE);
    }
  return row;
}

static void
show_usb_status (HangarGuestWindow *self,
                 const char        *title,
                 const char        *description)
{
  adw_status_page_set_title (self->usb_status, title);
  adw_status_page_set_description (self->usb_status, description);
  gtk_stack_set_visible_child_name (self->usb_stack, "status");
}

static void
fill_usb_popover (HangarGuestWindow *self)
{
  HangarSpiceDisplay *spice = HANGAR_IS_SPICE_DISPLAY (self->display)
                                ? HANGAR_SPICE_DISPLAY (self->display) : NULL;
  g_autoptr(GPtrArray) devices = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->usb_list))) != NULL)
    gtk_list_box_remove (self->usb_list, child);

  if (spice == NULL)
    return;
  if (hangar_display_get_state (self->display) != HANGAR_DISPLAY_STATE_CONNECTED)
    {
      show_usb_status (self, _("Not Connected"),
                       _("USB devices can be shared while the console is connected."));
      return;
    }
  if (hangar_spice_display_get_usb_error (spice) != NULL)
    {
      show_usb_status (self, _("USB Sharing Unavailable"),
                       hangar_spice_display_get_usb_error (spice));
      return;
    }
  if (self->usb_manager == NULL)
    {
      show_usb_status (self, _("No USB Redirection"),
                       _("This guest has no USB redirection channels."));
      return;
    }

  devices = spice_usb_device_manager_get_devices (self->usb_manager);
  if (devices == NULL || devices->len == 0)
    {
      show_usb_status (self, _("No USB Devices"),
                       _("Plug in a USB device to share it with the guest."));
      return;
    }
  for (guint i = 0; i < devices->len; i++)
    gtk_list_box_append (self->usb_list, usb_row_new (self, g_ptr_array_index (devices, i)));
  gtk_stack_set_visible_child_name (self->usb_stack, "devices");
}

static void
on_usb_device_error_cb (SpiceUsbDeviceManager *manager,
                        SpiceUsbDevice        *device,
                        GError                *error,
                        HangarGuestWindow     *self)
{
  GtkWidget *row;

  fill_usb_popover (self);
  row = find_usb_row (self, device);
  if (row != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), error->message);
}

/* Follows the display's USB device manager: the button shows for SPICE guests only. */
static void
update_usb (HangarGuestWindow *self)
{
  HangarSpiceDisplay *spice = HANGAR_IS_SPICE_DISPLAY (self->display)
                                ? HANGAR_SPICE_DISPLAY (self->display) : NULL;
  SpiceUsbDeviceManager *manager = spice ? hangar_spice_display_get_usb_manager (spice) : NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->usb_button), spice != NULL);

  if (manager != self->usb_manager)
    {
      if (self->usb_manager != NULL)
        g_signal_handlers_disconnect_by_data (self->usb_manager, self);
      g_set_object (&self->usb_manager, manager);
      if (manager != NULL)
        {
          g_signal_connect_swapped (manager, "device-added", G_CALLBACK (fill_usb_popover), self);
          g_signal_connect_swapped (manager, "device-removed", G_CALLBACK (fill_usb_popover),
                                    self);
          g_signal_connect (manager, "device-error", G_CALLBACK (on_usb_device_error_cb), self);
        }
    }
  fill_usb_popover (self);
}

static void
on_usb_popover_show_cb (HangarGuestWindow *self)
{
  /* The devices' states may have changed behind the list's back. */
  fill_usb_popover (self);
}

static HangarDisplayScaling
scaling_from_string (const char *name)
{
  if (g_strcmp0 (name, "one-to-one") == 0)
    return HANGAR_DISPLAY_SCALING_ONE_TO_ONE;
  if (g_strcmp0 (name, "resize-guest") == 0)
    return HANGAR_DISPLAY_SCALING_RESIZE_GUEST;
  return HANGAR_DISPLAY_SCALING_FIT;
}

static void
apply_scaling (HangarGuestWindow *self,
               const char        *name)
{
  HangarDisplayScaling scaling = scaling_from_string (name);

  if (self->display == NULL)
    return;
  hangar_display_set_scaling (self->display, scaling);
  /* Scrollbars only make sense when the picture keeps its own size. */
  gtk_scrolled_window_set_policy (self->display_scroller,
                                  scaling == HANGAR_DISPLAY_SCALING_ONE_TO_ONE
                                    ? GTK_POLICY_AUTOMATIC : GTK_POLICY_NEVER,
                                  scaling == HANGAR_DISPLAY_SCALING_ONE_TO_ONE
                                    ? GTK_POLICY_AUTOMATIC : GTK_POLICY_NEVER);
}

static void
on_query_consoles_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(HangarGuestWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  GSettings *settings;

  self->consoles = hangar_guest_query_consoles_finish (HANGAR_GUEST (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (self->consoles == NULL)
    {
      show_status (self, "dialog-error-symbolic", _("Could Not Find the Console"),
                   error->message, FALSE, FALSE, FALSE);
      return;
    }

  if (g_strcmp0 (self->consoles->type, "vnc") == 0)
    {
      self->display = HANGAR_DISPLAY (hangar_vnc_display_new ());
    }
  else if (g_strcmp0 (self->consoles->type, "spice") == 0)
    self->display = HANGAR_DISPLAY (hangar_spice_display_new ());
  if (self->display != NULL)
    g_signal_connect_object (self->display, "password-needed",
                             G_CALLBACK (on_password_needed_cb), self, G_CONNECT_SWAPPED);

  if (self->consoles->has_serial)
    {
      self->serial = HANGAR_SERIAL_CONSOLE (hangar_serial_console_new ());
      gtk_widget_set_vexpand (GTK_WIDGET (self->serial), TRUE);
      gtk_box_append (self->serial_box, GTK_WIDGET (self->serial));
      hangar_serial_console_set_guest (self->serial, self->guest);
    }

  if (self->display != NULL)
    {
      settings = hangar_application_get_settings (self->application);
      gtk_scrolled_window_set_child (self->display_scroller, GTK_WIDGET (self->display));
      g_settings_bind (settings, "release-combination", self->display, "release-keys",
                       G_SETTINGS_BIND_GET);
      g_settings_bind (settings, "share-clipboard", self->display, "share-clipboard",
                       G_SETTINGS_BIND_GET);
      if (HANGAR_IS_SPICE_DISPLAY (self->display))
        g_signal_connect_object (self->display, "notify::usb-manager",
                                 G_CALLBACK (update_usb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->display, "notify::state", G_CALLBACK (on_display_state_cb),
                               self, G_CONNECT_SWAPPED);
      {
        g_autofree char *scaling = g_settings_get_string (settings, "console-scaling");

        g_clear_pointer (&self->scaling_mode, g_free);
        set_scaling_mode (self, scaling);
      }
      open_display (self);
    }

  update_overview (self);
  update_console_view (self);
  update_usb (self);
}

static void
on_guest_state_cb (HangarGuestWindow *self)
{
  update_overview (self);

  /* A guest that starts (or starts again) gets its console back by itself. */
  if (self->display != NULL && hangar_guest_is_active (self->guest) &&
      hangar_display_get_state (self->display) == HANGAR_DISPLAY_STATE_DISCONNECTED)
    open_display (self);
  update_console_view (self);
}

/* Actions. */

static void
on_action_done_cb (GObject      *object,
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
action_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  HangarGuestWindow *self = HANGAR_GUEST_WINDOW (widget);

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    if (g_str_equal (actions[i].name, action_name))
      hangar_guest_run_action_async (self->guest, actions[i].action, self->cancellable,
                                     on_action_done_cb, g_object_ref (self));
}

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

      if (f >= 1 && f <= 10)
        keys[2] = 0x3b + f - 1;
      else if (f == 11)
        keys[2] = 0x57;
      else if (f == 12)
        keys[2] = 0x58;
      else
        return;
    }
  else
    return;

  hangar_display_send_keys (self->display, keys, n);
}

/* The "scaling-mode" property backs the console.scaling radio action. */
static void
set_scaling_mode (HangarGuestWindow *self,
                  const char        *name)
{
  if (g_strcmp0 (self->scaling_mode, name) == 0)
    return;
  g_free (self->scaling_mode);
  self->scaling_mode = g_strdup (name);
  apply_scaling (self, name);
  if (self->application != NULL)
    g_settings_set_string (hangar_application_get_settings (self->application),
                           "console-scaling", name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALING_MODE]);
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

  if (self->file_chooser != NULL)
    return;
  self->file_chooser = gtk_file_chooser_native_new (_("Save Screenshot"), GTK_WINDOW (self),
                                                    GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                                                    _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->file_chooser), name);
  g_signal_connect (self->file_chooser, "response", G_CALLBACK (on_screenshot_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->file_chooser));
}

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

static void
on_fullscreened_cb (HangarGuestWindow *self)
{
  gboolean fullscreen = gtk_window_is_fullscreen (GTK_WINDOW (self));

  gtk_widget_set_visible (GTK_WIDGET (self->header_bar), !fullscreen);
  gtk_revealer_set_reveal_child (self->fullscreen_revealer, FALSE);
  if (fullscreen)
    adw_view_stack_set_visible_child_name (self->view_stack, "console");
}

/* In fullscreen, a toolbar slides in when the pointer touches the top edge. */
static void
on_pointer_motion_cb (GtkEventControllerMotion *controller,
                      double                    x,
                      double                    y,
                      HangarGuestWindow        *self)
{
  int bar_height;

  if (!gtk_window_is_fullscreen (GTK_WINDOW (self)))
    return;
  bar_height = gtk_widget_get_height (GTK_WIDGET (self->fullscreen_revealer));
  if (y <= 2)
    gtk_revealer_set_reveal_child (self->fullscreen_revealer, TRUE);
  else if (y > MAX (bar_height, 48) + 8)
    gtk_revealer_set_reveal_child (self->fullscreen_revealer, FALSE);
}

static void
reconnect_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  open_display (HANGAR_GUEST_WINDOW (widget));
}

/* GObject. */

static void
hangar_guest_window_dispose (GObject *object)
{
  HangarGuestWindow *self = (HangarGuestWindow *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->uptime_source, g_source_remove);
  if (self->guest != NULL)
    g_signal_handlers_disconnect_by_data (self->guest, self);
  if (self->file_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->file_chooser));
  g_clear_object (&self->file_chooser);
  if (self->usb_manager != NULL)
    g_signal_handlers_disconnect_by_data (self->usb_manager, self);
  g_clear_object (&self->usb_manager);
  g_clear_object (&self->guest);
  g_clear_object (&self->application);
  g_clear_pointer (&self->consoles, hangar_graphics_info_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_GUEST_WINDOW);

  G_OBJECT_CLASS (hangar_guest_window_parent_class)->dispose (object);
}

static void
hangar_guest_window_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HangarGuestWindow *self = HANGAR_GUEST_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SCALING_MODE:
      g_value_set_string (value, self->scaling_mode);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_guest_window_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  HangarGuestWindow *self = HANGAR_GUEST_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SCALING_MODE:
      set_scaling_mode (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_guest_window_finalize (GObject *object)
{
  HangarGuestWindow *self = (HangarGuestWindow *)object;

  g_clear_object (&self->cancellable);
  g_free (self->scaling_mode);

  G_OBJECT_CLASS (hangar_guest_window_parent_class)->finalize (object);
}

static void
hangar_guest_window_class_init (HangarGuestWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_guest_window_dispose;
  object_class->finalize = hangar_guest_window_finalize;
  object_class->get_property = hangar_guest_window_get_property;
  object_class->set_property = hangar_guest_window_set_property;

  properties[PROP_SCALING_MODE] =
    g_param_spec_string ("scaling-mode", NULL, NULL, "fit",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-guest-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, fullscreen_revealer);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, fullscreen_title);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, console_tools);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, clipboard_button);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, usb_button);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, usb_stack);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, usb_list);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, usb_status);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, console_stack);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, status_page);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, status_spinner);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, status_run_button);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, status_reconnect_button);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, display_scroller);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, serial_box);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, console_switch_bar);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, serial_toggle);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, state_row);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, uptime_row);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, host_row);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, vcpus_row);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, memory_row);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, graphics_row);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, os_row);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, uuid_row);
  gtk_widget_class_bind_template_callback (widget_class, on_console_toggle_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_usb_popover_show_cb);

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_class_install_action (widget_class, actions[i].name, NULL, action_activated);
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

static void
hangar_guest_window_init (HangarGuestWindow *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  /* The scaling action reads this property while the template is built. */
  self->scaling_mode = g_strdup ("fit");
  gtk_widget_init_template (GTK_WIDGET (self));
  hangar_spinner_spin_while_mapped (self->status_spinner);
  self->cancellable = g_cancellable_new ();

  g_signal_connect (motion, "motion", G_CALLBACK (on_pointer_motion_cb), self);
  gtk_event_controller_set_propagation_phase (motion, GTK_PHASE_CAPTURE);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect (self, "notify::fullscreened", G_CALLBACK (on_fullscreened_cb), NULL);
}

HangarGuestWindow *
hangar_guest_window_new (HangarApplication *application,
                         HangarGuest       *guest)
{
  HangarGuestWindow *self;

  g_return_val_if_fail (HANGAR_IS_GUEST (guest), NULL);

  self = g_object_new (HANGAR_TYPE_GUEST_WINDOW, "application", application, NULL);
  self->application = g_object_ref (application);
  self->guest = g_object_ref (guest);
  g_settings_bind (hangar_application_get_settings (application), "share-clipboard",
                   self->clipboard_button, "active", G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_swapped (guest, "notify::state", G_CALLBACK (on_guest_state_cb), self);
  g_signal_connect_swapped (guest, "notify::memory", G_CALLBACK (update_overview), self);
  g_signal_connect_swapped (guest, "notify::vcpus", G_CALLBACK (update_overview), self);
  g_signal_connect_swapped (guest, "notify::start-time", G_CALLBACK (update_uptime), self);
  update_overview (self);
  update_console_view (self);
  hangar_guest_query_consoles_async (guest, self->cancellable, on_query_consoles_cb,
                                     g_object_ref (self));
  return self;
}

HangarGuest *
hangar_guest_window_get_guest (HangarGuestWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_GUEST_WINDOW (self), NULL);
  return self->guest;
}

HangarDisplay *
hangar_guest_window_get_display (HangarGuestWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_GUEST_WINDOW (self), NULL);
  return self->display;
}
