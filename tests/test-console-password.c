// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-console-password"

/* The guest window's console password dialog against a real VNC server that wants a
 * password: QEMU (no guest machine, just its VNC server), reached through a libvirt
 * test-driver guest whose <graphics> names QEMU's socket. Remember keeps it in a GNOME
 * Keyring of the test's own (test-keyring.h). */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include <adwaita.h>
#include <libsecret/secret.h>

#include "hangar-application.h"
#include "hangar-guest-window.h"
#include "hangar-password-dialog.h"
#include "hangar-session.h"
#include "test-widget-util.h"
#include "test-app-util.h"
#include "test-keyring.h"

#define PASSWORD "hangarpw"
#define GUEST_UUID "22222222-3333-4444-5555-0000000000aa"

static HangarApplication *app;
static HangarConnection *connection;
static char *tmpdir;
static GPid qemu_pid;

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

/* QEMU's VNC server on a Unix socket, with VNC authentication. */
static char *
start_vnc_server (void)
{
  g_autofree char *socket_path = g_build_filename (tmpdir, "vnc.sock", NULL);
  g_autofree char *vnc = g_strdup_printf ("unix:%s,password-secret=pw0", socket_path);
  const char *argv[] = {
    "qemu-system-x86_64", "-machine", "none", "-nodefaults", "-display", "none",
    "-object", "secret,id=pw0,data=" PASSWORD, "-vnc", vnc, NULL,
  };
  g_autoptr(GError) error = NULL;

  if (!g_spawn_async (NULL, (char **)argv, NULL,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                      G_SPAWN_STDOUT_TO_DEV_NULL,
                      die_with_parent, NULL, &qemu_pid, &error))
    g_error ("Cannot start QEMU's VNC server (qemu-system-x86_64): %s", error->message);
  if (!test_wait_for (file_exists, socket_path, 10000))
    g_error ("QEMU made no VNC socket at %s", socket_path);
  return g_steal_pointer (&socket_path);
}

/* A test-driver host with one running guest whose VNC console is QEMU's socket. */
static char *
write_host (const char *socket_path)
{
  g_autofree char *path = g_build_filename (tmpdir, "host.xml", NULL);
  g_autofree char *xml = g_strdup_printf (
    "<node>\n"
    "  <domain type='test'>\n"
    "    <name>locked</name>\n"
    "    <uuid>" GUEST_UUID "</uuid>\n"
    "    <memory unit='MiB'>256</memory>\n"
    "    <vcpu>1</vcpu>\n"
    "    <os><type arch='x86_64'>hvm</type></os>\n"
    "    <devices>\n"
    "      <graphics type='vnc'><listen type='socket' socket='%s'/></graphics>\n"
    "    </devices>\n"
    "  </domain>\n"
    "</node>\n", socket_path);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, xml, -1, &error);
  g_assert_no_error (error);
  return g_strconcat ("test://", path, NULL);
}

/* Whether a Secret Service answers on this session bus, running or startable. */
static gboolean
keyring_reachable (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) owned = NULL;
  g_autoptr(GVariant) activatable = NULL;
  g_autofree const char **names = NULL;

  if (bus == NULL)
    g_error ("The test needs a D-Bus session bus (build-aux/test starts one)");
  owned = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", "org.freedesktop.secrets"),
                                       G_VARIANT_TYPE ("(b)"), 0, -1, NULL, NULL);
  activatable = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus",
                                             "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                             "ListActivatableNames", NULL,
                                             G_VARIANT_TYPE ("(as)"), 0, -1, NULL, NULL);
  g_assert_nonnull (owned);
  g_assert_nonnull (activatable);
  if (g_variant_get_boolean (g_variant_get_child_value (owned, 0)))
    return TRUE;
  g_variant_get (activatable, "(^a&s)", &names);
  return g_strv_contains (names, "org.freedesktop.secrets");
}

static gboolean
is_connected (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_STATE_CONNECTED;
}

static HangarGuestWindow *
open_window (void)
{
  HangarGuest *guest = hangar_connection_find_guest (connection, "locked");

  g_assert_nonnull (guest);
  hangar_application_show_guest (app, guest);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (HANGAR_IS_GUEST_WINDOW (l->data) && hangar_guest_window_get_guest (l->data) == guest)
      return l->data;
  g_error ("No window for the guest");
}

