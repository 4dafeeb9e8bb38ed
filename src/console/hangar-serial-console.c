// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-serial-console"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "hangar-console-stream.h"
#include "hangar-serial-console.h"
#include "hangar-spinner.h"

#define SCROLLBACK_LINES 10000
#define FALLBACK_FONT    "Monospace 11"

/*
 * A guest's text console: a VteTerminal fed by a HangarConsoleStream.
 *
 *   guest "state" ──(becomes active)──> open_async ──> stream
 *   stream ::data-received ──> vte_terminal_feed ──> screen
 *   VteTerminal ::commit (typing, paste, feed_child) ──> stream write ──> guest
 *
 * The stack shows "connecting", "terminal" or "disconnected" (with the reason and
 * a Reconnect button). The terminal keeps its text across reconnections.
 */
struct _HangarSerialConsole
{
  GtkWidget parent_instance;

  GtkStack *stack;
  VteTerminal *terminal;
  AdwStatusPage *disconnected_page;
  GtkWidget *reconnect_button;

  HangarGuest *guest;
  gulong state_handler;

  HangarConsoleStream *stream;
  GCancellable *cancellable; /* of the open in flight, if any */
  gboolean connected;
};

G_DEFINE_FINAL_TYPE (HangarSerialConsole, hangar_serial_console, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_GUEST,
  PROP_CONNECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The GNOME palette (GNOME Terminal's "GNOME" scheme, as GNOME Console). */
static const char *const palette_colors[16] = {
  "#241f31", "#c01c28", "#2ec27e", "#f5c211", "#1e78e4", "#9841bb", "#0ab9dc", "#c0bfbc",
  "#5e5c64", "#ed333b", "#57e389", "#f8e45c", "#51a1ff", "#c061cb", "#4fd2fd", "#f6f5f4",
};

static void connect_stream (HangarSerialConsole *self);

/* Looks. */

static void
apply_colors (HangarSerialConsole *self)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  GdkRGBA palette[16];
  GdkRGBA fg, bg;

  for (guint i = 0; i < G_N_ELEMENTS (palette_colors); i++)
    gdk_rgba_parse (&palette[i], palette_colors[i]);
  gdk_rgba_parse (&fg, dark ? "#ffffff" : "#000000");
  gdk_rgba_parse (&bg, dark ? "#1e1e1e" : "#ffffff");
  vte_terminal_set_colors (self->terminal, &fg, &bg, palette, G_N_ELEMENTS (palette));
}

static void
on_style_manager_dark_cb (HangarSerialConsole *self,
                          GParamSpec          *pspec,
                          AdwStyleManager     *manager)
{
  apply_colors (self);
}

/* The desktop's monospace font where GNOME's settings exist, else a fallback. */
static void
apply_font (HangarSerialConsole *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autofree char *name = NULL;
  g_autoptr(PangoFontDescription) font = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, "org.gnome.desktop.interface", TRUE);
  if (schema != NULL && g_settings_schema_has_key (schema, "monospace-font-name"))
    {
      g_autoptr(GSettings) settings = g_settings_new_full (schema, NULL, NULL);
      name = g_settings_get_string (settings, "monospace-font-name");
    }
  font = pango_font_description_from_string (name != NULL && *name != '\0' ? name : FALLBACK_FONT);
  vte_terminal_set_font (self->terminal, font);
}

/* States. */

