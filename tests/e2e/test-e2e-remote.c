// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * A remote host over qemu+ssh: an sshd this test starts on 127.0.0.1 (key login), the
 * real libvirtd behind it, and Hangar's VNC console reached through the SSH session —
 * one SSH connection for the host and its console, and for the host and three consoles
 * open at once (two VNC guests, one SPICE). A host closed and opened again at once
 * connects each time, on one SSH session.
 */
#define G_LOG_DOMAIN "test-e2e-remote"

#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "e2e-guest.h"
#include "e2e-sshd.h"
#include "hangar-spice-display.h"
#include "hangar-vnc-display.h"

static int sshd_port;
static E2eGuest *guest;
static E2eGuest *second_guest;
static E2eGuest *spice_guest;

static gboolean
is_connected (gpointer data)
{
  HangarConnectionState state = hangar_connection_get_state (data);

  return state == HANGAR_CONNECTION_STATE_CONNECTED || state == HANGAR_CONNECTION_STATE_FAILED ||
         state == HANGAR_CONNECTION_STATE_NEEDS_CREDENTIALS;
}

static gboolean
display_shows_guest (gpointer data)
{
  HangarDisplay *display = data;

  return hangar_display_get_state (display) != HANGAR_DISPLAY_STATE_CONNECTING &&
         hangar_display_get_frame_count (display) > 0;
}

static guint passwords_asked;

/* What the guest window's password dialog does with the user's answer. */
static void
on_password_needed_cb (HangarDisplay *display)
{
  passwords_asked++;
  hangar_display_set_password (display, "hangarpw");
}

static gboolean
one_ssh_session (gpointer data)
{
  return e2e_sshd_connections () == 1;
}

/* Opens @remote and waits until it is connected, on one SSH session: a session of a
 * connection closed just before ends by itself meanwhile. */
static void
open_over_ssh (HangarConnection *remote)
{
  gint64 ms = 0;

  hangar_connection_open_async (remote, NULL, NULL, NULL);
  g_assert_true (e2e_wait_for (is_connected, remote, 30000));
  if (hangar_connection_get_state (remote) != HANGAR_CONNECTION_STATE_CONNECTED)
    g_error ("Could not connect over SSH: %s", hangar_connection_get_error_message (remote));
  e2e_assert (e2e_wait_for_elapsed (one_ssh_session, NULL, 15000, &ms),
              "%u SSH sessions to the test sshd, not one, after 15 s", e2e_sshd_connections ());
  g_test_message ("connected; one SSH session after %" G_GINT64_FORMAT " ms", ms);
}

/* A connection to the host through the test sshd: the one SSH session is up. */
static HangarConnection *
connect_over_ssh (void)
{
  g_autofree char *uri = g_strdup_printf ("qemu+ssh://root@127.0.0.1:%d/system", sshd_port);
  HangarConnection *remote = hangar_connection_new (uri);

  open_over_ssh (remote);
  return remote;
}

/* @display at 1:1 in a window of its own. */
static GtkWindow *
show_display (HangarDisplay *display)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  hangar_display_set_scaling (display, HANGAR_DISPLAY_SCALING_ONE_TO_ONE);
  gtk_window_set_child (window, GTK_WIDGET (display));
  gtk_window_present (window);
  return window;
}

/* Once the console shows the guest: the password was asked once, the console rides
 * the host's SSH session (still one TCP connection to sshd), and the picture becomes
 * the guest's screen, the text-cursor cell aside (it blinks). */
static void
assert_console_over_ssh (HangarDisplay *display,
                         E2eGuest      *shown)
{
  GdkRectangle diff;

  g_assert_cmpuint (passwords_asked, ==, 1);
  g_assert_cmpuint (e2e_sshd_connections (), ==, 1);

  e2e_display_wait_for_guest (display, shown, 10000, &diff);
  g_assert_cmpint (diff.width, <=, 9);
  g_assert_cmpint (diff.height, <=, 16);
}

static void
test_console_over_ssh (void)
{
  g_autoptr(HangarConnection) remote = connect_over_ssh ();
  HangarGuest *remote_guest = hangar_connection_find_guest (remote, guest->name);
  HangarDisplay *display = HANGAR_DISPLAY (hangar_vnc_display_new ());
  GtkWindow *window;

  g_assert_nonnull (remote_guest);
  g_assert_cmpint (hangar_guest_get_state (remote_guest), ==, HANGAR_GUEST_STATE_RUNNING);

  passwords_asked = 0;
  window = show_display (display);
  g_signal_connect (display, "password-needed", G_CALLBACK (on_password_needed_cb), NULL);
  hangar_vnc_display_open (HANGAR_VNC_DISPLAY (display), remote_guest);
  if (!e2e_wait_for (display_shows_guest, display, 30000) ||
      hangar_display_get_state (display) != HANGAR_DISPLAY_STATE_CONNECTED)
    g_error ("The console over SSH did not show the guest: %s",
             hangar_display_get_status_message (display));
  assert_console_over_ssh (display, guest);

  gtk_window_destroy (window);
  hangar_connection_close (remote);
}

/* SPICE opens a socket per channel: each is another `ssh -W` through the same session,
 * and the password refused at first is asked for and given. */
