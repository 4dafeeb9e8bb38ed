// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Clipboard sharing and the console's sharing tools.
 *
 * QEMU's VNC server passes cut text only to and from a clipboard agent in the guest, and
 * the tiny test guest has none, so the VNC clipboard is tested against a small RFB server
 * in a thread instead: it speaks the real protocol over a socket pair, as QEMU would.
 *   - guest → host: ServerCutText in Latin-1 lands on the GdkClipboard as UTF-8, and is
 *     not sent back;
 *   - host → guest: text copied locally arrives as ClientCutText in Latin-1, characters
 *     outside it as "?"; the clipboard held when the console connects is sent at once;
 *   - "share-clipboard" off stops both ways; turned on, it sends the current text.
 * The guest window (test driver guests whose consoles cannot connect):
 *   - the Share Clipboard toggle, the share-clipboard setting and the display's
 *     property follow each other;
 *   - the USB Devices button shows for a SPICE guest only, and its popover says why no
 *     device is listed.
 */
#define G_LOG_DOMAIN "test-clipboard"

#include "config.h"

#include <sys/socket.h>
#include <unistd.h>
#include <adwaita.h>

#include "hangar-application.h"
#include "hangar-guest-window.h"
#include "hangar-spice-display.h"
#include "hangar-vnc-display.h"

#define TIMEOUT_S 5

