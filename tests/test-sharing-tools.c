// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The guest window's sharing tools, on test driver guests whose consoles cannot connect
 * (the clipboard itself crosses in the end-to-end tests: e2e-spice-agent for SPICE,
 * e2e-resize's /e2e/vnc-clipboard for VNC, against real QEMU guests):
 *   - the Share Clipboard toggle, the share-clipboard setting and the display's
 *     property follow each other;
 *   - the USB Devices button shows for a SPICE guest only, and its popover says why no
 *     device is listed.
 */
#define G_LOG_DOMAIN "test-sharing-tools"

#include "config.h"

#include <adwaita.h>

#include "hangar-application.h"
#include "hangar-guest-window.h"
#include "hangar-spice-display.h"
#include "hangar-vnc-display.h"
#include "test-app-util.h"

#define TIMEOUT_S 5

static gboolean
on_tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop as the application does (blocking, woken every 10 ms to check; the
 * tick at the lowest priority, so that it never keeps idles out: see e2e_wait_for). */
static gboolean
wait_until (gboolean (*pred) (gpointer),
            gpointer   data)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_S * G_USEC_PER_SEC;
  guint tick = g_timeout_add_full (G_PRIORITY_LOW, 10, on_tick_cb, NULL, NULL);
  gboolean done;

  while (!(done = pred (data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return done;
}

/* The guest window. */

static HangarApplication *app;
static HangarConnection *connection;

static gboolean
is_connected (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_STATE_CONNECTED;
}

static GtkWidget *
find_widget (GtkWidget *root,
             GType      type,
             gboolean (*match) (GtkWidget *, gconstpointer),
             gconstpointer data)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) && (match == NULL || match (root, data)))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, match, data);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
has_tooltip (GtkWidget    *widget,
             gconstpointer tooltip)
{
  return g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0;
}

static gboolean
window_has_display (gpointer data)
{
  return hangar_guest_window_get_display (data) != NULL;
}

static gboolean
display_disconnected (gpointer data)
{
  HangarDisplay *display = data;

  return hangar_display_get_state (display) == HANGAR_DISPLAY_STATE_DISCONNECTED &&
         hangar_display_get_status_message (display) != NULL;
}

static HangarGuestWindow *
guest_window (const char *name)
{
  HangarGuest *guest = hangar_connection_find_guest (connection, name);

  g_assert_nonnull (guest);
  hangar_application_show_guest (app, guest);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (HANGAR_IS_GUEST_WINDOW (l->data) && hangar_guest_window_get_guest (l->data) == guest)
      {
        HangarDisplay *display;

        g_assert_true (wait_until (window_has_display, l->data));
        display = hangar_guest_window_get_display (l->data);
        /* The socket does not exist: the console gives up at once. */
        if (!wait_until (display_disconnected, display))
          g_error ("The console of %s did not give up: state %d, “%s”", name,
                   hangar_display_get_state (display),
                   hangar_display_get_status_message (display));
        return l->data;
      }
  g_error ("No window for %s", name);
}

static gboolean
display_shares (HangarDisplay *display)
{
  gboolean share = FALSE;

  g_object_get (display, "share-clipboard", &share, NULL);
  return share;
}

static void
test_window_clipboard_toggle (void)
{
  GSettings *settings = hangar_application_get_settings (app);
  HangarGuestWindow *window = guest_window ("vnc-guest");
  HangarDisplay *display = hangar_guest_window_get_display (window);
  GtkWidget *toggle = find_widget (GTK_WIDGET (window), GTK_TYPE_TOGGLE_BUTTON, has_tooltip,
                                   "Share Clipboard");
  GtkWidget *usb = find_widget (GTK_WIDGET (window), GTK_TYPE_MENU_BUTTON, has_tooltip,
                                "USB Devices");

  g_assert_true (HANGAR_IS_VNC_DISPLAY (display));
  g_assert_nonnull (toggle);
  g_assert_true (gtk_widget_is_visible (toggle));
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (toggle)), ==, "edit-paste-symbolic");
  g_assert_true (g_settings_get_boolean (settings, "share-clipboard"));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (toggle)));
  g_assert_true (display_shares (display));

  /* The button drives the setting, which drives the display. */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (toggle), FALSE);
  g_assert_false (g_settings_get_boolean (settings, "share-clipboard"));
  g_assert_false (display_shares (display));

  /* The setting changed elsewhere shows on the button. */
  g_settings_set_boolean (settings, "share-clipboard", TRUE);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (toggle)));
  g_assert_true (display_shares (display));

  /* USB redirection is a SPICE matter. */
  g_assert_nonnull (usb);
  g_assert_false (gtk_widget_get_visible (usb));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_usb_popover (void)
{
  GSettings *settings = hangar_application_get_settings (app);
  HangarGuestWindow *window;
  HangarDisplay *display;
  GtkWidget *usb, *popover, *status;

  /* A SPICE display follows the setting too. */
  g_settings_set_boolean (settings, "share-clipboard", FALSE);
  window = guest_window ("spice-guest");
  display = hangar_guest_window_get_display (window);
  g_assert_true (HANGAR_IS_SPICE_DISPLAY (display));
  g_assert_false (display_shares (display));
  g_settings_set_boolean (settings, "share-clipboard", TRUE);
  g_assert_true (display_shares (display));

  usb = find_widget (GTK_WIDGET (window), GTK_TYPE_MENU_BUTTON, has_tooltip, "USB Devices");
  g_assert_nonnull (usb);
  g_assert_true (gtk_widget_is_visible (usb));
  g_assert_cmpstr (gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (usb)), ==,
                   "media-removable-symbolic");

  /* Without a connection there is no device manager, and the popover says so. */
  g_assert_null (hangar_spice_display_get_usb_manager (HANGAR_SPICE_DISPLAY (display)));
  gtk_menu_button_popup (GTK_MENU_BUTTON (usb));
  popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (usb)));
  g_assert_true (gtk_widget_get_visible (popover));
  status = find_widget (popover, ADW_TYPE_STATUS_PAGE, NULL, NULL);
  g_assert_nonnull (status);
  g_assert_true (gtk_widget_is_visible (status));
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (status)), ==, "Not Connected");
  gtk_menu_button_popdown (GTK_MENU_BUTTON (usb));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *path = NULL;
  g_autofree char *uri = NULL;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* Under Xvfb the "Connecting…" spinner redraws back to back and starves idle sources,
   * among them the one that starts gvnc's and spice-client-glib's connections. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  app = test_application_new ();

  path = g_test_build_filename (G_TEST_DIST, "data", "console-guests.xml", NULL);
  uri = g_strconcat ("test://", path, NULL);
  connection = hangar_application_add_connection (app, uri, FALSE, FALSE);
  g_assert_true (wait_until (is_connected, connection));

  g_test_add_func ("/sharing-tools/clipboard-toggle", test_window_clipboard_toggle);
  g_test_add_func ("/sharing-tools/usb-popover", test_window_usb_popover);

  return g_test_run ();
}
