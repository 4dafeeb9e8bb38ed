// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-guest-window"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-guest-window-private.h"
#include "hangar-password-dialog.h"
#include "hangar-session.h"
#include "hangar-spice-display.h"
#include "hangar-spinner.h"
#include "hangar-ui-util.h"
#include "hangar-vnc-display.h"

G_DEFINE_FINAL_TYPE (HangarGuestWindow, hangar_guest_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_GUEST,
  PROP_SESSION,
  PROP_SCALING_MODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void set_scaling_mode (HangarGuestWindow *self,
                              const char        *name);

/* The console page. */

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
  hangar_name_page_scroller (GTK_WIDGET (self->status_page), title);
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
  _hangar_guest_window_actions_update (self);

  if (self->consoles == NULL)
    {
      show_status (self, NULL, _("Looking for the Console…"), NULL, TRUE, FALSE, FALSE);
      return;
    }

  if (hangar_guest_get_state (self->guest) == HANGAR_GUEST_STATE_UNKNOWN)
    {
      HangarConnection *host = hangar_guest_get_connection (self->guest);
      HangarConnectionState host_state = host != NULL ? hangar_connection_get_state (host)
                                                      : HANGAR_CONNECTION_STATE_DISCONNECTED;

      /* Its host dropped: the connection comes back by itself, with growing delays, and
       * the guest and its console (on_guest_state_cb) with it. */
      if (host_state == HANGAR_CONNECTION_STATE_FAILED ||
          host_state == HANGAR_CONNECTION_STATE_CONNECTING)
        {
          const char *why = hangar_connection_get_error_message (host);
          const char *then = _("Hangar connects to the host again by itself, and the console "
                               "returns with it.");
          g_autofree char *description = why != NULL ? g_strdup_printf ("%s %s", why, then)
                                                     : g_strdup (then);

          /* Reconnect tries the host now rather than at its next attempt. */
          show_status (self, "network-offline-symbolic", _("Disconnected"), description, FALSE,
                       FALSE, host_state == HANGAR_CONNECTION_STATE_FAILED);
          return;
        }
      /* Closed: the same window comes back to life when the host is opened again. */
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

/* Graphical / Serial: the keyboard goes to the console just chosen. */
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
  /* A console that just connected takes the keyboard, unless it is not on screen (the
   * Overview page, or the serial console shown instead). */
  if (self->display != NULL &&
      hangar_display_get_state (self->display) == HANGAR_DISPLAY_STATE_CONNECTED &&
      gtk_widget_get_mapped (GTK_WIDGET (self->display)))
    gtk_widget_grab_focus (GTK_WIDGET (self->display));
}

/* Console passwords: the display asks ("password-needed") when its server wants one; the
 * keyring is looked up first, the user asked when it has none or it was wrong. */

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
      /* Cancelled: the console stops waiting and shows Reconnect. */
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

/* (Re)connects the graphical console of a running guest. */
void
_hangar_guest_window_open_display (HangarGuestWindow *self)
{
  if (self->display == NULL || !hangar_guest_is_active (self->guest))
    return;
  if (HANGAR_IS_VNC_DISPLAY (self->display))
    hangar_vnc_display_open (HANGAR_VNC_DISPLAY (self->display), self->guest);
  else if (HANGAR_IS_SPICE_DISPLAY (self->display))
    hangar_spice_display_open (HANGAR_SPICE_DISPLAY (self->display), self->guest);
}

/* Scaling: the "scaling-mode" property ("fit", "one-to-one", "resize-guest") is the
 * console.scaling radio action and the console-scaling setting. */

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

/* The guest's definition is read: the window now knows which consoles it has, creates
 * them and opens the graphical one. */
static void
on_query_consoles_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(HangarGuestWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  self->consoles = hangar_guest_query_consoles_finish (HANGAR_GUEST (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (self->consoles == NULL)
    {
      show_status (self, "dialog-error-symbolic", _("Could Not Find the Console"),
                   error->message, FALSE, FALSE, FALSE);
      return;
    }

  hangar_guest_overview_set_consoles (self->overview, self->consoles);
  if (g_strcmp0 (self->consoles->type, "vnc") == 0)
    self->display = HANGAR_DISPLAY (hangar_vnc_display_new ());
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
      gtk_scrolled_window_set_child (self->display_scroller, GTK_WIDGET (self->display));
      g_settings_bind (self->settings, "release-combination", self->display, "release-keys",
                       G_SETTINGS_BIND_GET);
      g_settings_bind (self->settings, "share-clipboard", self->display, "share-clipboard",
                       G_SETTINGS_BIND_GET);
      /* The USB menu is for SPICE consoles. */
      gtk_widget_set_visible (GTK_WIDGET (self->usb_button),
                              HANGAR_IS_SPICE_DISPLAY (self->display));
      hangar_usb_popover_set_display (self->usb_popover, self->display);
      g_signal_connect_object (self->display, "notify::state", G_CALLBACK (on_display_state_cb),
                               self, G_CONNECT_SWAPPED);
      {
        g_autofree char *scaling = g_settings_get_string (self->settings, "console-scaling");

        /* Forgotten first, so that the setting reaches the display even when it equals
         * the default the window started with. */
        g_clear_pointer (&self->scaling_mode, g_free);
        set_scaling_mode (self, scaling);
      }
      _hangar_guest_window_open_display (self);
    }

  update_console_view (self);
}

static void
on_guest_state_cb (HangarGuestWindow *self)
{
  /* A guest that starts (or starts again) gets its console back by itself. */
  if (self->display != NULL && hangar_guest_is_active (self->guest) &&
      hangar_display_get_state (self->display) == HANGAR_DISPLAY_STATE_DISCONNECTED)
    _hangar_guest_window_open_display (self);
  update_console_view (self);
}

/* The guest left its host (deleted here, by another program, or found gone when the
 * host came back): its window has nothing left to show or run, and closes, as
 * virt-manager's and GNOME Boxes' do. A host that only dropped keeps it open. */
static void
on_guest_removed_cb (HangarGuestWindow *self)
{
  if (hangar_guest_get_removed (self->guest))
    gtk_window_destroy (GTK_WINDOW (self));
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
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "console-scaling", name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALING_MODE]);
}