static void
test_spice_over_ssh (void)
{
  g_autoptr(HangarConnection) remote = connect_over_ssh ();
  HangarGuest *remote_guest = hangar_connection_find_guest (remote, spice_guest->name);
  HangarDisplay *display = HANGAR_DISPLAY (hangar_spice_display_new ());
  GtkWindow *window;

  g_assert_nonnull (remote_guest);

  passwords_asked = 0;
  window = show_display (display);
  g_signal_connect (display, "password-needed", G_CALLBACK (on_password_needed_cb), NULL);
  hangar_spice_display_open (HANGAR_SPICE_DISPLAY (display), remote_guest);
  if (!e2e_wait_for (e2e_display_shows_picture, display, 30000))
    g_error ("The SPICE console over SSH did not show the guest: %s",
             hangar_display_get_status_message (display));
  assert_console_over_ssh (display, spice_guest);

  e2e_spice_wait_linked (30000);
  gtk_window_destroy (window);
  hangar_connection_close (remote);
}

/* Closed and opened again at once, ten times: each open connects (the new libvirt ssh
 * must not join the master of the session just closed, which is exiting), and the
 * host keeps one SSH session once the old one has ended. */
static void
test_reopen_at_once (void)
{
  g_autoptr(HangarConnection) remote = connect_over_ssh ();

  /* Statistics every 100 ms (two guests run): a sample in flight when the host closes
   * holds libvirt's connection, and its ssh master, a little longer, as in real use. */
  hangar_connection_set_stats_interval (remote, 100);
  for (guint i = 0; i < 10; i++)
    {
      hangar_connection_close (remote);
      open_over_ssh (remote);
      g_assert_nonnull (hangar_connection_find_guest (remote, guest->name));
    }
  hangar_connection_close (remote);
}

static gboolean
all_show_guests (gpointer data)
{
  HangarDisplay **displays = data;

  for (guint i = 0; i < 3; i++)
    if (hangar_display_get_state (displays[i]) != HANGAR_DISPLAY_STATE_CONNECTED ||
        hangar_display_get_frame_count (displays[i]) == 0)
      return FALSE;
  return TRUE;
}

/* Three consoles of one host open at once, as three guest windows would: two VNC
 * guests and a SPICE one (a socket per channel). Host, statistics and every console
 * ride one SSH session: sshd serves one connection throughout. */
static void
test_three_consoles (void)
{
  g_autoptr(HangarConnection) remote = connect_over_ssh ();
  E2eGuest *shown[3] = { guest, second_guest, spice_guest };
  HangarDisplay *displays[3];
  GtkWindow *windows[3];

  hangar_connection_set_stats_interval (remote, 500);
  passwords_asked = 0;
  for (guint i = 0; i < 3; i++)
    {
      HangarGuest *remote_guest = hangar_connection_find_guest (remote, shown[i]->name);

      g_assert_nonnull (remote_guest);
      displays[i] = HANGAR_DISPLAY (i < 2 ? hangar_vnc_display_new () : hangar_spice_display_new ());
      windows[i] = show_display (displays[i]);
      g_signal_connect (displays[i], "password-needed", G_CALLBACK (on_password_needed_cb), NULL);
      if (i < 2)
        hangar_vnc_display_open (HANGAR_VNC_DISPLAY (displays[i]), remote_guest);
      else
        hangar_spice_display_open (HANGAR_SPICE_DISPLAY (displays[i]), remote_guest);
    }
  if (!e2e_wait_for (all_show_guests, displays, 60000))
    g_error ("The three consoles over SSH did not all show their guest: %s / %s / %s",
             hangar_display_get_status_message (displays[0]),
             hangar_display_get_status_message (displays[1]),
             hangar_display_get_status_message (displays[2]));
  g_assert_cmpuint (passwords_asked, ==, 3);
  e2e_spin (1000);
  g_test_message ("three consoles and the host: %u SSH connection(s) to sshd",
                  e2e_sshd_connections ());
  g_assert_cmpuint (e2e_sshd_connections (), ==, 1);

  e2e_spice_wait_linked (30000);
  for (guint i = 0; i < 3; i++)
    gtk_window_destroy (windows[i]);
  hangar_connection_close (remote);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  e2e_gtk_test_init (&argc, &argv);

  sshd_port = e2e_sshd_start ();
  /* A password on the console: local fds skip it, a tunnel must give it. */
  guest = e2e_guest_boot_with_password ("vnc", "hangarpw");
  second_guest = e2e_guest_boot_with_password ("vnc", "hangarpw");
  spice_guest = e2e_guest_boot_with_password ("spice", "hangarpw");

  g_test_add_func ("/e2e/remote/console-over-ssh", test_console_over_ssh);
  g_test_add_func ("/e2e/remote/spice-over-ssh", test_spice_over_ssh);
  g_test_add_func ("/e2e/remote/three-consoles", test_three_consoles);
  g_test_add_func ("/e2e/remote/reopen-at-once", test_reopen_at_once);
  ret = g_test_run ();

  e2e_guest_free (guest);
  e2e_guest_free (second_guest);
  e2e_guest_free (spice_guest);
  e2e_sshd_stop ();
  return ret;
}