static HangarPasswordDialog *
find_dialog (HangarGuestWindow *window)
{
  for (GList *l = gtk_window_list_toplevels (); l; l = l->next)
    if (HANGAR_IS_PASSWORD_DIALOG (l->data) && gtk_widget_get_visible (l->data) &&
        gtk_window_get_transient_for (l->data) == GTK_WINDOW (window))
      return l->data;
  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_dialog (data) != NULL;
}

static HangarPasswordDialog *
wait_for_dialog (HangarGuestWindow *window)
{
  if (!test_wait_for (dialog_shown, window, 10000))
    g_error ("The guest window asked for no password (console: %s)",
             hangar_guest_window_get_display (window)
               ? hangar_display_get_status_message (hangar_guest_window_get_display (window))
               : "none");
  return find_dialog (window);
}

static GtkWidget *
dialog_part (HangarPasswordDialog *dialog,
             GType                 type)
{
  GtkWidget *part = test_find_widget (GTK_WIDGET (dialog), type, NULL, NULL);

  g_assert_nonnull (part);
  return part;
}

/* Types @password and presses Enter, as a user would. */
static void
answer (HangarPasswordDialog *dialog,
        const char           *password)
{
  GtkWidget *entry = dialog_part (dialog, GTK_TYPE_PASSWORD_ENTRY);

  g_assert_true (gtk_widget_has_focus (entry) ||
                 gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (dialog)), entry));
  gtk_editable_set_text (GTK_EDITABLE (entry), password);
  /* Enter in the entry's text: the dialog's default response, Connect. */
  g_signal_emit_by_name (test_find_widget (entry, GTK_TYPE_TEXT, NULL, NULL), "activate");
}

static gboolean
display_state_is (gpointer data)
{
  gpointer *args = data;
  HangarDisplay *display = hangar_guest_window_get_display (args[0]);

  return display != NULL && (int)hangar_display_get_state (display) == GPOINTER_TO_INT (args[1]);
}

static void
wait_for_display_state (HangarGuestWindow  *window,
                        HangarDisplayState  state)
{
  gpointer args[] = { window, GINT_TO_POINTER (state) };
  HangarDisplay *display;

  if (!test_wait_for (display_state_is, args, 10000))
    {
      display = hangar_guest_window_get_display (window);
      g_error ("The console is in state %d, not %d: %s",
               display ? (int)hangar_display_get_state (display) : -1, state,
               display ? hangar_display_get_status_message (display) : "no display");
    }
}

static gboolean
shows_picture (gpointer data)
{
  return hangar_display_get_frame_count (data) > 0;
}

static gboolean
is_mapped_status (GtkWidget    *widget,
                  gconstpointer data)
{
  return gtk_widget_get_mapped (widget);
}

static const char *
status_title (HangarGuestWindow *window)
{
  GtkWidget *status = test_find_widget (GTK_WIDGET (window), ADW_TYPE_STATUS_PAGE,
                                        is_mapped_status, NULL);

  return status ? adw_status_page_get_title (ADW_STATUS_PAGE (status)) : NULL;
}

static void
assert_no_underscores (GtkWidget *root)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_visible (root))
    g_assert_null (strchr (gtk_label_get_text (GTK_LABEL (root)), '_'));
  for (GtkWidget *child = gtk_widget_get_first_child (root); child;
       child = gtk_widget_get_next_sibling (child))
    assert_no_underscores (child);
}

/* The dialog's Remember box matches what the desktop offers: on without a keyring
 * would lose the password silently, so it is off and the dialog says why. */
static void
assert_remember_matches_keyring (HangarPasswordDialog *dialog)
{
  GtkWidget *remember = dialog_part (dialog, GTK_TYPE_CHECK_BUTTON);
  GtkWidget *note = NULL;

  for (GtkWidget *child = gtk_widget_get_next_sibling (remember); child;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LABEL (child) && gtk_widget_get_visible (child))
      note = child;

  if (keyring_reachable ())
    {
      g_test_message ("A keyring answers on the session bus");
      g_assert_true (gtk_widget_get_sensitive (remember));
      g_assert_null (note);
    }
  else
    {
      g_test_message ("No keyring answers on the session bus");
      g_assert_false (gtk_widget_get_sensitive (remember));
      g_assert_nonnull (note);
      g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (note)), "keyring"));
      /* Even ticked by force, nothing is handed to a keyring that is not there. */
      gtk_check_button_set_active (GTK_CHECK_BUTTON (remember), TRUE);
      g_assert_false (hangar_password_dialog_get_remember (dialog));
    }
}