/* Fullscreen hides the header bar (its toolbar slides in from the top edge instead) and
 * shows the console, which is what fullscreen is for. */
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

/* GObject. */

static void
hangar_guest_window_constructed (GObject *object)
{
  HangarGuestWindow *self = HANGAR_GUEST_WINDOW (object);

  G_OBJECT_CLASS (hangar_guest_window_parent_class)->constructed (object);

  /* Both are construct-only: hangar_guest_window_new () gives them. */
  g_assert (self->guest != NULL && self->session != NULL);
  self->settings = g_object_ref (hangar_session_get_settings (self->session));
  g_settings_bind (self->settings, "share-clipboard", self->clipboard_button, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_object_bind_property (self->guest, "name", self, "title", G_BINDING_SYNC_CREATE);
  hangar_guest_overview_set_guest (self->overview, self->guest);
  g_signal_connect_swapped (self->guest, "notify::state", G_CALLBACK (on_guest_state_cb), self);
  g_signal_connect_swapped (self->guest, "notify::removed", G_CALLBACK (on_guest_removed_cb),
                            self);
  /* While the host is away, the console page tells why and whether it is coming back. */
  if (hangar_guest_get_connection (self->guest) != NULL)
    {
      g_signal_connect_object (hangar_guest_get_connection (self->guest), "notify::state",
                               G_CALLBACK (update_console_view), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (hangar_guest_get_connection (self->guest), "notify::error-message",
                               G_CALLBACK (update_console_view), self, G_CONNECT_SWAPPED);
    }
  update_console_view (self);
  hangar_guest_query_consoles_async (self->guest, self->cancellable, on_query_consoles_cb,
                                     g_object_ref (self));
}

static void
hangar_guest_window_dispose (GObject *object)
{
  HangarGuestWindow *self = (HangarGuestWindow *)object;

  /* Pending libvirt, keyring and file operations end before the window does. */
  g_cancellable_cancel (self->cancellable);
  if (self->guest != NULL)
    {
      HangarConnection *host = hangar_guest_get_connection (self->guest);

      g_signal_handlers_disconnect_by_data (self->guest, self);
      if (host != NULL)
        g_signal_handlers_disconnect_by_data (host, self);
    }
  if (self->file_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->file_chooser));
  g_clear_object (&self->file_chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_GUEST_WINDOW);
  g_clear_object (&self->guest);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->consoles, hangar_graphics_info_free);

  G_OBJECT_CLASS (hangar_guest_window_parent_class)->dispose (object);
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
hangar_guest_window_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HangarGuestWindow *self = HANGAR_GUEST_WINDOW (object);

  switch (prop_id)
    {
    case PROP_GUEST:
      g_value_set_object (value, self->guest);
      break;
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
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
    case PROP_GUEST:
      self->guest = g_value_dup_object (value);
      break;
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;
    case PROP_SCALING_MODE:
      set_scaling_mode (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_guest_window_class_init (HangarGuestWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = hangar_guest_window_constructed;
  object_class->dispose = hangar_guest_window_dispose;
  object_class->finalize = hangar_guest_window_finalize;
  object_class->get_property = hangar_guest_window_get_property;
  object_class->set_property = hangar_guest_window_set_property;

  /* The guest the window shows. */
  properties[PROP_GUEST] =
    g_param_spec_object ("guest", NULL, NULL, HANGAR_TYPE_GUEST,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* Where the console settings live. */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, HANGAR_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* How the console fits the window: "fit", "one-to-one" or "resize-guest". */
  properties[PROP_SCALING_MODE] =
    g_param_spec_string ("scaling-mode", NULL, NULL, "fit",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (HANGAR_TYPE_GUEST_OVERVIEW);
  g_type_ensure (HANGAR_TYPE_USB_POPOVER);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-guest-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, fullscreen_revealer);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, console_tools);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, clipboard_button);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, usb_button);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, usb_popover);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, console_stack);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, status_page);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, status_spinner);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, status_run_button);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, status_reconnect_button);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, display_scroller);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, serial_box);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, console_switch_bar);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, serial_toggle);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, overview);
  gtk_widget_class_bind_template_callback (widget_class, on_console_toggle_cb);

  _hangar_guest_window_class_actions_init (widget_class);
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

  /* In the capture phase: the console below would otherwise take the motion. */
  g_signal_connect (motion, "motion", G_CALLBACK (on_pointer_motion_cb), self);
  gtk_event_controller_set_propagation_phase (motion, GTK_PHASE_CAPTURE);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect (self, "notify::fullscreened", G_CALLBACK (on_fullscreened_cb), NULL);
}

HangarGuestWindow *
hangar_guest_window_new (GtkApplication *application,
                         HangarSession  *session,
                         HangarGuest    *guest)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (HANGAR_IS_SESSION (session), NULL);
  g_return_val_if_fail (HANGAR_IS_GUEST (guest), NULL);

  return g_object_new (HANGAR_TYPE_GUEST_WINDOW, "application", application, "guest", guest,
                       "session", session, NULL);
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
