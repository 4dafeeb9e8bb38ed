// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The VNC clipboard both ways against a real VNC server that sends plain RFB cut text:
 * TigerVNC's Xvnc, an X server of its own whose CLIPBOARD selection is the guest's
 * clipboard. (QEMU 7.2 sends a guest's copy only in RFB's extended clipboard format,
 * which gvnc 1.3.1 does not read; this desktop's text to a QEMU guest is tested in
 * e2e-resize.) Xvnc listens on 127.0.0.1; a guest of libvirt's test driver has its
 * <graphics type='vnc'> there, and the guest window opens on it as a user opens it.
 *   - text copied on this desktop before the window opened reaches Xvnc once it is on;
 *   - text copied on Xvnc (xclip) reaches this desktop's clipboard: another program on
 *     the Xvfb display (xclip -o) pastes it, Latin-1 letters (é) included;
 *   - Xvnc sends characters outside Latin-1 as "?" (plain cut text is Latin-1), and they
 *     arrive as such, the Latin-1 ones around them intact;
 *   - text copied on this desktop (xclip on Xvfb) reaches Xvnc's CLIPBOARD, once per
 *     copy (Xvnc's new owners counted), é included; characters outside Latin-1 become "?";
 *   - the window's Share Clipboard toggle off stops both ways. Judged after positive
 *     events, not pauses: a guest's copy made while off is followed, once the toggle is
 *     back on, by a marker copied on Xvnc; when the marker is on this desktop, the
 *     earlier copy had arrived (one stream, in order) and must not have been taken.
 *     This desktop's copy made while off is sent when the toggle goes back on (what the
 *     user copied is offered then), and a later copy behind it: Xvnc must have got the
 *     first once only, so not while off.
 * Xvnc's selection is watched through XFixes on an X connection of the test's own: each
 * new owner's text is read and kept in order, so what Xvnc got is a history, not a
 * snapshot.
 */
#define G_LOG_DOMAIN "test-vnc-clipboard"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <adwaita.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/extensions/Xfixes.h>

#include "hangar-application.h"
#include "hangar-guest-window.h"
#include "hangar-vnc-display.h"
#include "test-app-util.h"
#include "test-free-port.h"
#include "test-widget-util.h"

#define TIMEOUT_MS 10000

static char *tmpdir;
static GSubprocess *xvnc;
static char *xvnc_display; /* ":N" */
static GPtrArray *copiers; /* the xclip processes holding a selection */
static HangarApplication *app;
static HangarConnection *connection;
static HangarGuestWindow *window;
static HangarDisplay *display;

/* Xvnc's CLIPBOARD, watched. */
typedef struct {
  Display *dpy;
  Window window;
  Atom clipboard;
  Atom utf8;
  Atom property;
  int fixes_event;
  guint source;
  GPtrArray *history; /* each owner's text, in order */
  guint owners;       /* how many times it changed owner */
} Watch;

static Watch watch;

/* This desktop's CLIPBOARD, watched: the text of each content this process set (the
 * console setting it), "(another program's)" for each change made elsewhere. */
static GPtrArray *desktop_history;