/* A wrong answer is refused by the server and said so, with Reconnect; Reconnect asks
 * again, and the right answer brings the server's screen. */
static void
test_wrong_then_right (void)
{
  HangarGuestWindow *window = open_window ();
  HangarPasswordDialog *dialog = wait_for_dialog (window);
  HangarDisplay *display = hangar_guest_window_get_display (window);

  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "“locked”"));
  hangar_test_assert_accessible_names (GTK_WIDGET (dialog));
  assert_no_underscores (GTK_WIDGET (dialog));
  assert_remember_matches_keyring (dialog);

  answer (dialog, "wrong");
  wait_for_display_state (window, HANGAR_DISPLAY_STATE_DISCONNECTED);
  g_assert_nonnull (strstr (hangar_display_get_status_message (display),
                            "refused the password"));
  g_assert_cmpstr (status_title (window), ==, "Disconnected");
  g_assert_null (find_dialog (window));

  gtk_widget_activate_action (GTK_WIDGET (window), "console.reconnect", NULL);
  dialog = wait_for_dialog (window);
  answer (dialog, PASSWORD);
  wait_for_display_state (window, HANGAR_DISPLAY_STATE_CONNECTED);
  if (!test_wait_for (shows_picture, display, 10000))
    g_error ("Connected, but the console shows no picture");
  g_assert_null (status_title (window));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
button_labelled (GtkWidget    *widget,
                 gconstpointer label)
{
  return g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

/* Cancel leaves the console closed, Reconnect at hand, and no error to read. */
static void
test_cancel (void)
{
  HangarGuestWindow *window = open_window ();
  HangarPasswordDialog *dialog = wait_for_dialog (window);
  HangarDisplay *display = hangar_guest_window_get_display (window);
  GtkWidget *cancel;

  cancel = test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, button_labelled, "_Cancel");
  g_assert_nonnull (cancel);
  g_signal_emit_by_name (cancel, "clicked");
  wait_for_display_state (window, HANGAR_DISPLAY_STATE_DISCONNECTED);
  g_assert_null (find_dialog (window));
  g_assert_cmpstr (status_title (window), ==, "Disconnected");
  g_assert_null (hangar_display_get_status_message (display));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (window)));

  /* Closed means closed: asking again takes Reconnect. */
  gtk_widget_activate_action (GTK_WIDGET (window), "console.reconnect", NULL);
  dialog = wait_for_dialog (window);
  answer (dialog, PASSWORD);
  wait_for_display_state (window, HANGAR_DISPLAY_STATE_CONNECTED);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
display_grabbed (gpointer data)
{
  return hangar_display_get_grabbed (data);
}

static gboolean
display_not_grabbed (gpointer data)
{
  return !hangar_display_get_grabbed (data);
}

static gboolean
window_active (gpointer data)
{
  return gtk_window_is_active (data);
}

/* After logging in, the user types into the guest window: real X11 key events (under
 * fatal warnings, so a warning on any key fails), which take the keyboard grab for the
 * guest — Alt+F4 then goes to the guest, not to the window; Ctrl+Alt gives it back. */
