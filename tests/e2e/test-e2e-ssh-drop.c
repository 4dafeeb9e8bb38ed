// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * A remote host that drops while a guest's console is open over it, as a user meets
 * it: Hangar's guest window on the tiny guest's VNC console, over an sshd of the
 * test's own on 127.0.0.1 (e2e-sshd.h) in front of the real libvirtd. sshd is killed,
 * its listener and every session process: the window says Disconnected, with why and
 * that the host comes back by itself. sshd is started again: the host reconnects by
 * itself and the console shows the guest's screen again, on one SSH session, within
 * RETURN_BOUND_MS. The main loop's longest stall (a 10 ms timeout's lateness) stays
 * under 100 ms while the host drops and while it comes back.
 */
#define G_LOG_DOMAIN "test-e2e-ssh-drop"

#include "config.h"

#include <adwaita.h>

#include "e2e-guest.h"
#include "e2e-sshd.h"
#include "fault-stall.h"
#include "hangar-application.h"
#include "hangar-guest-window.h"
#include "hangar-session.h"
#include "test-app-util.h"
#include "test-widget-util.h"
#include "test-wizard-util.h"

#define MAX_STALL_MS    100
#define CONNECT_TIMEOUT 30000
/* The host's next attempt comes within 5 s of sshd's return (backoff 1, 2, 4, 5 s), the
 * login and the console's tunnel and first picture take a few more on a loaded machine. */
#define RETURN_BOUND_MS 30000

static int sshd_port;
static E2eGuest *guest;
static HangarApplication *app;

static gboolean
is_settled (gpointer data)
{
  HangarConnectionState state = hangar_connection_get_state (data);

  return state != HANGAR_CONNECTION_STATE_CONNECTING &&
         state != HANGAR_CONNECTION_STATE_DISCONNECTED;
}

static gboolean
display_known (gpointer data)
{
  return hangar_guest_window_get_display (data) != NULL;
}

static gboolean
is_mapped (GtkWidget    *widget,
           gconstpointer data)
{
  return gtk_widget_get_mapped (widget);
}

/* The console page's status page, when it is on screen. */
static AdwStatusPage *
shown_status (HangarGuestWindow *window)
{
  return ADW_STATUS_PAGE (test_find_widget (GTK_WIDGET (window), ADW_TYPE_STATUS_PAGE,
                                            is_mapped, NULL));
}

/* The window says the console is disconnected, and that the host was lost. */
static gboolean
says_disconnected (gpointer data)
{
  AdwStatusPage *status = shown_status (data);
  HangarGuest *shown = hangar_guest_window_get_guest (data);

  return status != NULL && hangar_guest_get_state (shown) == HANGAR_GUEST_STATE_UNKNOWN &&
         g_strcmp0 (adw_status_page_get_title (status), "Disconnected") == 0;
}

static gboolean
display_disconnected (gpointer data)
{
  return hangar_display_get_state (data) == HANGAR_DISPLAY_STATE_DISCONNECTED;
}

typedef struct {
  HangarDisplay *display;
  guint64 frames;
} FramesAfter;

/* The console is connected again and has drawn a new frame since the drop. */
static gboolean
shows_new_picture (gpointer data)
{
  FramesAfter *after = data;

  return e2e_display_shows_picture (after->display) &&
         hangar_display_get_frame_count (after->display) > after->frames;
}

/* The host's attempts to reconnect that failed: Connecting…, then Disconnected. */
typedef struct {
  guint failed;
  gboolean connecting;
} Attempts;

static void
on_host_state_cb (HangarConnection *host,
                  GParamSpec       *pspec,
                  Attempts         *attempts)
{
  HangarConnectionState state = hangar_connection_get_state (host);

  if (state == HANGAR_CONNECTION_STATE_FAILED && attempts->connecting)
    attempts->failed++;
  attempts->connecting = state == HANGAR_CONNECTION_STATE_CONNECTING;
}

static gboolean
host_failed (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_STATE_FAILED;
}