/* Xvnc and the xclips end with the test, whichever way it ends (an assertion aborts). */
static void
die_with_test (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* The host's file is read when the host opens: once the console is on, it can go. */
static void
remove_files (guint16 port)
{
  g_autofree char *file = g_strdup_printf ("host-%u.xml", port);
  g_autofree char *host = g_build_filename (tmpdir, file, NULL);

  g_unlink (host);
  g_assert_cmpint (g_rmdir (tmpdir), ==, 0);
}

/* Xvnc's selection. */

static void
watch_read (XSelectionEvent *event)
{
  Atom type;
  int format;
  unsigned long n_items, after;
  unsigned char *data = NULL;

  if (event->property == None)
    {
      g_ptr_array_add (watch.history, g_strdup ("(refused)"));
      return;
    }
  if (XGetWindowProperty (watch.dpy, watch.window, watch.property, 0, 1 << 20, True,
                          AnyPropertyType, &type, &format, &n_items, &after, &data) != Success ||
      data == NULL)
    {
      g_ptr_array_add (watch.history, g_strdup ("(unreadable)"));
      return;
    }
  g_ptr_array_add (watch.history, g_strndup ((const char *)data, n_items * format / 8));
  XFree (data);
}

static gboolean
on_watch_input_cb (int          fd,
                   GIOCondition condition,
                   gpointer     data)
{
  while (XPending (watch.dpy) > 0)
    {
      XEvent event;

      XNextEvent (watch.dpy, &event);
      if (event.type == watch.fixes_event + XFixesSelectionNotify)
        {
          XFixesSelectionNotifyEvent *notify = (XFixesSelectionNotifyEvent *)&event;

          /* Each new owner's text, asked for at once. */
          if (notify->owner != None)
            watch.owners++;
          if (notify->owner != None)
            XConvertSelection (watch.dpy, watch.clipboard, watch.utf8, watch.property,
                               watch.window, CurrentTime);
        }
      else if (event.type == SelectionNotify)
        watch_read (&event.xselection);
    }
  XFlush (watch.dpy);
  return G_SOURCE_CONTINUE;
}

static void
watch_start (void)
{
  int error_base;

  watch.dpy = XOpenDisplay (xvnc_display);
  if (watch.dpy == NULL)
    g_error ("Could not open Xvnc's display %s", xvnc_display);
  if (!XFixesQueryExtension (watch.dpy, &watch.fixes_event, &error_base))
    g_error ("Xvnc has no XFixes extension: its selection cannot be watched");
  watch.window = XCreateSimpleWindow (watch.dpy, DefaultRootWindow (watch.dpy), 0, 0, 1, 1, 0,
                                      0, 0);
  watch.clipboard = XInternAtom (watch.dpy, "CLIPBOARD", False);
  watch.utf8 = XInternAtom (watch.dpy, "UTF8_STRING", False);
  watch.property = XInternAtom (watch.dpy, "HANGAR_TEST_CLIPBOARD", False);
  watch.history = g_ptr_array_new_with_free_func (g_free);
  XFixesSelectSelectionInput (watch.dpy, watch.window, watch.clipboard,
                              XFixesSetSelectionOwnerNotifyMask);
  XSync (watch.dpy, False);
  watch.source = g_unix_fd_add (ConnectionNumber (watch.dpy), G_IO_IN, on_watch_input_cb, NULL);
  /* Anything read while syncing. */
  on_watch_input_cb (-1, G_IO_IN, NULL);
}

static guint
count (GPtrArray  *history,
       const char *text)
{
  guint n = 0;

  for (guint i = 0; i < history->len; i++)
    n += g_str_equal (history->pdata[i], text);
  return n;
}

static char *
history_string (GPtrArray *history)
{
  GString *string = g_string_new (NULL);

  for (guint i = 0; i < history->len; i++)
    g_string_append_printf (string, "%s“%s”", i ? ", " : "", (char *)history->pdata[i]);
  return g_string_free (string, FALSE);
}

typedef struct {
  GPtrArray *history;
  const char *text;
} Expect;

static gboolean
history_has (gpointer data)
{
  Expect *expect = data;

  return count (expect->history, expect->text) > 0;
}

/* Waits until @history holds @text; returns the milliseconds it took. */
static double
wait_for_text (GPtrArray  *history,
               const char *text,
               const char *where)
{
  Expect expect = { history, text };
  gint64 start = g_get_monotonic_time ();

  if (!test_wait_for (history_has, &expect, TIMEOUT_MS))
    {
      g_autofree char *seen = history_string (history);

      g_error ("“%s” did not reach %s within %d s; it held: %s", text, where,
               TIMEOUT_MS / 1000, seen);
    }
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* This desktop's selection. */

/* xclip on the X display @x_display. */

/* Puts @text in @x_display's CLIPBOARD, as a program there copying it: xclip holds it
 * until another owner takes it. */
static void
copy_on (const char *x_display,
         const char *text)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) copier = NULL;
  g_autoptr(GBytes) input = g_bytes_new (text, strlen (text));
  g_autoptr(GError) error = NULL;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_setenv (launcher, "DISPLAY", x_display, TRUE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_test, NULL, NULL);
  /* -quiet: in the foreground, so that the test can end it. */
  copier = g_subprocess_launcher_spawn (launcher, &error, "xclip", "-quiet", "-selection",
                                        "clipboard", "-in", NULL);
  if (copier == NULL)
    g_error ("Could not run xclip (Debian package xclip): %s", error->message);
  g_output_stream_write_bytes (g_subprocess_get_stdin_pipe (copier), input, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (g_subprocess_get_stdin_pipe (copier), NULL, &error);
  g_assert_no_error (error);
  g_ptr_array_add (copiers, g_steal_pointer (&copier));
}

typedef struct {
  gboolean done;
  char *text;
  GError *error;
} Paste;

static void
on_paste_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  Paste *paste = data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &paste->text, NULL,
                                        &paste->error);
  paste->done = TRUE;
}