static void
test_typing (void)
{
  HangarGuestWindow *window = open_window ();
  HangarPasswordDialog *dialog = wait_for_dialog (window);
  HangarDisplay *display = hangar_guest_window_get_display (window);
  g_autofree char *focus = NULL;

  answer (dialog, PASSWORD);
  wait_for_display_state (window, HANGAR_DISPLAY_STATE_CONNECTED);
  if (!test_wait_for (shows_picture, display, 10000))
    g_error ("Connected, but the console shows no picture");

  focus = g_strdup_printf ("windowfocus --sync %lu", test_x11_window_id (GTK_WIDGET (window)));
  test_xdotool (focus);
  g_assert_true (test_wait_for (window_active, window, 5000));
  gtk_widget_grab_focus (GTK_WIDGET (display));
  g_assert_false (hangar_display_get_grabbed (display));

  test_xdotool ("type --delay 20 hangar");
  test_xdotool ("key Return Up Left BackSpace KP_Enter ctrl+c alt+F4");
  g_assert_true (test_wait_for (display_grabbed, display, 5000));
  /* Alt+F4 went to the guest while grabbed: the window is still here. */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  test_xdotool ("keydown Control_L keydown Alt_L keyup Alt_L keyup Control_L");
  g_assert_true (test_wait_for (display_not_grabbed, display, 5000));

  /* Typing into the console again takes the grab again. */
  test_xdotool ("key a");
  g_assert_true (test_wait_for (display_grabbed, display, 5000));
  test_xdotool ("keydown Control_L keydown Alt_L keyup Alt_L keyup Control_L");
  g_assert_true (test_wait_for (display_not_grabbed, display, 5000));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Where Hangar keeps console passwords, as a user's keyring browser sees them. */
static const SecretSchema console_password_schema = {
  "io.github.hangarvm.Hangar.ConsolePassword", SECRET_SCHEMA_NONE,
  {
    { "uuid", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

static gboolean
keyring_holds_password (gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = secret_password_lookup_sync (&console_password_schema, NULL, &error,
                                                         "uuid", GUEST_UUID, NULL);

  g_assert_no_error (error);
  return g_strcmp0 (secret, PASSWORD) == 0;
}

/* With Remember, the password goes to the keyring under a label naming the guest; the
 * guest's next window connects from it without asking (connected, while nobody
 * answered a question, and none waits). */
static void
test_remembered (void)
{
  HangarGuestWindow *window = open_window ();
  HangarPasswordDialog *dialog = wait_for_dialog (window);
  GtkWidget *remember = dialog_part (dialog, GTK_TYPE_CHECK_BUTTON);
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) error = NULL;
  GList *items;

  g_assert_true (gtk_widget_get_sensitive (remember));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (remember), TRUE);
  answer (dialog, PASSWORD);
  wait_for_display_state (window, HANGAR_DISPLAY_STATE_CONNECTED);
  if (!test_wait_for (keyring_holds_password, NULL, 10000))
    g_error ("The keyring did not get the console password");
  attributes = secret_attributes_build (&console_password_schema, "uuid", GUEST_UUID, NULL);
  items = secret_service_search_sync (NULL, &console_password_schema, attributes,
                                      SECRET_SEARCH_ALL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  g_assert_cmpstr (secret_item_get_label (items->data), ==,
                   "Hangar: console password of “locked”");
  g_list_free_full (items, g_object_unref);
  gtk_window_destroy (GTK_WINDOW (window));

  window = open_window ();
  wait_for_display_state (window, HANGAR_DISPLAY_STATE_CONNECTED);
  if (!test_wait_for (shows_picture, hangar_guest_window_get_display (window), 10000))
    g_error ("Connected, but the console shows no picture");
  g_assert_null (find_dialog (window));
  gtk_window_destroy (GTK_WINDOW (window));

  /* Forgotten again: a later test expects the question. */
  secret_password_clear_sync (&console_password_schema, NULL, &error, "uuid", GUEST_UUID, NULL);
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *socket_path = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *host = NULL;
  g_autoptr(GError) error = NULL;
  int ret;

  /* Drawn as the application draws without a GPU (src/main.c). With GL on Mesa's
   * software rasteriser each frame of the "Connecting…" spinner outlasts the frame
   * interval, redraws never stop, and gvnc's idle-priority callbacks never run. */
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  g_setenv ("GDK_DEBUG", "gl-disable", TRUE);
  /* Typing goes through xdotool, which needs X11 windows. */
  g_setenv ("GDK_BACKEND", "x11", TRUE);
  /* Before anything talks to the session bus (libadwaita does, for the style). */
  test_keyring_start ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  tmpdir = g_dir_make_tmp ("hangar-console-password-XXXXXX", &error);
  g_assert_no_error (error);
  socket_path = start_vnc_server ();
  uri = write_host (socket_path);

  app = test_application_new ();
  connection = hangar_session_add_connection (hangar_application_get_session (app), uri,
                                              FALSE, FALSE);
  if (!test_wait_for (is_connected, connection, 5000))
    g_error ("The test driver did not open %s", uri);

  g_test_add_func ("/console-password/wrong-then-right", test_wrong_then_right);
  g_test_add_func ("/console-password/cancel", test_cancel);
  g_test_add_func ("/console-password/typing", test_typing);
  g_test_add_func ("/console-password/remembered", test_remembered);
  ret = g_test_run ();

  kill (qemu_pid, SIGTERM);
  g_spawn_close_pid (qemu_pid);
  g_unlink (socket_path);
  host = g_build_filename (tmpdir, "host.xml", NULL);
  g_unlink (host);
  g_rmdir (tmpdir);
  test_keyring_stop ();
  return ret;
}