static void
set_connected (HangarSerialConsole *self,
               gboolean             connected)
{
  if (self->connected == connected)
    return;
  self->connected = connected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

static gboolean
guest_is_active (HangarSerialConsole *self)
{
  return self->guest != NULL && hangar_guest_is_active (self->guest);
}

static void
show_disconnected (HangarSerialConsole *self,
                   const char          *reason)
{
  gboolean active = guest_is_active (self);

  set_connected (self, FALSE);

  if (self->guest == NULL)
    {
      adw_status_page_set_icon_name (self->disconnected_page, "utilities-terminal-symbolic");
      adw_status_page_set_title (self->disconnected_page, _("No Guest"));
      adw_status_page_set_description (self->disconnected_page, NULL);
    }
  else if (!active)
    {
      g_autofree char *text =
        g_strdup_printf (_("“%s” is not running: start it to use its serial console."),
                         hangar_guest_get_name (self->guest));

      adw_status_page_set_icon_name (self->disconnected_page, "system-shutdown-symbolic");
      adw_status_page_set_title (self->disconnected_page, _("Guest Not Running"));
      adw_status_page_set_description (self->disconnected_page, text);
    }
  else
    {
      adw_status_page_set_icon_name (self->disconnected_page, "utilities-terminal-symbolic");
      adw_status_page_set_title (self->disconnected_page, _("Serial Console Disconnected"));
      adw_status_page_set_description (self->disconnected_page,
                                       reason ? reason : _("The serial console was closed."));
    }

  /* A guest that is off reconnects by itself when it starts. */
  gtk_widget_set_visible (self->reconnect_button, active);
  gtk_stack_set_visible_child_name (self->stack, "disconnected");
}

/* Stops whatever runs (open in flight, open stream) without touching the view. */
static void
drop_stream (HangarSerialConsole *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->stream != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->stream, self);
      hangar_console_stream_close (self->stream);
      g_clear_object (&self->stream);
    }
  set_connected (self, FALSE);
}

/* The stream. */

static void
on_stream_data_received_cb (HangarConsoleStream *stream,
                            GBytes              *bytes,
                            HangarSerialConsole *self)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  vte_terminal_feed (self->terminal, data, len);
}

static void
on_stream_closed_cb (HangarConsoleStream *stream,
                     const char          *reason,
                     HangarSerialConsole *self)
{
  g_autofree char *message = g_strdup (reason);

  g_signal_handlers_disconnect_by_data (stream, self);
  g_clear_object (&self->stream);
  show_disconnected (self, message);
}

static void
on_terminal_commit_cb (VteTerminal         *terminal,
                       const char          *text,
                       guint                size,
                       HangarSerialConsole *self)
{
  if (self->stream != NULL)
    hangar_console_stream_write (self->stream, (const guint8 *)text, size);
}

static void
on_open_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(HangarSerialConsole) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarConsoleStream) stream = hangar_console_stream_open_finish (result, &error);

  /* Superseded (another guest, a newer attempt) or the widget went away. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (stream != NULL && hangar_console_stream_get_guest (stream) != self->guest)
    return;

  g_clear_object (&self->cancellable);

  if (stream == NULL)
    {
      g_debug ("%s", error->message);
      show_disconnected (self, error->message);
      return;
    }

  self->stream = g_steal_pointer (&stream);
  g_signal_connect (self->stream, "data-received", G_CALLBACK (on_stream_data_received_cb), self);
  g_signal_connect (self->stream, "closed", G_CALLBACK (on_stream_closed_cb), self);

  gtk_stack_set_visible_child_name (self->stack, "terminal");
  set_connected (self, TRUE);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_widget_grab_focus (GTK_WIDGET (self->terminal));
}

static void
connect_stream (HangarSerialConsole *self)
{
  drop_stream (self);

  if (!guest_is_active (self))
    {
      show_disconnected (self, NULL);
      return;
    }

  gtk_stack_set_visible_child_name (self->stack, "connecting");
  self->cancellable = g_cancellable_new ();
  hangar_console_stream_open_async (self->guest, NULL, self->cancellable,
                                    on_open_done_cb, g_object_ref (self));
}

static void
on_guest_state_cb (HangarSerialConsole *self,
                   GParamSpec          *pspec,
                   HangarGuest         *guest)
{
  gboolean busy = self->stream != NULL || self->cancellable != NULL;

  if (busy)
    return;

  /* Came back (started, resumed): open again. Went away: say so. */
  if (hangar_guest_get_state (guest) == HANGAR_GUEST_STATE_RUNNING)
    connect_stream (self);
  else if (!hangar_guest_is_active (guest))
    show_disconnected (self, NULL);
}