static gboolean
paste_done (gpointer data)
{
  return ((Paste *)data)->done;
}

/* What a program on @x_display pastes from CLIPBOARD (the main loop runs meanwhile:
 * the owner may be this process). */
static char *
paste_on (const char *x_display)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) paster = NULL;
  g_autoptr(GError) error = NULL;
  Paste paste = { FALSE, NULL, NULL };

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_setenv (launcher, "DISPLAY", x_display, TRUE);
  paster = g_subprocess_launcher_spawn (launcher, &error, "xclip", "-selection", "clipboard",
                                        "-out", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (paster, NULL, NULL, on_paste_cb, &paste);
  g_assert_true (test_wait_for (paste_done, &paste, TIMEOUT_MS));
  g_assert_no_error (paste.error);
  if (!g_subprocess_get_successful (paster))
    g_error ("xclip -out on %s failed", x_display);
  return paste.text;
}

static const char *
desktop (void)
{
  return g_getenv ("DISPLAY");
}

/* From Xvnc to this desktop: @copied on Xvnc must arrive as @expected. */
static void
assert_to_desktop (const char *copied,
                   const char *expected)
{
  g_autofree char *pasted = NULL;
  double ms;

  copy_on (xvnc_display, copied);
  ms = wait_for_text (desktop_history, expected, "this desktop's clipboard");
  pasted = paste_on (desktop ());
  g_assert_cmpstr (pasted, ==, expected);
  g_test_message ("Xvnc → desktop: “%s” as “%s” in %.1f ms", copied, expected, ms);
}

/* From this desktop to Xvnc. */
static void
assert_to_guest (const char *copied,
                 const char *expected)
{
  g_autofree char *pasted = NULL;
  double ms;

  copy_on (desktop (), copied);
  ms = wait_for_text (watch.history, expected, "Xvnc's clipboard");
  pasted = paste_on (xvnc_display);
  g_assert_cmpstr (pasted, ==, expected);
  g_test_message ("desktop → Xvnc: “%s” as “%s” in %.1f ms", copied, expected, ms);
}

/* Copied on this desktop before the window opened: offered once the console is on. */
#define COPIED_BEFORE "hangar-desk-0, copié avant"

static void
test_copied_before (void)
{
  wait_for_text (watch.history, COPIED_BEFORE, "Xvnc's clipboard");
}

static void
test_to_desktop (void)
{
  assert_to_desktop ("hangar-xvnc-1", "hangar-xvnc-1");
  /* Latin-1 letters cross as themselves (é is one byte on the wire), lines too. */
  assert_to_desktop ("café crème, naïve\nzweite Zeile: Größe", "café crème, naïve\nzweite Zeile: Größe");
}

static void
test_to_desktop_outside_latin1 (void)
{
  /* Xvnc sends a "?" for each character Latin-1 lacks (€, ✓, Ω); the rest arrives. */
  assert_to_desktop ("prix 5 € ✓ Ω déjà", "prix 5 ? ? ? déjà");
}

static void
test_to_guest (void)
{
  guint owners = watch.owners;

  /* The first copy here takes the clipboard from the console, which held Xvnc's text. */
  assert_to_guest ("hangar-desk-1", "hangar-desk-1");
  assert_to_guest ("façade à la carte\nÜbergröße", "façade à la carte\nÜbergröße");
  /* Each sent once: a second sending of the first would have come before the second
   * text (one stream), and Xvnc takes each as a new owner. */
  g_assert_cmpuint (watch.owners - owners, ==, 2);
}

static void
test_to_guest_outside_latin1 (void)
{
  /* Hangar sends a "?" for each character Latin-1 lacks. */
  assert_to_guest ("€uro ✓ Ωmega — fin", "?uro ? ?mega ? fin");
}

static gboolean
has_tooltip (GtkWidget    *widget,
             gconstpointer tooltip)
{
  return g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0;
}

static gboolean
shares (gpointer data)
{
  return hangar_display_get_share_clipboard (data);
}

static gboolean
shares_not (gpointer data)
{
  return !hangar_display_get_share_clipboard (data);
}

/* Another program's new copy is seen, with its formats (GDK learns the owner first,
 * its formats next: "changed" comes for each). */
static gboolean
desktop_offers_new_text (gpointer data)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (display));
  g_autoptr(GdkContentFormats) formats = NULL;

  if (desktop_history->len <= GPOINTER_TO_UINT (data) || gdk_clipboard_is_local (clipboard))
    return FALSE;
  formats = gdk_content_formats_union_deserialize_gtypes (
    gdk_content_formats_ref (gdk_clipboard_get_formats (clipboard)));
  return gdk_content_formats_contain_gtype (formats, G_TYPE_STRING);
}

