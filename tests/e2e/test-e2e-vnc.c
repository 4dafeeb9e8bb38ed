// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Hangar's VNC console against a real QEMU guest on the real libvirtd, under Xvfb:
 * the widget's picture at 1:1 equals libvirt's screenshot of the guest, and keys typed
 * as real X11 key events (xdotool, XTEST) reach the guest's shell; the console is
 * reached over TCP on its loopback port.
 */
#define G_LOG_DOMAIN "test-e2e-vnc"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <gtk/gtk.h>

#include "e2e-guest.h"
#include "hangar-vnc-display.h"

static E2eGuest *guest;
static GtkWindow *window;
static HangarDisplay *display;

/* What the widget draws in its picture area, rendered by the window's renderer. */
static GdkTexture *
render_display (void)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  graphene_rect_t rect;

  GTK_WIDGET_GET_CLASS (display)->snapshot (GTK_WIDGET (display), snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  hangar_display_get_draw_rect (display, &rect);
  return gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                      &rect);
}

static void
test_picture_matches_guest (void)
{
  GdkRectangle diff = { 0 };
  guint mismatched = 0;

  for (int attempt = 0; attempt < 6; attempt++)
    {
      g_autoptr(GdkTexture) shot = e2e_guest_screenshot (guest);
      g_autoptr(GdkTexture) picture = NULL;

      /* Let the update the screenshot may have caused reach the widget. */
      e2e_spin (400);
      picture = render_display ();
      mismatched = e2e_compare_textures (shot, picture, &diff);
      g_test_message ("attempt %d: %d×%d, %u pixels differ in %d,%d %d×%d", attempt,
                      gdk_texture_get_width (shot), gdk_texture_get_height (shot), mismatched,
                      diff.x, diff.y, diff.width, diff.height);
      if (mismatched == 0)
        return;
    }

  /* The VGA text cursor blinks on its own clock: a difference confined to one character
   * cell (9×16) is the cursor, anything more is a wrong picture. */
  g_assert_cmpint (diff.width, <=, 9);
  g_assert_cmpint (diff.height, <=, 16);
}

typedef struct {
  const char *text;
} SerialWait;

static gboolean
serial_has (gpointer data)
{
  return e2e_guest_serial_has (guest, ((SerialWait *)data)->text);
}

static void
test_keys_reach_guest (void)
{
  g_autofree char *xid = e2e_window_xid (window);
  SerialWait wait = { "HANGAR42" };

  g_assert_false (e2e_guest_serial_has (guest, wait.text));

  gtk_widget_grab_focus (GTK_WIDGET (display));
  e2e_xdotool ("windowfocus", "--sync", xid, NULL);
  e2e_spin (300);

  /* Garbage the guest must drop (Ctrl+U kills the line), then the command typed with its
   * first letter missing, which the Left arrows go back to insert. Letters, digits,
   * shifted symbols, a Ctrl combination, arrows and Enter all have to arrive. */
  e2e_xdotool ("type", "--delay", "40", "junk 123", NULL);
  e2e_xdotool ("key", "--delay", "40", "ctrl+u", NULL);
  e2e_xdotool ("type", "--delay", "40", "cho HANGAR$((6*7)) >/dev/ttyS0", NULL);
  e2e_xdotool ("key", "--delay", "40", "--repeat", "30", "Left", NULL);
  e2e_xdotool ("type", "--delay", "40", "e", NULL);
  e2e_xdotool ("key", "Return", NULL);

  if (!e2e_wait_for (serial_has, &wait, 20000))
    g_error ("The guest never printed %s: the typed keys did not arrive as typed", wait.text);
  g_assert_true (hangar_display_get_grabbed (display));
}

/* The guest's view of the click: the last tablet X and Y before a left-button press,
 * from the raw event lines hangar-input-log writes for the tablet (see tests/guest/build-guest.sh). */