static void
on_reconnect_clicked_cb (HangarSerialConsole *self)
{
  connect_stream (self);
}

/* Clipboard. */

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  HangarSerialConsole *self = HANGAR_SERIAL_CONSOLE (widget);

  if (vte_terminal_get_has_selection (self->terminal))
    vte_terminal_copy_clipboard_format (self->terminal, VTE_FORMAT_TEXT);
}

static void
paste_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  HangarSerialConsole *self = HANGAR_SERIAL_CONSOLE (widget);

  /* Pasted text goes through ::commit, like typing. */
  if (self->connected)
    vte_terminal_paste_clipboard (self->terminal);
}

/* GObject. */

static void
hangar_serial_console_dispose (GObject *object)
{
  HangarSerialConsole *self = HANGAR_SERIAL_CONSOLE (object);

  drop_stream (self);
  if (self->guest != NULL)
    {
      g_clear_signal_handler (&self->state_handler, self->guest);
      g_clear_object (&self->guest);
    }
  if (self->stack != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->stack));
      self->stack = NULL;
    }

  G_OBJECT_CLASS (hangar_serial_console_parent_class)->dispose (object);
}

static void
hangar_serial_console_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  HangarSerialConsole *self = HANGAR_SERIAL_CONSOLE (object);

  switch (prop_id)
    {
    case PROP_GUEST:
      g_value_set_object (value, self->guest);
      break;
    case PROP_CONNECTED:
      g_value_set_boolean (value, self->connected);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_serial_console_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  HangarSerialConsole *self = HANGAR_SERIAL_CONSOLE (object);

  switch (prop_id)
    {
    case PROP_GUEST:
      hangar_serial_console_set_guest (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
hangar_serial_console_grab_focus (GtkWidget *widget)
{
  HangarSerialConsole *self = HANGAR_SERIAL_CONSOLE (widget);

  if (self->connected)
    return gtk_widget_grab_focus (GTK_WIDGET (self->terminal));
  return GTK_WIDGET_CLASS (hangar_serial_console_parent_class)->grab_focus (widget);
}

static void
hangar_serial_console_class_init (HangarSerialConsoleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_serial_console_dispose;
  object_class->get_property = hangar_serial_console_get_property;
  object_class->set_property = hangar_serial_console_set_property;
  widget_class->grab_focus = hangar_serial_console_grab_focus;

  properties[PROP_GUEST] =
    g_param_spec_object ("guest", NULL, NULL, HANGAR_TYPE_GUEST,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECTED] =
    g_param_spec_boolean ("connected", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "serial.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "serial.paste", NULL, paste_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "serial-console");
}

static void
hangar_serial_console_init (HangarSerialConsole *self)
{
  GtkWidget *spinner, *scrolled, *connecting;
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();

  /* VTE takes every key it is given: copy and paste are caught before it sees them. */
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
    gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK),
                      gtk_named_action_new ("serial.copy")));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
    gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_v, GDK_CONTROL_MASK | GDK_SHIFT_MASK),
                      gtk_named_action_new ("serial.paste")));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_CROSSFADE);
  gtk_widget_set_parent (GTK_WIDGET (self->stack), GTK_WIDGET (self));

  /* Connecting. */
  spinner = gtk_spinner_new ();
  hangar_spinner_spin_while_mapped (GTK_SPINNER (spinner));
  gtk_widget_set_size_request (spinner, 32, 32);
  connecting = adw_status_page_new ();
  adw_status_page_set_title (ADW_STATUS_PAGE (connecting), _("Connecting to the Serial Console…"));
  adw_status_page_set_child (ADW_STATUS_PAGE (connecting), spinner);
  gtk_stack_add_named (self->stack, connecting, "connecting");

  /* Connected. */
  self->terminal = VTE_TERMINAL (vte_terminal_new ());
  vte_terminal_set_scrollback_lines (self->terminal, SCROLLBACK_LINES);
  vte_terminal_set_mouse_autohide (self->terminal, TRUE);
  vte_terminal_set_scroll_on_keystroke (self->terminal, TRUE);
  vte_terminal_set_scroll_on_output (self->terminal, FALSE);
  vte_terminal_set_cursor_blink_mode (self->terminal, VTE_CURSOR_BLINK_SYSTEM);
  gtk_widget_set_hexpand (GTK_WIDGET (self->terminal), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self->terminal), TRUE);
  apply_font (self);
  apply_colors (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (on_style_manager_dark_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect (self->terminal, "commit", G_CALLBACK (on_terminal_commit_cb), self);

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->terminal));
  gtk_stack_add_named (self->stack, scrolled, "terminal");

  /* Disconnected. */
  self->reconnect_button = gtk_button_new_with_mnemonic (_("_Reconnect"));
  gtk_widget_set_halign (self->reconnect_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->reconnect_button, "pill");
  gtk_widget_add_css_class (self->reconnect_button, "suggested-action");
  g_signal_connect_swapped (self->reconnect_button, "clicked",
                            G_CALLBACK (on_reconnect_clicked_cb), self);
  self->disconnected_page = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_child (self->disconnected_page, self->reconnect_button);
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->disconnected_page), "disconnected");

  show_disconnected (self, NULL);
}