static void
test_toggle_off (void)
{
  GtkWidget *toggle = test_find_widget (GTK_WIDGET (window), GTK_TYPE_TOGGLE_BUTTON,
                                        has_tooltip, "Share Clipboard");
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (display));
  const char *guest_secret = "hangar-xvnc-secret";
  const char *guest_marker = "hangar-xvnc-marker";
  const char *desktop_secret = "hangar-desk-secret";
  const char *desktop_marker = "hangar-desk-marker";
  g_autofree char *pasted = NULL;
  g_autofree char *seen = NULL;
  guint changes;
  g_autofree char *read = NULL;

  g_assert_nonnull (toggle);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (toggle)));
  g_assert_true (shares (display));
  /* The toggle, as a user presses it (Space or a click activates it; GTK lets the
   * press show a moment before it toggles). */
  g_assert_true (gtk_widget_activate (toggle));
  g_assert_true (test_wait_for (shares_not, display, TIMEOUT_MS));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (toggle)));

  /* The guest copies: Xvnc sends it to Hangar (its owner is xclip, seen by the watch). */
  copy_on (xvnc_display, guest_secret);
  wait_for_text (watch.history, guest_secret, "Xvnc's clipboard");

  /* This desktop copies: the console's clipboard sees the change (its handler and the
   * console's run in the same emission) and the text is readable, so anything the
   * console would have read and sent for it is on its way before the toggle is back. */
  changes = desktop_history->len;
  copy_on (desktop (), desktop_secret);
  g_assert_true (test_wait_for (desktop_offers_new_text, GUINT_TO_POINTER (changes),
                                TIMEOUT_MS));
  g_assert_true (test_clipboard_read_text (clipboard, &read, TIMEOUT_MS));
  g_assert_cmpstr (read, ==, desktop_secret);

  g_assert_true (gtk_widget_activate (toggle));
  g_assert_true (test_wait_for (shares, display, TIMEOUT_MS));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (toggle)));

  /* Back on, what the user copied meanwhile is offered to the guest, then the next copy. */
  wait_for_text (watch.history, desktop_secret, "Xvnc's clipboard after sharing was back on");
  copy_on (desktop (), desktop_marker);
  wait_for_text (watch.history, desktop_marker, "Xvnc's clipboard");
  seen = history_string (watch.history);
  if (count (watch.history, desktop_secret) != 1)
    g_error ("Xvnc got “%s” %u times, not once after sharing was back on: %s", desktop_secret,
             count (watch.history, desktop_secret), seen);

  /* The guest's next copy arrives; the one made while off, before it, was not taken. */
  copy_on (xvnc_display, guest_marker);
  wait_for_text (desktop_history, guest_marker, "this desktop's clipboard");
  g_clear_pointer (&seen, g_free);
  seen = history_string (desktop_history);
  if (count (desktop_history, guest_secret) != 0)
    g_error ("This desktop's clipboard took “%s” while sharing was off: %s", guest_secret, seen);
  pasted = paste_on (desktop ());
  g_assert_cmpstr (pasted, ==, guest_marker);
  g_test_message ("this desktop's clipboard as the console set it: %s", seen);
  g_clear_pointer (&seen, g_free);
  seen = history_string (watch.history);
  g_test_message ("Xvnc's clipboard: %s", seen);
}

/* Xvnc on a free display and port of 127.0.0.1, open to anyone there (the password
 * dialog is tested against QEMU in test-console-password). */
static void
start_xvnc (guint16 port)
{
  g_autofree char *rfbport = g_strdup_printf ("%u", port);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  char number[16] = "";
  gsize length = 0;
  int fds[2];

  /* -displayfd: Xvnc takes a free display and writes its number there when ready. */
  g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, &error));
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_take_fd (launcher, fds[1], 3);
  g_subprocess_launcher_set_child_setup (launcher, die_with_test, NULL, NULL);
  xvnc = g_subprocess_launcher_spawn (launcher, &error, "Xvnc", "-displayfd", "3",
                                      "-rfbport", rfbport, "-interface", "127.0.0.1",
                                      "-localhost", "-nolisten", "tcp",
                                      "-SecurityTypes", "None",
                                      "-geometry", "640x480", "-depth", "24", NULL);
  if (xvnc == NULL)
    g_error ("Could not start Xvnc (Debian package tigervnc-standalone-server): %s",
             error->message);
  /* Closed here, the pipe ends when Xvnc writes or dies. */
  g_clear_object (&launcher);
  while (length < sizeof number - 1)
    {
      gssize n = read (fds[0], number + length, sizeof number - 1 - length);

      if (n <= 0)
        break;
      length += n;
      if (strchr (number, '\n') != NULL)
        break;
    }
  close (fds[0]);
  if (strchr (number, '\n') == NULL)
    g_error ("Xvnc did not start (no display number from -displayfd)");
  g_strchomp (number);
  xvnc_display = g_strconcat (":", number, NULL);
  g_test_message ("Xvnc on %s, VNC port %u", xvnc_display, port);
}