static gboolean
has_label (GtkWidget    *widget,
           gconstpointer label)
{
  return g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static gboolean
two_attempts_failed (gpointer data)
{
  Attempts *attempts = data;

  return attempts->failed >= 2;
}

static gboolean
one_ssh_session (gpointer data)
{
  return e2e_sshd_connections () == 1;
}

/* The console comes to show the guest's screen as libvirt sees it, the text-cursor
 * cell aside (it blinks). */
static void
assert_shows_guest (HangarDisplay *display)
{
  GdkRectangle diff;

  e2e_display_wait_for_guest (display, guest, 10000, &diff);
  g_assert_cmpint (diff.width, <=, 9);
  g_assert_cmpint (diff.height, <=, 16);
}

static void
test_host_drops_and_returns (void)
{
  g_autofree char *uri = g_strdup_printf ("qemu+ssh://root@127.0.0.1:%d/system", sshd_port);
  HangarSession *session = hangar_application_get_session (app);
  HangarConnection *remote = hangar_session_add_connection (session, uri, FALSE, FALSE);
  HangarGuest *remote_guest;
  HangarGuestWindow *window = NULL;
  HangarDisplay *display;
  g_autoptr(FaultStallMeter) stall = NULL;
  Attempts attempts = { 0, FALSE };
  FramesAfter after;
  AdwStatusPage *status;
  GtkWidget *reconnect;
  gint64 ms = 0;

  e2e_assert (e2e_wait_for (is_settled, remote, CONNECT_TIMEOUT), "%s did not connect", uri);
  e2e_assert (hangar_connection_get_state (remote) == HANGAR_CONNECTION_STATE_CONNECTED,
              "%s: %s", uri, hangar_connection_get_error_message (remote));
  remote_guest = hangar_connection_find_guest (remote, guest->name);
  e2e_assert (remote_guest != NULL, "%s does not list %s", uri, guest->name);

  hangar_application_show_guest (app, remote_guest);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (HANGAR_IS_GUEST_WINDOW (l->data) && hangar_guest_window_get_guest (l->data) == remote_guest)
      window = l->data;
  e2e_assert (window != NULL, "no window opened on %s", guest->name);
  e2e_assert (e2e_wait_for (display_known, window, CONNECT_TIMEOUT),
              "the guest window has no graphical console");
  display = hangar_guest_window_get_display (window);
  e2e_assert (e2e_wait_for (e2e_display_shows_picture, display, CONNECT_TIMEOUT),
              "the console over SSH shows no picture: %s",
              hangar_display_get_status_message (display));
  assert_shows_guest (display);
  g_assert_cmpuint (e2e_sshd_connections (), ==, 1);

  g_signal_connect (remote, "notify::state", G_CALLBACK (on_host_state_cb), &attempts);

  /* The host goes away. */
  after = (FramesAfter){ display, hangar_display_get_frame_count (display) };
  e2e_sshd_kill ();
  stall = fault_stall_meter_start ();
  e2e_assert (e2e_wait_for_elapsed (says_disconnected, window, 30000, &ms),
              "the window does not say Disconnected 30 s after sshd was killed (host “%s”, "
              "console “%s”)", hangar_connection_get_state_label (remote),
              hangar_display_get_status_message (display));
  g_test_message ("Disconnected shown %" G_GINT64_FORMAT " ms after sshd was killed", ms);
  /* The console's tunnel ended with the host's SSH session (libvirt may notice first). */
  e2e_assert (e2e_wait_for (display_disconnected, display, 15000),
              "the console is still “%s” 15 s after its host dropped",
              hangar_display_get_status_message (display));
  /* The host's attempts fail while sshd is away (1, then 2 s apart): after two, the
   * window still says Disconnected. */
  attempts.failed = 0;
  e2e_assert (e2e_wait_for (two_attempts_failed, &attempts, 30000),
              "the host made %u attempts to reconnect in 30 s, not two", attempts.failed);
  e2e_assert (says_disconnected (window), "the window stopped saying Disconnected while sshd "
              "was away (host “%s”)", hangar_connection_get_state_label (remote));
  g_test_message ("longest main-loop stall, host dropping: %.1f ms over %u samples",
                  fault_stall_meter_max_ms (stall), fault_stall_meter_samples (stall));
  g_assert_cmpfloat (fault_stall_meter_max_ms (stall), <, MAX_STALL_MS);
  g_clear_pointer (&stall, fault_stall_meter_free);

  status = shown_status (window);
  g_test_message ("the window says: %s — %s", adw_status_page_get_title (status),
                  adw_status_page_get_description (status));
  g_assert_nonnull (strstr (adw_status_page_get_description (status),
                            "Hangar connects to the host again by itself, and the console "
                            "returns with it."));
  hangar_test_assert_accessible_names (GTK_WIDGET (window));
  test_save_screenshot (GTK_WIDGET (window), "ssh-drop-disconnected");

  /* Reconnect on the page tries the host now: with sshd still away that attempt fails,
   * the window still says Disconnected, and the host goes on trying by itself. */
  e2e_assert (e2e_wait_for (host_failed, remote, 15000), "the host is “%s”, not waiting",
              hangar_connection_get_state_label (remote));
  reconnect = test_find_widget (GTK_WIDGET (window), GTK_TYPE_BUTTON, has_label, "Re_connect");
  e2e_assert (reconnect != NULL && gtk_widget_is_visible (reconnect),
              "the Disconnected page offers no Reconnect");
  attempts.failed = 0;
  test_click_button (GTK_WIDGET (window), "Re_connect");
  e2e_assert (hangar_connection_get_state (remote) == HANGAR_CONNECTION_STATE_CONNECTING,
              "Reconnect did not try the host (it is “%s”)",
              hangar_connection_get_state_label (remote));
  e2e_assert (e2e_wait_for (host_failed, remote, 30000), "the attempt Reconnect made did not end");
  e2e_assert (says_disconnected (window), "the window stopped saying Disconnected after "
              "Reconnect while sshd was away");

  /* The host is back: the console comes back by itself. The test's own start of sshd
   * blocks its main loop (a spawn): the meter runs again once it listens. */
  e2e_sshd_restart ();
  stall = fault_stall_meter_start ();
  e2e_assert (e2e_wait_for_elapsed (shows_new_picture, &after, RETURN_BOUND_MS, &ms),
              "the console did not show the guest again within %d ms of sshd's return "
              "(host “%s”: %s; console: %s)", RETURN_BOUND_MS,
              hangar_connection_get_state_label (remote),
              hangar_connection_get_error_message (remote),
              hangar_display_get_status_message (display));
  g_test_message ("the console showed the guest again %" G_GINT64_FORMAT " ms after sshd "
                  "started again", ms);
  g_test_message ("longest main-loop stall, host returning: %.1f ms over %u samples",
                  fault_stall_meter_max_ms (stall), fault_stall_meter_samples (stall));
  g_assert_cmpfloat (fault_stall_meter_max_ms (stall), <, MAX_STALL_MS);
  g_assert_cmpint (hangar_connection_get_state (remote), ==, HANGAR_CONNECTION_STATE_CONNECTED);
  test_save_screenshot (GTK_WIDGET (window), "ssh-drop-returned");
  assert_shows_guest (display);
  /* The host and its console on one SSH session again. */
  e2e_assert (e2e_wait_for (one_ssh_session, NULL, 15000), "%u SSH sessions to the test "
              "sshd, not one", e2e_sshd_connections ());

  g_signal_handlers_disconnect_by_data (remote, &attempts);
  e2e_display_close (display);
  gtk_window_destroy (GTK_WINDOW (window));
  hangar_connection_close (remote);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  /* Drawn as the application draws without a GPU (src/main.c), as test-e2e-creator. */
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  g_setenv ("GDK_DEBUG", "gl-disable", TRUE);
  /* hangar_test_assert_accessible_names reads GTK's test accessibility backend. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  e2e_gtk_test_init (&argc, &argv);
  adw_init ();

  sshd_port = e2e_sshd_start ();
  guest = e2e_guest_boot ("vnc");
  app = test_application_new ();

  g_test_add_func ("/e2e/ssh-drop/host-drops-and-returns", test_host_drops_and_returns);
  ret = g_test_run ();

  e2e_guest_free (guest);
  e2e_sshd_stop ();
  return ret;
}