static gboolean
find_click (int *abs_x,
            int *abs_y)
{
  g_autofree char *log = NULL;
  g_auto(GStrv) lines = NULL;
  int x = -1, y = -1;

  if (!g_file_get_contents (guest->serial_log, &log, NULL, NULL))
    return FALSE;
  lines = g_strsplit (log, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      long v[4];

      /* sec, usec (each two 32-bit halves) then type+code*65536 and value. */
      if (sscanf (lines[i], "%*d %*d %*d %*d %ld %ld", &v[0], &v[1]) != 2)
        continue;
      if (v[0] == 3)                     /* EV_ABS, ABS_X */
        x = (int)v[1];
      else if (v[0] == 3 + (1 << 16))    /* EV_ABS, ABS_Y */
        y = (int)v[1];
      else if (v[0] == 1 + (0x110 << 16) && v[1] == 1 && x >= 0 && y >= 0) /* BTN_LEFT down */
        {
          *abs_x = x;
          *abs_y = y;
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
click_logged (gpointer data)
{
  int *xy = data;

  return find_click (&xy[0], &xy[1]);
}

/* How the click is seen: the guest has a virtio tablet; a logger started from its shell
 * (typed through the console) copies the tablet's raw input events to the serial port.
 * QEMU scales a VNC position p on a screen of size s to p * 32767 / s on the tablet.
 * Where to click comes from the sizes alone: the guest's screen (libvirt's screenshot)
 * at 1:1, centred in the widget on whole pixels. */
static void
test_click_lands (void)
{
  g_autofree char *xid = e2e_window_xid (window);
  g_autoptr(GdkTexture) shot = e2e_guest_screenshot (guest);
  const int gx = 300, gy = 200;
  int width = gdk_texture_get_width (shot);
  int height = gdk_texture_get_height (shot);
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (display));
  double left = floor ((gtk_widget_get_width (GTK_WIDGET (display)) * scale - width) / 2.0) / scale;
  double top = floor ((gtk_widget_get_height (GTK_WIDGET (display)) * scale - height) / 2.0) / scale;
  graphene_point_t point;
  g_autofree char *wx = NULL;
  g_autofree char *wy = NULL;
  int xy[2] = { -1, -1 };

  e2e_xdotool_live ("type", "--delay", "40", "hangar-input-log '*Tablet*' &", NULL);
  e2e_xdotool_live ("key", "Return", NULL);
  e2e_spin (1500);

  /* The centre of guest pixel (gx, gy), in window coordinates. */
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (display)) * scale, >=, width);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (display)) * scale, >=, height);
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (display), GTK_WIDGET (window),
                                           &GRAPHENE_POINT_INIT (left + (gx + 0.5) / scale,
                                                                 top + (gy + 0.5) / scale),
                                           &point));
  wx = g_strdup_printf ("%d", (int)point.x);
  wy = g_strdup_printf ("%d", (int)point.y);
  e2e_xdotool ("mousemove", "--window", xid, wx, wy, NULL);
  e2e_spin (300);
  e2e_xdotool ("click", "1", NULL);

  if (!e2e_wait_for (click_logged, xy, 15000))
    g_error ("The guest saw no click on its tablet");
  g_test_message ("click at %d,%d of %d×%d: tablet %d,%d", gx, gy, width, height, xy[0], xy[1]);
  /* Back to guest pixels: the same pixel, give or take QEMU's integer rounding. */
  g_assert_cmpfloat (fabs (xy[0] * (double)width / 32767.0 - gx), <, 1.0);
  g_assert_cmpfloat (fabs (xy[1] * (double)height / 32767.0 - gy), <, 1.0);
}

static gint64 boot_requested;
static gint64 boot_returned;

/* The guest was already running when Hangar connected, so no start event told Hangar
 * when it started: the time comes from the QEMU process named by libvirt's pid file. */
static void
test_start_time (void)
{
  gint64 start = hangar_guest_get_start_time (guest->guest);

  g_assert_cmpint (start, !=, 0);
  /* /proc counts in clock ticks (10 ms); a second of slack for the clocks. */
  g_assert_cmpint (start, >=, boot_requested - G_USEC_PER_SEC);
  g_assert_cmpint (start, <=, boot_returned);
}

/* The guest's console listens on loopback without a password: Hangar reaches it over
 * TCP, on QEMU's own port, not through libvirt's socket. */
static void
test_direct (void)
{
  int port = e2e_guest_graphics_port (guest);

  g_assert_cmpint (port, >, 0);
  g_assert_cmpuint (e2e_tcp_connections_to (port), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  e2e_gtk_test_init (&argc, &argv);

  boot_requested = g_get_real_time ();
  guest = e2e_guest_boot ("vnc");
  boot_returned = g_get_real_time ();

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 900, 600);
  display = HANGAR_DISPLAY (hangar_vnc_display_new ());
  hangar_display_set_scaling (display, HANGAR_DISPLAY_SCALING_ONE_TO_ONE);
  gtk_window_set_child (window, GTK_WIDGET (display));
  gtk_window_present (window);

  hangar_vnc_display_open (HANGAR_VNC_DISPLAY (display), guest->guest);
  if (!e2e_wait_for (e2e_display_shows_picture, display, 20000))
    g_error ("The VNC console did not show the guest: %s",
             hangar_display_get_status_message (display));

  g_test_add_func ("/e2e/vnc/picture-matches-guest", test_picture_matches_guest);
  g_test_add_func ("/e2e/vnc/keys-reach-guest", test_keys_reach_guest);
  g_test_add_func ("/e2e/vnc/click-lands", test_click_lands);
  g_test_add_func ("/e2e/vnc/start-time", test_start_time);
  g_test_add_func ("/e2e/vnc/direct", test_direct);
  ret = g_test_run ();

  gtk_window_destroy (window);
  e2e_guest_free (guest);
  return ret;
}