static gboolean
is_connected (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_STATE_CONNECTED;
}

/* A test-driver host with one running guest, "xvnc", whose console is Xvnc. */
static void
add_host (guint16 port)
{
  g_autofree char *uri = test_console_host_uri (tmpdir, "xvnc", "vnc", port);

  connection = hangar_application_add_connection (app, uri, FALSE, FALSE);
  g_assert_true (test_wait_for (is_connected, connection, TIMEOUT_MS));
}

static gboolean
shows_picture (gpointer data)
{
  return hangar_display_get_state (data) == HANGAR_DISPLAY_STATE_CONNECTED &&
         hangar_display_get_frame_count (data) > 0;
}

static gboolean
has_display (gpointer data)
{
  return hangar_guest_window_get_display (data) != NULL;
}

/* The guest's window, open on Xvnc. */
static void
open_window (void)
{
  HangarGuest *guest = hangar_connection_find_guest (connection, "xvnc");

  g_assert_nonnull (guest);
  hangar_application_show_guest (app, guest);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (HANGAR_IS_GUEST_WINDOW (l->data) && hangar_guest_window_get_guest (l->data) == guest)
      window = l->data;
  g_assert_nonnull (window);
  g_assert_true (test_wait_for (has_display, window, TIMEOUT_MS));
  display = hangar_guest_window_get_display (window);
  g_assert_true (HANGAR_IS_VNC_DISPLAY (display));
  if (!test_wait_for (shows_picture, display, TIMEOUT_MS))
    g_error ("The console did not show Xvnc's screen within %d s: state %d, “%s”",
             TIMEOUT_MS / 1000, hangar_display_get_state (display),
             hangar_display_get_status_message (display));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  guint16 port;
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* Under Xvfb the "Connecting…" spinner redraws back to back and starves idle sources,
   * among them the one that starts gvnc's connection. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  if (desktop () == NULL)
    g_error ("No DISPLAY: run under Xvfb (build-aux/test starts one)");

  tmpdir = g_dir_make_tmp ("hangar-vnc-clipboard-XXXXXX", &error);
  g_assert_no_error (error);
  copiers = g_ptr_array_new_with_free_func (g_object_unref);
  desktop_history = g_ptr_array_new_with_free_func (g_free);

  port = test_free_port ();
  start_xvnc (port);
  watch_start ();

  app = test_application_new ();
  add_host (port);
  copy_on (desktop (), COPIED_BEFORE);
  test_clipboard_keep_texts (gdk_display_get_clipboard (gdk_display_get_default ()),
                             desktop_history);
  open_window ();
  remove_files (port);

  g_test_add_func ("/vnc-clipboard/copied-before", test_copied_before);
  g_test_add_func ("/vnc-clipboard/to-desktop", test_to_desktop);
  g_test_add_func ("/vnc-clipboard/to-desktop-outside-latin1", test_to_desktop_outside_latin1);
  g_test_add_func ("/vnc-clipboard/to-guest", test_to_guest);
  g_test_add_func ("/vnc-clipboard/to-guest-outside-latin1", test_to_guest_outside_latin1);
  g_test_add_func ("/vnc-clipboard/toggle-off", test_toggle_off);
  ret = g_test_run ();

  /* The console ends with its window, before the server. */
  gtk_window_destroy (GTK_WINDOW (window));
  /* Closed before Xvnc goes: Xlib ends the process on a lost connection. */
  g_source_remove (watch.source);
  XCloseDisplay (watch.dpy);
  for (guint i = 0; i < copiers->len; i++)
    g_subprocess_force_exit (copiers->pdata[i]);
  g_subprocess_send_signal (xvnc, SIGTERM);
  g_subprocess_wait (xvnc, NULL, NULL);
  g_clear_object (&xvnc);
  g_ptr_array_unref (watch.history);
  g_ptr_array_unref (desktop_history);
  g_ptr_array_unref (copiers);
  g_free (xvnc_display);
  g_free (tmpdir);
  return ret;
}