/* API. */

GtkWidget *
hangar_serial_console_new (void)
{
  return g_object_new (HANGAR_TYPE_SERIAL_CONSOLE, NULL);
}

/**
 * hangar_serial_console_get_guest:
 *
 * Returns: (transfer none) (nullable): the guest shown
 */
HangarGuest *
hangar_serial_console_get_guest (HangarSerialConsole *self)
{
  g_return_val_if_fail (HANGAR_IS_SERIAL_CONSOLE (self), NULL);
  return self->guest;
}

/**
 * hangar_serial_console_set_guest:
 * @guest: (nullable): the guest whose serial console to show
 *
 * Opens the guest's console (asynchronously) if it runs, and again each time it
 * starts.
 */
void
hangar_serial_console_set_guest (HangarSerialConsole *self,
                                 HangarGuest         *guest)
{
  g_return_if_fail (HANGAR_IS_SERIAL_CONSOLE (self));
  g_return_if_fail (guest == NULL || HANGAR_IS_GUEST (guest));

  if (self->guest == guest)
    return;

  drop_stream (self);
  if (self->guest != NULL)
    {
      g_clear_signal_handler (&self->state_handler, self->guest);
      g_clear_object (&self->guest);
    }
  vte_terminal_reset (self->terminal, TRUE, TRUE);

  if (guest != NULL)
    {
      self->guest = g_object_ref (guest);
      self->state_handler = g_signal_connect_object (guest, "notify::state",
                                                     G_CALLBACK (on_guest_state_cb), self,
                                                     G_CONNECT_SWAPPED);
    }
  connect_stream (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GUEST]);
}

/* Whether the console is open (the terminal is shown). */
gboolean
hangar_serial_console_get_connected (HangarSerialConsole *self)
{
  g_return_val_if_fail (HANGAR_IS_SERIAL_CONSOLE (self), FALSE);
  return self->connected;
}

/* Opens the console again (taking it over from another client). */
void
hangar_serial_console_reconnect (HangarSerialConsole *self)
{
  g_return_if_fail (HANGAR_IS_SERIAL_CONSOLE (self));
  connect_stream (self);
}

/**
 * hangar_serial_console_get_terminal:
 *
 * Returns: (transfer none): the terminal
 */
VteTerminal *
hangar_serial_console_get_terminal (HangarSerialConsole *self)
{
  g_return_val_if_fail (HANGAR_IS_SERIAL_CONSOLE (self), NULL);
  return self->terminal;
}
