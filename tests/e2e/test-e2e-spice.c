// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Hangar's SPICE console against a real QEMU guest on the real libvirtd, under Xvfb
 * (HANGAR_TEST_LIBVIRT_URI, HANGAR_TEST_GUEST_DIR and DISPLAY from build-aux/test; the
 * test fails without them, it never skips):
 *   - the widget's framebuffer at 1:1 equals libvirt's screenshot, pixel for pixel;
 *   - closed and opened again, it connects and shows the guest again;
 *   - keys typed as X11 key events reach the guest's tty1 shell, which runs
 *     `echo $((6*7)) >/dev/ttyS0`: 42 arrives on the serial port;
 *   - it is reached over TCP on its loopback port;
 *   - when the guest goes away the display says so.
 */
#define G_LOG_DOMAIN "test-e2e-spice"

#include "config.h"

#include <gtk/gtk.h>

#include "e2e-guest.h"
#include "hangar-spice-display.h"

#define CONNECT_TIMEOUT_MS 15000
#define PICTURE_TIMEOUT_MS 15000
#define KEYS_TIMEOUT_MS    15000

static E2eGuest *guest;
static GtkWindow *window;
static HangarDisplay *display;

static gint64
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000;
}

/* Connected, or given up with a reason: either way, no point waiting longer. */
static gboolean
display_settled (gpointer data)
{
  HangarDisplayState state = hangar_display_get_state (display);

  return state == HANGAR_DISPLAY_STATE_CONNECTED ||
         (state == HANGAR_DISPLAY_STATE_DISCONNECTED &&
          hangar_display_get_status_message (display) != NULL);
}

static gboolean
display_has_new_frame (gpointer data)
{
  return hangar_display_get_frame_count (display) > *(guint64 *)data;
}

/* Opens the console and waits for its first frame. */
static void
open_display (void)
{
  guint64 frames = hangar_display_get_frame_count (display);
  gint64 start = g_get_monotonic_time ();

  hangar_spice_display_open (HANGAR_SPICE_DISPLAY (display), guest->guest);
  if (!e2e_wait_for (display_settled, NULL, CONNECT_TIMEOUT_MS) ||
      hangar_display_get_state (display) != HANGAR_DISPLAY_STATE_CONNECTED)
    g_error ("The SPICE console did not connect within %d s: %s", CONNECT_TIMEOUT_MS / 1000,
             hangar_display_get_status_message (display));
  g_test_message ("connected in %" G_GINT64_FORMAT " ms", ms_since (start));
  if (!e2e_wait_for (display_has_new_frame, &frames, CONNECT_TIMEOUT_MS))
    g_error ("The SPICE console connected but showed no picture");
  g_test_message ("first frame after %" G_GINT64_FORMAT " ms (%d×%d)", ms_since (start),
                  hangar_display_get_guest_width (display),
                  hangar_display_get_guest_height (display));
}

static void
test_picture_matches_guest (void)
{
  GdkRectangle diff;

  /* No tolerance: some frame of the console equals libvirt's picture exactly. */
  if (e2e_display_wait_for_guest (display, guest, PICTURE_TIMEOUT_MS, &diff) != 0)
    {
      g_autofree char *path = g_build_filename (g_get_tmp_dir (), "test-e2e-spice.png", NULL);

      hangar_display_save_screenshot (display, path, NULL);
      g_error ("The SPICE picture (saved to %s, %d×%d) never equalled libvirt's screenshot "
               "within %d s: pixels differ in %d,%d %d×%d", path,
               hangar_display_get_guest_width (display),
               hangar_display_get_guest_height (display), PICTURE_TIMEOUT_MS / 1000,
               diff.x, diff.y, diff.width, diff.height);
    }
}

static void
test_reopen (void)
{
  e2e_spice_wait_linked (CONNECT_TIMEOUT_MS);
  hangar_spice_display_close (HANGAR_SPICE_DISPLAY (display));
  g_assert_cmpint (hangar_display_get_state (display), ==, HANGAR_DISPLAY_STATE_DISCONNECTED);
  open_display ();
}

typedef struct {
  gsize       offset; /* what the serial log held before typing */
  const char *text;
} SerialWait;