static gboolean
on_tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop as the application does (blocking, woken every 10 ms to check). */
static gboolean
wait_until (gboolean (*pred) (gpointer),
            gpointer   data)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_S * G_USEC_PER_SEC;
  guint tick = g_timeout_add (10, on_tick_cb, NULL);
  gboolean done;

  while (!(done = pred (data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return done;
}

/* A fake VNC server: RFB 3.8, no authentication, a 64×48 screen that never changes.
 * Its thread reads what the client sends and queues the ClientCutText payloads; the
 * test writes server messages from the main thread. */

typedef struct {
  int fd;
  GThread *thread;
  GAsyncQueue *cut_texts; /* char *, Latin-1 as received */
} FakeServer;

static gboolean
read_all (int     fd,
          void   *buffer,
          gsize   length)
{
  guint8 *p = buffer;

  while (length > 0)
    {
      gssize n = read (fd, p, length);

      if (n <= 0)
        return FALSE;
      p += n;
      length -= n;
    }
  return TRUE;
}

static void
write_all (int         fd,
           const void *buffer,
           gsize       length)
{
  const guint8 *p = buffer;

  while (length > 0)
    {
      gssize n = write (fd, p, length);

      g_assert_cmpint (n, >, 0);
      p += n;
      length -= n;
    }
}

static gboolean
skip (int   fd,
      gsize length)
{
  guint8 buffer[256];

  while (length > 0)
    {
      gsize chunk = MIN (length, sizeof buffer);

      if (!read_all (fd, buffer, chunk))
        return FALSE;
      length -= chunk;
    }
  return TRUE;
}

static gpointer
fake_server_run (gpointer data)
{
  FakeServer *server = data;
  int fd = server->fd;
  static const guint8 server_init[] = {
    0, 64, 0, 48,               /* width, height */
    32, 24, 0, 1,               /* bpp, depth, little-endian, true colour */
    0, 255, 0, 255, 0, 255,     /* red, green, blue maximum */
    16, 8, 0, 0, 0, 0,          /* red, green, blue shift, padding */
    0, 0, 0, 4, 'f', 'a', 'k', 'e',
  };
  static const guint8 security[] = { 1, 1 };     /* one type: None */
  static const guint8 security_ok[] = { 0, 0, 0, 0 };
  guint8 buffer[16];

  write_all (fd, "RFB 003.008\n", 12);
  if (!read_all (fd, buffer, 12))
    return NULL;
  write_all (fd, security, sizeof security);
  if (!read_all (fd, buffer, 1))
    return NULL;
  write_all (fd, security_ok, sizeof security_ok);
  if (!read_all (fd, buffer, 1)) /* ClientInit */
    return NULL;
  write_all (fd, server_init, sizeof server_init);

  /* Client messages until the client hangs up. */
  for (;;)
    {
      guint8 type;
      gboolean ok = TRUE;

      if (!read_all (fd, &type, 1))
        break;
      switch (type)
        {
        case 0: /* SetPixelFormat */
          ok = skip (fd, 19);
          break;
        case 2: /* SetEncodings */
          ok = read_all (fd, buffer, 3) && skip (fd, 4 * ((buffer[1] << 8) | buffer[2]));
          break;
        case 3: /* FramebufferUpdateRequest */
          /* A full request gets the picture (one black pixel, raw), as RFB wants and
           * the console waits for; incremental ones, nothing: the screen never changes. */
          ok = read_all (fd, buffer, 9);
          if (ok && buffer[0] == 0)
            {
              static const guint8 update[] = { 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1,
                                               0, 0, 0, 0, 0, 0, 0, 0 };

              write_all (fd, update, sizeof update);
            }
          break;
        case 4: /* KeyEvent */
          ok = skip (fd, 7);
          break;
        case 5: /* PointerEvent */
          ok = skip (fd, 5);
          break;
        case 6: /* ClientCutText */
          {
            guint32 length;
            char *text;

            if (!read_all (fd, buffer, 7))
              return NULL;
            length = ((guint32)buffer[3] << 24) | (buffer[4] << 16) | (buffer[5] << 8) | buffer[6];
            text = g_malloc0 (length + 1);
            ok = read_all (fd, text, length);
            g_async_queue_push (server->cut_texts, text);
          }
          break;
        case 255: /* QEMU: extended key event */
          ok = read_all (fd, buffer, 1) && buffer[0] == 0 && skip (fd, 10);
          break;
        default:
          g_error ("The fake VNC server got a message it does not know: %u", type);
        }
      if (!ok)
        break;
    }
  return NULL;
}

static FakeServer *
fake_server_new (int *client_fd)
{
  FakeServer *server = g_new0 (FakeServer, 1);
  int fds[2];

  g_assert_no_errno (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds));
  server->fd = fds[0];
  *client_fd = fds[1];
  server->cut_texts = g_async_queue_new_full (g_free);
  server->thread = g_thread_new ("fake-vnc-server", fake_server_run, server);
  return server;
}

static void
fake_server_free (FakeServer *server)
{
  /* The client closed its end: the thread sees the end of the stream. */
  g_thread_join (server->thread);
  close (server->fd);
  g_async_queue_unref (server->cut_texts);
  g_free (server);
}

static void
fake_server_send_cut_text (FakeServer *server,
                           const char *latin1)
{
  guint32 length = strlen (latin1);
  guint8 header[8] = { 3, 0, 0, 0, length >> 24, length >> 16, length >> 8, length };

  write_all (server->fd, header, sizeof header);
  write_all (server->fd, latin1, length);
}

/* A FramebufferUpdate with one DesktopSize pseudo-rectangle: something the display
 * visibly acts on, to know it has read everything sent before. */
static void
fake_server_send_resize (FakeServer *server,
                         guint16     width,
                         guint16     height)
{
  guint8 message[16] = {
    0, 0, 0, 1,
    0, 0, 0, 0, width >> 8, width, height >> 8, height,
    0xff, 0xff, 0xff, 0x21, /* -223 */
  };

  write_all (server->fd, message, sizeof message);
}

/* The next ClientCutText, or NULL after a while. */
static char *
fake_server_pop_cut_text (FakeServer *server)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_S * G_USEC_PER_SEC;
  char *text;

  /* The display reads the clipboard asynchronously: keep the main loop going. */
  while ((text = g_async_queue_try_pop (server->cut_texts)) == NULL &&
         g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return text;
}

static GdkClipboard *
clipboard (void)
{
  return gdk_display_get_clipboard (gdk_display_get_default ());
}

/* The clipboard's text; everything here is copied in this process, so it is at hand. */
static char *
clipboard_text (void)
{
  GdkContentProvider *content = gdk_clipboard_get_content (clipboard ());
  g_auto(GValue) value = G_VALUE_INIT;

  if (content == NULL)
    return NULL;
  g_value_init (&value, G_TYPE_STRING);
  if (!gdk_content_provider_get_value (content, &value, NULL))
    return NULL;
  return g_value_dup_string (&value);
}

static gboolean
clipboard_is (gpointer data)
{
  g_autofree char *text = clipboard_text ();

  return g_strcmp0 (text, data) == 0;
}

static gboolean
display_connected (gpointer data)
{
  return hangar_display_get_state (data) == HANGAR_DISPLAY_STATE_CONNECTED;
}

static gboolean
display_is_80_wide (gpointer data)
{
  return hangar_display_get_guest_width (data) == 80;
}

static void
assert_next_cut_text (FakeServer *server,
                      const char *expected)
{
  g_autofree char *text = fake_server_pop_cut_text (server);

  if (text == NULL)
    g_error ("The server got no cut text; expected “%s”", expected);
  g_assert_cmpstr (text, ==, expected);
}

static void
test_vnc_clipboard (void)
{
  HangarVncDisplay *display = g_object_ref_sink (HANGAR_VNC_DISPLAY (hangar_vnc_display_new ()));
  g_autofree char *text = NULL;
  gboolean share = FALSE;
  FakeServer *server;
  int fd;

  g_object_get (display, "share-clipboard", &share, NULL);
  g_assert_true (share);

  /* Copied before the console opens: the guest gets it when it connects. */
  gdk_clipboard_set_text (clipboard (), "before");
  server = fake_server_new (&fd);
  hangar_vnc_display_open_fd (display, fd);
  g_assert_true (wait_until (display_connected, display));
  assert_next_cut_text (server, "before");

  /* Guest → host: Latin-1 on the wire, UTF-8 on the clipboard. */
  fake_server_send_cut_text (server, "caf\xe9 na\xefve");
  if (!wait_until (clipboard_is, "café naïve"))
    g_error ("The clipboard holds “%s”, not the guest's text", text = clipboard_text ());

  /* Host → guest; the guest's own text was not sent back, or it would come first. */
  gdk_clipboard_set_text (clipboard (), "€5, naïve");
  assert_next_cut_text (server, "?5, na\xefve");

  /* Off: neither way. */
  g_object_set (display, "share-clipboard", FALSE, NULL);
  g_assert_false (hangar_display_get_share_clipboard (HANGAR_DISPLAY (display)));
  fake_server_send_cut_text (server, "secret");
  fake_server_send_resize (server, 80, 60);
  g_assert_true (wait_until (display_is_80_wide, display));
  g_assert_true (clipboard_is ("€5, naïve"));
  gdk_clipboard_set_text (clipboard (), "kept");
  gdk_clipboard_set_text (clipboard (), "copied while off");

  /* On again: the current text goes, nothing from before. */
  hangar_display_set_share_clipboard (HANGAR_DISPLAY (display), TRUE);
  assert_next_cut_text (server, "copied while off");
  fake_server_send_cut_text (server, "back");
  g_assert_true (wait_until (clipboard_is, "back"));

  hangar_vnc_display_close (display);
  fake_server_free (server);
  g_assert_finalize_object (display);
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
  g_autoptr(GError) error = NULL;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* Under Xvfb the "Connecting…" spinner redraws back to back and starves idle sources,
   * among them the one that starts gvnc's and spice-client-glib's connections. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  app = hangar_application_new ();
  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_COMMAND_LINE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  path = g_test_build_filename (G_TEST_DIST, "data", "console-guests.xml", NULL);
  uri = g_strconcat ("test://", path, NULL);
  connection = hangar_application_add_connection (app, uri, FALSE, FALSE);
  g_assert_true (wait_until (is_connected, connection));

  g_test_add_func ("/clipboard/vnc", test_vnc_clipboard);
  g_test_add_func ("/clipboard/window-toggle", test_window_clipboard_toggle);
  g_test_add_func ("/clipboard/window-usb-popover", test_window_usb_popover);

  return g_test_run ();
}