static gboolean
serial_has_new (gpointer data)
{
  SerialWait *w = data;
  g_autofree char *contents = NULL;
  gsize length = 0;

  return g_file_get_contents (guest->serial_log, &contents, &length, NULL) &&
         length > w->offset &&
         g_strstr_len (contents + w->offset, length - w->offset, w->text) != NULL;
}

static void
test_keys_reach_guest (void)
{
  g_autofree char *xid = e2e_window_xid (window);
  g_autofree char *before = NULL;
  SerialWait wait = { 0, "42" };
  gint64 start;

  g_file_get_contents (guest->serial_log, &before, &wait.offset, NULL);
  gtk_widget_grab_focus (GTK_WIDGET (display));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (display)));

  start = g_get_monotonic_time ();
  /* A keystroke every 50 ms at most (xdotool's default is 12): QEMU's PS/2 keyboard
   * queue holds 16 bytes and its SPICE input, unlike its VNC server, has no key delay,
   * so a burst that meets a descheduled TCG vCPU on a busy host loses keys. */
  e2e_xdotool_live ("type", "--delay", "50", "--window", xid, "echo $((6*7)) >/dev/ttyS0",
                    NULL);
  e2e_xdotool_live ("key", "--window", xid, "Return", NULL);
  if (!e2e_wait_for (serial_has_new, &wait, KEYS_TIMEOUT_MS))
    {
      g_autofree char *path = g_build_filename (g_get_tmp_dir (), "test-e2e-spice-keys.png",
                                                NULL);

      hangar_display_save_screenshot (display, path, NULL);
      g_error ("The guest's shell never printed 42 on ttyS0 within %d s: the typed keys "
               "did not arrive as typed (its screen is in %s)", KEYS_TIMEOUT_MS / 1000, path);
    }
  g_test_message ("42 on the serial port %" G_GINT64_FORMAT " ms after typing began",
                  ms_since (start));
  g_assert_true (hangar_display_get_grabbed (display));
}

/* The guest's console listens on loopback without a password: Hangar reaches it over
 * TCP, on QEMU's own port (a connection per channel: main, display, inputs, cursor),
 * not through libvirt's socket. */
static void
test_direct (void)
{
  int port = e2e_guest_graphics_port (guest);

  g_assert_cmpint (port, >, 0);
  g_assert_cmpuint (e2e_tcp_connections_to (port), >=, 2);
}

static gboolean
display_disconnected (gpointer data)
{
  return hangar_display_get_state (display) == HANGAR_DISPLAY_STATE_DISCONNECTED;
}

static void
test_guest_gone (void)
{
  gint64 start = g_get_monotonic_time ();

  g_assert_cmpint (virDomainDestroy (guest->domain), ==, 0);
  if (!e2e_wait_for (display_disconnected, NULL, 10000))
    g_error ("The SPICE console still says connected 10 s after the guest was destroyed");
  g_assert_nonnull (hangar_display_get_status_message (display));
  g_test_message ("disconnected %" G_GINT64_FORMAT " ms after the guest was destroyed: %s",
                  ms_since (start), hangar_display_get_status_message (display));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  /* The keys come as X11 events (xdotool), so Xvfb and GTK's X11 backend. */
  e2e_gtk_test_init (&argc, &argv);

  guest = e2e_guest_boot ("spice");

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 900, 600);
  display = HANGAR_DISPLAY (hangar_spice_display_new ());
  g_object_add_weak_pointer (G_OBJECT (display), (gpointer *)&display);
  hangar_display_set_scaling (display, HANGAR_DISPLAY_SCALING_ONE_TO_ONE);
  gtk_window_set_child (window, GTK_WIDGET (display));
  gtk_window_present (window);
  open_display ();

  g_test_add_func ("/e2e/spice/picture-matches-guest", test_picture_matches_guest);
  g_test_add_func ("/e2e/spice/reopen", test_reopen);
  g_test_add_func ("/e2e/spice/keys-reach-guest", test_keys_reach_guest);
  g_test_add_func ("/e2e/spice/direct", test_direct);
  g_test_add_func ("/e2e/spice/guest-gone", test_guest_gone);
  ret = g_test_run ();

  gtk_window_destroy (window);
  e2e_spin (100);
  /* Nothing keeps the widget (a SPICE channel, a pending socket request) alive. */
  g_assert_null (display);
  e2e_guest_free (guest);
  return ret;
}
